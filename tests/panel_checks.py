"""Helpers shared by the panel tests (not a test module itself).

``ydata`` snapshots what a panel's ``LinePlot`` draws, ``changed`` compares
two snapshots, and ``move`` changes one control and checks the contract of
every live panel: one redraw, no error, no leaked warning, no new figure, the
same artists updated in place.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np


def ydata(panel) -> dict[str, np.ndarray]:
    """Copy of the y data of every line of ``panel.plot``, by label."""
    return {label: np.asarray(line.get_ydata(), dtype=float).copy()
            for label, line in panel.plot.lines.items()}


def changed(before: dict, after: dict) -> bool:
    """True if any line's data differs between two ``ydata`` snapshots."""
    return any(before[k].shape != after[k].shape
               or not np.array_equal(before[k], after[k], equal_nan=True) for k in before)


def move(panel, name: str, value) -> bool:
    """Set one control; assert the live-panel contract; return whether the plot changed."""
    before = ydata(panel)
    figures = plt.get_fignums()
    lines = dict(panel.plot.lines)
    updates = panel.n_updates
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls[name].value = value
    assert panel.last_error is None, panel.last_error
    assert panel.n_updates == updates + 1, name
    assert plt.get_fignums() == figures, "a control change created a figure"
    assert panel.plot.lines == lines, "artists were replaced instead of updated"
    return changed(before, ydata(panel))
