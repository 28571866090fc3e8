"""Every analytic gradient in lessons_lib against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib import activations, gradcheck, layers, losses
from lessons_lib.model import MLP, Sequential

TOL = 1e-6


def _inputs(rng, shape):
    """Standard normal inputs pushed away from the kinks of ReLU-like functions at 0."""
    z = rng.standard_normal(shape)
    return np.where(np.abs(z) < 1e-3, 0.5, z)


def _activation_inputs(rng, shape):
    """Inputs in [-4, 4], away from 0: wide enough to reach the tails, narrow enough
    that a finite difference of a saturated function is still above round-off."""
    z = rng.uniform(-4.0, 4.0, shape)
    return np.where(np.abs(z) < 1e-3, 0.5, z)


# -- activations: elementwise derivative ----------------------------------------------------------
ELEMENTWISE = [
    ("linear", {}), ("sigmoid", {}), ("tanh", {}), ("relu", {}),
    ("leaky_relu", {"alpha": 0.01}), ("leaky_relu", {"alpha": 0.2}),
    ("prelu", {"alpha": 0.3}), ("elu", {"alpha": 1.0}), ("elu", {"alpha": 0.5}),
    ("selu", {}), ("softplus", {}), ("rrelu", {}), ("gelu", {}), ("silu", {}),
]


@pytest.mark.parametrize(("name", "params"), ELEMENTWISE,
                         ids=[f"{n}{p}" for n, p in ELEMENTWISE])
def test_activation_grad_matches_finite_differences(name, params, rng):
    act = activations.get(name, **params)
    z = _activation_inputs(rng, (6, 5))
    h = 1e-5
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    assert gradcheck.rel_error(act.grad(z), numeric) < TOL


def test_softmax_grad_is_the_jacobian_diagonal(rng):
    act = activations.get("softmax")
    z = rng.standard_normal((4, 5))
    h = 1e-5
    diag = np.zeros_like(z)
    for j in range(z.shape[1]):
        e = np.zeros_like(z)
        e[:, j] = h
        diag[:, j] = (act.forward(z + e)[:, j] - act.forward(z - e)[:, j]) / (2 * h)
    assert gradcheck.rel_error(act.grad(z), diag) < TOL


# -- layers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in activations.NAMES if n != "rrelu"])
def test_activation_layer_backward(name, rng):
    params = {"alpha": 0.2} if name in ("leaky_relu", "prelu") else {}
    errors = gradcheck.check_layer(layers.Activation(name, **params),
                                   _activation_inputs(rng, (5, 4)))
    assert max(errors.values()) < TOL, errors


def test_prelu_alpha_gradient(rng):
    layer = layers.Activation("prelu", alpha=0.1)
    errors = gradcheck.check_layer(layer, _inputs(rng, (6, 3)))
    assert set(errors) == {"X", "alpha"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("training", [True, False])
def test_rrelu_backward_both_modes(training, rng):
    layer = layers.Activation("rrelu", lower=0.1, upper=0.3)

    def reset():
        layer.fn.rng = np.random.default_rng(7)

    errors = gradcheck.check_layer(layer, _inputs(rng, (5, 4)), training=training, reset=reset)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("bias", [True, False])
def test_dense_backward(bias, rng):
    layer = layers.Dense(4, 3, bias=bias, seed=1)
    errors = gradcheck.check_layer(layer, rng.standard_normal((5, 4)))
    assert set(errors) == ({"X", "W", "b"} if bias else {"X", "W"})
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_2d_backward(training, rng):
    bn = layers.BatchNorm(4, momentum=0.9)
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, 4)
    bn.params["beta"][:] = rng.standard_normal(4)
    bn.running_mean = rng.standard_normal(4)
    bn.running_var = rng.uniform(0.5, 2.0, 4)
    X = rng.normal(2.0, 3.0, (6, 4))
    if training:
        # training-mode passes move the running statistics; that must not matter here
        errors = gradcheck.check_layer(bn, X, training=True)
    else:
        errors = gradcheck.check_layer(bn, X, training=False)
    assert set(errors) == {"X", "gamma", "beta"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(("axis", "shape"), [(1, (3, 2, 4, 5)), (-1, (3, 4, 5, 2))])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_4d_backward(axis, shape, training, rng):
    bn = layers.BatchNorm(2, axis=axis)
    bn.params["gamma"][:] = [1.5, 0.7]
    bn.params["beta"][:] = [0.1, -0.2]
    errors = gradcheck.check_layer(bn, rng.standard_normal(shape), training=training)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("inverted", [True, False])
@pytest.mark.parametrize("training", [True, False])
def test_dropout_backward_with_fixed_rng(inverted, training, rng):
    layer = layers.Dropout(0.4, inverted=inverted)

    def reset():
        layer.rng = np.random.default_rng(3)

    errors = gradcheck.check_layer(layer, rng.standard_normal((8, 5)), training=training,
                                   reset=reset)
    assert max(errors.values()) < TOL, errors


def test_residual_backward(rng):
    block = [layers.Dense(4, 4, seed=2, name="d"), layers.Activation("tanh", name="a")]
    errors = gradcheck.check_layer(layers.Residual(block), rng.standard_normal((5, 4)))
    assert set(errors) == {"X", "d.W", "d.b"}
    assert max(errors.values()) < TOL, errors


def test_sequential_backward(rng):
    chain = Sequential([layers.Dense(4, 3, seed=2, name="d"), layers.Activation("tanh"),
                        layers.BatchNorm(3, name="bn"), layers.Dense(3, 2, seed=3, name="e")])
    errors = gradcheck.check_layer(chain, rng.standard_normal((5, 4)))
    assert set(errors) == {"X", "d.W", "d.b", "bn.gamma", "bn.beta", "e.W", "e.b"}
    assert max(errors.values()) < TOL, errors


# -- losses ---------------------------------------------------------------------------------------
def _loss_grad_error(loss, Y):
    _, dY = loss(Y)
    numeric = gradcheck.numerical_gradient(lambda: loss(Y)[0], Y)
    return gradcheck.rel_error(dY, numeric)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_gradient(reduction, rng):
    T = rng.standard_normal((5, 3))
    Y = rng.standard_normal((5, 3))
    assert _loss_grad_error(lambda Y: losses.mse(Y, T, reduction=reduction), Y) < TOL


def test_mse_is_the_half_sum_of_the_notes():
    loss, dY = losses.mse(np.array([[1.0, 2.0]]), np.array([[0.0, 4.0]]), reduction="sum")
    assert loss == pytest.approx(0.5 * (1.0 + 4.0))
    np.testing.assert_allclose(dY, [[1.0, -2.0]])


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_cross_entropy_gradient(from_logits, rng):
    T = rng.integers(0, 2, (6, 2)).astype(float)
    Y = rng.standard_normal((6, 2)) if from_logits else rng.uniform(0.05, 0.95, (6, 2))
    loss = lambda Y: losses.binary_cross_entropy(Y, T, from_logits=from_logits)  # noqa: E731
    assert _loss_grad_error(loss, Y) < TOL


def test_binary_cross_entropy_logits_agrees_with_probabilities(rng):
    Z = rng.standard_normal((5, 1))
    T = rng.integers(0, 2, (5, 1)).astype(float)
    a, _ = losses.binary_cross_entropy(Z, T, from_logits=True)
    b, _ = losses.binary_cross_entropy(activations.sigmoid(Z), T)
    assert a == pytest.approx(b, rel=1e-10)


@pytest.mark.parametrize("labels", [True, False])
def test_softmax_cross_entropy_gradient(labels, rng):
    y = rng.integers(0, 4, 6)
    T = y if labels else np.eye(4)[y]
    Z = rng.standard_normal((6, 4))
    assert _loss_grad_error(lambda Z: losses.softmax_cross_entropy(Z, T), Z) < TOL


def test_layernorm_backward(rng):
    layer = layers.LayerNorm(5)
    layer.params["gamma"] = rng.standard_normal(5)
    layer.params["beta"] = rng.standard_normal(5)
    for training in (True, False):                       # the same computation either way
        errors = gradcheck.check_layer(layer, rng.standard_normal((4, 5)), training=training)
        assert max(errors.values()) < TOL, errors


def test_layernorm_backward_with_a_single_sample(rng):
    layer = layers.LayerNorm(6)
    layer.params["gamma"] = rng.standard_normal(6)
    errors = gradcheck.check_layer(layer, rng.standard_normal((1, 6)))
    assert max(errors.values()) < TOL, errors


# -- whole models ---------------------------------------------------------------------------------
MODEL_CONFIGS = [
    {"activation": "sigmoid"},
    {"activation": "tanh", "init": "lecun_normal"},
    {"activation": "relu", "init": "he_normal"},
    {"activation": "leaky_relu", "activation_params": {"alpha": 0.2}},
    {"activation": "prelu"},
    {"activation": "elu"},
    {"activation": "selu", "init": "lecun_normal"},
    {"activation": "softplus"},
    {"activation": "tanh", "batchnorm": True},
    {"activation": "relu", "residual": True},
    {"activation": "tanh", "batchnorm": True, "residual": True},
    {"activation": "gelu", "layernorm": True},
    {"activation": "silu", "layernorm": True, "residual": True},
    {"activation": "tanh", "dropout": 0.3},
    {"activation": "rrelu"},
    {"activation": "tanh", "output_activation": "sigmoid"},
    {"activation": "tanh", "output_activation": "softmax"},
]


@pytest.mark.parametrize("config", MODEL_CONFIGS, ids=[str(c) for c in MODEL_CONFIGS])
def test_mlp_backward(config, rng):
    model = MLP([3, 4, 4, 2], seed=1, **config)
    for key, p in model.parameters().items():
        if key.endswith(".b"):
            # zero biases put a sample whose previous layer is all-dead exactly on the
            # ReLU kink (net = 0), where no derivative exists and FD is meaningless
            p[:] = rng.uniform(0.05, 0.15, p.shape)
    X = _inputs(rng, (5, 3))
    T = rng.uniform(0.1, 0.9, (5, 2))
    stochastic = [la for la in model._leaves()
                  if isinstance(la, layers.Dropout)
                  or (isinstance(la, layers.Activation) and la.fn.name == "rrelu")]

    def reset():
        for k, la in enumerate(stochastic):
            target = la if isinstance(la, layers.Dropout) else la.fn
            target.rng = np.random.default_rng(100 + k)

    errors = gradcheck.check_model(model, X, lambda Y: losses.mse(Y, T), reset=reset)
    assert set(errors) == {"X", *model.parameters()}
    assert max(errors.values()) < TOL, errors


def test_mlp_backward_in_inference_mode(rng):
    model = MLP([3, 4, 4, 2], activation="tanh", batchnorm=True, dropout=0.5, seed=2)
    model.forward(rng.standard_normal((8, 3)))      # move the running statistics off 0/1
    X = rng.standard_normal((5, 3))
    T = rng.standard_normal((5, 2))
    errors = gradcheck.check_model(model, X, lambda Y: losses.mse(Y, T), training=False)
    assert max(errors.values()) < TOL, errors


def test_gradcheck_detects_a_wrong_gradient(rng):
    """The checker itself must be able to fail: break Dense.backward and watch it."""
    layer = layers.Dense(3, 2, seed=0)
    right = gradcheck.check_layer(layer, rng.standard_normal((4, 3)))
    original = layer._backward

    def wrong(dout):
        dX = original(dout)
        layer.grads["W"] = layer.grads["W"] * 1.01
        return dX

    layer._backward = wrong
    broken = gradcheck.check_layer(layer, rng.standard_normal((4, 3)))
    assert right["W"] < TOL < broken["W"]


def test_rel_error_never_divides_by_zero():
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.rel_error(np.array([2.0, 0.0]), np.array([2.0 + 2e-9, 0.0])) == \
        pytest.approx(1e-9, rel=1e-6)


def test_rel_error_sees_a_wrong_entry_at_the_arrays_scale():
    right = np.array([1.0, -0.5, 0.25])
    assert gradcheck.rel_error(right, right * (1 + 1e-9)) < TOL
    assert gradcheck.rel_error(right, right + np.array([0.0, 0.0, 0.01])) == pytest.approx(0.01)
    assert gradcheck.rel_error(right, -right) == pytest.approx(2.0)
