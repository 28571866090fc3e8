"""Drawing helpers: create artists once, update them in place.

Nothing here computes an experiment and nothing touches widgets. Every
helper takes ``ax=None`` and returns what it drew; no global matplotlib
state is changed. One module per kind of figure, all re-exported here.

* :mod:`.base` — :class:`LinePlot`, :func:`new_figure`, :func:`show_static`,
  :func:`plot_gradient_profile`, the colour palette;
* :mod:`.decision` — :class:`DecisionPlot`, decision regions of 2-D classifiers.
"""

from .base import COLORS, LinePlot, new_figure, plot_gradient_profile, show_static
from .decision import DecisionPlot, grid

__all__ = [
    "COLORS",
    "DecisionPlot",
    "LinePlot",
    "grid",
    "new_figure",
    "plot_gradient_profile",
    "show_static",
]
