"""Fixtures for the browser tests: a throw-away Jupyter server and headless Chromium.

Everything here is skipped, with the reason, when Debian's ``chromium`` binary
or the ``playwright`` Python package is missing, so ``pytest --nbval`` on a
machine without them still passes. See ``tests/browser/README.md``.

* ``jupyter_server`` (session): ``jupyter lab`` on 127.0.0.1, a free port and
  a random token, with its own settings, runtime, workspaces and checkpoint
  folders under a temporary directory (settings: no news toast, no autosave,
  so the committed notebooks are never rewritten). It is always stopped at
  the end of the session (also when a test fails): kernels are shut down over
  the REST API, the server's process group gets SIGTERM, then SIGKILL, and
  any kernel still using the temporary runtime folder is killed.
* ``browser`` (session): Debian's Chromium driven by Playwright's sync API.
* ``page`` (per test): a fresh browser context and page; on teardown the
  context is closed and every kernel session the test started is deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

#: Flags measured to work for Debian's Chromium on these machines (TECH_NOTES).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_START_TIMEOUT_S = 180       # a shared 2-core box can take a while
DEFAULT_TIMEOUT_MS = 60_000        # Playwright default for every action and wait

#: User settings written into the server's private JUPYTERLAB_SETTINGS_DIR.
#: * no "Jupyter news" toast over the page (TECH_NOTES);
#: * no autosave: running a notebook in the browser must never rewrite the
#:   committed .ipynb files in notebooks/.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
        {"autosave": False},
}


# -- requirements ----------------------------------------------------------------
def chromium_executable() -> str | None:
    """Debian's Chromium (``apt-get install chromium``); never Playwright's download."""
    return shutil.which("chromium")


def missing_requirement() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if chromium_executable() is None:
        return ("browser tests need Debian's Chromium on PATH: "
                "`apt-get install -y chromium` (no `chromium` executable found)")
    if importlib.util.find_spec("playwright") is None:
        return ("browser tests need the Playwright Python package: `pip install playwright` "
                "(do not run `playwright install`; the system Chromium is used)")
    if importlib.util.find_spec("jupyterlab") is None:
        return "browser tests need JupyterLab in this environment: `pip install jupyterlab`"
    return None


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    reason = missing_requirement()
    if reason:
        pytest.skip(reason)


# -- the Jupyter server ----------------------------------------------------------
@dataclass
class JupyterServer:
    url: str                     # http://127.0.0.1:PORT (no trailing slash)
    token: str
    root_dir: Path
    log_path: Path
    runtime_dir: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, method: str, path: str, timeout: float = 30.0):
        """Call the server's REST API; returns the decoded JSON body (or None)."""
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def page_url(self, path: str) -> str:
        """``path`` (e.g. ``lab/tree/notebooks/x.ipynb?reset``) with the token appended."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}/{path.lstrip('/')}{sep}token={self.token}"

    def log_tail(self, n_chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return "(no server log)"

    def shutdown_kernels(self) -> None:
        """Delete every session (and its kernel), then any kernel left without one."""
        with contextlib.suppress(Exception):
            for s in self.api("GET", "/api/sessions") or []:
                with contextlib.suppress(Exception):
                    self.api("DELETE", f"/api/sessions/{s['id']}")
        with contextlib.suppress(Exception):
            for k in self.api("GET", "/api/kernels") or []:
                with contextlib.suppress(Exception):
                    self.api("DELETE", f"/api/kernels/{k['id']}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Child pre-exec: get SIGTERM if pytest itself is killed (Linux only, best effort)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _pids_using(marker: str) -> list[int]:
    """PIDs of our own processes whose command line mentions ``marker`` (a unique temp path)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                pids.append(int(entry.name))
    return pids


def _stop(server: JupyterServer) -> None:
    proc = server.process
    if proc.poll() is None:
        server.shutdown_kernels()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
    # Kernels run in their own session (jupyter_client starts them with
    # start_new_session), so killpg above does not reach them; they are ours
    # exactly when their connection file lives in our private runtime folder.
    for pid in _pids_using(str(server.runtime_dir)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def running_jupyter_server(root_dir: Path = REPO) -> Iterator[JupyterServer]:
    """Start ``jupyter lab`` for ``root_dir``; always stop it on exit."""
    base = Path(tempfile.mkdtemp(prefix="lessons-browser-"))
    settings, runtime, workspaces = base / "settings", base / "runtime", base / "workspaces"
    checkpoints = base / "checkpoints"
    for d in (settings, runtime, workspaces, checkpoints):
        d.mkdir()
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(24)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
           # checkpoints go to the temporary folder, not <root>/**/.ipynb_checkpoints
           f"--FileCheckpoints.checkpoint_dir={checkpoints}",
           # window.jupyterapp: the tests read execution counts of collapsed cells
           "--LabApp.expose_app_in_browser=True",
           "--JupyterNotebookApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_RUNTIME_DIR=str(runtime),
               JUPYTERLAB_WORKSPACES_DIR=str(workspaces), PYTHONUNBUFFERED="1")
    log_path = base / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=_die_with_parent)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, root_dir, log_path, runtime, proc)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {proc.returncode} while "
                                   f"starting; log:\n{server.log_tail()}")
            try:
                server.api("GET", "/api/status", timeout=5)
                urllib.request.urlopen(server.page_url("lab"), timeout=30).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer on {server.url} within "
                                       f"{SERVER_START_TIMEOUT_S} s; log:\n{server.log_tail()}"
                                       ) from None
                time.sleep(0.5)
        yield server
    finally:
        try:
            _stop(server)
        finally:
            log.close()
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def jupyter_server(browser_requirements) -> Iterator[JupyterServer]:
    with running_jupyter_server(REPO) as server:
        yield server


# -- the browser -------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser(browser_requirements):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS,
                               headless=True)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser, jupyter_server):
    """A fresh context + page; browser console errors are kept in ``page.console_errors``."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(
        f"{m.text} [{(m.location or {}).get('url', '?').split('?')[0]}]"))
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            context.close()
        jupyter_server.shutdown_kernels()       # free the 2 cores for the next notebook


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
