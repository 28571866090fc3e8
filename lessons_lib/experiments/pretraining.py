r"""Greedy layer-wise pre-training and fine-tuning (Hinton et al., 2006), notebook 10.

The historical remedy for deep nets that would not train: before any
labeled training, train one layer at a time, each as the encoder of a small
**autoencoder** that reconstructs its own input (the previous layer's output);
then stack the encoders, add an output layer and **fine-tune** the whole net
with backpropagation.

* :func:`pretrain_layers` — pre-train the hidden layers of an :class:`~lessons_lib.model.MLP`;
* :func:`pretraining_comparison` — fine-tune a pre-trained deep sigmoid net
  and the same net from random (Glorot) init on the moons, plus a ReLU/He net
  from random init for comparison.

Results are memoised and read-only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import data as _data
from ..model import MLP
from ..training import accuracy, train
from ..validation import check_array, check_float, check_int

__all__ = ["FineTuneRun", "pretrain_layers", "pretraining_comparison"]


def pretrain_layers(model: MLP, X: Any, *, steps: int = 300, lr: float = 0.5,
                    seed: int = 0) -> np.ndarray:
    r"""Greedy layer-wise pre-training of ``model``'s hidden layers, in place.

    For hidden layer :math:`l` (input side first), with :math:`H^{0} = X`:

    1. train the autoencoder :math:`H^{l-1} \to f(H^{l-1}W + b) \to (\cdot)V + c`
       (the model's hidden activation :math:`f`, a linear decoder) to
       reconstruct :math:`H^{l-1}` under the squared error, by full-batch
       gradient descent;
    2. copy its encoder :math:`W, b` into the model's layer :math:`l`;
    3. :math:`H^{l} = f(H^{l-1}W + b)` becomes the next layer's input.

    The output layer is left as initialized.

    Parameters
    ----------
    model : MLP
        A plain stack (no BatchNorm, dropout or shortcuts), at least one hidden layer.
    X : array_like, shape (N, model.layer_sizes[0])
        Unlabeled inputs.
    steps : int
        Gradient steps per autoencoder, 1..5000.
    lr : float
        Learning rate of the autoencoders, > 0.
    seed : int
        Autoencoder ``l`` is initialized with seed ``seed + l``.

    Returns
    -------
    ndarray, shape (n_hidden_layers,)
        Final reconstruction error of each autoencoder.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a lessons_lib.model.MLP, got {type(model).__name__}")
    if model.batchnorm or model.dropout or model.residual:
        raise ValueError("model must be a plain stack for layer-wise pre-training, got "
                         f"batchnorm={model.batchnorm}, dropout={model.dropout}, "
                         f"residual={model.residual}")
    if len(model.layer_sizes) < 3:
        raise ValueError(f"model must have at least one hidden layer, "
                         f"got layer_sizes={model.layer_sizes}")
    H = check_array("X", X, shape=(None, model.layer_sizes[0]))
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    seed = check_int("seed", seed, min_value=0)
    errors = []
    for i, layer in enumerate(model.dense_layers[:-1]):
        ae = MLP([layer.n_in, layer.n_out, layer.n_in], activation=model.activation,
                 activation_params=model.activation_params, output_activation="linear",
                 seed=seed + i)
        result = train(ae, H, H, loss="mse", lr=lr, steps=steps)
        if result.diverged:
            raise ValueError(f"autoencoder {i} diverged with lr={lr}: try a smaller lr")
        encoder, act = ae.layers[0], ae.layers[1]
        layer.params["W"][...] = encoder.params["W"]
        layer.params["b"][...] = encoder.params["b"]
        errors.append(float(result.loss[-1]))
        H = act._forward(encoder._forward(H, False), False)
    return np.array(errors)


@dataclass(frozen=True)
class FineTuneRun:
    """One supervised training run of :func:`pretraining_comparison`.

    Attributes
    ----------
    loss : ndarray (steps,)
        Binary cross-entropy before each update.
    first_over_last : float
        :math:`\\|\\partial E/\\partial W^1\\| / \\|\\partial E/\\partial W^L\\|` at the
        first step: how much weaker the input layer's gradient is than the output layer's.
    accuracy : float
        Training accuracy at the end.
    """

    loss: np.ndarray
    first_over_last: float
    accuracy: float


@functools.lru_cache(maxsize=16)
def _comparison(depth, width, pre_steps, pre_lr, steps, lr, relu_lr, seed):
    X, y = _data.moons(200, noise=0.1, seed=0)
    X = _data.standardize(X)
    T = y[:, None].astype(float)
    sizes = [2] + [width] * depth + [1]
    runs = {}
    for name in ("random", "pretrained", "relu_he"):
        if name == "relu_he":
            model = MLP(sizes, activation="relu", init="he_normal", seed=seed)
        else:
            model = MLP(sizes, activation="sigmoid", init="glorot_uniform", seed=seed)
        if name == "pretrained":
            pretrain_layers(model, X, steps=pre_steps, lr=pre_lr, seed=100 + seed)
        result = train(model, X, T, loss="binary_cross_entropy",
                       lr=relu_lr if name == "relu_he" else lr, steps=steps)
        g = result.history.weight_grad[0]
        loss = result.loss.copy()
        loss.setflags(write=False)
        runs[name] = FineTuneRun(loss=loss, first_over_last=float(g[0] / g[-1]),
                                 accuracy=accuracy(model, X, y, threshold=0.0))
    return runs


def pretraining_comparison(*, depth: int = 5, width: int = 16, pre_steps: int = 300,
                           pre_lr: float = 0.5, steps: int = 400, lr: float = 1.0,
                           relu_lr: float = 0.1, seed: int = 0) -> dict[str, FineTuneRun]:
    """Fine-tuning after layer-wise pre-training vs training from random init.

    Data: 200 moons (noise 0.1, standardized), binary cross-entropy on the
    logit output, full-batch gradient descent.

    Parameters
    ----------
    depth : int
        Hidden layers, 1..20.
    width : int
        Units per hidden layer, 1..128.
    pre_steps, pre_lr
        Steps and learning rate of each autoencoder (:func:`pretrain_layers`).
    steps : int
        Supervised steps of every run, 1..5000.
    lr : float
        Supervised learning rate of the two sigmoid nets, > 0.
    relu_lr : float
        Learning rate of the ReLU net, > 0 (1.0 kills its units: dying ReLU).
    seed : int
        Seeds the nets' initial weights (the same for "random" and "pretrained").

    Returns
    -------
    dict of str to FineTuneRun
        ``"random"`` — sigmoid net, Glorot init, no pre-training;
        ``"pretrained"`` — the same net after :func:`pretrain_layers`;
        ``"relu_he"`` — ReLU net with He init, no pre-training (the modern recipe).
    """
    depth = check_int("depth", depth, min_value=1, max_value=20)
    width = check_int("width", width, min_value=1, max_value=128)
    pre_steps = check_int("pre_steps", pre_steps, min_value=1, max_value=5000)
    pre_lr = check_float("pre_lr", pre_lr, min_value=0.0, min_inclusive=False)
    steps = check_int("steps", steps, min_value=1, max_value=5000)
    lr = check_float("lr", lr, min_value=0.0, min_inclusive=False)
    relu_lr = check_float("relu_lr", relu_lr, min_value=0.0, min_inclusive=False)
    seed = check_int("seed", seed, min_value=0)
    return _comparison(depth, width, pre_steps, pre_lr, steps, lr, relu_lr, seed)
