"""Helpers shared by the panel tests (not a test module itself).

``ydata`` snapshots what a panel's ``LinePlot`` draws (a lesson test passes
its own ``state`` function for other artists), ``changed`` compares two
snapshots, and ``move`` changes one control and checks the contract of every
live panel: one redraw, no error, no leaked warning, no new figure, the same
artists updated in place. ``pixels`` and ``full_pixels`` render a figure as
it is and from scratch, to check that partial redraws leave nothing stale.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np


def ydata(panel) -> dict[str, np.ndarray]:
    """Copy of the y data of every line of ``panel.plot``, by label."""
    return {label: np.asarray(line.get_ydata(), dtype=float).copy()
            for label, line in panel.plot.lines.items()}


def differs(a, b) -> bool:
    """True if two arrays differ in shape or in any value (NaN equals NaN)."""
    return np.shape(a) != np.shape(b) or not np.array_equal(a, b, equal_nan=True)


def changed(before, after, keys=None):
    """Compare two snapshots (dicts of arrays, or two arrays).

    Without ``keys``: True if anything differs. With ``keys``: the set of
    those keys whose arrays differ.
    """
    if not isinstance(before, dict):
        return differs(before, after)
    if keys is None:
        return any(differs(before[k], after[k]) for k in before)
    return {k for k in keys if differs(before[k], after[k])}


def move(panel, name: str, value, state=ydata) -> bool:
    """Set one control; assert the live-panel contract; return whether ``state`` changed.

    ``state(panel)`` snapshots what the panel draws (default: its LinePlot's
    lines, which must also be the same artists afterwards).
    """
    before = state(panel)
    figures = plt.get_fignums()
    lines = dict(panel.plot.lines) if hasattr(getattr(panel, "plot", None), "lines") else None
    updates = panel.n_updates
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls[name].value = value
    assert panel.last_error is None, panel.last_error
    assert panel.n_updates == updates + 1, name
    assert plt.get_fignums() == figures, "a control change created a figure"
    if lines is not None:
        assert dict(panel.plot.lines) == lines, "artists were replaced instead of updated"
    return changed(before, state(panel))


def pixels(fig) -> np.ndarray:
    """Render ``fig`` as a live panel would (partial redraws allowed); RGBA copy."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def full_pixels(fig) -> np.ndarray:
    """The same state drawn from scratch (nothing kept)."""
    fig._background = None
    return pixels(fig)
