"""Decision regions of a 2-D classifier, updated in place (notebooks 01, 03, 11).

The data points are drawn once; the class-probability image behind them is
an ``imshow`` whose pixels are replaced with ``set_data``, and an optional
straight decision line (the perceptron's) moves with ``set_data`` too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

from ..validation import check_array, check_int
from .base import COLORS, new_figure

__all__ = ["DecisionPlot", "grid"]

_CMAP = LinearSegmentedColormap.from_list("blue_orange", [COLORS[0], "#FFFFFF", COLORS[1]])


def grid(extent: tuple[float, float, float, float], resolution: int = 60) -> np.ndarray:
    """Points of a ``resolution`` × ``resolution`` grid over ``(xmin, xmax, ymin, ymax)``.

    Returns
    -------
    ndarray, shape (resolution**2, 2)
        Row-major: reshape a per-point result to ``(resolution, resolution)``.
    """
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"extent must be (xmin, xmax, ymin, ymax) with min < max, got {extent}")
    resolution = check_int("resolution", resolution, min_value=2, max_value=1000)
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()]


class DecisionPlot:
    """Two-class data over a probability image and/or a decision line.

    Parameters
    ----------
    X : array_like (N, 2)
        Points.
    y : array_like (N,)
        Labels 0/1 (drawn as blue circles / orange triangles).
    extent : tuple, optional
        ``(xmin, xmax, ymin, ymax)``; default the data range plus a margin.
    resolution : int
        Grid size of the probability image.
    ax : Axes, optional

    Attributes
    ----------
    fig, ax, image, line, points
    grid_points : ndarray (resolution**2, 2)
        Where to evaluate the model for :meth:`update`.
    """

    def __init__(self, X: Any, y: Any, *, extent: tuple[float, float, float, float] | None = None,
                 resolution: int = 60, ax: Axes | None = None, title: str = "") -> None:
        X = check_array("X", X, ndim=2)
        if X.shape[1] != 2:
            raise ValueError(f"X must have 2 columns (points in the plane), got shape {X.shape}")
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one label per row of X ({X.shape[0]}), "
                             f"got {y.shape[0]}")
        if extent is None:
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.15 * np.maximum(hi - lo, 1.0)
            extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        self.extent = tuple(float(v) for v in extent)
        self.resolution = check_int("resolution", resolution, min_value=2, max_value=1000)
        self.grid_points = grid(self.extent, self.resolution)
        if ax is None:
            fig = new_figure(figsize=(4.2, 3.6))
            fig.subplots_adjust(left=0.17, bottom=0.15)
            ax = fig.axes[0]
        self.ax, self.fig = ax, ax.figure
        self.image = ax.imshow(np.full((self.resolution, self.resolution), 0.5), origin="lower",
                               extent=self.extent, cmap=_CMAP, vmin=0.0, vmax=1.0,
                               aspect="auto", interpolation="bilinear", alpha=0.55)
        self.points = []
        for label, marker in ((0, "o"), (1, "^")):
            mask = y == label
            self.points.append(ax.scatter(X[mask, 0], X[mask, 1], s=28, marker=marker,
                                          color=COLORS[label], edgecolor="black",
                                          linewidth=0.5, label=f"class {label}", zorder=3))
        (self.line,) = ax.plot([], [], color="black", lw=2, zorder=4)
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        if title:
            ax.set_title(title)

    def set_points(self, X: Any, y: Any) -> None:
        """Move the data points in place, e.g. to the truth table of another gate.

        Parameters
        ----------
        X : array_like (N, 2)
            Points.
        y : array_like (N,)
            Labels 0/1; the class-0 and class-1 markers take their points.
        """
        X = check_array("X", X, ndim=2)
        if X.shape[1] != 2:
            raise ValueError(f"X must have 2 columns (points in the plane), got shape {X.shape}")
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have one label per row of X ({X.shape[0]}), "
                             f"got {y.shape[0]}")
        for label, scatter in enumerate(self.points):
            scatter.set_offsets(X[y == label].reshape(-1, 2))

    def update(self, proba: Any = None, *, line: tuple[float, float, float] | None = None) -> None:
        """Replace the probability image and/or the decision line.

        Parameters
        ----------
        proba : array_like (resolution**2,) or (resolution, resolution), optional
            P(class 1) at :attr:`grid_points`, in [0, 1].
        line : (w0, w1, w2), optional
            Weights of :math:`w_0 + w_1x_1 + w_2x_2 = 0` (``x0 = 1`` bias
            input); the line is hidden when ``w1 = w2 = 0``.
        """
        if proba is not None:
            p = check_array("proba", proba).reshape(self.resolution, self.resolution)
            self.image.set_data(np.clip(p, 0.0, 1.0))
        if line is not None:
            w0, w1, w2 = (float(v) for v in line)
            xmin, xmax, ymin, ymax = self.extent
            if abs(w2) > 1e-12:
                xs = np.array([xmin, xmax])
                self.line.set_data(xs, -(w0 + w1 * xs) / w2)
            elif abs(w1) > 1e-12:
                self.line.set_data([-w0 / w1] * 2, [ymin, ymax])
            else:
                self.line.set_data([], [])
