r"""Activation functions and their derivatives (notebooks 03, 04, 05).

Every activation is a small object with

* ``forward(z)`` — the function :math:`f(z)`, elementwise;
* ``grad(z)`` — the derivative :math:`f'(z)`, elementwise;
* ``max_grad`` — :math:`\sup_z |f'(z)|`, the per-layer factor in the
  chain-rule bound of notebook 05 (0.25 for the sigmoid).

Use :func:`get` to build one by name::

    >>> from lessons_lib import activations
    >>> act = activations.get("leaky_relu", alpha=0.2)
    >>> act.forward(np.array([-1.0, 2.0]))
    array([-0.2,  2. ])

Everything is float64 and overflow-free: ``sigmoid(-1000)`` is 0 and
``sigmoid(1000)`` is 1 without a numpy warning.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_array, check_choice, check_float, check_int, check_rng

__all__ = [
    "ELU",
    "GELU",
    "PReLU",
    "RReLU",
    "SELU",
    "SiLU",
    "Activation",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "ALPHA_NAMES",
    "NAMES",
    "canonical_name",
    "erf",
    "get",
    "normal_cdf",
    "sigmoid",
]

#: SELU constants (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""Logistic function :math:`\sigma(z) = 1/(1+e^{-z})`, overflow-safe.

    For very negative :math:`z`, :math:`e^{-z}` overflows to ``inf`` and
    :math:`1/(1+\infty) = 0` is the correct limit, so the overflow is
    silenced rather than worked around (this keeps it to four in-place passes).
    """
    e = np.negative(z, dtype=np.float64)
    with np.errstate(over="ignore"):
        np.exp(e, out=e)
    e += 1.0
    return np.reciprocal(e, out=e)


# -- the error function, for GELU -------------------------------------------------
# numpy has no erf. These are W. J. Cody's rational approximations (Math. Comp. 23,
# 1969, pp. 631-638), accurate to float64 precision, evaluated for whole arrays.
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERFC_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
           2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
           2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERFC_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
           1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
           3.43936767414372164e03, 1.23033935480374942e03)
_ERFC_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
           1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERFC_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)
_INV_SQRT_PI = 0.56418958354775628695


def _rational(y: np.ndarray, top: tuple[float, ...], bottom: tuple[float, ...]) -> np.ndarray:
    """Cody's rational function in ``y``, by Horner's rule, in place.

    ``top = (t0, ..., t_{m-2}, t_{m-1}, t_m)`` and ``bottom = (b0, ..., b_{m-1})``
    give ``(((t_m y + t0) y + t1) y ... + t_{m-1}) / (((y + b0) y + b1) y ... + b_{m-1})``.
    """
    num = top[-1] * y
    den = y.copy()
    for c, d in zip(top[:-2], bottom[:-1], strict=True):   # in place: no array per term
        num += c
        num *= y
        den += d
        den *= y
    num += top[-2]
    den += bottom[-1]
    num /= den
    return num


def _erf_small(y: np.ndarray) -> np.ndarray:
    """erf(y) for |y| <= 0.46875."""
    return y * _rational(y * y, _ERF_A, _ERF_B)


def _erfc_large(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 0.46875 (0 from y = 26.55 on, where it underflows)."""
    out = np.zeros_like(y)
    mid = y <= 4.0
    far = (y > 4.0) & (y < 26.55)
    ym, yf = y[mid], y[far]
    ratio_mid = _rational(ym, _ERFC_C, _ERFC_D)
    ysq = 1.0 / (yf * yf)
    ratio_far = ysq * _rational(ysq, _ERFC_P, _ERFC_Q)
    ratio_far = (_INV_SQRT_PI - ratio_far) / yf
    for mask, yy, ratio in ((mid, ym, ratio_mid), (far, yf, ratio_far)):
        # exp(-y^2) in two factors: y^2 itself is rounded, and exp magnifies the error
        head = np.trunc(yy * 16.0) / 16.0
        ratio *= np.exp(-head * head)
        ratio *= np.exp(-(yy - head) * (yy + head))
        out[mask] = ratio
    return out


def erf(x: Any) -> np.ndarray:
    r"""The error function :math:`\operatorname{erf}(x) = \frac{2}{\sqrt\pi}\int_0^x e^{-t^2}dt`.

    Elementwise, float64, to within a few units in the last place of
    :func:`math.erf` (tested), fast enough for whole layers.
    """
    x = check_array("x", x, allow_empty=True)
    y = np.abs(x)
    out = np.empty_like(x)
    small = y <= 0.46875
    out[small] = _erf_small(x[small])
    big = ~small
    out[big] = np.copysign(1.0 - _erfc_large(y[big]), x[big])
    return out


def normal_cdf(x: Any) -> np.ndarray:
    r"""Standard normal CDF :math:`\Phi(x) = \tfrac12\operatorname{erfc}(-x/\sqrt2)`.

    Accurate in both tails (no ``1 - 1`` cancellation for very negative ``x``).
    """
    return _normal_cdf(check_array("x", x, allow_empty=True))


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    """:func:`normal_cdf` without the input check (inf gives 0 or 1)."""
    y = x * _SQRT1_2
    a = np.abs(y)
    out = np.empty_like(x)
    small = a <= 0.46875
    out[small] = 0.5 + 0.5 * _erf_small(y[small])
    big = ~small
    tail = 0.5 * _erfc_large(a[big])                  # Phi(-|x|)
    out[big] = np.where(y[big] > 0, 1.0 - tail, tail)
    return out


_SQRT1_2 = 0.70710678118654752440
_INV_SQRT_2PI = 0.39894228040143267794


class Activation:
    """Base class: an elementwise function with its derivative.

    Subclasses implement :meth:`forward` and :meth:`grad`. Activations with a
    learnable parameter (PReLU) expose ``params`` and ``grads`` dicts with the
    same keys; the others have empty dicts.
    """

    name = "activation"
    max_grad = 1.0

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, z: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Return :math:`f(z)`, same shape as ``z``."""
        raise NotImplementedError

    def grad(self, z: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Return :math:`f'(z)`, same shape as ``z``."""
        raise NotImplementedError

    def backward(self, z: np.ndarray, y: np.ndarray, dout: np.ndarray, *,
                 training: bool = False) -> np.ndarray:
        """Chain rule through the activation: ``dout * f'(z)``.

        ``y = f(z)`` is passed too so that sigmoid and tanh can reuse it
        instead of recomputing exponentials. Activations with parameters
        also fill ``self.grads`` here.
        """
        return dout * self.grad(z, training=training)

    def __call__(self, z: Any) -> np.ndarray:
        return self.forward(check_array("z", z, allow_empty=True))

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self._repr_params().items())
        return f"{type(self).__name__}({extra})"

    def _repr_params(self) -> dict[str, Any]:
        return {}


class Linear(Activation):
    r"""Identity :math:`f(z) = z`, :math:`f'(z) = 1` (perceptron / regression output)."""

    name = "linear"

    def forward(self, z, *, training=False):
        return z

    def grad(self, z, *, training=False):
        return np.ones_like(z)

    def backward(self, z, y, dout, *, training=False):
        return dout


class Sigmoid(Activation):
    r"""Logistic sigmoid.

    .. math:: \sigma(z) = \frac{1}{1+e^{-z}}, \qquad
              \sigma'(z) = \sigma(z)\,(1-\sigma(z)) \le \tfrac14
    """

    name = "sigmoid"
    max_grad = 0.25

    def forward(self, z, *, training=False):
        return sigmoid(z)

    def grad(self, z, *, training=False):
        s = sigmoid(z)
        return s * (1.0 - s)

    def backward(self, z, y, dout, *, training=False):
        return dout * y * (1.0 - y)


class Tanh(Activation):
    r"""Hyperbolic tangent.

    .. math:: \tanh(z) = 2\sigma(2z) - 1, \qquad \tanh'(z) = 1 - \tanh^2(z) \le 1
    """

    name = "tanh"

    def forward(self, z, *, training=False):
        return np.tanh(z)

    def grad(self, z, *, training=False):
        t = np.tanh(z)
        return 1.0 - t * t

    def backward(self, z, y, dout, *, training=False):
        return dout * (1.0 - y * y)


class ReLU(Activation):
    r"""Rectified linear unit.

    .. math:: f(z) = \max(0, z), \qquad f'(z) = [z > 0]

    (The derivative at exactly 0 is taken as 0.)
    """

    name = "relu"

    def forward(self, z, *, training=False):
        return np.maximum(z, 0.0)

    def grad(self, z, *, training=False):
        return (z > 0).astype(np.float64)

    def backward(self, z, y, dout, *, training=False):
        return dout * (z > 0)


class LeakyReLU(Activation):
    r"""Leaky ReLU with a fixed slope :math:`\alpha` for negative inputs.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha z & z \le 0 \end{cases}, \qquad
              f'(z) = \begin{cases} 1 & z > 0 \\ \alpha & z \le 0 \end{cases}

    Parameters
    ----------
    alpha : float
        Negative slope, ``0 <= alpha < 1``; the notes suggest 0.01 or 0.2.
    """

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = check_float("alpha", alpha, min_value=0.0, max_value=1.0,
                                 max_inclusive=False)

    def forward(self, z, *, training=False):
        return np.where(z > 0, z, self.alpha * z)

    def grad(self, z, *, training=False):
        return np.where(z > 0, 1.0, self.alpha)

    def _repr_params(self):
        return {"alpha": self.alpha}


class PReLU(Activation):
    r"""Parametric ReLU: Leaky ReLU whose slope :math:`\alpha` is learned.

    One shared :math:`\alpha` per layer (a scalar stored as a shape-(1,)
    array in ``params["alpha"]``). Its gradient, filled by :meth:`backward`, is

    .. math:: \frac{\partial E}{\partial \alpha} = \sum_{z \le 0} \frac{\partial E}{\partial f}\, z

    Parameters
    ----------
    alpha : float
        Initial slope (default 0.25, as in He et al., 2015).
    """

    name = "prelu"

    def __init__(self, alpha: float = 0.25) -> None:
        super().__init__()
        a = check_float("alpha", alpha)
        self.params = {"alpha": np.array([a])}
        self.grads = {"alpha": np.zeros(1)}

    @property
    def alpha(self) -> float:
        """Current value of the learned slope."""
        return float(self.params["alpha"][0])

    @property
    def max_grad(self) -> float:  # type: ignore[override]
        return max(1.0, abs(self.alpha))

    def forward(self, z, *, training=False):
        return np.where(z > 0, z, self.alpha * z)

    def grad(self, z, *, training=False):
        return np.where(z > 0, 1.0, self.alpha)

    def grad_alpha(self, z: np.ndarray) -> np.ndarray:
        r"""Elementwise :math:`\partial f/\partial\alpha = \min(z, 0)`."""
        return np.minimum(z, 0.0)

    def backward(self, z, y, dout, *, training=False):
        self.grads["alpha"] = np.array([float(np.sum(dout * np.minimum(z, 0.0)))])
        return dout * np.where(z > 0, 1.0, self.alpha)

    def _repr_params(self):
        return {"alpha": round(self.alpha, 6)}


class RReLU(Activation):
    r"""Randomized leaky ReLU.

    In training every element gets its own slope
    :math:`\alpha \sim U(\text{lower}, \text{upper})`, drawn from ``rng`` on
    each forward pass and kept for the matching backward pass; at inference
    the slope is fixed to the mean :math:`(\text{lower}+\text{upper})/2`.

    Parameters
    ----------
    lower, upper : float
        Range of the random slope, ``0 <= lower <= upper < 1``
        (defaults 1/8 and 1/3, PyTorch's ``nn.RReLU``; Xu et al., 2015, write
        the slope as :math:`1/a` with :math:`a \sim U(3, 8)`, the same range but
        another distribution, and use :math:`2/(3+8)` at inference).
    rng : numpy.random.Generator, optional
        Source of the slopes; default ``np.random.default_rng(seed)``.
    seed : int
        Used only when ``rng`` is not given.
    """

    name = "rrelu"

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3, *,
                 rng: np.random.Generator | None = None, seed: int = 0) -> None:
        super().__init__()
        self.lower = check_float("lower", lower, min_value=0.0, max_value=1.0,
                                 max_inclusive=False)
        self.upper = check_float("upper", upper, min_value=0.0, max_value=1.0,
                                 max_inclusive=False)
        if self.upper < self.lower:
            raise ValueError(f"upper must be >= lower, got lower={self.lower}, upper={self.upper}")
        self.rng = (check_rng("rng", rng) if rng is not None
                    else np.random.default_rng(check_int("seed", seed, min_value=0)))
        self.last_alpha: np.ndarray | None = None

    @property
    def alpha_mean(self) -> float:
        """Slope used at inference: the mean of the training distribution."""
        return 0.5 * (self.lower + self.upper)

    def _slope(self, z: np.ndarray, training: bool, resample: bool) -> np.ndarray | float:
        if not training:
            return self.alpha_mean
        if resample or self.last_alpha is None or self.last_alpha.shape != z.shape:
            if not resample:
                raise RuntimeError(
                    "RReLU.grad(training=True) needs the slopes of a forward pass in "
                    "training mode on an input of the same shape; call forward first"
                )
            self.last_alpha = self.rng.uniform(self.lower, self.upper, size=z.shape)
        return self.last_alpha

    def forward(self, z, *, training=False):
        a = self._slope(z, training, resample=True)
        return np.where(z > 0, z, a * z)

    def grad(self, z, *, training=False):
        a = self._slope(z, training, resample=False)
        return np.where(z > 0, 1.0, a)

    def _repr_params(self):
        return {"lower": self.lower, "upper": self.upper}


class ELU(Activation):
    r"""Exponential linear unit.

    .. math:: f(z) = \begin{cases} z & z > 0 \\ \alpha(e^z - 1) & z \le 0 \end{cases},
              \qquad f'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^z & z \le 0 \end{cases}
    """

    name = "elu"

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_float("alpha", alpha, min_value=0.0)

    @property
    def max_grad(self) -> float:  # type: ignore[override]
        return max(1.0, self.alpha)

    def forward(self, z, *, training=False):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))

    def grad(self, z, *, training=False):
        return np.where(z > 0, 1.0, self.alpha * np.exp(np.minimum(z, 0.0)))

    def _repr_params(self):
        return {"alpha": self.alpha}


class SELU(Activation):
    r"""Scaled ELU, :math:`\lambda\,\mathrm{ELU}_{\alpha}(z)` with the fixed
    constants :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733` that
    make mean 0 / variance 1 a fixed point (with LeCun normal init and
    standardized inputs; notebook 06).
    """

    name = "selu"
    max_grad = SELU_LAMBDA * SELU_ALPHA

    def forward(self, z, *, training=False):
        return SELU_LAMBDA * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0.0)))

    def grad(self, z, *, training=False):
        return SELU_LAMBDA * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0.0)))


class Softplus(Activation):
    r"""Softplus, a smooth ReLU.

    .. math:: f(z) = \ln(1 + e^{z}), \qquad f'(z) = \sigma(z)
    """

    name = "softplus"

    def forward(self, z, *, training=False):
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))

    def grad(self, z, *, training=False):
        return sigmoid(z)


class Softmax(Activation):
    r"""Softmax over the last axis, for multi-class outputs.

    .. math:: s_k = \frac{e^{z_k}}{\sum_j e^{z_j}}

    ``grad`` returns the *diagonal* of the Jacobian,
    :math:`\partial s_k/\partial z_k = s_k(1-s_k)`; :meth:`backward` applies
    the full Jacobian, :math:`dz = s \circ (d s - \langle ds, s\rangle)`.
    Pair a linear output with :func:`lessons_lib.losses.softmax_cross_entropy`
    for the simpler and more stable :math:`s - t`.
    """

    name = "softmax"

    def forward(self, z, *, training=False):
        shifted = z - np.max(z, axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / np.sum(e, axis=-1, keepdims=True)

    def grad(self, z, *, training=False):
        s = self.forward(z)
        return s * (1.0 - s)

    def backward(self, z, y, dout, *, training=False):
        return y * (dout - np.sum(dout * y, axis=-1, keepdims=True))


class GELU(Activation):
    r"""Gaussian error linear unit (Hendrycks & Gimpel, 2016), the exact erf form.

    .. math:: f(z) = z\,\Phi(z), \qquad f'(z) = \Phi(z) + z\,\varphi(z)

    with :math:`\Phi` and :math:`\varphi` the standard normal CDF and density
    (PyTorch's ``nn.GELU()`` default, BERT's and GPT's activation). Smooth,
    non-monotone near 0 (its minimum is about -0.17 at z = -0.75) and its
    derivative is never exactly 0, so no unit dies as a ReLU can;
    :math:`f'` lies in about [-0.13, 1.13].
    """

    name = "gelu"
    max_grad = 1.128904145185155       # f'(sqrt 2) = Phi(sqrt 2) + sqrt(2) phi(sqrt 2)

    def forward(self, z, *, training=False):
        return z * _normal_cdf(z)

    def grad(self, z, *, training=False):
        return _normal_cdf(z) + z * _INV_SQRT_2PI * np.exp(-0.5 * z * z)


class SiLU(Activation):
    r"""Sigmoid-weighted linear unit, also called Swish (Elfwing et al., 2018;
    Ramachandran et al., 2017).

    .. math:: f(z) = z\,\sigma(z), \qquad f'(z) = \sigma(z)\,\bigl(1 + z\,(1-\sigma(z))\bigr)

    Smooth, non-monotone near 0 (minimum about -0.28 at z = -1.28), never a
    zero derivative; :math:`f'` lies in about [-0.10, 1.10].
    """

    name = "silu"
    max_grad = 1.0998393201288441      # f'(2.39936), where f'' = 0

    def forward(self, z, *, training=False):
        return z * sigmoid(z)

    def grad(self, z, *, training=False):
        s = sigmoid(z)
        return s * (1.0 + z * (1.0 - s))


_REGISTRY: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, PReLU, RReLU, ELU, SELU, Softplus, GELU,
                SiLU, Softmax)
}
_ALIASES = {"logistic": "sigmoid", "identity": "linear", "leakyrelu": "leaky_relu",
            "swish": "silu"}

#: Valid names for :func:`get`.
NAMES: tuple[str, ...] = tuple(_REGISTRY)

#: Activations whose shape parameter is called ``alpha``.
ALPHA_NAMES: tuple[str, ...] = ("leaky_relu", "prelu", "elu")


def canonical_name(value: Any, argname: str = "name") -> str:
    """Return the registered name for ``value`` (aliases accepted), else raise.

    The error names ``argname`` (the caller's argument) and lists the valid names.
    """
    if isinstance(value, str):
        value = _ALIASES.get(value, value)
    return check_choice(argname, value, NAMES)


def get(name: str | Activation, **params: Any) -> Activation:
    """Build an activation by name.

    Parameters
    ----------
    name : str or Activation
        One of :data:`NAMES` (``"linear"``, ``"sigmoid"``, ``"tanh"``,
        ``"relu"``, ``"leaky_relu"``, ``"prelu"``, ``"rrelu"``, ``"elu"``,
        ``"selu"``, ``"softplus"``, ``"gelu"``, ``"silu"`` (alias ``"swish"``),
        ``"softmax"``). An ``Activation`` instance
        is returned unchanged (``params`` must then be empty).
    **params
        Parameters of that activation, e.g. ``alpha=0.2`` for ``leaky_relu``,
        ``lower=0.1, upper=0.3`` for ``rrelu``.

    Returns
    -------
    Activation
    """
    if isinstance(name, Activation):
        if params:
            raise TypeError(f"params must be empty when name is an Activation instance, "
                            f"got {sorted(params)}")
        return name
    key = canonical_name(name)
    cls = _REGISTRY[key]
    try:
        return cls(**params)
    except TypeError as exc:
        if "unexpected keyword" in str(exc) or "positional argument" in str(exc):
            raise TypeError(f"activation {key!r} does not take params {sorted(params)}: "
                            f"{exc}") from None
        raise
