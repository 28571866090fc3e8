"""Small seeded toy data sets (notebooks 01–11).

Every function returns ``(X, y)`` with ``X`` of shape ``(n, 2)`` float64 and
``y`` of shape ``(n,)`` int labels, and takes ``seed=`` or ``rng=``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_array, check_choice, check_float, check_int, check_rng

__all__ = ["blobs", "circles", "logic_gate", "moons", "spirals", "standardize", "with_bias"]

_GATES = {
    "and": np.array([0, 0, 0, 1]),
    "or": np.array([0, 1, 1, 1]),
    "xor": np.array([0, 1, 1, 0]),
    "nand": np.array([1, 1, 1, 0]),
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input gate.

    Parameters
    ----------
    name : {"and", "or", "xor", "nand"}

    Returns
    -------
    X : ndarray, shape (4, 2)
        Rows (0,0), (0,1), (1,0), (1,1).
    y : ndarray, shape (4,)
    """
    key = check_choice("name", name.lower() if isinstance(name, str) else name, _GATES)
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, _GATES[key].copy()


def _rng(rng: np.random.Generator | None, seed: int) -> np.random.Generator:
    if rng is not None:
        return check_rng("rng", rng)
    return np.random.default_rng(check_int("seed", seed, min_value=0))


def moons(n: int = 200, *, noise: float = 0.1, seed: int = 0,
          rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (labels 0 and 1), ``n`` points in all."""
    n = check_int("n", n, min_value=2)
    noise = check_float("noise", noise, min_value=0.0)
    g = _rng(rng, seed)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.vstack([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    X = X + noise * g.standard_normal(X.shape)
    perm = g.permutation(n)
    return X[perm], y[perm]


def circles(n: int = 200, *, noise: float = 0.05, factor: float = 0.5, seed: int = 0,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (label 1) inside a large one (label 0); ``factor`` is the radius ratio."""
    n = check_int("n", n, min_value=2)
    noise = check_float("noise", noise, min_value=0.0)
    factor = check_float("factor", factor, min_value=0.0, max_value=1.0, min_inclusive=False,
                         max_inclusive=False)
    g = _rng(rng, seed)
    n0 = n // 2
    t = g.uniform(0, 2 * np.pi, n)
    r = np.r_[np.ones(n0), np.full(n - n0, factor)]
    X = np.c_[r * np.cos(t), r * np.sin(t)] + noise * g.standard_normal((n, 2))
    y = np.r_[np.zeros(n0, int), np.ones(n - n0, int)]
    perm = g.permutation(n)
    return X[perm], y[perm]


def spirals(n: int = 200, *, n_classes: int = 2, noise: float = 0.2, seed: int = 0,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the classic cs231n set)."""
    n = check_int("n", n, min_value=2)
    k = check_int("n_classes", n_classes, min_value=2)
    noise = check_float("noise", noise, min_value=0.0)
    g = _rng(rng, seed)
    sizes = [n // k + (1 if c < n % k else 0) for c in range(k)]
    Xs, ys = [], []
    for c, m in enumerate(sizes):
        r = np.linspace(0.05, 1.0, m)
        start = c * 2 * np.pi / k
        t = np.linspace(start, start + 4.0, m) + noise * g.standard_normal(m)
        Xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(m, c))
    X, y = np.vstack(Xs), np.concatenate(ys)
    perm = g.permutation(n)
    return X[perm], y[perm]


def blobs(n: int = 200, *, centers: int = 3, spread: float = 0.5, seed: int = 0,
          rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs around ``centers`` points on a circle of radius 2."""
    n = check_int("n", n, min_value=2)
    k = check_int("centers", centers, min_value=1)
    spread = check_float("spread", spread, min_value=0.0)
    g = _rng(rng, seed)
    y = np.arange(n) % k
    angles = 2 * np.pi * np.arange(k) / k
    C = 2.0 * np.c_[np.cos(angles), np.sin(angles)]
    X = C[y] + spread * g.standard_normal((n, 2))
    perm = g.permutation(n)
    return X[perm], y[perm]


def standardize(X: np.ndarray) -> np.ndarray:
    """Scale every column to mean 0 and standard deviation 1 (SELU needs this)."""
    X = check_array("X", X, ndim=2)
    std = X.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"X must not have a constant column, got std {std}")
    return (X - X.mean(axis=0)) / std


def with_bias(X: Any) -> np.ndarray:
    r"""Prepend the bias input :math:`x_0 = 1` to every row (the notes' convention).

    Parameters
    ----------
    X : array_like, shape (N, n)
        Inputs :math:`x_1 \dots x_n`, one sample per row.

    Returns
    -------
    ndarray, shape (N, n + 1)
        ``[1, x_1, ..., x_n]`` per row.
    """
    X = check_array("X", X, ndim=2)
    return np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
