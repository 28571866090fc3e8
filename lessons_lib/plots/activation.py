"""Two-axes line figures and the activation gallery (notebooks 03 and 04).

* :class:`DualLinePlot` — two :class:`~lessons_lib.plots.base.LinePlot` side
  by side in one figure made once (e.g. the loss on the left and per-layer
  signal sizes on the right), updated in place by the live panels;
* :func:`plot_activation_gallery` — a static figure of several activation
  functions :math:`f(z)` and their derivatives :math:`f'(z)`;
* :func:`plot_dead_relu_sweep` — dead units and accuracy against the
  learning rate: the mean over seeds and the range of the seeds as a band;
* :func:`plot_centering` — the error per step of :func:`centering_run`'s
  linear unit, inputs all positive or centered.

Nothing here computes: the numbers come from :mod:`lessons_lib.experiments`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter

from ..validation import check_array, check_bool
from .base import COLORS, LinePlot, new_figure

__all__ = ["GALLERY_STYLES", "DualLinePlot", "plot_activation_gallery", "plot_centering",
           "plot_dead_relu_sweep"]


#: Line styles of the gallery, in order: colors far apart (mostly Okabe-Ito,
#: with black, violet and gray) and a dash pattern of its own for every second curve, so
#: neighbors in the legend never look alike.
GALLERY_STYLES = (
    {"color": "#0072B2", "ls": "-"},                  # blue
    {"color": "#D55E00", "ls": "--"},                 # vermillion
    {"color": "#009E73", "ls": "-"},                  # green
    {"color": "#CC79A7", "ls": "-."},                 # reddish purple
    {"color": "#000000", "ls": "-"},                  # black
    {"color": "#6A3D9A", "ls": ":"},                  # violet, dotted
    {"color": "#7F7F7F", "ls": "--"},                 # gray
)


def _power_label(value: float, _pos: Any = None) -> str:
    """Tick label of a log10-transformed axis: the value ``10**value`` (``0.01``, ``10``)."""
    return f"{10.0 ** value:g}"


class DualLinePlot:
    r"""Two sets of named lines on two axes of one figure, updated in place.

    Parameters
    ----------
    left, right : sequence of str
        Line labels of the left and right axes.
    xlabel : str or (str, str)
        x-axis label(s), with units.
    left_ylabel, right_ylabel : str
        y-axis labels, with units.
    left_logy, right_logy : bool
        Log-scale y axes.
    left_title, right_title : str
        Axes titles.
    styles : mapping, optional
        Extra ``Line2D`` keyword arguments per label (both axes).
    legend : bool
        Draw legends on the axes (static figures); live panels pass ``False``
        and show :meth:`legend_html` instead.
    figsize : (float, float)
        Figure size in inches.
    legend_loc : str
        Where the legends go (matplotlib ``loc``). ``"best"`` searches for a
        free spot at every draw, which is slow with long lines: name a corner
        for static figures of many points.
    logx : bool
        Logarithmic x axes (e.g. a learning-rate sweep): :meth:`update` plots
        :math:`\log_{10} x` and the ticks are labeled with :math:`x` itself
        (0.01, 0.1, 1, 10), so no matplotlib log-scale warnings can arise.

    Attributes
    ----------
    fig : Figure
    left, right : LinePlot
        Update them with :meth:`LinePlot.update`.
    """

    def __init__(self, left: Sequence[str], right: Sequence[str], *,
                 xlabel: str | tuple[str, str] = "", left_ylabel: str = "",
                 right_ylabel: str = "", left_logy: bool = False, right_logy: bool = False,
                 left_title: str = "", right_title: str = "",
                 styles: Mapping[str, Mapping[str, Any]] | None = None, legend: bool = True,
                 figsize: tuple[float, float] = (8.0, 3.0), logx: bool = False,
                 legend_loc: str = "best") -> None:
        legend = check_bool("legend", legend)
        if not isinstance(legend_loc, str):
            raise TypeError(f"legend_loc must be a matplotlib location string like "
                            f"'upper right', got {legend_loc!r}")
        self.logx = check_bool("logx", logx)
        if isinstance(xlabel, str):
            xlabels = (xlabel, xlabel)
        elif (isinstance(xlabel, (tuple, list)) and len(xlabel) == 2
              and all(isinstance(s, str) for s in xlabel)):
            xlabels = (xlabel[0], xlabel[1])
        else:
            raise TypeError(f"xlabel must be a str or a pair of str, got {xlabel!r}")
        self.fig = new_figure(figsize, ncols=2, left=0.08, wspace=0.28)
        ax_l, ax_r = self.fig.axes
        self.left = LinePlot(left, ax=ax_l, xlabel=xlabels[0], ylabel=left_ylabel,
                             title=left_title, logy=left_logy, styles=styles, legend=False)
        self.right = LinePlot(right, ax=ax_r, xlabel=xlabels[1], ylabel=right_ylabel,
                              title=right_title, logy=right_logy, styles=styles, legend=False)
        if legend:
            for ax in (ax_l, ax_r):
                ax.legend(loc=legend_loc, fontsize="small", frameon=False)
        if self.logx:
            for ax in (ax_l, ax_r):
                ax.xaxis.set_major_formatter(FuncFormatter(_power_label))

    def update(self, x: Any, left: Mapping[str, Any] | None = None,
               right: Mapping[str, Any] | None = None, *, note: str = "") -> None:
        """Move the lines of both axes to new data (see :meth:`LinePlot.update`).

        Parameters
        ----------
        x : array_like, shape (n,)
            Shared x values (> 0 when ``logx``).
        left, right : mapping of label to array_like (n,) or None, optional
            New y values for lines of the left / right axes.
        note : str
            Text shown on the left axes (see :meth:`note_text`).
        """
        x = check_array("x", x, ndim=1, allow_empty=True)
        if self.logx:
            if np.any(x <= 0):
                raise ValueError(f"x must be > 0 on a log axis (logx=True), got minimum {x.min()}")
            x = np.log10(x)
        self.left.update(x, left or {}, note=note)
        if right:
            self.right.update(x, right)

    def note_text(self) -> str:
        """The notes shown on either axes ("" when both are clean)."""
        return "\n".join(n for n in (self.left.note_text(), self.right.note_text()) if n)

    @property
    def lines(self) -> dict[str, Any]:
        """Every line of both axes by label (left first)."""
        return {**self.left.lines, **self.right.lines}

    def legend_html(self) -> str:
        """Both legends as one line of HTML."""
        parts = [p for p in (self.left.legend_html(), self.right.legend_html()) if p]
        return "&emsp;|&emsp;".join(parts)


def plot_activation_gallery(curves: Mapping[str, Any], *,
                            figsize: tuple[float, float] = (8.0, 3.2)) -> DualLinePlot:
    r"""Static figure: :math:`f(z)` on the left, :math:`f'(z)` on the right.

    Parameters
    ----------
    curves : mapping of str to ActivationCurve
        Label -> an object with ``z``, ``f`` and ``grad`` arrays of one
        shape (e.g. :func:`lessons_lib.experiments.activation.activation_curve`).
        At most 7 (one color and dash pattern each, :data:`GALLERY_STYLES`).
    figsize : (float, float)

    Returns
    -------
    DualLinePlot
        The same activation has the same color and dashes on both axes; the
        right axes' labels carry a prime (``"tanh′"``). Both axes have a legend.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"curves must be a non-empty dict of label -> curve, got {curves!r}")
    if len(curves) > 7:
        raise ValueError(f"curves must hold at most 7 entries (one color each), "
                         f"got {len(curves)}")
    for label, c in curves.items():
        if not all(hasattr(c, k) for k in ("z", "f", "grad")):
            raise TypeError(f"curves[{label!r}] must have z, f and grad arrays, "
                            f"got {type(c).__name__}")
    labels = list(curves)
    styles = {}
    for label, style in zip(labels, GALLERY_STYLES, strict=False):
        styles[label] = styles[f"{label}′"] = style
    plot = DualLinePlot(labels, [f"{k}′" for k in labels], xlabel="z (weighted input net)",
                        left_ylabel="f(z)", right_ylabel="f′(z)",
                        left_title="activation f", right_title="derivative f′",
                        legend=False, figsize=figsize, styles=styles)
    z = check_array("curves z", next(iter(curves.values())).z, ndim=1)
    for label, c in curves.items():
        if not np.array_equal(np.asarray(c.z), z):
            raise ValueError(f"curves[{label!r}] must use the same z grid as the first curve")
    plot.update(z, {label: c.f for label, c in curves.items()},
                {f"{label}′": c.grad for label, c in curves.items()})
    f_all = np.concatenate([np.asarray(c.f) for c in curves.values()])
    plot.left.ax.set_ylim(max(-2.0, float(f_all.min()) - 0.2), min(5.0, float(f_all.max())) + 0.2)
    plot.left.ax.legend(loc="upper left", fontsize="small", frameon=False)
    plot.right.ax.legend(loc="upper left", fontsize="small", frameon=False)
    return plot


def plot_dead_relu_sweep(sweep: Any, *, figsize: tuple[float, float] = (9.0, 3.4)) -> DualLinePlot:
    r"""Static figure of a :class:`~lessons_lib.experiments.activation.DeadReluSweep`.

    Left: the share of dead units of each hidden layer after training; right:
    the training accuracy; both in percent against the learning rate (log
    axis). Lines are the mean over the seeds, shaded bands the range from the
    lowest to the highest seed. Percentages keep a fixed scale, 0..100 % with a
    small margin.

    Parameters
    ----------
    sweep : DeadReluSweep
        From :func:`lessons_lib.experiments.activation.dead_relu_sweep`.
    figsize : (float, float)

    Returns
    -------
    DualLinePlot
        Lines ``"layer 1"``, ``"layer 2"`` (left) and ``"accuracy"`` (right);
        the bands are the axes' ``collections``.
    """
    if not all(hasattr(sweep, k) for k in ("lrs", "seeds", "dead", "accuracy")):
        raise TypeError(f"sweep must be a DeadReluSweep (from dead_relu_sweep), "
                        f"got {type(sweep).__name__}")
    n = len(sweep.seeds)
    plot = DualLinePlot(["layer 1", "layer 2"], ["accuracy"],
                        xlabel="learning rate η (log scale)",
                        left_ylabel="dead units after training (%)",
                        right_ylabel="training accuracy (%)", logx=True,
                        left_title=f"dead ReLUs: mean and range of {n} seeds",
                        right_title=f"what the net learned ({n} seeds)",
                        styles={"accuracy": {"color": COLORS[6]}}, legend=False,
                        figsize=figsize)
    dead = 100 * np.asarray(sweep.dead, dtype=np.float64)          # (seeds, lrs, 2)
    acc = 100 * np.asarray(sweep.accuracy, dtype=np.float64)        # (seeds, lrs)
    plot.update(sweep.lrs, {f"layer {i + 1}": dead[:, :, i].mean(axis=0) for i in (0, 1)},
                {"accuracy": np.nanmean(acc, axis=0)})
    x = np.log10(np.asarray(sweep.lrs, dtype=np.float64))
    for ax, label, values in ((plot.left.ax, "layer 1", dead[:, :, 0]),
                              (plot.left.ax, "layer 2", dead[:, :, 1]),
                              (plot.right.ax, "accuracy", acc)):
        color = plot.lines[label].get_color()
        ax.fill_between(x, np.nanmin(values, axis=0), np.nanmax(values, axis=0), color=color,
                        alpha=0.2, lw=0, label=f"{label}, range of seeds")
    for part in (plot.left, plot.right):
        part.fixed_ylim = (-3.0, 103.0)
        part.ax.set_ylim(-3.0, 103.0)
    plot.left.ax.legend(loc="upper left", fontsize="small", frameon=False)
    plot.right.ax.legend(loc="lower left", fontsize="small", frameon=False)
    return plot


def plot_centering(runs: Mapping[str, Any], *, steps: int = 250,
                   floor: float = 1e-12) -> tuple[Any, Any]:
    r"""Static figure: :math:`(E - E_{\min})/(E_0 - E_{\min})` per step, log scale.

    Each curve stops where it falls below ``floor`` (a run whose error
    reaches exactly 0 cannot go on a log axis); the y axis runs from
    ``floor`` to 2, so the curves compare at a glance.

    Parameters
    ----------
    runs : mapping of str to CenteringRun
        Label -> a run of :func:`lessons_lib.experiments.activation.centering_run`.
    steps : int
        Steps shown, >= 1 (at most the runs' length).
    floor : float
        Smallest relative error drawn, in (0, 1).

    Returns
    -------
    (Figure, dict of str to Line2D)
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> CenteringRun, got {runs!r}")
    if len(runs) > len(COLORS):
        raise ValueError(f"runs must hold at most {len(COLORS)} entries, got {len(runs)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if not isinstance(floor, (int, float)) or not 0.0 < floor < 1.0:
        raise ValueError(f"floor must be a number in (0, 1), got {floor!r}")
    fig = new_figure((6.0, 3.0), left=0.14, bottom=0.17, top=0.88)
    ax = fig.axes[0]
    lines = {}
    for i, (label, run) in enumerate(runs.items()):
        excess = getattr(run, "excess", None)
        if excess is None:
            raise TypeError(f"runs[{label!r}] must be a CenteringRun, got {type(run).__name__}")
        rel = np.asarray(excess[:steps + 1], dtype=np.float64) / float(excess[0])
        below = np.flatnonzero(rel < floor)
        end = int(below[0]) + 1 if below.size else rel.size     # one point past the floor
        (lines[label],) = ax.plot(np.arange(end), np.maximum(rel[:end], floor / 10), lw=2,
                                  color=COLORS[i], label=label)
    ax.set_yscale("log")
    ax.set_ylim(floor, 2.0)
    ax.set_xlim(0, steps)
    ax.set_xlabel("full-batch step")
    ax.set_ylabel("error ÷ error at the start")
    ax.set_title("a linear unit fed with sigmoid outputs")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize="small", frameon=False)
    return fig, lines
