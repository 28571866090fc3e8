"""Lesson 12 · Modern remedies: every number the lesson's text states, over several draws.

(The building blocks — erf, GELU, SiLU, Adam, RMSProp, LayerNorm, GradientMonitor —
are tested in test_modern_remedies.py; the panels in test_nb12_panels.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

import lessons_lib as ll
from lessons_lib.experiments import modern

SEEDS = range(5)


def _medians(optimizer: str, seed: int, depth: int = 10) -> np.ndarray:
    return np.median(modern.update_ratios(depth, optimizer=optimizer, seed=seed), axis=0)


def _span(medians: np.ndarray) -> float:
    return float(np.log10(medians.max() / medians.min()))


# -- 1 · adaptive optimizers ------------------------------------------------------------
def test_claim_sgd_spreads_the_update_ratios_over_3_4_to_4_6_decades_adam_keeps_them_level():
    spans = []
    for seed in SEEDS:
        sgd, adam = _medians("sgd", seed), _medians("adam", seed)
        spans.append(_span(sgd))
        assert sgd[0] < 1e-7                          # "a few 1e-8" at the input side
        assert sgd[-1] < 1e-3                         # "up to 1e-3" at the top
        assert np.all((adam > 2e-4) & (adam < 4e-3))  # every layer near 1e-3
    assert round(min(spans), 1) == 3.4 and round(max(spans), 1) == 4.6


def test_claim_momentum_is_sgds_shape_9_to_27_times_larger_rmsprop_level_9_to_25_adams():
    for seed in SEEDS:
        sgd, momentum = _medians("sgd", seed), _medians("momentum", seed)
        rmsprop, adam = _medians("rmsprop", seed), _medians("adam", seed)
        assert np.all((momentum / sgd > 8.5) & (momentum / sgd < 28))
        assert _span(rmsprop) < 1.0
        assert 8.5 < np.median(rmsprop) / np.median(adam) < 25


def test_claim_the_first_layers_gradient_crosses_eps_between_depth_11_and_13():
    floor = modern.eps_floor(depths=tuple(range(4, 21)))
    by_depth = dict(zip(floor.depths.tolist(), range(len(floor.depths)), strict=True))
    rms, rel = floor.grad_rms, floor.first_vs_fastest
    assert np.all(rms[by_depth[11]] > 1e-8) and np.all(rms[by_depth[13]] < 1e-8)
    for d in range(4, 12):                        # up to 11: more than half the fastest rate
        assert np.all(rel[by_depth[d]] > 0.5), d
    for d in range(16, 21):                       # from 16: below 2 %
        assert np.all(rel[by_depth[d]] < 0.02), d
    for d in range(18, 21):                       # from 18: below 0.2 %
        assert np.all(rel[by_depth[d]] < 0.002), d


def test_claim_under_the_eps_floor_the_20_layer_stack_stays_at_ln2_after_300_adam_steps():
    for seed in SEEDS:
        run = modern.update_ratio_run(20, optimizer="adam", steps=300, seed=seed)
        assert round(float(run.loss[-1]), 4) == round(np.log(2), 4)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_claim_a_dead_relu_unit_does_not_move_under_adam_either(name):
    X, y = ll.data.moons(128, noise=0.1, seed=0)
    X, T = ll.data.standardize(X), y[:, None].astype(float)
    for seed in SEEDS:
        model = ll.model.MLP([2, 16, 16, 1], "relu", init="he_normal", seed=seed)
        first = model.dense_layers[0]
        first.params["b"][:6] = -10.0
        assert np.all(X @ first.params["W"][:, :6] + first.params["b"][:6] < 0)   # dead
        before = first.params["W"].copy()
        opt = ll.optim.get(name)
        for _ in range(200):
            model.step(X, T, optimizer=opt, loss="binary_cross_entropy")
        moved = np.abs(first.params["W"] - before).max(axis=0)
        assert np.all(moved[:6] == 0.0)
        assert moved[6:].max() > 0.05


# -- 2 · LayerNorm ------------------------------------------------------------------------
def test_claim_batchnorms_output_depends_on_the_batch_layernorms_only_by_rounding():
    at2 = [modern.batch_dependence("batch", 2, seed=s) for s in SEEDS]
    at256 = [modern.batch_dependence("batch", 256, seed=s) for s in SEEDS]
    assert round(min(at2), 2) == 0.79 and round(max(at2), 2) == 0.93
    assert min(at256) >= 0.055 and max(at256) < 0.075             # 0.06-0.07
    for s in SEEDS:                                               # roughly 1/sqrt(batch)
        ratio = modern.batch_dependence("batch", 4, seed=s) / modern.batch_dependence(
            "batch", 64, seed=s)
        assert 3.0 < ratio < 6.0
        for b in (2, 4, 16, 64, 256):
            assert modern.batch_dependence("layer", b, seed=s) < 1e-15


NUDGES = (0.0, 1e-15, -1e-15)


def test_claim_layernorm_learns_with_batches_of_two_and_its_result_ignores_the_last_digits():
    ln2 = [modern.small_batch_run("layer", 2, seed=s).accuracy for s in SEEDS]
    assert round(min(ln2), 2) == 0.84 and round(max(ln2), 2) == 0.90
    for s in SEEDS:
        runs = {modern.small_batch_run("layer", 2, seed=s, nudge=n).accuracy for n in NUDGES}
        assert len(runs) == 1                              # not a digit moves
        assert modern.small_batch_run("layer", 32, seed=s).accuracy >= 0.98
        assert modern.small_batch_run("batch", 32, seed=s).accuracy >= 0.98


def test_claim_batchnorm_with_batches_of_two_depends_on_the_last_digits_and_stays_low():
    acc = np.array([[modern.small_batch_run("batch", 2, seed=s, nudge=n).accuracy
                     for n in NUDGES] for s in SEEDS])
    assert acc.max() - acc.min() > 0.25                    # "more than 25 points" (15 runs)
    assert acc.mean() < 0.70                               # well below LayerNorm's 84-90 %
    assert acc.max() < 0.9


def test_claim_pre_ln_post_ln_and_no_norm_at_10_and_50_blocks():
    for s in SEEDS:
        none = modern.norm_placement_profile("none", 50, seed=s)
        pre50, pre10 = (modern.norm_placement_profile("pre", n, seed=s) for n in (50, 10))
        post50, post10 = (modern.norm_placement_profile("post", n, seed=s) for n in (50, 10))
        assert none.stream_std[-1] > 1e10
        assert abs(post50.stream_std[-1] - 1.0) < 1e-3
        assert 5.5 < pre50.stream_std[-1] < 6.5                        # "about 6"
        ratio = {name: p.grad_norms[0] / p.grad_norms[-1]
                 for name, p in (("pre50", pre50), ("pre10", pre10), ("post50", post50),
                                 ("post10", post10))}
        assert 70 <= ratio["post50"] <= 140
        assert 2.25 <= ratio["post10"] <= 2.65
        assert 9 <= ratio["pre50"] <= 14
        assert 2.75 <= ratio["pre10"] <= 3.65


# -- 3 · GELU and SiLU ----------------------------------------------------------------------
@pytest.mark.parametrize("name, fmin, at, dmin, dmax", [
    ("gelu", -0.17, -0.75, -0.13, 1.13),
    ("silu", -0.28, -1.28, -0.10, 1.10),
])
def test_claim_gelu_and_silu_dip_below_zero_and_their_slopes(name, fmin, at, dmin, dmax):
    act = ll.activations.get(name)
    z = np.linspace(-6.0, 6.0, 1_200_001)
    f, d = act.forward(z), act.grad(z)
    assert round(float(f.min()), 2) == fmin and round(float(z[f.argmin()]), 2) == at
    assert round(float(d.min()), 2) == dmin and round(float(d.max()), 2) == dmax


# -- 4 · warm-up ----------------------------------------------------------------------------
def test_claim_without_warmup_adams_first_updates_throw_the_loss_up_a_warmup_prevents_it():
    peaks, starts = [], []
    for seed in range(8):
        cold = modern.warmup_run(0.03, 0, seed=seed).loss
        warm = modern.warmup_run(0.03, 20, seed=seed).loss
        peaks.append(float(cold[:12].max()))
        starts.append(float(cold[0]))
        assert int(np.argmax(cold[:12])) in (1, 2)        # within the first two updates
        assert warm[:12].max() < 1.6
        assert warm[0] == cold[0]                         # the same start
    assert round(min(peaks), 1) == 6.7 and round(max(peaks)) == 26
    assert min(starts) >= 0.55 and max(starts) <= 0.95    # 0.6-0.9
