"""The delta-rule panel of notebook 02: η against convergence or divergence.

Compute is :func:`lessons_lib.experiments.delta_rule.descent_path` (memoized);
drawing is a :class:`~lessons_lib.plots.delta_rule.SurfacePlot` (loss surface,
drawn once, with the path) beside a :class:`~lessons_lib.plots.LinePlot`
(:math:`E - E_{\\min}` per step, log scale); this module only wires the slider.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments.delta_rule import (
    DEFAULT_START,
    descent_path,
    linear_minimum,
    loss_surface,
    lr_threshold,
    toy_line,
)
from ..plots import LinePlot
from ..plots.base import new_figure
from ..plots.delta_rule import SurfacePlot
from ..validation import check_array, check_int
from .base import Panel, panel_factory

__all__ = ["SURFACE_EXTENT", "DeltaRulePanel", "delta_rule_panel"]

#: Part of the :math:`(w_0, w_1)` plane the panel draws.
SURFACE_EXTENT = (-2.5, 2.5, -1.0, 3.5)
_CURVE = "E − E_min"


class DeltaRulePanel(Panel):
    """Gradient descent on a linear unit's loss surface, live (see :func:`delta_rule_panel`)."""

    def __init__(self, *, lr: float = 0.3, steps: int = 40, start: Any = DEFAULT_START,
                 n: int = 10, seed: int = 0) -> None:
        X, T = toy_line(n, seed=seed)
        self.threshold = lr_threshold(X)
        self.lam_max = 2.0 / self.threshold
        lr_max = round(1.5 * self.threshold, 2)
        self.steps = check_int("steps", steps, min_value=1, max_value=500)
        self.start = tuple(float(v) for v in check_array("start", start, shape=(2,)))
        self.n, self.seed = n, seed
        fig = new_figure((7.6, 3.2), ncols=2, wspace=0.38)
        ax, loss_ax = fig.axes
        w0, w1, E = loss_surface(SURFACE_EXTENT, resolution=60, n=n, seed=seed)
        # plain-text labels (mathtext costs render time on every redraw)
        self.surface = SurfacePlot(w0, w1, E, labels=["path"], minimum=linear_minimum(X, T)[:, 0],
                                   ax=ax, xlabel="w₀ (bias weight)", ylabel="w₁ (input weight)")
        # at least 1e-4..1e2 in view, so slopes compare across η
        self.plot = LinePlot([_CURVE], ax=loss_ax, xlabel="step",
                             ylabel="E − E_min (log scale)", logy=True, legend=False,
                             include_y=(1e-4, 1e2))
        controls = {
            "lr": ipw.FloatSlider(min=0.01, max=lr_max, step=0.01, description="η",
                                  readout_format=".2f", continuous_update=True,
                                  layout=ipw.Layout(width="420px")),
        }
        super().__init__(controls, fig, values={"lr": lr})

    def compute(self, lr: float) -> Any:
        """The gradient-descent path at this η (memoized)."""
        return descent_path(lr, steps=self.steps, start=self.start, n=self.n, seed=self.seed)

    def draw(self, p: Any) -> None:
        """Move the path on the surface and the loss curve."""
        self.surface.update({"path": p.weights})
        self.plot.update(p.steps, {_CURVE: p.excess})

    def readout_text(self, p: Any) -> str:
        """η against η* = 2/λ_max, the factor per step and the verdict."""
        verdict = ("<b style='color:#B00020'>diverges</b>" if p.diverges
                   else "<b>converges</b>")
        sign = ">" if p.lr > p.threshold else "<" if p.lr < p.threshold else "="
        end = p.excess[-1]
        end_text = "overflow" if not np.isfinite(end) else f"{end:.3g}"
        slow = (" (slowly: with a factor this close to 1 it takes many steps to show)"
                if abs(p.factor - 1.0) < 0.03 else "")
        return (f"η = {p.lr:.2f} {sign} η* = 2/λ_max = {p.threshold:.3f}. Each step multiplies "
                f"the distance to the minimum by |1 − ηλ_max| = <b>{p.factor:.3f}</b> along "
                f"the steep direction and |1 − ηλ_min| = {p.flat_factor:.3f} along the flat "
                f"one → {verdict}{slow}.<br>E − E_min: {p.excess[0]:.3g} at the start, "
                f"{end_text} after {self.steps} steps.")


@panel_factory(DeltaRulePanel)
def delta_rule_panel(**initial: Any) -> DeltaRulePanel:
    """The live panel of notebook 02: an η slider moving a gradient-descent path
    on the loss surface of a linear unit, with its loss curve.

    Parameters
    ----------
    **initial
        Starting values: ``lr`` (0.3; the slider spans 0.01 to 1.5 η*),
        ``steps`` (40), ``start`` (``DEFAULT_START``), data set ``n`` (10) and
        ``seed`` (0) of :func:`~lessons_lib.experiments.delta_rule.toy_line`.

    Returns
    -------
    DeltaRulePanel
        Display it as the last expression of a cell.
    """
    panel = DeltaRulePanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
