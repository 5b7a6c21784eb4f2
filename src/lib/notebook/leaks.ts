// Tensors that were never disposed and that nothing can reach any more: the garbage collector
// finds them. Every tensor made while the watch runs is held by a weak reference until it is
// disposed; a reference that the collector has emptied is a leak, by definition, whatever the
// notebook legitimately keeps alive (models, data, fixed noise).
import v8 from "node:v8";
import vm from "node:vm";

import { tf } from "../core/backend";
import { followTensors } from "../core/tracking";

/** Name of the environment variable that starts the watch when gan-kit is loaded (the test runners set it). */
export const LEAK_CHECK_VARIABLE = "GAN_LEAK_CHECK";

/** What a leak check found. */
export interface LeakReport {
  /** Tensors collected by the garbage collector without having been disposed. */
  leaked: number;
  /** The leaked tensors grouped by dtype and shape, most frequent first, e.g. "40 × float32[100,784]". */
  kinds: string[];
  /** Tensors alive now (tf.memory().numTensors). */
  numTensors: number;
}

interface Watch {
  live: Map<number, { ref: WeakRef<tf.Tensor>; kind: string }>;
  leaked: Map<string, number>;
  stop(): void;
}

let watch: Watch | null = null;

/** The collector as a function (`--expose-gc` switched on at run time). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/**
 * Starts watching for leaked tensors (idempotent): from now on every new tensor is followed
 * until it is disposed. Costs about a microsecond per tensor; meant for test runs.
 */
export function watchTensorLeaks(): void {
  if (watch !== null) return;
  const live: Watch["live"] = new Map();
  const stop = followTensors({
    made: (tensor) =>
      live.set(tensor.id, {
        ref: new WeakRef(tensor),
        kind: `${tensor.dtype}[${tensor.shape.join(",")}]`,
      }),
    disposed: (tensor) => live.delete(tensor.id),
  });
  watch = { live, leaked: new Map(), stop };
}

/** Stops the watch and forgets what it found. */
export function stopWatchingTensorLeaks(): void {
  watch?.stop();
  watch = null;
}

/**
 * Runs the garbage collector and reports the tensors that it collected without their having
 * been disposed, since the watch started. Async: weak references only empty after the current
 * task. Throws when no watch runs.
 */
export async function checkTensorLeaks(): Promise<LeakReport> {
  if (watch === null)
    throw new Error(
      `no leak watch runs: call watchTensorLeaks() first or set ${LEAK_CHECK_VARIABLE}=1`,
    );
  const gc = collector();
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  for (const [id, { ref, kind }] of watch.live) {
    if (ref.deref() !== undefined) continue;
    watch.live.delete(id);
    watch.leaked.set(kind, (watch.leaked.get(kind) ?? 0) + 1);
  }
  const sorted = [...watch.leaked].sort((a, b) => b[1] - a[1]);
  return {
    leaked: sorted.reduce((sum, [, count]) => sum + count, 0),
    kinds: sorted.map(([kind, count]) => `${count} × ${kind}`),
    numTensors: tf.memory().numTensors,
  };
}

/**
 * The check the test runners append to every notebook: prints one line when nothing leaked and
 * throws, naming the leaked tensors, when something did.
 */
export async function assertNoTensorLeaks(): Promise<void> {
  const report = await checkTensorLeaks();
  if (report.leaked > 0) {
    throw new Error(
      `${report.leaked} tensor(s) leaked (garbage-collected without dispose()): ` +
        `${report.kinds.slice(0, 5).join(", ")}${report.kinds.length > 5 ? ", …" : ""}. ` +
        "Wrap the cell's temporary tensors in tf.tidy(…) or dispose() them.",
    );
  }
  console.log(`tensor leak check: none leaked; ${report.numTensors} tensors alive`);
}

if (
  process.env[LEAK_CHECK_VARIABLE] !== undefined &&
  !["", "0"].includes(process.env[LEAK_CHECK_VARIABLE] ?? "")
) {
  watchTensorLeaks();
}
