"""Every notebook agrees with its source and has the parts every lesson needs."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = sorted((ROOT / "notebooks" / "src").glob("*.py"))

spec = importlib.util.spec_from_file_location("build_notebooks",
                                              ROOT / "tools" / "build_notebooks.py")
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)


def test_there_are_notebooks():
    assert SRC, "no notebook sources in notebooks/src"


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_stored_notebook_matches_its_source(src):
    target = ROOT / "notebooks" / f"{src.stem}.ipynb"
    assert target.exists(), f"{target.name} was never built: python tools/build_notebooks.py"
    import nbformat

    problems = build.same_cells(nbformat.read(target, as_version=4),
                                build.parse(src.read_text(encoding="utf-8")))
    assert not problems, f"{target.name} is stale, rebuild it: {problems}"


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_lesson_has_title_summary_and_next_link(src):
    cells = build.parse(src.read_text(encoding="utf-8"))
    number = src.stem[:2]
    assert cells[0]["type"] == "markdown"
    assert cells[0]["source"].startswith(f"# {number} · "), "first line: '# NN · Title'"
    last = cells[-1]["source"]
    assert last.startswith("## Summary"), "the last cell is the summary"
    bullets = [ln for ln in last.splitlines() if ln.startswith("* ")]
    assert len(bullets) == 3, "the summary has exactly three bullet lines"
    if number != "11":
        nxt = f"{int(number) + 1:02d}"
        m = re.search(r"\*\*Next:\*\* \[(\d\d) · [^\]]+\]\((\d\d)_\w+\.ipynb\)", last)
        assert m and m.group(1) == nxt == m.group(2), "ends with a link to the next lesson"
        assert any((ROOT / "notebooks" / "src").glob(f"{nxt}_*.py")), "the next lesson exists"


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_first_code_cell_sets_up_the_live_backend(src):
    cells = [c for c in build.parse(src.read_text(encoding="utf-8")) if c["type"] == "code"]
    first = cells[0]["source"]
    assert first.startswith("%matplotlib widget")
    assert "import lessons_lib as ll" in first


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_live_outputs_are_tagged(src):
    nb = json.loads((ROOT / "notebooks" / f"{src.stem}.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        live = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for o in cell.get("outputs", []))
        if live:
            assert "nbval-ignore-output" in cell["metadata"].get("tags", []), f"cell {i}"


def test_parser_round_trip():
    text = ('# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n'
            '# %% tags=["nbval-ignore-output"] hidden\ny = 2\n')
    cells = build.parse(text)
    assert [c["type"] for c in cells] == ["markdown", "code", "code"]
    assert cells[0]["source"] == "# Title\n\ntext"
    assert cells[2]["tags"] == ["nbval-ignore-output"] and cells[2]["hidden"]
    with pytest.raises(ValueError, match="before the first"):
        build.parse("x = 1\n# %%\n")
