"""The exercise of notebook 03: the backward pass of a two-layer net,
:func:`check_backward_two_layer`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import sigmoid
from .base import Mistake, Verdict, run_check

__all__ = ["check_backward_two_layer"]


def _backward_variant(X, T, W1, W2, lr, *, hidden_slope="y1", output_slope=True, sign=1.0,
                      scale=1.0, swap=False):
    Y1 = sigmoid(X @ W1)
    Y2 = sigmoid(Y1 @ W2)
    delta2 = (T - Y2) * (Y2 * (1.0 - Y2) if output_slope else 1.0)
    back = delta2 @ W2.T
    if hidden_slope == "y1":
        delta1 = back * Y1 * (1.0 - Y1)
    elif hidden_slope == "y2":
        delta1 = back * Y2 * (1.0 - Y2)
    else:
        delta1 = back
    dW1, dW2 = sign * scale * lr * X.T @ delta1, sign * scale * lr * Y1.T @ delta2
    return (dW2, dW1) if swap else (dW1, dW2)


def _backward_two_layer(X, T, W1, W2, lr):
    return _backward_variant(X, T, W1, W2, lr)


_MISTAKES = (
    Mistake("no_hidden_slope",
            lambda *a: _backward_variant(*a, hidden_slope="none"),
            "dW2 is right, but δ¹ misses the hidden layer's own slope: the error sent back "
            "through (W²)ᵀ must be multiplied by σ′ of the hidden layer, Y¹(1 − Y¹)."),
    Mistake("no_output_slope",
            lambda *a: _backward_variant(*a, output_slope=False),
            "δ² misses the output layer's slope: it is (T − Y²) ∘ Y²(1 − Y²), and δ¹ is "
            "built from that δ²."),
    Mistake("no_slopes",
            lambda *a: _backward_variant(*a, hidden_slope="none", output_slope=False),
            "both learning signals miss their slope f′ = Y(1 − Y): each δ is an error "
            "times the slope of its own layer."),
    Mistake("hidden_slope_of_output",
            lambda *a: _backward_variant(*a, hidden_slope="y2"),
            "δ¹ uses the output layer's slope Y²(1 − Y²); each layer's δ needs the slope of "
            "its *own* layer, here Y¹(1 − Y¹)."),
    Mistake("gradient_not_change",
            lambda *a: _backward_variant(*a, sign=-1.0),
            "both results have the wrong sign: they are the gradients ∂E/∂W; the weight "
            "changes are ΔW = −η ∂E/∂W, which the error T − Y (not Y − T) gives directly."),
    Mistake("averaged",
            lambda X, *a: _backward_variant(X, *a, scale=1 / len(X)),
            "your changes are the right ones divided by N, the number of samples (the "
            "averaged error). Here the error is summed over the batch, as in the notes."),
    Mistake("swapped",
            lambda *a: _backward_variant(*a, swap=True),
            "you returned (dW2, dW1); the order asked for is (dW1, dW2)."),
)


def check_backward_two_layer(fn: Any) -> Verdict:
    r"""Notebook 03: ``fn(X, T, W1, W2, lr) -> (dW1, dW2)``, the weight changes.

    Forward :math:`Y^1 = \sigma(XW^1)`, :math:`Y^2 = \sigma(Y^1W^2)`; backward
    :math:`\delta^2 = (T - Y^2)\circ f'`, :math:`\delta^1 = \delta^2 (W^2)^\top\circ f'`,
    :math:`\Delta W^h = \eta\,(Y^{h-1})^\top\delta^h`.
    """
    rng = np.random.default_rng(3)
    cases = []
    for n_hidden in (2, 4, 3):
        X = np.c_[np.ones(4), rng.integers(0, 2, (4, 2))].astype(float)
        cases.append((X, rng.integers(0, 2, (4, 1)).astype(float),
                      rng.standard_normal((3, n_hidden)), rng.standard_normal((n_hidden, 1)), 0.5))
    return run_check(
        "two-layer backward", fn, _backward_two_layer, cases, mistakes=_MISTAKES,
        input_names=["X", "T", "W1", "W2", "lr"], output_names=["dW1", "dW2"],
        hints=["do the forward pass first (Y¹, then Y²), then go backwards: the output's "
               "learning signal δ², then the hidden layer's δ¹ (which needs δ²), then the two "
               "weight changes. Compare the shape of each array with the shapes in the text.",
               "each δ is an error times the slope Y(1 − Y) of its own layer. The hidden "
               "layer's error is δ² sent back through the weights, δ²(W²)ᵀ. A weight change is "
               "η times (the layer's input)ᵀ times the layer's δ.",
               "δ² = (T − Y²) ∘ Y²(1 − Y²);  δ¹ = δ²(W²)ᵀ ∘ Y¹(1 − Y¹);  "
               "dW2 = η (Y¹)ᵀδ²;  dW1 = η Xᵀδ¹."])
