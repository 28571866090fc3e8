r"""Lesson 12 — the modern remedies: adaptive optimizers, warm-up, LayerNorm.

Every function trains or probes a small network in plain numpy and returns
read-only arrays:

* :func:`update_ratio_run` / :func:`update_ratios` — the per-layer
  update-to-weight ratio :math:`\|\Delta W^l\|/\|W^l\|` of a deep stack under
  SGD, momentum, RMSProp or Adam;
* :func:`eps_floor` — where a sigmoid stack's first-layer gradient falls
  below Adam's :math:`\epsilon`, and what that does to Adam's update there;
* :func:`warmup_run` — loss and global gradient norm of the first steps of a
  deep, wide ReLU network under Adam, with and without learning-rate warm-up;
* :func:`batch_dependence`, :func:`small_batch_run` — BatchNorm's output and
  training depend on the batch, LayerNorm's do not;
* :func:`norm_placement_profile` — the gradient at every block of a deep
  residual stack with LayerNorm before the branch (pre-LN), after the sum
  (post-LN), or none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import activations as _act
from .. import data as _data
from .. import optim as _optim
from ..layers import Activation, BatchNorm, Dense, Layer, LayerNorm, Residual, Sequential
from ..losses import binary_cross_entropy
from ..model import MLP
from ..probes import GradientMonitor
from ..speed import memo, one_blas_thread
from ..validation import check_choice, check_float, check_int

__all__ = [
    "RATIO_ACTIVATIONS",
    "UpdateRatioRun",
    "NORMS",
    "PLACEMENTS",
    "EpsFloor",
    "PlacementProfile",
    "SmallBatchRun",
    "WarmupRun",
    "batch_dependence",
    "eps_floor",
    "norm_placement_profile",
    "small_batch_run",
    "update_ratio_run",
    "update_ratios",
    "warmup_run",
]

#: Hidden activations :func:`update_ratio_run` accepts.
RATIO_ACTIVATIONS = ("sigmoid", "tanh", "relu", "gelu", "silu")
#: Largest number of dense layers.
MAX_DEPTH = 40


def _moons(n_points: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    X, y = _data.moons(n_points, noise=0.1, seed=seed)
    return _data.standardize(X), y[:, None].astype(np.float64)


@dataclass(frozen=True)
class UpdateRatioRun:
    r"""What :func:`update_ratio_run` measured (read-only arrays).

    Attributes
    ----------
    ratios : ndarray (steps, depth)
        :math:`\|\Delta W^l\|/\|W^l\|` of every step; column 0 is the input side.
    grad_norms : ndarray (steps, depth)
        :math:`\|\partial E/\partial W^l\|` of every step.
    loss : ndarray (steps,)
        Training loss before each step.
    diverged : bool
        True if the run stopped early on an overflow (rows after it are NaN).
    """

    ratios: np.ndarray
    grad_norms: np.ndarray
    loss: np.ndarray
    diverged: bool


@memo(maxsize=256)
def _ratio_run(depth: int, activation: str, optimizer: str, steps: int, seed: int,
               lr: float | None, eps: float, width: int, n_points: int) -> UpdateRatioRun:
    X, T = _moons(n_points, seed)
    model = MLP([2] + [width] * (depth - 1) + [1], activation, init="glorot_uniform", seed=seed)
    opt = _optim.get(optimizer, lr=lr)
    if isinstance(opt, (_optim.Adam, _optim.RMSProp)):
        opt.eps = eps
    monitor = GradientMonitor(model)
    loss = np.full(steps, np.nan)
    diverged = False
    with one_blas_thread():
        for t in range(steps):
            step = model.step(X, T, optimizer=opt, loss="binary_cross_entropy", check=False)
            if step.overflow:
                diverged = True
                break
            loss[t] = step.loss
            monitor.record()
    ratios = np.full((steps, depth), np.nan)
    grads = np.full((steps, depth), np.nan)
    ratios[:len(monitor)] = monitor.update_ratios
    grads[:len(monitor)] = monitor.grad_norms
    return UpdateRatioRun(ratios=ratios, grad_norms=grads, loss=loss, diverged=diverged)


def update_ratio_run(depth: int, *, activation: str = "sigmoid", optimizer: str = "sgd",
                     steps: int = 50, seed: int = 0, lr: float | None = None,
                     eps: float = 1e-8, width: int = 16, n_points: int = 128) -> UpdateRatioRun:
    r"""Train a deep stack on two moons and measure every layer's update-to-weight ratio.

    The network has ``depth`` dense layers (``depth - 1`` hidden layers of
    ``width`` units, Glorot-uniform weights — Keras's default — and one
    output), trained full-batch on ``n_points`` standardized two-moons points
    with binary cross-entropy.

    Parameters
    ----------
    depth : int
        Dense layers, 2..40.
    activation : str
        Hidden activation, one of :data:`RATIO_ACTIVATIONS`.
    optimizer : {"sgd", "momentum", "rmsprop", "adam"}
        See :func:`lessons_lib.optim.get`.
    steps : int
        Training steps, 1..1000.
    seed : int
        Seeds the weights and the data.
    lr : float, optional
        Learning rate (the optimizer's default when None: SGD 0.1, RMSProp
        0.01, Adam 0.001).
    eps : float
        :math:`\epsilon` of RMSProp and Adam, in (0, 1]; ignored by SGD.
    width : int
        Hidden units, 2..128.
    n_points : int
        Training points, 8..1000.

    Returns
    -------
    UpdateRatioRun
    """
    depth = check_int("depth", depth, min_value=2, max_value=MAX_DEPTH)
    activation = check_choice("activation", _act.canonical_name(activation, "activation"),
                              RATIO_ACTIVATIONS)
    optimizer = check_choice("optimizer", optimizer, _optim.OPTIMIZERS)
    steps = check_int("steps", steps, min_value=1, max_value=1000)
    seed = check_int("seed", seed, min_value=0)
    if lr is not None:
        lr = check_float("lr", lr, min_value=0.0, max_value=10.0, min_inclusive=False)
    eps = check_float("eps", eps, min_value=0.0, max_value=1.0, min_inclusive=False)
    width = check_int("width", width, min_value=2, max_value=128)
    n_points = check_int("n_points", n_points, min_value=8, max_value=1000)
    return _ratio_run(depth, activation, optimizer, steps, seed, lr, eps, width, n_points)


def update_ratios(depth: int, *, activation: str = "sigmoid", optimizer: str = "sgd",
                  steps: int = 50, seed: int = 0, lr: float | None = None, eps: float = 1e-8,
                  width: int = 16, n_points: int = 128) -> np.ndarray:
    r"""Per-layer :math:`\|\Delta W^l\|/\|W^l\|` of every step, shape (steps, depth).

    Column 0 is the input side. The same run as :func:`update_ratio_run`
    (see it for the parameters), which also returns gradients and loss.
    """
    return update_ratio_run(depth, activation=activation, optimizer=optimizer, steps=steps,
                            seed=seed, lr=lr, eps=eps, width=width, n_points=n_points).ratios


@dataclass(frozen=True)
class EpsFloor:
    """What :func:`eps_floor` measured, one row per depth and one column per seed.

    Attributes
    ----------
    depths : ndarray (n_depths,)
    grad_rms : ndarray (n_depths, n_seeds)
        Root mean square of the first layer's gradient entries at the first step.
    first_vs_fastest : ndarray (n_depths, n_seeds)
        Adam's median update ratio of the first layer divided by the largest
        layer median (1: the first layer moves as fast as any).
    """

    depths: np.ndarray
    grad_rms: np.ndarray
    first_vs_fastest: np.ndarray


def eps_floor(depths: tuple[int, ...] = tuple(range(4, 21, 2)), *, eps: float = 1e-8,
              seeds: tuple[int, ...] = (0, 1, 2, 3, 4), activation: str = "sigmoid",
              steps: int = 50) -> EpsFloor:
    r"""Adam's :math:`\epsilon` as a floor: the first layer of deeper and deeper stacks.

    For each depth and seed, the run of :func:`update_ratio_run` under Adam:
    how small the first layer's gradient entries are, and how fast that layer
    moves compared with the fastest one. While the entries are far above
    :math:`\epsilon`, Adam's step :math:`\hat m/(\sqrt{\hat v}+\epsilon)` is about
    :math:`\pm 1` whatever their size; far below it the step is about
    :math:`g/\epsilon` and the layer stalls as under SGD.

    Parameters
    ----------
    depths : tuple of int
        Dense layers, each 2..40.
    eps : float
        Adam's :math:`\epsilon`, in (0, 1].
    seeds : tuple of int
        Weight and data draws.
    activation : str
        One of :data:`RATIO_ACTIVATIONS`.
    steps : int
        Training steps per run, 1..1000.

    Returns
    -------
    EpsFloor
    """
    for name, values in (("depths", depths), ("seeds", seeds)):
        if not isinstance(values, tuple) or not values:
            raise TypeError(f"{name} must be a non-empty tuple of ints, got {values!r}")
    width = 16
    runs = [[update_ratio_run(d, activation=activation, optimizer="adam", eps=eps, seed=s,
                              steps=steps, width=width) for s in seeds] for d in depths]
    n_first = 2 * width                              # entries of W^1: 2 inputs x width
    rms = np.array([[r.grad_norms[0, 0] / np.sqrt(n_first) for r in row] for row in runs])
    with np.errstate(all="ignore"):
        rel = np.array([[np.nanmedian(r.ratios, axis=0)[0] / np.nanmax(np.nanmedian(r.ratios,
                                                                                   axis=0))
                         for r in row] for row in runs])
    out = EpsFloor(depths=np.array(depths), grad_rms=rms, first_vs_fastest=rel)
    for arr in (out.depths, out.grad_rms, out.first_vs_fastest):
        arr.setflags(write=False)
    return out


@dataclass(frozen=True)
class WarmupRun:
    """What :func:`warmup_run` measured (read-only arrays).

    Attributes
    ----------
    loss : ndarray (steps,)
        Training loss before each step (``inf`` from an overflow on).
    grad_norm : ndarray (steps,)
        Global gradient norm before each step (NaN from an overflow on).
    lr : ndarray (steps,)
        The learning rate each step used.
    """

    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray


@memo(maxsize=128)
def _warmup(lr: float, warmup: int, depth: int, width: int, n_points: int, steps: int,
            seed: int) -> WarmupRun:
    X, T = _moons(n_points, seed)
    model = MLP([2] + [width] * depth + [1], "relu", init="he_normal", seed=seed)
    opt = _optim.Adam(lr=lr)
    loss = np.full(steps, np.inf)
    norm = np.full(steps, np.nan)
    rates = lr * np.minimum(1.0, np.arange(1, steps + 1) / warmup) if warmup else np.full(steps, lr)
    with one_blas_thread():
        for t in range(steps):
            opt.lr = float(rates[t])
            step = model.step(X, T, optimizer=opt, loss="binary_cross_entropy", check=False)
            if step.overflow:
                break
            loss[t], norm[t] = step.loss, step.grad_norm
    return WarmupRun(loss=loss, grad_norm=norm, lr=rates)


def warmup_run(lr: float = 0.03, warmup: int = 0, *, depth: int = 8, width: int = 64,
               n_points: int = 64, steps: int = 60, seed: int = 0) -> WarmupRun:
    r"""Adam on a deep, wide ReLU network, with a linear learning-rate warm-up or without.

    With warm-up the learning rate of step :math:`t` (from 1) is
    :math:`\eta\,\min(1, t/\text{warmup})`: it climbs to :math:`\eta` over the
    first ``warmup`` steps. The network has ``depth`` hidden ReLU layers of
    ``width`` units (He-normal weights, no normalization) and is trained
    full-batch on two moons.

    Parameters
    ----------
    lr : float
        Adam's learning rate :math:`\eta` after the warm-up, in (0, 1].
    warmup : int
        Warm-up steps, 0 (none) .. steps.
    depth, width : int
        Hidden layers (1..20) and their units (2..256).
    n_points : int
        Training points, 8..1000.
    steps : int
        Training steps, 1..500.
    seed : int
        Seeds the weights and the data.

    Returns
    -------
    WarmupRun
    """
    lr = check_float("lr", lr, min_value=0.0, max_value=1.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=500)
    warmup = check_int("warmup", warmup, min_value=0, max_value=steps)
    depth = check_int("depth", depth, min_value=1, max_value=20)
    width = check_int("width", width, min_value=2, max_value=256)
    n_points = check_int("n_points", n_points, min_value=8, max_value=1000)
    seed = check_int("seed", seed, min_value=0)
    return _warmup(lr, warmup, depth, width, n_points, steps, seed)


# -- LayerNorm and BatchNorm ------------------------------------------------------------
#: Normalizations compared in :func:`batch_dependence` and :func:`small_batch_run`.
NORMS = ("batch", "layer")


def _norm_layer(norm: str, width: int, name: str) -> Layer:
    return BatchNorm(width, name=name) if norm == "batch" else LayerNorm(width, name=name)


def _norm_net(norm: str, depth: int, width: int, seed: int) -> Sequential:
    """``depth`` x (Dense -> norm -> ReLU), then a linear output unit."""
    rng = np.random.default_rng(seed)
    layers: list[Layer] = []
    n_in = 2
    for i in range(depth):
        # BatchNorm removes a dense bias (its beta replaces it), LayerNorm does not
        layers += [Dense(n_in, width, "he_normal", bias=norm == "layer", rng=rng,
                         name=f"dense{i}"),
                   _norm_layer(norm, width, f"norm{i}"), Activation("relu", name=f"act{i}")]
        n_in = width
    layers.append(Dense(width, 1, "glorot_uniform", rng=rng, name="out"))
    return Sequential(layers)


def batch_dependence(norm: str, batch_size: int, *, n_batches: int = 20, width: int = 16,
                     seed: int = 0) -> float:
    """How much one sample's normalized output depends on the rest of its batch.

    One fixed sample is put into ``n_batches`` batches of ``batch_size``
    samples whose other members are drawn at random; a dense layer, then the
    normalization (training mode), processes each batch. The result
    is the standard deviation, over the batches, of the fixed sample's
    output, averaged over the ``width`` features. The weights and the data
    are standard normal.

    Parameters
    ----------
    norm : {"batch", "layer"}
    batch_size : int
        2..1024 (BatchNorm needs two samples).
    n_batches : int
        Batches to compare, 2..1000.
    width : int
        Features, 2..256.
    seed : int

    Returns
    -------
    float
        For LayerNorm only rounding (about 1e-16: the same row summed at
        another memory address), since it never looks at the other samples.
    """
    norm = check_choice("norm", norm, NORMS)
    batch_size = check_int("batch_size", batch_size, min_value=2, max_value=1024)
    n_batches = check_int("n_batches", n_batches, min_value=2, max_value=1000)
    width = check_int("width", width, min_value=2, max_value=256)
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng([seed, 12])
    dense = Dense(8, width, "glorot_normal", rng=rng)
    layer = _norm_layer(norm, width, "norm")
    h0 = dense.forward(rng.standard_normal((1, 8)))      # the fixed sample's weighted sums
    outputs = []
    for _ in range(n_batches):
        others = dense.forward(rng.standard_normal((batch_size - 1, 8)))
        outputs.append(layer.forward(np.vstack([h0, others]))[0])
    return float(np.mean(np.std(np.array(outputs), axis=0)))


@dataclass(frozen=True)
class SmallBatchRun:
    """What :func:`small_batch_run` measured.

    Attributes
    ----------
    loss : float
        Mean binary cross-entropy on the training points in inference mode
        (BatchNorm then uses its running statistics).
    accuracy : float
        Share of training points on the right side, inference mode.
    train_mode_accuracy : float
        The same in training mode (BatchNorm normalizes with the statistics
        of all the points at once).
    """

    loss: float
    accuracy: float
    train_mode_accuracy: float


@memo(maxsize=128)
def _small_batch(norm: str, batch_size: int, seed: int, steps: int, lr: float, depth: int,
                 width: int, nudge: float) -> SmallBatchRun:
    X, T = _moons(256, seed)
    X = X * (1.0 + nudge)
    net = _norm_net(norm, depth, width, seed)
    opt = _optim.SGD(lr=lr)
    rng = np.random.default_rng([seed, 13])
    with one_blas_thread(), np.errstate(all="ignore"):
        for _ in range(steps):
            idx = rng.choice(X.shape[0], batch_size, replace=False)
            out = net.forward(X[idx], check=False)
            if not np.all(np.isfinite(out)):
                return SmallBatchRun(np.inf, 0.5, 0.5)
            _, dY = binary_cross_entropy(out, T[idx], from_logits=True)
            net.backward(dY, check=False)
            opt.step(net.params, net.grads, check=False)
        inference = net.forward(X, training=False, check=False)
        training = net.forward(X, training=True, check=False)
    truth = T[:, 0] > 0.5
    return SmallBatchRun(loss=binary_cross_entropy(inference, T, from_logits=True)[0],
                         accuracy=float(np.mean((inference[:, 0] > 0) == truth)),
                         train_mode_accuracy=float(np.mean((training[:, 0] > 0) == truth)))


def small_batch_run(norm: str, batch_size: int, *, seed: int = 0, steps: int = 400,
                    lr: float = 0.05, depth: int = 6, width: int = 32,
                    nudge: float = 0.0) -> SmallBatchRun:
    """Train a normalized ReLU net with mini-batches of ``batch_size``; evaluate it.

    ``depth`` blocks Dense -> norm -> ReLU of ``width`` units (He-normal), a
    linear output, plain SGD on 256 two-moons points; each step draws a
    fresh mini-batch.

    Parameters
    ----------
    norm : {"batch", "layer"}
    batch_size : int
        2..256.
    seed : int
        Seeds the weights, the data and the batches.
    steps : int
        1..5000.
    lr : float
        In (0, 1].
    depth, width : int
        1..20 blocks of 2..128 units.
    nudge : float
        Multiply the inputs by ``1 + nudge``, in [-1e-6, 1e-6]: ``1e-15``
        changes only their last digits, which shows whether the run's result
        depends on them.

    Returns
    -------
    SmallBatchRun
    """
    norm = check_choice("norm", norm, NORMS)
    batch_size = check_int("batch_size", batch_size, min_value=2, max_value=256)
    seed = check_int("seed", seed, min_value=0)
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, max_value=1.0, min_inclusive=False)
    depth = check_int("depth", depth, min_value=1, max_value=20)
    width = check_int("width", width, min_value=2, max_value=128)
    nudge = check_float("nudge", nudge, min_value=-1e-6, max_value=1e-6)
    return _small_batch(norm, batch_size, seed, steps, lr, depth, width, nudge)


#: Where :func:`norm_placement_profile` puts LayerNorm.
PLACEMENTS = ("pre", "post", "none")


@dataclass(frozen=True)
class PlacementProfile:
    r"""What :func:`norm_placement_profile` measured (read-only arrays).

    Attributes
    ----------
    grad_norms : ndarray (blocks,)
        :math:`\|\partial E/\partial W\|` of each block's dense layer, block 1 first.
    stream_std : ndarray (blocks,)
        Standard deviation of the stream after each block (forward pass).
    """

    grad_norms: np.ndarray
    stream_std: np.ndarray


@memo(maxsize=64)
def _placement(placement: str, blocks: int, width: int, seed: int) -> PlacementProfile:
    rng = np.random.default_rng([seed, 14])
    stages: list[Layer] = []
    dense: list[Dense] = []
    for i in range(blocks):
        d = Dense(width, width, "he_normal", rng=rng, name=f"dense{i}")
        dense.append(d)
        branch: list[Layer] = [d, Activation("relu", name=f"act{i}")]
        if placement == "pre":
            stages.append(Residual([LayerNorm(width, name=f"ln{i}"), *branch], name=f"res{i}"))
        elif placement == "post":
            stages.append(Sequential([Residual(branch, name=f"res{i}"),
                                      LayerNorm(width, name=f"ln{i}")], name=f"block{i}"))
        else:
            stages.append(Residual(branch, name=f"res{i}"))
    X = rng.standard_normal((64, width))
    stds = []
    h = X
    with one_blas_thread(), np.errstate(all="ignore"):
        for stage in stages:
            h = stage.forward(h, check=False)
            stds.append(float(np.std(h)))
        d_out = rng.standard_normal(h.shape) / h.shape[0]
        for stage in reversed(stages):
            d_out = stage.backward(d_out, check=False)
    grads = np.array([np.linalg.norm(d.grads["W"]) for d in dense])
    return PlacementProfile(grad_norms=grads, stream_std=np.array(stds))


def norm_placement_profile(placement: str, blocks: int = 50, *, width: int = 32,
                           seed: int = 0) -> PlacementProfile:
    r"""Gradient at every block of a deep residual stack, by where LayerNorm sits.

    Each block's branch is Dense -> ReLU (He-normal, ``width`` units):

    * ``"pre"`` (pre-LN): :math:`x \leftarrow x + F(\mathrm{LN}(x))` — the
      shortcut is an identity from the last block to the first;
    * ``"post"`` (post-LN, the original Transformer's):
      :math:`x \leftarrow \mathrm{LN}(x + F(x))` — every gradient crosses
      every LayerNorm on its way down;
    * ``"none"``: :math:`x \leftarrow x + F(x)`.

    A batch of 64 standard-normal inputs goes forward, a random
    :math:`\partial E/\partial x_L` (standard normal, divided by the batch
    size) comes back.

    Parameters
    ----------
    placement : {"pre", "post", "none"}
    blocks : int
        Residual blocks, 1..200.
    width : int
        2..256.
    seed : int

    Returns
    -------
    PlacementProfile
    """
    placement = check_choice("placement", placement, PLACEMENTS)
    blocks = check_int("blocks", blocks, min_value=1, max_value=200)
    width = check_int("width", width, min_value=2, max_value=256)
    seed = check_int("seed", seed, min_value=0)
    return _placement(placement, blocks, width, seed)
