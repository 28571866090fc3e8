"""The warm-up exercise of notebook 00: a product of many equal factors."""

from __future__ import annotations

from typing import Any

from .base import Mistake, Verdict, run_check

__all__ = ["check_repeated_factor"]


def _repeated_factor(factor: float, layers: int) -> float:
    return factor ** layers


_MISTAKES = (
    Mistake("one_short", lambda f, n: f ** max(n - 1, 0),
            "your signal was multiplied one time too few: after 1 layer its size is the "
            "factor itself, after 0 layers it is still 1."),
    Mistake("one_extra", lambda f, n: f ** (n + 1),
            "your signal was multiplied one time too many: after 0 layers its size is 1, "
            "after 1 layer the factor itself."),
    Mistake("times_not_power", lambda f, n: f * n,
            "you multiplied the factor by the number of layers. The layers multiply the "
            "signal one after the other, so the factor is multiplied by *itself*: that is "
            "why 0.25 over 10 layers is about 1e-6, not 2.5."),
    Mistake("swapped", lambda f, n: float(n) ** f,
            "you raised layers to the power factor; it is the other way round."),
)


def check_repeated_factor(fn: Any) -> Verdict:
    r"""Notebook 00: ``fn(factor, layers) -> factor ** layers``.

    The size of a signal that is multiplied by the same ``factor`` once per
    layer, after ``layers`` layers (starting from 1).
    """
    cases = [(0.25, 10), (0.25, 1), (0.9, 100), (1.1, 100), (1.0, 50), (2.0, 30), (0.5, 0)]
    return run_check(
        "repeated factor", fn, _repeated_factor, cases, rtol=1e-9, atol=0.0,
        mistakes=_MISTAKES, input_names=["factor", "layers"], output_names=["size"],
        hints=["start from a signal of size 1 and follow it through one layer, then two: "
               "what is its size after each?",
               "each layer multiplies the size by the same factor, so after `layers` layers "
               "the factor appears `layers` times in the product; after 0 layers the signal "
               "still has size 1.",
               "size = factorᴸ with L = layers (a power, not a product factor × L)."])
