r"""Gradient clipping and weight penalties: the numbers behind notebook 09.

* :func:`clip_comparison` — one gradient clipped by value and by norm, with
  the cosine similarity of each to the original (the threshold panel);
* :func:`exploding_model`, :func:`exploding_gradients`, :func:`clipping_run`
  — a deep ReLU net whose weights are 1.5 times too large, trained on the
  moons with and without clipping (the stability figure);
* :func:`penalty_run` — weight norm over training for an L1 or L2 penalty
  of strength :math:`\lambda` (the :math:`\lambda` panel);
* :func:`weight_histogram` — how many weights end at each size, on a log
  scale: L1's pile of weights near zero.

Everything is seeded and memoised: a slider that returns to a value costs
nothing. Cached results are read-only; copy them before modifying.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import data as _data
from .. import losses as _losses
from .. import optim
from ..model import MLP
from ..speed import memo, one_blas_thread
from ..training import accuracy, train
from ..validation import check_array, check_choice, check_float, check_int

__all__ = [
    "CLIP_METHODS",
    "HISTOGRAM_DECADES",
    "LAMBDA_GRID",
    "PENALTIES",
    "ClipRun",
    "PenaltyRun",
    "clip_comparison",
    "clipping_run",
    "cosine_similarity",
    "example_gradient",
    "exploding_gradients",
    "exploding_model",
    "flatten",
    "penalty_run",
    "weight_histogram",
]

#: Clipping methods of :func:`clipping_run`.
CLIP_METHODS = ("none", "value", "norm")
#: Weight penalties of :func:`penalty_run`.
PENALTIES = ("l2", "l1")
#: The :math:`\lambda` values the notebook-09 panel offers (and precomputes).
LAMBDA_GRID = (0.0, 0.003, 0.01, 0.03, 0.1)


def flatten(g: Any) -> np.ndarray:
    """One long vector from an array or a dict of arrays (like ``model.gradients()``).

    Parameters
    ----------
    g : array_like or mapping of str to array_like
        Dict values are raveled and concatenated in key order.

    Returns
    -------
    ndarray, shape (n,)
    """
    if isinstance(g, Mapping):
        if not g:
            raise ValueError("g must not be an empty dict")
        return np.concatenate([check_array(f"g[{k!r}]", v).ravel() for k, v in g.items()])
    return check_array("g", g).ravel()


def cosine_similarity(a: Any, b: Any) -> float:
    r"""Cosine of the angle between two gradients,
    :math:`\cos\theta = \dfrac{a\cdot b}{\|a\|\,\|b\|}`.

    1 means the same direction, 0 perpendicular, -1 opposite.

    Parameters
    ----------
    a, b : array_like or dict of arrays
        Same number of entries (dicts are flattened in key order, see
        :func:`flatten`), neither all zeros.

    Returns
    -------
    float in [-1, 1]
    """
    fa, fb = flatten(a), flatten(b)
    if fa.shape != fb.shape:
        raise ValueError(f"a and b must have the same number of entries, "
                         f"got {fa.size} and {fb.size}")
    unit = []
    for name, v in (("a", fa), ("b", fb)):
        top = float(np.max(np.abs(v)))
        if top == 0.0:
            raise ValueError(f"{name} must not be the zero vector: it has no direction")
        v = v / top                  # scale first: no underflow or overflow in the norms
        unit.append(v / np.linalg.norm(v))
    return float(np.clip(np.dot(unit[0], unit[1]), -1.0, 1.0))


def example_gradient(n: int = 16, *, seed: int = 0) -> np.ndarray:
    """A gradient with a few entries much larger than the rest (as at an explosion step).

    Entries are standard normal, except ``max(1, n // 8)`` of them, chosen at
    random, which get size :math:`6 + 2|z|` (``z`` standard normal) and a
    random sign.

    Parameters
    ----------
    n : int
        Number of entries, 2..1000.
    seed : int
        Seeds the draw.

    Returns
    -------
    ndarray, shape (n,)
    """
    n = check_int("n", n, min_value=2, max_value=1000)
    rng = np.random.default_rng(check_int("seed", seed, min_value=0))
    g = rng.standard_normal(n)
    spikes = rng.choice(n, size=max(1, n // 8), replace=False)
    g[spikes] = rng.choice([-1.0, 1.0], size=spikes.size) * (
        6.0 + 2.0 * np.abs(rng.standard_normal(spikes.size)))
    return g


def clip_comparison(g: Any, threshold: float) -> dict[str, Any]:
    r"""Clip one gradient by value and by norm and compare with the original.

    * by value: :math:`g_i \leftarrow \min(\max(g_i, -c), c)` for every entry;
    * by norm: :math:`g \leftarrow g\cdot\min(1, c/\|g\|)`.

    Parameters
    ----------
    g : array_like, shape (n,) or any shape
        A gradient, not all zeros.
    threshold : float
        The clipping threshold :math:`c > 0` (same for both methods).

    Returns
    -------
    dict
        ``"value"``, ``"norm"`` — the clipped arrays (shape of ``g``);
        ``"cos_value"``, ``"cos_norm"`` — their cosine similarity with ``g``;
        ``"norm_g"``, ``"norm_value"``, ``"norm_norm"`` — Euclidean norms;
        ``"n_clipped"`` — entries changed by value clipping.
    """
    g = check_array("g", g)
    threshold = check_float("threshold", threshold, min_value=0.0, min_inclusive=False)
    if not np.any(g):
        raise ValueError("g must not be all zeros: a zero gradient has no direction to keep")
    by_value = optim.clip_by_value({"g": g}, threshold)["g"]
    by_norm = optim.clip_by_norm(g, threshold)
    return {"value": by_value, "norm": by_norm,
            "cos_value": cosine_similarity(g, by_value),
            "cos_norm": cosine_similarity(g, by_norm),
            "norm_g": float(np.linalg.norm(g)),
            "norm_value": float(np.linalg.norm(by_value)),
            "norm_norm": float(np.linalg.norm(by_norm)),
            "n_clipped": int(np.count_nonzero(np.abs(g) > threshold))}


# -- the exploding network --------------------------------------------------------------------
@memo(maxsize=2)
def _moons(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return _data.moons(n, noise=0.1, seed=seed)


def exploding_model(*, depth: int = 8, width: int = 32, weight_scale: float = 1.5,
                    seed: int = 0) -> MLP:
    r"""A deep ReLU net with He-normal weights multiplied by ``weight_scale``.

    He init keeps the signal's size through ReLU layers; 1.5 times larger
    weights make every layer amplify it by about 1.5, so ``depth`` layers
    amplify it by about :math:`1.5^{\mathrm{depth}}` forward and backward.

    Parameters
    ----------
    depth : int
        Hidden layers, 1..50.
    width : int
        Units per hidden layer, 1..256.
    weight_scale : float
        Multiplies every weight matrix, > 0.
    seed : int
        Seeds the weights.

    Returns
    -------
    MLP
        ``[2, width * depth, 1]`` with a linear output (a logit).
    """
    depth = check_int("depth", depth, min_value=1, max_value=50)
    width = check_int("width", width, min_value=1, max_value=256)
    weight_scale = check_float("weight_scale", weight_scale, min_value=0.0, min_inclusive=False)
    model = MLP([2] + [width] * depth + [1], activation="relu", init="he_normal",
                seed=check_int("seed", seed, min_value=0))
    for layer in model.dense_layers:
        layer.params["W"] *= weight_scale
    return model


def exploding_gradients(*, depth: int = 8, width: int = 32, weight_scale: float = 1.5,
                        seed: int = 0) -> dict[str, np.ndarray]:
    """The first gradient of :func:`exploding_model` on 200 moons (binary cross-entropy).

    Returns
    -------
    dict of str to ndarray
        ``model.gradients()``: keys ``"dense0.W"``, ``"dense0.b"``, ...
    """
    model = exploding_model(depth=depth, width=width, weight_scale=weight_scale, seed=seed)
    X, y = _moons(200, 0)
    _, dY = _losses.binary_cross_entropy(model.forward(X), y[:, None].astype(float),
                                         from_logits=True)
    model.backward(dY)
    return {k: v.copy() for k, v in model.gradients().items()}


@dataclass(frozen=True)
class ClipRun:
    """One training run of :func:`clipping_run`.

    Attributes
    ----------
    loss : ndarray (steps,)
        Binary cross-entropy before each update.
    grad_norm : ndarray (steps,)
        Global gradient norm before clipping.
    steps : int
        Updates taken (fewer than asked if the run diverged).
    diverged : bool
        The loss or a gradient overflowed; training stopped there.
    accuracy : float
        Training accuracy at the end (NaN if diverged).
    """

    loss: np.ndarray
    grad_norm: np.ndarray
    steps: int
    diverged: bool
    accuracy: float


def clipping_run(method: str = "none", threshold: float = 1.0, *, steps: int = 100,
                 lr: float = 0.1, depth: int = 8, width: int = 32, weight_scale: float = 1.5,
                 seed: int = 0) -> ClipRun:
    """Train :func:`exploding_model` on 200 moons with or without clipping.

    Full-batch gradient descent on the binary cross-entropy (the output is a
    logit), via :func:`lessons_lib.training.train`.

    Parameters
    ----------
    method : {"none", "value", "norm"}
        No clipping, clip every entry to ``[-threshold, threshold]``, or clip
        the global norm of all gradients to ``threshold``.
    threshold : float
        Clipping threshold, > 0 (ignored for ``"none"``).
    steps : int
        Updates, 1..5000.
    lr : float
        Learning rate, > 0.
    depth, width, weight_scale, seed
        Passed to :func:`exploding_model`.

    Returns
    -------
    ClipRun
        Memoised: the arrays are read-only.
    """
    method = check_choice("method", method, CLIP_METHODS)
    threshold = check_float("threshold", threshold, min_value=0.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    return _clipping_run(method, threshold if method != "none" else 1.0, steps, lr,
                         depth, width, weight_scale, seed)


@memo(maxsize=32)
def _clipping_run(method, threshold, steps, lr, depth, width, weight_scale, seed) -> ClipRun:
    model = exploding_model(depth=depth, width=width, weight_scale=weight_scale, seed=seed)
    X, y = _moons(200, 0)
    kw: dict[str, float] = {}
    if method == "value":
        kw["clip_value"] = threshold
    elif method == "norm":
        kw["clip_norm"] = threshold
    with one_blas_thread():
        result = train(model, X, y[:, None].astype(float), loss="binary_cross_entropy", lr=lr,
                       steps=steps, **kw)
        acc = np.nan
        if not result.diverged:
            with np.errstate(all="ignore"):
                acc = accuracy(model, X, y, threshold=0.0)
    return ClipRun(loss=result.loss, grad_norm=result.grad_norm, steps=result.steps,
                   diverged=result.diverged, accuracy=float(acc))


# -- weight penalties -------------------------------------------------------------------------
@dataclass(frozen=True)
class PenaltyRun:
    r"""One training run of :func:`penalty_run`.

    Attributes
    ----------
    weight_norm : ndarray (steps + 1,)
        :math:`\sqrt{\sum_l \|W^l\|^2}` over all weight matrices, before each
        update and after the last.
    loss : ndarray (steps,)
        Data loss (binary cross-entropy) before each update, without the penalty.
    accuracy : float
        Training accuracy at the end.
    gain_bound : float
        :math:`\prod_{l \ge 2} \|W^l\|_2` (spectral norms) at the end: with
        :math:`|\tanh'| \le 1` the learning signal can grow by at most this
        factor on its way back from the output to the first layer.
    weights : ndarray (n_weights,)
        Every entry of every weight matrix at the end, flattened.
    """

    weight_norm: np.ndarray
    loss: np.ndarray
    accuracy: float
    gain_bound: float
    weights: np.ndarray


def penalty_run(lam: float, penalty: str = "l2", *, steps: int = 300, lr: float = 0.3,
                seed: int = 0) -> PenaltyRun:
    r"""Train a tanh net ``[2, 16, 16, 16, 1]`` on 200 moons with a weight penalty.

    The loss is :math:`E + R` with :math:`R = \tfrac{\lambda}{2}\sum_l\|W^l\|^2`
    (L2, gradient :math:`\lambda W`) or :math:`R = \lambda\sum_l |W^l|` (L1,
    gradient :math:`\lambda\,\mathrm{sign}(W)`), from
    :func:`lessons_lib.optim.l2_penalty` / :func:`~lessons_lib.optim.l1_penalty`;
    biases are not penalized. Full-batch gradient descent, Glorot-uniform init.

    Parameters
    ----------
    lam : float
        :math:`\lambda \ge 0` (0 = no penalty).
    penalty : {"l2", "l1"}
    steps : int
        Updates, 1..5000.
    lr : float
        Learning rate, > 0.
    seed : int
        Seeds the weights.

    Returns
    -------
    PenaltyRun
        Memoised: the arrays are read-only.
    """
    lam = check_float("lam", lam, min_value=0.0)
    penalty = check_choice("penalty", penalty, PENALTIES)
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    seed = check_int("seed", seed, min_value=0)
    if lam * lr >= 1.0:
        raise ValueError(f"lam * lr must be < 1 (each step multiplies the weights by about "
                         f"1 - lr*lam, which must stay positive), got lam={lam}, lr={lr}")
    if lam == 0.0:
        penalty = "l2"          # no penalty: both names are the same run
    return _penalty_run(lam, penalty, steps, lr, seed)


@memo(maxsize=64)
def _penalty_run(lam, penalty, steps, lr, seed) -> PenaltyRun:
    model = MLP([2, 16, 16, 16, 1], activation="tanh", init="glorot_uniform", seed=seed)
    X, y = _moons(200, 0)
    T = y[:, None].astype(float)
    params = model.parameters()
    weights = [k for k in params if k.endswith(".W")]
    optimizer = optim.SGD(lr=lr)
    norms = np.empty(steps + 1)
    losses: list[float] = []

    def data_loss(Y: np.ndarray, T: np.ndarray) -> tuple[float, np.ndarray]:
        # the step adds the penalty to this loss; record the data term alone
        value, dY = _losses.binary_cross_entropy(Y, T, from_logits=True)
        losses.append(value)
        return value, dY

    with one_blas_thread():
        for step in range(steps):
            norms[step] = np.sqrt(sum(float(np.sum(params[k] ** 2)) for k in weights))
            model.step(X, T, optimizer=optimizer, loss=data_loss, check=False, **{penalty: lam})
        norms[steps] = np.sqrt(sum(float(np.sum(params[k] ** 2)) for k in weights))
        gain = float(np.prod([np.linalg.norm(params[k], 2) for k in weights[1:]]))
        acc = accuracy(model, X, y, threshold=0.0)
    flat = np.concatenate([params[k].ravel() for k in weights])
    return PenaltyRun(weight_norm=norms, loss=np.array(losses), accuracy=acc, gain_bound=gain,
                      weights=flat)


#: Decades of :math:`|w|` that :func:`weight_histogram` covers by default.
HISTOGRAM_DECADES = (-5.0, 1.0)


def weight_histogram(weights: Any, *, bins: int = 24,
                     decades: tuple[float, float] = HISTOGRAM_DECADES) -> dict[str, Any]:
    r"""Histogram of :math:`\log_{10}|w|`: how many weights end at each size.

    Parameters
    ----------
    weights : array_like
        Any shape (e.g. :attr:`PenaltyRun.weights`); flattened.
    bins : int
        Bins over ``decades``, 2..200.
    decades : (float, float)
        ``(lo, hi)`` in :math:`\log_{10}|w|`, lo < hi. Weights below
        :math:`10^{lo}` (exact zeros too) are counted in the first bin, above
        :math:`10^{hi}` in the last.

    Returns
    -------
    dict
        ``"centers"`` (bins,) — bin centres in :math:`\log_{10}|w|`;
        ``"counts"`` (bins,) — weights per bin; ``"near_zero"`` — the share of
        weights with :math:`|w| < 0.01`; ``"exact_zero"`` — the share equal to 0.
    """
    w = check_array("weights", weights).ravel()
    bins = check_int("bins", bins, min_value=2, max_value=200)
    if not isinstance(decades, tuple) or len(decades) != 2:
        raise TypeError(f"decades must be a tuple (lo, hi), got {decades!r}")
    lo = check_float("decades[0]", decades[0])
    hi = check_float("decades[1]", decades[1])
    if not lo < hi:
        raise ValueError(f"decades must have lo < hi, got {decades!r}")
    edges = np.linspace(lo, hi, bins + 1)
    with np.errstate(divide="ignore"):
        logs = np.clip(np.log10(np.abs(w)), lo, hi)
    counts = np.histogram(logs, bins=edges)[0]
    return {"centers": 0.5 * (edges[:-1] + edges[1:]), "counts": counts,
            "near_zero": float(np.mean(np.abs(w) < 0.01)),
            "exact_zero": float(np.mean(w == 0.0))}
