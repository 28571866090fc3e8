"""The exercise of notebook 06: the standard deviation VarianceScaling draws from,
:func:`check_variance_scaling_std`.
"""

from __future__ import annotations

import math
from typing import Any

from .base import Mistake, Verdict, run_check

__all__ = ["check_variance_scaling_std"]


def _fan(mode, n_in, n_out):
    return {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]


def _variance_scaling_std(scale, mode, n_in, n_out):
    return math.sqrt(scale / _fan(mode, n_in, n_out))


_MISTAKES = (
    Mistake("variance_not_std", lambda s, m, a, b: s / _fan(m, a, b),
            "your number is scale/n, the *variance* of the weights; the function returns "
            "the standard deviation, its square root."),
    Mistake("inverted", lambda s, m, a, b: math.sqrt(_fan(m, a, b) / s),
            "your number is √(n/scale), upside down: more inputs must give *smaller* weights."),
    Mistake("sqrt_of_scale_only", lambda s, m, a, b: math.sqrt(s) / _fan(m, a, b),
            "your number is √scale / n; the square root is over the whole ratio scale/n."),
    Mistake("fans_swapped", lambda s, m, a, b: math.sqrt(s / _fan(
        {"fan_in": "fan_out", "fan_out": "fan_in"}.get(m, m), a, b)),
            "fan_in and fan_out are swapped: fan_in is the number of inputs n_in of the "
            "layer, fan_out its number of outputs n_out."),
    Mistake("avg_is_sum", lambda s, m, a, b: math.sqrt(s / (a + b if m == "fan_avg" else
                                                            _fan(m, a, b))),
            "for fan_avg you used n_in + n_out; the mode averages the two fans."),
    Mistake("avg_integer_division", lambda s, m, a, b: math.sqrt(s / ((a + b) // 2 if
                                                                      m == "fan_avg" else
                                                                      _fan(m, a, b))),
            "for fan_avg your average was rounded down (integer division //): with n_in = 3 "
            "and n_out = 4 the average is 3.5, not 3."),
    Mistake("always_fan_in", lambda s, m, a, b: math.sqrt(s / a),
            "your answer does not depend on mode: it always uses n_in. Each mode picks its "
            "own n."),
    Mistake("always_fan_avg", lambda s, m, a, b: math.sqrt(s / ((a + b) / 2)),
            "your answer does not depend on mode: it always uses the average of the fans."),
)


def check_variance_scaling_std(fn: Any) -> Verdict:
    r"""Notebook 06: ``fn(scale, mode, n_in, n_out) -> std``, :math:`\sqrt{\text{scale}/n}`."""
    cases = [(2.0, "fan_in", 256, 128), (1.0, "fan_avg", 100, 50), (1.0, "fan_in", 64, 10),
             (2.0, "fan_avg", 30, 90), (0.5, "fan_out", 20, 80), (1.0, "fan_avg", 3, 4),
             (3.0, "fan_out", 400, 25)]
    return run_check(
        "VarianceScaling std", fn, _variance_scaling_std, cases, mistakes=_MISTAKES,
        input_names=["scale", "mode", "n_in", "n_out"], output_names=["std"],
        hints=["check the three modes one at a time: which n does the failing case's mode use?",
               "VarianceScaling sets the *variance* of the weights to scale/n and you return "
               "the standard deviation, the square root of the variance. fan_avg uses the "
               "average of the two fans, which need not be a whole number.",
               "n = n_in (fan_in), n_out (fan_out) or (n_in + n_out)/2 (fan_avg); "
               "std = √(scale/n)."])
