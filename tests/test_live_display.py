"""The live training display updates one output area in place, at the kernel level."""

import pathlib
import queue

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parent.parent

CODE = """
import { createLiveTrainingDisplay, renderSampleGrid, tf } from "gan-kit";
const live = createLiveTrainingDisplay({ totalSteps: 3 });
const history = [];
for (let step = 1; step <= 3; step++) {
  history.push({ step, dLoss: 0.7 - 0.1 * step, gLoss: 0.6, dReal: 0.5, dFake: 0.4 });
  live.update(history, await renderSampleGrid(tf.fill([4, 784], step / 4 - 1)));
}
live.finish(history);
"""


def test_live_display_updates_in_place():
    km, kc = start_new_kernel(kernel_name="tslab", cwd=str(ROOT / "notebooks"), startup_timeout=60)
    try:
        msg_id = kc.execute(CODE)
        reply = kc.get_shell_msg(timeout=120)
        while reply["parent_header"].get("msg_id") != msg_id:  # skip the start-up kernel_info reply
            reply = kc.get_shell_msg(timeout=120)
        assert reply["content"].get("status") == "ok", reply["content"]
        kinds, shown, updated, errors = [], set(), [], []
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=30)
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            kinds.append(kind)
            if kind == "display_data":
                shown.add(msg["content"]["transient"]["display_id"])
            elif kind == "update_display_data":
                updated.append(msg["content"]["transient"]["display_id"])
            elif kind == "stream" and msg["content"]["name"] == "stderr":
                errors.append(msg["content"]["text"])
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert not errors, errors
        # Three areas (progress, curves, grid) appear once each, then only change in place.
        assert len(shown) == 3, kinds
        assert len(updated) > 0 and set(updated) <= shown, (kinds, updated)
        assert kinds.count("display_data") == 3
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
