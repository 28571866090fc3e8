r"""A multi-layer perceptron assembled from :mod:`lessons_lib.layers` (notebooks 03–11).

:class:`MLP` builds a whole network from its layer sizes;
:class:`lessons_lib.layers.Sequential` (re-exported here) chains any layers
into one.

``MLP([2, 16, 16, 1])`` has three dense layers. Hidden layer ``i`` is

``Dense -> [BatchNorm or LayerNorm] -> Activation -> [Dropout]``

(the normalization before the activation). With BatchNorm the dense bias
is left out: BatchNorm subtracts each feature's batch mean, bias included,
and its :math:`\beta` does the bias's job. LayerNorm subtracts each
sample's mean over the features, which removes only the bias's average, so
the bias stays: without it LayerNorm of :math:`xW` could not tell
:math:`x` from :math:`2x`. With ``residual=True`` each hidden
block whose input and output widths match is wrapped in an identity shortcut.
The last layer is ``Dense -> Activation(output_activation)``.

Parameter keys are stable and ordered: ``"dense0.W"``, ``"dense0.b"``,
``"bn0.gamma"``, ``"act0.alpha"`` (PReLU), ... whatever the options.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import activations as _act
from . import initializers as _init
from . import losses as _losses
from . import optim as _optim
from .layers import (
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    Layer,
    LayerNorm,
    Residual,
    Sequential,
)
from .validation import check_array, check_bool, check_float, check_int

__all__ = ["MLP", "Sequential", "StepResult"]


@dataclass(frozen=True)
class StepResult:
    """What one :meth:`MLP.step` saw.

    Attributes
    ----------
    loss : float
        Loss of the batch before the update (data loss plus penalties).
    data_loss : float
        The data loss alone (``loss`` without the penalties).
    grad_norm : float
        Global norm of the gradient (penalties included) before clipping;
        NaN when the step stopped before the gradient.
    output : ndarray
        The network's output on the batch (training mode).
    overflow : str or None
        None when the update was made; otherwise what overflowed float64
        (``"the network's output"``, ``"the loss"`` or ``"the gradient"``)
        and no parameter was changed.
    """

    loss: float
    grad_norm: float
    output: np.ndarray
    overflow: str | None = None
    data_loss: float = math.nan


class MLP:
    """Multi-layer perceptron with optional BatchNorm, dropout and shortcuts.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, hidden_1, ..., n_out]``, at least two entries, all >= 1.
    activation : str
        Hidden activation name (see :data:`lessons_lib.activations.NAMES`).
    init : str or Initializer
        Weight initializer for every dense layer.
    batchnorm : bool
        Insert BatchNorm before each hidden activation.
    layernorm : bool
        Insert LayerNorm before each hidden activation (not with ``batchnorm``).
    dropout : float
        Drop rate in ``[0, 1)`` after each hidden activation (0 = none).
    residual : bool
        Identity shortcut around each hidden block of equal width.
    output_activation : str
        Activation of the last layer (``"linear"``, ``"sigmoid"``, ``"softmax"``, ...).
    seed : int
        Seeds one ``numpy.random.Generator`` that draws every weight, dropout
        mask and RReLU slope of this model, so two models with the same
        arguments are identical.
    activation_params : dict, optional
        Parameters of the hidden activation, e.g. ``{"alpha": 0.2}``.
    bn_momentum : float
        BatchNorm running-average momentum.

    Attributes
    ----------
    layers : list of Layer
        Top-level layers in order (residual blocks appear as one ``Residual``).
    dense_layers : list of Dense
        The dense layers in order, input side first.
    activation_layers : list of Activation
        The activation layers in order (the last one is the output's).
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str = "relu",
                 init: str | _init.Initializer = "glorot_uniform", *, batchnorm: bool = False,
                 layernorm: bool = False,
                 dropout: float = 0.0, residual: bool = False, output_activation: str = "linear",
                 seed: int = 0, activation_params: dict[str, Any] | None = None,
                 bn_momentum: float = 0.9) -> None:
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"layer_sizes must be a list of ints like [2, 16, 1], "
                            f"got {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(f"layer_sizes must have at least 2 entries (inputs and outputs), "
                             f"got {list(layer_sizes)}")
        self.layer_sizes = [check_int(f"layer_sizes[{i}]", n, min_value=1)
                            for i, n in enumerate(layer_sizes)]
        if activation_params is not None and not isinstance(activation_params, dict):
            raise TypeError(f"activation_params must be a dict like {{'alpha': 0.2}}, "
                            f"got {type(activation_params).__name__}")
        if isinstance(activation, _act.Activation):
            raise TypeError("activation must be a name (each layer builds its own), "
                            f"got an instance {activation!r}")
        self.activation = _act.get(_act.canonical_name(activation, "activation"),
                                   **(activation_params or {})).name
        self.activation_params = dict(activation_params or {})
        self.init = _init.get(init if isinstance(init, _init.Initializer)
                              else _init.canonical_name(init, "init"))
        self.batchnorm = check_bool("batchnorm", batchnorm)
        self.layernorm = check_bool("layernorm", layernorm)
        if self.batchnorm and self.layernorm:
            raise ValueError("batchnorm and layernorm must not both be True (one "
                             "normalization per layer), got batchnorm=True, layernorm=True")
        self.dropout = check_float("dropout", dropout, min_value=0.0, max_value=1.0,
                                   max_inclusive=False)
        self.residual = check_bool("residual", residual)
        self.output_activation = _act.canonical_name(output_activation, "output_activation")
        self.seed = check_int("seed", seed, min_value=0)
        rng = np.random.default_rng(self.seed)

        self.layers: list[Layer] = []
        n_layers = len(self.layer_sizes) - 1
        for i in range(n_layers):
            n_in, n_out = self.layer_sizes[i], self.layer_sizes[i + 1]
            if i == n_layers - 1:
                self.layers.append(Dense(n_in, n_out, self.init, rng=rng, name=f"dense{i}"))
                self.layers.append(Activation(self.output_activation, name=f"act{i}"))
                break
            block: list[Layer] = [Dense(n_in, n_out, self.init, bias=not self.batchnorm,
                                        rng=rng, name=f"dense{i}")]
            if self.batchnorm:
                block.append(BatchNorm(n_out, momentum=bn_momentum, name=f"bn{i}"))
            if self.layernorm:
                block.append(LayerNorm(n_out, name=f"ln{i}"))
            act_params = dict(self.activation_params)
            if self.activation == "rrelu":
                act_params["rng"] = rng
            block.append(Activation(self.activation, name=f"act{i}", **act_params))
            if self.residual and n_in == n_out:
                self.layers.append(Residual(block, name=f"res{i}"))
            else:
                self.layers.extend(block)
            if self.dropout > 0.0:
                self.layers.append(Dropout(self.dropout, rng=rng, name=f"drop{i}"))
        self.dense_layers = [la for la in self._leaves() if isinstance(la, Dense)]
        self.activation_layers = [la for la in self._leaves() if isinstance(la, Activation)]

    def _leaves(self) -> Iterator[Layer]:
        for layer in self.layers:
            if isinstance(layer, Residual):
                yield from layer.block
            else:
                yield layer

    # -- passes ----------------------------------------------------------------
    def forward(self, X: Any, training: bool = True, *, check: bool = True) -> np.ndarray:
        """Run the network on a batch.

        Parameters
        ----------
        X : array_like, shape (N, layer_sizes[0])
        training : bool
            Training mode (batch statistics, dropout masks) or inference.
        check : bool
            Check ``X`` first. An inner loop that passes the same checked
            array many times passes ``False``.

        Returns
        -------
        ndarray, shape (N, layer_sizes[-1])
        """
        if check:
            X = check_array("X", X, shape=(None, self.layer_sizes[0]))
            training = check_bool("training", training)
        for layer in self.layers:
            X = layer._forward(X, training)
        return X

    def backward(self, dY: Any, *, check: bool = True) -> np.ndarray:
        """Backpropagate ``dY = dE/dY`` (shape of the last output); fill every ``grads``.

        Parameters
        ----------
        dY : array_like, shape of the last output
        check : bool
            Check ``dY`` first (``False`` in a trusted inner loop).

        Returns
        -------
        ndarray, shape (N, layer_sizes[0])
            ``dE/dX``.
        """
        last = self.layers[-1]
        if last._cache is None:
            raise RuntimeError("MLP.backward called before forward")
        if check:
            dY = check_array("dY", dY, shape=last._output_shape())
        for layer in reversed(self.layers):
            dY = layer._backward(dY)
        return dY

    def step(self, X: Any, T: Any, *, optimizer: _optim.Optimizer,
             loss: str | Callable[[Any, Any], tuple[float, np.ndarray]] = "mse",
             clip_norm: float | None = None, clip_value: float | None = None,
             l1: float = 0.0, l2: float = 0.0, check: bool = True) -> StepResult:
        r"""One training step on the batch ``(X, T)``: forward, loss, backward, update.

        In order: the output :math:`Y` (training mode), the loss and
        :math:`\partial E/\partial Y`, backpropagation (which fills every layer's
        ``grads``), the penalties' gradients added, clipping (by value, then by
        global norm), and ``optimizer.step``. Each layer's ``grads`` keep the
        data loss's gradient (what :mod:`lessons_lib.probes` reads); the
        penalties and clipping only change what the optimizer receives.

        Overflow is not an error: when the output, the loss or the gradient is
        not finite the step stops before changing any parameter and says so
        in :attr:`StepResult.overflow`.

        Parameters
        ----------
        X : array_like, shape (N, layer_sizes[0])
        T : array_like
            Targets in the form the loss expects (see :func:`lessons_lib.losses.get`).
        optimizer : lessons_lib.optim.Optimizer
            E.g. ``optim.SGD(lr=0.1)``; it keeps its state between steps.
        loss : str or callable
            A name from :data:`lessons_lib.losses.NAMES` (the two cross-entropies
            take the output as logits) or ``fn(Y, T) -> (loss, dY)``.
        clip_norm, clip_value : float, optional
            Clip the gradient by global norm / by value before the update.
        l1, l2 : float
            Weight penalties :math:`\lambda` on the weight matrices, >= 0.
        check : bool
            Check every argument. A loop that calls ``step`` many times with
            the same checked arguments passes ``False`` from the second call.

        Returns
        -------
        StepResult
        """
        if check:
            if not isinstance(optimizer, _optim.Optimizer):
                raise TypeError(f"optimizer must be a lessons_lib.optim.Optimizer such as "
                                f"optim.SGD(lr=0.1), got {type(optimizer).__name__}")
            X = check_array("X", X, shape=(None, self.layer_sizes[0]))
            if clip_norm is not None:
                clip_norm = check_float("clip_norm", clip_norm, min_value=0.0,
                                        min_inclusive=False)
            if clip_value is not None:
                clip_value = check_float("clip_value", clip_value, min_value=0.0,
                                         min_inclusive=False)
            l1 = check_float("l1", l1, min_value=0.0)
            l2 = check_float("l2", l2, min_value=0.0)
            if not callable(loss):
                _losses.get(loss)
        loss_fn = _losses.get(loss) if isinstance(loss, str) else loss
        with np.errstate(all="ignore"):
            Y = self.forward(X, training=True, check=False)
            if not np.all(np.isfinite(Y)):
                return StepResult(math.nan, math.nan, Y, "the network's output")
            value, dY = loss_fn(Y, T)
            data_loss = value
            if not math.isfinite(value):
                return StepResult(value, math.nan, Y, "the loss", data_loss)
            self.backward(dY, check=False)
            params = self.parameters()
            grads = self.gradients()
            for lam, penalty in ((l1, _optim.l1_penalty), (l2, _optim.l2_penalty)):
                if lam:
                    p_value, p_grads = penalty(params, lam, check=False)
                    value += p_value
                    grads = {k: g + p_grads[k] for k, g in grads.items()}
            norm = _optim.global_norm(grads, check=False)
            if not (math.isfinite(value) and math.isfinite(norm)):
                what = "the loss" if not math.isfinite(value) else "the gradient"
                return StepResult(value, norm, Y, what, data_loss)
            to_clip = norm
            if clip_value is not None:
                grads = {k: np.clip(g, -clip_value, clip_value) for k, g in grads.items()}
                to_clip = _optim.global_norm(grads, check=False)
            if clip_norm is not None and to_clip > clip_norm:    # as optim.clip_by_global_norm
                factor = clip_norm / to_clip
                grads = {k: g * factor for k, g in grads.items()}
            optimizer.step(params, grads, check=False)
        return StepResult(value, norm, Y, None, data_loss)

    # -- parameters --------------------------------------------------------------
    def parameters(self) -> dict[str, np.ndarray]:
        """All trainable arrays, keyed ``"<layer>.<param>"`` in layer order.

        The arrays are the model's own: updating them in place trains the model.
        """
        return {f"{la.name}.{k}": v for la in self._leaves() for k, v in la.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        """Gradients from the last :meth:`backward`, same keys as :meth:`parameters`."""
        return {f"{la.name}.{k}": v for la in self._leaves() for k, v in la.grads.items()}

    def zero_grad(self) -> None:
        """Set every gradient to zero."""
        for la in self._leaves():
            for k in la.grads:
                la.grads[k] = np.zeros_like(la.params[k])

    def __repr__(self) -> str:
        lines = [f"MLP({self.layer_sizes}, activation={self.activation!r}, "
                 f"init={self.init.name!r}, batchnorm={self.batchnorm}, "
                 + ("layernorm=True, " if self.layernorm else "")
                 + f"dropout={self.dropout}, residual={self.residual}, "
                 f"output_activation={self.output_activation!r}, seed={self.seed})"]
        lines += [f"  {layer!r}" for layer in self.layers]
        return "\n".join(lines)
