#!/usr/bin/env python3
"""Write the Binder badge and the per-lesson launch links for a public GitHub repository.

    python tools/binder_links.py OWNER/NAME [--ref HEAD]
    python tools/build_notebooks.py 00           # then re-execute the start notebook

Fills the block between ``<!-- binder-badge -->`` and
``<!-- /binder-badge -->`` in ``README.md`` with a *launch binder* badge that
opens JupyterLab on ``notebooks/00_start_here.ipynb``, and the block between
``<!-- binder-links -->`` and ``<!-- /binder-links -->`` in
``notebooks/src/00_start_here.py`` with one launch link per lesson. Running
it again replaces both blocks. Links have the form
``https://mybinder.org/v2/gh/OWNER/NAME/REF?urlpath=lab/tree/notebooks/FILE``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"
_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
_REF = re.compile(r"[A-Za-z0-9._/-]+")


def launch_url(repository: str, notebook: str, ref: str = "HEAD") -> str:
    """The mybinder.org address that opens ``notebooks/<notebook>`` in JupyterLab."""
    if not isinstance(repository, str) or not _REPO.fullmatch(repository):
        raise ValueError(f"repository must be a GitHub 'owner/name', got {repository!r}")
    if not isinstance(ref, str) or not _REF.fullmatch(ref):
        raise ValueError(f"ref must be a branch, tag or commit, got {ref!r}")
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or "/" in notebook:
        raise ValueError(f"notebook must be a file name ending in .ipynb, got {notebook!r}")
    return f"https://mybinder.org/v2/gh/{repository}/{ref}?urlpath=lab/tree/notebooks/{notebook}"


def _replace_block(text: str, name: str, body: str, path: Path, prefix: str = "") -> str:
    pattern = re.compile(rf"<!-- {name} -->.*?{re.escape(prefix)}<!-- /{name} -->", re.S)
    if not pattern.search(text):
        raise ValueError(f"{path} has no <!-- {name} --> ... <!-- /{name} --> block")
    block = f"<!-- {name} -->\n{body}\n{prefix}<!-- /{name} -->"
    return pattern.sub(lambda _m: block, text, count=1)


def write_links(repository: str, ref: str = "HEAD", root: Path = ROOT) -> list[str]:
    """Fill both blocks; return the lesson notebooks linked, in order."""
    notebooks = sorted(p.name for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise ValueError(f"no lesson notebooks in {root / 'notebooks'}")
    readme = root / "README.md"
    badge = (f"[![launch binder]({BADGE_IMAGE})]"
             f"({launch_url(repository, '00_start_here.ipynb', ref)})")
    readme.write_text(_replace_block(readme.read_text(encoding="utf-8"), "binder-badge",
                                     badge, readme), encoding="utf-8")
    start = root / "notebooks" / "src" / "00_start_here.py"
    lines = ["# Launch a lesson on its own in Binder (each link starts a fresh session):", "#"]
    lines += [f"# * [{nb.removesuffix('.ipynb')}]({launch_url(repository, nb, ref)})"
              for nb in notebooks]
    start.write_text(_replace_block(start.read_text(encoding="utf-8"), "binder-links",
                                    "\n".join(lines), start, prefix="# "), encoding="utf-8")
    return notebooks


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repository", help="GitHub owner/name of the public repository")
    parser.add_argument("--ref", default="HEAD", help="branch, tag or commit (default HEAD)")
    args = parser.parse_args(argv)
    linked = write_links(args.repository, args.ref)
    print(f"README badge and {len(linked)} launch links written for {args.repository}@{args.ref};"
          " now run: python tools/build_notebooks.py 00")


if __name__ == "__main__":
    main()
