"""The claims CURRICULUM.md requires, each one asserted (seeded, deterministic).

Notebooks quote these facts; if the code and the prose ever drift apart, a
test here fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib import activations, experiments, layers, losses, optim
from lessons_lib.model import MLP


# -- derivatives ----------------------------------------------------------------------------------
def test_max_sigmoid_derivative_is_a_quarter_at_zero():
    z = np.linspace(-10, 10, 200_001)          # includes z = 0 exactly
    g = activations.get("sigmoid").grad(z)
    assert g.max() == pytest.approx(0.25, abs=1e-15)
    assert z[np.argmax(g)] == 0.0
    assert activations.get("sigmoid").max_grad == 0.25


def test_max_tanh_derivative_is_one():
    z = np.linspace(-10, 10, 200_001)
    g = activations.get("tanh").grad(z)
    assert g.max() == pytest.approx(1.0, abs=1e-15)
    assert z[np.argmax(g)] == 0.0


def test_tanh_is_a_rescaled_sigmoid():
    z = np.linspace(-20, 20, 4001)
    np.testing.assert_allclose(np.tanh(z), 2 * activations.sigmoid(2 * z) - 1, atol=1e-15)


def test_sigmoid_chain_bound_is_a_quarter_to_the_depth():
    env = experiments.gradient_envelope(10, activation="sigmoid", init="glorot_uniform")
    np.testing.assert_allclose(env, 0.25 ** np.arange(9, -1, -1), rtol=1e-12)


# -- vanishing / exploding ------------------------------------------------------------------------
@pytest.mark.parametrize("quantity", ["weight", "delta"])
def test_deep_sigmoid_glorot_first_layer_gradient_vanishes_and_gap_grows(quantity):
    gaps = []
    for depth in (5, 10, 20):
        g = experiments.gradient_profile(depth, activation="sigmoid", init="glorot_uniform",
                                         quantity=quantity)
        assert np.all(np.isfinite(g)) and g[0] > 0
        gaps.append(g[-1] / g[0])
    assert gaps[0] > 1e2                        # orders of magnitude already at depth 5
    assert gaps[0] < gaps[1] < gaps[2]          # and the gap grows with depth
    assert gaps[2] > 1e10


def test_layers_near_the_output_learn_faster_during_training():
    """Per-layer learning speed: the input-side weights of a deep sigmoid net barely move."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 8))
    T = np.sin(X[:, :1])
    model = MLP([8] + [16] * 8 + [1], activation="sigmoid", seed=0)
    start = {k: v.copy() for k, v in model.parameters().items()}
    opt = optim.SGD(lr=0.5)
    for _ in range(50):
        _, dY = losses.mse(model.forward(X), T)
        model.backward(dY)
        opt.step(model.parameters(), model.gradients())
    moved = [np.linalg.norm(model.parameters()[f"dense{i}.W"] - start[f"dense{i}.W"])
             / np.linalg.norm(start[f"dense{i}.W"]) for i in range(9)]
    assert moved[-1] > 100 * moved[0]


def test_linear_net_delta_explodes_while_weight_gradient_stays_level():
    kw = dict(activation="linear", init="lecun_normal", weight_scale=1.5, width=64)
    delta = experiments.gradient_profile(30, quantity="delta", **kw)
    weight = experiments.gradient_profile(30, quantity="weight", **kw)
    assert delta[0] / delta[-1] > 1e4                 # grows by ~1.5 per layer toward the input
    assert weight.max() / weight.min() < 10           # within one order of magnitude
    assert np.all(np.diff(np.log(delta)) < 0)         # strictly shrinking from input to output


def test_outlier_input_inflates_the_loss():
    rng = np.random.default_rng(1)
    model = MLP([4, 16, 1], activation="relu", init="he_normal", seed=1)
    X = rng.standard_normal((32, 4))
    T = rng.standard_normal((32, 1))
    base, _ = losses.mse(model.forward(X), T)
    X_out = X.copy()
    X_out[0] *= 100
    inflated, dY = losses.mse(model.forward(X_out), T)
    assert inflated > 10 * base                  # one outlier in 32 samples
    model.backward(dY)
    assert np.abs(dY[0]).item() > 10 * np.abs(dY[1:]).max()   # and dominates the error signal


# -- initialization -------------------------------------------------------------------------------
def test_relu_he_keeps_activation_variance_over_50_layers_and_bad_scales_do_not():
    kw = dict(activation="relu", init="he_normal", width=256, batch=512)
    good = experiments.activation_profile(50, **kw)["std"]
    assert 0.5 < good[-1] / good[0] < 2.0
    assert good.max() / good.min() < 2.0
    small = experiments.activation_profile(50, weight_scale=0.5, **kw)["std"]
    large = experiments.activation_profile(50, weight_scale=2.0, **kw)["std"]
    assert small[-1] / small[0] < 1e-10          # vanishes (about 0.5 per layer)
    assert large[-1] / large[0] > 1e10           # explodes (about 2 per layer)


def test_selu_self_normalizes_under_its_three_conditions():
    prof = experiments.activation_profile(50, activation="selu", init="lecun_normal",
                                          width=256, batch=512)
    assert np.all(np.abs(prof["mean"]) < 0.1)
    assert np.all(np.abs(prof["std"] - 1.0) < 0.1)


@pytest.mark.parametrize("broken", [{"init": "he_normal"}, {"residual": True},
                                    {"weight_scale": 1.5}], ids=["not-lecun", "not-sequential",
                                                                 "scaled-weights"])
def test_selu_drifts_when_a_condition_is_broken(broken):
    kw = dict(activation="selu", init="lecun_normal", width=256, batch=512)
    kw.update(broken)
    std = experiments.activation_profile(50, **kw)["std"]
    assert std[-1] > 10


def test_selu_with_unstandardized_inputs_starts_off_and_is_pulled_back():
    prof = experiments.activation_profile(50, activation="selu", init="lecun_normal",
                                          width=256, batch=512, input_mean=2.0, input_std=3.0)
    assert abs(prof["std"][0] - 1.0) > 1.0       # the first layers are far from std 1 ...
    assert abs(prof["std"][-1] - 1.0) < 0.1      # ... until the fixed point pulls them back


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_symmetric_init_leaves_hidden_units_identical_after_training(init):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 2))
    T = (X[:, :1] * X[:, 1:] > 0).astype(float)
    model = MLP([2, 6, 5, 1], activation="tanh", init=init, seed=3)
    before = {k: v.copy() for k, v in model.parameters().items()}
    opt = optim.SGD(lr=0.5)
    for _ in range(100):
        _, dY = losses.mse(model.forward(X), T)
        model.backward(dY)
        opt.step(model.parameters(), model.gradients())
    p = model.parameters()
    # identical up to round-off: BLAS may sum one column in another order (1 ulp),
    # while units that had broken symmetry would differ by O(1)
    same = dict(rtol=1e-12, atol=1e-15)
    for key in ("dense0.W", "dense1.W"):
        W = p[key]
        np.testing.assert_allclose(W, np.repeat(W[:, :1], W.shape[1], axis=1), **same)
    for key in ("dense0.b", "dense1.b"):
        np.testing.assert_allclose(p[key], p[key][0], **same)
    H = model.activation_layers[0]._cache[1]
    np.testing.assert_allclose(H, np.repeat(H[:, :1], H.shape[1], axis=1), **same)
    if init == "constant":                        # and it is not because nothing moved
        assert not np.allclose(p["dense0.W"], before["dense0.W"])


# -- batch normalization --------------------------------------------------------------------------
def test_batchnorm_training_output_is_standardized_per_feature():
    rng = np.random.default_rng(4)
    X = rng.normal([5.0, -3.0, 0.0], [10.0, 0.1, 2.0], (256, 3))
    Y = layers.BatchNorm(3).forward(X, training=True)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=0), 1.0, atol=1e-3)    # eps = 1e-5 shrinks it a hair


def test_batchnorm_inference_uses_the_running_statistics():
    rng = np.random.default_rng(5)
    bn = layers.BatchNorm(2, momentum=0.9)
    for _ in range(200):
        bn.forward(rng.normal([3.0, -1.0], [2.0, 0.5], (64, 2)), training=True)
    np.testing.assert_allclose(bn.running_mean, [3.0, -1.0], atol=0.1)
    np.testing.assert_allclose(bn.running_var, [4.0, 0.25], rtol=0.1)
    x = np.array([[3.0, -1.0], [5.0, 0.0]])
    expected = (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
    np.testing.assert_allclose(bn.forward(x, training=False), expected)
    # one sample at inference: no batch statistics needed
    assert bn.forward(x[:1], training=False).shape == (1, 2)


def test_batchnorm_4d_normalizes_each_channel_over_batch_height_width():
    rng = np.random.default_rng(6)
    X = rng.normal(0, 1, (4, 3, 5, 5)) * np.array([1, 10, 100])[None, :, None, None]
    Y = layers.BatchNorm(3, axis=1).forward(X)
    np.testing.assert_allclose(Y.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=(0, 2, 3)), 1.0, atol=1e-3)


# -- dropout --------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_inverted_dropout_preserves_the_expected_activation(p):
    X = np.random.default_rng(7).uniform(0.5, 1.5, (500, 400))
    layer = layers.Dropout(p, seed=8)
    Y = layer.forward(X, training=True)
    se = X.std() * np.sqrt(p / (1 - p) / X.size) + X.mean() * np.sqrt(p / (1 - p) / X.size)
    assert abs(Y.mean() - X.mean()) < 5 * se
    np.testing.assert_array_equal(layer.forward(X, training=False), X)


def test_test_time_scaling_matches_inverted_dropout_in_expectation():
    X = np.random.default_rng(9).uniform(0.5, 1.5, (500, 400))
    classic = layers.Dropout(0.5, inverted=False, seed=10)
    train_mean = classic.forward(X, training=True).mean()
    test_mean = classic.forward(X, training=False).mean()
    assert test_mean == pytest.approx(0.5 * X.mean())
    assert train_mean == pytest.approx(test_mean, rel=0.01)


def test_dropout_gradient_flows_only_through_kept_units():
    X = np.ones((20, 30))
    layer = layers.Dropout(0.5, seed=11)
    Y = layer.forward(X)
    dX = layer.backward(np.ones_like(X))
    np.testing.assert_array_equal(dX == 0, Y == 0)


# -- clipping -------------------------------------------------------------------------------------
def test_clip_by_norm_keeps_direction_clip_by_value_does_not():
    g = np.array([10.0, 1.0, -0.5])
    by_norm = optim.clip_by_norm(g, 1.0)
    by_value = optim.clip_by_value({"g": g}, 1.0)["g"]

    def cos(a, b):
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))

    assert cos(by_norm, g) == pytest.approx(1.0, abs=1e-15)
    assert np.linalg.norm(by_norm) == pytest.approx(1.0)
    assert cos(by_value, g) < 0.8


def test_batchnorm_on_a_constant_feature_is_defined_not_nan():
    """Variance 0: eps keeps x̂ = 0 (output = β), and the backward pass stays finite."""
    X = np.c_[np.full(8, 3.0), np.arange(8.0)]
    bn = layers.BatchNorm(2)
    bn.params["beta"][:] = [0.5, 0.0]
    Y = bn.forward(X, training=True)
    assert np.all(np.isfinite(Y))
    np.testing.assert_allclose(Y[:, 0], 0.5)
    dX = bn.backward(np.ones_like(Y))
    assert np.all(np.isfinite(dX))


def test_batchnorm_refuses_a_batch_of_one_in_training_with_a_clear_message():
    bn = layers.BatchNorm(3)
    with pytest.raises(ValueError, match="at least 2 values per feature"):
        bn.forward(np.ones((1, 3)), training=True)
    assert np.all(np.isfinite(bn.forward(np.ones((1, 3)), training=False)))
