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


def _excerpt(text: str, other: str, width: int = 70) -> str:
    """The first line of ``text`` that differs from ``other``, shortened to ``width``."""
    lines, others = text.splitlines() or [""], other.splitlines() or [""]
    common = min(len(lines), len(others))
    i = next((k for k in range(common) if lines[k] != others[k]), common)
    i = min(i, len(lines) - 1)                     # other has extra lines: show our last
    line = lines[i].strip()
    return f"line {i + 1}: " + repr(line if len(line) <= width else line[:width - 1] + "…")


def stale_message(name: str, nb, source) -> str:
    """What differs between a stored notebook and its source, and how to rebuild safely.

    A student's saved notebook holds their own answers: rebuilding would
    overwrite it, so the message says what differs and how to keep that work
    before it names the build command.
    """
    stored = [(c.cell_type, c.source, build.options(c)) for c in nb.cells]
    source = [(c.cell_type, c.source, build.options(c)) for c in source.cells]
    differing = [i for i, (a, b) in enumerate(zip(stored, source, strict=False))
                 if a != b]
    if len(stored) != len(source):
        differing.append(min(len(stored), len(source)))
    first = differing[0]
    lines = [f"notebooks/{name}.ipynb does not match its source notebooks/src/{name}.py: "
             f"{len(stored)} cells stored, {len(source)} in the source; "
             f"first difference at cell {first} "
             f"(cells that differ: {', '.join(map(str, differing[:8]))}"
             f"{', …' if len(differing) > 8 else ''})."]
    a = stored[first] if first < len(stored) else None
    b = source[first] if first < len(source) else None
    if a and b and a[:2] == b[:2]:
        lines.append(f"  tags, stored: {a[2]['tags']}  source: {b[2]['tags']}; "
                     f"hidden input, stored: {a[2]['hidden']}  source: {b[2]['hidden']}")
    else:
        lines.append("  stored notebook " + (f"({a[0]}) {_excerpt(a[1], b[1] if b else '')}"
                                              if a else "(no such cell)"))
        lines.append("  source          " + (f"({b[0]}) {_excerpt(b[1], a[1] if a else '')}"
                                              if b else "(no such cell)"))
    lines += [
        "If the stored notebook holds your own work (answers typed in JupyterLab), rebuilding "
        "overwrites it. Keep it first: save a copy under another name outside notebooks/ "
        f"(cp notebooks/{name}.ipynb ~/{name}-mine.ipynb, or JupyterLab's File > Save "
        "Notebook As...), or `git stash` your changes (`git stash pop` brings them back).",
        f"Then rebuild it from the source: python tools/build_notebooks.py {name[:2]}",
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_stored_notebook_matches_its_source(src):
    target = ROOT / "notebooks" / f"{src.stem}.ipynb"
    assert target.exists(), f"{target.name} was never built: python tools/build_notebooks.py"
    import nbformat

    nb = nbformat.read(target, as_version=4)
    source = build.read_source(src.read_text(encoding="utf-8"))
    problems = build.same_cells(nb, source)
    assert not problems, stale_message(src.stem, nb, source)


def test_stale_message_names_the_cell_shows_both_sides_and_keeps_the_students_work():
    import nbformat

    src = SRC[-1]
    path = ROOT / "notebooks" / f"{src.stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    source = build.read_source(src.read_text(encoding="utf-8"))
    code = next(i for i, c in enumerate(source.cells) if c.cell_type == "code" and i > 3)
    nb.cells[code].source = nb.cells[code].source + "\nmy_answer = 42  # a student's line"
    assert build.same_cells(nb, source)                  # the test above would fail ...
    msg = stale_message(src.stem, nb, source)            # ... with this message
    assert f"first difference at cell {code}" in msg
    assert "my_answer = 42" in msg                       # the stored side's differing line
    assert "source          (code) line" in msg          # and the source's side
    keep = msg.index("save a copy under another name")
    assert f"~/{src.stem}-mine.ipynb" in msg and "git stash" in msg
    assert msg.rindex(f"python tools/build_notebooks.py {src.stem[:2]}") > keep   # last
    # a changed tag, a shown solution and a missing cell are named too
    nb = nbformat.read(path, as_version=4)
    nb.cells[code].metadata["tags"] = ["raises-exception"]
    assert build.same_cells(nb, source) == [f"cell {code}: tags differs from the source"]
    assert "tags, stored: ['raises-exception']" in stale_message(src.stem, nb, source)
    nb = nbformat.read(path, as_version=4)
    hidden = next(i for i, c in enumerate(nb.cells) if build.options(c)["hidden"])
    del nb.cells[hidden].metadata["jupyter"]
    assert build.same_cells(nb, source) == [f"cell {hidden}: hidden differs from the source"]
    assert "hidden input, stored: False  source: True" in stale_message(src.stem, nb, source)
    nb = nbformat.read(path, as_version=4)
    nb.cells[code].metadata["scrolled"] = True           # JupyterLab's own metadata: ignored
    assert build.same_cells(nb, source) == []
    del nb.cells[-1]
    msg = stale_message(src.stem, nb, source)
    n = len(source.cells)
    assert f"{n - 1} cells stored, {n} in the source" in msg
    assert "(no such cell)" in msg


LAST = max(p.stem[:2] for p in SRC)        # the last lesson links back to the map


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_lesson_has_title_summary_and_next_link(src):
    cells = build.parse(src.read_text(encoding="utf-8"))
    number = src.stem[:2]
    assert cells[0]["type"] == "markdown"
    assert cells[0]["source"].startswith(f"# {number} · "), "first line: '# NN · Title'"
    last = cells[-1]["source"]
    if last.startswith("## References"):                 # the papers, after the summary
        assert re.search(r"^\* .*\b(19|20)\d\d\b", last, re.M), "a paper per line, with its year"
        last = cells[-2]["source"]
    assert last.startswith("## Summary"), "the summary is the last cell (or before References)"
    bullets = [ln for ln in last.splitlines() if ln.startswith("* ")]
    assert len(bullets) == 3, "the summary has exactly three bullet lines"
    if number != LAST:
        nxt = f"{int(number) + 1:02d}"
        m = re.search(r"\*\*Next:\*\* \[(\d\d) · [^\]]+\]\((\d\d)_\w+\.ipynb\)", last)
        assert m and m.group(1) == nxt == m.group(2), "ends with a link to the next lesson"
        assert any((ROOT / "notebooks" / "src").glob(f"{nxt}_*.py")), "the next lesson exists"
    else:
        assert "(00_start_here.ipynb)" in last, "the last lesson links back to the map"


FIRST_CELL = "%matplotlib widget\nimport numpy as np\nimport lessons_lib as ll"


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_one_import_style_the_first_code_cell_then_ll_dot_names(src):
    """CONTRIBUTING's first cell, then every lessons_lib name as ``ll.<subpackage>.<name>``."""
    import types

    import lessons_lib as ll

    code = [c["source"] for c in build.parse(src.read_text(encoding="utf-8"))
            if c["type"] == "code"]
    assert code[0] == FIRST_CELL, "the first code cell is CONTRIBUTING's three lines"
    for i, source in enumerate(code[1:], start=1):
        imports = re.findall(r"^\s*(?:from\s+lessons_lib\b|import\s+lessons_lib\b).*$",
                             source, re.M)
        assert not imports, f"code cell {i}: {imports[0].strip()!r}; write ll.<subpackage>.<name>"
        for name, path in re.findall(r"^\s*(\w+)\s*=\s*(ll(?:\.\w+)+)\s*(?:#.*)?$", source,
                                     re.M):
            obj = ll
            for attr in path.split(".")[1:]:
                obj = getattr(obj, attr)
            assert not isinstance(obj, types.ModuleType), (
                f"code cell {i}: {name} = {path} is a short name for a module; write {path}")


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


def test_parser_reads_jupytexts_percent_format():
    text = ('# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n# cd into the folder\n\n'
            '# %% tags=["nbval-ignore-output"] jupyter={"source_hidden": true}\ny = 2\n'
            '\n# %% [markdown] tags=["voila-hide"]\n# ## Exercise\n')
    cells = build.parse(text)
    assert [c["type"] for c in cells] == ["markdown", "code", "code", "markdown"]
    assert cells[0]["source"] == "# Title\n\ntext"
    assert cells[1]["source"] == "x = 1\n# cd into the folder"     # a comment stays a comment
    assert cells[2]["tags"] == ["nbval-ignore-output"] and cells[2]["hidden"]
    assert cells[3]["tags"] == ["voila-hide"] and not cells[3]["hidden"]
    nb = build.read_source(text)
    assert nb.cells[2].metadata == {"tags": ["nbval-ignore-output"],
                                    "jupyter": {"source_hidden": True}}
    assert [c.id for c in nb.cells] == ["cell-000", "cell-001", "cell-002", "cell-003"]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert build.parse("\n\n" + text) == cells                   # blank lines before: nothing
    with pytest.raises(ValueError, match="before the first"):
        build.parse("x = 1\n# %%\n")
    with pytest.raises(ValueError, match="empty"):
        build.parse("\n")
    for line, words in [("# %% hidden", "unknown cell metadata \\['title'\\]"),
                        ('# %% jupyter={"outputs_hidden": true}', "outputs_hidden"),
                        ('# %% tags="voila-hide"', "not of type 'array'"),
                        ("# %% tags=[1]", "invalid cell metadata"),
                        ("# %% slideshow={}", "unknown cell metadata")]:
        with pytest.raises(ValueError, match=words):
            build.parse(f"{line}\nx = 1\n")


@pytest.mark.parametrize("src", SRC, ids=[p.stem for p in SRC])
def test_source_is_in_jupytexts_own_form(src):
    """jupytext writes the source back unchanged: it reads exactly what the author wrote."""
    import jupytext

    text = src.read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(text, fmt=build.FORMAT), fmt=build.FORMAT) == text
