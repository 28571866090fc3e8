"""The exercise of notebook 08: inverted dropout in training mode,
:func:`check_dropout_forward`.

The masks are random, so this check tests properties of the answer instead
of comparing it with one reference output (see the check's docstring).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..validation import check_float
from .base import (
    DEFAULT_TIMEOUT,
    Timeout,
    Verdict,
    call_student,
    failed,
    format_value,
    not_implemented,
    passed,
)

__all__ = ["check_dropout_forward"]


_HINTS = [
    "three things are checked: which entries are dropped (a share p of them, at random, "
    "drawn anew from the rng you are given), what the kept entries become, and that p = 0 "
    "changes nothing.",
    "p is the *drop* probability: an entry survives with probability 1 − p. Draw one uniform "
    "random number per entry of X from `rng`, so the mask is random and reproducible. "
    "Dividing the survivors by 1 − p keeps the expected value of every entry equal to x.",
    "mask = 1 where the entry's uniform random number is ≥ p, else 0 (one number per entry "
    "of X); Y = X ∘ mask / (1 − p).",
]


def _dropout_run(fn, X, p, seed, timeout, gen=None):
    """(Y as float array or None, a Verdict to return or None)."""
    title = "dropout forward"
    rng = gen if gen is not None else np.random.default_rng(seed)
    inputs = (f"X = {format_value(X)} with entries in [1, 2), p = {p:g}, "
              f"rng = np.random.default_rng({seed})")
    info = {"inputs": inputs, "p": p}
    try:
        call = call_student(fn, (X, p, rng), timeout)
    except NotImplementedError:
        return None, not_implemented(title)
    except Timeout:
        return None, failed(title, f"p = {p:g}: did not finish within {timeout:g} s.",
                            hints=_HINTS, inputs=inputs, details=info)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - reported to the student
        return None, failed(title, f"p = {p:g}: your function raised {type(exc).__name__}: "
                                   f"{exc}.", hints=_HINTS, inputs=inputs, details=info)
    if call.value is None or call.value is Ellipsis:
        return None, not_implemented(title, "(Your function returned None: is the `return` "
                                            "line missing?)")
    if call.changed:
        return None, failed(title, f"p = {p:g}: your function changed its input X in place.",
                            diagnosis="an in-place operation (X *= mask, X[...] = 0) changes "
                                      "the caller's array too, so the layer's input is gone "
                                      "after the call (and backward needs it). Return a new "
                                      "array.", hints=_HINTS, inputs=inputs,
                            details={**info, "mistake": "in_place"})
    try:
        Y = np.asarray(call.value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, failed(title, f"p = {p:g}: your result is a {type(call.value).__name__}, "
                                   "not an array of numbers.", hints=_HINTS,
                            inputs=inputs, details=info)
    if Y.shape != X.shape:
        return None, failed(title, f"p = {p:g}: your result has shape {Y.shape}, expected "
                                   f"{X.shape} (one output per entry of X).",
                            hints=_HINTS, inputs=inputs, details=info)
    if not np.all(np.isfinite(Y)):
        return None, failed(title, f"p = {p:g}: your result contains NaN or inf.",
                            hints=_HINTS, inputs=inputs, details=info)
    return Y, None


def check_dropout_forward(fn: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Verdict:
    r"""Notebook 08: ``fn(X, p, rng) -> Y``, inverted dropout in training mode.

    Each entry is dropped with probability :math:`p` and the kept ones are
    divided by :math:`1-p`. The masks are random, so the check tests
    properties: every entry is 0 or :math:`x/(1-p)`, the dropped share is
    within 5 standard deviations of :math:`p`, ``p = 0`` changes nothing,
    each sample (row) gets its own mask, the mask comes from ``rng``
    (another generator gives another mask, the same seed the same mask, a
    second call a fresh one), and ``X`` is not changed in place.
    """
    title = "dropout forward"
    timeout = check_float("timeout", timeout, min_value=0.0, min_inclusive=False)
    if not callable(fn):
        return failed(title, f"expected a function, got {type(fn).__name__}. Pass the "
                             "function itself, without calling it.", hints=_HINTS)
    X = np.random.default_rng(8).uniform(1.0, 2.0, (400, 50))

    def fail(p, seed, problem, diagnosis=None, mistake=None):
        return failed(title, f"p = {p:g}: {problem}.", diagnosis=diagnosis,
                      hints=_HINTS,
                      inputs=(f"X = {format_value(X)} with entries in [1, 2), p = {p:g}, "
                              f"rng = np.random.default_rng({seed})"),
                      details={"p": p, "mistake": mistake})

    masks = {}
    for p in (0.0, 0.2, 0.5, 0.8):
        seed = int(p * 10)
        Y, verdict = _dropout_run(fn, X, p, seed, timeout)
        if verdict is not None:
            return verdict
        kept = Y != 0
        dropped = 1.0 - kept.mean()
        if p == 0.0:
            if not np.allclose(Y, X, rtol=1e-12, atol=0.0):
                diagnosis = ("with p = 0 nothing may be dropped and nothing rescaled, "
                             "Y = X. ")
                if dropped > 0.99:
                    diagnosis += ("You dropped everything: is p your *keep* probability? "
                                  "Here p is the drop rate.")
                    return fail(p, seed, f"you dropped {dropped:.0%} of the entries",
                                diagnosis, "p_is_keep")
                return fail(p, seed, f"Y differs from X ({dropped:.0%} of the entries dropped)",
                            diagnosis)
            continue
        scaled = X / (1.0 - p)
        if not np.allclose(Y[kept], scaled[kept], rtol=1e-9, atol=0.0):
            if np.allclose(Y[kept], X[kept], rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x, not x/(1 − p)",
                            "without the division by 1 − p the layer's output is on average "
                            "(1 − p)·x during training but x at test time. Inverted dropout "
                            "divides the kept entries by the keep probability 1 − p.",
                            "no_rescale")
            if np.allclose(Y[kept], X[kept] * (1.0 - p), rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x·(1 − p), not x/(1 − p)",
                            "you multiplied by the keep probability; inverted dropout "
                            "*divides* by it, so that the average output stays x.",
                            "multiplied")
            if np.allclose(Y[kept], X[kept] / p, rtol=1e-9, atol=0.0):
                return fail(p, seed, "the kept entries equal x/p, not x/(1 − p)",
                            "you divided by the drop probability p; the kept entries are "
                            "divided by the keep probability 1 − p.", "divided_by_p")
            k = int(np.flatnonzero(kept.ravel() & ~np.isclose(Y, scaled).ravel())[0])
            idx = np.unravel_index(k, X.shape)
            return fail(p, seed, f"a kept entry is {Y[idx]:.4g} where x = {X[idx]:.4g}; "
                                 f"expected 0 or x/(1 − p) = {scaled[idx]:.4g}")
        if np.all(kept == kept[:1]):
            return fail(p, seed, "every row (sample) has the same mask",
                        "you drew one mask for the whole batch, so the same units are "
                        "dropped for every sample. Draw one random number per entry of X, "
                        "so each sample gets its own mask.", "one_mask_per_batch")
        if np.all(kept == kept[:, :1]):
            return fail(p, seed, "each row (sample) is either kept or dropped as a whole",
                        "you drew one number per sample, so whole samples vanish. Dropout "
                        "drops single units: one random number per entry of X.",
                        "one_mask_per_sample")
        sd = math.sqrt(p * (1 - p) / X.size)
        if abs(dropped - p) > 5 * sd:
            if abs(dropped - (1 - p)) <= 5 * sd:
                return fail(p, seed, f"you dropped {dropped:.1%} of the entries, expected "
                                     f"about {p:.0%}",
                            "that is 1 − p: you used p as the *keep* probability. Here p is "
                            "the drop rate, as in Keras's Dropout(rate) and PyTorch's "
                            "nn.Dropout(p): an entry is dropped with probability p.",
                            "p_is_keep")
            return fail(p, seed, f"you dropped {dropped:.1%} of the entries, expected about "
                                 f"{p:.0%}")
        masks[p] = kept
    # The mask must come from rng: other generator -> other mask, same seed -> same mask.
    other, verdict = _dropout_run(fn, X, 0.5, 6, timeout)
    if verdict is not None:
        return verdict
    if np.array_equal(other != 0, masks[0.5]):
        return fail(0.5, 6, "a different rng (seed 6 instead of 5) dropped exactly the same "
                            "entries",
                    "your mask does not depend on the rng: it is fixed. A network trained "
                    "with a fixed mask just drops the same units every step, which makes it "
                    "a smaller network, not dropout. Draw the mask from `rng`.", "fixed_mask")
    again, verdict = _dropout_run(fn, X, 0.5, 5, timeout)
    if verdict is not None:
        return verdict
    if not np.array_equal(again != 0, masks[0.5]):
        return fail(0.5, 5, "the same seed gave a different mask on a second run",
                    "your mask does not come from the rng you were given (np.random.random or "
                    "a generator of your own?), so a seeded run cannot be repeated. Draw it "
                    "from `rng`.", "global_random")
    gen = np.random.default_rng(9)
    first, verdict = _dropout_run(fn, X, 0.5, 9, timeout, gen=gen)
    if verdict is None:
        second, verdict = _dropout_run(fn, X, 0.5, 9, timeout, gen=gen)
    if verdict is not None:
        return verdict
    if np.array_equal(first != 0, second != 0):
        return fail(0.5, 9, "two calls with the same generator dropped the same entries",
                    "each call (each training step) must draw a fresh mask from `rng`; "
                    "yours repeats itself.", "repeated_mask")
    return passed(title, "masks drop the right share at random, anew on every call, and the "
                         "kept units are rescaled by 1/(1 − p), so the expected activation is "
                         "preserved.")
