"""Exercise check of notebook 10: one backward step of a plain RNN.

``check_rnn_step_backward(fn)`` returns a :class:`~lessons_lib.exercises.base.Verdict`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..recurrent import rnn_step_backward, rnn_step_forward
from .base import Verdict, run_check

__all__ = ["check_rnn_step_backward"]


def _reference(dh, x, h_prev, h, W_x, W_h):
    _, dh_prev, dW_x, dW_h, db = rnn_step_backward(dh, x, h_prev, h, W_x, W_h)
    return dh_prev, dW_x, dW_h, db


def check_rnn_step_backward(fn: Any) -> Verdict:
    r"""Notebook 10: ``fn(dh, x, h_prev, h, W_x, W_h) -> (dh_prev, dW_x, dW_h, db)``.

    The step is :math:`h = \tanh(x W_x + h_{\mathrm{prev}} W_h + b)`; with
    :math:`\delta = dh \circ (1 - h^2)` the answers are
    :math:`dh_{\mathrm{prev}} = \delta W_h^\top`, :math:`dW_x = x^\top\delta`,
    :math:`dW_h = h_{\mathrm{prev}}^\top\delta`, :math:`db = \sum_n \delta_n`.
    Shapes: ``x`` (N, n_in), ``h_prev``/``h``/``dh`` (N, n_h), ``W_x``
    (n_in, n_h), ``W_h`` (n_h, n_h).
    """
    rng = np.random.default_rng(10)
    cases = []
    for n, n_in, n_h in ((1, 2, 3), (4, 3, 5), (6, 4, 4)):
        x = rng.standard_normal((n, n_in))
        h_prev = np.tanh(rng.standard_normal((n, n_h)))
        W_x = rng.standard_normal((n_in, n_h)) / np.sqrt(n_in)
        W_h = rng.standard_normal((n_h, n_h)) / np.sqrt(n_h)
        h = rnn_step_forward(x, h_prev, W_x, W_h, 0.1 * rng.standard_normal(n_h))
        cases.append((rng.standard_normal((n, n_h)), x, h_prev, h, W_x, W_h))
    return run_check("RNN step backward", fn, _reference, cases,
                     output_names=["dh_prev", "dW_x", "dW_h", "db"],
                     hint="delta = dh * (1 - h**2); dh_prev = delta @ W_h.T; "
                          "dW_x = x.T @ delta; dW_h = h_prev.T @ delta; db = delta.sum(axis=0).")
