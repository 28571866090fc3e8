"""Exercise checks of notebooks 01–09, in lesson order.

Each ``check_<name>(fn)`` returns a :class:`~lessons_lib.exercises.base.Verdict`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import activations as _act
from ..validation import check_float
from .base import DEFAULT_TIMEOUT, Timeout, Verdict, call_with_timeout, run_check

__all__ = [
    "check_backward_two_layer",
    "check_batchnorm_forward",
    "check_clip_by_norm",
    "check_delta_rule_update",
    "check_dropout_forward",
    "check_leaky_relu_grad",
    "check_perceptron_update",
    "check_sigmoid_grad",
    "check_variance_scaling_std",
]


def _perceptron_update(w, x, t, lr):
    y = 1.0 if float(np.dot(w, x)) > 0 else 0.0
    return w + lr * (t - y) * x


def check_perceptron_update(fn: Any) -> Verdict:
    r"""Notebook 01: ``fn(w, x, t, lr) -> new w``.

    ``x`` includes the bias input :math:`x_0 = 1`; the output is
    :math:`y = 1` if :math:`w\cdot x > 0` else 0, and the rule is
    :math:`w_i \leftarrow w_i + \eta\,(t - y)\,x_i`.
    """
    rng = np.random.default_rng(1)
    cases = [(np.array([0.0, 0.0, 0.0]), np.array([1.0, 1.0, 1.0]), 1.0, 0.1),
             (np.array([0.5, 0.2, -0.1]), np.array([1.0, 0.0, 1.0]), 0.0, 0.5),
             (np.array([-0.3, 0.4, 0.4]), np.array([1.0, 1.0, 0.0]), 1.0, 1.0)]
    cases += [(rng.standard_normal(3), np.r_[1.0, rng.integers(0, 2, 2)], float(rng.integers(0, 2)),
               0.2) for _ in range(5)]
    return run_check("perceptron update", fn, _perceptron_update, cases,
                     hint="first compute y = 1 if w·x > 0 else 0, then return "
                          "w + lr * (t - y) * x (a new array).")


def _delta_rule_update(W, X, T, lr):
    Y = _act.sigmoid(X @ W)
    delta = (T - Y) * Y * (1.0 - Y)
    return W + lr * X.T @ delta


def check_delta_rule_update(fn: Any) -> Verdict:
    r"""Notebook 02: ``fn(W, X, T, lr) -> new W`` for a sigmoid unit.

    :math:`Y = \sigma(XW)`, :math:`\delta = (T - Y)\circ\sigma'(XW)`,
    :math:`W \leftarrow W + \eta X^\top\delta`. Shapes: ``W`` (n, 1),
    ``X`` (N, n), ``T`` (N, 1).
    """
    rng = np.random.default_rng(2)
    cases = [(rng.standard_normal((3, 1)), np.c_[np.ones(4), rng.standard_normal((4, 2))],
              rng.integers(0, 2, (4, 1)).astype(float), lr) for lr in (0.1, 0.5, 1.0)]
    return run_check("delta rule update", fn, _delta_rule_update, cases,
                     hint="Y = sigmoid(X @ W); delta = (T - Y) * Y * (1 - Y); "
                          "return W + lr * X.T @ delta.")


def _backward_two_layer(X, T, W1, W2, lr):
    Y1 = _act.sigmoid(X @ W1)
    Y2 = _act.sigmoid(Y1 @ W2)
    delta2 = (T - Y2) * Y2 * (1.0 - Y2)
    delta1 = (delta2 @ W2.T) * Y1 * (1.0 - Y1)
    return lr * X.T @ delta1, lr * Y1.T @ delta2


def check_backward_two_layer(fn: Any) -> Verdict:
    r"""Notebook 03: ``fn(X, T, W1, W2, lr) -> (dW1, dW2)``, the weight changes.

    Forward :math:`Y^1 = \sigma(XW^1)`, :math:`Y^2 = \sigma(Y^1W^2)`; backward
    :math:`\delta^2 = (T - Y^2)\circ f'`, :math:`\delta^1 = \delta^2 (W^2)^\top\circ f'`,
    :math:`\Delta W^h = \eta\,(Y^{h-1})^\top\delta^h`.
    """
    rng = np.random.default_rng(3)
    cases = []
    for n_hidden in (2, 4, 3):
        X = np.c_[np.ones(4), rng.integers(0, 2, (4, 2))].astype(float)
        cases.append((X, rng.integers(0, 2, (4, 1)).astype(float),
                      rng.standard_normal((3, n_hidden)), rng.standard_normal((n_hidden, 1)), 0.5))
    return run_check("two-layer backward", fn, _backward_two_layer, cases,
                     output_names=["dW1", "dW2"],
                     hint="delta2 = (T - Y2) * Y2 * (1 - Y2); delta1 = (delta2 @ W2.T) * "
                          "Y1 * (1 - Y1); dW2 = lr * Y1.T @ delta2; dW1 = lr * X.T @ delta1.")


def check_sigmoid_grad(fn: Any) -> Verdict:
    r"""Notebook 04: ``fn(z) -> σ'(z)`` elementwise, :math:`\sigma'(z) = \sigma(z)(1-\sigma(z))`."""
    z = np.array([-20.0, -3.0, -0.5, 0.0, 0.5, 3.0, 20.0])
    cases = [(z,), (np.linspace(-6, 6, 25).reshape(5, 5),)]
    return run_check("sigmoid derivative", fn, _act.Sigmoid().grad, cases,
                     hint="with s = 1 / (1 + np.exp(-z)), the derivative is s * (1 - s).")


def check_leaky_relu_grad(fn: Any) -> Verdict:
    r"""Notebook 04: ``fn(z, alpha) -> f'(z)``: 1 where :math:`z > 0`, else :math:`\alpha`."""
    z = np.array([-2.0, -0.1, 0.0, 0.1, 3.0])
    cases = [(z, 0.01), (z, 0.2), (np.linspace(-1, 1, 12).reshape(3, 4), 0.3)]
    return run_check("leaky ReLU derivative", fn,
                     lambda z, a: _act.LeakyReLU(a).grad(z), cases,
                     hint="np.where(z > 0, 1.0, alpha) (take alpha at exactly z = 0).")


def _variance_scaling_std(scale, mode, n_in, n_out):
    n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]
    return math.sqrt(scale / n)


def check_variance_scaling_std(fn: Any) -> Verdict:
    r"""Notebook 06: ``fn(scale, mode, n_in, n_out) -> std``, :math:`\sqrt{\text{scale}/n}`."""
    cases = [(1.0, "fan_avg", 100, 50), (2.0, "fan_in", 256, 128), (1.0, "fan_in", 64, 10),
             (2.0, "fan_avg", 30, 90), (0.5, "fan_out", 20, 80)]
    return run_check("VarianceScaling std", fn, _variance_scaling_std, cases,
                     hint="n is n_in, n_out or (n_in + n_out) / 2 depending on mode; "
                          "the std is sqrt(scale / n).")


def _batchnorm_forward(X, gamma, beta, eps):
    mu = X.mean(axis=0)
    var = X.var(axis=0)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def check_batchnorm_forward(fn: Any) -> Verdict:
    r"""Notebook 07: ``fn(X, gamma, beta, eps) -> Y``, BatchNorm in training mode.

    Per feature (column): :math:`\mu_B`, :math:`\sigma^2_B` (biased, divide by m),
    :math:`\hat x = (x-\mu_B)/\sqrt{\sigma^2_B+\epsilon}`, :math:`y = \gamma\hat x + \beta`.
    """
    rng = np.random.default_rng(7)
    cases = [(rng.normal(3.0, 2.0, (8, 3)), np.ones(3), np.zeros(3), 1e-5),
             (rng.normal(-1.0, 0.5, (16, 4)), rng.uniform(0.5, 2, 4), rng.normal(0, 1, 4), 1e-5),
             (rng.normal(0.0, 10.0, (5, 2)), np.array([2.0, 0.5]), np.array([1.0, -1.0]), 1e-3)]
    return run_check("BatchNorm forward", fn, _batchnorm_forward, cases,
                     hint="take mean and variance over axis 0 (the batch), use the biased "
                          "variance X.var(axis=0), and add eps inside the square root.")


def check_dropout_forward(fn: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    r"""Notebook 08: ``fn(X, p, rng) -> Y``, inverted dropout in training mode.

    Each entry is dropped with probability :math:`p` and the kept ones are
    divided by :math:`1-p`. The masks are random, so the check tests
    properties: every entry is 0 or :math:`x/(1-p)`, the dropped share is
    close to :math:`p`, the mean is preserved, and ``p = 0`` changes nothing.
    """
    title = "dropout forward"
    hint = ("mask = rng.random(X.shape) >= p; return X * mask / (1 - p).")
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    if not callable(fn):
        return Verdict(False, f"✗ {title}: expected a function, got {type(fn).__name__}.")
    X = np.random.default_rng(8).uniform(1.0, 2.0, (400, 50))
    for p in (0.0, 0.2, 0.5, 0.8):
        try:
            Y = call_with_timeout(fn, (X.copy(), p, np.random.default_rng(int(p * 10))), timeout)
        except NotImplementedError:
            return Verdict(False, f"… {title}: not implemented yet. Replace the "
                                  "`raise NotImplementedError` line with your code.")
        except Timeout:
            return Verdict(False, f"✗ {title}: p={p} did not finish within {timeout:g} s.")
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
            return Verdict(False, f"✗ {title}: p={p} raised {type(exc).__name__}: {exc}. "
                                  f"Hint: {hint}")
        if Y is None or Y is Ellipsis:
            return Verdict(False, f"… {title}: not implemented yet (your function returned None).")
        Y = np.asarray(Y, dtype=np.float64)
        if Y.shape != X.shape:
            return Verdict(False, f"✗ {title}: p={p}: result has shape {Y.shape}, "
                                  f"expected {X.shape}.")
        if not np.all(np.isfinite(Y)):
            return Verdict(False, f"✗ {title}: p={p}: result contains NaN or inf.")
        kept = Y != 0
        scaled = X / (1.0 - p)
        if not np.allclose(Y[kept], scaled[kept]):
            if np.allclose(Y[kept], X[kept]) and p > 0:
                msg = "kept entries are not rescaled"
            else:
                msg = "kept entries should equal x / (1 - p)"
            return Verdict(False, f"✗ {title}: p={p}: {msg}. Hint: {hint}")
        dropped = 1.0 - kept.mean()
        sd = math.sqrt(p * (1 - p) / X.size)
        if abs(dropped - p) > 5 * sd + 1e-12:
            return Verdict(False, f"✗ {title}: p={p}: dropped {dropped:.3f} of the entries, "
                                  f"expected about {p}. Is p the *drop* probability? "
                                  f"Hint: {hint}")
    return Verdict(True, f"✓ {title}: masks drop the right share and the kept units are "
                         "rescaled by 1/(1-p), so the expected activation is preserved.")


def _clip_by_norm(g, max_norm):
    norm = float(np.linalg.norm(g))
    return g * (max_norm / norm) if norm > max_norm else g


def check_clip_by_norm(fn: Any) -> Verdict:
    r"""Notebook 09: ``fn(g, max_norm) -> clipped g``.

    Rescale to norm ``max_norm`` only if :math:`\|g\|` is larger; otherwise return ``g``.
    """
    rng = np.random.default_rng(9)
    cases = [(np.array([3.0, 4.0]), 1.0), (np.array([3.0, 4.0]), 10.0),
             (rng.standard_normal(10) * 5, 2.0), (rng.standard_normal((3, 4)), 0.5),
             (np.zeros(3), 1.0)]
    return run_check("clip by norm", fn, _clip_by_norm, cases,
                     hint="norm = np.linalg.norm(g); if norm > max_norm return "
                          "g * max_norm / norm, else g unchanged (and never divide by 0).")
