"""The modern remedies' building blocks: erf, GELU, SiLU, RMSProp, Adam (lesson 12).

(PyTorch step-for-step and value checks are in test_torch_crosscheck.py.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lessons_lib import activations, optim


# -- erf, normal CDF, GELU, SiLU ------------------------------------------------------
def test_erf_agrees_with_math_erf_to_a_few_units_in_the_last_place():
    z = np.concatenate([np.random.default_rng(0).standard_normal(20_000) * 4,
                        np.linspace(-30.0, 30.0, 6001), [0.0, 0.46875, -0.46875, 4.0, 26.55]])
    ref = np.array([math.erf(v) for v in z])
    got = activations.erf(z)
    ulps = np.abs(got - ref) / np.spacing(np.maximum(np.abs(ref), np.finfo(float).tiny))
    assert ulps.max() <= 4


def test_normal_cdf_keeps_relative_accuracy_in_the_far_left_tail():
    # 1 - Phi(|z|) would cancel to 0 long before z = -30; the tail is computed directly
    z = np.array([-1.0, -5.0, -10.0, -20.0, -30.0])
    ref = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z])
    got = activations.normal_cdf(z)
    assert np.all(ref > 0) and np.all(got > 0)
    # what is left is the rounding of z / sqrt(2) (one unit in the last place), magnified
    # by exp(-z^2/2): a relative error of about z^2 units
    assert np.all(np.abs(got - ref) / ref < 1e-14 + z ** 2 * np.finfo(float).eps)
    assert activations.normal_cdf(np.array([0.0]))[0] == 0.5


@pytest.mark.parametrize("bad", [np.array([np.nan]), np.array([np.inf]), "x"])
def test_erf_and_normal_cdf_reject_bad_input_by_name(bad):
    for fn in (activations.erf, activations.normal_cdf):
        with pytest.raises((TypeError, ValueError), match=r"\bx\b"):
            fn(bad)


@pytest.mark.parametrize("name", ["gelu", "silu"])
def test_gelu_and_silu_values_from_their_definitions(name):
    z = np.linspace(-8.0, 8.0, 161)
    act = activations.get(name)
    if name == "gelu":
        expected = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z])
    else:
        expected = np.array([v / (1.0 + math.exp(-v)) for v in z])
    np.testing.assert_allclose(act.forward(z), expected, rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("name, argmax, fmin, argmin", [
    ("gelu", math.sqrt(2.0), -0.16997, -0.7518),
    ("silu", 2.39936, -0.27846, -1.27846),
])
def test_gelu_and_silu_are_non_monotone_never_dead_and_max_grad_is_the_sup(name, argmax, fmin,
                                                                          argmin):
    act = activations.get(name)
    z = np.linspace(-10.0, 10.0, 2_000_001)
    d = act.grad(z)
    f = act.forward(z)
    assert d.max() == pytest.approx(act.max_grad, rel=1e-10)
    assert z[np.argmax(d)] == pytest.approx(argmax, abs=1e-4)
    assert f.min() == pytest.approx(fmin, abs=1e-5)          # below 0: non-monotone
    assert z[np.argmin(f)] == pytest.approx(argmin, abs=1e-4)
    z_min = z[np.argmin(f)]
    assert np.all(np.diff(f[z < z_min - 1e-3]) < 0) and np.all(np.diff(f[z > z_min + 1e-3]) > 0)
    # never exactly zero except at isolated points: a unit cannot die as a ReLU does
    assert np.mean(d == 0.0) == 0.0
    assert abs(d.min()) < 0.13                              # a little negative, never large


def test_swish_is_an_alias_of_silu():
    assert activations.get("swish").name == "silu"
    assert {"gelu", "silu"} <= set(activations.NAMES)


# -- LayerNorm ---------------------------------------------------------------------------
def test_layernorm_normalizes_each_sample_over_its_own_features():
    from lessons_lib import layers

    rng = np.random.default_rng(0)
    X = rng.standard_normal((7, 10)) * 5.0 + 3.0
    Y = layers.LayerNorm(10).forward(X)
    np.testing.assert_allclose(Y.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=1), 1.0, rtol=1e-5)      # var / (var + eps)


def test_layernorm_is_the_same_in_training_and_inference_and_works_for_one_sample():
    from lessons_lib import layers

    rng = np.random.default_rng(1)
    layer = layers.LayerNorm(8)
    layer.params["gamma"] = rng.standard_normal(8)
    layer.params["beta"] = rng.standard_normal(8)
    X = rng.standard_normal((5, 8))
    np.testing.assert_array_equal(layer.forward(X, training=True),
                                  layer.forward(X, training=False))
    one = layer.forward(X[:1])
    np.testing.assert_array_equal(one[0], layer.forward(X)[0])      # no batch dependence
    assert np.std(one) > 0.5


def test_batchnorm_refuses_a_batch_of_one_and_turns_a_batch_of_two_into_signs():
    from lessons_lib import layers

    rng = np.random.default_rng(2)
    bn = layers.BatchNorm(6)
    with pytest.raises(ValueError, match="at least 2"):
        bn.forward(rng.standard_normal((1, 6)))          # x - mu_B would be 0 for every input
    X = rng.standard_normal((2, 6)) * 3.0
    Y = bn.forward(X)
    # two samples: x - mu = +-d/2 and sigma = d/2, so x_hat = +-1 (shrunk only by eps,
    # to (d/2)/sqrt((d/2)^2 + eps)): whatever the inputs, all that survives is a sign
    half = np.abs(X[0] - X[1]) / 2.0
    np.testing.assert_allclose(np.abs(Y), np.broadcast_to(half / np.sqrt(half ** 2 + 1e-5),
                                                          Y.shape), rtol=1e-10)
    assert np.mean(np.abs(Y) > 0.999) >= 0.5
    np.testing.assert_array_equal(np.sign(Y[0]), np.sign(X[0] - X[1]))


def test_mlp_with_layernorm_builds_dense_layernorm_activation_blocks():
    from lessons_lib.model import MLP

    model = MLP([2, 4, 4, 1], "gelu", layernorm=True, seed=0)
    assert [type(la).__name__ for la in model.layers] == [
        "Dense", "LayerNorm", "Activation", "Dense", "LayerNorm", "Activation", "Dense",
        "Activation"]
    # the dense bias stays: LayerNorm removes only its average over the features
    assert "ln0.gamma" in model.parameters() and "dense0.b" in model.parameters()
    with pytest.raises(ValueError, match="batchnorm and layernorm"):
        MLP([2, 4, 1], batchnorm=True, layernorm=True)
    with pytest.raises(TypeError, match="layernorm"):
        MLP([2, 4, 1], layernorm="yes")


@pytest.mark.parametrize("call, exc, words", [
    (lambda L: L.LayerNorm(1), ValueError, "n_features"),
    (lambda L: L.LayerNorm(4, eps=0.0), ValueError, "eps"),
    (lambda L: L.LayerNorm(4).forward(np.ones((3, 5))), ValueError, "X must"),
    (lambda L: L.LayerNorm(4).forward(np.ones(4)), ValueError, "X must"),
])
def test_layernorm_rejects_bad_input_by_name(call, exc, words):
    from lessons_lib import layers

    with pytest.raises(exc, match=words):
        call(layers)


# -- optimizers ---------------------------------------------------------------------
def _adam_reference(w, grads, lr, b1, b2, eps):
    """Adam from the paper's Algorithm 1, written independently of optim.Adam."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    out = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(w.copy())
    return out


def test_adam_follows_the_papers_algorithm():
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal((4, 3))
    grads = [rng.standard_normal((4, 3)) * 10.0 ** rng.integers(-6, 2) for _ in range(20)]
    ref = _adam_reference(w0, grads, 0.01, 0.9, 0.999, 1e-8)
    params = {"W": w0.copy()}
    opt = optim.Adam(lr=0.01)
    for g, expected in zip(grads, ref, strict=True):
        opt.step(params, {"W": g})
        # the paper's form and PyTorch's (sqrt(v)/sqrt(c2) + eps) differ only in rounding
        np.testing.assert_allclose(params["W"], expected, rtol=1e-12, atol=1e-15)


def test_adams_first_step_is_lr_times_the_sign_whatever_the_gradients_size():
    for scale in (1e-3, 1.0, 1e3):         # |g| >> eps = 1e-8
        g = np.array([[2.0, -3.0, 0.5]]) * scale
        params = {"W": np.zeros((1, 3))}
        optim.Adam(lr=0.01).step(params, {"W": g})
        np.testing.assert_allclose(params["W"], -0.01 * np.sign(g), rtol=1e-4)


def test_adams_eps_is_a_floor_gradients_far_below_it_are_not_rescaled():
    params = {"W": np.zeros(1)}
    optim.Adam(lr=0.01, eps=1e-8).step(params, {"W": np.array([1e-12])})
    # step = lr * g / (|g| + eps) ~ lr * 1e-4: ten thousand times smaller than lr
    assert params["W"][0] == pytest.approx(-0.01 * 1e-12 / (1e-12 + 1e-8), rel=1e-9)


def test_rmsprop_update_rule():
    rng = np.random.default_rng(4)
    w = rng.standard_normal(5)
    params = {"W": w.copy()}
    opt = optim.RMSProp(lr=0.01, rho=0.9, eps=1e-8)
    s = np.zeros(5)
    for _ in range(10):
        g = rng.standard_normal(5)
        s = 0.9 * s + 0.1 * g * g
        w = w - 0.01 * g / (np.sqrt(s) + 1e-8)
        opt.step(params, {"W": g})
    np.testing.assert_allclose(params["W"], w, rtol=1e-13)


def test_optimizer_reset_forgets_the_state():
    opt = optim.Adam()
    params = {"W": np.ones(2)}
    opt.step(params, {"W": np.ones(2)})
    assert opt.steps == 1 and opt.state
    opt.reset()
    assert opt.steps == 0 and not opt.state


@pytest.mark.parametrize("name, cls, lr", [("sgd", optim.SGD, 0.1), ("momentum", optim.SGD, 0.1),
                                          ("rmsprop", optim.RMSProp, 0.01),
                                          ("adam", optim.Adam, 0.001)])
def test_get_builds_each_optimizer_with_its_default_learning_rate(name, cls, lr):
    opt = optim.get(name)
    assert type(opt) is cls and opt.lr == lr
    assert (opt.momentum == 0.9) if name == "momentum" else True
    assert optim.get(name, lr=0.5).lr == 0.5


@pytest.mark.parametrize("call, exc, words", [
    (lambda: optim.Adam(lr=0.0), ValueError, "lr"),
    (lambda: optim.Adam(beta1=1.0), ValueError, "beta1"),
    (lambda: optim.Adam(beta2=-0.1), ValueError, "beta2"),
    (lambda: optim.Adam(eps=0.0), ValueError, "eps"),
    (lambda: optim.RMSProp(rho=1.0), ValueError, "rho"),
    (lambda: optim.RMSProp(eps="1e-8"), TypeError, "eps"),
    (lambda: optim.get("adamw"), ValueError, "name"),
    (lambda: optim.get(3), TypeError, "name"),
])
def test_optimizers_reject_bad_arguments_by_name(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


# -- GradientMonitor ----------------------------------------------------------------
def _moons():
    from lessons_lib import data

    X, y = data.moons(128, noise=0.1, seed=0)
    return data.standardize(X), y[:, None].astype(float)


def test_monitor_update_ratio_is_lr_times_gradient_over_weight_norm_under_sgd():
    from lessons_lib import probes
    from lessons_lib.model import MLP

    X, T = _moons()
    model = MLP([2, 8, 8, 1], "tanh", seed=0)
    before = [d.params["W"].copy() for d in model.dense_layers]
    monitor = probes.GradientMonitor(model)
    model.step(X, T, optimizer=optim.SGD(lr=0.1), loss="binary_cross_entropy")
    monitor.record()
    expected = [0.1 * np.linalg.norm(d.grads["W"]) / np.linalg.norm(w0)
                for d, w0 in zip(model.dense_layers, before, strict=True)]
    np.testing.assert_allclose(monitor.update_ratios[0], expected, rtol=1e-12)
    np.testing.assert_allclose(monitor.grad_norms[0],
                               [np.linalg.norm(d.grads["W"]) for d in model.dense_layers])
    assert monitor.update_ratios.shape == monitor.grad_norms.shape == (1, 3)


@pytest.mark.parametrize("seed", range(5))
def test_monitor_flags_sgds_stalled_layers_and_adams_moving_ones(seed):
    from lessons_lib import probes
    from lessons_lib.model import MLP

    X, T = _moons()
    verdicts = {}
    for name in ("sgd", "adam"):
        model = MLP([2] + [16] * 11 + [1], "sigmoid", seed=seed)    # 12 dense layers
        monitor = probes.GradientMonitor(model)
        opt = optim.get(name)
        for _ in range(30):
            model.step(X, T, optimizer=opt, loss="binary_cross_entropy")
            monitor.record()
        verdicts[name] = monitor.flags()
    # the same vanishing gradient at the input side under both ...
    assert verdicts["sgd"][0][0] == verdicts["adam"][0][0] == "vanishing"
    # ... stalls SGD's first layer but not Adam's, and the output layers are fine
    assert verdicts["sgd"][0][1] == "stalled"
    assert all(update == "ok" for _, update in verdicts["adam"])
    assert verdicts["sgd"][-1] == ("ok", "ok")


def test_monitor_flags_an_exploding_run_and_its_report_names_it():
    from lessons_lib import probes
    from lessons_lib.model import MLP

    X, T = _moons()
    model = MLP([2, 16, 16, 1], "relu", init="he_normal", seed=0)
    monitor = probes.GradientMonitor(model, exploding=10.0)
    opt = optim.SGD(lr=5.0)
    for _ in range(5):
        if model.step(X, T * 100.0, optimizer=opt, loss="mse").overflow:
            break
        monitor.record()
    flags = monitor.flags(window=3)
    assert any(g == "exploding" for g, _ in flags)
    assert any(u == "too fast" for _, u in flags)
    assert "exploding" in monitor.report(window=3)


def test_monitor_rejects_bad_arguments_by_name():
    from lessons_lib import probes
    from lessons_lib.model import MLP

    model = MLP([2, 4, 1], seed=0)
    with pytest.raises(TypeError, match="model"):
        probes.GradientMonitor("net")
    with pytest.raises(ValueError, match="vanishing"):
        probes.GradientMonitor(model, vanishing=0.0)
    with pytest.raises(ValueError, match="ratio_low"):
        probes.GradientMonitor(model, ratio_low=0.5, ratio_high=0.1)
    monitor = probes.GradientMonitor(model)
    with pytest.raises(RuntimeError, match="record"):
        monitor.flags()
    with pytest.raises(ValueError, match="window"):
        monitor.flags(window=0)
