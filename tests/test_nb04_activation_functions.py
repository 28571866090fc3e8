"""Notebook 04 (activation functions): its module, its panels and every claim its text makes."""

from __future__ import annotations

import math

import ipywidgets as W
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
    collapse_linear,
    dead_relu_data,
    dead_relu_run,
    linear_fit_error,
    saturation_share,
)
from lessons_lib.plots.activation import plot_activation_gallery
from lessons_lib.widgets.activation import (
    DEAD_LR_EXPONENTS,
    LEAKY_MAX_ALPHA,
    activation_panel,
    dead_relu_panel,
)

TOL = 1e-6
#: The learning rates of the notebook's sweep and of the panel's slider.
SWEEP_LRS = 10.0 ** np.arange(-2.0, 1.51, 0.25)




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


def test_claim_no_unit_is_dead_at_the_start():
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


def test_claim_up_to_lr_1_nothing_dies_and_larger_lr_learns_more():
    small = SWEEP_LRS[SWEEP_LRS <= 1.0 + 1e-9]
    for lr in small:
        np.testing.assert_array_equal(dead_relu_run(float(lr)).dead.max(axis=0), 0.0)
    acc = [dead_relu_run(float(lr)).accuracy for lr in small]
    assert all(b >= a for a, b in zip(acc, acc[1:], strict=False))
    assert dead_relu_run(1.0).accuracy == 1.0                   # all 256 points right


def test_claim_from_lr_10_most_of_layer_2_dead_and_accuracy_near_guessing():
    for lr in SWEEP_LRS[SWEEP_LRS >= 10.0 - 1e-9]:
        run = dead_relu_run(float(lr))
        assert run.dead_final[1] >= 0.9
        assert run.accuracy < 0.6
        assert not run.diverged


def test_claim_dead_share_climbs_beyond_lr_1():
    layer2 = [dead_relu_run(float(lr)).dead_final[1] for lr in SWEEP_LRS]
    beyond = [d for lr, d in zip(SWEEP_LRS, layer2, strict=True) if lr > 1.0 + 1e-9]
    assert beyond[0] > 0
    assert all(b >= a for a, b in zip(beyond, beyond[1:], strict=False))


def test_claim_best_lrs_sit_next_to_the_ones_that_kill_units():
    acc = np.array([dead_relu_run(float(lr)).accuracy for lr in SWEEP_LRS])
    dead = np.array([dead_relu_run(float(lr)).dead.max() for lr in SWEEP_LRS])
    first_deadly = int(np.argmax(dead > 0))
    assert acc[first_deadly - 1] == acc.max() == 1.0             # the neighbour is a best one


def test_claim_dead_share_jumps_within_the_first_few_steps():
    for lr in SWEEP_LRS[SWEEP_LRS > 3.0]:
        assert dead_relu_run(float(lr)).dead[5, 1] > 0.2


def test_claim_layer_1_units_are_dead_for_good():
    for lr in SWEEP_LRS:
        d1 = dead_relu_run(float(lr)).dead[:, 0]
        assert np.all(np.diff(d1) >= 0), lr


def test_claim_a_deeper_unit_can_come_back():
    d2 = dead_relu_run(10 ** 0.5).dead[:, 1]
    assert d2.max() > d2[-1]


def test_claim_once_all_of_layer_2_is_dead_it_stays_dead():
    for lr in SWEEP_LRS[SWEEP_LRS > 15.0]:
        d2 = dead_relu_run(float(lr)).dead[:, 1]
        first = int(np.argmax(d2 == 1.0))
        assert d2[first] == 1.0 and first < 20
        np.testing.assert_array_equal(d2[first:], 1.0)


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
    assert isinstance(panel.widget, W.VBox)


def test_activation_panel_every_activation_redraws(backend):
    panel = activation_panel(activation="sigmoid", alpha=0.2)
    # consecutive entries differ in shape (Leaky ReLU and PReLU with the same alpha do not)
    for name in ("tanh", "prelu", "relu", "leaky_relu", "rrelu", "elu", "selu", "sigmoid"):
        assert _move(panel, "activation", name), name
        c = activation_curve(name, panel.values()["alpha"] if name in ALPHA_ACTIVATIONS
                             else None)
        np.testing.assert_array_equal(panel.plot.lines["f′(z)"].get_ydata(), c.grad)
        assert panel.controls["alpha"].disabled is (name not in ALPHA_ACTIVATIONS)
        if name == "selu":
            assert "1.76" in panel.readout.value                 # SELU's largest slope
        if name == "relu":
            assert "for every z &gt; 0" in panel.readout.value


@pytest.mark.parametrize("activation", ALPHA_ACTIVATIONS)
def test_activation_panel_alpha_to_both_extremes(backend, activation):
    panel = activation_panel(activation=activation, alpha=0.2)
    for value in (0.0, 1.0, 0.5):
        assert _move(panel, "alpha", value), (activation, value)
    panel.controls["alpha"].value = 1.0
    if activation == "leaky_relu":
        assert "linear" in panel.readout.value
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


# -- bad inputs ------------------------------------------------------------------------------------
BAD = [
    (lambda: activation_curve("softmax"), ValueError, r"name must be an elementwise"),
    (lambda: activation_curve("swish"), ValueError, r"name must be one of"),
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
