// The live view of a training in the cell's output, and the training loop that drives it.
import { tf } from "./backend";
import { assertInteger } from "./checks";
import { lossFigure } from "./figures";
import { renderSampleGrid, type SampleGridArgs } from "./grids";
import { notebookChannel } from "./notebook";
import { trainStep, type StepMetrics, type TrainGanArgs } from "./steps";

/** One progress line: both losses and both D outputs, rounded, e.g. for a log every N steps. */
export function formatMetrics(m: StepMetrics): string {
  return (
    `step ${m.step} | J(D) ${m.dLoss.toFixed(3)} | J(G) ${m.gLoss.toFixed(3)} ` +
    `| D(x) ${m.dReal.toFixed(2)} | D(G(z)) ${m.dFake.toFixed(2)}`
  );
}

/** "1 min 05 s"-style durations for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A progress line: "step 1200 / 8000 · 16.1 steps/s · about 7 min 03 s left". */
export function formatProgress(step: number, totalSteps: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (1000 * step) / elapsedMs : 0;
  const left = rate > 0 ? formatDuration((1000 * (totalSteps - step)) / rate) : "?";
  return `step ${step} / ${totalSteps} · ${rate.toFixed(1)} steps/s · about ${left} left`;
}

/** One output area that a training loop updates in place. */
export interface LiveTrainingDisplay {
  /** Redraws the progress line, the loss curves and, when given, the latest sample grid. */
  update(history: StepMetrics[], gridPng?: Uint8Array): void;
  /** Ends the live view: a summary line, the last grid, and a pointer to the final figures. */
  finish(history: StepMetrics[], gridPng?: Uint8Array): void;
}

export interface LiveTrainingDisplayArgs {
  totalSteps: number;
  title?: string;
}

/**
 * A live view of training in the cell's output: a progress line, the loss curves (interactive
 * plotly JSON, no PNG while live) and the latest fixed-noise grid, each replaced in place
 * (update_display_data) rather than appended. Outside a notebook it does nothing.
 * nbval compares only a display's first version, so the cell that uses it should carry the
 * `nbval-ignore-output` tag and show its final figures in later cells.
 */
export function createLiveTrainingDisplay({
  totalSteps,
  title = "Training (live)",
}: LiveTrainingDisplayArgs): LiveTrainingDisplay {
  assertInteger("totalSteps", totalSteps);
  const startedAt = Date.now();
  const shown = new Set<string>();
  const prefix = `gan-live-${startedAt}-${Math.floor(Math.random() * 1e9)}`;
  const send = (area: string, bundle: Record<string, unknown>) => {
    const write = notebookChannel();
    if (write === null) return;
    const id = `${prefix}-${area}`;
    write({ data: bundle, metadata: {}, transient: { display_id: id } }, shown.has(id));
    shown.add(id);
  };
  const showGrid = (gridPng?: Uint8Array) => {
    if (gridPng !== undefined) {
      send("grid", {
        "image/png": Buffer.from(gridPng).toString("base64"),
        "text/plain": "<latest samples from the fixed noise>",
      });
    }
  };
  return {
    update(history, gridPng) {
      const last = history[history.length - 1];
      if (last === undefined) return;
      send("progress", {
        "text/plain": `${formatProgress(last.step, totalSteps, Date.now() - startedAt)}\n${formatMetrics(last)}`,
      });
      send("plot", {
        "application/vnd.plotly.v1+json": lossFigure(history, title),
        "text/plain": `<live loss curves, step ${last.step}>`,
      });
      showGrid(gridPng);
    },
    finish(history, gridPng) {
      const elapsed = Date.now() - startedAt;
      const steps = history.length;
      send("progress", {
        "text/plain": `done: ${steps} steps in ${formatDuration(elapsed)} (${((1000 * steps) / Math.max(elapsed, 1)).toFixed(1)} steps/s)`,
      });
      send("plot", { "text/plain": "(the final loss curves are shown below)" });
      showGrid(gridPng);
    },
  };
}

export interface TrainGanLiveArgs extends TrainGanArgs {
  /** Title of the live loss curves. */
  title: string;
  /** Redraw the live view every this many steps. */
  every: number;
  /**
   * Draws the digits the live view shows, e.g. from fixed noise: [n, 784] or [n, 28, 28, 1] in
   * [−1, 1]. Called inside `tf.tidy`; the loop disposes what it returns once it is drawn.
   */
  drawSamples?: () => tf.Tensor;
  /** How the samples are tiled (columns, row labels, …). */
  grid?: SampleGridArgs;
}

/** Resolves after the event loop has had a turn (a macrotask), so that signals and I/O get seen. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `trainGan` with a live view in the cell's output: every `every` steps the progress line, the
 * loss curves and a grid of `drawSamples()` are redrawn in place, and the loop lets the event
 * loop run once. What it draws is disposed as soon as it is shown. Returns every step's metrics.
 */
export async function trainGanLive(args: TrainGanLiveArgs): Promise<StepMetrics[]> {
  const { gan, batches, steps, firstStep = 1, onStep, title, every, drawSamples, grid } = args;
  assertInteger("steps", steps, 0);
  assertInteger("every", every);
  const live = createLiveTrainingDisplay({ totalSteps: steps, title });
  const drawGrid = () => {
    if (drawSamples === undefined) return undefined;
    const samples = tf.tidy(drawSamples);
    try {
      return renderSampleGrid(samples, grid);
    } finally {
      samples.dispose();
    }
  };
  const history: StepMetrics[] = [];
  for (let step = firstStep; step < firstStep + steps; step++) {
    const metrics = { step, ...trainStep(gan, batches) };
    history.push(metrics);
    onStep?.(metrics);
    if ((step - firstStep + 1) % every !== 0) continue;
    live.update(history, drawGrid());
    await nextMacrotask();
  }
  live.finish(history, drawGrid());
  return history;
}
