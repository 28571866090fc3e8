"""Notebook 10 (residual, LSTM, pre-training): the recurrent layers' gradients against
finite differences, the experiments, the panels, the exercise check and every number
the lesson's text states (tests named ``test_claim_...``)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import panel_checks
import pytest

from lessons_lib import activations, data, layers, training
from lessons_lib.exercises.residual_lstm import check_rnn_step_backward
from lessons_lib.experiments import residual_lstm as E
from lessons_lib.gradcheck import numerical_gradient, rel_error
from lessons_lib.initializers import get as get_init
from lessons_lib.initializers import unit_draw
from lessons_lib.model import MLP
from lessons_lib.recurrent import LSTM, RNN, rnn_step_backward, rnn_step_forward
from lessons_lib.widgets.residual_lstm import (
    ResidualPanel,
    RnnLstmPanel,
    residual_panel,
    rnn_lstm_panel,
)

TOL = 1e-6




# -- gradients against finite differences ---------------------------------------------------------
def _net(cls, seed=1):
    if cls is RNN:
        return RNN(4, 5, recurrent_scale=1.3, seed=seed)
    net = LSTM(4, 5, forget_bias=0.7, seed=seed)
    net.params["b"] += 0.3 * np.random.default_rng(seed).standard_normal(20)
    return net


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_bptt_gradients_match_finite_differences(cls):
    rng = np.random.default_rng(0)
    net = _net(cls)
    X = rng.standard_normal((3, 6, 4))
    R = rng.standard_normal((3, 6, 5))               # the loss reads every state
    states = {"h0": 0.5 * rng.standard_normal((3, 5))}
    if cls is LSTM:
        states["c0"] = 0.5 * rng.standard_normal((3, 5))

    def loss():
        return float(np.sum(net.forward(X, **states) * R))

    loss()
    dX = net.backward(R)
    analytic = {"X": dX, "h0": net.dh0, **{k: v.copy() for k, v in net.grads.items()}}
    if cls is LSTM:
        analytic["c0"] = net.dc0
    numeric = {"X": numerical_gradient(loss, X),
               **{k: numerical_gradient(loss, v) for k, v in states.items()},
               **{k: numerical_gradient(loss, p) for k, p in net.params.items()}}
    assert set(analytic) == set(numeric)
    for k in analytic:
        assert rel_error(analytic[k], numeric[k]) < TOL, k


@pytest.mark.parametrize("cls", [RNN, LSTM])
@pytest.mark.parametrize("t", [0, 2, 5])
def test_dh_per_time_step_is_the_total_gradient(cls, t):
    """dh[:, t] = ∂E/∂h_t through every later step: restart the sequence from h_t."""
    rng = np.random.default_rng(1)
    net = _net(cls, seed=2)
    X = rng.standard_normal((2, 6, 4))
    R = rng.standard_normal((2, 6, 5))
    H = net.forward(X)
    net.backward(R)
    dh, dc = net.dh[:, t].copy(), (net.dc[:, t].copy() if cls is LSTM else None)
    h_t = H[:, t].copy()
    c_t = net.C[:, t].copy() if cls is LSTM else None

    def rest(h, c):
        kw = {"c0": c} if cls is LSTM else {}
        later = net.forward(X[:, t + 1:], h0=h, **kw) if t + 1 < X.shape[1] else 0.0
        return float(np.sum(later * R[:, t + 1:])) + float(np.sum(h * R[:, t]))

    assert rel_error(dh, numerical_gradient(lambda: rest(h_t, c_t), h_t)) < TOL
    if cls is LSTM:
        # the cell state feeds h_t = o_t * tanh(c_t) and the next step
        o_t = h_t / np.tanh(c_t)

        def through_c():
            return rest(o_t * np.tanh(c_t), c_t)

        assert rel_error(dc, numerical_gradient(through_c, c_t)) < TOL


def test_rnn_step_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    x, h_prev = rng.standard_normal((4, 3)), np.tanh(rng.standard_normal((4, 5)))
    W_x, W_h = rng.standard_normal((3, 5)), rng.standard_normal((5, 5)) / 2
    b = rng.standard_normal(5)
    R = rng.standard_normal((4, 5))

    def loss():
        return float(np.sum(rnn_step_forward(x, h_prev, W_x, W_h, b) * R))

    h = rnn_step_forward(x, h_prev, W_x, W_h, b)
    dx, dh_prev, dW_x, dW_h, db = rnn_step_backward(R, x, h_prev, h, W_x, W_h)
    for analytic, arr in ((dx, x), (dh_prev, h_prev), (dW_x, W_x), (dW_h, W_h), (db, b)):
        assert rel_error(analytic, numerical_gradient(loss, arr)) < TOL


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_signal_only_backward_gives_the_same_dh(cls):
    rng = np.random.default_rng(4)
    net = _net(cls)
    X = rng.standard_normal((3, 30, 4))
    dH = np.zeros((3, 30, 5))
    dH[:, -1] = rng.standard_normal((3, 5))
    net.forward(X)
    net.backward(dH)
    full = (net.dh.copy(), net.dh0.copy(), *((net.dc.copy(),) if cls is LSTM else ()))
    grads = {k: v.copy() for k, v in net.grads.items()}
    assert net.backward(dH, weights=False) is None
    np.testing.assert_allclose(net.dh, full[0], rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(net.dh0, full[1], rtol=1e-13, atol=1e-300)
    if cls is LSTM:
        np.testing.assert_allclose(net.dc, full[2], rtol=1e-13, atol=1e-300)
    for k, v in grads.items():
        np.testing.assert_array_equal(net.grads[k], v)      # left untouched


def test_forward_is_the_formula():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 3, 4))
    rnn = RNN(4, 5, seed=0)
    H = rnn.forward(X)
    h = np.zeros((2, 5))
    for t in range(3):
        h = np.tanh(X[:, t] @ rnn.params["W_x"] + h @ rnn.params["W_h"] + rnn.params["b"])
        np.testing.assert_allclose(H[:, t], h, rtol=1e-12)
    lstm = LSTM(4, 5, forget_bias=2.0, seed=0)
    np.testing.assert_array_equal(lstm.params["b"][5:10], 2.0)
    np.testing.assert_array_equal(np.delete(lstm.params["b"], np.s_[5:10]), 0.0)
    H = lstm.forward(X)
    h, c = np.zeros((2, 5)), np.zeros((2, 5))
    for t in range(3):
        z = X[:, t] @ lstm.params["W_x"] + h @ lstm.params["W_h"] + lstm.params["b"]
        i, f, o = (activations.sigmoid(z[:, k * 5:(k + 1) * 5]) for k in range(3))
        c = f * c + i * np.tanh(z[:, 15:])
        h = o * np.tanh(c)
        np.testing.assert_allclose(H[:, t], h, rtol=1e-12)
        np.testing.assert_allclose(lstm.C[:, t], c, rtol=1e-12)


def test_long_inputs_follow_the_formula():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((16, 300, 8))
    lstm = LSTM(8, 32, seed=0)
    H = lstm.forward(X)
    z0 = X[:, -1] @ lstm.params["W_x"] + H[:, -2] @ lstm.params["W_h"] + lstm.params["b"]
    c = activations.sigmoid(z0[:, 32:64]) * lstm.C[:, -2] + (
        activations.sigmoid(z0[:, :32]) * np.tanh(z0[:, 96:]))
    np.testing.assert_allclose(lstm.C[:, -1], c, rtol=1e-10)


# -- experiments ----------------------------------------------------------------------------------
def _residual_formula(depth, residual, activation, scale, width, batch, seed):
    """residual_profile written out in numpy (no layer objects, no cached draws): block l
    is F(X) = f(X W^l), forward X <- X + F(X) (or F(X)), backward d <- d + (f'(z) ∘ d) W^lᵀ
    (or without the d); d starts as the seeded top gradient of norm 1."""
    init = get_init(E.RESIDUAL_ACTIVATIONS[activation])
    f = activations.get(activation)
    Ws = [unit_draw(init.distribution, (width, width), np.random.default_rng([seed, i]))
          * (init.factor(width, width) * scale) for i in range(depth)]
    h = np.random.default_rng([seed, 10**6]).standard_normal((batch, width))
    zs = []
    for W in Ws:
        zs.append(h @ W)
        h = h + f.forward(zs[-1]) if residual else f.forward(zs[-1])
    R = np.random.default_rng([seed, 7]).standard_normal((batch, width))
    d = R / np.linalg.norm(R)
    want = np.empty(depth)
    for i in range(depth - 1, -1, -1):
        through_block = (f.grad(zs[i]) * d) @ Ws[i].T
        d = d + through_block if residual else through_block
        want[i] = np.linalg.norm(d)
    return want


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("residual", [True, False])
def test_residual_profile_is_the_formula(activation, residual):
    args = (12, residual, activation, 0.7, 8, 5, 3)
    got = E.residual_profile(args[0], residual=residual, activation=activation,
                             weight_scale=0.7, width=8, batch=5, seed=3)
    np.testing.assert_allclose(got, _residual_formula(*args), rtol=1e-12)


def test_residual_profile_reuses_the_explorers_layers_without_changing_a_number():
    """The stack's layer objects are kept per architecture and shared with lesson 05's
    explorer: deeper, shallower and the explorer's own runs in between change nothing."""
    from lessons_lib.experiments import gradient_profile

    E._residual_profile.cache_clear()
    for depth, seed in ((30, 1), (9, 2), (20, 1), (9, 1)):
        gradient_profile(depth + 5, width=8, batch=5, activation="tanh", residual=True,
                         weight_scale=1.3, seed=seed + 4)
        got = E.residual_profile(depth, residual=True, activation="tanh", weight_scale=0.5,
                                 width=8, batch=5, seed=seed)
        want = _residual_formula(depth, True, "tanh", 0.5, 8, 5, seed)
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_gradients_through_time_are_the_layers_dh():
    X = np.array(E._sequences(0, 8, 8)[:, :40])
    W_x, W_h = E._unit_recurrent_weights(0, 8, 32, 1)
    rnn = RNN(8, 32, W_x=W_x, W_h=W_h * 1.7)
    H = rnn.forward(X)
    dH = np.zeros_like(H)
    dH[:, -1] = E._unit_top_gradient(0, (8, 32))
    rnn.backward(dH)
    np.testing.assert_allclose(E.rnn_gradient_through_time(40, recurrent_scale=1.7),
                               np.linalg.norm(rnn.dh, axis=(0, 2)), rtol=1e-12)
    W_x, W_h = E._unit_recurrent_weights(0, 8, 32, 4)
    b = np.zeros(128)
    b[32:64] = 2.5
    lstm = LSTM(8, 32, W_x=W_x, W_h=W_h, b=b)
    lstm.forward(X)
    lstm.backward(dH)
    got = E.lstm_gradient_through_time(40, forget_bias=2.5)
    np.testing.assert_allclose(got["h"], np.linalg.norm(lstm.dh, axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(got["c"], np.linalg.norm(lstm.dc, axis=(0, 2)), rtol=1e-12)
    assert got["h"][-1] == pytest.approx(1.0)           # the gradient sent in has norm 1


def test_results_are_memoised_read_only_and_never_nan():
    a = E.residual_profile(50, residual=True)
    assert a is E.residual_profile(50, residual=True)
    with pytest.raises(ValueError):
        a[0] = 1.0
    huge = E.residual_profile(300, residual=True, activation="relu", weight_scale=1e3)
    assert not np.any(np.isnan(huge)) and np.isinf(huge[0])
    boom = E.rnn_gradient_through_time(400, recurrent_scale=50.0)
    assert not np.any(np.isnan(boom))


# -- claims: shortcuts ----------------------------------------------------------------------------
def test_claim_residual_backward_is_dy_plus_the_blocks_backward():
    rng = np.random.default_rng(0)
    block = [layers.Dense(4, 4, seed=1), layers.Activation("sigmoid")]
    res = layers.Residual(block)
    X, dY = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    res.forward(X)
    dX = res.backward(dY)
    np.testing.assert_allclose(dX, dY + block[0].backward(block[1].backward(dY)), rtol=1e-14)


def test_claim_sigmoid_shrinks_the_signal_by_at_least_four_per_layer():
    z = np.linspace(-10, 10, 20001)
    assert activations.get("sigmoid").grad(z).max() == pytest.approx(0.25)   # sigma' <= 1/4
    assert f"{4.0 ** 100:.0e}" == "2e+60"                       # "4^100 ~ 1e60"
    # with Glorot weights (gain 1) 100 plain sigmoid blocks shrink by more than 4^100,
    # in every draw
    for seed in range(6):
        plain = E.residual_profile(100, residual=False, activation="sigmoid", seed=seed)
        assert plain[0] / plain[-1] < 4.0 ** -100


def test_claim_100_sigmoid_blocks_with_and_without_shortcuts():
    res = E.residual_profile(100, residual=True, activation="sigmoid")
    plain = E.residual_profile(100, residual=False, activation="sigmoid")
    assert round(res[0], 2) == 1.32 and round(res[0] / res[-1], 1) == 1.3
    assert f"{plain[0]:.0e}" == "4e-64"
    assert res[0] / plain[0] > 1e60                      # "more than sixty orders of magnitude"
    assert f"{plain[0] / plain[-1]:.0e}" == "2e-63"
    for seed in range(1, 6):                             # the same in other draws
        res = E.residual_profile(100, residual=True, activation="sigmoid", seed=seed)
        plain = E.residual_profile(100, residual=False, activation="sigmoid", seed=seed)
        assert 1.0 < res[0] < 1.5 and res[0] / plain[0] > 1e60


def test_claim_the_explorer_of_lesson_05_tells_the_same_story():
    from lessons_lib.experiments import gradient_profile

    with_shortcuts = gradient_profile(100, activation="sigmoid", residual=True)
    plain = gradient_profile(100, activation="sigmoid", residual=False)
    assert 1 < with_shortcuts[0] / with_shortcuts[-1] < 20
    assert plain[0] / plain[-1] < 1e-60


def test_claim_tanh_and_relu_shortcuts_grow_unless_the_branches_are_small():
    def ratio(activation, residual, scale):
        g = E.residual_profile(100, residual=residual, activation=activation, weight_scale=scale)
        return g[0] / g[-1]

    assert round(ratio("tanh", True, 1.0), -1) == 210             # the panel's draw
    assert f"{ratio('relu', True, 1.0):.0e}" == "6e+20"
    assert ratio("tanh", True, 0.1) < 2 and ratio("relu", True, 0.1) < 20
    assert ratio("tanh", False, 0.1) < 1e-90 and ratio("relu", False, 0.1) < 1e-90


def test_claim_tanh_and_relu_shortcuts_over_six_draws():
    def ratio(activation, residual, scale, seed):
        g = E.residual_profile(100, residual=residual, activation=activation,
                               weight_scale=scale, seed=seed)
        return g[0] / g[-1]

    tanh = [ratio("tanh", True, 1.0, s) for s in range(6)]
    relu = [ratio("relu", True, 1.0, s) for s in range(6)]
    assert 150 < min(tanh) and max(tanh) < 270                  # "160-260", "about 200"
    assert 5e20 < min(relu) and max(relu) < 3.5e22              # "6e20 to 3e22", "about 1e21"
    for s in range(6):
        assert ratio("tanh", True, 0.1, s) < 2                   # "within a factor of 2"
        assert 10 < ratio("relu", True, 0.1, s) < 50             # "10 to 50 over six draws"
        assert ratio("tanh", False, 0.1, s) < 1e-90 and ratio("relu", False, 0.1, s) < 1e-90
    assert round(ratio("relu", True, 0.1, 0)) == 18              # "18 in the panel's draw"


# -- claims: RNN vs LSTM --------------------------------------------------------------------------
def test_claim_forget_gate_openings():
    assert round(float(activations.sigmoid(np.array([1.0]))[0]), 2) == 0.73
    assert round(float(activations.sigmoid(np.array([3.0]))[0]), 2) == 0.95


def test_claim_gradient_through_100_steps():
    rnn = E.bptt_profile(100)["rnn"]
    lstm1 = E.bptt_profile(100, forget_bias=1.0)["lstm_h"]
    lstm3 = E.bptt_profile(100, forget_bias=3.0)["lstm_h"]
    assert 1e-22 < rnn[0] < 1e-20 and f"{rnn[0]:.1e}" == "8.2e-22"    # "about 1e-21"
    assert 1e-10 < lstm1[0] < 1e-8
    assert lstm3.min() > 0.02
    assert np.all(np.diff(np.log(rnn)) > 0)                            # geometric decay
    for b_f in (0.0, 1.0):                                             # slower, but decays
        lstm = E.bptt_profile(100, forget_bias=b_f)["lstm_h"]
        assert rnn[0] < lstm[0] < 1e-6


def test_claim_the_layer_cell_and_the_panel_are_two_draws():
    """'8.2e-22 here, 7.3e-23 there': the first cell's RNN(8, 32, seed=0) on other inputs."""
    X_seq = np.random.default_rng(1).standard_normal((8, 100, 8))
    net = RNN(8, 32, seed=0)
    H = net.forward(X_seq)
    dH = np.zeros_like(H)
    dH[:, -1] = 1.0
    net.backward(dH)
    size = np.linalg.norm(net.dh, axis=(0, 2))
    assert f"{size[0] / size[-1]:.1e}" == "7.3e-23"
    assert f"{E.bptt_profile(100)['rnn'][0]:.1e}" == "8.2e-22"


def test_claim_gradient_through_100_steps_over_six_draws():
    rnn = [E.bptt_profile(100, seed=s)["rnn"][0] for s in range(6)]
    lstm1 = [E.bptt_profile(100, forget_bias=1.0, seed=s)["lstm_h"][0] for s in range(6)]
    lstm3 = [E.bptt_profile(100, forget_bias=3.0, seed=s)["lstm_h"].min() for s in range(6)]
    assert 1e-22 < min(rnn) and max(rnn) < 1e-16                  # "between 1e-22 and 1e-17"
    assert f"{min(rnn):.0e}" == "8e-22" and f"{max(rnn):.0e}" == "2e-17"
    assert 10 ** -9.5 < min(lstm1) and max(lstm1) < 10 ** -7.5     # "eight to nine orders"
    assert round(100 * min(lstm3), 1) == 1.5                       # "never below 1.5 %"


def test_claim_lstm_with_open_forget_gate_keeps_the_signal_over_200_steps():
    for T in (20, 50, 100, 200):
        assert E.bptt_profile(T, forget_bias=3.0)["lstm_h"].min() > 1 / 35
    assert E.bptt_profile(200, forget_bias=1.0)["lstm_h"].min() < 1e-10
    # "other draws lose up to about 200 times"
    worst = min(E.bptt_profile(200, forget_bias=3.0, seed=s)["lstm_h"].min() for s in range(6))
    assert 1 / 250 < worst < 1 / 100


def test_claim_rnn_explodes_toward_scale_three():
    assert E.rnn_gradient_through_time(100, recurrent_scale=3.0)[0] > 1e10
    assert E.rnn_gradient_through_time(100, recurrent_scale=2.5)[0] > 1e5


# -- claims: pre-training -------------------------------------------------------------------------
def _notebook_runs():
    """The notebook's computation written out: pre-train, then train the three starts."""
    X, y = data.moons(200, noise=0.1, seed=0)
    X = data.standardize(X)
    T = y[:, None].astype(float)
    sizes = [2] + [16] * 5 + [1]
    pretrained = MLP(sizes, activation="sigmoid", seed=0)
    errors = E.pretrain_layers(pretrained, X, steps=300, lr=0.5, seed=100)
    starts = {"random": (MLP(sizes, activation="sigmoid", seed=0), 1.0),
              "pretrained": (pretrained, 1.0),
              "relu_he": (MLP(sizes, activation="relu", init="he_normal", seed=0), 0.1)}
    runs = {name: training.train(m, X, T, loss="binary_cross_entropy", lr=lr, steps=400)
            for name, (m, lr) in starts.items()}
    return errors, runs, {name: m for name, (m, _) in starts.items()}, (X, y)


def test_claim_pretraining_numbers_of_the_notebook():
    errors, runs, models, (X, y) = _notebook_runs()
    assert errors.shape == (5,) and np.all(errors < 0.05)
    same = E.pretraining_comparison(seed=0)
    for name, run in runs.items():
        # everything notebook 10 prints and draws, from the one call
        np.testing.assert_array_equal(same[name].loss, run.loss)
        g = run.history.weight_grad[0]
        assert same[name].first_over_last == g[0] / g[-1]
        assert same[name].accuracy == training.accuracy(models[name], X, y, threshold=0.0)
        np.testing.assert_array_equal(
            same[name].probability,
            activations.sigmoid(models[name].forward(X, training=False))[:, 0])
        want_errors = errors if name == "pretrained" else np.empty(0)
        np.testing.assert_array_equal(same[name].reconstruction_error, want_errors)
    with pytest.raises(ValueError):
        same["pretrained"].reconstruction_error[0] = 1.0         # memoised: read-only
    rnd, pre, relu = same["random"], same["pretrained"], same["relu_he"]
    assert np.all(np.abs(rnd.loss[-100:] - math.log(2)) < 0.003)       # stuck at ln 2
    assert 5e-4 < rnd.first_over_last < 2e-3                            # "a thousand times"
    assert round(pre.first_over_last / rnd.first_over_last) == 26
    assert round(pre.loss[-1], 2) == 0.28
    assert relu.loss[-1] < 0.01 and relu.accuracy == 1.0
    # "both sigmoid nets print the same accuracy, 89 %": only the sign of the logit counts
    assert rnd.accuracy == pre.accuracy == 0.89                    # "misclassifies 11 %"


def test_claim_the_stuck_net_answers_050_everywhere_with_the_right_sign():
    # the comparison's probabilities are the notebook's computation (test above)
    same = E.pretraining_comparison(seed=0)
    _, y = data.moons(200, noise=0.1, seed=0)
    out = same["random"].probability
    assert f"{out.min():.2f}" == f"{out.max():.2f}" == "0.50"
    assert np.abs(out - 0.5).max() < 1e-3                          # tiny deviations ...
    assert np.mean((out > 0.5) == y) == 0.89                        # ... with the right sign
    out = same["pretrained"].probability
    assert (f"{out.min():.2f}", f"{out.max():.2f}") == ("0.05", "0.98")


def test_claim_pretraining_over_six_seeds():
    results = [E.pretraining_comparison(seed=s) for s in range(6)]
    pre_ok = sum(r["pretrained"].loss[-1] < 0.3 for r in results)
    random_ok = sum(r["random"].loss[-1] < 0.6 for r in results)
    relu_ok = sum(r["relu_he"].loss[-1] < 0.01 for r in results)
    assert (pre_ok, random_ok, relu_ok) == (4, 0, 6)
    # "only those six runs reach a loss below 0.01 and 100 % accuracy"
    assert all(r["relu_he"].accuracy == 1.0 for r in results)
    assert not any(r[k].loss[-1] < 0.01 or r[k].accuracy == 1.0
                   for r in results for k in ("random", "pretrained"))
    # "the accuracies of the two sigmoid starts overlap (81-89 %)"
    acc = [r[k].accuracy for r in results for k in ("random", "pretrained")]
    assert (min(acc), max(acc)) == (0.81, 0.89)


def test_pretrain_layers_trains_autoencoders_on_the_previous_layer():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    model = MLP([3, 4, 2, 1], activation="tanh", seed=0)
    before = {k: v.copy() for k, v in model.parameters().items()}
    errors = E.pretrain_layers(model, X, steps=50, lr=0.1, seed=7)
    assert errors.shape == (2,)
    # layer 0 is the encoder of an autoencoder on X trained exactly like this one
    ae = MLP([3, 4, 3], activation="tanh", output_activation="linear", seed=7)
    training.train(ae, X, X, loss="mse", lr=0.1, steps=50)
    np.testing.assert_allclose(model.parameters()["dense0.W"], ae.parameters()["dense0.W"])
    assert not np.allclose(model.parameters()["dense1.W"], before["dense1.W"])
    np.testing.assert_array_equal(model.parameters()["dense2.W"], before["dense2.W"])


# -- exercise -------------------------------------------------------------------------------------
def _student_ok(dh, x, h_prev, h, W_x, W_h):
    delta = dh * (1 - np.tanh(np.arctanh(np.clip(h, -1 + 1e-15, 1 - 1e-15))) ** 2)
    return delta @ W_h.T, x.T @ delta, h_prev.T @ delta, np.sum(delta, axis=0)


def test_exercise_check_accepts_a_right_answer_and_explains_wrong_ones():
    assert check_rnn_step_backward(_student_ok).passed

    def stub(dh, x, h_prev, h, W_x, W_h):
        raise NotImplementedError

    def no_slope(dh, x, h_prev, h, W_x, W_h):            # forgot tanh'
        return dh @ W_h.T, x.T @ dh, h_prev.T @ dh, dh.sum(axis=0)

    def transposed(dh, x, h_prev, h, W_x, W_h):
        delta = dh * (1 - h ** 2)
        return delta @ W_h, x.T @ delta, h_prev.T @ delta, delta.sum(axis=0)

    assert "not implemented yet" in check_rnn_step_backward(stub).message
    for wrong in (no_slope, transposed):
        verdict = check_rnn_step_backward(wrong)
        assert not verdict.passed and "Hint" in verdict.message
    assert "expected a tuple" in check_rnn_step_backward(lambda *a: 1.0).message


# -- bad inputs -----------------------------------------------------------------------------------
def _backward_before_forward():
    RNN(2, 3).backward(np.zeros((1, 1, 3)))


def _forward_then_backward(net, X, dH, **kw):
    net.forward(X)
    net.backward(dH, **kw)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: RNN(0, 3), ValueError, "n_in must be >= 1"),
    (lambda: RNN(2, 3, recurrent_scale=-1.0), ValueError, "recurrent_scale must be >= 0"),
    (lambda: RNN(2, 3, W_h=np.ones((2, 2))), ValueError, r"W_h must have shape \(3, 3\)"),
    (lambda: LSTM(2, 3, W_x=np.ones((2, 3))), ValueError, r"W_x must have shape \(2, 12\)"),
    (lambda: LSTM(2, 3, forget_bias=float("nan")), ValueError, "forget_bias must be finite"),
    (lambda: LSTM(2, 3, rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: RNN(2, 3).forward(np.ones((4, 2))), ValueError, "X must be 3-D"),
    (lambda: RNN(2, 3).forward(np.ones((1, 4, 5))), ValueError, r"X must have shape \(N, T, 2\)"),
    (lambda: RNN(2, 3).forward(np.ones((1, 4, 2)), h0=np.ones((2, 3))), ValueError,
     r"h0 must have shape \(1, 3\)"),
    (lambda: LSTM(2, 3).forward(np.ones((1, 4, 2)), c0=np.ones(3)), ValueError, "c0 must have"),
    (_backward_before_forward, RuntimeError, "RNN.backward called before forward"),
    (lambda: _forward_then_backward(LSTM(2, 3), np.ones((1, 4, 2)), np.ones((1, 3, 3))),
     ValueError, r"dH must have shape \(1, 4, 3\)"),
    (lambda: _forward_then_backward(RNN(2, 3), np.ones((1, 4, 2)), np.ones((1, 4, 3)),
                                    weights="no"), TypeError, "weights must be True or False"),
    (lambda: rnn_step_forward(np.ones((2, 3)), np.ones((3, 4)), np.ones((3, 4)), np.ones((4, 4)),
                              np.ones(4)), ValueError, "h_prev must have one row per row of x"),
    (lambda: rnn_step_backward(np.ones((2, 4)), np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 5)),
                               np.ones((3, 4)), np.ones((4, 4))), ValueError, "h must have shape"),
    (lambda: E.residual_profile(0, residual=True), ValueError, "depth must be >= 1"),
    (lambda: E.residual_profile(5, residual=1), TypeError, "residual must be True or False"),
    (lambda: E.residual_profile(5, residual=True, activation="elu"), ValueError,
     r"activation must be one of \['sigmoid', 'tanh', 'relu'\]"),
    (lambda: E.residual_profile(5, residual=True, weight_scale=0.0), ValueError,
     "weight_scale must be > 0"),
    (lambda: E.rnn_gradient_through_time(0), ValueError, "seq_len must be >= 1"),
    (lambda: E.rnn_gradient_through_time(E.MAX_SEQ_LEN + 1), ValueError, "seq_len must be <="),
    (lambda: E.lstm_gradient_through_time(10, forget_bias="3"), TypeError,
     "forget_bias must be a real number"),
    (lambda: E.bptt_profile(10, batch=0), ValueError, "batch must be >= 1"),
    (lambda: E.pretrain_layers("net", np.ones((2, 2))), TypeError, "model must be a lessons_lib"),
    (lambda: E.pretrain_layers(MLP([2, 3, 1], batchnorm=True), np.ones((4, 2))), ValueError,
     "model must be a plain stack"),
    (lambda: E.pretrain_layers(MLP([2, 1]), np.ones((4, 2))), ValueError,
     "at least one hidden layer"),
    (lambda: E.pretrain_layers(MLP([2, 3, 1]), np.ones((4, 3))), ValueError,
     r"X must have shape \(any, 2\)"),
    (lambda: E.pretrain_layers(MLP([2, 3, 1]), np.ones((4, 2)), lr=0.0), ValueError,
     "lr must be > 0"),
    (lambda: E.pretraining_comparison(depth=0), ValueError, "depth must be >= 1"),
    (lambda: E.pretraining_comparison(relu_lr=-1.0), ValueError, "relu_lr must be > 0"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_panel_bad_inputs(backend):
    with pytest.raises(ValueError, match="depth must be <= 200"):
        residual_panel(depth=500)
    with pytest.raises(ValueError, match="activation must be one of"):
        residual_panel(activation="selu")
    with pytest.raises(ValueError, match="weight_scale must be <= 2.0"):
        residual_panel(weight_scale=5.0)
    with pytest.raises(ValueError, match="seq_len must be <= 200"):
        rnn_lstm_panel(seq_len=300)
    with pytest.raises(ValueError, match="forget_bias must be <= 6.0"):
        rnn_lstm_panel(forget_bias=10.0)
    with pytest.raises(ValueError, match="recurrent_scale must be >= 0.5"):
        rnn_lstm_panel(recurrent_scale=0.1)


# -- panels ---------------------------------------------------------------------------------------
def _move(panel, name, value):
    assert panel_checks.move(panel, name, value), \
        f"moving {name} to {value!r} did not change the plot"


def test_residual_panel_moves_every_control(backend):
    panel = residual_panel()
    assert isinstance(panel, ResidualPanel) and panel.live is (backend == "ipympl")
    for name, value in [("depth", 150), ("activation", "tanh"), ("weight_scale", 0.3),
                        ("activation", "relu"), ("depth", 1), ("depth", 200),
                        ("weight_scale", 0.1), ("weight_scale", 2.0)]:
        _move(panel, name, value)
    r = panel.result
    np.testing.assert_array_equal(panel.plot.lines["plain  F(X)"].get_ydata(), r["plain"])
    assert "block 1 ÷ at block 200" in panel.readout.value
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 700 and h <= 350


def test_residual_panel_notes_underflow_instead_of_failing(backend):
    panel = residual_panel(activation="sigmoid", weight_scale=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        panel.controls["depth"].value = 200          # the plain stack underflows to exactly 0
    assert panel.last_error is None
    assert "Underflow" in panel.plot.note.get_text()
    panel.controls["depth"].value = 20
    assert not panel.plot.note.get_visible()


def test_rnn_lstm_panel_moves_every_control(backend):
    panel = rnn_lstm_panel()
    assert isinstance(panel, RnnLstmPanel)
    for name, value in [("seq_len", 120), ("forget_bias", 3.0), ("recurrent_scale", 2.5),
                        ("seq_len", 2), ("seq_len", 200), ("forget_bias", -3.0),
                        ("forget_bias", 6.0), ("recurrent_scale", 0.5),
                        ("recurrent_scale", 3.0)]:
        _move(panel, name, value)
    want = E.bptt_profile(200, forget_bias=6.0, recurrent_scale=3.0)
    np.testing.assert_array_equal(panel.plot.lines["LSTM  ‖∂E/∂hₜ‖"].get_ydata(), want["lstm_h"])
    np.testing.assert_array_equal(panel.plot.lines["RNN  ‖∂E/∂hₜ‖"].get_xdata(),
                                  np.arange(1, 201))
    assert "Forget gate σ(b_f)" in panel.readout.value
