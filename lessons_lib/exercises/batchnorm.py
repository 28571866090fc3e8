"""The exercise of notebook 07: BatchNorm's forward pass in training mode,
:func:`check_batchnorm_forward`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Mistake, Verdict, format_value, run_check

__all__ = ["check_batchnorm_forward"]


def _bn(X, gamma, beta, eps, *, axis=0, ddof=0, keepdims=False, eps_place="inside",
        root="var", affine="normal"):
    mu = X.mean(axis=axis, keepdims=keepdims)
    var = X.var(axis=axis, ddof=ddof, keepdims=keepdims)
    if root == "std":
        denominator = np.sqrt(np.sqrt(var) + eps)
    elif root == "none":
        denominator = var + eps
    elif eps_place == "outside":
        denominator = np.sqrt(var) + eps
    elif eps_place == "none":
        denominator = np.sqrt(var)
    else:
        denominator = np.sqrt(var + eps)
    xhat = (X - mu) / denominator
    if affine == "none":
        return xhat
    if affine == "swapped":
        return beta * xhat + gamma
    return gamma * xhat + beta


def _batchnorm_forward(X, gamma, beta, eps):
    return _bn(X, gamma, beta, eps)


_MISTAKES = (
    Mistake("ddof_1", lambda *a: _bn(*a, ddof=1),
            "your variance divides by m − 1 (ddof=1, the unbiased estimate). BatchNorm "
            "normalizes the batch with its own *biased* variance, dividing by m (numpy's "
            "default, ddof=0)."),
    Mistake("axis_1", lambda *a: _bn(*a, axis=1, keepdims=True),
            "your mean and variance are taken along each row (axis=1, over the features of "
            "one sample). BatchNorm takes them down each column, over the m samples of the "
            "batch (axis=0)."),
    Mistake("axis_1_square", lambda *a: _bn(*a, axis=1),
            "your mean and variance are taken along each row (axis=1); BatchNorm takes them "
            "down each column, over the batch (axis=0). (This batch is square, so the shapes "
            "happened to fit.)"),
    Mistake("whole_array", lambda *a: _bn(*a, axis=None),
            "you took one mean and one variance of the whole batch; BatchNorm normalizes "
            "each feature (column) separately, over axis 0."),
    Mistake("eps_outside", lambda *a: _bn(*a, eps_place="outside"),
            "ε is added after the square root, √σ² + ε; it belongs inside: √(σ² + ε). It "
            "matters for a feature whose variance is close to ε (the case shown)."),
    Mistake("no_eps", lambda *a: _bn(*a, eps_place="none"),
            "ε is missing: x̂ = (x − μ)/√(σ² + ε). Without it a constant feature would "
            "divide by 0."),
    Mistake("std_under_root", lambda *a: _bn(*a, root="std"),
            "you took the square root of the standard deviation; under the root goes the "
            "variance σ² (plus ε)."),
    Mistake("no_root", lambda *a: _bn(*a, root="none"),
            "you divided by the variance; x̂ divides by the standard deviation √(σ² + ε)."),
    Mistake("no_gamma_beta", lambda *a: _bn(*a, affine="none"),
            "you returned x̂; step 4 scales and shifts it: y = γx̂ + β."),
    Mistake("gamma_beta_swapped", lambda *a: _bn(*a, affine="swapped"),
            "γ and β are swapped: γ scales x̂, β shifts it (y = γx̂ + β)."),
)


def check_batchnorm_forward(fn: Any) -> Verdict:
    r"""Notebook 07: ``fn(X, gamma, beta, eps) -> Y``, BatchNorm in training mode.

    Per feature (column): :math:`\mu_B`, :math:`\sigma^2_B` (biased, divide by m),
    :math:`\hat x = (x-\mu_B)/\sqrt{\sigma^2_B+\epsilon}`, :math:`y = \gamma\hat x + \beta`.
    One case has a feature with a variance near ``eps`` (where ε's place
    matters) and one a square batch (where the wrong axis keeps the shape).
    """
    rng = np.random.default_rng(7)
    cases = [(rng.normal(3.0, 2.0, (8, 3)), np.ones(3), np.zeros(3), 1e-5),
             (rng.normal(-1.0, 0.5, (16, 4)), rng.uniform(0.5, 2, 4), rng.normal(0, 1, 4), 1e-5),
             (rng.normal(0.0, 10.0, (5, 2)), np.array([2.0, 0.5]), np.array([1.0, -1.0]), 1e-3),
             (rng.normal(0.0, 1.0, (4, 4)), np.full(4, 1.5), np.full(4, 0.5), 1e-5),
             (np.c_[rng.normal(0.0, 0.02, 6), rng.normal(5.0, 1.0, 6)], np.array([1.0, 2.0]),
              np.array([0.0, 1.0]), 1e-3)]
    return run_check(
        "BatchNorm forward", fn, _batchnorm_forward, cases, mistakes=_MISTAKES,
        input_names=["X", "gamma", "beta", "eps"], output_names=["Y"],
        describe=lambda X, g, b, e: (f"X has m = {X.shape[0]} samples (rows) and "
                                     f"D = {X.shape[1]} features (columns); per-column "
                                     f"variance {format_value(X.var(axis=0))}"),
        hints=["work per feature: each column of X gets its own mean and variance, taken "
               "over the m rows of the batch.",
               "normalize with the batch's mean and its *biased* variance (divide by m, as "
               "numpy's var does by default; ddof=1 would divide by m − 1); ε goes inside the "
               "square root; then γ scales and β shifts.",
               "μ = mean of X over axis 0;  σ² = mean over axis 0 of (X − μ)²;  "
               "x̂ = (X − μ)/√(σ² + ε);  Y = γx̂ + β."])
