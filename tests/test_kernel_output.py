"""A cell that never yields to the event loop (a training loop) keeps all of its output.

Without the fix in scripts/setup.mjs, tslab's output socket stops after about 512 messages in
one such stretch: console lines after that are dropped, and a display update fails the cell.
"""

from tslab_kernel import run_cell, stream_text

LINES = 1200
UPDATES = 400

CODE = f"""
import {{ createLiveTrainingDisplay }} from "gan-kit";
for (let i = 0; i < {LINES}; i++) console.log(`line ${{i}}`);
const live = createLiveTrainingDisplay({{ totalSteps: {UPDATES} }});
const history = [];
for (let step = 1; step <= {UPDATES}; step++) {{
  history.push({{ step, dLoss: 0.7, gLoss: 0.6, dReal: 0.5, dFake: 0.4 }});
  live.update(history);
}}
console.log("done");
"""


def test_a_long_synchronous_cell_keeps_every_output():
    reply, messages = run_cell(CODE)
    lines = stream_text(messages, "stdout").splitlines()
    errors = stream_text(messages, "stderr")
    assert reply.get("status") == "ok", (reply, errors, len(lines))
    assert not errors, errors
    assert lines[:LINES] == [f"line {i}" for i in range(LINES)], f"{len(lines)} lines arrived, the last: {lines[-3:]}"
    assert lines[-1] == "done"
    updates = sum(m["msg_type"] == "update_display_data" for m in messages)
    assert updates >= UPDATES, f"{updates} display updates arrived for {UPDATES} calls"
