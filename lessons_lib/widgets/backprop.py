"""The backpropagation panel of notebook 03: train a small net on XOR, live.

Compute is :func:`lessons_lib.experiments.backprop.train_xor` (cached per
width and η); drawing is a :class:`lessons_lib.plots.activation.DualLinePlot`
(the error on the left, the learning-signal sizes on the right); this module
only wires the two sliders to them.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as ipw

from ..experiments.backprop import XOR_MAX_STEPS, XOR_MAX_WIDTH, XorRun, train_xor
from ..plots.activation import DualLinePlot
from ..plots.base import COLORS
from ..validation import check_int
from .base import Panel, panel_factory

__all__ = ["LR_EXPONENTS", "BackpropPanel", "backprop_panel"]

_E = "error E = ½Σ(t − y)²"
_D1 = "‖δ¹‖ input side"
_D2 = "‖δ²‖ output side"
#: Range of the η slider, as powers of ten.
LR_EXPONENTS = (-1.0, 1.5)


class BackpropPanel(Panel):
    """Width and η sliders retrain a 2-width-1 sigmoid net on XOR (see :func:`backprop_panel`)."""

    def __init__(self, *, width: int = 3, lr: float = 2.0, steps: int = 1000, seed: int = 0,
                 max_width: int = 8) -> None:
        max_width = check_int("max_width", max_width, min_value=2, max_value=XOR_MAX_WIDTH)
        self.steps = check_int("steps", steps, min_value=1, max_value=XOR_MAX_STEPS)
        self.seed = check_int("seed", seed, min_value=0)
        style = {"description_width": "initial"}
        controls = {
            "width": ipw.IntSlider(min=1, max=max_width, description="hidden width", style=style),
            "lr": ipw.FloatLogSlider(base=10, min=LR_EXPONENTS[0], max=LR_EXPONENTS[1],
                                     step=0.1, description="learning rate η",
                                     readout_format=".3g", style=style),
        }
        self.plot = DualLinePlot(
            [_E], [_D1, _D2], xlabel="training step (full-batch updates)",
            left_ylabel="error E (log scale)", right_ylabel="signal size ‖δ‖ (log scale)",
            left_logy=True, right_logy=True, legend=False,
            styles={_E: {"color": COLORS[6]}, _D1: {"color": COLORS[0]},
                    _D2: {"color": COLORS[1]}})
        super().__init__(controls, self.plot.fig, values={"width": width, "lr": lr})

    def compute(self, width: int, lr: float) -> XorRun:
        """The training run for this width and η (memoized)."""
        return train_xor(width, lr, steps=self.steps, seed=self.seed)

    def draw(self, run: XorRun) -> None:
        """Move the error line and the two signal-size lines."""
        self.plot.update(run.step, {_E: run.loss}, {_D1: run.delta[:, 0], _D2: run.delta[:, 1]})

    def readout_text(self, run: XorRun) -> str:
        """The legend, the outputs for the four rows and the verdict."""
        outs = ", ".join(f"{v:.2f}" for v in run.output)
        verdict = ("<b>XOR solved ✓</b>" if run.solved
                   else "<b>not solved ✗</b> (an output is on the wrong side of 0.5)")
        start, end = run.delta[0], run.delta[-1]
        ratio = f"{start[0] / start[1]:.2g} at the start, {end[0] / end[1]:.2g} at the end"
        return (f"{self.plot.legend_html()}<br>"
                f"width {run.width}, η = {run.lr:.3g}: after {run.steps} steps "
                f"E = {run.loss[-1]:.2g}; outputs y for (0,0), (0,1), (1,0), (1,1) = "
                f"{html.escape(outs)}"
                f" → {verdict}<br>input side ÷ output side ‖δ¹‖/‖δ²‖: {ratio}")


@panel_factory(BackpropPanel)
def backprop_panel(**initial: Any) -> BackpropPanel:
    r"""The live panel of notebook 03: hidden-width and η sliders retrain a net on XOR.

    Left: the error :math:`E` over the training steps; right: the size of
    the learning signal of each layer, :math:`\|\delta^1\|` (input side)
    and :math:`\|\delta^2\|` (output side). Every (width, η) run is cached,
    so going back to a setting is instant.

    Parameters
    ----------
    **initial
        ``width`` (3; 1..``max_width``), ``lr`` (2.0; 0.1..31.6), ``steps``
        (1000), ``seed`` (0) and ``max_width`` (8; 2..16).

    Returns
    -------
    BackpropPanel
        Display it as the last expression of a cell.
    """
    panel = BackpropPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
