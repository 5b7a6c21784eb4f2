"""The website (npm run site, scripts/build_site.py) and the offline pages it shares with the main
job (scripts/pages.py), built from two small notebooks made here. The browser check
(tests/browser/check-site.mjs) opens the real site; these tests pin what the HTML must hold."""

import base64
import json
import pathlib
import re
from html.parser import HTMLParser

import nbformat
import pytest

import build_site
import pages

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLOTLY = "application/vnd.plotly.v1+json"
# The smallest valid PNG (1×1, transparent).
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")).decode()
FIGURE = {"data": [{"type": "scatter", "x": [1, 2], "y": [3, 4], "name": "loss −log σ(s)"}], "layout": {"title": {"text": "t"}}}


def notebook(path: pathlib.Path, heading: str, with_figure: bool) -> pathlib.Path:
    cells = [nbformat.v4.new_markdown_cell(f"# {heading}\n\nThe cost $J^{{(D)}} = -\\log D(x)$.\n\n![grid](figures/grid.png)")]
    code = nbformat.v4.new_code_cell("showFigure(fig);", execution_count=1)
    data = {PLOTLY: FIGURE, "image/png": PNG, "text/plain": "a figure"} if with_figure else {"image/png": PNG, "text/plain": "a grid"}
    code.outputs = [nbformat.v4.new_output("display_data", data=data)]
    cells.append(code)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "typescript"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("series")
    (folder / "figures").mkdir()
    (folder / "figures" / "grid.png").write_bytes(base64.b64decode(PNG))
    books = [notebook(folder / "01-first.ipynb", "01 · First", True), notebook(folder / "02-second.ipynb", "02 · Second", False)]
    out = folder / "site"
    written = build_site.build(out, books)
    return out, written


def html(out, name):
    return (out / name).read_text(encoding="utf-8")


def elements(text: str, tag: str) -> list[dict]:
    """The attributes of every `tag` element of a page (nbconvert reorders attributes)."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, name, attrs):
            if name == tag:
                found.append(dict(attrs))

    Collect().feed(text)
    return found


def test_one_page_per_notebook_and_an_index(site):
    out, written = site
    assert [p.name for p in written] == ["index.html", "01-first.html", "02-second.html"]
    assert all(p.is_file() for p in written)
    assert not out.with_name("site.partial").exists(), "the staging folder is renamed into place"


def test_pages_load_nothing_from_the_network(site):
    out, written = site
    for page in written:
        text = page.read_text(encoding="utf-8")
        for script in re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S):
            assert not re.search(r"MathJax|require|mermaid", script), f"{page.name} runs {script[:80]}"
        loaded = re.findall(r'<script[^>]*\ssrc="([^"]+)"', text) + re.findall(r'<link[^>]*\shref="([^"]+)"', text)
        assert loaded, "the page loads KaTeX, plotly.js and its own script"
        for url in loaded:
            assert url.startswith("assets/"), f"{page.name} loads {url}"
            assert (out / url).is_file(), f"{page.name} loads {url}, which the site lacks"
        assert all(src.startswith("data:") for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', text)), "images are embedded"


def test_assets_hold_katex_with_its_fonts_and_plotly(site):
    out, _ = site
    assets = out / "assets"
    css = (assets / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts and all((assets / "katex" / f).is_file() for f in fonts), "every font KaTeX's CSS names is there"
    assert (assets / "katex" / "contrib" / "auto-render.min.js").is_file()
    assert (assets / "plotly.min.js").stat().st_size > 1_000_000


def test_a_plotly_output_keeps_its_figure_and_its_png(site):
    out, _ = site
    text = html(out, "01-first.html")
    stored = re.search(r'<script type="application/vnd.plotly.v1\+json">(.*?)</script>', text, flags=re.S)
    assert stored is not None, "the figure's JSON is in the page for plotly.js to draw"
    assert json.loads(stored.group(1)) == FIGURE, "non-ASCII text included"
    assert {"class": "site-plotly-png", "alt": "a figure", "src": f"data:image/png;base64,{PNG}"} in elements(text, "img")


def test_markdown_images_are_embedded_and_titles_are_headings(site):
    out, _ = site
    text = html(out, "02-second.html")
    assert "<title>02 · Second</title>" in text
    assert {"alt": "grid", "src": f"data:image/png;base64,{PNG}"} in elements(text, "img")
    assert 'src="figures/' not in text


def nav(text):
    """(previous, index, next) hrefs of the page's top navigation."""
    links = [a for a in elements(text, "a") if a.get("class", "").startswith("site-nav-")]
    top = {a["class"]: a.get("href") for a in links[:3]}
    return top["site-nav-prev"], top["site-nav-index"], top["site-nav-next"]


def test_previous_and_next_links_run_through_the_series(site):
    out, _ = site
    assert nav(html(out, "index.html")) == (None, "index.html", "01-first.html")
    assert nav(html(out, "01-first.html")) == (None, "index.html", "02-second.html")
    assert nav(html(out, "02-second.html")) == ("01-first.html", "index.html", None)
    assert "02 · Second →" in html(out, "01-first.html")


def test_the_index_carries_the_series_table_with_links_to_the_pages(site):
    out, _ = site
    text = html(out, "index.html")
    assert "Quick start" in text and "How long each notebook takes" in text
    assert 'href="notebooks/' not in text
    # The README names the committed notebooks; this site has two made-up ones, so the real names
    # become code text rather than dead links.
    assert "<code>Recall: the original GAN</code>" in text


def test_a_failed_build_leaves_nothing_half_written(tmp_path):
    out = tmp_path / "site"
    with pytest.raises(FileNotFoundError):
        build_site.build(out, [tmp_path / "missing.ipynb"])
    assert not out.exists() and not (tmp_path / "site.partial").exists()


def test_readme_links_are_rewritten_for_the_site():
    page_of = {"notebooks/01-a.ipynb": "01-a.html"}
    md = "[one](notebooks/01-a.ipynb), [set-up](#what-the-set-up-does), [file](bench/series.json), [x](https://e.org)"
    assert build_site.rewrite_links(md, page_of, ["What the set-up does"]) == (
        "[one](01-a.html), [set-up](#What-the-set-up-does), `file`, [x](https://e.org)"
    )
    assert build_site.rewrite_links("[a section](#nowhere)", page_of, []) == "a section"


def test_the_real_readme_gives_an_index_linking_every_notebook():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    page_of = {f"notebooks/{p.name}": p.with_suffix(".html").name for p in notebooks}
    md = build_site.index_markdown((ROOT / "README.md").read_text(encoding="utf-8"), page_of)
    for href in page_of.values():
        assert f"]({href})" in md
    assert "](notebooks/" not in md and "series-table" not in md


def test_a_readme_without_its_sections_is_refused_by_name():
    with pytest.raises(SystemExit, match="Quick start"):
        build_site.index_markdown("# Title\n\n## Other\ntext\n", {})
