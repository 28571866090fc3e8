"""Live panels: controls wired to a pure compute function and an in-place drawer.

* :mod:`.base` — :class:`Panel`, the reusable base every panel builds on;
* :mod:`.start` — :func:`widget_check` (notebook 00);
* :mod:`.explorer` — :func:`gradient_explorer` (notebook 05).
"""

from .base import Panel, is_live
from .explorer import EXPLORER_ACTIVATIONS, EXPLORER_INITS, GradientExplorer, gradient_explorer
from .start import widget_check

__all__ = [
    "EXPLORER_ACTIVATIONS",
    "EXPLORER_INITS",
    "GradientExplorer",
    "Panel",
    "gradient_explorer",
    "is_live",
    "widget_check",
]
