// A ring experiment (notebook 07, `runRingExperiment`) described as data, so that it can run in
// another process (background.ts), and `runRingJob`, which runs it in this process or loads its
// result from the cache.
import { createRingMixture, type RingMixtureArgs } from "../data/ring";
import { buildModel, type ModelSpec } from "../nets/specs";
import { DEFAULT_CACHE_DIR } from "../store/cache";
import { createOptimizer, type OptimizerSpec } from "../optim/optimizer";
import { createObjective, type ObjectiveSpec } from "../train/losses";
import type { PlayerUpdates, StackedGroup } from "../train/stackedgan";
import { runRingExperiment, type RingExperiment, type RingSettings } from "./ringexperiment";

/** One group of a ring job: an objective and its optimisers, as data. */
export interface RingJobGroup {
  name: string;
  objective: ObjectiveSpec;
  generatorOptimizer: OptimizerSpec;
  discriminatorOptimizer: OptimizerSpec;
}

/** A ring experiment (`runRingExperiment`), all of it data, so that another process can run it. */
export interface RingJob {
  kind: "ring";
  /** Cache folder (default the project's data/) and the experiment's name. */
  cacheDir?: string;
  name: string;
  ring: RingMixtureArgs;
  /** One generator and one discriminator per seed. */
  generators: ModelSpec[];
  discriminators: ModelSpec[];
  /** Groups next to each other with equal optimiser specs share their optimisers (one part of the stack). */
  groups: RingJobGroup[];
  settings: RingSettings;
  /** How each step orders the players' updates; default ALTERNATING_UPDATES. */
  updates?: PlayerUpdates;
  /** Keep a checkpoint every this many steps and resume from it (see `runRingExperiment`). */
  checkpointEvery?: number;
}

/** `spec` with `args.seed` set to `seed`. */
export const seedSpec = (spec: ModelSpec, seed: number): ModelSpec =>
  ({ ...spec, args: { ...spec.args, seed } }) as ModelSpec;

/** `describeRingJob`'s arguments: a ring job with one pair of networks given once for all seeds. */
export interface DescribeRingJobArgs {
  name: string;
  ring: RingMixtureArgs;
  /** The networks of every seed; `args.seed` is replaced by each seed's own. */
  generator: ModelSpec;
  discriminator: ModelSpec;
  groups: RingJobGroup[];
  settings: RingSettings;
  /** How many seeds: G of seed s is seeded with settings.seed + s, D with settings.seed + 100 + s. */
  seeds: number;
  updates?: PlayerUpdates;
  checkpointEvery?: number;
  cacheDir?: string;
}

/** A ring job of `seeds` seeds, each with its own G and D built from the same specs. */
export function describeRingJob(args: DescribeRingJobArgs): RingJob {
  const { generator, discriminator, seeds, settings, ...rest } = args;
  const each = (spec: ModelSpec, offset: number) =>
    Array.from({ length: seeds }, (_, s) => seedSpec(spec, settings.seed + offset + s));
  return {
    kind: "ring",
    ...rest,
    settings,
    generators: each(generator, 0),
    discriminators: each(discriminator, 100),
  };
}

/**
 * Runs a ring job in this process (or loads it from the cache when it ran before, here or in
 * another process): builds its networks and optimisers from their specs, runs
 * `runRingExperiment`, and disposes the networks.
 */
export async function runRingJob(
  job: RingJob,
  onStep?: (step: number) => void,
): Promise<RingExperiment> {
  const generators = job.generators.map(buildModel);
  const discriminators = job.discriminators.map(buildModel);
  const made: Array<[string, StackedGroup]> = [];
  const groups = job.groups.map((g) => {
    const key = JSON.stringify([g.generatorOptimizer, g.discriminatorOptimizer]);
    const previous = made[made.length - 1];
    const group: StackedGroup =
      previous !== undefined && previous[0] === key
        ? { ...previous[1], name: g.name, objective: createObjective(g.objective) }
        : {
            name: g.name,
            objective: createObjective(g.objective),
            generatorOptimizer: createOptimizer(g.generatorOptimizer),
            discriminatorOptimizer: createOptimizer(g.discriminatorOptimizer),
          };
    made.push([key, group]);
    return group;
  });
  try {
    return await runRingExperiment({
      name: job.name,
      cacheDir: job.cacheDir ?? DEFAULT_CACHE_DIR,
      ring: createRingMixture(job.ring),
      generators,
      discriminators,
      groups,
      settings: job.settings,
      updates: job.updates,
      checkpointEvery: job.checkpointEvery,
      onStep,
    });
  } finally {
    [...generators, ...discriminators].forEach((m) => m.dispose());
  }
}
