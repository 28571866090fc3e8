"""Drawing helpers: create artists once, update them in place.

Nothing here computes an experiment and nothing touches widgets. Every
helper takes ``ax=None`` (or makes its own small figure) and returns what it
drew; no global matplotlib state is changed. One module per kind of figure:

* :mod:`.base` — :class:`LinePlot`, :class:`LiveFigure`, :func:`new_figure`, :func:`show_static`,
  :func:`plot_gradient_profile`, the color palette;
* :mod:`.decision` — :class:`DecisionPlot`, decision regions of 2-D classifiers;
* :mod:`.delta_rule` (02), :mod:`.activation` (03, 04), :mod:`.initialization` (06),
  :mod:`.batchnorm` (07), :mod:`.dropout` (08), :mod:`.clipping` (09),
  :mod:`.lab` (11), :mod:`.modern` (12).
"""

from . import activation, batchnorm, clipping, delta_rule, dropout, initialization, lab, modern
from .activation import DualLinePlot, plot_activation_gallery
from .base import (
    COLORS,
    DRAW_LOCK,
    LinePlot,
    LiveFigure,
    new_figure,
    plot_gradient_profile,
    prepare_live_canvas,
    show_static,
)
from .batchnorm import plot_bn_profiles, plot_bn_training, plot_running_means
from .clipping import ClipPlot, plot_clipping_runs, plot_weight_norms
from .decision import DecisionPlot, grid
from .delta_rule import SurfacePlot
from .dropout import plot_decision_maps, plot_overfit_curves
from .initialization import InitPlot
from .lab import LabPlot
from .modern import (
    RATIO_DECADES,
    RULE_OF_THUMB,
    UpdateRatioPlot,
    layer_medians,
    plot_eps_floor,
    plot_norm_placement,
    plot_update_ratio_profiles,
    plot_warmup,
)

__all__ = [
    "COLORS",
    "DRAW_LOCK",
    "ClipPlot",
    "DecisionPlot",
    "DualLinePlot",
    "InitPlot",
    "LabPlot",
    "LinePlot",
    "LiveFigure",
    "RATIO_DECADES",
    "RULE_OF_THUMB",
    "SurfacePlot",
    "UpdateRatioPlot",
    "activation",
    "batchnorm",
    "clipping",
    "dropout",
    "grid",
    "initialization",
    "lab",
    "layer_medians",
    "modern",
    "new_figure",
    "plot_activation_gallery",
    "plot_bn_profiles",
    "plot_bn_training",
    "plot_clipping_runs",
    "plot_decision_maps",
    "plot_eps_floor",
    "plot_gradient_profile",
    "plot_norm_placement",
    "plot_overfit_curves",
    "plot_running_means",
    "plot_update_ratio_profiles",
    "plot_warmup",
    "plot_weight_norms",
    "prepare_live_canvas",
    "show_static",
    "delta_rule",
]
