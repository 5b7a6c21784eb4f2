"""Every notebook is safe to run twice from the top in one kernel ("Run All" again). The check is
an item of the nbval plugin (tests/nbval_tslab.py, `RerunItem`): after a notebook's first pass,
compared with its stored outputs, every code cell runs again in the same kernel, and the second
pass must raise no error, print the same in every compared cell, leave no more tensors alive, and
free the first pass's tensors in `startNotebook()`. `npm run test:notebooks` runs it on every
notebook; here it must fail on a notebook that keeps its first run.
"""

from nbval_fixture import run_nbval_on


def test_the_rerun_item_fails_on_a_notebook_that_keeps_its_first_run(tmp_path):
    result, cases = run_nbval_on("rerun-unsafe.ipynb", tmp_path, "--nbval-lax", env={"GAN_QUICK": "1"})
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert list(cases)[-2:] == ["tensor leak check", "rerun in the same kernel"], list(cases)
    assert all(failure is None for name, failure in cases.items() if name != "rerun in the same kernel")
    failure = cases["rerun in the same kernel"]
    assert "tensors alive grew from 1 after the first pass to 2 after the second" in failure, failure
