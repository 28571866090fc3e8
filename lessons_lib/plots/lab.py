r"""The gradient-flow lab's figure: loss, decision boundary, gradient heat map (notebook 11).

:class:`LabPlot` makes one small figure with three axes, once:

* the loss per step on the training points and on 200 held-out test points
  (a :class:`~lessons_lib.plots.LinePlot`, log scale), with a dotted line at
  the step where the exercise checks;
* the decision boundary (a :class:`~lessons_lib.plots.DecisionPlot`: the
  probability image is replaced with ``set_data``);
* a heat map of :math:`\log_{10}\|\partial E/\partial W^l\|`, layers × steps
  (an ``imshow`` updated with ``set_data``; its color bar is drawn once with a
  fixed range, so colors mean the same in every run).

:meth:`LabPlot.update` takes a :class:`~lessons_lib.experiments.lab.LabFrame`
and only moves artists; it never creates any.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..experiments.lab import CHECK_STEP
from ..validation import check_array, check_int
from .base import COLORS, LinePlot, LiveFigure, _set_limits
from .decision import DecisionPlot

__all__ = ["HEATMAP_RANGE", "LabPlot", "heatmap_columns", "log_norms"]

#: Color range of the heat map, in log10 units: 1e-10 (and below) to 1e2 (and above).
HEATMAP_RANGE = (-10.0, 2.0)
_UNDER = "#000000"          # vanished below 1e-10 (or exactly 0)
_OVER = "#D55E00"           # above 1e2, or overflowed to inf
_MIN_STEPS = 10.0


def heatmap_columns(n_steps: int, max_columns: int) -> np.ndarray:
    """Which recorded steps the heat map shows: all, or ``max_columns`` evenly spread.

    Returns
    -------
    ndarray of int, shape (min(n_steps, max_columns),)
        Increasing step indices (0-based), always including the last step.
    """
    n_steps = check_int("n_steps", n_steps, min_value=0)
    max_columns = check_int("max_columns", max_columns, min_value=2)
    if n_steps <= max_columns:
        return np.arange(n_steps)
    return np.unique(np.round(np.linspace(0, n_steps - 1, max_columns)).astype(int))


def log_norms(grad_norms: Any) -> np.ndarray:
    """:math:`\\log_{10}` of gradient norms: ``-inf`` for 0, ``+inf`` for overflow, no warning."""
    g = check_array("grad_norms", grad_norms, ndim=2, finite=False, allow_empty=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(g)
    out[np.isnan(out)] = np.inf
    return out


class LabPlot:
    """Loss curve, decision boundary and per-layer gradient heat map in one figure.

    Parameters
    ----------
    X : array_like (N, 2)
        Training points; ``y`` (N,) their 0/1 labels.
    y : array_like (N,)
    n_layers : int
        Rows of the heat map (dense layers, input side at the bottom).
    extent : tuple
        ``(xmin, xmax, ymin, ymax)`` of the decision plot.
    resolution : int
        Grid size of the probability image.
    max_columns : int
        Most steps the heat map shows; longer runs are thinned evenly.
    figsize : tuple
        Inches; small on purpose (every pixel is re-rendered on each frame).
    dpi : int
    label : str
        Bold text in the top right corner of the loss axes, e.g. the run's
        settings in a static figure.
    check_step : int
        Where a dotted vertical line marks the loss plot (the step at which
        the exercise of notebook 11 checks the training accuracy).

    Attributes
    ----------
    fig : Figure
    loss : LinePlot
    decision : DecisionPlot
    heat : AxesImage
        The heat map; ``heat.get_array()`` holds the shown log10 norms (layers × columns).
    colorbar : Colorbar
    grid_points : ndarray (resolution**2, 2)
        Where the lab evaluates the model's probability.
    """

    def __init__(self, X: Any, y: Any, n_layers: int, *,
                 extent: tuple[float, float, float, float] = (-2.75, 2.75, -2.75, 2.75),
                 resolution: int = 40, max_columns: int = 300,
                 figsize: tuple[float, float] = (9.6, 2.9), dpi: int = 80,
                 label: str = "", check_step: int = CHECK_STEP) -> None:
        n_layers = check_int("n_layers", n_layers, min_value=1)
        check_step = check_int("check_step", check_step, min_value=1)
        self.max_columns = check_int("max_columns", max_columns, min_value=2)
        with plt.ioff():
            fig = plt.figure(figsize=figsize, dpi=dpi, FigureClass=LiveFigure)
        self.fig = fig
        ax_loss = fig.add_axes((0.08, 0.18, 0.225, 0.7))
        ax_dec = fig.add_axes((0.355, 0.18, 0.2, 0.7))
        ax_heat = fig.add_axes((0.65, 0.18, 0.255, 0.7))
        ax_bar = fig.add_axes((0.915, 0.18, 0.012, 0.7))
        # Titles are plain texts at fixed places: an axes title is re-positioned
        # from the tick-label sizes on every draw, which costs more than the data.
        for ax, title in ((ax_loss, "loss"), (ax_dec, "P(class 1)"),
                          (ax_heat, "log₁₀ ‖∂E/∂Wˡ‖ per layer")):
            ax.text(0.5, 1.03, title, transform=ax.transAxes, ha="center", va="bottom")
        self.loss = LinePlot(["training", "test"], ax=ax_loss, xlabel="step",
                             ylabel="loss E (log scale)", logy=True, legend=False,
                             styles={"training": {"marker": "o", "markevery": [-1], "ms": 4},
                                     "test": {"color": COLORS[2], "lw": 1.5, "ls": "--"}})
        self.loss.ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        # a fixed legend (loc="best" would be searched for on every draw)
        ax_loss.legend(handles=list(self.loss.lines.values()),
                       labels=["training", "test (held out)"], loc="lower left",
                       fontsize="small", frameon=False, handlelength=1.6)
        #: The dotted line where the exercise checks the training accuracy.
        self.check_line = ax_loss.axvline(check_step, color="0.35", lw=1, ls=":")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {type(label).__name__}")
        if label:
            ax_loss.text(0.96, 0.94, label, transform=ax_loss.transAxes, ha="right", va="top",
                         fontweight="bold")
        self.decision = DecisionPlot(X, y, extent=extent, resolution=resolution, ax=ax_dec)
        ax_dec.set_xticks([])           # standardized coordinates: no unit worth a tick
        ax_dec.set_yticks([])
        ax_dec.set_xlabel("x₁ (standardized)")   # plain text renders faster than mathtext
        ax_dec.set_ylabel("x₂")
        self.grid_points = self.decision.grid_points
        # What changes from frame to frame is animated (drawn over the kept axes,
        # see LiveFigure): a new depth or step count redraws only the heat map's axes.
        for artist in (self.decision.image, *self.decision.points):
            artist.set_animated(True)
        cmap = plt.get_cmap("viridis").with_extremes(under=_UNDER, over=_OVER, bad="#FFFFFF")
        vmin, vmax = HEATMAP_RANGE
        self.heat = ax_heat.imshow(np.full((n_layers, 1), np.nan), origin="lower",
                                   aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                                   interpolation="nearest",
                                   extent=(0.5, 1.5, 0.5, n_layers + 0.5),
                                   animated=True)
        ax_heat.set_xlabel("step")
        ax_heat.set_ylabel("layer (1 = input side)")
        ax_heat.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax_heat.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        self.colorbar = fig.colorbar(self.heat, cax=ax_bar, extend="both")
        self.colorbar.set_ticks(np.arange(vmin, vmax + 1, 4))
        self.ax_heat = ax_heat
        self.n_layers = n_layers

    def set_data(self, X: Any, y: Any) -> None:
        """Move the training points to a new data set (same extent)."""
        X = check_array("X", X, shape=(None, 2))
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one label per row of X ({X.shape[0]}), "
                             f"got {y.shape[0]}")
        for label, points in enumerate(self.decision.points):
            points.set_offsets(X[y == label])

    def update(self, frame: Any, *, note: str = "") -> None:
        """Show a :class:`~lessons_lib.experiments.lab.LabFrame` (artists move, none is made).

        Parameters
        ----------
        frame : LabFrame
            Loss, gradient norms (steps × layers) and probabilities on
            :attr:`grid_points`.
        note : str
            Short text shown on the loss axes (e.g. "diverged at step 12").
        """
        for attr in ("steps", "loss", "grad_norms", "proba"):
            if not hasattr(frame, attr):
                raise TypeError(f"frame must be a LabFrame (from LabRun.frame), "
                                f"got {type(frame).__name__}")
        steps = np.asarray(frame.steps, dtype=np.float64)
        self.loss.update(steps, {"training": frame.loss, "test": frame.test_loss}, note=note)
        if frame.proba is not None:
            self.decision.update(frame.proba)
        grads = np.asarray(frame.grad_norms, dtype=np.float64)
        n_steps = grads.shape[0]
        n_layers = grads.shape[1] if grads.ndim == 2 and grads.shape[1] else self.n_layers
        if n_steps == 0:
            image = np.full((n_layers, 1), np.nan)
            right = 1.5
        else:
            cols = heatmap_columns(n_steps, self.max_columns)
            image = log_norms(grads[cols]).T
            vmin, vmax = HEATMAP_RANGE
            image = np.clip(image, vmin - 1.0, vmax + 1.0)   # ±inf: drawn as under/over
            right = n_steps + 0.5
        self.heat.set_data(image)
        self.heat.set_extent((0.5, right, 0.5, n_layers + 0.5))
        # at least 10 steps wide, so a short run does not stretch over the axes
        last = max(float(n_steps), _MIN_STEPS)
        _set_limits(self.ax_heat.set_xlim, self.ax_heat.get_xlim(), (0.5, last + 0.5))
        _set_limits(self.ax_heat.set_ylim, self.ax_heat.get_ylim(), (0.5, n_layers + 0.5))
        if n_steps < _MIN_STEPS:
            _set_limits(self.loss.ax.set_xlim, self.loss.ax.get_xlim(), (0.0, _MIN_STEPS + 0.5))
        self.n_layers = n_layers
