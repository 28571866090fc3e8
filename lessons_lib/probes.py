r"""Measure what flows through a model (notebooks 03, 04, 05, 06, 11).

After ``model.forward(X)`` and ``model.backward(dY)``:

* :func:`weight_grad_norms` — :math:`\|\partial E/\partial W^l\|` per dense layer;
* :func:`delta_norms` — the learning signal :math:`\|\delta^l\|`,
  :math:`\delta^l = \partial E/\partial\,\mathrm{net}^l`, per dense layer;
* :func:`activation_stats` — mean, std, saturated / dead fraction and
  activation rate of every hidden activation;
* :class:`History` — records those per training step ("learning speed per layer");
* :class:`GradientMonitor` — per-layer gradient norms and update-to-weight
  ratios during any training run, with a report that flags unhealthy layers
  (notebook 12).

Index 0 is always the input-side layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_float, check_int

__all__ = ["GradientMonitor", "History", "activation_stats", "delta_norms", "weight_grad_norms"]


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
    if any(d.dnet is None for d in model.dense_layers):
        raise RuntimeError("delta_norms needs model.backward to have run first")
    return np.array([np.linalg.norm(d.dnet) for d in model.dense_layers])  # |delta| = |dE/dnet|


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


class GradientMonitor:
    r"""Watch every dense layer's gradient and update size while a model trains.

    Call :meth:`record` after each training step. It stores, per dense layer
    :math:`l` (index 0 the input side):

    * the gradient norm :math:`\|\partial E/\partial W^l\|` of the last backward pass;
    * the update-to-weight ratio :math:`\|\Delta W^l\| / \|W^l\|`, the change
      since the previous :meth:`record` (or since the monitor was made)
      relative to the weights before it — the number a learning rate acts on.
      CS231n's rule of thumb puts a healthy ratio near :math:`10^{-3}`.

    :meth:`flags` and :meth:`report` turn the recent steps into a verdict per
    layer. The thresholds are rules of thumb, not laws; change them to suit.

    Parameters
    ----------
    model : MLP
        The model to watch (it is only read).
    vanishing : float
        A layer whose median gradient norm is below this fraction of the
        largest layer's is flagged ``"vanishing"`` (default ``1e-4``: four
        orders of magnitude).
    exploding : float
        A gradient norm above this, or not finite, is flagged ``"exploding"``.
    ratio_low, ratio_high : float
        A median update ratio below ``ratio_low`` is flagged ``"stalled"``
        (the layer barely moves), above ``ratio_high`` ``"too fast"``.

    Examples
    --------
    >>> monitor = GradientMonitor(model)
    >>> for _ in range(100):
    ...     model.step(X, T, optimizer=opt, loss="binary_cross_entropy")
    ...     monitor.record()
    >>> print(monitor.report())
    """

    def __init__(self, model: Any, *, vanishing: float = 1e-4, exploding: float = 1e3,
                 ratio_low: float = 1e-5, ratio_high: float = 1e-1) -> None:
        _check_model(model)
        self.model = model
        self.vanishing = check_float("vanishing", vanishing, min_value=0.0, max_value=1.0,
                                     min_inclusive=False)
        self.exploding = check_float("exploding", exploding, min_value=0.0, min_inclusive=False)
        self.ratio_low = check_float("ratio_low", ratio_low, min_value=0.0, min_inclusive=False)
        self.ratio_high = check_float("ratio_high", ratio_high, min_value=0.0,
                                      min_inclusive=False)
        if self.ratio_low >= self.ratio_high:
            raise ValueError(f"ratio_low must be below ratio_high, got {self.ratio_low} and "
                             f"{self.ratio_high}")
        self._previous = [d.params["W"].copy() for d in model.dense_layers]
        self._grads: list[np.ndarray] = []
        self._ratios: list[np.ndarray] = []

    def record(self) -> None:
        """Store this step's gradient norms and update ratios (call after each step)."""
        with np.errstate(all="ignore"):
            self._grads.append(weight_grad_norms(self.model))
            ratios = []
            for i, dense in enumerate(self.model.dense_layers):
                W, before = dense.params["W"], self._previous[i]
                ratios.append(np.linalg.norm(W - before) / np.linalg.norm(before))
                self._previous[i] = W.copy()
        self._ratios.append(np.array(ratios))

    def __len__(self) -> int:
        return len(self._grads)

    @property
    def grad_norms(self) -> np.ndarray:
        """Gradient norm per step and dense layer, shape (steps, n_dense_layers)."""
        return np.array(self._grads).reshape(len(self), len(self.model.dense_layers))

    @property
    def update_ratios(self) -> np.ndarray:
        r"""The ratio :math:`\|\Delta W\|/\|W\|` per step and dense layer.

        Shape (steps, n_dense_layers).
        """
        return np.array(self._ratios).reshape(len(self), len(self.model.dense_layers))

    def flags(self, window: int = 10) -> list[tuple[str, str]]:
        """Two verdicts per dense layer from the last ``window`` recorded steps.

        Returns
        -------
        list of (gradient, update) pairs
            ``gradient`` is ``"exploding"``, ``"vanishing"`` or ``"ok"``;
            ``update`` is ``"stalled"``, ``"too fast"`` or ``"ok"`` (see the
            class parameters). The two can disagree: under Adam a layer with a
            vanishing gradient can still move at a healthy rate.
        """
        window = check_int("window", window, min_value=1)
        if not self._grads:
            raise RuntimeError("GradientMonitor.flags needs at least one record() first")
        g = self.grad_norms[-window:]
        r = self.update_ratios[-window:]
        with np.errstate(all="ignore"):
            g_med = np.median(g, axis=0)
            r_med = np.median(r, axis=0)
        finite = np.isfinite(g_med)
        top = np.max(g_med[finite]) if np.any(finite) else np.inf
        out = []
        for j in range(g.shape[1]):
            if not np.all(np.isfinite(g[:, j])) or g_med[j] > self.exploding:
                grad = "exploding"
            elif g_med[j] < self.vanishing * top:
                grad = "vanishing"
            else:
                grad = "ok"
            if not np.isfinite(r_med[j]) or r_med[j] > self.ratio_high:
                update = "too fast"
            elif r_med[j] < self.ratio_low:
                update = "stalled"
            else:
                update = "ok"
            out.append((grad, update))
        return out

    def report(self, window: int = 10) -> str:
        """A table: per dense layer the median gradient norm and update ratio, each judged."""
        flags = self.flags(window)
        with np.errstate(all="ignore"):
            g_med = np.median(self.grad_norms[-window:], axis=0)
            r_med = np.median(self.update_ratios[-window:], axis=0)
        n = min(window, len(self))
        lines = [f"last {n} step{'s' if n != 1 else ''}: median per dense layer "
                 "(layer 1 = input side)",
                 f"{'layer':>5}  {'|dE/dW|':>9}  {'gradient':<9}  {'|dW|/|W|':>9}  update"]
        for j, (grad, update) in enumerate(flags):
            lines.append(f"{j + 1:>5}  {g_med[j]:>9.2g}  {grad:<9}  {r_med[j]:>9.2g}  {update}")
        return "\n".join(lines)
