"""Reading pinned requirement files (shared by the packaging and Binder tests)."""

from __future__ import annotations

from pathlib import Path


def requirement_pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` line of a requirements file."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins
