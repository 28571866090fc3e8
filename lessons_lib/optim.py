r"""Parameter updates, gradient clipping and weight penalties (notebooks 02, 09, 11, 12).

Gradients and parameters are dicts with the same keys, as returned by
:meth:`lessons_lib.model.MLP.parameters` and :meth:`~lessons_lib.model.MLP.gradients`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .validation import check_array, check_float

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "Optimizer",
    "RMSProp",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "get",
    "global_norm",
    "l1_penalty",
    "l2_penalty",
]


def _check_dict(name: str, value: Any, *, finite: bool = True) -> Mapping[str, np.ndarray]:
    """Check a dict of float arrays (like ``model.gradients()``); NaN/inf are refused."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict of arrays (like model.gradients()), "
                        f"got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty, got {{}}")
    for k, v in value.items():
        if not isinstance(v, np.ndarray):
            raise TypeError(f"{name}[{k!r}] must be a numpy array, got {type(v).__name__}")
        if not np.issubdtype(v.dtype, np.floating):
            raise TypeError(f"{name}[{k!r}] must be a float array, got dtype {v.dtype}")
        if finite and not np.all(np.isfinite(v)):
            raise ValueError(f"{name}[{k!r}] contains NaN or inf: the step before it "
                             "diverged (try a smaller learning rate or clipping)")
    return value


def _check_step(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
    """Check that ``params`` and ``grads`` are float dicts with the same keys and shapes."""
    _check_dict("params", params)
    _check_dict("grads", grads)
    if set(params) != set(grads):
        raise ValueError(f"params and grads must have the same keys, got "
                         f"{sorted(set(params) ^ set(grads))} in only one of them")
    for k, w in params.items():
        if grads[k].shape != w.shape:
            raise ValueError(f"grads[{k!r}] must have the shape of params[{k!r}] "
                             f"{w.shape}, got {grads[k].shape}")


class Optimizer:
    r"""What every optimizer shares: a learning rate, per-parameter state, one ``step``.

    A new optimizer is one subclass that implements :meth:`_update` (how one
    array moves, given its gradient and its own state); :meth:`step` checks
    the inputs and calls it for every parameter.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`. It may be changed between steps
        (``opt.lr = 0.01``), e.g. by a learning-rate schedule.

    Attributes
    ----------
    state : dict
        Per-parameter state by key (a velocity, running averages, ...); empty
        until the first step.
    steps : int
        Steps taken so far.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
        self.state: dict[str, Any] = {}
        self.steps = 0

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], *,
             check: bool = True) -> None:
        """Update ``params`` in place from ``grads`` (same keys and shapes).

        Parameters
        ----------
        params, grads : dict of str to ndarray
            As returned by ``model.parameters()`` / ``model.gradients()``.
        check : bool
            Check the two dicts first (keys, shapes, finite values). A trusted
            inner loop that has already checked them passes ``False``.
        """
        if check:
            _check_step(params, grads)
        self.steps += 1
        for key, w in params.items():
            self._update(key, w, grads[key])

    def _update(self, key: str, w: np.ndarray, g: np.ndarray) -> None:
        """Move the array ``w`` (parameter ``key``) in place, given its gradient ``g``."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the per-parameter state, as if no step had been taken."""
        self.state.clear()
        self.steps = 0


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional (heavy-ball) momentum.

    .. math:: v \leftarrow \mu v - \eta\,g, \qquad w \leftarrow w + v

    With :math:`\mu = 0` this is the notes' :math:`\Delta W = -\eta\,\partial E/\partial W`.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    momentum : float
        :math:`\mu` in ``[0, 1)``.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = check_float("momentum", momentum, min_value=0.0, max_value=1.0,
                                    max_inclusive=False)

    @property
    def velocity(self) -> dict[str, np.ndarray]:
        """The velocity :math:`v` of every parameter (empty without momentum)."""
        return self.state

    def _update(self, key: str, w: np.ndarray, g: np.ndarray) -> None:
        if self.momentum:
            v = self.state.get(key)
            v = -self.lr * g if v is None else self.momentum * v - self.lr * g
            self.state[key] = v
            w += v
        else:
            w -= self.lr * g

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class RMSProp(Optimizer):
    r"""RMSProp (Hinton's lecture 6e, 2012): each weight's step divided by its recent RMS gradient.

    .. math:: s \leftarrow \rho\,s + (1-\rho)\,g^2, \qquad
              w \leftarrow w - \eta\,\frac{g}{\sqrt{s} + \epsilon}

    A weight whose gradients are tiny gets a step about :math:`\eta` all the
    same (as long as :math:`\sqrt{s} \gg \epsilon`): the step no longer
    carries the gradient's size, only its sign and consistency. PyTorch's
    ``torch.optim.RMSprop(params, lr, alpha=rho, eps=eps)``.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    rho : float
        Decay of the running mean square, in ``[0, 1)``.
    eps : float
        :math:`\epsilon > 0`, added to the RMS: gradients far below it are not rescaled.
    """

    def __init__(self, lr: float = 0.01, rho: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = check_float("rho", rho, min_value=0.0, max_value=1.0, max_inclusive=False)
        self.eps = check_float("eps", eps, min_value=0.0, min_inclusive=False)

    def _update(self, key: str, w: np.ndarray, g: np.ndarray) -> None:
        s = self.state.get(key)
        if s is None:
            s = self.state[key] = np.zeros_like(w)
        s *= self.rho
        s += (1.0 - self.rho) * (g * g)
        w -= self.lr * (g / (np.sqrt(s) + self.eps))

    def __repr__(self) -> str:
        return f"RMSProp(lr={self.lr}, rho={self.rho}, eps={self.eps})"


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015): momentum and RMSProp together, with bias correction.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1)\,g, \qquad
        v \leftarrow \beta_2 v + (1-\beta_2)\,g^2, \\
        \hat m = \frac{m}{1-\beta_1^t}, \qquad \hat v = \frac{v}{1-\beta_2^t}, \qquad
        w \leftarrow w - \eta\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}

    :math:`t` counts the steps from 1. Without the correction :math:`m` and
    :math:`v` start at 0 and the first steps would be far too small (at
    :math:`t = 1`, :math:`m = 0.1\,g`). Computed in PyTorch's order
    (``torch.optim.Adam``), so the two agree step for step.

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    beta1, beta2 : float
        Decays of the running mean and mean square of the gradient, in ``[0, 1)``.
    eps : float
        :math:`\epsilon > 0`: gradients far below it are not rescaled.
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1 = check_float("beta1", beta1, min_value=0.0, max_value=1.0,
                                 max_inclusive=False)
        self.beta2 = check_float("beta2", beta2, min_value=0.0, max_value=1.0,
                                 max_inclusive=False)
        self.eps = check_float("eps", eps, min_value=0.0, min_inclusive=False)

    def _update(self, key: str, w: np.ndarray, g: np.ndarray) -> None:
        state = self.state.get(key)
        if state is None:
            state = self.state[key] = (np.zeros_like(w), np.zeros_like(w))
        m, v = state
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        t = self.steps
        correction1 = 1.0 - self.beta1 ** t
        correction2 = 1.0 - self.beta2 ** t
        denom = np.sqrt(v) / math.sqrt(correction2) + self.eps
        w -= (self.lr / correction1) * (m / denom)

    def __repr__(self) -> str:
        return (f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, "
                f"eps={self.eps})")


#: Optimizer names for :func:`get`, e.g. in a panel's dropdown.
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")


def get(name: str, lr: float | None = None) -> Optimizer:
    """Build an optimizer by name with the usual defaults.

    Parameters
    ----------
    name : {"sgd", "momentum", "rmsprop", "adam"}
        ``"momentum"`` is :class:`SGD` with momentum 0.9.
    lr : float, optional
        Learning rate; each optimizer's default when None (SGD 0.1,
        RMSProp 0.01, Adam 0.001).

    Returns
    -------
    Optimizer
    """
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise (TypeError if not isinstance(name, str) else ValueError)(
            f"name must be one of {list(OPTIMIZERS)}, got {name!r}")
    kwargs = {} if lr is None else {"lr": lr}
    if name == "sgd":
        return SGD(**kwargs)
    if name == "momentum":
        return SGD(momentum=0.9, **kwargs)
    if name == "rmsprop":
        return RMSProp(**kwargs)
    return Adam(**kwargs)


def global_norm(grads: Mapping[str, np.ndarray], *, check: bool = True) -> float:
    r"""Euclidean norm of all gradients together, :math:`\sqrt{\sum_k \|g_k\|^2}`.

    With ``check=False`` (a trusted inner loop) ``grads`` is not checked and
    a non-finite gradient gives a non-finite norm instead of an error.
    """
    if check:
        _check_dict("grads", grads)
    return math.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))


def clip_by_value(grads: Mapping[str, np.ndarray], clip: float) -> dict[str, np.ndarray]:
    """Clip every gradient entry to ``[-clip, clip]`` (changes the direction in general).

    Returns a new dict; ``grads`` is not modified.
    """
    _check_dict("grads", grads)
    clip = check_float("clip", clip, min_value=0.0, min_inclusive=False)
    return {k: np.clip(g, -clip, clip) for k, g in grads.items()}


def clip_by_norm(g: Any, max_norm: float) -> np.ndarray:
    r"""Rescale one gradient array so its norm is at most ``max_norm``.

    .. math:: g \leftarrow g \cdot \min\!\left(1, \frac{\text{max\_norm}}{\|g\|}\right)

    Keeps the direction (cosine similarity 1 with the original).
    """
    g = check_array("g", g)
    max_norm = check_float("max_norm", max_norm, min_value=0.0, min_inclusive=False)
    norm = float(np.linalg.norm(g))
    return g * (max_norm / norm) if norm > max_norm else g.copy()


def clip_by_global_norm(grads: Mapping[str, np.ndarray],
                        max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """Rescale all gradients together so their global norm is at most ``max_norm``.

    Returns
    -------
    clipped : dict
        New arrays; ``grads`` is not modified.
    norm : float
        The global norm *before* clipping (useful to plot).
    """
    norm = global_norm(grads)
    max_norm = check_float("max_norm", max_norm, min_value=0.0, min_inclusive=False)
    factor = max_norm / norm if norm > max_norm else 1.0
    return {k: g * factor for k, g in grads.items()}, norm


def _weights(params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v for k, v in params.items() if k.endswith(".W") or k == "W"}


def l2_penalty(params: Mapping[str, np.ndarray], lam: float, *,
               check: bool = True) -> tuple[float, dict[str, np.ndarray]]:
    r"""L2 weight penalty on the weight matrices (keys ending in ``.W``).

    .. math:: R = \tfrac{\lambda}{2}\textstyle\sum \|W\|^2, \qquad \partial R/\partial W = \lambda W

    ``check=False`` (a trusted inner loop) skips the checks of ``params``
    and ``lam``.

    Returns
    -------
    penalty : float
    grads : dict
        Gradient for every key of ``params`` (zeros for biases, BN and PReLU
        parameters), ready to add to the model's gradients.
    """
    if check:
        _check_dict("params", params)
        lam = check_float("lam", lam, min_value=0.0)
    w = _weights(params)
    penalty = 0.5 * lam * sum(float(np.sum(v * v)) for v in w.values())
    return penalty, {k: (lam * v if k in w else np.zeros_like(v)) for k, v in params.items()}


def l1_penalty(params: Mapping[str, np.ndarray], lam: float, *,
               check: bool = True) -> tuple[float, dict[str, np.ndarray]]:
    r"""L1 weight penalty on the weight matrices (keys ending in ``.W``).

    .. math:: R = \lambda\textstyle\sum |W|, \qquad
              \partial R/\partial W = \lambda\,\mathrm{sign}(W)

    Returns ``(penalty, grads)`` like :func:`l2_penalty` (``check`` too).
    """
    if check:
        _check_dict("params", params)
        lam = check_float("lam", lam, min_value=0.0)
    w = _weights(params)
    penalty = lam * sum(float(np.sum(np.abs(v))) for v in w.values())
    return penalty, {k: (lam * np.sign(v) if k in w else np.zeros_like(v))
                     for k, v in params.items()}
