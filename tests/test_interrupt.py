"""The kernel's interrupt (JupyterLab's stop button) stops a training cell at once and leaves the
kernel usable: notebooks 01, 03b, 06 and 07, in quick mode with a training made long enough to stop.

For each: run the notebook's cells up to its training cell, ask for 100,000 steps, start the cell,
interrupt the kernel after a few seconds, and require the reply within the longest piece of work
the loop cannot break plus REPLY_MARGIN_S, no step after the reply (the history is as long 3 s
later), the networks usable in the next cell, and a rerun of the cell that works. The loop looks
for the interrupt between pieces: a step, and for `trainGanLive` also the caller's hook and a live
update, whose longest duration it keeps (`lastLiveTraining().longestPieceSeconds`). A step's time
is this run's own: the seconds the cell ran before the interrupt over the steps it finished (an
upper estimate, since it includes the cell's start). So the bound follows the machine rather than
a number only fast ones meet. A loop that ignores the interrupt must fail the same check.
"""

import pathlib
import time

import nbformat
import pytest

from tslab_kernel import Kernel

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
# What a stop may take beyond the piece of work under way: the signal's delivery and the event
# loop's turn. Measured replies: 0.02-0.2 s beyond it on AVX-512 and under ONEDNN_MAX_CPU_ISA=AVX2,
# 2026-12-07.
REPLY_MARGIN_S = 0.5


@pytest.fixture
def kernel():
    k = Kernel(quick=True)
    yield k
    k.close()


def cells_up_to(notebook, marker):
    """The code cells of a notebook before the one containing `marker`, and that cell."""
    cells = [c.source for c in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells if c.cell_type == "code"]
    index = next(i for i, source in enumerate(cells) if marker in source)
    return cells[:index], cells[index]


def check_interrupt(kernel, cell, steps_code, after_s=4.0, piece_code=None):
    """Starts `cell`, interrupts it after `after_s`, and checks the reply time and that no step
    runs after the reply; `steps_code` is an expression for the number of steps done, `piece_code`
    one for the longest piece of work (seconds) besides a step, where the loop keeps it.
    Returns the interrupted cell's reply status and what it wrote to stderr."""
    msg_id = kernel.kc.execute(cell)
    time.sleep(after_s)
    sent = time.monotonic()
    kernel.km.interrupt_kernel()
    reply = kernel.reply_to(msg_id, timeout=120)
    waited = time.monotonic() - sent
    stderr = kernel.output_of(msg_id, "stderr")
    if reply.get("status") == "error":
        time.sleep(Kernel.ERROR_PAUSE_S)
    status, first = kernel.run(f"console.log({steps_code})")
    time.sleep(3)
    _, later = kernel.run(f"console.log({steps_code})")
    assert status == "ok" and int(first) > 0, (status, first)
    step_s = after_s / int(first)
    piece_s = float(kernel.run(f"console.log({piece_code})")[1]) if piece_code else 0.0
    bound = max(step_s, piece_s) + REPLY_MARGIN_S
    print(f"the cell replied {waited:.2f} s after the interrupt (bound {bound:.2f} s: a step of at "
          f"most {step_s:.3f} s, a longest piece of {piece_s:.3f} s, + {REPLY_MARGIN_S} s)")
    assert waited <= bound, f"the cell replied {waited:.1f} s after the interrupt (bound {bound:.2f} s)"
    assert first == later, f"steps ran after the reply: {first.strip()} then {later.strip()}"
    return reply.get("status"), stderr


def prepare(kernel, notebook, marker):
    """Runs the cells before the training cell, with 100,000 steps asked for from the settings cell
    on (so that what is derived from the steps, e.g. a step-size decay, fits them); returns that cell."""
    before, cell = cells_up_to(notebook, marker)
    for source in before:
        status, printed = kernel.run(source)
        assert status == "ok", (notebook, source[:200], printed[-2000:])
        if "const settings = chooseSettings(" in source:
            assert kernel.run("settings.steps = 100000;")[0] == "ok"
    return cell


def test_notebook_01_stops_at_a_step_and_a_rerun_continues(kernel):
    cell = prepare(kernel, "01-recall-gan.ipynb", "const live = createLiveTrainingDisplay(")
    status, stderr = check_interrupt(kernel, cell, "history.length")
    assert status == "ok" and stderr == "", (status, stderr)
    status, shape = kernel.run("console.log((generator.predict(fixedNoise) as tf.Tensor).shape)")
    assert status == "ok" and "64, 784" in shape, shape
    # The interrupt reaches the kernel's whole process group; the figures' Chromium (started by
    # startNotebook(), in its own group) must still draw, and no second one be launched.
    status, drawn = kernel.run(
        'import { figureBrowserLaunches, renderFigurePng } from "gan-kit";\n'
        "console.log(renderFigurePng(lossFigure(history))!.length > 1000, figureBrowserLaunches());"
    )
    assert status == "ok" and drawn.strip() == "true 1", drawn
    _, done = kernel.run("console.log(history.length)")
    assert kernel.run(f"settings.steps = {int(done) + 5};")[0] == "ok"
    status, _ = kernel.run(cell)
    _, after = kernel.run("console.log(history.length)")
    assert status == "ok" and int(after) == int(done) + 5, (status, done, after)


@pytest.mark.parametrize("notebook, marker, sample, result", [
    ("03b-conditional-gan-long-run.ipynb", "const longRun = await loadOrTrainGenerator(",
     "generateImages(generator, tf.zeros([2, settings.latentSize]) as tf.Tensor2D, [1, 2])", "longRun"),
    ("06-dcgan.ipynb", 'const sourceRun = await run("source DCGAN"', "generateImages(sourceG, fixedNoise)", "sourceRun.result"),
])
def test_cached_training_stops_with_one_line_and_a_rerun_starts_again(kernel, notebook, marker, sample, result):
    cell = prepare(kernel, notebook, marker)
    steps = 'require("gan-kit").lastLiveTraining().history.length'
    piece = 'require("gan-kit").lastLiveTraining().longestPieceSeconds'
    status, stderr = check_interrupt(kernel, cell, steps, piece_code=piece)
    assert status == "error", status
    assert "stopped at step" in stderr and "the networks keep the weights of step" in stderr, stderr
    assert "    at " not in stderr, f"a stack trace instead of one line:\n{stderr}"
    status, shape = kernel.run(f"console.log({sample}.shape[0])")
    assert status == "ok" and int(shape) > 0, shape
    # The rerun trains 7 steps (or loads them, when data/ holds such a run already).
    assert kernel.run("settings.steps = 7;")[0] == "ok"
    status, printed = kernel.run(cell)
    assert status == "ok", printed[-2000:]
    _, trained = kernel.run(f"console.log({result}.history.length)")
    assert int(trained) == 7, trained


def test_the_check_fails_on_a_loop_that_ignores_the_interrupt(kernel):
    # Awaits only resolved promises: the event loop never turns, so no signal handler runs.
    ignoring = """const counter = { n: 0 };
const until = Date.now() + 9000;
while (Date.now() < until) { counter.n++; await Promise.resolve(); }"""
    with pytest.raises(AssertionError, match="replied .* s after the interrupt"):
        check_interrupt(kernel, ignoring, "counter.n", after_s=2.0)


def test_notebook_07_ring_experiment_stops_and_a_rerun_starts_again(kernel):
    cell = prepare(kernel, "07-lsgan-stability.ipynb", "const experiment = await runRingJob(mainJob);")
    steps = 'require("gan-kit").lastRingExperimentSteps()'
    status, stderr = check_interrupt(kernel, cell, steps)
    assert status == "error", status
    assert "stopped at step" in stderr and "    at " not in stderr, stderr
    # The job was made from the settings: make it again, 7 steps, and rerun the training cell.
    _, job_cell = cells_up_to("07-lsgan-stability.ipynb", "const mainJob = describeRingJob(")
    assert kernel.run("settings.steps = 7;")[0] == "ok"
    assert kernel.run(job_cell)[0] == "ok"
    status, printed = kernel.run(cell)
    assert status == "ok", printed[-2000:]
    _, checks = kernel.run("const c = experiment.runs[0].checks; console.log(c[c.length - 1].step)")
    assert int(checks) == 7, checks
