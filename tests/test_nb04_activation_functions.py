"""Notebook 04 (activation functions): its module, its panels and every claim its text makes."""

from __future__ import annotations

import math

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import pytest
from panel_checks import move as _move

import lessons_lib as ll
from lessons_lib import activations, gradcheck
from lessons_lib.exercises import check_leaky_relu_grad, check_sigmoid_grad
from lessons_lib.experiments.activation import (
    ALPHA_ACTIVATIONS,
    DEAD_RELU_SIZES,
    PANEL_ACTIVATIONS,
    activation_curve,
    activation_rate,
    centering_run,
    collapse_linear,
    dead_relu_data,
    dead_relu_run,
    dead_relu_sweep,
    linear_fit_error,
    saturation_share,
)
from lessons_lib.plots.activation import (
    GALLERY_STYLES,
    plot_activation_gallery,
    plot_centering,
    plot_dead_relu_sweep,
)
from lessons_lib.widgets.activation import (
    DEAD_LR_EXPONENTS,
    LEAKY_MAX_ALPHA,
    activation_panel,
    dead_relu_panel,
)

TOL = 1e-6
#: The learning rates of the notebook's sweep and of the panel's slider.
SWEEP_LRS = 10.0 ** np.arange(-2.0, 1.51, 0.25)
#: The draws of the starting weights the notebook's sweep uses.
SEEDS = range(6)


def _sweep():
    return dead_relu_sweep(SWEEP_LRS, seeds=SEEDS)




def _phi(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


# -- curves ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PANEL_ACTIVATIONS)
def test_activation_curve_matches_the_package_and_finite_differences(name):
    c = activation_curve(name)
    act = activations.get(name)
    np.testing.assert_array_equal(c.f, act.forward(c.z, training=False))
    zz = c.z[np.abs(c.z) > 1e-3]                  # away from the kinks at 0
    h = 1e-6
    numeric = (act.forward(zz + h, training=False) - act.forward(zz - h, training=False)) / (2 * h)
    assert gradcheck.rel_error(act.grad(zz, training=False), numeric) < TOL
    assert c.max_grad == pytest.approx(np.abs(c.grad).max())
    assert activation_curve(name) is c                         # cached
    with pytest.raises(ValueError):
        c.f[0] = 1.0                                           # read-only


@pytest.mark.parametrize("name", ALPHA_ACTIVATIONS)
def test_alpha_changes_the_negative_side_only(name):
    a, b = activation_curve(name, 0.1), activation_curve(name, 0.5)
    pos = a.z > 0
    np.testing.assert_array_equal(a.f[pos], b.f[pos])
    assert np.all(b.f[a.z < 0] < a.f[a.z < 0])
    assert a.alpha == 0.1
    assert activation_curve("tanh", 0.3).alpha is None         # ignored where there is no alpha


# -- claims: why non-linearity ---------------------------------------------------------------------
def _notebook_stacks():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    linear = ll.MLP([4, 16, 16, 16, 2], activation="linear", seed=0)
    for dense in linear.dense_layers:
        dense.params["b"][:] = rng.standard_normal(dense.n_out)
    relu = ll.MLP([4, 16, 16, 16, 2], activation="relu", seed=0)
    return X, linear, relu


def test_claim_linear_stack_is_one_linear_map():
    X, linear, _ = _notebook_stacks()
    W, b = collapse_linear(linear)
    Ws = [d.params["W"] for d in linear.dense_layers]
    np.testing.assert_allclose(W, Ws[0] @ Ws[1] @ Ws[2] @ Ws[3], rtol=1e-12)
    assert W.shape == (4, 2) and b.shape == (2,)
    np.testing.assert_allclose(linear.forward(X), X @ W + b, rtol=1e-10, atol=1e-12)


def test_claim_best_linear_fit_explains_linear_stack_but_not_relu_stack():
    X, linear, relu = _notebook_stacks()
    assert linear_fit_error(X, linear.forward(X)) < 1e-10         # prints 0.00
    err = linear_fit_error(X, relu.forward(X))
    assert 0.3 < err < 0.7                                        # prints 0.50
    assert round(err, 2) == 0.50


def test_linear_fit_error_is_zero_for_affine_data_and_one_for_noise_free_of_x():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((500, 3))
    assert linear_fit_error(X, X @ rng.standard_normal((3, 2)) + 4.0) < 1e-12
    Y = rng.standard_normal((500, 1))                # independent of X
    assert linear_fit_error(X, Y) > 0.99
    assert linear_fit_error(X, np.ones((500, 1))) == 0.0


# -- claims: derivatives ---------------------------------------------------------------------------
def test_claim_tanh_is_a_rescaled_sigmoid():
    z = np.linspace(-10, 10, 200_001)
    np.testing.assert_allclose(np.tanh(z), 2 * activations.sigmoid(2 * z) - 1, atol=1e-15)


def test_claim_max_slopes_and_where():
    table = {name: activation_curve(name, z_max=10.0, n=100_001)
             for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu")}
    assert table["sigmoid"].max_grad == pytest.approx(0.25, abs=1e-15)
    assert table["sigmoid"].argmax == 0.0
    assert table["tanh"].max_grad == pytest.approx(1.0, abs=1e-15)
    assert table["tanh"].argmax == 0.0
    for name in ("relu", "leaky_relu", "elu"):
        assert table[name].max_grad == 1.0
        assert abs(table[name].argmax) < 0.005          # printed as +0.00
    # SELU: lambda on the right, up to lambda * alpha ~ 1.76 just left of 0
    assert table["selu"].max_grad == pytest.approx(activations.SELU_LAMBDA * activations.SELU_ALPHA)
    assert table["selu"].max_grad == pytest.approx(1.758, abs=5e-4)
    assert activations.SELU_LAMBDA == pytest.approx(1.05, abs=0.005)


def test_claim_tanh_reaches_slope_one_only_at_zero():
    z = np.linspace(-10, 10, 100_001)
    g = activations.get("tanh").grad(z)
    assert np.all(g[z != 0] < 1.0)


def test_claim_relu_family_has_slope_one_for_every_positive_input():
    z = np.linspace(1e-9, 1e6, 1001)
    for name, params in (("relu", {}), ("leaky_relu", {"alpha": 0.2}), ("elu", {}),
                         ("prelu", {}), ("rrelu", {})):
        np.testing.assert_array_equal(activations.get(name, **params).grad(z), 1.0)


def test_claim_elu_levels_off_at_minus_alpha():
    for alpha in (0.5, 1.0):
        assert activations.get("elu", alpha=alpha).forward(np.array([-50.0]))[0] == pytest.approx(
            -alpha)


def test_claim_prelu_gradient_matches_finite_differences():
    prelu = ll.layers.Activation("prelu", alpha=0.25)
    Z = np.random.default_rng(1).uniform(-3, 3, (8, 5))
    errors = gradcheck.check_layer(prelu, Z)
    assert set(errors) == {"X", "alpha"} and max(errors.values()) < TOL
    # the notebook's case: E = sum of the outputs, so dE/dalpha = sum of the negative inputs
    prelu.forward(Z)
    prelu.backward(np.ones_like(Z))
    assert prelu.grads["alpha"][0] == pytest.approx(float(Z[Z <= 0].sum()), rel=1e-12)
    assert prelu.grads["alpha"][0] < 0
    # and the formula dE/dalpha = sum over z <= 0 of dE/df * z
    dout = np.random.default_rng(2).standard_normal(Z.shape)
    prelu.forward(Z)
    prelu.backward(dout)
    assert prelu.grads["alpha"][0] == pytest.approx(float(np.sum(dout * np.minimum(Z, 0.0))))


def test_claim_rrelu_random_in_training_mean_slope_at_test():
    rrelu = activations.RReLU(seed=0)
    z3 = np.array([-2.0, -1.0, 1.0])
    a = rrelu.forward(z3, training=True)
    b = rrelu.forward(z3, training=True)
    assert not np.allclose(a[:2], b[:2])                         # a new slope every pass
    for out in (a, b):
        slopes = out[:2] / z3[:2]
        assert np.all((slopes >= 1 / 8) & (slopes <= 1 / 3))
    assert rrelu.alpha_mean == pytest.approx((1 / 8 + 1 / 3) / 2)
    assert round(rrelu.alpha_mean, 3) == 0.229
    np.testing.assert_allclose(rrelu.forward(z3, training=False), [-2 * 0.2291666, -0.2291666, 1],
                               rtol=1e-6)
    assert a[2] == b[2] == 1.0


def test_claim_elu_pulls_the_mean_toward_zero_and_keeps_a_slope():
    z = np.random.default_rng(5).standard_normal(200_000)
    relu_mean = activations.get("relu").forward(z).mean()
    elu_mean = activations.get("elu").forward(z).mean()
    assert 0 < elu_mean < relu_mean / 2
    assert np.all(activations.get("elu").grad(np.array([-5.0, -30.0, -300.0])) > 0)


def test_claim_selu_keeps_mean_0_and_variance_1():
    z = np.random.default_rng(6).standard_normal(1_000_000)
    y = activations.get("selu").forward(z)
    assert abs(y.mean()) < 0.005 and abs(y.var() - 1.0) < 0.005


def test_claim_softmax_sums_to_one_is_shift_invariant_and_two_class_sigmoid():
    softmax = activations.get("softmax")
    scores = np.array([[2.0, 1.0, -1.0]])
    p = softmax.forward(scores)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(p, np.exp(scores) / np.exp(scores).sum(), rtol=1e-12)
    np.testing.assert_allclose(softmax.forward(scores + 100), p, rtol=1e-12)
    z = np.linspace(-10, 10, 2001)
    np.testing.assert_allclose(softmax.forward(np.c_[z, np.zeros_like(z)])[:, 0],
                               activations.sigmoid(z), rtol=1e-12)


def test_claim_softmax_jacobian_formula():
    s_fn = activations.get("softmax")
    z = np.array([[0.3, -1.2, 2.0, 0.1]])
    s = s_fn.forward(z)[0]
    J = np.diag(s) - np.outer(s, s)                  # ds_k/dz_j = s_k([k = j] - s_j)
    h = 1e-6
    numeric = np.empty((4, 4))
    for j in range(4):
        e = np.zeros((1, 4))
        e[0, j] = h
        numeric[:, j] = (s_fn.forward(z + e)[0] - s_fn.forward(z - e)[0]) / (2 * h)
    assert gradcheck.rel_error(J, numeric) < TOL


# -- claims: starting weights ----------------------------------------------------------------------
def _sigmoid_ratio(scale: float, seed: int = 0) -> float:
    profile = ll.experiments.gradient_profile(30, activation="sigmoid", weight_scale=scale,
                                              seed=seed)
    return float(profile[0] / profile[-1])


def test_claim_sigmoid_stack_ratios_printed_for_seed_0():
    printed = {s: f"{_sigmoid_ratio(s):.1g}" for s in (1, 4, 8, 16)}
    assert printed == {1: "4e-19", 4: "1e-06", 8: "0.03", 16: "5e+02"}


@pytest.mark.parametrize("seed", SEEDS)
def test_claim_larger_weights_rescue_the_sigmoid_signal_over_seeds(seed):
    r = {s: _sigmoid_ratio(s, seed) for s in (1, 4, 8, 16)}
    assert 1e-19 < r[1] < 1e-18
    assert 1e-7 < r[4] < 1e-5
    assert 1e-3 < r[8] < 1e-1
    assert r[16] > 1.0                                         # it explodes


def test_claim_glorot_and_he_variances_and_the_sigmoid_factor_16():
    rng = np.random.default_rng(0)
    n_in, n_out = 400, 200
    glorot = ll.initializers.get("glorot_uniform")(n_in, n_out, rng)
    he = ll.initializers.get("he_normal")(n_in, n_out, rng)
    r = math.sqrt(6 / (n_in + n_out))
    assert np.abs(glorot).max() <= r and np.abs(glorot).max() > 0.99 * r
    assert glorot.var() == pytest.approx(2 / (n_in + n_out), rel=0.02)
    assert he.var() == pytest.approx(2 / n_in, rel=0.03)
    # E[f'^2] <= 1/16 for the sigmoid, = 1 at 0 for tanh: 16 times the variance, 4 times the std
    z = np.linspace(-10, 10, 20_001)
    assert (activations.get("sigmoid").grad(z) ** 2).max() == pytest.approx(1 / 16)
    assert activations.get("tanh").grad(np.array([0.0]))[0] == 1.0
    assert math.sqrt(16) == 4


# -- claims: not centered on zero ------------------------------------------------------------------
def test_claim_centering_printed_for_seed_0():
    a, b = centering_run(False), centering_run(True)
    assert f"{round(a.input_mean, 1) + 0.0:.1f}" == "0.5"
    assert f"{round(b.input_mean, 1) + 0.0:.1f}" == "0.0"
    assert f"{a.same_sign:.0%}" == "100%" and f"{b.same_sign:.0%}" == "1%"
    assert f"{a.condition:.1f}" == "58.6" and f"{b.condition:.1f}" == "1.6"
    assert a.steps_to(1e-4) == 225 and b.steps_to(1e-4) == 4


@pytest.mark.parametrize("seed", SEEDS)
def test_claim_positive_inputs_slow_the_next_layer_over_seeds(seed):
    a, b = centering_run(False, seed=seed), centering_run(True, seed=seed)
    assert a.same_sign == 1.0 and b.same_sign < 0.05             # one sign on every sample
    assert abs(a.input_mean - 0.5) < 0.02 and abs(b.input_mean) < 0.02
    # the mean adds a steep direction of curvature about n/4 = 2
    assert a.eigenvalues[-1] == pytest.approx(8 / 4 + b.eigenvalues.mean(), rel=0.05)
    assert a.condition > 30 and b.condition < 3
    ratio = a.steps_to(1e-4) / b.steps_to(1e-4)
    assert 40 < ratio < 80                                       # "some fifty times"


def test_centering_run_descends_the_averaged_error_at_one_over_lambda_max():
    run = centering_run(False, n_inputs=3, batch=64, steps=5, seed=1)
    z = np.random.default_rng([1, 7]).standard_normal((64, 3))
    X = activations.sigmoid(z)
    T = X @ np.array([[1.0], [-1.0], [1.0]])
    assert run.lr == pytest.approx(1 / np.linalg.eigvalsh(X.T @ X / 64)[-1])
    W = np.zeros((3, 1))
    for k in range(6):
        assert run.excess[k] == pytest.approx(0.5 * np.mean((T - X @ W) ** 2), rel=1e-12)
        W = W + run.lr / 64 * X.T @ (T - X @ W)
    assert run.steps_to(0.999) == 1 and run.steps_to(1e-300) is None
    with pytest.raises(ValueError):
        run.excess[0] = 0.0


# -- claims: cross-entropy -------------------------------------------------------------------------
def test_claim_cross_entropy_signal_is_t_minus_y_squared_error_keeps_the_slope():
    z = np.array([[-10.0], [-2.0], [0.0], [2.0]])
    t = np.ones_like(z)
    y = activations.sigmoid(z)
    _, dz = ll.losses.binary_cross_entropy(z, t, from_logits=True, reduction="sum")
    np.testing.assert_allclose(-dz, t - y, rtol=1e-12)
    se = (t - y) * y * (1 - y)
    assert [f"{v:.3g}" for v in se[:, 0]] == ["4.54e-05", "0.0925", "0.125", "0.0125"]
    assert [f"{v:.3g}" for v in -dz[:, 0]] == ["1", "0.881", "0.5", "0.119"]
    # the derivation: dE/dz = (-t/y + (1-t)/(1-y)) y(1-y) = y - t, checked numerically
    zz = np.array([[-3.0], [0.4], [5.0]])
    for tt in (0.0, 1.0):
        T = np.full_like(zz, tt)
        def loss(zz=zz, T=T):
            return ll.losses.binary_cross_entropy(zz, T, from_logits=True, reduction="sum")[0]
        numeric = gradcheck.numerical_gradient(loss, zz)
        np.testing.assert_allclose(numeric, activations.sigmoid(zz) - T, rtol=1e-6)


def test_claim_logit_cross_entropy_stays_finite_where_the_probability_rounds():
    z = np.array([[-800.0], [800.0]])
    t = np.array([[1.0], [0.0]])
    assert activations.sigmoid(z)[1, 0] == 1.0                 # y rounds to exactly 1
    value, dz = ll.losses.binary_cross_entropy(z, t, from_logits=True, reduction="sum")
    assert value == pytest.approx(1600.0) and np.all(np.isfinite(dz))


def test_claim_probability_above_half_exactly_where_the_logit_is_positive():
    z = np.linspace(-10, 10, 200_001)
    np.testing.assert_array_equal(activations.sigmoid(z) > 0.5, z > 0)
    # so a net with a linear output is scored at threshold 0.0 on its logits
    model = ll.MLP([2, 4, 1], activation="tanh", seed=3)
    X = np.random.default_rng(0).standard_normal((50, 2))
    labels = (X[:, 0] > 0).astype(float)
    logits = model.forward(X, training=False)[:, 0]
    assert ll.training.accuracy(model, X, labels, threshold=0.0) == np.mean(
        (activations.sigmoid(logits) > 0.5) == labels)


def test_claim_softmax_cross_entropy_gradient_is_y_minus_t():
    Z = np.array([[2.0, 1.0, -1.0], [0.5, -0.3, 0.8]])
    T = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    E, dZ = ll.losses.softmax_cross_entropy(Z, T, reduction="sum")
    S = activations.get("softmax").forward(Z)
    np.testing.assert_allclose(dZ, S - T, rtol=1e-12, atol=1e-15)
    assert E == pytest.approx(-np.sum(T * np.log(S)))
    numeric = gradcheck.numerical_gradient(
        lambda: ll.losses.softmax_cross_entropy(Z, T, reduction="sum")[0], Z)
    assert gradcheck.rel_error(dZ, numeric) < TOL
    _, dZ_mean = ll.losses.softmax_cross_entropy(Z, T)          # mean: divided by N = 2
    np.testing.assert_allclose(dZ_mean, (S - T) / 2, rtol=1e-12, atol=1e-15)


# -- claims: saturation and sparsity ---------------------------------------------------------------
def _sigmoid_threshold(share: float = 0.05) -> float:
    """|z| beyond which sigmoid' < share * 0.25: solve s(1 - s) = share / 4."""
    s = (1.0 - math.sqrt(1.0 - share)) / 2.0
    return math.log((1.0 - s) / s)


@pytest.mark.parametrize("std", [1, 2, 5, 10])
def test_claim_saturated_share_of_sigmoid_matches_the_normal_tail(std):
    zc = _sigmoid_threshold()
    expected = 2.0 * (1.0 - _phi(zc / std))
    got = saturation_share("sigmoid", std)
    assert abs(got - expected) < 4 * math.sqrt(expected * (1 - expected) / 100_000) + 1e-4


@pytest.mark.parametrize("std", [1, 2, 5, 10])
def test_claim_saturated_share_of_tanh_matches_the_normal_tail(std):
    zc = math.atanh(math.sqrt(0.95))                # 1 - tanh^2 < 0.05
    expected = 2.0 * (1.0 - _phi(zc / std))
    assert abs(saturation_share("tanh", std) - expected) < 0.005


def test_claim_two_in_three_sigmoid_units_saturated_at_std_10_and_tanh_saturates_sooner():
    assert 0.6 < saturation_share("sigmoid", 10) < 0.7
    for s in (1, 2, 5, 10):
        assert saturation_share("tanh", s) > saturation_share("sigmoid", s)
    assert _sigmoid_threshold() > math.atanh(math.sqrt(0.95))   # tanh's tail starts earlier


@pytest.mark.parametrize("std", [1, 2, 5, 10])
def test_claim_tanh_row_at_s_equals_sigmoid_row_at_2s(std):
    assert abs(saturation_share("tanh", std) - saturation_share("sigmoid", 2 * std)) < 1e-4
    z = np.linspace(-6, 6, 1201)                 # the slope curves: tanh'(z) = 4 sigma'(2z)
    np.testing.assert_allclose(activations.get("tanh").grad(z),
                               4 * activations.get("sigmoid").grad(2 * z), atol=1e-15)


def test_claim_relu_saturates_half_at_every_scale():
    for s in (1, 2, 5, 10, 1000):
        assert abs(saturation_share("relu", s) - 0.5) < 0.01


def test_claim_relu_activation_rate_about_half_sigmoid_never_zero():
    rate = activation_rate("relu")
    assert abs(rate - 0.5) < 0.01                              # prints 0.499
    assert activation_rate("sigmoid") == 1.0


def test_claim_each_relu_unit_is_on_for_about_half_the_zero_mean_inputs():
    """Each net_j = sum_i w_ij x_i is symmetric around 0 when the inputs have mean 0."""
    model = ll.MLP([16, 256, 1], activation="relu", init="he_normal", seed=0)
    X = np.random.default_rng([0, 4]).standard_normal((1024, 16))
    model.forward(X)
    per_unit = np.mean(model.activation_layers[0]._cache[1] > 0, axis=0)
    assert np.all((per_unit > 0.4) & (per_unit < 0.6))
    assert np.mean(per_unit) == pytest.approx(activation_rate("relu"))


# -- claims: dying ReLU ----------------------------------------------------------------------------
def test_dead_relu_task_is_the_sign_xor_with_zero_mean_inputs():
    X, T = dead_relu_data()
    assert X.shape == (256, DEAD_RELU_SIZES[0]) and T.shape == (256, 1)
    np.testing.assert_array_equal(T[:, 0], (np.sign(X[:, 0]) == np.sign(X[:, 1])).astype(float))
    assert np.all(np.abs(X.mean(axis=0)) < 0.2)
    assert 0.4 < T.mean() < 0.6


def test_the_panels_draw_seed_0_starts_with_no_dead_unit():
    for lr in SWEEP_LRS:
        np.testing.assert_array_equal(dead_relu_run(float(lr)).dead[0], 0.0)


def test_dead_share_agrees_with_probes_activation_stats():
    """The per-step dead share is activation_stats' definition (slope 0 on every sample)."""
    X, T = dead_relu_data()
    model = ll.MLP(list(DEAD_RELU_SIZES), activation="relu", init="he_normal", seed=0)
    opt = ll.optim.SGD(lr=10.0)
    for _ in range(5):
        _, dY = ll.losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
        model.backward(dY)
        opt.step(model.parameters(), model.gradients())
    model.forward(X)
    run = dead_relu_run(10.0, steps=5)
    np.testing.assert_allclose(run.dead_final, ll.probes.activation_stats(model)["dead"])
    assert run.dead_final[1] > 0


def test_claim_up_to_lr_1_training_kills_nothing_and_larger_lr_learns_more():
    sw = _sweep()
    small = SWEEP_LRS <= 1.0 + 1e-9
    # no layer ends with more dead units than it started with, in any draw
    assert np.all(sw.dead[:, small, :] <= sw.dead_start[:, None, :])
    # on the way, only one draw loses a unit, at η = 1, for a single step
    for seed in SEEDS:
        for lr in SWEEP_LRS[small]:
            run = dead_relu_run(float(lr), seed=seed)
            extra = np.flatnonzero(np.any(run.dead > run.dead[0] + 1e-12, axis=1))
            if (seed, round(float(lr), 6)) == (4, 1.0):
                assert extra.size == 1 and 32 * run.dead[extra[0], 1] == 1
            else:
                assert extra.size == 0, (seed, lr)
    # "in two of the six draws one unit of 32 in layer 2 is dead from the start"
    np.testing.assert_array_equal(sw.dead_start[:, 0], 0.0)
    assert sorted(32 * sw.dead_start[:, 1]) == [0, 0, 0, 0, 1, 1]
    for acc in sw.accuracy[:, small]:                    # larger η, more learned
        assert np.all(np.diff(acc) >= 0)
    np.testing.assert_array_equal(sw.accuracy[:, np.isclose(SWEEP_LRS, 1.0)], 1.0)
    assert not sw.diverged.any()


def test_claim_the_next_lr_kills_units_while_the_net_still_learns():
    sw = _sweep()
    i = int(np.flatnonzero(SWEEP_LRS > 1.0 + 1e-9)[0])
    assert round(SWEEP_LRS[i], 1) == 1.8
    layer2 = 100 * sw.dead[:, i, 1]
    assert layer2.min() > sw.dead_start[:, 1].max() * 100       # units died in every draw
    assert round(layer2.min()) == 9 and round(layer2.max()) == 25
    assert 0.99 <= sw.accuracy[:, i].min() and sw.accuracy[:, i].max() == 1.0
    # the best learning rates sit right next to the ones that kill units
    best = sw.accuracy.max(axis=1)
    np.testing.assert_array_equal(best, 1.0)
    np.testing.assert_array_equal(sw.accuracy[:, i - 1], best)


def test_claim_from_lr_18_all_of_layer_2_dead_and_accuracy_at_guessing():
    sw = _sweep()
    big = SWEEP_LRS >= 17.0
    assert round(SWEEP_LRS[big][0]) == 18
    np.testing.assert_array_equal(sw.dead[:, big, 1], 1.0)
    acc = sw.accuracy[:, big]
    assert acc.min() >= 0.48 and acc.max() <= 0.52
    assert round(100 * acc.min()) == 48 and round(100 * acc.max()) == 52


def test_claim_layer_2_climbs_on_average_but_not_in_every_draw():
    sw = _sweep()
    beyond = SWEEP_LRS > 1.0 + 1e-9
    mean = sw.dead[:, beyond, 1].mean(axis=0)
    assert np.all(np.diff(mean) >= 0) and mean[0] > 0
    per_seed = [np.all(np.diff(d) >= 0) for d in sw.dead[:, beyond, 1]]
    assert not all(per_seed)                              # the caveat: some draw dips


def test_claim_layer_1_loses_fewer_units_at_most_a_third():
    sw = _sweep()
    assert sw.dead[:, :, 0].max() <= 0.35
    beyond = SWEEP_LRS > 1.0 + 1e-9
    assert np.all(sw.dead[:, beyond, 0].mean(axis=0) < sw.dead[:, beyond, 1].mean(axis=0))


@pytest.mark.parametrize("seed", SEEDS)
def test_claim_dead_share_jumps_within_the_first_few_steps(seed):
    for lr in SWEEP_LRS[SWEEP_LRS > 3.0]:
        assert dead_relu_run(float(lr), seed=seed).dead[5, 1] > 0.2


@pytest.mark.parametrize("seed", SEEDS)
def test_claim_layer_1_units_are_dead_for_good(seed):
    for lr in SWEEP_LRS:
        d1 = dead_relu_run(float(lr), seed=seed).dead[:, 0]
        assert np.all(np.diff(d1) >= 0), lr


def test_claim_a_deeper_unit_can_come_back():
    d2 = dead_relu_run(10 ** 0.5).dead[:, 1]
    assert d2.max() > d2[-1]


@pytest.mark.parametrize("seed", SEEDS)
def test_claim_once_all_of_layer_2_is_dead_it_stays_dead(seed):
    for lr in SWEEP_LRS[SWEEP_LRS > 15.0]:
        d2 = dead_relu_run(float(lr), seed=seed).dead[:, 1]
        first = int(np.argmax(d2 == 1.0))
        assert d2[first] == 1.0 and first < 40
        np.testing.assert_array_equal(d2[first:], 1.0)


def test_dead_relu_sweep_collects_the_runs():
    sw = _sweep()
    assert sw.dead.shape == (6, 15, 2) and sw.accuracy.shape == (6, 15)
    assert sw.seeds == tuple(SEEDS) and sw.steps == 100
    run = dead_relu_run(float(SWEEP_LRS[7]), seed=3)
    np.testing.assert_array_equal(sw.dead[3, 7], run.dead_final)
    assert sw.accuracy[3, 7] == run.accuracy
    np.testing.assert_array_equal(sw.dead_start[3], run.dead[0])
    with pytest.raises(ValueError):
        sw.dead[0, 0, 0] = 1.0


def test_claim_a_dead_unit_gets_no_gradient():
    X, T = dead_relu_data()
    model = ll.MLP(list(DEAD_RELU_SIZES), activation="relu", init="he_normal", seed=0)
    model.dense_layers[1].params["b"][3] = -1e3                 # unit 3 of layer 2: dead
    _, dY = ll.losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
    model.backward(dY)
    grads = model.gradients()
    np.testing.assert_array_equal(grads["dense1.W"][:, 3], 0.0)
    assert grads["dense1.b"][3] == 0.0
    assert np.any(grads["dense1.W"][:, 2] != 0.0)


def test_claim_a_fully_dead_layer_freezes_all_but_the_output_bias():
    X, T = dead_relu_data()
    model = ll.MLP(list(DEAD_RELU_SIZES), activation="relu", init="he_normal", seed=0)
    model.dense_layers[1].params["b"][:] = -1e3                 # every unit of layer 2 dead
    _, dY = ll.losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
    model.backward(dY)
    grads = model.gradients()
    for key in ("dense0.W", "dense0.b", "dense1.W", "dense1.b", "dense2.W"):
        np.testing.assert_array_equal(grads[key], 0.0)
    assert grads["dense2.b"][0] != 0.0


def test_dead_relu_run_is_cached_and_read_only():
    run = dead_relu_run(0.3)
    assert dead_relu_run(0.3) is run
    assert run.loss.shape == (101,) and run.dead.shape == (101, 2)
    with pytest.raises(ValueError):
        run.dead[0, 0] = 1.0


# -- exercises -------------------------------------------------------------------------------------
def test_exercise_checks_accept_the_package_derivatives_and_reject_wrong_ones():
    assert check_sigmoid_grad(activations.Sigmoid().grad).passed
    assert check_leaky_relu_grad(lambda z, a: activations.LeakyReLU(a).grad(z)).passed
    assert not check_sigmoid_grad(activations.sigmoid).passed
    assert not check_leaky_relu_grad(lambda z, a: np.where(z >= 0, 1.0, a)).passed


# -- panels ----------------------------------------------------------------------------------------
def test_activation_panel_controls(backend):
    panel = activation_panel()
    assert [c.description for c in panel.controls.values()] == ["activation", "α"]
    assert panel.live is (backend == "ipympl")
    assert isinstance(panel.widget, ipw.VBox)


def test_activation_panel_every_activation_redraws(backend):
    panel = activation_panel(activation="sigmoid", alpha=0.2)
    # consecutive entries differ in shape (Leaky ReLU and PReLU with the same alpha do not)
    for name in ("tanh", "prelu", "relu", "leaky_relu", "rrelu", "elu", "selu", "gelu", "silu",
                 "sigmoid"):
        assert _move(panel, "activation", name), name
        c = activation_curve(name, panel.values()["alpha"] if name in ALPHA_ACTIVATIONS
                             else None)
        np.testing.assert_array_equal(panel.plot.lines["f′(z)"].get_ydata(), c.grad)
        assert panel.controls["alpha"].disabled is (name not in ALPHA_ACTIVATIONS)
        if name == "selu":
            assert "1.76" in panel.readout.value                 # SELU's largest slope
        if name == "relu":
            assert "for every z &gt; 0" in panel.readout.value
        if name in ("gelu", "silu"):                            # lesson 12's numbers
            assert {"gelu": "1.13", "silu": "1.1"}[name] in panel.readout.value
            assert {"gelu": "zΦ(z)", "silu": "zσ(z)"}[name] in panel.readout.value
    assert [o[1] for o in panel.controls["activation"].options] == list(PANEL_ACTIVATIONS)
    assert {"gelu", "silu"} <= set(PANEL_ACTIVATIONS)


@pytest.mark.parametrize("activation", ALPHA_ACTIVATIONS)
def test_activation_panel_alpha_to_both_extremes(backend, activation):
    panel = activation_panel(activation=activation, alpha=0.2)
    for value in (0.0, 1.0, 0.5):
        assert _move(panel, "alpha", value), (activation, value)
    panel.controls["alpha"].value = 1.0
    if activation == "leaky_relu":
        assert "linear" in panel.readout.value
        assert "slider α = 1.00, drawn with α = 0.99" in panel.readout.value
        np.testing.assert_allclose(panel.plot.lines["f(z)"].get_ydata()[0],
                                   -5.0 * LEAKY_MAX_ALPHA)
    else:
        assert panel.last_error is None


def test_dead_relu_panel_controls_and_extremes(backend):
    panel = dead_relu_panel()
    assert [c.description for c in panel.controls.values()] == ["learning rate η"]
    for value in (10.0, 10.0 ** DEAD_LR_EXPONENTS[0], 10.0 ** DEAD_LR_EXPONENTS[1], 1.0):
        assert _move(panel, "lr", value), value
    panel.controls["lr"].value = 10.0
    run = dead_relu_run(10.0)
    np.testing.assert_array_equal(panel.plot.lines["layer 2 dead"].get_ydata(),
                                  100 * run.dead[:, 1])
    assert "91%" in panel.readout.value
    assert panel.plot.right.ax.get_ylim() == (-3.0, 103.0)


def test_static_gallery(backend):
    curves = {"sigmoid": activation_curve("sigmoid"), "ELU α=1": activation_curve("elu", 1.0)}
    plot = plot_activation_gallery(curves)
    np.testing.assert_array_equal(plot.lines["ELU α=1′"].get_ydata(), curves["ELU α=1"].grad)
    assert plot.lines["sigmoid"].get_color() == plot.lines["sigmoid′"].get_color()
    assert plot.lines["sigmoid"].get_linestyle() == plot.lines["sigmoid′"].get_linestyle()
    for ax in (plot.left.ax, plot.right.ax):                   # both plots have a legend
        assert ax.get_legend() is not None
    assert [t.get_text() for t in plot.right.ax.get_legend().get_texts()] == ["sigmoid′",
                                                                              "ELU α=1′"]
    plt.close("all")


def test_gallery_styles_are_far_apart():
    import colorsys

    from matplotlib.colors import to_rgb

    hls = [colorsys.rgb_to_hls(*to_rgb(st["color"])) for st in GALLERY_STYLES]
    for i in range(len(hls)):
        for j in range(i + 1, len(hls)):
            (h1, l1, s1), (h2, l2, s2) = hls[i], hls[j]
            if max(s1, s2) < 0.1:                    # black and grey: lightness must differ
                assert abs(l1 - l2) > 0.3, (i, j)
                continue
            if min(s1, s2) < 0.1:                    # grey beside a clear color
                assert max(s1, s2) > 0.3, (i, j)
                continue
            hue = min(abs(h1 - h2), 1 - abs(h1 - h2))  # on the color circle, 1 = 360°
            assert hue > 0.08, (i, j)                # more than ~30° apart
            if hue < 0.15:                           # neighbors: not the same dashes too
                assert GALLERY_STYLES[i]["ls"] != GALLERY_STYLES[j]["ls"] or hue > 0.1, (i, j)
    # the pair that looked alike before: vermillion and orange are no longer both in
    assert not {"#D55E00", "#E69F00"} <= {st["color"] for st in GALLERY_STYLES}


def test_dead_relu_sweep_figure_shows_mean_and_range_in_0_to_100(backend):
    sw = _sweep()
    plot = plot_dead_relu_sweep(sw)
    np.testing.assert_allclose(plot.lines["layer 2"].get_ydata(), 100 * sw.dead[:, :, 1].mean(0))
    np.testing.assert_allclose(plot.lines["accuracy"].get_ydata(), 100 * sw.accuracy.mean(0))
    for ax in (plot.left.ax, plot.right.ax):
        assert ax.get_ylim() == (-3.0, 103.0)                  # a percentage stays in 0..100
        assert ax.get_legend() is not None
    assert len(plot.left.ax.collections) == 2 and len(plot.right.ax.collections) == 1
    band = plot.left.ax.collections[1].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0 and band.max() <= 100.0
    assert "6 seeds" in plot.left.ax.get_title()
    plt.close("all")


def test_centering_figure_stops_each_curve_at_the_floor(backend):
    runs = {"σ(z)": centering_run(False), "σ(z) − ½": centering_run(True)}
    fig, lines = plot_centering(runs, steps=250)
    assert len(lines["σ(z)"].get_xdata()) == 251                # never reaches 1e-12
    assert len(lines["σ(z) − ½"].get_xdata()) < 30              # falls below it fast
    assert np.all(lines["σ(z) − ½"].get_ydata() > 0)
    assert fig.axes[0].get_ylim() == (1e-12, 2.0)
    plt.close("all")


# -- bad inputs ------------------------------------------------------------------------------------
BAD = [
    (lambda: activation_curve("softmax"), ValueError, r"name must be an elementwise"),
    (lambda: activation_curve("mish"), ValueError, r"name must be one of"),
    (lambda: activation_curve(3), TypeError, r"name must be a string"),
    (lambda: activation_curve("leaky_relu", 1.0), ValueError, r"alpha must be < 1"),
    (lambda: activation_curve("elu", -0.5), ValueError, r"alpha must be >= 0"),
    (lambda: activation_curve("elu", "1"), TypeError, r"alpha must be a real number"),
    (lambda: activation_curve("tanh", z_max=0.0), ValueError, r"z_max must be > 0"),
    (lambda: activation_curve("tanh", n=2), ValueError, r"n must be >= 3"),
    (lambda: collapse_linear("model"), TypeError, r"model must be a lessons_lib.model.MLP"),
    (lambda: collapse_linear(ll.MLP([2, 3, 1], activation="relu")), ValueError,
     r"model must be linear"),
    (lambda: collapse_linear(ll.MLP([2, 3, 1], activation="linear", dropout=0.5)), ValueError,
     r"model must be a plain stack"),
    (lambda: linear_fit_error(np.ones(3), np.ones((3, 1))), ValueError, r"X must be 2-D"),
    (lambda: linear_fit_error(np.ones((3, 2)), np.ones((4, 1))), ValueError,
     r"Y must have one row"),
    (lambda: saturation_share("sigmoid", 0.0), ValueError, r"net_std must be > 0"),
    (lambda: saturation_share("softmax", 1.0), ValueError, r"activation must be an elementwise"),
    (lambda: saturation_share("tanh", 1.0, threshold=1.0), ValueError, r"threshold must be < 1"),
    (lambda: saturation_share("tanh", 1.0, n=10), ValueError, r"n must be >= 100"),
    (lambda: activation_rate("relu", width=0), ValueError, r"width must be >= 1"),
    (lambda: activation_rate("relu", input_mean="0"), TypeError, r"input_mean"),
    (lambda: dead_relu_run(0.0), ValueError, r"lr must be > 0"),
    (lambda: dead_relu_run(1000.0), ValueError, r"lr must be <= 100"),
    (lambda: dead_relu_run(1.0, steps=0), ValueError, r"steps must be >= 1"),
    (lambda: dead_relu_run(1.0, seed=-1), ValueError, r"seed must be >= 0"),
    (lambda: dead_relu_sweep([]), ValueError, r"lrs must not be empty"),
    (lambda: dead_relu_sweep([1.0], seeds=[]), ValueError, r"seeds must hold at least one"),
    (lambda: dead_relu_sweep([1.0], seeds=[1, 1]), ValueError, r"seeds must not repeat"),
    (lambda: dead_relu_sweep([1.0], seeds=3), TypeError, r"seeds must be an iterable"),
    (lambda: dead_relu_sweep([1.0], seeds=[-1]), ValueError, r"seeds must be >= 0"),
    (lambda: centering_run("yes"), TypeError, r"centered must be True or False"),
    (lambda: centering_run(True, n_inputs=1), ValueError, r"n_inputs must be >= 2"),
    (lambda: centering_run(True, steps=0), ValueError, r"steps must be >= 1"),
    (lambda: centering_run(True).steps_to(1.0), ValueError, r"fraction must be < 1"),
    (lambda: plot_dead_relu_sweep("sweep"), TypeError, r"sweep must be a DeadReluSweep"),
    (lambda: plot_centering({}), TypeError, r"runs must be a non-empty dict"),
    (lambda: plot_centering({"a": 1}), TypeError, r"runs\['a'\] must be a CenteringRun"),
    (lambda: plot_centering({"a": centering_run(True)}, steps=0), ValueError,
     r"steps must be an int >= 1"),
    (lambda: plot_centering({"a": centering_run(True)}, floor=2.0), ValueError,
     r"floor must be a number in \(0, 1\)"),
    (lambda: activation_panel(activation="softplus"), ValueError, r"activation must be one of"),
    (lambda: activation_panel(alpha=1.5), ValueError, r"alpha must be <= 1"),
    (lambda: dead_relu_panel(lr=100.0), ValueError, r"lr must be <= 31.6"),
    (lambda: dead_relu_panel(steps=0), ValueError, r"steps"),
    (lambda: plot_activation_gallery({}), TypeError, r"curves must be a non-empty dict"),
    (lambda: plot_activation_gallery({"a": 1}), TypeError, r"curves\['a'\]"),
    (lambda: plot_activation_gallery({"a": activation_curve("tanh"),
                                      "b": activation_curve("tanh", n=5)}), ValueError,
     r"curves\['b'\] must use the same z grid"),
]


@pytest.mark.parametrize(("call", "exc", "match"), BAD, ids=[m for _, _, m in BAD])
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
    plt.close("all")
