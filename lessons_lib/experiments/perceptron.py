r"""The perceptron and its learning rule on logic gates (notebook 01).

A perceptron with inputs :math:`x_1, \dots, x_n` and the bias input
:math:`x_0 = 1` computes

.. math:: \mathrm{net} = \sum_{i=0}^{n} w_i x_i, \qquad
          y = \begin{cases} 1 & \mathrm{net} > 0 \\ 0 & \text{otherwise} \end{cases}

and learns, one sample at a time, with the perceptron rule

.. math:: \Delta w_i = \eta\,(t - y)\,x_i .

The weights change only when the answer is wrong. :func:`train_perceptron`
runs the rule for a number of *epochs* (passes over the four rows of a
truth table, always in the order (0,0), (0,1), (1,0), (1,1)) and records the
weights and the number of wrong answers after every epoch. Results are
memoized, so the panel's sliders can revisit a setting at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import data as _data
from ..data import with_bias
from ..speed import memo
from ..validation import check_array, check_choice, check_float, check_int

__all__ = [
    "GATES",
    "MAX_EPOCHS",
    "PerceptronRun",
    "initial_weights",
    "perceptron_output",
    "perceptron_update",
    "train_perceptron",
    "with_bias",
]

#: Gates :func:`train_perceptron` accepts (the truth tables of :func:`lessons_lib.data.logic_gate`).
GATES = ("and", "or", "xor", "nand")
#: Largest number of epochs :func:`train_perceptron` runs.
MAX_EPOCHS = 10_000


def perceptron_output(w: Any, X: Any) -> np.ndarray:
    r"""Step output :math:`y = [\,Xw > 0\,]` of a perceptron, as floats 0.0 / 1.0.

    Parameters
    ----------
    w : array_like, shape (n + 1,)
        Weights :math:`(w_0, w_1, \dots, w_n)`, ``w[0]`` multiplying :math:`x_0 = 1`.
    X : array_like, shape (N, n + 1)
        Inputs *with* the bias column (see :func:`with_bias`).

    Returns
    -------
    ndarray, shape (N,)
    """
    w = check_array("w", w, ndim=1)
    X = check_array("X", X, ndim=2)
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"X must have one column per weight ({w.shape[0]}, bias column "
                         f"included: use with_bias(X)), got shape {X.shape}")
    return (X @ w > 0).astype(np.float64)


def perceptron_update(w: Any, x: Any, t: float, lr: float) -> np.ndarray:
    r"""One step of the perceptron rule on one sample.

    .. math:: y = [\,w\cdot x > 0\,], \qquad w_i \leftarrow w_i + \eta\,(t - y)\,x_i

    Parameters
    ----------
    w : array_like, shape (n + 1,)
        Current weights.
    x : array_like, shape (n + 1,)
        One sample, ``x[0] = 1`` being the bias input.
    t : float
        Target, 0 or 1.
    lr : float
        Learning rate :math:`\eta > 0`.

    Returns
    -------
    ndarray, shape (n + 1,)
        The new weights (a new array; ``w`` is not modified).
    """
    w = check_array("w", w, ndim=1)
    x = check_array("x", x, shape=(w.shape[0],))
    t = check_float("t", t)
    if t not in (0.0, 1.0):
        raise ValueError(f"t must be 0 or 1, got {t}")
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    y = 1.0 if float(x @ w) > 0 else 0.0
    return w + lr * (t - y) * x


def initial_weights(seed: int = 0) -> np.ndarray:
    """The starting weights :math:`(w_0, w_1, w_2)`, drawn from :math:`U(-1, 1)`.

    Parameters
    ----------
    seed : int
        Seeds the draw; the same seed always gives the same weights.

    Returns
    -------
    ndarray, shape (3,)
    """
    seed = check_int("seed", seed, min_value=0)
    return np.random.default_rng(seed).uniform(-1.0, 1.0, 3)


@dataclass(frozen=True)
class PerceptronRun:
    """What :func:`train_perceptron` recorded (arrays are read-only).

    Attributes
    ----------
    gate : str
    lr : float
    weights : ndarray, shape (epochs + 1, 3)
        Row 0 the initial weights, row ``k`` the weights after epoch ``k``.
    errors : ndarray of int, shape (epochs + 1,)
        How many of the four rows the weights of that row get wrong.
    updates : ndarray of int, shape (epochs + 1,)
        How many samples changed the weights during that epoch (0 for row 0).
    first_all_correct : int or None
        First epoch after which all four rows are right (0 if the initial
        weights already are), ``None`` if that never happened.
    """

    gate: str
    lr: float
    weights: np.ndarray
    errors: np.ndarray
    updates: np.ndarray
    first_all_correct: int | None

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return int(self.weights.shape[0] - 1)


@memo(maxsize=512)
def _train(gate: str, lr: float, epochs: int, w_init: tuple[float, ...]) -> PerceptronRun:
    X, t = _data.logic_gate(gate)
    Xb = np.concatenate([np.ones((4, 1)), X], axis=1)
    targets = t.astype(np.float64)
    weights = np.empty((epochs + 1, 3))
    updates = np.zeros(epochs + 1, dtype=int)
    w = np.array(w_init, dtype=np.float64)
    weights[0] = w
    for epoch in range(1, epochs + 1):
        for x, target in zip(Xb, targets, strict=True):
            y = 1.0 if float(x @ w) > 0 else 0.0
            if y != target:
                w = w + lr * (target - y) * x
                updates[epoch] += 1
        weights[epoch] = w
    errors = np.count_nonzero((Xb @ weights.T > 0) != (targets[:, None] == 1.0), axis=0)
    right = np.flatnonzero(errors == 0)
    return PerceptronRun(gate, lr, weights, errors, updates,
                         int(right[0]) if right.size else None)


def train_perceptron(gate: str, *, lr: float = 0.1, epochs: int = 20, seed: int = 0,
                     w_init: Any = None) -> PerceptronRun:
    r"""Train a two-input perceptron on a logic gate with the perceptron rule.

    Each epoch visits the rows (0,0), (0,1), (1,0), (1,1) in this order and
    applies :math:`w \leftarrow w + \eta\,(t-y)\,x` after each one (online
    learning; :math:`x_0 = 1`).

    Parameters
    ----------
    gate : {"and", "or", "xor", "nand"}
        Truth table to learn (:func:`lessons_lib.data.logic_gate`).
    lr : float
        Learning rate :math:`\eta > 0`.
    epochs : int
        Passes over the four rows, 0..10000.
    seed : int
        Seeds the initial weights (:func:`initial_weights`) when ``w_init`` is not given.
    w_init : array_like, shape (3,), optional
        Initial weights :math:`(w_0, w_1, w_2)`; overrides ``seed``.

    Returns
    -------
    PerceptronRun
        Memoized: the same arguments return the same (read-only) object.
    """
    gate = check_choice("gate", gate.lower() if isinstance(gate, str) else gate, GATES)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    epochs = check_int("epochs", epochs, min_value=0, max_value=MAX_EPOCHS)
    w = initial_weights(seed)               # validates seed even when w_init is given
    if w_init is not None:
        w = check_array("w_init", w_init, shape=(3,))
    return _train(gate, lr, epochs, tuple(float(v) for v in w))
