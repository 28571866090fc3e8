"""No lesson touches the network or writes outside a temporary folder.

Each notebook's code runs in a fresh process under an audit hook
(tests/sandbox_runner.py) with HOME, the matplotlib and IPython folders and
the temporary directory all pointed into one temporary folder; any write
elsewhere, or any connection or name lookup beyond the loopback interface,
fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "notebooks" / "src").glob("*.py"))


def _run(source: Path, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "IPYTHON"))}
    env.update(SANDBOX_TMP=str(tmp_path), HOME=str(tmp_path / "home"),
               MPLCONFIGDIR=str(tmp_path / "mpl"), IPYTHONDIR=str(tmp_path / "ipython"),
               TMPDIR=str(tmp_path / "tmp"), MPLBACKEND="agg", PYTHONDONTWRITEBYTECODE="1")
    for sub in ("home", "mpl", "ipython", "tmp"):
        (tmp_path / sub).mkdir()
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "sandbox_runner.py"),
                           str(source)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith('{"violations"')]
    assert lines, f"runner failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(lines[-1])


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_lesson_stays_in_its_sandbox(source, tmp_path):
    report = _run(source, tmp_path)
    assert report["errors"] == [], report["errors"]
    assert report["violations"] == [], report["violations"]


def test_the_sandbox_catches_writes_and_connections(tmp_path):
    """The guard itself must be able to fail."""
    repo = tmp_path / "repo"                      # mirror repo/{tools, notebooks/src}
    (repo / "notebooks" / "src").mkdir(parents=True)
    (repo / "tools").symlink_to(ROOT / "tools")
    outside = repo / "sandbox-probe.txt"          # outside the sandbox folder below
    src = repo / "notebooks" / "src" / "99_probe.py"
    src.write_text(
        "# %%\n"
        f"open({str(outside)!r}, 'w').close()\n"
        "# %%\n"
        "import socket\n"
        "s = socket.socket()\n"
        "s.settimeout(0.01)\n"
        "try:\n"
        "    s.connect(('192.0.2.1', 80))\n"
        "except OSError:\n"
        "    pass\n", encoding="utf-8")
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    report = _run(src, sandbox)
    kinds = {v[0] for v in report["violations"]}
    assert {"write", "connect"} <= kinds, report
