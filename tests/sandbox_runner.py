"""Run one lesson's code cells under an audit hook (used by test_sandbox.py).

    python tests/sandbox_runner.py notebooks/src/05_vanishing_exploding.py

Records every file opened for writing (or created, renamed, removed) outside
``$SANDBOX_TMP`` and every network connection or name lookup that is not to
the loopback interface, runs the cells in an IPython shell (no kernel,
``%matplotlib`` lines dropped, Agg backend), and prints one JSON line:
``{"violations": [...], "errors": [...]}``.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
import sys
from pathlib import Path

ALLOWED = os.path.realpath(os.environ["SANDBOX_TMP"])
OK_PREFIXES = (ALLOWED, "/dev/", "/proc/self/")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
violations: list[list[str]] = []


def _outside(path) -> str | None:
    try:
        p = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return None
    return None if p.startswith(OK_PREFIXES) else p


def _loopback(host) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def hook(event: str, args: tuple) -> None:
    if event == "open":
        path, mode, flags = args
        writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
            mode is None and isinstance(flags, int) and flags & WRITE_FLAGS)
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            bad = _outside(path)
            if bad:
                violations.append(["write", bad])
    elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.rename", "os.replace",
                   "shutil.rmtree", "shutil.move", "shutil.copyfile"):
        bad = _outside(args[0])
        if bad:
            violations.append([event, bad])
    elif event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _loopback(address[0]):
            violations.append(["connect", str(address)])
    elif event == "socket.getaddrinfo":
        if not _loopback(args[0]):
            violations.append(["getaddrinfo", str(args[0])])


def main() -> None:
    source = Path(sys.argv[1]).resolve()
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", source.parents[2] / "tools" / "build_notebooks.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    cells = build.parse(source.read_text(encoding="utf-8"))
    os.chdir(source.parents[1])                   # notebooks/, like the real kernel

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    sys.addaudithook(hook)                        # from here on, everything is watched
    errors = []
    for i, cell in enumerate(cells):
        if cell["type"] != "code":
            continue
        # no kernel here: drop the backend magic, MPLBACKEND=agg is set by the test
        code = "\n".join("pass" if ln.startswith("%matplotlib") else ln
                         for ln in cell["source"].splitlines())
        result = shell.run_cell(code, silent=True)
        if not result.success and "raises-exception" not in cell["tags"]:
            errors.append(f"cell {i}: {result.error_in_exec or result.error_before_exec!r}")
    sys.stdout.write(json.dumps({"violations": violations, "errors": errors}) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
