// The one training loop of gan-kit: `trainGan`, `trainGanLive` and the ring experiment all step
// through `runSteps`. It runs a step function for a number of steps, records what each returns,
// calls a hook after every step (for checks, live views, progress) and, given a gate such as the
// kernel's interrupt (notebook/interrupt.ts), stops at a step boundary with `TrainingStopped`.
import { assertInteger } from "../core/checks";

/** Thrown by a training that was stopped; its stack is its message, so the cell shows one clean line. */
export class TrainingStopped extends Error {
  /**
   * @param step the last step that ran (0 when none did).
   * @param totalSteps the steps the training was asked for.
   */
  constructor(
    readonly step: number,
    readonly totalSteps: number,
  ) {
    super(
      `stopped at step ${step.toLocaleString("en-US")} of ${totalSteps.toLocaleString("en-US")}: ` +
        `the networks keep the weights of step ${step.toLocaleString("en-US")}`,
    );
    this.name = "TrainingStopped";
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** What may stop a loop between two steps (the kernel's interrupt is one: `listenForInterrupt`). */
export interface StepGate {
  /** True once the loop should stop. */
  readonly requested: boolean;
  /** Awaited before every step: lets the event loop turn now and then, so that a stop can arrive. */
  pause(): Promise<void>;
  /** Called once when the loop ends, however it ends. */
  close(): void;
}

export interface RunStepsArgs<T> {
  /** Number of steps to run (0 runs none). */
  steps: number;
  /** Number of the first step, to continue an earlier run; default 1. */
  firstStep?: number;
  /** One training step, given its number; what it returns is recorded. */
  step: (step: number) => T;
  /**
   * Called after every step with what it returned and its number (checks, views, progress); a
   * promise it returns (e.g. a checkpoint being written) is awaited before the next step.
   */
  onStep?: (result: T, step: number) => void | Promise<void>;
  /** Asked before every step whether to stop; none: the loop runs to the end without yielding. */
  gate?: StepGate;
  /** Called with the last step that ran when the gate stops the loop, before `TrainingStopped`. */
  onStop?: (lastStep: number) => void;
}

/**
 * Runs `step` for steps firstStep … firstStep + steps − 1 and returns what each returned, in
 * order. With a gate, awaits `gate.pause()` before every step and, once `gate.requested`, calls
 * `onStop` and throws `TrainingStopped` (the last step that ran, of firstStep + steps − 1); the
 * gate is closed however the loop ends.
 */
export async function runSteps<T>(args: RunStepsArgs<T>): Promise<T[]> {
  const { steps, firstStep = 1, step, onStep, gate, onStop } = args;
  assertInteger("steps", steps, 0);
  assertInteger("firstStep", firstStep, 0);
  const last = firstStep + steps - 1;
  const results: T[] = [];
  try {
    for (let n = firstStep; n <= last; n++) {
      if (gate !== undefined) {
        await gate.pause();
        if (gate.requested) {
          onStop?.(n - 1);
          throw new TrainingStopped(n - 1, last);
        }
      }
      const result = step(n);
      results.push(result);
      const after = onStep?.(result, n);
      if (after instanceof Promise) await after;
    }
  } finally {
    gate?.close();
  }
  return results;
}
