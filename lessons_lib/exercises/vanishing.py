r"""Exercise check of notebook 05: predict the gradient ratio of a deep sigmoid stack.

The student writes ``predict_ratio(depth)``, their prediction of the
chain-rule bound on :math:`\|\delta^1\|/\|\delta^L\|` for ``depth`` = :math:`L`
sigmoid layers with Glorot weights. Going back one layer multiplies the
learning signal by :math:`(W^{l+1})^\top` (gain about 1 with Glorot weights
on square layers) and by :math:`\sigma'(\mathrm{net}^l) \le 1/4`, and there
are :math:`L-1` such steps, so the bound is :math:`0.25^{L-1}`.

:func:`check_gradient_ratio` compares the prediction with that bound at
several depths and, next to it, reports the ratio *measured* on the
network of the gradient explorer, so the student sees bound against reality.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..experiments.depth import gradient_profile
from .base import DEFAULT_TIMEOUT, Verdict, call_with_timeout, run_check

__all__ = ["RATIO_DEPTHS", "check_gradient_ratio", "measured_ratio"]

#: Depths at which the prediction is checked (depth 1 catches the off-by-one).
RATIO_DEPTHS = (1, 2, 5, 10, 20, 30)

_TITLE = "gradient ratio"
_HINT = ("count the steps: from layer L back to layer 1 the signal passes L - 1 layers, and "
         "each step multiplies it by (W)ᵀ, which Glorot weights leave about the same size, "
         "and by σ′ ≤ 0.25. One layer alone (depth 1) has nothing to shrink.")


def _bound(depth: int) -> float:
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

    The reference is the chain-rule bound :math:`0.25^{L-1}`, compared at the
    depths :data:`RATIO_DEPTHS` with a relative tolerance of 1e-6 (no
    absolute tolerance: :math:`0.25^{29} \approx 3.5\times10^{-18}` must not
    pass as 0). Then a table follows the verdict: the bound and the measured
    ratio when the prediction is right; the prediction and the measured ratio
    (not the bound, which is the answer) when it is wrong.

    Returns
    -------
    Verdict
        ``details`` holds ``depths``, ``bound`` and ``measured`` (arrays).
    """
    cases = [(d,) for d in RATIO_DEPTHS]
    verdict = run_check(_TITLE, fn, _bound, cases, hint=_HINT, rtol=1e-6, atol=0.0)
    if (verdict.message.startswith("…") or "expected a function" in verdict.message
            or "did not finish" in verdict.message):
        return verdict                      # nothing to compare (or too slow to call again)
    depths = np.array(RATIO_DEPTHS)
    bound = np.array([_bound(d) for d in RATIO_DEPTHS])
    measured = np.array([measured_ratio(d) for d in RATIO_DEPTHS])
    if verdict.passed:
        lines = [verdict.message, "",
                 "depth L   bound 0.25^(L-1)   measured ‖δ¹‖/‖δᴸ‖"]
        lines += [f"{d:>7}   {b:>16.3g}   {m:>20.3g}"
                  for d, b, m in zip(depths, bound, measured, strict=True)]
        lines += ["", "The measured signal fades a little faster than the bound: σ′ reaches "
                      "0.25 only at net = 0, and the net inputs spread around 0, so the "
                      "average factor per layer is nearer 0.23."]
    else:                                   # no bound column: that would give the answer away
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
    details = dict(verdict.details, depths=depths, bound=bound, measured=measured)
    return Verdict(verdict.passed, "\n".join(lines), details)
