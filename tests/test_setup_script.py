"""Static checks of the set-up files: they are not run here (setup.mjs downloads and builds)."""

import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_npmrc_keeps_install_scripts_off_and_says_why():
    lines = (ROOT / ".npmrc").read_text().splitlines()
    settings = [line for line in lines if line.strip() and not line.lstrip().startswith(("#", ";"))]
    assert settings == ["ignore-scripts=true"]
    comment = " ".join(line for line in lines[: lines.index("ignore-scripts=true")] if line.startswith("#"))
    for reason in ("tfjs-node", "403", "scripts/setup.mjs"):
        assert reason in comment, f".npmrc's comment should mention {reason!r}"


def _tf_definitions():
    """setup.mjs's TF_* constants and findWheel, evaluated alone in Node (the script's steps are not run)."""
    source = (ROOT / "scripts" / "setup.mjs").read_text()
    constants = re.findall(r"^const TF_\w+ = .*;$", source, re.MULTILINE)
    find_wheel = re.search(r"^function findWheel\(dir\) \{$.*?^\}$", source, re.MULTILINE | re.DOTALL)
    assert constants and find_wheel, "setup.mjs no longer defines TF_* constants and findWheel as expected"
    return source, "\n".join([*constants, find_wheel.group(0)])


def test_setup_states_the_tensorflow_version_once():
    source, _ = _tf_definitions()
    version = re.search(r'^const TF_VERSION = "(\d+\.\d+\.\d+)";$', source, re.MULTILINE)
    assert version, "setup.mjs should define TF_VERSION"
    assert source.count(version.group(1)) == 1, f"{version.group(1)} is written more than once in setup.mjs"
    assert version.group(1).replace(".", r"\.") not in source, "a regex repeats the TensorFlow version"


def test_setup_derives_the_wheel_spec_library_name_and_wheel_file_from_tf_version(tmp_path):
    _, definitions = _tf_definitions()
    script = f"""
import fs from "node:fs";
{definitions}
const dir = process.argv[1];
const before = findWheel(dir) ?? null;
fs.writeFileSync(dir + "/tensorflow_cpu-" + TF_VERSION + "-cp311-cp311-manylinux_2_27_x86_64.whl", "");
console.log(JSON.stringify({{ TF_VERSION, TF_WHEEL_SPEC, TF_LIB_NAME, before, after: findWheel(dir) }}));
"""
    version = re.search(r'TF_VERSION = "([^"]+)"', definitions).group(1)
    # Near misses: another version, a version with the dots as any character, a file that is not a wheel.
    for name in ["tensorflow_cpu-2.20.0-cp311-a.whl", f"tensorflow_cpu-{version.replace('.', 'x')}-a.whl",
                 f"tensorflow_cpu-{version}-a.whl.part", f"tensorflow-{version}-a.whl"]:
        (tmp_path / name).write_text("")
    result = subprocess.run(["node", "--input-type=module", "-e", script, str(tmp_path)],
                            capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(result.stdout)
    assert found["TF_WHEEL_SPEC"] == f"tensorflow-cpu=={version}"
    assert found["TF_LIB_NAME"] == f"libtensorflow-{version}"
    assert found["before"] is None
    assert found["after"] == f"tensorflow_cpu-{version}-cp311-cp311-manylinux_2_27_x86_64.whl"
