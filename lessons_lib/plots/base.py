"""Drawing helpers: create artists once, update them in place (used by every panel).

Nothing here computes an experiment and nothing touches widgets: a drawer
takes numbers and moves its artists. Every helper takes ``ax=None`` (a new
small figure is made, without showing it) and returns what it drew.

Colours are the Okabe–Ito palette, which stays distinguishable with every
common form of colour blindness. No global matplotlib state is changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..validation import check_array, check_bool, check_float, check_int

__all__ = ["COLORS", "LinePlot", "new_figure", "plot_gradient_profile", "show_static"]

#: Okabe–Ito colour-blind-safe palette.
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
    Figure
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
        fig = plt.figure(figsize=tuple(figsize), dpi=dpi)
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
        One line per label, in this order; colours from :data:`COLORS`.
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
                 legend: bool = True) -> None:
        if isinstance(labels, str) or not labels or not all(isinstance(s, str) for s in labels):
            raise TypeError(f"labels must be a non-empty list of str, got {labels!r}")
        self.logy = check_bool("logy", logy)
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
            ax.yaxis.set_major_locator(LogLocator(base=10, numticks=5))
            ax.yaxis.set_minor_locator(NullLocator())   # minor log ticks cost render time
            ax.yaxis.set_major_formatter(FuncFormatter(_log_label))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
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

    def legend_html(self) -> str:
        """The legend as a line of HTML (colour swatch and label per visible line)."""
        items = []
        for label, line in self.lines.items():
            if not line.get_visible():
                continue
            dash = "dashed" if line.get_linestyle() in ("--", "dashed") else "solid"
            items.append(f'<span style="border-top:3px {dash} {line.get_color()};'
                         f'display:inline-block;width:1.6em;vertical-align:middle"></span>'
                         f"&nbsp;{label}")
        return "&emsp;".join(items)

    def update(self, x: Any, ys: Mapping[str, Any | None], *, note: str = "") -> str:
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
            not be drawn add their own sentence to it.

        Returns
        -------
        str
            The note shown ("" when the plot is clean).
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
        return text

    def _rescale(self, x: np.ndarray, values: list[np.ndarray]) -> None:
        if x.size:
            lo, hi = float(np.min(x)), float(np.max(x))
            pad = 0.5 if lo == hi else 0.02 * (hi - lo)
            self.ax.set_xlim(lo - pad, hi + pad)
        if not values:
            return
        v = np.concatenate(values)
        lo, hi = float(np.min(v)), float(np.max(v))
        if self.logy:
            lo, hi = np.log10(max(lo, _LOG_MIN)), np.log10(min(hi, _LOG_MAX))
            pad = max(0.05 * (hi - lo), np.log10(3.0))   # 5 % of the decades shown, >= x3
            self.ax.set_ylim(10.0 ** max(lo - pad, -307.0), 10.0 ** min(hi + pad, 307.0))
        else:
            pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
            self.ax.set_ylim(lo - pad, hi + pad)


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
