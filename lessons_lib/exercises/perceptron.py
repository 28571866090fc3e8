"""The exercise of notebook 01: one perceptron update, :func:`check_perceptron_update`."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Mistake, Verdict, format_value, run_check

__all__ = ["check_perceptron_update"]


def _step(w, x, *, ge=False):
    s = float(np.dot(w, x))
    return 1.0 if (s >= 0 if ge else s > 0) else 0.0


def _perceptron_update(w, x, t, lr):
    return w + lr * (t - _step(w, x)) * x


_MISTAKES = (
    Mistake("ge_instead_of_gt", lambda w, x, t, lr: w + lr * (t - _step(w, x, ge=True)) * x,
            "at w·x = 0 your unit answered y = 1. The perceptron answers 1 only when w·x is "
            "strictly greater than 0 (`>`, not `>=`), so here y = 0."),
    Mistake("error_sign", lambda w, x, t, lr: w + lr * (_step(w, x) - t) * x,
            "your weights moved the wrong way: the error is t − y (target minus answer), "
            "not y − t. With t = 1 and y = 0 the weights must move toward x."),
    Mistake("no_input", lambda w, x, t, lr: w + lr * (t - _step(w, x)),
            "every weight changed by the same amount. Each weight wᵢ changes in proportion "
            "to its own input xᵢ: a weight whose input is 0 did not contribute and stays."),
    Mistake("no_rate", lambda w, x, t, lr: w + (t - _step(w, x)) * x,
            "the change is (t − y)·x without the learning rate: multiply it by η (lr)."),
    Mistake("linear_output", lambda w, x, t, lr: w + lr * (t - float(np.dot(w, x))) * x,
            "you used w·x itself as the answer y. The perceptron's answer is a step: 1 if "
            "w·x > 0, else 0 (the continuous w·x belongs to the delta rule of lesson 02)."),
    Mistake("sign_output", lambda w, x, t, lr: w + lr * (t - float(np.sign(np.dot(w, x)))) * x,
            "your answer y was −1 for a negative w·x (np.sign). Here the answers are 0 and 1, "
            "like the targets t."),
)


def check_perceptron_update(fn: Any) -> Verdict:
    r"""Notebook 01: ``fn(w, x, t, lr) -> new w``.

    ``x`` includes the bias input :math:`x_0 = 1`; the output is
    :math:`y = 1` if :math:`w\cdot x > 0` else 0, and the rule is
    :math:`w_i \leftarrow w_i + \eta\,(t - y)\,x_i`, returned as a new
    array (``w`` must not change). Cases include :math:`w\cdot x = 0`.
    """
    rng = np.random.default_rng(1)
    cases = [(np.array([0.0, 0.0, 0.0]), np.array([1.0, 1.0, 1.0]), 1.0, 0.1),
             (np.array([0.5, 0.2, -0.1]), np.array([1.0, 0.0, 1.0]), 0.0, 0.5),
             (np.array([-0.3, 0.4, 0.4]), np.array([1.0, 1.0, 0.0]), 1.0, 1.0),
             (np.array([0.5, -0.5, 0.25]), np.array([1.0, 1.0, 0.0]), 0.0, 0.5),
             (np.array([-0.6, 0.2, 0.1]), np.array([1.0, 0.0, 1.0]), 1.0, 0.2)]
    cases += [(rng.standard_normal(3), np.r_[1.0, rng.integers(0, 2, 2)], float(rng.integers(0, 2)),
               0.2) for _ in range(5)]
    return run_check(
        "perceptron update", fn, _perceptron_update, cases, mistakes=_MISTAKES,
        input_names=["w", "x", "t", "lr"], output_names=["new w"],
        describe=lambda w, x, t, lr: f"w·x = {format_value(round(float(np.dot(w, x)), 10))}",
        hints=["two steps: first the unit's answer y for this x (0 or 1), then the change of "
               "the weights. Work out y for the inputs shown above by hand.",
               "y is 1 only when w·x is strictly greater than 0; at w·x = 0 it is 0. Each "
               "weight then moves by the learning rate times the error t − y times its own "
               "input; a right answer (t = y) changes nothing.",
               "y = 1 if w·x > 0 else 0, and new w = w + η (t − y) x, a new array (the w you "
               "were given stays as it was)."])
