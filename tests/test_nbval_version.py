"""nbval_tslab patches two nbval internals; it must refuse to load on an nbval it was not written for."""

import pathlib
import re
import subprocess
import sys

import nbval
import pytest

import nbval_tslab

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_expected_version_is_the_pinned_and_installed_one():
    for requirements in ("requirements.txt", "requirements.in"):
        pin = re.search(r"^nbval==(\S+)", (ROOT / requirements).read_text(), re.MULTILINE)
        assert pin and pin.group(1) == nbval_tslab.EXPECTED_NBVAL_VERSION, requirements
    assert nbval.__version__ == nbval_tslab.EXPECTED_NBVAL_VERSION
    nbval_tslab.check_nbval_version()


@pytest.mark.parametrize("found", ["0.11.1", "0.10.0", "1.0.0"])
def test_another_nbval_version_is_refused_naming_both(monkeypatch, found):
    monkeypatch.setattr(nbval, "__version__", found)
    with pytest.raises(RuntimeError) as error:
        nbval_tslab.check_nbval_version()
    message = str(error.value)
    assert f"written for nbval {nbval_tslab.EXPECTED_NBVAL_VERSION} but nbval {found} is installed" in message


def test_importing_the_plugin_with_another_nbval_fails():
    # In a fresh interpreter (this one has loaded the plugin already): the check runs at import,
    # before any nbval function is replaced.
    script = "import nbval; nbval.__version__ = '0.12.0'; import nbval_tslab"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT / "tests", capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "RuntimeError: tests/nbval_tslab.py was written for nbval 0.11.0 but nbval 0.12.0" in result.stderr
