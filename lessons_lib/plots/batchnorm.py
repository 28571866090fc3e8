"""Static figures of notebook 07 (batch normalization); drawing only.

* :func:`plot_bn_training` — loss and first-layer gradient of a deep net
  trained with and without BatchNorm, side by side;
* :func:`plot_bn_profiles` — per-layer gradient size with and without BatchNorm;
* :func:`plot_running_means` — the running mean of a BatchNorm layer for a
  few momentum values against the true mean.

Both are built from :class:`~lessons_lib.plots.base.LinePlot` on given axes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..validation import check_array, check_int
from .base import LinePlot, new_figure, plot_gradient_profile

__all__ = ["moving_average", "plot_bn_profiles", "plot_bn_training", "plot_running_means"]


def _fit_limits(plot: LinePlot) -> None:
    """Set the limits of ``plot`` to cover every drawable point of every line."""
    xs, ys = [], []
    for line in plot.lines.values():
        x = np.asarray(line.get_xdata(), float)
        y = np.asarray(line.get_ydata(), float)
        ok = np.isfinite(y) & ((y > 0) if plot.logy else True)
        xs.append(x[ok])
        ys.append(y[ok])
    x, y = np.concatenate(xs), np.concatenate(ys)
    if x.size:
        plot.ax.set_xlim(float(x.min()), float(x.max()))
    if y.size:
        lo, hi = float(y.min()), float(y.max())
        if plot.logy:
            plot.ax.set_ylim(lo / 3.0, hi * 3.0)
        else:
            pad = 0.05 * (hi - lo) if hi > lo else 0.05
            plot.ax.set_ylim(lo - pad, hi + pad)


def moving_average(y: Any, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (fewer at the start).

    Parameters
    ----------
    y : array_like, shape (n,)
    window : int
        >= 1; 1 returns ``y`` unchanged.

    Returns
    -------
    ndarray, shape (n,)
        ``out[i] = mean(y[max(0, i - window + 1) : i + 1])``.
    """
    y = check_array("y", y, ndim=1)
    window = check_int("window", window, min_value=1)
    c = np.concatenate([[0.0], np.cumsum(y)])
    i = np.arange(1, y.size + 1)
    lo = np.maximum(0, i - window)
    return (c[i] - c[lo]) / (i - lo)


def plot_bn_training(runs: Mapping[str, Any], *, window: int = 10) -> Figure:
    """Training loss and first-layer gradient norm per step, one line per run.

    Parameters
    ----------
    runs : mapping of str to TrainResult
        E.g. ``{"without BN": result, "with BN": result}`` from
        :func:`lessons_lib.training.train`.
    window : int
        The loss of mini-batch training is noisy: it is drawn as a trailing
        moving average over ``window`` steps (:func:`moving_average`).

    Returns
    -------
    Figure
        Two axes: loss (linear) and :math:`\\|\\partial E/\\partial W^1\\|` (log).
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of label -> TrainResult, got {runs!r}")
    for label, r in runs.items():
        if not hasattr(r, "loss") or not hasattr(r, "history"):
            raise TypeError(f"runs[{label!r}] must be a TrainResult, got {type(r).__name__}")
    fig = new_figure((9.0, 3.3), ncols=2, left=0.08, top=0.88)
    ax_loss, ax_grad = fig.axes
    labels = list(runs)
    loss_plot = LinePlot(labels, ax=ax_loss, xlabel="training step",
                         ylabel="training loss (BCE, nats)",
                         title=f"loss ({window}-step moving average)", legend=False)
    grad_plot = LinePlot(labels, ax=ax_grad, xlabel="training step",
                         ylabel="‖∂E/∂W¹‖ (log scale)", title="gradient of the first layer",
                         logy=True, legend=False)
    for label, r in runs.items():
        steps = np.arange(1, r.steps + 1)
        loss_plot.update(steps, {label: moving_average(r.loss, window)})
        grad_plot.update(steps, {label: r.history.weight_grad[:, 0]})
    # each update rescaled the axes to its own line: fit them to all lines
    for plot in (loss_plot, grad_plot):
        _fit_limits(plot)
    ax_loss.legend(loc="best", fontsize="small", frameon=False)
    return fig


def plot_running_means(traces: Mapping[str, Mapping[str, Any]]) -> Figure:
    """Running means of a BatchNorm feature for several momenta, and the true mean.

    Parameters
    ----------
    traces : mapping of str to dict
        Label -> result of :func:`lessons_lib.experiments.batchnorm.running_mean_trace`
        (all with the same number of steps and true mean).

    Returns
    -------
    Figure
    """
    if not isinstance(traces, Mapping) or not traces:
        raise TypeError(f"traces must be a non-empty dict of label -> trace, got {traces!r}")
    first = next(iter(traces.values()))
    labels = [*traces, "true mean μ"]
    plot = LinePlot(labels, xlabel="training step k", ylabel="running mean v̂ₖ",
                    title="running mean of one BatchNorm feature (starts at 0)",
                    styles={"true mean μ": {"ls": "--", "lw": 1.2, "color": "#555555"}},
                    legend=False)
    plot.fig.set_size_inches(6.5, 3.3)
    plot.fig.subplots_adjust(top=0.9)
    ys = {label: t["running_mean"] for label, t in traces.items()}
    ys["true mean μ"] = np.full(first["step"].shape, first["true_mean"])
    plot.update(first["step"], ys)
    plot.ax.legend(loc="lower right", fontsize="small", frameon=False)
    return plot.fig


def plot_bn_profiles(profiles: Mapping[str, Any], *, title: str = "") -> Figure:
    """Per-layer gradient norms (log scale) without and with BatchNorm.

    Parameters
    ----------
    profiles : mapping of str to array_like (depth,)
        E.g. :func:`lessons_lib.experiments.batchnorm.bn_gradient_profiles`'s
        ``{"without": ..., "with": ...}``; the labels get " BN" appended.
    title : str

    Returns
    -------
    Figure
    """
    if not isinstance(profiles, Mapping) or not profiles:
        raise TypeError(f"profiles must be a non-empty dict of label -> array, got {profiles!r}")
    plot = plot_gradient_profile({f"{k} BN": v for k, v in profiles.items()}, title=title)
    plot.ax.set_ylabel("‖∂E/∂W‖ (log scale)")
    plot.fig.set_size_inches(6.5, 3.3)
    plot.fig.subplots_adjust(top=0.9)
    return plot.fig
