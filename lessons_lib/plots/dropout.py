"""Static figures of notebook 08 (dropout); drawing only.

* :func:`plot_overfit_curves` — training and test loss over the steps for a
  few drop rates, and the final losses against the drop rate;
* :func:`plot_decision_maps` — what two of those networks predict over the plane.

The inputs are results of :func:`lessons_lib.experiments.dropout.overfit_run`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from .base import COLORS, LinePlot, new_figure
from .decision import DecisionPlot

__all__ = ["plot_decision_maps", "plot_overfit_curves"]

_NEEDED = ("step", "train_loss", "test_loss", "final_train", "final_test", "proba")


def _check_runs(runs: Any) -> dict[float, Mapping[str, Any]]:
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be a non-empty dict of drop rate -> overfit_run result, "
                        f"got {type(runs).__name__}")
    for p, r in runs.items():
        if not isinstance(r, Mapping) or any(k not in r for k in _NEEDED):
            raise TypeError(f"runs[{p!r}] must be a result of experiments.dropout.overfit_run")
    return {float(p): r for p, r in runs.items()}


def _pick(runs: Mapping[float, Any], show: Sequence[float]) -> list[float]:
    show = [float(p) for p in show]
    missing = [p for p in show if p not in runs]
    if missing:
        raise ValueError(f"show must name drop rates present in runs {sorted(runs)}, "
                         f"got {missing}")
    return show


def _check_summary(summary: Any) -> Mapping[str, np.ndarray]:
    keys = ("rates", "final_train", "final_test", "gap", "early_test")
    if not isinstance(summary, Mapping) or any(k not in summary for k in keys):
        raise TypeError(f"summary must be a result of experiments.dropout.overfit_seeds, "
                        f"got {type(summary).__name__}")
    return summary


def plot_overfit_curves(runs: Mapping[float, Mapping[str, Any]], *,
                        show: Sequence[float] = (0.0, 0.5),
                        summary: Mapping[str, Any] | None = None) -> Figure:
    """Loss curves of two drop rates, and final losses over all drop rates.

    Parameters
    ----------
    runs : mapping of float to dict
        Drop rate -> :func:`~lessons_lib.experiments.dropout.overfit_run` result.
    show : sequence of float
        Drop rates whose curves the left axes draws (train solid, test dashed).
    summary : mapping, optional
        :func:`~lessons_lib.experiments.dropout.overfit_seeds` result. Given,
        the right axes draws the mean over its seeds with a band from the
        smallest to the largest value, and a dotted line at the mean test
        loss of early stopping without dropout (p = 0). Otherwise it draws
        the single runs of ``runs``.

    Returns
    -------
    Figure
        Left: loss (log scale) over training steps; right: final training
        loss, final test loss and their gap against the drop rate.
    """
    runs = _check_runs(runs)
    show = _pick(runs, show)
    fig = new_figure((9.5, 3.5), ncols=2, left=0.08, top=0.88)
    ax_curves, ax_rates = fig.axes
    labels, styles = [], {}
    for i, p in enumerate(show):
        color = COLORS[(2 * i) % len(COLORS)] if i else COLORS[1]
        for kind, ls in (("train", "-"), ("test", "--")):
            label = f"{kind}, p = {p:g}"
            labels.append(label)
            styles[label] = {"color": color, "ls": ls, "lw": 1.8}
    curves = LinePlot(labels, ax=ax_curves, xlabel="training step",
                      ylabel="loss (BCE, log scale)", title="training vs test loss (one seed)",
                      logy=True, styles=styles, legend=False)
    step = runs[show[0]]["step"]
    ys = {}
    for p in show:
        if runs[p]["step"].shape != step.shape:
            raise ValueError("runs to compare must have the same evaluation steps")
        ys[f"train, p = {p:g}"] = runs[p]["train_loss"]
        ys[f"test, p = {p:g}"] = runs[p]["test_loss"]
    curves.update(step, ys)
    ax_curves.legend(loc="lower left", fontsize="small", frameon=False, ncol=2)

    if summary is None:
        rates = np.array(sorted(runs))
        values = {key: np.array([[runs[p][key]] for p in rates])
                  for key in ("final_train", "final_test", "gap")}
        title = "after the last step"
    else:
        summary = _check_summary(summary)
        rates = np.asarray(summary["rates"], dtype=float)
        values = {key: np.asarray(summary[key], dtype=float)
                  for key in ("final_train", "final_test", "gap")}
        n_seeds = values["gap"].shape[1]
        title = f"after the last step: mean and range of {n_seeds} seeds"
    named = {"final_train": ("final training loss", COLORS[0], "-"),
             "final_test": ("final test loss", COLORS[1], "-"),
             "gap": ("gap (test − train)", "#555555", ":")}
    for key, (label, color, ls) in named.items():
        v = values[key]
        ax_rates.plot(rates, v.mean(axis=1), color=color, ls=ls, lw=1.8, marker="o",
                      markersize=4, label=label)
        if v.shape[1] > 1:
            ax_rates.fill_between(rates, v.min(axis=1), v.max(axis=1), color=color, alpha=0.2,
                                  lw=0)
    if summary is not None:
        early = float(np.mean(summary["early_test"][list(rates).index(0.0)])) \
            if 0.0 in list(rates) else None
        if early is not None:
            ax_rates.axhline(early, color=COLORS[2], ls="--", lw=1.5,
                             label="test loss, p = 0 stopped early")
    ax_rates.set_xlabel("drop rate p")
    ax_rates.set_ylabel("loss after training (BCE)")
    ax_rates.set_title(title, fontsize="medium")
    ax_rates.grid(True, alpha=0.3)
    ax_rates.xaxis.set_major_locator(MultipleLocator(0.1))
    ax_rates.set_xlim(rates[0] - 0.03, rates[-1] + 0.03)
    ax_rates.legend(loc="upper right", fontsize="small", frameon=False)
    return fig


def plot_decision_maps(runs: Mapping[float, Mapping[str, Any]], X: Any, y: Any, *,
                       show: Sequence[float] = (0.0, 0.5),
                       extent: tuple[float, float, float, float] = (-1.8, 1.8, -1.8, 1.8),
                       ) -> Figure:
    """Predicted probability of class 1 over the plane, one map per drop rate.

    Parameters
    ----------
    runs : mapping of float to dict
        Drop rate -> :func:`~lessons_lib.experiments.dropout.overfit_run` result
        (its ``proba`` is a square grid over ``extent``).
    X : array_like (N, 2), y : array_like (N,)
        The training points, drawn on top.
    show : sequence of float
        Drop rates to draw, one axes each.
    extent : tuple
        ``(xmin, xmax, ymin, ymax)`` of the grid (``experiments.dropout.OVERFIT_GRID_EXTENT``).

    Returns
    -------
    Figure
    """
    runs = _check_runs(runs)
    show = _pick(runs, show)
    fig = new_figure((4.2 * len(show), 3.7), ncols=len(show), left=0.08, bottom=0.14,
                     wspace=0.25)
    for ax, p in zip(fig.axes, show, strict=True):
        proba = np.asarray(runs[p]["proba"], dtype=float)
        resolution = int(round(np.sqrt(proba.size)))
        if resolution * resolution != proba.size:
            raise ValueError(f"runs[{p}]['proba'] must be a square grid, got {proba.size} values")
        plot = DecisionPlot(X, y, extent=extent, resolution=resolution, ax=ax,
                            title=f"p = {p:g}: train acc {runs[p]['train_acc']:.0%}, "
                                  f"test acc {runs[p]['test_acc']:.0%}")
        plot.update(proba)
        ax.title.set_fontsize("medium")
    return fig
