"""Pure experiments: numbers in, numbers out, no drawing.

One module per topic; everything public is re-exported here, so
``experiments.gradient_profile(...)`` works whichever module holds it.

* :mod:`.depth` — per-layer gradient and activation profiles of deep stacks
  (notebooks 05, 06, 07, 10).
"""

from .depth import (
    MAX_BATCH,
    MAX_DEPTH,
    MAX_WIDTH,
    QUANTITIES,
    activation_profile,
    gradient_envelope,
    gradient_profile,
)

__all__ = [
    "MAX_BATCH",
    "MAX_DEPTH",
    "MAX_WIDTH",
    "QUANTITIES",
    "activation_profile",
    "gradient_envelope",
    "gradient_profile",
]
