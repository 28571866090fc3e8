"""Notebook 08 (dropout): claims, experiments, figures, panel, bad inputs."""

from __future__ import annotations

import itertools
import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from panel_checks import ydata as _ydata

from lessons_lib import data, exercises, gradcheck, layers, losses, training
from lessons_lib.experiments import dropout as E
from lessons_lib.model import MLP
from lessons_lib.plots import dropout as P
from lessons_lib.widgets import dropout as Wd


@pytest.fixture(scope="module")
def runs():
    return E.overfit_sweep(E.DROP_RATES)


@pytest.fixture(scope="module")
def seeds():
    return E.overfit_seeds(E.DROP_RATES, E.OVERFIT_SEEDS)


def _row(seeds, key, p):
    return seeds[key][E.DROP_RATES.index(p)]


# -- the layer ------------------------------------------------------------------------------------

def test_claim_a_new_mask_per_mini_batch_and_kept_entries_become_1_over_q():
    drop = layers.Dropout(0.5, seed=0)
    X = np.ones((2, 8))
    a = drop.forward(X, training=True)
    b = drop.forward(X, training=True)
    assert not np.array_equal(a, b)
    assert set(np.unique(np.r_[a.ravel(), b.ravel()])) == {0.0, 2.0}
    np.testing.assert_array_equal(drop.forward(X, training=False), X)
    classic = layers.Dropout(0.25, inverted=False, seed=0)
    assert set(np.unique(classic.forward(X, training=True))) <= {0.0, 1.0}
    np.testing.assert_allclose(classic.forward(X, training=False), 0.75 * X)


def test_claim_128_hidden_units_give_2_to_the_128_sub_networks():
    model = MLP([2, 64, 64, 1], activation="relu", dropout=0.5, seed=0)
    n = sum(model.layer_sizes[1:-1])
    assert n == 128
    assert n == sum(la.n_out for la in model.dense_layers[:-1])
    assert sum(isinstance(la, layers.Dropout) for la in model.layers) == 2
    size = E.ensemble_size(n)
    assert size == 340282366920938463463374607431768211456
    assert f"{float(size):.1e}" == "3.4e+38"
    assert E.ensemble_size(0) == 1 and E.ensemble_size(3) == 8


@pytest.mark.parametrize("inverted", [False, True])
def test_claim_both_schemes_are_exactly_equal_in_expectation(inverted):
    # enumerate every mask of 4 units with its probability: the exact expectation
    x = np.array([1.0, 2.0, -0.5, 3.0])
    p = 0.3
    q = 1 - p
    expectation = np.zeros(4)
    for bits in itertools.product([0, 1], repeat=4):
        r = np.array(bits, dtype=float)
        prob = np.prod(np.where(r == 1, q, p))
        expectation += prob * (r * x / q if inverted else r * x)
    inference = layers.Dropout(p, inverted=inverted).forward(x[None, :], training=False)[0]
    np.testing.assert_allclose(expectation, inference, atol=1e-12)


@pytest.mark.parametrize("inverted", [False, True])
def test_claim_monte_carlo_average_is_within_3_standard_errors(inverted):
    x = np.array([1.0, 2.0, -0.5, 3.0])
    mc = E.monte_carlo_mean(x, p=0.5, inverted=inverted, n_samples=20_000, seed=0)
    q = 0.5
    np.testing.assert_allclose(mc["inference"], x if inverted else q * x)
    assert np.all(np.abs(mc["mc_mean"] - mc["inference"]) < 3 * mc["std_error"])
    # the standard error is the Bernoulli one: sd of one draw / sqrt(n)
    sd_one = (1 / q if inverted else 1.0) * np.abs(x) * math.sqrt(q * (1 - q))
    np.testing.assert_allclose(mc["std_error"], sd_one / math.sqrt(20_000))


def test_monte_carlo_standard_error_matches_the_spread_over_seeds():
    x = np.array([1.0, -2.0])
    means = np.array([E.monte_carlo_mean(x, 0.3, n_samples=200, seed=s)["mc_mean"]
                      for s in range(300)])
    se = E.monte_carlo_mean(x, 0.3, n_samples=200)["std_error"]
    np.testing.assert_allclose(means.std(axis=0), se, rtol=0.15)


def test_claim_gradient_flows_only_through_kept_units():
    dense = layers.Dense(3, 6, seed=1)
    drop = layers.Dropout(0.5, seed=3)
    x = np.array([[1.0, -2.0, 0.5]])
    out = drop.forward(dense.forward(x), training=True)
    d_net = drop.backward(np.ones_like(out))
    dense.backward(d_net)
    kept = drop.mask[0] != 0
    assert 0 < kept.sum() < 6
    np.testing.assert_array_equal(d_net[0], np.where(kept, 2.0, 0.0))
    zero_columns = np.all(dense.grads["W"] == 0, axis=0)
    np.testing.assert_array_equal(zero_columns, ~kept)
    np.testing.assert_array_equal(dense.grads["b"] == 0, ~kept)


@pytest.mark.parametrize("inverted", [True, False])
@pytest.mark.parametrize("training_mode", [True, False])
def test_claim_backward_matches_finite_differences_with_a_fixed_mask(inverted, training_mode):
    layer = layers.Dropout(0.5, inverted=inverted)

    def reseed():
        layer.rng = np.random.default_rng(0)

    errors = gradcheck.check_layer(layer, np.random.default_rng(1).normal(size=(4, 5)),
                                   training=training_mode, reset=reseed)
    assert errors["X"] < 1e-6


# -- the over-fitting experiment ------------------------------------------------------------------

def test_claim_the_set_up_described_in_the_notebook(runs):
    X, y, Xt, yt = E.overfit_data()
    X2, y2 = data.circles(50, noise=0.3, seed=1)                 # "noise 0.3", 50 points
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (50, 2) and Xt.shape == (500, 2)
    assert set(np.unique(y)) == {0, 1} and set(np.unique(yt)) == {0, 1}
    assert not any(np.any(np.all(np.isclose(Xt, row), axis=1)) for row in X)   # separate sets
    assert E.DROP_RATES == tuple(round(0.1 * k, 1) for k in range(8))
    np.testing.assert_array_equal(runs[0.0]["step"], np.arange(10, 501, 10))
    model = MLP([2, 64, 64, 1], activation="relu", dropout=0.5, seed=0)
    assert sum(w.size for w in model.parameters().values()) == 4417 == (2 * 64 + 64
                                                                       + 64 * 64 + 64 + 64 + 1)


def test_every_drop_rate_starts_from_the_same_weights():
    a = MLP([2, 64, 64, 1], "relu", init="he_normal", dropout=0.0, seed=0).parameters()
    b = MLP([2, 64, 64, 1], "relu", init="he_normal", dropout=0.7, seed=0).parameters()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize("p", [0.0, 0.3])
def test_overfit_run_is_the_same_update_as_training_train(p):
    X, y, Xt, yt = E.overfit_data()
    T = y[:, None].astype(float)
    model = MLP([2, 16, 16, 1], "relu", init="he_normal", dropout=p, seed=4)
    training.train(model, X, T, loss="binary_cross_entropy", lr=0.1, momentum=0.9, steps=25)
    run = E.overfit_run(p, hidden=16, steps=25, eval_every=25, seed=4)
    want = losses.binary_cross_entropy(model.forward(X, training=False), T, from_logits=True)[0]
    want_test = losses.binary_cross_entropy(model.forward(Xt, training=False),
                                            yt[:, None].astype(float), from_logits=True)[0]
    assert run["final_train"] == pytest.approx(want, rel=1e-9)
    assert run["final_test"] == pytest.approx(want_test, rel=1e-9)
    assert run["train_acc"] == training.accuracy(model, X, y, threshold=0.0)
    assert run["test_acc"] == training.accuracy(model, Xt, yt, threshold=0.0)


def test_claim_without_dropout_the_test_loss_turns_up_at_step_30_and_ends_6x_higher(runs):
    r = runs[0.0]                                      # "seed 0, step by step"
    best = int(np.argmin(r["test_loss"]))
    assert r["best_step"] == 30 == int(r["step"][best])
    assert round(r["final_test"] / r["best_test"]) == 6
    assert r["final_test"] == r["test_loss"][-1] and r["final_test"] == max(r["test_loss"][best:])
    # the training loss keeps falling after the test minimum
    tail = r["train_loss"][best:]
    assert tail[-1] < 0.2 * tail[0]
    assert np.mean(np.diff(tail) < 0) > 0.9


def test_claim_five_seeds_are_reported():
    assert E.OVERFIT_SEEDS == (0, 1, 2, 3, 4)


def test_claim_without_dropout_every_seed_over_fits(seeds):
    final_test, final_train = _row(seeds, "final_test", 0.0), _row(seeds, "final_train", 0.0)
    assert np.all((4 < final_test) & (final_test < 5))          # "ends between 4 and 5"
    assert np.all(final_train < 0.06)                           # "heads for zero"
    assert np.all(_row(seeds, "best_test", 0.0) < final_test / 5)
    assert round(100 * _row(seeds, "test_acc", 0.0).mean()) == 67
    assert round(100 * _row(seeds, "train_acc", 0.0).mean()) == 97


def test_claim_the_mean_gap_shrinks_at_every_step_of_p(seeds):
    gap = seeds["gap"]
    mean = gap.mean(axis=1)
    assert np.all(np.diff(mean) < 0)
    assert round(mean[0], 1) == 4.5
    assert round(_row(seeds, "gap", 0.5).mean(), 2) == 0.86
    assert round(_row(seeds, "gap", 0.7).mean(), 2) == 0.37
    np.testing.assert_allclose(gap, seeds["final_test"] - seeds["final_train"])
    # "a single seed need not fall at every step: in one of the five, the gap at
    # p = 0.4 is a little larger than at p = 0.3"
    rises = np.argwhere(np.diff(gap, axis=0) >= 0)
    assert len(rises) == 1
    step, seed = rises[0]
    assert (E.DROP_RATES[step], E.DROP_RATES[step + 1]) == (0.3, 0.4)
    # the trend holds in every seed: the strongest dropout has a gap 10x smaller
    assert np.all(gap[-1] < gap[0] / 10)


def test_claim_training_loss_rises_and_test_loss_falls_more_with_p(seeds):
    train = seeds["final_train"].mean(axis=1)
    test = seeds["final_test"].mean(axis=1)
    assert np.all(np.diff(train) > 0)
    assert np.all(np.diff(test) < 0)
    assert test[0] - test[-1] > train[-1] - train[0]


def test_claim_mean_test_accuracy_rises_only_from_67_to_75_percent(seeds):
    acc = seeds["test_acc"].mean(axis=1)
    assert round(100 * acc[0]) == 67 and round(100 * acc[-1]) == 75
    assert acc[-1] > acc[0]
    assert seeds["train_acc"].mean(axis=1)[-1] < seeds["train_acc"].mean(axis=1)[0]


def test_claim_early_stopping_matches_the_strongest_dropout_on_test_loss(seeds):
    early0 = _row(seeds, "early_test", 0.0)
    final7 = _row(seeds, "final_test", 0.7)
    assert round(early0.mean(), 2) == 0.73 and round(final7.mean(), 2) == 0.70
    assert abs(early0.mean() - final7.mean()) < 0.05               # "about as good"
    assert early0.min() < final7.max() and final7.min() < early0.max()   # ranges overlap
    np.testing.assert_array_equal(_row(seeds, "stop_step", 0.0) // 10 * 10,
                                  _row(seeds, "stop_step", 0.0))
    assert set(_row(seeds, "stop_step", 0.0)) <= {30, 40}            # "after 30-40 steps"
    assert round(100 * _row(seeds, "early_test_acc", 0.0).mean()) == 69
    assert round(100 * _row(seeds, "test_acc", 0.7).mean()) == 75
    # early stopping beats training p = 0 to the end in every seed
    assert np.all(early0 < _row(seeds, "final_test", 0.0) / 4)


def test_claim_dropout_and_early_stopping_combine(seeds):
    early7 = _row(seeds, "early_test", 0.7)
    assert round(early7.mean(), 1) == 0.6
    assert early7.mean() == seeds["early_test"].mean(axis=1).min()     # "lowest of all"
    assert early7.mean() < seeds["final_test"].mean(axis=1).min()
    # "in most seeds the validation loss reaches its minimum much later"
    later = _row(seeds, "stop_step", 0.7) > 3 * _row(seeds, "stop_step", 0.0)
    assert later.sum() >= 4
    # "the stopped p = 0.7 networks have the lower test loss but also the lower accuracy"
    assert round(100 * _row(seeds, "early_test_acc", 0.7).mean()) == 71
    assert early7.mean() < _row(seeds, "final_test", 0.7).mean()


def test_early_stopping_keeps_the_step_of_the_lowest_validation_loss(runs):
    for r in runs.values():
        i = int(np.argmin(r["val_loss"]))
        assert r["stop_step"] == int(r["step"][i])
        assert r["early_test"] == r["test_loss"][i]
        assert r["early_test_acc"] == r["test_acc_curve"][i]
    assert runs[0.0]["val_loss"].shape == runs[0.0]["test_loss"].shape
    X, y, _, _ = E.overfit_data()
    Xv, yv = data.circles(E.N_VALIDATION, noise=0.3, seed=1 + 2000)
    np.testing.assert_array_equal(E._validation_cached(0.3, 1)[0], Xv)
    assert E.N_VALIDATION == 50                                  # "50 more points"
    assert not any(np.any(np.all(np.isclose(Xv, row), axis=1)) for row in X)


def test_overfit_seeds_collects_overfit_run(seeds):
    assert seeds["final_test"].shape == (len(E.DROP_RATES), 5)
    for j, s in enumerate(E.OVERFIT_SEEDS):
        r = E.overfit_run(0.4, seed=s)
        for key in E.SEED_KEYS:
            assert seeds[key][4, j] == r[key]
    with pytest.raises(ValueError):
        seeds["gap"][0, 0] = 1.0


def test_claim_momentum_is_the_heavy_ball_update():
    """v <- mu v - eta grad, W <- W + v (the formula the lesson states)."""
    X, y, _, _ = E.overfit_data()
    T = y[:, None].astype(float)
    model = MLP([2, 6, 6, 1], "relu", init="he_normal", seed=3)
    params = model.parameters()
    v = {k: np.zeros_like(w) for k, w in params.items()}
    for _ in range(4):
        _, dY = losses.binary_cross_entropy(model.forward(X), T, from_logits=True)
        model.backward(dY)
        for k, g in model.gradients().items():
            v[k] = 0.9 * v[k] - 0.1 * g
            params[k] += v[k]
    run = E.overfit_run(0.0, hidden=6, steps=4, eval_every=4, seed=3)
    want = losses.binary_cross_entropy(model.forward(X, training=False), T, from_logits=True)[0]
    assert run["final_train"] == pytest.approx(want, rel=1e-10)
    assert 1 / (1 - 0.9) == pytest.approx(10)                   # "up to 10 times a plain step"


def test_claim_p0_seed0_accuracies(runs):
    r = runs[0.0]
    assert round(100 * r["test_acc"]) == 67 and round(100 * r["train_acc"]) == 96


def test_claim_boundary_is_a_closed_curve_with_dropout_but_not_without(runs):
    n = E.OVERFIT_GRID_RESOLUTION
    border = np.zeros((n, n), dtype=bool)
    border[0, :] = border[-1, :] = border[:, 0] = border[:, -1] = True
    class1 = {p: runs[p]["proba"].reshape(n, n) > 0.5 for p in (0.0, 0.5)}
    assert class1[0.0][border].any()            # the p = 0 region runs off the plot
    assert not class1[0.5][border].any()        # the p = 0.5 region is enclosed
    assert class1[0.5].any()


def test_overfit_run_is_cached_and_read_only(runs):
    a = E.overfit_run(0.3)
    assert a["test_loss"] is runs[0.3]["test_loss"]
    with pytest.raises(ValueError):
        a["test_loss"][0] = 0.0
    a["gap"] = -1.0
    assert E.overfit_run(0.3)["gap"] > 0
    assert np.all((a["proba"] >= 0) & (a["proba"] <= 1))
    assert a["proba"].shape == (E.OVERFIT_GRID_RESOLUTION ** 2,)


# -- exercise -------------------------------------------------------------------------------------

def dropout_forward_solution(X, p, rng):
    mask = rng.random(X.shape) >= p
    return X * mask / (1.0 - p)


def test_exercise_solution_passes_and_stub_is_not_implemented():
    assert exercises.check_dropout_forward(dropout_forward_solution).passed

    def stub(X, p, rng):
        raise NotImplementedError

    verdict = exercises.check_dropout_forward(stub)
    assert not verdict.passed and "not implemented" in verdict.message


def test_exercise_solution_matches_the_layer_mask_for_mask():
    X = np.random.default_rng(2).normal(size=(5, 7))
    layer = layers.Dropout(0.4, seed=11)
    np.testing.assert_allclose(dropout_forward_solution(X, 0.4, np.random.default_rng(11)),
                               layer.forward(X, training=True))


# -- figures --------------------------------------------------------------------------------------

def test_static_figures(backend, runs, seeds):
    fig = P.plot_overfit_curves(runs, show=(0.0, 0.5), summary=seeds)
    rate_lines = {ln.get_label(): ln for ln in fig.axes[1].get_lines()}
    np.testing.assert_allclose(rate_lines["final test loss"].get_ydata(),
                               seeds["final_test"].mean(axis=1))
    assert rate_lines["test loss, p = 0 stopped early"].get_ydata()[0] == pytest.approx(
        seeds["early_test"][0].mean())
    assert len(fig.axes[1].collections) == 3                    # the three seed bands
    assert "5 seeds" in fig.axes[1].get_title()
    fig = P.plot_overfit_curves(runs, show=(0.0, 0.5))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ax_curves, ax_rates = fig.axes
    lines = {ln.get_label(): ln for ln in ax_curves.get_lines()}
    np.testing.assert_allclose(lines["test, p = 0.5"].get_ydata(), runs[0.5]["test_loss"])
    np.testing.assert_allclose(lines["train, p = 0"].get_xdata(), runs[0.0]["step"])
    assert ax_curves.get_yscale() == "log"
    rate_lines = {ln.get_label(): ln for ln in ax_rates.get_lines()}
    np.testing.assert_allclose(rate_lines["gap (test − train)"].get_ydata(),
                               [runs[p]["gap"] for p in E.DROP_RATES])
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel()

    X, y, _, _ = E.overfit_data()
    fig = P.plot_decision_maps(runs, X, y, show=(0.0, 0.5))
    assert len(fig.axes) == 2
    image = fig.axes[1].images[0]
    np.testing.assert_allclose(np.asarray(image.get_array()),
                               runs[0.5]["proba"].reshape(E.OVERFIT_GRID_RESOLUTION, -1))
    assert "test acc" in fig.axes[0].get_title()


# -- panel ----------------------------------------------------------------------------------------

def test_dropout_panel_moves_through_every_rate_in_place(backend, runs):
    panel = Wd.dropout_panel(p=0.3)
    assert panel.live is (backend == "ipympl")
    assert [c.description for c in panel.controls.values()] == ["drop rate p"]
    assert list(panel.controls["p"].options) == list(E.DROP_RATES)
    figures = plt.get_fignums()
    lines = dict(panel.plot.lines)
    ylim = panel.plot.ax.get_ylim()
    order = [0.0, 0.7, 0.1, 0.6, 0.2, 0.5, 0.4, 0.3]             # both extremes, every rate
    for p in order:
        before = _ydata(panel)
        updates = panel.n_updates
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            panel.controls["p"].value = p
        assert panel.last_error is None, panel.last_error
        assert panel.n_updates == updates + 1
        after = _ydata(panel)
        assert not np.array_equal(before["test loss"], after["test loss"]), p
        np.testing.assert_allclose(after["test loss"], runs[p]["test_loss"])
        np.testing.assert_allclose(after["training loss"], runs[p]["train_loss"])
        np.testing.assert_allclose(after["test loss at p = 0"], runs[0.0]["test_loss"])
        assert plt.get_fignums() == figures, "a control change created a figure"
        assert panel.plot.lines == lines, "artists were replaced instead of updated"
        assert panel.plot.ax.get_ylim() == ylim, "the y range should stay fixed"
        assert f"p = {p:g}:" in panel.readout.value
    lo, hi = ylim
    every = np.concatenate([np.r_[r["train_loss"], r["test_loss"]] for r in runs.values()])
    assert lo < every.min() and hi > every.max()
    assert panel.plot.ax.get_yscale() == "log"


def test_dropout_panel_step_is_a_cache_hit(backend, runs):
    panel = Wd.dropout_panel()
    panel.controls["p"].value = 0.4
    assert panel.result["run"]["test_loss"] is runs[0.4]["test_loss"]


# -- bad inputs -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call,exc,match", [
    (lambda: E.ensemble_size(-1), ValueError, "n_units must be >= 0"),
    (lambda: E.ensemble_size(2.0), TypeError, "n_units must be an integer"),
    (lambda: E.ensemble_size(True), TypeError, "n_units must be an integer"),
    (lambda: E.monte_carlo_mean([[1.0]], 0.5), ValueError, "x must be 1-D"),
    (lambda: E.monte_carlo_mean([1.0], 1.0), ValueError, "p must be < 1.0"),
    (lambda: E.monte_carlo_mean([1.0], 0.5, inverted="yes"), TypeError, "inverted must be"),
    (lambda: E.monte_carlo_mean([1.0], 0.5, n_samples=0), ValueError, "n_samples must be >= 1"),
    (lambda: E.monte_carlo_mean([np.nan], 0.5), ValueError, "x must contain only finite"),
    (lambda: E.overfit_data(n_train=1), ValueError, "n_train must be >= 2"),
    (lambda: E.overfit_data(noise=-0.1), ValueError, "noise must be >= 0.0"),
    (lambda: E.overfit_run(-0.1), ValueError, "p must be >= 0.0"),
    (lambda: E.overfit_run("0.5"), TypeError, "p must be a real number"),
    (lambda: E.overfit_run(0.5, steps=0), ValueError, "steps must be >= 1"),
    (lambda: E.overfit_run(0.5, lr=0.0), ValueError, "lr must be > 0.0"),
    (lambda: E.overfit_run(0.5, hidden=0), ValueError, "hidden must be >= 1"),
    (lambda: E.overfit_run(0.5, momentum=1.0), ValueError, "momentum must be < 1.0"),
    (lambda: E.overfit_run(0.5, eval_every=0), ValueError, "eval_every must be >= 1"),
    (lambda: E.overfit_sweep("abc"), TypeError, "rates must be an array of numbers"),
    (lambda: E.overfit_sweep([1.0]), ValueError, "p must be < 1.0"),
    (lambda: Wd.dropout_panel(p=0.25), ValueError, "p must be one of"),
    (lambda: Wd.dropout_panel(p="0"), TypeError, "p must be a real number"),
    (lambda: P.plot_overfit_curves({}), TypeError, "runs must be a non-empty dict"),
    (lambda: P.plot_overfit_curves({0.0: {"step": 1}}), TypeError, r"runs\[0.0\] must be"),
    (lambda: P.plot_decision_maps([], np.zeros((2, 2)), [0, 1]), TypeError, "runs must be"),
    (lambda: E.overfit_seeds([0.0], []), ValueError, "seeds must name at least one seed"),
    (lambda: E.overfit_seeds([0.0], 3), TypeError, "seeds must be a sequence of integers"),
    (lambda: E.overfit_seeds([0.0], [-1]), ValueError, r"seeds\[0\] must be >= 0"),
    (lambda: E.overfit_seeds([0.0], [0], seed=1), TypeError, "takes the seeds as seeds="),
    (lambda: P.plot_overfit_curves({0.0: E.overfit_run(0.0)}, show=(0.0,), summary={}),
     TypeError, "summary must be a result of experiments.dropout.overfit_seeds"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_plots_reject_drop_rates_that_were_not_run(runs):
    with pytest.raises(ValueError, match="show must name drop rates"):
        P.plot_overfit_curves(runs, show=(0.0, 0.15))
    X, y, _, _ = E.overfit_data()
    with pytest.raises(ValueError, match="show must name drop rates"):
        P.plot_decision_maps(runs, X, y, show=(0.9,))
