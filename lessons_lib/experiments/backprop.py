r"""Backpropagation written out in the notes' notation (notebook 03).

The notes put the bias into the weight matrices: every layer's input gets a
leading column of ones (:math:`x_0 = 1`, :math:`y^h_0 = 1`), so a layer is just

.. math:: \mathrm{net}^h = Y^{h-1}W^h, \qquad Y^h = f(\mathrm{net}^h),
          \qquad Y^0 = X,

with :math:`W^h` of shape ``(1 + n_{h-1}, n_h)``: row 0 holds the biases.
For :math:`L` weight layers and the error :math:`E = \tfrac12\sum (T - Y^L)^2`
(summed over the batch, as in the notes) the learning signals are

.. math::
    \delta^L = (T - Y^L)\circ f'(\mathrm{net}^L), \qquad
    \delta^h = \delta^{h+1}\,(\bar W^{h+1})^\top \circ f'(\mathrm{net}^h),

where :math:`\bar W^{h+1}` is :math:`W^{h+1}` without its bias row (the
constant :math:`y_0 = 1` has no input to pass anything back to), and every
weight change is

.. math:: \Delta W^h = \eta\,(Y^{h-1})^\top\delta^h = -\eta\,\frac{\partial E}{\partial W^h}.

:func:`forward_pass`, :func:`backward_pass` and :func:`squared_error` implement
this for any depth; :func:`train_xor` trains the one-hidden-layer case on XOR
with the same equations in a tight loop, cached per (width, η) for the live
panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import activations as _act
from .. import data as _data
from ..data import with_bias
from ..speed import memo
from ..validation import check_array, check_bool, check_float, check_int

__all__ = [
    "XOR_MAX_STEPS",
    "XOR_MAX_WIDTH",
    "BackwardPass",
    "ForwardPass",
    "XorRun",
    "backward_pass",
    "forward_pass",
    "init_weights",
    "squared_error",
    "train_xor",
    "with_bias",
    "xor_data",
    "xor_initial_weights",
]

#: Widest hidden layer :func:`train_xor` accepts (the base weights are drawn at this width).
XOR_MAX_WIDTH = 16
#: Most training steps :func:`train_xor` accepts.
XOR_MAX_STEPS = 20_000


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table in the notes' form.

    Returns
    -------
    X : ndarray, shape (4, 3)
        Rows ``(x0, x1, x2)`` with the bias input ``x0 = 1``.
    T : ndarray, shape (4, 1)
        Targets 0, 1, 1, 0.
    """
    X, y = _data.logic_gate("xor")
    return with_bias(X), y.astype(np.float64).reshape(-1, 1)


def init_weights(layer_sizes: Sequence[int], *, seed: int = 0, scale: float = 1.0,
                 hidden_bias: bool = True) -> list[np.ndarray]:
    r"""Weights :math:`W^1, \dots, W^L` drawn from :math:`U(-\text{scale}, \text{scale})`.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n, m_1, ..., m_h, l]``: inputs (without the bias input), hidden
        widths and outputs; at least two entries.
    seed : int
        Seeds one generator that draws every matrix, input side first.
    scale : float
        Half-width of the uniform distribution, > 0.
    hidden_bias : bool
        Give every hidden layer a bias unit :math:`y_0 = 1` (an extra row in
        the next matrix). The input always has :math:`x_0 = 1`.

    Returns
    -------
    list of ndarray
        ``W[0]`` has shape ``(n + 1, m_1)``; ``W[h]`` has shape
        ``(m_h + hidden_bias, m_{h+1})``.
    """
    sizes = _check_sizes(layer_sizes)
    seed = check_int("seed", seed, min_value=0)
    scale = check_float("scale", scale, min_value=0.0, min_inclusive=False)
    hidden_bias = check_bool("hidden_bias", hidden_bias)
    rng = np.random.default_rng(seed)
    weights = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        rows = n_in + (1 if i == 0 or hidden_bias else 0)
        weights.append(rng.uniform(-scale, scale, size=(rows, n_out)))
    return weights


@dataclass(frozen=True)
class ForwardPass:
    r"""Everything the forward pass computed.

    Attributes
    ----------
    nets : list of ndarray
        ``nets[h-1]`` is :math:`\mathrm{net}^h`, shape ``(N, m_h)``.
    Y : list of ndarray
        ``Y[0]`` is :math:`X`; ``Y[h]`` is :math:`Y^h`. Hidden outputs carry
        the bias column :math:`y_0 = 1` in front (when ``hidden_bias``); the
        output ``Y[-1]`` does not.
    """

    nets: list[np.ndarray]
    Y: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        """The network output :math:`Y^L`, shape ``(N, l)``."""
        return self.Y[-1]


@dataclass(frozen=True)
class BackwardPass:
    r"""Learning signals and weight changes of one backward pass.

    Attributes
    ----------
    E : float
        :math:`\tfrac12\sum(T - Y^L)^2` over the batch and the outputs.
    delta : list of ndarray
        ``delta[h-1]`` is :math:`\delta^h`, shape ``(N, m_h)``.
    dW : list of ndarray
        ``dW[h-1]`` is :math:`\Delta W^h = \eta (Y^{h-1})^\top\delta^h`, the
        shape of ``W^h``; add it to the weights to take one step.
    forward : ForwardPass
    """

    E: float
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    forward: ForwardPass

    @property
    def delta_norms(self) -> np.ndarray:
        r"""Frobenius norm :math:`\|\delta^h\|` of each layer's signal, input side first."""
        return np.array([np.linalg.norm(d) for d in self.delta])


def _check_sizes(layer_sizes: Any) -> list[int]:
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(f"layer_sizes must be a list of ints like [2, 3, 1], got {layer_sizes!r}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes must have at least 2 entries (inputs and outputs), "
                         f"got {list(layer_sizes)}")
    return [check_int(f"layer_sizes[{i}]", n, min_value=1) for i, n in enumerate(layer_sizes)]


def _check_activation(activation: Any) -> _act.Activation:
    name = _act.canonical_name(activation, "activation")
    if name in ("softmax", "rrelu", "prelu"):
        raise ValueError(f"activation must be a fixed elementwise function (not softmax, "
                         f"rrelu or prelu), got {name!r}")
    return _act.get(name)


def _check_network(X: Any, weights: Any, hidden_bias: Any) -> tuple[np.ndarray, list[np.ndarray],
                                                                     bool]:
    X = check_array("X", X, ndim=2)
    if not np.all(X[:, 0] == 1.0):
        raise ValueError("X must start with the bias column x0 = 1 (all ones), got column 0 = "
                         f"{np.round(X[:5, 0], 4).tolist()}...; use with_bias(X)")
    hidden_bias = check_bool("hidden_bias", hidden_bias)
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise TypeError(f"weights must be a non-empty list of 2-D arrays [W1, W2, ...], "
                        f"got {type(weights).__name__}")
    Ws = [check_array(f"weights[{i}]", W, ndim=2) for i, W in enumerate(weights)]
    rows = X.shape[1]
    for i, W in enumerate(Ws):
        if W.shape[0] != rows:
            what = "X has" if i == 0 else f"layer {i} gives {rows - hidden_bias} outputs" + (
                " plus the bias unit" if hidden_bias else "")
            raise ValueError(f"weights[{i}] must have {rows} rows ({what}), "
                             f"got shape {W.shape}")
        rows = W.shape[1] + (1 if hidden_bias else 0)
    return X, Ws, hidden_bias


def _forward(X: np.ndarray, Ws: list[np.ndarray], act: _act.Activation,
             hidden_bias: bool) -> ForwardPass:
    nets: list[np.ndarray] = []
    Ys: list[np.ndarray] = [X]
    for i, W in enumerate(Ws):
        net = Ys[-1] @ W
        Y = act.forward(net)
        if hidden_bias and i < len(Ws) - 1:
            Y = np.hstack([np.ones((Y.shape[0], 1)), Y])
        nets.append(net)
        Ys.append(Y)
    return ForwardPass(nets=nets, Y=Ys)


def forward_pass(X: Any, weights: Sequence[Any], *, activation: str = "sigmoid",
            hidden_bias: bool = True) -> ForwardPass:
    r"""Forward signal: :math:`\mathrm{net}^h = Y^{h-1}W^h`, :math:`Y^h = f(\mathrm{net}^h)`.

    Parameters
    ----------
    X : array_like, shape (N, 1 + n)
        Inputs with the bias column :math:`x_0 = 1` first (see :func:`with_bias`).
    weights : list of array_like
        :math:`W^1, \dots, W^L`; ``weights[0]`` has ``1 + n`` rows, each later
        one ``m_{h-1} (+1 if hidden_bias)`` rows.
    activation : str
        The same :math:`f` in every layer (default the notes' sigmoid).
    hidden_bias : bool
        Hidden layers carry a bias unit :math:`y_0 = 1`.

    Returns
    -------
    ForwardPass
    """
    act = _check_activation(activation)
    X, Ws, hidden_bias = _check_network(X, weights, hidden_bias)
    return _forward(X, Ws, act, hidden_bias)


def _check_targets(T: Any, fp: ForwardPass) -> np.ndarray:
    return check_array("T", T, shape=fp.output.shape)


def squared_error(X: Any, T: Any, weights: Sequence[Any], *, activation: str = "sigmoid",
          hidden_bias: bool = True) -> float:
    r"""The notes' error :math:`E = \tfrac12\sum_n\sum_k (t_{nk} - y^L_{nk})^2`.

    Summed (not averaged) over the batch, so :math:`\Delta W = \eta(Y^{h-1})^\top\delta`
    of :func:`backward_pass` is exactly :math:`-\eta\,\partial E/\partial W`.

    Parameters
    ----------
    X, weights, activation, hidden_bias
        As in :func:`forward_pass`.
    T : array_like, shape (N, l)
        Targets.

    Returns
    -------
    float
    """
    fp = forward_pass(X, weights, activation=activation, hidden_bias=hidden_bias)
    T = _check_targets(T, fp)
    diff = T - fp.output
    return float(0.5 * np.sum(diff * diff))


def backward_pass(X: Any, T: Any, weights: Sequence[Any], lr: float, *, activation: str = "sigmoid",
             hidden_bias: bool = True) -> BackwardPass:
    r"""Backward error: every learning signal :math:`\delta^h` and weight change :math:`\Delta W^h`.

    .. math::
        \delta^L = (T - Y^L)\circ f'(\mathrm{net}^L),\quad
        \delta^h = \delta^{h+1}(\bar W^{h+1})^\top\circ f'(\mathrm{net}^h),\quad
        \Delta W^h = \eta\,(Y^{h-1})^\top\delta^h

    computed from the output layer back to the first (hence the name).
    :math:`\bar W` drops the bias row when ``hidden_bias``. The weights are
    not changed: add ``dW`` to them to take the step.

    Parameters
    ----------
    X : array_like, shape (N, 1 + n)
        Inputs with :math:`x_0 = 1` first.
    T : array_like, shape (N, l)
        Targets.
    weights : list of array_like
        :math:`W^1, \dots, W^L` (see :func:`forward_pass`).
    lr : float
        Learning rate :math:`\eta > 0`.
    activation : str
        :math:`f` of every layer.
    hidden_bias : bool
        Hidden layers carry a bias unit.

    Returns
    -------
    BackwardPass
    """
    act = _check_activation(activation)
    X, Ws, hidden_bias = _check_network(X, weights, hidden_bias)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    fp = _forward(X, Ws, act, hidden_bias)
    T = _check_targets(T, fp)
    diff = T - fp.output
    delta = diff * act.grad(fp.nets[-1])
    deltas = [delta]
    for h in range(len(Ws) - 2, -1, -1):                  # hidden layers, output side first
        W_next = Ws[h + 1][1:] if hidden_bias else Ws[h + 1]
        delta = (delta @ W_next.T) * act.grad(fp.nets[h])
        deltas.append(delta)
    deltas.reverse()
    dW = [lr * fp.Y[h].T @ deltas[h] for h in range(len(Ws))]
    return BackwardPass(E=float(0.5 * np.sum(diff * diff)), delta=deltas, dW=dW, forward=fp)


# -- the live panel's experiment -------------------------------------------------------------------
@dataclass(frozen=True)
class XorRun:
    r"""One training run of a 2-``width``-1 sigmoid net on XOR (see :func:`train_xor`).

    Attributes
    ----------
    width, lr, steps, seed
        The arguments.
    step : ndarray, shape (steps + 1,)
        0, 1, ..., steps: the number of updates taken.
    loss : ndarray, shape (steps + 1,)
        :math:`E` after that many updates.
    delta : ndarray, shape (steps + 1, 2)
        :math:`\|\delta^1\|` (input side) and :math:`\|\delta^2\|` (output
        side), Frobenius norms over the 4 samples, at those weights.
    output : ndarray, shape (4,)
        :math:`Y^2` for the inputs (0,0), (0,1), (1,0), (1,1) after training.
    W1, W2 : ndarray
        Final weights, shapes ``(3, width)`` and ``(width + 1, 1)``.
    """

    width: int
    lr: float
    steps: int
    seed: int
    step: np.ndarray
    loss: np.ndarray
    delta: np.ndarray
    output: np.ndarray
    W1: np.ndarray
    W2: np.ndarray

    @property
    def solved(self) -> bool:
        """True when every output is on the right side of 0.5."""
        _, T = xor_data()
        return bool(np.all((self.output > 0.5) == (T[:, 0] > 0.5)))


@memo(maxsize=8)
def _xor_base_weights(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """U(-1, 1) weights at the widest width, drawn once per seed.

    Narrower nets use the first ``width`` hidden units, so adding a unit
    never changes the ones already there.
    """
    rng = np.random.default_rng([seed, 3])
    W1 = rng.uniform(-1.0, 1.0, size=(3, XOR_MAX_WIDTH))
    W2 = rng.uniform(-1.0, 1.0, size=(XOR_MAX_WIDTH + 1, 1))
    return W1, W2


def xor_initial_weights(width: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The starting weights of :func:`train_xor`.

    Parameters
    ----------
    width : int
        Hidden units, 1..16.
    seed : int
        Which cached draw to use.

    Returns
    -------
    W1 : ndarray, shape (3, width)
        Row 0 multiplies the bias input :math:`x_0 = 1`.
    W2 : ndarray, shape (width + 1, 1)
        Row 0 multiplies the hidden bias unit :math:`y^1_0 = 1`.
        Both are fresh, writable copies of the first ``width`` units of one
        :math:`U(-1, 1)` draw per seed.
    """
    width = check_int("width", width, min_value=1, max_value=XOR_MAX_WIDTH)
    seed = check_int("seed", seed, min_value=0)
    B1, B2 = _xor_base_weights(seed)
    return B1[:, :width].copy(), B2[:width + 1].copy()


@memo(maxsize=512)
def _train_xor(width: int, lr: float, steps: int, seed: int) -> XorRun:
    X, T = xor_data()
    XT = X.T.copy()
    W1, W2 = xor_initial_weights(width, seed=seed)
    Y1b = np.ones((4, width + 1))             # hidden output with the bias unit y0 = 1
    loss = np.empty(steps + 1)
    d1 = np.empty((steps + 1, 4, width))
    d2 = np.empty((steps + 1, 4, 1))
    with np.errstate(over="ignore"):           # exp overflow -> sigmoid 0 exactly, as intended
        for t in range(steps + 1):
            Y1 = 1.0 / (1.0 + np.exp(-(X @ W1)))            # Y1 = f(net1), net1 = X W1
            Y1b[:, 1:] = Y1
            Y2 = 1.0 / (1.0 + np.exp(-(Y1b @ W2)))          # Y2 = f(net2), net2 = Y1 W2
            diff = T - Y2
            loss[t] = 0.5 * np.sum(diff * diff)
            delta2 = diff * Y2 * (1.0 - Y2)                 # (T - Y2) o f'(net2)
            delta1 = (delta2 @ W2[1:].T) * Y1 * (1.0 - Y1)  # delta2 (W2)^T o f'(net1)
            d1[t] = delta1
            d2[t] = delta2
            if t == steps:
                break
            W2 += lr * (Y1b.T @ delta2)                     # dW2 = eta (Y1)^T delta2
            W1 += lr * (XT @ delta1)                        # dW1 = eta X^T delta1
    delta = np.c_[np.sqrt(np.sum(d1 * d1, axis=(1, 2))), np.sqrt(np.sum(d2 * d2, axis=(1, 2)))]
    run = XorRun(width=width, lr=lr, steps=steps, seed=seed, step=np.arange(steps + 1.0),
                 loss=loss, delta=delta, output=Y2[:, 0].copy(), W1=W1, W2=W2)
    return run


def train_xor(width: int, lr: float, *, steps: int = 1000, seed: int = 0) -> XorRun:
    r"""Train a 2-``width``-1 sigmoid network on XOR with the notes' backpropagation.

    Full batch (the 4 rows of the truth table), :math:`E = \tfrac12\sum(T-Y^2)^2`
    (:math:`Y^2` is the output layer's output, not a square),
    both layers sigmoid, bias units :math:`x_0 = y^1_0 = 1`, starting weights
    :math:`U(-1, 1)` drawn once per seed (see :func:`xor_initial_weights`).
    Each step applies :math:`\Delta W^2 = \eta (Y^1)^\top\delta^2` and
    :math:`\Delta W^1 = \eta X^\top\delta^1` — the equations of :func:`backward_pass`.

    Results are memoized: a slider that returns to a (width, η) costs nothing.
    η is rounded to 6 significant digits first, so the slider's ``10 ** 0.3``
    and the same number computed elsewhere share one run.

    Parameters
    ----------
    width : int
        Hidden units, 1..16.
    lr : float
        Learning rate :math:`\eta`, in (0, 100].
    steps : int
        Updates, 1..20000.
    seed : int
        Seeds the starting weights.

    Returns
    -------
    XorRun
        Read-only arrays (copy before modifying). A sigmoid output cannot
        overflow, so no value is ever NaN or inf.
    """
    width = check_int("width", width, min_value=1, max_value=XOR_MAX_WIDTH)
    lr = check_float("lr", lr, min_value=0.0, max_value=100.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=XOR_MAX_STEPS)
    seed = check_int("seed", seed, min_value=0)
    return _train_xor(width, float(f"{lr:.6g}"), steps, seed)
