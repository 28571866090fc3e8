"""Notebook 03 (backpropagation): its module, its panel and every claim its text makes."""

from __future__ import annotations

import warnings

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import pytest
from panel_checks import changed as _changed
from panel_checks import ydata as _ydata

import lessons_lib as ll
from lessons_lib import gradcheck
from lessons_lib.exercises import check_backward_two_layer
from lessons_lib.experiments.backprop import (
    XOR_MAX_WIDTH,
    backward_pass,
    forward_pass,
    init_weights,
    squared_error,
    train_xor,
    with_bias,
    xor_data,
    xor_initial_weights,
)
from lessons_lib.plots.activation import DualLinePlot
from lessons_lib.widgets.backprop import LR_EXPONENTS, backprop_panel

TOL = 1e-6
#: The values the panel's η slider can take (FloatLogSlider, step 0.1 in the exponent).
SLIDER_LRS = [10.0 ** (LR_EXPONENTS[0] + 0.1 * k) for k in range(26)]


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))




# -- the formulas ----------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [[2, 3, 1], [2, 4, 3, 1], [3, 5, 2], [2, 3, 3, 3, 2]])
@pytest.mark.parametrize("hidden_bias", [True, False])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "linear"])
def test_backward_pass_matches_finite_differences(sizes, hidden_bias, activation):
    rng = np.random.default_rng(len(sizes) * 10 + sizes[1])
    X = with_bias(rng.standard_normal((5, sizes[0])))
    T = rng.uniform(0, 1, (5, sizes[-1]))
    Ws = init_weights(sizes, seed=3, hidden_bias=hidden_bias)
    lr = 0.7
    bp = backward_pass(X, T, Ws, lr, activation=activation, hidden_bias=hidden_bias)
    for Wl, dW in zip(Ws, bp.dW, strict=True):
        numeric = gradcheck.numerical_gradient(
            lambda: squared_error(X, T, Ws, activation=activation, hidden_bias=hidden_bias), Wl)
        assert dW.shape == Wl.shape
        assert gradcheck.rel_error(-dW / lr, numeric) < TOL


def test_backward_pass_follows_the_notes_formulas_one_hidden_layer():
    """delta2 = (T - Y2) f'(net2), delta1 = delta2 W2[1:]^T f'(net1), dW = lr Y^T delta."""
    X, T = xor_data()
    W1, W2 = init_weights([2, 4, 1], seed=5)
    Y1 = _sig(X @ W1)
    Y1b = np.c_[np.ones(4), Y1]
    Y2 = _sig(Y1b @ W2)
    d2 = (T - Y2) * Y2 * (1 - Y2)
    d1 = (d2 @ W2[1:].T) * Y1 * (1 - Y1)
    bp = backward_pass(X, T, [W1, W2], 0.3)
    np.testing.assert_allclose(bp.delta[1], d2, rtol=1e-12)
    np.testing.assert_allclose(bp.delta[0], d1, rtol=1e-12)
    np.testing.assert_allclose(bp.dW[1], 0.3 * Y1b.T @ d2, rtol=1e-12)
    np.testing.assert_allclose(bp.dW[0], 0.3 * X.T @ d1, rtol=1e-12)
    assert bp.E == pytest.approx(0.5 * np.sum((T - Y2) ** 2))
    np.testing.assert_allclose(bp.delta_norms, [np.linalg.norm(d1), np.linalg.norm(d2)])
    np.testing.assert_allclose(bp.forward.Y[1], Y1b)


def test_backward_pass_without_hidden_bias_passes_the_exercise_check():
    verdict = check_backward_two_layer(
        lambda X, T, W1, W2, lr: tuple(backward_pass(X, T, [W1, W2], lr, hidden_bias=False).dW))
    assert verdict.passed, verdict.message


def test_exercise_check_rejects_a_backward_that_forgets_the_hidden_slope():
    def wrong(X, T, W1, W2, lr):
        Y1 = _sig(X @ W1)
        Y2 = _sig(Y1 @ W2)
        d2 = (T - Y2) * Y2 * (1 - Y2)
        return lr * X.T @ (d2 @ W2.T), lr * Y1.T @ d2

    assert not check_backward_two_layer(wrong).passed


def test_forward_pass_shapes_and_bias_units():
    X, _ = xor_data()
    fp = forward_pass(X, init_weights([2, 3, 2, 1], seed=0))
    assert [n.shape for n in fp.nets] == [(4, 3), (4, 2), (4, 1)]
    assert [y.shape for y in fp.Y] == [(4, 3), (4, 4), (4, 3), (4, 1)]
    assert np.all(fp.Y[1][:, 0] == 1) and np.all(fp.Y[2][:, 0] == 1)
    assert fp.output is fp.Y[-1]


def test_init_weights_shapes_and_range():
    Ws = init_weights([2, 5, 3, 1], seed=0, scale=0.5)
    assert [W.shape for W in Ws] == [(3, 5), (6, 3), (4, 1)]
    assert all(np.abs(W).max() <= 0.5 for W in Ws)
    Wn = init_weights([2, 5, 3, 1], seed=0, hidden_bias=False)
    assert [W.shape for W in Wn] == [(3, 5), (5, 3), (3, 1)]
    np.testing.assert_array_equal(init_weights([2, 5, 1], seed=4)[0],
                                  init_weights([2, 5, 1], seed=4)[0])


# -- the training loop of the panel ----------------------------------------------------------------
def test_train_xor_takes_the_steps_of_backward_pass():
    X, T = xor_data()
    W1, W2 = xor_initial_weights(4, seed=2)
    bp = backward_pass(X, T, [W1, W2], 1.5)
    run = train_xor(4, 1.5, steps=1, seed=2)
    np.testing.assert_allclose(run.W1, W1 + bp.dW[0], rtol=1e-12)
    np.testing.assert_allclose(run.W2, W2 + bp.dW[1], rtol=1e-12)
    assert run.loss[0] == pytest.approx(squared_error(X, T, [W1, W2]), rel=1e-12)
    assert run.loss[1] == pytest.approx(squared_error(X, T, [run.W1, run.W2]), rel=1e-12)
    np.testing.assert_allclose(run.delta[0], bp.delta_norms, rtol=1e-12)
    np.testing.assert_allclose(run.output, forward_pass(X, [run.W1, run.W2]).output[:, 0])


def test_train_xor_is_cached_read_only_and_shaped():
    run = train_xor(3, 2.0, steps=50)
    assert train_xor(3, 2.0, steps=50) is run
    assert run.loss.shape == (51,) and run.delta.shape == (51, 2) and run.step[-1] == 50
    assert run.W1.shape == (3, 3) and run.W2.shape == (4, 1)
    with pytest.raises(ValueError):
        run.loss[0] = 1.0


def test_wider_nets_keep_the_first_units_starting_weights():
    a1, a2 = xor_initial_weights(3, seed=1)
    b1, b2 = xor_initial_weights(XOR_MAX_WIDTH, seed=1)
    np.testing.assert_array_equal(a1, b1[:, :3])
    np.testing.assert_array_equal(a2, b2[:4])
    a1[0, 0] = 99.0                                     # a copy: the cache is untouched
    assert xor_initial_weights(3, seed=1)[0][0, 0] != 99.0


def test_extreme_settings_stay_finite():
    for width in (1, XOR_MAX_WIDTH):
        for lr in (1e-6, 100.0):
            run = train_xor(width, lr, steps=200)
            assert np.all(np.isfinite(run.loss)) and np.all(np.isfinite(run.delta))


# -- claims of the notebook ------------------------------------------------------------------------
def test_claim_gradient_check_below_1e_6_for_one_and_two_hidden_layers():
    X, T = xor_data()
    lr = 0.5
    for sizes in ([2, 3, 1], [2, 4, 3, 1]):
        Ws = init_weights(sizes, seed=1)
        analytic = [-dW / lr for dW in backward_pass(X, T, Ws, lr).dW]
        numeric = [gradcheck.numerical_gradient(lambda Ws=Ws: squared_error(X, T, Ws), Wl)
                   for Wl in Ws]
        assert max(gradcheck.rel_error(a, n)
                   for a, n in zip(analytic, numeric, strict=True)) < TOL


def test_claim_lessons_lib_mlp_passes_the_gradient_check():
    X, T = xor_data()
    model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    errors = gradcheck.check_model(model, X[:, 1:], lambda Y: ll.losses.mse(Y, T))
    assert set(errors) == {"X", "dense0.W", "dense0.b", "dense1.W", "dense1.b"}
    assert max(errors.values()) < TOL


def test_claim_bias_column_and_bias_vector_are_the_same_map_and_gradient():
    X, T = xor_data()
    W = init_weights([2, 3, 1], seed=0)
    dense = ll.layers.Dense(2, 3, W=W[0][1:])
    dense.params["b"][:] = W[0][0]
    np.testing.assert_allclose(dense.forward(X[:, 1:]), X @ W[0], rtol=1e-12)
    bp = backward_pass(X, T, W, 0.5)
    dense.backward(-bp.delta[0])
    np.testing.assert_allclose(bp.dW[0], -0.5 * np.vstack([dense.grads["b"], dense.grads["W"]]),
                               rtol=1e-12)
    # the bias row of dW is eta times the batch sum of delta
    np.testing.assert_allclose(bp.dW[0][0], 0.5 * bp.delta[0].sum(axis=0), rtol=1e-12)


def test_claim_notes_delta_is_minus_the_layer_gradient():
    """The notes' delta is -dE/dnet; lessons_lib's Dense stores +dE/dnet (same norm)."""
    X, T = xor_data()
    model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    d0, d1 = model.dense_layers
    W = [np.vstack([d0.params["b"], d0.params["W"]]), np.vstack([d1.params["b"], d1.params["W"]])]
    _, dY = ll.losses.mse(model.forward(X[:, 1:]), T, reduction="sum")
    model.backward(dY)
    bp = backward_pass(X, T, W, 1.0)
    np.testing.assert_allclose(d0.dnet, -bp.delta[0], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(d1.dnet, -bp.delta[1], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ll.probes.delta_norms(model), bp.delta_norms, rtol=1e-10)


def test_claim_xor_solved_with_width_3_and_lr_2():
    _, T = xor_data()
    run = train_xor(3, 2.0, steps=1000)
    assert run.solved
    assert np.all(np.abs(run.output - T[:, 0]) < 0.05)         # "0.03 0.97 0.97 0.04"
    assert run.loss[-1] < run.loss[0] / 100                     # orders of magnitude


def test_claim_mlp_with_mean_loss_and_lr_8_solves_xor():
    X, y = ll.data.logic_gate("xor")
    model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    ll.training.train(model, X, y[:, None].astype(float), loss="mse", lr=8.0, steps=1000)
    assert ll.training.accuracy(model, X, y) == 1.0


def test_claim_mean_error_with_lr_8_steps_like_summed_error_with_lr_2():
    """ll.training's mse is the mean over the 4 samples: eta = 8 there is eta = 2 on the sum."""
    X, y = ll.data.logic_gate("xor")
    T = y[:, None].astype(float)
    model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    start = {k: v.copy() for k, v in model.parameters().items()}
    ll.training.train(model, X, T, loss="mse", lr=8.0, steps=1)
    d0, d1 = model.dense_layers
    W = [np.vstack([start["dense0.b"], start["dense0.W"]]),
         np.vstack([start["dense1.b"], start["dense1.W"]])]
    bp = backward_pass(with_bias(X), T, W, 2.0)
    np.testing.assert_allclose(np.vstack([d0.params["b"], d0.params["W"]]), W[0] + bp.dW[0],
                               rtol=1e-12)
    np.testing.assert_allclose(np.vstack([d1.params["b"], d1.params["W"]]), W[1] + bp.dW[1],
                               rtol=1e-12)


def test_claim_plateau_near_half_then_drop_small_lr_slower_large_lr_jumpy():
    """The figure's three rates. eta = 15, not 20: at 20 whether the run ever leaves the
    plateau depends on the last digits of the arithmetic (it stays on it on some CPUs)."""
    runs = {lr: train_xor(3, lr) for lr in (0.3, 2.0, 15.0)}
    # E = 0.5 is the error of answering 0.5 to all four inputs: the plateau
    assert 0.45 < runs[2.0].loss[50] < 0.55
    assert 0.45 < runs[0.3].loss[300] < 0.55
    assert runs[0.3].loss[-1] > 10 * runs[2.0].loss[-1]         # small eta: slower
    early = runs[15.0].loss[:500]
    assert np.sum(np.diff(early) > 0) > 20                       # large eta jumps around ...
    assert runs[15.0].loss[-1] < runs[15.0].loss[0] / 100        # ... before it drops
    assert np.all(runs[15.0].loss[300:] < runs[15.0].loss[0] / 100)   # and stays down


def test_claim_plateau_outputs_are_about_one_half():
    for width, lr, step in ((3, 2.0, 50), (3, 0.3, 300)):
        out = train_xor(width, lr, steps=step).output
        assert np.all(np.abs(out - 0.5) < 0.15)
    assert 4 * 0.5 * 0.5 ** 2 == 0.5


def test_claim_default_start_weights_stretch_less_than_four():
    _, W2 = xor_initial_weights(3, seed=0)
    assert np.linalg.norm(W2[1:], 2) < 4


def test_claim_input_side_signal_starts_smaller_for_every_width():
    # delta at step 0 does not depend on eta; the panel offers widths 1..8
    for width in range(1, 9):
        run = train_xor(width, 2.0)
        assert run.delta[0, 0] < run.delta[0, 1]
    run = train_xor(3, 2.0)
    assert run.delta[0, 0] / run.delta[0, 1] == pytest.approx(0.27, abs=0.005)


def test_claim_input_side_signal_is_bounded_by_a_quarter_of_the_output_side():
    """||delta1|| <= 1/4 ||delta2|| ||W2 without bias row||_2, because sigmoid' <= 1/4."""
    X, T = xor_data()
    for seed in range(20):
        width = 1 + seed % 8
        Ws = init_weights([2, width, 1], seed=seed, scale=1.0 + seed)
        bp = backward_pass(X, T, Ws, 1.0)
        bound = 0.25 * np.linalg.norm(bp.delta[1]) * np.linalg.norm(Ws[1][1:], 2)
        assert np.linalg.norm(bp.delta[0]) <= bound * (1 + 1e-12)


def test_claim_sigmoid_slope_is_at_most_a_quarter():
    z = np.linspace(-20, 20, 400_001)
    g = ll.activations.get("sigmoid").grad(z)
    assert g.max() == pytest.approx(0.25, abs=1e-15) and z[np.argmax(g)] == 0.0


def test_claim_one_hidden_unit_never_solves_xor():
    assert not any(train_xor(1, lr).solved for lr in SLIDER_LRS)


def test_claim_no_width_solves_xor_at_lr_0_1_in_1000_steps():
    assert not any(train_xor(width, 0.1).solved for width in range(1, 9))


def test_claim_width_2_solves_from_about_0_8_and_fails_at_the_largest_lr():
    solved = [lr for lr in SLIDER_LRS if train_xor(2, lr).solved]
    assert 0.6 < min(solved) < 1.0
    assert train_xor(2, 2.0).solved
    assert not train_xor(2, SLIDER_LRS[-1]).solved


def test_claim_wider_nets_succeed_at_smaller_lr():
    first = [min(lr for lr in SLIDER_LRS if train_xor(w, lr).solved) for w in range(2, 9)]
    assert all(b <= a for a, b in zip(first, first[1:], strict=False))
    assert first[-1] < first[0] / 3


def _ramp(z):
    return np.maximum(z, 0.0)


def _pieces(x, y):
    """Straight pieces of a piecewise-linear curve sampled on a grid that holds its kinks."""
    slopes = np.diff(y) / np.diff(x)
    return 1 + int(np.count_nonzero(~np.isclose(np.diff(slopes), 0.0, atol=1e-9)))


def test_claim_each_layer_of_two_ramp_units_doubles_the_straight_pieces():
    x = np.linspace(0.0, 1.0, 2**12 + 1)
    y = x
    for layers in range(1, 11):
        y = 2 * _ramp(y) - 4 * _ramp(y - 0.5)                 # the notebook's tent
        assert y.min() == 0.0 and y.max() == 1.0               # stays in [0, 1]
        assert 1 + np.count_nonzero(np.diff(np.diff(y))) == 2**layers == _pieces(x, y)
    assert 2**10 == 1024 and 2**10 - 1 == 1023               # "1024 pieces", "1023 units"


@pytest.mark.parametrize("seed", range(6))
def test_claim_one_hidden_layer_of_m_ramp_units_has_at_most_m_plus_1_pieces(seed):
    rng = np.random.default_rng(seed)
    for m in (1, 3, 8, 20):
        a, b, c = rng.standard_normal(m), rng.uniform(-1, 1, m), rng.standard_normal(m)
        kinks = np.sort(-b / a)                                # where a x + b crosses 0
        x = np.unique(np.r_[np.linspace(-3, 3, 2001), kinks[np.abs(kinks) < 3]])
        y = _ramp(np.outer(x, a) + b) @ c
        assert _pieces(x, y) <= m + 1


# -- the live panel --------------------------------------------------------------------------------
def test_panel_has_the_promised_controls(backend):
    panel = backprop_panel()
    assert [c.description for c in panel.controls.values()] == ["hidden width",
                                                                 "learning rate η"]
    assert panel.live is (backend == "ipympl")
    assert isinstance(panel.widget, ipw.VBox)
    assert "XOR solved" in panel.readout.value


@pytest.mark.parametrize(("name", "values"), [
    ("width", [5, 1, 8, 2]),
    ("lr", [0.5, 10.0 ** LR_EXPONENTS[0], 10.0 ** LR_EXPONENTS[1], 2.0]),
])
def test_every_control_replots_in_place_up_to_its_extremes(backend, name, values):
    panel = backprop_panel()
    figures = plt.get_fignums()
    lines = dict(panel.plot.lines)
    for value in values:
        before = _ydata(panel)
        updates = panel.n_updates
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            panel.controls[name].value = value
        assert panel.last_error is None, panel.last_error
        assert panel.n_updates == updates + 1
        assert _changed(before, _ydata(panel)), f"moving {name} to {value} did not change the plot"
        assert plt.get_fignums() == figures, "a control change created a figure"
        assert panel.plot.lines == lines, "artists were replaced instead of updated"


def test_panel_plots_what_train_xor_computes(backend):
    panel = backprop_panel(width=4, lr=1.0)
    run = train_xor(4, 1.0)
    np.testing.assert_array_equal(panel.plot.lines["error E = ½Σ(t − y)²"].get_ydata(), run.loss)
    np.testing.assert_array_equal(panel.plot.lines["‖δ¹‖ input side"].get_ydata(), run.delta[:, 0])
    np.testing.assert_array_equal(panel.plot.lines["‖δ²‖ output side"].get_ydata(),
                                  run.delta[:, 1])
    panel.controls["width"].value = 1
    assert "not solved" in panel.readout.value


def test_panel_figure_is_small_and_fixed(backend):
    panel = backprop_panel()
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 750 and h <= 300
    assert panel.figure.get_layout_engine() is None


def test_dual_line_plot_updates_in_place(backend):
    plot = DualLinePlot(["a"], ["b", "c"], xlabel="x", left_logy=True)
    plot.update(np.arange(3.0), {"a": [1.0, 0.0, 2.0]}, {"b": np.ones(3), "c": None})
    note = plot.note_text()
    assert "Underflow" in note
    assert not plot.lines["c"].get_visible()
    assert "a" in plot.legend_html() and "b" in plot.legend_html()
    log = DualLinePlot(["a"], ["b"], logx=True)
    log.update([0.01, 1.0, 100.0], {"a": [1, 2, 3]}, {"b": [3, 2, 1]})
    np.testing.assert_allclose(log.lines["a"].get_xdata(), [-2.0, 0.0, 2.0])
    assert log.left.ax.xaxis.get_major_formatter()(1.0) == "10"


# -- bad inputs ------------------------------------------------------------------------------------
def _X():
    return xor_data()[0]


BAD = [
    (lambda: with_bias([1.0, 2.0]), ValueError, r"X must be 2-D"),
    (lambda: forward_pass(_X()[:, 1:], init_weights([1, 2, 1])), ValueError, r"x0 = 1"),
    (lambda: forward_pass(_X(), np.ones((3, 2))), TypeError, r"weights must be a non-empty list"),
    (lambda: forward_pass(_X(), []), TypeError, r"weights"),
    (lambda: forward_pass(_X(), [np.ones((2, 3)), np.ones((4, 1))]), ValueError,
     r"weights\[0\] must have 3 rows"),
    (lambda: forward_pass(_X(), [np.ones((3, 3)), np.ones((3, 1))]), ValueError,
     r"weights\[1\] must have 4 rows"),
    (lambda: forward_pass(_X(), init_weights([2, 3, 1]), activation="softmax"), ValueError,
     r"activation"),
    (lambda: forward_pass(_X(), init_weights([2, 3, 1]), activation="mish"), ValueError,
     r"activation must be one of"),
    (lambda: forward_pass(_X(), init_weights([2, 3, 1]), hidden_bias="yes"), TypeError,
     r"hidden_bias"),
    (lambda: backward_pass(_X(), np.ones((4, 2)), init_weights([2, 3, 1]), 0.1), ValueError,
     r"T must have shape \(4, 1\)"),
    (lambda: backward_pass(_X(), np.ones((4, 1)), init_weights([2, 3, 1]), 0.0), ValueError,
     r"lr must be > 0"),
    (lambda: backward_pass(_X(), np.ones((4, 1)), init_weights([2, 3, 1]), "0.1"), TypeError,
     r"lr must be a real number"),
    (lambda: squared_error(_X(), np.ones((3, 1)), init_weights([2, 3, 1])), ValueError, r"T"),
    (lambda: init_weights([2]), ValueError, r"layer_sizes must have at least 2"),
    (lambda: init_weights("23"), TypeError, r"layer_sizes"),
    (lambda: init_weights([2, 0, 1]), ValueError, r"layer_sizes\[1\]"),
    (lambda: init_weights([2, 3, 1], seed=-1), ValueError, r"seed"),
    (lambda: init_weights([2, 3, 1], scale=0.0), ValueError, r"scale must be > 0"),
    (lambda: train_xor(0, 1.0), ValueError, r"width must be >= 1"),
    (lambda: train_xor(XOR_MAX_WIDTH + 1, 1.0), ValueError, r"width must be <= 16"),
    (lambda: train_xor(2.5, 1.0), TypeError, r"width must be an integer"),
    (lambda: train_xor(3, 0.0), ValueError, r"lr must be > 0"),
    (lambda: train_xor(3, 1000.0), ValueError, r"lr must be <= 100"),
    (lambda: train_xor(3, 1.0, steps=0), ValueError, r"steps must be >= 1"),
    (lambda: train_xor(3, 1.0, seed=-2), ValueError, r"seed"),
    (lambda: xor_initial_weights(0), ValueError, r"width"),
    (lambda: backprop_panel(width=9), ValueError, r"width must be <= 8"),
    (lambda: backprop_panel(lr=0.01), ValueError, r"lr must be >= 0.1"),
    (lambda: backprop_panel(max_width=1), ValueError, r"max_width"),
    (lambda: backprop_panel(steps=0), ValueError, r"steps"),
    (lambda: DualLinePlot(["a"], ["b"], xlabel=3), TypeError, r"xlabel"),
    (lambda: DualLinePlot(["a"], ["b"], logx=True).update([0.0, 1.0], {"a": [1, 2]}),
     ValueError, r"x must be > 0"),
]


@pytest.mark.parametrize(("call", "exc", "match"), BAD, ids=[m for _, _, m in BAD])
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
    plt.close("all")
