#!/usr/bin/env python3
"""Re-run strict nbval and the claim tests as if on other CPUs.

    python tools/cpu_matrix.py             # every row (7 rows, about 14 minutes on 2 cores)
    python tools/cpu_matrix.py --list      # the rows and their environment variables
    python tools/cpu_matrix.py 1 4         # only rows 1 and 4
    python tools/cpu_matrix.py --probe-only   # only check that each setting takes effect
    python tools/cpu_matrix.py 6 --ulp-seed 7 # the libm row with another pattern

A stored notebook output, and every claim test, must not depend on which SIMD
kernels numpy picks, which OpenBLAS kernels do the matrix products, how many
BLAS threads share the work, or the last bit of exp/log/tanh (another libm,
e.g. on ARM). Each row changes some of these through environment variables
and runs, in fresh processes (their notebook kernels inherit the variables),

    pytest --nbval notebooks -n 2 --dist loadfile     (strict: every stored output)
    pytest tests/test_claims.py tests/test_nb*.py -k claim

Before a row runs, a probe (a fresh Python with the row's environment) prints
what numpy and OpenBLAS report and sha256 prefixes of a few ufunc and matmul
results; the row fails if its setting did not take effect (a SIMD target
still found, another OpenBLAS core or thread count than asked for, or a
result that should differ from row 0's and does not). A row this CPU cannot
simulate (no AVX-512 to switch off, already that OpenBLAS core) is skipped
with the reason.

The knobs:

* ``NPY_DISABLE_CPU_FEATURES``: numpy 2.4 accepts only the dispatch targets
  of its build (``numpy.show_runtime()``: X86_V3, X86_V4, AVX512_ICL,
  AVX512_SPR on x86-64; another name is an ImportWarning, which fails the
  probe). Disabling X86_V4 alone leaves AVX512_ICL enabled, so "no AVX-512"
  disables X86_V4 AVX512_ICL AVX512_SPR; adding X86_V3 leaves only the
  baseline (X86_V2: SSE4.2, no AVX).
* ``OPENBLAS_CORETYPE``: any core of the wheel's DYNAMIC_ARCH OpenBLAS;
  Prescott selects the plain SSE kernels (threadpoolctl reports "Katmai").
* Threads: ``OPENBLAS_NUM_THREADS`` is capped at the number of cores, so a
  row asking for more threads than the machine has sets them after numpy is
  imported, with threadpoolctl in a ``sitecustomize`` module put on
  PYTHONPATH (the pytest processes and every notebook kernel).
* Another libm: the same ``sitecustomize`` replaces numpy's exp, expm1, log,
  log1p, log2, log10, tanh, sinh, cosh, sin, cos, tan, arctan, arctanh and
  power by versions that move some results 1 ulp up or down; which ones
  depends only on the input's bits (and ``CPU_MATRIX_ULP_SEED``), so the same
  input always gives the same result, as with a real libm. Code that calls the
  ufuncs as ``np.exp(...)`` sees them (lessons_lib does); ``a ** b`` does not.

Needs threadpoolctl (``pip install threadpoolctl``; not a dependency of the
lessons) and an x86-64 CPU. Exit status 0 if every row that ran passed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NO_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
BASELINE_ONLY = NO_AVX512 + " X86_V3"


@dataclass
class Row:
    """One simulated machine: environment variables and what must take effect."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    threads: int = 1                     # BLAS threads the probe must see
    disabled: tuple[str, ...] = ()       # numpy SIMD targets that must be off
    coretype: str | None = None          # OpenBLAS core the probe must see
    differs: tuple[str, ...] = ()        # probe results that must differ from row 0
    note: str = ""                       # printed with the row
    deselect: tuple[str, ...] = ()       # claim tests this row leaves to the others (note why)


ROWS = [
    Row("default (1 BLAS thread, as conftest.py sets)"),
    Row("numpy without AVX-512", {"NPY_DISABLE_CPU_FEATURES": NO_AVX512},
        disabled=("X86_V4", "AVX512_ICL"), differs=("exp", "log")),
    Row("numpy baseline only (SSE4.2), 2 BLAS threads",
        {"NPY_DISABLE_CPU_FEATURES": BASELINE_ONLY, "OPENBLAS_NUM_THREADS": "2"},
        threads=2, disabled=("X86_V4", "AVX512_ICL", "X86_V3"),
        differs=("exp", "tanh", "exp_f32", "matmul_300")),
    Row("OpenBLAS Haswell (AVX2)", {"OPENBLAS_CORETYPE": "Haswell"},
        coretype="Haswell", differs=("matmul_7x13x5",)),
    Row("OpenBLAS Sandybridge (AVX), 2 BLAS threads",
        {"OPENBLAS_CORETYPE": "Sandybridge", "OPENBLAS_NUM_THREADS": "2"},
        threads=2, coretype="Sandybridge", differs=("matmul_7x13x5", "matmul_300")),
    Row("OpenBLAS Prescott (SSE3), 4 BLAS threads",
        {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "4", "OMP_NUM_THREADS": "4",
         # idle BLAS threads spin for 2^4 cycles only (default 2^28): 4 threads on 2
         # cores otherwise wait for each other; the results do not change
         "OPENBLAS_THREAD_TIMEOUT": "4"},
        threads=4, coretype="Prescott", differs=("matmul_7x13x5", "matmul_300"),
        deselect=("test_claim_estimate_tracks_the_measurement_within_50_mostly_3",),
        note="with 4 BLAS threads on 2 cores every matrix product waits for a context "
             "switch: lesson 05's grid of 1,650 gradient profiles would take ~5 minutes "
             "here instead of 15 s; it runs in the six other rows (two with 2 threads)"),
    Row("another libm (e.g. ARM): exp, log, tanh, sin ... 1 ulp apart",
        {"CPU_MATRIX_ULP_SEED": "1"}, differs=("exp", "tanh", "log", "sin"),
        note="numpy's exp, expm1, log, log1p, log10, tanh, sin, cos, power ... return "
             "some results 1 ulp up or down (which ones depends on the input's bits: "
             "deterministic, like a real libm); CPU_MATRIX_ULP_SEED picks another pattern"),
]

#: What rows with more than one BLAS thread leave to the one-thread rows: lesson 12's
#: experiments run under ``lessons_lib.speed.one_blas_thread()`` (or multiply matrices
#: too small for a second OpenBLAS thread), so the thread count cannot change them.
ONE_THREAD_ONLY = ("notebooks/12_modern_remedies.ipynb", "tests/test_nb12_modern_remedies.py")

# OpenBLAS reports some forced cores under the name of the kernels it uses.
CORE_ALIASES = {"Prescott": {"Prescott", "Katmai"}}

SITECUSTOMIZE = r'''
"""Written by tools/cpu_matrix.py for the notebook kernels and pytest processes of one row."""
import os

_threads = os.environ.get("CPU_MATRIX_BLAS_THREADS")
if _threads:                    # more BLAS threads than OPENBLAS_NUM_THREADS allows (cores)
    import numpy  # noqa: F401  (loads OpenBLAS so that threadpoolctl finds it)
    import threadpoolctl

    threadpoolctl.threadpool_limits(int(_threads), user_api="blas")

_seed = os.environ.get("CPU_MATRIX_ULP_SEED")
if _seed:                       # another libm: elementary functions 1 ulp apart
    import numpy as _np

    _ULPS = float(os.environ.get("CPU_MATRIX_ULPS", "1"))
    _K = _np.uint64((0x9E3779B97F4A7C15 * (2 * int(_seed) + 1)) % 2**64)
    _BOUNDED = {"tanh", "sin", "cos"}          # results stay within [-1, 1]

    def _nudge(name, x, r):
        """Move some results up or down by _ULPS units in the last place.

        Which results move, and which way, depends only on the input's bits
        (and the seed): the same input always gives the same output, as with
        any libm.
        """
        r_arr = _np.asarray(r)
        x = _np.asarray(x)
        if r_arr.dtype.kind != "f" or x.dtype.kind not in "fiu" or (
                x.shape != r_arr.shape and x.size != 1):
            return r
        bits = _np.broadcast_to(x, r_arr.shape).astype(_np.float64).view(_np.uint64)
        sel = (bits * _K) >> _np.uint64(62)                 # 0..3, a hash of the input
        step = (sel == 2).astype(r_arr.dtype) - (sel == 1).astype(r_arr.dtype)
        with _np.errstate(all="ignore"):
            moved = r_arr + step * _ULPS * _np.spacing(_np.abs(r_arr))
            if name in _BOUNDED:
                moved = _np.clip(moved, -1.0, 1.0)
        keep = ~_np.isfinite(r_arr) | ~_np.isfinite(moved) | (r_arr == 0) | (
            _np.sign(moved) != _np.sign(r_arr))
        out = _np.where(keep, r_arr, moved).astype(r_arr.dtype)
        return r_arr.dtype.type(out) if _np.ndim(r) == 0 else out

    class _Nudged:
        """A ufunc whose calls return nudged results; .outer, .reduce etc. are the ufunc's."""

        def __init__(self, name, f):
            self._name, self._f = name, f
            self.__name__, self.__doc__, self.__wrapped__ = f.__name__, f.__doc__, f

        def __getattr__(self, attr):
            return getattr(self._f, attr)

        def __call__(self, x, *args, out=None, **kw):
            r = _nudge(self._name, x, self._f(x, *args, **kw))
            if out is None:
                return r
            o = out[0] if isinstance(out, tuple) else out
            o[...] = r
            return o

    for _name in ("exp", "expm1", "exp2", "log", "log1p", "log2", "log10", "tanh", "sinh",
                  "cosh", "sin", "cos", "tan", "arctan", "arctanh", "power"):
        setattr(_np, _name, _Nudged(_name, getattr(_np, _name)))
'''

PROBE = r'''
import hashlib, json, numpy as np, threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__, __cpu_dispatch__
def h(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:10]
x = np.linspace(-10, 10, 10001)
xp = np.linspace(1e-3, 100, 10001)
r = np.random.default_rng(0)
a, b = r.standard_normal((7, 13)), r.standard_normal((13, 5))
c, d = r.standard_normal((300, 300)), r.standard_normal((300, 300))
blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({
    "found": sorted(k for k in __cpu_dispatch__ if __cpu_features__.get(k)),
    "blas_core": blas[0]["architecture"] if blas else None,
    "blas_threads": blas[0]["num_threads"] if blas else None,
    "hashes": {
        "exp": h(np.exp(x)), "tanh": h(np.tanh(x)), "log": h(np.log(xp)),
        "sin": h(np.sin(x)), "exp_f32": h(np.exp(x.astype(np.float32))),
        "matmul_7x13x5": h(a @ b), "matmul_300": h(c @ d),
    },
}))
'''


def row_env(row: Row, shim: Path, ulp_seed: int | None = None) -> dict[str, str]:
    """The environment of a row: the caller's, minus every knob, plus the row's."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES",
                        "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "OPENBLAS_THREAD_TIMEOUT", "CPU_MATRIX_BLAS_THREADS",
                        "CPU_MATRIX_ULP_SEED", "CPU_MATRIX_ULPS"}}
    env.update(row.env)
    if "CPU_MATRIX_ULP_SEED" in env and ulp_seed is not None:
        env["CPU_MATRIX_ULP_SEED"] = str(ulp_seed)
    env.setdefault("OPENBLAS_NUM_THREADS", str(row.threads))
    env.setdefault("OMP_NUM_THREADS", env["OPENBLAS_NUM_THREADS"])
    if row.threads > (os.cpu_count() or 1):
        env["CPU_MATRIX_BLAS_THREADS"] = str(row.threads)
    if "CPU_MATRIX_BLAS_THREADS" in env or "CPU_MATRIX_ULP_SEED" in env:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim),
                                                          env.get("PYTHONPATH", "")]))
    return env


def probe(env: dict[str, str]) -> dict:
    # numpy reports an unknown NPY_DISABLE_CPU_FEATURES name with an ImportWarning
    out = subprocess.run([sys.executable, "-W", "error::ImportWarning", "-c", PROBE], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"probe failed:\n{out.stderr.strip()}")
    return json.loads(out.stdout)


def check_row(row: Row, got: dict, default: dict) -> tuple[list[str], str | None]:
    """Problems (the setting did not take effect) and a reason to skip the row."""
    problems = []
    absent = [f for f in row.disabled if f not in default["found"]]
    if absent:
        return [], f"this CPU has no {' '.join(absent)} to switch off"
    still = [f for f in row.disabled if f in got["found"]]
    if still:
        problems.append(f"numpy still dispatches to {' '.join(still)}")
    if row.coretype:
        if default["blas_core"] in CORE_ALIASES.get(row.coretype, {row.coretype}):
            return [], f"OpenBLAS already runs {default['blas_core']} kernels here"
        if got["blas_core"] not in CORE_ALIASES.get(row.coretype, {row.coretype}):
            problems.append(f"OpenBLAS core is {got['blas_core']}, not {row.coretype}")
    if got["blas_threads"] != row.threads:
        problems.append(f"OpenBLAS runs {got['blas_threads']} threads, not {row.threads}")
    same = [k for k in row.differs if got["hashes"][k] == default["hashes"][k]]
    if same:
        problems.append(f"same result as the default for {', '.join(same)}")
    return problems, None


def run_tests(env: dict[str, str], threads: int = 1,
              deselect: tuple[str, ...] = ()) -> tuple[bool, str]:
    """Strict nbval on every notebook, then the claim tests; (passed, failure lines).

    Two pytest workers when BLAS runs one thread; one when it runs several, so the
    BLAS threads do not fight another process for the cores (2 workers x 4 threads
    on 2 cores made the claim tests 7 times slower).
    """
    workers = max(1, (os.cpu_count() or 1) // threads)
    common = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
              "-n", str(min(2, workers)), "--dist", "loadfile", "--nbval-current-env"]
    skip = ONE_THREAD_ONLY if threads > 1 else ()
    nb_tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_nb*.py")
                      if str(p.relative_to(ROOT)) not in skip)
    ignore = [f"--ignore={path}" for path in skip if path.startswith("notebooks/")]
    commands = [
        common + ["--nbval", "notebooks", *ignore],
        common + ["tests/test_claims.py", *nb_tests, "-k",
                  " and ".join(["claim", *(f"not {name}" for name in deselect)])],
    ]
    ok, report = True, []
    for cmd in commands:
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                             check=False)
        lines = out.stdout.strip().splitlines()
        summary = lines[-1] if lines else out.stderr.strip()[-300:]
        failed = [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))]
        if out.returncode:
            ok = False
            report += failed or [summary]
            # nbval's diff of a failing cell: the lines starting with -/+ after "mismatch"
            diff = [ln for ln in lines if ln.startswith(("  - ", "  + "))]
            report += diff[:20]
        report.append(f"    {' '.join(cmd[cmd.index('loadfile') + 2:])[:60]}: {summary}")
    return ok, "\n".join(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="*", type=int, help="row numbers (default: all)")
    parser.add_argument("--list", action="store_true", help="print the rows and exit")
    parser.add_argument("--probe-only", action="store_true",
                        help="check that each setting takes effect, run no tests")
    parser.add_argument("--ulp-seed", type=int, default=None,
                        help="another pattern of 1-ulp changes for the libm row (default 1)")
    args = parser.parse_args(argv)
    if args.list:
        for i, row in enumerate(ROWS):
            print(f"{i}  {row.name:52s} {' '.join(f'{k}={v!r}' for k, v in row.env.items())}")
        return 0
    if platform.machine().lower() not in {"x86_64", "amd64"}:
        print(f"cpu_matrix: the rows simulate x86-64 CPUs; this is {platform.machine()}")
        return 1
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        print("cpu_matrix: needs threadpoolctl (pip install threadpoolctl)")
        return 1
    chosen = args.rows or list(range(len(ROWS)))
    bad = [i for i in chosen if not 0 <= i < len(ROWS)]
    if bad:
        parser.error(f"no row {bad[0]}; rows are 0..{len(ROWS) - 1}")

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cpu_matrix_") as tmp:
        shim = Path(tmp)
        (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        default = probe(row_env(ROWS[0], shim))
        keys = list(default["hashes"])
        print("probe: numpy SIMD targets found, OpenBLAS core and threads, sha256[:10] of")
        print("       " + ", ".join(keys))
        results, failed = [], False
        for i in chosen:
            row = ROWS[i]
            env = row_env(row, shim, args.ulp_seed)
            got = probe(env)
            problems, skip = check_row(row, got, default)
            marks = ["*" if got["hashes"][k] != default["hashes"][k] else " " for k in keys]
            print(f"\n[{i}] {row.name}")
            for k in row.env:
                print(f"    {k}={env[k]}")
            if row.note:
                print(f"    ({row.note})")
            print(f"    numpy found: {' '.join(got['found'])}   OpenBLAS: {got['blas_core']}, "
                  f"{got['blas_threads']} thread(s)")
            print("    " + "  ".join(f"{k}={got['hashes'][k]}{m}"
                                     for k, m in zip(keys, marks, strict=True)))
            print("    (* differs from row 0)")
            if skip:
                print(f"    SKIPPED: {skip}")
                results.append((i, "skipped", 0.0))
                continue
            if problems:
                failed = True
                print("    SETTING DID NOT TAKE EFFECT: " + "; ".join(problems))
                results.append((i, "no effect", 0.0))
                continue
            if args.probe_only:
                results.append((i, "probed", 0.0))
                continue
            t0 = time.perf_counter()
            ok, report = run_tests(env, row.threads, row.deselect)
            elapsed = time.perf_counter() - t0
            print(report)
            print(f"    {'passed' if ok else 'FAILED'} in {elapsed:.0f} s", flush=True)
            failed |= not ok
            results.append((i, "passed" if ok else "FAILED", elapsed))

    print("\nrow  result     seconds  setting")
    for i, result, elapsed in results:
        print(f"{i:3d}  {result:9s} {elapsed:8.0f}  {ROWS[i].name}")
    print(f"total {time.perf_counter() - start:.0f} s (tests {sum(r[2] for r in results):.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
