r"""Finite-difference gradient checks (notebook 03 and every test).

The central difference

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}

has error :math:`O(h^2)`; in float64 with :math:`h = 10^{-5}` (about the
optimal :math:`\epsilon^{1/3}`) an analytic
gradient that is right agrees to about :math:`10^{-8}` in relative error.
Nothing here prints: every function returns numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .validation import check_array, check_float, check_int

__all__ = ["check_layer", "check_model", "numerical_gradient", "rel_error"]


def rel_error(a: Any, b: Any) -> float:
    r"""Relative error of ``a`` against ``b``, scaled by the larger array:

    .. math:: \frac{\max_i |a_i - b_i|}{\max(\max_i |a_i|,\ \max_i |b_i|,\ 10^{-12})}

    A finite difference carries round-off of about :math:`10^{-11}` times the
    loss scale in *every* entry, so an entry that is exactly 0 (a dead ReLU's
    bias) or tiny (a saturated unit) cannot be matched to many digits on its
    own; measuring each difference against the size of the whole gradient
    keeps the check meaningful. A 1 % error in the largest entries still reads
    as about 0.01. Never divides by zero: two arrays of zeros give 0.
    """
    a = check_array("a", a, allow_empty=True)
    b = check_array("b", b, allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-12)
    return float(np.max(np.abs(a - b)) / scale)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to ``x``.

    ``x`` is perturbed **in place** (and restored), so ``f`` should read it
    through a closure, e.g. a model parameter array.

    Parameters
    ----------
    f : callable
        No arguments, returns a float.
    x : ndarray of float64
        The array to differentiate with respect to.
    h : float
        Step, > 0.

    Returns
    -------
    ndarray, same shape as ``x``
    """
    if not callable(f):
        raise TypeError(f"f must be a callable taking no arguments, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        got = f"{type(x).__name__} of dtype {x.dtype}" if hasattr(x, "dtype") else type(x).__name__
        raise TypeError(f"x must be a float64 numpy array (it is perturbed in place), got {got}")
    h = check_float("h", h, min_value=0.0, min_inclusive=False)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = float(f())
        x[i] = old - h
        fm = float(f())
        x[i] = old
        grad[i] = (fp - fm) / (2.0 * h)
    return grad


def _loss_and_dout(Y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, Callable]:
    """A random linear loss E = sum(Y * R): dE/dY = R, sensitive to every output."""
    R = rng.standard_normal(Y.shape)
    return R, lambda out: float(np.sum(out * R))


def check_layer(layer: Any, X: Any, *, training: bool = True, seed: int = 0,
                h: float = 1e-5, reset: Callable[[], None] | None = None) -> dict[str, float]:
    """Compare a layer's ``backward`` with finite differences.

    Uses the loss :math:`E = \\sum Y \\circ R` with a seeded random ``R``.

    Parameters
    ----------
    layer : Layer
        Anything with ``forward(X, training=...)``, ``backward(dout)``,
        ``params`` and ``grads``.
    X : array_like
        Input batch.
    training : bool
        Mode of the forward passes.
    seed : int
        Seeds ``R``.
    h : float
        Finite-difference step.
    reset : callable, optional
        Called before every forward pass; use it to re-seed a random layer
        (dropout masks, RReLU slopes) so every pass sees the same draw.

    Returns
    -------
    dict
        ``{"X": rel_error, "<param>": rel_error, ...}``.
    """
    X = check_array("X", X).copy()
    seed = check_int("seed", seed, min_value=0)
    rng = np.random.default_rng(seed)

    def run() -> np.ndarray:
        if reset is not None:
            reset()
        return layer.forward(X, training=training)

    Y = run()
    R, loss = _loss_and_dout(Y, rng)
    dX = layer.backward(R)
    analytic = {"X": dX, **{k: v.copy() for k, v in layer.grads.items()}}
    numeric = {"X": numerical_gradient(lambda: loss(run()), X, h)}
    for k, p in layer.params.items():
        numeric[k] = numerical_gradient(lambda: loss(run()), p, h)
    return {k: rel_error(analytic[k], numeric[k]) for k in analytic}


def check_model(model: Any, X: Any, loss: Callable[[np.ndarray], tuple[float, np.ndarray]], *,
                training: bool = True, h: float = 1e-5,
                reset: Callable[[], None] | None = None) -> dict[str, float]:
    """Compare ``model.backward`` with finite differences for every parameter.

    Parameters
    ----------
    model : MLP
    X : array_like
        Input batch.
    loss : callable
        ``loss(Y) -> (E, dY)``, e.g. ``lambda Y: losses.mse(Y, T)``.
    training : bool
        Mode of the forward passes.
    h : float
        Finite-difference step.
    reset : callable, optional
        Called before every forward pass (re-seed dropout, ...).

    Returns
    -------
    dict
        ``{"X": rel_error, "dense0.W": rel_error, ...}``.
    """
    X = check_array("X", X).copy()

    def run() -> np.ndarray:
        if reset is not None:
            reset()
        return model.forward(X, training=training)

    _, dY = loss(run())
    dX = model.backward(dY)
    analytic = {"X": dX, **{k: v.copy() for k, v in model.gradients().items()}}
    numeric = {"X": numerical_gradient(lambda: loss(run())[0], X, h)}
    for k, p in model.parameters().items():
        numeric[k] = numerical_gradient(lambda: loss(run())[0], p, h)
    return {k: rel_error(analytic[k], numeric[k]) for k in analytic}
