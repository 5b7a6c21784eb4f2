"""The live training display updates one output area in place, at the kernel level."""

from tslab_kernel import run_cell, stream_text

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
    reply, messages = run_cell(CODE)
    assert reply.get("status") == "ok", reply
    assert not stream_text(messages, "stderr")
    kinds = [m["msg_type"] for m in messages]
    shown = {m["content"]["transient"]["display_id"] for m in messages if m["msg_type"] == "display_data"}
    updated = [m["content"]["transient"]["display_id"] for m in messages if m["msg_type"] == "update_display_data"]
    # Three areas (progress, curves, grid) appear once each, then only change in place.
    assert len(shown) == 3, kinds
    assert len(updated) > 0 and set(updated) <= shown, (kinds, updated)
    assert kinds.count("display_data") == 3
