"""The warm-up exercise of notebook 00: a product of many equal factors."""

from __future__ import annotations

from typing import Any

from .base import Verdict, run_check

__all__ = ["check_repeated_factor"]


def _repeated_factor(factor: float, layers: int) -> float:
    return factor ** layers


def check_repeated_factor(fn: Any) -> Verdict:
    r"""Notebook 00: ``fn(factor, layers) -> factor ** layers``.

    The size of a signal that is multiplied by the same ``factor`` once per
    layer, after ``layers`` layers (starting from 1).
    """
    cases = [(0.25, 1), (0.25, 10), (0.9, 100), (1.1, 100), (1.0, 50), (2.0, 30), (0.5, 0)]
    return run_check("repeated factor", fn, _repeated_factor, cases, rtol=1e-9, atol=0.0,
                     hint="multiply factor by itself `layers` times: factor ** layers.")
