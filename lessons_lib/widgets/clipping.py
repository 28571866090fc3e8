"""Live panels of notebook 09: the clipping threshold and the weight-penalty strength.

* :func:`clip_panel` — a threshold slider; a 2-D gradient (arrows) and a
  16-entry gradient (bars) before and after clipping by value and by norm,
  with their cosine similarity to the original;
* :func:`penalty_panel` — a :math:`\\lambda` slider and an L1/L2 switch; the
  total weight norm and the data loss over training, and a histogram of the
  final weights' sizes (L1's pile near zero), against no penalty.

Compute is :mod:`lessons_lib.experiments.clipping`; drawing is
:mod:`lessons_lib.plots.clipping` and :class:`lessons_lib.plots.LinePlot`.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments import clipping as _exp
from ..plots.base import LinePlot, new_figure
from ..plots.clipping import ClipPlot
from ..validation import check_array, check_bool, check_int
from .base import Panel, panel_factory

__all__ = ["ClipPanel", "PenaltyPanel", "clip_panel", "penalty_panel"]

_STYLE = {"description_width": "initial"}
#: Range of the threshold slider (log10 of c): c from about 0.03 to exactly 20.
THRESHOLD_LOG_RANGE = (-1.5, math.log10(20.0))


class ClipPanel(Panel):
    """Threshold slider: gradients clipped by value and by norm (see :func:`clip_panel`)."""

    def __init__(self, *, threshold: float = 1.0, g2: Any = (3.0, 1.0), n: int = 16,
                 seed: int = 0) -> None:
        self.g2 = check_array("g2", g2, shape=(2,))
        if not np.any(self.g2):
            raise ValueError("g2 must not be the zero vector")
        self.g = _exp.example_gradient(check_int("n", n, min_value=2, max_value=64), seed=seed)
        self.plot = ClipPlot(self.g2, self.g)
        controls = {"threshold": ipw.FloatLogSlider(
            base=10, min=THRESHOLD_LOG_RANGE[0], max=THRESHOLD_LOG_RANGE[1], step=0.02,
            description="threshold c", readout_format=".2f", style=_STYLE,
            layout=ipw.Layout(width="420px"))}
        super().__init__(controls, self.plot.fig, values={"threshold": threshold})

    def compute(self, threshold):
        """Both gradients clipped by value and by norm at this threshold."""
        return {"c": threshold, "two": _exp.clip_comparison(self.g2, threshold),
                "long": _exp.clip_comparison(self.g, threshold)}

    def draw(self, r):
        """Move the arrows and the bars."""
        self.plot.update(r["c"], r["two"], r["long"])

    def readout_text(self, r) -> str:
        """The legend, the norms and cosines of both clippings."""
        def row(name, s):
            return (f"{name}: ‖g‖ = {s['norm_g']:.3g}; by value → ‖g‖ = {s['norm_value']:.3g}, "
                    f"cos = <b>{s['cos_value']:.4f}</b> ({s['n_clipped']} "
                    f"{'entry' if s['n_clipped'] == 1 else 'entries'} cut); "
                    f"by norm → ‖g‖ = {s['norm_norm']:.3g}, cos = <b>{s['cos_norm']:.4f}</b>")
        return (f"{ClipPlot.legend_html()}<br>{row('2-D gradient', r['two'])}<br>"
                f"{row(f'{self.g.size} entries', r['long'])}")


@panel_factory(ClipPanel)
def clip_panel(**initial: Any) -> ClipPanel:
    """Threshold panel of notebook 09: clipping by value vs by norm.

    Parameters
    ----------
    **initial
        ``threshold`` (1.0, between 10**-1.5 ≈ 0.032 and 20), ``g2`` (the 2-D gradient,
        default (3, 1)), ``n`` (entries of the longer gradient, 16) and
        ``seed`` (0) of :func:`lessons_lib.experiments.clipping.example_gradient`.

    Returns
    -------
    ClipPanel
        Display it as the last expression of a cell.
    """
    panel = ClipPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel


class PenaltyPanel(Panel):
    """λ slider: weight norm over training (see :func:`penalty_panel`)."""

    #: Upper end of the histogram's count axis (the tallest bin of any grid run is lower).
    HIST_MAX = 250

    def __init__(self, *, lam: float = 0.01, penalty: str = "l2", warm: bool = True) -> None:
        warm = check_bool("warm", warm)
        fig = new_figure((9.6, 3.0), ncols=3, left=0.07, wspace=0.38)
        labels = ["with the penalty", "no penalty (λ = 0)"]
        styles = {labels[1]: {"ls": "--", "color": "#555555", "lw": 1.5}}
        self.norm_plot = LinePlot(labels, ax=fig.axes[0], xlabel="training step",
                                  ylabel="weight norm √(Σ‖W‖²)", legend=False, styles=styles)
        self.loss_plot = LinePlot(labels, ax=fig.axes[1], xlabel="training step",
                                  ylabel="data loss (log scale)", logy=True, legend=False,
                                  styles=styles)
        self.hist_plot = LinePlot(labels, ax=fig.axes[2], xlabel="log₁₀ |w| at the end",
                                  ylabel="number of weights", legend=False,
                                  styles={k: {**styles.get(k, {}), "drawstyle": "steps-mid"}
                                          for k in labels},
                                  ylim=(0.0, 1.1 * self.HIST_MAX))
        self.hist_plot.ax.axvline(-2.0, color="#999999", lw=1.0, ls=":")
        self.plot = self.norm_plot            # the panel tests read plot.lines
        controls = {
            "lam": ipw.SelectionSlider(options=[(f"{v:g}", v) for v in _exp.LAMBDA_GRID],
                                       description="λ", style=_STYLE, continuous_update=True),
            "penalty": ipw.ToggleButtons(options=[("L2", "l2"), ("L1", "l1")],
                                         description="penalty", style=_STYLE),
        }
        super().__init__(controls, fig, values={"lam": lam, "penalty": penalty})
        if warm:                              # every slider position is then a cache hit
            for name in _exp.PENALTIES:
                for value in _exp.LAMBDA_GRID:
                    _exp.penalty_run(value, name)

    def compute(self, lam, penalty):
        """The run with this penalty, the run without, and both weight histograms."""
        run, ref = _exp.penalty_run(lam, penalty), _exp.penalty_run(0.0)
        return {"lam": lam, "penalty": penalty, "run": run, "ref": ref,
                "hist": _exp.weight_histogram(run.weights),
                "hist_ref": _exp.weight_histogram(ref.weights)}

    def draw(self, r):
        """Move the lines of the three plots."""
        labels = list(self.norm_plot.lines)
        run, ref = r["run"], r["ref"]
        self.norm_plot.update(np.arange(run.weight_norm.size),
                              {labels[0]: run.weight_norm, labels[1]: ref.weight_norm})
        self.loss_plot.update(np.arange(run.loss.size),
                              {labels[0]: run.loss, labels[1]: ref.loss})
        self.hist_plot.update(r["hist"]["centers"], {labels[0]: r["hist"]["counts"],
                                                     labels[1]: r["hist_ref"]["counts"]})

    def readout_text(self, r) -> str:
        """The legend, the weight norms, the bound on δ's growth and the histogram's share."""
        run, ref = r["run"], r["ref"]
        name = "L2: λ/2·Σ‖W‖²" if r["penalty"] == "l2" else "L1: λ·Σ|W|"
        return (f"{self.norm_plot.legend_html()}<br>"
                f"{name}, λ = {r['lam']:g}. After {run.loss.size} steps: weight norm "
                f"<b>{run.weight_norm[-1]:.3g}</b> (no penalty {ref.weight_norm[-1]:.3g}); "
                f"bound on δ's growth Π‖W‖₂ = <b>{run.gain_bound:.3g}</b> "
                f"(no penalty {ref.gain_bound:.3g}); data loss {run.loss[-1]:.3g}, "
                f"accuracy {run.accuracy:.0%}<br>weights with |w| &lt; 0.01 (left of the "
                f"dotted line): <b>{r['hist']['near_zero']:.0%}</b> "
                f"(no penalty {r['hist_ref']['near_zero']:.0%}); exactly zero: "
                f"{r['hist']['exact_zero']:.0%}")


@panel_factory(PenaltyPanel)
def penalty_panel(**initial: Any) -> PenaltyPanel:
    """λ panel of notebook 09: weight norm over training under an L1 or L2 penalty.

    Three plots: the total weight norm and the data loss over the steps, and
    a histogram of :math:`\\log_{10}|w|` after training
    (:func:`lessons_lib.experiments.clipping.weight_histogram`), where L1's
    weights near zero show as a second peak left of :math:`|w| = 0.01`.

    All :data:`lessons_lib.experiments.clipping.LAMBDA_GRID` values are
    trained once when the panel is built (about a second), so moving the
    slider only looks results up.

    Parameters
    ----------
    **initial
        ``lam`` (0.01, one of the grid), ``penalty`` ("l2" or "l1"),
        ``warm`` (True: precompute the grid).

    Returns
    -------
    PenaltyPanel
    """
    panel = PenaltyPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
