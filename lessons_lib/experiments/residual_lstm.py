r"""Gradients through depth and through time: the numbers behind notebook 10
(and the RNN example of notebook 09).

* :func:`residual_profile` — the gradient :math:`\|\partial E/\partial X^l\|`
  reaching the input of every block of a deep stack, with and without
  identity shortcuts (:class:`lessons_lib.layers.Residual`);
* :func:`rnn_gradient_through_time`, :func:`lstm_gradient_through_time` —
  :math:`\|\partial E/\partial h_t\|` for every time step of a plain RNN and
  of an LSTM (:mod:`lessons_lib.recurrent`) when the loss reads only the
  last state.

In both, the gradient that enters at the top (the last block, the last time
step) is a fixed seeded matrix of Frobenius norm 1, so every curve starts at 1
and shows only how the backward pass changes the signal's size.

Weights and inputs are drawn once per seed and rescaled, never redrawn per
slider step; results are memoised and read-only (copy before modifying).
"""

from __future__ import annotations

import functools

import numpy as np

from .. import activations as _act
from .. import initializers as _init
from ..recurrent import LSTM, RNN
from ..validation import check_bool, check_choice, check_float, check_int

__all__ = [
    "MAX_RESIDUAL_DEPTH",
    "MAX_SEQ_LEN",
    "RESIDUAL_ACTIVATIONS",
    "bptt_profile",
    "lstm_gradient_through_time",
    "residual_profile",
    "rnn_gradient_through_time",
]

MAX_RESIDUAL_DEPTH = 300
MAX_SEQ_LEN = 400
#: Activations of :func:`residual_profile` and the initializer each one gets.
RESIDUAL_ACTIVATIONS = {"sigmoid": "glorot_uniform", "tanh": "glorot_uniform",
                        "relu": "he_normal"}


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _unit_top_gradient(seed: int, shape: tuple[int, int]) -> np.ndarray:
    """The seeded gradient that enters at the top, scaled to Frobenius norm 1."""
    R = np.random.default_rng([seed, 7]).standard_normal(shape)
    return R / np.linalg.norm(R)


# -- residual stacks ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=1024)
def _unit_weights(seed: int, layer: int, width: int, distribution: str) -> np.ndarray:
    W = _init.unit_draw(distribution, (width, width), np.random.default_rng([seed, layer]))
    return _readonly(W)


def residual_profile(depth: int, *, residual: bool, activation: str = "sigmoid",
                     weight_scale: float = 1.0, width: int = 32, batch: int = 16,
                     seed: int = 0) -> np.ndarray:
    r"""Gradient reaching each block of a deep stack, with or without shortcuts.

    Block :math:`l` is :math:`F(X) = f(XW^l)` (no bias). Without shortcuts
    :math:`X^{l+1} = F(X^l)`; with them :math:`X^{l+1} = X^l + F(X^l)`,
    whose backward pass is

    .. math:: \frac{\partial E}{\partial X^l} = dY + \big(F'\big)^\top dY,
              \qquad dY = \frac{\partial E}{\partial X^{l+1}},

    so the signal always keeps the direct term :math:`dY`.

    Parameters
    ----------
    depth : int
        Number of blocks, 1..300.
    residual : bool
        Identity shortcut around every block.
    activation : {"sigmoid", "tanh", "relu"}
        :math:`f`; the weights use Glorot-uniform for sigmoid and tanh and
        He-normal for ReLU (see :data:`RESIDUAL_ACTIVATIONS`).
    weight_scale : float
        Multiplies every weight matrix, > 0 (1 = the initializer's scale).
    width : int
        Units per block, 1..256.
    batch : int
        Rows of the seeded standard-normal input, 1..1024.
    seed : int
        Seeds the weights, the input and the gradient at the top.

    Returns
    -------
    ndarray, shape (depth,)
        :math:`\|\partial E/\partial X^l\|` (Frobenius norm over the batch),
        index 0 the input of the first block; the gradient at the output of
        the last block has norm 1. Overflow is ``inf``, never NaN. Read-only.
    """
    depth = check_int("depth", depth, min_value=1, max_value=MAX_RESIDUAL_DEPTH)
    residual = check_bool("residual", residual)
    activation = check_choice("activation", activation, RESIDUAL_ACTIVATIONS)
    weight_scale = check_float("weight_scale", weight_scale, min_value=0.0,
                               min_inclusive=False)
    width = check_int("width", width, min_value=1, max_value=256)
    batch = check_int("batch", batch, min_value=1, max_value=1024)
    seed = check_int("seed", seed, min_value=0)
    return _residual_profile(depth, residual, activation, weight_scale, width, batch, seed)


@functools.lru_cache(maxsize=512)
def _residual_profile(depth, residual, activation, weight_scale, width, batch, seed):
    # The same arithmetic as a stack of ``Residual([Dense, Activation])`` layers (the
    # tests check that), written as one loop: a slider step stays a few milliseconds.
    initializer = _init.get(RESIDUAL_ACTIVATIONS[activation])
    factor = initializer.factor(width, width) * weight_scale
    Ws = [_unit_weights(seed, i, width, initializer.distribution) * factor
          for i in range(depth)]
    fn = _act.get(activation)
    h = np.random.default_rng([seed, 10**6]).standard_normal((batch, width))
    cache = []
    out = np.empty(depth)
    with np.errstate(all="ignore"):
        for W in Ws:
            z = h @ W
            y = fn.forward(z)
            cache.append((z, y))
            h = h + y if residual else y
        d = _unit_top_gradient(seed, (batch, width))
        for i in range(depth - 1, -1, -1):
            z, y = cache[i]
            through_block = fn.backward(z, y, d) @ Ws[i].T       # (F')^T dY
            d = d + through_block if residual else through_block
            out[i] = np.linalg.norm(d)
    out[~np.isfinite(out)] = np.inf
    return _readonly(out)


# -- recurrent nets -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _sequences(seed: int, batch: int, n_in: int) -> np.ndarray:
    """Seeded standard-normal input sequences of the longest length; sliced per call."""
    return _readonly(np.random.default_rng([seed, 3]).standard_normal((batch, MAX_SEQ_LEN,
                                                                        n_in)))


@functools.lru_cache(maxsize=8)
def _unit_recurrent_weights(seed: int, n_in: int, n_hidden: int,
                            gates: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, gates])
    W_x = rng.standard_normal((n_in, gates * n_hidden)) / np.sqrt(n_in)
    W_h = rng.standard_normal((n_hidden, gates * n_hidden)) / np.sqrt(n_hidden)
    return _readonly(W_x), _readonly(W_h)


def _check_rec(seq_len, n_hidden, n_in, batch, seed):
    return (check_int("seq_len", seq_len, min_value=1, max_value=MAX_SEQ_LEN),
            check_int("n_hidden", n_hidden, min_value=1, max_value=256),
            check_int("n_in", n_in, min_value=1, max_value=256),
            check_int("batch", batch, min_value=1, max_value=256),
            check_int("seed", seed, min_value=0))


def _through_time(net, X, seed):
    H = net._forward(X, np.zeros((X.shape[0], net.n_hidden)),
                     *((np.zeros((X.shape[0], net.n_hidden)),) if isinstance(net, LSTM) else ()))
    dH = np.zeros_like(H)
    dH[:, -1] = _unit_top_gradient(seed, (X.shape[0], net.n_hidden))
    net._backward(dH, False)              # the signal through time only, no weight gradients


def rnn_gradient_through_time(seq_len: int, *, recurrent_scale: float = 1.0,
                              n_hidden: int = 32, n_in: int = 8, batch: int = 8,
                              seed: int = 0) -> np.ndarray:
    r"""Size of :math:`\partial E/\partial h_t` at every step of a plain tanh RNN.

    The loss reads only the last state, :math:`E = \sum R\circ h_T` with a
    seeded :math:`R` of norm 1, so the curve is 1 at :math:`t = T` and shows
    how backpropagation through time changes the signal on its way back:
    each step multiplies it by :math:`(1 - h_t^2)` and :math:`W_h^\top`.

    Parameters
    ----------
    seq_len : int
        :math:`T`, 1..400.
    recurrent_scale : float
        Spectral radius of :math:`W_h`, about (see :class:`lessons_lib.recurrent.RNN`), >= 0.
    n_hidden, n_in, batch : int
        Sizes (inputs are seeded standard normal).
    seed : int
        Seeds weights, inputs and :math:`R`.

    Returns
    -------
    ndarray, shape (seq_len,)
        Index 0 is :math:`t = 1`. Overflow is ``inf``, never NaN. Read-only.
    """
    args = _check_rec(seq_len, n_hidden, n_in, batch, seed)
    scale = check_float("recurrent_scale", recurrent_scale, min_value=0.0)
    return _rnn_run(args[0], scale, *args[1:])


@functools.lru_cache(maxsize=512)
def _rnn_run(seq_len, scale, n_hidden, n_in, batch, seed):
    W_x, W_h = _unit_recurrent_weights(seed, n_in, n_hidden, 1)
    net = RNN(n_in, n_hidden, W_x=W_x, W_h=W_h * scale)
    with np.errstate(all="ignore"):
        _through_time(net, _sequences(seed, batch, n_in)[:, :seq_len], seed)
        out = np.linalg.norm(net.dh, axis=(0, 2))
    out[~np.isfinite(out)] = np.inf
    return _readonly(out)


def lstm_gradient_through_time(seq_len: int, *, forget_bias: float = 1.0, n_hidden: int = 32,
                               n_in: int = 8, batch: int = 8,
                               seed: int = 0) -> dict[str, np.ndarray]:
    r"""Size of :math:`\partial E/\partial h_t` and :math:`\partial E/\partial c_t` in an LSTM.

    Same loss and inputs as :func:`rnn_gradient_through_time`. Going back one
    step along the cell path multiplies the signal by the forget gate
    :math:`f_t = \sigma(\dots + b_f)` only, so a large forget bias
    :math:`b_f` keeps it.

    Parameters
    ----------
    seq_len : int
        :math:`T`, 1..400.
    forget_bias : float
        Forget-gate bias :math:`b_f` (:math:`\sigma(b_f)` is the gate's typical opening).
    n_hidden, n_in, batch : int
        Sizes.
    seed : int
        Seeds weights, inputs and :math:`R`.

    Returns
    -------
    dict
        ``"h"`` and ``"c"``: ndarrays of shape (seq_len,), index 0 is
        :math:`t = 1`. Read-only.
    """
    args = _check_rec(seq_len, n_hidden, n_in, batch, seed)
    forget_bias = check_float("forget_bias", forget_bias)
    return _lstm_run(args[0], forget_bias, *args[1:])


@functools.lru_cache(maxsize=512)
def _lstm_run(seq_len, forget_bias, n_hidden, n_in, batch, seed):
    W_x, W_h = _unit_recurrent_weights(seed, n_in, n_hidden, 4)
    net = LSTM(n_in, n_hidden, W_x=W_x, W_h=W_h)
    net.params["b"][n_hidden:2 * n_hidden] = forget_bias
    with np.errstate(all="ignore"):
        _through_time(net, _sequences(seed, batch, n_in)[:, :seq_len], seed)
        out = {"h": np.linalg.norm(net.dh, axis=(0, 2)), "c": np.linalg.norm(net.dc, axis=(0, 2))}
    for v in out.values():
        v[~np.isfinite(v)] = np.inf
        _readonly(v)
    return out


def bptt_profile(seq_len: int, *, forget_bias: float = 1.0, recurrent_scale: float = 1.0,
                 n_hidden: int = 32, n_in: int = 8, batch: int = 8,
                 seed: int = 0) -> dict[str, np.ndarray]:
    """Both recurrent nets at once (the panel of notebook 10).

    Returns
    -------
    dict
        ``"rnn"`` (:func:`rnn_gradient_through_time`), ``"lstm_h"`` and
        ``"lstm_c"`` (:func:`lstm_gradient_through_time`), each of shape
        (seq_len,), index 0 is :math:`t = 1`.
    """
    rnn = rnn_gradient_through_time(seq_len, recurrent_scale=recurrent_scale,
                                    n_hidden=n_hidden, n_in=n_in, batch=batch, seed=seed)
    lstm = lstm_gradient_through_time(seq_len, forget_bias=forget_bias, n_hidden=n_hidden,
                                      n_in=n_in, batch=batch, seed=seed)
    return {"rnn": rnn, "lstm_h": lstm["h"], "lstm_c": lstm["c"]}
