"""Binder reads ``binder/`` as intended, and an environment built from it runs every lesson.

Without Docker: repo2docker's ``--no-build --no-run --debug`` prints the
Dockerfile it would build, which shows the Python it picks and the order of
the install steps. The second test does what that Dockerfile does, in a
fresh virtual environment on this machine: install ``binder/requirements.txt``,
copy the repository, run ``binder/postBuild`` there, and run strict
``pytest --nbval`` on the notebooks (adding only the test tools, at the pins
of the top-level ``requirements.txt``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pins import requirement_pins

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
TEST_TOOLS = ("pytest", "pytest-xdist", "nbval")

pytestmark = pytest.mark.binder


def _repo2docker() -> str:
    exe = os.environ.get("REPO2DOCKER") or shutil.which("jupyter-repo2docker")
    if not exe or not Path(exe).exists():
        pytest.skip("needs repo2docker: `pip install jupyter-repo2docker==2026.4.0` "
                    "(or REPO2DOCKER=/path/to/jupyter-repo2docker)")
    return exe


def _runtime_python() -> tuple[str, str]:
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    m = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert m, f"binder/runtime.txt must read python-X.Y, got {runtime!r}"
    return runtime, m.group(1)


def test_repo2docker_reads_binder_folder_as_intended():
    runtime, version = _runtime_python()
    out = subprocess.run([_repo2docker(), "--no-build", "--no-run", "--debug", str(ROOT)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"repo2docker failed:\n{out.stderr[-3000:]}"
    text = out.stdout + out.stderr
    assert f"python={version}" in text, f"repo2docker did not pick Python {version} ({runtime})"
    lines = text.splitlines()

    def first(pattern: str) -> int:
        for i, line in enumerate(lines):
            if re.search(pattern, line):
                return i
        raise AssertionError(f"no line matching {pattern!r} in the Dockerfile:\n{text[-4000:]}")

    install = first(r'KERNEL_PYTHON_PREFIX\}/bin/pip install .*-r "binder/requirements\.txt"')
    copy_repo = first(r"^COPY .* src/ \$\{REPO_DIR\}/")
    post_build = first(r"^RUN \./binder/postBuild")
    assert install < copy_repo < post_build, (
        "expected: binder/requirements.txt installed into the kernel's Python, then the "
        "repository copied, then postBuild (which installs lessons_lib from the copy)")
    assert not re.search(r'-r "requirements\.txt"', text), (
        "the top-level requirements.txt (with test tools) must not be used by Binder")



def _run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: int, what: str) -> str:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout)
    log = out.stdout + out.stderr
    assert out.returncode == 0, f"{what} failed (exit {out.returncode}):\n{log[-5000:]}"
    return log


def test_environment_built_from_binder_files_passes_nbval(tmp_path):
    runtime, version = _runtime_python()
    python = shutil.which(f"python{version}")
    if python is None:
        pytest.skip(f"binder/runtime.txt asks for {runtime}: no python{version} on PATH")
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([python, "-m", "venv", str(venv)], cwd=tmp_path, env=env, timeout=300,
         what="creating the venv")
    _run(["pip", "install", "--quiet", "-r", str(BINDER / "requirements.txt")], cwd=tmp_path,
         env=env, timeout=1200, what="pip install -r binder/requirements.txt")

    # what repo2docker does next: copy the repository, run postBuild inside the copy
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", "artifacts", "__pycache__", "*.egg-info", ".ipynb_checkpoints"))
    _run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, timeout=600,
         what="binder/postBuild")
    check = _run([str(venv / "bin" / "python"), "-c",
                  "import lessons_lib, sys; print(lessons_lib.__file__, sys.prefix)"],
                 cwd=tmp_path, env=env, timeout=120, what="importing lessons_lib")
    assert str(repo / "lessons_lib") in check, f"lessons_lib not installed from the copy: {check}"

    main = requirement_pins(ROOT / "requirements.txt")
    tools = [f"{name}=={main[name]}" for name in TEST_TOOLS]
    _run(["pip", "install", "--quiet", *tools], cwd=repo, env=env, timeout=600,
         what=f"pip install {' '.join(tools)}")
    log = _run([str(venv / "bin" / "python"), "-m", "pytest", "--nbval", "notebooks",
                "-p", "no:cacheprovider", "-q"], cwd=repo, env=env, timeout=1200,
               what="pytest --nbval notebooks in the Binder environment")
    summary = [ln for ln in log.splitlines() if re.search(r"\d+ passed", ln)]
    assert summary, f"no passed tests reported:\n{log[-3000:]}"
    n_notebooks = len(list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    passed = int(re.search(r"(\d+) passed", summary[-1]).group(1))
    assert passed >= n_notebooks, f"only {passed} cells passed for {n_notebooks} notebooks"
    assert "failed" not in summary[-1] and "error" not in summary[-1], summary[-1]
    print(f"\nBinder environment ({runtime}, binder/requirements.txt + postBuild): "
          f"{summary[-1].strip()}", file=sys.stderr)
