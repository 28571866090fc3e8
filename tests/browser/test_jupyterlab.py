"""Every lesson notebook, run for real: JupyterLab (and Notebook 7) in headless Chromium.

For each ``notebooks/*.ipynb``: open it in JupyterLab, clear the stored
outputs, *Run All*, wait for every cell, then check that no cell or panel
shows an error, that every live panel rendered (controls plus a non-blank
figure), and that moving the first slider one step with the keyboard updates
both its readout and the plot next to it. A full-page screenshot per notebook
goes to ``artifacts/screenshots/``.

A benchmark measures, inside the page, the time from a keydown on the
gradient explorer's weight-scale slider to new pixels on its canvas
(notebook 05, depth 30) and writes ``artifacts/browser_latency.json``.

Run with ``pytest -m browser tests/browser -s`` (see README.md here).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import canvas_checks
import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "artifacts"

NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
EXPLORER_NOTEBOOK = "05_vanishing_exploding.ipynb"

# Generous timeouts: the reference box has 2 shared cores.
KERNEL_READY_TIMEOUT_S = 120
RUN_ALL_START_TIMEOUT_S = 15      # TECH_NOTES: retry Run All if nothing runs within ~15 s
RUN_ALL_ATTEMPTS = 4
RUN_ALL_FINISH_TIMEOUT_S = 300
WIDGETS_RENDER_TIMEOUT_S = 90
SLIDER_EFFECT_TIMEOUT_S = 15      # keydown -> readout and pixels changed
BENCH_DEPTH = 30
BENCH_SAMPLES = 12
BENCH_WARMUP = 2
LATENCY_FILE = ARTIFACTS / "browser_latency.json"

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
KERNEL_IDLE = f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]'

# Helpers installed in every page (window.__lt) before JupyterLab loads.
PAGE_HELPERS = r"""
window.__lt = (() => {
  const P = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  // the main ipympl canvas (a second, transparent one on top is for rubber bands)
  const FIG = '.jupyter-matplotlib-figure canvas:first-of-type, .widget-output img';
  const cells = () => [...document.querySelectorAll(P + ' .jp-Notebook .jp-Cell')];
  const codeCells = () => cells().filter(c => c.classList.contains('jp-CodeCell'));
  const prompt = c => { const p = c.querySelector('.jp-InputArea-prompt');
                        return p ? p.textContent.trim() : ''; };
  const source = c => { const e = c.querySelector('.jp-InputArea-editor .cm-content');
                        return e ? e.textContent : ''; };
  const text = e => (e ? e.textContent : '');
  // a traceback, or a line that starts like "ValueError: ..." / "SomeException"
  const EXC = new RegExp('Traceback \\(most recent call last\\)'
                         + '|(^|\\n)\\s*[\\w.]*(Error|Exception)(: |\\s*(\\n|$))');
  // Execution counts of the code cells from the notebook model (the server
  // runs with expose_app_in_browser); collapsed inputs show no prompt in the DOM.
  const modelCounts = () => {
    try {
      const cs = window.jupyterapp.shell.currentWidget.content.model.cells;
      const out = [];
      for (let i = 0; i < cs.length; i++)
        if (cs.get(i).type === 'code') out.push(cs.get(i).executionCount);
      return out;
    } catch (e) { return null; }
  };

  // The figure drawn next to a control: walk up from the control, staying
  // inside its cell, until an ancestor holds a canvas or an inline image.
  function figureNear(el) {
    for (let n = el; n && !n.classList.contains('jp-Cell'); n = n.parentElement) {
      const f = n.querySelector(FIG);
      if (f) return f;
    }
    return null;
  }
  function signature(f) {
    if (!f) return null;
    if (f.tagName === 'CANVAS') return f.toDataURL();
    return f.currentSrc || f.src;
  }
  // Fraction of pixels that are not (near) white or transparent: 0 = blank.
  function ink(f) {
    let c = f;
    if (f.tagName === 'IMG') {
      if (!f.complete || !f.naturalWidth) return 0;
      c = document.createElement('canvas');
      c.width = f.naturalWidth; c.height = f.naturalHeight;
      c.getContext('2d').drawImage(f, 0, 0);
    }
    if (!c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) n++;
    return n / (c.width * c.height);
  }
  function describeFigure(f) {
    const r = f.getBoundingClientRect();
    return {tag: f.tagName.toLowerCase(), width: Math.round(r.width),
            height: Math.round(r.height), ink: ink(f)};
  }

  return {
    // one entry per code cell, in notebook order
    prompts: () => {
      const counts = modelCounts();
      return codeCells().map((c, i) => {
        if (c.querySelector('.jp-InputArea-prompt')) return prompt(c);
        if (counts && i < counts.length) return counts[i] == null ? '[ ]:' : `[${counts[i]}]:`;
        return '(collapsed)';
      });
    },
    nCells: () => cells().length,
    runSeen: false,
    watchRun() {   // remember whether any prompt ever showed [*] or a number
      this.runSeen = false;
      const nb = document.querySelector(P + ' .jp-Notebook');
      const check = () => { if (codeCells().some(c => /\[(\*|\d+)\]/.test(prompt(c))))
                              this.runSeen = true; };
      if (this._obs) this._obs.disconnect();
      this._obs = new MutationObserver(check);
      this._obs.observe(nb, {subtree: true, childList: true, characterData: true});
      check();
    },
    // errors anywhere in the notebook, widget error areas included
    errors() {
      const out = [];
      const root = document.querySelector(P);
      if (!root) return ['no visible notebook panel'];
      const cellIndex = e => cells().indexOf(e.closest('.jp-Cell'));
      root.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').forEach(e => {
          if (/Traceback|Error\b/.test(text(e)))
            out.push(`cell ${cellIndex(e)}: stderr: ${text(e).slice(0, 1500)}`);
        });
      root.querySelectorAll('.jp-RenderedText').forEach(e => {
        const t = text(e);
        if (EXC.test(t) && !out.some(o => o.includes(t.slice(0, 200))))
          out.push(`cell ${cellIndex(e)}: ${t.slice(0, 1500)}`);
      });
      root.querySelectorAll('.jp-OutputArea-output').forEach(e => {
        const t = text(e);
        if (/Error displaying widget|Error rendering widget|Failed to load model class/.test(t))
          out.push(`cell ${cellIndex(e)}: widget failed: ${t.slice(0, 500)}`);
      });
      return out;
    },
    // stderr that is not an error (warnings): reported, not failed
    stderrNotes() {
      const out = [];
      const sel = ' .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
      document.querySelectorAll(P + sel).forEach(e => {
        if (!/Traceback|Error\b/.test(text(e)))
          out.push(`cell ${cells().indexOf(e.closest('.jp-Cell'))}: ${text(e).slice(0, 500)}`);
      });
      return out;
    },
    // what each cell's outputs show: widgets, sliders, figures
    cellWidgets(index) {
      const c = cells()[index];
      if (!c) return null;
      const area = c.querySelector('.jp-OutputArea');
      if (!area) return {widgets: 0, sliders: 0, figures: [], pending: 0, cellWidth: 0};
      const figs = [...area.querySelectorAll(FIG)];
      const figRect = figs.map(f => f.getBoundingClientRect());
      const areaRect = area.getBoundingClientRect();
      return {
        widgets: area.querySelectorAll('.jupyter-widgets').length,
        sliders: area.querySelectorAll('.widget-slider .noUi-handle').length,
        hiddenSliders: [...area.querySelectorAll('.widget-slider .noUi-handle')]
          .filter(h => !h.getBoundingClientRect().width).length,
        figures: figs.map(describeFigure),
        pending: [...area.querySelectorAll('.jp-OutputArea-output')]
          .filter(e => /Loading widget/.test(text(e))).length,
        overflowRight: figRect.some(r => r.right > areaRect.right + 1),
        prompt: prompt(c),
      };
    },
    // first slider: mark it, its readout and its figure; report the state
    markFirstSlider() {
      const h = document.querySelector(P + ' .widget-slider .noUi-handle');
      if (!h) return null;
      const slider = h.closest('.widget-slider');
      const fig = figureNear(slider);
      h.setAttribute('data-lt', 'handle');
      if (fig) fig.setAttribute('data-lt', 'figure');
      return {cell: cells().indexOf(h.closest('.jp-Cell')),
              label: text(slider.querySelector('.widget-label')),
              now: parseFloat(h.getAttribute('aria-valuenow')),
              max: parseFloat(h.getAttribute('aria-valuemax')),
              hasFigure: !!fig, figureTag: fig ? fig.tagName.toLowerCase() : null};
    },
    sliderState() {
      const h = document.querySelector('[data-lt="handle"]');
      const f = document.querySelector('[data-lt="figure"]');
      return {readout: text(h.closest('.widget-slider').querySelector('.widget-readout')),
              figure: signature(f)};
    },
    // gradient explorer: the depth and weight-scale sliders sharing one panel and canvas
    markExplorer() {
      const sliders = [...document.querySelectorAll(P + ' .widget-slider')];
      const label = s => text(s.querySelector('.widget-label')).trim();
      for (const depth of sliders.filter(s => label(s) === 'depth')) {
        for (let n = depth; n && !n.classList.contains('jp-Cell'); n = n.parentElement) {
          const scale = [...n.querySelectorAll('.widget-slider')]
            .find(s => label(s) === 'weight scale');
          const canvas = n.querySelector('.jupyter-matplotlib-figure canvas:first-of-type');
          if (scale && canvas) {
            depth.querySelector('.noUi-handle').setAttribute('data-lt', 'depth');
            scale.querySelector('.noUi-handle').setAttribute('data-lt', 'scale');
            canvas.setAttribute('data-lt', 'canvas');
            return {cell: cells().indexOf(depth.closest('.jp-Cell')),
                    depth: text(depth.querySelector('.widget-readout')).trim(),
                    scale: text(scale.querySelector('.widget-readout')).trim()};
          }
        }
      }
      return null;
    },
    explorerState() {
      const readout = s => text(document.querySelector(`[data-lt="${s}"]`)
                               .closest('.widget-slider').querySelector('.widget-readout')).trim();
      const h = document.querySelector('[data-lt="scale"]');
      return {depth: readout('depth'), scale: readout('scale'),
              scaleNow: parseFloat(h.getAttribute('aria-valuenow')),
              scaleMax: parseFloat(h.getAttribute('aria-valuemax')),
              canvas: document.querySelector('[data-lt="canvas"]').toDataURL()};
    },
    // Arm one latency sample: a capture-phase keydown listener stamps the
    // key, a requestAnimationFrame loop stamps the first frame whose canvas
    // pixels differ. Times are performance.now() in the page.
    armLatency(timeoutMs) {
      const canvas = document.querySelector('[data-lt="canvas"]');
      const before = canvas.toDataURL();
      const s = {tKey: null, tPixels: null, frames: 0};
      const onKey = () => { if (s.tKey === null) s.tKey = performance.now(); };
      document.addEventListener('keydown', onKey, true);
      s.done = new Promise(resolve => {
        const t0 = performance.now();
        const tick = () => {
          s.frames++;
          if (s.tKey !== null && canvas.toDataURL() !== before) {
            s.tPixels = performance.now();
          }
          if (s.tPixels !== null || performance.now() - t0 > timeoutMs) {
            document.removeEventListener('keydown', onKey, true);
            resolve({keyToPixelsMs: s.tPixels === null ? null : s.tPixels - s.tKey,
                     keySeen: s.tKey !== null, frames: s.frames});
          } else {
            requestAnimationFrame(tick);
          }
        };
        requestAnimationFrame(tick);
      });
      this.latency = s;
      return true;
    },
  };
})();
"""


# -- small utilities -----------------------------------------------------------------
def wait_for(predicate, timeout_s: float, interval_s: float = 0.25):
    """Poll ``predicate`` until it returns something truthy; return it, or None on timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval_s)


def stored_cells(path: Path) -> list[dict]:
    """Cell type, source and whether the stored outputs show a widget, per cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                     for o in cell.get("outputs", []))
        out.append({"type": cell["cell_type"], "source": src, "widget": widget})
    return out


def click_menu(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).first.click()
    page.locator(f'li.lm-Menu-item[data-command="{command}"]').click()


def open_notebook(page, server, url_path: str, nb: str) -> None:
    page.add_init_script(PAGE_HELPERS)
    page.add_init_script(canvas_checks.PAGE_CANVAS_HELPERS)
    page.add_init_script(canvas_checks.PAGE_SCENARIO_HELPERS)
    page.goto(server.page_url(url_path), wait_until="domcontentloaded")
    try:
        page.wait_for_selector(KERNEL_IDLE, timeout=KERNEL_READY_TIMEOUT_S * 1000)
    except Exception as exc:
        raise AssertionError(f"{NB(nb)}step 'open + wait for kernel': no idle kernel indicator "
                             f"within {KERNEL_READY_TIMEOUT_S} s at {page.url}\n"
                             f"server log tail:\n{server.log_tail()}") from exc


def run_all(page, nb: str, n_cells: int, code_sources: list[str]) -> dict:
    """Clear outputs, Run All (retried as TECH_NOTES describes), wait for every cell.

    Returns ``{"attempts": k, "seconds": t, "prompts": [...]}``.
    """
    step = "run all"
    ok = wait_for(lambda: page.evaluate("window.__lt.nCells()") >= n_cells, 60)
    assert ok, (f"{NB(nb)}step '{step}': only {page.evaluate('window.__lt.nCells()')} of "
                f"{n_cells} cells appeared in the page")
    t0 = time.monotonic()
    attempts = 0
    while True:
        attempts += 1
        # Cleared prompts read "[ ]:", so any "[*]" or number afterwards is this run's.
        for _ in range(3):
            click_menu(page, "Edit", "editmenu:clear-all")
            cleared = wait_for(lambda: all(not re.search(r"\d|\*", p)
                                           for p in page.evaluate("window.__lt.prompts()")), 10)
            if cleared:
                break
        assert cleared, (f"{NB(nb)}step '{step}': Edit > Clear Outputs of All Cells left the "
                         f"prompts {page.evaluate('window.__lt.prompts()')}")
        page.evaluate("window.__lt.watchRun()")
        click_menu(page, "Run", "runmenu:run-all")
        if wait_for(lambda: page.evaluate("window.__lt.runSeen"), RUN_ALL_START_TIMEOUT_S):
            break
        assert attempts < RUN_ALL_ATTEMPTS, (
            f"{NB(nb)}step '{step}': Run All did not start any cell in {attempts} attempts "
            f"({RUN_ALL_START_TIMEOUT_S} s each); "
            f"prompts: {page.evaluate('window.__lt.prompts()')}")
        page.wait_for_selector(KERNEL_IDLE, timeout=KERNEL_READY_TIMEOUT_S * 1000)

    # Finished = no "[*]" left and every cell numbered, or (after an error,
    # which leaves the cells below it "[ ]") an idle kernel and prompts stable for 2 s.
    runnable = [bool(s.strip()) for s in code_sources]
    last, stable_since = None, None
    deadline = time.monotonic() + RUN_ALL_FINISH_TIMEOUT_S
    while True:
        prompts = page.evaluate("window.__lt.prompts()")
        done_numbers = all(re.fullmatch(r"\[\d+\]:|\(collapsed\)", p) or not r
                           for p, r in zip(prompts, runnable, strict=False))
        if not any("*" in p for p in prompts):
            if done_numbers:
                break
            if prompts == last and page.locator(KERNEL_IDLE).count():
                stable_since = stable_since or time.monotonic()
                if time.monotonic() - stable_since > 2.0:
                    break
            else:
                stable_since = None
        last = prompts
        assert time.monotonic() < deadline, (
            f"{NB(nb)}step '{step}': cells still running after {RUN_ALL_FINISH_TIMEOUT_S} s; "
            f"prompts: {prompts}")
        time.sleep(0.3)
    page.wait_for_selector(KERNEL_IDLE, timeout=KERNEL_READY_TIMEOUT_S * 1000)
    return {"attempts": attempts, "seconds": round(time.monotonic() - t0, 1), "prompts": prompts}


def NB(nb: str) -> str:  # noqa: N802 - message prefix
    return f"[{nb}] "


def assert_no_errors(page, nb: str, step: str, prompts: list[str],
                     code_sources: list[str]) -> None:
    errors = page.evaluate("window.__lt.errors()")
    assert not errors, f"{NB(nb)}step '{step}': error output in the notebook:\n" + "\n---\n".join(
        errors)
    not_run = [i for i, (p, s) in enumerate(zip(prompts, code_sources, strict=False))
               if s.strip() and not re.fullmatch(r"\[\d+\]:|\(collapsed\)", p)]
    assert not not_run, (f"{NB(nb)}step '{step}': code cells (index among code cells) "
                         f"{not_run} did not run: prompts {prompts}")


def check_panels(page, nb: str, cells: list[dict]) -> dict[int, dict]:
    """Every cell whose stored output is a widget renders it again, with a non-blank figure."""
    step = "live panels rendered"
    expected = [i for i, c in enumerate(cells) if c["widget"]]
    seen: dict[int, dict] = {}

    def rendered(i):
        w = page.evaluate("i => window.__lt.cellWidgets(i)", i)
        seen[i] = w
        return (w and w["widgets"] > 0 and w["pending"] == 0
                and all(f["width"] > 0 and f["height"] > 0 and f["ink"] > 0.001
                        for f in w["figures"]))

    for i in expected:
        ok = wait_for(lambda i=i: rendered(i), WIDGETS_RENDER_TIMEOUT_S, 0.5)
        w = seen[i]
        assert ok, (f"{NB(nb)}step '{step}': cell {i} stored a widget but after Run All shows "
                    f"{w}: widgets must render, no 'Loading widget' left, and every figure "
                    f"must have a size and non-blank pixels (ink > 0.1 %)")
        assert not (w["sliders"] and not w["figures"]), (
            f"{NB(nb)}step '{step}': cell {i} has {w['sliders']} slider(s) but no figure "
            f"(no `.jupyter-matplotlib-figure canvas` nor `.widget-output img`): {w}")
        assert not w["hiddenSliders"], (
            f"{NB(nb)}step '{step}': cell {i} has {w['hiddenSliders']} slider handle(s) of "
            f"zero size: {w}")
    return seen


def move_first_slider(page, nb: str, method: str = "key") -> dict | None:
    """Move the first slider one step; its readout and the figure next to it must change.

    ``method="key"``: focus the handle and press ArrowRight (ArrowLeft at the
    maximum). ``method="drag"``: drag the handle 40 px with the mouse.
    """
    step = "first slider, one arrow key" if method == "key" else "first slider, mouse drag"
    info = page.evaluate("window.__lt.markFirstSlider()")
    if info is None:
        return None
    assert info["hasFigure"], (f"{NB(nb)}step '{step}': the first slider ({info['label']!r}, "
                               f"cell {info['cell']}) has no figure next to it")
    handle = page.locator('[data-lt="handle"]')
    handle.scroll_into_view_if_needed()
    before = page.evaluate("window.__lt.sliderState()")
    at_max = info["now"] >= info["max"]
    t0 = time.monotonic()
    if method == "key":
        action = "ArrowLeft" if at_max else "ArrowRight"
        handle.focus()
        page.keyboard.press(action)
    state = {}

    def changed():
        state.update(page.evaluate("window.__lt.sliderState()"))
        return state["readout"] != before["readout"] and state["figure"] != before["figure"]

    if method != "key":
        action = "drag left" if at_max else "drag right"
        # Cells above may still change height (lazy layout) and move the handle
        # between measuring and pressing: re-measure and retry a missed drag.
        for _ in range(3):
            handle.hover()
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + (-40 if at_max else 40), y, steps=5)
            page.mouse.up()
            if wait_for(lambda: page.evaluate("window.__lt.sliderState()")["readout"]
                        != before["readout"], 3, 0.1):
                break
    ok = wait_for(changed, SLIDER_EFFECT_TIMEOUT_S, 0.1)
    elapsed = time.monotonic() - t0
    what = "canvas pixels" if info["figureTag"] == "canvas" else "inline image src"
    assert state["readout"] != before["readout"], (
        f"{NB(nb)}step '{step}': {action} on slider {info['label']!r} (cell {info['cell']}) "
        f"left its readout at {before['readout']!r} after {SLIDER_EFFECT_TIMEOUT_S} s")
    assert ok, (f"{NB(nb)}step '{step}': {action} on slider {info['label']!r} (cell "
                f"{info['cell']}) changed the readout {before['readout']!r} -> "
                f"{state['readout']!r} but the {what} did not change within "
                f"{SLIDER_EFFECT_TIMEOUT_S} s")
    return {**info, "key": action, "readout": [before["readout"], state["readout"]],
            "seconds": round(elapsed, 2)}


def full_page_screenshot(page, path: Path) -> None:
    """The whole notebook: grow the viewport to the notebook's scroll height, then shoot."""
    measure = """() => {
        const outer = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        if (!outer) return window.innerHeight;
        outer.scrollTop = 0;
        const cells = outer.querySelectorAll('.jp-Cell');
        const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom
                                  : outer.getBoundingClientRect().top + outer.scrollHeight;
        // page chrome (menus, toolbar, status bar) + the notebook down to its last cell
        return window.innerHeight - outer.clientHeight
               + (last - outer.getBoundingClientRect().top) + 60;
    }"""
    # twice: off-screen cells only get their real height once they are laid out
    for _ in range(2):
        height = page.evaluate(measure)
        page.set_viewport_size({"width": page.viewport_size["width"],
                                "height": int(min(max(height, 600), 16000))})
        page.wait_for_timeout(1500)       # let the taller layout settle and paint
    page.evaluate("""() => {
        const o = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
        if (o) o.scrollTop = 0;
    }""")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def check_notebook(page, server, nb_path: Path, url_path: str, screenshot: Path | None,
                   *, move_slider: str | None = "key", canvases: bool = False) -> dict:
    """Open, run all, check errors and panels, move a slider, screenshot. Returns a summary.

    ``canvases=True`` also checks that every live canvas shows what a full
    redraw draws, under the conditions of
    :func:`canvas_checks.check_live_canvases` (JupyterLab only: it talks to
    the kernel through ``window.jupyterapp``).
    """
    nb = nb_path.name
    cells = stored_cells(nb_path)
    code_sources = [c["source"] for c in cells if c["type"] == "code"]
    open_notebook(page, server, url_path, nb)
    run = run_all(page, nb, len(cells), code_sources)
    assert_no_errors(page, nb, "run all", run["prompts"], code_sources)
    panels = check_panels(page, nb, cells)
    slider = move_first_slider(page, nb, move_slider) if move_slider else None
    assert_no_errors(page, nb, "after moving the slider", run["prompts"], code_sources)
    checked = canvas_checks.check_live_canvases(page, nb, ARTIFACTS) if canvases else {}
    broken = [e for e in page.console_errors
              if re.search(r"Error setting state|drawImage|broken", e)]
    assert not broken, (f"{NB(nb)}a live canvas failed in the page (such an error can leave "
                        f"it blank for good): {broken[:5]}")
    assert_no_errors(page, nb, "after the canvas checks", run["prompts"], code_sources)
    if screenshot is not None:
        full_page_screenshot(page, screenshot)
    notes = page.evaluate("window.__lt.stderrNotes()")
    overflow = [i for i, w in panels.items() if w.get("overflowRight")]
    if overflow:
        notes.append(f"figure wider than its output area (clipped/scrolled) in cells {overflow}")
    summary = {"notebook": nb, "run_all": run, "panels": panels, "slider": slider,
               "canvases_checked": checked,
               "stderr_or_layout_notes": notes, "console_errors": page.console_errors[:20]}
    print(f"\n{NB(nb)}Run All: {run['seconds']} s in {run['attempts']} attempt(s); "
          f"panels in cells {sorted(panels)}; slider: "
          + (f"{slider['label']!r} {slider['readout'][0]}->{slider['readout'][1]} "
             f"({slider['key']}, {slider['seconds']} s)" if slider else "none")
          + (f"; canvases equal to a full redraw: {checked}" if checked else "")
          + (f"; notes: {notes}" if notes else "")
          + (f"; browser console errors: {page.console_errors[:5]}" if page.console_errors else ""))
    return summary


# -- the tests -------------------------------------------------------------------------
@pytest.mark.parametrize("nb", NOTEBOOK_NAMES or [pytest.param(
    None, marks=pytest.mark.skip(reason="no notebooks/*.ipynb yet"))])
def test_notebook_runs_in_jupyterlab(nb, page, jupyter_server, screenshot_dir):
    check_notebook(page, jupyter_server, NOTEBOOKS / nb, f"lab/tree/notebooks/{nb}?reset",
                   screenshot_dir / f"{Path(nb).stem}.png", canvases=True)


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("playwright", "jupyterlab", "ipywidgets", "ipympl", "matplotlib", "numpy"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = None
    try:
        out["chromium"] = subprocess.run([shutil.which("chromium"), "--version"],
                                         capture_output=True, text=True,
                                         timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001 - informational only
        out["chromium"] = None
    return out


def _percentile(samples: list[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method), q in [0, 100]."""
    s = sorted(samples)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def wait_canvas_settled(page, quiet_s: float = 0.6, timeout_s: float = 60) -> bool:
    """True once the explorer canvas has not changed for ``quiet_s`` seconds."""
    return canvas_checks.wait_still(
        page, "() => document.querySelector('[data-lt=\"canvas\"]').toDataURL()",
        quiet_s=quiet_s, timeout_s=timeout_s)


def measure_explorer_latency(page, server, nb_path: Path, url_path: str,
                             samples: int = BENCH_SAMPLES, warmup: int = BENCH_WARMUP,
                             depth: int = BENCH_DEPTH) -> dict:
    """Keydown on the weight-scale slider -> new canvas pixels, timed in the page."""
    nb = nb_path.name
    cells = stored_cells(nb_path)
    code_sources = [c["source"] for c in cells if c["type"] == "code"]
    open_notebook(page, server, url_path, nb)
    run = run_all(page, nb, len(cells), code_sources)
    assert_no_errors(page, nb, "run all", run["prompts"], code_sources)
    check_panels(page, nb, cells)
    found = page.evaluate("window.__lt.markExplorer()")
    assert found, (f"{NB(nb)}step 'find the gradient explorer': no panel with a 'depth' and a "
                   f"'weight scale' slider sharing an ipympl canvas")

    # depth -> 30 with the arrow keys, one step per press
    step = f"set depth to {depth}"
    depth_handle = page.locator('[data-lt="depth"]')
    depth_handle.scroll_into_view_if_needed()
    depth_handle.focus()
    for _ in range(200):
        cur = int(float(page.evaluate("window.__lt.explorerState().depth")))
        if cur == depth:
            break
        page.keyboard.press("ArrowRight" if cur < depth else "ArrowLeft")
        wait_for(lambda c=cur: int(float(page.evaluate("window.__lt.explorerState().depth"))) != c,
                 5, 0.05)
    state = page.evaluate("window.__lt.explorerState()")
    assert int(float(state["depth"])) == depth, (
        f"{NB(nb)}step '{step}': depth readout is {state['depth']!r}")
    assert wait_canvas_settled(page, quiet_s=1.5, timeout_s=120), (
        f"{NB(nb)}step '{step}': the canvas kept changing for 120 s")

    # weight scale: ArrowRight, or ArrowLeft if the samples would run past the maximum
    scale_handle = page.locator('[data-lt="scale"]')
    scale_handle.scroll_into_view_if_needed()
    scale_handle.focus()
    key = "ArrowRight"
    if state["scaleNow"] + 0.02 * (samples + warmup + 1) > state["scaleMax"]:
        key = "ArrowLeft"
    results, misses = [], 0
    for i in range(warmup + samples):
        before = page.evaluate("window.__lt.explorerState().scale")
        page.evaluate("ms => window.__lt.armLatency(ms)", SLIDER_EFFECT_TIMEOUT_S * 1000)
        page.keyboard.press(key)
        r = page.evaluate("window.__lt.latency.done")
        after = page.evaluate("window.__lt.explorerState().scale")
        assert r["keySeen"], f"{NB(nb)}step 'benchmark': the keydown never reached the page"
        assert after != before, (f"{NB(nb)}step 'benchmark': {key} did not move the weight-scale "
                                 f"slider (readout stayed {before!r})")
        if r["keyToPixelsMs"] is None:
            misses += 1
        elif i >= warmup:
            results.append(r["keyToPixelsMs"])
        assert wait_canvas_settled(page), f"{NB(nb)}step 'benchmark': canvas never settled"
    assert len(results) >= 10, (
        f"{NB(nb)}step 'benchmark': only {len(results)} samples had new pixels within "
        f"{SLIDER_EFFECT_TIMEOUT_S} s ({misses} misses)")
    final = page.evaluate("window.__lt.explorerState()")
    report = {
        "what": "keydown on the weight-scale slider -> first animation frame with changed "
                "canvas pixels (performance.now() in the page)",
        "notebook": nb, "depth": depth, "key": key,
        "weight_scale_readout": [state["scale"], final["scale"]],
        "n": len(results), "warmup_discarded": warmup, "misses": misses,
        "median_ms": round(statistics.median(results), 1),
        "p95_ms": round(_percentile(results, 95), 1),
        "min_ms": round(min(results), 1), "max_ms": round(max(results), 1),
        "samples_ms": [round(x, 1) for x in results],
        "machine": {"cpus": os.cpu_count(), "loadavg_1_5_15": list(os.getloadavg()),
                    "platform": platform.platform()},
        "versions": _versions(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return report


def test_gradient_explorer_latency(page, jupyter_server):
    nb_path = NOTEBOOKS / EXPLORER_NOTEBOOK
    if not nb_path.exists():
        pytest.skip(f"notebooks/{EXPLORER_NOTEBOOK} does not exist yet")
    report = measure_explorer_latency(page, jupyter_server, nb_path,
                                      f"lab/tree/notebooks/{EXPLORER_NOTEBOOK}?reset")
    LATENCY_FILE.parent.mkdir(parents=True, exist_ok=True)
    LATENCY_FILE.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\ngradient explorer, depth {report['depth']}: keydown -> new pixels "
          f"median {report['median_ms']} ms, p95 {report['p95_ms']} ms "
          f"(n={report['n']}, load {report['machine']['loadavg_1_5_15'][0]:.2f} on "
          f"{report['machine']['cpus']} cpus) -> {LATENCY_FILE}")
    assert report["n"] >= 10


def test_notebook7_runs_all_cells(page, jupyter_server):
    try:
        version = importlib.metadata.version("notebook")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("Jupyter Notebook 7 is not installed (`pip install notebook`)")
    if int(version.split(".")[0]) < 7:
        pytest.skip(f"needs Jupyter Notebook 7 or newer, found notebook {version}")
    if not NOTEBOOK_NAMES:
        pytest.skip("no notebooks/*.ipynb yet")
    # the flagship panel when it exists, else the first lesson
    nb = EXPLORER_NOTEBOOK if EXPLORER_NOTEBOOK in NOTEBOOK_NAMES else NOTEBOOK_NAMES[0]
    # Notebook 7.6 swallows arrow keys before they reach a focused slider
    # (they work in JupyterLab); dragging with the mouse works in both.
    check_notebook(page, jupyter_server, NOTEBOOKS / nb, f"notebooks/notebooks/{nb}",
                   None, move_slider="drag")


# -- the canvas check can fail ------------------------------------------------------------
KERNEL_PANEL_OF = """
import gc as _gc
from lessons_lib.widgets import Panel as _Panel
_lt_panel = next(_p for _p in _gc.get_objects()
                 if isinstance(_p, _Panel) and _p.live and _p.figure.number == {num})
del _gc, _Panel
"""

# LiveFigure keeps a blank background, as if the axes had never been drawn; the
# next redraw (same state, so the fast path) puts only the lines on it.
KERNEL_STALE_BACKGROUND = """
_r = _lt_panel.figure.canvas.get_renderer()
_r.clear()
_lt_panel.figure._background = (_r, (_r.width, _r.height), _r.copy_from_bbox(_lt_panel.figure.bbox))
_lt_panel.figure.stale = False
_lt_panel.update()
print(_lt_panel.figure.n_fast_draws)
del _r
"""


def _explorer_figure(page, nb: str) -> str:
    found = page.evaluate("window.__lt.markExplorer()")
    assert found, f"{NB(nb)}no gradient explorer"
    for f in page.evaluate("window.__cv.list()"):
        if f["cell"] == found["cell"]:
            return f["num"]
    raise AssertionError(f"{NB(nb)}the explorer's cell has no live figure")


def test_canvas_check_sees_a_stale_picture(page, jupyter_server):
    """The full-redraw comparison fails on stale pictures, and whole frames survive a lost one.

    1. the kernel draws the lines over a stale (blank) kept background;
    2. the page's picture is spoiled by hand;
    3. with matplotlib's diff frames (the fix undone) one frame lost on its way leaves
       stale pixels; with the panel's whole frames the same loss leaves nothing.
    """
    nb = EXPLORER_NOTEBOOK
    nb_path = NOTEBOOKS / nb
    cells = stored_cells(nb_path)
    open_notebook(page, jupyter_server, f"lab/tree/notebooks/{nb}?reset", nb)
    run_all(page, nb, len(cells), [c["source"] for c in cells if c["type"] == "code"])
    check_panels(page, nb, cells)
    num = _explorer_figure(page, nb)
    check = canvas_checks

    def differing() -> int:
        (res,) = check.compare_canvases(page, [num])
        return res["differing"]

    assert differing() == 0
    assert "Error" not in check.kernel_exec(page, KERNEL_PANEL_OF.format(num=int(num)))

    out = check.kernel_exec(page, KERNEL_STALE_BACKGROUND)
    assert out.strip().isdigit(), out
    page.wait_for_timeout(1000)
    assert differing() > 1000, "a frame drawn over a blank kept background went unnoticed"

    check.kernel_exec(page, "_lt_panel.update()")            # repaired by a full redraw
    assert differing() == 0
    check.scroll_to_figure(page, num)
    page.evaluate("n => window.__cv.spoil(n)", num)
    (res,) = [page.evaluate("([n, png]) => window.__cv.compare(n, png)",
                            [num, check.kernel_full_frames(page, [num])[num]["png"]])]
    assert res["differing"] > 1000, "a spoiled page picture went unnoticed"

    def lose_one_frame(undo_fix: bool) -> int:
        check.kernel_exec(page, "del _lt_panel.figure.canvas.get_diff_image" if undo_fix else
                          "import lessons_lib as _ll\n"
                          "_ll.widgets.prepare_live_canvas(_lt_panel.figure.canvas)")
        check.kernel_exec(page, "_lt_panel.set(depth=12)")
        page.wait_for_timeout(800)
        page.evaluate("() => { window.__cvs.state.dropNext = 1; }")
        check.kernel_exec(page, "_lt_panel.set(depth=20)")      # lost on its way
        page.wait_for_timeout(800)
        assert page.evaluate("window.__cvs.state.dropNext") == 0, "no frame was lost"
        check.kernel_exec(page, "_lt_panel.set(depth=21)")
        page.wait_for_timeout(800)
        return differing()

    assert lose_one_frame(undo_fix=True) > 100, "diff frames with one lost frame looked right"
    assert lose_one_frame(undo_fix=False) == 0, "a lost whole frame spoiled the picture"


# -- keydown -> new pixels for every panel ------------------------------------------------
PANEL_LATENCY_FILE = ARTIFACTS / "browser_panel_latency.json"
PANEL_SAMPLES = 12
PANEL_WARMUP = 2
PANEL_MISS_TIMEOUT_MS = 3000


def _slider_latency(page, nb: str, num: str, samples: int, warmup: int) -> dict:
    """Keydown on figure ``num``'s first slider -> new pixels on its canvas, ``samples`` times.

    Moves one way until the slider's end, then back (a value revisited may be
    memoised, as it is in class). Returns the samples and what was moved.
    """
    check = canvas_checks
    check.scroll_to_figure(page, num)
    info = page.evaluate("n => window.__cvs.markControls(n)", num)
    if not info or not info["slider"]:
        return {}
    page.evaluate("""() => {
        document.querySelectorAll('[data-lt="canvas"]').forEach(e => e.removeAttribute('data-lt'));
        document.querySelector('[data-cv="figure"] canvas').setAttribute('data-lt', 'canvas');
    }""")
    check.wait_settled(page, num, quiet_s=0.5)
    handle = page.locator('[data-cvs="handle"]')
    handle.scroll_into_view_if_needed()
    handle.focus()
    key = "ArrowLeft" if info["slider"]["now"] >= info["slider"]["max"] else "ArrowRight"
    results, misses, turns = [], 0, 0
    while len(results) < samples + warmup and turns < 4:
        before = page.evaluate("window.__cvs.readout()")
        page.evaluate("ms => window.__lt.armLatency(ms)", PANEL_MISS_TIMEOUT_MS)
        page.keyboard.press(key)
        r = page.evaluate("window.__lt.latency.done")
        if page.evaluate("window.__cvs.readout()") == before:      # at an end: turn round
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            turns += 1
            continue
        if r["keyToPixelsMs"] is None:
            misses += 1
        else:
            results.append(r["keyToPixelsMs"])
        check.wait_settled(page, num, quiet_s=0.4)
    kept = results[warmup:]
    return {"notebook": nb, "figure": num, "slider": info["slider"]["label"],
            "n": len(kept), "misses": misses,
            "median_ms": round(statistics.median(kept), 1) if kept else None,
            "p95_ms": round(_percentile(kept, 95), 1) if kept else None,
            "samples_ms": [round(x, 1) for x in kept]}


def test_every_panel_latency(page, jupyter_server):
    """Benchmark (asserts only that it measured): keydown -> new pixels, every live panel."""
    rows = []
    for nb in NOTEBOOK_NAMES:
        nb_path = NOTEBOOKS / nb
        cells = stored_cells(nb_path)
        if not any(c["widget"] for c in cells):
            continue
        open_notebook(page, jupyter_server, f"lab/tree/notebooks/{nb}?reset", nb)
        run_all(page, nb, len(cells), [c["source"] for c in cells if c["type"] == "code"])
        check_panels(page, nb, cells)
        for f in page.evaluate("window.__cv.list()"):
            if f["num"]:
                row = _slider_latency(page, nb, f["num"], PANEL_SAMPLES, PANEL_WARMUP)
                if row:
                    rows.append(row)
                    print(f"\n{NB(nb)}figure {row['figure']}, slider {row['slider']!r}: "
                          f"median {row['median_ms']} ms, p95 {row['p95_ms']} ms "
                          f"(n={row['n']}, misses {row['misses']})")
        jupyter_server.shutdown_kernels()
    report = {"what": "keydown on each live panel's first slider -> first animation frame "
                      "with changed canvas pixels (performance.now() in the page)",
              "panels": rows,
              "machine": {"cpus": os.cpu_count(), "loadavg_1_5_15": list(os.getloadavg()),
                          "platform": platform.platform()},
              "versions": _versions(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    PANEL_LATENCY_FILE.parent.mkdir(parents=True, exist_ok=True)
    PANEL_LATENCY_FILE.write_text(json.dumps(report, indent=2) + "\n")
    assert rows and all(r["n"] >= 10 for r in rows), [(r["notebook"], r["n"]) for r in rows]


def test_live_canvases_on_a_high_dpi_screen(browser, jupyter_server):
    """At a device-pixel ratio of 2 the canvas holds 4× the pixels: still a full redraw's."""
    import contextlib

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=2)
    context.set_default_timeout(60_000)
    try:
        pg = context.new_page()
        nb = EXPLORER_NOTEBOOK
        cells = stored_cells(NOTEBOOKS / nb)
        open_notebook(pg, jupyter_server, f"lab/tree/notebooks/{nb}?reset", nb)
        run_all(pg, nb, len(cells), [c["source"] for c in cells if c["type"] == "code"])
        check_panels(pg, nb, cells)
        num = _explorer_figure(pg, nb)
        (res,) = canvas_checks.compare_canvases(pg, [num])
        assert res["page"][0] == 2 * res["shown"][0], res   # really twice the CSS pixels
        checked = canvas_checks.check_live_canvases(pg, nb, ARTIFACTS)
        assert "after rapid slider presses" in checked
    finally:
        with contextlib.suppress(Exception):
            context.close()
        jupyter_server.shutdown_kernels()
