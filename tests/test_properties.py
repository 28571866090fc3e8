"""Property-based tests: invariants that must hold for every input, not just a few.

Hypothesis runs derandomized (a fixed seed per test) and every Monte Carlo
draw inside a test uses ``numpy.random.default_rng(seed)``, so the suite is
reproducible. Statistical tolerances are stated next to each check as a
multiple of the sampling standard error.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from lessons_lib import activations, initializers, layers, losses, optim

PROPS = settings(max_examples=60, deadline=None, derandomize=True, database=None)

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
MODERATE = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, width=64)
# Entries of a gradient: exactly zero or of a size whose square does not underflow.
GRAD_ENTRY = st.one_of(st.just(0.0), st.floats(1e-6, 1e3), st.floats(-1e3, -1e-6))
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def moderate_arrays(max_dims: int = 2, max_side: int = 8):
    return arrays(np.float64, array_shapes(min_dims=1, max_dims=max_dims, max_side=max_side),
                  elements=MODERATE)


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

@PROPS
@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=10), elements=FINITE))
@example(np.array([1e300, -1e300, 0.0, 710.0, -710.0, -745.2, 1.7976931348623157e308]))
def test_sigmoid_stays_in_unit_interval_without_warnings(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid(z)
        s_obj = activations.Sigmoid().forward(z)
    assert s.shape == z.shape
    assert np.all(np.isfinite(s))
    assert np.all((s >= 0.0) & (s <= 1.0))
    np.testing.assert_array_equal(s, s_obj)
    # Monotone: the order of the inputs is kept (ties allowed after rounding).
    order = np.argsort(z, axis=None, kind="stable")
    assert np.all(np.diff(s.ravel()[order]) >= 0.0)


def _activation(name: str) -> activations.Activation:
    return activations.get(name, seed=0) if name == "rrelu" else activations.get(name)


@pytest.mark.parametrize("name", activations.NAMES)
@PROPS
@given(z=moderate_arrays())
def test_every_activation_is_finite_and_warning_free(name, z):
    act = _activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for training in (False, True):
            y = act.forward(z, training=training)
            g = act.grad(z, training=training)
            assert y.shape == z.shape and g.shape == z.shape
            assert np.all(np.isfinite(y)), (name, training)
            assert np.all(np.isfinite(g)), (name, training)
            # |f'| never exceeds the documented bound used in notebook 05.
            assert np.all(np.abs(g) <= act.max_grad * (1 + 1e-12)), (name, training)


@PROPS
@given(z=moderate_arrays())
@example(z=np.array([0.0, 1e-300, -1e-300, 1e3, -1e3]))
def test_tanh_equals_rescaled_sigmoid(z):
    # tanh(z) = (1 - e^{-2z}) / (1 + e^{-2z}) = 2 / (1 + e^{-2z}) - 1 = 2 sigma(2z) - 1.
    # Both sides are within a few ulps of numbers of size <= 1, so an absolute
    # tolerance of 1e-14 (about 45 ulps of 1.0) is ample and still meaningful.
    tanh = activations.Tanh().forward(z)
    via_sigmoid = 2.0 * activations.Sigmoid().forward(2.0 * z) - 1.0
    np.testing.assert_allclose(tanh, via_sigmoid, rtol=0, atol=1e-14)


@PROPS
@given(Z=arrays(np.float64, array_shapes(min_dims=2, max_dims=2, max_side=6), elements=MODERATE),
       shift=MODERATE)
def test_softmax_rows_sum_to_one_and_ignore_shifts(Z, shift):
    sm = activations.Softmax()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = sm.forward(Z)
        S_shift = sm.forward(Z + shift)
    assert np.all((S >= 0.0) & (S <= 1.0))
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # Adding the same constant to a row multiplies numerator and denominator by
    # e^c. Z + shift is rounded to within |Z|+|shift| <= 2e3 times 2^-53, i.e.
    # ~2.3e-13 in each logit, which moves each probability by that relative amount.
    np.testing.assert_allclose(S_shift, S, rtol=1e-11, atol=1e-12)


# ---------------------------------------------------------------------------
# Gradient clipping
# ---------------------------------------------------------------------------

GRADS = arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=8), elements=GRAD_ENTRY)
MAX_NORM = st.floats(min_value=1e-3, max_value=1e3)


@PROPS
@given(g=GRADS, max_norm=MAX_NORM)
@example(g=np.array([3.0, 4.0]), max_norm=5.0)
@example(g=np.array([3.0, 4.0]), max_norm=1.0)
def test_clip_by_norm_keeps_direction_and_bounds_norm(g, max_norm):
    original = g.copy()
    c = optim.clip_by_norm(g, max_norm)
    np.testing.assert_array_equal(g, original)          # input not modified
    norm_g = math.sqrt(math.fsum(float(v) ** 2 for v in g.ravel()))
    norm_c = math.sqrt(math.fsum(float(v) ** 2 for v in c.ravel()))
    assert c.shape == g.shape
    assert norm_c <= max_norm * (1 + 1e-12)
    if norm_g <= max_norm:
        np.testing.assert_array_equal(c, g)
        assert c is not g
    if norm_g > 0:
        cosine = math.fsum(float(a) * float(b) for a, b in zip(c.ravel(), g.ravel(),
                                                                  strict=True))
        cosine /= norm_c * norm_g
        assert abs(cosine - 1.0) <= 1e-12


@PROPS
@given(grads=st.dictionaries(st.sampled_from(["dense0.W", "dense0.b", "dense1.W", "bn0.gamma"]),
                             GRADS, min_size=1, max_size=4),
       max_norm=MAX_NORM)
def test_clip_by_global_norm_scales_everything_by_one_factor(grads, max_norm):
    originals = {k: v.copy() for k, v in grads.items()}
    clipped, norm = optim.clip_by_global_norm(grads, max_norm)
    want_norm = math.sqrt(math.fsum(float(x) ** 2 for g in grads.values() for x in g.ravel()))
    assert norm == pytest.approx(want_norm, rel=1e-12, abs=0.0)
    assert list(clipped) == list(grads)
    for k in grads:
        np.testing.assert_array_equal(grads[k], originals[k])   # inputs not modified
    factor = min(1.0, max_norm / want_norm) if want_norm > 0 else 1.0
    for k, g in grads.items():
        assert clipped[k].shape == g.shape
        np.testing.assert_allclose(clipped[k], factor * g, rtol=1e-12, atol=0)
    # The clipped global norm is within the bound.
    new_norm = math.sqrt(math.fsum(float(x) ** 2 for c in clipped.values() for x in c.ravel()))
    assert new_norm <= max_norm * (1 + 1e-12)


@PROPS
@given(g=arrays(np.float64, array_shapes(max_dims=2, max_side=8), elements=MODERATE),
       clip=st.floats(min_value=1e-3, max_value=1e3))
def test_clip_by_value_bounds_every_entry(g, clip):
    out = optim.clip_by_value({"w": g}, clip)["w"]
    assert np.all(np.abs(out) <= clip)
    inside = np.abs(g) <= clip
    np.testing.assert_array_equal(out[inside], g[inside])
    np.testing.assert_array_equal(out[~inside], np.sign(g[~inside]) * clip)


# ---------------------------------------------------------------------------
# Dropout keeps the expected activation
# ---------------------------------------------------------------------------

DROP_P = st.floats(min_value=0.05, max_value=0.9)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(p=DROP_P, seed=SEEDS)
def test_inverted_dropout_keeps_the_mean(p, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 2.0, size=(200, 500))
    layer = layers.Dropout(p, rng=np.random.default_rng(seed + 1))
    Y = layer.forward(X, training=True)
    q = 1.0 - p
    # Given X, Y_i = X_i M_i / q with M_i ~ Bernoulli(q): E[Y_i] = X_i and
    # Var(Y_i) = X_i^2 p / q, so mean(Y) - mean(X) has standard error
    # sqrt(p / q * mean(X^2) / n). Allow 5 standard errors (two-sided p ~ 6e-7).
    se = math.sqrt(p / q * np.mean(X * X) / X.size)
    assert abs(Y.mean() - X.mean()) <= 5 * se
    # Every entry is either dropped or rescaled by 1/q.
    kept = Y != 0
    np.testing.assert_allclose(Y[kept], X[kept] / q, rtol=1e-12)
    # At inference inverted dropout is the identity.
    np.testing.assert_array_equal(layer.forward(X, training=False), X)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(p=DROP_P, seed=SEEDS)
def test_test_time_scaling_dropout_matches_in_expectation(p, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 2.0, size=(200, 500))
    layer = layers.Dropout(p, inverted=False, rng=np.random.default_rng(seed + 1))
    train = layer.forward(X, training=True)        # X * M
    infer = layer.forward(X, training=False)       # q * X
    q = 1.0 - p
    np.testing.assert_allclose(infer, q * X, rtol=1e-15)
    kept = train != 0
    np.testing.assert_array_equal(train[kept], X[kept])    # no rescaling in training
    # E[X_i M_i] = q X_i, Var = X_i^2 q (1 - q): standard error of the mean
    # difference is sqrt(q p mean(X^2) / n); allow 5 of them.
    se = math.sqrt(q * p * np.mean(X * X) / X.size)
    assert abs(train.mean() - infer.mean()) <= 5 * se


# ---------------------------------------------------------------------------
# Initializers hit their target variance
# ---------------------------------------------------------------------------

N_IN, N_OUT = 400, 300
N_DRAWS = N_IN * N_OUT
# For i.i.d. zero-mean draws, the sample variance s^2 has relative standard
# error sqrt((kurtosis - 1) / N). Kurtosis is 1.8 for a uniform, 3 for a normal
# and below 3 for the truncated normal, so sqrt(2 / N) = 0.41 % bounds all of
# them; 5 of those (2.0 %) is the tolerance. It still separates fan_in (1/400)
# from fan_avg (1/350) and fan_out (1/300), which differ by >= 12.5 %.
VAR_RTOL = 5 * math.sqrt(2.0 / N_DRAWS)

FAN = {"fan_in": N_IN, "fan_out": N_OUT, "fan_avg": (N_IN + N_OUT) / 2}


def _target_cases():
    cases = [
        pytest.param(initializers.get("fan_in_uniform"), 1 / (3 * N_IN), id="fan_in_uniform"),
        pytest.param(initializers.get("glorot_uniform"), 1 / FAN["fan_avg"], id="glorot_uniform"),
        pytest.param(initializers.get("glorot_normal"), 1 / FAN["fan_avg"], id="glorot_normal"),
        pytest.param(initializers.get("he_uniform"), 2 / N_IN, id="he_uniform"),
        pytest.param(initializers.get("he_normal"), 2 / N_IN, id="he_normal"),
        pytest.param(initializers.get("lecun_uniform"), 1 / N_IN, id="lecun_uniform"),
        pytest.param(initializers.get("lecun_normal"), 1 / N_IN, id="lecun_normal"),
        pytest.param(initializers.get("uniform", limit=0.3), 0.3 ** 2 / 3, id="uniform-0.3"),
    ]
    scale = 1.5
    for mode in ("fan_in", "fan_out", "fan_avg"):
        for dist in ("uniform", "normal", "truncated_normal"):
            init = initializers.get("variance_scaling", scale=scale, mode=mode, distribution=dist)
            cases.append(pytest.param(init, scale / FAN[mode], id=f"vs-{mode}-{dist}"))
    return cases


@pytest.mark.parametrize(("init", "target"), _target_cases())
def test_initializer_hits_target_variance(init, target):
    W = init(N_IN, N_OUT, np.random.default_rng(12345))
    assert W.shape == (N_IN, N_OUT) and W.dtype == np.float64
    assert abs(W.var() / target - 1.0) <= VAR_RTOL, (W.var(), target)
    # Zero-mean: the sample mean has standard error sqrt(target / N); allow 5.
    assert abs(W.mean()) <= 5 * math.sqrt(target / N_DRAWS)


def test_constant_initializers_are_exact():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(initializers.get("zeros")(3, 4, rng), np.zeros((3, 4)))
    np.testing.assert_array_equal(initializers.get("constant", value=0.25)(3, 4, rng),
                                  np.full((3, 4), 0.25))


def _truncated_std() -> float:
    # Std of N(0, 1) truncated to [-2, 2]: Var = 1 - 2 a phi(a) / (2 Phi(a) - 1), a = 2.
    a = 2.0
    phi = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    mass = math.erf(a / math.sqrt(2))                     # 2 Phi(a) - 1
    return math.sqrt(1.0 - 2 * a * phi / mass)


def test_truncation_constant_matches_the_formula():
    assert initializers.TRUNCATED_STD == pytest.approx(_truncated_std(), rel=1e-14)


@PROPS
@given(seed=SEEDS, shape=array_shapes(min_dims=1, max_dims=2, max_side=60))
def test_truncated_normal_never_exceeds_two_unit_stds(seed, shape):
    draw = initializers.truncated_normal(np.random.default_rng(seed), shape)
    assert draw.shape == shape
    assert np.all(np.abs(draw) <= 2.0)


@PROPS
@given(seed=SEEDS, n_in=st.integers(1, 50), n_out=st.integers(1, 50),
       name=st.sampled_from(["he_normal", "glorot_normal", "lecun_normal"]))
def test_truncated_normal_weights_stay_within_two_unit_stds(seed, n_in, n_out, name):
    scale = 2.0 if name.startswith("he") else 1.0
    fan = (n_in + n_out) / 2 if name.startswith("glorot") else n_in
    unit = math.sqrt(scale / fan) / _truncated_std()      # std of the untruncated normal
    W = initializers.get(name)(n_in, n_out, np.random.default_rng(seed))
    assert np.all(np.abs(W) <= 2.0 * unit * (1 + 1e-12))


# ---------------------------------------------------------------------------
# Losses stay finite for large logits
# ---------------------------------------------------------------------------

@PROPS
@given(Z=arrays(np.float64, array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                elements=MODERATE),
       seed=SEEDS)
@example(Z=np.array([[1e3, -1e3, 0.0], [-1e3, -1e3, 1e3]]), seed=0)
def test_softmax_cross_entropy_is_finite_for_large_logits(Z, seed):
    n, k = Z.shape
    labels = np.random.default_rng(seed).integers(0, k, size=n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dZ = losses.softmax_cross_entropy(Z, labels)
    assert math.isfinite(loss) and loss >= 0.0
    assert dZ.shape == Z.shape and np.all(np.isfinite(dZ))
    # dE/dZ = (softmax - onehot) / n: every row sums to 0.
    np.testing.assert_allclose(dZ.sum(axis=1), 0.0, atol=1e-12)


@PROPS
@given(Z=moderate_arrays(), seed=SEEDS)
@example(Z=np.array([1e3, -1e3, 0.0]), seed=0)
def test_binary_cross_entropy_from_logits_is_finite_for_large_logits(Z, seed):
    T = np.random.default_rng(seed).uniform(0.0, 1.0, size=Z.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dZ = losses.binary_cross_entropy(Z, T, from_logits=True)
    assert math.isfinite(loss)
    # -[t ln s + (1-t) ln(1-s)] >= 0 for t in [0, 1] since ln s, ln(1-s) <= 0.
    assert loss >= 0.0
    assert dZ.shape == Z.shape and np.all(np.isfinite(dZ))
    # dE/dz = (sigma(z) - t) / N lies in [-1/N, 1/N].
    assert np.all(np.abs(dZ) <= 1.0 / Z.shape[0] + 1e-15)
