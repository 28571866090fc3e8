r"""Exercise check of notebook 05: predict the gradient ratio of a deep sigmoid stack.

The student writes ``predict_ratio(depth)``, their prediction of
:math:`\|\delta^1\|/\|\delta^L\|` for ``depth`` = :math:`L` sigmoid layers
with Glorot weights in the *best case*, every unit at its steepest point.
Going back one layer multiplies the learning signal by :math:`(W^{l+1})^\top`
(typical gain 1 with Glorot weights on square layers) and by
:math:`\sigma'(\mathrm{net}^l) \le 1/4`, and there are :math:`L-1` such
steps, so the best case is :math:`0.25^{L-1}`.

:func:`check_gradient_ratio` compares the prediction with that number at
several depths and, next to it, reports the estimate with the actual slopes
(:func:`lessons_lib.experiments.initialization.gradient_estimate`, the explorer's
dashed line) and the ratio *measured* on the explorer's network.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..experiments.initialization import gradient_estimate
from ..experiments.vanishing import gradient_profile
from .base import DEFAULT_TIMEOUT, Mistake, Verdict, call_with_timeout, run_check

__all__ = ["RATIO_DEPTHS", "check_gradient_ratio", "measured_ratio"]

#: Depths at which the prediction is checked (depth 1 catches the off-by-one).
RATIO_DEPTHS = (1, 2, 5, 10, 20, 30)

_TITLE = "gradient ratio"
#: The hints in stages (see :func:`lessons_lib.exercises.base.failed`).
_HINTS = ("count the steps: from layer L back to layer 1, how many times is the learning "
          "signal multiplied? One layer alone (depth 1) has nothing to shrink.",
          "each step back multiplies the signal by (W)ᵀ, which Glorot weights leave about the "
          "same size, and by the sigmoid's slope σ′, which is at most 0.25 (the best case: "
          "every unit at its steepest point, net = 0).",
          "L − 1 steps, each a factor of at most 0.25: the best case is 0.25 to the power L − 1.")

_MISTAKES = (
    Mistake("one_step_too_many", lambda depth: 0.25 ** depth,
            "you counted L steps. From layer L back to layer 1 the signal crosses L − 1 "
            "layers (at depth 1 the ratio is 1: a layer compared with itself)."),
    Mistake("grows", lambda depth: 4.0 ** (depth - 1),
            "your ratio grows with depth: the signal is multiplied by 0.25, not divided, "
            "so the first layer's signal is the smaller one."),
    Mistake("times_not_power", lambda depth: 0.25 * (depth - 1),
            "you multiplied 0.25 by the number of steps. The steps multiply the signal one "
            "after the other, so the factors multiply: a power, not a product with L − 1."),
)


def _best_case(depth: int) -> float:
    return 0.25 ** (depth - 1)


def measured_ratio(depth: int, *, width: int = 64, batch: int = 256, seed: int = 0) -> float:
    r"""Measured :math:`\|\delta^1\|/\|\delta^L\|` of a sigmoid stack with Glorot uniform weights.

    The network, inputs and targets of the gradient explorer
    (:func:`lessons_lib.widgets.gradient_explorer` with its default sizes), so
    the number matches the explorer's readout.

    Parameters
    ----------
    depth : int
        Number of layers :math:`L`, 1..500.
    width, batch, seed : int
        As in :func:`lessons_lib.experiments.gradient_profile`.

    Returns
    -------
    float
        The ratio (1.0 for one layer; 0.0 if the first layer's signal underflowed).
    """
    delta = gradient_profile(depth, width=width, activation="sigmoid", init="glorot_uniform",
                             batch=batch, seed=seed)
    return float(delta[0] / delta[-1])


def check_gradient_ratio(fn: Any) -> Verdict:
    r"""Notebook 05: ``fn(depth) -> predicted ‖δ¹‖ / ‖δᴸ‖`` for a sigmoid/Glorot stack.

    The reference is the best case :math:`0.25^{L-1}`, compared at the
    depths :data:`RATIO_DEPTHS` with a relative tolerance of 1e-6 (no
    absolute tolerance: :math:`0.25^{29} \approx 3.5\times10^{-18}` must not
    pass as 0). Then a table follows the verdict: the best case, the estimate
    with the actual slopes and the measured ratio when the prediction is right;
    the prediction and the measured ratio (not the best case, which is the
    answer) when it is wrong.

    Returns
    -------
    Verdict
        ``details`` holds ``depths``, ``best_case``, ``estimate`` and ``measured``
        (arrays).
    """
    cases = [(d,) for d in RATIO_DEPTHS]
    verdict = run_check(_TITLE, fn, _best_case, cases, hints=_HINTS, mistakes=_MISTAKES,
                        input_names=["depth"], output_names=["predicted ratio"],
                        rtol=1e-6, atol=0.0)
    if (verdict.message.startswith("…") or "expected a function" in verdict.message
            or "did not finish" in verdict.message):
        return verdict                      # nothing to compare (or too slow to call again)
    depths = np.array(RATIO_DEPTHS)
    best = np.array([_best_case(d) for d in RATIO_DEPTHS])
    estimate = np.array([gradient_estimate(d)[0] for d in RATIO_DEPTHS])
    measured = np.array([measured_ratio(d) for d in RATIO_DEPTHS])
    if verdict.passed:
        lines = [verdict.message, "",
                 "depth L   best case 0.25^(L-1)   estimate (dashed line)   measured ‖δ¹‖/‖δᴸ‖"]
        lines += [f"{d:>7}   {b:>20.3g}   {e:>22.3g}   {m:>20.3g}"
                  for d, b, e, m in zip(depths, best, estimate, measured, strict=True)]
        lines += ["", "The measured signal fades faster than the best case: σ′ reaches "
                      "0.25 only at net = 0, and the net inputs spread around 0. The "
                      "estimate takes that spread into account (√E[σ′²] ≈ 0.235 per layer) "
                      "and lands close to the measurement."]
    else:                                   # no best-case column: it would give the answer away
        predicted = []
        for d in RATIO_DEPTHS:
            try:
                value = float(call_with_timeout(fn, (d,), DEFAULT_TIMEOUT))
                predicted.append(f"{value:.3g}")
            except Exception:  # noqa: BLE001 - shown as a dash; the verdict says what failed
                predicted.append("–")
        lines = [verdict.message, "",
                 "depth L   your prediction   measured ‖δ¹‖/‖δᴸ‖"]
        lines += [f"{d:>7}   {p:>15}   {m:>20.3g}"
                  for d, p, m in zip(depths, predicted, measured, strict=True)]
    details = dict(verdict.details, depths=depths, best_case=best, estimate=estimate,
                   measured=measured)
    return Verdict(verdict.passed, "\n".join(lines), details)
