r"""The delta rule: gradient descent for one layer of continuous units (notebook 02).

A layer of units with a differentiable activation :math:`f` computes
:math:`Y = f(XW)` (row-vector convention: ``X`` (N, n) with the bias input
:math:`x_0 = 1` in column 0, ``W`` (n, k)). With the squared error

.. math:: E = \tfrac12 \sum (T - Y)^2

the gradient is :math:`\partial E/\partial W = -X^\top\delta` with the
*learning signal* :math:`\delta = (T - Y)\circ f'(XW)`, and gradient descent
:math:`\Delta W = -\eta\,\partial E/\partial W` is the delta rule

.. math:: \Delta W = \eta\,X^\top (T - Y)\circ f'(XW) = \eta\,X^\top\delta .

``reduction="sum"`` uses :math:`E` as written (the notes' form and the
exercise's); ``reduction="mean"`` divides :math:`E`, its gradient and so the
step by the number of samples :math:`N`.

For a *linear* unit (:math:`f(z) = z`, :math:`f' = 1`) :math:`E` is a
quadratic bowl in :math:`W` with the constant Hessian
:math:`H = X^\top X/N` (mean reduction). Gradient descent multiplies the
distance to the minimum along the eigenvector of each eigenvalue
:math:`\lambda` by :math:`1 - \eta\lambda` per step, so it converges exactly
when :math:`\eta < 2/\lambda_{\max}` and diverges when
:math:`\eta > 2/\lambda_{\max}`. :func:`descent_path` follows it on the small
data set of :func:`toy_line`, whose two weights :math:`(w_0, w_1)` can be
drawn as a loss surface (:func:`loss_surface`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import sigmoid
from ..speed import memo
from ..validation import check_array, check_choice, check_float, check_int

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_START",
    "MAX_STEPS",
    "REDUCTIONS",
    "DescentPath",
    "delta_gradient",
    "delta_loss",
    "delta_rule_update",
    "delta_signal",
    "descent_path",
    "linear_hessian",
    "linear_minimum",
    "loss_surface",
    "lr_threshold",
    "toy_line",
    "unit_output",
]

#: Activations of the unit: ``linear`` (f' = 1) and ``sigmoid`` (f' = y(1 - y)).
ACTIVATIONS = ("linear", "sigmoid")
#: How the squared error is combined over the samples.
REDUCTIONS = ("mean", "sum")
#: Where :func:`descent_path` starts, :math:`(w_0, w_1)`.
DEFAULT_START = (-2.0, 2.0)
#: Most steps :func:`descent_path` takes.
MAX_STEPS = 5000


# -- the rule --------------------------------------------------------------------------------------
def _check_wxt(W: Any, X: Any, T: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    W = check_array("W", W, ndim=2)
    X = check_array("X", X, ndim=2)
    T = check_array("T", T, ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X must have one column per row of W ({W.shape[0]}, bias column "
                         f"included), got X of shape {X.shape}")
    if T.shape != (X.shape[0], W.shape[1]):
        raise ValueError(f"T must have shape (N, k) = ({X.shape[0]}, {W.shape[1]}) to match "
                         f"X {X.shape} and W {W.shape}, got shape {T.shape}")
    return W, X, T


def _scale(N: int, reduction: str) -> float:
    return 1.0 / N if reduction == "mean" else 1.0


def _forward(W: np.ndarray, X: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """``Y = f(XW)`` and ``f'(XW)``."""
    net = X @ W
    if activation == "linear":
        return net, np.ones_like(net)
    Y = sigmoid(net)
    return Y, Y * (1.0 - Y)


def unit_output(W: Any, X: Any, *, activation: str = "sigmoid") -> np.ndarray:
    r"""Output :math:`Y = f(XW)` of a layer of continuous units.

    Parameters
    ----------
    W : array_like, shape (n, k)
        Weights; row 0 multiplies the bias input :math:`x_0 = 1`.
    X : array_like, shape (N, n)
        Inputs with the bias column.
    activation : {"linear", "sigmoid"}

    Returns
    -------
    ndarray, shape (N, k)
    """
    W = check_array("W", W, ndim=2)
    X = check_array("X", X, ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X must have one column per row of W ({W.shape[0]}), "
                         f"got X of shape {X.shape}")
    check_choice("activation", activation, ACTIVATIONS)
    return _forward(W, X, activation)[0]


def delta_signal(W: Any, X: Any, T: Any, *, activation: str = "sigmoid") -> np.ndarray:
    r"""Learning signal :math:`\delta = (T - Y)\circ f'(XW)`.

    Parameters
    ----------
    W : array_like, shape (n, k)
    X : array_like, shape (N, n)
    T : array_like, shape (N, k)
        Targets.
    activation : {"linear", "sigmoid"}

    Returns
    -------
    ndarray, shape (N, k)
    """
    W, X, T = _check_wxt(W, X, T)
    check_choice("activation", activation, ACTIVATIONS)
    Y, fprime = _forward(W, X, activation)
    return (T - Y) * fprime


def delta_loss(W: Any, X: Any, T: Any, *, activation: str = "sigmoid",
               reduction: str = "sum") -> float:
    r"""Squared error :math:`E = \tfrac12\sum (T - Y)^2` (``sum``) or that divided by N (``mean``).

    Parameters
    ----------
    W : array_like, shape (n, k)
    X : array_like, shape (N, n)
    T : array_like, shape (N, k)
    activation : {"linear", "sigmoid"}
    reduction : {"sum", "mean"}

    Returns
    -------
    float
    """
    W, X, T = _check_wxt(W, X, T)
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("reduction", reduction, REDUCTIONS)
    Y, _ = _forward(W, X, activation)
    return float(0.5 * _scale(X.shape[0], reduction) * np.sum((T - Y) ** 2))


def delta_gradient(W: Any, X: Any, T: Any, *, activation: str = "sigmoid",
                   reduction: str = "sum") -> np.ndarray:
    r"""Gradient :math:`\partial E/\partial W = -X^\top\delta` (divided by N for ``mean``).

    Parameters
    ----------
    W : array_like, shape (n, k)
    X : array_like, shape (N, n)
    T : array_like, shape (N, k)
    activation : {"linear", "sigmoid"}
    reduction : {"sum", "mean"}

    Returns
    -------
    ndarray, shape (n, k)
    """
    W, X, T = _check_wxt(W, X, T)
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("reduction", reduction, REDUCTIONS)
    Y, fprime = _forward(W, X, activation)
    return -_scale(X.shape[0], reduction) * (X.T @ ((T - Y) * fprime))


def delta_rule_update(W: Any, X: Any, T: Any, lr: float, *, activation: str = "sigmoid",
                      reduction: str = "sum") -> np.ndarray:
    r"""One full-batch step of the delta rule, :math:`W + \eta X^\top\delta`.

    .. math:: Y = f(XW), \quad \delta = (T - Y)\circ f'(XW), \quad
              W \leftarrow W + \eta\,X^\top\delta

    With ``reduction="mean"`` the step is divided by N.

    Parameters
    ----------
    W : array_like, shape (n, k)
    X : array_like, shape (N, n)
        Inputs with the bias column.
    T : array_like, shape (N, k)
    lr : float
        Learning rate :math:`\eta > 0`.
    activation : {"linear", "sigmoid"}
    reduction : {"sum", "mean"}

    Returns
    -------
    ndarray, shape (n, k)
        The new weights (``W`` is not modified).
    """
    W, X, T = _check_wxt(W, X, T)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    check_choice("activation", activation, ACTIVATIONS)
    check_choice("reduction", reduction, REDUCTIONS)
    Y, fprime = _forward(W, X, activation)
    return W + lr * _scale(X.shape[0], reduction) * (X.T @ ((T - Y) * fprime))


# -- the linear unit's quadratic bowl --------------------------------------------------------------
def linear_hessian(X: Any, *, reduction: str = "mean") -> np.ndarray:
    r"""Hessian of :math:`E` for a linear unit: :math:`X^\top X/N` (``mean``) or :math:`X^\top X`.

    It does not depend on ``W`` or on the targets: the loss is exactly quadratic.

    Parameters
    ----------
    X : array_like, shape (N, n)
    reduction : {"mean", "sum"}

    Returns
    -------
    ndarray, shape (n, n)
        Symmetric, positive semi-definite.
    """
    X = check_array("X", X, ndim=2)
    check_choice("reduction", reduction, REDUCTIONS)
    return _scale(X.shape[0], reduction) * (X.T @ X)


def lr_threshold(X: Any, *, reduction: str = "mean") -> float:
    r"""Largest stable learning rate of gradient descent on a linear unit, :math:`2/\lambda_{\max}`.

    :math:`\lambda_{\max}` is the largest eigenvalue of :func:`linear_hessian`.
    For :math:`\eta < 2/\lambda_{\max}` the delta rule converges, for
    :math:`\eta > 2/\lambda_{\max}` it diverges (unless the start happens to
    lie exactly on a line without a component along the top eigenvector).

    Parameters
    ----------
    X : array_like, shape (N, n)
    reduction : {"mean", "sum"}

    Returns
    -------
    float
    """
    H = linear_hessian(X, reduction=reduction)
    lam = float(np.linalg.eigvalsh(H)[-1])
    if lam <= 0:
        raise ValueError("X must not be all zeros: its Hessian has no positive eigenvalue")
    return 2.0 / lam


def linear_minimum(X: Any, T: Any) -> np.ndarray:
    r"""Weights :math:`W^*` that minimize :math:`E` for a linear unit (least squares).

    Parameters
    ----------
    X : array_like, shape (N, n)
    T : array_like, shape (N, k)

    Returns
    -------
    ndarray, shape (n, k)
        The minimum-norm solution of :math:`X^\top X W = X^\top T`.
    """
    X = check_array("X", X, ndim=2)
    T = check_array("T", T, ndim=2)
    if T.shape[0] != X.shape[0]:
        raise ValueError(f"T must have one row per row of X ({X.shape[0]}), got shape {T.shape}")
    return np.linalg.lstsq(X, T, rcond=None)[0]


@memo(maxsize=8)
def _toy(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    x1 = np.linspace(0.0, 2.0, n)
    noise = np.random.default_rng(seed).standard_normal(n)
    X = np.c_[np.ones(n), x1]
    T = (0.5 + 1.0 * x1 + 0.3 * noise)[:, None]
    return X, T


def toy_line(n: int = 10, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""A small regression set for a linear unit with two weights :math:`(w_0, w_1)`.

    :math:`x_1` is evenly spaced on [0, 2] and :math:`t = 0.5 + x_1 + 0.3\,\varepsilon`
    with seeded standard normal noise :math:`\varepsilon`.

    Parameters
    ----------
    n : int
        Number of samples, 2..10000.
    seed : int
        Seeds the noise.

    Returns
    -------
    X : ndarray, shape (n, 2)
        Columns :math:`x_0 = 1` and :math:`x_1` (read-only).
    T : ndarray, shape (n, 1)
        Targets (read-only).
    """
    n = check_int("n", n, min_value=2, max_value=10_000)
    seed = check_int("seed", seed, min_value=0)
    return _toy(n, seed)


@dataclass(frozen=True)
class DescentPath:
    """Gradient descent on the linear unit of :func:`toy_line` (arrays are read-only).

    Attributes
    ----------
    lr : float
        Learning rate :math:`\\eta`.
    threshold : float
        :math:`2/\\lambda_{\\max}` of the mean-reduced Hessian.
    factor : float
        :math:`|1 - \\eta\\lambda_{\\max}|`, the per-step factor along the
        steepest direction (> 1: diverges).
    flat_factor : float
        :math:`|1 - \\eta\\lambda_{\\min}|`, the per-step factor along the
        flattest direction (close to 1: slow progress).
    weights : ndarray, shape (steps + 1, 2)
        :math:`(w_0, w_1)` before each step; row 0 is the start.
    loss : ndarray, shape (steps + 1,)
        :math:`E` (mean reduction) at those weights.
    excess : ndarray, shape (steps + 1,)
        :math:`E - E_{\\min} = \\tfrac12 (W - W^*)^\\top H (W - W^*)`, computed
        from the quadratic form so it is never negative from round-off.
    minimum : ndarray, shape (2,)
        :math:`W^*`.
    loss_min : float
        :math:`E(W^*)`.
    overflowed : bool
        True if the weights left float64's range; from there on every entry is ``inf``.
    """

    lr: float
    threshold: float
    factor: float
    flat_factor: float
    weights: np.ndarray
    loss: np.ndarray
    excess: np.ndarray
    minimum: np.ndarray
    loss_min: float
    overflowed: bool

    @property
    def diverges(self) -> bool:
        """True when :math:`\\eta > 2/\\lambda_{\\max}` (the distance to the minimum grows)."""
        return self.factor > 1.0

    @property
    def steps(self) -> np.ndarray:
        """Step numbers 0..steps, the x axis of a loss curve."""
        return np.arange(self.weights.shape[0])


@memo(maxsize=512)
def _descent(lr: float, steps: int, start: tuple[float, float], n: int,
             seed: int) -> DescentPath:
    X, T = _toy(n, seed)
    H = X.T @ X / n
    lam_min, lam_max = (float(v) for v in np.linalg.eigvalsh(H)[[0, -1]])
    w_star = np.linalg.lstsq(X, T, rcond=None)[0]
    loss_min = float(0.5 * np.mean((T - X @ w_star) ** 2))
    W = np.array(start, dtype=np.float64)[:, None]
    weights = np.full((steps + 1, 2), np.inf)
    overflowed = False
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            if not np.all(np.isfinite(W)):
                overflowed = True
                break
            weights[k] = W[:, 0]
            W = W + lr / n * (X.T @ (T - X @ W))
        d = weights - w_star[:, 0]
        excess = 0.5 * np.einsum("ki,ij,kj->k", d, H, d)
        loss = 0.5 * np.mean((T[:, 0] - weights @ X.T) ** 2, axis=1)
    for arr in (excess, loss):
        arr[~np.isfinite(arr)] = np.inf       # inf - inf would be NaN: report overflow as inf
    minimum = w_star[:, 0].copy()
    return DescentPath(lr, 2.0 / lam_max, abs(1.0 - lr * lam_max), abs(1.0 - lr * lam_min),
                       weights, loss, excess, minimum, loss_min, overflowed)


def descent_path(lr: float, *, steps: int = 40, start: Any = DEFAULT_START, n: int = 10,
                 seed: int = 0) -> DescentPath:
    r"""Full-batch gradient descent (the delta rule) on a linear unit, step by step.

    :math:`W \leftarrow W + \tfrac{\eta}{N}X^\top(T - XW)` on :func:`toy_line`,
    i.e. the mean-reduced :math:`E = \tfrac1N\sum\tfrac12(t-y)^2`.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    steps : int
        Number of updates, 0..5000.
    start : (float, float)
        Initial :math:`(w_0, w_1)`.
    n, seed : int
        Data set of :func:`toy_line`.

    Returns
    -------
    DescentPath
        Memoized. If the weights overflow float64 (a huge ``lr``), the rest of
        the path, loss and excess are ``inf`` and ``overflowed`` is True; never NaN.
    """
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=0, max_value=MAX_STEPS)
    start = check_array("start", start, shape=(2,))
    toy_line(n, seed=seed)                   # validates n and seed
    return _descent(lr, steps, (float(start[0]), float(start[1])), n, seed)


def loss_surface(extent: Any, *, resolution: int = 80, n: int = 10,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Mean-reduced :math:`E(w_0, w_1)` of the linear unit on :func:`toy_line`, on a grid.

    Parameters
    ----------
    extent : (w0_min, w0_max, w1_min, w1_max)
    resolution : int
        Grid points per axis, 2..500.
    n, seed : int
        Data set of :func:`toy_line`.

    Returns
    -------
    w0 : ndarray, shape (resolution,)
    w1 : ndarray, shape (resolution,)
    E : ndarray, shape (resolution, resolution)
        ``E[i, j]`` is the loss at ``(w0[j], w1[i])`` (rows follow ``w1``, as
        ``matplotlib.axes.Axes.contour`` expects).
    """
    ext = check_array("extent", extent, shape=(4,))
    if not (ext[0] < ext[1] and ext[2] < ext[3]):
        raise ValueError(f"extent must be (w0_min, w0_max, w1_min, w1_max) with min < max, "
                         f"got {tuple(float(v) for v in ext)}")
    resolution = check_int("resolution", resolution, min_value=2, max_value=500)
    X, T = toy_line(n, seed=seed)
    w0 = np.linspace(ext[0], ext[1], resolution)
    w1 = np.linspace(ext[2], ext[3], resolution)
    g0, g1 = np.meshgrid(w0, w1)
    grid = np.stack([g0.ravel(), g1.ravel()])              # (2, resolution**2)
    residual = T - X @ grid                                # (n, resolution**2)
    E = 0.5 * np.mean(residual**2, axis=0)
    return w0, w1, E.reshape(resolution, resolution)
