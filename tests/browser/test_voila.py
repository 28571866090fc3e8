"""The gradient-flow lab as a standalone Voilà app, in headless Chromium.

The app is started exactly as the README says, ``voila
notebooks/11_gradient_flow_lab.ipynb`` from the repository root (on a free
port, bound to 127.0.0.1), so Voilà reads ``voila.json`` there: cells tagged
``voila-hide`` (the exercise, the code walk-through) are not part of the app.
The test waits for the app, checks that no cell failed and that none of the
exercise's feedback ("not implemented yet", "✓") or hidden cells' text shows,
moves one slider with the keyboard and requires the readout to change, then
presses Train and requires the step count to grow.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LAB = "11_gradient_flow_lab.ipynb"
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
APP_TIMEOUT_MS = 240_000            # Voilà executes the whole notebook before showing it
#: Text of cells tagged voila-hide: exercise feedback and the code walk-through's output.
HIDDEN_TEXT = ("not implemented yet", "✓", "Exercise: rescue", "In a framework",
               "loss after 1000 steps")


@pytest.fixture
def voila_app(browser_requirements):
    """``voila notebooks/11_gradient_flow_lab.ipynb`` from the repository root; its URL."""
    if importlib.util.find_spec("voila") is None:
        pytest.skip("Voilà is not installed (`pip install -r requirements.txt` installs it)")
    if not (NOTEBOOKS / LAB).exists():
        pytest.skip(f"notebooks/{LAB} does not exist yet")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", f"notebooks/{LAB}", "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1"],
        cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:                 # the server answers (its static files) before any kernel
            if proc.poll() is not None:
                pytest.fail(f"voila exited with code {proc.returncode} while starting")
            try:
                urllib.request.urlopen(f"{url}voila/static/voila.js", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail("voila did not answer within 120 s")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()            # Voilà shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=10)


def _wait_text_change(locator, before: str, timeout_s: float = 20.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = locator.inner_text()
        if now != before:
            return now
        time.sleep(0.1)
    return locator.inner_text()


def test_lab_runs_as_a_voila_app(page, voila_app, screenshot_dir):
    page.goto(voila_app, timeout=APP_TIMEOUT_MS)
    slider = page.locator(".widget-slider").first
    slider.wait_for(state="visible", timeout=APP_TIMEOUT_MS)
    page.locator(".jupyter-matplotlib-figure canvas").first.wait_for(
        state="visible", timeout=APP_TIMEOUT_MS)

    errors = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, f"Voilà app shows an error: {tracebacks[0][:500]}"

    # only the panel and its guidance: no exercise feedback, no hidden cell's text
    shown = page.locator("#rendered_cells").inner_text()
    for text in HIDDEN_TEXT:
        assert text not in shown, f"the Voilà app shows {text!r} (a voila-hide cell?)"
    assert "Reading the three panels" in shown and "Recipes" in shown

    readout = slider.locator(".widget-readout")
    before = readout.inner_text()
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    after = _wait_text_change(readout, before)
    assert after != before, f"moving the first slider did not change its readout ({before!r})"

    # the panel's own readout reports training steps; Train must make them grow
    def steps() -> int:
        text = " ".join(page.locator(".widget-html-content").all_inner_texts())
        found = re.findall(r"step\s+(\d+)", text)
        return max(map(int, found)) if found else 0

    start = steps()
    page.get_by_role("button", name=re.compile("train", re.I)).first.click()
    deadline = time.monotonic() + 60
    while steps() <= start and time.monotonic() < deadline:
        time.sleep(0.25)
    grown = steps()
    pause = page.get_by_role("button", name=re.compile("pause", re.I)).first
    if pause.is_enabled():
        pause.click()
    page.screenshot(path=str(screenshot_dir / "voila_11_gradient_flow_lab.png"), full_page=True)
    assert grown > start, f"Train did not advance the step count (stayed at {start})"
