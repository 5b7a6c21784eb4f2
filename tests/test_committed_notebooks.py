"""Committed notebooks must read well on GitHub and be fully checked by nbval."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "tslab"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    # nbval skips cells whose execution_count is null, so every cell needs one, in order.
    assert counts == list(range(1, len(code) + 1)), f"execution counts {counts}"
    for i, cell in enumerate(code):
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"code cell {i} stores an error"
            assert out.get("name") != "stderr", f"code cell {i} stores stderr: {''.join(out['text'])[:200]}"
    images = sum("image/png" in out.get("data", {}) for c in code for out in c["outputs"])
    assert images >= 1, "no stored image: readers on GitHub would see no grid or plot"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_images_exist(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", "".join(cell["source"])):
                assert (path.parent / target).is_file(), f"{path.name} shows {target}, which is not in the repository"


MAX_CELL_LINES = 10
MAX_LINE_LENGTH = 100


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short_and_narrow(path):
    """Short cells (at most 10 lines) of lines no longer than 100 characters, each after prose."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        first = lines[0][:60] if lines else ""
        if len(lines) > MAX_CELL_LINES:
            problems.append(f"cell {index} has {len(lines)} lines: {first}")
        problems += [f"cell {index} has a line of {len(line)} characters: {line[:60]}"
                     for line in lines if len(line) > MAX_LINE_LENGTH]
        if index > 0 and nb["cells"][index - 1]["cell_type"] != "markdown" and index > 2:
            problems.append(f"cell {index} follows another code cell without a sentence: {first}")
    assert not problems, "\n".join(problems)


# A math span: $$…$$ or $…$ (not an escaped dollar).
MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.S)


def doubled_backslashes_in_math(markdown):
    """The math spans of `markdown` holding `\\\\` right before a letter or `,|`: a command written
    with its backslash doubled, which KaTeX and MathJax read as a line break and then plain text."""
    spans = [m.group(1) or m.group(2) for m in MATH.finditer(markdown)]
    return [s for s in spans if re.search(r"\\\\[A-Za-z,|]", s)]


def test_the_math_check_catches_a_doubled_backslash():
    assert doubled_backslashes_in_math(r"the $\\chi^2$ term") == [r"\\chi^2"]
    assert doubled_backslashes_in_math(r"$$a \\ b$$ and $\chi^2$ and \$5\$") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_math_has_no_doubled_backslashes(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = [(i, span[:80]) for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "markdown"
             for span in doubled_backslashes_in_math("".join(cell["source"]))]
    assert found == [], f"math with a doubled backslash (cell, span): {found}"


# Words a writer leaves for later: none may reach a reader.
PLACEHOLDER = re.compile(r"\b(WRITE FROM OUTPUT|TODO|TBD|FIXME|XXX)\b|\?\?\?")


def test_the_placeholder_check_catches_a_left_note():
    assert PLACEHOLDER.search("WRITE FROM OUTPUT: main speed")
    assert PLACEHOLDER.search("the rate is ??? per step")
    assert not PLACEHOLDER.search("the regular GAN covered 4 modes by step 1,500")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_holds_a_placeholder(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    left = [
        f"cell {i}: {m.group(0)}"
        for i, cell in enumerate(nb["cells"])
        for m in [PLACEHOLDER.search("".join(cell["source"]))]
        if m
    ]
    assert left == [], f"{path.name} holds placeholders: {left}"
