"""Two-axes line figures and the activation gallery (notebooks 03 and 04).

* :class:`DualLinePlot` — two :class:`~lessons_lib.plots.base.LinePlot` side
  by side in one figure made once (e.g. the loss on the left and per-layer
  signal sizes on the right), updated in place by the live panels;
* :func:`plot_activation_gallery` — a static figure of several activation
  functions :math:`f(z)` and their derivatives :math:`f'(z)`.

Nothing here computes: the numbers come from :mod:`lessons_lib.experiments`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter

from ..validation import check_array, check_bool
from .base import LinePlot, new_figure

__all__ = ["DualLinePlot", "plot_activation_gallery"]


def _power_label(value: float, _pos: Any = None) -> str:
    """Tick label of a log10-transformed axis: the value ``10**value`` (``0.01``, ``10``)."""
    return f"{10.0 ** value:g}"


class DualLinePlot:
    r"""Two sets of named lines on two axes of one figure, updated in place.

    Parameters
    ----------
    left, right : sequence of str
        Line labels of the left and right axes.
    xlabel : str or (str, str)
        x-axis label(s), with units.
    left_ylabel, right_ylabel : str
        y-axis labels, with units.
    left_logy, right_logy : bool
        Log-scale y axes.
    left_title, right_title : str
        Axes titles.
    styles : mapping, optional
        Extra ``Line2D`` keyword arguments per label (both axes).
    legend : bool
        Draw legends on the axes (static figures); live panels pass ``False``
        and show :meth:`legend_html` instead.
    figsize : (float, float)
        Figure size in inches.
    legend_loc : str
        Where the legends go (matplotlib ``loc``). ``"best"`` searches for a
        free spot at every draw, which is slow with long lines: name a corner
        for static figures of many points.
    logx : bool
        Logarithmic x axes (e.g. a learning-rate sweep): :meth:`update` plots
        :math:`\log_{10} x` and the ticks are labelled with :math:`x` itself
        (0.01, 0.1, 1, 10), so no matplotlib log-scale warnings can arise.

    Attributes
    ----------
    fig : Figure
    left, right : LinePlot
        Update them with :meth:`LinePlot.update`.
    """

    def __init__(self, left: Sequence[str], right: Sequence[str], *,
                 xlabel: str | tuple[str, str] = "", left_ylabel: str = "",
                 right_ylabel: str = "", left_logy: bool = False, right_logy: bool = False,
                 left_title: str = "", right_title: str = "",
                 styles: Mapping[str, Mapping[str, Any]] | None = None, legend: bool = True,
                 figsize: tuple[float, float] = (8.0, 3.0), logx: bool = False,
                 legend_loc: str = "best") -> None:
        legend = check_bool("legend", legend)
        if not isinstance(legend_loc, str):
            raise TypeError(f"legend_loc must be a matplotlib location string like "
                            f"'upper right', got {legend_loc!r}")
        self.logx = check_bool("logx", logx)
        if isinstance(xlabel, str):
            xlabels = (xlabel, xlabel)
        elif (isinstance(xlabel, (tuple, list)) and len(xlabel) == 2
              and all(isinstance(s, str) for s in xlabel)):
            xlabels = (xlabel[0], xlabel[1])
        else:
            raise TypeError(f"xlabel must be a str or a pair of str, got {xlabel!r}")
        self.fig = new_figure(figsize, ncols=2, left=0.08, wspace=0.28)
        ax_l, ax_r = self.fig.axes
        self.left = LinePlot(left, ax=ax_l, xlabel=xlabels[0], ylabel=left_ylabel,
                             title=left_title, logy=left_logy, styles=styles, legend=False)
        self.right = LinePlot(right, ax=ax_r, xlabel=xlabels[1], ylabel=right_ylabel,
                              title=right_title, logy=right_logy, styles=styles, legend=False)
        if legend:
            for ax in (ax_l, ax_r):
                ax.legend(loc=legend_loc, fontsize="small", frameon=False)
        if self.logx:
            for ax in (ax_l, ax_r):
                ax.xaxis.set_major_formatter(FuncFormatter(_power_label))

    def update(self, x: Any, left: Mapping[str, Any] | None = None,
               right: Mapping[str, Any] | None = None, *, note: str = "") -> str:
        """Move the lines of both axes to new data (see :meth:`LinePlot.update`).

        Parameters
        ----------
        x : array_like, shape (n,)
            Shared x values (> 0 when ``logx``).
        left, right : mapping of label to array_like (n,) or None, optional
            New y values for lines of the left / right axes.
        note : str
            Text shown on the left axes.

        Returns
        -------
        str
            The notes shown on either axes ("" when both are clean).
        """
        x = check_array("x", x, ndim=1, allow_empty=True)
        if self.logx:
            if np.any(x <= 0):
                raise ValueError(f"x must be > 0 on a log axis (logx=True), got minimum {x.min()}")
            x = np.log10(x)
        notes = [self.left.update(x, left or {}, note=note)]
        if right:
            notes.append(self.right.update(x, right))
        return "\n".join(n for n in notes if n)

    @property
    def lines(self) -> dict[str, Any]:
        """Every line of both axes by label (left first)."""
        return {**self.left.lines, **self.right.lines}

    def legend_html(self) -> str:
        """Both legends as one line of HTML."""
        parts = [p for p in (self.left.legend_html(), self.right.legend_html()) if p]
        return "&emsp;|&emsp;".join(parts)


def plot_activation_gallery(curves: Mapping[str, Any], *,
                            figsize: tuple[float, float] = (8.0, 3.2)) -> DualLinePlot:
    r"""Static figure: :math:`f(z)` on the left, :math:`f'(z)` on the right.

    Parameters
    ----------
    curves : mapping of str to ActivationCurve
        Label -> an object with ``z``, ``f`` and ``grad`` arrays of one
        shape (e.g. :func:`lessons_lib.experiments.activation.activation_curve`).
        At most 7 (one colour each).
    figsize : (float, float)

    Returns
    -------
    DualLinePlot
        The same activation has the same colour on both axes; the right
        axes' labels carry a prime (``"tanh′"``).
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"curves must be a non-empty dict of label -> curve, got {curves!r}")
    if len(curves) > 7:
        raise ValueError(f"curves must hold at most 7 entries (one colour each), "
                         f"got {len(curves)}")
    for label, c in curves.items():
        if not all(hasattr(c, k) for k in ("z", "f", "grad")):
            raise TypeError(f"curves[{label!r}] must have z, f and grad arrays, "
                            f"got {type(c).__name__}")
    labels = list(curves)
    plot = DualLinePlot(labels, [f"{k}′" for k in labels], xlabel="z (weighted input net)",
                        left_ylabel="f(z)", right_ylabel="f′(z)",
                        left_title="activation f", right_title="derivative f′",
                        legend=False, figsize=figsize)
    z = check_array("curves z", next(iter(curves.values())).z, ndim=1)
    for label, c in curves.items():
        if not np.array_equal(np.asarray(c.z), z):
            raise ValueError(f"curves[{label!r}] must use the same z grid as the first curve")
    plot.update(z, {label: c.f for label, c in curves.items()},
                {f"{label}′": c.grad for label, c in curves.items()})
    f_all = np.concatenate([np.asarray(c.f) for c in curves.values()])
    plot.left.ax.set_ylim(max(-2.0, float(f_all.min()) - 0.2), min(5.0, float(f_all.max())) + 0.2)
    plot.left.ax.legend(loc="upper left", fontsize="small", frameon=False)
    return plot
