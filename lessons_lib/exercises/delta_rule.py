"""The exercise of notebook 02: one delta-rule update of a sigmoid unit,
:func:`check_delta_rule_update`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import sigmoid
from .base import Mistake, Verdict, format_value, run_check

__all__ = ["check_delta_rule_update"]


def _delta_rule_update(W, X, T, lr):
    Y = sigmoid(X @ W)
    delta = (T - Y) * Y * (1.0 - Y)
    return W + lr * X.T @ delta


def _rule_variant(W, X, T, lr, *, slope="sigmoid", scale=1.0, sign=1.0, keep_w=True):
    Y = sigmoid(X @ W)
    if slope == "sigmoid":
        d = Y * (1.0 - Y)
    elif slope == "none":
        d = 1.0
    elif slope == "y":
        d = Y
    else:                                     # sigma' taken at Y instead of at net
        d = sigmoid(Y) * (1.0 - sigmoid(Y))
    change = sign * lr * scale * X.T @ ((T - Y) * d)
    return W + change if keep_w else change


_MISTAKES = (
    Mistake("no_slope", lambda W, X, T, lr: _rule_variant(W, X, T, lr, slope="none"),
            "your δ is the error T − Y alone: the slope of the sigmoid, σ′(net) = Y(1 − Y), "
            "is missing (that rule is the one for a linear unit)."),
    Mistake("averaged", lambda W, X, T, lr: _rule_variant(W, X, T, lr, scale=1 / len(X)),
            "your change is the right one divided by N, the number of samples: that is the "
            "gradient of the *averaged* error. This exercise uses the summed error of the "
            "notes, E = ½ Σ (T − Y)², so the matrix product's sum is not divided."),
    Mistake("wrong_sign", lambda W, X, T, lr: _rule_variant(W, X, T, lr, sign=-1.0),
            "your step goes uphill: the error is T − Y (target minus output), and the rule "
            "adds η Xᵀδ to W."),
    Mistake("slope_y_only", lambda W, X, T, lr: _rule_variant(W, X, T, lr, slope="y"),
            "your slope is Y alone; σ′(net) = Y(1 − Y) has a second factor."),
    Mistake("slope_at_output", lambda W, X, T, lr: _rule_variant(W, X, T, lr, slope="at_y"),
            "you applied the sigmoid twice: the slope is σ′ at the weighted sum net = XW, "
            "which in terms of the output is Y(1 − Y), not σ(Y)(1 − σ(Y))."),
    Mistake("change_only", lambda W, X, T, lr: _rule_variant(W, X, T, lr, keep_w=False),
            "you returned the change ΔW = η Xᵀδ; the function returns the new weights W + ΔW."),
    Mistake("linear_output", lambda W, X, T, lr: W + lr * X.T @ (T - X @ W),
            "your output is the weighted sum XW itself; this unit is a sigmoid unit, "
            "Y = σ(XW)."),
)


def check_delta_rule_update(fn: Any) -> Verdict:
    r"""Notebook 02: ``fn(W, X, T, lr) -> new W`` for a sigmoid unit.

    :math:`Y = \sigma(XW)`, :math:`\delta = (T - Y)\circ\sigma'(XW)`,
    :math:`W \leftarrow W + \eta X^\top\delta` (summed over the batch).
    Shapes: ``W`` (n, 1), ``X`` (N, n), ``T`` (N, 1).
    """
    rng = np.random.default_rng(2)
    cases = [(rng.standard_normal((3, 1)), np.c_[np.ones(4), rng.standard_normal((4, 2))],
              rng.integers(0, 2, (4, 1)).astype(float), lr) for lr in (0.1, 0.5, 1.0)]
    return run_check(
        "delta rule update", fn, _delta_rule_update, cases, mistakes=_MISTAKES,
        input_names=["W", "X", "T", "lr"], output_names=["new W"],
        describe=lambda W, X, T, lr: f"Y = σ(XW) = {format_value(sigmoid(X @ W).ravel())}",
        hints=["three steps: the unit's output Y for the whole batch, the learning signal δ "
               "(one row per sample), then the change of W, summed over the samples.",
               "δ is the error T − Y times the sigmoid's slope at the weighted sum, which in "
               "terms of the output is Y(1 − Y). The product Xᵀδ sums x·δ over the samples and "
               "has one entry per weight, like W.",
               "Y = σ(XW);  δ = (T − Y) ∘ Y ∘ (1 − Y);  new W = W + η Xᵀδ."])
