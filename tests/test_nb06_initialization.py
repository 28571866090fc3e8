"""Notebook 06 (initialization): the variance recursion, the panel and every claim.

The recursion is checked three ways: against closed forms derived by hand
(linear and ReLU units), against Monte Carlo for the other activations, and
against the per-layer numbers measured on real deep stacks. Each
``test_claim_*`` asserts a sentence of notebooks/src/06_initialization.py.
"""

from __future__ import annotations

import math
import warnings

import ipywidgets as ipw
import matplotlib.pyplot as plt
import numpy as np
import panel_checks
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lessons_lib as ll
from lessons_lib import experiments
from lessons_lib.experiments.initialization import (
    INIT_PANEL_ACTIVATIONS,
    INIT_PANEL_INITS,
    count_distinct_units,
    gaussian_moments,
    init_profile,
    variance_recursion,
)
from lessons_lib.plots.initialization import InitPlot
from lessons_lib.widgets.initialization import INIT_LABELS, InitExplorer, init_explorer

DEPTH = 50


def _var_w(init, n, scale=1.0):
    return (ll.initializers.get(init).std(n, n) * scale) ** 2


# ---------------------------------------------------------------------------
# gaussian_moments
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("q", [0.01, 0.5, 1.0, 7.3, 1e4])
def test_moments_match_closed_forms_for_linear_relu_and_leaky_relu(q):
    lin = gaussian_moments("linear", q)
    assert lin["mean"] == pytest.approx(0.0, abs=1e-12 * math.sqrt(q))
    assert lin["second"] == pytest.approx(q, rel=1e-10)
    assert lin["slope2"] == pytest.approx(1.0, rel=1e-10)
    relu = gaussian_moments("relu", q)
    assert relu["mean"] == pytest.approx(math.sqrt(q / (2 * math.pi)), rel=1e-10)
    assert relu["second"] == pytest.approx(q / 2, rel=1e-10)
    assert relu["slope2"] == pytest.approx(0.5, rel=1e-10)
    a = 0.2
    leaky = gaussian_moments("leaky_relu", q, alpha=a)
    assert leaky["mean"] == pytest.approx((1 - a) * math.sqrt(q / (2 * math.pi)), rel=1e-10)
    assert leaky["second"] == pytest.approx(q * (1 + a * a) / 2, rel=1e-10)
    assert leaky["slope2"] == pytest.approx((1 + a * a) / 2, rel=1e-10)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "selu", "elu", "softplus"])
@pytest.mark.parametrize("q", [0.3, 2.0])
def test_moments_agree_with_monte_carlo(name, q):
    z = math.sqrt(q) * np.random.default_rng(3).standard_normal(400_000)
    fn = ll.activations.get(name)
    y, g = fn.forward(z), fn.grad(z)
    m = gaussian_moments(name, q)
    for key, sample in (("mean", y), ("second", y * y), ("slope2", g * g)):
        se = sample.std() / math.sqrt(sample.size)
        assert abs(m[key] - sample.mean()) < 5 * se + 1e-12, key


def test_slope_moment_uses_the_true_derivative():
    """E[f'(z)^2] from the analytic derivative equals the one from finite differences."""
    from lessons_lib.experiments import initialization as mod

    q, h = 1.7, 1e-6
    for name in ("tanh", "sigmoid", "selu", "softplus"):
        fn = ll.activations.get(name)
        z = math.sqrt(q) * mod._U
        numeric = (fn.forward(z + h) - fn.forward(z - h)) / (2 * h)
        expected = float(np.dot(mod._WEIGHTS, numeric * numeric))
        assert gaussian_moments(name, q)["slope2"] == pytest.approx(expected, rel=1e-6)
        assert ll.gradcheck.rel_error(fn.grad(z), numeric) < 1e-6


def test_claim_selu_maps_standard_normal_to_mean_0_variance_1():
    m = gaussian_moments("selu", 1.0)
    assert m["mean"] == pytest.approx(0.0, abs=1e-6)
    assert m["second"] == pytest.approx(1.0, abs=1e-6)
    assert f"{round(m['mean'], 4) + 0.0:.4f}" == "0.0000" and f"{m['second']:.4f}" == "1.0000"


def test_moments_limits_never_nan():
    assert gaussian_moments("tanh", 0.0) == {"mean": 0.0, "second": 0.0, "slope2": 1.0}
    s = gaussian_moments("sigmoid", 0.0)
    assert s["mean"] == 0.5 and s["slope2"] == 0.0625
    big = gaussian_moments("relu", math.inf)
    assert big["second"] == math.inf and big["slope2"] == pytest.approx(0.5)
    assert gaussian_moments("sigmoid", math.inf)["mean"] == pytest.approx(0.5)


def test_moments_reject_bad_inputs():
    with pytest.raises(ValueError, match="var must be >= 0"):
        gaussian_moments("relu", -1.0)
    with pytest.raises(TypeError, match="var must be a real number"):
        gaussian_moments("relu", "1")
    with pytest.raises(ValueError, match=r"activation must be .*got 'softmax'"):
        gaussian_moments("softmax", 1.0)
    with pytest.raises(ValueError, match="activation must be .*got 'rrelu'"):
        gaussian_moments("rrelu", 1.0)
    with pytest.raises(ValueError, match="activation must be one of"):
        gaussian_moments("relux", 1.0)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        gaussian_moments("elu", 1.0, alpha=-0.5)


# ---------------------------------------------------------------------------
# variance_recursion: closed forms, properties, bad inputs
# ---------------------------------------------------------------------------

def test_recursion_linear_is_a_geometric_sequence():
    n, scale, mu, sd, L = 64, 1.3, 0.5, 2.0, 12
    r = variance_recursion(L, width=n, activation="linear", init="lecun_normal",
                           weight_scale=scale, input_mean=mu, input_std=sd)
    g = n * _var_w("lecun_normal", n, scale)             # n Var(W) = scale^2
    assert g == pytest.approx(scale**2)
    layers = np.arange(1, L + 1)
    np.testing.assert_allclose(r["net_var"], g**layers * (mu**2 + sd**2), rtol=1e-10)
    np.testing.assert_allclose(r["std"], np.sqrt(r["net_var"]), rtol=1e-10)
    np.testing.assert_allclose(r["grad_factor"], g, rtol=1e-10)
    np.testing.assert_allclose(r["delta"], g ** ((L - layers) / 2), rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(width=st.integers(2, 512), scale=st.floats(0.3, 3.0),
       init=st.sampled_from(["he_normal", "glorot_uniform", "fan_in_uniform", "uniform"]))
def test_recursion_relu_halves_the_variance_factor(width, scale, init):
    L = 8
    r = variance_recursion(L, width=width, activation="relu", init=init, weight_scale=scale)
    g = width * _var_w(init, width, scale)
    q = r["net_var"]
    assert q[0] == pytest.approx(g, rel=1e-10)            # E[x^2] = 1
    np.testing.assert_allclose(q[1:] / q[:-1], g / 2, rtol=1e-9)
    np.testing.assert_allclose(r["mean"], np.sqrt(q / (2 * np.pi)), rtol=1e-9)
    np.testing.assert_allclose(r["std"], np.sqrt(q * (0.5 - 1 / (2 * np.pi))), rtol=1e-9)
    np.testing.assert_allclose(r["grad_factor"], g / 2, rtol=1e-9)


def test_recursion_he_relu_is_flat():
    r = variance_recursion(DEPTH, activation="relu", init="he_normal")
    np.testing.assert_allclose(r["net_var"], 2.0, rtol=1e-9)   # n * 2/n * E[x^2]
    np.testing.assert_allclose(r["delta"], 1.0, rtol=1e-9)


def test_recursion_overflow_and_zero_weights_give_no_nan():
    r = variance_recursion(500, activation="relu", init="he_normal", weight_scale=10.0)
    for arr in r.values():
        assert not np.any(np.isnan(arr))
    assert np.isinf(r["std"][-1])
    z = variance_recursion(5, activation="tanh", init="zeros")
    np.testing.assert_array_equal(z["std"], 0.0)
    np.testing.assert_array_equal(z["delta"], [0, 0, 0, 0, 1])


def test_recursion_results_are_read_only_and_cached():
    a = variance_recursion(10, activation="tanh", init="glorot_uniform")
    b = variance_recursion(10, activation="tanh", init="glorot_uniform", alpha=0.3)  # ignored
    assert a is b
    with pytest.raises(ValueError, match="read-only"):
        a["std"][0] = 1.0


def test_recursion_rejects_bad_inputs():
    with pytest.raises(ValueError, match="depth must be >= 1"):
        variance_recursion(0)
    with pytest.raises(ValueError, match="width must be <= 1024"):
        variance_recursion(3, width=2000)
    with pytest.raises(ValueError, match="init must be one of"):
        variance_recursion(3, init="bogus")
    with pytest.raises(ValueError, match="weight_scale must be > 0"):
        variance_recursion(3, weight_scale=0.0)
    with pytest.raises(ValueError, match="input_std must be > 0"):
        variance_recursion(3, input_std=0.0)
    with pytest.raises(TypeError, match="input_mean must be a real number"):
        variance_recursion(3, input_mean="0")
    with pytest.raises(ValueError, match="activation must be"):
        variance_recursion(3, activation="softmax")


# ---------------------------------------------------------------------------
# variance_recursion against measured deep stacks
# ---------------------------------------------------------------------------

WIDE = dict(width=256, batch=64)
CONFIGS = [("relu", "he_normal"), ("relu", "glorot_uniform"), ("tanh", "glorot_uniform"),
           ("tanh", "uniform"), ("sigmoid", "glorot_uniform"), ("selu", "lecun_normal"),
           ("linear", "lecun_normal")]


@pytest.mark.parametrize(("activation", "init"), CONFIGS)
def test_recursion_predicts_measured_activation_std(activation, init):
    L = 20
    measured = experiments.activation_profile(L, activation=activation, init=init, **WIDE)
    theory = variance_recursion(L, width=256, activation=activation, init=init)
    deviation = np.abs(np.log(measured["std"] / theory["std"]))
    assert deviation.max() < math.log(1.6)         # within 60 % at every layer, 20 deep
    assert deviation[0] < math.log(1.05)           # and within 5 % at the first layer


@pytest.mark.parametrize(("activation", "init"), [("relu", "glorot_uniform"), ("tanh", "uniform"),
                                                  ("sigmoid", "glorot_uniform"),
                                                  ("linear", "fan_in_uniform")])
def test_recursion_predicts_the_rate_at_which_delta_vanishes(activation, init):
    L = 20
    measured = experiments.gradient_profile(L, activation=activation, init=init, **WIDE)
    theory = variance_recursion(L, width=256, activation=activation, init=init)["delta"]
    rate_measured = math.log(measured[0] / measured[-1]) / (L - 1)
    rate_theory = math.log(theory[0]) / (L - 1)
    assert rate_measured == pytest.approx(rate_theory, rel=0.05)


# ---------------------------------------------------------------------------
# init_profile and count_distinct_units
# ---------------------------------------------------------------------------

def test_init_profile_puts_measured_and_theory_side_by_side():
    r = init_profile(12, init="glorot_uniform", activation="tanh", seed=1)
    assert set(r) == {"layer", "std", "std_theory", "delta", "delta_theory", "grad_factor"}
    for key in ("std", "std_theory", "delta", "delta_theory", "grad_factor"):
        assert r[key].shape == (12,)
    np.testing.assert_array_equal(r["layer"], np.arange(1, 13))
    kw = dict(activation="tanh", init="glorot_uniform", batch=256, seed=1)
    np.testing.assert_array_equal(r["std"], experiments.activation_profile(12, **kw)["std"])
    np.testing.assert_array_equal(r["delta"], experiments.gradient_profile(12, **kw))
    assert r["delta_theory"][-1] == pytest.approx(r["delta"][-1])


def test_init_profile_without_a_last_signal_has_no_delta_theory():
    r = init_profile(4, init="zeros", activation="relu")   # relu'(0) = 0: delta^L = 0
    assert r["delta"][-1] == 0.0 and r["delta_theory"] is None


def test_init_profile_rejects_bad_inputs():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        init_profile(3, seed=-1)
    with pytest.raises(ValueError, match="batch must be >= 1"):
        init_profile(3, batch=0)
    with pytest.raises(ValueError, match="init must be one of"):
        init_profile(3, init="he")


def test_count_distinct_units():
    W = np.repeat(np.array([[1.0], [2.0]]), 4, axis=1)
    assert count_distinct_units(W) == 1
    W2 = W.copy()
    W2[0, 1] += 1e-13                               # one ulp-ish apart: still the same unit
    assert count_distinct_units(W2) == 1
    W2[0, 2] += 0.5
    assert count_distinct_units(W2) == 2
    assert count_distinct_units(np.random.default_rng(0).standard_normal((3, 7))) == 7
    assert count_distinct_units(np.zeros((2, 5))) == 1
    with pytest.raises(ValueError, match="W must be 2-D"):
        count_distinct_units(np.ones(3))
    with pytest.raises(ValueError, match="rtol must be < 1.0"):
        count_distinct_units(W, rtol=1.0)


# ---------------------------------------------------------------------------
# Claims of the notebook
# ---------------------------------------------------------------------------

def test_claim_products_of_thirty_factors():
    assert f"{0.8 ** 30:.0e}" == "1e-03"
    assert math.floor(math.log10(1.2 ** 30)) == 2


@pytest.fixture(scope="module")
def symmetry_nets():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 2))
    T = (X[:, :1] * X[:, 1:] > 0).astype(float)
    nets, start = {}, {}
    for init in ("zeros", "constant", "glorot_uniform"):
        net = ll.MLP([2, 6, 5, 1], activation="tanh", init=init, seed=3)
        start[init] = {k: v.copy() for k, v in net.parameters().items()}
        ll.training.train(net, X, T, lr=0.5, steps=100)
        nets[init] = net
    return X, T, nets, start


def test_claim_symmetric_starts_keep_identical_units(symmetry_nets):
    X, T, nets, start = symmetry_nets
    for init in ("zeros", "constant"):
        p = nets[init].parameters()
        assert count_distinct_units(p["dense0.W"]) == 1
        assert count_distinct_units(p["dense1.W"]) == 1
        assert ll.training.accuracy(nets[init], X, T[:, 0]) < 0.6      # "near chance"
    p = nets["glorot_uniform"].parameters()
    assert count_distinct_units(p["dense0.W"]) == 6
    assert count_distinct_units(p["dense1.W"]) == 5
    assert ll.training.accuracy(nets["glorot_uniform"], X, T[:, 0]) > 0.9
    # the constant start moved; the zero start's hidden weights never did
    assert not np.allclose(nets["constant"].parameters()["dense0.W"], start["constant"]["dense0.W"])
    for key in ("dense0.W", "dense1.W", "dense2.W"):
        np.testing.assert_array_equal(nets["zeros"].parameters()[key], 0.0)


def test_claim_recipe_table():
    n_in, n_out = 256, 128
    get = ll.initializers.get
    assert f"{0.05 / math.sqrt(3):.3f}" == "0.029"
    assert get("uniform").std(n_in, n_out) == pytest.approx(0.05 / math.sqrt(3))
    assert get("fan_in_uniform").std(n_in, n_out) == pytest.approx(1 / math.sqrt(3 * n_in))
    assert get("glorot_uniform").std(n_in, n_out) == pytest.approx(math.sqrt(2 / (n_in + n_out)))
    assert get("glorot_normal").std(n_in, n_out) == pytest.approx(math.sqrt(2 / (n_in + n_out)))
    assert get("he_normal").std(n_in, n_out) == pytest.approx(math.sqrt(2 / n_in))
    assert get("lecun_normal").std(n_in, n_out) == pytest.approx(math.sqrt(1 / n_in))
    he_avg = ll.initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform")
    assert he_avg.std(n_in, n_out) == pytest.approx(math.sqrt(2 / ((n_in + n_out) / 2)))
    assert he_avg.factor(n_in, n_out) == pytest.approx(math.sqrt(3 * 2 / ((n_in + n_out) / 2)))
    forward = {k: n_in * get(k).std(n_in, n_out) ** 2 for k in ("uniform", "fan_in_uniform",
                                                               "lecun_normal", "he_normal")}
    assert f"{forward['uniform']:.2f}" == "0.21"
    assert forward["fan_in_uniform"] == pytest.approx(1 / 3)
    assert forward["lecun_normal"] == pytest.approx(1.0)
    assert forward["he_normal"] == pytest.approx(2.0)
    rng = np.random.default_rng(0)
    for name in ("uniform", "fan_in_uniform", "glorot_uniform", "glorot_normal", "he_normal",
                 "he_uniform", "lecun_normal"):
        init = get(name)
        assert init(n_in, n_out, rng).std() == pytest.approx(init.std(n_in, n_out), rel=0.03)


def test_claim_truncated_normal_std_is_0_8796():
    draw = ll.initializers.truncated_normal(np.random.default_rng(5), (2_000_000,))
    assert np.abs(draw).max() <= 2.0
    assert draw.std() == pytest.approx(0.8796, abs=2e-3)


def test_claim_relu_factor_per_layer_for_each_init():
    n = 64
    for init, want in (("he_normal", 1.0), ("glorot_uniform", 0.71), ("fan_in_uniform", 0.41),
                       ("uniform", 0.16)):
        assert math.sqrt(0.5 * n * _var_w(init, n)) == pytest.approx(want, abs=0.005)
        std = variance_recursion(DEPTH, width=n, activation="relu", init=init)["std"]
        assert std[1] / std[0] == pytest.approx(math.sqrt(0.5 * n * _var_w(init, n)))


def test_claim_measured_relu_stacks_follow_the_theory_across_forty_decades():
    for init in ("glorot_uniform", "fan_in_uniform", "uniform"):
        r = init_profile(DEPTH, init=init, activation="relu")
        assert np.all(np.abs(np.log(r["std"] / r["std_theory"])) < math.log(5))
    r = init_profile(DEPTH, init="uniform", activation="relu")
    assert r["std_theory"][-1] < 1e-39 and r["std"][0] > 0.1


def test_claim_he_relu_draws_wander_around_the_flat_line():
    ratios = []
    for seed in range(5):                          # the panel's five weight draws
        r = init_profile(DEPTH, init="he_normal", activation="relu", seed=seed)
        ratios.append(r["std"] / r["std_theory"])
    assert np.all(np.abs(np.log(ratios[0])) < math.log(2))      # first draw: within 2x
    last = [q[-1] for q in ratios]
    assert 0.05 < min(last) < 0.15                               # "ten times too low"
    for seed in range(5):                                        # 256-unit layers: within 2x
        r = init_profile(DEPTH, init="he_normal", activation="relu", seed=seed, width=256,
                         batch=32)
        assert np.all(np.abs(np.log(r["std"] / r["std_theory"])) < math.log(2))


def test_claim_panel_try_these():
    he = init_profile(DEPTH, init="he_normal", activation="relu")
    assert he["std_theory"][0] == pytest.approx(math.sqrt(2 * (0.5 - 1 / (2 * math.pi))))
    assert f"{he['std_theory'][0]:.2f}" == "0.83"
    assert round(he["delta"][0] / he["delta"][-1]) == 4
    for init, exponent in (("glorot_uniform", -8), ("fan_in_uniform", -20), ("uniform", -40)):
        r = init_profile(DEPTH, init=init, activation="relu")
        assert round(math.log10(r["std"][-1])) == exponent
    for init in INIT_PANEL_INITS:                  # sigmoid: no recipe in the list keeps it
        r = init_profile(DEPTH, init=init, activation="sigmoid")
        assert r["delta"][0] / r["delta"][-1] < 1e-20
        assert r["std"].min() > 0.01               # ... though the activations are fine
    r = init_profile(DEPTH, init="he_normal", activation="sigmoid")
    assert r["delta"][0] / r["delta"][-1] < 1e-24
    assert f"{gaussian_moments('selu', 1.0)['slope2']:.2f}" == "1.07"
    he_std = []
    for seed in range(5):                          # every weight draw of the panel
        selu = init_profile(DEPTH, init="lecun_normal", activation="selu", seed=seed)
        assert np.all(np.abs(selu["std"] - 1) < 0.16)
        assert round(selu["delta_theory"][0] / selu["delta_theory"][-1]) == 5   # "5-fold"
        assert 7.5 < selu["delta"][0] / selu["delta"][-1] < 10.5      # "8- to 10-fold"
        he_std.append(init_profile(DEPTH, init="he_normal", activation="selu",
                                   seed=seed)["std"][-1])
    assert round(he_std[0]) == 25 and 9.5 < min(he_std) and max(he_std) < 45.5   # "10-45"


@pytest.fixture(scope="module")
def selu_runs():
    kw = dict(activation="selu", init="lecun_normal", width=128, batch=128)
    changes = {"ok": {}, "he": {"init": "he_normal"}, "residual": {"residual": True},
               "inputs": {"input_mean": 2.0, "input_std": 3.0}}
    return {k: experiments.activation_profile(DEPTH, **{**kw, **c}) for k, c in changes.items()}


def test_claim_selu_self_normalizes_under_its_three_conditions(selu_runs):
    ok = selu_runs["ok"]
    assert np.all(np.abs(ok["mean"]) < 0.1)
    assert np.all(np.abs(ok["std"] - 1) < 0.1)


def test_claim_selu_needs_the_variance_not_the_normal_shape():
    run = experiments.activation_profile(DEPTH, activation="selu", init="glorot_uniform",
                                         width=128, batch=128)
    assert np.all(np.abs(run["mean"]) < 0.1)
    assert np.all(np.abs(run["std"] - 1) < 0.1)


def test_claim_selu_drifts_for_good_with_he_weights_or_shortcuts(selu_runs):
    he = selu_runs["he"]["std"]
    assert round(he[-1]) == 34                     # "about 34 at layer 50"
    theory = init_profile(DEPTH, init="he_normal", activation="selu")["std_theory"]
    assert round(theory[-1]) == 34                 # "the recursion also predicts 34"
    assert he[0] < he[9] < he[19] < he[29] < he[39] < he[49]
    res = selu_runs["residual"]
    assert round(math.log10(res["std"][-1])) == 8  # "about 10^8"
    assert round(math.log10(res["mean"][-1])) == 8
    kw = dict(activation="selu", width=128, batch=128)
    for seed in range(5):
        ok = experiments.activation_profile(DEPTH, init="lecun_normal", seed=seed, **kw)
        assert np.all(np.abs(ok["mean"]) < 0.1) and np.all(np.abs(ok["std"] - 1) < 0.1)
        std = experiments.activation_profile(DEPTH, init="he_normal", seed=seed, **kw)["std"]
        assert 28.5 < std[-1] < 44.5               # "29 to 44 over five weight draws"
        inputs = experiments.activation_profile(DEPTH, init="lecun_normal", seed=seed,
                                                input_mean=2.0, input_std=3.0, **kw)
        assert 2.5 < inputs["std"][0] < 3.0        # "about 2.8"
        assert np.all(np.abs(inputs["mean"][19:]) < 0.12)
        assert np.all(np.abs(inputs["std"][19:] - 1) < 0.1)


def _shortcut_recursion(depth, with_means=True):
    m, v, out = 0.0, 1.0, []
    for _ in range(depth):
        b = gaussian_moments("selu", m * m + v if with_means else v)
        m, v = (m + b["mean"]) if with_means else 0.0, v + b["second"] - b["mean"] ** 2
        out.append((m, math.sqrt(v)))
    return np.array(out)


def test_claim_selu_shortcuts_blow_up_through_the_mean():
    rec = _shortcut_recursion(DEPTH)
    only_var = _shortcut_recursion(DEPTH, with_means=False)
    assert f"{only_var[-1, 1]:.2g}" == "7.9e+03"   # "only about 8e3 by layer 50"
    assert rec[-1, 0] > rec[-1, 1]                 # the mean ends larger than the std
    shown = np.array([1, 2, 5, 10, 20, 50]) - 1
    kw = dict(activation="selu", init="lecun_normal", width=128, batch=128, residual=True)
    for seed in range(5):
        run = experiments.activation_profile(DEPTH, seed=seed, **kw)
        # "within a factor of 1.5 at every layer shown" (the mean from layer 2 on; at
        # layer 1 both are 0 up to sampling noise)
        factor = 1.5 if seed == 0 else 2.0        # the printed draw; "within 2" for others
        assert np.all(np.abs(np.log(run["std"][shown] / rec[shown, 1])) < math.log(factor))
        assert np.all(np.abs(np.log(run["mean"][shown[1:]] / rec[shown[1:], 0]))
                      < math.log(factor))
        assert abs(run["mean"][0]) < 0.05
        if seed == 0:
            assert f"{run['mean'][0]:.2g}" == "-0.013"   # "the measured -0.013"
        assert run["mean"][-1] > run["std"][-1]    # the mean leads
        assert round(math.log10(run["std"][-1])) == 8


def test_claim_he_rule_for_leaky_relu_and_the_0_83_of_relu():
    for a in (0.01, 0.2, 0.5):
        n = 64
        scale = math.sqrt(1 / (1 + a * a))         # He's 2/n times 1/(1 + a^2)
        r = variance_recursion(20, width=n, activation="leaky_relu", alpha=a,
                               init="he_normal", weight_scale=scale)
        np.testing.assert_allclose(r["net_var"], 2.0 / (1 + a * a), rtol=1e-9)   # constant
        np.testing.assert_allclose(r["delta"], 1.0, rtol=1e-9)
    # relu(z), z ~ N(0, 2): E[y] = 1/sqrt(pi), E[y^2] = 1, std sqrt(1 - 1/pi) = 0.83
    m = gaussian_moments("relu", 2.0)
    assert m["mean"] == pytest.approx(1 / math.sqrt(math.pi))
    assert m["second"] == pytest.approx(1.0)
    assert f"{math.sqrt(1 - 1 / math.pi):.2f}" == "0.83"
    assert math.sqrt(1 - 1 / math.pi) == pytest.approx(math.sqrt(2 * (0.5 - 1 / (2 * math.pi))))


def test_claim_logistic_sigmoid_needs_larger_weights():
    # slope 1/4 at 0: n Var(W) (1/4)^2 = 1 needs 16x Glorot's variance on square layers
    assert ll.activations.get("sigmoid").grad(np.zeros(1))[0] == 0.25
    assert gaussian_moments("sigmoid", 1e-12)["slope2"] == pytest.approx(1 / 16)
    printed = {1.0: ("3e-19", "8e-19", "6e-19", "0.5"),
               10 ** 0.3: ("3e-12", "7e-12", "6e-12", "1.1"),
               10 ** 0.6: ("8e-07", "2e-06", "1e-06", "2.4"),
               10 ** 0.9: ("0.01", "0.03", "0.03", "5.2")}
    for scale, (lo, hi, est, std) in printed.items():
        ratios = [d[0] / d[-1] for d in
                  (experiments.gradient_profile(30, activation="sigmoid", weight_scale=scale,
                                                batch=256, seed=seed) for seed in range(5))]
        theory = variance_recursion(30, activation="sigmoid", init="glorot_uniform",
                                    weight_scale=scale)
        assert (f"{min(ratios):.1g}", f"{max(ratios):.1g}") == (lo, hi)
        assert f"{theory['delta'][0]:.1g}" == est
        assert f"{math.sqrt(theory['net_var'][-1]):.1f}" == std
    # "about 40 % with sigma' below 5 % of its maximum" at weight scale 7.94
    theory = variance_recursion(30, activation="sigmoid", init="glorot_uniform",
                                weight_scale=10 ** 0.9)
    z = math.sqrt(theory["net_var"][-1]) * np.random.default_rng(0).standard_normal(200_000)
    slope = ll.activations.get("sigmoid").grad(z)
    assert 0.35 < np.mean(slope < 0.05 * 0.25) < 0.45
    # "the estimate's factor per layer reaches 1 only near a weight scale of 10"
    factor = {s: math.sqrt(variance_recursion(60, activation="sigmoid", init="glorot_uniform",
                                              weight_scale=s)["grad_factor"][-1])
              for s in (10 ** 0.9, 10.0, 11.0)}
    assert factor[10 ** 0.9] < 0.95 and 0.97 < factor[10.0] < 1.0 < factor[11.0]


def test_claim_unstandardized_inputs_start_off_and_are_pulled_back(selu_runs):
    run = selu_runs["inputs"]
    assert f"{run['std'][0]:.1f}" == "2.8"
    assert np.all(np.abs(run["mean"][19:]) < 0.1)  # "after about 20 layers"
    assert np.all(np.abs(run["std"][19:] - 1) < 0.1)
    theory = variance_recursion(DEPTH, width=128, activation="selu", init="lecun_normal",
                                input_mean=2.0, input_std=3.0)
    assert theory["std"][0] > 2 and abs(theory["std"][-1] - 1) < 1e-3   # the fixed point attracts


def test_claim_pytorch_default_is_the_fan_in_uniform():
    # nn.Linear: kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound sqrt(3) gain / sqrt(n)
    n = 100
    bound = math.sqrt(3) * math.sqrt(2 / (1 + 5)) / math.sqrt(n)
    assert bound == pytest.approx(1 / math.sqrt(n))
    assert ll.initializers.get("fan_in_uniform").factor(n, 7) == pytest.approx(bound)


def test_exercise_solution_of_the_notebook_passes_and_a_wrong_one_fails():
    def solution(scale, mode, n_in, n_out):
        n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]
        return (scale / n) ** 0.5

    assert ll.exercises.check_variance_scaling_std(solution).passed
    wrong = ll.exercises.check_variance_scaling_std(lambda s, m, a, b: (s / a) ** 0.5)
    assert not wrong.passed and "Hint" in wrong.message


# ---------------------------------------------------------------------------
# Drawing and the panel
# ---------------------------------------------------------------------------



def _ydata(panel):
    return {f"{side}.{label}": np.asarray(line.get_ydata(), dtype=float).copy()
            for side, plot in (("std", panel.plot.std_plot), ("delta", panel.plot.delta_plot))
            for label, line in plot.lines.items()}


_changed = panel_checks.changed


MOVES = ([("init", k) for k in INIT_PANEL_INITS if k != "he_normal"] + [("init", "he_normal")]
         + [("activation", a) for a in INIT_PANEL_ACTIVATIONS if a != "relu"]
         + [("activation", "relu"), ("depth", 50), ("depth", 1), ("depth", 30),
            ("seed", 4), ("seed", 1), ("seed", 0)])


def test_panel_has_the_promised_controls(backend):
    panel = init_explorer()
    try:
        assert [c.description for c in panel.controls.values()] == [
            "init", "activation", "depth", "weight draw"]
        assert [v for _, v in panel.controls["init"].options] == list(INIT_PANEL_INITS)
        assert dict(panel.controls["init"].options) == {v: k for k, v in INIT_LABELS.items()}
        assert panel.controls["depth"].max == 50
        assert panel.live is (backend == "ipympl")
        assert isinstance(panel.widget, ipw.VBox)
        assert (panel.figure.canvas in panel.widget.children) is (backend == "ipympl")
        w, h = panel.figure.get_size_inches() * panel.figure.dpi
        assert w <= 700 and h <= 350
        assert panel.figure.get_layout_engine() is None
    finally:
        panel.close()


def test_every_panel_control_replots_in_place(backend):
    panel = init_explorer()
    figures = plt.get_fignums()
    lines = {**panel.plot.std_plot.lines, **{"d" + k: v for k, v in
                                             panel.plot.delta_plot.lines.items()}}
    try:
        for name, value in MOVES:
            before = _ydata(panel)
            updates = panel.n_updates
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                panel.controls[name].value = value
            assert panel.last_error is None, panel.last_error
            assert panel.n_updates == updates + 1, (name, value)
            assert _changed(before, _ydata(panel)), f"moving {name} to {value} changed nothing"
            assert plt.get_fignums() == figures, "a control change created a figure"
            now = {**panel.plot.std_plot.lines, **{"d" + k: v for k, v in
                                                   panel.plot.delta_plot.lines.items()}}
            assert now == lines, "artists were replaced instead of updated"
    finally:
        panel.close()


def test_panel_plots_what_init_profile_computes(backend):
    panel = init_explorer(init="glorot_uniform", activation="tanh", depth=20, seed=2)
    try:
        r = init_profile(20, init="glorot_uniform", activation="tanh", seed=2)
        std_line = panel.plot.std_plot.lines["measured"]
        np.testing.assert_array_equal(std_line.get_xdata(), np.arange(1, 21))
        np.testing.assert_allclose(std_line.get_ydata(), r["std"])
        np.testing.assert_allclose(panel.plot.std_plot.lines["theory"].get_ydata(),
                                   r["std_theory"])
        np.testing.assert_allclose(panel.plot.delta_plot.lines["theory"].get_ydata(),
                                   r["delta_theory"])
        text = panel.readout.value
        assert "layer 1 → 20" in text and "‖δ‖ first ÷ last" in text
        assert f"{r['delta'][0] / r['delta'][-1]:.3g}" in text
        assert "theory" in text and "dashed" in text
    finally:
        panel.close()


def test_panel_extremes_draw_without_errors_or_nan_notes(backend):
    panel = init_explorer()
    c = panel.controls
    settings_ = [(depth, init, "relu") for depth in (c["depth"].min, c["depth"].max)
                 for init in (INIT_PANEL_INITS[0], INIT_PANEL_INITS[-1])]
    settings_ += [(c["depth"].max, "he_normal", act) for act in INIT_PANEL_ACTIVATIONS]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for depth, init, act in settings_:
                c["depth"].value = depth
                c["init"].value = init
                c["activation"].value = act
                assert panel.last_error is None, (depth, init, act, panel.last_error)
                for half in (panel.plot.std_plot, panel.plot.delta_plot):
                    assert "NaN" not in half.note.get_text()
            c["seed"].value = c["seed"].max
            c["seed"].value = c["seed"].min
        assert panel.last_error is None
        assert "layer 1 → 50" in panel.readout.value
        c["depth"].value = 1
        assert "first ÷ last" not in panel.readout.value   # one layer: no ratio
        assert panel.last_error is None
    finally:
        panel.close()


def test_panel_rejects_bad_arguments():
    with pytest.raises(ValueError, match="init must be one of"):
        init_explorer(init="zeros")
    with pytest.raises(ValueError, match="activation must be one of"):
        init_explorer(activation="softplus")
    with pytest.raises(ValueError, match="depth must be <= 50"):
        init_explorer(depth=60)
    with pytest.raises(ValueError, match="seed must be <= 4"):
        init_explorer(seed=5)
    with pytest.raises(TypeError, match="depth must be an integer"):
        init_explorer(depth=2.0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        InitExplorer(weight_scale=2.0)


def test_init_plot_updates_and_validates(backend):
    plot = InitPlot(legend=True)
    r = init_profile(10, init="uniform", activation="tanh")
    plot.update(r)
    assert plot.note_text() == ""
    np.testing.assert_allclose(plot.delta_plot.lines["measured"].get_ydata(), r["delta"])
    lo, hi = plot.std_plot.ax.get_ylim()
    assert hi / lo >= 99                           # at least two decades on a log axis
    flat = init_profile(10, init="he_normal", activation="relu")
    plot.update(flat)
    lo, hi = plot.std_plot.ax.get_ylim()
    assert hi / lo >= 99 and math.log10(lo) == round(math.log10(lo))   # whole decades
    assert "measured" in plot.legend_html() and "dashed" in plot.legend_html()
    with pytest.raises(TypeError, match="result must be the dict"):
        plot.update([1, 2])
    with pytest.raises(ValueError, match="missing the keys"):
        plot.update({"layer": r["layer"]})
    with pytest.raises(TypeError, match="legend must be True or False"):
        InitPlot(legend="yes")
    assert len(plot.fig.axes) == 2 and plot.fig.get_layout_engine() is None


def test_init_plot_hides_delta_theory_when_there_is_none(backend):
    plot = InitPlot()
    r = init_profile(4, init="zeros", activation="relu")
    plot.update(r)
    assert not plot.delta_plot.lines["theory"].get_visible()
    assert "Underflow" in plot.note_text()         # zero signals cannot go on a log axis


def test_claim_symmetry_experiment_holds_for_five_weight_draws():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((40, 2))
    T = (X[:, :1] * X[:, 1:] > 0).astype(float)
    for seed in range(5):
        for init in ("zeros", "constant", "glorot_uniform"):
            net = ll.MLP([2, 6, 5, 1], activation="tanh", init=init, seed=seed)
            ll.training.train(net, X, T, lr=0.5, steps=100)
            p = net.parameters()
            units = (count_distinct_units(p["dense0.W"]), count_distinct_units(p["dense1.W"]))
            acc = ll.training.accuracy(net, X, T[:, 0])
            if init == "glorot_uniform":
                assert units == (6, 5) and acc > 0.9          # the random start learns
            else:
                assert units == (1, 1) and acc < 0.6          # stuck near chance
