"""The exercise of notebook 09: clipping a gradient by its norm, :func:`check_clip_by_norm`."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Mistake, Verdict, format_value, run_check

__all__ = ["check_clip_by_norm"]


def _clip_by_norm(g, max_norm):
    norm = float(np.linalg.norm(g))
    return g * (max_norm / norm) if norm > max_norm else g


def _clip_rows(g, max_norm, axis):
    norm = np.linalg.norm(g, axis=axis, keepdims=True)
    return np.where(norm > max_norm, g * max_norm / np.where(norm > 0, norm, 1.0), g)


_MISTAKES = (
    Mistake("always_rescale", lambda g, m: g * (m / np.linalg.norm(g)),
            "you rescaled a gradient that was already short enough, which makes it *longer*. "
            "Clipping only acts when ‖g‖ > max_norm; otherwise g comes back unchanged."),
    Mistake("by_value", lambda g, m: np.clip(g, -m, m),
            "you clipped each entry to [−max_norm, max_norm] (clipping by value). That can "
            "turn the gradient's direction; clipping by norm rescales all entries by one "
            "factor, so the direction stays."),
    Mistake("squared_norm", lambda g, m: (g * (m / float(np.sum(g * g)))
                                          if float(np.sum(g * g)) > m else g),
            "you used the squared norm Σg²; the norm is its square root."),
    Mistake("per_row", lambda g, m: _clip_rows(g, m, -1),
            "you clipped each row separately; the norm is taken over all entries of g "
            "together, and one factor rescales them all."),
    Mistake("per_column", lambda g, m: _clip_rows(g, m, 0),
            "you clipped each column separately; the norm is taken over all entries of g "
            "together, and one factor rescales them all."),
    Mistake("matrix_2_norm", lambda g, m: (g * (m / np.linalg.norm(g, 2))
                                           if np.linalg.norm(g, 2) > m else g),
            "for a matrix, np.linalg.norm(g, 2) is the spectral norm (largest singular "
            "value), not the Euclidean length of all entries. Leave out the 2 (the default "
            "is the Frobenius norm, √Σg²)."),
    Mistake("unit_length", lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g,
            "your clipped gradient has norm 1; it should have norm max_norm."),
    Mistake("inverted_factor", lambda g, m: (g * (np.linalg.norm(g) / m)
                                             if np.linalg.norm(g) > m else g),
            "your factor is ‖g‖/max_norm, which makes a long gradient longer; it is "
            "max_norm/‖g‖."),
)


def check_clip_by_norm(fn: Any) -> Verdict:
    r"""Notebook 09: ``fn(g, max_norm) -> clipped g``.

    Rescale to norm ``max_norm`` only if :math:`\|g\|` is larger; otherwise
    return ``g`` (the input itself may be returned; changing it in place is
    rejected). Cases include a matrix and a zero gradient.
    """
    rng = np.random.default_rng(9)
    cases = [(np.array([3.0, 4.0]), 1.0), (np.array([3.0, 4.0]), 10.0),
             (rng.standard_normal(10) * 5, 2.0), (rng.standard_normal((3, 4)), 0.5),
             (np.array([[3.0, 0.0], [0.0, 4.0]]), 1.0), (np.zeros(3), 1.0),
             (np.array([3.0, 4.0]), 5.0)]
    return run_check(
        "clip by norm", fn, _clip_by_norm, cases, mistakes=_MISTAKES,
        input_names=["g", "max_norm"], output_names=["clipped g"],
        describe=lambda g, m: f"‖g‖ = {format_value(round(float(np.linalg.norm(g)), 10))}",
        hints=["two situations: a gradient longer than max_norm gets shorter; a gradient that "
               "is already short enough comes back unchanged. Which one is the failing case?",
               "the norm is the Euclidean length of all entries together, whatever the "
               "array's shape. One factor rescales every entry, so the direction stays; "
               "divide only when the norm is larger than max_norm (never by a zero norm).",
               "‖g‖ = √(Σ gᵢ²) over all entries; if ‖g‖ > max_norm return g · max_norm/‖g‖ "
               "(a new array), else g."])
