"""A cell that never yields to the event loop (a training loop) keeps all of its output.

Without the fix in scripts/setup.mjs, tslab's output socket stops after about 512 messages in
one such stretch: console lines after that are dropped, and a display update fails the cell.
"""

import pathlib
import queue

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parent.parent
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
    km, kc = start_new_kernel(kernel_name="tslab", cwd=str(ROOT / "notebooks"), startup_timeout=60)
    try:
        msg_id = kc.execute(CODE)
        reply = kc.get_shell_msg(timeout=120)
        while reply["parent_header"].get("msg_id") != msg_id:  # skip the start-up kernel_info reply
            reply = kc.get_shell_msg(timeout=120)
        text, updates, errors = [], 0, []
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=30)
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                (errors if msg["content"]["name"] == "stderr" else text).append(msg["content"]["text"])
            elif kind == "update_display_data":
                updates += 1
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        lines = "".join(text).splitlines()
        assert reply["content"].get("status") == "ok", (reply["content"], errors, len(lines))
        assert not errors, errors
        assert lines[:LINES] == [f"line {i}" for i in range(LINES)], f"{len(lines)} lines arrived, the last: {lines[-3:]}"
        assert lines[-1] == "done"
        assert updates >= UPDATES, f"{updates} display updates arrived for {UPDATES} calls"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
