"""The exercises of notebook 04: two derivatives, :func:`check_sigmoid_grad` and
:func:`check_leaky_relu_grad`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import activations as _act
from .base import Mistake, Verdict, run_check

__all__ = ["check_leaky_relu_grad", "check_sigmoid_grad"]


_SIGMOID_MISTAKES = (
    Mistake("sigma_itself", lambda z: _act.sigmoid(z),
            "your result is σ(z) itself, the function and not its slope. The slope is "
            "largest at z = 0 (where it is ¼) and falls to 0 on both sides."),
    Mistake("applied_to_z", lambda z: np.asarray(z) * (1.0 - np.asarray(z)),
            "you computed z(1 − z): that is the derivative written in terms of the *output* "
            "y = σ(z). The input here is z, so compute σ(z) first."),
    Mistake("one_plus", lambda z: _act.sigmoid(z) * (1.0 + _act.sigmoid(z)),
            "your result is σ(z)(1 + σ(z)); the second factor is 1 − σ(z)."),
    Mistake("tanh_slope", lambda z: 1.0 - np.tanh(z) ** 2,
            "you used tanh′(z) = 1 − tanh²(z), the slope of tanh, not of the sigmoid."),
    Mistake("squared", lambda z: _act.sigmoid(z) ** 2,
            "your result is σ(z)²; the derivative is σ(z) times (1 − σ(z))."),
)

_SIGMOID_FP = ("for z = −1000, np.exp(−z) is e¹⁰⁰⁰, which overflows to inf. With 1/(1 + inf) "
               "= 0 the value may still come out right by luck, but numpy warns, and a form "
               "such as e⁻ᶻ/(1 + e⁻ᶻ)² gives inf/inf = NaN. Deep networks do meet |z| that "
               "large. Compute σ(z) in a form that never exponentiates a large positive "
               "number, e.g. σ(z) = ½(1 + tanh(z/2)), or use ll.activations.sigmoid.")


def check_sigmoid_grad(fn: Any) -> Verdict:
    r"""Notebook 04: ``fn(z) -> σ'(z)`` elementwise, :math:`\sigma'(z) = \sigma(z)(1-\sigma(z))`.

    The last case has :math:`|z|` up to 1000: an answer that overflows
    there (NaN, or a ``RuntimeWarning``) is rejected.
    """
    cases = [(np.array([-3.0, -0.5, 0.0, 0.5, 3.0]),),
             (np.linspace(-6, 6, 25).reshape(5, 5),),
             (np.array([-1000.0, -30.0, 30.0, 1000.0]),)]
    return run_check(
        "sigmoid derivative", fn, _act.Sigmoid().grad, cases, mistakes=_SIGMOID_MISTAKES,
        input_names=["z"], output_names=["σ′(z)"], fp_diagnosis=_SIGMOID_FP,
        hints=["compute σ(z) first, then the slope from it, entry by entry. The check also "
               "tries very large |z| (up to 1000), where a careless σ overflows.",
               "the sigmoid's slope can be written with σ itself; it is ¼ at z = 0 and tends "
               "to 0 on both sides. np.exp(x) overflows for x above about 709, so e⁻ᶻ must "
               "not be formed for very negative z (tanh does not overflow).",
               "σ′(z) = σ(z)(1 − σ(z)), with σ(z) = ½(1 + tanh(z/2)) (the same function, "
               "without overflow) or ll.activations.sigmoid(z)."])


def _leaky(z, alpha):
    return _act.LeakyReLU(alpha).grad(np.asarray(z, dtype=np.float64))


_LEAKY_MISTAKES = (
    Mistake("ge_instead_of_gt", lambda z, a: np.where(z >= 0, 1.0, a),
            "at exactly z = 0 your slope is 1; the exercise takes the left-hand slope α "
            "there (1 only where z > 0, strictly)."),
    Mistake("relu_slope", lambda z, a: np.where(z > 0, 1.0, 0.0),
            "your slope is 0 for z ≤ 0: that is plain ReLU's derivative. Leaky ReLU keeps a "
            "small slope α on the left, which is its whole point."),
    Mistake("function_not_slope", lambda z, a: np.where(z > 0, z, a * z),
            "you returned Leaky ReLU itself, f(z); the exercise asks for its slope f′(z)."),
    Mistake("swapped", lambda z, a: np.where(z > 0, a, 1.0),
            "your slopes are swapped: α belongs to the negative side, 1 to the positive one."),
    Mistake("alpha_times_z", lambda z, a: np.where(z > 0, 1.0, a * z),
            "on the left you returned αz, the function's value; its slope there is the "
            "constant α."),
)


def check_leaky_relu_grad(fn: Any) -> Verdict:
    r"""Notebook 04: ``fn(z, alpha) -> f'(z)``: 1 where :math:`z > 0`, else :math:`\alpha`."""
    z = np.array([-2.0, -0.1, 0.0, 0.1, 3.0])
    cases = [(z, 0.01), (z, 0.2), (np.linspace(-1, 1, 12).reshape(3, 4), 0.3),
             (np.array([-1e300, -0.0, 1e-300, 1e300]), 0.1)]
    return run_check(
        "leaky ReLU derivative", fn, _leaky, cases, mistakes=_LEAKY_MISTAKES,
        input_names=["z", "alpha"], output_names=["f′(z)"],
        hints=["look at the entries where your result is wrong: negative z, positive z, or "
               "exactly z = 0?",
               "the derivative is the slope of Leaky ReLU: on the right of 0 the function is "
               "z (slope 1), on the left αz (slope α). At exactly 0 the exercise takes α.",
               "f′(z) = 1 where z > 0 (strictly), α where z ≤ 0, one value per entry of z."])
