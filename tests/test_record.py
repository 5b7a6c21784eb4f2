"""`npm run record`: a recorded experiment killed mid-run (every process of it, with SIGKILL) and
run again goes on from its checkpoints and writes the same record as a run that was never killed;
a killed run leaves no record, whole or half. On gan-kit's "tiny" ring record (seconds long)."""

import json
import os
import pathlib
import signal
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}


def command(folder):
    return ["node", str(ROOT / "scripts" / "record.mjs"), "tiny", "--cache", str(folder),
            "--out", str(folder / "tiny.json"), "--every", "1"]


def runs_of(folder):
    record = json.loads((folder / "tiny.json").read_text())
    assert record["spec"]["name"] == "tiny" and record["machine"]["cores"] >= 1, record.keys()
    return [replication["runs"] for replication in record["replications"]]


def test_a_killed_record_resumes_from_its_checkpoints_and_writes_the_same_record(tmp_path):
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    subprocess.run(command(straight), check=True, env=ENV, cwd=ROOT, capture_output=True, timeout=300)
    process = subprocess.Popen(command(killed), env=ENV, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".checkpoint") for p in killed.glob("*")):
        assert time.monotonic() < deadline and process.poll() is None, "no checkpoint was written"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "tiny.json").exists(), "a killed run wrote a record"
    assert not list(killed.glob("tiny.json.partial-*")), "a killed run left a half record"
    subprocess.run(command(killed), check=True, env=ENV, cwd=ROOT, capture_output=True, timeout=300)
    assert runs_of(killed) == runs_of(straight)
    assert not list(killed.glob("*.checkpoint")), "the checkpoints are removed once the record is made"


def test_an_unknown_experiment_is_named_with_the_known_ones(tmp_path):
    result = subprocess.run(["node", str(ROOT / "scripts" / "record.mjs"), "07-nothing"], env=ENV,
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert 'no recorded experiment "07-nothing"; use one of 07-authors, 07-main, 07-grid, 08-compare, tiny' in result.stderr
