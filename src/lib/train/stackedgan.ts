// Several small GANs trained as one (notebook 07 trains its seeds, objectives and optimisers this
// way): a generator and a discriminator stacked over R = groups × seeds runs (nets/stacked.ts),
// each run's costs and gradients kept equal to a solo run's, one optimiser pair per part.
import { tf } from "../core/backend";
import { assertInteger, assertShape } from "../core/checks";
import { stackModels, type StackedMlp } from "../nets/stacked";
import type { Objective } from "./losses";

/** How a step orders the two players' updates, as data (it travels in ring jobs and cache keys). */
export interface PlayerUpdates {
  readonly name: string;
  /**
   * "alternating": D steps on fresh fakes, then G steps through the updated D on fresh noise;
   * "simultaneous": both players' gradients from the same state and the same noise batch, then
   * both steps.
   */
  readonly order: "alternating" | "simultaneous";
}

/** D, then G through the updated D on fresh noise: `trainStep`'s order, and the default. */
export const ALTERNATING_UPDATES: PlayerUpdates = {
  name: "alternating: D, then G through the new D on fresh noise",
  order: "alternating",
};

/** Both players from the same state and noise batch (one `sess.run` in the LSGAN authors' code). */
export const SIMULTANEOUS_UPDATES: PlayerUpdates = {
  name: "simultaneous: D and G from the same state and noise batch",
  order: "simultaneous",
};

/** One configuration of a stacked GAN, trained on every seed: its objective and its optimisers. */
export interface StackedGroup {
  /** A short name for tables and legends, e.g. "GAN, RMSProp". */
  name: string;
  objective: Objective;
  /** Optimisers of the group's generators and discriminators; groups next to each other may share them. */
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
}

/** A stacked GAN: R = groups × seeds runs, in that order (all seeds of group 0 first). */
export interface StackedGan {
  generator: StackedMlp;
  discriminator: StackedMlp;
  groups: StackedGroup[];
  /** Runs per group: run g·seeds + s is group g on seed s. */
  seeds: number;
  updates: PlayerUpdates;
}

export interface CreateStackedGanArgs {
  /** Seed s's starting weights, given to each group's run of that seed (only read). */
  generators: tf.LayersModel[];
  discriminators: tf.LayersModel[];
  groups: StackedGroup[];
  /** Default ALTERNATING_UPDATES. */
  updates?: PlayerUpdates;
}

/** Sizes of the blocks of consecutive runs that one pair of optimisers updates (the stack's parts). */
function optimizerParts(groups: StackedGroup[], seeds: number): number[] {
  const parts: number[] = [];
  groups.forEach((group, g) => {
    const previous = groups[g - 1];
    const same =
      previous !== undefined &&
      previous.generatorOptimizer === group.generatorOptimizer &&
      previous.discriminatorOptimizer === group.discriminatorOptimizer;
    if (same) parts[parts.length - 1] += seeds;
    else parts.push(seeds);
  });
  const optimizers = groups.flatMap((g) => [g.generatorOptimizer, g.discriminatorOptimizer]);
  if (new Set(optimizers).size !== 2 * parts.length)
    throw new Error("groups that share an optimiser must share both and sit next to each other");
  return parts;
}

/** Refuses anything but one discriminator per generator (one pair per seed) and at least one group. */
export function assertSeedPairs(
  generators: tf.LayersModel[],
  discriminators: tf.LayersModel[],
  groups: StackedGroup[],
): void {
  if (generators.length === 0 || generators.length !== discriminators.length)
    throw new Error(
      `give one discriminator per generator (one pair per seed), got ${generators.length} and ${discriminators.length}`,
    );
  if (groups.length === 0) throw new Error("a stacked GAN needs at least one group");
}

/**
 * A stacked GAN of every group on every seed: `generators[s]` and `discriminators[s]` give seed s's
 * starting weights to each group's run of that seed (they are only read). Groups that share their
 * optimisers form one part of the stack.
 */
export function createStackedGan({
  generators,
  discriminators,
  groups,
  updates = ALTERNATING_UPDATES,
}: CreateStackedGanArgs): StackedGan {
  assertSeedPairs(generators, discriminators, groups);
  if (updates?.order !== "alternating" && updates?.order !== "simultaneous")
    throw new Error(
      `updates must be ALTERNATING_UPDATES or SIMULTANEOUS_UPDATES, got ${JSON.stringify(updates)}`,
    );
  const seeds = generators.length;
  const parts = optimizerParts(groups, seeds);
  const every = (models: tf.LayersModel[]) => groups.flatMap(() => models);
  return {
    generator: stackModels(every(generators), parts),
    discriminator: stackModels(every(discriminators), parts),
    groups,
    seeds,
    updates,
  };
}

/** Disposes a stacked GAN's networks and every optimiser of its groups. */
export function disposeStackedGan(gan: StackedGan): void {
  gan.generator.dispose();
  gan.discriminator.dispose();
  new Set(gan.groups.flatMap((g) => [g.generatorOptimizer, g.discriminatorOptimizer])).forEach(
    (o) => o.dispose(),
  );
}

/**
 * Gradients of `cost` with respect to `net`'s weights, each part's applied by the optimiser that
 * `pick` names for the part's first group.
 */
function updateParts(
  gan: StackedGan,
  net: StackedMlp,
  pick: (group: StackedGroup) => tf.Optimizer,
  cost: () => tf.Scalar,
): void {
  applyParts(gan, net, pick, tf.variableGrads(cost, net.variables).grads);
}

/** Applies `grads` (by variable name) to `net`'s weights, each part's by its group's optimiser. */
function applyParts(
  gan: StackedGan,
  net: StackedMlp,
  pick: (group: StackedGroup) => tf.Optimizer,
  grads: tf.NamedTensorMap,
): void {
  let firstRun = 0;
  net.parts.forEach((variables) => {
    const optimizer = pick(gan.groups[firstRun / gan.seeds]);
    optimizer.applyGradients(Object.fromEntries(variables.map((v) => [v.name, grads[v.name]])));
    firstRun += variables[0].shape[0];
  });
}

/** One training step's per-run numbers, each an array of R. */
export interface StackedStepMetrics {
  dLoss: number[];
  gLoss: number[];
  /** D's mean verdict on the real and on the fake batch (a probability for cross-entropy D). */
  dReal: number[];
  dFake: number[];
}

/**
 * The per-group costs of `outputs` [R, batch, 1], split into the objectives' groups: the sum over
 * a group's runs of each run's mean cost (the objective's mean over the group, times its size), so
 * that every run's gradient is the one it would get trained alone.
 */
function sumOverRuns(
  gan: StackedGan,
  cost: (o: Objective, ...groups: tf.Tensor[]) => tf.Scalar,
  ...outputs: tf.Tensor[]
) {
  // (tf.split into one piece has no gradient in tfjs: one group needs no split)
  const groups = outputs.map((o) =>
    gan.groups.length === 1 ? [o] : tf.split(o, gan.groups.length, 0),
  );
  return tf.addN(
    gan.groups.map((g, i) =>
      tf.mul(cost(g.objective, ...groups.map((parts) => parts[i])), gan.seeds),
    ),
  );
}

/** Each run's mean of `cost` on its own slice of `outputs` [R, batch, 1]. */
function perRun(
  gan: StackedGan,
  cost: (o: Objective, ...runs: tf.Tensor[]) => tf.Scalar,
  ...outputs: tf.Tensor[]
) {
  const R = gan.groups.length * gan.seeds;
  const slices = outputs.map((o) => (R === 1 ? [o] : tf.split(o, R, 0)));
  return tf.stack(
    slices[0].map((_, r) =>
      cost(gan.groups[Math.floor(r / gan.seeds)].objective, ...slices.map((s) => s[r])),
    ),
  );
}

/**
 * D's outputs [R, batch, 1] on the real and the fake batches: in one pass when D has no BatchNorm,
 * otherwise in two (each batch normalised with its own statistics, as in the DCGAN paper).
 */
function judge(gan: StackedGan, real: tf.Tensor3D, fake: tf.Tensor3D): [tf.Tensor, tf.Tensor] {
  if (gan.discriminator.hasBatchNorm)
    return [gan.discriminator.apply(real), gan.discriminator.apply(fake)];
  const [r, f] = tf.split(gan.discriminator.apply(tf.concat([real, fake], 1)), 2, 1);
  return [r, f];
}

/** Draws the noise of every run: each seed's noise, the same for every objective. */
export type StackedNoise = (batch: number) => tf.Tensor3D;

/**
 * One training step of every run. ALTERNATING_UPDATES, as `trainStep` makes one for a single GAN:
 * a D update on the real batch and fresh fakes, then a G update through the updated D on fresh
 * noise. SIMULTANEOUS_UPDATES: one noise batch; both players' gradients from the current weights
 * (D's on the real batch and G(z), G's through D on the same G(z)); then both updates.
 * @param real [R, batch, 2]: each run's real batch (runs of one seed get the same points).
 * @param noise draws [R, batch, latentSize] noise.
 * @param record also return the per-run costs and D's verdicts (a read-back; skip it on most steps).
 */
export function trainStackedStep(
  gan: StackedGan,
  real: tf.Tensor3D,
  noise: StackedNoise,
  record: boolean,
): StackedStepMetrics | null {
  const R = gan.groups.length * gan.seeds;
  assertInteger("seeds", gan.seeds);
  assertShape("real", real.shape, [R, -1, gan.discriminator.inputSize]);
  const batch = real.shape[1];
  const kept: tf.Tensor[] = [];
  const values = tf.tidy((): tf.Tensor | undefined => {
    const first = noise(batch);
    const dCost = (fakes: tf.Tensor3D) => () => {
      const [r, f] = judge(gan, real, fakes);
      if (record) kept.push(tf.keep(r), tf.keep(f));
      return sumOverRuns(gan, (o, a, b) => o.discriminatorCost(a, b), r, f) as tf.Scalar;
    };
    const gCost = (z: tf.Tensor3D) => () => {
      const f = gan.discriminator.apply(gan.generator.apply(z));
      if (record) kept.push(tf.keep(f));
      return sumOverRuns(gan, (o, a) => o.generatorCost(a), f) as tf.Scalar;
    };
    const pickD = (g: StackedGroup) => g.discriminatorOptimizer;
    const pickG = (g: StackedGroup) => g.generatorOptimizer;
    if (gan.updates.order === "simultaneous") {
      const fakes = gan.generator.apply(first);
      const dGrads = tf.variableGrads(dCost(fakes), gan.discriminator.variables).grads;
      const gGrads = tf.variableGrads(gCost(first), gan.generator.variables).grads;
      applyParts(gan, gan.discriminator, pickD, dGrads);
      applyParts(gan, gan.generator, pickG, gGrads);
    } else {
      updateParts(gan, gan.discriminator, pickD, dCost(gan.generator.apply(first)));
      updateParts(gan, gan.generator, pickG, gCost(noise(batch)));
    }
    if (!record) return undefined;
    const [r, f, g] = kept;
    return tf.stack([
      perRun(gan, (o, a, b) => o.discriminatorCost(a, b), r, f),
      perRun(gan, (o, a) => o.generatorCost(a), g),
      perRun(gan, (o, a) => o.meanVerdict(a), r),
      perRun(gan, (o, a) => o.meanVerdict(a), f),
    ]);
  });
  tf.dispose(kept);
  if (values === undefined) return null;
  const rows = values.arraySync() as number[][];
  values.dispose();
  rows.flat().forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new Error(
        `training diverged: run ${i % R}'s ${["J(D)", "J(G)", "D(x)", "D(G(z))"][Math.floor(i / R)]} is ${v}`,
      );
  });
  const [dLoss, gLoss, dReal, dFake] = rows;
  return { dLoss, gLoss, dReal, dFake };
}

/** Each run's generator on `noise` [R, n, latentSize]: samples [R, n, outputSize], as arrays of points. */
export function sampleStacked(generator: StackedMlp, noise: tf.Tensor3D): number[][][] {
  const samples = generator.apply(noise);
  try {
    return samples.arraySync() as number[][][];
  } finally {
    samples.dispose();
  }
}
