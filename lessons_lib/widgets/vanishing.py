"""The gradient explorer: per-layer gradient magnitudes of a deep stack, live.

Used in notebook 05 (and reused in 06, 07 and 10). Compute is
:func:`lessons_lib.experiments.gradient_profile`; drawing is a
:class:`lessons_lib.plots.LinePlot`; this module only wires the controls.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from .. import experiments
from ..plots import LinePlot
from ..validation import check_int
from .base import Panel, panel_factory

__all__ = ["EXPLORER_ACTIVATIONS", "EXPLORER_INITS", "GradientExplorer", "gradient_explorer"]

EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
                        "linear")
EXPLORER_INITS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                  "lecun_uniform", "fan_in_uniform", "uniform")
_USES_ALPHA = ("leaky_relu", "elu")


class GradientExplorer(Panel):
    """Per-layer gradient magnitudes of a deep stack, live (see :func:`gradient_explorer`)."""

    enabled_when = {"alpha": lambda v: v["activation"] in _USES_ALPHA}

    def __init__(self, *, depth: int = 20, activation: str = "sigmoid", alpha: float = 0.01,
                 init: str = "glorot_uniform", weight_scale: float = 1.0,
                 batchnorm: bool = False, residual: bool = False, max_depth: int = 100,
                 width: int = 64, batch: int = 256, seed: int = 0) -> None:
        max_depth = check_int("max_depth", max_depth, min_value=1,
                              max_value=experiments.MAX_DEPTH)
        self.width = check_int("width", width, min_value=1, max_value=experiments.MAX_WIDTH)
        # at least 2: the batchnorm checkbox normalizes over the batch
        self.batch = check_int("batch", batch, min_value=2, max_value=experiments.MAX_BATCH)
        self.seed = check_int("seed", seed, min_value=0)
        style = {"description_width": "initial"}
        controls = {
            "depth": ipw.IntSlider(min=1, max=max_depth, description="depth",
                                   continuous_update=True, style=style),
            "activation": ipw.Dropdown(options=EXPLORER_ACTIVATIONS, description="activation",
                                       style=style),
            "alpha": ipw.FloatSlider(min=0.0, max=1.0, step=0.01, description="alpha",
                                     readout_format=".2f", style=style),
            "init": ipw.Dropdown(options=EXPLORER_INITS, description="init", style=style),
            "weight_scale": ipw.FloatLogSlider(base=10, min=-1, max=1, step=0.02,
                                               description="weight scale",
                                               readout_format=".2f", style=style),
            "batchnorm": ipw.Checkbox(description="batchnorm", indent=False),
            "residual": ipw.Checkbox(description="residual", indent=False),
        }
        self.plot = LinePlot(["‖δ‖ learning signal", "‖∂E/∂W‖ weight gradient", "estimate"],
                             xlabel="layer (1 = input side)",
                             ylabel="norm (log scale)", logy=True, legend=False, round_x=True,
                             styles={"estimate": {"ls": "--", "lw": 1.5, "color": "#555555"}})
        super().__init__(controls, self.plot.fig,
                         values={"depth": depth, "activation": activation, "alpha": alpha,
                                 "init": init, "weight_scale": weight_scale,
                                 "batchnorm": batchnorm, "residual": residual})

    def compute(self, depth, activation, alpha, init, weight_scale, batchnorm, residual):
        """Both gradient profiles and the estimate (where one exists) for these values."""
        kw = dict(width=self.width, activation=activation,
                  alpha=alpha if activation in _USES_ALPHA else None, init=init,
                  weight_scale=weight_scale)
        common = dict(batchnorm=batchnorm, residual=residual, batch=self.batch, seed=self.seed,
                      **kw)
        delta = experiments.gradient_profile(depth, quantity="delta", **common)
        weight = experiments.gradient_profile(depth, quantity="weight", **common)
        estimate = None
        if not (batchnorm or residual) and np.isfinite(delta[-1]) and delta[-1] > 0:
            relative = experiments.gradient_estimate(depth, **kw)
            with np.errstate(all="ignore"):
                estimate = relative * delta[-1]
            estimate = {"line": estimate, "ratio": float(relative[0])}
        return {"layer": np.arange(1, depth + 1), "delta": delta, "weight": weight,
                "estimate": estimate, "activation": activation}

    def draw(self, r):
        """Move the three lines (the estimate hidden where there is none)."""
        self.plot.update(r["layer"], {"‖δ‖ learning signal": r["delta"],
                                      "‖∂E/∂W‖ weight gradient": r["weight"],
                                      "estimate": None if r["estimate"] is None
                                      else r["estimate"]["line"]})

    def readout_text(self, r) -> str:
        """The legend, the first ÷ last layer ratios and the estimate's."""
        def ratio(v):
            if not (np.isfinite(v[0]) and np.isfinite(v[-1])):
                return "overflow"
            if v[-1] == 0:
                return "0 / 0" if v[0] == 0 else "∞"
            return f"{v[0] / v[-1]:.3g}"

        numbers = (f"first ÷ last layer: ‖δ‖ <b>{ratio(r['delta'])}</b>, "
                   f"‖∂E/∂W‖ <b>{ratio(r['weight'])}</b>"
                   + ("" if r["estimate"] is None else
                      f"; estimate √(n·Var(W)·E[f′²])^(L−1) = {r['estimate']['ratio']:.3g}"))
        return f"{self.plot.legend_html()}<br>{numbers}"


@panel_factory(GradientExplorer)
def gradient_explorer(**initial: Any) -> GradientExplorer:
    """The flagship panel of notebook 05: sliders for depth, activation, alpha,
    init, weight scale, batchnorm and residual, replotting per-layer gradient
    magnitudes (log scale) with the estimate
    :func:`lessons_lib.experiments.gradient_estimate` where one exists (not
    with batchnorm or residual).

    Parameters
    ----------
    **initial
        Starting values: ``depth`` (20), ``activation`` ("sigmoid"), ``alpha``
        (0.01), ``init`` ("glorot_uniform"), ``weight_scale`` (1.0),
        ``batchnorm``/``residual`` (False); sizes ``max_depth`` (100),
        ``width`` (64), ``batch`` (256) and ``seed`` (0).

    Returns
    -------
    GradientExplorer
        Display it as the last expression of a cell.
    """
    panel = GradientExplorer(**initial)
    panel.update()                   # the first compute and draw
    return panel

