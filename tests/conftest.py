"""Shared fixtures: seeded generators and the matplotlib backends."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator for each test."""
    return np.random.default_rng(12345)


@pytest.fixture(params=["agg", "ipympl"])
def backend(request):
    """Run the test under the inline-like Agg backend and under live ipympl.

    Closes every figure afterwards and restores the previous backend.
    """
    old = matplotlib.get_backend()
    plt.switch_backend("agg" if request.param == "agg" else "module://ipympl.backend_nbagg")
    yield request.param
    plt.close("all")
    plt.switch_backend(old)


@pytest.fixture
def agg():
    """Headless Agg backend only (the live backend has tests of its own)."""
    old = matplotlib.get_backend()
    plt.switch_backend("agg")
    yield
    plt.close("all")
    plt.switch_backend(old)

