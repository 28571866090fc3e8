"""Unit tests of data, optim, probes, model and BatchNorm, with expectations worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lessons_lib import data, gradcheck, losses, optim, probes
from lessons_lib.layers import Activation, BatchNorm, Dense, Residual
from lessons_lib.model import MLP, Sequential

# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------

GENERATORS = {
    "moons": lambda n, **kw: data.moons(n, **kw),
    "circles": lambda n, **kw: data.circles(n, **kw),
    "spirals": lambda n, **kw: data.spirals(n, n_classes=3, **kw),
    "blobs": lambda n, **kw: data.blobs(n, centers=4, **kw),
}
N_CLASSES = {"moons": 2, "circles": 2, "spirals": 3, "blobs": 4}


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [2, 7, 200])
def test_dataset_shapes_and_balanced_labels(name, n):
    X, y = GENERATORS[name](n, seed=0)
    k = N_CLASSES[name]
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert np.all(np.isfinite(X))
    assert set(np.unique(y)) <= set(range(k))
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n
    # n points split over k classes as evenly as possible: sizes differ by <= 1.
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_dataset_is_deterministic_per_seed(name):
    X1, y1 = GENERATORS[name](60, seed=5)
    X2, y2 = GENERATORS[name](60, seed=5)
    X3, y3 = GENERATORS[name](60, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    # rng= and seed= are the same stream.
    X4, y4 = GENERATORS[name](60, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(X1, X4)
    np.testing.assert_array_equal(y1, y4)


def test_circles_without_noise_lie_on_two_radii():
    factor = 0.3
    X, y = data.circles(100, noise=0.0, factor=factor, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[y == 1], factor, rtol=1e-12)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = data.moons(50, noise=0.0, seed=2)
    upper, lower = X[y == 0], X[y == 1]
    # Class 0: unit circle, y >= 0. Class 1: unit circle centered at (1, 0.5), y <= 0.5.
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


@pytest.mark.parametrize(("gate", "rule"), [
    ("and", lambda a, b: a and b),
    ("or", lambda a, b: a or b),
    ("xor", lambda a, b: a != b),
    ("nand", lambda a, b: not (a and b)),
    ("XOR", lambda a, b: a != b),
])
def test_logic_gate_truth_tables(gate, rule):
    X, y = data.logic_gate(gate)
    assert X.shape == (4, 2) and y.shape == (4,)
    # All four input combinations, each once.
    assert {tuple(row) for row in X.astype(int)} == {(0, 0), (0, 1), (1, 0), (1, 1)}
    want = [int(bool(rule(bool(a), bool(b)))) for a, b in X.astype(int)]
    assert y.tolist() == want


def test_logic_gate_returns_fresh_arrays():
    _, y = data.logic_gate("and")
    y[:] = 7
    assert data.logic_gate("and")[1].tolist() == [0, 0, 0, 1]


def test_standardize_gives_mean_zero_std_one():
    rng = np.random.default_rng(3)
    X = rng.normal(loc=[5.0, -2.0, 100.0], scale=[0.1, 3.0, 40.0], size=(500, 3))
    Z = data.standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    # A per-column affine map: correlations are unchanged.
    np.testing.assert_allclose(np.corrcoef(Z.T), np.corrcoef(X.T), atol=1e-12)


# ---------------------------------------------------------------------------
# optim
# ---------------------------------------------------------------------------

def test_sgd_step_is_w_minus_lr_g():
    params = {"dense0.W": np.array([[1.0, -2.0], [0.5, 0.0]]), "dense0.b": np.array([3.0, 4.0])}
    grads = {"dense0.W": np.array([[0.5, 0.25], [-1.0, 2.0]]), "dense0.b": np.array([1.0, -1.0])}
    W_obj = params["dense0.W"]
    optim.SGD(lr=0.1).step(params, grads)
    # 1 - 0.05 = 0.95, -2 - 0.025 = -2.025, 0.5 + 0.1 = 0.6, 0 - 0.2 = -0.2
    np.testing.assert_allclose(params["dense0.W"], [[0.95, -2.025], [0.6, -0.2]], rtol=1e-15)
    np.testing.assert_allclose(params["dense0.b"], [2.9, 4.1], rtol=1e-15)
    assert params["dense0.W"] is W_obj           # updated in place
    np.testing.assert_array_equal(grads["dense0.W"], [[0.5, 0.25], [-1.0, 2.0]])


def test_sgd_momentum_over_three_steps():
    # lr = 0.1, mu = 0.5, w0 = 1, gradients 1, 2, -1:
    # v1 = -0.1 * 1             = -0.1    w1 = 0.9
    # v2 = 0.5 * -0.1 - 0.1 * 2 = -0.25   w2 = 0.65
    # v3 = 0.5 * -0.25 + 0.1    = -0.025  w3 = 0.625
    params = {"w": np.array([1.0])}
    opt = optim.SGD(lr=0.1, momentum=0.5)
    expected_w = [0.9, 0.65, 0.625]
    expected_v = [-0.1, -0.25, -0.025]
    for g, w, v in zip([1.0, 2.0, -1.0], expected_w, expected_v, strict=True):
        opt.step(params, {"w": np.array([g])})
        assert params["w"][0] == pytest.approx(w, rel=1e-14)
        assert opt.velocity["w"][0] == pytest.approx(v, rel=1e-14)


def _params(seed=0):
    rng = np.random.default_rng(seed)
    # Weights kept away from 0 so |W| is differentiable at every entry for h = 1e-6.
    W0 = rng.uniform(0.1, 1.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    W1 = rng.uniform(0.1, 1.0, (4, 2)) * rng.choice([-1.0, 1.0], (4, 2))
    return {"dense0.W": W0, "dense0.b": rng.standard_normal(4), "bn0.gamma": rng.uniform(0.5, 2, 4),
            "dense1.W": W1, "dense1.b": rng.standard_normal(2)}


def test_l2_penalty_formula_and_gradient():
    params, lam = _params(), 0.3
    penalty, grads = optim.l2_penalty(params, lam)
    squares = sum(float(np.sum(params[k] ** 2)) for k in ("dense0.W", "dense1.W"))
    assert penalty == pytest.approx(0.5 * lam * squares, rel=1e-12)
    assert list(grads) == list(params)
    for k in ("dense0.W", "dense1.W"):
        np.testing.assert_allclose(grads[k], lam * params[k], rtol=1e-15)
    for k, p in params.items():
        numeric = gradcheck.numerical_gradient(lambda: optim.l2_penalty(params, lam)[0], p)
        assert gradcheck.rel_error(grads[k], numeric) < 1e-7, k


def test_l1_penalty_formula_and_gradient():
    params, lam = _params(1), 0.2
    penalty, grads = optim.l1_penalty(params, lam)
    total = sum(float(np.sum(np.abs(params[k]))) for k in ("dense0.W", "dense1.W"))
    assert penalty == pytest.approx(lam * total, rel=1e-12)
    for k in ("dense0.W", "dense1.W"):
        np.testing.assert_array_equal(grads[k], lam * np.sign(params[k]))
    for k, p in params.items():
        numeric = gradcheck.numerical_gradient(lambda: optim.l1_penalty(params, lam)[0], p)
        assert gradcheck.rel_error(grads[k], numeric) < 1e-7, k


@pytest.mark.parametrize("penalty", [optim.l1_penalty, optim.l2_penalty])
def test_penalties_leave_biases_and_bn_untouched(penalty):
    params = _params(2)
    before = {k: v.copy() for k, v in params.items()}
    value, grads = penalty(params, 0.5)
    for k in ("dense0.b", "dense1.b", "bn0.gamma"):
        np.testing.assert_array_equal(grads[k], np.zeros_like(params[k]))
    # Changing a bias does not change the penalty.
    shifted = {**params, "dense0.b": params["dense0.b"] + 10.0}
    assert penalty(shifted, 0.5)[0] == value
    # A step on the penalty alone moves weights, not biases.
    optim.SGD(lr=0.1).step(params, grads)
    for k in ("dense0.b", "dense1.b", "bn0.gamma"):
        np.testing.assert_array_equal(params[k], before[k])
    for k in ("dense0.W", "dense1.W"):
        assert np.all(np.abs(params[k]) < np.abs(before[k]))    # shrunk toward 0


def test_global_norm_and_clip_by_value_by_hand():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0], [12.0]])}
    assert optim.global_norm(grads) == pytest.approx(13.0, rel=1e-15)      # sqrt(9+16+144)
    clipped = optim.clip_by_value({"a": np.array([-5.0, 0.5, 2.0])}, 1.0)
    np.testing.assert_array_equal(clipped["a"], [-1.0, 0.5, 1.0])
    scaled, norm = optim.clip_by_global_norm(grads, 6.5)                   # half of 13
    assert norm == pytest.approx(13.0)
    np.testing.assert_allclose(scaled["b"], [[2.0], [6.0]], rtol=1e-15)


# ---------------------------------------------------------------------------
# probes
# ---------------------------------------------------------------------------

def _train_step(model, X, T, opt, hist=None):
    loss, dY = losses.mse(model.forward(X), T)
    model.backward(dY)
    if hist is not None:
        hist.record(model, loss)
    opt.step(model.parameters(), model.gradients())
    return loss


def test_history_shapes_after_n_steps():
    rng = np.random.default_rng(4)
    X, T = rng.standard_normal((16, 3)), rng.standard_normal((16, 2))
    model = MLP([3, 5, 4, 2], activation="tanh", seed=1)
    hist, opt = probes.History(), optim.SGD(0.05)
    n_steps = 6
    losses_seen = [_train_step(model, X, T, opt, hist) for _ in range(n_steps)]
    assert len(hist) == n_steps
    assert hist.weight_grad.shape == (n_steps, 3)
    assert hist.delta.shape == (n_steps, 3)
    np.testing.assert_array_equal(hist.loss, losses_seen)
    assert np.all(hist.weight_grad > 0) and np.all(hist.delta > 0)
    hist.record(model)                              # no loss given -> NaN
    assert len(hist) == n_steps + 1 and math.isnan(hist.loss[-1])


def test_weight_grad_and_delta_norms_match_the_layers():
    rng = np.random.default_rng(5)
    model = MLP([3, 6, 2], activation="relu", seed=2)
    model.forward(rng.standard_normal((8, 3)))
    model.backward(np.ones((8, 2)))
    grads = model.gradients()
    want = [np.sqrt(np.sum(grads[f"dense{i}.W"] ** 2)) for i in range(2)]
    np.testing.assert_allclose(probes.weight_grad_norms(model), want, rtol=1e-12)
    # The output layer's delta is dE/dnet of a linear output: dY itself, all ones.
    assert probes.delta_norms(model)[-1] == pytest.approx(math.sqrt(16.0))


def _model_with_first_bias(activation, bias_value, seed=0):
    model = MLP([4, 8, 1], activation=activation, seed=seed)
    model.parameters()["dense0.b"][:] = bias_value
    return model


def test_dead_fraction_is_one_for_relu_pushed_far_negative():
    X = np.random.default_rng(6).uniform(-1.0, 1.0, (64, 4))
    model = _model_with_first_bias("relu", -1e3)
    model.forward(X)
    stats = probes.activation_stats(model)
    # |X @ W| <= sum |W| << 1e3, so every pre-activation is negative: f' = 0 everywhere.
    assert stats["dead"].tolist() == [1.0]
    assert stats["active"].tolist() == [0.0]
    assert stats["mean"].tolist() == [0.0] and stats["std"].tolist() == [0.0]


@pytest.mark.parametrize("bias", [0.0, -5.0])
def test_tanh_units_are_never_dead(bias):
    X = np.random.default_rng(7).uniform(-1.0, 1.0, (64, 4))
    model = _model_with_first_bias("tanh", bias)
    model.forward(X)
    stats = probes.activation_stats(model)
    # tanh'(z) = 1 - tanh(z)^2 > 0 for every finite z (>= 1.8e-4 here since |z| <~ 6).
    assert stats["dead"].tolist() == [0.0]
    if bias < 0:
        # ... but at z ~ -5 it passes back < 5 % of the maximum: saturated, not dead.
        assert stats["saturated"].tolist() == [1.0]


def test_relu_active_rate_is_one_half_for_symmetric_inputs():
    n, width = 4000, 16
    X = np.random.default_rng(8).standard_normal((n, 5))
    model = MLP([5, width, 1], activation="relu", seed=3)   # biases start at 0
    model.forward(X)
    active = probes.activation_stats(model)["active"][0]
    # net = X @ w is symmetric about 0, so P(net > 0) = 1/2 for each unit. Entries of
    # one sample are correlated across units, so bound the standard error by the
    # fully correlated case 0.5 / sqrt(n) and allow 5 of them.
    assert abs(active - 0.5) <= 5 * 0.5 / math.sqrt(n)


# ---------------------------------------------------------------------------
# model
# ---------------------------------------------------------------------------

def test_parameter_keys_are_stable_and_ordered():
    model = MLP([2, 3, 3, 1], activation="tanh", seed=0)
    keys = ["dense0.W", "dense0.b", "dense1.W", "dense1.b", "dense2.W", "dense2.b"]
    assert list(model.parameters()) == keys
    assert list(model.gradients()) == keys
    shapes = {k: v.shape for k, v in model.parameters().items()}
    assert shapes == {"dense0.W": (2, 3), "dense0.b": (3,), "dense1.W": (3, 3),
                      "dense1.b": (3,), "dense2.W": (3, 1), "dense2.b": (1,)}


def test_batchnorm_replaces_hidden_biases():
    model = MLP([2, 3, 3, 1], activation="relu", batchnorm=True, seed=0)
    keys = ["dense0.W", "bn0.gamma", "bn0.beta", "dense1.W", "bn1.gamma", "bn1.beta",
            "dense2.W", "dense2.b"]
    assert list(model.parameters()) == keys
    assert list(model.gradients()) == keys


@pytest.mark.parametrize("batchnorm", [False, True])
def test_residual_does_not_change_keys(batchnorm):
    plain = MLP([3, 4, 4, 4, 1], batchnorm=batchnorm, residual=False, seed=0)
    res = MLP([3, 4, 4, 4, 1], batchnorm=batchnorm, residual=True, seed=0)
    assert list(plain.parameters()) == list(res.parameters())
    assert list(plain.gradients()) == list(res.gradients())
    # Shortcuts around the two 4 -> 4 blocks only.
    assert sum(isinstance(layer, Residual) for layer in res.layers) == 2
    assert not any(isinstance(layer, Residual) for layer in plain.layers)


def test_residual_block_adds_its_input():
    # With the last hidden weights zeroed the 4 -> 4 block outputs relu(0) = 0,
    # so a shortcut passes its input through unchanged: Y = X + 0.
    res = MLP([4, 4, 1], activation="relu", residual=True, seed=0)
    res.parameters()["dense0.W"][:] = 0.0
    X = np.random.default_rng(9).standard_normal((5, 4))
    block = res.layers[0]
    assert isinstance(block, Residual)
    np.testing.assert_array_equal(block.forward(X), X)


def test_sequential_is_its_layers_one_after_another():
    dense, act = Dense(3, 4, seed=1, name="d"), Activation("tanh", name="a")
    chain = Sequential([dense, act], name="chain")
    X = np.random.default_rng(4).standard_normal((5, 3))
    dY = np.random.default_rng(5).standard_normal((5, 4))
    Y = chain.forward(X)
    np.testing.assert_array_equal(Y, np.tanh(X @ dense.params["W"] + dense.params["b"]))
    dX = chain.backward(dY)
    np.testing.assert_array_equal(dX, dense.backward(act.backward(dY)))
    assert chain.params.keys() == chain.grads.keys() == {"d.W", "d.b"}
    assert chain.params["d.W"] is dense.params["W"]
    assert repr(chain).startswith("<chain: Sequential(<d: Dense(3 -> 4)>")


def test_sequential_rejects_bad_layers_and_inputs():
    with pytest.raises(TypeError, match="layers must be a sequence of Layer objects"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match="layers must hold at least one layer"):
        Sequential([])
    chain = Sequential(Dense(2, 3))
    with pytest.raises(RuntimeError, match="Sequential.backward called before forward"):
        chain.backward(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\)"):
        chain.forward(np.ones((4, 3)))
    chain.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"dout must have the shape of the last forward output"):
        chain.backward(np.ones((4, 2)))


@pytest.mark.parametrize("layer", [Dense(3, 3, seed=0), Activation("sigmoid"), BatchNorm(3),
                                   Residual([Dense(3, 3, seed=1), Activation("relu")]),
                                   Sequential([Dense(3, 3, seed=2), Activation("elu")])],
                         ids=lambda la: type(la).__name__)
def test_unchecked_passes_give_the_checked_results(layer):
    X = np.random.default_rng(6).standard_normal((4, 3))
    dY = np.random.default_rng(7).standard_normal((4, 3))
    Y, dX = layer.forward(X), layer.backward(dY)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    np.testing.assert_array_equal(layer.forward(X, check=False), Y)
    np.testing.assert_array_equal(layer.backward(dY, check=False), dX)
    for k, v in grads.items():
        np.testing.assert_array_equal(layer.grads[k], v)
    with pytest.raises(ValueError, match="X must contain only finite numbers"):
        layer.forward(np.full((4, 3), np.nan))                    # checked by default


def test_same_seed_same_model_other_seed_other_model():
    a = MLP([3, 8, 8, 2], activation="tanh", seed=11)
    b = MLP([3, 8, 8, 2], activation="tanh", seed=11)
    c = MLP([3, 8, 8, 2], activation="tanh", seed=12)
    for k in a.parameters():
        np.testing.assert_array_equal(a.parameters()[k], b.parameters()[k])
    assert any(not np.array_equal(a.parameters()[k], c.parameters()[k])
               for k in a.parameters() if k.endswith(".W"))
    X = np.random.default_rng(10).standard_normal((4, 3))
    np.testing.assert_array_equal(a.forward(X), b.forward(X))


def test_zero_grad_clears_every_gradient():
    rng = np.random.default_rng(11)
    model = MLP([3, 5, 2], activation="prelu", batchnorm=True, seed=0)
    Y = model.forward(rng.standard_normal((6, 3)))
    model.backward(rng.standard_normal(Y.shape))
    assert any(np.any(g != 0) for g in model.gradients().values())
    model.zero_grad()
    params, grads = model.parameters(), model.gradients()
    assert list(grads) == list(params)
    for k in params:
        assert grads[k].shape == params[k].shape
        assert not np.any(grads[k])


def test_inference_is_deterministic_with_dropout():
    X = np.random.default_rng(12).standard_normal((10, 4))
    model = MLP([4, 16, 16, 3], activation="relu", dropout=0.5, seed=0)
    first = model.forward(X, training=False)
    model.forward(X, training=True)                 # draws masks in between
    np.testing.assert_array_equal(model.forward(X, training=False), first)
    # Inverted dropout is the identity at inference: same output as the same
    # network built without dropout (the weights come from the same seeded stream).
    plain = MLP([4, 16, 16, 3], activation="relu", dropout=0.0, seed=0)
    np.testing.assert_array_equal(first, plain.forward(X, training=False))
    # Training mode draws masks, so two passes differ.
    assert not np.array_equal(model.forward(X, training=True), model.forward(X, training=True))


# ---------------------------------------------------------------------------
# BatchNorm running statistics
# ---------------------------------------------------------------------------

def test_batchnorm_running_stats_by_hand():
    bn = BatchNorm(2, momentum=0.75)
    X1 = np.array([[1.0, 10.0], [3.0, 14.0]])     # mean [2, 12], biased var [1, 4]
    X2 = np.array([[0.0, -1.0], [4.0, 1.0]])      # mean [2, 0],  biased var [4, 1]
    bn.forward(X1, training=True)
    # start: mean 0, var 1. mean <- 0.75*0 + 0.25*[2, 12] = [0.5, 3]
    #                       var  <- 0.75*1 + 0.25*[1, 4]  = [1, 1.75]
    np.testing.assert_array_equal(bn.running_mean, [0.5, 3.0])
    np.testing.assert_array_equal(bn.running_var, [1.0, 1.75])
    bn.forward(X2, training=True)
    # mean <- 0.75*[0.5, 3] + 0.25*[2, 0] = [0.875, 2.25]
    # var  <- 0.75*[1, 1.75] + 0.25*[4, 1] = [1.75, 1.5625]
    np.testing.assert_array_equal(bn.running_mean, [0.875, 2.25])
    np.testing.assert_array_equal(bn.running_var, [1.75, 1.5625])


def test_batchnorm_running_stats_follow_the_update_rule_and_drive_inference():
    rng = np.random.default_rng(13)
    mom, eps = 0.9, 1e-5
    bn = BatchNorm(3, momentum=mom, eps=eps)
    bn.params["gamma"][:] = [2.0, 0.5, -1.0]
    bn.params["beta"][:] = [0.1, -0.2, 0.3]
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(2):
        X = rng.normal(loc=[1.0, -3.0, 0.0], scale=[2.0, 0.5, 1.0], size=(32, 3))
        bn.forward(X, training=True)
        mu_b = X.sum(axis=0) / X.shape[0]
        var_b = ((X - mu_b) ** 2).sum(axis=0) / X.shape[0]     # biased, as in the notes
        mean = mean * mom + mu_b * (1 - mom)
        var = var * mom + var_b * (1 - mom)
        np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(bn.running_var, var, rtol=1e-12)
    X_test = rng.standard_normal((5, 3))
    want = bn.params["gamma"] * (X_test - mean) / np.sqrt(var + eps) + bn.params["beta"]
    before = (bn.running_mean.copy(), bn.running_var.copy())
    np.testing.assert_allclose(bn.forward(X_test, training=False), want, rtol=1e-12)
    # Inference reads the running statistics but does not update them, and a
    # single sample is fine there.
    np.testing.assert_array_equal(bn.running_mean, before[0])
    np.testing.assert_array_equal(bn.running_var, before[1])
    np.testing.assert_allclose(bn.forward(X_test[:1], training=False), want[:1], rtol=1e-12)


def test_batchnorm_training_output_is_standardized():
    X = np.random.default_rng(14).normal(5.0, 3.0, (64, 4))
    Y = BatchNorm(4).forward(X, training=True)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    # var(Y) = var / (var + eps) with eps = 1e-5 and var ~ 9: 1 within ~1.2e-6.
    np.testing.assert_allclose(Y.var(axis=0), X.var(axis=0) / (X.var(axis=0) + 1e-5),
                               rtol=1e-10)


# ---------------------------------------------------------------------------
# the experiments package
# ---------------------------------------------------------------------------

def test_experiments_reexport_every_public_name_of_every_module():
    """Notebooks write ``ll.experiments.<name>``: every module's public names are there,
    each the module's own object (two modules may share a name only for one object)."""
    import pkgutil

    from lessons_lib import experiments

    modules = sorted(m.name for m in pkgutil.iter_modules(experiments.__path__))
    assert "pretraining" not in modules                     # lesson 10 is one topic
    for name in modules:
        module = getattr(experiments, name)
        assert name in experiments.__all__ and f":mod:`.{name}`" in experiments.__doc__
        for public in module.__all__:
            assert public in experiments.__all__, f"{name}.{public} is not re-exported"
            assert getattr(experiments, public) is getattr(module, public), public
    assert experiments.pretraining_comparison is experiments.residual_lstm.pretraining_comparison
    assert len(experiments.__all__) == len(set(experiments.__all__))
