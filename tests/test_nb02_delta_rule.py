"""Notebook 02 (delta rule): gradients, the 2/λ_max claim, the lesson's numbers and its panel.

Gradients are checked against finite differences; the learning-rate limit is
derived here again from the closed-form eigenvalues of a 2x2 Hessian and
confirmed with an independent gradient-descent loop.
"""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib import data, exercises, gradcheck
from lessons_lib.experiments import delta_rule as dr
from lessons_lib.experiments.perceptron import initial_weights, with_bias
from lessons_lib.plots.delta_rule import SurfacePlot
from lessons_lib.widgets.delta_rule import SURFACE_EXTENT, delta_rule_panel


def arg(name: str) -> str:
    """Regex that finds the argument ``name`` as a whole word in a message."""
    return rf"(?<![\w.]){re.escape(name)}(?!\w)"




def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _batch(rng, N=6, n=3, k=2):
    X = np.c_[np.ones(N), rng.standard_normal((N, n - 1))]
    return rng.standard_normal((n, k)), X, rng.uniform(0, 1, (N, k))


def _closed_form_eigs(X):
    """Eigenvalues of the symmetric 2x2 matrix XᵀX/N, written out."""
    a = np.mean(X[:, 0] ** 2)
    b = np.mean(X[:, 0] * X[:, 1])
    c = np.mean(X[:, 1] ** 2)
    mid, rad = (a + c) / 2, np.sqrt(((a - c) / 2) ** 2 + b**2)
    return mid - rad, mid + rad


def _descend(X, T, W, lr, steps):
    """Independent gradient descent on E = mean ½(t - y)² of a linear unit; E after each step."""
    N = X.shape[0]
    losses = []
    for _ in range(steps):
        W = W + lr / N * X.T @ (T - X @ W)
        losses.append(0.5 * np.mean((T - X @ W) ** 2))
    return np.array(losses)


# -- gradients -------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", dr.ACTIVATIONS)
@pytest.mark.parametrize("reduction", dr.REDUCTIONS)
def test_gradient_matches_finite_differences(activation, reduction, rng):
    W, X, T = _batch(rng)
    analytic = dr.delta_gradient(W, X, T, activation=activation, reduction=reduction)
    numeric = gradcheck.numerical_gradient(
        lambda: dr.delta_loss(W, X, T, activation=activation, reduction=reduction), W)
    assert gradcheck.rel_error(analytic, numeric) < 1e-6


def test_hessian_matches_finite_differences_of_the_gradient(rng):
    X, T = dr.toy_line()
    def grad_entry(W, i):
        return lambda: dr.delta_gradient(W, X, T, activation="linear", reduction="mean")[i, 0]

    for W in (np.zeros((2, 1)), rng.standard_normal((2, 1)) * 3):
        numeric = np.column_stack([gradcheck.numerical_gradient(grad_entry(W, i), W)[:, 0]
                                   for i in range(2)])
        assert gradcheck.rel_error(dr.linear_hessian(X), numeric) < 1e-6


def test_update_is_a_step_against_the_gradient(rng):
    W, X, T = _batch(rng)
    for activation in dr.ACTIVATIONS:
        for reduction in dr.REDUCTIONS:
            kw = dict(activation=activation, reduction=reduction)
            np.testing.assert_allclose(dr.delta_rule_update(W, X, T, 0.3, **kw),
                                       W - 0.3 * dr.delta_gradient(W, X, T, **kw), rtol=1e-12)


def test_update_written_out_for_a_sigmoid_unit(rng):
    W, X, T = _batch(rng, k=1)
    Y = _sig(X @ W)
    np.testing.assert_allclose(dr.delta_rule_update(W, X, T, 0.7),
                               W + 0.7 * X.T @ ((T - Y) * Y * (1 - Y)), rtol=1e-12)
    np.testing.assert_allclose(dr.delta_signal(W, X, T), (T - Y) * Y * (1 - Y), rtol=1e-12)
    np.testing.assert_allclose(dr.unit_output(W, X), Y, rtol=1e-12)


def test_reference_update_passes_the_exercise_check():
    assert exercises.check_delta_rule_update(
        lambda W, X, T, lr: dr.delta_rule_update(W, X, T, lr)).passed


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(1, 3),
       st.floats(1e-3, 2.0), st.integers(0, 2**16))
def test_update_never_modifies_its_inputs(N, n, k, lr, seed):
    rng = np.random.default_rng(seed)
    W, X, T = rng.standard_normal((n, k)), rng.standard_normal((N, n)), rng.random((N, k))
    copies = W.copy(), X.copy(), T.copy()
    out = dr.delta_rule_update(W, X, T, lr, activation="linear", reduction="mean")
    assert out.shape == W.shape and out is not W
    for a, b in zip((W, X, T), copies, strict=True):
        np.testing.assert_array_equal(a, b)


# -- the maths section's claims --------------------------------------------------------------------
def test_claim_linear_unit_gives_the_perceptron_rules_form(rng):
    w, x, t, lr = rng.standard_normal((3, 1)), np.r_[1.0, rng.standard_normal(2)], 0.7, 0.2
    y = float(x @ w[:, 0])                              # y = net, no step
    new = dr.delta_rule_update(w, x[None], np.array([[t]]), lr, activation="linear")
    np.testing.assert_allclose(new[:, 0], w[:, 0] + lr * (t - y) * x, rtol=1e-12)


def test_claim_sigmoid_slope_is_y_times_one_minus_y():
    z = np.linspace(-8, 8, 33)
    y = _sig(z)
    h = 1e-6
    np.testing.assert_allclose((_sig(z + h) - _sig(z - h)) / (2 * h), y * (1 - y), atol=1e-9)
    # delta_signal with t = y + 1 is exactly f'(net): the slope the rule uses
    X = np.c_[np.ones_like(z), z]
    W = np.array([[0.0], [1.0]])
    np.testing.assert_allclose(dr.delta_signal(W, X, y[:, None] + 1.0), (y * (1 - y))[:, None],
                               rtol=1e-12)


def _and_training():
    X, t = data.logic_gate("and")
    Xb, T = with_bias(X), t[:, None].astype(float)
    W = np.zeros((3, 1))
    record = {}
    for epoch in range(1, 2001):
        W = dr.delta_rule_update(W, Xb, T, lr=0.5)
        if epoch in (1, 10, 100, 1000, 2000):
            record[epoch] = (dr.delta_loss(W, Xb, T), dr.unit_output(W, Xb).ravel())
    return Xb, t, W, record


def test_claim_sigmoid_unit_learns_and_creeping_towards_the_targets():
    Xb, t, W, record = _and_training()
    losses = [record[e][0] for e in sorted(record)]
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.01      # E shrinks
    gaps = [np.max(np.abs(record[e][1] - t)) for e in sorted(record)][1:]
    assert gaps == sorted(gaps, reverse=True)           # outputs creep towards the targets
    y = record[2000][1]
    assert np.all((y > 0) & (y < 1))                    # ... without reaching them
    np.testing.assert_array_equal((dr.unit_output(W, Xb).ravel() > 0.5).astype(int), t)


def test_claim_the_notebooks_gradient_check_passes():
    Xb, t, W, _ = _and_training()
    T = t[:, None].astype(float)
    numeric = gradcheck.numerical_gradient(lambda: dr.delta_loss(W, Xb, T), W)
    assert gradcheck.rel_error(dr.delta_gradient(W, Xb, T), numeric) < 1e-6


def test_claim_one_sigmoid_unit_on_xor_settles_on_one_half():
    X, t = data.logic_gate("xor")
    Xb, T = with_bias(X), t[:, None].astype(float)
    W = initial_weights(0)[:, None]
    for _ in range(2000):
        W = dr.delta_rule_update(W, Xb, T, lr=0.5)
    assert dr.delta_loss(W, Xb, T) == pytest.approx(0.5, abs=5e-5)
    np.testing.assert_allclose(dr.unit_output(W, Xb), 0.5, atol=5e-4)


def test_claim_one_half_is_the_best_a_single_sigmoid_unit_does_on_xor():
    X, t = data.logic_gate("xor")
    Xb, T = with_bias(X), t[:, None].astype(float)
    rng = np.random.default_rng(3)
    Ws = rng.normal(0.0, 5.0, (3, 100_000))
    E = 0.5 * np.sum((T - _sig(Xb @ Ws)) ** 2, axis=0)
    assert E.min() >= 0.5 - 1e-9
    for _ in range(20):                                 # and descent from anywhere ends there
        W = rng.normal(0.0, 3.0, (3, 1))
        for _ in range(2000):
            W = dr.delta_rule_update(W, Xb, T, 0.5)
        assert dr.delta_loss(W, Xb, T) >= 0.5 - 1e-9


def test_claim_toy_data_are_ten_points_near_the_line():
    X, T = dr.toy_line()
    assert X.shape == (10, 2) and T.shape == (10, 1)
    np.testing.assert_array_equal(X[:, 0], 1.0)
    np.testing.assert_allclose(X[:, 1], np.linspace(0, 2, 10))
    assert np.max(np.abs(T[:, 0] - (0.5 + X[:, 1]))) < 1.0
    assert not X.flags.writeable and not T.flags.writeable


def test_claim_hessian_is_xtx_over_n_and_does_not_depend_on_w_or_t(rng):
    X, T = dr.toy_line()
    np.testing.assert_allclose(dr.linear_hessian(X), X.T @ X / 10, rtol=1e-14)
    np.testing.assert_allclose(dr.linear_hessian(X, reduction="sum"), X.T @ X, rtol=1e-14)
    # the gradient is affine in W with slope H, whatever T is
    for T2 in (T, rng.standard_normal(T.shape)):
        W1, W2 = rng.standard_normal((2, 1)), rng.standard_normal((2, 1))
        g = [dr.delta_gradient(W, X, T2, activation="linear", reduction="mean") for W in (W1, W2)]
        np.testing.assert_allclose(g[1] - g[0], dr.linear_hessian(X) @ (W2 - W1), atol=1e-12)


def test_claim_threshold_and_eigenvalues_of_the_toy_problem():
    X, _ = dr.toy_line()
    lam_min, lam_max = _closed_form_eigs(X)
    np.testing.assert_allclose(np.linalg.eigvalsh(dr.linear_hessian(X)), [lam_min, lam_max],
                               rtol=1e-12)
    eta_star = dr.lr_threshold(X)
    assert eta_star == pytest.approx(2 / lam_max, rel=1e-12)
    assert round(eta_star, 3) == 0.899                  # "η* ≈ 0.899" in the panel tips
    assert 12 <= lam_max / lam_min < 12.5               # printed as a ratio of about 12
    assert 0.89 < eta_star < 0.90                       # the slider's 0.89 and 0.90 straddle it


def test_claim_summed_error_makes_the_limit_n_times_smaller():
    X, _ = dr.toy_line()
    assert dr.lr_threshold(X, reduction="sum") == pytest.approx(dr.lr_threshold(X) / 10,
                                                                 rel=1e-12)


@pytest.mark.parametrize("factor", [0.5, 0.9, 0.99, 0.999])
def test_claim_gradient_descent_converges_below_two_over_lambda_max(factor):
    X, T = dr.toy_line()
    lr = factor * 2 / _closed_form_eigs(X)[1]
    W0 = np.array(dr.DEFAULT_START)[:, None]
    E_min = 0.5 * np.mean((T - X @ np.linalg.lstsq(X, T, rcond=None)[0]) ** 2)
    E = _descend(X, T, W0, lr, 5000)
    start = 0.5 * np.mean((T - X @ W0) ** 2) - E_min
    assert E[-1] - E_min < 1e-4 * start


@pytest.mark.parametrize("factor, steps", [(1.001, 5000), (1.01, 2000), (1.1, 500)])
def test_claim_gradient_descent_diverges_above_two_over_lambda_max(factor, steps):
    X, T = dr.toy_line()
    lr = factor * 2 / _closed_form_eigs(X)[1]
    W0 = np.array(dr.DEFAULT_START)[:, None]
    E = _descend(X, T, W0, lr, steps)
    assert E[-1] > 1e3 * E[0]
    assert np.all(np.diff(E[-100:]) > 0)                # and it keeps growing


def test_claim_the_steep_component_is_multiplied_by_one_minus_eta_lambda():
    X, _ = dr.toy_line()
    lam, V = np.linalg.eigh(dr.linear_hessian(X))
    for lr in (0.2, 0.6, 0.95):
        p = dr.descent_path(lr, steps=12)
        c = (p.weights - p.minimum) @ V                 # components along the eigenvectors
        np.testing.assert_allclose(c[1:, 1] / c[:-1, 1], 1 - lr * lam[1], rtol=1e-6)
        np.testing.assert_allclose(c[1:, 0] / c[:-1, 0], 1 - lr * lam[0], rtol=1e-6)
        assert p.factor == pytest.approx(abs(1 - lr * lam[1]), rel=1e-12)
        assert p.flat_factor == pytest.approx(abs(1 - lr * lam[0]), rel=1e-12)


def test_claim_three_regimes_no_zigzag_zigzag_explosion():
    X, _ = dr.toy_line()
    lam, V = np.linalg.eigh(dr.linear_hessian(X))
    for lr, flips, shrinks in ((0.9 / lam[1], False, True), (1.5 / lam[1], True, True),
                               (2.1 / lam[1], True, False)):
        c = (dr.descent_path(lr, steps=10).weights - dr.descent_path(lr).minimum) @ V[:, 1]
        assert bool(np.all(c[1:] * c[:-1] < 0)) is flips
        assert bool(np.all(np.abs(c[1:]) < np.abs(c[:-1]))) is shrinks


def test_claim_excess_is_the_loss_above_its_minimum():
    for lr in (0.05, 0.5, 0.95):
        p = dr.descent_path(lr)
        np.testing.assert_allclose(p.excess, p.loss - p.loss_min, rtol=1e-9, atol=1e-12)
        X, T = dr.toy_line()
        assert p.loss_min == pytest.approx(dr.delta_loss(p.minimum[:, None], X, T,
                                                         activation="linear",
                                                         reduction="mean"), rel=1e-12)


def test_claim_just_below_converges_just_above_diverges_in_40_steps():
    X, _ = dr.toy_line()
    eta_star = 2 / _closed_form_eigs(X)[1]
    below, above = dr.descent_path(0.95 * eta_star), dr.descent_path(1.05 * eta_star)
    assert below.excess[-1] < 1e-2 * below.excess[0]
    assert above.excess[-1] > 1e2 * above.excess[0]
    assert not below.diverges and above.diverges


def test_claim_the_careful_rate_is_not_the_fastest():
    X, _ = dr.toy_line()
    eta_star = 2 / _closed_form_eigs(X)[1]
    slow, fast = dr.descent_path(0.3 * eta_star), dr.descent_path(0.95 * eta_star)
    assert fast.excess[-1] < slow.excess[-1] / 10
    assert fast.flat_factor < slow.flat_factor          # the flat direction sets the pace


def test_claim_panel_tips():
    X, _ = dr.toy_line()
    lam_min, lam_max = _closed_form_eigs(X)
    assert 0.05 < 1 / lam_max                           # 0.05: no zig-zag
    assert dr.descent_path(0.05).excess[-1] > 0.1 * dr.descent_path(0.05).excess[0]  # slow
    for lr in (0.5, 0.85):                              # zig-zag, still converging
        assert 1 / lam_max < lr < 2 / lam_max
    for lr, diverges in ((0.89, False), (0.90, True)):
        p = dr.descent_path(lr)
        assert p.diverges is diverges
        assert abs(abs(1 - lr * lam_max) - 1) < 0.03
    for lr in (1.01, 1.2):                              # above 1: straight line up on a log scale
        growth = np.diff(np.log(dr.descent_path(lr).excess[10:]))
        assert np.all(growth > 0) and np.ptp(growth) < 1e-3 * growth.mean()


def test_claim_framework_mse_gradient_ratio(rng):
    X, T = dr.toy_line()
    W = rng.standard_normal((2, 1))
    N = X.shape[0]
    mse_grad = -2.0 / N * X.T @ (T - X @ W)             # d/dW of mean((t - y)^2)
    kw = dict(activation="linear")
    np.testing.assert_allclose(mse_grad, 2 * dr.delta_gradient(W, X, T, reduction="mean", **kw))
    np.testing.assert_allclose(mse_grad, 2 / N * dr.delta_gradient(W, X, T, reduction="sum",
                                                                    **kw))


# -- the experiment's bookkeeping ------------------------------------------------------------------
def test_descent_path_is_memoized_read_only_and_starts_at_start():
    p = dr.descent_path(0.4, steps=12, start=(1.0, -0.5))
    assert dr.descent_path(0.4, steps=12, start=(1.0, -0.5)) is p
    np.testing.assert_array_equal(p.weights[0], [1.0, -0.5])
    assert p.weights.shape == (13, 2) and p.loss.shape == p.excess.shape == (13,)
    np.testing.assert_array_equal(p.steps, np.arange(13))
    for arr in (p.weights, p.loss, p.excess, p.minimum):
        assert not arr.flags.writeable


def test_a_huge_rate_overflows_to_inf_never_nan_and_never_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = dr.descent_path(1e6, steps=300)
    assert p.overflowed and p.diverges
    assert not np.any(np.isnan(p.loss)) and not np.any(np.isnan(p.excess))
    assert np.isinf(p.excess[-1]) and np.isinf(p.loss[-1])
    assert not np.any(np.isnan(p.weights))


def test_loss_surface_matches_the_loss_function():
    w0, w1, E = dr.loss_surface((-1, 2, 0, 3), resolution=7)
    X, T = dr.toy_line()
    for i, j in ((0, 0), (3, 5), (6, 2)):
        W = np.array([[w0[j]], [w1[i]]])
        assert E[i, j] == pytest.approx(dr.delta_loss(W, X, T, activation="linear",
                                                      reduction="mean"), rel=1e-12)


def test_lr_threshold_of_a_zero_input_is_an_error():
    with pytest.raises(ValueError, match=arg("X")):
        dr.lr_threshold(np.zeros((3, 2)))


# -- SurfacePlot -----------------------------------------------------------------------------------
def test_surface_plot_draws_the_contour_once_and_moves_paths(backend):
    w0, w1, E = dr.loss_surface(SURFACE_EXTENT, resolution=20)
    plot = SurfacePlot(w0, w1, E, labels=["a", "b"], minimum=(0.6, 0.9))
    contour = plot.contour
    plot.update({"a": [[0.0, 0.0], [1.0, 1.0]]})
    assert plot.note_text() == ""
    np.testing.assert_array_equal(plot.paths["a"].get_xdata(), [0.0, 1.0])
    assert len(plot.paths["b"].get_xdata()) == 0
    plot.update({"b": [[0.0, 0.0], [9.0, 0.0], [np.inf, np.inf]]})
    note = plot.note_text()
    assert "from step 1" in note and plot.note.get_visible()
    assert np.isnan(plot.paths["b"].get_xdata()[2])     # not drawn, not NaN-in-data silently
    assert plot.contour is contour
    with pytest.raises(ValueError, match="unknown labels"):
        plot.update({"c": [[0.0, 0.0]]})
    with pytest.raises(ValueError, match=arg("E")):
        SurfacePlot(w0, w1, E[:-1])
    with pytest.raises(TypeError, match=arg("labels")):
        SurfacePlot(w0, w1, E, labels="a")


# -- the live panel --------------------------------------------------------------------------------
def _state(panel):
    return {"path": np.asarray(panel.surface.paths["path"].get_ydata(), float).copy(),
            "curve": np.asarray(panel.plot.lines["E − E_min"].get_ydata(), float).copy()}


def test_panel_has_one_eta_slider_and_a_small_figure(backend):
    panel = delta_rule_panel()
    assert [c.description for c in panel.controls.values()] == ["η"]
    assert panel.live is (backend == "ipympl")
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 700 and h <= 350
    assert panel.figure.get_layout_engine() is None
    assert panel.controls["lr"].max == pytest.approx(round(1.5 * panel.threshold, 2))


def test_moving_eta_redraws_in_place(backend):
    panel = delta_rule_panel(lr=0.3)
    figures = plt.get_fignums()
    artists = (panel.surface.paths["path"], panel.surface.contour, panel.plot.lines["E − E_min"])
    for value in (0.5, 0.89, 0.9, 1.2, 0.05):
        before = _state(panel)
        updates = panel.n_updates
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            panel.controls["lr"].value = value
        assert panel.last_error is None, panel.last_error
        assert panel.n_updates == updates + 1
        after = _state(panel)
        for key in before:
            assert not np.array_equal(before[key], after[key], equal_nan=True), (value, key)
        assert plt.get_fignums() == figures
        assert (panel.surface.paths["path"], panel.surface.contour,
                panel.plot.lines["E − E_min"]) == artists


def test_panel_draws_what_the_experiment_computes(backend):
    panel = delta_rule_panel(lr=0.6, steps=25)
    p = dr.descent_path(0.6, steps=25)
    np.testing.assert_allclose(panel.surface.paths["path"].get_xdata(), p.weights[:, 0])
    np.testing.assert_allclose(panel.plot.lines["E − E_min"].get_ydata(), p.excess)
    assert "converges" in panel.readout.value and "0.899" in panel.readout.value
    panel.controls["lr"].value = 0.9
    assert "diverges" in panel.readout.value and "slowly" in panel.readout.value


def test_panel_slider_extremes(backend):
    panel = delta_rule_panel()
    slider = panel.controls["lr"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slider.value = slider.max
        assert panel.last_error is None
        assert "diverges" in panel.readout.value
        assert panel.surface.note.get_visible()         # the path leaves the plot
        slider.value = slider.min
        assert panel.last_error is None
        assert "converges" in panel.readout.value
        assert not panel.surface.note.get_visible()


# -- bad input -------------------------------------------------------------------------------------
_W, _X, _T = np.zeros((3, 1)), np.ones((4, 3)), np.zeros((4, 1))

BAD_CALLS = [
    (lambda: dr.delta_rule_update(np.zeros(3), _X, _T, 0.1), ValueError, "W"),
    (lambda: dr.delta_rule_update(_W, np.ones((4, 2)), _T, 0.1), ValueError, "X"),
    (lambda: dr.delta_rule_update(_W, _X, np.zeros((4, 2)), 0.1), ValueError, "T"),
    (lambda: dr.delta_rule_update(_W, _X, "t", 0.1), TypeError, "T"),
    (lambda: dr.delta_rule_update(_W, _X, _T, 0.0), ValueError, "lr"),
    (lambda: dr.delta_rule_update(_W, _X, _T, None), TypeError, "lr"),
    (lambda: dr.delta_rule_update(_W, _X, _T, 0.1, activation="relu"), ValueError, "activation"),
    (lambda: dr.delta_loss(_W, _X, _T, reduction="avg"), ValueError, "reduction"),
    (lambda: dr.delta_gradient(_W, _X, _T, activation=1), TypeError, "activation"),
    (lambda: dr.delta_signal(_W, _X[:, :2], _T), ValueError, "X"),
    (lambda: dr.unit_output(_W, np.ones((4, 2))), ValueError, "X"),
    (lambda: dr.unit_output(_W, _X, activation="tanh"), ValueError, "activation"),
    (lambda: dr.linear_hessian(np.ones(3)), ValueError, "X"),
    (lambda: dr.linear_hessian(_X, reduction="none"), ValueError, "reduction"),
    (lambda: dr.linear_minimum(_X, np.zeros((5, 1))), ValueError, "T"),
    (lambda: dr.toy_line(1), ValueError, "n"),
    (lambda: dr.toy_line(10, seed=-1), ValueError, "seed"),
    (lambda: dr.descent_path(-0.1), ValueError, "lr"),
    (lambda: dr.descent_path(0.1, steps=-1), ValueError, "steps"),
    (lambda: dr.descent_path(0.1, steps=10**6), ValueError, "steps"),
    (lambda: dr.descent_path(0.1, start=(1.0, 2.0, 3.0)), ValueError, "start"),
    (lambda: dr.descent_path(0.1, start=(np.nan, 0.0)), ValueError, "start"),
    (lambda: dr.loss_surface((1, 0, 0, 1)), ValueError, "extent"),
    (lambda: dr.loss_surface((0, 1, 0)), ValueError, "extent"),
    (lambda: dr.loss_surface((0, 1, 0, 1), resolution=1), ValueError, "resolution"),
    (lambda: delta_rule_panel(lr=2.0), ValueError, "lr"),
    (lambda: delta_rule_panel(steps=0), ValueError, "steps"),
    (lambda: delta_rule_panel(start=(0.0,)), ValueError, "start"),
    (lambda: delta_rule_panel(n=1), ValueError, "n"),
]


@pytest.mark.parametrize("call, exc, name", BAD_CALLS,
                         ids=[f"{i}-{c[2]}" for i, c in enumerate(BAD_CALLS)])
def test_bad_input_is_rejected_naming_the_argument(backend, call, exc, name):
    with pytest.raises(exc, match=arg(name)):
        call()


def test_unknown_activation_message_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"\['linear', 'sigmoid'\].*'relu'"):
        dr.delta_loss(_W, _X, _T, activation="relu")
