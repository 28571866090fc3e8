"""The lab as a Voilà app shows the panel and its guidance, not the exercise.

Voilà hides code, so an exercise stub's "not implemented yet", a solution's
"✓" or the printout of code that is not on screen would only be noise in the
app. Such cells carry the tag ``voila-hide``; ``voila.json`` in the repository
root (read by ``voila`` started there, the README's command) removes them with
nbconvert's ``TagRemovePreprocessor`` before Voilà executes and renders the
notebook. In JupyterLab the tag is invisible and changes nothing.

Without a browser: the same configuration applied by nbconvert's HTML exporter
to the stored notebook, and the README's ``voila`` command itself, whose page
(rendered on the server, outputs embedded as JSON) is read over HTTP.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import JSONFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "notebooks" / "11_gradient_flow_lab.ipynb"
TAG = "voila-hide"
NOISE = ("not implemented yet", "✓", "YOUR CODE HERE", "loss after 1000 steps")


def _config():
    return JSONFileConfigLoader("voila.json", path=str(ROOT)).load_config()


def _texts(outputs) -> list[str]:
    """Every text an app user could read in a list of outputs."""
    texts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            texts.append("".join(out["text"]))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/"):
                texts.append("".join(value))
        if out.get("output_type") == "error":
            texts.append(f"{out['ename']}: {out['evalue']}")
    return texts


def test_voila_json_removes_cells_tagged_voila_hide():
    config = _config()
    assert TAG in config.TagRemovePreprocessor.remove_cell_tags


def test_only_exercise_and_code_explanation_cells_are_hidden():
    nb = nbformat.read(LAB, as_version=4)
    hidden = [c for c in nb.cells if TAG in c.metadata.get("tags", [])]
    kept = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    # the panel, its guidance and the set-up it needs stay
    assert any("gradient_flow_lab()" in c.source for c in kept if c.cell_type == "code")
    assert any("import lessons_lib as ll" in c.source for c in kept)
    for heading in ("# 11 · ", "## The lab", "**Reading the three panels**", "## Recipes",
                    "## Summary"):
        assert any(c.source.startswith(heading) for c in kept), heading
    # every cell whose stored output is exercise feedback or a code printout goes
    for cell in nb.cells:
        if cell.cell_type == "code" and any(n in t for t in _texts(cell.outputs)
                                            for n in NOISE):
            assert cell in hidden, cell.source[:80]
    assert any(c.source.startswith("## Exercise") for c in hidden)
    assert any(c.source.startswith("> **In a framework**") for c in hidden)
    # a kept code cell must not need a hidden one: only the panel and the imports run
    assert [c.source.splitlines()[0] for c in kept if c.cell_type == "code"] == [
        "%matplotlib widget", "lab = ll.widgets.gradient_flow_lab()"]


def test_the_configured_exporter_drops_the_exercise_and_keeps_the_panel():
    """nbconvert's HTML exporter (Voilà's exporter is one) with voila.json's configuration."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(LAB, as_version=4)
    page, _ = HTMLExporter(config=_config()).from_notebook_node(nb)
    text = html.unescape(page)
    for noise in NOISE:
        assert noise not in text, noise
    assert "Exercise: rescue" not in text and "In a framework" not in text
    assert "Reading the three panels" in text and "Recipes" in text
    assert "VBox(children=(HBox(children=(HTML(value=" in text           # the panel
    # without the configuration the same exporter shows everything: the test can fail
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert "not implemented yet" in html.unescape(page)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cell_outputs(page: str) -> list[dict]:
    """The outputs Voilà embeds in its page, one JSON script per output."""
    found = re.findall(
        r'<script type="application/vnd\.voila\.cell-output\+json">\s*(.*?)\s*</script>',
        page, flags=re.S)
    return [json.loads(html.unescape(f)) for f in found]


def test_the_readme_voila_command_serves_only_the_app():
    """``voila notebooks/11_gradient_flow_lab.ipynb`` from the repository root."""
    if importlib.util.find_spec("voila") is None:
        pytest.skip("Voilà is not installed (`pip install -r requirements.txt` installs it)")
    port = _free_port()
    cmd = [sys.executable, "-m", "voila", str(LAB.relative_to(ROOT)), "--no-browser",
           f"--port={port}", "--Voila.ip=127.0.0.1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        page = None
        while page is None:
            if proc.poll() is not None:
                pytest.fail(f"voila exited with {proc.returncode}: "
                            f"{proc.stdout.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as r:
                    page = r.read().decode()
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            proc.stdout.close()
    outputs = _cell_outputs(page)
    texts = _texts(outputs)
    assert not [o for o in outputs if o.get("output_type") == "error"], texts
    for noise in NOISE:
        assert not [t for t in texts if noise in t], noise
    markdown = html.unescape(page)
    assert "Exercise: rescue" not in markdown and "In a framework" not in markdown
    assert "Reading the three panels" in markdown
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for o in outputs), "the panel is missing"
