// The kernel's interrupt, heard by a training loop. JupyterLab's stop button sends SIGINT to the
// kernel; tslab's own handler only abandons the cell's promise, and only once the event loop
// turns, so a training would either ignore the button or go on in the background. A loop that
// listens itself, and lets the event loop turn now and then, can stop at a step boundary instead:
// a listener is the gate of train/loop.ts's `runSteps`, which then throws `TrainingStopped`.
import type { StepGate } from "../train/loop";

/** A training's ear for the interrupt, from `listenForInterrupt` until `close`. */
export interface InterruptListener extends StepGate {
  /** True once the interrupt has come. */
  readonly requested: boolean;
  /**
   * Lets the event loop turn (a macrotask) when `everyMs` have passed since it last did, so that
   * the signal can arrive; otherwise resolves at once. Await it once per step.
   */
  pause(): Promise<void>;
  /** Stops listening and gives the interrupt back to whoever had it before (tslab's handler). */
  close(): void;
}

export interface ListenForInterruptArgs {
  /** Longest stretch without a turn of the event loop, in ms; default 100. */
  everyMs?: number;
}

let current: { close(): void; closeLater(): void } | null = null;

/**
 * Takes the interrupt (SIGINT) over until `close()`: the handlers that had it are set aside and
 * put back afterwards, so that the cell is not abandoned while its training still runs. The
 * take-over waits for the event loop's next turn: tslab runs a cell's synchronous part with
 * `breakOnSigint`, which sets SIGINT handlers aside for that stretch, and a handler added inside
 * it leaves the process without one afterwards (the next interrupt would kill the kernel). Only
 * one listener is active; a new one closes a previous one left open (e.g. by a crashed cell).
 */
export function listenForInterrupt({
  everyMs = 100,
}: ListenForInterruptArgs = {}): InterruptListener {
  if (!(everyMs >= 0)) throw new Error(`everyMs must be >= 0, got ${everyMs}`);
  // A listener left open (a crashed loop without `finally`) is closed on the event loop's next
  // turn, like the take-over below: this call may run inside a cell's breakOnSigint stretch.
  current?.closeLater();
  let requested = false;
  let closed = false;
  let previous: NodeJS.SignalsListener[] | null = null; // set once SIGINT is taken over
  let lastTurn = 0;
  const onInterrupt = () => {
    requested = true;
  };
  const takeOver = () => {
    if (closed || previous !== null) return;
    previous = process.listeners("SIGINT") as NodeJS.SignalsListener[];
    process.removeAllListeners("SIGINT");
    process.on("SIGINT", onInterrupt);
  };
  const pending = setImmediate(takeOver);
  const listener = {
    get requested() {
      return requested;
    },
    async pause() {
      if (previous !== null && Date.now() - lastTurn < everyMs) return;
      await new Promise((resolve) => setImmediate(resolve));
      takeOver();
      lastTurn = Date.now();
    },
    closeLater() {
      setImmediate(() => listener.close());
    },
    close() {
      if (closed) return;
      closed = true;
      clearImmediate(pending);
      if (previous !== null) {
        process.removeListener("SIGINT", onInterrupt);
        for (const handler of previous) process.on("SIGINT", handler);
      }
      if (current === listener) current = null;
    },
  };
  current = listener;
  return listener;
}
