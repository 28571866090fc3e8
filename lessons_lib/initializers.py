r"""Weight initializers (notebook 06).

:func:`get` returns an :class:`Initializer`, a callable
``init(n_in, n_out, rng) -> W`` with ``W.shape == (n_in, n_out)`` (the notes'
row-vector convention ``Y = f(X @ W + b)``).

Every scheme of the notes is a case of Keras's ``VarianceScaling``: draw
weights with variance :math:`\mathrm{scale}/n`, where :math:`n` is the fan
chosen by ``mode``:

=====================  ========  ========  ==================
name                   scale     mode      distribution
=====================  ========  ========  ==================
``glorot_uniform``     1         fan_avg   uniform
``glorot_normal``      1         fan_avg   truncated_normal
``he_uniform``         2         fan_in    uniform
``he_normal``          2         fan_in    truncated_normal
``lecun_uniform``      1         fan_in    uniform
``lecun_normal``       1         fan_in    truncated_normal
=====================  ========  ========  ==================

with ``fan_avg = (n_in + n_out) / 2``. A uniform :math:`U(-r, r)` has
variance :math:`r^2/3`, so :math:`r = \sqrt{3\,\mathrm{scale}/n}`. The
truncated normal is cut at two standard deviations and its standard
deviation is divided by 0.87962566103423978 so the *variance after
truncation* is still :math:`\mathrm{scale}/n`, as in Keras.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .validation import check_choice, check_float, check_int, check_rng

__all__ = [
    "NAMES",
    "Initializer",
    "VarianceScaling",
    "canonical_name",
    "get",
    "truncated_normal",
    "unit_draw",
]

#: Standard deviation of a standard normal truncated to [-2, 2].
TRUNCATED_STD = 0.87962566103423978

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def truncated_normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal samples redrawn until they lie in [-2, 2]."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while np.any(bad):
        out[bad] = rng.standard_normal(int(np.count_nonzero(bad)))
        bad = np.abs(out) > 2.0
    return out


def unit_draw(distribution: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Unit-scale draw: U(-1, 1), N(0, 1), N(0, 1) truncated to [-2, 2], or ones.

    An initializer's weights are this draw times :meth:`Initializer.factor`.
    """
    if distribution == "uniform":
        return rng.uniform(-1.0, 1.0, size=shape)
    if distribution == "truncated_normal":
        return truncated_normal(rng, shape)
    if distribution == "normal":
        return rng.standard_normal(shape)
    check_choice("distribution", distribution, (*DISTRIBUTIONS, "constant"))
    return np.ones(shape)


class Initializer:
    """A weight initializer: ``init(n_in, n_out, rng) -> W``.

    ``W = base * std(n_in, n_out)`` where ``base`` is a unit-scale draw of
    ``distribution`` ("normal", "truncated_normal", "uniform" on [-1, 1],
    "constant"), so a cached base draw can be rescaled instead of redrawn
    (the live panels rely on this).
    """

    name = "initializer"
    distribution = "normal"

    def std(self, n_in: int, n_out: int) -> float:
        """Target standard deviation of a weight (0 for constant schemes)."""
        raise NotImplementedError

    def factor(self, n_in: int, n_out: int) -> float:
        """Multiplier applied to the unit draw :meth:`base`."""
        s = self.std(n_in, n_out)
        if self.distribution == "uniform":
            return s * math.sqrt(3.0)          # U(-1, 1) has std 1/sqrt(3)
        if self.distribution == "truncated_normal":
            return s / TRUNCATED_STD
        return s

    def base(self, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        """Unit-scale draw of shape ``(n_in, n_out)`` for :attr:`distribution`."""
        return unit_draw(self.distribution, (n_in, n_out), rng)

    def __call__(self, n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
        """Draw a weight matrix.

        Parameters
        ----------
        n_in, n_out : int
            Fan-in (rows) and fan-out (columns), both >= 1.
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        ndarray, shape (n_in, n_out), float64
        """
        n_in = check_int("n_in", n_in, min_value=1)
        n_out = check_int("n_out", n_out, min_value=1)
        rng = check_rng("rng", rng)
        return self.base(n_in, n_out, rng) * self.factor(n_in, n_out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Zeros(Initializer):
    """All weights 0: every hidden unit stays identical (symmetry; notebook 06)."""

    name = "zeros"
    distribution = "constant"

    def std(self, n_in, n_out):
        return 0.0

    def factor(self, n_in, n_out):
        return 0.0


class Constant(Initializer):
    """All weights equal to ``value``; as symmetric as zeros."""

    name = "constant"
    distribution = "constant"

    def __init__(self, value: float = 0.1) -> None:
        self.value = check_float("value", value)

    def std(self, n_in, n_out):
        return 0.0

    def factor(self, n_in, n_out):
        return self.value

    def __repr__(self):
        return f"Constant(value={self.value})"


class Uniform(Initializer):
    """Fixed-range uniform :math:`U(-\\text{limit}, \\text{limit})`, default ±0.05."""

    name = "uniform"
    distribution = "uniform"

    def __init__(self, limit: float = 0.05) -> None:
        self.limit = check_float("limit", limit, min_value=0.0)

    def std(self, n_in, n_out):
        return self.limit / math.sqrt(3.0)

    def factor(self, n_in, n_out):
        return self.limit

    def __repr__(self):
        return f"Uniform(limit={self.limit})"


class FanInUniform(Initializer):
    r""":math:`U(-1/\sqrt{d}, 1/\sqrt{d})` with :math:`d` = n_in (the classic default)."""

    name = "fan_in_uniform"
    distribution = "uniform"

    def std(self, n_in, n_out):
        return 1.0 / math.sqrt(3.0 * n_in)


class VarianceScaling(Initializer):
    r"""Keras's general scheme: variance :math:`\mathrm{scale}/n`.

    Parameters
    ----------
    scale : float
        Positive multiplier of the variance (2 for ReLU, "He").
    mode : {"fan_in", "fan_out", "fan_avg"}
        Which fan :math:`n` is: ``n_in``, ``n_out`` or ``(n_in + n_out)/2``.
    distribution : {"truncated_normal", "normal", "uniform"}
        Shape of the draw; the variance is the same for all three.
    """

    name = "variance_scaling"

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal") -> None:
        self.scale = check_float("scale", scale, min_value=0.0, min_inclusive=False)
        self.mode = check_choice("mode", mode, MODES)
        self.distribution = check_choice("distribution", distribution, DISTRIBUTIONS)

    def fan(self, n_in: int, n_out: int) -> float:
        """The fan :math:`n` selected by ``mode``."""
        if self.mode == "fan_in":
            return float(n_in)
        if self.mode == "fan_out":
            return float(n_out)
        return (n_in + n_out) / 2.0

    def std(self, n_in, n_out):
        return math.sqrt(self.scale / self.fan(n_in, n_out))

    def __repr__(self):
        return (f"VarianceScaling(scale={self.scale}, mode={self.mode!r}, "
                f"distribution={self.distribution!r})")


_PRESETS: dict[str, tuple[float, str, str]] = {
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
}
_SIMPLE: dict[str, type[Initializer]] = {
    "zeros": Zeros, "constant": Constant, "uniform": Uniform, "fan_in_uniform": FanInUniform,
}
_ALIASES = {"xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal",
            "kaiming_uniform": "he_uniform", "kaiming_normal": "he_normal"}

#: Valid names for :func:`get`.
NAMES: tuple[str, ...] = (*_SIMPLE, *_PRESETS, "variance_scaling")


def canonical_name(value: Any, argname: str = "name") -> str:
    """Return the registered name for ``value`` (aliases accepted), else raise.

    The error names ``argname`` (the caller's argument) and lists the valid names.
    """
    if isinstance(value, str):
        value = _ALIASES.get(value, value)
    return check_choice(argname, value, NAMES)


def get(name: str | Initializer, **params: Any) -> Initializer:
    """Build an initializer by name.

    Parameters
    ----------
    name : str or Initializer
        One of :data:`NAMES`; an ``Initializer`` instance is returned as is.
    **params
        ``value`` for ``constant``, ``limit`` for ``uniform``,
        ``scale``/``mode``/``distribution`` for ``variance_scaling``.

    Returns
    -------
    Initializer
    """
    if isinstance(name, Initializer):
        if params:
            raise TypeError(f"params must be empty when name is an Initializer, "
                            f"got {sorted(params)}")
        return name
    key = canonical_name(name)
    if key in _PRESETS:
        if params:
            raise TypeError(f"initializer {key!r} takes no params, got {sorted(params)}")
        scale, mode, distribution = _PRESETS[key]
        init = VarianceScaling(scale, mode, distribution)
        init.name = key
        return init
    cls = VarianceScaling if key == "variance_scaling" else _SIMPLE[key]
    try:
        return cls(**params)
    except TypeError as exc:
        raise TypeError(f"initializer {key!r} does not take params {sorted(params)}: "
                        f"{exc}") from None
