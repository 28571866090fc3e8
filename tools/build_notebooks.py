#!/usr/bin/env python3
"""Build the lesson notebooks from their percent-format sources and execute them.

    python tools/build_notebooks.py                 # every notebooks/src/*.py
    python tools/build_notebooks.py 05 07           # only those whose name starts so
    python tools/build_notebooks.py --check         # sources and .ipynb agree? (no run)

A source ``notebooks/src/NN_name.py`` is a plain Python file split into cells
by ``# %%`` lines:

* ``# %% [markdown]`` — a markdown cell; each line drops its leading ``# ``;
* ``# %%`` — a code cell;
* options after the marker: ``tags=["nbval-ignore-output"]`` (JSON list) and
  ``hidden`` (input collapsed in JupyterLab, e.g. exercise solutions).

The result ``notebooks/NN_name.ipynb`` is executed top to bottom in a fresh
``python3`` kernel from the ``notebooks/`` folder (so stored outputs are what
``pytest --nbval`` will compare) and its run time is printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "notebooks" / "src"
OUT = ROOT / "notebooks"
MARKER = re.compile(r"^# %%(?P<opts>.*)$")


def parse(text: str) -> list[dict]:
    """Split a percent-format source into cell dicts (type, source, tags, hidden)."""
    cells: list[dict] = []
    current: dict | None = None
    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            opts = m.group("opts").strip()
            kind = "markdown" if opts.startswith("[markdown]") else "code"
            opts = opts.removeprefix("[markdown]").strip()
            tags: list[str] = []
            tm = re.search(r"tags=(\[[^\]]*\])", opts)
            if tm:
                tags = json.loads(tm.group(1))
                opts = opts.replace(tm.group(0), "")
            hidden = "hidden" in opts.split()
            current = {"type": kind, "lines": [], "tags": tags, "hidden": hidden}
            cells.append(current)
            continue
        if current is None:
            if line.strip():
                raise ValueError(f"text before the first '# %%' marker: {line!r}")
            continue
        current["lines"].append(line)
    out = []
    for c in cells:
        lines = c["lines"]
        if c["type"] == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.removeprefix("#") for ln in lines]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        out.append({"type": c["type"], "source": "\n".join(lines), "tags": c["tags"],
                    "hidden": c["hidden"]})
    return out


def to_notebook(cells: list[dict]) -> nbformat.NotebookNode:
    """An unexecuted nbformat-4 notebook with a python3 kernelspec."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, c in enumerate(cells):
        if c["type"] == "markdown":
            cell = nbformat.v4.new_markdown_cell(c["source"])
        else:
            cell = nbformat.v4.new_code_cell(c["source"])
        if c["tags"]:
            cell.metadata["tags"] = list(c["tags"])
        if c["hidden"]:
            cell.metadata["jupyter"] = {"source_hidden": True}
        cell["id"] = f"cell-{i:03d}"          # stable ids: diffs show content changes only
        nb.cells.append(cell)
    return nb


def same_cells(nb: nbformat.NotebookNode, cells: list[dict]) -> list[str]:
    """Differences between a stored notebook and its source (empty list: in sync)."""
    problems = []
    if len(nb.cells) != len(cells):
        return [f"{len(nb.cells)} cells stored, {len(cells)} in the source"]
    for i, (a, b) in enumerate(zip(nb.cells, cells, strict=True)):
        if a.cell_type != b["type"] or a.source != b["source"]:
            problems.append(f"cell {i}: content differs from the source")
        if list(a.metadata.get("tags", [])) != list(b["tags"]):
            problems.append(f"cell {i}: tags differ from the source")
    return problems


def build(src: Path, *, timeout: int = 300) -> float:
    """Write and execute the notebook for ``src``; return the run time in seconds."""
    from nbclient import NotebookClient

    nb = to_notebook(parse(src.read_text(encoding="utf-8")))
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
                                   parse(src.read_text(encoding="utf-8")))
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
