"""Notebook 01 (perceptron): the rule, the claims the lesson makes, and its live panel.

Expected values come from the maths (the rule written out again here, the
XOR inequalities, hand-built hidden layers), not from copying outputs.
"""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import panel_checks
import pytest

import lessons_lib as ll
from lessons_lib import data, exercises
from lessons_lib.experiments import perceptron as perc
from lessons_lib.plots.decision import DecisionPlot
from lessons_lib.widgets.perceptron import PANEL_GATES, perceptron_panel


def arg(name: str) -> str:
    """Regex that finds the argument ``name`` as a whole word in a message."""
    return rf"(?<![\w.]){re.escape(name)}(?!\w)"




# -- an independent perceptron, written from the rule ----------------------------------------------
def _step(w, x):
    return 1.0 if sum(wi * xi for wi, xi in zip(w, x, strict=True)) > 0 else 0.0


def _train_by_hand(gate, lr, epochs, w):
    """Online perceptron rule over the rows in order; weights and wrong answers per epoch."""
    X, t = data.logic_gate(gate)
    rows = [[1.0, float(a), float(b)] for a, b in X]
    w = [float(v) for v in w]
    history, wrong = [list(w)], [sum(_step(w, x) != ti for x, ti in zip(rows, t, strict=True))]
    for _ in range(epochs):
        for x, ti in zip(rows, t, strict=True):
            err = ti - _step(w, x)
            w = [wi + lr * err * xi for wi, xi in zip(w, x, strict=True)]
        history.append(list(w))
        wrong.append(sum(_step(w, x) != ti for x, ti in zip(rows, t, strict=True)))
    return np.array(history), np.array(wrong)


def _epochs_to_learn(errors):
    hits = np.flatnonzero(np.asarray(errors) == 0)
    return int(hits[0]) if hits.size else None


# -- the experiments module ------------------------------------------------------------------------
def test_with_bias_puts_x0_equal_one_in_front():
    Xb = perc.with_bias(np.array([[2.0, 3.0], [4.0, 5.0]]))
    np.testing.assert_array_equal(Xb, [[1, 2, 3], [1, 4, 5]])


def test_output_is_a_strict_step():
    w = np.array([-1.0, 1.0, 0.0])                      # net = x1 - 1
    X = perc.with_bias([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    np.testing.assert_array_equal(perc.perceptron_output(w, X), [0.0, 0.0, 1.0])  # net = 0 -> 0


def test_update_follows_the_rule_in_all_three_cases():
    x = np.array([1.0, 1.0, 0.0])
    w = np.array([0.5, -0.2, 0.3])                      # net = 0.3 > 0: y = 1
    np.testing.assert_allclose(perc.perceptron_update(w, x, 1.0, 0.5), w)            # right
    np.testing.assert_allclose(perc.perceptron_update(w, x, 0.0, 0.5), w - 0.5 * x)  # fired wrongly
    w = -w                                              # net = -0.3: y = 0
    np.testing.assert_allclose(perc.perceptron_update(w, x, 1.0, 0.5), w + 0.5 * x)  # missed
    np.testing.assert_allclose(perc.perceptron_update(w, x, 0.0, 0.5), w)


def test_update_returns_a_new_array():
    w = np.zeros(3)
    perc.perceptron_update(w, np.ones(3), 1.0, 0.1)
    np.testing.assert_array_equal(w, np.zeros(3))


def test_reference_update_passes_the_exercise_check():
    assert exercises.check_perceptron_update(perc.perceptron_update).passed


@pytest.mark.parametrize("gate", perc.GATES)
@pytest.mark.parametrize("lr", [0.01, 0.1, 0.37, 1.0])
def test_train_matches_the_rule_written_by_hand(gate, lr):
    run = perc.train_perceptron(gate, lr=lr, epochs=25)
    weights, wrong = _train_by_hand(gate, lr, 25, perc.initial_weights(0))
    np.testing.assert_allclose(run.weights, weights, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(run.errors, wrong)
    assert run.first_all_correct == _epochs_to_learn(wrong)
    assert run.epochs == 25 and run.gate == gate and run.lr == lr


def test_updates_count_the_mistakes_within_each_epoch():
    run = perc.train_perceptron("or", lr=0.1, epochs=20)
    assert run.updates[0] == 0
    # after the first all-correct epoch nothing is wrong, so nothing changes
    k = run.first_all_correct
    assert np.all(run.updates[k + 1:] == 0)
    np.testing.assert_array_equal(run.weights[k:], np.repeat(run.weights[k][None], 21 - k, 0))
    changed = np.any(np.diff(run.weights, axis=0) != 0, axis=1)
    np.testing.assert_array_equal(changed, run.updates[1:] > 0)


def test_runs_are_memoized_and_read_only():
    a = perc.train_perceptron("and", lr=0.1, epochs=20)
    assert perc.train_perceptron("and", lr=0.1, epochs=20) is a
    with pytest.raises(ValueError, match="read-only"):
        a.weights[0, 0] = 1.0
    assert not a.errors.flags.writeable and not a.updates.flags.writeable


def test_initial_weights_are_seeded_and_w_init_overrides_them():
    np.testing.assert_array_equal(perc.initial_weights(3), perc.initial_weights(3))
    assert not np.array_equal(perc.initial_weights(3), perc.initial_weights(4))
    assert np.all(np.abs(perc.initial_weights(0)) <= 1.0)
    run = perc.train_perceptron("and", epochs=0, w_init=[0.1, 0.2, 0.3])
    np.testing.assert_array_equal(run.weights, [[0.1, 0.2, 0.3]])
    run = perc.train_perceptron("AND", epochs=0, seed=5)
    np.testing.assert_array_equal(run.weights[0], perc.initial_weights(5))


# -- claims of the notebook ------------------------------------------------------------------------
def test_claim_a_correction_moves_net_by_eta_times_norm_squared():
    rng = np.random.default_rng(0)
    for _ in range(20):
        w, x, lr = rng.standard_normal(3), np.r_[1.0, rng.integers(0, 2, 2)], rng.uniform(0.01, 1)
        y = 1.0 if w @ x > 0 else 0.0
        t = 1.0 - y                                     # the answer was wrong
        new = perc.perceptron_update(w, x, t, lr)
        assert new @ x - w @ x == pytest.approx((t - y) * lr * (x @ x), rel=1e-12)


def test_claim_and_and_or_are_learned_xor_is_not():
    for gate in ("and", "or"):
        assert perc.train_perceptron(gate, lr=0.1, epochs=30).first_all_correct is not None
    assert perc.train_perceptron("xor", lr=0.1, epochs=30).first_all_correct is None


def test_claim_the_first_loop_of_the_notebook_agrees_with_train_perceptron():
    weights, wrong = _train_by_hand("and", 0.1, 30, perc.initial_weights(0))
    k = _epochs_to_learn(wrong)
    run = perc.train_perceptron("and", lr=0.1, epochs=30)
    assert run.first_all_correct == k
    np.testing.assert_allclose(run.weights[k], weights[k], atol=1e-12)


def test_claim_larger_eta_from_random_weights_learns_in_fewer_epochs():
    for gate in ("and", "or"):
        epochs = [_epochs_to_learn(_train_by_hand(gate, lr, 100, perc.initial_weights(0))[1])
                  for lr in (0.03, 0.1, 0.3, 1.0)]
        assert None not in epochs
        assert epochs == sorted(epochs, reverse=True) and epochs[0] > epochs[-1], epochs


def test_claim_from_zero_weights_eta_only_scales_the_weights():
    for gate in ("and", "or", "xor"):
        one = perc.train_perceptron(gate, lr=1.0, epochs=30, w_init=np.zeros(3))
        for lr in (0.01, 0.3):
            run = perc.train_perceptron(gate, lr=lr, epochs=30, w_init=np.zeros(3))
            np.testing.assert_allclose(run.weights, lr * one.weights, rtol=1e-12, atol=1e-15)
            np.testing.assert_array_equal(run.errors, one.errors)    # the same line


@pytest.mark.parametrize("lr", [0.01, 0.1, 1.0])
def test_claim_xor_is_never_all_right_in_1000_epochs(lr):
    run = perc.train_perceptron("xor", lr=lr, epochs=1000)
    assert np.count_nonzero(run.errors == 0) == 0
    assert run.errors.min() >= 1


def test_claim_the_four_xor_conditions_contradict_each_other():
    W = np.random.default_rng(1).uniform(-3, 3, (400_000, 3))
    w0, w1, w2 = W.T
    middle = (w0 + w2 > 0) & (w0 + w1 > 0)             # rows (0,1) and (1,0) fire
    outer = (w0 <= 0) & (w0 + w1 + w2 <= 0)            # rows (0,0) and (1,1) stay silent
    # sums of the two pairs are the same number, 2 w0 + w1 + w2
    np.testing.assert_allclose((w0 + w2) + (w0 + w1), w0 + (w0 + w1 + w2), atol=1e-12)
    assert middle.any() and outer.any()                # each pair alone is possible ...
    assert not np.any(middle & outer)                  # ... both together never


def test_claim_and_conditions_have_a_solution():
    w = np.array([-1.5, 1.0, 1.0])
    X, t = data.logic_gate("and")
    np.testing.assert_array_equal(perc.perceptron_output(w, perc.with_bias(X)), t)


def test_claim_brute_force_best_random_weights():
    """The notebook's cell: 200 000 random weights from U(-1, 1), seed 0."""
    W = np.random.default_rng(0).uniform(-1, 1, (200_000, 3))
    best = {}
    for gate in ("and", "or", "xor"):
        X, t = data.logic_gate(gate)
        right = ((perc.with_bias(X) @ W.T > 0) == t[:, None]).sum(axis=0)
        best[gate] = int(right.max())
    assert best == {"and": 4, "or": 4, "xor": 3}


def test_claim_a_hidden_layer_of_or_and_nand_with_an_and_output_computes_xor():
    trained = {g: perc.train_perceptron(g, lr=0.1, epochs=30) for g in ("or", "nand", "and")}
    assert all(run.first_all_correct is not None for run in trained.values())
    X, t = data.logic_gate("xor")
    H = np.c_[perc.perceptron_output(trained["or"].weights[-1], perc.with_bias(X)),
              perc.perceptron_output(trained["nand"].weights[-1], perc.with_bias(X))]
    np.testing.assert_array_equal(H, np.c_[[0, 1, 1, 1], [1, 1, 1, 0]])
    y = perc.perceptron_output(trained["and"].weights[-1], perc.with_bias(H))
    np.testing.assert_array_equal(y, t)


def test_claim_the_rule_converges_on_and_and_or_for_every_eta_of_the_slider():
    """Linearly separable: finitely many mistakes (convergence theorem), whatever η."""
    for lr in 10.0 ** np.arange(-2.0, 0.01, 0.1):
        for gate in ("and", "or"):
            assert perc.train_perceptron(gate, lr=float(lr), epochs=2000).first_all_correct \
                is not None, (gate, lr)


def test_claim_panel_tips(backend):
    grid = 10.0 ** np.arange(-2.0, 0.01, 0.1)            # every value the η slider can take
    max_epochs = perceptron_panel().controls["epochs"].max
    assert max_epochs == 150
    # η = 0.01 creeps: about 100 epochs (AND 97, OR 127), within the slider's range
    first = {g: perc.train_perceptron(g, lr=0.01, epochs=max_epochs).first_all_correct
             for g in ("and", "or")}
    assert first == {"and": 97, "or": 127}
    # ... and the count of wrong answers can rise: AND from 2 to 3 at epoch 19
    errors = perc.train_perceptron("and", lr=0.01, epochs=max_epochs).errors
    rises = np.flatnonzero(np.diff(errors) > 0) + 1
    assert rises[0] == 19 and errors[18] == 2 and errors[19] == 3
    for gate in ("and", "or"):                            # η = 1 is done in a few
        assert perc.train_perceptron(gate, lr=1.0, epochs=max_epochs).first_all_correct <= 6
    for lr in grid:
        assert np.all(perc.train_perceptron("xor", lr=float(lr), epochs=max_epochs).errors > 0)
    plt.close("all")


# -- DecisionPlot.set_points (shared drawing helper) -------------------------------
def test_set_points_moves_the_markers_to_the_new_labels(backend):
    X, t = data.logic_gate("and")
    plot = DecisionPlot(X, t)
    plot.set_points(X, data.logic_gate("xor")[1])
    np.testing.assert_array_equal(plot.points[0].get_offsets(), X[[0, 3]])
    np.testing.assert_array_equal(plot.points[1].get_offsets(), X[[1, 2]])
    with pytest.raises(ValueError, match=arg("X")):
        plot.set_points(np.ones((4, 3)), t)
    with pytest.raises(ValueError, match=arg("y")):
        plot.set_points(X, t[:3])


# -- the live panel --------------------------------------------------------------------------------
def _state(panel):
    return {
        "line": np.concatenate([np.ravel(panel.decision.line.get_xdata()),
                                np.ravel(panel.decision.line.get_ydata())]).astype(float),
        "image": np.asarray(panel.decision.image.get_array(), dtype=float).copy(),
        "errors": np.asarray(panel.plot.lines["wrong answers"].get_ydata(), dtype=float).copy(),
        # per class: the number of points, then their coordinates
        "points": np.concatenate([np.r_[len(p.get_offsets()), np.ravel(p.get_offsets())]
                                  for p in panel.decision.points]),
    }


_changed = panel_checks.changed


PANEL_MOVES = [
    ("epochs", 5, {"line", "errors"}),
    ("lr", 1.0, {"line", "errors"}),
    ("gate", "or", {"line", "points"}),
    ("gate", "xor", {"line", "points"}),
    ("lr", 0.1, {"line", "errors"}),
    ("epochs", 0, {"line", "errors"}),
]


def test_panel_has_the_promised_controls(backend):
    panel = perceptron_panel()
    assert [c.description for c in panel.controls.values()] == ["gate", "η", "epochs"]
    assert [v for _, v in panel.controls["gate"].options] == list(PANEL_GATES)
    assert panel.live is (backend == "ipympl")
    w, h = panel.figure.get_size_inches() * panel.figure.dpi
    assert w <= 700 and h <= 350
    assert panel.figure.get_layout_engine() is None


def test_every_panel_control_redraws_in_place(backend):
    panel = perceptron_panel(gate="and", lr=0.1, epochs=20)
    figures = plt.get_fignums()
    artists = (panel.decision.line, panel.decision.image, list(panel.decision.points),
               dict(panel.plot.lines))
    for name, value, must_change in PANEL_MOVES:
        before = _state(panel)
        updates = panel.n_updates
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            panel.controls[name].value = value
        assert panel.last_error is None, panel.last_error
        assert panel.n_updates == updates + 1, name
        changed = _changed(before, _state(panel), must_change)
        assert changed == must_change, f"moving {name}: only {changed} changed"
        assert plt.get_fignums() == figures, "a control change created a figure"
        assert (panel.decision.line, panel.decision.image, list(panel.decision.points),
                dict(panel.plot.lines)) == artists, "artists were replaced"


def test_panel_draws_what_the_experiment_computes(backend):
    panel = perceptron_panel(gate="or", lr=0.3, epochs=12)
    run = perc.train_perceptron("or", lr=0.3, epochs=12)
    np.testing.assert_array_equal(panel.plot.lines["wrong answers"].get_ydata(), run.errors)
    np.testing.assert_array_equal(panel.plot.lines["wrong answers"].get_xdata(), np.arange(13))
    w0, w1, w2 = run.weights[-1]
    xs, ys = (np.asarray(v, float) for v in panel.decision.line.get_data())
    np.testing.assert_allclose(w0 + w1 * xs + w2 * ys, 0.0, atol=1e-12)   # on the line
    regions = perc.perceptron_output(run.weights[-1], perc.with_bias(panel.decision.grid_points))
    np.testing.assert_array_equal(np.asarray(panel.decision.image.get_array()).ravel(), regions)
    assert "all four right from epoch" in panel.readout.value
    panel.controls["gate"].value = "xor"
    assert "never all four right" in panel.readout.value


@pytest.mark.parametrize("gate", PANEL_GATES)
def test_panel_controls_at_their_extremes(backend, gate):
    panel = perceptron_panel(gate=gate)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("lr", "epochs"):
            control = panel.controls[name]
            low, high = ((control.base ** control.min, control.base ** control.max)
                         if name == "lr" else (control.min, control.max))
            for value in (low, high, low):
                control.value = value
                assert panel.last_error is None, panel.last_error
    assert panel.values()["lr"] == pytest.approx(0.01)
    assert panel.values()["epochs"] == 0
    assert "after 0 epochs" in panel.readout.value


# -- bad input -------------------------------------------------------------------------------------
BAD_CALLS = [
    (lambda: perc.with_bias("ab"), TypeError, "X"),
    (lambda: perc.with_bias(np.ones(3)), ValueError, "X"),
    (lambda: perc.perceptron_output(np.ones(3), np.ones((4, 2))), ValueError, "X"),
    (lambda: perc.perceptron_output(np.ones((3, 1)), np.ones((4, 3))), ValueError, "w"),
    (lambda: perc.perceptron_update(np.ones(3), np.ones(2), 1.0, 0.1), ValueError, "x"),
    (lambda: perc.perceptron_update(np.ones(3), np.ones(3), 0.5, 0.1), ValueError, "t"),
    (lambda: perc.perceptron_update(np.ones(3), np.ones(3), 1.0, 0.0), ValueError, "lr"),
    (lambda: perc.perceptron_update(np.ones(3), np.ones(3), 1.0, "big"), TypeError, "lr"),
    (lambda: perc.perceptron_update(np.array([np.nan, 0, 0]), np.ones(3), 1.0, 0.1),
     ValueError, "w"),
    (lambda: perc.initial_weights(-1), ValueError, "seed"),
    (lambda: perc.initial_weights(1.5), TypeError, "seed"),
    (lambda: perc.train_perceptron("nor"), ValueError, "gate"),
    (lambda: perc.train_perceptron(3), TypeError, "gate"),
    (lambda: perc.train_perceptron("and", lr=-0.1), ValueError, "lr"),
    (lambda: perc.train_perceptron("and", epochs=-1), ValueError, "epochs"),
    (lambda: perc.train_perceptron("and", epochs=10**6), ValueError, "epochs"),
    (lambda: perc.train_perceptron("and", epochs=2.5), TypeError, "epochs"),
    (lambda: perc.train_perceptron("and", w_init=[1.0, 2.0]), ValueError, "w_init"),
    (lambda: perc.train_perceptron("and", seed=-3), ValueError, "seed"),
    (lambda: perceptron_panel(gate="nand"), ValueError, "gate"),
    (lambda: perceptron_panel(lr=5.0), ValueError, "lr"),
    (lambda: perceptron_panel(epochs=100, max_epochs=60), ValueError, "epochs"),
    (lambda: perceptron_panel(max_epochs=0), ValueError, "max_epochs"),
    (lambda: perceptron_panel(seed="zero"), TypeError, "seed"),
]


@pytest.mark.parametrize("call, exc, name", BAD_CALLS,
                         ids=[f"{i}-{c[2]}" for i, c in enumerate(BAD_CALLS)])
def test_bad_input_is_rejected_naming_the_argument(backend, call, exc, name):
    with pytest.raises(exc, match=arg(name)):
        call()


def test_unknown_gate_message_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"\['and', 'or', 'xor', 'nand'\].*'nor'"):
        perc.train_perceptron("nor")


def test_lessons_lib_namespace_still_imports():
    assert ll.data.logic_gate("and")[1].tolist() == [0, 0, 0, 1]


@pytest.mark.parametrize("lr", [0.01, 0.1, 1.0])
def test_claim_xor_ends_in_a_cycle_of_four_cancelling_corrections(lr):
    run = perc.train_perceptron("xor", lr=lr, epochs=1000)
    assert run.updates[-1] == 4                         # every row corrected in the last epoch
    np.testing.assert_array_equal(run.weights[-1], run.weights[-2])   # back where it started
    X, t = data.logic_gate("xor")
    Xb = perc.with_bias(X)
    signs = np.where(t == 1, 1.0, -1.0)                 # + for a missed 1, - for a false 1
    np.testing.assert_array_equal(signs @ Xb, np.zeros(3))
