"""The nbval harness must fail notebooks that are broken in the ways tslab hides."""

from nbval_fixture import run_nbval_on


def test_broken_fixture_fails_cell_by_cell(tmp_path):
    result, cases = run_nbval_on("broken.ipynb", tmp_path, "--nbval")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    outcome = [(name, message is None) for name, message in cases.items()]
    # The cells run in order: good, throws, type error, good (after an error), wrong stored output;
    # then the tensor leak check, which passes (nothing here makes tensors), and the rerun, which
    # is skipped because the first pass failed.
    assert [passed for _, passed in outcome] == [True, False, False, True, False, True, True], outcome
    assert outcome[-1][0] == "rerun in the same kernel", outcome
    messages = list(cases.values())
    assert "deliberately broken cell" in messages[1]
    assert "raised an error" in messages[1]
    assert "not assignable to type 'number'" in messages[2]
    assert "Cell outputs differ" in messages[4]


def test_nbval_fails_a_notebook_that_leaks_tensors(tmp_path):
    result, cases = run_nbval_on("leaky.ipynb", tmp_path, "--nbval")
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert list(cases) == ["Cell 0", "Cell 1", "Cell 2", "tensor leak check", "rerun in the same kernel"], list(cases)
    assert all(cases[name] is None for name in ["Cell 0", "Cell 1", "Cell 2"])
    assert cases["tensor leak check"] is not None and "5 tensor(s) leaked" in cases["tensor leak check"]
