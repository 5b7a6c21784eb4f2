"""Static checks of the set-up files: they are not run here (setup.mjs downloads and builds)."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_npmrc_keeps_install_scripts_off_and_says_why():
    lines = (ROOT / ".npmrc").read_text().splitlines()
    settings = [line for line in lines if line.strip() and not line.lstrip().startswith(("#", ";"))]
    assert settings == ["ignore-scripts=true"]
    comment = " ".join(line for line in lines[: lines.index("ignore-scripts=true")] if line.startswith("#"))
    for reason in ("tfjs-node", "403", "scripts/setup.mjs"):
        assert reason in comment, f".npmrc's comment should mention {reason!r}"
