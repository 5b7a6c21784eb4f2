"""Runs nbval, with the tslab plugin of tests/nbval_tslab.py, on one fixture notebook in a pytest
process of its own, for the tests that check the harness fails what it must."""

import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run_nbval_on(fixture, tmp_path, *options, env=None):
    """Runs `pytest <options> tests/fixtures/<fixture>`; returns the finished process and, per test
    case in order, its failure text, or None when it passed or was skipped."""
    report = tmp_path / "report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *options, str(FIXTURES / fixture), f"--junitxml={report}", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )
    cases = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failure = case.find("failure")
        cases[case.get("name")] = None if failure is None else failure.get("message", "") + (failure.text or "")
    return result, cases
