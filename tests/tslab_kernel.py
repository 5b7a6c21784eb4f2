"""Runs one cell in a fresh tslab kernel and collects what the kernel says about it."""

import os
import pathlib
import queue
import time

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


class Kernel:
    """A tslab kernel in notebooks/ that runs cells one after another (quick mode if `quick`)."""

    # After an error tslab aborts the requests of the next 200 ms (as tests/nbval_tslab.py notes).
    ERROR_PAUSE_S = 0.3

    def __init__(self, quick=False, extra_env=None):
        env = {**os.environ, **({"GAN_QUICK": "1"} if quick else {}), **(extra_env or {})}
        self.km, self.kc = start_new_kernel(kernel_name="tslab", cwd=str(NOTEBOOKS), startup_timeout=60, env=env)

    def reply_to(self, msg_id, timeout):
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    def output_of(self, msg_id, *names):
        """What the request wrote to the streams `names` ("stdout", "stderr"), up to the kernel's
        return to idle."""
        text = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=30)
            except queue.Empty:
                return "".join(text)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(text)
            if msg["msg_type"] == "stream" and msg["content"]["name"] in names:
                text.append(msg["content"]["text"])

    def run(self, code, timeout=600, streams=("stdout",)):
        """Runs a cell to its end; returns its reply status and what it wrote to `streams`, followed
        by the error's name and message when it failed."""
        msg_id = self.kc.execute(code)
        reply = self.reply_to(msg_id, timeout)
        printed = self.output_of(msg_id, *streams)
        if reply.get("status") == "error":
            printed += f"{reply.get('ename', '')}: {reply.get('evalue', '')}"
            time.sleep(self.ERROR_PAUSE_S)
        return reply.get("status"), printed

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
