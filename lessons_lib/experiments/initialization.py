r"""Weight initialization: the variance recursion and its measured counterpart (notebook 06).

A stack of ``depth`` square layers ``width -> width`` (no bias) computes
:math:`\mathrm{net}^l = Y^{l-1}W^l` and :math:`Y^l = f(\mathrm{net}^l)`, with
weights drawn independently, mean 0 and variance :math:`\mathrm{Var}(W)`.
Because the weights have mean 0 and are independent of :math:`Y^{l-1}`,

.. math::

    \mathrm{Var}(\mathrm{net}^l) = n\,\mathrm{Var}(W)\,
    \mathrm{E}\!\left[f(\mathrm{net}^{l-1})^2\right], \qquad
    \mathrm{Var}(\delta^l) = n\,\mathrm{Var}(W)\,\mathrm{E}\!\left[f'(\mathrm{net}^l)^2\right]
    \mathrm{Var}(\delta^{l+1})

(forward and backward; :math:`n` is the fan-in forward and the fan-out
backward, equal here). For a linear unit :math:`\mathrm{E}[f(z)^2] = \mathrm{Var}(z)`;
for ReLU and any symmetric :math:`z`, :math:`\mathrm{E}[\max(0,z)^2] = \mathrm{Var}(z)/2`,
which is where He's :math:`\mathrm{Var}(W) = 2/n` comes from. For the other
activations :func:`variance_recursion` evaluates the expectations numerically,
taking :math:`\mathrm{net}^l` to be Gaussian (true for wide layers).

:func:`init_profile` puts that theory next to the measured per-layer numbers
of :func:`lessons_lib.experiments.activation_profile` and
:func:`~lessons_lib.experiments.gradient_profile`; it is the compute of the
initialization panel. :func:`count_distinct_units` counts hidden units that
are still copies of each other (the symmetry of a constant init).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import activations as _act
from .. import initializers as _init
from ..speed import memo, one_blas_thread
from ..validation import check_array, check_float, check_int
from .vanishing import MAX_DEPTH, MAX_WIDTH, activation_profile, gradient_profile

__all__ = [
    "INIT_PANEL_ACTIVATIONS",
    "INIT_PANEL_INITS",
    "count_distinct_units",
    "gaussian_moments",
    "gradient_estimate",
    "init_profile",
    "variance_recursion",
]

#: Initializers offered by the initialization panel, smallest weights first. (Its
#: layers are square, where Glorot normal and LeCun normal coincide: one is enough.)
INIT_PANEL_INITS = ("uniform", "fan_in_uniform", "glorot_uniform", "lecun_normal",
                    "he_uniform", "he_normal")
#: Activations offered by the initialization panel.
INIT_PANEL_ACTIVATIONS = ("relu", "tanh", "sigmoid", "selu", "linear")

_ALPHA_ACTIVATIONS = _act.ALPHA_NAMES
_EXCLUDED = ("softmax", "rrelu")   # not elementwise / random slopes in training

# Gauss-Legendre nodes on [-12, 0] and [0, 12] (the kink of ReLU-like units sits
# on the boundary, so each half is smooth and the rule converges fast), with
# the standard normal density folded into the weights. 12 standard deviations
# leave out a probability mass below 1e-32.
_NODES, _W = np.polynomial.legendre.leggauss(96)
_U = np.concatenate([6.0 * (_NODES - 1.0), 6.0 * (_NODES + 1.0)])
_WEIGHTS = np.concatenate([6.0 * _W, 6.0 * _W]) * np.exp(-0.5 * _U**2) / math.sqrt(2.0 * math.pi)
_U.setflags(write=False)
_WEIGHTS.setflags(write=False)


def _check_activation(activation: Any, alpha: float | None) -> _act.Activation:
    name = _act.canonical_name(activation, "activation")
    if name in _EXCLUDED:
        valid = [n for n in _act.NAMES if n not in _EXCLUDED]
        raise ValueError(f"activation must be an elementwise, deterministic activation, one of "
                         f"{valid}, got {name!r}")
    if alpha is not None:
        alpha = check_float("alpha", alpha, min_value=0.0)
    kwargs = {"alpha": alpha} if alpha is not None and name in _ALPHA_ACTIVATIONS else {}
    return _act.get(name, **kwargs)


def _moments(fn: _act.Activation, var: float) -> tuple[float, float, float]:
    """E f(z), E f(z)^2, E f'(z)^2 for z ~ N(0, var); overflow gives inf, never NaN."""
    if var == 0.0:
        f0 = float(fn.forward(np.zeros(1))[0])
        g0 = float(fn.grad(np.zeros(1))[0])
        return f0, f0 * f0, g0 * g0
    with np.errstate(all="ignore"):
        z = math.sqrt(var) * _U if np.isfinite(var) else np.where(_U > 0, np.inf, -np.inf)
        y = fn.forward(z)
        g = fn.grad(z)
        mean = float(np.dot(_WEIGHTS, y))
        second = float(np.dot(_WEIGHTS, y * y))
        slope2 = float(np.dot(_WEIGHTS, g * g))
    if not np.isfinite(second):
        return (mean if np.isfinite(mean) else math.inf), math.inf, slope2
    return mean, second, slope2


def gaussian_moments(activation: str, var: float, *,
                     alpha: float | None = None) -> dict[str, float]:
    r"""Moments of :math:`f(z)` and :math:`f'(z)` for :math:`z \sim N(0, \mathrm{var})`.

    .. math:: \mathrm{E}[f(z)],\quad \mathrm{E}[f(z)^2],\quad \mathrm{E}[f'(z)^2]

    by Gauss–Legendre quadrature on each half-line (exact to about 1e-12 for
    the activations of :mod:`lessons_lib.activations`). Closed forms to
    compare with: linear ``(0, var, 1)``; ReLU
    ``(sqrt(var / (2 pi)), var / 2, 1 / 2)``.

    Parameters
    ----------
    activation : str
        Name from :data:`lessons_lib.activations.NAMES` (not ``softmax`` or ``rrelu``).
    var : float
        Variance of the Gaussian input, >= 0 (``inf`` allowed: the limit).
    alpha : float, optional
        Slope/scale of ``leaky_relu``, ``prelu`` and ``elu``; ignored by the others.

    Returns
    -------
    dict
        ``{"mean": E f, "second": E f^2, "slope2": E f'^2}``. A second moment
        beyond float64 is ``inf``, never NaN.
    """
    fn = _check_activation(activation, alpha)
    if isinstance(var, bool) or not isinstance(var, numbers.Real):
        raise TypeError(f"var must be a real number, got {var!r} ({type(var).__name__})")
    var = float(var)
    if not var >= 0.0:
        raise ValueError(f"var must be >= 0, got {var}")
    mean, second, slope2 = _moments(fn, var)
    return {"mean": mean, "second": second, "slope2": slope2}


@memo(maxsize=256)
def _recursion(depth: int, width: int, activation: str, alpha: float | None, init: str,
               weight_scale: float, input_mean: float, input_std: float) -> dict[str, np.ndarray]:
    fn = _check_activation(activation, alpha)
    var_w = (_init.get(init).std(width, width) * weight_scale) ** 2
    gain = width * var_w                       # n Var(W)
    q = gain * (input_mean**2 + input_std**2)  # Var(net^1) = n Var(W) E[x^2]
    net_var = np.empty(depth)
    mean = np.empty(depth)
    std = np.empty(depth)
    factor = np.empty(depth)
    with np.errstate(all="ignore"):
        for layer in range(depth):
            m, second, slope2 = _moments(fn, q)
            net_var[layer] = q
            mean[layer] = m
            std[layer] = math.sqrt(max(second - m * m, 0.0)) if np.isfinite(second) else math.inf
            factor[layer] = gain * slope2
            q = gain * second if np.isfinite(second) else math.inf
        # delta^l / delta^L = prod_{k=l}^{L-1} sqrt(n Var(W) E[f'(net^k)^2])
        steps = np.sqrt(factor[:-1])
        delta = np.ones(depth)
        if depth > 1:
            delta[:-1] = np.cumprod(steps[::-1])[::-1]
    out = {"net_var": net_var, "mean": mean, "std": std, "grad_factor": factor, "delta": delta}
    for arr in out.values():
        arr[np.isnan(arr)] = np.inf
    return out


def variance_recursion(depth: int, *, width: int = 64, activation: str = "relu",
                       alpha: float | None = None, init: str = "he_normal",
                       weight_scale: float = 1.0, input_mean: float = 0.0,
                       input_std: float = 1.0) -> dict[str, np.ndarray]:
    r"""Theoretical per-layer statistics of a deep stack at initialization.

    Forward, from :math:`\mathrm{Var}(\mathrm{net}^1) = n\,\mathrm{Var}(W)\,\mathrm{E}[x^2]`
    with :math:`\mathrm{E}[x^2] = \mu_x^2 + \sigma_x^2`:

    .. math::

        \mathrm{Var}(\mathrm{net}^{l+1}) = n\,\mathrm{Var}(W)\,\mathrm{E}[f(\mathrm{net}^l)^2],
        \qquad \mathrm{std}(Y^l) = \sqrt{\mathrm{E}[f(\mathrm{net}^l)^2]
        - \mathrm{E}[f(\mathrm{net}^l)]^2}

    and backward, relative to the last layer,

    .. math::

        \frac{\|\delta^l\|}{\|\delta^L\|} = \prod_{k=l}^{L-1}
        \sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'(\mathrm{net}^k)^2]}

    with :math:`\mathrm{net}^l \sim N(0, \mathrm{Var}(\mathrm{net}^l))`. This is the
    average over random weights for wide layers; one draw of a finite network
    wanders around it (more so when it is deep and narrow). It is the
    network of :func:`~lessons_lib.experiments.gradient_profile` (square layers,
    no bias, inputs :math:`N(\mu_x, \sigma_x^2)`), without BatchNorm or shortcuts.

    Parameters
    ----------
    depth : int
        Number of layers, 1..500.
    width : int
        Units per layer :math:`n`, 1..1024.
    activation : str
        Name from :data:`lessons_lib.activations.NAMES` except ``softmax`` and ``rrelu``.
    alpha : float, optional
        Slope/scale of ``leaky_relu``, ``prelu`` and ``elu``; ignored by the others.
    init : str
        Initializer name (:data:`lessons_lib.initializers.NAMES`); fixes
        :math:`\mathrm{Var}(W)` = ``init.std(width, width) ** 2``.
    weight_scale : float
        Multiplies every weight (> 0), so :math:`\mathrm{Var}(W)` by its square.
    input_mean, input_std : float
        Mean and standard deviation (> 0) of the input entries.

    Returns
    -------
    dict of ndarray, each of shape (depth,), index 0 the first layer
        ``net_var`` — :math:`\mathrm{Var}(\mathrm{net}^l)`; ``mean`` and ``std`` —
        of the outputs :math:`Y^l`; ``grad_factor`` — the backward factor
        :math:`n\,\mathrm{Var}(W)\,\mathrm{E}[f'(\mathrm{net}^l)^2]` of each layer;
        ``delta`` — :math:`\|\delta^l\|/\|\delta^L\|` (1 at the last layer).
        Values beyond float64 are ``inf`` (or ``0.0`` on underflow), never
        NaN. Read-only (memoised): copy before modifying.
    """
    depth = check_int("depth", depth, min_value=1, max_value=MAX_DEPTH)
    width = check_int("width", width, min_value=1, max_value=MAX_WIDTH)
    fn = _check_activation(activation, alpha)
    if alpha is not None and fn.name not in _ALPHA_ACTIVATIONS:
        alpha = None                            # ignored: keep one cache entry
    init = _init.get(_init.canonical_name(init, "init")).name
    weight_scale = check_float("weight_scale", weight_scale, min_value=0.0, min_inclusive=False)
    input_mean = check_float("input_mean", input_mean)
    input_std = check_float("input_std", input_std, min_value=0.0, min_inclusive=False)
    return _recursion(depth, width, fn.name, alpha, init, weight_scale, input_mean, input_std)


def gradient_estimate(depth: int, *, width: int = 64, activation: str = "sigmoid",
                      alpha: float | None = None, init: str = "glorot_uniform",
                      weight_scale: float = 1.0) -> np.ndarray:
    r"""Estimate of :math:`\|\delta^l\|/\|\delta^L\|` at initialization (the explorer's dashes).

    Going back one layer multiplies :math:`\delta` by :math:`(W^{l+1})^\top`
    and then, entry by entry, by the slopes :math:`f'(\mathrm{net}^l)`. For
    random weights independent of :math:`\delta` the first step multiplies the
    mean square by :math:`n\,\mathrm{Var}(W)`, the second by
    :math:`\mathrm{E}[f'(\mathrm{net}^l)^2]`, so

    .. math::

        \frac{\|\delta^l\|}{\|\delta^L\|} \approx \prod_{k=l}^{L-1}
        \sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'(\mathrm{net}^k)^2]} ,

    with the expectation taken over the zero-mean Gaussian whose variance the
    forward pass gives layer :math:`k` (:func:`variance_recursion`, for
    standard normal inputs). ReLU's zero slopes are inside the expectation
    (:math:`\mathrm{E}[\mathrm{relu}'^2] = 1/2`), and so is saturation.

    It is an estimate of the *typical* size, not a bound. It ignores that the
    output error :math:`Y - T` contains the output made by the same weights
    (the measured ratio then sits a few times above it), and, being an average
    over random weights, it overshoots a narrow network in which only a few
    units pass the signal (deep, saturated stacks).

    Parameters
    ----------
    depth : int
        Number of layers :math:`L`, 1..500.
    width : int
        Units per layer :math:`n`, 1..1024.
    activation : str
        Name from :data:`lessons_lib.activations.NAMES` except ``softmax`` and ``rrelu``.
    alpha : float, optional
        Slope/scale of ``leaky_relu``, ``prelu`` and ``elu``; ignored by the others.
    init : str
        Initializer name (:data:`lessons_lib.initializers.NAMES`).
    weight_scale : float
        Multiplies every weight, > 0.

    Returns
    -------
    ndarray, shape (depth,)
        Index 0 is the input-side layer, the last entry is 1. Multiply by the
        measured :math:`\|\delta^L\|` to draw it. ``inf`` / ``0.0`` beyond
        float64, never NaN. Read-only.
    """
    return variance_recursion(depth, width=width, activation=activation, alpha=alpha,
                              init=init, weight_scale=weight_scale)["delta"]


def init_profile(depth: int, *, init: str = "he_normal", activation: str = "relu",
                 width: int = 64, batch: int = 256, seed: int = 0) -> dict[str, Any]:
    r"""Measured and theoretical per-layer statistics at initialization (panel of notebook 06).

    One forward and backward pass of the stack of
    :func:`~lessons_lib.experiments.gradient_profile` (standard normal inputs,
    random targets), next to :func:`variance_recursion`.

    Parameters
    ----------
    depth : int
        Number of layers, 1..500.
    init : str
        Initializer name (:data:`lessons_lib.initializers.NAMES`).
    activation : str
        Hidden activation (see :func:`variance_recursion`).
    width, batch, seed : int
        Layer width, batch size and the seed of weights, inputs and targets.

    Returns
    -------
    dict
        ``layer`` (1..depth); measured ``std`` of each layer's output
        :math:`Y^l` and ``delta`` :math:`\|\delta^l\|`; ``std_theory`` and
        ``delta_theory`` (the relative theory times the measured
        :math:`\|\delta^L\|`, or ``None`` when that is 0 or overflowed);
        ``grad_factor`` (theoretical backward factor per layer). Arrays of
        shape (depth,); ``inf`` marks overflow, never NaN.
    """
    seed = check_int("seed", seed, min_value=0)
    theory = variance_recursion(depth, width=width, activation=activation, init=init)
    kw = dict(width=width, activation=activation, init=init, batch=batch, seed=seed)
    with one_blas_thread():
        std = activation_profile(depth, **kw)["std"]
        delta = gradient_profile(depth, quantity="delta", **kw)
    last = float(delta[-1])
    delta_theory = None
    if np.isfinite(last) and last > 0.0:
        with np.errstate(all="ignore"):
            delta_theory = theory["delta"] * last
    return {"layer": np.arange(1, depth + 1), "std": std, "std_theory": theory["std"],
            "delta": delta, "delta_theory": delta_theory, "grad_factor": theory["grad_factor"]}


def count_distinct_units(W: Any, *, rtol: float = 1e-9) -> int:
    r"""Number of distinct columns (hidden units) of a weight matrix.

    Two columns count as the same unit when they differ by at most
    ``rtol`` times the largest weight (round-off of a matrix product can
    leave identical units one ulp apart).

    Parameters
    ----------
    W : array_like, shape (n_in, n_out)
        Weights into a layer; column :math:`j` holds unit :math:`j`'s weights.
    rtol : float
        Tolerance relative to :math:`\max|W|`, in [0, 1).

    Returns
    -------
    int
        Between 1 and ``n_out``; a layer that kept its symmetry has 1.
    """
    W = check_array("W", W, ndim=2)
    rtol = check_float("rtol", rtol, min_value=0.0, max_value=1.0, max_inclusive=False)
    tol = rtol * max(float(np.max(np.abs(W))), 1e-300)
    representatives: list[np.ndarray] = []
    for column in W.T:
        if not any(np.max(np.abs(column - r)) <= tol for r in representatives):
            representatives.append(column)
    return len(representatives)
