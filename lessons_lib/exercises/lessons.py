"""Exercise checks of notebooks 01–09, in lesson order.

Each ``check_<name>(fn)`` returns a :class:`~lessons_lib.exercises.base.Verdict`.
Each check knows the common mistakes of its exercise (as
:class:`~lessons_lib.exercises.base.Mistake` variants), names them when the
student's output matches one, and reveals its three hints one failed check at
a time (see :mod:`lessons_lib.exercises.base`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import activations as _act
from ..validation import check_float
from .base import (
    DEFAULT_TIMEOUT,
    Mistake,
    Timeout,
    Verdict,
    call_student,
    failed,
    format_value,
    not_implemented,
    passed,
    run_check,
)

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


def _sig(z):
    return _act.sigmoid(np.asarray(z, dtype=np.float64))


# ---------------------------------------------------------------------------
# 01 · perceptron
# ---------------------------------------------------------------------------

def _step(w, x, *, ge=False):
    s = float(np.dot(w, x))
    return 1.0 if (s >= 0 if ge else s > 0) else 0.0


def _perceptron_update(w, x, t, lr):
    return w + lr * (t - _step(w, x)) * x


_PERCEPTRON_MISTAKES = (
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
        "perceptron update", fn, _perceptron_update, cases, mistakes=_PERCEPTRON_MISTAKES,
        input_names=["w", "x", "t", "lr"], output_names=["new w"],
        describe=lambda w, x, t, lr: f"w·x = {format_value(round(float(np.dot(w, x)), 10))}",
        hints=["two steps: first the unit's answer y for this x (0 or 1), then the change of "
               "the weights. Work out y for the inputs shown above by hand.",
               "y is 1 only when w·x is strictly greater than 0; at w·x = 0 it is 0. Each "
               "weight then moves by the learning rate times the error t − y times its own "
               "input; a right answer (t = y) changes nothing.",
               "y = 1 if w·x > 0 else 0, and new w = w + η (t − y) x, a new array (the w you "
               "were given stays as it was)."])


# ---------------------------------------------------------------------------
# 02 · delta rule
# ---------------------------------------------------------------------------

def _delta_rule_update(W, X, T, lr):
    Y = _sig(X @ W)
    delta = (T - Y) * Y * (1.0 - Y)
    return W + lr * X.T @ delta


def _delta_variant(W, X, T, lr, *, slope="sigmoid", scale=1.0, sign=1.0, keep_w=True):
    Y = _sig(X @ W)
    if slope == "sigmoid":
        d = Y * (1.0 - Y)
    elif slope == "none":
        d = 1.0
    elif slope == "y":
        d = Y
    else:                                     # sigma' taken at Y instead of at net
        d = _sig(Y) * (1.0 - _sig(Y))
    change = sign * lr * scale * X.T @ ((T - Y) * d)
    return W + change if keep_w else change


_DELTA_MISTAKES = (
    Mistake("no_slope", lambda W, X, T, lr: _delta_variant(W, X, T, lr, slope="none"),
            "your δ is the error T − Y alone: the slope of the sigmoid, σ′(net) = Y(1 − Y), "
            "is missing (that rule is the one for a linear unit)."),
    Mistake("averaged", lambda W, X, T, lr: _delta_variant(W, X, T, lr, scale=1 / len(X)),
            "your change is the right one divided by N, the number of samples: that is the "
            "gradient of the *averaged* error. This exercise uses the summed error of the "
            "notes, E = ½ Σ (T − Y)², so the matrix product's sum is not divided."),
    Mistake("wrong_sign", lambda W, X, T, lr: _delta_variant(W, X, T, lr, sign=-1.0),
            "your step goes uphill: the error is T − Y (target minus output), and the rule "
            "adds η Xᵀδ to W."),
    Mistake("slope_y_only", lambda W, X, T, lr: _delta_variant(W, X, T, lr, slope="y"),
            "your slope is Y alone; σ′(net) = Y(1 − Y) has a second factor."),
    Mistake("slope_at_output", lambda W, X, T, lr: _delta_variant(W, X, T, lr, slope="at_y"),
            "you applied the sigmoid twice: the slope is σ′ at the weighted sum net = XW, "
            "which in terms of the output is Y(1 − Y), not σ(Y)(1 − σ(Y))."),
    Mistake("change_only", lambda W, X, T, lr: _delta_variant(W, X, T, lr, keep_w=False),
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
        "delta rule update", fn, _delta_rule_update, cases, mistakes=_DELTA_MISTAKES,
        input_names=["W", "X", "T", "lr"], output_names=["new W"],
        describe=lambda W, X, T, lr: f"Y = σ(XW) = {format_value(_sig(X @ W).ravel())}",
        hints=["three steps: the unit's output Y for the whole batch, the learning signal δ "
               "(one row per sample), then the change of W, summed over the samples.",
               "δ is the error T − Y times the sigmoid's slope at the weighted sum, which in "
               "terms of the output is Y(1 − Y). The product Xᵀδ sums x·δ over the samples and "
               "has one entry per weight, like W.",
               "Y = σ(XW);  δ = (T − Y) ∘ Y ∘ (1 − Y);  new W = W + η Xᵀδ."])


# ---------------------------------------------------------------------------
# 03 · backward pass of a two-layer net
# ---------------------------------------------------------------------------

def _backward_variant(X, T, W1, W2, lr, *, hidden_slope="y1", output_slope=True, sign=1.0,
                      scale=1.0, swap=False):
    Y1 = _sig(X @ W1)
    Y2 = _sig(Y1 @ W2)
    delta2 = (T - Y2) * (Y2 * (1.0 - Y2) if output_slope else 1.0)
    back = delta2 @ W2.T
    if hidden_slope == "y1":
        delta1 = back * Y1 * (1.0 - Y1)
    elif hidden_slope == "y2":
        delta1 = back * Y2 * (1.0 - Y2)
    else:
        delta1 = back
    dW1, dW2 = sign * scale * lr * X.T @ delta1, sign * scale * lr * Y1.T @ delta2
    return (dW2, dW1) if swap else (dW1, dW2)


def _backward_two_layer(X, T, W1, W2, lr):
    return _backward_variant(X, T, W1, W2, lr)


_BACKWARD_MISTAKES = (
    Mistake("no_hidden_slope",
            lambda *a: _backward_variant(*a, hidden_slope="none"),
            "dW2 is right, but δ¹ misses the hidden layer's own slope: the error sent back "
            "through (W²)ᵀ must be multiplied by σ′ of the hidden layer, Y¹(1 − Y¹)."),
    Mistake("no_output_slope",
            lambda *a: _backward_variant(*a, output_slope=False),
            "δ² misses the output layer's slope: it is (T − Y²) ∘ Y²(1 − Y²), and δ¹ is "
            "built from that δ²."),
    Mistake("no_slopes",
            lambda *a: _backward_variant(*a, hidden_slope="none", output_slope=False),
            "both learning signals miss their slope f′ = Y(1 − Y): each δ is an error "
            "times the slope of its own layer."),
    Mistake("hidden_slope_of_output",
            lambda *a: _backward_variant(*a, hidden_slope="y2"),
            "δ¹ uses the output layer's slope Y²(1 − Y²); each layer's δ needs the slope of "
            "its *own* layer, here Y¹(1 − Y¹)."),
    Mistake("gradient_not_change",
            lambda *a: _backward_variant(*a, sign=-1.0),
            "both results have the wrong sign: they are the gradients ∂E/∂W; the weight "
            "changes are ΔW = −η ∂E/∂W, which the error T − Y (not Y − T) gives directly."),
    Mistake("averaged",
            lambda X, *a: _backward_variant(X, *a, scale=1 / len(X)),
            "your changes are the right ones divided by N, the number of samples (the "
            "averaged error). Here the error is summed over the batch, as in the notes."),
    Mistake("swapped",
            lambda *a: _backward_variant(*a, swap=True),
            "you returned (dW2, dW1); the order asked for is (dW1, dW2)."),
)


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
    return run_check(
        "two-layer backward", fn, _backward_two_layer, cases, mistakes=_BACKWARD_MISTAKES,
        input_names=["X", "T", "W1", "W2", "lr"], output_names=["dW1", "dW2"],
        hints=["do the forward pass first (Y¹, then Y²), then go backwards: the output's "
               "learning signal δ², then the hidden layer's δ¹ (which needs δ²), then the two "
               "weight changes. Compare the shape of each array with the shapes in the text.",
               "each δ is an error times the slope Y(1 − Y) of its own layer. The hidden "
               "layer's error is δ² sent back through the weights, δ²(W²)ᵀ. A weight change is "
               "η times (the layer's input)ᵀ times the layer's δ.",
               "δ² = (T − Y²) ∘ Y²(1 − Y²);  δ¹ = δ²(W²)ᵀ ∘ Y¹(1 − Y¹);  "
               "dW2 = η (Y¹)ᵀδ²;  dW1 = η Xᵀδ¹."])


# ---------------------------------------------------------------------------
# 04 · derivatives
# ---------------------------------------------------------------------------

def _naive_sig(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


_SIGMOID_MISTAKES = (
    Mistake("sigma_itself", lambda z: _sig(z),
            "your result is σ(z) itself, the function and not its slope. The slope is "
            "largest at z = 0 (where it is ¼) and falls to 0 on both sides."),
    Mistake("applied_to_z", lambda z: np.asarray(z) * (1.0 - np.asarray(z)),
            "you computed z(1 − z): that is the derivative written in terms of the *output* "
            "y = σ(z). The input here is z, so compute σ(z) first."),
    Mistake("one_plus", lambda z: _sig(z) * (1.0 + _sig(z)),
            "your result is σ(z)(1 + σ(z)); the second factor is 1 − σ(z)."),
    Mistake("tanh_slope", lambda z: 1.0 - np.tanh(z) ** 2,
            "you used tanh′(z) = 1 − tanh²(z), the slope of tanh, not of the sigmoid."),
    Mistake("squared", lambda z: _sig(z) ** 2,
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


# ---------------------------------------------------------------------------
# 06 · VarianceScaling
# ---------------------------------------------------------------------------

def _fan(mode, n_in, n_out):
    return {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]


def _variance_scaling_std(scale, mode, n_in, n_out):
    return math.sqrt(scale / _fan(mode, n_in, n_out))


_VS_MISTAKES = (
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
        "VarianceScaling std", fn, _variance_scaling_std, cases, mistakes=_VS_MISTAKES,
        input_names=["scale", "mode", "n_in", "n_out"], output_names=["std"],
        hints=["check the three modes one at a time: which n does the failing case's mode use?",
               "VarianceScaling sets the *variance* of the weights to scale/n and you return "
               "the standard deviation, the square root of the variance. fan_avg uses the "
               "average of the two fans, which need not be a whole number.",
               "n = n_in (fan_in), n_out (fan_out) or (n_in + n_out)/2 (fan_avg); "
               "std = √(scale/n)."])


# ---------------------------------------------------------------------------
# 07 · BatchNorm forward
# ---------------------------------------------------------------------------

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


_BN_MISTAKES = (
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
        "BatchNorm forward", fn, _batchnorm_forward, cases, mistakes=_BN_MISTAKES,
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


# ---------------------------------------------------------------------------
# 08 · dropout
# ---------------------------------------------------------------------------

_DROPOUT_HINTS = [
    "three things are checked: which entries are dropped (a share p of them, at random, "
    "drawn anew from the rng you are given), what the kept entries become, and that p = 0 "
    "changes nothing.",
    "p is the *drop* probability: an entry survives with probability 1 − p. Draw one uniform "
    "random number per entry of X from `rng`, so the mask is random and reproducible. "
    "Dividing the survivors by 1 − p keeps the expected value of every entry equal to x.",
    "mask = 1 where the entry's uniform random number is ≥ p, else 0 (one number per entry "
    "of X); Y = X ∘ mask / (1 − p).",
]


def _dropout_run(fn, X, p, seed, timeout, gen=None):
    """(Y as float array or None, a Verdict to return or None)."""
    title = "dropout forward"
    rng = gen if gen is not None else np.random.default_rng(seed)
    inputs = (f"X = {format_value(X)} with entries in [1, 2), p = {p:g}, "
              f"rng = np.random.default_rng({seed})")
    info = {"inputs": inputs, "p": p}
    try:
        call = call_student(fn, (X, p, rng), timeout)
    except NotImplementedError:
        return None, not_implemented(title)
    except Timeout:
        return None, failed(title, f"p = {p:g}: did not finish within {timeout:g} s.",
                            hints=_DROPOUT_HINTS, inputs=inputs, details=info)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
        return None, failed(title, f"p = {p:g}: your function raised {type(exc).__name__}: "
                                   f"{exc}.", hints=_DROPOUT_HINTS, inputs=inputs, details=info)
    if call.value is None or call.value is Ellipsis:
        return None, not_implemented(title, "(Your function returned None: is the `return` "
                                            "line missing?)")
    if call.changed:
        return None, failed(title, f"p = {p:g}: your function changed its input X in place.",
                            diagnosis="an in-place operation (X *= mask, X[...] = 0) changes "
                                      "the caller's array too, so the layer's input is gone "
                                      "after the call (and backward needs it). Return a new "
                                      "array.", hints=_DROPOUT_HINTS, inputs=inputs,
                            details={**info, "mistake": "in_place"})
    try:
        Y = np.asarray(call.value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, failed(title, f"p = {p:g}: your result is a {type(call.value).__name__}, "
                                   "not an array of numbers.", hints=_DROPOUT_HINTS,
                            inputs=inputs, details=info)
    if Y.shape != X.shape:
        return None, failed(title, f"p = {p:g}: your result has shape {Y.shape}, expected "
                                   f"{X.shape} (one output per entry of X).",
                            hints=_DROPOUT_HINTS, inputs=inputs, details=info)
    if not np.all(np.isfinite(Y)):
        return None, failed(title, f"p = {p:g}: your result contains NaN or inf.",
                            hints=_DROPOUT_HINTS, inputs=inputs, details=info)
    return Y, None


def check_dropout_forward(fn: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    r"""Notebook 08: ``fn(X, p, rng) -> Y``, inverted dropout in training mode.

    Each entry is dropped with probability :math:`p` and the kept ones are
    divided by :math:`1-p`. The masks are random, so the check tests
    properties: every entry is 0 or :math:`x/(1-p)`, the dropped share is
    within 5 standard deviations of :math:`p`, ``p = 0`` changes nothing,
    each sample (row) gets its own mask, the mask comes from ``rng``
    (another generator gives another mask, the same seed the same mask, a
    second call a fresh one), and ``X`` is not changed in place.
    """
    title = "dropout forward"
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    if not callable(fn):
        return failed(title, f"expected a function, got {type(fn).__name__}. Pass the "
                             "function itself, without calling it.", hints=_DROPOUT_HINTS)
    X = np.random.default_rng(8).uniform(1.0, 2.0, (400, 50))

    def fail(p, seed, problem, diagnosis=None, mistake=None):
        return failed(title, f"p = {p:g}: {problem}.", diagnosis=diagnosis,
                      hints=_DROPOUT_HINTS,
                      inputs=(f"X = {format_value(X)} with entries in [1, 2), p = {p:g}, "
                              f"rng = np.random.default_rng({seed})"),
                      details={"p": p, "mistake": mistake})

    masks = {}
    for p in (0.0, 0.2, 0.5, 0.8):
        seed = int(p * 10)
        Y, verdict = _dropout_run(fn, X, p, seed, timeout)
        if verdict is not None:
            return verdict
        kept = Y != 0
        dropped = 1.0 - kept.mean()
        if p == 0.0:
            if not np.allclose(Y, X, rtol=1e-12, atol=0.0):
                diagnosis = ("with p = 0 nothing may be dropped and nothing rescaled, "
                             "Y = X. ")
                if dropped > 0.99:
                    diagnosis += ("You dropped everything: is p your *keep* probability? "
                                  "Here p is the drop rate.")
                    return fail(p, seed, f"you dropped {dropped:.0%} of the entries",
                                diagnosis, "p_is_keep")
                return fail(p, seed, f"Y differs from X ({dropped:.0%} of the entries dropped)",
                            diagnosis)
            continue
        scaled = X / (1.0 - p)
        if not np.allclose(Y[kept], scaled[kept], rtol=1e-9, atol=0.0):
            if np.allclose(Y[kept], X[kept], rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x, not x/(1 − p)",
                            "without the division by 1 − p the layer's output is on average "
                            "(1 − p)·x during training but x at test time. Inverted dropout "
                            "divides the kept entries by the keep probability 1 − p.",
                            "no_rescale")
            if np.allclose(Y[kept], X[kept] * (1.0 - p), rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x·(1 − p), not x/(1 − p)",
                            "you multiplied by the keep probability; inverted dropout "
                            "*divides* by it, so that the average output stays x.",
                            "multiplied")
            if np.allclose(Y[kept], X[kept] / p, rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x/p, not x/(1 − p)",
                            "you divided by the drop probability p; the kept entries are "
                            "divided by the keep probability 1 − p.", "divided_by_p")
            k = int(np.flatnonzero(kept.ravel() & ~np.isclose(Y, scaled).ravel())[0])
            idx = np.unravel_index(k, X.shape)
            return fail(p, seed, f"a kept entry is {Y[idx]:.4g} where x = {X[idx]:.4g}; "
                                 f"expected 0 or x/(1 − p) = {scaled[idx]:.4g}")
        if np.all(kept == kept[:1]):
            return fail(p, seed, "every row (sample) has the same mask",
                        "you drew one mask for the whole batch, so the same units are "
                        "dropped for every sample. Draw one random number per entry of X, "
                        "so each sample gets its own mask.", "one_mask_per_batch")
        if np.all(kept == kept[:, :1]):
            return fail(p, seed, "each row (sample) is either kept or dropped as a whole",
                        "you drew one number per sample, so whole samples vanish. Dropout "
                        "drops single units: one random number per entry of X.",
                        "one_mask_per_sample")
        sd = math.sqrt(p * (1 - p) / X.size)
        if abs(dropped - p) > 5 * sd:
            if abs(dropped - (1 - p)) <= 5 * sd:
                return fail(p, seed, f"you dropped {dropped:.1%} of the entries, expected "
                                     f"about {p:.0%}",
                            "that is 1 − p: you used p as the *keep* probability. Here p is "
                            "the drop rate, as in Keras's Dropout(rate) and PyTorch's "
                            "nn.Dropout(p): an entry is dropped with probability p.",
                            "p_is_keep")
            return fail(p, seed, f"you dropped {dropped:.1%} of the entries, expected about "
                                 f"{p:.0%}")
        masks[p] = kept
    # The mask must come from rng: other generator -> other mask, same seed -> same mask.
    other, verdict = _dropout_run(fn, X, 0.5, 6, timeout)
    if verdict is not None:
        return verdict
    if np.array_equal(other != 0, masks[0.5]):
        return fail(0.5, 6, "a different rng (seed 6 instead of 5) dropped exactly the same "
                            "entries",
                    "your mask does not depend on the rng: it is fixed. A network trained "
                    "with a fixed mask just drops the same units every step, which makes it "
                    "a smaller network, not dropout. Draw the mask from `rng`.", "fixed_mask")
    again, verdict = _dropout_run(fn, X, 0.5, 5, timeout)
    if verdict is not None:
        return verdict
    if not np.array_equal(again != 0, masks[0.5]):
        return fail(0.5, 5, "the same seed gave a different mask on a second run",
                    "your mask does not come from the rng you were given (np.random.random or "
                    "a generator of your own?), so a seeded run cannot be repeated. Draw it "
                    "from `rng`.", "global_random")
    gen = np.random.default_rng(9)
    first, verdict = _dropout_run(fn, X, 0.5, 9, timeout, gen=gen)
    if verdict is None:
        second, verdict = _dropout_run(fn, X, 0.5, 9, timeout, gen=gen)
    if verdict is not None:
        return verdict
    if np.array_equal(first != 0, second != 0):
        return fail(0.5, 9, "two calls with the same generator dropped the same entries",
                    "each call (each training step) must draw a fresh mask from `rng`; "
                    "yours repeats itself.", "repeated_mask")
    return passed(title, "masks drop the right share at random, anew on every call, and the "
                         "kept units are rescaled by 1/(1 − p), so the expected activation is "
                         "preserved.")


# ---------------------------------------------------------------------------
# 09 · clip by norm
# ---------------------------------------------------------------------------

def _clip_by_norm(g, max_norm):
    norm = float(np.linalg.norm(g))
    return g * (max_norm / norm) if norm > max_norm else g


def _clip_rows(g, max_norm, axis):
    norm = np.linalg.norm(g, axis=axis, keepdims=True)
    return np.where(norm > max_norm, g * max_norm / np.where(norm > 0, norm, 1.0), g)


_CLIP_MISTAKES = (
    Mistake("always_rescale", lambda g, m: g * (m / np.linalg.norm(g)),
            "you rescaled a gradient that was already short enough, which makes it *longer*. "
            "Clipping only acts when ‖g‖ > max_norm; otherwise g comes back unchanged."),
    Mistake("by_value", lambda g, m: np.clip(g, -m, m),
            "you clipped each entry to [−max_norm, max_norm] (clipping by value). That can "
            "turn the gradient's direction; clipping by norm rescales all entries by one "
            "factor, so the direction stays."),
    Mistake("squared_norm", lambda g, m: (g * (m / float(np.sum(g * g)))
                                          if float(np.sum(g * g)) > m else g),
            "you used the squared norm Σg²; the norm is its square root."),
    Mistake("per_row", lambda g, m: _clip_rows(g, m, -1),
            "you clipped each row separately; the norm is taken over all entries of g "
            "together, and one factor rescales them all."),
    Mistake("per_column", lambda g, m: _clip_rows(g, m, 0),
            "you clipped each column separately; the norm is taken over all entries of g "
            "together, and one factor rescales them all."),
    Mistake("matrix_2_norm", lambda g, m: (g * (m / np.linalg.norm(g, 2))
                                           if np.linalg.norm(g, 2) > m else g),
            "for a matrix, np.linalg.norm(g, 2) is the spectral norm (largest singular "
            "value), not the Euclidean length of all entries. Leave out the 2 (the default "
            "is the Frobenius norm, √Σg²)."),
    Mistake("unit_length", lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g,
            "your clipped gradient has norm 1; it should have norm max_norm."),
    Mistake("inverted_factor", lambda g, m: (g * (np.linalg.norm(g) / m)
                                             if np.linalg.norm(g) > m else g),
            "your factor is ‖g‖/max_norm, which makes a long gradient longer; it is "
            "max_norm/‖g‖."),
)


def check_clip_by_norm(fn: Any) -> Verdict:
    r"""Notebook 09: ``fn(g, max_norm) -> clipped g``.

    Rescale to norm ``max_norm`` only if :math:`\|g\|` is larger; otherwise
    return ``g`` (the input itself may be returned; changing it in place is
    rejected). Cases include a matrix and a zero gradient.
    """
    rng = np.random.default_rng(9)
    cases = [(np.array([3.0, 4.0]), 1.0), (np.array([3.0, 4.0]), 10.0),
             (rng.standard_normal(10) * 5, 2.0), (rng.standard_normal((3, 4)), 0.5),
             (np.array([[3.0, 0.0], [0.0, 4.0]]), 1.0), (np.zeros(3), 1.0),
             (np.array([3.0, 4.0]), 5.0)]
    return run_check(
        "clip by norm", fn, _clip_by_norm, cases, mistakes=_CLIP_MISTAKES,
        input_names=["g", "max_norm"], output_names=["clipped g"],
        describe=lambda g, m: f"‖g‖ = {format_value(round(float(np.linalg.norm(g)), 10))}",
        hints=["two situations: a gradient longer than max_norm gets shorter; a gradient that "
               "is already short enough comes back unchanged. Which one is the failing case?",
               "the norm is the Euclidean length of all entries together, whatever the "
               "array's shape. One factor rescales every entry, so the direction stays; "
               "divide only when the norm is larger than max_norm (never by a zero norm).",
               "‖g‖ = √(Σ gᵢ²) over all entries; if ‖g‖ > max_norm return g · max_norm/‖g‖ "
               "(a new array), else g."])
