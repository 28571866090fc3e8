"""The initialization panel of notebook 06: init × activation × depth, live.

Compute is :func:`lessons_lib.experiments.initialization.init_profile` (measured
per-layer activation std and ``‖δ‖`` with the variance-recursion theory);
drawing is :class:`lessons_lib.plots.initialization.InitPlot`; this module only wires
the controls.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments.initialization import INIT_PANEL_ACTIVATIONS, INIT_PANEL_INITS, init_profile
from ..plots.initialization import InitPlot
from ..validation import check_int
from .base import Panel, panel_factory

__all__ = ["INIT_LABELS", "InitExplorer", "init_explorer"]

#: Dropdown labels of the initializers (value -> label).
INIT_LABELS = {
    "uniform": "uniform ±0.05",
    "fan_in_uniform": "U(±1/√n) fan-in uniform",
    "glorot_uniform": "Glorot uniform",
    "lecun_normal": "LeCun normal",
    "he_uniform": "He uniform",
    "he_normal": "He normal",
}
_ACT_LABELS = {"relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "selu": "SELU",
               "linear": "linear"}
MAX_SEED = 4


def _fmt_ratio(a: float, b: float) -> str:
    if not (np.isfinite(a) and np.isfinite(b)):
        return "overflow"
    if b == 0:
        return "0 / 0" if a == 0 else "∞"
    return f"{a / b:.3g}"


class InitExplorer(Panel):
    """Per-layer activation std and learning signal of one init (see :func:`init_explorer`)."""

    def __init__(self, *, init: str = "he_normal", activation: str = "relu", depth: int = 30,
                 seed: int = 0, max_depth: int = 50, width: int = 64, batch: int = 256) -> None:
        max_depth = check_int("max_depth", max_depth, min_value=1, max_value=200)
        self.width = check_int("width", width, min_value=2, max_value=256)
        self.batch = check_int("batch", batch, min_value=2, max_value=1024)
        style = {"description_width": "initial"}
        controls = {
            "init": ipw.Dropdown(options=[(INIT_LABELS[k], k) for k in INIT_PANEL_INITS],
                                 description="init", style=style),
            "activation": ipw.Dropdown(
                options=[(_ACT_LABELS[k], k) for k in INIT_PANEL_ACTIVATIONS],
                description="activation", style=style),
            "depth": ipw.IntSlider(min=1, max=max_depth, description="depth",
                                   continuous_update=True, style=style),
            "seed": ipw.IntSlider(min=0, max=MAX_SEED, description="weight draw",
                                  continuous_update=True, style=style),
        }
        self.plot = InitPlot(legend=False)
        super().__init__(controls, self.plot.fig,
                         values={"init": init, "activation": activation, "depth": depth,
                                 "seed": seed})

    def compute(self, init: str, activation: str, depth: int, seed: int) -> dict[str, Any]:
        """Measured and theoretical per-layer std and ‖δ‖ of one random network."""
        return init_profile(depth, init=init, activation=activation, width=self.width,
                            batch=self.batch, seed=seed)

    def draw(self, r: dict[str, Any]) -> None:
        """Move the lines of both halves."""
        self.plot.update(r)

    def readout_text(self, r: dict[str, Any]) -> str:
        """The legend, the std from first to last layer and the ‖δ‖ ratio with its theory."""
        std, th, delta = r["std"], r["std_theory"], r["delta"]
        depth = len(std)
        parts = [f"layer 1 → {depth}: output std <b>{std[0]:.3g} → {std[-1]:.3g}</b> "
                 f"(theory {th[0]:.3g} → {th[-1]:.3g})"]
        if depth > 1:
            parts.append(f"‖δ‖ first ÷ last <b>{_fmt_ratio(delta[0], delta[-1])}</b>")
            with np.errstate(all="ignore"):
                step = float(np.exp(np.mean(0.5 * np.log(r["grad_factor"][:-1]))))
            theory = "0" if step == 0 else f"{step:.3g}"
            parts.append(f"theory: each layer multiplies ‖δ‖ by √(n·Var(W)·E[f′²]) ≈ {theory}")
        return f"{self.plot.legend_html()}<br>" + "; ".join(parts)


@panel_factory(InitExplorer)
def init_explorer(**initial: Any) -> InitExplorer:
    """The panel of notebook 06: choose an initializer, an activation and a depth.

    Left: the standard deviation of every layer's output, right: the learning
    signal ``‖δ^l‖``, both measured on one random network (solid) with the
    variance recursion over them (dashed). The "weight draw" slider picks
    another random network with the same recipe.

    Parameters
    ----------
    **initial
        Starting values: ``init`` ("he_normal", one of
        :data:`~lessons_lib.experiments.initialization.INIT_PANEL_INITS`), ``activation``
        ("relu"), ``depth`` (30), ``seed`` (0..4); sizes ``max_depth`` (50),
        ``width`` (64) and ``batch`` (256).

    Returns
    -------
    InitExplorer
        Display it as the last expression of a cell.
    """
    panel = InitExplorer(**initial)
    panel.update()                   # the first compute and draw
    return panel
