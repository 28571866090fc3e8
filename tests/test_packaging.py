"""The install paths agree: README commands, requirements, Binder, CI."""

from __future__ import annotations

import re
from pathlib import Path

from pins import requirement_pins

ROOT = Path(__file__).resolve().parent.parent
TEST_ONLY = {"pytest", "pytest-xdist", "nbval", "hypothesis", "ruff", "nbconvert", "nbformat",
             "jupytext"}



def _readme_command(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", text)
    assert m, f"README has no fenced command after <!-- {marker} -->"
    return m.group(1)


def test_every_requirement_is_pinned_and_the_package_installs_editable():
    lines = [ln.split("#")[0].strip()
             for ln in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines[-1] == "-e ."
    assert all("==" in ln for ln in lines[:-1]), "every requirement is pinned with =="
    assert not any(ln.startswith(("torch", "jax")) for ln in lines), "no DL framework"


def test_binder_pins_equal_the_main_pins_without_test_tools():
    main = requirement_pins(ROOT / "requirements.txt")
    binder = requirement_pins(ROOT / "binder" / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert main.get(name) == version, f"{name}: binder {version}, main {main.get(name)}"
    assert not TEST_ONLY & set(binder), "Binder stays lean: no test tools"
    assert set(main) - TEST_ONLY <= set(binder), "Binder misses a runtime requirement"


def test_binder_runtime_and_package_install():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps -e ." in post.read_text()


def test_readme_opens_with_the_two_commands():
    launch = _readme_command("launch-command")
    test = _readme_command("test-command")
    setup = "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt"
    assert launch == f"{setup} && jupyter lab notebooks/00_start_here.ipynb"
    assert test == f"{setup} && pytest --nbval"
    assert (ROOT / "notebooks" / "00_start_here.ipynb").exists()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and 'bash -c "$test_cmd"' in ci
