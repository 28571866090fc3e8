"""What a student sees on a live canvas must equal a full redraw of the figure's state.

Helpers for the browser tests (no tests here). The page's pixels of every
ipympl canvas are compared, pixel for pixel, with a full render that the
kernel makes of the same figure on request:

* :data:`KERNEL_FULL_FRAMES` runs in the notebook's kernel (sent straight to
  the kernel, not through a cell, so the notebook does not change). For every
  open figure it throws away :class:`lessons_lib.plots.LiveFigure`'s kept
  background, draws everything the ordinary way on the figure's own Agg
  renderer and returns the RGBA pixels as PNG. Nothing is sent to the page:
  the page keeps exactly what it had.
* The page finds each canvas's figure number in the (hidden) ipympl header
  ("Figure 7"), decodes the kernel's PNG and counts the pixels that differ.

A figure whose page pixels differ from the full render is drawn wrong: a
frame was applied onto a background it did not assume, a frame was lost, or
the kernel's fast path drew something stale.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

#: Code run in the kernel: ``{"<num>": {"png": base64, "size": [w, h]}}`` on stdout.
KERNEL_FULL_FRAMES = r"""
def __lt_full_frame(fig):
    import base64, io
    import numpy as np
    from PIL import Image
    if hasattr(fig, "_background"):
        fig._background = None              # LiveFigure: no kept pixels, draw everything
    renderer = fig.canvas.get_renderer()
    renderer.clear()
    fig.draw(renderer)
    pixels = np.asarray(renderer.buffer_rgba())
    with io.BytesIO() as buf:
        Image.fromarray(pixels).save(buf, format="png")
        return {"png": base64.b64encode(buf.getvalue()).decode(),
                "size": [int(pixels.shape[1]), int(pixels.shape[0])]}

def __lt_full_frames(nums):
    import json
    from matplotlib._pylab_helpers import Gcf
    from lessons_lib.plots import DRAW_LOCK      # never in the middle of a panel's update
    with DRAW_LOCK:
        out = {str(num): __lt_full_frame(m.canvas.figure) for num, m in list(Gcf.figs.items())
               if not nums or num in nums}
    print(json.dumps(out))

__lt_full_frames(%s)
del __lt_full_frames, __lt_full_frame
"""

#: Code run in the kernel: every panel's control values and update count.
KERNEL_PANEL_VALUES = """
import gc as _gc
from lessons_lib.widgets import Panel as _Panel
print([(type(_p).__name__, _p.values(), _p.n_updates)
       for _p in _gc.get_objects() if isinstance(_p, _Panel)])
del _gc, _Panel
"""

#: Page helpers installed with ``page.add_init_script`` (window.__cv).
PAGE_CANVAS_HELPERS = r"""
window.__cv = (() => {
  const P = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  const cells = () => [...document.querySelectorAll(P + ' .jp-Notebook .jp-Cell')];
  const figures = () => [...document.querySelectorAll(P + ' .jupyter-matplotlib-figure')];
  const numOf = f => {
    const h = f.querySelector('.jupyter-matplotlib-header');
    const m = h ? /(\d+)\s*$/.exec(h.textContent.trim()) : null;
    return m ? m[1] : null;
  };
  const canvasOf = f => f.querySelector('canvas');
  async function decode(png) {
    const img = new Image();
    img.src = 'data:image/png;base64,' + png;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, c.width, c.height);
  }
  return {
    // every live figure in the visible notebook: its number and where it is
    list() {
      return figures().map(f => {
        const c = canvasOf(f);
        return {num: numOf(f), cell: cells().indexOf(f.closest('.jp-Cell')),
                width: c ? c.width : 0, height: c ? c.height : 0};
      });
    },
    mark(num) {
      document.querySelectorAll('[data-cv]').forEach(e => e.removeAttribute('data-cv'));
      const f = figures().find(f => numOf(f) === String(num));
      if (!f) return false;
      f.setAttribute('data-cv', 'figure');
      return true;
    },
    signature(num) {
      const f = figures().find(f => numOf(f) === String(num));
      return f ? canvasOf(f).toDataURL() : null;
    },
    // pixels of figure `num` in the page vs a PNG of the full render
    async compare(num, png) {
      const f = figures().find(f => numOf(f) === String(num));
      if (!f) return {num, found: false};
      const c = canvasOf(f);
      const ref = await decode(png);
      const r = c.getBoundingClientRect();
      const res = {num, found: true, cell: cells().indexOf(f.closest('.jp-Cell')),
                   page: [c.width, c.height], kernel: [ref.width, ref.height],
                   shown: [Math.round(r.width), Math.round(r.height)],
                   differing: null, box: null};
      if (c.width !== ref.width || c.height !== ref.height) return res;
      const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const b = ref.data;
      let n = 0, x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1;
      for (let i = 0; i < a.length; i += 4) {
        if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]
            || a[i + 3] !== b[i + 3]) {
          n++;
          const p = i / 4, x = p % c.width, y = Math.floor(p / c.width);
          if (x < x0) x0 = x; if (y < y0) y0 = y; if (x > x1) x1 = x; if (y > y1) y1 = y;
        }
      }
      res.differing = n;
      if (n) res.box = [x0, y0, x1, y1];
      res.pageImage = n ? c.toDataURL() : null;
      return res;
    },
    // a deliberately stale picture: keep only what differs from white in
    // the page's copy of the figure (as if the static part never arrived)
    spoil(num) {
      const f = figures().find(f => numOf(f) === String(num));
      const c = canvasOf(f);
      const ctx = c.getContext('2d');
      ctx.fillStyle = 'white';
      ctx.fillRect(0, 0, c.width, Math.floor(c.height / 3));
      return true;
    },
  };
})();
"""

#: Run code in the notebook's kernel from the page; resolves to its stdout (or "ERROR ...").
JS_KERNEL_EXEC = r"""async (code) => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session.kernel;
  let text = '';
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  future.onIOPub = msg => {
    const t = msg.header.msg_type;
    if (t === 'stream') text += msg.content.text;
    if (t === 'error') text += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return text;
}"""


def kernel_exec(page, code: str) -> str:
    """Run ``code`` in the kernel of the visible notebook; return what it printed."""
    return page.evaluate(JS_KERNEL_EXEC, code)


def kernel_full_frames(page, nums: list[str] | None = None) -> dict[str, dict]:
    """Full renders of the open figures (all, or those numbered ``nums``)."""
    arg = "[" + ", ".join(str(int(n)) for n in nums) + "]" if nums else "None"
    out = kernel_exec(page, KERNEL_FULL_FRAMES % arg)
    if out.startswith("ERROR") or not out.strip():
        raise AssertionError(f"the kernel could not render full frames: {out[:2000]!r}")
    return json.loads(out.strip().splitlines()[-1])


def wait_still(page, expression: str, arg=None, quiet_s: float = 0.8,
               timeout_s: float = 60.0) -> bool:
    """True once the page's ``expression`` (e.g. a canvas's pixels) has not changed for
    ``quiet_s`` seconds; False after ``timeout_s``."""
    last, since = None, time.monotonic()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        cur = page.evaluate(expression, arg)
        if cur != last:
            last, since = cur, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return True
        time.sleep(0.1)
    return False


def wait_settled(page, num: str, quiet_s: float = 0.8, timeout_s: float = 60.0) -> bool:
    """True once figure ``num``'s canvas has not changed for ``quiet_s`` seconds."""
    return wait_still(page, "n => window.__cv.signature(n)", num, quiet_s, timeout_s)


def scroll_to_figure(page, num: str) -> None:
    """Bring figure ``num`` into view (JupyterLab may only render cells near the viewport)."""
    if page.evaluate("n => window.__cv.mark(n)", num):
        page.locator('[data-cv="figure"]').scroll_into_view_if_needed()


def compare_canvases(page, nums: list[str] | None = None) -> list[dict]:
    """Compare every live canvas (or those numbered ``nums``) with the kernel's full render.

    Each figure is scrolled into view and left to settle first. Returns one
    result per figure: ``differing`` pixels (0 = right), sizes, the
    bounding box of the difference.
    """
    listed = [f["num"] for f in page.evaluate("window.__cv.list()") if f["num"]]
    nums = [n for n in listed if nums is None or n in nums]
    for num in nums:
        scroll_to_figure(page, num)
        wait_settled(page, num)
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) '
                           '.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    frames = kernel_full_frames(page, nums)
    results = []
    for num in nums:
        if num not in frames:
            results.append({"num": num, "found": True, "differing": None,
                            "error": "the kernel has no open figure with this number"})
            continue
        scroll_to_figure(page, num)
        res = page.evaluate("([n, png]) => window.__cv.compare(n, png)",
                            [num, frames[num]["png"]])
        res["kernelPng"] = frames[num]["png"]
        results.append(res)
    return results


def save_mismatch(res: dict, folder: Path, tag: str) -> list[Path]:
    """Write the page's and the kernel's picture of a mismatching figure; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    if res.get("pageImage"):
        p = folder / f"{tag}-fig{res['num']}-page.png"
        p.write_bytes(base64.b64decode(res["pageImage"].split(",", 1)[1]))
        paths.append(p)
    if res.get("kernelPng"):
        p = folder / f"{tag}-fig{res['num']}-full-redraw.png"
        p.write_bytes(base64.b64decode(res["kernelPng"]))
        paths.append(p)
    return paths


def describe(results: list[dict]) -> str:
    """One line per figure, for assertion messages."""
    lines = []
    for r in results:
        if not r.get("found", True):
            lines.append(f"figure {r['num']}: not in the page")
        elif r.get("differing") is None:
            lines.append(f"figure {r['num']} (cell {r.get('cell')}): size in page "
                         f"{r.get('page')} vs full redraw {r.get('kernel')}"
                         + (f" ({r['error']})" if r.get("error") else ""))
        else:
            lines.append(f"figure {r['num']} (cell {r['cell']}): {r['differing']} of "
                         f"{r['page'][0] * r['page'][1]} pixels differ from a full redraw"
                         + (f", within x,y box {r['box']}" if r["box"] else ""))
    return "\n".join(lines)


def bad(results: list[dict]) -> list[dict]:
    """The results of figures not drawn as a full redraw would draw them."""
    return [r for r in results if r.get("differing") != 0]


# -- the conditions a student meets -------------------------------------------------
#: Page helpers for the scenarios (window.__cvs): controls of a figure's panel, scrolling,
#: losing frames on purpose.
PAGE_SCENARIO_HELPERS = r"""
window.__cvs = (() => {
  const P = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  const figureEl = num => [...document.querySelectorAll(P + ' .jupyter-matplotlib-figure')]
    .find(f => { const h = f.querySelector('.jupyter-matplotlib-header');
                 return h && /(\d+)\s*$/.exec(h.textContent.trim())?.[1] === String(num); });
  // the panel around a figure: the outermost widget box inside its output
  const panelOf = num => { const f = figureEl(num);
                           return f ? f.closest('.jp-OutputArea-output') : null; };
  const state = {dropNext: 0, dropped: 0};
  const desc = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  Object.defineProperty(HTMLImageElement.prototype, 'src', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(v) {
      if (state.dropNext > 0 && String(v).startsWith('blob:')) {   // a frame lost on its way
        state.dropNext--; state.dropped++; return;
      }
      desc.set.call(this, v);
    },
  });
  return {
    state,
    // mark the first slider handle and the buttons of figure num's panel
    markControls(num) {
      document.querySelectorAll('[data-cvs]').forEach(e => e.removeAttribute('data-cvs'));
      const p = panelOf(num);
      if (!p) return null;
      const h = p.querySelector('.widget-slider .noUi-handle');
      if (h) h.setAttribute('data-cvs', 'handle');
      const buttons = {};
      p.querySelectorAll('button').forEach(b => {
        const t = b.textContent.trim();
        if (t && !(t in buttons)) { b.setAttribute('data-cvs', 'button-' + t); buttons[t] = true; }
      });
      return {slider: h ? {label: h.closest('.widget-slider').querySelector('.widget-label')
                                    .textContent.trim(),
                           now: parseFloat(h.getAttribute('aria-valuenow')),
                           min: parseFloat(h.getAttribute('aria-valuemin')),
                           max: parseFloat(h.getAttribute('aria-valuemax'))} : null,
              buttons: Object.keys(buttons)};
    },
    readout() {
      const h = document.querySelector('[data-cvs="handle"]');
      const r = h ? h.closest('.widget-slider').querySelector('.widget-readout') : null;
      return r ? r.textContent.trim() : null;
    },
    scrollTo(where) {
      const o = document.querySelector(P + ' .jp-WindowedPanel-outer');
      o.scrollTop = where === 'top' ? 0 : o.scrollHeight;
      return o.scrollTop;
    },
  };
})();
"""

#: A cell that keeps the kernel's main thread busy for 3 s redrawing every panel
#: (as a cell calling ``panel.set(...)`` does).
KERNEL_BUSY_DRAWING = """
import gc as _gc, time as _time
from lessons_lib.widgets import Panel as _Panel
_panels = [_p for _p in _gc.get_objects() if isinstance(_p, _Panel)]
_end = _time.time() + 3.0
while _time.time() < _end:
    for _p in _panels:
        _p.update()
del _gc, _time, _Panel, _panels, _end
"""

#: Start code in the kernel without waiting for it (the kernel stays busy meanwhile).
JS_KERNEL_START = r"""(code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.__cvBusy = kernel.requestExecute({code, silent: true, store_history: false}).done;
  return true;
}"""


def press(page, key: str, times: int) -> None:
    """``times`` key presses on the focused element, without waiting in between."""
    for _ in range(times):
        page.keyboard.press(key)


def rapid_keys(page, info: dict) -> str:
    """Focus the marked slider and press 4 steps one way and 2 back, without waiting."""
    handle = page.locator('[data-cvs="handle"]')
    handle.scroll_into_view_if_needed()
    handle.focus()
    s = info["slider"]
    first, back = ("ArrowLeft", "ArrowRight") if s["now"] >= s["max"] else ("ArrowRight",
                                                                            "ArrowLeft")
    press(page, first, 4)
    press(page, back, 2)
    return f"{first}×4 {back}×2"


def check_live_canvases(page, nb: str, artifacts: Path) -> dict:
    """Every live canvas equals a full redraw after each thing a student does.

    Conditions, in order: after Run All; after rapid slider presses on each
    panel; after scrolling every panel out of view and back; after Train and
    Reset where a panel has them; while the kernel is busy (the picture stays
    the last full frame) and once it is free again. Raises AssertionError
    naming the condition and the figures, and writes the page's and the full
    redraw's pictures to ``artifacts`` for a mismatch. Returns what was checked.
    """
    folder = artifacts / "canvas-mismatch"
    stem = Path(nb).stem
    checked: dict[str, list] = {}

    def verify(condition: str, nums: list[str] | None = None) -> None:
        results = compare_canvases(page, nums)
        checked[condition] = [r["num"] for r in results]
        wrong = bad(results)
        for r in wrong:
            save_mismatch(r, folder, f"{stem}-{condition.replace(' ', '-')}")
        values = kernel_exec(page, KERNEL_PANEL_VALUES) if wrong else ""
        assert not wrong, (f"[{nb}] {condition}: the page does not show what a full redraw "
                           f"draws:\n{describe(wrong)}\n(pictures in {folder}; panels in the "
                           f"kernel: {values.strip()})")

    figures = [f["num"] for f in page.evaluate("window.__cv.list()") if f["num"]]
    if not figures:
        return checked
    verify("after Run All")
    with_slider = []
    for num in figures:
        scroll_to_figure(page, num)
        info = page.evaluate("n => window.__cvs.markControls(n)", num)
        if info and info["slider"]:
            rapid_keys(page, info)
            with_slider.append(num)
    if with_slider:
        verify("after rapid slider presses", with_slider)
    for where in ("top", "bottom", "top"):
        page.evaluate("w => window.__cvs.scrollTo(w)", where)
        page.wait_for_timeout(700)
    verify("after scrolling out of view and back")
    for num in figures:
        scroll_to_figure(page, num)
        info = page.evaluate("n => window.__cvs.markControls(n)", num)
        if info and "Reset" in info["buttons"]:
            if "Train" in info["buttons"]:
                page.locator('[data-cvs="button-Train"]').click()
                page.wait_for_timeout(1500)
            page.locator('[data-cvs="button-Reset"]').click()
            page.wait_for_timeout(300)
            verify("after Train and Reset", [num])
    if with_slider:
        # A cell keeps the main thread busy drawing every figure (as a cell that
        # builds pictures does) while the slider is pressed. Widget messages may
        # be served at the same time on a kernel subshell thread (JupyterLab's
        # default), or after the cell (without subshells): either way, once the
        # kernel is free the page must show the full redraw of the final state.
        num = with_slider[0]
        scroll_to_figure(page, num)
        info = page.evaluate("n => window.__cvs.markControls(n)", num)
        before = page.evaluate("n => window.__cv.signature(n)", num)
        page.evaluate(JS_KERNEL_START, KERNEL_BUSY_DRAWING)
        page.wait_for_timeout(300)
        rapid_keys(page, info)
        page.wait_for_timeout(1500)
        checked["changed while the kernel was busy"] = (
            page.evaluate("n => window.__cv.signature(n)", num) != before)
        busy = page.evaluate("async () => { await window.__cvBusy; return 'done'; }")
        assert busy == "done"
        verify("after keys pressed while the kernel was busy", [num])
    shots = artifacts / "panels"
    shots.mkdir(parents=True, exist_ok=True)
    for num in figures:                      # what the student sees, panel by panel
        scroll_to_figure(page, num)
        page.locator('[data-cv="figure"]').evaluate(
            "f => f.closest('.jp-OutputArea-output').setAttribute('data-cv-panel', '1')")
        panel = page.locator('[data-cv-panel="1"]')
        panel.screenshot(path=str(shots / f"{stem}-figure{num}.png"))
        panel.evaluate("e => e.removeAttribute('data-cv-panel')")
    return checked
