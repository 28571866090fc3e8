"""Figures of notebook 09: clipped gradients, training with and without clipping,
weight norms under a penalty.

* :class:`ClipPlot` — a 2-D gradient as arrows (original, clipped by value,
  clipped by norm) with the clipping box and ball, and a longer gradient's
  entries as bars; updated in place by the threshold panel;
* :func:`plot_clipping_runs` — static loss and gradient-norm curves;
* :func:`plot_weight_norms` — static weight-norm curves for several
  :math:`\\lambda`;

Drawing only: the numbers come from :mod:`lessons_lib.experiments.clipping`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from ..validation import check_array, check_bool, check_float
from .base import COLORS, _log_label, new_figure

__all__ = ["ClipPlot", "plot_clipping_runs", "plot_weight_norms"]

_GREY = "#888888"
#: Colors of the runs of :func:`plot_clipping_runs`, in order (none, by value, by norm, ...).
_RUN_COLORS = (COLORS[6], COLORS[1], COLORS[0], COLORS[2], COLORS[3], COLORS[4])
#: Bottom of the log-scale bar axes: entries smaller than this are not drawn.
BAR_FLOOR = 1e-4
#: Colors of the three versions of a gradient.
CLIP_COLORS = {"original": _GREY, "by value": COLORS[1], "by norm": COLORS[0]}


def _log_axis(ax) -> None:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(_log_label))


class ClipPlot:
    """Original and clipped gradients, drawn once and moved in place.

    Left: the 2-D gradient ``g2`` as three arrows from the origin, with the
    box :math:`[-c, c]^2` (clip by value projects into it, entry by entry)
    and the circle of radius :math:`c` (clip by norm shrinks the arrow onto
    it). Right: the sizes :math:`|g_i|` of a longer gradient's entries as bars
    on a log scale, three per entry, and the line :math:`c`. On a log scale
    clipping by norm moves every bar down by the same distance (one common
    factor), so its bars stay visible and keep their pattern at any :math:`c`;
    clipping by value cuts only the bars above :math:`c`.

    Parameters
    ----------
    g2 : array_like, shape (2,)
    g : array_like, shape (n,)
    legend : bool
        Draw a legend on the figure (static use); live panels show
        :meth:`legend_html` instead.

    Attributes
    ----------
    fig : Figure
    arrows : matplotlib Quiver
        One arrow per version: original, by value, by norm.
    bars : dict of str to list of Rectangle
    """

    def __init__(self, g2: Any, g: Any, *, legend: bool = False) -> None:
        self.g2 = check_array("g2", g2, shape=(2,))
        self.g = check_array("g", g, ndim=1)
        legend = check_bool("legend", legend)
        self.fig = new_figure((7.6, 3.2), ncols=2, width_ratios=(1.0, 1.7), left=0.09, wspace=0.22)
        ax2, axb = self.fig.axes
        self.ax2, self.axb = ax2, axb
        colors = list(CLIP_COLORS.values())
        zeros = np.zeros(3)
        self.arrows = ax2.quiver(zeros, zeros, np.zeros(3), np.zeros(3), color=colors,
                                 angles="xy", scale_units="xy", scale=1, width=0.018,
                                 zorder=3)
        self.box = Rectangle((0, 0), 0, 0, fill=False, ls="--", lw=1.2, ec=COLORS[1])
        self.ball = Circle((0, 0), 0, fill=False, ls=":", lw=1.5, ec=COLORS[0])
        ax2.add_patch(self.box)
        ax2.add_patch(self.ball)
        lim = 1.15 * float(np.max(np.abs(self.g2)))
        ax2.set_xlim(-lim, lim)
        ax2.set_ylim(-lim, lim)
        ax2.set_aspect("equal", adjustable="box")
        ax2.axhline(0, color="#cccccc", lw=0.8, zorder=0)
        ax2.axvline(0, color="#cccccc", lw=0.8, zorder=0)
        ax2.set_xlabel("2-D gradient: entry $g_1$")
        ax2.set_ylabel("entry $g_2$")
        ax2.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax2.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))

        idx = np.arange(self.g.size)
        # magnitudes on a log scale: clipping by norm divides every entry by the same
        # factor, which moves every bar down by the same distance, visible at any c
        self.floor = BAR_FLOOR
        self.bars = {}
        for (label, color), offset, width, alpha in zip(
                CLIP_COLORS.items(), (0.0, -0.2, 0.2), (0.85, 0.38, 0.38), (0.35, 1.0, 1.0),
                strict=True):
            self.bars[label] = list(axb.bar(idx + offset, np.zeros_like(self.g), width=width,
                                            bottom=self.floor, color=color, alpha=alpha,
                                            label=label))
        self.hlines = [axb.axhline(1.0, color=COLORS[1], ls="--", lw=1.2)]
        axb.set_yscale("log")
        axb.set_ylim(self.floor, 3.0 * float(np.max(np.abs(self.g))))
        axb.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
        axb.yaxis.set_minor_locator(NullLocator())
        axb.yaxis.set_major_formatter(FuncFormatter(_log_label))
        axb.set_xlim(-0.7, self.g.size - 0.3)
        axb.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        axb.set_xlabel(f"entry $i$ of a {self.g.size}-entry gradient")
        axb.set_ylabel("$|g_i|$ (log scale)")
        if legend:
            handles = [Rectangle((0, 0), 1, 1, color=c, alpha=0.35 if k == "original" else 1)
                       for k, c in CLIP_COLORS.items()]
            handles += [Rectangle((0, 0), 1, 1, fill=False, ls="--", ec=COLORS[1]),
                        Circle((0, 0), 1, fill=False, ls=":", ec=COLORS[0])]
            self.fig.subplots_adjust(bottom=0.27)
            self.fig.legend(handles, [*CLIP_COLORS, "box |gᵢ| ≤ c, bars' c", "circle ‖g‖ = c"],
                            fontsize="small", frameon=False, loc="lower center", ncol=5)

    @staticmethod
    def legend_html() -> str:
        """The legend as a line of HTML (for the readout of a live panel)."""
        items = [f'<span style="background:{c};opacity:{0.45 if k == "original" else 1};'
                 f'display:inline-block;width:1.2em;height:0.8em"></span>&nbsp;{k}'
                 for k, c in CLIP_COLORS.items()]
        items.append(f'<span style="border-top:2px dashed {COLORS[1]};display:inline-block;'
                     'width:1.4em;vertical-align:middle"></span>&nbsp;c (box ±c, line in the bars)')
        items.append(f'<span style="border-top:2px dotted {COLORS[0]};display:inline-block;'
                     'width:1.4em;vertical-align:middle"></span>&nbsp;‖g‖ = c (circle)')
        return "&emsp;".join(items)

    def update(self, threshold: float, clipped2: Mapping[str, Any],
               clipped: Mapping[str, Any]) -> None:
        """Move the artists to a new threshold.

        Parameters
        ----------
        threshold : float
            :math:`c > 0`.
        clipped2, clipped : mapping
            :func:`lessons_lib.experiments.clipping.clip_comparison` of ``g2``
            and of ``g`` (keys ``"value"`` and ``"norm"``).
        """
        c = check_float("threshold", threshold, min_value=0.0, min_inclusive=False)
        U = np.array([self.g2[0], clipped2["value"][0], clipped2["norm"][0]])
        V = np.array([self.g2[1], clipped2["value"][1], clipped2["norm"][1]])
        self.arrows.set_UVC(U, V)
        self.box.set_bounds(-c, -c, 2 * c, 2 * c)
        self.ball.set_radius(c)
        for label, values in (("original", self.g), ("by value", clipped["value"]),
                              ("by norm", clipped["norm"])):
            for rect, h in zip(self.bars[label], values, strict=True):
                rect.set_height(max(abs(float(h)) - self.floor, 0.0))
        self.hlines[0].set_ydata([c, c])

    def bar_values(self, label: str) -> np.ndarray:
        """The magnitudes :math:`|g_i|` the bars of one version show (top of each bar).

        Parameters
        ----------
        label : {"original", "by value", "by norm"}

        Returns
        -------
        ndarray, shape (n,)
        """
        if label not in self.bars:
            raise ValueError(f"label must be one of {list(self.bars)}, got {label!r}")
        return np.array([r.get_y() + r.get_height() for r in self.bars[label]])


def plot_clipping_runs(runs: Mapping[str, Any], *, cap: float = 1e8) -> Figure:
    """Static figure: loss and global gradient norm per step for several runs.

    Parameters
    ----------
    runs : mapping of label to ClipRun
        E.g. ``{"no clipping": ..., "clip by value 1": ..., "clip by norm 5": ...}``
        (objects with ``loss``, ``grad_norm``, ``steps`` and ``diverged``).
    cap : float
        Values above ``cap`` are drawn at the top edge with their true value
        written there, so one runaway run does not flatten the others.

    Returns
    -------
    Figure
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> ClipRun, got {runs!r}")
    cap = check_float("cap", cap, min_value=1.0, min_inclusive=False)
    fig = new_figure((7.4, 3.0), ncols=2, left=0.09, wspace=0.32)
    for ax, attr, ylabel in zip(fig.axes, ("loss", "grad_norm"),
                                ("training loss (log scale)", "global gradient norm ‖g‖ (log)"),
                                strict=True):
        _log_axis(ax)
        for i, (label, run) in enumerate(runs.items()):
            y = np.asarray(getattr(run, attr), dtype=float)
            steps = np.arange(y.size)
            color = _RUN_COLORS[i % len(_RUN_COLORS)]
            shown = np.minimum(y, cap)
            ax.plot(steps, shown, color=color, lw=1.8, label=label)
            if run.diverged:
                ax.plot(steps[-1], shown[-1], "x", color=color, ms=9, mew=2.5)
                ax.annotate(f"{y[-1]:.0e}, then overflow" if y[-1] > cap else "overflow",
                            (steps[-1], shown[-1]), xytext=(8, -4),
                            textcoords="offset points", fontsize="small", color=color,
                            va="top")
        ax.set_xlabel("training step")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    fig.axes[0].legend(fontsize="small", frameon=True, framealpha=0.9, loc="center right")
    return fig


def plot_weight_norms(runs: Mapping[str, Any]) -> Figure:
    """Static figure: total weight norm (left) and data loss (right) per step.

    Parameters
    ----------
    runs : mapping of label to PenaltyRun
        E.g. ``{"λ = 0": ..., "λ = 0.01": ...}`` (objects with ``weight_norm`` and ``loss``).

    Returns
    -------
    Figure
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> PenaltyRun, got {runs!r}")
    fig = new_figure((7.4, 3.0), ncols=2, left=0.09, wspace=0.32)
    ax_w, ax_l = fig.axes
    _log_axis(ax_l)
    for i, (label, run) in enumerate(runs.items()):
        color = COLORS[i % len(COLORS)]
        ax_w.plot(np.arange(run.weight_norm.size), run.weight_norm, color=color, lw=1.8,
                  label=label)
        ax_l.plot(np.arange(run.loss.size), run.loss, color=color, lw=1.8, label=label)
    ax_w.set_xlabel("training step")
    ax_w.set_ylabel("weight norm √(Σ‖W‖²)")
    ax_l.set_xlabel("training step")
    ax_l.set_ylabel("data loss (log scale)")
    for ax in fig.axes:
        ax.grid(True, alpha=0.3)
    ax_l.legend(fontsize="small", frameon=True, framealpha=0.9, loc="lower left")
    return fig
