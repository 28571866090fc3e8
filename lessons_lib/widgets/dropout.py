"""The live panel of notebook 08 (dropout): drop rate against over-fitting.

Compute is :func:`lessons_lib.experiments.dropout.overfit_run`, memoised;
building the panel runs :func:`~lessons_lib.experiments.dropout.overfit_sweep`
over every rate of the slider first, so each slider step is a cache look-up.
Drawing is a :class:`lessons_lib.plots.LinePlot`; this module only wires.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments.dropout import DROP_RATES, overfit_run, overfit_sweep
from ..plots.base import COLORS, LinePlot
from .base import Panel, panel_factory

__all__ = ["DropoutPanel", "dropout_panel"]

_TRAIN, _TEST, _REF = "training loss", "test loss", "test loss at p = 0"


class DropoutPanel(Panel):
    """Training vs test loss for a chosen drop rate (see :func:`dropout_panel`)."""

    def __init__(self, *, p: float = 0.0, **run_kwargs: Any) -> None:
        self.run_kwargs = dict(run_kwargs)
        controls = {"p": ipw.SelectionSlider(options=DROP_RATES, description="drop rate p",
                                             continuous_update=True,
                                             style={"description_width": "initial"})}
        self.plot = LinePlot([_TRAIN, _TEST, _REF], xlabel="training step",
                             ylabel="loss (BCE, log scale)", logy=True, legend=False,
                             styles={_TRAIN: {"color": COLORS[0]},
                                     _TEST: {"color": COLORS[1]},
                                     _REF: {"color": "#555555", "ls": ":", "lw": 1.5}})
        super().__init__(controls, self.plot.fig, values={"p": p})
        # every rate trained once (checks run_kwargs, fills the cache the slider reads);
        # one y range for every drop rate, so moving the slider moves curves, not axes
        self.runs = overfit_sweep(DROP_RATES, **self.run_kwargs)
        values = np.concatenate([np.r_[r["train_loss"], r["test_loss"]]
                                 for r in self.runs.values()])
        values = values[np.isfinite(values) & (values > 0)]
        self.plot.fixed_ylim = (float(values.min()) / 1.5, float(values.max()) * 1.5)

    def compute(self, p: float) -> dict[str, Any]:
        """The run at this drop rate and the one at p = 0 (both cached)."""
        return {"p": p, "run": overfit_run(p, **self.run_kwargs),
                "ref": overfit_run(0.0, **self.run_kwargs)}

    def draw(self, r: dict[str, Any]) -> None:
        """Move the three loss lines."""
        run, ref = r["run"], r["ref"]
        self.plot.update(run["step"], {_TRAIN: run["train_loss"], _TEST: run["test_loss"],
                                       _REF: ref["test_loss"]})

    def readout_text(self, r: dict[str, Any]) -> str:
        """The legend, the final losses, the gap and the test accuracy."""
        run, ref = r["run"], r["ref"]
        return (f"{self.plot.legend_html()}<br>p = {r['p']:g}: after {int(run['step'][-1])} "
                f"steps training loss <b>{run['final_train']:.3g}</b>, test loss "
                f"<b>{run['final_test']:.3g}</b>, gap <b>{run['gap']:.3g}</b> "
                f"(at p = 0: {ref['gap']:.3g}); lowest test loss {run['best_test']:.3g} "
                f"at step {run['best_step']}; test accuracy <b>{run['test_acc']:.1%}</b>")


@panel_factory(DropoutPanel)
def dropout_panel(**initial: Any) -> DropoutPanel:
    """Drop-rate slider: training vs test loss of a too-big net on little data.

    Every rate of :data:`~lessons_lib.experiments.dropout.DROP_RATES` is
    trained once when the panel is built (or taken from the cache); the
    slider then only switches between stored curves. Used in notebook 08.

    Parameters
    ----------
    **initial
        ``p`` (0.0, one of ``DROP_RATES``); any keyword of
        :func:`~lessons_lib.experiments.dropout.overfit_run` (``hidden``,
        ``steps``, ``lr``, ...) to change the experiment.

    Returns
    -------
    DropoutPanel
    """
    panel = DropoutPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
