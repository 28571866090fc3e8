"""The perceptron panel of notebook 01: gate, η and epochs against the decision line.

Compute is :func:`lessons_lib.experiments.perceptron.train_perceptron`
(memoized); drawing is a :class:`~lessons_lib.plots.DecisionPlot` (regions
and line) beside a :class:`~lessons_lib.plots.LinePlot` (wrong answers per
epoch); this module only wires the controls to them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import data as _data
from ..experiments.perceptron import perceptron_output, train_perceptron, with_bias
from ..plots import DecisionPlot, LinePlot
from ..plots.base import new_figure
from ..validation import check_choice, check_int
from .base import Panel, panel_factory

__all__ = ["PANEL_GATES", "PerceptronPanel", "perceptron_panel"]

#: Gates offered by the dropdown.
PANEL_GATES = ("and", "or", "xor")
_EXTENT = (-0.5, 1.5, -0.5, 1.5)
_LR_MIN, _LR_MAX = 0.01, 1.0


class PerceptronPanel(Panel):
    """Decision line and wrong answers of a perceptron, live (see :func:`perceptron_panel`)."""

    def __init__(self, *, gate: str = "and", lr: float = 0.1, epochs: int = 20,
                 max_epochs: int = 150, seed: int = 0) -> None:
        gate = check_choice("gate", gate, PANEL_GATES)          # before logic_gate(gate) below
        max_epochs = check_int("max_epochs", max_epochs, min_value=1, max_value=500)
        self.seed = check_int("seed", seed, min_value=0)
        self.max_epochs = max_epochs
        X, t = _data.logic_gate(gate)
        self._X = X
        fig = new_figure((7.6, 3.2), ncols=2, wspace=0.38)
        ax, err_ax = fig.axes
        self.decision = DecisionPlot(X, t, extent=_EXTENT, resolution=40, ax=ax)
        # few ticks and plain-text labels: text is what a redraw spends most time on
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂", rotation=0, labelpad=8)
        self._grid = with_bias(self.decision.grid_points)
        self.plot = LinePlot(["wrong answers"], ax=err_ax, xlabel="epoch",
                             ylabel="wrong answers (of 4)", legend=False,
                             styles={"wrong answers": {"marker": "o", "ms": 3}})
        err_ax.set_yticks(range(5))
        err_ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self._shown_gate = gate
        style = {"description_width": "initial"}
        controls = {
            "gate": ipw.Dropdown(options=[(g.upper(), g) for g in PANEL_GATES],
                                 description="gate", style=style,
                                 layout=ipw.Layout(width="150px")),
            "lr": ipw.FloatLogSlider(base=10, min=np.log10(_LR_MIN),
                                     max=np.log10(_LR_MAX), step=0.1, description="η",
                                     readout_format=".3f", style=style),
            "epochs": ipw.IntSlider(min=0, max=max_epochs, description="epochs",
                                    style=style),
        }
        super().__init__(controls, fig, values={"gate": gate, "lr": lr, "epochs": epochs})

    def compute(self, gate: str, lr: float, epochs: int) -> dict[str, Any]:
        """The training run, its last weights and the unit's answer on the grid."""
        run = train_perceptron(gate, lr=lr, epochs=epochs, seed=self.seed)
        w = run.weights[-1]
        return {"run": run, "w": w, "regions": perceptron_output(w, self._grid),
                "target": _data.logic_gate(gate)[1]}

    def draw(self, r: dict[str, Any]) -> None:
        """Move the regions, the line, the points (on a new gate) and the error curve."""
        run = r["run"]
        if run.gate != self._shown_gate:
            self.decision.set_points(self._X, r["target"])
            self._shown_gate = run.gate
        self.decision.update(r["regions"], line=tuple(r["w"]))
        self.plot.update(np.arange(run.epochs + 1), {"wrong answers": run.errors})
        self.plot.ax.set_xlim(-0.5, self.max_epochs + 0.5)
        self.plot.ax.set_ylim(-0.3, 4.3)

    def readout_text(self, r: dict[str, Any]) -> str:
        """Wrong answers, the weights and whether (or why not) all four are right."""
        run = r["run"]
        w0, w1, w2 = (f"{v:.3f}" for v in r["w"])
        head = (f"<b>{run.gate.upper()}</b>, η = {run.lr:.3g}: after {run.epochs} "
                f"epoch{'s' if run.epochs != 1 else ''} <b>{int(run.errors[-1])} of 4</b> wrong; "
                f"w = ({w0}, {w1}, {w2})")
        if run.first_all_correct is not None:
            tail = f"all four right from epoch <b>{run.first_all_correct}</b> on."
        elif run.gate == "xor":
            tail = ("never all four right: no straight line separates XOR "
                    f"(best so far {int(run.errors.min())} wrong).")
            if run.epochs >= 2 and np.array_equal(run.weights[-1], run.weights[-2]):
                tail += (" The updates of each epoch now cancel out: the weights return to "
                         "the same values after every epoch, a cycle that never ends.")
        else:
            tail = "not all right yet: add epochs, or raise η."
        key = ("regions: the unit's answer is 0 (blue) or 1 (orange); circles are rows with "
               "target 0, triangles target 1.")
        return f"{head}<br>{tail}<br><small>{key}</small>"


@panel_factory(PerceptronPanel)
def perceptron_panel(**initial: Any) -> PerceptronPanel:
    """The live panel of notebook 01: a gate dropdown and η and epoch sliders
    redrawing the perceptron's decision line and its wrong answers per epoch.

    Parameters
    ----------
    **initial
        Starting values: ``gate`` ("and", "or" or "xor"), ``lr`` (0.1, in
        [0.01, 1]), ``epochs`` (20); the slider's range ``max_epochs`` (150) and
        the ``seed`` of the initial weights (0).

    Returns
    -------
    PerceptronPanel
        Display it as the last expression of a cell.
    """
    panel = PerceptronPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
