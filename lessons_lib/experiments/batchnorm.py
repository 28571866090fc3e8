r"""Batch normalization experiments: numbers in, numbers out (notebook 07).

* :func:`running_mean_trace` — how a BatchNorm layer's running mean
  :math:`\hat v \leftarrow \hat v\cdot\mathrm{momentum} + v\,(1-\mathrm{momentum})`
  approaches the true mean of its input over training steps;
* :func:`steps_to_converge` and :func:`steady_state_std` — the two numbers
  that describe that trace: how long it takes, and how much it still jitters;
* :func:`saturation_by_placement` — BatchNorm before or after a saturating
  activation: which one keeps the activation in its sensitive range;
* :func:`bn_gradient_profiles` — per-layer gradient size of a deep stack with
  and without BatchNorm (wraps :func:`lessons_lib.experiments.gradient_profile`).

Random inputs are drawn once per seed and shape and cached; a slider that
changes only the momentum re-runs a cheap recursion on the same batches.
"""

from __future__ import annotations

import math

import numpy as np

from .. import activations as _act
from ..layers import BatchNorm
from ..speed import memo, one_blas_thread
from ..validation import check_choice, check_float, check_int
from .vanishing import MAX_DEPTH, MAX_WIDTH, QUANTITIES, gradient_profile

__all__ = [
    "BN_ACTIVATIONS",
    "BN_MOMENTA",
    "BN_PLACEMENTS",
    "bn_gradient_profiles",
    "running_mean_trace",
    "saturation_by_placement",
    "steady_state_std",
    "steps_to_converge",
]

#: Momentum values offered by the running-mean panel (0.9 and 0.99 are the usual ones).
BN_MOMENTA = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
#: Where the BatchNorm sits relative to the activation in :func:`saturation_by_placement`.
BN_PLACEMENTS = ("no BN", "BN before", "BN after")
#: Hidden activations offered by the with/without-BN gradient panel.
BN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
_MAX_STEPS = 100_000
_MAX_BATCH = 4096


def _check_momentum(momentum: float) -> float:
    return check_float("momentum", momentum, min_value=0.0, max_value=1.0, max_inclusive=False)


def steps_to_converge(momentum: float, *, tol: float = 0.01) -> int:
    r"""Steps until the *expected* running mean is within ``tol`` of the true mean.

    Started at :math:`\hat v_0 = 0` (as :class:`~lessons_lib.layers.BatchNorm`
    does) and fed batches whose mean is :math:`\mu` on average, the running
    mean after :math:`k` steps has expectation :math:`\mu\,(1 - m^k)`, so the
    relative gap is :math:`m^k` and falls below ``tol`` once

    .. math:: k \ge \frac{\ln \mathrm{tol}}{\ln m}.

    Parameters
    ----------
    momentum : float
        :math:`m` in ``[0, 1)``.
    tol : float
        Relative gap in ``(0, 1)``.

    Returns
    -------
    int
        The smallest such :math:`k` (1 for :math:`m = 0`). Examples: 44 steps
        for :math:`m = 0.9`, 459 for :math:`m = 0.99` (``tol = 0.01``).
    """
    m = _check_momentum(momentum)
    tol = check_float("tol", tol, min_value=0.0, max_value=1.0, min_inclusive=False,
                      max_inclusive=False)
    if m == 0.0:
        return 1
    k = math.ceil(math.log(tol) / math.log(m))
    # guard the ceiling against round-off on either side
    while k > 1 and m ** (k - 1) <= tol:
        k -= 1
    while m ** k > tol:
        k += 1
    return max(k, 1)


def steady_state_std(momentum: float, batch_size: int, true_std: float) -> float:
    r"""Standard deviation of the running mean once it has forgotten its start.

    Each batch mean is :math:`\mu` plus noise of variance :math:`\sigma^2/B`.
    The running mean is a weighted sum of past batch means with weights
    :math:`(1-m)m^j`, whose squares sum to :math:`(1-m)/(1+m)`, so

    .. math:: \mathrm{std}(\hat v) = \frac{\sigma}{\sqrt B}\sqrt{\frac{1-m}{1+m}}.

    Parameters
    ----------
    momentum : float
        :math:`m` in ``[0, 1)``.
    batch_size : int
        :math:`B \ge 1`.
    true_std : float
        :math:`\sigma \ge 0` of one input value.

    Returns
    -------
    float
    """
    m = _check_momentum(momentum)
    batch_size = check_int("batch_size", batch_size, min_value=1, max_value=_MAX_BATCH)
    true_std = check_float("true_std", true_std, min_value=0.0)
    return true_std / math.sqrt(batch_size) * math.sqrt((1.0 - m) / (1.0 + m))


@memo(maxsize=32)
def _batch_means(steps: int, batch_size: int, true_mean: float, true_std: float,
                 seed: int) -> np.ndarray:
    """Means of ``steps`` seeded batches of one feature; drawn once, read-only."""
    rng = np.random.default_rng(seed)
    x = true_mean + true_std * rng.standard_normal((steps, batch_size))
    return x.mean(axis=1)


@memo(maxsize=256)
def _trace(momentum: float, steps: int, batch_size: int, true_mean: float, true_std: float,
           seed: int) -> dict[str, np.ndarray | float | int]:
    means = _batch_means(steps, batch_size, true_mean, true_std, seed)
    running = np.empty(steps)
    v = 0.0
    keep = 1.0 - momentum
    for k, mu_b in enumerate(means.tolist()):
        v = v * momentum + mu_b * keep
        running[k] = v
    step = np.arange(1, steps + 1)
    expected = true_mean * (1.0 - momentum ** step.astype(np.float64))
    out = {"step": step, "batch_mean": means, "running_mean": running, "expected": expected}
    tail = running[steps // 2:]
    return {**out,
            "true_mean": true_mean,
            "steps_to_1pct": steps_to_converge(momentum),
            "steady_std": steady_state_std(momentum, batch_size, true_std),
            "final_error": float(abs(running[-1] - true_mean)),
            "tail_std": float(tail.std())}


def running_mean_trace(momentum: float, *, batch_size: int = 32, steps: int = 600,
                       true_mean: float = 3.0, true_std: float = 2.0,
                       seed: int = 0) -> dict[str, np.ndarray | float | int]:
    r"""The running mean of one BatchNorm feature over ``steps`` training batches.

    Each step draws a batch of ``batch_size`` values from
    :math:`\mathcal N(\mu, \sigma^2)` and updates, exactly as
    :class:`~lessons_lib.layers.BatchNorm` does in training mode,

    .. math:: \hat v_k = \hat v_{k-1}\cdot m + \mu_{B,k}\,(1 - m), \qquad \hat v_0 = 0.

    The batches depend only on ``seed``, ``steps``, ``batch_size``, ``true_mean``
    and ``true_std`` (drawn once and cached), so changing the momentum reuses them.

    Parameters
    ----------
    momentum : float
        :math:`m` in ``[0, 1)``.
    batch_size : int
        Values per batch, 1..4096.
    steps : int
        Training steps, 1..100000.
    true_mean, true_std : float
        :math:`\mu` and :math:`\sigma \ge 0` of the input distribution.
    seed : int
        Seeds the batches.

    Returns
    -------
    dict
        ``step`` (steps,) = 1..steps; ``batch_mean`` (steps,) :math:`\mu_{B,k}`;
        ``running_mean`` (steps,) :math:`\hat v_k`; ``expected`` (steps,)
        :math:`\mu(1-m^k)`; scalars ``true_mean``, ``steps_to_1pct``
        (:func:`steps_to_converge`), ``steady_std`` (:func:`steady_state_std`),
        ``final_error`` :math:`|\hat v_{steps} - \mu|` and ``tail_std`` (the
        measured std of :math:`\hat v` over the second half of the steps).
        Arrays are read-only (results are memoised).
    """
    momentum = _check_momentum(momentum)
    batch_size = check_int("batch_size", batch_size, min_value=1, max_value=_MAX_BATCH)
    steps = check_int("steps", steps, min_value=2, max_value=_MAX_STEPS)
    true_mean = check_float("true_mean", true_mean)
    true_std = check_float("true_std", true_std, min_value=0.0)
    seed = check_int("seed", seed, min_value=0)
    return dict(_trace(momentum, steps, batch_size, true_mean, true_std, seed))


def saturation_by_placement(*, activation: str = "sigmoid", net_std: float = 5.0,
                            width: int = 64, batch: int = 256,
                            seed: int = 0) -> dict[str, dict[str, float]]:
    r"""Where to put BatchNorm around a saturating activation.

    A layer whose weighted sums :math:`\mathrm{net}` are spread too widely
    (each unit gets :math:`\mathcal N(s_j, \sigma^2)` values, with a per-unit
    offset :math:`s_j \sim \mathcal N(0, \sigma^2)` and :math:`\sigma` =
    ``net_std``) feeds the activation :math:`f` in three ways:

    * ``"no BN"``: :math:`Y = f(\mathrm{net})`;
    * ``"BN before"``: :math:`Y = f(\mathrm{BN}(\mathrm{net}))` (the original paper's choice);
    * ``"BN after"``: :math:`Y = \mathrm{BN}(f(\mathrm{net}))`.

    Parameters
    ----------
    activation : str
        Hidden activation name (:data:`lessons_lib.activations.NAMES`, not softmax).
    net_std : float
        :math:`\sigma > 0` of the weighted sums.
    width, batch : int
        Units and samples (batch >= 2, BatchNorm needs a batch).
    seed : int
        Seeds :math:`\mathrm{net}`.

    Returns
    -------
    dict
        For each of :data:`BN_PLACEMENTS`: ``saturated`` — share of entries where
        :math:`|f'| < 0.05\,\max|f'|` at the activation's input (the definition of
        :func:`lessons_lib.probes.activation_stats`); ``mean_slope`` — mean
        :math:`|f'|` there (the factor the backward pass multiplies by);
        ``out_std`` — mean per-unit std of :math:`Y`, what the next layer receives.
    """
    name = _act.canonical_name(activation, "activation")
    if name == "softmax":
        raise ValueError("activation must be an elementwise hidden activation, got 'softmax'")
    net_std = check_float("net_std", net_std, min_value=0.0, min_inclusive=False)
    width = check_int("width", width, min_value=1, max_value=MAX_WIDTH)
    batch = check_int("batch", batch, min_value=2, max_value=_MAX_BATCH)
    seed = check_int("seed", seed, min_value=0)
    f = _act.get(name)
    rng = np.random.default_rng(seed)
    net = net_std * (rng.standard_normal((batch, width)) + rng.standard_normal(width))
    inputs = {"no BN": net, "BN before": BatchNorm(width).forward(net),
              "BN after": net}
    out: dict[str, dict[str, float]] = {}
    for placement, z in inputs.items():
        slope = np.abs(f.grad(z))
        Y = f.forward(z)
        if placement == "BN after":
            Y = BatchNorm(width).forward(Y)
        out[placement] = {"saturated": float(np.mean(slope < 0.05 * f.max_grad)),
                          "mean_slope": float(np.mean(slope)),
                          "out_std": float(np.mean(Y.std(axis=0)))}
    return out


def bn_gradient_profiles(depth: int, *, activation: str = "sigmoid", width: int = 64,
                         batch: int = 96, seed: int = 0,
                         quantity: str = "weight") -> dict[str, np.ndarray]:
    r"""Per-layer gradient size of the same deep stack without and with BatchNorm.

    Both stacks are ``depth`` layers ``width -> width`` with Glorot-uniform
    weights drawn from ``seed`` (the *same* weights), on the same batch; the
    second puts a BatchNorm (training mode) before every activation. See
    :func:`lessons_lib.experiments.gradient_profile` for the set-up.

    Parameters
    ----------
    depth : int
        1..500 layers.
    activation : str
        Hidden activation (any elementwise name; the panel offers :data:`BN_ACTIVATIONS`).
    width : int
        Units per layer.
    batch : int
        Batch size, >= 2. The default 96 is the batch of notebook 07's figure
        and panel: enough samples for BatchNorm's batch statistics, and the
        batch the lesson's numbers are quoted for.
    seed : int
    quantity : {"weight", "delta"}
        :math:`\|\partial E/\partial W^l\|` or :math:`\|\delta^l\|`.

    Returns
    -------
    dict
        ``{"without": ndarray (depth,), "with": ndarray (depth,)}``, index 0 the
        input-side layer; ``inf`` where float64 overflowed, ``0.0`` where it
        underflowed, never NaN. Read-only.
    """
    depth = check_int("depth", depth, min_value=1, max_value=MAX_DEPTH)
    batch = check_int("batch", batch, min_value=2, max_value=_MAX_BATCH)
    check_choice("quantity", quantity, QUANTITIES)
    kw = dict(width=width, activation=activation, batch=batch, seed=seed, quantity=quantity)
    with one_blas_thread():
        return {"without": gradient_profile(depth, batchnorm=False, **kw),
                "with": gradient_profile(depth, batchnorm=True, **kw)}
