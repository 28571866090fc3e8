"""Live panels: controls wired to a pure compute method and an in-place drawer.

* :mod:`.base` — :class:`Panel`, the reusable base every panel builds on, and
  :func:`check_control_value`, which checks a panel's starting values against its controls;
* one module per lesson, each with a factory that returns a panel:
  :func:`widget_check` (00), :func:`perceptron_panel` (01),
  :func:`delta_rule_panel` (02), :func:`backprop_panel` (03),
  :func:`activation_panel` and :func:`dead_relu_panel` (04),
  :func:`gradient_explorer` (05), :func:`init_explorer` (06),
  :func:`bn_gradient_panel` and :func:`running_mean_panel` (07),
  :func:`dropout_panel` (08), :func:`clip_panel` and :func:`penalty_panel` (09),
  :func:`residual_panel` and :func:`rnn_lstm_panel` (10),
  :func:`gradient_flow_lab` (11), :func:`update_ratio_panel` and
  :func:`warmup_panel` (12).
"""

from .activation import ActivationPanel, DeadReluPanel, activation_panel, dead_relu_panel
from .backprop import BackpropPanel, backprop_panel
from .base import Panel, check_control_value, is_live, prepare_live_canvas
from .batchnorm import BNGradientPanel, RunningMeanPanel, bn_gradient_panel, running_mean_panel
from .clipping import ClipPanel, PenaltyPanel, clip_panel, penalty_panel
from .delta_rule import DeltaRulePanel, delta_rule_panel
from .dropout import DropoutPanel, dropout_panel
from .initialization import InitExplorer, init_explorer
from .lab import GradientFlowLab, gradient_flow_lab
from .modern import UpdateRatioPanel, WarmupPanel, update_ratio_panel, warmup_panel
from .perceptron import PerceptronPanel, perceptron_panel
from .residual_lstm import ResidualPanel, RnnLstmPanel, residual_panel, rnn_lstm_panel
from .start import widget_check
from .vanishing import EXPLORER_ACTIVATIONS, EXPLORER_INITS, GradientExplorer, gradient_explorer

__all__ = [
    "EXPLORER_ACTIVATIONS",
    "EXPLORER_INITS",
    "ActivationPanel",
    "BNGradientPanel",
    "BackpropPanel",
    "ClipPanel",
    "DeadReluPanel",
    "DeltaRulePanel",
    "DropoutPanel",
    "GradientExplorer",
    "GradientFlowLab",
    "InitExplorer",
    "Panel",
    "PenaltyPanel",
    "PerceptronPanel",
    "ResidualPanel",
    "RnnLstmPanel",
    "RunningMeanPanel",
    "UpdateRatioPanel",
    "WarmupPanel",
    "activation_panel",
    "backprop_panel",
    "bn_gradient_panel",
    "check_control_value",
    "clip_panel",
    "dead_relu_panel",
    "delta_rule_panel",
    "dropout_panel",
    "gradient_explorer",
    "gradient_flow_lab",
    "init_explorer",
    "is_live",
    "prepare_live_canvas",
    "penalty_panel",
    "perceptron_panel",
    "residual_panel",
    "rnn_lstm_panel",
    "running_mean_panel",
    "update_ratio_panel",
    "warmup_panel",
    "widget_check",
]
