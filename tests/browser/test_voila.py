"""The gradient-flow lab as a standalone Voilà app, in headless Chromium.

Voilà is a server extension of the test's Jupyter server, so the app is
served at ``/voila/render/notebooks/11_gradient_flow_lab.ipynb``. The test
waits for the app, checks that no cell failed, moves one slider with the
keyboard and requires the readout to change, then presses Train and requires
the step count to grow.
"""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LAB = "11_gradient_flow_lab.ipynb"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
APP_TIMEOUT_MS = 240_000            # Voilà executes the whole notebook before showing it


def _wait_text_change(locator, before: str, timeout_s: float = 20.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = locator.inner_text()
        if now != before:
            return now
        time.sleep(0.1)
    return locator.inner_text()


def test_lab_runs_as_a_voila_app(page, jupyter_server, screenshot_dir):
    if importlib.util.find_spec("voila") is None:
        pytest.skip("Voilà is not installed (`pip install -r requirements.txt` installs it)")
    if not (NOTEBOOKS / LAB).exists():
        pytest.skip(f"notebooks/{LAB} does not exist yet")
    page.goto(jupyter_server.page_url(f"voila/render/notebooks/{LAB}"), timeout=APP_TIMEOUT_MS)
    slider = page.locator(".widget-slider").first
    slider.wait_for(state="visible", timeout=APP_TIMEOUT_MS)
    page.locator(".jupyter-matplotlib-figure canvas").first.wait_for(
        state="visible", timeout=APP_TIMEOUT_MS)

    errors = page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, f"Voilà app shows an error: {tracebacks[0][:500]}"

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
