"""Notebook 09 (clipping & regularization): experiments, figures, panels and every
number the lesson's text states (tests named ``test_claim_...``)."""

from __future__ import annotations

import math

import numpy as np
import panel_checks
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lessons_lib import data, losses, optim, probes, training
from lessons_lib.experiments import clipping as C
from lessons_lib.experiments.residual_lstm import rnn_gradient_through_time
from lessons_lib.model import MLP
from lessons_lib.plots.clipping import ClipPlot, plot_clipping_runs, plot_weight_norms
from lessons_lib.widgets.clipping import (
    THRESHOLD_LOG_RANGE,
    ClipPanel,
    PenaltyPanel,
    clip_panel,
    penalty_panel,
)


def _moons():
    X, y = data.moons(200, noise=0.1, seed=0)
    return X, y, y[:, None].astype(float)


# -- the exploding network ------------------------------------------------------------------------
def test_claim_exploding_net_overflows_after_five_steps_with_growing_gradients():
    X, _, T = _moons()
    model = C.exploding_model(depth=8, width=32, weight_scale=1.5, seed=0)
    result = training.train(model, X, T, loss="binary_cross_entropy", lr=0.1, steps=200)
    assert result.diverged and result.steps == 5
    g = result.grad_norm
    assert 10 < g[0] < 1e3                       # "the first gradient is already large"
    assert 1e4 <= g[2] < 1e5                     # "tens of thousands after three steps"
    assert g[4] > 1e60                           # "beyond 1e60 after five"
    assert np.all(np.diff(g[1:]) > 0)


def test_claim_the_same_net_with_he_init_trains():
    X, _, T = _moons()
    model = C.exploding_model(weight_scale=1.0)
    result = training.train(model, X, T, loss="binary_cross_entropy", lr=0.1, steps=100)
    assert not result.diverged
    assert result.loss[-1] < 0.2 * result.loss[0]
    assert training.accuracy(model, X, data.moons(200, noise=0.1, seed=0)[1],
                             threshold=0.0) > 0.95


def test_claim_output_is_exactly_1_5_to_the_ninth_times_larger():
    X, _, _ = _moons()
    big = C.exploding_model(weight_scale=1.5).forward(X)
    he = C.exploding_model(weight_scale=1.0).forward(X)
    assert len(C.exploding_model().dense_layers) == 9
    np.testing.assert_allclose(big, 1.5 ** 9 * he, rtol=1e-10)
    assert round(1.5 ** 9) == 38


def test_clipping_run_is_the_visible_training_call():
    X, _, T = _moons()
    result = training.train(C.exploding_model(), X, T, loss="binary_cross_entropy", lr=0.1,
                            steps=100, clip_norm=5.0)
    run = C.clipping_run("norm", 5.0)
    np.testing.assert_array_equal(run.grad_norm, result.grad_norm)
    np.testing.assert_array_equal(run.loss, result.loss)


def test_exploding_gradients_are_the_first_gradient_of_the_model():
    X, _, T = _moons()
    model = C.exploding_model()
    _, dY = losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
    model.backward(dY)
    grads = C.exploding_gradients()
    assert list(grads) == list(model.gradients())
    for k, v in model.gradients().items():
        np.testing.assert_array_equal(grads[k], v)
    assert optim.global_norm(grads) == pytest.approx(C.clipping_run("none").grad_norm[0])


# -- the maths of clipping ------------------------------------------------------------------------
def test_claim_two_d_example():
    g = np.array([3.0, 1.0])
    r = C.clip_comparison(g, 1.0)
    np.testing.assert_array_equal(r["value"], [1.0, 1.0])
    assert r["cos_value"] == pytest.approx(4 / (math.sqrt(10) * math.sqrt(2)), abs=1e-12)
    assert round(r["cos_value"], 3) == 0.894
    assert math.degrees(math.acos(r["cos_value"])) == pytest.approx(26.57, abs=0.01)
    np.testing.assert_allclose(r["norm"], g / math.sqrt(10), rtol=1e-12)
    np.testing.assert_array_equal(np.round(r["norm"], 3), [0.949, 0.316])
    assert r["cos_norm"] == pytest.approx(1.0, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(g=arrays(np.float64, st.integers(2, 30),
                elements=st.floats(-1e3, 1e3, allow_nan=False)).filter(lambda a: np.any(a)),
       c=st.floats(1e-3, 1e3))
def test_claim_norm_keeps_direction_value_never_points_uphill(g, c):
    r = C.clip_comparison(g, c)
    assert r["cos_norm"] == pytest.approx(1.0, abs=1e-12)
    assert r["norm_norm"] <= c * (1 + 1e-12) or r["norm_norm"] == pytest.approx(r["norm_g"])
    assert r["cos_value"] > 0
    assert np.all(np.abs(r["value"]) <= c)


def test_claim_value_clipping_turns_unless_entries_are_equal():
    g = np.array([4.0, 1.0, -0.5])
    assert C.clip_comparison(g, 2.0)["cos_value"] < 1 - 1e-3
    equal = np.array([3.0, -3.0, 3.0])                 # all the same size: no turn
    assert C.clip_comparison(equal, 1.0)["cos_value"] == pytest.approx(1.0, abs=1e-12)
    assert C.clip_comparison(g, 5.0)["cos_value"] == pytest.approx(1.0, abs=1e-12)


def test_claim_example_gradient_has_two_spikes_inside_the_slider_range():
    g = C.example_gradient(16, seed=0)
    big = np.abs(g) > 3.0
    assert big.sum() == 2 and np.all(np.abs(g[big]) >= 6.0)
    c_max = 10 ** THRESHOLD_LOG_RANGE[1]
    assert np.linalg.norm(g) < c_max and np.linalg.norm([3.0, 1.0]) < c_max


def test_claim_at_c_1_value_clipping_turns_the_sixteen_entry_gradient():
    r = C.clip_comparison(C.example_gradient(16), 1.0)
    assert r["n_clipped"] == int(np.sum(np.abs(C.example_gradient(16)) > 1.0))
    assert r["cos_value"] < 0.8 and r["cos_norm"] == pytest.approx(1.0)


def test_claim_only_the_global_norm_keeps_the_whole_updates_direction():
    grads = C.exploding_gradients()
    clipped, norm = optim.clip_by_global_norm(grads, 5.0)
    assert norm > 5.0
    assert C.cosine_similarity(grads, clipped) == pytest.approx(1.0, abs=1e-12)
    per_layer = {k: optim.clip_by_norm(v, 5.0) for k, v in grads.items()}
    assert C.cosine_similarity(grads, per_layer) < 0.95
    assert C.cosine_similarity(grads, optim.clip_by_value(grads, 1.0)) < 0.95
    # "per tensor": every weight matrix and every bias vector on its own, cos 0.859
    assert any(k.endswith(".b") for k in per_layer) and any(k.endswith(".W") for k in per_layer)
    assert f"{C.cosine_similarity(grads, per_layer):.3f}" == "0.859"
    # per layer: each layer keeps its own direction, large layers are damped more
    for k, v in grads.items():
        if np.any(v):
            assert C.cosine_similarity(v, per_layer[k]) == pytest.approx(1.0, abs=1e-12)


# -- training with and without clipping -----------------------------------------------------------
def test_claim_clipping_rescues_the_exploding_net():
    none = C.clipping_run("none")
    assert none.diverged and none.steps == 5 and np.isnan(none.accuracy)
    for run in (C.clipping_run("value", 1.0), C.clipping_run("norm", 5.0)):
        assert not run.diverged and run.steps == 100
        assert run.accuracy == 1.0
        assert run.loss[-1] < 0.05
        assert run.grad_norm[:5].min() >= 10               # "in the tens and hundreds"
    assert C.clipping_run("value", 1.0).grad_norm[:5].max() >= 100


def test_claim_global_norm_clipping_last_acts_in_update_19():
    g = C.clipping_run("norm", 5.0).grad_norm
    acted = np.nonzero(g > 5.0)[0]
    assert acted.max() + 1 == 19                 # updates are counted from 1 in the text
    assert np.all(g[19:] <= 5.0)


def test_claim_weight_penalty_does_not_rescue_the_exploding_net():
    X, _, T = _moons()
    for l2 in (0.01, 1.0):
        result = training.train(C.exploding_model(), X, T, loss="binary_cross_entropy",
                                lr=0.1, steps=100, l2=l2)
        assert result.diverged and result.steps <= 6
    # "within 7 steps in five of the six draws"
    steps = []
    for seed in range(6):
        result = training.train(C.exploding_model(seed=seed), X, T,
                                loss="binary_cross_entropy", lr=0.1, steps=100, l2=1.0)
        steps.append(result.steps if result.diverged else None)
    assert sum(s is not None and s <= 7 for s in steps) == 5


def test_claim_clipping_over_six_draws():
    last_updates = []
    for seed in range(6):
        none = C.clipping_run("none", seed=seed)
        assert none.diverged and 5 <= none.steps <= 7                 # "5 to 7"
        value, norm = C.clipping_run("value", 1.0, seed=seed), C.clipping_run("norm", 5.0,
                                                                               seed=seed)
        for run in (value, norm):
            assert not run.diverged and 0.95 <= run.accuracy <= 1.0  # "95-100 %"
        last_updates.append(int(np.flatnonzero(norm.grad_norm > 5.0)[-1]) + 1)
        assert np.all(norm.grad_norm[last_updates[-1]:] <= 5.0)
    assert last_updates[0] == 19
    assert (min(last_updates), max(last_updates)) == (10, 85)        # "between 10 and 85"
    assert sorted({C.clipping_run("none", seed=s).steps for s in range(6)}) == [5, 7]


# -- recurrent nets -------------------------------------------------------------------------------
def test_claim_rnn_gradient_through_50_steps_spans_tens_of_orders_of_magnitude():
    ratio = {s: (lambda g: g[0] / g[-1])(rnn_gradient_through_time(50, recurrent_scale=s))
             for s in (0.5, 1.0, 2.0, 3.0)}
    assert ratio[0.5] < 1e-20 and ratio[1.0] < 1e-8
    assert ratio[3.0] > 1e4
    assert ratio[3.0] / ratio[0.5] > 1e20
    assert ratio[0.5] < ratio[1.0] < ratio[2.0] < ratio[3.0]


# -- weight penalties -----------------------------------------------------------------------------
def _reference_penalty_run(lam, penalty, steps, lr=0.3):
    """The same training written with optim.l2_penalty / l1_penalty and optim.SGD."""
    X, y, T = _moons()
    model = MLP([2, 16, 16, 16, 1], activation="tanh", init="glorot_uniform", seed=0)
    opt = optim.SGD(lr=lr)
    fn = optim.l2_penalty if penalty == "l2" else optim.l1_penalty
    norms, data_losses = [], []
    for _ in range(steps):
        params = model.parameters()
        norms.append(math.sqrt(sum(float(np.sum(v * v)) for k, v in params.items()
                                   if k.endswith(".W"))))
        value, dY = losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
        model.backward(dY)
        _, p_grads = fn(params, lam)
        opt.step(params, {k: g + p_grads[k] for k, g in model.gradients().items()})
        data_losses.append(value)
    return np.array(norms), np.array(data_losses)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_penalty_run_matches_the_optim_penalties(penalty):
    norms, data_losses = _reference_penalty_run(0.01, penalty, 25)
    run = C.penalty_run(0.01, penalty, steps=25)
    np.testing.assert_allclose(run.weight_norm[:25], norms, rtol=1e-12)
    np.testing.assert_allclose(run.loss, data_losses, rtol=1e-12)


def test_claim_without_penalty_the_weight_norm_keeps_growing():
    run = C.penalty_run(0.0)
    w = run.weight_norm
    assert w[-1] > 1.3 * w[0]
    assert np.all(np.diff(w[150:]) > 0)
    longer = C.penalty_run(0.0, steps=600)
    assert longer.weight_norm[-1] > longer.weight_norm[300] > longer.weight_norm[150]


def test_claim_l2_0_01_levels_off_halves_the_bound_and_fits_every_point():
    run, ref = C.penalty_run(0.01, "l2"), C.penalty_run(0.0)
    last = run.weight_norm[-100:]
    assert (last.max() - last.min()) / last.mean() < 0.05
    assert 0.4 < run.gain_bound / ref.gain_bound < 0.6
    assert run.accuracy == 1.0


def test_claim_lambda_over_six_draws():
    acc = {lam: [C.penalty_run(lam, "l2", seed=s).accuracy for s in range(6)]
           for lam in C.LAMBDA_GRID}
    assert all(a == 1.0 for a in acc[0.003])                    # fits in every draw
    assert all(a < 0.9 for lam in (0.03, 0.1) for a in acc[lam])  # under-fits in every draw
    assert sum(a == 1.0 for a in acc[0.01]) == 3                # "half the draws fit"
    assert all(a < 0.9 for a in acc[0.01] if a != 1.0)          # the others under-fit


def test_claim_large_lambda_under_fits():
    r3, r10 = C.penalty_run(0.03, "l2"), C.penalty_run(0.1, "l2")
    assert round(r3.loss[-1], 2) == 0.28 and round(r10.loss[-1], 2) == 0.37
    assert r3.accuracy < 0.9 and r10.accuracy < 0.9
    finals = [C.penalty_run(lam, "l2").weight_norm[-1] for lam in C.LAMBDA_GRID]
    assert all(a > b for a, b in zip(finals, finals[1:], strict=False))


def test_claim_l1_makes_about_half_the_weights_zero():
    share = {name: float(np.mean(np.abs(C.penalty_run(lam, name).weights) < 0.01))
             for name, lam in (("l2", 0.0), ("l1", 0.003))}
    l2_share = float(np.mean(np.abs(C.penalty_run(0.003, "l2").weights) < 0.01))
    assert 0.4 < share["l1"] < 0.6
    assert share["l2"] < 0.05 and l2_share < 0.05
    assert C.penalty_run(0.003, "l1").accuracy == 1.0


def test_claim_l1_sparsity_over_six_draws_and_no_exact_zeros():
    shares, accs = [], []
    for seed in range(6):
        run = C.penalty_run(0.003, "l1", seed=seed)
        hist = C.weight_histogram(run.weights)
        assert hist["near_zero"] == float(np.mean(np.abs(run.weights) < 0.01))
        shares.append(hist["near_zero"])
        accs.append(run.accuracy)
        assert hist["exact_zero"] == 0.0 and np.all(run.weights != 0)   # "none exactly zero"
        small = np.abs(run.weights[np.abs(run.weights) < 0.01])
        assert np.mean(small < 2 * 0.3 * 0.003) > 0.9        # "within about eta*lambda"
    assert (round(100 * min(shares)), round(100 * max(shares))) == (50, 56)
    assert (min(accs), max(accs)) == (0.89, 1.0)


def _l1_model(lam, seed, steps=300, lr=0.3):
    """penalty_run's L1 training written with optim.l1_penalty and optim.SGD; the model."""
    X, _, T = _moons()
    model = MLP([2, 16, 16, 16, 1], activation="tanh", init="glorot_uniform", seed=seed)
    opt = optim.SGD(lr=lr)
    for _ in range(steps):
        params = model.parameters()
        _, dY = losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
        model.backward(dY)
        _, p_grads = optim.l1_penalty(params, lam)
        opt.step(params, {k: g + p_grads[k] for k, g in model.gradients().items()})
    return model


def test_claim_too_much_l1_drives_every_weight_to_zero():
    """L1 at lambda 0.03 keeps 7-12 weights and 89 %; at 0.1 every weight hops within
    eta*lambda = 0.03 of zero, the logits stay within 1e-3 of 0, the loss is ln 2 and the
    accuracy anything from about 30 % to 55 %; only a third of |w| below 0.01."""
    X, y, T = _moons()
    kept = []
    for seed in range(6):
        run = C.penalty_run(0.03, "l1", seed=seed)
        kept.append(int(np.sum(np.abs(run.weights) >= 0.01)))
        assert run.accuracy == 0.89
    assert (min(kept), max(kept)) == (7, 12)
    above, largest_g = [], []
    for seed in range(6):
        run = C.penalty_run(0.1, "l1", seed=seed)
        largest = float(np.abs(run.weights).max())
        assert largest < 0.3 * 0.1 * 1.001 and f"{largest:.3f}" == "0.030"
        assert f"{run.loss[-1]:.3f}" == "0.693"
        assert 0.3 <= run.accuracy <= 0.55
        assert 0.25 < np.mean(np.abs(run.weights) < 0.01) < 0.42   # "about a third"
        model = _l1_model(0.1, seed)
        assert np.abs(model.forward(X, training=False)).max() < 1e-3
        # at the start: 0 to 5 of the 560 data-gradient entries exceed 0.1, the largest 0.09-0.18
        start = MLP([2, 16, 16, 16, 1], activation="tanh", init="glorot_uniform", seed=seed)
        _, dY = losses.binary_cross_entropy(start.forward(X), T, from_logits=True)
        start.backward(dY)
        g = np.concatenate([v.ravel() for k, v in start.gradients().items()
                            if k.endswith(".W")])
        assert g.size == 560
        above.append(int(np.sum(np.abs(g) > 0.1)))
        largest_g.append(float(np.abs(g).max()))
    assert (min(above), max(above)) == (0, 5)
    assert (f"{min(largest_g):.2f}", f"{max(largest_g):.2f}") == ("0.09", "0.18")


def test_weight_histogram_counts_every_weight():
    w = np.array([0.0, 1e-7, 1e-3, -0.5, 2.0, 50.0])
    h = C.weight_histogram(w, bins=6)
    np.testing.assert_allclose(h["centers"], np.arange(-4.5, 1.0, 1.0))
    np.testing.assert_array_equal(h["counts"], [2, 0, 1, 0, 1, 2])
    assert h["counts"].sum() == w.size
    assert h["near_zero"] == pytest.approx(3 / 6) and h["exact_zero"] == pytest.approx(1 / 6)


def test_claim_w_h_has_spectral_radius_about_one():
    from lessons_lib.experiments.residual_lstm import _unit_recurrent_weights

    _, W_h = _unit_recurrent_weights(0, 8, 32, 1)
    radius = np.max(np.abs(np.linalg.eigvals(W_h)))
    assert 0.85 < radius < 1.15
    assert np.max(np.abs(np.linalg.eigvals(2.0 * W_h))) == pytest.approx(2 * radius)


def test_claim_relu_is_positively_homogeneous():
    z = np.random.default_rng(0).standard_normal(50)
    for a in (0.5, 1.5, 7.0):
        np.testing.assert_allclose(np.maximum(a * z, 0.0), a * np.maximum(z, 0.0))


def test_claim_delta_growth_is_bounded_by_the_product_of_spectral_norms():
    rng = np.random.default_rng(3)
    for seed in range(3):
        model = MLP([2, 16, 16, 16, 1], activation="tanh", seed=seed)
        for layer in model.dense_layers:
            layer.params["W"] *= 2.0
        model.forward(rng.standard_normal((32, 2)))
        model.backward(rng.standard_normal((32, 1)))
        delta = probes.delta_norms(model)
        bound = np.prod([np.linalg.norm(la.params["W"], 2) for la in model.dense_layers[1:]])
        assert delta[0] <= delta[-1] * bound


def test_penalty_gain_bound_is_the_product_of_spectral_norms():
    run = C.penalty_run(0.01, "l2", steps=5)
    model = MLP([2, 16, 16, 16, 1], activation="tanh", init="glorot_uniform", seed=0)
    n_w = sum(la.params["W"].size for la in model.dense_layers)
    assert run.weights.size == n_w
    sizes = [(2, 16), (16, 16), (16, 16), (16, 1)]
    mats, pos = [], 0
    for shape in sizes:
        mats.append(run.weights[pos:pos + shape[0] * shape[1]].reshape(shape))
        pos += shape[0] * shape[1]
    assert run.gain_bound == pytest.approx(np.prod([np.linalg.norm(m, 2) for m in mats[1:]]))
    assert run.weight_norm[-1] == pytest.approx(np.linalg.norm(run.weights))


def test_results_are_memoised_and_read_only():
    assert C.penalty_run(0.01) is C.penalty_run(0.01, "l2")
    assert C.penalty_run(0.0, "l1") is C.penalty_run(0.0, "l2")
    with pytest.raises(ValueError):
        C.penalty_run(0.01).weight_norm[0] = 1.0
    with pytest.raises(ValueError):
        C.clipping_run("none").loss[0] = 1.0


# -- bad inputs -----------------------------------------------------------------------------------
@pytest.mark.parametrize("call, exc, match", [
    (lambda: C.cosine_similarity(np.zeros(3), np.ones(3)), ValueError, "a must not be the zero"),
    (lambda: C.cosine_similarity(np.ones(3), np.ones(4)), ValueError, "same number of entries"),
    (lambda: C.cosine_similarity("g", np.ones(3)), TypeError, "g must be an array"),
    (lambda: C.flatten({}), ValueError, "g must not be an empty dict"),
    (lambda: C.example_gradient(1), ValueError, "n must be >= 2"),
    (lambda: C.example_gradient(16, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: C.clip_comparison(np.ones(3), 0.0), ValueError, "threshold must be > 0"),
    (lambda: C.clip_comparison(np.zeros(3), 1.0), ValueError, "g must not be all zeros"),
    (lambda: C.clip_comparison([1.0, np.nan], 1.0), ValueError, "g must contain only finite"),
    (lambda: C.clip_comparison(np.ones(3), "1"), TypeError, "threshold must be a real number"),
    (lambda: C.exploding_model(depth=0), ValueError, "depth must be >= 1"),
    (lambda: C.exploding_model(weight_scale=-1.0), ValueError, "weight_scale must be > 0"),
    (lambda: C.clipping_run("clip"), ValueError, r"method must be one of \['none'"),
    (lambda: C.clipping_run("norm", -1.0), ValueError, "threshold must be > 0"),
    (lambda: C.clipping_run("none", steps=0), ValueError, "steps must be >= 1"),
    (lambda: C.penalty_run(-0.1), ValueError, "lam must be >= 0"),
    (lambda: C.penalty_run(0.01, "l3"), ValueError, r"penalty must be one of \['l2', 'l1'\]"),
    (lambda: C.penalty_run(5.0), ValueError, "lam \\* lr must be < 1"),
    (lambda: C.penalty_run(0.01, lr=0.0), ValueError, "lr must be > 0"),
    (lambda: C.weight_histogram([np.nan]), ValueError, "weights must contain only finite"),
    (lambda: C.weight_histogram([1.0], bins=1), ValueError, "bins must be >= 2"),
    (lambda: C.weight_histogram([1.0], decades=[0, 1]), TypeError, "decades must be a tuple"),
    (lambda: C.weight_histogram([1.0], decades=(1.0, 0.0)), ValueError, "lo < hi"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_plot_and_panel_bad_inputs(backend):
    with pytest.raises(ValueError, match="g2 must have shape"):
        ClipPlot(np.ones(3), np.ones(5))
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        plot_clipping_runs({})
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        plot_weight_norms([])
    with pytest.raises(ValueError, match="threshold must be <="):
        clip_panel(threshold=100.0)
    with pytest.raises(ValueError, match="g2 must not be the zero vector"):
        clip_panel(g2=(0.0, 0.0))
    with pytest.raises(ValueError, match=r"lam must be one of \[0.0, 0.003"):
        penalty_panel(lam=0.5, warm=False)
    with pytest.raises(ValueError, match="penalty must be one of"):
        penalty_panel(penalty="l0", warm=False)


# -- figures --------------------------------------------------------------------------------------
def test_static_figures(backend):
    runs = {"no clipping": C.clipping_run("none"), "by norm": C.clipping_run("norm", 5.0)}
    fig = plot_clipping_runs(runs, cap=1e8)
    assert len(fig.axes) == 2 and all(ax.get_yscale() == "log" for ax in fig.axes)
    line = fig.axes[0].lines[0]
    assert np.max(line.get_ydata()) == 1e8                 # capped, with its true value written
    assert any("then overflow" in t.get_text() for t in fig.axes[0].texts)
    fig = plot_weight_norms({"λ = 0": C.penalty_run(0.0), "λ = 0.01": C.penalty_run(0.01)})
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(),
                                  C.penalty_run(0.01).weight_norm)
    assert fig.get_layout_engine() is None


def test_clip_plot_draws_the_clipped_vectors(backend):
    g2, g = np.array([3.0, 1.0]), C.example_gradient(16)
    plot = ClipPlot(g2, g, legend=True)
    two, long = C.clip_comparison(g2, 1.0), C.clip_comparison(g, 1.0)
    plot.update(1.0, two, long)
    np.testing.assert_allclose(plot.arrows.U, [3.0, 1.0, two["norm"][0]])
    np.testing.assert_allclose(plot.arrows.V, [1.0, 1.0, two["norm"][1]])
    np.testing.assert_allclose(plot.bar_values("by norm"), np.abs(long["norm"]))
    np.testing.assert_allclose(plot.bar_values("original"), np.abs(g))
    assert plot.ball.get_radius() == 1.0 and plot.box.get_width() == 2.0
    # the by-norm bars are visible at c = 1: every one above the axis' floor, and on the
    # log scale each sits the same distance below its original
    assert plot.axb.get_yscale() == "log"
    assert np.all(plot.bar_values("by norm") > plot.axb.get_ylim()[0] * 10)
    np.testing.assert_allclose(np.log10(plot.bar_values("original"))
                               - np.log10(plot.bar_values("by norm")),
                               np.log10(long["norm_g"]), rtol=1e-12)
    assert plot.hlines[0].get_ydata()[0] == 1.0
    with pytest.raises(ValueError, match="label must be one of"):
        plot.bar_values("by sign")


# -- panels ---------------------------------------------------------------------------------------
def _clip_state(panel):
    p = panel.plot
    return np.concatenate([np.asarray(p.arrows.U), np.asarray(p.arrows.V),
                           [r.get_height() for bars in p.bars.values() for r in bars],
                           [p.ball.get_radius()]])


def _line_state(panel):
    return np.concatenate([np.asarray(line.get_ydata(), dtype=float)
                           for plot in (panel.norm_plot, panel.loss_plot)
                           for line in plot.lines.values()])


def _move(panel, name, value, state):
    assert panel_checks.move(panel, name, value, state), f"moving {name} did not change the plot"


def test_clip_panel_moves_in_place(backend):
    panel = clip_panel()
    assert isinstance(panel, ClipPanel) and panel.live is (backend == "ipympl")
    arrows = panel.plot.arrows
    for value in (0.3, 5.0):
        _move(panel, "threshold", value, _clip_state)
    slider = panel.controls["threshold"]
    for exponent in (slider.min, slider.max):        # both extremes
        _move(panel, "threshold", slider.base ** exponent, _clip_state)
    assert panel.plot.arrows is arrows
    assert "cos" in panel.readout.value
    r = panel.result
    assert r["two"]["cos_norm"] == pytest.approx(1.0)
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 700 and h <= 300


def test_clip_panel_plots_what_the_experiment_computes(backend):
    panel = clip_panel(threshold=2.0)
    want = C.clip_comparison(panel.g, 2.0)
    np.testing.assert_allclose(panel.plot.bar_values("by value"), np.abs(want["value"]))
    assert f"{want['cos_value']:.4f}" in panel.readout.value


def test_penalty_panel_moves_in_place(backend):
    panel = penalty_panel(lam=0.01)
    assert isinstance(panel, PenaltyPanel)
    lines = dict(panel.norm_plot.lines)
    _move(panel, "lam", 0.1, _line_state)
    _move(panel, "penalty", "l1", _line_state)
    _move(panel, "lam", C.LAMBDA_GRID[0], _line_state)    # extremes of the slider
    _move(panel, "lam", C.LAMBDA_GRID[-1], _line_state)
    _move(panel, "penalty", "l2", _line_state)
    assert panel.norm_plot.lines == lines
    np.testing.assert_array_equal(panel.norm_plot.lines["with the penalty"].get_ydata(),
                                  C.penalty_run(C.LAMBDA_GRID[-1], "l2").weight_norm)
    assert "weight norm" in panel.readout.value and "accuracy" in panel.readout.value


def test_penalty_panel_shows_l1_sparsity(backend):
    panel = penalty_panel(lam=0.003, penalty="l2")
    hist_line = panel.hist_plot.lines["with the penalty"]
    l2_counts = np.asarray(hist_line.get_ydata()).copy()
    _move(panel, "penalty", "l1", lambda p: np.asarray(hist_line.get_ydata(), dtype=float))
    l1_counts = np.asarray(hist_line.get_ydata())
    centers = np.asarray(hist_line.get_xdata())
    left = centers < -2.0                                   # |w| < 0.01
    assert l1_counts[left].sum() > 10 * l2_counts[left].sum()
    assert "|w| &lt; 0.01" in panel.readout.value and "<b>50%</b>" in panel.readout.value
    assert panel.hist_plot.ax.get_ylim()[0] == 0.0
    for lam in C.LAMBDA_GRID:                             # the fixed count axis fits every run
        for name in C.PENALTIES:
            counts = C.weight_histogram(C.penalty_run(lam, name).weights)["counts"]
            assert counts.max() <= PenaltyPanel.HIST_MAX


def test_clip_slider_ends_at_20(backend):
    assert 10 ** THRESHOLD_LOG_RANGE[1] == pytest.approx(20.0, rel=1e-12)
    panel = clip_panel(threshold=20.0)
    assert panel.controls["threshold"].value == pytest.approx(20.0)
