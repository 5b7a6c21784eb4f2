// Checkpoints of a stacked GAN in training (notebook 07's recorded experiments): the weights of
// every run, the state of every optimiser, and what the caller needs to go on (its step, its
// records so far), written whole or not at all, so that a killed training resumes from its last
// checkpoint and loses at most one checkpoint interval.
import fs from "node:fs";
import path from "node:path";

import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import type { StackedGan } from "../train/stackedgan";

/** One tensor of a checkpoint: where its numbers start in the binary file, and its shape. */
interface Stored {
  name: string;
  shape: number[];
  offset: number;
}

/** The optimisers of a stacked GAN, each once, in a fixed order (G then D of each group). */
function optimizersOf(gan: StackedGan): tf.Optimizer[] {
  return [...new Set(gan.groups.flatMap((g) => [g.generatorOptimizer, g.discriminatorOptimizer]))];
}

/**
 * Writes the state of `gan`, any `extra` variables (e.g. a weight average) and `state` (JSON) to
 * `folder`: into a temporary folder first,
 * renamed over the previous checkpoint only when complete.
 */
export async function saveCheckpoint(
  folder: string,
  gan: StackedGan,
  state: object,
  extra: readonly tf.Variable[] = [],
): Promise<void> {
  const variables = [...gan.generator.variables, ...gan.discriminator.variables, ...extra];
  const optimizers = await Promise.all(optimizersOf(gan).map((o) => o.getWeights()));
  const stored: Stored[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, tensor: tf.Tensor) => {
    stored.push({ name, shape: tensor.shape, offset });
    const values = tensor.dataSync() as Float32Array;
    chunks.push(Float32Array.from(values));
    offset += values.length;
  };
  variables.forEach((v, i) => add(`variable ${i}`, v));
  optimizers.forEach((weights, o) =>
    weights.forEach((w) => {
      add(`optimizer ${o} ${w.name}`, w.tensor);
      w.tensor.dispose();
    }),
  );
  const partial = `${folder}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  fs.writeFileSync(path.join(partial, "tensors.bin"), bytes);
  fs.writeFileSync(path.join(partial, "checkpoint.json"), JSON.stringify({ stored, state }));
  fs.rmSync(folder, { recursive: true, force: true });
  fs.renameSync(partial, folder);
}

/**
 * Puts the weights and optimiser states saved in `folder` back into `gan` and `extra` (built as when the
 * checkpoint was written) and returns the saved state; null when `folder` holds no checkpoint.
 */
export async function loadCheckpoint<T>(
  folder: string,
  gan: StackedGan,
  extra: readonly tf.Variable[] = [],
): Promise<T | null> {
  const file = path.join(folder, "checkpoint.json");
  if (!fs.existsSync(file)) return null;
  const { stored, state } = JSON.parse(fs.readFileSync(file, "utf8")) as {
    stored: Stored[];
    state: T;
  };
  const bin = fs.readFileSync(path.join(folder, "tensors.bin"));
  const all = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  const read = (s: Stored) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    return tf.tensor(all.slice(s.offset, s.offset + size), s.shape);
  };
  const variables = [...gan.generator.variables, ...gan.discriminator.variables, ...extra];
  const saved = stored.filter((s) => s.name.startsWith("variable "));
  if (saved.length !== variables.length)
    throw new Error(
      `the checkpoint in ${folder} holds ${saved.length} weight tensors; this GAN has ${variables.length}`,
    );
  variables.forEach((v, i) => {
    const value = read(saved[i]);
    if (value.shape.join() !== v.shape.join())
      throw new Error(`checkpoint weight ${i} is [${value.shape}], the GAN's is [${v.shape}]`);
    v.assign(value);
    value.dispose();
  });
  const optimizers = optimizersOf(gan);
  for (const [o, optimizer] of optimizers.entries()) {
    const prefix = `optimizer ${o} `;
    const weights = stored
      .filter((s) => s.name.startsWith(prefix))
      .map((s) => ({ name: s.name.slice(prefix.length), tensor: read(s) }));
    await optimizer.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
  return state;
}

/**
 * The checkpoint folder beside a cache entry (`<cachePath>.checkpoint`), when a training keeps
 * checkpoints every `every` steps (a multiple of `checkEvery`, so that a checkpoint holds whole
 * checks); null when `every` is undefined.
 */
export function checkpointFolder(
  cachePath: string | null,
  every: number | undefined,
  checkEvery: number,
): string | null {
  if (every === undefined) return null;
  assertInteger("checkpointEvery", every);
  if (cachePath === null)
    throw new Error("checkpointEvery needs a cacheDir to keep checkpoints in");
  if (every % checkEvery !== 0)
    throw new Error(`checkpointEvery (${every}) must be a multiple of checkEvery (${checkEvery})`);
  return `${cachePath}.checkpoint`;
}
