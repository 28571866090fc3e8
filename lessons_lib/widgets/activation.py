"""The two live panels of notebook 04.

* :func:`activation_panel` — an activation dropdown and an α slider redraw
  :math:`f(z)` and :math:`f'(z)` in place (compute:
  :func:`lessons_lib.experiments.activation.activation_curve`);
* :func:`dead_relu_panel` — a learning-rate slider shows the loss and the
  share of dead units of a ReLU net trained at that η (compute:
  :func:`lessons_lib.experiments.activation.dead_relu_run`, cached per η).

Drawing is :class:`lessons_lib.plots.LinePlot` and
:class:`lessons_lib.plots.activation.DualLinePlot`; this module only wires.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..activations import SELU_ALPHA, SELU_LAMBDA, RReLU
from ..experiments.activation import (
    ALPHA_ACTIVATIONS,
    PANEL_ACTIVATIONS,
    ActivationCurve,
    DeadReluRun,
    activation_curve,
    dead_relu_run,
)
from ..plots.activation import DualLinePlot
from ..plots.base import COLORS, LinePlot
from ..validation import check_int
from .base import Panel, panel_factory

__all__ = ["ACTIVATION_LABELS", "ActivationPanel", "DeadReluPanel", "activation_panel",
           "dead_relu_panel"]

#: Dropdown labels of the activation panel, by activation name.
ACTIVATION_LABELS = {
    "sigmoid": "sigmoid (logistic)", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU",
    "prelu": "PReLU", "rrelu": "RReLU (test time)", "elu": "ELU", "selu": "SELU",
    "gelu": "GELU", "silu": "SiLU (Swish)",
}

#: Formula of each activation, as HTML for the readout.
FORMULAS = {
    "sigmoid": "f(z) = 1 / (1 + e<sup>−z</sup>), f′(z) = f(z)(1 − f(z))",
    "tanh": "f(z) = tanh z = 2σ(2z) − 1, f′(z) = 1 − f(z)²",
    "relu": "f(z) = max(0, z), f′(z) = 1 for z &gt; 0, else 0",
    "leaky_relu": "f(z) = z for z &gt; 0, αz otherwise; f′(z) = 1 or α",
    "prelu": "like Leaky ReLU, but α is learned: ∂E/∂α = Σ<sub>z≤0</sub> (∂E/∂f)·z",
    "rrelu": "like Leaky ReLU with a random slope per unit and sample in training",
    "elu": "f(z) = z for z &gt; 0, α(e<sup>z</sup> − 1) otherwise; f′(z) = 1 or αe<sup>z</sup>",
    "selu": "f(z) = λz for z &gt; 0, λα(e<sup>z</sup> − 1) otherwise",
    "gelu": "f(z) = zΦ(z) (Φ: the standard normal CDF), f′(z) = Φ(z) + zφ(z)",
    "silu": "f(z) = zσ(z), f′(z) = σ(z)(1 + z(1 − σ(z)))",
}

_F = "f(z)"
_G = "f′(z)"
#: Leaky ReLU needs α < 1; the slider's α = 1 is drawn with this value.
LEAKY_MAX_ALPHA = 0.99


class ActivationPanel(Panel):
    """Activation dropdown + α slider redrawing f and f′ (see :func:`activation_panel`)."""

    enabled_when = {"alpha": lambda v: v["activation"] in ALPHA_ACTIVATIONS}

    def __init__(self, *, activation: str = "leaky_relu", alpha: float = 0.2) -> None:
        style = {"description_width": "initial"}
        controls = {
            "activation": ipw.Dropdown(
                options=[(ACTIVATION_LABELS[k], k) for k in PANEL_ACTIVATIONS],
                description="activation", style=style),
            "alpha": ipw.FloatSlider(min=0.0, max=1.0, step=0.01, description="α",
                                     readout_format=".2f", style=style),
        }
        self.plot = LinePlot([_F, _G], xlabel="z (weighted input net)", ylabel="f(z) and f′(z)",
                             legend=False, styles={_G: {"ls": "--"}})
        self.plot.ax.axhline(0.0, color="#999999", lw=0.8, zorder=0)
        self.plot.ax.axvline(0.0, color="#999999", lw=0.8, zorder=0)
        super().__init__(controls, self.plot.fig,
                         values={"activation": activation, "alpha": alpha})

    def compute(self, activation: str, alpha: float) -> dict[str, Any]:
        """The curves f and f′ (with α where the activation has one)."""
        used = None
        if activation in ALPHA_ACTIVATIONS:
            used = min(alpha, LEAKY_MAX_ALPHA) if activation == "leaky_relu" else alpha
        return {"curve": activation_curve(activation, used), "asked": alpha}

    def draw(self, r: dict[str, Any]) -> None:
        """Move the two lines."""
        c: ActivationCurve = r["curve"]
        self.plot.update(c.z, {_F: c.f, _G: c.grad})

    def readout_text(self, r: dict[str, Any]) -> str:
        """The legend, the formula and the largest slope."""
        c: ActivationCurve = r["curve"]
        lines = [self.plot.legend_html(), f"<b>{ACTIVATION_LABELS[c.name]}</b>: {FORMULAS[c.name]}"]
        i_neg = int(np.searchsorted(c.z, -3.0))
        right = c.grad[c.z > 0]
        where = ("for every z &gt; 0" if np.all(right == c.max_grad)
                 else f"at z = {c.argmax:.2g}")
        facts = (f"largest slope max|f′| = <b>{c.max_grad:.3g}</b> {where}; "
                 f"slope at z = −3: f′ = {c.grad[i_neg]:.3g}")
        lines.append(facts)
        if c.name in ALPHA_ACTIVATIONS:
            lines.append(f"α = {c.alpha:.2f}")
            if c.name == "leaky_relu" and r["asked"] > LEAKY_MAX_ALPHA:
                lines[-1] = (f"slider α = {r['asked']:.2f}, drawn with α = {LEAKY_MAX_ALPHA:.2f}: "
                             "α = 1 would make it f(z) = z, a linear function with no "
                             "non-linearity left")
            elif c.name in ("leaky_relu", "prelu") and c.alpha == 0.0:
                lines[-1] += " (α = 0 is plain ReLU)"
        if c.name == "rrelu":
            rr = RReLU()
            lines.append(f"training: a slope drawn from U({rr.lower:.3g}, {rr.upper:.3g}) for "
                         "each unit and sample on every pass; test: fixed at the mean "
                         f"{rr.alpha_mean:.3g} (drawn). PyTorch's convention; the paper "
                         "divides by a ~ U(3, 8) instead")
        if c.name == "selu":
            lines.append(f"fixed constants λ = {SELU_LAMBDA:.4f}, α = {SELU_ALPHA:.4f}")
        return "<br>".join(lines)


@panel_factory(ActivationPanel)
def activation_panel(**initial: Any) -> ActivationPanel:
    """Live panel of notebook 04: pick an activation, move α, see f and f′ redrawn.

    Parameters
    ----------
    **initial
        ``activation`` (``"leaky_relu"``; one of
        :data:`lessons_lib.experiments.activation.PANEL_ACTIVATIONS`) and
        ``alpha`` (0.2, in [0, 1]; used by Leaky ReLU, PReLU and ELU).

    Returns
    -------
    ActivationPanel
    """
    panel = ActivationPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel


_LOSS = "loss E (cross-entropy)"
_DEAD = ("layer 1 dead", "layer 2 dead")
#: Range of the learning-rate slider, as powers of ten.
DEAD_LR_EXPONENTS = (-2.0, 1.5)


class DeadReluPanel(Panel):
    """Learning-rate slider → loss and dead-unit share of a ReLU net (:func:`dead_relu_panel`)."""

    def __init__(self, *, lr: float = 0.3, steps: int = 100, seed: int = 0) -> None:
        self.steps = check_int("steps", steps, min_value=1, max_value=2000)  # dead_relu_run's
        self.seed = check_int("seed", seed, min_value=0)
        controls = {
            "lr": ipw.FloatLogSlider(base=10, min=DEAD_LR_EXPONENTS[0],
                                     max=DEAD_LR_EXPONENTS[1], step=0.25,
                                     description="learning rate η", readout_format=".3g",
                                     style={"description_width": "initial"}),
        }
        self.plot = DualLinePlot(
            [_LOSS], list(_DEAD), xlabel="training step (full-batch updates)",
            left_ylabel="loss (log scale)", right_ylabel="dead units (%)", left_logy=True,
            legend=False, styles={_LOSS: {"color": COLORS[6]}, _DEAD[0]: {"color": COLORS[0]},
                                  _DEAD[1]: {"color": COLORS[1]}})
        self.plot.right.fixed_ylim = (-3.0, 103.0)        # percentages: a fixed scale
        super().__init__(controls, self.plot.fig, values={"lr": lr})

    def compute(self, lr: float) -> DeadReluRun:
        """The training run at this η (memoized)."""
        return dead_relu_run(lr, steps=self.steps, seed=self.seed)

    def draw(self, run: DeadReluRun) -> None:
        """Move the loss and the two dead-unit lines."""
        note = "training diverged: the loss overflowed" if run.diverged else ""
        self.plot.update(run.step, {_LOSS: run.loss},
                         {_DEAD[0]: 100 * run.dead[:, 0], _DEAD[1]: 100 * run.dead[:, 1]},
                         note=note)

    def readout_text(self, run: DeadReluRun) -> str:
        """The legend and the dead shares, loss and accuracy at the end."""
        d1, d2 = 100 * run.dead_final
        acc = "—" if run.diverged else f"{100 * run.accuracy:.0f}%"
        return (f"{self.plot.legend_html()}<br>η = {run.lr:.3g}: after {run.step[-1]:.0f} steps "
                f"<b>{d1:.0f}%</b> of layer 1 and <b>{d2:.0f}%</b> of layer 2 are dead "
                f"(zero on all 256 samples); loss {run.loss[-1]:.3g}, accuracy {acc} "
                "(50% is guessing)")


@panel_factory(DeadReluPanel)
def dead_relu_panel(**initial: Any) -> DeadReluPanel:
    """Live panel of notebook 04: the dying-ReLU problem against the learning rate.

    Left: the training loss over 100 steps; right: the share of dead units
    in each hidden layer over those steps. Every η is trained once and
    cached, so returning to a value is instant.

    Parameters
    ----------
    **initial
        ``lr`` (0.3; 0.01..31.6), ``steps`` (100) and ``seed`` (0).

    Returns
    -------
    DeadReluPanel
    """
    panel = DeadReluPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
