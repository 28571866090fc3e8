"""A small, explicit training loop shared by the lessons (notebooks 02, 03, 05, 07–11).

:func:`train` runs full-batch or mini-batch gradient descent on an
:class:`~lessons_lib.model.MLP` with optional clipping and weight penalties,
and records the loss and per-layer gradient sizes of every step, so a lesson
can show *how fast each layer learns*. Divergence is not an error: the run
stops early and says so in :attr:`TrainResult.diverged`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import losses as _losses
from . import optim
from .probes import History
from .validation import check_array, check_choice, check_float, check_int

__all__ = ["LOSSES", "TrainResult", "accuracy", "train"]

#: Loss names accepted by :func:`train` (see :func:`lessons_lib.losses.get`).
LOSSES = _losses.NAMES


@dataclass
class TrainResult:
    """What :func:`train` measured.

    Attributes
    ----------
    loss : ndarray (steps,)
        Training loss before each update (data loss plus penalty).
    history : History
        Per-step, per-layer weight-gradient and learning-signal norms.
    grad_norm : ndarray (steps,)
        Global gradient norm before clipping.
    steps : int
        Steps actually taken (fewer than asked if the run diverged).
    diverged : bool
        True if the loss or a gradient became non-finite; training stopped there.
    """

    loss: np.ndarray
    history: History
    grad_norm: np.ndarray
    steps: int
    diverged: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def train(model: Any, X: Any, T: Any, *, loss: str = "mse", lr: float = 0.1, steps: int = 100,
          momentum: float = 0.0, batch_size: int | None = None, clip_norm: float | None = None,
          clip_value: float | None = None, l1: float = 0.0, l2: float = 0.0,
          seed: int = 0) -> TrainResult:
    """Train ``model`` in place and return what happened at each step.

    Parameters
    ----------
    model : MLP
        Trained in place.
    X : array_like (N, n_in)
        Inputs.
    T : array_like
        Targets: (N, n_out) for ``mse``; 0/1 of shape (N, 1) for
        ``binary_cross_entropy`` (the model's output is taken as logits); class
        labels (N,) or one-hot (N, K) for ``softmax_cross_entropy`` (logits).
    loss : {"mse", "binary_cross_entropy", "softmax_cross_entropy"}
    lr : float
        Learning rate, > 0.
    steps : int
        Number of updates, >= 1.
    momentum : float
        SGD momentum in [0, 1).
    batch_size : int, optional
        Mini-batch size (a fresh shuffle each epoch from ``seed``); full batch if None.
    clip_norm, clip_value : float, optional
        Clip the gradients by global norm / by value before the update.
    l1, l2 : float
        Weight penalties on the weight matrices, >= 0.
    seed : int
        Seeds the mini-batch order.

    Returns
    -------
    TrainResult
    """
    if not hasattr(model, "parameters") or not hasattr(model, "layer_sizes"):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")
    X = check_array("X", X, shape=(None, model.layer_sizes[0]))
    check_choice("loss", loss, LOSSES)
    if loss == "softmax_cross_entropy" and np.asarray(T).ndim == 1:
        T = np.asarray(T)
        if not np.issubdtype(T.dtype, np.integer):
            raise TypeError(f"T must hold integer class labels for softmax_cross_entropy, "
                            f"got dtype {T.dtype}")
    else:
        T = check_array("T", T, ndim=2)
    if T.shape[0] != X.shape[0]:
        raise ValueError(f"T must have one row per sample of X ({X.shape[0]}), "
                         f"got {T.shape[0]}")
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1)
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, min_value=1, max_value=n)
    if clip_norm is not None:
        clip_norm = check_float("clip_norm", clip_norm, min_value=0.0, min_inclusive=False)
    if clip_value is not None:
        clip_value = check_float("clip_value", clip_value, min_value=0.0, min_inclusive=False)
    l1 = check_float("l1", l1, min_value=0.0)
    l2 = check_float("l2", l2, min_value=0.0)
    rng = np.random.default_rng(check_int("seed", seed, min_value=0))
    opt = optim.SGD(lr=lr, momentum=momentum)

    history = History()
    losses_: list[float] = []
    norms: list[float] = []
    order = np.arange(n)
    pos = n
    diverged = False
    for _ in range(steps):
        if batch_size is None:
            xb, tb = X, T
        else:
            if pos + batch_size > n:
                order = rng.permutation(n)
                pos = 0
            idx = order[pos:pos + batch_size]
            pos += batch_size
            xb, tb = X[idx], T[idx]
        step = model.step(xb, tb, optimizer=opt, loss=loss, clip_norm=clip_norm,
                          clip_value=clip_value, l1=l1, l2=l2, check=False)
        if step.overflow:
            diverged = True
            break
        history.record(model, step.loss)
        losses_.append(step.loss)
        norms.append(step.grad_norm)
    return TrainResult(loss=np.array(losses_), history=history, grad_norm=np.array(norms),
                       steps=len(losses_), diverged=diverged)


def accuracy(model: Any, X: Any, y: Any, *, threshold: float = 0.5) -> float:
    """Share of correct predictions, in inference mode.

    Parameters
    ----------
    model : MLP
    X : array_like (N, n_in)
    y : array_like (N,)
        Integer class labels (0/1 for one output).
    threshold : float
        One output only: predict class 1 above it (0.5 for a probability or an
        MSE score, 0.0 for a logit). Several outputs: the arg-max class.

    Returns
    -------
    float in [0, 1]
    """
    if not hasattr(model, "layer_sizes"):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")
    X = check_array("X", X, shape=(None, model.layer_sizes[0]))
    y = check_array("y", y, ndim=(1, 2)).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per sample of X ({X.shape[0]}), "
                         f"got {y.shape[0]}")
    threshold = check_float("threshold", threshold)
    out = model.forward(X, training=False)
    pred = (out[:, 0] > threshold).astype(float) if out.shape[1] == 1 else np.argmax(out, axis=1)
    return float(np.mean(pred == y))
