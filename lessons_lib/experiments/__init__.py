"""Pure experiments: numbers in, numbers out, no drawing.

One module per topic, each importable as ``ll.experiments.<topic>``; the main
entry points are re-exported here. Constants stay in their modules.

* :mod:`.perceptron` (01), :mod:`.delta_rule` (02), :mod:`.backprop` (03),
  :mod:`.activation` (04), :mod:`.vanishing` (05, 07, 10 — gradient and activation
  profiles of deep stacks), :mod:`.initialization` (06), :mod:`.batchnorm` (07),
  :mod:`.dropout` (08), :mod:`.clipping` (09), :mod:`.residual_lstm` and
  :mod:`.pretraining` (10), :mod:`.lab` (11).
"""

from . import (
    activation,
    backprop,
    batchnorm,
    clipping,
    delta_rule,
    dropout,
    initialization,
    lab,
    perceptron,
    pretraining,
    residual_lstm,
    vanishing,
)
from .activation import activation_curve, collapse_linear, dead_relu_run, saturation_share
from .backprop import backward_pass, forward_pass, train_xor
from .batchnorm import bn_gradient_profiles, running_mean_trace
from .clipping import clip_comparison, clipping_run, cosine_similarity, penalty_run
from .delta_rule import delta_rule_update, descent_path, linear_hessian, lr_threshold
from .dropout import ensemble_size, monte_carlo_mean, overfit_run, overfit_seeds, overfit_sweep
from .initialization import gradient_estimate, init_profile, variance_recursion
from .lab import LabRun, build_model, lab_data, lab_settings
from .perceptron import perceptron_output, train_perceptron
from .pretraining import pretraining_comparison
from .residual_lstm import bptt_profile, residual_profile
from .vanishing import (
    MAX_BATCH,
    MAX_DEPTH,
    MAX_WIDTH,
    QUANTITIES,
    activation_profile,
    gradient_envelope,
    gradient_profile,
)

__all__ = [
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_WIDTH",
    "QUANTITIES",
    "LabRun",
    "activation",
    "activation_curve",
    "activation_profile",
    "backprop",
    "backward_pass",
    "batchnorm",
    "bn_gradient_profiles",
    "bptt_profile",
    "build_model",
    "clip_comparison",
    "clipping",
    "clipping_run",
    "collapse_linear",
    "cosine_similarity",
    "dead_relu_run",
    "delta_rule",
    "delta_rule_update",
    "vanishing",
    "descent_path",
    "dropout",
    "ensemble_size",
    "forward_pass",
    "gradient_envelope",
    "gradient_estimate",
    "gradient_profile",
    "initialization",
    "init_profile",
    "lab",
    "lab_data",
    "lab_settings",
    "linear_hessian",
    "lr_threshold",
    "monte_carlo_mean",
    "overfit_run",
    "overfit_seeds",
    "overfit_sweep",
    "penalty_run",
    "perceptron",
    "perceptron_output",
    "pretraining",
    "pretraining_comparison",
    "residual_lstm",
    "residual_profile",
    "running_mean_trace",
    "saturation_share",
    "train_perceptron",
    "train_xor",
    "variance_recursion",
]
