"""Every public entry point rejects bad input loudly and names the argument.

Convention of the package (see ``lessons_lib.validation``): the wrong *kind*
of object raises ``TypeError``, the right kind with a wrong *value* raises
``ValueError``, and the message names the offending argument. Each case below
is one call that must fail that way.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import lessons_lib as ll
from lessons_lib import (
    activations,
    data,
    experiments,
    gradcheck,
    initializers,
    layers,
    losses,
    optim,
    probes,
)
from lessons_lib.model import MLP


def arg(name: str) -> str:
    """Regex that finds the argument ``name`` as a whole word in a message."""
    return rf"(?<![\w.]){re.escape(name)}(?!\w)"


# ---------------------------------------------------------------------------
# Helpers that build the objects some cases need (kept small and seeded)
# ---------------------------------------------------------------------------

def _dense_after_forward() -> layers.Dense:
    d = layers.Dense(3, 2, seed=0)
    d.forward(np.ones((4, 3)))
    return d


def _mlp() -> MLP:
    return MLP([3, 4, 2], activation="tanh", seed=0)


def _mlp_after_backward() -> MLP:
    model = _mlp()
    Y = model.forward(np.random.default_rng(0).standard_normal((5, 3)))
    model.backward(np.ones_like(Y))
    return model


def _sgd_step(params, grads, **kwargs):
    optim.SGD(0.1, **kwargs).step(params, grads)
    return params


def _dropout_student(X, p, rng):
    return X * (rng.random(X.shape) >= p) / (1.0 - p)


NAN = float("nan")
ONES_2x3 = np.ones((2, 3))

# Each case: (thunk, expected exception type, regex that must be in the message).
CASES = [
    # -- activations.get -------------------------------------------------------
    pytest.param(lambda: activations.get("nope"), ValueError, arg("name"),
                 id="act-get-unknown-name"),
    pytest.param(lambda: activations.get(3), TypeError, arg("name"), id="act-get-int-name"),
    pytest.param(lambda: activations.get(None), TypeError, arg("name"), id="act-get-none-name"),
    pytest.param(lambda: activations.get("relu", alpha=0.1), TypeError, arg("params"),
                 id="act-get-relu-with-alpha"),
    pytest.param(lambda: activations.get("sigmoid", slope=2.0), TypeError, arg("params"),
                 id="act-get-sigmoid-unknown-param"),
    pytest.param(lambda: activations.get(activations.ReLU(), alpha=0.1), TypeError,
                 arg("params"), id="act-get-instance-with-params"),
    pytest.param(lambda: activations.get("leaky_relu", alpha=1.0), ValueError, arg("alpha"),
                 id="act-leaky-alpha-1"),
    pytest.param(lambda: activations.get("leaky_relu", alpha=-0.1), ValueError, arg("alpha"),
                 id="act-leaky-alpha-negative"),
    pytest.param(lambda: activations.get("leaky_relu", alpha="0.2"), TypeError, arg("alpha"),
                 id="act-leaky-alpha-str"),
    pytest.param(lambda: activations.get("elu", alpha=-1.0), ValueError, arg("alpha"),
                 id="act-elu-alpha-negative"),
    pytest.param(lambda: activations.get("prelu", alpha=NAN), ValueError, arg("alpha"),
                 id="act-prelu-alpha-nan"),
    pytest.param(lambda: activations.get("rrelu", lower=0.3, upper=0.1), ValueError,
                 arg("upper"), id="act-rrelu-upper-below-lower"),
    pytest.param(lambda: activations.get("rrelu", upper=1.0), ValueError, arg("upper"),
                 id="act-rrelu-upper-1"),
    pytest.param(lambda: activations.get("rrelu", rng=42), TypeError, arg("rng"),
                 id="act-rrelu-rng-int"),
    pytest.param(lambda: activations.get("relu")("abc"), TypeError, arg("z"),
                 id="act-call-string"),
    pytest.param(lambda: activations.get("tanh")(np.array([0.0, NAN])), ValueError, arg("z"),
                 id="act-call-nan"),
    pytest.param(lambda: activations.get("sigmoid")([1.0, math.inf]), ValueError, arg("z"),
                 id="act-call-inf"),
    # -- initializers ----------------------------------------------------------
    pytest.param(lambda: initializers.get("nope"), ValueError, arg("name"),
                 id="init-get-unknown-name"),
    pytest.param(lambda: initializers.get(2), TypeError, arg("name"), id="init-get-int-name"),
    pytest.param(lambda: initializers.get("he_normal", scale=2.0), TypeError, arg("params"),
                 id="init-get-preset-with-params"),
    pytest.param(lambda: initializers.get("zeros", value=1.0), TypeError, arg("params"),
                 id="init-get-zeros-with-params"),
    pytest.param(lambda: initializers.get("variance_scaling", mode="fan_sum"), ValueError,
                 arg("mode"), id="init-vs-bad-mode"),
    pytest.param(lambda: initializers.get("variance_scaling", distribution="cauchy"),
                 ValueError, arg("distribution"), id="init-vs-bad-distribution"),
    pytest.param(lambda: initializers.get("variance_scaling", scale=0.0), ValueError,
                 arg("scale"), id="init-vs-scale-0"),
    pytest.param(lambda: initializers.get("variance_scaling", scale=-2.0), ValueError,
                 arg("scale"), id="init-vs-scale-negative"),
    pytest.param(lambda: initializers.get("uniform", limit=-0.1), ValueError, arg("limit"),
                 id="init-uniform-limit-negative"),
    pytest.param(lambda: initializers.get("he_normal")(0, 3, np.random.default_rng(0)),
                 ValueError, arg("n_in"), id="init-call-n_in-0"),
    pytest.param(lambda: initializers.get("he_normal")(2.5, 3, np.random.default_rng(0)),
                 TypeError, arg("n_in"), id="init-call-n_in-float"),
    pytest.param(lambda: initializers.get("glorot_uniform")(3, -1, np.random.default_rng(0)),
                 ValueError, arg("n_out"), id="init-call-n_out-negative"),
    pytest.param(lambda: initializers.get("he_normal")(3, 4, 42), TypeError, arg("rng"),
                 id="init-call-rng-int"),
    # -- Dense -----------------------------------------------------------------
    pytest.param(lambda: layers.Dense(0, 3), ValueError, arg("n_in"), id="dense-n_in-0"),
    pytest.param(lambda: layers.Dense(True, 3), TypeError, arg("n_in"), id="dense-n_in-bool"),
    pytest.param(lambda: layers.Dense(3, 2, W=np.ones((2, 3))), ValueError, arg("W"),
                 id="dense-W-wrong-shape"),
    pytest.param(lambda: layers.Dense(2, 2, W=[[1.0, NAN], [0.0, 1.0]]), ValueError, arg("W"),
                 id="dense-W-nan"),
    pytest.param(lambda: layers.Dense(3, 2, rng=7), TypeError, arg("rng"), id="dense-rng-int"),
    pytest.param(lambda: layers.Dense(3, 2, bias="yes"), TypeError, arg("bias"),
                 id="dense-bias-str"),
    pytest.param(lambda: layers.Dense(3, 2).forward(np.ones((4, 5))), ValueError, arg("X"),
                 id="dense-forward-wrong-width"),
    pytest.param(lambda: layers.Dense(3, 2).forward(np.ones(3)), ValueError, arg("X"),
                 id="dense-forward-1d"),
    pytest.param(lambda: layers.Dense(3, 2).forward([[1.0, NAN, 0.0]]), ValueError, arg("X"),
                 id="dense-forward-nan"),
    pytest.param(lambda: layers.Dense(3, 2).forward(np.ones((2, 3)), training="no"),
                 TypeError, arg("training"), id="dense-forward-training-str"),
    pytest.param(lambda: _dense_after_forward().backward(np.ones((4, 3))), ValueError,
                 arg("dout"), id="dense-backward-wrong-dout"),
    # -- BatchNorm -------------------------------------------------------------
    pytest.param(lambda: layers.BatchNorm(3, momentum=1.0), ValueError, arg("momentum"),
                 id="bn-momentum-1"),
    pytest.param(lambda: layers.BatchNorm(3, momentum=-0.1), ValueError, arg("momentum"),
                 id="bn-momentum-negative"),
    pytest.param(lambda: layers.BatchNorm(3, eps=0.0), ValueError, arg("eps"), id="bn-eps-0"),
    pytest.param(lambda: layers.BatchNorm(0), ValueError, arg("n_features"),
                 id="bn-n_features-0"),
    pytest.param(lambda: layers.BatchNorm(3).forward(np.ones((4, 5))), ValueError, arg("X"),
                 id="bn-wrong-feature-count"),
    pytest.param(lambda: layers.BatchNorm(3).forward(np.ones(3)), ValueError, arg("X"),
                 id="bn-1d-input"),
    pytest.param(lambda: layers.BatchNorm(3).forward(np.ones((1, 3)), training=True),
                 ValueError, arg("X") + r".*at least 2", id="bn-batch-of-1-training"),
    pytest.param(lambda: layers.BatchNorm(3, axis=0).forward(np.ones((4, 3))), ValueError,
                 arg("axis"), id="bn-axis-0"),
    pytest.param(lambda: layers.BatchNorm(3, axis=2).forward(np.ones((4, 3))), ValueError,
                 arg("axis"), id="bn-axis-out-of-range"),
    pytest.param(lambda: layers.BatchNorm(3, axis="channels"), TypeError, arg("axis"),
                 id="bn-axis-str"),
    # -- Dropout ---------------------------------------------------------------
    pytest.param(lambda: layers.Dropout(1.0), ValueError, arg("p"), id="dropout-p-1"),
    pytest.param(lambda: layers.Dropout(-0.1), ValueError, arg("p"), id="dropout-p-negative"),
    pytest.param(lambda: layers.Dropout("0.5"), TypeError, arg("p"), id="dropout-p-str"),
    pytest.param(lambda: layers.Dropout(0.5, inverted="yes"), TypeError, arg("inverted"),
                 id="dropout-inverted-str"),
    pytest.param(lambda: layers.Dropout(0.5, seed=-3), ValueError, arg("seed"),
                 id="dropout-seed-negative"),
    # -- Residual --------------------------------------------------------------
    pytest.param(lambda: layers.Residual([]), ValueError, arg("block"),
                 id="residual-empty-block"),
    pytest.param(lambda: layers.Residual([1, 2]), TypeError, arg("block"),
                 id="residual-non-layer-block"),
    pytest.param(lambda: layers.Residual(layers.Dense(3, 4)).forward(np.ones((2, 3))),
                 ValueError, arg("block"), id="residual-shape-changing-block"),
    # -- MLP -------------------------------------------------------------------
    pytest.param(lambda: MLP([3]), ValueError, arg("layer_sizes"), id="mlp-one-size"),
    pytest.param(lambda: MLP("3,4"), TypeError, arg("layer_sizes"), id="mlp-sizes-str"),
    pytest.param(lambda: MLP([3, 0, 1]), ValueError, r"layer_sizes\[1\]", id="mlp-size-0"),
    pytest.param(lambda: MLP([3, 4.0, 1]), TypeError, r"layer_sizes\[1\]",
                 id="mlp-size-float"),
    pytest.param(lambda: MLP([3, 4, 1], dropout=1.0), ValueError, arg("dropout"),
                 id="mlp-dropout-1"),
    pytest.param(lambda: MLP([3, 4, 1], activation="nope"), ValueError, arg("activation"),
                 id="mlp-unknown-activation"),
    pytest.param(lambda: MLP([3, 4, 1], output_activation="nope"), ValueError,
                 arg("output_activation"),
                 id="mlp-unknown-output-activation"),
    pytest.param(lambda: MLP([3, 4, 1], init="nope"), ValueError, arg("init"),
                 id="mlp-unknown-init"),
    pytest.param(lambda: MLP([3, 4, 1], activation="relu", activation_params={"alpha": 0.1}),
                 TypeError, arg("params"), id="mlp-activation-params-not-taken"),
    pytest.param(lambda: MLP([3, 4, 1], seed=-1), ValueError, arg("seed"),
                 id="mlp-seed-negative"),
    pytest.param(lambda: MLP([3, 4, 1], batchnorm=1), TypeError, arg("batchnorm"),
                 id="mlp-batchnorm-int"),
    pytest.param(lambda: _mlp().forward(np.ones((2, 4))), ValueError, arg("X"),
                 id="mlp-forward-wrong-width"),
    pytest.param(lambda: _mlp().forward(np.ones((2, 3)), training="yes"), TypeError,
                 arg("training"), id="mlp-forward-training-str"),
    pytest.param(lambda: layers.Dense(3, 2, init="nope"), ValueError, arg("init"),
                 id="dense-unknown-init"),
    pytest.param(lambda: layers.Activation("nope"), ValueError, arg("activation"),
                 id="activation-layer-unknown-name"),
    # -- losses ----------------------------------------------------------------
    pytest.param(lambda: losses.mse(np.ones((4, 2)), np.ones((4, 1))), ValueError,
                 arg("Y") + ".*" + arg("T"), id="mse-shape-mismatch"),
    pytest.param(lambda: losses.mse(np.ones(3), [1.0, NAN, 0.0]), ValueError, arg("T"),
                 id="mse-nan-targets"),
    pytest.param(lambda: losses.mse(np.ones(3), np.ones(3), reduction="avg"), ValueError,
                 arg("reduction"), id="mse-bad-reduction"),
    pytest.param(lambda: losses.mse(np.ones(3), np.ones(3), reduction=None), TypeError,
                 arg("reduction"), id="mse-reduction-none"),
    pytest.param(lambda: losses.mse("abc", np.ones(3)), TypeError, arg("Y"), id="mse-Y-str"),
    pytest.param(lambda: losses.binary_cross_entropy(np.array([0.5, 1.2]), np.array([0.0, 1.0])),
                 ValueError, arg("Y"), id="bce-Y-outside-01"),
    pytest.param(lambda: losses.binary_cross_entropy(np.array([0.5, 0.5]),
                                                     np.array([0.0, 2.0])),
                 ValueError, arg("T"), id="bce-T-outside-01"),
    pytest.param(lambda: losses.binary_cross_entropy(np.zeros(2), np.zeros(2),
                                                     from_logits="yes"),
                 TypeError, arg("from_logits"), id="bce-from_logits-str"),
    pytest.param(lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 4, 1])),
                 ValueError, arg("T"), id="sce-label-too-large"),
    pytest.param(lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, -1, 1])),
                 ValueError, arg("T"), id="sce-label-negative"),
    pytest.param(lambda: losses.softmax_cross_entropy(np.zeros(4), np.array([1])),
                 ValueError, arg("Z"), id="sce-1d-Z"),
    pytest.param(lambda: losses.softmax_cross_entropy(np.zeros((2, 3)), np.ones((2, 2))),
                 ValueError, arg("T"), id="sce-onehot-wrong-shape"),
    pytest.param(lambda: losses.softmax_cross_entropy(np.zeros((1, 2)),
                                                      np.array([[1.5, -0.5]])),
                 ValueError, arg("T"),
                 id="sce-negative-target"),
    # -- optim -----------------------------------------------------------------
    pytest.param(lambda: optim.SGD(lr=0.0), ValueError, arg("lr"), id="sgd-lr-0"),
    pytest.param(lambda: optim.SGD(lr=-1.0), ValueError, arg("lr"), id="sgd-lr-negative"),
    pytest.param(lambda: optim.SGD(lr=0.1, momentum=1.0), ValueError, arg("momentum"),
                 id="sgd-momentum-1"),
    pytest.param(lambda: optim.SGD(lr="0.1"), TypeError, arg("lr"), id="sgd-lr-str"),
    pytest.param(lambda: _sgd_step({"a.W": np.ones(2)}, {"b.W": np.ones(2)}), ValueError,
                 arg("params") + ".*" + arg("grads"), id="sgd-step-mismatched-keys"),
    pytest.param(lambda: _sgd_step({"a.W": np.ones(2)}, [np.ones(2)]), TypeError,
                 arg("grads"), id="sgd-step-grads-list"),
    pytest.param(lambda: _sgd_step({"a.W": [1.0, 2.0]}, {"a.W": np.ones(2)}), TypeError,
                 arg("params"), id="sgd-step-param-list"),
    pytest.param(lambda: _sgd_step({"a.W": np.ones(3)}, {"a.W": np.ones(1)}), ValueError,
                 arg("grads"),
                 id="sgd-step-shape-broadcast"),
    pytest.param(lambda: _sgd_step({"a.W": np.ones(3)}, {"a.W": np.ones((3, 3))}), ValueError,
                 arg("grads"),
                 id="sgd-step-shape-mismatch"),
    pytest.param(lambda: _sgd_step({"a.W": np.ones(2)}, {"a.W": np.array([NAN, 1.0])}),
                 ValueError, arg("grads"),
                 id="sgd-step-nan-grad"),
    pytest.param(lambda: _sgd_step({"a.W": np.array([1, 2])}, {"a.W": np.ones(2)}), TypeError,
                 arg("params"),
                 id="sgd-step-int-params"),
    pytest.param(lambda: optim.clip_by_value({"W": np.ones(2)}, 0.0), ValueError, arg("clip"),
                 id="clip-value-0"),
    pytest.param(lambda: optim.clip_by_value({"W": np.array([NAN, 1.0])}, 1.0), ValueError,
                 arg("grads"),
                 id="clip-value-nan-grad"),
    pytest.param(lambda: optim.clip_by_norm(np.ones(3), -1.0), ValueError, arg("max_norm"),
                 id="clip-norm-negative"),
    pytest.param(lambda: optim.clip_by_norm(np.array([1.0, NAN]), 1.0), ValueError, arg("g"),
                 id="clip-norm-nan-gradient"),
    pytest.param(lambda: optim.clip_by_global_norm({}, 1.0), ValueError, arg("grads"),
                 id="clip-global-empty-dict"),
    pytest.param(lambda: optim.clip_by_global_norm({"W": np.ones(2)}, 0.0), ValueError,
                 arg("max_norm"), id="clip-global-max_norm-0"),
    pytest.param(lambda: optim.clip_by_global_norm({"W": np.array([NAN, 1.0])}, 1.0),
                 ValueError, arg("grads"),
                 id="clip-global-nan-gradient"),
    pytest.param(lambda: optim.l2_penalty({"W": np.ones(2)}, -1.0), ValueError, arg("lam"),
                 id="l2-lam-negative"),
    pytest.param(lambda: optim.l1_penalty({"W": np.ones(2)}, NAN), ValueError, arg("lam"),
                 id="l1-lam-nan"),
    # -- gradcheck -------------------------------------------------------------
    pytest.param(lambda: gradcheck.rel_error(np.ones(2), np.ones(3)), ValueError,
                 arg("a") + ".*" + arg("b"), id="rel-error-shape-mismatch"),
    pytest.param(lambda: gradcheck.numerical_gradient(lambda: 0.0, np.array([1, 2])),
                 TypeError, arg("x"), id="numgrad-int-array"),
    pytest.param(lambda: gradcheck.numerical_gradient(0.0, np.ones(2)), TypeError, arg("f"),
                 id="numgrad-f-not-callable"),
    pytest.param(lambda: gradcheck.numerical_gradient(lambda: 0.0, np.ones(2), h=0.0),
                 ValueError, arg("h"), id="numgrad-h-0"),
    # -- probes ----------------------------------------------------------------
    pytest.param(lambda: probes.weight_grad_norms(object()), TypeError, arg("model"),
                 id="probes-weight-grad-non-model"),
    pytest.param(lambda: probes.delta_norms("model"), TypeError, arg("model"),
                 id="probes-delta-non-model"),
    pytest.param(lambda: probes.activation_stats(_mlp_after_backward(), saturation=2.0),
                 ValueError, arg("saturation"), id="probes-saturation-2"),
    pytest.param(lambda: probes.History().record(_mlp_after_backward(), loss=NAN), ValueError,
                 arg("loss"), id="probes-history-loss-nan"),
    # -- data ------------------------------------------------------------------
    pytest.param(lambda: data.moons(1), ValueError, arg("n"), id="moons-n-1"),
    pytest.param(lambda: data.moons(50, noise=-1.0), ValueError, arg("noise"),
                 id="moons-noise-negative"),
    pytest.param(lambda: data.moons(50, rng=3), TypeError, arg("rng"), id="moons-rng-int"),
    pytest.param(lambda: data.logic_gate("xnor"), ValueError, arg("name"), id="gate-xnor"),
    pytest.param(lambda: data.logic_gate(None), TypeError, arg("name"), id="gate-none"),
    pytest.param(lambda: data.circles(50, factor=1.0), ValueError, arg("factor"),
                 id="circles-factor-1"),
    pytest.param(lambda: data.spirals(50, n_classes=1), ValueError, arg("n_classes"),
                 id="spirals-one-class"),
    pytest.param(lambda: data.blobs(50, centers=0), ValueError, arg("centers"),
                 id="blobs-centers-0"),
    pytest.param(lambda: data.standardize(np.ones((5, 2))), ValueError, arg("X"),
                 id="standardize-constant-column"),
    pytest.param(lambda: data.standardize(np.arange(5.0)), ValueError, arg("X"),
                 id="standardize-1d"),
    # -- experiments.gradient_profile -------------------------------------------
    pytest.param(lambda: experiments.gradient_profile(0), ValueError, arg("depth"),
                 id="profile-depth-0"),
    pytest.param(lambda: experiments.gradient_profile(501), ValueError, arg("depth"),
                 id="profile-depth-501"),
    pytest.param(lambda: experiments.gradient_profile(2.0), TypeError, arg("depth"),
                 id="profile-depth-float"),
    pytest.param(lambda: experiments.gradient_profile(3, width=0), ValueError, arg("width"),
                 id="profile-width-0"),
    pytest.param(lambda: experiments.gradient_profile(3, activation="softmax"), ValueError,
                 arg("activation"), id="profile-softmax"),
    pytest.param(lambda: experiments.gradient_profile(3, activation="nope"), ValueError,
                 arg("activation"),
                 id="profile-unknown-activation"),
    pytest.param(lambda: experiments.gradient_profile(3, init="nope"), ValueError, arg("init"),
                 id="profile-unknown-init"),
    pytest.param(lambda: experiments.gradient_envelope(3, activation="nope"), ValueError,
                 arg("activation"),
                 id="envelope-unknown-activation"),
    pytest.param(lambda: experiments.gradient_profile(3, weight_scale=0.0), ValueError,
                 arg("weight_scale"), id="profile-weight-scale-0"),
    pytest.param(lambda: experiments.gradient_profile(3, weight_scale=NAN), ValueError,
                 arg("weight_scale"), id="profile-weight-scale-nan"),
    pytest.param(lambda: experiments.gradient_profile(3, batchnorm=True, batch=1), ValueError,
                 arg("batch"), id="profile-batchnorm-batch-1"),
    pytest.param(lambda: experiments.gradient_profile(3, quantity="both"), ValueError,
                 arg("quantity"), id="profile-quantity-both"),
    pytest.param(lambda: experiments.gradient_profile(3, alpha=-1.0), ValueError,
                 arg("alpha"), id="profile-alpha-negative"),
    pytest.param(lambda: experiments.gradient_profile(3, residual="yes"), TypeError,
                 arg("residual"), id="profile-residual-str"),
    # -- exercises -------------------------------------------------------------
    pytest.param(lambda: ll.exercises.run_check("t", abs, abs, [(1.0,)], hint="h", timeout=0),
                 ValueError, arg("timeout"), id="run-check-timeout-0"),
    pytest.param(lambda: ll.exercises.check_dropout_forward(_dropout_student, timeout=0),
                 ValueError, arg("timeout"),
                 id="check-dropout-timeout-0"),
    pytest.param(lambda: ll.exercises.check_dropout_forward(_dropout_student, timeout="2"),
                 TypeError, arg("timeout"),
                 id="check-dropout-timeout-str"),
]


@pytest.mark.parametrize(("call", "error", "match"), CASES)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_there_are_at_least_sixty_cases():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 60


def test_every_case_expects_type_or_value_error():
    for p in CASES:
        _, error, match = p.values
        assert error in (TypeError, ValueError), p.id
        assert match, p.id


@pytest.mark.parametrize("module", [activations, initializers], ids=["activations",
                                                                      "initializers"])
def test_unknown_name_message_lists_every_valid_name(module):
    with pytest.raises(ValueError, match=arg("name")) as info:
        module.get("definitely_not_a_name")
    message = str(info.value)
    assert len(module.NAMES) >= 5
    missing = [n for n in module.NAMES if repr(n) not in message]
    assert not missing, f"message {message!r} does not list {missing}"
    assert "'definitely_not_a_name'" in message   # and echoes what arrived


# -- calls that are out of order rather than malformed ------------------------

def _dense_backward_first():
    layers.Dense(3, 2).backward(np.ones((1, 2)))


def _bn_backward_first():
    layers.BatchNorm(3).backward(np.ones((2, 3)))


def _mlp_backward_first():
    _mlp().backward(np.ones((2, 2)))


def _delta_norms_before_backward():
    model = _mlp()
    model.forward(np.ones((2, 3)))
    probes.delta_norms(model)


def _activation_stats_before_forward():
    probes.activation_stats(_mlp())


@pytest.mark.parametrize(("call", "match"), [
    pytest.param(_dense_backward_first, "before forward", id="dense-backward-before-forward"),
    pytest.param(_bn_backward_first, "before forward", id="bn-backward-before-forward"),
    pytest.param(_mlp_backward_first, "before forward", id="mlp-backward-before-forward"),
    pytest.param(_delta_norms_before_backward, "backward", id="delta-norms-before-backward"),
    pytest.param(_activation_stats_before_forward, "forward",
                 id="activation-stats-before-forward"),
])
def test_out_of_order_calls_raise_runtime_error(call, match):
    with pytest.raises(RuntimeError, match=match):
        call()


def test_gradient_profile_does_not_silently_replace_an_initializer_instance():
    # VarianceScaling(4, fan_in, uniform) draws U(-r, r) with r = sqrt(3 * 4 / n);
    # he_uniform is VarianceScaling(2, fan_in, uniform), r = sqrt(3 * 2 / n), so
    # he_uniform with weight_scale sqrt(2) is the same network. Either the
    # instance is honoured (same profile) or it is refused with a TypeError.
    custom = initializers.VarianceScaling(4.0, "fan_in", "uniform")
    try:
        got = experiments.gradient_profile(4, width=16, batch=32, init=custom)
    except TypeError as exc:
        assert re.search(arg("init"), str(exc))
        return
    want = experiments.gradient_profile(4, width=16, batch=32, init="he_uniform",
                                        weight_scale=math.sqrt(2.0))
    np.testing.assert_allclose(got, want, rtol=1e-9)
