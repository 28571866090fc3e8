"""The notebook self-checks: right answers pass, wrong ones get a verdict that teaches.

Every student function below is written here, from the formulas in the
notebooks, not by calling the package's reference implementations. Each
check gets several correct answers written differently (all must pass) and,
for each known mistake, a wrong answer that must fail *with that mistake's
diagnosis* (``details["mistake"]``).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import pkgutil
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import lessons_lib as ll
from lessons_lib import exercises
from lessons_lib.exercises import base

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fresh_hint_stages():
    exercises.reset_hints()
    yield
    exercises.reset_hints()


def _sig(z):
    """A student's sigmoid that never overflows: ½(1 + tanh(z/2))."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def _naive_sig(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------
# 00 · repeated factor
# ---------------------------------------------------------------------------

def repeated_factor_ok(factor, layers):
    return factor ** layers


def repeated_factor_loop(factor, layers):
    size = 1.0
    for _ in range(layers):
        size *= factor
    return size


def repeated_factor_pow(factor, layers):
    return math.pow(factor, layers)


def repeated_factor_numpy(factor, layers):
    return np.power(factor, layers)


REPEATED_FACTOR_WRONG = {
    "one_short": lambda f, n: f ** max(n - 1, 0),
    "one_extra": lambda f, n: f ** (n + 1),
    "times_not_power": lambda f, n: f * n,
    "swapped": lambda f, n: float(n) ** f,
}


# ---------------------------------------------------------------------------
# 01 · perceptron
# ---------------------------------------------------------------------------

def perceptron_ok(w, x, t, lr):
    y = 1.0 if float(np.sum(w * x)) > 0.0 else 0.0
    return w + lr * (t - y) * x


def perceptron_loop(w, x, t, lr):
    new = w.copy()
    y = int(w @ x > 0)
    for i in range(len(w)):
        new[i] += lr * (t - y) * x[i]
    return new


def perceptron_heaviside(w, x, t, lr):
    return w + lr * (t - np.heaviside(np.dot(w, x), 0.0)) * x


def _perceptron_with(answer, change):
    def student(w, x, t, lr):
        return change(w, x, t, lr, answer(float(np.dot(w, x))))
    return student


def perceptron_in_place(w, x, t, lr):
    y = 1.0 if np.dot(w, x) > 0 else 0.0
    w += lr * (t - y) * x
    return w


PERCEPTRON_WRONG = {
    "ge_instead_of_gt": _perceptron_with(lambda s: float(s >= 0),
                                         lambda w, x, t, lr, y: w + lr * (t - y) * x),
    "error_sign": _perceptron_with(lambda s: float(s > 0),
                                   lambda w, x, t, lr, y: w + lr * (y - t) * x),
    "no_input": _perceptron_with(lambda s: float(s > 0), lambda w, x, t, lr, y: w + lr * (t - y)),
    "no_rate": _perceptron_with(lambda s: float(s > 0), lambda w, x, t, lr, y: w + (t - y) * x),
    "linear_output": _perceptron_with(lambda s: s, lambda w, x, t, lr, y: w + lr * (t - y) * x),
    "sign_output": _perceptron_with(np.sign, lambda w, x, t, lr, y: w + lr * (t - y) * x),
    "in_place": perceptron_in_place,
}


# ---------------------------------------------------------------------------
# 02 · delta rule
# ---------------------------------------------------------------------------

def delta_rule_ok(W, X, T, lr):
    Y = _sig(X @ W)
    return W + lr * X.T @ ((T - Y) * Y * (1.0 - Y))


def delta_rule_loop(W, X, T, lr):
    change = np.zeros_like(W)
    for x, t in zip(X, T, strict=True):
        y = _sig(x @ W)
        change += lr * np.outer(x, (t - y) * y * (1 - y))
    return W + change


def delta_rule_einsum(W, X, T, lr):
    Y = 1.0 / (1.0 + np.exp(-(X @ W)))
    return W + lr * np.einsum("ni,nk->ik", X, (T - Y) * Y * (1 - Y))


def _delta_rule_step(W, X, T, lr, slope=lambda Y: Y * (1 - Y), scale=1.0, sign=1.0, keep=True):
    Y = _sig(X @ W)
    change = sign * scale * lr * X.T @ ((T - Y) * slope(Y))
    return W + change if keep else change


def delta_rule_in_place(W, X, T, lr):
    Y = _sig(X @ W)
    W += lr * X.T @ ((T - Y) * Y * (1.0 - Y))
    return W


DELTA_RULE_WRONG = {
    "no_slope": lambda W, X, T, lr: _delta_rule_step(W, X, T, lr, slope=lambda Y: 1.0),
    "averaged": lambda W, X, T, lr: _delta_rule_step(W, X, T, lr, scale=1 / X.shape[0]),
    "wrong_sign": lambda W, X, T, lr: _delta_rule_step(W, X, T, lr, sign=-1.0),
    "slope_y_only": lambda W, X, T, lr: _delta_rule_step(W, X, T, lr, slope=lambda Y: Y),
    "slope_at_output": lambda W, X, T, lr: _delta_rule_step(
        W, X, T, lr, slope=lambda Y: _sig(Y) * (1 - _sig(Y))),
    "change_only": lambda W, X, T, lr: _delta_rule_step(W, X, T, lr, keep=False),
    "linear_output": lambda W, X, T, lr: W + lr * X.T @ (T - X @ W),
    "in_place": delta_rule_in_place,
}


# ---------------------------------------------------------------------------
# 03 · backward pass
# ---------------------------------------------------------------------------

def backward_two_layer_ok(X, T, W1, W2, lr):
    H = _sig(X @ W1)
    Out = _sig(H @ W2)
    d_out = (T - Out) * Out * (1.0 - Out)
    d_hid = (d_out @ W2.T) * H * (1.0 - H)
    return lr * X.T @ d_hid, lr * H.T @ d_out


def backward_two_layer_list(X, T, W1, W2, lr):
    Y1 = 1.0 / (1.0 + np.exp(-X @ W1))
    Y2 = 1.0 / (1.0 + np.exp(-Y1 @ W2))
    d2 = (T - Y2) * Y2 * (1 - Y2)
    d1 = np.einsum("nk,jk->nj", d2, W2) * Y1 * (1 - Y1)
    return [lr * X.T @ d1, lr * Y1.T @ d2]


def _backward(X, T, W1, W2, lr, *, hid="y1", out=True, sign=1.0, scale=1.0, swap=False):
    Y1 = _sig(X @ W1)
    Y2 = _sig(Y1 @ W2)
    d2 = (T - Y2) * (Y2 * (1 - Y2) if out else 1.0)
    slope = {"y1": Y1 * (1 - Y1), "y2": Y2 * (1 - Y2), "none": 1.0}[hid]
    d1 = (d2 @ W2.T) * slope
    r = (sign * scale * lr * X.T @ d1, sign * scale * lr * Y1.T @ d2)
    return r[::-1] if swap else r


def backward_two_layer_no_transpose(X, T, W1, W2, lr):
    Y1 = _sig(X @ W1)
    Y2 = _sig(Y1 @ W2)
    d2 = (T - Y2) * Y2 * (1 - Y2)
    d1 = (d2 @ W2) * Y1 * (1 - Y1)            # (N, 1) @ (m, 1): the shapes do not fit
    return lr * X.T @ d1, lr * Y1.T @ d2


BACKWARD_WRONG = {
    "no_hidden_slope": lambda *a: _backward(*a, hid="none"),
    "no_output_slope": lambda *a: _backward(*a, out=False),
    "no_slopes": lambda *a: _backward(*a, hid="none", out=False),
    "hidden_slope_of_output": lambda *a: _backward(*a, hid="y2"),
    "gradient_not_change": lambda *a: _backward(*a, sign=-1.0),
    "averaged": lambda X, *a: _backward(X, *a, scale=1 / X.shape[0]),
    "swapped": lambda *a: _backward(*a, swap=True),
    "shapes": backward_two_layer_no_transpose,
}


# ---------------------------------------------------------------------------
# 04 · derivatives
# ---------------------------------------------------------------------------

def sigmoid_grad_ok(z):
    s = _sig(z)
    return s * (1.0 - s)


def sigmoid_grad_logaddexp(z):
    s = np.exp(-np.logaddexp(0.0, -z))
    return s * (1 - s)


def sigmoid_grad_piecewise(z):
    z = np.asarray(z, dtype=float)
    s = np.empty_like(z)
    pos = z >= 0
    s[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    s[~pos] = e / (1.0 + e)
    return s * (1 - s)


def sigmoid_grad_quarter_tanh(z):
    return 0.25 * (1.0 - np.tanh(z / 2.0) ** 2)


def sigmoid_grad_silenced(z):
    with np.errstate(over="ignore"):            # deliberate: 1/(1 + inf) = 0 is the limit
        s = 1.0 / (1.0 + np.exp(-z))
    return s * (1 - s)


def sigmoid_grad_naive(z):
    s = 1.0 / (1.0 + np.exp(-z))                # overflows (RuntimeWarning) at z = -1000
    return s * (1.0 - s)


def sigmoid_grad_nan(z):
    e = np.exp(-z)
    return e / (1.0 + e) ** 2                   # inf / inf = NaN at z = -1000


def sigmoid_grad_where(z):
    s = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))  # both branches run
    return s * (1 - s)


SIGMOID_WRONG = {
    "sigma_itself": _sig,
    "applied_to_z": lambda z: z * (1.0 - z),
    "one_plus": lambda z: _sig(z) * (1.0 + _sig(z)),
    "tanh_slope": lambda z: 1.0 - np.tanh(z) ** 2,
    "squared": lambda z: _sig(z) ** 2,
    "fp_error": sigmoid_grad_naive,
    "fp_error/nan": sigmoid_grad_nan,
    "fp_error/where": sigmoid_grad_where,
}


def leaky_relu_grad_ok(z, alpha):
    g = np.full(np.shape(z), float(alpha))
    g[z > 0] = 1.0
    return g


def leaky_relu_grad_where(z, alpha):
    return np.where(z > 0, 1, alpha)


def leaky_relu_grad_arith(z, alpha):
    return alpha + (1 - alpha) * (z > 0)


def leaky_relu_grad_in_place(z, alpha):
    pos = z > 0
    z[pos] = 1.0
    z[~pos] = alpha
    return z


LEAKY_WRONG = {
    "ge_instead_of_gt": lambda z, a: np.where(z >= 0, 1.0, a),
    "relu_slope": lambda z, a: (z > 0).astype(float),
    "function_not_slope": lambda z, a: np.maximum(z, a * z),
    "swapped": lambda z, a: np.where(z > 0, a, 1.0),
    "alpha_times_z": lambda z, a: np.where(z > 0, 1.0, a * z),
    "in_place": leaky_relu_grad_in_place,
}


# ---------------------------------------------------------------------------
# 06 · VarianceScaling
# ---------------------------------------------------------------------------

def variance_scaling_std_ok(scale, mode, n_in, n_out):
    if mode == "fan_in":
        n = n_in
    elif mode == "fan_out":
        n = n_out
    else:
        n = 0.5 * (n_in + n_out)
    return math.sqrt(scale / n)


def variance_scaling_std_dict(scale, mode, n_in, n_out):
    n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]
    return np.sqrt(scale / n)


def variance_scaling_std_glorot_form(scale, mode, n_in, n_out):
    if mode == "fan_avg":
        return (2 * scale / (n_in + n_out)) ** 0.5
    return (scale / (n_in if mode == "fan_in" else n_out)) ** 0.5


def _vs(scale, mode, n_in, n_out):
    return {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]


VARIANCE_SCALING_WRONG = {
    "variance_not_std": lambda s, m, a, b: s / _vs(s, m, a, b),
    "inverted": lambda s, m, a, b: math.sqrt(_vs(s, m, a, b) / s),
    "sqrt_of_scale_only": lambda s, m, a, b: math.sqrt(s) / _vs(s, m, a, b),
    "fans_swapped": lambda s, m, a, b: math.sqrt(s / _vs(s, m, b, a)),
    "avg_is_sum": lambda s, m, a, b: math.sqrt(s / (a + b if m == "fan_avg"
                                                     else _vs(s, m, a, b))),
    "avg_integer_division": lambda s, m, a, b: math.sqrt(s / ((a + b) // 2 if m == "fan_avg"
                                                               else _vs(s, m, a, b))),
    "always_fan_in": lambda s, m, a, b: math.sqrt(s / a),
    "always_fan_avg": lambda s, m, a, b: math.sqrt(2 * s / (a + b)),
}


# ---------------------------------------------------------------------------
# 07 · BatchNorm
# ---------------------------------------------------------------------------

def batchnorm_forward_ok(X, gamma, beta, eps):
    m = X.shape[0]
    mu = X.sum(axis=0) / m
    var = ((X - mu) ** 2).sum(axis=0) / m
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def batchnorm_forward_keepdims(X, gamma, beta, eps):
    mu = np.mean(X, axis=0, keepdims=True)
    xhat = (X - mu) / np.sqrt(np.var(X, axis=0, keepdims=True) + eps)
    return xhat * gamma + beta


def batchnorm_forward_std(X, gamma, beta, eps):
    return gamma * (X - X.mean(0)) / (X.std(0) ** 2 + eps) ** 0.5 + beta


def _bn(X, g, b, e, *, axis=0, ddof=0, keepdims=False, den="inside", affine="normal"):
    mu = X.mean(axis=axis, keepdims=keepdims)
    var = X.var(axis=axis, ddof=ddof, keepdims=keepdims)
    d = {"inside": lambda: np.sqrt(var + e), "outside": lambda: np.sqrt(var) + e,
         "none": lambda: np.sqrt(var), "std": lambda: np.sqrt(np.sqrt(var) + e),
         "var": lambda: var + e}[den]()
    xhat = (X - mu) / d
    return {"normal": g * xhat + b, "none": xhat, "swapped": b * xhat + g}[affine]


def batchnorm_forward_in_place(X, gamma, beta, eps):
    X -= X.mean(axis=0)
    X /= np.sqrt(X.var(axis=0) + eps)
    return gamma * X + beta


BATCHNORM_WRONG = {
    "ddof_1": lambda *a: _bn(*a, ddof=1),
    "axis_1": lambda *a: _bn(*a, axis=1, keepdims=True),
    "shapes": lambda *a: _bn(*a, axis=1),           # fails to broadcast on the first batch
    "whole_array": lambda *a: _bn(*a, axis=None),
    "eps_outside": lambda *a: _bn(*a, den="outside"),
    "no_eps": lambda *a: _bn(*a, den="none"),
    "std_under_root": lambda *a: _bn(*a, den="std"),
    "no_root": lambda *a: _bn(*a, den="var"),
    "no_gamma_beta": lambda *a: _bn(*a, affine="none"),
    "gamma_beta_swapped": lambda *a: _bn(*a, affine="swapped"),
    "in_place": batchnorm_forward_in_place,
}


# ---------------------------------------------------------------------------
# 08 · dropout
# ---------------------------------------------------------------------------

def dropout_forward_ok(X, p, rng):
    keep = rng.binomial(1, 1.0 - p, size=X.shape)
    return X * keep / (1.0 - p)


def dropout_forward_uniform(X, p, rng):
    return np.where(rng.uniform(size=X.shape) < 1.0 - p, X / (1.0 - p), 0.0)


def dropout_forward_choice(X, p, rng):
    return X * rng.choice([0.0, 1.0], size=X.shape, p=[p, 1.0 - p]) / (1 - p)


def dropout_forward_fixed_mask(X, p, rng):
    mask = np.random.default_rng(0).random(X.shape) >= p
    return X * mask / (1.0 - p)


def dropout_forward_global_random(X, p, rng):
    mask = np.random.random(X.shape) >= p  # noqa: NPY002 - the mistake under test
    return X * mask / (1.0 - p)


def dropout_forward_pattern(X, p, rng):
    mask = (np.arange(X.size).reshape(X.shape) * 0.6180339887) % 1.0 >= p   # evenly, not at random
    return X * mask / (1.0 - p)


def dropout_forward_repeated(X, p, rng):
    mask = np.random.default_rng(rng.bit_generator.state["state"]["state"]).random(X.shape) >= p
    return X * mask / (1.0 - p)                                  # reads rng, never advances it


def dropout_forward_in_place(X, p, rng):
    X *= rng.random(X.shape) >= p
    X /= 1.0 - p
    return X


DROPOUT_WRONG = {
    "no_rescale": lambda X, p, rng: X * (rng.random(X.shape) >= p),
    "multiplied": lambda X, p, rng: X * (rng.random(X.shape) >= p) * (1.0 - p),
    "divided_by_p": lambda X, p, rng: X * (rng.random(X.shape) >= p) / max(p, 1e-12) if p else X,
    "p_is_keep": lambda X, p, rng: X * (rng.random(X.shape) < p) / (1.0 - p) if p else 0 * X,
    "one_mask_per_batch": lambda X, p, rng: X * (rng.random(X.shape[1]) >= p) / (1.0 - p),
    "one_mask_per_sample": lambda X, p, rng: X * (rng.random((X.shape[0], 1)) >= p) / (1 - p),
    "fixed_mask": dropout_forward_fixed_mask,
    "fixed_mask/pattern": dropout_forward_pattern,
    "global_random": dropout_forward_global_random,
    "repeated_mask": dropout_forward_repeated,
    "in_place": dropout_forward_in_place,
}


# ---------------------------------------------------------------------------
# 09 · clip by norm
# ---------------------------------------------------------------------------

def clip_by_norm_ok(g, max_norm):
    norm = math.sqrt(float(np.sum(g * g)))
    if norm <= max_norm:
        return g
    return g * (max_norm / norm)


def clip_by_norm_factor(g, max_norm):
    return g * (max_norm / max(float(np.linalg.norm(g)), max_norm))


def clip_by_norm_copy(g, max_norm):
    out = np.array(g, dtype=float, copy=True)
    norm = np.sqrt((out ** 2).sum())
    if norm > max_norm:
        out *= max_norm / norm                    # in place on its own copy: fine
    return out


def clip_by_norm_in_place(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g


def _clip(g, m, norm):
    return g * (m / norm) if norm > m else g


def _clip_axis(g, m, axis):
    n = np.linalg.norm(g, axis=axis, keepdims=True)
    return np.where(n > m, g * m / np.where(n > 0, n, 1.0), g)


CLIP_WRONG = {
    "always_rescale": lambda g, m: g * (m / np.linalg.norm(g)),
    "by_value": lambda g, m: np.clip(g, -m, m),
    "squared_norm": lambda g, m: _clip(g, m, float(np.sum(g ** 2))),
    "per_row": lambda g, m: _clip_axis(g, m, -1),
    "per_column": lambda g, m: _clip_axis(g, m, 0),
    "matrix_2_norm": lambda g, m: _clip(g, m, np.linalg.norm(g, 2)),
    "unit_length": lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g,
    "inverted_factor": lambda g, m: (g * np.linalg.norm(g) / m if np.linalg.norm(g) > m else g),
    "in_place": clip_by_norm_in_place,
}


# ---------------------------------------------------------------------------
# 05 · gradient ratio (its lesson's tests cover the table beside the verdict)
# ---------------------------------------------------------------------------

def gradient_ratio_ok(depth):
    return 0.25 ** (depth - 1)


def gradient_ratio_loop(depth):
    r = 1.0
    for _ in range(depth - 1):
        r /= 4
    return r


GRADIENT_RATIO_WRONG = {
    "one_step_too_many": lambda depth: 0.25 ** depth,
    "grows": lambda depth: 4.0 ** (depth - 1),
    "times_not_power": lambda depth: 0.25 * (depth - 1),
}


# ---------------------------------------------------------------------------
# 10 · RNN step backward
# ---------------------------------------------------------------------------

def rnn_step_backward_ok(dh, x, h_prev, h, W_x, W_h):
    dnet = dh * (1.0 - h * h)
    return dnet @ W_h.T, x.T @ dnet, h_prev.T @ dnet, dnet.sum(axis=0)


def rnn_step_backward_einsum(dh, x, h_prev, h, W_x, W_h):
    d = dh * (1 - np.square(h))
    return (np.einsum("nj,ij->ni", d, W_h), np.einsum("ni,nj->ij", x, d),
            np.einsum("ni,nj->ij", h_prev, d), np.sum(d, axis=0))


def rnn_step_backward_list(dh, x, h_prev, h, W_x, W_h):
    dnet = dh * (1.0 - h ** 2)
    return [np.dot(dnet, W_h.T), np.dot(x.T, dnet), np.dot(h_prev.T, dnet), dnet.sum(0)]


def _rnn(dh, x, h_prev, h, W_x, W_h, *, slope=None, back_T=True, dwx_T=False, db="sum",
         prev_slope=True):
    d = dh * (1 - h * h if slope is None else slope(h))
    dh_prev = (d if prev_slope else dh) @ (W_h.T if back_T else W_h)
    dW_x = d.T @ x if dwx_T else x.T @ d
    return dh_prev, dW_x, h_prev.T @ d, {"mean": d.mean(0), "sum": d.sum(0), "axis1": d.sum(1)}[db]


RNN_WRONG = {
    "no_tanh_slope": lambda *a: _rnn(*a, slope=lambda h: 1.0),
    "tanh_of_h": lambda *a: _rnn(*a, slope=lambda h: 1 - np.tanh(h) ** 2),
    "one_minus_h": lambda *a: _rnn(*a, slope=lambda h: 1 - h),
    "sigmoid_slope": lambda *a: _rnn(*a, slope=lambda h: h * (1 - h)),
    "prev_without_slope": lambda *a: _rnn(*a, prev_slope=False),
    "no_transpose": lambda *a: _rnn(*a, back_T=False),
    "dWx_transposed": lambda *a: _rnn(*a, dwx_T=True),
    "db_mean": lambda *a: _rnn(*a, db="mean"),
    "db_wrong_axis": lambda *a: _rnn(*a, db="axis1"),
}


# ---------------------------------------------------------------------------
# 12 · Adam step
# ---------------------------------------------------------------------------

def adam_step_ok(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g                  # the paper's order
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_step_torch_order(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = m * beta1 + g * (1 - beta1)
    v_new = v * beta2 + g ** 2 * (1 - beta2)
    denom = np.sqrt(v_new) / math.sqrt(1 - beta2 ** t) + eps
    step_size = lr / (1 - beta1 ** t)
    return w - step_size * m_new / denom, m_new, v_new


def adam_step_power(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = m + (1 - beta1) * (g - m)
    v_new = v + (1 - beta2) * (np.square(g) - v)
    correction1 = 1 - np.power(beta1, t)
    correction2 = 1 - np.power(beta2, t)
    update = (m_new / correction1) / (np.sqrt(v_new / correction2) + eps)
    return [w - lr * update, m_new, v_new]


def adam_step_copy(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    w, m, v = w.copy(), m.copy(), v.copy()
    m *= beta1                                   # in place on its own copies: fine
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v


def _adam_variant(w, g, m, v, t, lr, b1, b2, eps, *, c1=None, c2=None, den=None, g2=None,
                  mom=None, top=None, back="raw", sign=-1.0, base=True):
    """One Adam step; each keyword replaces one part by a student's wrong version."""
    m_new = b1 * m + (1 - b1) * g if mom is None else mom[0](m, g, b1)
    v_new = (b2 * v + (1 - b2) * (g * g if g2 is None else g2(g))
             if mom is None else mom[1](v, g, b2))
    k1 = 1 - b1 ** t if c1 is None else c1(b1, t)
    k2 = 1 - b2 ** t if c2 is None else c2(b2, t)
    m_hat, v_hat = m_new / k1, v_new / k2
    denominator = np.sqrt(v_hat) + eps if den is None else den(v_hat, v_new, k2, eps)
    numerator = m_hat if top is None else top(m, v, g, k1, k2)
    w_new = (w if base else 0.0) + sign * lr * numerator / denominator
    return (w_new, m_hat, v_hat) if back == "corrected" else (w_new, m_new, v_new)


def _adam_old_moments(w, g, m, v, t, lr, b1, b2, eps):
    step = lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w - step, b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g


def _adam_swapped(w, g, m, v, t, lr, b1, b2, eps):
    return adam_step_ok(w, g, m, v, t, lr, b2, b1, eps)


def adam_step_in_place(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v


def _NO_CORRECTION(b, t):  # noqa: N802 - a constant part of the wrong students below
    return 1.0


ADAM_WRONG = {
    "no_correction": lambda *a: _adam_variant(*a, c1=_NO_CORRECTION, c2=_NO_CORRECTION),
    "m_correction_only": lambda *a: _adam_variant(*a, c2=_NO_CORRECTION),
    "v_correction_only": lambda *a: _adam_variant(*a, c1=_NO_CORRECTION),
    "t_minus_1": lambda *a: _adam_variant(*a, c1=lambda b, t: 1 - b ** (t - 1),
                                          c2=lambda b, t: 1 - b ** (t - 1)),
    "eps_inside_sqrt": lambda *a: _adam_variant(*a, den=lambda vh, v, k2, e: np.sqrt(vh + e)),
    "eps_before_correction": lambda *a: _adam_variant(
        *a, den=lambda vh, v, k2, e: (np.sqrt(v) + e) / np.sqrt(k2)),
    "no_eps": lambda *a: _adam_variant(*a, den=lambda vh, v, k2, e: np.sqrt(vh)),
    "no_sqrt": lambda *a: _adam_variant(*a, den=lambda vh, v, k2, e: vh + e),
    "v_with_g": lambda *a: _adam_variant(*a, g2=lambda g: g),
    "betas_swapped": _adam_swapped,
    "weights_swapped": lambda *a: _adam_variant(*a, mom=(lambda m, g, b: (1 - b) * m + b * g,
                                                         lambda v, g, b: (1 - b) * v + b * g * g)),
    "returned_change": lambda *a: _adam_variant(*a, base=False),
    "step_added": lambda *a: _adam_variant(*a, sign=1.0),
    "returned_corrected": lambda *a: _adam_variant(*a, back="corrected"),
    "old_moments": _adam_old_moments,
    "gradient_not_m": lambda *a: _adam_variant(*a, top=lambda m, v, g, k1, k2: g),
    "in_place": adam_step_in_place,
}


# ---------------------------------------------------------------------------
# The table of checks
# ---------------------------------------------------------------------------

CORRECT = {
    "check_repeated_factor": [repeated_factor_ok, repeated_factor_loop, repeated_factor_pow,
                              repeated_factor_numpy],
    "check_perceptron_update": [perceptron_ok, perceptron_loop, perceptron_heaviside],
    "check_delta_rule_update": [delta_rule_ok, delta_rule_loop, delta_rule_einsum],
    "check_backward_two_layer": [backward_two_layer_ok, backward_two_layer_list],
    "check_sigmoid_grad": [sigmoid_grad_ok, sigmoid_grad_logaddexp, sigmoid_grad_piecewise,
                           sigmoid_grad_quarter_tanh, sigmoid_grad_silenced,
                           lambda z: sigmoid_grad_ok(z).tolist()],
    "check_leaky_relu_grad": [leaky_relu_grad_ok, leaky_relu_grad_where, leaky_relu_grad_arith],
    "check_gradient_ratio": [gradient_ratio_ok, gradient_ratio_loop],
    "check_variance_scaling_std": [variance_scaling_std_ok, variance_scaling_std_dict,
                                   variance_scaling_std_glorot_form],
    "check_batchnorm_forward": [batchnorm_forward_ok, batchnorm_forward_keepdims,
                                batchnorm_forward_std],
    "check_dropout_forward": [dropout_forward_ok, dropout_forward_uniform,
                              dropout_forward_choice],
    "check_clip_by_norm": [clip_by_norm_ok, clip_by_norm_factor, clip_by_norm_copy],
    "check_rnn_step_backward": [rnn_step_backward_ok, rnn_step_backward_einsum,
                                rnn_step_backward_list],
    "check_adam_step": [adam_step_ok, adam_step_torch_order, adam_step_power, adam_step_copy],
}
WRONG = {
    "check_repeated_factor": REPEATED_FACTOR_WRONG,
    "check_perceptron_update": PERCEPTRON_WRONG,
    "check_delta_rule_update": DELTA_RULE_WRONG,
    "check_backward_two_layer": BACKWARD_WRONG,
    "check_sigmoid_grad": SIGMOID_WRONG,
    "check_leaky_relu_grad": LEAKY_WRONG,
    "check_variance_scaling_std": VARIANCE_SCALING_WRONG,
    "check_batchnorm_forward": BATCHNORM_WRONG,
    "check_gradient_ratio": GRADIENT_RATIO_WRONG,
    "check_dropout_forward": DROPOUT_WRONG,
    "check_clip_by_norm": CLIP_WRONG,
    "check_rnn_step_backward": RNN_WRONG,
    "check_adam_step": ADAM_WRONG,
}
# Checks that take a value rather than a function are tested with their lesson.
TAKES_A_VALUE = {"check_lab_setting": "tests/test_nb11_lab_exercise.py"}
NAMES = sorted(CORRECT)
MISTAKE_CASES = [pytest.param(name, key, id=f"{name[6:]}-{key}")
                 for name, wrong in WRONG.items() for key in wrong]
CORRECT_CASES = [pytest.param(name, k, id=f"{name[6:]}-{k}")
                 for name, fns in CORRECT.items() for k in range(len(fns))]


def _check(name):
    return getattr(exercises, name)


def _run(name, student):
    """Run a check; a verdict must come back, never an exception or a warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            verdict = _check(name)(student)
        except BaseException as exc:  # noqa: BLE001 - the point is that nothing escapes
            pytest.fail(f"{name} raised {type(exc).__name__}: {exc}")
    assert isinstance(verdict, exercises.Verdict)
    assert isinstance(verdict.message, str) and verdict.message
    assert bool(verdict) is verdict.passed
    assert repr(verdict) == verdict.message                    # what JupyterLab shows
    return verdict


# -- derived students ----------------------------------------------------------

def _wrong_shape(fn):
    def student(*args):
        out = fn(*args)
        if isinstance(out, (tuple, list)):
            return (np.stack([out[0], out[0]]), *out[1:])
        return np.stack([np.asarray(out), np.asarray(out)])
    return student


def _with_nan(fn):
    def student(*args):
        out = fn(*args)
        if isinstance(out, (tuple, list)):
            return (np.asarray(out[0]) * np.nan, *out[1:])
        return np.asarray(out, dtype=np.float64) * np.nan
    return student


def _raises_value_error(*args):
    raise ValueError("something is off")


def _not_implemented(*args):
    raise NotImplementedError


def _ellipsis_body(*args):
    ...


# ---------------------------------------------------------------------------
# Right answers pass, known mistakes get their own diagnosis
# ---------------------------------------------------------------------------

def test_every_check_is_covered():
    found = sorted(n for n in exercises.__all__ if n.startswith("check_"))
    assert found == sorted([*NAMES, *TAKES_A_VALUE])
    assert set(WRONG) == set(NAMES)


@pytest.mark.parametrize(("name", "k"), CORRECT_CASES)
def test_correct_answers_written_differently_pass(name, k):
    verdict = _run(name, CORRECT[name][k])
    assert verdict.passed is True, verdict.message
    assert verdict.message.startswith("✓")


@pytest.mark.parametrize(("name", "key"), MISTAKE_CASES)
def test_each_known_mistake_is_rejected_with_its_diagnosis(name, key):
    verdict = _run(name, WRONG[name][key])
    assert verdict.passed is False
    assert verdict.message.startswith("✗")
    assert verdict.details.get("mistake") == key.split("/")[0], verdict.message
    assert "What went wrong:" in verdict.message
    assert "Hint 1 of 3" in verdict.message and "Hint 2" not in verdict.message


def _modules(package):
    """The modules of a subpackage of lessons_lib, by name."""
    return {m.name: importlib.import_module(f"{package.__name__}.{m.name}")
            for m in pkgutil.iter_modules(package.__path__)}


def test_one_exercise_module_per_lesson_named_like_the_other_subpackages():
    from lessons_lib import experiments

    modules = _modules(exercises)
    assert set(modules) == {"base", "start", "perceptron", "delta_rule", "backprop",
                            "activation", "vanishing", "initialization", "batchnorm", "dropout",
                            "clipping", "residual_lstm", "lab", "modern"}
    topics = {m.name for m in pkgutil.iter_modules(experiments.__path__)}
    assert set(modules) - {"base", "start"} <= topics
    # the package re-exports every check of its modules, and those only
    checks = {n: getattr(module, n) for module in modules.values() for n in module.__all__
              if n.startswith("check_")}
    assert sorted(checks) == sorted(n for n in exercises.__all__ if n.startswith("check_"))
    assert all(getattr(exercises, n) is fn for n, fn in checks.items())


def test_every_listed_mistake_of_a_check_is_exercised_by_a_test():
    listed = {name for module in _modules(exercises).values() for attr in dir(module)
              if attr.endswith("_MISTAKES")
              for name in (m.name for m in getattr(module, attr))}
    assert {"one_step_too_many", "no_tanh_slope", "one_short", "no_slope"} <= listed
    tested = {key.split("/")[0] for wrong in WRONG.values() for key in wrong}
    # names the test students reach under a differently named diagnosis are listed here
    reached_otherwise = {"axis_1_square"}
    assert listed - tested - reached_otherwise == set()


# ---------------------------------------------------------------------------
# What a failure shows
# ---------------------------------------------------------------------------

def test_failure_shows_the_failing_inputs_and_a_derived_quantity():
    verdict = _run("check_perceptron_update", WRONG["check_perceptron_update"]["ge_instead_of_gt"])
    assert "case 1 of" in verdict.message
    assert "inputs: w = [0, 0, 0], x = [1, 1, 1], t = 1, lr = 0.1" in verdict.message
    assert "(w·x = 0)" in verdict.message
    assert "your new w is [0, 0, 0], expected [0.1, 0.1, 0.1]" in verdict.message
    assert "strictly greater" in verdict.message
    assert verdict.details["case"] == 1
    np.testing.assert_array_equal(verdict.details["inputs"][0], np.zeros(3))


def test_in_place_answers_are_named_with_the_changed_input():
    assert "changed its input `w` in place" in _run(
        "check_perceptron_update", perceptron_in_place).message
    assert "changed its input `g` in place" in _run(
        "check_clip_by_norm", clip_by_norm_in_place).message
    assert "changed its input X in place" in _run(
        "check_dropout_forward", dropout_forward_in_place).message


@pytest.mark.parametrize("student", [sigmoid_grad_naive, sigmoid_grad_nan, sigmoid_grad_where],
                         ids=["warns", "nan", "where-both-branches"])
def test_sigmoid_derivative_that_overflows_at_minus_1000_is_rejected(student):
    verdict = _run("check_sigmoid_grad", student)
    assert not verdict.passed
    assert "z = [-1000, -30, 30, 1000]" in verdict.message
    assert "RuntimeWarning" in verdict.message or "NaN" in verdict.message
    assert "overflow" in verdict.message


def test_the_overflowing_sigmoid_really_warns_outside_the_check():
    with pytest.warns(RuntimeWarning, match="overflow"):
        sigmoid_grad_naive(np.array([-1000.0]))


def test_tuple_of_wrong_length_says_how_many_values_came_back():
    verdict = _run("check_backward_two_layer", lambda X, T, W1, W2, lr: (X, T, W1))
    assert "returned a tuple of 3 values; expected 2 values (dW1, dW2)" in verdict.message
    verdict = _run("check_rnn_step_backward", lambda dh, *a: dh)
    assert "returned one ndarray of shape (1, 3); expected a tuple of 4 arrays" in verdict.message


def test_tuple_elements_of_wrong_shape_name_the_element_and_both_shapes():
    verdict = _run("check_backward_two_layer", lambda X, T, W1, W2, lr: (W1.T, W2))
    assert "your dW1 has shape (2, 3), expected (3, 2) (the transposed shape" in verdict.message


def test_a_product_whose_shapes_do_not_fit_gets_a_shape_diagnosis():
    verdict = _run("check_backward_two_layer", backward_two_layer_no_transpose)
    assert "ValueError" in verdict.message and "shape of each array" in verdict.message


def test_dropout_names_the_share_it_dropped():
    verdict = _run("check_dropout_forward", DROPOUT_WRONG["p_is_keep"])
    assert re.search(r"you dropped \d+(\.\d)?% of the entries", verdict.message), verdict.message
    assert "keep" in verdict.message


def test_numbers_in_verdicts_are_rounded():
    messages = [_run(name, fn).message for name, wrong in WRONG.items() for fn in wrong.values()]
    for message in messages:
        for number in re.findall(r"\d+\.\d+", message):
            assert len(number.replace(".", "").lstrip("0")) <= 4, (number, message)


def test_adam_first_step_moves_each_weight_by_lr_unless_its_gradient_is_below_eps():
    verdict = _run("check_adam_step", ADAM_WRONG["no_eps"])
    assert verdict.details["case"] == 2
    assert "inputs: w = [0, 0, 0, 0], g = [1000, -0.01, 1e-06, -1e-12]" in verdict.message
    assert "(t = 1: 1 − β₁ᵗ = 0.1, 1 − β₂ᵗ = 0.001;" in verdict.message
    assert ("your w_new is [-0.001, 0.001, -0.001, 0.001], "
            "expected [-0.001, 0.001, -0.0009901, 9.999e-08]") in verdict.message


@pytest.mark.parametrize("key", ["eps_inside_sqrt", "eps_before_correction", "no_eps"])
def test_adam_misplaced_eps_fails_where_it_shows_not_in_the_last_digits(key):
    """The first case's gradients are large: ε's place changes w_new there by < rtol."""
    verdict = _run("check_adam_step", ADAM_WRONG[key])
    assert verdict.details["case"] == 2 and verdict.details["mistake"] == key


def test_adam_step_with_the_default_hyperparameters_hard_coded_fails():
    def student(w, g, m, v, t, *ignored):
        return adam_step_ok(w, g, m, v, t)

    verdict = _run("check_adam_step", student)
    assert not verdict.passed
    assert "lr = 0.01, beta1 = 0.8, beta2 = 0.99, eps = 1e-06" in verdict.message


def test_adam_step_must_return_three_arrays_and_leave_its_inputs_alone():
    verdict = _run("check_adam_step", lambda *a: adam_step_ok(*a)[0])
    assert ("returned one ndarray of shape (4,); expected a tuple of 3 arrays "
            "(w_new, m_new, v_new)") in verdict.message
    verdict = _run("check_adam_step", lambda *a: adam_step_ok(*a)[:2])
    assert "returned a tuple of 2 values; expected 3 values (w_new, m_new, v_new)" in (
        verdict.message)
    verdict = _run("check_adam_step", adam_step_in_place)
    assert "changed its input `w`, `m`, `v` in place" in verdict.message


# ---------------------------------------------------------------------------
# Hints come in stages
# ---------------------------------------------------------------------------

def _hint_lines(message):
    return [line for line in message.splitlines() if line.strip().startswith("Hint ")]


@pytest.mark.parametrize("name", sorted(WRONG))
def test_hints_come_one_stage_per_failed_check_and_a_pass_resets(name):
    wrong = next(iter(WRONG[name].values()))
    first, second, third, fourth = (_run(name, wrong) for _ in range(4))
    assert [len(_hint_lines(v.message)) for v in (first, second, third, fourth)] == [1, 2, 3, 3]
    assert [v.details["stage"] for v in (first, second, third)] == [1, 2, 3]
    assert "Run the check again for hint 2 of 3" in first.message
    assert "solution" not in first.message
    assert "collapsed solution cell" in third.message
    assert _hint_lines(second.message)[0] == _hint_lines(first.message)[0]
    assert exercises.hint_stage(name_of(first)) == 4
    assert _run(name, CORRECT[name][0]).passed
    assert exercises.hint_stage(name_of(first)) == 0
    assert len(_hint_lines(_run(name, wrong).message)) == 1


def name_of(verdict):
    return verdict.message[2:].split(":")[0]


def test_stages_are_kept_per_exercise():
    _run("check_perceptron_update", perceptron_in_place)
    _run("check_perceptron_update", perceptron_in_place)
    verdict = _run("check_clip_by_norm", clip_by_norm_in_place)
    assert len(_hint_lines(verdict.message)) == 1
    assert exercises.hint_stage("perceptron update") == 2


def test_not_implemented_does_not_use_up_a_hint():
    for _ in range(3):
        assert "not implemented yet" in _run("check_sigmoid_grad", _not_implemented).message
    assert exercises.hint_stage("sigmoid derivative") == 0


def _solution_cells():
    """(lesson, check name, solution source, function name) of every notebook exercise 00–11."""
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  ROOT / "tools" / "build_notebooks.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    found = []
    for path in sorted((ROOT / "notebooks" / "src").glob("[01][0-9]_*.py")):
        text = path.read_text(encoding="utf-8")
        for cell in build.parse(text):
            if not cell["hidden"]:
                continue
            body = cell["source"]
            for fn_name in re.findall(r"^def (\w+)_solution\(", body, flags=re.M):
                checks = re.findall(rf"^(?:[\w.]*\.)?(check_\w+)\({fn_name}\)\s*$", text, re.M)
                assert len(checks) == 1, f"{path.name}: no single check cell for {fn_name}"
                found.append((path.name[:2], checks[0], body, fn_name))
    return found


SOLUTIONS = _solution_cells()


def test_every_lesson_with_an_exercise_has_a_solution_cell():
    lessons = {lesson for lesson, *_ in SOLUTIONS}
    assert lessons == {f"{n:02d}" for n in range(13)}
    assert len(SOLUTIONS) == 14                      # lesson 04 has two


@pytest.mark.parametrize(("lesson", "check", "source", "fn_name"), SOLUTIONS,
                         ids=[f"{s[0]}-{s[3]}" for s in SOLUTIONS])
def test_the_notebook_solution_passes_and_its_code_is_never_in_a_verdict(lesson, check, source,
                                                                         fn_name):
    namespace = {"np": np, "ll": ll}
    exec(compile(source, f"solution of {fn_name}", "exec"), namespace)  # noqa: S102
    solution = namespace[f"{fn_name}_solution"]
    assert _run(check, solution).passed
    if check not in WRONG:
        return
    code_lines = {line.split("#")[0].strip() for line in source.splitlines()}
    code_lines = {c for c in code_lines if len(c) > 12 and not c.startswith("def ")}
    for wrong in WRONG[check].values():
        exercises.reset_hints()
        for _ in range(4):                           # every stage, and one more
            message = _run(check, wrong).message
            leaked = [c for c in code_lines if c in message]
            assert not leaked, f"solution code in a verdict: {leaked}"


@pytest.mark.parametrize("lesson", [f"{n:02d}" for n in range(13)])
def test_no_stored_pass_under_the_students_check(lesson):
    """The hidden solution cell shows no output; the check cell shows "not implemented"."""
    import nbformat

    path = next((ROOT / "notebooks").glob(f"{lesson}_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                       for o in cell.get("outputs", []))
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            assert "_solution(" in cell.source
            assert cell.get("outputs", []) == [], f"{path.name}: a solution cell has output"
        assert "✓" not in text or "check_" not in cell.source, f"{path.name}: stored ✓"
        if re.search(r"check_\w+\((?!\w+_solution)\w+\)\s*$", cell.source):
            # the student's stub: "not implemented"; lesson 11 also checks the lab panel,
            # which starts at another network: a neutral "…" that says what to set
            assert "not implemented yet" in text or (
                text.startswith("…") and "your lab panel is at" in text), (
                f"{path.name}: {cell.source!r}")


# ---------------------------------------------------------------------------
# Robustness (every check)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_raising_not_implemented_is_reported_as_not_implemented(name):
    verdict = _run(name, _not_implemented)
    assert verdict.passed is False
    assert "not implemented yet" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_ellipsis_stub_is_reported_as_not_implemented(name):
    verdict = _run(name, _ellipsis_body)
    assert verdict.passed is False
    assert "not implemented yet" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_wrong_shape_is_reported(name):
    verdict = _run(name, _wrong_shape(CORRECT[name][0]))
    assert verdict.passed is False
    assert "shape" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_nan_result_is_reported(name):
    verdict = _run(name, _with_nan(CORRECT[name][0]))
    assert verdict.passed is False
    assert "NaN" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_raised_error_is_reported_by_type(name):
    verdict = _run(name, _raises_value_error)
    assert verdict.passed is False
    assert "ValueError" in verdict.message
    assert "something is off" in verdict.message


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("not_a_function", [42, None, "sigmoid"], ids=["int", "none", "str"])
def test_non_callable_gets_a_verdict(name, not_a_function):
    verdict = _run(name, not_a_function)
    assert verdict.passed is False
    assert "expected a function" in verdict.message


@pytest.mark.parametrize(("name", "kwargs"), [
    pytest.param("check_sigmoid_grad", {}, id="run_check-default-timeout"),
    pytest.param("check_dropout_forward", {"timeout": 0.5}, id="dropout-timeout-0.5"),
])
def test_endless_loop_returns_a_verdict(name, kwargs):
    stop = threading.Event()

    def endless(*args):
        while not stop.is_set():
            stop.wait(0.01)

    result = {}

    def run():
        try:
            result["verdict"] = _check(name)(endless, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            result["error"] = exc

    runner = threading.Thread(target=run, daemon=True)
    try:
        runner.start()
        runner.join(3.0)
        finished = not runner.is_alive()
    finally:
        stop.set()                      # let the student's thread end either way
    runner.join(5.0)
    assert finished, f"{name} did not come back within 3 s"
    assert "error" not in result, result.get("error")
    verdict = result["verdict"]
    assert verdict.passed is False
    assert "did not finish" in verdict.message


@pytest.mark.parametrize("name", ["check_sigmoid_grad", "check_dropout_forward"])
def test_student_calling_exit_still_gets_a_verdict(name):
    def quits(*args):
        raise SystemExit("bye")

    verdict = _run(name, quits)
    assert verdict.passed is False
    assert "SystemExit" in verdict.message


# ---------------------------------------------------------------------------
# The building blocks (also used by the lab's check)
# ---------------------------------------------------------------------------

def test_call_student_records_overflow_and_in_place_changes_without_touching_the_caller():
    w = np.array([1.0, 2.0])

    def student(w, z):
        w += 1.0
        return np.exp(z)

    call = exercises.call_student(student, (w, np.array([1000.0])))
    assert call.fp_errors == ("overflow",) and call.changed == (0,)
    np.testing.assert_array_equal(w, [1.0, 2.0])
    assert np.isinf(call.value[0])
    assert np.geterr()["over"] == "warn"                     # the caller's setting is untouched


def test_failed_passed_and_not_implemented_build_the_three_verdicts():
    hints = ["look here", "the idea", "the formula"]
    v1 = exercises.failed("demo", "case 1: wrong.", hints=hints, diagnosis="a known slip",
                          inputs="a = 1", details={"x": 1})
    assert v1.message.splitlines() == [
        "✗ demo: case 1: wrong.", "  inputs: a = 1", "  What went wrong: a known slip",
        "  Hint 1 of 3: look here", "  (Still stuck? Run the check again for hint 2 of 3.)"]
    assert v1.details == {"x": 1, "stage": 1} and not v1
    assert exercises.failed("demo", "x.", hints=hints).details["stage"] == 2
    ok = exercises.passed("demo", "all right.")
    assert ok and ok.message == "✓ demo: all right." and exercises.hint_stage("demo") == 0
    todo = exercises.not_implemented("demo")
    assert not todo and todo.message.startswith("… demo: not implemented yet")


def test_a_single_hint_does_not_point_to_the_solution_at_the_first_failure():
    v1 = exercises.failed("one-hint", "x.", hints=["only hint"])
    v2 = exercises.failed("one-hint", "x.", hints=["only hint"])
    assert "solution" not in v1.message and "solution" in v2.message


def test_format_value_rounds_and_summarizes():
    assert exercises.format_value(np.array([1 / 3, 2.0])) == "[0.3333, 2]"
    assert exercises.format_value(np.zeros((20, 3))) == "an array of shape (20, 3)"
    assert exercises.format_value(0.1 + 0.2) == "0.3"
    assert exercises.format_value("fan_in") == "'fan_in'"
    assert exercises.format_value(np.eye(2)) == "[[1, 0], [0, 1]]"


def test_compare_names_shape_nan_and_values():
    want = np.array([1.0, 2.0])
    assert base.compare("y", [1.0, 2.0], want, 1e-6, 1e-9) is None
    assert "shape (3,), expected (2,)" in base.compare("y", np.zeros(3), want, 1e-6, 1e-9)
    assert "NaN at index (1,)" in base.compare("y", [1.0, np.nan], want, 1e-6, 1e-9)
    assert base.compare("y", [1.0, 3.0], want, 1e-6, 1e-9) == "your y is [1, 3], expected [1, 2]"
    big = np.arange(20.0)
    got = big.copy()
    got[7] = 0.5
    assert base.compare("y", got, big, 1e-6, 1e-9) == (
        "your y is off at index (7,): 0.5 instead of 7 (1 of 20 entries differ)")


def test_the_building_blocks_reject_bad_arguments_by_name():
    with pytest.raises(TypeError, match="fn must be callable"):
        exercises.call_student(3, (), 1.0)
    with pytest.raises(ValueError, match="timeout"):
        exercises.call_student(print, (), -1.0)
    for call in (lambda: exercises.failed(3, "x", hints=["h"]), lambda: exercises.hint_stage(""),
                 lambda: exercises.reset_hints(5)):
        with pytest.raises(TypeError, match="title must be a non-empty string"):
            call()
