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


def _runtest(self):
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


nbval_plugin.IPyNbFile.collect = _collect

