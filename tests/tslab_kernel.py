"""Runs one cell in a fresh tslab kernel and collects what the kernel says about it."""

import pathlib
import queue

from jupyter_client.manager import start_new_kernel

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def run_cell(code: str) -> tuple[dict, list[dict]]:
    """Executes `code` in notebooks/ with the tslab kernel; returns the execute reply's content and
    the iopub messages of that request, up to the kernel's return to idle."""
    km, kc = start_new_kernel(kernel_name="tslab", cwd=str(NOTEBOOKS), startup_timeout=60)
    try:
        msg_id = kc.execute(code)
        reply = kc.get_shell_msg(timeout=120)
        while reply["parent_header"].get("msg_id") != msg_id:  # skip the start-up kernel_info reply
            reply = kc.get_shell_msg(timeout=120)
        messages = []
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=30)
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            messages.append(msg)
        return reply["content"], messages
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def stream_text(messages: list[dict], name: str) -> str:
    """Everything the cell wrote to `name` ("stdout" or "stderr")."""
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == name)
