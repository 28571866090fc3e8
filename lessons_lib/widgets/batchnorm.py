"""The two live panels of notebook 07 (batch normalization).

* :func:`bn_gradient_panel` — per-layer gradient size of a deep stack with and
  without BatchNorm; compute is
  :func:`lessons_lib.experiments.batchnorm.bn_gradient_profiles`;
* :func:`running_mean_panel` — a BatchNorm layer's running mean over training
  steps for a chosen momentum; compute is
  :func:`lessons_lib.experiments.batchnorm.running_mean_trace`.

Drawing is a :class:`lessons_lib.plots.LinePlot` each; this module only wires.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments.batchnorm import (
    BN_ACTIVATIONS,
    BN_MOMENTA,
    bn_gradient_profiles,
    running_mean_trace,
)
from ..plots.base import COLORS, LinePlot
from ..validation import check_float, check_int
from .base import Panel, panel_factory

__all__ = ["BN_BATCH_SIZES", "BNGradientPanel", "RunningMeanPanel", "bn_gradient_panel",
           "running_mean_panel"]

#: Batch sizes offered by the running-mean panel.
BN_BATCH_SIZES = (4, 8, 16, 32, 64, 128, 256)
_WITHOUT, _WITH = "without BN", "with BN"


def _ratio(v: np.ndarray) -> str:
    a, b = float(v[0]), float(v[-1])
    if not (np.isfinite(a) and np.isfinite(b)):
        return "overflow"
    if b == 0:
        return "0 / 0" if a == 0 else "∞"
    return f"{a / b:.3g}"


class BNGradientPanel(Panel):
    """Gradient size per layer with and without BatchNorm (see :func:`bn_gradient_panel`)."""

    def __init__(self, *, depth: int = 20, activation: str = "sigmoid", max_depth: int = 50,
                 width: int = 64, batch: int = 96, seed: int = 0) -> None:
        max_depth = check_int("max_depth", max_depth, min_value=2, max_value=100)
        self.width = check_int("width", width, min_value=2, max_value=256)
        self.batch = check_int("batch", batch, min_value=2, max_value=1024)
        self.seed = check_int("seed", seed, min_value=0)
        style = {"description_width": "initial"}
        controls = {
            "depth": ipw.IntSlider(min=2, max=max_depth, description="depth",
                                   continuous_update=True, style=style),
            "activation": ipw.Dropdown(options=BN_ACTIVATIONS, description="activation",
                                       style=style),
        }
        self.plot = LinePlot([_WITHOUT, _WITH], xlabel="layer (1 = input side)",
                             ylabel="‖∂E/∂W‖ (log scale)", logy=True, legend=False,
                             round_x=True)
        super().__init__(controls, self.plot.fig,
                         values={"depth": depth, "activation": activation})

    def compute(self, depth: int, activation: str) -> dict[str, Any]:
        """Both profiles, from one stack without and with BatchNorm."""
        profiles = bn_gradient_profiles(depth, activation=activation, width=self.width,
                                        batch=self.batch, seed=self.seed)
        return {"layer": np.arange(1, depth + 1), **profiles}

    def draw(self, r: dict[str, Any]) -> None:
        """Move the two lines."""
        self.plot.update(r["layer"], {_WITHOUT: r["without"], _WITH: r["with"]})

    def readout_text(self, r: dict[str, Any]) -> str:
        """The legend and the first ÷ last layer ratios."""
        return (f"{self.plot.legend_html()}<br>‖∂E/∂W‖ of the first layer ÷ the last: "
                f"without BN <b>{_ratio(r['without'])}</b>, with BN <b>{_ratio(r['with'])}</b>")


@panel_factory(BNGradientPanel)
def bn_gradient_panel(**initial: Any) -> BNGradientPanel:
    """Depth slider: per-layer weight-gradient size with and without BatchNorm.

    Both curves come from the same deep stack (same weights, same batch, one
    backward pass); the second puts BatchNorm (training mode) before every
    activation. Used in notebook 07.

    Parameters
    ----------
    **initial
        ``depth`` (20, 2..max_depth), ``activation`` ("sigmoid", one of
        :data:`~lessons_lib.experiments.batchnorm.BN_ACTIVATIONS`); sizes
        ``max_depth`` (50), ``width`` (64), ``batch`` (96), ``seed`` (0).

    Returns
    -------
    BNGradientPanel
        Display it as the last expression of a cell.
    """
    panel = BNGradientPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel


class RunningMeanPanel(Panel):
    """Running mean of one BatchNorm feature over training (see :func:`running_mean_panel`)."""

    LABELS = ("batch mean μ_B", "running mean v̂", "expected μ(1 − mᵏ)", "true mean μ")

    def __init__(self, *, momentum: float = 0.9, batch_size: int = 32, steps: int = 600,
                 true_mean: float = 3.0, true_std: float = 2.0, seed: int = 0) -> None:
        self.steps = check_int("steps", steps, min_value=2, max_value=5000)
        self.true_mean = check_float("true_mean", true_mean, min_value=-100.0, max_value=100.0)
        self.true_std = check_float("true_std", true_std, min_value=0.0, max_value=100.0)
        self.seed = check_int("seed", seed, min_value=0)
        style = {"description_width": "initial"}
        controls = {
            "momentum": ipw.SelectionSlider(options=BN_MOMENTA, description="momentum",
                                            continuous_update=True, style=style),
            "batch_size": ipw.SelectionSlider(options=BN_BATCH_SIZES, description="batch size",
                                              continuous_update=True, style=style),
        }
        batch, running, expected, true = self.LABELS
        self.plot = LinePlot(list(self.LABELS), xlabel="training step k",
                             ylabel="mean of one feature", legend=False,
                             styles={batch: {"lw": 0.8, "alpha": 0.45, "color": COLORS[5]},
                                     running: {"color": COLORS[0]},
                                     expected: {"ls": "--", "lw": 1.5, "color": COLORS[1]},
                                     true: {"ls": ":", "lw": 1.5, "color": "#555555"}})
        # fixed y range: room for the noisiest batch means (batch size 4) around mu
        spread = 3.5 * self.true_std / np.sqrt(min(BN_BATCH_SIZES))
        lo = min(0.0, self.true_mean - spread)
        hi = max(0.0, self.true_mean + spread)
        self.plot.fixed_ylim = (lo - 0.05 * (hi - lo + 1.0), hi + 0.05 * (hi - lo + 1.0))
        super().__init__(controls, self.plot.fig,
                         values={"momentum": momentum, "batch_size": batch_size})

    def compute(self, momentum: float, batch_size: int) -> dict[str, Any]:
        """The batch means and the running mean over the steps."""
        return running_mean_trace(momentum, batch_size=batch_size, steps=self.steps,
                                  true_mean=self.true_mean, true_std=self.true_std,
                                  seed=self.seed)

    def draw(self, r: dict[str, Any]) -> None:
        """Move the four lines."""
        batch, running, expected, true = self.LABELS
        self.plot.update(r["step"], {batch: r["batch_mean"], running: r["running_mean"],
                                     expected: r["expected"],
                                     true: np.full(r["step"].shape, r["true_mean"])})

    def readout_text(self, r: dict[str, Any]) -> str:
        """The legend, when the running mean is within 1 % and how much it jitters."""
        k = r["steps_to_1pct"]
        when = (f"after <b>{k}</b> steps" if k <= self.steps
                else f"only after <b>{k}</b> steps (beyond the {self.steps} shown)")
        return (f"{self.plot.legend_html()}<br>expected running mean within 1 % of μ {when}; "
                f"then it jitters by ±<b>{r['steady_std']:.3g}</b> (std); "
                f"after {self.steps} steps: |v̂ − μ| = <b>{r['final_error']:.3g}</b>")


@panel_factory(RunningMeanPanel)
def running_mean_panel(**initial: Any) -> RunningMeanPanel:
    """Momentum slider: how a BatchNorm layer's running mean tracks its input's mean.

    Every training step feeds one batch of a single feature drawn from
    :math:`\\mathcal N(\\mu, \\sigma^2)`; the running mean starts at 0 and moves
    as :math:`\\hat v \\leftarrow \\hat v\\,m + \\mu_B(1-m)`. High momentum: smooth
    but slow; low momentum: fast but noisy. Used in notebook 07.

    Parameters
    ----------
    **initial
        ``momentum`` (0.9, one of
        :data:`~lessons_lib.experiments.batchnorm.BN_MOMENTA`), ``batch_size``
        (32, one of :data:`BN_BATCH_SIZES`); ``steps`` (600), ``true_mean`` (3.0),
        ``true_std`` (2.0), ``seed`` (0).

    Returns
    -------
    RunningMeanPanel
    """
    panel = RunningMeanPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
