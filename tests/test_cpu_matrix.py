"""tools/cpu_matrix.py: a row whose setting did not take effect fails; the libm shim is a libm."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("cpu_matrix", ROOT / "tools" / "cpu_matrix.py")
cm = importlib.util.module_from_spec(spec)
sys.modules.setdefault("cpu_matrix", cm)           # dataclasses look their module up
spec.loader.exec_module(cm)

HASHES = {k: "0" * 10 for k in ("exp", "tanh", "log", "sin", "exp_f32", "matmul_7x13x5",
                                "matmul_300")}
DEFAULT = {"found": ["AVX512_ICL", "X86_V3", "X86_V4"], "blas_core": "SkylakeX",
           "blas_threads": 1, "hashes": HASHES}


def _got(**changes):
    got = json.loads(json.dumps(DEFAULT))
    got.update(changes)
    return got


def test_every_row_names_what_must_change():
    assert len(cm.ROWS) == 7 and cm.ROWS[0].env == {}
    for row in cm.ROWS[1:]:
        assert row.env and (row.differs or row.disabled or row.coretype)
    assert {r.threads for r in cm.ROWS} == {1, 2, 4}
    assert {r.coretype for r in cm.ROWS} >= {"Haswell", "Sandybridge", "Prescott"}


def test_a_setting_without_effect_fails_the_row():
    no_avx512, baseline, haswell, four = cm.ROWS[1], cm.ROWS[2], cm.ROWS[3], cm.ROWS[5]
    changed = {**HASHES, "exp": "1" * 10, "log": "2" * 10, "tanh": "3" * 10,
               "exp_f32": "4" * 10, "matmul_300": "5" * 10, "matmul_7x13x5": "6" * 10}
    assert cm.check_row(no_avx512, _got(found=["X86_V3"], hashes=changed), DEFAULT) == ([], None)
    problems, _ = cm.check_row(no_avx512, _got(hashes=changed), DEFAULT)
    assert "numpy still dispatches to X86_V4 AVX512_ICL" in problems[0]
    problems, _ = cm.check_row(no_avx512, _got(found=["X86_V3"]), DEFAULT)
    assert "same result as the default for exp, log" in problems[0]
    problems, _ = cm.check_row(baseline, _got(found=[], hashes=changed), DEFAULT)
    assert problems == ["OpenBLAS runs 1 threads, not 2"]
    problems, _ = cm.check_row(haswell, _got(hashes=changed), DEFAULT)
    assert problems == ["OpenBLAS core is SkylakeX, not Haswell"]
    assert cm.check_row(four, _got(blas_core="Katmai", blas_threads=4, hashes=changed),
                        DEFAULT) == ([], None)
    # a CPU without AVX-512 cannot simulate the row: skipped, with the reason
    _, skip = cm.check_row(no_avx512, _got(), _got(found=["X86_V3"]))
    assert skip == "this CPU has no X86_V4 AVX512_ICL to switch off"


SHIM_CHECK = r"""
import numpy as np
ref = {n: getattr(np, n).__wrapped__ for n in ("exp", "tanh", "log", "sin")}
x = np.linspace(-20, 20, 40001)
xp = np.linspace(1e-3, 50, 40001)
moved = {}
for name, arg in (("exp", x), ("tanh", x), ("log", xp), ("sin", x)):
    a, b = getattr(np, name)(arg), ref[name](arg)
    ulps = np.abs(a - b) / np.spacing(np.abs(b))
    assert np.all(ulps <= 1.0), name                       # at most 1 ulp apart
    assert np.array_equal(a, getattr(np, name)(arg)), name  # the same input, the same result
    moved[name] = float(np.mean(a != b))
assert np.all(np.abs(np.tanh(x)) <= 1.0)                    # a libm's tanh stays in [-1, 1]
out = np.empty_like(x)
assert np.exp(x, out=out) is out and np.array_equal(out, np.exp(x))
assert np.exp(np.float64(1.0)).dtype == np.float64 and np.exp.outer == ref["exp"].outer
print(moved)
"""


@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_libm_row_moves_results_by_at_most_one_ulp_deterministically(tmp_path, seed):
    (tmp_path / "sitecustomize.py").write_text(cm.SITECUSTOMIZE, encoding="utf-8")
    env = dict(os.environ, CPU_MATRIX_ULP_SEED=seed, PYTHONPATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", SHIM_CHECK], env=env, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    moved = eval(out.stdout)                                # {name: share of results moved}
    assert all(0.3 < share < 0.7 for share in moved.values()), moved


def test_a_claim_left_out_of_a_row_exists_and_runs_in_most_rows():
    """A row may leave a slow claim test to the others; the name must still match a test."""
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_nb*.py"))
    left_out = [(i, name) for i, row in enumerate(cm.ROWS) for name in row.deselect]
    assert left_out, "no row leaves a test out: remove this test"
    for i, name in left_out:
        assert f"def {name}(" in tests, f"row {i} leaves out {name}, which does not exist"
        assert "claim" in name and cm.ROWS[i].note
        assert sum(name not in row.deselect for row in cm.ROWS) >= 5
        assert any(row.threads == 2 and name not in row.deselect for row in cm.ROWS)
