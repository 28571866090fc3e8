r"""Residual shortcuts, LSTM and pre-training: the numbers behind notebook 10
(and the RNN example of notebook 09).

* :func:`residual_profile` — the gradient :math:`\|\partial E/\partial X^l\|`
  reaching the input of every block of a deep stack, with and without
  identity shortcuts (:class:`lessons_lib.layers.Residual`);
* :func:`rnn_gradient_through_time`, :func:`lstm_gradient_through_time`,
  :func:`bptt_profile` — :math:`\|\partial E/\partial h_t\|` for every time
  step of a plain RNN and of an LSTM (:mod:`lessons_lib.recurrent`) when the
  loss reads only the last state;
* :func:`pretrain_layers`, :func:`pretraining_comparison` — greedy layer-wise
  pre-training (Hinton et al., 2006) and fine-tuning, against training from
  random weights.

In the first two, the gradient that enters at the top (the last block, the
last time step) is a fixed seeded matrix of Frobenius norm 1, so every curve
starts at 1 and shows only how the backward pass changes the signal's size.
The deep stack is the one of lessons 05 and 07
(:mod:`lessons_lib.experiments.vanishing`): the same layers, weights and inputs.

Weights and inputs are drawn once per seed and rescaled, never redrawn per
slider step; results are memoised and read-only (copy before modifying).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import activations as _act
from .. import data as _data
from ..model import MLP
from ..recurrent import LSTM, RNN
from ..speed import memo, one_blas_thread
from ..training import accuracy, train
from ..validation import check_array, check_bool, check_choice, check_float, check_int
from .vanishing import _batch, _deep_stack

__all__ = [
    "MAX_RESIDUAL_DEPTH",
    "MAX_SEQ_LEN",
    "RESIDUAL_ACTIVATIONS",
    "FineTuneRun",
    "bptt_profile",
    "lstm_gradient_through_time",
    "pretrain_layers",
    "pretraining_comparison",
    "residual_profile",
    "rnn_gradient_through_time",
]

MAX_RESIDUAL_DEPTH = 300
MAX_SEQ_LEN = 400
#: Activations of :func:`residual_profile` and the initializer each one gets.
RESIDUAL_ACTIVATIONS = {"sigmoid": "glorot_uniform", "tanh": "glorot_uniform",
                        "relu": "he_normal"}


def _unit_top_gradient(seed: int, shape: tuple[int, int]) -> np.ndarray:
    """The seeded gradient that enters at the top, scaled to Frobenius norm 1."""
    R = np.random.default_rng([seed, 7]).standard_normal(shape)
    return R / np.linalg.norm(R)


# -- residual stacks ----------------------------------------------------------------------------
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


@memo(maxsize=512)
def _residual_profile(depth, residual, activation, weight_scale, width, batch, seed):
    X, _ = _batch(seed, batch, width, 0.0, 1.0)
    out = np.empty(depth)
    with one_blas_thread(), np.errstate(all="ignore"):
        blocks, _ = _deep_stack(depth, width, activation, None, RESIDUAL_ACTIVATIONS[activation],
                                weight_scale, False, residual, seed)
        h = X
        for block in blocks:
            h = block.forward(h, check=False)
        d = _unit_top_gradient(seed, (batch, width))
        for i in range(depth - 1, -1, -1):
            d = blocks[i].backward(d, check=False)       # dY + (F')^T dY with a shortcut
            out[i] = np.linalg.norm(d)
    out[~np.isfinite(out)] = np.inf
    return out


# -- recurrent nets -----------------------------------------------------------------------------
@memo(maxsize=8)
def _sequences(seed: int, batch: int, n_in: int) -> np.ndarray:
    """Seeded standard-normal input sequences of the longest length; sliced per call."""
    return np.random.default_rng([seed, 3]).standard_normal((batch, MAX_SEQ_LEN, n_in))


@memo(maxsize=8)
def _unit_recurrent_weights(seed: int, n_in: int, n_hidden: int,
                            gates: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, gates])
    W_x = rng.standard_normal((n_in, gates * n_hidden)) / np.sqrt(n_in)
    W_h = rng.standard_normal((n_hidden, gates * n_hidden)) / np.sqrt(n_hidden)
    return W_x, W_h


def _check_rec(seq_len, n_hidden, n_in, batch, seed):
    return (check_int("seq_len", seq_len, min_value=1, max_value=MAX_SEQ_LEN),
            check_int("n_hidden", n_hidden, min_value=1, max_value=256),
            check_int("n_in", n_in, min_value=1, max_value=256),
            check_int("batch", batch, min_value=1, max_value=256),
            check_int("seed", seed, min_value=0))


def _through_time(net: RNN | LSTM, X: np.ndarray, seed: int) -> None:
    """Run ``net`` on ``X`` from zero states and send the top gradient back from the last step."""
    H = net.forward(X)
    dH = np.zeros_like(H)
    dH[:, -1] = _unit_top_gradient(seed, (X.shape[0], net.n_hidden))
    net.backward(dH, weights=False)        # the signal through time only, no weight gradients


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


@memo(maxsize=512)
def _rnn_run(seq_len, scale, n_hidden, n_in, batch, seed):
    W_x, W_h = _unit_recurrent_weights(seed, n_in, n_hidden, 1)
    net = RNN(n_in, n_hidden, W_x=W_x, W_h=W_h * scale)
    with one_blas_thread(), np.errstate(all="ignore"):
        _through_time(net, _sequences(seed, batch, n_in)[:, :seq_len], seed)
        out = np.linalg.norm(net.dh, axis=(0, 2))
    out[~np.isfinite(out)] = np.inf
    return out


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


@memo(maxsize=512)
def _lstm_run(seq_len, forget_bias, n_hidden, n_in, batch, seed):
    W_x, W_h = _unit_recurrent_weights(seed, n_in, n_hidden, 4)
    net = LSTM(n_in, n_hidden, forget_bias=forget_bias, W_x=W_x, W_h=W_h)
    with one_blas_thread(), np.errstate(all="ignore"):
        _through_time(net, _sequences(seed, batch, n_in)[:, :seq_len], seed)
        out = {"h": np.linalg.norm(net.dh, axis=(0, 2)), "c": np.linalg.norm(net.dc, axis=(0, 2))}
    for v in out.values():
        v[~np.isfinite(v)] = np.inf
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


# -- greedy layer-wise pre-training ---------------------------------------------------------
def pretrain_layers(model: MLP, X: Any, *, steps: int = 300, lr: float = 0.5,
                    seed: int = 0) -> np.ndarray:
    r"""Greedy layer-wise pre-training of ``model``'s hidden layers, in place.

    For hidden layer :math:`l` (input side first), with :math:`H^{0} = X`:

    1. train the autoencoder :math:`H^{l-1} \to f(H^{l-1}W + b) \to (\cdot)V + c`
       (the model's hidden activation :math:`f`, a linear decoder) to
       reconstruct :math:`H^{l-1}` under the squared error, by full-batch
       gradient descent;
    2. copy its encoder :math:`W, b` into the model's layer :math:`l`;
    3. :math:`H^{l} = f(H^{l-1}W + b)` becomes the next layer's input.

    The output layer is left as initialized.

    Parameters
    ----------
    model : MLP
        A plain stack (no BatchNorm, dropout or shortcuts), at least one hidden layer.
    X : array_like, shape (N, model.layer_sizes[0])
        Unlabeled inputs.
    steps : int
        Gradient steps per autoencoder, 1..5000.
    lr : float
        Learning rate of the autoencoders, > 0.
    seed : int
        Autoencoder ``l`` is initialized with seed ``seed + l``.

    Returns
    -------
    ndarray, shape (n_hidden_layers,)
        Final reconstruction error of each autoencoder.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")
    if model.batchnorm or model.dropout or model.residual:
        raise ValueError("model must be a plain stack for layer-wise pre-training, got "
                         f"batchnorm={model.batchnorm}, dropout={model.dropout}, "
                         f"residual={model.residual}")
    if len(model.layer_sizes) < 3:
        raise ValueError(f"model must have at least one hidden layer, "
                         f"got layer_sizes={model.layer_sizes}")
    H = check_array("X", X, shape=(None, model.layer_sizes[0]))
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    seed = check_int("seed", seed, min_value=0)
    errors = []
    for i, layer in enumerate(model.dense_layers[:-1]):
        ae = MLP([layer.n_in, layer.n_out, layer.n_in], activation=model.activation,
                 activation_params=model.activation_params, output_activation="linear",
                 seed=seed + i)
        result = train(ae, H, H, loss="mse", lr=lr, steps=steps)
        if result.diverged:
            raise ValueError(f"autoencoder {i} diverged with lr={lr}: try a smaller lr")
        encoder, act = ae.layers[0], ae.layers[1]
        layer.params["W"][...] = encoder.params["W"]
        layer.params["b"][...] = encoder.params["b"]
        errors.append(float(result.loss[-1]))
        H = act.forward(encoder.forward(H, training=False), training=False)
    return np.array(errors)


@dataclass(frozen=True)
class FineTuneRun:
    """One supervised training run of :func:`pretraining_comparison`.

    Attributes
    ----------
    loss : ndarray (steps,)
        Binary cross-entropy before each update.
    first_over_last : float
        :math:`\\|\\partial E/\\partial W^1\\| / \\|\\partial E/\\partial W^L\\|` at the
        first step: how much weaker the input layer's gradient is than the output layer's.
    accuracy : float
        Training accuracy at the end (threshold 0 on the logit).
    probability : ndarray (N,)
        :math:`\\sigma(y)` of the trained net for every training point (inference
        mode): the probability it gives to class 1.
    reconstruction_error : ndarray
        Final reconstruction error of each autoencoder of :func:`pretrain_layers`,
        shape (depth,), for the pre-trained net; shape (0,) for the others.
    """

    loss: np.ndarray
    first_over_last: float
    accuracy: float
    probability: np.ndarray
    reconstruction_error: np.ndarray


@memo(maxsize=16)
def _comparison(depth, width, pre_steps, pre_lr, steps, lr, relu_lr, seed):
    X, y = _data.moons(200, noise=0.1, seed=0)
    X = _data.standardize(X)
    T = y[:, None].astype(float)
    sizes = [2] + [width] * depth + [1]
    runs = {}
    for name in ("random", "pretrained", "relu_he"):
        if name == "relu_he":
            model = MLP(sizes, activation="relu", init="he_normal", seed=seed)
        else:
            model = MLP(sizes, activation="sigmoid", init="glorot_uniform", seed=seed)
        errors = np.empty(0)
        if name == "pretrained":
            errors = pretrain_layers(model, X, steps=pre_steps, lr=pre_lr, seed=100 + seed)
        result = train(model, X, T, loss="binary_cross_entropy",
                       lr=relu_lr if name == "relu_he" else lr, steps=steps)
        g = result.history.weight_grad[0]
        runs[name] = FineTuneRun(
            loss=result.loss, first_over_last=float(g[0] / g[-1]),
            accuracy=accuracy(model, X, y, threshold=0.0),
            probability=_act.sigmoid(model.forward(X, training=False))[:, 0],
            reconstruction_error=errors)
    return runs


def pretraining_comparison(*, depth: int = 5, width: int = 16, pre_steps: int = 300,
                           pre_lr: float = 0.5, steps: int = 400, lr: float = 1.0,
                           relu_lr: float = 0.1, seed: int = 0) -> dict[str, FineTuneRun]:
    """Fine-tuning after layer-wise pre-training vs training from random init.

    Data: 200 moons (noise 0.1, standardized), binary cross-entropy on the
    logit output, full-batch gradient descent.

    Parameters
    ----------
    depth : int
        Hidden layers, 1..20.
    width : int
        Units per hidden layer, 1..128.
    pre_steps, pre_lr
        Steps and learning rate of each autoencoder (:func:`pretrain_layers`).
    steps : int
        Supervised steps of every run, 1..5000.
    lr : float
        Supervised learning rate of the two sigmoid nets, > 0.
    relu_lr : float
        Learning rate of the ReLU net, > 0 (1.0 kills its units: dying ReLU).
    seed : int
        Seeds the nets' initial weights (the same for "random" and "pretrained").

    Returns
    -------
    dict of str to FineTuneRun
        ``"random"`` — sigmoid net, Glorot init, no pre-training;
        ``"pretrained"`` — the same net after :func:`pretrain_layers` (seed ``100 + seed``);
        ``"relu_he"`` — ReLU net with He init, no pre-training (the modern recipe).
        Memoised and read-only.
    """
    depth = check_int("depth", depth, min_value=1, max_value=20)
    width = check_int("width", width, min_value=1, max_value=128)
    pre_steps = check_int("pre_steps", pre_steps, min_value=1, max_value=5000)
    pre_lr = check_float("pre_lr", pre_lr, min_value=0.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    relu_lr = check_float("relu_lr", relu_lr, min_value=0.0, min_inclusive=False)
    seed = check_int("seed", seed, min_value=0)
    return _comparison(depth, width, pre_steps, pre_lr, steps, lr, relu_lr, seed)
