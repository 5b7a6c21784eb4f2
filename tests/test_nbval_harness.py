"""The nbval harness must fail notebooks that are broken in the ways tslab hides."""

import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "broken.ipynb"


def run_fixture(tmp_path):
    report = tmp_path / "report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", str(FIXTURE), f"--junitxml={report}", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    cases = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        cases[case.get("name")] = None if failure is None else failure.get("message", "") + (failure.text or "")
    return result, cases


def test_broken_fixture_fails_cell_by_cell(tmp_path):
    result, cases = run_fixture(tmp_path)
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
    report = tmp_path / "report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", str(ROOT / "tests" / "fixtures" / "leaky.ipynb"),
         f"--junitxml={report}", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    cases = {case.get("name"): case.find("failure") for case in ET.parse(report).getroot().iter("testcase")}
    assert list(cases) == ["Cell 0", "Cell 1", "Cell 2", "tensor leak check", "rerun in the same kernel"], list(cases)
    assert all(cases[name] is None for name in ["Cell 0", "Cell 1", "Cell 2"])
    failure = cases["tensor leak check"]
    assert failure is not None and "5 tensor(s) leaked" in (failure.get("message", "") + (failure.text or ""))
