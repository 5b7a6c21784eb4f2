"""`npm run site`: the series as a static website in output/site/, built from the committed
notebooks (they are not executed again).

One page per notebook, with links to the previous and next notebook and to the index, and an index
page made from the README's opening (the series table), its sections on running the notebooks, and
the main job's timings. Maths, plots and images need nothing from the network (see pages.py), so
the site works offline, opened as files, and from any static host.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import shutil
import sys

import nbformat

import pages

ROOT = pages.ROOT
NOTEBOOKS = ROOT / "notebooks"
SERIES = "GAN Step by Step"
# The README sections the index carries after its opening (the series table), in this order; the
# README's other sections are for maintainers (set-up internals, tests, performance).
README_SECTIONS = ("Quick start", "Reading and running the notebooks")
TIMINGS_START = "<!-- series-table:start"
TIMINGS_END = "<!-- series-table:end -->"
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def split_sections(markdown: str) -> tuple[str, dict[str, str]]:
    """The text before the first `## ` heading, and each `## ` section by its heading."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.MULTILINE)
    return parts[0], {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def heading_id(heading: str) -> str:
    """The id nbconvert gives a markdown heading (its text, spaces as hyphens)."""
    return heading.strip().replace(" ", "-")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives the same heading, which the README's own links use."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def rewrite_links(markdown: str, page_of: dict[str, str], headings: list[str]) -> str:
    """README links made right for the site: notebooks/X.ipynb → X's page, #anchors → the index's
    heading ids (a section the index does not carry keeps its text); a link to another file of the
    repository, which the site does not carry, keeps its text as code."""
    anchors = {github_anchor(h): heading_id(h) for h in headings}

    def rewrite(match: re.Match) -> str:
        text, target = match.groups()
        if target.startswith(("http://", "https://")):
            return match.group(0)
        if target.startswith("#"):
            # A section the index does not carry (README-only) keeps its link text.
            return f"[{text}](#{anchors[target[1:]]})" if target[1:] in anchors else text
        if target in page_of:
            return f"[{text}]({page_of[target]})"
        return text if text.startswith("`") else f"`{text}`"

    return LINK.sub(rewrite, markdown)


def index_markdown(readme: str, page_of: dict[str, str]) -> str:
    """The index: the README's opening, its sections on running the series, the main job's timings."""
    opening, sections = split_sections(readme)
    missing = [name for name in README_SECTIONS if name not in sections]
    if missing:
        raise SystemExit(f"README.md has no section(s) {missing} for the site's index")
    main_job = sections.get("The main job", "")
    start, end = main_job.find(TIMINGS_START), main_job.find(TIMINGS_END)
    if start < 0 or end < start:
        raise SystemExit("README.md's main-job section has no generated timings table")
    timings = main_job[main_job.index("\n", start) + 1 : end].strip()
    parts = [opening.strip()]
    parts += [f"## {name}\n{sections[name].strip()}" for name in README_SECTIONS]
    parts.append(
        "## How long each notebook takes\n`npm start` runs every notebook at full settings; "
        f"trainings are cached in `data/`, so a second run is quicker.\n\n{timings}"
    )
    # Reference-style links ([name]: url) are defined once, at the README's end.
    parts += re.findall(r"^\[[^\]]+\]: \S+$", readme, flags=re.MULTILINE)
    return rewrite_links("\n\n".join(parts), page_of, list(README_SECTIONS) + ["How long each notebook takes"])


def build(out_dir: pathlib.Path, notebooks: list[pathlib.Path]) -> list[pathlib.Path]:
    """Writes the site into out_dir (replaced whole, only once every page is built); returns its pages."""
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        written = write_pages(staging, out_dir, notebooks)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # nothing half-written is left
        raise
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return written


def write_pages(staging: pathlib.Path, out_dir: pathlib.Path, notebooks: list[pathlib.Path]) -> list[pathlib.Path]:
    """Writes the pages, the index and the assets into `staging`; returns the pages' final paths."""
    books = [(path, nbformat.read(path, as_version=4)) for path in notebooks]
    titles = [pages.notebook_title(nb, path.stem) for path, nb in books]
    hrefs = [path.with_suffix(".html").name for path, _ in books]
    page_of = {f"notebooks/{path.name}": href for (path, _), href in zip(books, hrefs)}
    written = []
    for i, (path, nb) in enumerate(books):
        nav = {
            "prev": {"href": hrefs[i - 1], "title": titles[i - 1]} if i > 0 else None,
            "next": {"href": hrefs[i + 1], "title": titles[i + 1]} if i + 1 < len(books) else None,
            "index": "index.html",
            "series": SERIES,
        }
        (staging / hrefs[i]).write_text(pages.export_page(nb, path, nav), encoding="utf-8")
        written.append(out_dir / hrefs[i])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(index_markdown(readme, page_of))])
    index.metadata["language_info"] = {"name": "typescript"}
    first = {"href": hrefs[0], "title": titles[0]} if books else None
    nav = {"prev": None, "next": first, "index": "index.html", "series": SERIES}
    (staging / "index.html").write_text(pages.export_page(index, ROOT / "README.md", nav), encoding="utf-8")
    pages.copy_assets(staging)
    return [out_dir / "index.html", *written]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "output" / "site", help="folder to write the site into")
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebooks/*.ipynb, in name order")
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        print(f"no notebooks found in {NOTEBOOKS}", file=sys.stderr)
        return 1
    written = build(args.output.resolve(), notebooks)
    print(f"Site of {len(written) - 1} notebook(s) written to {args.output}/; open {args.output / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
