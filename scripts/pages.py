"""HTML pages of executed notebooks that work offline: used by the website (build_site.py) and by
the main job's runner (run_notebooks.py), so that both write the same pages.

A page is nbconvert's JupyterLab look (its `lab` template) through scripts/site/page.html.j2, which
leaves out everything the lab template loads from CDNs (require.js, MathJax 2, mermaid). Maths is
typeset by KaTeX and plotly figures are drawn by plotly.js, both copied from node_modules into an
`assets/` folder beside the pages; markdown images are embedded. No request leaves the page.
"""

from __future__ import annotations

import functools
import pathlib
import shutil
import subprocess

import nbformat
from nbconvert import HTMLExporter

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE_FILES = ROOT / "scripts" / "site"
ASSETS = "assets"
# What the pages use from KaTeX's distribution (katex.min.css finds its fonts in fonts/).
KATEX_FILES = ("katex.min.js", "katex.min.css", "fonts", "contrib/auto-render.min.js")


def resolve_package_file(specifier: str) -> pathlib.Path:
    """A file of an npm package, found as gan-kit's code finds it (Node's resolution from src/)."""
    script = "process.stdout.write(require.resolve(process.argv[1], { paths: [process.argv[2]] }))"
    result = subprocess.run(["node", "-e", script, specifier, str(ROOT / "src")], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"cannot find {specifier} in node_modules (run npm install):\n{result.stderr.strip()}")
    return pathlib.Path(result.stdout)


def copy_assets(out_dir: pathlib.Path) -> None:
    """Copies KaTeX, plotly.js and the pages' own script and styles into out_dir/assets/."""
    assets = out_dir / ASSETS
    katex = resolve_package_file("katex/dist/katex.min.js").parent
    for name in KATEX_FILES:
        source, target = katex / name, assets / "katex" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
    shutil.copyfile(resolve_package_file("plotly.js-dist-min"), assets / "plotly.min.js")
    for name in ("site.js", "site.css"):
        shutil.copyfile(SITE_FILES / name, assets / name)


@functools.cache
def exporter() -> HTMLExporter:
    """nbconvert's lab exporter through the site's template (made once: it loads the templates)."""
    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(SITE_FILES)],
        template_file="page.html.j2",
        embed_images=True,
    )


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The text of the notebook's first level-1 heading (`# …`), else fallback."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def export_page(nb: nbformat.NotebookNode, source: pathlib.Path, nav: dict | None = None, assets: str = f"{ASSETS}/") -> str:
    """The offline HTML page of an executed notebook read from `source` (its folder is where the
    markdown's images are found; they are embedded). `nav` = {prev, next: {href, title} or None,
    index: href, series: text} adds links to the other pages at the top and bottom."""
    resources = {
        "metadata": {"name": notebook_title(nb, source.stem), "path": str(source.parent)},
        "assets": assets,
        "nav": nav,
    }
    html, _ = exporter().from_notebook_node(nb, resources=resources)
    return html
