"""The notebook self-checks: right answers pass, wrong ones get a useful verdict.

Every student function below is written here, from the formulas in the
notebooks, not by calling the package's reference implementations.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from lessons_lib import exercises

# ---------------------------------------------------------------------------
# Correct student answers
# ---------------------------------------------------------------------------


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def perceptron_ok(w, x, t, lr):
    y = 1.0 if float(np.sum(w * x)) > 0.0 else 0.0
    return w + lr * (t - y) * x


def delta_rule_ok(W, X, T, lr):
    Y = _sig(X @ W)
    return W + lr * X.T @ ((T - Y) * Y * (1.0 - Y))


def backward_two_layer_ok(X, T, W1, W2, lr):
    H = _sig(X @ W1)
    Out = _sig(H @ W2)
    d_out = (T - Out) * Out * (1.0 - Out)
    d_hid = (d_out @ W2.T) * H * (1.0 - H)
    return lr * X.T @ d_hid, lr * H.T @ d_out


def sigmoid_grad_ok(z):
    s = _sig(z)
    return s * (1.0 - s)


def leaky_relu_grad_ok(z, alpha):
    g = np.full(np.shape(z), float(alpha))
    g[z > 0] = 1.0
    return g


def variance_scaling_std_ok(scale, mode, n_in, n_out):
    if mode == "fan_in":
        n = n_in
    elif mode == "fan_out":
        n = n_out
    else:
        n = 0.5 * (n_in + n_out)
    return math.sqrt(scale / n)


def batchnorm_forward_ok(X, gamma, beta, eps):
    m = X.shape[0]
    mu = X.sum(axis=0) / m
    var = ((X - mu) ** 2).sum(axis=0) / m
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def dropout_forward_ok(X, p, rng):
    keep = rng.binomial(1, 1.0 - p, size=X.shape)
    return X * keep / (1.0 - p)


def clip_by_norm_ok(g, max_norm):
    norm = math.sqrt(float(np.sum(g * g)))
    if norm <= max_norm:
        return g
    return g * (max_norm / norm)


# ---------------------------------------------------------------------------
# Typical mistakes
# ---------------------------------------------------------------------------

def perceptron_wrong_sign(w, x, t, lr):
    y = 1.0 if float(np.sum(w * x)) > 0.0 else 0.0
    return w + lr * (y - t) * x                       # error taken the wrong way round


def delta_rule_no_derivative(W, X, T, lr):
    Y = _sig(X @ W)
    return W + lr * X.T @ (T - Y)                     # forgot sigma'(net)


def backward_two_layer_no_hidden_derivative(X, T, W1, W2, lr):
    H = _sig(X @ W1)
    Out = _sig(H @ W2)
    d_out = (T - Out) * Out * (1.0 - Out)
    d_hid = d_out @ W2.T                               # forgot H * (1 - H)
    return lr * X.T @ d_hid, lr * H.T @ d_out


def sigmoid_grad_missing_factor(z):
    return _sig(z)                                    # forgot the (1 - s) factor


def leaky_relu_grad_wrong_at_zero(z, alpha):
    return np.where(z >= 0, 1.0, alpha)               # slope 1 at exactly 0


def variance_scaling_always_fan_in(scale, mode, n_in, n_out):
    return math.sqrt(scale / n_in)                    # ignores mode


def batchnorm_forward_ddof1(X, gamma, beta, eps):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0, ddof=1) + eps) + beta


def dropout_forward_no_rescale(X, p, rng):
    return X * (rng.random(X.shape) >= p)             # expected activation shrinks


def clip_by_norm_always(g, max_norm):
    return g * (max_norm / np.linalg.norm(g))         # rescales short gradients too


def gradient_ratio_ok(depth):
    return 0.25 ** (depth - 1)


def gradient_ratio_one_layer_too_many(depth):
    return 0.25 ** depth


def rnn_step_backward_ok(dh, x, h_prev, h, W_x, W_h):
    delta = dh * (1.0 - h * h)
    return delta @ W_h.T, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)


def rnn_step_backward_no_tanh_slope(dh, x, h_prev, h, W_x, W_h):
    return dh @ W_h.T, x.T @ dh, h_prev.T @ dh, dh.sum(axis=0)


def repeated_factor_ok(factor, layers):
    return factor ** layers


def repeated_factor_one_short(factor, layers):
    return factor ** max(layers - 1, 0)


CHECKS = {
    "check_perceptron_update": (perceptron_ok, perceptron_wrong_sign),
    "check_delta_rule_update": (delta_rule_ok, delta_rule_no_derivative),
    "check_backward_two_layer": (backward_two_layer_ok, backward_two_layer_no_hidden_derivative),
    "check_sigmoid_grad": (sigmoid_grad_ok, sigmoid_grad_missing_factor),
    "check_leaky_relu_grad": (leaky_relu_grad_ok, leaky_relu_grad_wrong_at_zero),
    "check_variance_scaling_std": (variance_scaling_std_ok, variance_scaling_always_fan_in),
    "check_batchnorm_forward": (batchnorm_forward_ok, batchnorm_forward_ddof1),
    "check_dropout_forward": (dropout_forward_ok, dropout_forward_no_rescale),
    "check_clip_by_norm": (clip_by_norm_ok, clip_by_norm_always),
    "check_gradient_ratio": (gradient_ratio_ok, gradient_ratio_one_layer_too_many),
    "check_repeated_factor": (repeated_factor_ok, repeated_factor_one_short),
    "check_rnn_step_backward": (rnn_step_backward_ok, rnn_step_backward_no_tanh_slope),
}
# Checks that take a value rather than a function are tested with their lesson.
TAKES_A_VALUE = {"check_lab_setting": "tests/test_nb11_lab.py"}
NAMES = sorted(CHECKS)


def _check(name):
    return getattr(exercises, name)


def _run(name, student):
    """Run a check; a verdict must come back, never an exception."""
    try:
        verdict = _check(name)(student)
    except BaseException as exc:  # noqa: BLE001 - the point is that nothing escapes
        pytest.fail(f"{name} raised {type(exc).__name__}: {exc}")
    assert isinstance(verdict, exercises.Verdict)
    assert isinstance(verdict.message, str) and verdict.message
    assert bool(verdict) is verdict.passed
    return verdict


# -- derived students ----------------------------------------------------------

def _wrong_shape(fn):
    def student(*args):
        out = fn(*args)
        if isinstance(out, tuple):
            return (np.stack([out[0], out[0]]), *out[1:])
        return np.stack([np.asarray(out), np.asarray(out)])
    return student


def _with_nan(fn):
    def student(*args):
        out = fn(*args)
        if isinstance(out, tuple):
            return (np.asarray(out[0]) * np.nan, *out[1:])
        return np.asarray(out, dtype=np.float64) * np.nan
    return student


def _raises_value_error(*args):
    raise ValueError("shapes do not align")


def _not_implemented(*args):
    raise NotImplementedError


def _ellipsis_body(*args):
    ...


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------

def test_every_check_is_covered():
    found = sorted(n for n in exercises.__all__ if n.startswith("check_"))
    assert found == sorted([*NAMES, *TAKES_A_VALUE])


@pytest.mark.parametrize("name", NAMES)
def test_correct_answer_passes(name):
    verdict = _run(name, CHECKS[name][0])
    assert verdict.passed is True, verdict.message
    assert verdict.message.startswith("✓")


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
def test_typical_mistake_fails_with_a_hint(name):
    verdict = _run(name, CHECKS[name][1])
    assert verdict.passed is False
    assert verdict.message.startswith("✗")
    assert "Hint" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_wrong_shape_is_reported(name):
    verdict = _run(name, _wrong_shape(CHECKS[name][0]))
    assert verdict.passed is False
    assert "shape" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_nan_result_is_reported(name):
    verdict = _run(name, _with_nan(CHECKS[name][0]))
    assert verdict.passed is False
    assert "NaN" in verdict.message


@pytest.mark.parametrize("name", NAMES)
def test_raised_error_is_reported_by_type(name):
    verdict = _run(name, _raises_value_error)
    assert verdict.passed is False
    assert "ValueError" in verdict.message
    assert "shapes do not align" in verdict.message


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("not_a_function", [42, None, "sigmoid"], ids=["int", "none", "str"])
def test_non_callable_gets_a_verdict(name, not_a_function):
    verdict = _run(name, not_a_function)
    assert verdict.passed is False
    assert "expected a function" in verdict.message


def test_list_result_with_right_values_passes():
    verdict = _run("check_sigmoid_grad", lambda z: sigmoid_grad_ok(z).tolist())
    assert verdict.passed is True, verdict.message


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
