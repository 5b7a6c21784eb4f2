"""Committed notebooks rendered to static HTML, as GitHub and nbviewer show them (no JavaScript)."""

import json
import pathlib
import re

import nbformat
import pytest
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_plot_and_grid_shows_as_an_image(path):
    nb = nbformat.read(path, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    plots = [o for o in outputs if PLOTLY in o.get("data", {})]
    for plot in plots:
        assert "image/png" in plot["data"], f"a plotly figure without a PNG shows nothing on GitHub: {plot['data'].get('text/plain')}"
        assert "text/html" not in plot["data"], "plotly bundles carry no HTML"
    pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    html, _ = HTMLExporter().from_notebook_node(nb)
    shown = re.findall(r'<img[^>]*\ssrc="data:image/png;base64,([^"]+)"', html)
    missing = [i for i, png in enumerate(pngs) if png.replace("\n", "") not in {s.replace("\n", "") for s in shown}]
    assert not missing, f"{len(missing)} of {len(pngs)} images are not in the static HTML"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_is_blank(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        for out in cell["outputs"]:
            if out["output_type"] == "stream":
                assert "".join(out["text"]).strip(), f"code cell {i} has an empty stream output"
            elif out["output_type"] in ("display_data", "execute_result"):
                assert any(str(v).strip() for v in out["data"].values()), f"code cell {i} has an empty display"
