"""Drawing helpers: create artists once, update them in place (used by every panel).

Nothing here computes an experiment and nothing touches widgets: a drawer
takes numbers and moves its artists. Every helper takes ``ax=None`` (a new
small figure is made, without showing it) and returns what it drew.

Colors are the Okabe–Ito palette, which stays distinguishable with every
common form of color blindness. No global matplotlib state is changed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, Locator, MaxNLocator, NullLocator
from matplotlib.transforms import IdentityTransform

from ..validation import check_array, check_bool, check_float, check_int

__all__ = ["COLORS", "DRAW_LOCK", "LinePlot", "LiveFigure", "new_figure",
           "plot_gradient_profile", "prepare_live_canvas", "show_static"]

#: Okabe–Ito color-blind-safe palette.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: Largest and smallest magnitudes a log axis is asked to show.
_LOG_MAX = 1e300
_LOG_MIN = 1e-300


_PROBLEM_TITLES = {
    "inf": "Overflow: beyond float64's 1.8e308, not drawn",
    "zero": "Underflow: exactly 0, not drawn on a log scale",
    "nan": "Undefined (NaN), not drawn",
}


_MARGINS = ("left", "right", "bottom", "top", "wspace")

#: The one lock under which the kernel draws figures and updates panels.
#: A kernel may run a panel's callbacks on a second thread: JupyterLab ≥ 4.4
#: sends widget messages to a kernel *subshell* (its default
#: ``commsOverSubshells: perCommTarget``) and ipykernel ≥ 7 serves each
#: subshell on its own thread, concurrently with the cell running on the main
#: thread. matplotlib is not thread-safe: two threads drawing the same figure
#: (or any figures: the text and math-text caches are shared) tear frames,
#: lose artists or raise. Every :class:`LiveFigure` draw, every panel update
#: and every message a live canvas gets from the page run under this lock.
#: Re-entrant, so a draw inside an update takes it again freely.
DRAW_LOCK = threading.RLock()


class LiveFigure(Figure):
    """A figure that renders its static part once and then only what moves.

    Artists flagged ``animated`` (the lines of a :class:`LinePlot`) are left
    out of the ordinary draw, as in matplotlib's blitting. After a full draw
    the pixels of everything else (axes, ticks, labels: the expensive text)
    are kept. On the next draw, if nothing static changed since (matplotlib
    marks an axes and the figure ``stale`` when a limit, a label or any
    non-animated artist changes), those pixels are restored and only the
    animated artists are drawn on top. If only some axes changed, only they
    are redrawn: each axes' old and new area (its tight bounding box: ticks,
    labels and titles included) is painted with the figure's background and
    the axes drawn again there, the rest restored. That is done only when the
    area touches no other axes' area, the figure has no layout engine and
    nothing outside the axes changed; otherwise the whole figure is drawn.
    The canvas still holds the complete image, so this works with any
    Agg-based canvas (ipympl's included) without blitting support. Saving
    (``savefig``, the inline backend) draws everything the ordinary way.

    Attributes
    ----------
    n_full_draws, n_partial_draws, n_fast_draws : int
        How many draws rendered everything / redrew only the changed axes /
        restored the whole static part.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (renderer, (width, height), static pixels, {axes: area it covers})
        self._background: tuple[Any, tuple[float, float], Any, dict[Any, Any]] | None = None
        self.n_full_draws = 0
        self.n_partial_draws = 0
        self.n_fast_draws = 0

    def _animated_artists(self) -> list[Any]:
        found = []
        for ax in self.axes:
            found += sorted((a for a in ax.get_children()
                             if a.get_animated() and a.get_visible()),
                            key=lambda a: a.get_zorder())
        return found

    def draw(self, renderer: Any) -> None:
        """Draw the figure; restore the static part instead when it is unchanged.

        Runs under :data:`DRAW_LOCK`, whichever thread asks.
        """
        with DRAW_LOCK:
            self._draw_locked(renderer)

    def _draw_locked(self, renderer: Any) -> None:
        if self.canvas.is_saving() or not hasattr(renderer, "copy_from_bbox"):
            self._background = None          # a draw we cannot keep: start afresh next time
            super().draw(renderer)
            return
        size = (renderer.width, renderer.height)
        cached = self._background
        if cached is not None and cached[0] is renderer and cached[1] == size:
            if not self.stale:
                renderer.restore_region(cached[2])
                self.n_fast_draws += 1
            elif self._draw_changed_axes(renderer, cached[2], cached[3]):
                self.n_partial_draws += 1
            else:
                self._draw_everything(renderer)
        else:
            self._draw_everything(renderer)
        for artist in self._animated_artists():
            artist.draw(renderer)

    def _draw_everything(self, renderer: Any) -> None:
        super().draw(renderer)               # skips the animated artists
        areas = {}
        if self.get_layout_engine() is None:
            for ax in self.axes:
                area = _axes_area(ax, renderer)
                if area is not None:
                    areas[ax] = area
        _unstale(self)
        self._background = (renderer, (renderer.width, renderer.height),
                            renderer.copy_from_bbox(self.bbox), areas)
        self.n_full_draws += 1

    def _draw_changed_axes(self, renderer: Any, static: Any, areas: dict[Any, Any]) -> bool:
        """Redraw only the stale axes over the kept static pixels; False if that is unsafe.

        Each stale axes' old area is painted with the figure's background and
        the axes drawn again (in z-order, as a full draw does). Its new area is
        measured after the draw (the text is laid out by then); if it grew into
        the area of an axes that was not redrawn, the caller draws everything
        instead. Pixels outside every axes' area are plain background (nothing
        else is on the figure), so an axes that grew into them painted what a
        full draw paints.
        """
        if self.get_layout_engine() is not None or len(areas) != len(self.axes):
            return False
        if any(child is not self.patch and child not in areas and child.get_visible()
               for child in self.get_children()):
            return False                     # a figure text, legend, image...: draw it all
        face = self.patch.get_facecolor()
        if not self.patch.get_visible() or face[3] != 1.0:
            return False                     # a see-through figure cannot be painted over
        changed = [ax for ax in self.axes if ax.stale]
        if not changed or len(changed) == len(self.axes):
            return False
        kept = [areas[ax] for ax in self.axes if ax not in changed]
        if any(_overlap(areas[ax], other) for ax in changed for other in kept):
            return False
        renderer.restore_region(static)
        gc = renderer.new_gc()
        gc.set_antialiased(False)
        gc.set_linewidth(0)
        for ax in changed:
            x0, y0, x1, y1 = areas[ax]
            rect = Path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], closed=True)
            renderer.draw_path(gc, rect, IdentityTransform(), face)
        gc.restore()
        new_areas = {}
        for ax in sorted(changed, key=lambda a: a.get_zorder()):
            ax.draw(renderer)
            new_areas[ax] = _axes_area(ax, renderer)
        _unstale(self)
        for area in new_areas.values():
            if area is None or any(_overlap(area, other) for other in kept):
                renderer.clear()              # it grew into a neighbor: start afresh
                return False
        areas.update(new_areas)
        self._background = (renderer, (renderer.width, renderer.height),
                            renderer.copy_from_bbox(self.bbox), areas)
        return True


def _axes_area(ax: Any, renderer: Any) -> tuple[float, float, float, float] | None:
    """The whole pixels an axes paints (its tight bounding box, 2 px margin), or None."""
    if not ax.get_visible():
        return None
    box = ax.get_tightbbox(renderer)
    if box is None or not np.all(np.isfinite(box.extents)):
        return None
    fig_w, fig_h = renderer.width, renderer.height
    x0 = max(np.floor(box.x0) - 2.0, 0.0)
    y0 = max(np.floor(box.y0) - 2.0, 0.0)
    x1 = min(np.ceil(box.x1) + 2.0, float(fig_w))
    y1 = min(np.ceil(box.y1) + 2.0, float(fig_h))
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)


def _unstale(fig: Any) -> None:
    # Measuring an axes (ticks, labels) marks it stale though nothing changed.
    for ax in fig.axes:
        ax.stale = False
    fig.stale = False


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def prepare_live_canvas(canvas: Any) -> None:
    """Make a live (ipympl) canvas safe: whole frames, page messages under the draw lock.

    **Whole frames.** By default the canvas sends a frame as a *diff*: only
    the pixels that changed since the previous frame, the rest transparent,
    to be drawn over what the page already shows. ipympl's page side decodes
    each frame through a single ``Image`` and draws it once it has loaded; a
    frame that arrives while the previous one is still loading replaces it,
    so that one is never drawn, and the image mode (full or diff) is read
    when a frame is drawn, not when it arrived. Frames come in bursts — a
    fast drag, a training loop, a page flushing queued messages — and a lost
    diff leaves its pixels stale for good: later diffs repaint only what
    changes again, so axes, labels or a whole plot stay missing, lines show
    twice, and no slider move repairs it. A whole frame depends on nothing
    drawn before it: a lost one costs nothing, the next replaces the
    picture, and the last frame sent is the one that stays. It costs ~4 ms
    more to encode (PNG of a 540×270 figure: ~6 ms instead of ~2 ms) and
    ~20 kB instead of ~1 kB.

    **No frame before the page.** Until the page has said ``initialized``,
    ipympl sends a frame as raw RGBA bytes rather than a PNG; the page's image
    then breaks, and the page's next resize (``drawImage`` of that broken
    image) throws before it sizes the canvas, which stays 0 × 0 for good — a
    blank panel. So no frame is sent before then: the page asks for a full
    one (``refresh``) right after it has sized the canvas.

    **One thread at a time.** Every message from the page (state updates,
    draw, refresh, resize, pixel ratio) may be handled on a kernel subshell
    thread while a cell runs on the main thread (see :data:`DRAW_LOCK`). They
    are handled, and frames are read from the renderer, under that lock: a
    frame is never taken from a half-drawn canvas, and the canvas's widget
    state (its size above all) is never changed from two threads at once.
    Calling this again on the same canvas changes nothing.

    Parameters
    ----------
    canvas : ipympl Canvas
        ``fig.canvas`` under ``%matplotlib widget`` (a matplotlib
        ``FigureCanvasWebAggCore``).
    """
    if not callable(getattr(canvas, "get_diff_image", None)) or not hasattr(canvas,
                                                                             "_force_full"):
        raise TypeError(f"canvas must be a WebAgg/ipympl canvas (with get_diff_image), "
                        f"got {type(canvas).__name__}")
    diff_image = type(canvas).get_diff_image

    def full_image() -> bytes | None:
        with DRAW_LOCK:
            if getattr(canvas, "syncing_data_url", False):
                return None                # no page yet: see "No frame before the page"
            canvas._force_full = True      # matplotlib's own "next frame is whole" flag
            return diff_image(canvas)

    canvas.get_diff_image = full_image
    for widget in (canvas, getattr(canvas, "toolbar", None)):
        comm = getattr(widget, "comm", None)
        handle_msg = getattr(widget, "_handle_msg", None)
        if comm is not None and callable(handle_msg):
            comm.on_msg(functools.partial(_locked_call, handle_msg))


def _locked_call(fn: Any, *args: Any) -> Any:
    with DRAW_LOCK:
        return fn(*args)


def new_figure(figsize: tuple[float, float] | None = None, dpi: int = 90, *, ncols: int = 1,
               width_ratios: Sequence[float] | None = None, **margins: float) -> Figure:
    """A new figure with ``ncols`` axes in a row, created without being displayed.

    Uses pyplot (so the live ipympl backend gives it an interactive canvas)
    inside ``plt.ioff()``, so it appears only where a panel places it. The
    margins are fixed: a layout engine would re-measure every text on every
    redraw, which is the most expensive part of a live update.

    Parameters
    ----------
    figsize : (float, float), optional
        Inches; default (6, 3) for one axes, (3.8·ncols, 3.2) for several.
    dpi : int
        Dots per inch, 10..600.
    ncols : int
        Number of axes side by side, 1..6; they are ``fig.axes``, left to right.
    width_ratios : sequence of float, optional
        Relative widths of the axes (``ncols`` positive numbers).
    **margins : float
        Overrides of ``left``, ``right``, ``bottom``, ``top``, ``wspace``
        (fractions of the figure, as in ``Figure.subplots_adjust``).

    Returns
    -------
    LiveFigure
        Lines flagged ``animated`` are redrawn alone when nothing else changed.
    """
    ncols = check_int("ncols", ncols, min_value=1, max_value=6)
    dpi = check_int("dpi", dpi, min_value=10, max_value=600)
    if figsize is None:
        figsize = (6.0, 3.0) if ncols == 1 else (3.8 * ncols, 3.2)
    if (not isinstance(figsize, (tuple, list)) or len(figsize) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in figsize)):
        raise TypeError(f"figsize must be a pair of numbers (width, height) in inches, "
                        f"got {figsize!r}")
    for name, v in zip(("figsize[0]", "figsize[1]"), figsize, strict=True):
        check_float(name, v, min_value=1.0, max_value=30.0)
    if width_ratios is not None:
        ratios = check_array("width_ratios", width_ratios, shape=(ncols,))
        if np.any(ratios <= 0):
            raise ValueError(f"width_ratios must be positive, got {list(ratios)}")
    unknown = set(margins) - set(_MARGINS)
    if unknown:
        raise TypeError(f"margins must be among {list(_MARGINS)}, got {sorted(unknown)}")
    adjust = ({"left": 0.13, "right": 0.97, "bottom": 0.17, "top": 0.93} if ncols == 1 else
              {"left": 0.08 + 0.05 / ncols, "right": 0.98, "bottom": 0.17, "top": 0.9,
               "wspace": 0.3})
    for key, value in margins.items():
        adjust[key] = check_float(key, value, min_value=0.0, max_value=1.0)
    with plt.ioff():
        fig = plt.figure(figsize=tuple(figsize), dpi=dpi, FigureClass=LiveFigure)
    if hasattr(fig.canvas, "get_diff_image") and hasattr(fig.canvas, "comm"):
        prepare_live_canvas(fig.canvas)     # a live (ipympl) canvas: see there
    fig.subplots_adjust(**adjust)
    grid = fig.add_gridspec(1, ncols, width_ratios=None if width_ratios is None
                            else list(width_ratios))
    for i in range(ncols):
        fig.add_subplot(grid[0, i])
    return fig


def show_static(fig: Figure, *, close: bool = True) -> Any | None:
    """Display ``fig`` as a plain PNG image, whatever the backend.

    A notebook stores the image, so GitHub and nbviewer show it without a
    kernel (a live ipympl figure shows nothing there). Inside IPython the
    image is displayed and ``None`` is returned, so the cell stores it once
    (nbval runs cells without history, where a trailing ``;`` does not hide
    a returned value); elsewhere the ``IPython.display.Image`` is returned.

    Parameters
    ----------
    fig : Figure
    close : bool
        Close the figure afterwards (default), so it is not shown twice.
    """
    import io

    from IPython import get_ipython
    from IPython.display import Image, display

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    if close:
        plt.close(fig)
    image = Image(data=buf.getvalue(), format="png")
    if get_ipython() is not None:
        display(image)
        return None
    return image


def _log_label(value: float, _pos: Any = None) -> str:
    """Tick label ``1e-12`` in plain text (mathtext ``10^{-12}`` renders much slower)."""
    if value <= 0:
        return ""
    exponent = int(round(np.log10(value)))
    return f"1e{exponent}" if exponent else "1"


class LinePlot:
    """A set of named lines on one axes, updated in place.

    Parameters
    ----------
    labels : sequence of str
        One line per label, in this order; colors from :data:`COLORS`.
    ax : matplotlib Axes, optional
        Draw here; default a new small figure.
    xlabel, ylabel, title : str
        Axis labels (with units) and title.
    logy : bool
        Log-scale y axis (magnitudes that span decades). Zeros, infinities and
        NaN cannot be drawn there: they are left out and reported by
        :meth:`update` in the note on the plot.
    styles : mapping, optional
        Extra ``Line2D`` keyword arguments per label, e.g. ``{"bound": {"ls": "--"}}``.
    legend : bool
        Draw a legend on the axes. Live panels pass ``False`` and show
        :meth:`legend_html` beside the plot instead: text is the most
        expensive thing to render on every step.
    round_x : bool
        Put the x limits on round numbers too (as the y limits always are), so
        a slider that lengthens the lines (depth) seldom changes the axes.
    ylim : (float, float), optional
        Fixed y limits: the data never move the y axis (also settable later
        as the attribute ``fixed_ylim``).
    include_y : (float, float), optional
        A y range the axis always shows, whatever the data (e.g. ``(1e-4, 1e2)``
        so that slopes compare across slider values); the data widen it.

    Attributes
    ----------
    fig, ax : Figure, Axes
    lines : dict of str to Line2D
    note : matplotlib Text
        Shown in the middle of the axes when something could not be drawn.
    """

    def __init__(self, labels: Sequence[str], *, ax: Axes | None = None, xlabel: str = "",
                 ylabel: str = "", title: str = "", logy: bool = False,
                 styles: Mapping[str, Mapping[str, Any]] | None = None,
                 legend: bool = True, round_x: bool = False,
                 ylim: tuple[float, float] | None = None,
                 include_y: tuple[float, float] | None = None) -> None:
        if isinstance(labels, str) or not labels or not all(isinstance(s, str) for s in labels):
            raise TypeError(f"labels must be a non-empty list of str, got {labels!r}")
        self.logy = check_bool("logy", logy)
        self.round_x = check_bool("round_x", round_x)
        self._ylim: tuple[float, float] | None = None   # as set by _rescale (decades if logy)
        self._fixed_ylim: tuple[float, float] | None = None
        self.fixed_ylim = ylim
        self.include_y = (None if include_y is None
                          else _check_limits("include_y", include_y, self.logy))
        own_figure = ax is None
        if own_figure:
            fig = new_figure()
            ax = fig.axes[0]
        self.ax = ax
        self.fig = ax.figure
        styles = styles or {}
        self.lines = {}
        for i, label in enumerate(labels):
            kw = {"color": COLORS[i % len(COLORS)], "lw": 2, "label": label}
            kw.update(styles.get(label, {}))
            (self.lines[label],) = ax.plot([], [], **kw)
        if self.logy:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(_DecadeLocator())
            ax.yaxis.set_minor_locator(NullLocator())   # minor log ticks cost render time
            ax.yaxis.set_major_formatter(FuncFormatter(_log_label))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True, steps=[1, 2, 5, 10]))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
            if own_figure:
                self.fig.subplots_adjust(top=0.88)     # room for the title
        ax.grid(True, which="major", alpha=0.3)
        if legend:
            ax.legend(loc="best", fontsize="small", frameon=False)
        self.note = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                            fontsize="small", color="#B00020", linespacing=1.3,
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#B00020"})
        self.note.set_visible(False)
        if isinstance(self.fig, LiveFigure):
            # redrawn on every step over the kept pixels of the axes (see LiveFigure)
            for artist in (*self.lines.values(), self.note):
                artist.set_animated(True)

    @property
    def fixed_ylim(self) -> tuple[float, float] | None:
        """Fixed y limits ``(low, high)``, or ``None`` to follow the data."""
        return self._fixed_ylim

    @fixed_ylim.setter
    def fixed_ylim(self, ylim: tuple[float, float] | None) -> None:
        self._fixed_ylim = None if ylim is None else _check_limits("ylim", ylim, self.logy)

    def legend_html(self) -> str:
        """The legend as a line of HTML (color swatch and label per visible line)."""
        items = []
        for label, line in self.lines.items():
            if not line.get_visible():
                continue
            dash = "dashed" if line.get_linestyle() in ("--", "dashed") else "solid"
            items.append(f'<span style="border-top:3px {dash} {line.get_color()};'
                         f'display:inline-block;width:1.6em;vertical-align:middle"></span>'
                         f"&nbsp;{label}")
        return "&emsp;".join(items)

    def note_text(self) -> str:
        """The note shown on the plot ("" when the plot is clean)."""
        return self.note.get_text() if self.note.get_visible() else ""

    def update(self, x: Any, ys: Mapping[str, Any | None], *, note: str = "") -> None:
        """Move the lines to new data and rescale the axes.

        Parameters
        ----------
        x : array_like, shape (n,)
            Shared x values.
        ys : mapping of label to array_like (n,) or None
            New y values per line; ``None`` hides that line. Labels not given
            keep their data.
        note : str
            Text to show on the plot (e.g. an explanation); values that could
            not be drawn add their own sentence to it (see :meth:`note_text`).
        """
        x = check_array("x", x, ndim=1, allow_empty=True)
        unknown = set(ys) - set(self.lines)
        if unknown:
            raise ValueError(f"ys has unknown labels {sorted(unknown)}; "
                             f"expected some of {list(self.lines)}")
        problems: dict[str, list[str]] = {}
        finite_values: list[np.ndarray] = []
        for label, y in ys.items():
            line = self.lines[label]
            if y is None:
                line.set_visible(False)
                continue
            y = check_array(f"ys[{label!r}]", y, shape=(x.shape[0],), finite=False,
                            allow_empty=True)
            bad = ~np.isfinite(y)
            if self.logy:
                bad |= y <= 0
            counts = {"inf": int(np.count_nonzero(np.abs(y) == np.inf)),
                      "zero": int(np.count_nonzero(y == 0)) if self.logy else 0,
                      "nan": int(np.count_nonzero(np.isnan(y)))}
            for kind, n_bad in counts.items():
                if n_bad:
                    problems.setdefault(kind, []).append(f"{label}: {n_bad} of {y.size}")
            shown = np.where(bad, np.nan, y)
            line.set_data(x, shown)
            line.set_visible(True)
            if np.any(~bad):
                finite_values.append(y[~bad])
        self._rescale(x, finite_values)
        lines = [note] if note else []
        for kind, where in problems.items():
            lines.append(_PROBLEM_TITLES[kind])
            lines += [f"  {w}" for w in where]
        text = "\n".join(lines)
        self.note.set_text(text)
        self.note.set_visible(bool(text))

    def _rescale(self, x: np.ndarray, values: list[np.ndarray]) -> None:
        """Fit the axes to the data; the y limits are round and sticky.

        The y limits stay put while the data fit inside them and fill at
        least :data:`_MIN_FILL` of their range; otherwise they are set afresh,
        with some headroom, on round numbers (whole decades on a log axis, at
        least :data:`_MIN_DECADES` of them).
        A line moving against a fixed scale is easier to read than an axis
        that rescales under it, and while the limits hold a live figure
        redraws only its lines (see :class:`LiveFigure`). A limit that did
        not change is not set again: setting it marks the axes stale.
        """
        if x.size:
            lo, hi = float(np.min(x)), float(np.max(x))
            pad = 0.5 if lo == hi else 0.02 * (hi - lo)
            limits = (lo - pad, hi + pad)
            if self.round_x:                # round ends, then the same small margin
                nice = _nice_limits(lo, hi) if hi > lo else (lo - 1.0, hi + 1.0)
                pad = 0.02 * (nice[1] - nice[0])
                limits = (nice[0] - pad, nice[1] + pad)
            _set_limits(self.ax.set_xlim, self.ax.get_xlim(), limits)
        if self.fixed_ylim is not None:
            _set_limits(self.ax.set_ylim, self.ax.get_ylim(), self.fixed_ylim)
            return
        if self.include_y is not None:
            values = [*values, np.asarray(self.include_y)]
        if not values:
            return
        v = np.concatenate(values)
        lo, hi = float(np.min(v)), float(np.max(v))
        if self.logy:                     # work in decades
            lo, hi = np.log10(max(lo, _LOG_MIN)), np.log10(min(hi, _LOG_MAX))
            margin = np.log10(1.5)
        else:
            margin = 0.03 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
        need = (lo - margin, hi + margin)
        current = self._ylim
        current_now = self.ax.get_ylim()
        if self.logy:
            current_now = tuple(np.log10(np.maximum(current_now, _LOG_MIN)))
        if (current is None or not np.allclose(current, current_now, rtol=0, atol=1e-9)
                or not current[0] <= need[0] <= need[1] <= current[1]
                or (need[1] - need[0]) < _MIN_FILL * (current[1] - current[0])):
            head = 0.1 * (need[1] - need[0])
            if self.logy:
                current = _round_out(need[0] - head, need[1] + head, _DECADE_STEPS)
                if current[1] - current[0] < _MIN_DECADES:   # a flat line should look flat
                    current = (current[0], current[0] + _MIN_DECADES)
                current = (max(current[0], -307.0), min(current[1], 307.0))
            else:
                current = _nice_limits(need[0] - head, need[1] + head)
            self._ylim = current
        limits = (10.0 ** current[0], 10.0 ** current[1]) if self.logy else current
        _set_limits(self.ax.set_ylim, self.ax.get_ylim(), limits)


class _DecadeLocator(Locator):
    """Log-axis ticks at whole decades, every 1, 2, 5, 10, 20 ... decades (at most 6 ticks).

    Matplotlib's ``LogLocator`` picks strides such as 11 decades; with round
    limits these ticks land on the limits and on round exponents.
    """

    def __call__(self) -> Sequence[float]:
        vmin, vmax = self.axis.get_view_interval()
        return self.tick_values(vmin, vmax)

    def tick_values(self, vmin: float, vmax: float) -> Sequence[float]:
        """Tick positions between ``vmin`` and ``vmax`` (both > 0)."""
        vmin, vmax = sorted((float(vmin), float(vmax)))
        if not (vmin > 0 and np.isfinite(vmax)):
            return []
        lo, hi = np.log10(vmin), np.log10(vmax)
        for stride in (*_DECADE_STEPS, 200.0):
            if (hi - lo) / stride <= 5:
                break
        first = np.ceil(lo / stride - 1e-9) * stride
        return list(10.0 ** np.arange(first, hi + 1e-9, stride))


#: A log y axis shows at least this many decades (so at least three ticks are labeled).
_MIN_DECADES = 2.0

#: The y limits of a LinePlot are kept while the data fill at least this share of them.
_MIN_FILL = 0.5

#: Grid steps (in decades) for the y limits of a log axis.
_DECADE_STEPS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


def _round_out(lo: float, hi: float, steps: Sequence[float], max_steps: int = 10
               ) -> tuple[float, float]:
    """Widen ``[lo, hi]`` to multiples of the smallest step giving <= ``max_steps`` steps."""
    for step in steps:
        if (hi - lo) / step <= max_steps:
            break
    return float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)


def _nice_limits(lo: float, hi: float) -> tuple[float, float]:
    """Widen ``[lo, hi]`` to round numbers: multiples of 1, 2, 2.5 or 5 times a power of 10."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return lo, hi
    magnitude = 10.0 ** np.floor(np.log10(span / 5))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = mult * magnitude
        if span / step <= 6:
            break
    nice = float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)
    return nice if all(np.isfinite(nice)) else (lo, hi)


def _check_limits(name: str, limits: Any, logy: bool) -> tuple[float, float]:
    """``(low, high)`` as floats, increasing, and positive on a log axis."""
    if (not isinstance(limits, (tuple, list)) or len(limits) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in limits)):
        raise TypeError(f"{name} must be a pair of numbers (low, high), got {limits!r}")
    lo = (check_float(f"{name}[0]", limits[0], min_value=0.0, min_inclusive=False) if logy
          else check_float(f"{name}[0]", limits[0]))
    hi = check_float(f"{name}[1]", limits[1])
    if not hi > lo:
        raise ValueError(f"{name} must be increasing, got {tuple(limits)}")
    return (lo, hi)


def _set_limits(setter: Any, current: tuple[float, float], new: tuple[float, float]) -> None:
    if tuple(map(float, current)) != tuple(map(float, new)):
        setter(*new)


def plot_gradient_profile(profiles: Mapping[str, Any], *, envelope: Any = None,
                          ax: Axes | None = None, title: str = "") -> LinePlot:
    """Static plot of per-layer gradient magnitudes on a log scale (notebooks 05–07, 10).

    Parameters
    ----------
    profiles : mapping of str to array_like (depth,)
        E.g. ``{"‖δ‖": experiments.gradient_profile(20)}``; index 0 is layer 1.
    envelope : array_like (depth,), optional
        Theoretical bound, drawn dashed.
    ax : Axes, optional
    title : str

    Returns
    -------
    LinePlot
        Its ``lines`` can be updated later with :meth:`LinePlot.update`.
    """
    if not isinstance(profiles, Mapping) or not profiles:
        raise TypeError(f"profiles must be a non-empty dict of label -> array, got {profiles!r}")
    labels = list(profiles) + (["bound"] if envelope is not None else [])
    plot = LinePlot(labels, ax=ax, xlabel="layer (1 = input side)",
                    ylabel="gradient norm (log scale)", title=title, logy=True,
                    styles={"bound": {"ls": "--", "lw": 1.5, "color": "#555555"}})
    first = check_array("profiles", next(iter(profiles.values())), ndim=1, finite=False)
    ys = dict(profiles)
    if envelope is not None:
        ys["bound"] = envelope
    plot.update(np.arange(1, first.shape[0] + 1), ys)
    return plot
