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
from .base import Panel, panel_factory

__all__ = ["EXPLORER_ACTIVATIONS", "EXPLORER_INITS", "GradientExplorer", "gradient_explorer"]

EXPLORER_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus",
                        "linear")
EXPLORER_INITS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                  "lecun_uniform", "fan_in_uniform", "uniform")
_USES_ALPHA = ("leaky_relu", "elu")


class GradientExplorer(Panel):
    """Per-layer gradient magnitudes of a deep stack, live (see :func:`gradient_explorer`)."""

    def __init__(self, *, depth: int = 20, activation: str = "sigmoid", alpha: float = 0.01,
                 init: str = "glorot_uniform", weight_scale: float = 1.0,
                 batchnorm: bool = False, residual: bool = False, max_depth: int = 100,
                 width: int = 64, batch: int = 256, seed: int = 0) -> None:
        experiments.gradient_profile(depth, width=width, activation=activation, alpha=alpha,
                                     init=init, weight_scale=weight_scale, batchnorm=batchnorm,
                                     residual=residual, batch=batch, seed=seed)  # validates
        if activation not in EXPLORER_ACTIVATIONS:
            raise ValueError(f"activation must be one of {list(EXPLORER_ACTIVATIONS)}, "
                             f"got {activation!r}")
        if init not in EXPLORER_INITS:
            raise ValueError(f"init must be one of {list(EXPLORER_INITS)}, got {init!r}")
        if not 1 <= depth <= max_depth <= experiments.MAX_DEPTH:
            raise ValueError(f"max_depth must be in [depth, {experiments.MAX_DEPTH}], "
                             f"got depth={depth}, max_depth={max_depth}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1] for the explorer, got {alpha}")
        if not 0.1 <= weight_scale <= 10.0:
            raise ValueError(f"weight_scale must be in [0.1, 10] for the explorer, "
                             f"got {weight_scale}")
        self.width, self.batch, self.seed = width, batch, seed
        style = {"description_width": "initial"}
        controls = {
            "depth": ipw.IntSlider(value=depth, min=1, max=max_depth, description="depth",
                                   continuous_update=True, style=style),
            "activation": ipw.Dropdown(options=EXPLORER_ACTIVATIONS, value=activation,
                                       description="activation", style=style),
            "alpha": ipw.FloatSlider(value=alpha, min=0.0, max=1.0, step=0.01,
                                     description="alpha", readout_format=".2f", style=style),
            "init": ipw.Dropdown(options=EXPLORER_INITS, value=init, description="init",
                                 style=style),
            "weight_scale": ipw.FloatLogSlider(value=weight_scale, base=10, min=-1, max=1,
                                               step=0.02, description="weight scale",
                                               readout_format=".2f", style=style),
            "batchnorm": ipw.Checkbox(value=batchnorm, description="batchnorm", indent=False),
            "residual": ipw.Checkbox(value=residual, description="residual", indent=False),
        }
        self.plot = LinePlot(["‖δ‖ learning signal", "‖∂E/∂W‖ weight gradient", "estimate"],
                             xlabel="layer (1 = input side)",
                             ylabel="norm (log scale)", logy=True, legend=False, round_x=True,
                             styles={"estimate": {"ls": "--", "lw": 1.5, "color": "#555555"}})
        super().__init__(controls, self._compute, self._draw, self.plot.fig,
                         readout=self._readout)

    def _compute(self, depth, activation, alpha, init, weight_scale, batchnorm, residual):
        self.controls["alpha"].disabled = activation not in _USES_ALPHA
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

    def _draw(self, r):
        return self.plot.update(r["layer"], {"‖δ‖ learning signal": r["delta"],
                                             "‖∂E/∂W‖ weight gradient": r["weight"],
                                             "estimate": None if r["estimate"] is None
                                             else r["estimate"]["line"]})

    def _readout(self, r) -> str:
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
    return GradientExplorer(**initial)

