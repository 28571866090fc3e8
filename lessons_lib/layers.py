r"""Layers with a forward and a backward pass (notebooks 03, 07, 08, 10, 12).

The notes' row-vector convention: a batch ``X`` has shape ``(N, n_in)`` and a
dense layer computes ``net = X @ W + b`` with ``W`` of shape ``(n_in, n_out)``.

Every layer has

* ``forward(X, *, training=True, check=True) -> Y``;
* ``backward(dout, *, check=True) -> dX``, the chain rule, which also **overwrites**
  ``grads`` (calling it before ``forward`` raises ``RuntimeError``);
* ``params`` and ``grads``: dicts with the same keys.

The public ``forward``/``backward`` check their inputs and then call the
unchecked ``_forward``/``_backward``; a trusted inner loop passes
``check=False`` to skip the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import activations as _act
from . import initializers as _init
from .validation import check_array, check_bool, check_float, check_int, check_rng

__all__ = ["Activation", "BatchNorm", "Dense", "Dropout", "Layer", "LayerNorm", "Residual",
           "Sequential"]


class Layer:
    """Base class of all layers; see the module docstring for the contract."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache: Any = None

    # -- public ------------------------------------------------------------
    def forward(self, X: Any, *, training: bool = True, check: bool = True) -> np.ndarray:
        """Forward pass; see the class docstring for shapes.

        Parameters
        ----------
        X : array_like
            The batch.
        training : bool
            Training mode (batch statistics, dropout masks) or inference.
        check : bool
            Check ``X`` and ``training`` first. A trusted inner loop that
            passes arrays it made itself passes ``False``.

        Returns
        -------
        ndarray
            The layer's output ``Y``.
        """
        if check:
            X = self._check_input(X)
            training = check_bool("training", training)
        return self._forward(X, training)

    def backward(self, dout: Any, *, check: bool = True) -> np.ndarray:
        """Backward pass: return ``dE/dX`` given ``dout = dE/dY``; fill ``grads``.

        Parameters
        ----------
        dout : array_like
            ``dE/dY``, the shape of the last forward output.
        check : bool
            Check ``dout`` first (``False`` in a trusted inner loop).

        Returns
        -------
        ndarray
            ``dE/dX``, the shape of the last forward input.
        """
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        if check:
            dout = check_array("dout", dout)
            expected = self._output_shape()
            if expected is not None and dout.shape != expected:
                raise ValueError(f"dout must have the shape of the last forward output "
                                 f"{expected}, got shape {dout.shape}")
        return self._backward(dout)

    # -- to implement ------------------------------------------------------
    def _check_input(self, X: Any) -> np.ndarray:
        return check_array("X", X)

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _output_shape(self) -> tuple[int, ...] | None:
        return None

    def __repr__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"<{label}{type(self).__name__}{self._describe()}>"

    def _describe(self) -> str:
        return ""


class Dense(Layer):
    r"""Fully connected layer :math:`\mathrm{net} = XW + b`.

    Backward, given ``dout`` :math:`= \partial E/\partial\,\mathrm{net}` (kept as
    :attr:`dnet`; the notes' learning signal is :math:`\delta = -\partial E/\partial\,\mathrm{net}`,
    the same size with the opposite sign):

    .. math:: \frac{\partial E}{\partial W} = X^\top\frac{\partial E}{\partial\,\mathrm{net}},
              \quad
              \frac{\partial E}{\partial b} = \textstyle\sum_n
              \frac{\partial E}{\partial\,\mathrm{net}_n}, \quad
              \frac{\partial E}{\partial X} = \frac{\partial E}{\partial\,\mathrm{net}}W^\top

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    init : str or Initializer
        Weight initializer name (see :mod:`lessons_lib.initializers`).
    bias : bool
        Add a bias ``b`` (zeros at start). Off before a BatchNorm, whose
        :math:`\beta` makes it redundant.
    rng : numpy.random.Generator, optional
        Source for the weights; default ``np.random.default_rng(seed)``.
    seed : int
        Used only when ``rng`` is not given.
    W : array_like, optional
        Use these weights (shape ``(n_in, n_out)``) instead of drawing them.
    """

    def __init__(self, n_in: int, n_out: int, init: str | _init.Initializer = "glorot_uniform",
                 *, bias: bool = True, rng: np.random.Generator | None = None, seed: int = 0,
                 W: Any = None, name: str = "") -> None:
        super().__init__(name)
        self.n_in = check_int("n_in", n_in, min_value=1)
        self.n_out = check_int("n_out", n_out, min_value=1)
        self.bias = check_bool("bias", bias)
        if W is None:
            rng = check_rng("rng", rng) if rng is not None else np.random.default_rng(
                check_int("seed", seed, min_value=0))
            if not isinstance(init, _init.Initializer):
                init = _init.canonical_name(init, "init")
            W = _init.get(init)(self.n_in, self.n_out, rng)
        else:
            W = check_array("W", W, shape=(self.n_in, self.n_out)).copy()
        self.params["W"] = W
        self.grads["W"] = np.zeros_like(W)
        self.dnet: np.ndarray | None = None       # dE/dnet of the last backward pass
        if self.bias:
            self.params["b"] = np.zeros(self.n_out)
            self.grads["b"] = np.zeros(self.n_out)

    def _check_input(self, X):
        return check_array("X", X, shape=(None, self.n_in))

    def _forward(self, X, training):
        self._cache = X
        net = X @ self.params["W"]
        if self.bias:
            net += self.params["b"]
        return net

    def _backward(self, dout):
        X = self._cache
        self.dnet = dout           # dE/dnet = -delta, the learning signal with its sign flipped
        self.grads["W"] = X.T @ dout
        if self.bias:
            self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T

    def _output_shape(self):
        return (self._cache.shape[0], self.n_out)

    def _describe(self):
        return f"({self.n_in} -> {self.n_out}{'' if self.bias else ', no bias'})"


class Activation(Layer):
    r"""Elementwise activation :math:`Y = f(\mathrm{net})` as a layer.

    Backward:
    :math:`\partial E/\partial\,\mathrm{net} = \partial E/\partial Y \circ f'(\mathrm{net})`.
    For PReLU the learnable :math:`\alpha` appears in ``params["alpha"]``.

    Parameters
    ----------
    activation : str or lessons_lib.activations.Activation
        Name (see :data:`lessons_lib.activations.NAMES`) or instance.
    **params
        Passed to :func:`lessons_lib.activations.get`, e.g. ``alpha=0.2``.
    """

    def __init__(self, activation: str | _act.Activation = "relu", *, name: str = "",
                 **params: Any) -> None:
        super().__init__(name)
        if not isinstance(activation, _act.Activation):
            activation = _act.canonical_name(activation, "activation")
        self.fn = _act.get(activation, **params)
        self.params = self.fn.params
        self.grads = self.fn.grads

    def _forward(self, X, training):
        Y = self.fn.forward(X, training=training)
        self._cache = (X, Y, training)
        return Y

    def _backward(self, dout):
        z, y, training = self._cache
        return self.fn.backward(z, y, dout, training=training)

    def _output_shape(self):
        return self._cache[0].shape

    def _describe(self):
        return f"({self.fn!r})"


class BatchNorm(Layer):
    r"""Batch normalization (Ioffe & Szegedy, 2015).

    Training mode, over the mini-batch :math:`B` (for each feature):

    .. math::
        \mu_B = \tfrac1m\textstyle\sum_i x_i,\quad
        \sigma_B^2 = \tfrac1m\textstyle\sum_i (x_i-\mu_B)^2,\quad
        \hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}},\quad
        y_i = \gamma\hat x_i + \beta

    and the running statistics move as
    :math:`\hat v \leftarrow \hat v\cdot\mathrm{momentum} + v\,(1-\mathrm{momentum})`.
    Inference mode uses the running mean and variance instead of the batch's.

    Four vectors per layer: ``gamma`` and ``beta`` are trained (``params``);
    ``running_mean`` and ``running_var`` are not (plain attributes).

    Parameters
    ----------
    n_features : int
        Size of the feature axis (features for 2-D input, channels for 4-D).
    momentum : float
        In ``[0, 1)``; typical 0.9 or 0.99.
    eps : float
        Added to the variance, > 0.
    axis : int
        The feature axis: ``-1`` (default; ``(N, D)`` or channels-last
        ``(N, H, W, C)``) or ``1`` (channels-first ``(N, C, H, W)``). Statistics
        are taken over every other axis, i.e. over ``b*h*w`` values per channel.
    """

    def __init__(self, n_features: int, *, momentum: float = 0.9, eps: float = 1e-5,
                 axis: int = -1, name: str = "") -> None:
        super().__init__(name)
        self.n_features = check_int("n_features", n_features, min_value=1)
        self.momentum = check_float("momentum", momentum, min_value=0.0, max_value=1.0,
                                    max_inclusive=False)
        self.eps = check_float("eps", eps, min_value=0.0, min_inclusive=False)
        self.axis = check_int("axis", axis)
        self.params = {"gamma": np.ones(self.n_features), "beta": np.zeros(self.n_features)}
        self.grads = {"gamma": np.zeros(self.n_features), "beta": np.zeros(self.n_features)}
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)

    def _check_input(self, X):
        X = check_array("X", X, ndim=(2, 3, 4))
        ax = self.axis if self.axis >= 0 else X.ndim + self.axis
        if not 1 <= ax < X.ndim:
            raise ValueError(f"axis must name a non-batch axis of X (1..{X.ndim - 1} or "
                             f"negative), got axis={self.axis} for X of shape {X.shape}")
        if X.shape[ax] != self.n_features:
            raise ValueError(f"X must have {self.n_features} features on axis {self.axis}, "
                             f"got shape {X.shape}")
        return X

    def _to_2d(self, X: np.ndarray) -> np.ndarray:
        if X.ndim == 2:
            return X
        return np.moveaxis(X, self.axis, -1).reshape(-1, self.n_features)

    def _from_2d(self, Y2: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        if len(shape) == 2:
            return Y2
        moved = list(np.moveaxis(np.empty(shape, dtype=bool), self.axis, -1).shape)
        return np.moveaxis(Y2.reshape(moved), -1, self.axis)

    def _forward(self, X, training):
        X2 = self._to_2d(X)
        gamma, beta = self.params["gamma"], self.params["beta"]
        if training:
            m = X2.shape[0]
            if m < 2:
                raise ValueError(
                    "X must hold at least 2 values per feature to normalize in training "
                    f"mode, got shape {X.shape}; use training=False for a single sample"
                )
            mu = X2.mean(axis=0)
            xc = X2 - mu
            var = np.mean(xc * xc, axis=0)
            inv_std = 1.0 / np.sqrt(var + self.eps)
            xhat = xc * inv_std
            mom = self.momentum
            self.running_mean = self.running_mean * mom + mu * (1.0 - mom)
            self.running_var = self.running_var * mom + var * (1.0 - mom)
        else:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            xhat = (X2 - self.running_mean) * inv_std
        self._cache = (xhat, inv_std, training, X.shape)
        return self._from_2d(xhat * gamma + beta, X.shape)

    def _backward(self, dout):
        xhat, inv_std, training, shape = self._cache
        d2 = self._to_2d(dout)
        gamma = self.params["gamma"]
        self.grads["gamma"] = np.sum(d2 * xhat, axis=0)
        self.grads["beta"] = d2.sum(axis=0)
        dxhat = d2 * gamma
        if training:
            m = d2.shape[0]
            dX2 = (inv_std / m) * (m * dxhat - dxhat.sum(axis=0)
                                   - xhat * np.sum(dxhat * xhat, axis=0))
        else:
            dX2 = dxhat * inv_std
        return self._from_2d(dX2, shape)

    def _output_shape(self):
        return self._cache[3]

    def _describe(self):
        return f"({self.n_features}, momentum={self.momentum})"


class LayerNorm(Layer):
    r"""Layer normalization (Ba, Kiros & Hinton, 2016): per-sample statistics.

    For each sample (row) :math:`x \in \mathbb{R}^D`, over its own features:

    .. math::
        \mu = \tfrac1D\textstyle\sum_j x_j,\quad
        \sigma^2 = \tfrac1D\textstyle\sum_j (x_j-\mu)^2,\quad
        \hat x_j = \frac{x_j-\mu}{\sqrt{\sigma^2+\epsilon}},\quad
        y_j = \gamma_j\hat x_j + \beta_j

    Nothing depends on the other samples of the batch, so training and
    inference compute the same thing, there are no running statistics, and a
    batch of one sample works (where BatchNorm's :math:`x - \mu_B` is 0).
    The backward pass is BatchNorm's with the roles of the axes swapped:

    .. math::
        \frac{\partial E}{\partial x_j} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
        \Bigl(g_j - \overline{g} - \hat x_j\,\overline{g\hat x}\Bigr),
        \qquad g_j = \gamma_j\,\frac{\partial E}{\partial y_j}

    with the bars averages over the sample's :math:`D` features.

    Parameters
    ----------
    n_features : int
        Size of the last axis, :math:`D \ge 2`.
    eps : float
        Added to the variance, > 0.
    """

    def __init__(self, n_features: int, *, eps: float = 1e-5, name: str = "") -> None:
        super().__init__(name)
        self.n_features = check_int("n_features", n_features, min_value=2)
        self.eps = check_float("eps", eps, min_value=0.0, min_inclusive=False)
        self.params = {"gamma": np.ones(self.n_features), "beta": np.zeros(self.n_features)}
        self.grads = {"gamma": np.zeros(self.n_features), "beta": np.zeros(self.n_features)}

    def _check_input(self, X):
        return check_array("X", X, shape=(None, self.n_features))

    def _forward(self, X, training):
        mu = X.mean(axis=1, keepdims=True)
        xc = X - mu
        var = np.mean(xc * xc, axis=1, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = xc * inv_std
        self._cache = (xhat, inv_std)
        return xhat * self.params["gamma"] + self.params["beta"]

    def _backward(self, dout):
        xhat, inv_std = self._cache
        self.grads["gamma"] = np.sum(dout * xhat, axis=0)
        self.grads["beta"] = dout.sum(axis=0)
        g = dout * self.params["gamma"]
        return inv_std * (g - g.mean(axis=1, keepdims=True)
                          - xhat * np.mean(g * xhat, axis=1, keepdims=True))

    def _output_shape(self):
        return self._cache[0].shape

    def _describe(self):
        return f"({self.n_features})"


class Dropout(Layer):
    r"""Dropout with a Bernoulli keep mask drawn per mini-batch.

    With drop rate :math:`p` and keep probability :math:`q = 1-p`:

    * inverted dropout (default): training :math:`Y = X\circ M / q`,
      inference :math:`Y = X`;
    * the original scheme (``inverted=False``): training :math:`Y = X\circ M`,
      inference :math:`Y = qX`.

    Both have the same expected activation. Backward: :math:`dX = dout\circ M/q`
    (or :math:`\circ M`): gradients flow only through kept units.

    Parameters
    ----------
    p : float
        Drop probability in ``[0, 1)``.
    inverted : bool
        Scale during training (default) instead of at test time.
    rng : numpy.random.Generator, optional
        Source of the masks; default ``np.random.default_rng(seed)``.
    seed : int
        Used only when ``rng`` is not given.
    """

    def __init__(self, p: float = 0.5, *, inverted: bool = True,
                 rng: np.random.Generator | None = None, seed: int = 0, name: str = "") -> None:
        super().__init__(name)
        self.p = check_float("p", p, min_value=0.0, max_value=1.0, max_inclusive=False)
        self.inverted = check_bool("inverted", inverted)
        self.rng = (check_rng("rng", rng) if rng is not None
                    else np.random.default_rng(check_int("seed", seed, min_value=0)))
        self.mask: np.ndarray | None = None

    @property
    def keep_prob(self) -> float:
        """Keep probability :math:`q = 1 - p`."""
        return 1.0 - self.p

    def _forward(self, X, training):
        q = self.keep_prob
        if training and self.p > 0.0:
            keep = self.rng.random(X.shape) >= self.p
            self.mask = keep / q if self.inverted else keep.astype(np.float64)
            scale: Any = self.mask
        else:
            self.mask = None
            scale = q if (not training and not self.inverted) else 1.0
        self._cache = (scale, X.shape)
        return X * scale

    def _backward(self, dout):
        scale, _ = self._cache
        return dout * scale

    def _output_shape(self):
        return self._cache[1]

    def _describe(self):
        return f"(p={self.p}{'' if self.inverted else ', test-time scaling'})"


class Sequential(Layer):
    r"""Layers applied one after another, as one layer: :math:`Y = f_n(\dots f_2(f_1(X)))`.

    Backward runs the chain rule through the same layers in reverse order.
    The plain counterpart of :class:`lessons_lib.layers.Residual`, which adds
    the shortcut :math:`X +` around its block.

    Parameters
    ----------
    layers : sequence of Layer
        Applied in order; at least one.
    name : str
        Label shown in ``repr``.

    Attributes
    ----------
    layers : list of Layer
        The layers in order, input side first.
    """

    _argname = "layers"        # what the error messages call the constructor's argument

    def __init__(self, layers: Sequence[Layer], *, name: str = "") -> None:
        super().__init__(name)
        arg = self._argname
        if isinstance(layers, Layer):
            layers = [layers]
        if not isinstance(layers, Sequence) or not all(isinstance(la, Layer) for la in layers):
            raise TypeError(f"{arg} must be a sequence of Layer objects, got {layers!r}")
        if not layers:
            raise ValueError(f"{arg} must hold at least one layer, got an empty sequence")
        self.layers = list(layers)

    @property
    def params(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        """Parameters of the layers, keyed ``"<layer name or index>.<param>"``."""
        return {f"{layer.name or i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in layer.params.items()}

    @params.setter
    def params(self, value):  # base __init__ assigns {}
        pass

    @property
    def grads(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        """Gradients of the layers, same keys as :attr:`params`."""
        return {f"{layer.name or i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in layer.grads.items()}

    @grads.setter
    def grads(self, value):
        pass

    def _check_input(self, X):
        return self.layers[0]._check_input(X)

    def _forward(self, X, training):
        for layer in self.layers:
            X = layer._forward(X, training)
        self._cache = X.shape
        return X

    def _backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer._backward(dout)
        return dout

    def _output_shape(self):
        return self._cache

    def _describe(self):
        return "(" + ", ".join(repr(layer) for layer in self.layers) + ")"


class Residual(Sequential):
    r"""Identity shortcut around a block: :math:`Y = X + F(X)`.

    Backward: :math:`dX = dY + \partial F^\top dY` — the "+ dY" term carries
    the gradient past the block unchanged, which is why deep residual nets
    keep their gradients (notebook 10).

    Parameters
    ----------
    block : sequence of Layer
        Applied in order; must map a shape to the same shape.
    """

    _argname = "block"

    def __init__(self, block: Sequence[Layer], *, name: str = "") -> None:
        super().__init__(block, name=name)

    @property
    def block(self) -> list[Layer]:
        """The layers of :math:`F`, in order (the same list as :attr:`layers`)."""
        return self.layers

    def _check_input(self, X):
        return check_array("X", X)

    def _forward(self, X, training):
        h = super()._forward(X, training)
        if h.shape != X.shape:
            raise ValueError(f"block must keep the shape of its input for the shortcut, "
                             f"got {X.shape} -> {h.shape}")
        return X + h

    def _backward(self, dout):
        return dout + super()._backward(dout)
