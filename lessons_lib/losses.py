r"""Loss functions; each returns ``(loss, dY)`` with ``dY = dE/dY`` (notebooks 02–11).

All losses average over the batch (``reduction="mean"``, the default) or sum
(``reduction="sum"``), so a learning rate does not depend on the batch size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .activations import sigmoid
from .validation import check_array, check_bool, check_choice, check_same_shape

__all__ = ["NAMES", "binary_cross_entropy", "get", "mse", "softmax_cross_entropy"]

#: Loss names :func:`get` (and so ``MLP.step`` and ``training.train``) accept.
NAMES = ("mse", "binary_cross_entropy", "softmax_cross_entropy")

_REDUCTIONS = ("mean", "sum")


def _scale(n: int, reduction: str) -> float:
    return 1.0 / n if reduction == "mean" else 1.0


def mse(Y: Any, T: Any, *, reduction: str = "mean") -> tuple[float, np.ndarray]:
    r"""Squared error in the notes' half-sum form.

    .. math:: E = \tfrac12 \textstyle\sum_k (t_k - y_k)^2, \qquad
              \frac{\partial E}{\partial y_k} = -(t_k - y_k) = y_k - t_k

    per sample, then averaged (or summed) over the batch.

    Parameters
    ----------
    Y : array_like, shape (N, K) or (N,)
        Network outputs.
    T : array_like, same shape as ``Y``
        Targets.
    reduction : {"mean", "sum"}

    Returns
    -------
    loss : float
    dY : ndarray, same shape as ``Y``
    """
    Y = check_array("Y", Y, ndim=(1, 2))
    T = check_array("T", T, ndim=(1, 2))
    check_same_shape("Y", Y, "T", T)
    check_choice("reduction", reduction, _REDUCTIONS)
    s = _scale(Y.shape[0], reduction)
    diff = Y - T
    return float(0.5 * s * np.sum(diff * diff)), s * diff


def binary_cross_entropy(Y: Any, T: Any, *, from_logits: bool = False,
                         reduction: str = "mean") -> tuple[float, np.ndarray]:
    r"""Binary cross-entropy for sigmoid outputs.

    .. math:: E = -\textstyle\sum_k \left[t_k\ln y_k + (1-t_k)\ln(1-y_k)\right]

    With ``from_logits=True``, ``Y`` holds :math:`z` with :math:`y=\sigma(z)` and
    the loss is computed stably as :math:`\max(z,0) - zt + \ln(1+e^{-|z|})`; then
    :math:`\partial E/\partial z = \sigma(z) - t`.

    Parameters
    ----------
    Y : array_like, shape (N, K) or (N,)
        Probabilities in [0, 1], or logits if ``from_logits``.
    T : array_like, same shape
        Targets in [0, 1].
    from_logits : bool
    reduction : {"mean", "sum"}

    Returns
    -------
    loss : float
    dY : ndarray, same shape as ``Y`` (w.r.t. probabilities or logits)
    """
    Y = check_array("Y", Y, ndim=(1, 2))
    T = check_array("T", T, ndim=(1, 2))
    check_same_shape("Y", Y, "T", T)
    from_logits = check_bool("from_logits", from_logits)
    check_choice("reduction", reduction, _REDUCTIONS)
    if np.any((T < 0) | (T > 1)):
        raise ValueError(f"T must hold targets in [0, 1], got values from {T.min()} to {T.max()}")
    s = _scale(Y.shape[0], reduction)
    if from_logits:
        loss = np.sum(np.maximum(Y, 0.0) - Y * T + np.log1p(np.exp(-np.abs(Y))))
        return float(s * loss), s * (sigmoid(Y) - T)
    if np.any((Y < 0) | (Y > 1)):
        raise ValueError(f"Y must hold probabilities in [0, 1] (or pass from_logits=True), "
                         f"got values from {Y.min()} to {Y.max()}")
    eps = 1e-12
    P = np.clip(Y, eps, 1.0 - eps)
    loss = -np.sum(T * np.log(P) + (1.0 - T) * np.log1p(-P))
    return float(s * loss), s * (P - T) / (P * (1.0 - P))


def softmax_cross_entropy(Z: Any, T: Any, *, reduction: str = "mean") -> tuple[float, np.ndarray]:
    r"""Softmax followed by cross-entropy, computed from the logits ``Z``.

    .. math:: E = -\textstyle\sum_k t_k \ln s_k,\quad s=\mathrm{softmax}(z),\qquad
              \frac{\partial E}{\partial z} = s - t

    computed with the log-sum-exp shift, so large logits do not overflow.

    Parameters
    ----------
    Z : array_like, shape (N, K)
        Logits (use a linear output layer).
    T : array_like
        One-hot targets of shape (N, K), or integer class labels of shape (N,).
    reduction : {"mean", "sum"}

    Returns
    -------
    loss : float
    dZ : ndarray, shape (N, K)
    """
    Z = check_array("Z", Z, ndim=2)
    check_choice("reduction", reduction, _REDUCTIONS)
    n, k = Z.shape
    T_arr = np.asarray(T)
    if T_arr.ndim == 1 and T_arr.shape[0] == n and np.issubdtype(T_arr.dtype, np.integer):
        if np.any((T_arr < 0) | (T_arr >= k)):
            raise ValueError(f"T must hold class labels in 0..{k - 1}, got values from "
                             f"{T_arr.min()} to {T_arr.max()}")
        onehot = np.zeros((n, k))
        onehot[np.arange(n), T_arr] = 1.0
    else:
        onehot = check_array("T", T, shape=(n, k))
        if np.any((onehot < 0) | (onehot > 1)):
            raise ValueError(f"T must hold target probabilities in [0, 1] (or integer labels), "
                             f"got values from {onehot.min()} to {onehot.max()}")
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    log_s = shifted - log_sum
    s = _scale(n, reduction)
    loss = -np.sum(onehot * log_s)
    return float(s * loss), s * (np.exp(log_s) * onehot.sum(axis=1, keepdims=True) - onehot)


def _bce_logits(Y: Any, T: Any) -> tuple[float, np.ndarray]:
    return binary_cross_entropy(Y, T, from_logits=True)


def get(name: str) -> Callable[[Any, Any], tuple[float, np.ndarray]]:
    """The loss ``fn(Y, T) -> (loss, dY)`` of a name in :data:`NAMES`, batch-averaged.

    ``"binary_cross_entropy"`` and ``"softmax_cross_entropy"`` take the
    network's output as **logits** (a linear output layer), the stable form.

    Parameters
    ----------
    name : {"mse", "binary_cross_entropy", "softmax_cross_entropy"}
    """
    check_choice("loss", name, NAMES)
    return {"mse": mse, "binary_cross_entropy": _bce_logits,
            "softmax_cross_entropy": softmax_cross_entropy}[name]
