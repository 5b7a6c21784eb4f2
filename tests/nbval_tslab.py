"""pytest plugin that makes nbval usable with the tslab kernel.

Loaded with ``-p nbval_tslab`` (see pytest.ini). It mends two mismatches between nbval 0.11
and tslab 1.0:

* tslab's ``kernel_info_reply`` has no ``status`` field; nbval's ``await_reply`` reads it and
  crashes with ``KeyError: 'status'`` before the first cell.
* tslab reports a failing cell (an exception, or a type error) only as text on stderr and as
  ``status: "error"`` in the ``execute_reply``; nbval fails cells only on iopub ``error``
  messages, so a broken cell could pass.  Here a cell fails when its reply says ``error`` or
  when it writes to stderr, and the message shows what it wrote.  After an error tslab drops
  requests for 200 ms, so the plugin waits that out before the next cell runs.
"""

import time
from collections import defaultdict

import nbformat
import pytest

import nbval
from nbval import kernel as nbval_kernel
from nbval import plugin as nbval_plugin

TSLAB_ERROR_PAUSE_S = 0.3

# The nbval functions replaced below are copies of, or wrappers around, nbval 0.11.0's (requirements.txt
# pins nbval==0.11.0). Another version may have changed them, and the patches would silently undo its
# fixes or break, so refuse to load instead.
EXPECTED_NBVAL_VERSION = "0.11.0"


def check_nbval_version(found=None):
    """Raise unless the installed nbval (``nbval.__version__``, or ``found``) is the one patched here."""
    found = nbval.__version__ if found is None else found
    if found != EXPECTED_NBVAL_VERSION:
        raise RuntimeError(
            f"tests/nbval_tslab.py was written for nbval {EXPECTED_NBVAL_VERSION} but nbval {found} is "
            "installed: it replaces functions inside nbval (RunningKernel.await_reply, IPyNbCell.runtest, ...), "
            f"so install nbval=={EXPECTED_NBVAL_VERSION} (requirements.txt), or check every patch in it against "
            f"nbval {found} and update EXPECTED_NBVAL_VERSION and the pin together."
        )


check_nbval_version()

from run_notebooks import LEAK_CHECK_SOURCE, enable_leak_check  # noqa: E402 (scripts/, via pytest.ini)


def _await_reply(self, msg_id, timeout=None):
    """nbval's await_reply, tolerant of a missing status, remembering the reply's content."""
    while True:
        msg = self.get_message(stream="shell", timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            content = msg["content"]
            if content.get("status") == "aborted":
                raise RuntimeError("Kernel aborted execution request")
            self.last_reply = content
            return content


nbval_kernel.RunningKernel.await_reply = _await_reply

_original_runtest = nbval_plugin.IPyNbCell.runtest


def _stderr_text(outputs):
    return "".join(o.get("text", "") for o in outputs or [] if o.get("output_type") == "stream" and o.get("name") == "stderr")


def _check_cell(self):
    kernel = self.parent.kernel
    kernel.last_reply = None
    comparison_error = None
    try:
        _original_runtest(self)
    except nbval_plugin.NbCellError as error:  # the output comparison failed, or a timeout
        comparison_error = error
    reply = kernel.last_reply or {}
    stderr = _stderr_text(getattr(self, "test_outputs", None))
    if reply.get("status") == "error" or stderr:
        time.sleep(TSLAB_ERROR_PAUSE_S)
        what = "raised an error" if reply.get("status") == "error" else "wrote to stderr"
        self.raise_cell_error(f"Cell {what} in the tslab kernel", "\n" + (stderr.strip() or "(no message)"))
    if comparison_error is not None:
        raise comparison_error


def _runtest(self):
    try:
        _check_cell(self)
    except (Exception, pytest.fail.Exception):
        self.parent.first_pass_failed = True  # the rerun item below then has nothing to compare with
        raise


nbval_plugin.IPyNbCell.runtest = _runtest

# After a notebook's last cell, one more item runs in the same kernel: gan-kit's tensor leak check
# (tensors that the garbage collector found undisposed since the kernel loaded gan-kit).
enable_leak_check()
_original_collect = nbval_plugin.IPyNbFile.collect


def _collect(self):
    items = list(_original_collect(self))
    yield from items
    if items:
        cell = nbformat.v4.new_code_cell(LEAK_CHECK_SOURCE, metadata={"tags": ["nbval-ignore-output"]})
        options = defaultdict(bool, {"check": False})
        yield nbval_plugin.IPyNbCell.from_parent(
            self, name="tensor leak check", cell_num=len(items), cell=cell, options=options)
        yield RerunItem.from_parent(self, name=RERUN_ITEM, first_pass=items)


nbval_plugin.IPyNbFile.collect = _collect

# "Run All" again: after the first pass (the cells above, compared with the stored outputs) and the
# leak check, every code cell runs once more in the same kernel. The second pass must raise no
# error, print what the first printed in every compared cell, leave as many tensors alive as the
# first, and free the first pass's tensors in the notebook's startNotebook() cell (which says how
# many). This was tests/test_rerun.py's check, which ran every notebook twice in a kernel of its own.
RERUN_ITEM = "rerun in the same kernel"
COUNT_TENSORS = 'import { tf as tfCount } from "gan-kit";\nconsole.log(tfCount.memory().numTensors);'


def _stdout_text(outputs):
    return "".join(o.get("text", "") for o in outputs or [] if o.get("output_type") == "stream" and o.get("name") == "stdout")


class RerunItem(pytest.Item):
    def __init__(self, *, first_pass, **kwargs):
        super().__init__(**kwargs)
        self.first_pass = first_pass

    def run_source(self, source):
        """Runs `source` in the notebook's kernel; returns the reply status, stdout and stderr."""
        kernel = self.parent.kernel
        msg_id = kernel.execute_cell_input(source, allow_stdin=False)
        reply = kernel.await_reply(msg_id, timeout=self.config.option.nbval_cell_timeout)
        streams = {"stdout": [], "stderr": []}
        while True:
            msg = self.parent.get_kernel_message(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            if msg["msg_type"] == "stream":
                streams[msg["content"]["name"]].append(msg["content"]["text"])
        if reply.get("status") == "error":
            time.sleep(TSLAB_ERROR_PAUSE_S)
        return reply.get("status"), "".join(streams["stdout"]), "".join(streams["stderr"])

    def run_checked(self, source, what):
        status, out, err = self.run_source(source)
        if status != "ok" or err:
            pytest.fail(f"{what} failed on the second run:\n{(err or out)[-2000:]}", pytrace=False)
        return out

    def runtest(self):
        if getattr(self.parent, "first_pass_failed", False):
            pytest.skip("the first pass failed")
        alive_first = int(self.run_checked(COUNT_TENSORS, "counting tensors"))
        second = [self.run_checked(item.cell.source, item.name) for item in self.first_pass]
        alive_second = int(self.run_checked(COUNT_TENSORS, "counting tensors"))
        assert alive_second == alive_first, (
            f"tensors alive grew from {alive_first} after the first pass to {alive_second} after the second")
        self.run_checked(LEAK_CHECK_SOURCE, "the tensor leak check")
        start = next((i for i, item in enumerate(self.first_pass) if "startNotebook()" in item.cell.source), None)
        if start is not None and alive_first > 0:
            assert f"freed {alive_first} tensors" in second[start], second[start]
        elif start is not None:  # a notebook that disposes all it made leaves nothing to free
            assert "freed" not in second[start], second[start]
        for i, item in enumerate(self.first_pass):
            compared = "nbval-ignore-output" not in item.cell.metadata.get("tags", [])
            if compared and i != start:
                first = _stdout_text(getattr(item, "test_outputs", None))
                # processed as nbval processed the first pass's streams (\r and \b applied)
                node = nbformat.NotebookNode(output_type="stream", name="stdout", text=second[i])
                again = _stdout_text(nbval_plugin.coalesce_streams([node]))
                assert again == first, f"{item.name} printed otherwise the second time"

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}::{RERUN_ITEM}"

