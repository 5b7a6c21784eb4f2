// Live views of trainings in the cell's output: a GAN's (`trainGanLive`, which drives it through
// train/loop.ts's `runSteps`) and the ring experiment's (`createRingLiveView`).
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { lossFigure } from "../figures/plots";
import { renderSampleGrid, type SampleGridArgs } from "../figures/grids";
import {
  checkCollapse,
  checkDWinning,
  checkNoProgress,
  FAILURE_RULES,
  formatFlag,
  type FailureFlag,
  type FailureRules,
} from "../measure/failures";
import { listenForInterrupt } from "./interrupt";
import { createUpdatingOutputs } from "./output";
import { runSteps } from "../train/loop";
import { trainStep, type StepMetrics, type TrainGanArgs } from "../train/steps";

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
  /**
   * Redraws the progress line (with `notes`, e.g. failure flags, below it), the loss curves and,
   * when given, the latest sample grid.
   */
  update(history: StepMetrics[], gridPng?: Uint8Array, notes?: string[]): void;
  /**
   * Ends the live view: a summary line (`outcome`, default "done"), the last grid, and a pointer
   * to the final figures.
   */
  finish(history: StepMetrics[], gridPng?: Uint8Array, outcome?: string): void;
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
  const send = createUpdatingOutputs("gan-live");
  const showGrid = (gridPng?: Uint8Array) => {
    if (gridPng !== undefined) {
      send("grid", {
        "image/png": Buffer.from(gridPng).toString("base64"),
        "text/plain": "<latest samples from the fixed noise>",
      });
    }
  };
  return {
    update(history, gridPng, notes = []) {
      const last = history[history.length - 1];
      if (last === undefined) return;
      const progress = formatProgress(last.step, totalSteps, Date.now() - startedAt);
      send("progress", { "text/plain": [progress, formatMetrics(last), ...notes].join("\n") });
      send("plot", {
        "application/vnd.plotly.v1+json": lossFigure(history, title),
        "text/plain": `<live loss curves, step ${last.step}>`,
      });
      showGrid(gridPng);
    },
    finish(history, gridPng, outcome = "done") {
      const elapsed = Date.now() - startedAt;
      const steps = history.length;
      send("progress", {
        "text/plain": `${outcome}: ${steps} steps in ${formatDuration(elapsed)} (${((1000 * steps) / Math.max(elapsed, 1)).toFixed(1)} steps/s)`,
      });
      send("plot", { "text/plain": "(the final loss curves are shown below)" });
      showGrid(gridPng);
    },
  };
}

/** What the ring experiment's live view reads of a run (experiments/ringexperiment.ts's RingRun). */
export interface RingRunView {
  group: string;
  seed: number;
  checks: ReadonlyArray<{ step: number; covered: number }>;
  flags: FailureFlag[];
}

/**
 * The ring experiment's live view in the cell's output: progress and flags, and modes covered
 * against step for every run; `outcome` ends it with a line of text.
 */
export function createRingLiveView(title: string, totalSteps: number) {
  const started = Date.now();
  const send = createUpdatingOutputs("ring-live");
  return {
    update(step: number, runs: readonly RingRunView[], outcome?: string) {
      const line = outcome ?? formatProgress(step, totalSteps, Date.now() - started);
      const flags = runs.flatMap((r) =>
        r.flags.map((f) => `${r.group}, seed ${r.seed}: ${formatFlag(f)}`),
      );
      send("progress", { "text/plain": [`${title}: ${line}`, ...flags].join("\n") });
      if (outcome !== undefined) {
        // A finished view keeps no live plot: a saved notebook would store it without an image.
        send("plot", { "text/plain": "(the finished runs' curves are drawn by the cells below)" });
        return;
      }
      const data = runs.map((r) => ({
        type: "scatter",
        mode: "lines",
        name: `${r.group}, seed ${r.seed}`,
        x: r.checks.map((c) => c.step),
        y: r.checks.map((c) => c.covered),
      }));
      const layout = { title: { text: `${title}: modes covered (live)` }, width: 720, height: 320 };
      send("plot", {
        "application/vnd.plotly.v1+json": { data, layout },
        "text/plain": `<modes covered, step ${step}>`,
      });
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
  /** The failure rules checked at each live update (see failures.ts); null turns the checks off. */
  failureRules?: FailureRules | null;
  /**
   * For the collapse rule: the digits read in the drawn samples, e.g.
   * `(samples) => countPredictedDigits(classifier.model, samples)`. Without it collapse is not checked.
   */
  countDigits?: (samples: tf.Tensor) => ArrayLike<number>;
  /** Called once per rule when it first holds; by default prints `formatFlag(flag)` in the cell's output. */
  onFlag?: (flag: FailureFlag) => void;
}

/** The latest live training: its history so far, and whether it still runs. */
export interface LiveTraining {
  history: StepMetrics[];
  /** The failures flagged so far, each rule once, in the order they fired. */
  flags: FailureFlag[];
  totalSteps: number;
  running: boolean;
  /**
   * The longest single piece of work so far (a step, the caller's hook after it, or a live update),
   * in seconds: the interrupt is looked for between pieces, so a stop waits at most this long.
   */
  longestPieceSeconds: number;
}

let latest: LiveTraining | null = null;

/**
 * The latest `trainGanLive` of this kernel, also after it was stopped by the interrupt (when the
 * cell ends with an error and returns nothing): `lastLiveTraining()?.history`. Null before the first.
 */
export function lastLiveTraining(): LiveTraining | null {
  return latest;
}

/**
 * `trainGan` with a live view in the cell's output: every `every` steps the progress line, the
 * loss curves and a grid of `drawSamples()` are redrawn in place. What it draws is disposed as
 * soon as it is shown. The kernel's interrupt (JupyterLab's stop button) stops it at the next
 * step boundary, or between the hook and the live update that follow a step (a stop asked during
 * a step skips that step's `onStep`): it then throws `TrainingStopped` ("stopped at step 1,240 of
 * 8,000: …"), the networks keep the weights of the last step, which is the last in the history
 * that stays in `lastLiveTraining()`. Returns every step's metrics.
 */
export async function trainGanLive(args: TrainGanLiveArgs): Promise<StepMetrics[]> {
  const { gan, batches, steps, firstStep = 1, onStep, title, every, drawSamples, grid } = args;
  const {
    failureRules = FAILURE_RULES,
    countDigits,
    onFlag = (flag) => console.log(formatFlag(flag)),
  } = args;
  assertInteger("steps", steps, 0);
  assertInteger("every", every);
  const live = createLiveTrainingDisplay({ totalSteps: steps, title });
  const history: StepMetrics[] = [];
  const training: LiveTraining = {
    history,
    flags: [],
    totalSteps: steps,
    running: true,
    longestPieceSeconds: 0,
  };
  const timed = <T>(piece: () => T): T => {
    const started = performance.now();
    try {
      return piece();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      training.longestPieceSeconds = Math.max(training.longestPieceSeconds, seconds);
    }
  };
  latest = training;
  const flag = (found: FailureFlag | null) => {
    if (found === null || training.flags.some((f) => f.rule === found.rule)) return;
    training.flags.push(found);
    onFlag(found);
  };
  const drawGrid = () => {
    if (drawSamples === undefined) return undefined;
    const samples = tf.tidy(drawSamples);
    try {
      if (failureRules !== null && countDigits !== undefined)
        flag(
          checkCollapse(countDigits(samples), history[history.length - 1]?.step ?? 0, failureRules),
        );
      return renderSampleGrid(samples, grid);
    } finally {
      samples.dispose();
    }
  };
  const update = () => {
    if (failureRules !== null)
      [checkDWinning, checkNoProgress].forEach((rule) => flag(rule(history, failureRules)));
    live.update(history, drawGrid(), training.flags.map(formatFlag));
  };
  // The interrupt is looked for before every step and again before each piece of work after it
  // (the caller's hook, e.g. a checkpoint's scoring; the live update): a stop asked during one
  // piece skips the rest, so a stop lands within the longest single piece, not a step's sum. The
  // stopped view keeps the last grid it showed rather than drawing a new one.
  const gate = listenForInterrupt();
  const stopAsked = async () => {
    await gate.pause();
    return gate.requested;
  };
  try {
    await runSteps({
      steps,
      firstStep,
      step: (step): StepMetrics => {
        const metrics = { step, ...timed(() => trainStep(gan, batches)) };
        history.push(metrics);
        return metrics;
      },
      onStep: async (metrics, step) => {
        if (await stopAsked()) return;
        timed(() => onStep?.(metrics));
        if ((step - firstStep + 1) % every === 0 && !(await stopAsked())) timed(update);
      },
      gate,
      onStop: () => live.finish(history, undefined, "stopped"),
    });
  } finally {
    training.running = false;
  }
  live.finish(history, drawGrid());
  return history;
}
