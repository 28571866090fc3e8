"""The Binder checks run only when asked for: ``pytest -m binder tests/binder -n 0``.

They build a virtual environment from scratch (about two minutes), so the
README's ``pytest --nbval`` skips them, with that reason; CI runs them in a
step of their own (``.ci/run``).
"""

from __future__ import annotations

import pytest

HOW = "run them with `pytest -m binder tests/binder -n 0` (CI does)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "binder" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason=f"Binder checks build a fresh environment (~2 min): {HOW}")
    for item in items:
        if item.get_closest_marker("binder"):
            item.add_marker(skip)
