"""The main job's runner must fail, naming the cell, when a notebook is broken."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_fixture(name, tmp_path):
    """The main job's runner on one fixture notebook, its copies written to tmp_path."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "run_notebooks.py"), str(ROOT / "tests" / "fixtures" / name),
         "--output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_runner_fails_on_broken_notebook(tmp_path):
    result = run_fixture("broken.ipynb", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "deliberately broken cell" in result.stdout
    assert "throw new Error" in result.stdout  # the failing cell's source is shown
    assert "broken.ipynb" in result.stdout and "FAILED" in result.stdout
    assert (tmp_path / "broken.ipynb").is_file() and (tmp_path / "broken.html").is_file()


def test_runner_fails_a_notebook_that_leaks_tensors(tmp_path):
    result = run_fixture("leaky.ipynb", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "leaky.ipynb" in result.stdout and "FAILED" in result.stdout
    assert "5 tensor(s) leaked" in result.stdout and "5 × float32[2,3]" in result.stdout, result.stdout


def test_runner_stores_a_cell_s_printed_lines_as_one_output(tmp_path):
    result = run_fixture("streams.ipynb", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    cell = json.loads((tmp_path / "streams.ipynb").read_text(encoding="utf-8"))["cells"][1]
    streams = [o for o in cell["outputs"] if o["output_type"] == "stream"]
    assert len(streams) == 1, cell["outputs"]
    assert "".join(streams[0]["text"]) == "first line\nsecond line\n"
