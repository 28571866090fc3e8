"""lessons_lib: the numpy helper package behind the vanishing/exploding-gradient lessons.

One import gives every module::

    import lessons_lib as ll
    model = ll.model.MLP([2, 16, 16, 1], activation="tanh", seed=0)

Layers of the house, bottom up (nothing imports upward): ``validation``, ``speed`` ->
``activations``, ``initializers``, ``losses``, ``optim``, ``data`` ->
``layers`` -> ``model`` -> ``probes``, ``gradcheck``, ``training`` ->
``experiments`` -> ``exercises``; the drawing and widget modules (which need matplotlib and
ipywidgets) load only when first used. Importing the package changes no
global state: no rcParams, no seeding, no backend switch.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import (
    activations,
    data,
    experiments,
    gradcheck,
    initializers,
    layers,
    losses,
    model,
    optim,
    probes,
    recurrent,
    speed,
    training,
    validation,
)
from .model import MLP

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "activations",
    "data",
    "exercises",
    "experiments",
    "gradcheck",
    "initializers",
    "layers",
    "losses",
    "model",
    "optim",
    "probes",
    "recurrent",
    "training",
    "speed",
    "validation",
]

_LAZY = ("exercises", "plots", "widgets", "bench")


def __getattr__(name: str) -> Any:
    """Import the heavier modules (matplotlib, ipywidgets) on first use."""
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'lessons_lib' has no attribute {name!r}")
