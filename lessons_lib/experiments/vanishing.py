r"""Pure experiments: numbers in, numbers out, no drawing (notebooks 05–07, 10).

:func:`gradient_profile` is the computation behind the gradient explorer: a
stack of ``depth`` identical layers ``width -> width`` on a seeded standard
normal batch, loss :math:`E = \tfrac12\|T - Y\|^2` (batch mean) against seeded
random targets, and one backward pass. It returns the per-layer size of

* the learning signal :math:`\delta^l = \partial E/\partial\,\mathrm{net}^l`
  (``quantity="delta"``), or
* the weight gradient :math:`\partial E/\partial W^l` (``quantity="weight"``).

The two differ: in a deep *linear* net with large weights :math:`\delta`
grows toward the input while :math:`\|\partial E/\partial W^l\| = \|Y^{l-1\top}\delta^l\|`
stays level, because the forward activations :math:`Y^{l-1}` grow by the
same factor per layer as :math:`\delta^l` shrinks.

Weights are drawn once per (seed, layer, shape, distribution) and cached;
changing ``weight_scale`` or ``init`` only rescales them, and whole results
are memoised, so a slider that returns to a value costs nothing.
"""

from __future__ import annotations

import numpy as np

from .. import activations as _act
from .. import initializers as _init
from ..layers import Activation, BatchNorm, Dense, Layer, Residual, Sequential
from ..speed import memo
from ..validation import check_bool, check_choice, check_float, check_int

__all__ = ["MAX_BATCH", "MAX_DEPTH", "MAX_WIDTH", "QUANTITIES", "activation_profile",
           "gradient_envelope", "gradient_profile"]

#: What :func:`gradient_profile` measures per layer.
QUANTITIES = ("delta", "weight")
#: Largest depth, width and batch of the deep stack.
MAX_DEPTH = 500
MAX_WIDTH = 1024
MAX_BATCH = 4096
_ALPHA_ACTIVATIONS = _act.ALPHA_NAMES


def _activation_kwargs(activation: str, alpha: float | None) -> dict[str, float]:
    if alpha is None or activation not in _ALPHA_ACTIVATIONS:
        return {}
    return {"alpha": alpha}


@memo(maxsize=1024)
def _unit_weights(seed: int, layer: int, width: int, distribution: str) -> np.ndarray:
    """Unit-scale draw for one layer; cached so a slider step never redraws it."""
    return _init.unit_draw(distribution, (width, width), np.random.default_rng([seed, layer]))


@memo(maxsize=8)
def _batch(seed: int, batch: int, width: int, input_mean: float,
           input_std: float) -> tuple[np.ndarray, np.ndarray]:
    """Seeded inputs ``N(input_mean, input_std**2)`` and standard-normal targets."""
    rng = np.random.default_rng([seed, 10**6])
    X = input_mean + input_std * rng.standard_normal((batch, width))
    T = rng.standard_normal((batch, width))
    return X, T


def _block(i: int, width: int, activation: str, alpha: float | None, batchnorm: bool,
           residual: bool) -> tuple[Layer, Dense]:
    """Layer ``i`` of the stack, ``Dense (no bias) -> [BatchNorm] -> f``, and its Dense."""
    dense = Dense(width, width, W=np.zeros((width, width)), bias=False, name=f"dense{i}")
    layers: list[Layer] = [dense]
    if batchnorm:
        layers.append(BatchNorm(width, name=f"bn{i}"))
    layers.append(Activation(activation, name=f"act{i}", **_activation_kwargs(activation, alpha)))
    block = Residual(layers, name=f"res{i}") if residual else Sequential(layers, name=f"block{i}")
    return block, dense


@memo(maxsize=4)
def _built_blocks(width: int, activation: str, alpha: float | None, batchnorm: bool,
                  residual: bool) -> tuple[list[Layer], list[Dense]]:
    """The blocks of one architecture and their dense layers, kept between calls.

    Building a layer costs more than running it, so :func:`_deep_stack` grows
    these lists to the deepest stack asked for and reuses their first blocks
    (with new weights) when the depth changes.
    """
    return [], []


def _deep_stack(depth: int, width: int, activation: str, alpha: float | None, init: str,
                weight_scale: float, batchnorm: bool, residual: bool,
                seed: int) -> tuple[list[Layer], list[Dense]]:
    """The deep stack of lessons 05, 07 and 10 with its weights set (arguments trusted).

    Layer ``l`` is ``Dense(W^l, no bias) -> [BatchNorm] -> f``, wrapped in a
    :class:`~lessons_lib.layers.Residual` shortcut when ``residual``;
    :math:`W^l` is the seeded unit-scale draw of layer ``l`` times the
    initializer's scale and ``weight_scale``. The layer objects are shared by
    the calls for one architecture: use the stack before the next call.

    Returns
    -------
    blocks : list of Layer
        One block per layer (a ``Residual`` or a ``Sequential``), input side first.
    dense : list of Dense
        The dense layer of every block.
    """
    blocks, dense = _built_blocks(width, activation, alpha, batchnorm, residual)
    for i in range(len(blocks), depth):
        block, layer = _block(i, width, activation, alpha, batchnorm, residual)
        blocks.append(block)
        dense.append(layer)
    initializer = _init.get(init)
    factor = initializer.factor(width, width) * weight_scale
    for i, layer in enumerate(dense[:depth]):
        np.multiply(_unit_weights(seed, i, width, initializer.distribution), factor,
                    out=layer.params["W"])
    return blocks[:depth], dense[:depth]


@memo(maxsize=256)
def _run(depth: int, width: int, activation: str, alpha: float | None, init: str,
         weight_scale: float, batchnorm: bool, residual: bool, batch: int, seed: int,
         input_mean: float, input_std: float, stats: bool) -> dict[str, np.ndarray]:
    """One forward and backward pass; per-layer norms (and forward statistics), memoised.

    The forward mean and std cost as much as a third of the pass, so they are
    computed only when ``stats`` (for :func:`activation_profile`). Unlike the
    training experiments this pass does not use ``speed.one_blas_thread``:
    with a batch of 256 rows OpenBLAS's second thread pays off (the explorer's
    slider step: 10.8 ms median with it, 14.8 ms without).
    """
    X, T = _batch(seed, batch, width, input_mean, input_std)
    mean = np.empty(depth) if stats else None
    std = np.empty(depth) if stats else None
    with np.errstate(all="ignore"):
        blocks, dense = _deep_stack(depth, width, activation, alpha, init, weight_scale,
                                    batchnorm, residual, seed)
        h = X
        for i, block in enumerate(blocks):
            h = block.forward(h, check=False)
            if stats:
                mean[i] = h.mean()
                std[i] = h.std()
        d = (h - T) / batch
        for block in reversed(blocks):
            d = block.backward(d, check=False)
        out = {"delta": np.array([np.linalg.norm(la.dnet) for la in dense]),
               "weight": np.array([np.linalg.norm(la.grads["W"]) for la in dense]),
               **({"mean": mean, "std": std} if stats else {})}
    for arr in out.values():
        # overflow shows up as inf, or as NaN from inf - inf: report it as inf, never NaN
        arr[~np.isfinite(arr)] = np.inf
    return out


def _validate(depth, width, activation, alpha, init, weight_scale, batchnorm, residual, batch,
              seed) -> tuple:
    depth = check_int("depth", depth, min_value=1, max_value=MAX_DEPTH)
    width = check_int("width", width, min_value=1, max_value=MAX_WIDTH)
    if alpha is not None:
        alpha = check_float("alpha", alpha, min_value=0.0)
    activation = _act.canonical_name(activation, "activation")
    act = _act.get(activation, **_activation_kwargs(activation, alpha))
    if act.name == "softmax":
        raise ValueError("activation must be an elementwise hidden activation, got 'softmax'")
    initializer = _init.get(_init.canonical_name(init, "init"))
    weight_scale = check_float("weight_scale", weight_scale, min_value=0.0, min_inclusive=False)
    batchnorm = check_bool("batchnorm", batchnorm)
    residual = check_bool("residual", residual)
    batch = check_int("batch", batch, min_value=2 if batchnorm else 1, max_value=MAX_BATCH)
    seed = check_int("seed", seed, min_value=0)
    return (depth, width, act.name, alpha, initializer.name, weight_scale, batchnorm, residual,
            batch, seed)


def gradient_profile(depth: int, *, width: int = 64, activation: str = "sigmoid",
                     alpha: float | None = None, init: str = "glorot_uniform",
                     weight_scale: float = 1.0, batchnorm: bool = False, residual: bool = False,
                     batch: int = 128, seed: int = 0, quantity: str = "delta") -> np.ndarray:
    """Per-layer gradient size of a deep stack after one backward pass.

    Parameters
    ----------
    depth : int
        Number of layers, 1..500.
    width : int
        Units per layer, 1..1024.
    activation : str
        Any name of :data:`lessons_lib.activations.NAMES` except ``softmax``.
    alpha : float, optional
        Slope/scale α of ``leaky_relu``, ``prelu`` and ``elu``; ignored by the others.
    init : str
        Initializer name (:data:`lessons_lib.initializers.NAMES`).
    weight_scale : float
        Multiplies every weight, > 0 (1 = the initializer's own scale).
    batchnorm : bool
        BatchNorm (training mode) before every activation.
    residual : bool
        Identity shortcut around every layer.
    batch : int
        Batch size, 1..4096 (>= 2 with ``batchnorm``).
    seed : int
        Seeds the weights, the inputs and the targets.
    quantity : {"delta", "weight"}
        Learning signal ``‖δ^l‖`` or weight gradient ``‖∂E/∂W^l‖`` (Frobenius norms).

    Returns
    -------
    ndarray, shape (depth,)
        Index 0 is the input-side layer. Entries that overflowed float64 are
        ``inf``; entries that underflowed are ``0.0``; never NaN. Read-only
        (results are memoised): copy before modifying.
    """
    args = _validate(depth, width, activation, alpha, init, weight_scale, batchnorm, residual,
                     batch, seed)
    check_choice("quantity", quantity, QUANTITIES)
    return _run(*args, 0.0, 1.0, False)[quantity]


def activation_profile(depth: int, *, width: int = 64, activation: str = "sigmoid",
                       alpha: float | None = None, init: str = "glorot_uniform",
                       weight_scale: float = 1.0, batchnorm: bool = False,
                       residual: bool = False, batch: int = 128, seed: int = 0,
                       input_mean: float = 0.0, input_std: float = 1.0) -> dict[str, np.ndarray]:
    """Mean and standard deviation of every layer's output on a random batch.

    Same network and arguments as :func:`gradient_profile`; the inputs are
    drawn from ``N(input_mean, input_std**2)`` so the
    "standardized inputs" condition of SELU can be broken on purpose.

    Returns
    -------
    dict
        ``{"mean": ndarray (depth,), "std": ndarray (depth,)}``, index 0 the
        first layer. Entries that overflowed float64 are ``inf``; never NaN.
    """
    args = _validate(depth, width, activation, alpha, init, weight_scale, batchnorm, residual,
                     batch, seed)
    input_mean = check_float("input_mean", input_mean)
    input_std = check_float("input_std", input_std, min_value=0.0, min_inclusive=False)
    run = _run(*args, input_mean, input_std, True)
    return {"mean": run["mean"], "std": run["std"]}


def gradient_envelope(depth: int, *, width: int = 64, activation: str = "sigmoid",
                      alpha: float | None = None, init: str = "glorot_uniform",
                      weight_scale: float = 1.0) -> np.ndarray:
    r"""Best-case product :math:`(g\cdot\max|f'|)^k`, relative to the last layer.

    :math:`g = \sigma_W\sqrt{n}` is the *typical* (root-mean-square) stretch of
    a random vector by the weight matrix and :math:`\max|f'|` the steepest
    slope, so this is what going back :math:`k` layers would do if every unit
    sat at its steepest point: :math:`0.25^k` for the sigmoid with Glorot
    weights on square layers (:math:`g = 1`), the number notebook 05's exercise
    asks for. It is neither a bound (a random matrix stretches some vectors by
    up to about :math:`2g`, and the output error can line up with them) nor a
    good estimate where the slopes vary (half of ReLU's slopes are 0); for the
    estimate with the actual slopes see
    :func:`lessons_lib.experiments.initialization.gradient_estimate`.

    Parameters
    ----------
    depth, width, activation, alpha, init, weight_scale
        As in :func:`gradient_profile`.

    Returns
    -------
    ndarray, shape (depth,)
        ``product[l] = (g * max|f'|) ** (depth - 1 - l)``; multiply by the last
        layer's measured value to draw it. Entries beyond float64 are ``inf`` / ``0.0``.
    """
    depth = check_int("depth", depth, min_value=1, max_value=MAX_DEPTH)
    width = check_int("width", width, min_value=1, max_value=MAX_WIDTH)
    if alpha is not None:
        alpha = check_float("alpha", alpha, min_value=0.0)
    activation = _act.canonical_name(activation, "activation")
    act = _act.get(activation, **_activation_kwargs(activation, alpha))
    weight_scale = check_float("weight_scale", weight_scale, min_value=0.0, min_inclusive=False)
    initializer = _init.get(_init.canonical_name(init, "init"))
    gain = act.max_grad * initializer.std(width, width) * np.sqrt(width) * weight_scale
    k = np.arange(depth - 1, -1, -1, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.power(gain, k)
