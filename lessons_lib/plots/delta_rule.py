r"""A loss surface with descent paths, updated in place (notebook 02).

:class:`SurfacePlot` draws the contour lines of :math:`E(w_0, w_1)` once; the
gradient-descent paths on it are lines whose data are replaced with
``set_data``. :func:`figure_row` makes the figures of side-by-side axes that
the panels and static figures of notebooks 01 and 02 use (e.g. a surface
beside a :class:`~lessons_lib.plots.LinePlot` of the loss).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ..validation import check_array, check_int
from .base import COLORS, LiveFigure, new_figure

__all__ = ["SurfacePlot"]


class SurfacePlot:
    r"""Contour lines of a loss surface, drawn once, with descent paths updated in place.

    Parameters
    ----------
    w0 : array_like, shape (m,)
        Grid of the first weight (x axis).
    w1 : array_like, shape (p,)
        Grid of the second weight (y axis).
    E : array_like, shape (p, m)
        Loss at ``(w0[j], w1[i])`` in ``E[i, j]``.
    labels : sequence of str
        One path per label, colors from :data:`COLORS` in this order (as
        :class:`LinePlot` colors its lines, so a loss-curve plot with the same
        labels matches).
    minimum : (float, float), optional
        Where to draw a star for the minimum.
    ax : Axes, optional
        Draw here; default a new small figure.
    n_levels : int
        Number of contour lines, spaced evenly on a log scale of :math:`E - \min E`.
    xlabel, ylabel, title : str
        Axis labels and title.

    Attributes
    ----------
    fig, ax : Figure, Axes
    contour : matplotlib ContourSet
    paths : dict of str to Line2D
    note : matplotlib Text
        Shown on the surface when a path leaves the drawn area.
    """

    def __init__(self, w0: Any, w1: Any, E: Any, *, labels: Sequence[str] = ("path",),
                 minimum: Any = None, ax: Axes | None = None, n_levels: int = 12,
                 xlabel: str = "$w_0$ (bias weight)", ylabel: str = "$w_1$ (input weight)",
                 title: str = "") -> None:
        w0 = check_array("w0", w0, ndim=1)
        w1 = check_array("w1", w1, ndim=1)
        E = check_array("E", E, shape=(w1.shape[0], w0.shape[0]))
        if w0.shape[0] < 2 or w1.shape[0] < 2:
            raise ValueError(f"w0 and w1 must have at least 2 grid points each, got "
                             f"{w0.shape[0]} and {w1.shape[0]}")
        if isinstance(labels, str) or not labels or not all(isinstance(s, str) for s in labels):
            raise TypeError(f"labels must be a non-empty list of str, got {labels!r}")
        n_levels = check_int("n_levels", n_levels, min_value=1, max_value=100)
        if ax is None:
            fig = new_figure(figsize=(4.0, 3.4))
            ax = fig.axes[0]
        self.ax, self.fig = ax, ax.figure
        self.extent = (float(w0[0]), float(w0[-1]), float(w1[0]), float(w1[-1]))
        low, span = float(E.min()), float(E.max() - E.min())
        levels = low + np.geomspace(span * 3e-4, span, n_levels) if span > 0 else [low]
        self.contour = ax.contour(w0, w1, E, levels=levels, colors="#999999", linewidths=0.8)
        self.minimum_marker = None
        if minimum is not None:
            m = check_array("minimum", minimum, shape=(2,))
            (self.minimum_marker,) = ax.plot([m[0]], [m[1]], marker="*", ms=12, color="black",
                                             ls="none", zorder=4)
        self.paths = {}
        for i, label in enumerate(labels):
            (self.paths[label],) = ax.plot([], [], "-o", color=COLORS[i % len(COLORS)], lw=1.3,
                                           ms=3, zorder=3, label=label)
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        self.note = ax.text(0.5, 0.04, "", transform=ax.transAxes, ha="center", va="bottom",
                            fontsize="small", color="#B00020",
                            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#B00020"})
        self.note.set_visible(False)
        if isinstance(self.fig, LiveFigure):
            # redrawn on every step over the kept pixels of the contours (see LiveFigure);
            # the minimum too, so that it stays on top of the paths
            for artist in (*self.paths.values(), self.note, self.minimum_marker):
                if artist is not None:
                    artist.set_animated(True)

    def note_text(self) -> str:
        """The note shown on the plot ("" when every path stays inside it)."""
        return self.note.get_text() if self.note.get_visible() else ""

    def update(self, weights: Mapping[str, Any]) -> None:
        """Move the paths to new data.

        Parameters
        ----------
        weights : mapping of label to array_like (k, 2)
            Path :math:`(w_0, w_1)` per label; non-finite points are not drawn,
            and a path that leaves the plot is noted on it (see :meth:`note_text`).
        """
        unknown = set(weights) - set(self.paths)
        if unknown:
            raise ValueError(f"weights has unknown labels {sorted(unknown)}; expected some of "
                             f"{list(self.paths)}")
        xmin, xmax, ymin, ymax = self.extent
        left = []
        for label, path in weights.items():
            p = check_array(f"weights[{label!r}]", path, shape=(None, 2), finite=False,
                            allow_empty=True)
            p = np.where(np.isfinite(p), p, np.nan)
            self.paths[label].set_data(p[:, 0], p[:, 1])
            with np.errstate(invalid="ignore"):
                inside = ((p[:, 0] >= xmin) & (p[:, 0] <= xmax)
                          & (p[:, 1] >= ymin) & (p[:, 1] <= ymax))
            if not np.all(inside):
                where = "off the plot" if len(weights) == 1 else f"{label}: off the plot"
                left.append(f"{where} from step {int(np.argmin(inside))}")
        text = "\n".join(left)
        self.note.set_text(text)
        self.note.set_visible(bool(text))
