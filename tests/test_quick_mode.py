"""run_notebooks.py labels a run quick or full by asking gan-kit's isQuickMode, not by its own rule."""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load_runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The rule of src/lib/core/settings.ts: set, non-empty and not "0".
TABLE = [(None, False), ("", False), ("0", False), ("1", True), ("yes", True), ("00", True), (" ", True)]


@pytest.mark.parametrize("value, quick", TABLE)
def test_runner_mode_follows_gan_kit(monkeypatch, value, quick):
    if value is None:
        monkeypatch.delenv("GAN_QUICK", raising=False)
    else:
        monkeypatch.setenv("GAN_QUICK", value)
    assert load_runner().quick_mode() is quick


def test_runner_asks_gan_kit_rather_than_restating_the_rule(monkeypatch, tmp_path):
    # A settings module with another rule: the runner must follow it, since it has none of its own.
    fake = tmp_path / "settings.js"
    fake.write_text('exports.isQuickMode = () => process.env.GAN_QUICK === "";\n')
    runner = load_runner()
    monkeypatch.setattr(runner, "SETTINGS_JS", fake)
    monkeypatch.setenv("GAN_QUICK", "")
    assert runner.quick_mode() is True
    monkeypatch.setenv("GAN_QUICK", "1")
    assert runner.quick_mode() is False


def test_runner_fails_clearly_without_the_compiled_helper(monkeypatch, tmp_path):
    runner = load_runner()
    monkeypatch.setattr(runner, "SETTINGS_JS", tmp_path / "missing.js")
    with pytest.raises(SystemExit, match="missing.js is missing: compile gan-kit first"):
        runner.quick_mode()
