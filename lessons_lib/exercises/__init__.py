"""Self-checks for the notebooks' exercises.

Each ``check_<name>(student_function)`` runs the student's function on seeded
inputs, compares with the reference implementation and returns a
:class:`Verdict` whose text says *pass*, or *what is wrong and a hint*. A
wrong answer never raises: a function that raises, returns the wrong shape,
returns NaN, or runs longer than ``timeout`` seconds gets a friendly verdict.
The untouched stub (``raise NotImplementedError`` or a bare ``...``) gets
"not implemented yet". One check takes values instead of a function:
:func:`check_lab_setting` trains the lab's network with the student's knob
values (a dict, a function returning one, or the lab panel itself).

A wrong answer's verdict shows the failing case's inputs, names a known
mistake when the output matches one, and gives hints in stages: one more
each time the same exercise fails again (see :mod:`.base`; reset with
:func:`reset_hints`). An answer that changes its inputs in place or that
only works through a numpy overflow (a ``RuntimeWarning``) is rejected.

One module per lesson, named by the lesson's topic as in the other
subpackages: :mod:`.start` (00, a repeated factor), :mod:`.perceptron` (01),
:mod:`.delta_rule` (02), :mod:`.backprop` (03, the backward pass),
:mod:`.activation` (04, two derivatives), :mod:`.vanishing` (05, the gradient
ratio), :mod:`.initialization` (06, VarianceScaling's std), :mod:`.batchnorm`
(07, BatchNorm forward), :mod:`.dropout` (08, dropout forward),
:mod:`.clipping` (09, clip by norm), :mod:`.residual_lstm` (10, an RNN step
backward), :mod:`.lab` (11, a lab setting that trains) and :mod:`.modern`
(12, one Adam step); the machinery they share is in :mod:`.base`. Every
check is re-exported here.
"""

from .activation import check_leaky_relu_grad, check_sigmoid_grad
from .backprop import check_backward_two_layer
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
from .batchnorm import check_batchnorm_forward
from .clipping import check_clip_by_norm
from .delta_rule import check_delta_rule_update
from .dropout import check_dropout_forward
from .initialization import check_variance_scaling_std
from .lab import check_lab_setting
from .modern import check_adam_step
from .perceptron import check_perceptron_update
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
    "check_adam_step",
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
