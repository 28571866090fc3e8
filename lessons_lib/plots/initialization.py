"""Two side-by-side log plots: activation size and learning signal per layer (notebook 06).

:class:`InitPlot` draws, for one deep stack at initialization, the standard
deviation of every layer's output (left) and the learning-signal norm
:math:`\\|\\delta^l\\|` (right), each measured (solid) with the theory of
:func:`lessons_lib.experiments.initialization.variance_recursion` over it (dashed).
The artists are made once; :meth:`InitPlot.update` moves them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..validation import check_bool
from .base import COLORS, LinePlot, new_figure

__all__ = ["InitPlot"]

_THEORY_STYLE = {"ls": "--", "lw": 1.5, "color": "#555555"}


class InitPlot:
    """Activation std (left) and ``‖δ‖`` (right) per layer, measured and theoretical.

    Parameters
    ----------
    legend : bool
        Draw legends on the axes (static figures). Live panels pass ``False``
        and show :meth:`legend_html` in their readout instead.
    figsize : (float, float)
        Figure size in inches.

    Attributes
    ----------
    fig : Figure
    std_plot, delta_plot : LinePlot
        The two halves; their ``lines`` are keyed ``"measured"`` and ``"theory"``.
    """

    LABELS = ("measured", "theory")

    def __init__(self, *, legend: bool = False, figsize: tuple[float, float] = (7.6, 3.0)) -> None:
        legend = check_bool("legend", legend)
        self.fig = new_figure(figsize, ncols=2, left=0.1, right=0.985, wspace=0.28)
        left, right = self.fig.axes
        self.std_plot = LinePlot(list(self.LABELS), ax=left, xlabel="layer (1 = input side)",
                                 ylabel="std of output $Y^l$", logy=True,
                                 title="activations (forward)", legend=legend, round_x=True,
                                 styles={"measured": {"color": COLORS[0]},
                                         "theory": _THEORY_STYLE})
        self.delta_plot = LinePlot(list(self.LABELS), ax=right,
                                   xlabel="layer (1 = input side)",
                                   ylabel=r"$\|\delta^l\|$", logy=True,
                                   title="learning signal (backward)", legend=legend,
                                   round_x=True,
                                   styles={"measured": {"color": COLORS[1]},
                                           "theory": _THEORY_STYLE})

    def update(self, result: Mapping[str, Any]) -> None:
        """Move the lines to ``result`` (from
        :func:`~lessons_lib.experiments.initialization.init_profile`).

        Values that cannot be drawn are noted on the plot (see :meth:`note_text`).
        """
        if not isinstance(result, Mapping):
            raise TypeError(f"result must be the dict returned by init_profile, "
                            f"got {type(result).__name__}")
        missing = {"layer", "std", "std_theory", "delta", "delta_theory"} - set(result)
        if missing:
            raise ValueError(f"result is missing the keys {sorted(missing)}")
        x = result["layer"]
        self.std_plot.update(x, {"measured": result["std"], "theory": result["std_theory"]})
        self.delta_plot.update(x, {"measured": result["delta"],
                                   "theory": result["delta_theory"]})

    def note_text(self) -> str:
        """The notes of both halves (overflow / underflow), "" when both are clean."""
        return "\n".join(n for n in (self.std_plot.note_text(), self.delta_plot.note_text())
                         if n)

    def legend_html(self) -> str:
        """One HTML legend line for both halves."""
        return (f'<span style="border-top:3px solid {COLORS[0]};display:inline-block;'
                f'width:1.6em;vertical-align:middle"></span>'
                f'<span style="border-top:3px solid {COLORS[1]};display:inline-block;'
                f'width:1.6em;vertical-align:middle;margin-left:2px"></span>&nbsp;measured'
                f'&emsp;<span style="border-top:3px dashed #555555;display:inline-block;'
                f'width:1.6em;vertical-align:middle"></span>&nbsp;theory (average over '
                f'random weights)')
