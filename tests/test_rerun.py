"""Every notebook is safe to run twice from the top in one kernel ("Run All" again): quick mode,
no error in either pass, the same printed outputs in the cells nbval compares, and no tensor
growth — each notebook's first cell, `startNotebook()`, frees what the first pass made, and says
how many tensors that was. A notebook that keeps its first run's tensors must fail the check.
"""

import pathlib

import nbformat
import pytest

from run_notebooks import LEAK_CHECK_SOURCE
from tslab_kernel import Kernel, NOTEBOOKS

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"
COUNT_TENSORS = 'import { tf as tfCount } from "gan-kit";\nconsole.log(tfCount.memory().numTensors);'


def compared(cell):
    """Whether nbval compares the cell's outputs (it is not tagged nbval-ignore-output)."""
    return "nbval-ignore-output" not in cell.metadata.get("tags", [])


def run_pass(kernel, cells, name, number):
    """Runs the code cells in order; returns what each printed to stdout and the tensors alive after."""
    printed = []
    for i, cell in enumerate(cells):
        status, text = kernel.run(cell.source, streams=("stdout", "stderr"))
        assert status == "ok", f"{name}, pass {number}, code cell {i + 1} failed:\n{text[-2000:]}"
        printed.append(text)
    status, count = kernel.run(COUNT_TENSORS)
    assert status == "ok", count
    return printed, int(count)


def check_rerun(path):
    """Runs the notebook at `path` twice in one quick-mode kernel with the leak watch on."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    kernel = Kernel(quick=True, extra_env={"GAN_LEAK_CHECK": "1"})
    try:
        first, alive_first = run_pass(kernel, cells, path.name, 1)
        second, alive_second = run_pass(kernel, cells, path.name, 2)
        assert alive_second == alive_first, (
            f"{path.name}: tensors alive grew from {alive_first} after the first pass to {alive_second} after the second")
        status, text = kernel.run(LEAK_CHECK_SOURCE, streams=("stdout", "stderr"))
        assert status == "ok", f"{path.name}: {text}"
    finally:
        kernel.close()
    start = next((i for i, cell in enumerate(cells) if "startNotebook()" in cell.source), None)
    if start is not None and alive_first > 0:
        assert f"freed {alive_first} tensors" in second[start], second[start]
    elif start is not None:  # a notebook that disposes all it made leaves nothing to free
        assert "freed" not in second[start], second[start]
    for i, cell in enumerate(cells):
        if compared(cell) and i != start:
            assert second[i] == first[i], f"{path.name}, code cell {i + 1} printed otherwise the second time"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]*-*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs_twice_in_one_kernel(path):
    check_rerun(path)


def test_the_check_fails_on_a_notebook_that_keeps_its_first_run():
    with pytest.raises(AssertionError, match="tensors alive grew from 1 .* to 2"):
        check_rerun(FIXTURES / "rerun-unsafe.ipynb")
