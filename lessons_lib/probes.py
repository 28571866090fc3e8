r"""Measure what flows through a model (notebooks 03, 04, 05, 06, 11).

After ``model.forward(X)`` and ``model.backward(dY)``:

* :func:`weight_grad_norms` — :math:`\|\partial E/\partial W^l\|` per dense layer;
* :func:`delta_norms` — the learning signal :math:`\|\delta^l\|`,
  :math:`\delta^l = \partial E/\partial\,\mathrm{net}^l`, per dense layer;
* :func:`activation_stats` — mean, std, saturated / dead fraction and
  activation rate of every hidden activation;
* :class:`History` — records those per training step ("learning speed per layer").

Index 0 is always the input-side layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_float

__all__ = ["History", "activation_stats", "delta_norms", "weight_grad_norms"]


def _check_model(model: Any) -> None:
    if not hasattr(model, "dense_layers") or not hasattr(model, "activation_layers"):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")


def weight_grad_norms(model: Any) -> np.ndarray:
    """Frobenius norm of each dense layer's weight gradient, input side first.

    Returns
    -------
    ndarray, shape (n_dense_layers,)
    """
    _check_model(model)
    return np.array([np.linalg.norm(d.grads["W"]) for d in model.dense_layers])


def delta_norms(model: Any) -> np.ndarray:
    r"""Frobenius norm of each dense layer's learning signal :math:`\delta^l` over the batch.

    Raises ``RuntimeError`` before the first ``backward``.
    """
    _check_model(model)
    if any(d.delta is None for d in model.dense_layers):
        raise RuntimeError("delta_norms needs model.backward to have run first")
    return np.array([np.linalg.norm(d.delta) for d in model.dense_layers])


def activation_stats(model: Any, *, saturation: float = 0.05) -> dict[str, np.ndarray]:
    r"""Statistics of every hidden activation from the last forward pass.

    Parameters
    ----------
    model : MLP
    saturation : float
        A unit counts as *saturated* on a sample when
        :math:`|f'(\mathrm{net})| < \text{saturation}\cdot\max|f'|`: it passes
        back less than that share of the gradient it could (sigmoid/tanh tails).

    Returns
    -------
    dict of ndarray, each of shape (n_hidden_layers,)
        ``mean`` and ``std`` of the outputs :math:`Y^l`; ``saturated`` — share
        of saturated entries; ``dead`` — share of units whose derivative is 0
        for every sample of the batch (dead ReLUs); ``active`` — share of
        entries with :math:`Y > 0` (ReLU activation rate, 1 − sparsity).
    """
    _check_model(model)
    saturation = check_float("saturation", saturation, min_value=0.0, max_value=1.0)
    hidden = model.activation_layers[:-1]
    if any(a._cache is None for a in hidden):
        raise RuntimeError("activation_stats needs model.forward to have run first")
    out: dict[str, list[float]] = {k: [] for k in ("mean", "std", "saturated", "dead", "active")}
    for layer in hidden:
        z, y, training = layer._cache
        with np.errstate(all="ignore"):
            g = np.abs(layer.fn.grad(z, training=training))
            out["mean"].append(float(np.mean(y)))
            out["std"].append(float(np.std(y)))
        out["saturated"].append(float(np.mean(g < saturation * layer.fn.max_grad)))
        out["dead"].append(float(np.mean(np.all(g == 0, axis=0))))
        out["active"].append(float(np.mean(y > 0)))
    return {k: np.array(v) for k, v in out.items()}


class History:
    """Per-step record of per-layer gradient sizes during training.

    Call :meth:`record` after each ``backward``; read arrays of shape
    ``(n_steps, n_dense_layers)`` from :attr:`weight_grad` and :attr:`delta`,
    and the loss curve from :attr:`loss`.

    Examples
    --------
    >>> hist = History()
    >>> for step in range(100):
    ...     loss, dY = losses.mse(model.forward(X), T)
    ...     model.backward(dY); hist.record(model, loss)
    ...     opt.step(model.parameters(), model.gradients())
    >>> hist.weight_grad.shape
    (100, 3)
    """

    def __init__(self) -> None:
        self._weight: list[np.ndarray] = []
        self._delta: list[np.ndarray] = []
        self._loss: list[float] = []

    def record(self, model: Any, loss: float | None = None) -> None:
        """Append the current per-layer norms (and the loss, if given)."""
        self._weight.append(weight_grad_norms(model))
        self._delta.append(delta_norms(model))
        self._loss.append(np.nan if loss is None else check_float("loss", loss))

    def __len__(self) -> int:
        return len(self._weight)

    @property
    def weight_grad(self) -> np.ndarray:
        """Weight-gradient norms, shape (n_steps, n_dense_layers)."""
        return np.array(self._weight)

    @property
    def delta(self) -> np.ndarray:
        """Learning-signal norms, shape (n_steps, n_dense_layers)."""
        return np.array(self._delta)

    @property
    def loss(self) -> np.ndarray:
        """Loss per step (NaN where none was given), shape (n_steps,)."""
        return np.array(self._loss)
