r"""Live panels of notebook 12: update-to-weight ratios per optimizer, and warm-up.

* :func:`update_ratio_panel` — optimizer, depth, activation and
  :math:`\epsilon` controls; the update-to-weight ratio
  :math:`\|\Delta W^l\|/\|W^l\|` of every layer and step as a heat map, and its
  per-layer median against the :math:`10^{-3}` rule of thumb;
* :func:`warmup_panel` — learning-rate and warm-up controls; loss and global
  gradient norm of Adam's first steps with and without warm-up.

Compute is :mod:`lessons_lib.experiments.modern`; drawing is
:class:`lessons_lib.plots.modern.UpdateRatioPlot` and
:class:`lessons_lib.plots.DualLinePlot`.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments import modern as _exp
from ..plots.activation import DualLinePlot
from ..plots.base import COLORS
from ..plots.modern import RULE_OF_THUMB, UpdateRatioPlot, layer_medians
from .base import Panel, panel_factory

__all__ = ["UpdateRatioPanel", "WarmupPanel", "update_ratio_panel", "warmup_panel"]

_STYLE = {"description_width": "initial"}
#: Optimizers that divide by :math:`\sqrt{v}+\epsilon` (the ε control is theirs).
_ADAPTIVE = ("rmsprop", "adam")
_OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}


def _swatch(color: str) -> str:
    return (f'<span style="border-top:3px solid {color};display:inline-block;width:1.6em;'
            f'vertical-align:middle"></span>')


class UpdateRatioPanel(Panel):
    r"""Update-to-weight ratios of a deep stack, live (see :func:`update_ratio_panel`).

    Attributes
    ----------
    STEPS, N_POINTS, WIDTH : int
        Each run: training steps, two-moons points and hidden units
        (:func:`lessons_lib.experiments.update_ratio_run`), small enough for
        a slider step of a few tens of milliseconds at depth 30.
    """

    STEPS = 30
    N_POINTS = 64
    WIDTH = 16
    enabled_when = {"eps": lambda v: v["optimizer"] in _ADAPTIVE}

    def __init__(self, *, optimizer: str = "sgd", depth: int = 10, activation: str = "sigmoid",
                 eps: float = 1e-8) -> None:
        controls = {
            "optimizer": ipw.Dropdown(options=[(label, name) for name, label
                                               in _OPTIMIZER_NAMES.items()],
                                      description="optimizer", style=_STYLE),
            "depth": ipw.IntSlider(min=2, max=30, description="depth (dense layers)",
                                   style=_STYLE, continuous_update=True),
            "activation": ipw.Dropdown(options=list(_exp.RATIO_ACTIVATIONS),
                                       description="activation", style=_STYLE),
            "eps": ipw.FloatLogSlider(base=10, min=-16, max=-2, step=1, description="ε",
                                      readout_format=".0e", style=_STYLE,
                                      continuous_update=True),
        }
        self.plot = UpdateRatioPlot()
        super().__init__(controls, self.plot.fig,
                         values={"optimizer": optimizer, "depth": depth,
                                 "activation": activation, "eps": eps})

    def compute(self, optimizer, depth, activation, eps):
        """The run, its per-layer medians and the first layer's gradient at step 1."""
        adaptive = optimizer in _ADAPTIVE
        eps = eps if adaptive else 1e-8         # SGD ignores it: one cached run, not fifteen
        run = _exp.update_ratio_run(depth, activation=activation, optimizer=optimizer, eps=eps,
                                    steps=self.STEPS, n_points=self.N_POINTS, width=self.WIDTH)
        n_first = 2 * self.WIDTH                # entries of W¹: 2 inputs × width
        return {"optimizer": optimizer, "eps": eps, "adaptive": adaptive, "run": run,
                "medians": layer_medians(run.ratios),
                "grad_rms": float(run.grad_norms[0, 0] / math.sqrt(n_first))}

    def draw(self, r):
        """Replace the heat map's data and move the median line."""
        run = r["run"]
        note = ""
        if run.diverged:
            ran = int(np.count_nonzero(~np.isnan(run.loss)))
            note = f"the run overflowed at step {ran + 1}"
        self.plot.update(run.ratios, r["medians"], note=note)

    def readout_text(self, r) -> str:
        """The legend, the span of the medians and, for RMSProp/Adam, layer 1's gradient vs ε."""
        med = r["medians"]
        name = _OPTIMIZER_NAMES[r["optimizer"]]
        finite = med[np.isfinite(med)]
        if finite.size == 0:
            span = "no step ran before the overflow"
        elif np.any(finite == 0):
            zero = np.flatnonzero(med == 0) + 1
            span = (f"layer{'s' if zero.size > 1 else ''} {', '.join(map(str, zero[:6]))}"
                    f"{' …' if zero.size > 6 else ''}: ratio <b>exactly 0</b>, the change is "
                    f"lost in float64's rounding of W")
        else:
            decades = math.log10(finite.max() / finite.min())
            near = int(np.count_nonzero((finite >= RULE_OF_THUMB / 10)
                                        & (finite <= RULE_OF_THUMB * 10)))
            span = (f"the medians span <b>{decades:.1f}</b> decades "
                    f"({finite.min():.0e} to {finite.max():.0e}); {near} of {med.size} "
                    f"layers within 10× of 1e-3")
        g, eps = r["grad_rms"], r["eps"]
        if not np.isfinite(g):
            grad = "layer 1's gradient overflowed"
        elif not r["adaptive"]:
            grad = (f"layer 1's gradient at step 1: {g:.0e} RMS; {name}'s step is η·g, "
                    f"as small as the gradient")
        elif g < eps / 10:
            grad = (f"layer 1's gradient <b>{g:.0e}</b> RMS is below ε = {eps:.0e}: "
                    f"{name} cannot rescale it (its step is about η·g/ε)")
        elif g > 10 * eps:
            grad = (f"layer 1's gradient <b>{g:.0e}</b> RMS is far above ε = {eps:.0e}: "
                    f"{name} rescales it to a step of about η")
        else:
            grad = (f"layer 1's gradient <b>{g:.0e}</b> RMS is close to ε = {eps:.0e}: "
                    f"{name} rescales it only partly")
        return f"{UpdateRatioPlot.legend_html()}<br>{name}: {span}.<br>{grad}."


@panel_factory(UpdateRatioPanel)
def update_ratio_panel(**initial: Any) -> UpdateRatioPanel:
    r"""Update-ratio panel of notebook 12: which layers learn under which optimizer.

    A stack of ``depth`` dense layers (16 units, Glorot-uniform) is trained
    for 30 full-batch steps on 64 two-moons points
    (:func:`lessons_lib.experiments.update_ratio_run`). Left: a heat map of
    :math:`\log_{10}\|\Delta W^l\|/\|W^l\|` (rows = layers, input side at the
    bottom; columns = steps) on a fixed scale from :math:`10^{-20}` to 1; right:
    the median over the steps per layer with the :math:`10^{-3}` rule of thumb.
    The ε slider is enabled only for RMSProp and Adam.

    Parameters
    ----------
    **initial
        ``optimizer`` ("sgd", "momentum", "rmsprop" or "adam"), ``depth``
        (10, 2..30), ``activation`` ("sigmoid", one of
        :data:`lessons_lib.experiments.modern.RATIO_ACTIVATIONS`), ``eps``
        (1e-8, 1e-16..1e-2).

    Returns
    -------
    UpdateRatioPanel
        Display it as the last expression of a cell.
    """
    panel = UpdateRatioPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel


class WarmupPanel(Panel):
    """Adam's first steps with and without warm-up, live (see :func:`warmup_panel`).

    Attributes
    ----------
    STEPS : int
        Steps of each run.
    FIRST : int
        The readout's "first steps": the largest loss among them.
    LOSS_YLIM, GRAD_YLIM : (float, float)
        Fixed log-axis limits; every run of the panel's grid fits inside.
    """

    STEPS = 30
    FIRST = 12
    LOSS_YLIM = (1e-3, 1e2)
    GRAD_YLIM = (1e-2, 1e2)
    LEARNING_RATES = (0.003, 0.01, 0.03)
    LABELS = ("no warm-up", "with warm-up")

    def __init__(self, *, lr: float = 0.03, warmup: int = 10) -> None:
        controls = {
            "lr": ipw.Dropdown(options=[(f"{v:g}", v) for v in self.LEARNING_RATES],
                               description="Adam's η", style=_STYLE),
            "warmup": ipw.IntSlider(min=0, max=self.STEPS, description="warm-up steps k",
                                    style=_STYLE, continuous_update=True),
        }
        styles = {self.LABELS[0]: {"color": COLORS[1]}, self.LABELS[1]: {"color": COLORS[0]}}
        self.plot = DualLinePlot(list(self.LABELS), list(self.LABELS), xlabel="training step",
                                 left_ylabel="training loss (log)",
                                 right_ylabel="global gradient norm ‖g‖ (log)",
                                 left_logy=True, right_logy=True, legend=False,
                                 figsize=(8.0, 3.0), styles=styles)
        self.plot.left.fixed_ylim = self.LOSS_YLIM
        self.plot.right.fixed_ylim = self.GRAD_YLIM
        super().__init__(controls, self.plot.fig, values={"lr": lr, "warmup": warmup})

    def compute(self, lr, warmup):
        """The run without warm-up and the run with ``warmup`` steps of it."""
        return {"lr": lr, "warmup": warmup,
                "plain": _exp.warmup_run(lr, 0, steps=self.STEPS),
                "warm": _exp.warmup_run(lr, warmup, steps=self.STEPS)}

    def draw(self, r):
        """Move the two lines of each axes; an overflow is written on the plot."""
        plain, warm = r["plain"], r["warm"]
        notes = []
        for label, run in zip(self.LABELS, (plain, warm), strict=True):
            bad = np.flatnonzero(~np.isfinite(run.loss))
            if bad.size:
                notes.append(f"{label}: overflow from step {bad[0] + 1}")
        self.plot.update(np.arange(1, self.STEPS + 1),
                         {self.LABELS[0]: plain.loss, self.LABELS[1]: warm.loss},
                         {self.LABELS[0]: plain.grad_norm, self.LABELS[1]: warm.grad_norm},
                         note="\n".join(notes))

    def readout_text(self, r) -> str:
        """The legend and the largest loss of the first steps, without and with warm-up."""
        def peak(run) -> str:
            first = run.loss[:self.FIRST]
            return "overflow" if not np.all(np.isfinite(first)) else f"{first.max():.3g}"

        k = r["warmup"]
        schedule = ("k = 0" if k == 0 else
                    f"η climbs linearly to {r['lr']:g} over {k} step{'s' if k > 1 else ''}")
        legend = (f"{_swatch(COLORS[1])}&nbsp;{self.LABELS[0]}&emsp;"
                  f"{_swatch(COLORS[0])}&nbsp;{self.LABELS[1]} ({schedule})")
        with_text = ("k = 0 is no warm-up: the same run" if k == 0 else
                     f"with a {k}-step warm-up <b>{peak(r['warm'])}</b>")
        return (f"{legend}<br>largest loss of the first {self.FIRST} steps: without warm-up "
                f"<b>{peak(r['plain'])}</b>; {with_text}")


@panel_factory(WarmupPanel)
def warmup_panel(**initial: Any) -> WarmupPanel:
    r"""Warm-up panel of notebook 12: Adam's first steps with and without warm-up.

    Eight ReLU layers of 64 units (He-normal, no normalization), Adam on 64
    two-moons points, 30 steps (:func:`lessons_lib.experiments.warmup_run`).
    With warm-up the learning rate of step :math:`t` is
    :math:`\eta\,\min(1, t/k)`. Left: the loss per step; right: the global
    gradient norm; each run without warm-up and with ``warmup`` steps of it.

    Parameters
    ----------
    **initial
        ``lr`` (0.03; 0.003, 0.01 or 0.03) and ``warmup`` (10, 0..30).

    Returns
    -------
    WarmupPanel
        Display it as the last expression of a cell.
    """
    panel = WarmupPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
