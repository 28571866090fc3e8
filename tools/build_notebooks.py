#!/usr/bin/env python3
"""Build the lesson notebooks from their percent-format sources and execute them.

    python tools/build_notebooks.py                 # every notebooks/src/*.py
    python tools/build_notebooks.py 05 07           # only those whose name starts so
    python tools/build_notebooks.py --check         # sources and .ipynb agree? (no run)

A source ``notebooks/src/NN_name.py`` is a plain Python script in jupytext's
percent format, split into cells by ``# %%`` lines:

* ``# %% [markdown]`` — a markdown cell; each line drops its leading ``# ``;
* ``# %%`` — a code cell;
* cell metadata after the marker, as jupytext writes it:
  ``tags=["nbval-ignore-output"]`` (a JSON list) and
  ``jupyter={"source_hidden": true}`` (input collapsed in JupyterLab, e.g.
  exercise solutions). Nothing else may stand on a marker line.

jupytext reads the source (with ``comment_magics=False``: a code comment such
as ``# cd into ...`` stays a comment). The result ``notebooks/NN_name.ipynb``
is executed top to bottom in a fresh ``python3`` kernel from the
``notebooks/`` folder (so stored outputs are what ``pytest --nbval`` will
compare) and its run time is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "notebooks" / "src"
OUT = ROOT / "notebooks"

#: How jupytext reads and writes a source.
FORMAT = {"extension": ".py", "format_name": "percent", "comment_magics": False}
#: The cell metadata a source may set on a ``# %%`` line.
HIDDEN = {"source_hidden": True}
#: What jupytext records about blank lines between cells (its own round trip only).
_LAYOUT = ("lines_to_next_cell", "lines_to_end_of_cell_marker")


def _cell_error(i: int, cell: nbformat.NotebookNode, problem: str) -> ValueError:
    first = cell.source.splitlines()[0] if cell.source else ""
    return ValueError(f"cell {i} ({cell.cell_type}, {first[:40]!r}): {problem}. A '# %%' line "
                      'may carry only tags=[...] and jupyter={"source_hidden": true}.')


def read_source(text: str) -> nbformat.NotebookNode:
    """The unexecuted nbformat-4 notebook a percent-format source describes.

    Cells get stable ids (``cell-000``, ...) so that diffs of the stored
    notebooks show content changes only, and a ``python3`` kernelspec.

    Raises
    ------
    ValueError
        Text before the first ``# %%`` marker, or a marker line with anything
        but ``tags`` (a list of strings) and ``jupyter={"source_hidden": true}``.
    """
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():          # blank lines before the first marker
        lines.pop(0)
    if not lines:
        raise ValueError("the source is empty: no '# %%' cell marker")
    if not lines[0].startswith("# %%"):
        raise ValueError(f"text before the first '# %%' marker: {lines[0].rstrip()!r}")
    text = "".join(lines)
    try:
        read = jupytext.reads(text, fmt=FORMAT)
    except nbformat.ValidationError as exc:         # e.g. tags="a" instead of a list
        raise ValueError(f"a '# %%' line sets invalid cell metadata: {exc.message}") from None
    except (AttributeError, TypeError) as exc:       # jupytext's reaction to e.g. tags=[1]
        raise ValueError(f"a '# %%' line sets invalid cell metadata ({exc})") from None
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(read.cells):
        meta = {k: v for k, v in cell.metadata.items() if k not in _LAYOUT}
        unknown = sorted(set(meta) - {"tags", "jupyter"})
        if unknown:
            raise _cell_error(i, cell, f"unknown cell metadata {unknown}")
        tags = meta.get("tags", [])
        if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
            raise _cell_error(i, cell, f"tags must be a list of strings, got {tags!r}")
        if meta.get("jupyter", HIDDEN) != HIDDEN:
            raise _cell_error(i, cell, f"jupyter={meta['jupyter']!r}")
        new = (nbformat.v4.new_markdown_cell if cell.cell_type == "markdown"
               else nbformat.v4.new_code_cell)(cell.source, metadata=meta)
        new["id"] = f"cell-{i:03d}"          # stable ids: diffs show content changes only
        nb.cells.append(new)
    return nb


def options(cell: nbformat.NotebookNode) -> dict:
    """What a source sets for a cell besides its text: ``{"tags": [...], "hidden": bool}``."""
    return {"tags": list(cell.metadata.get("tags", [])),
            "hidden": cell.metadata.get("jupyter", {}).get("source_hidden", False) is True}


def parse(text: str) -> list[dict]:
    """The source's cells as plain dicts: ``type``, ``source``, ``tags``, ``hidden``.

    For scripts that run a lesson's cells without a kernel
    (``tests/sandbox_runner.py``); built on :func:`read_source`.
    """
    return [{"type": c.cell_type, "source": c.source, **options(c)}
            for c in read_source(text).cells]


def same_cells(nb: nbformat.NotebookNode, source: nbformat.NotebookNode) -> list[str]:
    """Differences between a stored notebook and its source's (empty list: in sync).

    Compared: cell types and texts, tags and hidden inputs. Metadata that
    JupyterLab adds while a student works (scrolling, collapsed outputs) is not.
    """
    if len(nb.cells) != len(source.cells):
        return [f"{len(nb.cells)} cells stored, {len(source.cells)} in the source"]
    problems = []
    for i, (a, b) in enumerate(zip(nb.cells, source.cells, strict=True)):
        if a.cell_type != b.cell_type or a.source != b.source:
            problems.append(f"cell {i}: content differs from the source")
        for key, value in options(b).items():
            if options(a)[key] != value:
                problems.append(f"cell {i}: {key} differs from the source")
    return problems


def build(src: Path, *, timeout: int = 300) -> float:
    """Write and execute the notebook for ``src``; return the run time in seconds."""
    from nbclient import NotebookClient

    nb = read_source(src.read_text(encoding="utf-8"))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(OUT)}},
                            record_timing=False, store_widget_state=False)
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    target = OUT / (src.stem + ".ipynb")
    nbformat.write(nb, target)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prefixes", nargs="*", help="build only sources starting with these")
    parser.add_argument("--check", action="store_true",
                        help="only compare sources with the stored notebooks")
    args = parser.parse_args(argv)
    sources = sorted(p for p in SRC.glob("*.py")
                     if not args.prefixes or p.stem.startswith(tuple(args.prefixes)))
    if not sources:
        print("no matching sources in notebooks/src/", file=sys.stderr)
        return 1
    bad = 0
    for src in sources:
        if args.check:
            target = OUT / (src.stem + ".ipynb")
            problems = (same_cells(nbformat.read(target, as_version=4),
                                   read_source(src.read_text(encoding="utf-8")))
                        if target.exists() else ["not built"])
            for p in problems:
                print(f"{target.name}: {p}")
            bad += bool(problems)
            continue
        elapsed = build(src)
        print(f"{src.stem}.ipynb executed in {elapsed:.1f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
