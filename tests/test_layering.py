"""CONTRIBUTING's layer diagram, enforced: no module of lessons_lib imports upward.

Bottom up: ``validation``, ``speed`` → ``activations``, ``initializers``, ``losses``,
``optim``, ``data`` → ``layers`` (and ``recurrent``, a model piece of the same
kind) → ``model`` → ``probes``, ``gradcheck``, ``training`` → ``experiments``
→ ``plots`` → ``widgets`` → ``exercises``. Modules of one layer may use each
other. Every import counts, also one inside a function. The package's
``__init__`` (which re-exports) and ``bench`` (a command-line tool over all
layers) stand outside the diagram.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lessons_lib"

LAYERS = [
    {"validation", "speed"},
    {"activations", "initializers", "losses", "optim", "data"},
    {"layers", "recurrent"},
    {"model"},
    {"probes", "gradcheck", "training"},
    {"experiments"},
    {"plots"},
    {"widgets"},
    {"exercises"},
]
OUTSIDE = {"__init__", "bench"}
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _top(module: str) -> str:
    """``lessons_lib.plots.lab`` → ``plots``; ``lessons_lib.model`` → ``model``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path, root: Path = ROOT) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module) of every lessons_lib import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path, root).split(".")[:-1]     # a module's or __init__'s package
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name.startswith("lessons_lib")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("lessons_lib"):
                continue
            if node.module is None:
                # `from . import plots` / `from .. import losses`: each name is a module
                found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer():
    tops = {_top(_module_name(p)) for p in MODULES}
    assert tops - OUTSIDE <= set(RANK), f"not in the diagram: {sorted(tops - OUTSIDE - set(RANK))}"
    assert set(RANK) <= tops, f"in the diagram but not in the package: {set(RANK) - tops}"


def test_the_diagram_is_the_one_contributing_shows():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    line = text[text.index("Layers of the package"):].split("Modules of one layer")[0]
    shown = [set(re.findall(r"`(\w+)`", step)) for step in line.split("→")]
    assert shown == LAYERS, f"CONTRIBUTING shows {shown}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_no_module_imports_a_higher_layer(path):
    me = _top(_module_name(path))
    if me in OUTSIDE:
        return
    upward = [(line, target) for line, target in _imports(path)
              if _top(target) not in OUTSIDE and RANK[_top(target)] > RANK[me]]
    assert not upward, (f"{_module_name(path)} ({me}, layer {RANK[me]}) imports upward: "
                        + ", ".join(f"line {ln}: {t}" for ln, t in upward))


def test_the_check_sees_an_upward_import(tmp_path):
    """The test above catches a layer reaching up, also from inside a function."""
    source = (PACKAGE / "layers.py").read_text(encoding="utf-8")
    assert all(RANK[_top(t)] <= RANK["layers"] for _, t in _imports(PACKAGE / "layers.py"))
    fake = tmp_path / "lessons_lib" / "layers.py"
    fake.parent.mkdir()
    fake.write_text(source + "\n\ndef _x():\n    from .widgets import Panel\n", encoding="utf-8")
    up = [t for _, t in _imports(fake, tmp_path) if RANK[_top(t)] > RANK["layers"]]
    assert up == ["lessons_lib.widgets"]
