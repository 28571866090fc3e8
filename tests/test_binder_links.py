"""tools/binder_links.py writes a correct badge and launch links (on a copy of the files)."""

from __future__ import annotations

import importlib.util
import shutil
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("binder_links", ROOT / "tools" / "binder_links.py")
binder_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(binder_links)


@pytest.fixture
def copy(tmp_path):
    (tmp_path / "notebooks" / "src").mkdir(parents=True)
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copy(ROOT / "notebooks" / "src" / "00_start_here.py",
                tmp_path / "notebooks" / "src" / "00_start_here.py")
    for nb in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        (tmp_path / "notebooks" / nb.name).write_text("{}")
    return tmp_path


def test_the_blocks_exist_in_the_real_files():
    assert "<!-- binder-badge -->" in (ROOT / "README.md").read_text(encoding="utf-8")
    src = (ROOT / "notebooks" / "src" / "00_start_here.py").read_text(encoding="utf-8")
    assert "# <!-- binder-links -->" in src and "# <!-- /binder-links -->" in src


def test_badge_and_links_point_at_each_lesson_in_jupyterlab(copy):
    linked = binder_links.write_links("someone/gradients-course", root=copy)
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert linked == lessons and len(lessons) == 13
    readme = (copy / "README.md").read_text(encoding="utf-8")
    badge = ("[![launch binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/"
             "someone/gradients-course/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb)")
    assert f"<!-- binder-badge -->\n{badge}\n<!-- /binder-badge -->" in readme
    src = (copy / "notebooks" / "src" / "00_start_here.py").read_text(encoding="utf-8")
    for nb in lessons:
        url = binder_links.launch_url("someone/gradients-course", nb)
        assert f"# * [{nb[:-6]}]({url})" in src
        query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        assert query == {"urlpath": [f"lab/tree/notebooks/{nb}"]}
    # running it again replaces the blocks instead of adding a second copy
    binder_links.write_links("other/name", ref="main", root=copy)
    readme = (copy / "README.md").read_text(encoding="utf-8")
    assert readme.count("badge_logo.svg") == 1 and "other/name/main?" in readme
    src = (copy / "notebooks" / "src" / "00_start_here.py").read_text(encoding="utf-8")
    assert src.count("mybinder.org/v2/gh/") == len(lessons) and "someone" not in src


@pytest.mark.parametrize(("repository", "ref", "notebook", "match"), [
    ("no-slash", "HEAD", "00_start_here.ipynb", "repository must be"),
    ("a/b c", "HEAD", "00_start_here.ipynb", "repository must be"),
    ("owner/name", "bad ref", "00_start_here.ipynb", "ref must be"),
    ("owner/name", "HEAD", "notes.txt", "notebook must be"),
    (None, "HEAD", "00_start_here.ipynb", "repository must be"),
])
def test_bad_arguments_are_named(repository, ref, notebook, match):
    with pytest.raises(ValueError, match=match):
        binder_links.launch_url(repository, notebook, ref)


def test_missing_block_is_reported(copy):
    (copy / "README.md").write_text("# no block here\n")
    with pytest.raises(ValueError, match="binder-badge"):
        binder_links.write_links("owner/name", root=copy)
