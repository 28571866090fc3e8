"""Exercise check of notebook 10: one backward step of a plain RNN.

``check_rnn_step_backward(fn)`` returns a :class:`~lessons_lib.exercises.base.Verdict`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..recurrent import rnn_step_backward, rnn_step_forward
from .base import Mistake, Verdict, run_check

__all__ = ["check_rnn_step_backward"]


def _reference(dh, x, h_prev, h, W_x, W_h):
    _, dh_prev, dW_x, dW_h, db = rnn_step_backward(dh, x, h_prev, h, W_x, W_h)
    return dh_prev, dW_x, dW_h, db


def _variant(dh, x, h_prev, h, W_x, W_h, *, slope="tanh", back_T=True, dWx_T=False,
             db="sum", prev_slope=True):
    slopes = {"tanh": 1.0 - h * h, "none": 1.0, "tanh_of_h": 1.0 - np.tanh(h) ** 2,
              "one_minus_h": 1.0 - h, "sigmoid_form": h * (1.0 - h)}
    dnet = dh * slopes[slope]
    dh_prev = (dnet if prev_slope else dh) @ (W_h.T if back_T else W_h)
    dW_x = dnet.T @ x if dWx_T else x.T @ dnet
    db_ = {"mean": dnet.mean(axis=0), "sum": dnet.sum(axis=0), "axis1": dnet.sum(axis=1)}[db]
    return dh_prev, dW_x, h_prev.T @ dnet, db_


_MISTAKES = (
    Mistake("no_tanh_slope", lambda *a: _variant(*a, slope="none"),
            "all four results are built from dh itself: the tanh slope is missing. The "
            "gradient at the weighted sum is dnet = dh ∘ tanh′, and with the step's output h "
            "the slope is 1 − h²."),
    Mistake("tanh_of_h", lambda *a: _variant(*a, slope="tanh_of_h"),
            "your slope is 1 − tanh(h)²: h is already tanh of the weighted sum, so the "
            "slope is 1 − h² (no second tanh)."),
    Mistake("one_minus_h", lambda *a: _variant(*a, slope="one_minus_h"),
            "your slope is 1 − h; tanh′ written with the output is 1 − h² (h squared)."),
    Mistake("sigmoid_slope", lambda *a: _variant(*a, slope="sigmoid_form"),
            "your slope is h(1 − h), the sigmoid's slope written with its output; the step "
            "uses tanh, whose slope is 1 − h²."),
    Mistake("prev_without_slope", lambda *a: _variant(*a, prev_slope=False),
            "dW_x, dW_h and db are right, but dh_prev is built from dh: it also goes "
            "through the tanh first, dh_prev = dnet W_hᵀ."),
    Mistake("no_transpose", lambda *a: _variant(*a, back_T=False),
            "dh_prev uses W_h where it needs W_hᵀ: going backwards through h_prev W_h "
            "multiplies by the transpose (W_h is square, so the shapes fit either way)."),
    Mistake("dWx_transposed", lambda *a: _variant(*a, dWx_T=True),
            "your dW_x is dnetᵀx, the transpose: a weight gradient has the weight's shape "
            "(n_in, n_h), so it is xᵀdnet."),
    Mistake("db_wrong_axis", lambda *a: _variant(*a, db="axis1"),
            "your db adds dnet over the hidden units of each sample (axis 1). The bias is "
            "shared by all samples, so its gradient adds dnet over the samples (axis 0): one "
            "entry per hidden unit."),
    Mistake("db_mean", lambda *a: _variant(*a, db="mean"),
            "your db is the mean of dnet over the samples; the gradients here are summed over "
            "the batch, like xᵀdnet sums over it."),
)


def check_rnn_step_backward(fn: Any) -> Verdict:
    r"""Notebook 10: ``fn(dh, x, h_prev, h, W_x, W_h) -> (dh_prev, dW_x, dW_h, db)``.

    The step is :math:`h = \tanh(x W_x + h_{\mathrm{prev}} W_h + b)`; with the
    gradient at the weighted sum, :math:`d\mathrm{net} = \partial E/\partial\,\mathrm{net}
    = dh \circ (1 - h^2)` (the notes' learning signal with the opposite sign,
    :math:`-\delta`), the answers are
    :math:`dh_{\mathrm{prev}} = d\mathrm{net}\, W_h^\top`,
    :math:`dW_x = x^\top d\mathrm{net}`, :math:`dW_h = h_{\mathrm{prev}}^\top d\mathrm{net}`,
    :math:`db = \sum_n d\mathrm{net}_n`.
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
    return run_check(
        "RNN step backward", fn, _reference, cases, mistakes=_MISTAKES,
        input_names=["dh", "x", "h_prev", "h", "W_x", "W_h"],
        output_names=["dh_prev", "dW_x", "dW_h", "db"],
        describe=lambda dh, x, *_: (f"N = {x.shape[0]} samples, n_in = {x.shape[1]}, "
                                    f"n_h = {dh.shape[1]}"),
        hints=["start with dnet, the gradient at the weighted sum (before the tanh): all "
               "four results are built from dnet, not from dh. Then compare each result's "
               "shape with the shape of what it belongs to.",
               "tanh′ written with the step's output h is 1 − h². Each weight matrix gets "
               "(its input)ᵀ dnet; the previous state gets dnet sent back through W_h, so "
               "W_hᵀ; the bias gradient adds dnet over the samples (axis 0).",
               "dnet = dh ∘ (1 − h²);  dh_prev = dnet W_hᵀ;  dW_x = xᵀdnet;  "
               "dW_h = h_prevᵀdnet;  db = Σₙ dnetₙ (one entry per hidden unit)."])
