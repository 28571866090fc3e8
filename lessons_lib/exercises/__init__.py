"""Self-checks for the notebooks' exercises.

Each ``check_<name>(student_function)`` runs the student's function on seeded
inputs, compares with the reference implementation and returns a
:class:`Verdict` whose text says *pass*, or *what is wrong and a hint*. A
wrong answer never raises: a function that raises, returns the wrong shape,
returns NaN, or runs longer than ``timeout`` seconds gets a friendly verdict.
The untouched stub (``raise NotImplementedError`` or a bare ``...``) gets
"not implemented yet".

A wrong answer's verdict shows the failing case's inputs, names a known
mistake when the output matches one, and gives hints in stages: one more
each time the same exercise fails again (see :mod:`.base`; reset with
:func:`reset_hints`). An answer that changes its inputs in place or that
only works through a numpy overflow (a ``RuntimeWarning``) is rejected.

Used in notebooks 00 (a repeated factor), 01 (perceptron), 02 (delta rule), 03 (backward),
04 (derivatives), 05 (gradient ratio), 06 (VarianceScaling std),
07 (BatchNorm forward), 08 (dropout forward), 09 (clip by norm),
10 (RNN step backward) and 11 (a lab setting that trains).
"""

from .base import (
    DEFAULT_TIMEOUT,
    Mistake,
    StudentCall,
    Timeout,
    Verdict,
    call_student,
    call_with_timeout,
    compare,
    failed,
    format_value,
    hint_stage,
    not_implemented,
    passed,
    reset_hints,
    run_check,
)
from .lab import check_lab_setting
from .lessons import (
    check_backward_two_layer,
    check_batchnorm_forward,
    check_clip_by_norm,
    check_delta_rule_update,
    check_dropout_forward,
    check_leaky_relu_grad,
    check_perceptron_update,
    check_sigmoid_grad,
    check_variance_scaling_std,
)
from .residual_lstm import check_rnn_step_backward
from .start import check_repeated_factor
from .vanishing import check_gradient_ratio

__all__ = [
    "DEFAULT_TIMEOUT",
    "Mistake",
    "StudentCall",
    "Timeout",
    "Verdict",
    "call_student",
    "call_with_timeout",
    "check_backward_two_layer",
    "check_batchnorm_forward",
    "check_clip_by_norm",
    "check_delta_rule_update",
    "check_dropout_forward",
    "check_gradient_ratio",
    "check_lab_setting",
    "check_leaky_relu_grad",
    "check_perceptron_update",
    "check_repeated_factor",
    "check_rnn_step_backward",
    "check_sigmoid_grad",
    "check_variance_scaling_std",
    "compare",
    "failed",
    "format_value",
    "hint_stage",
    "not_implemented",
    "passed",
    "reset_hints",
    "run_check",
]
