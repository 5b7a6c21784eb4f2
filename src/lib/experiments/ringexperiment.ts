// Notebook 07's experiment: GANs on the ring of Gaussians, several objectives and seeds trained at
// once as one stacked GAN, scored at checkpoints (modes covered, high-quality share, energy
// distance), with a live view, the collapse flag, the kernel's interrupt, and a cache on disk.
import fs from "node:fs";
import path from "node:path";

import { tf } from "../core/backend";
import { cacheEntryPath, writeCacheEntry } from "../store/cache";
import { codeVersion } from "../store/codeversion";
import { assertInteger } from "../core/checks";
import { FAILURE_RULES, type FailureRules } from "../measure/failures";
import { createRingLiveView } from "../notebook/live";
import { listenForInterrupt } from "../notebook/interrupt";
import { runSteps } from "../train/loop";
import { createNoiseSampler, type NoiseSampler } from "../train/noise";
import { createRingSampler, sampleRing, type RingMixture } from "../data/ring";
import type { RingCheck } from "../measure/ringscores";
import { createRingRuns, recordRingCosts, scoreRingRuns, type RingRun } from "./ringruns";
import { createStackedWeightAverage } from "../train/averaging";
import { checkpointFolder, loadCheckpoint, saveCheckpoint } from "./checkpoints";
import {
  ALTERNATING_UPDATES,
  assertSeedPairs,
  createStackedGan,
  disposeStackedGan,
  sampleStacked,
  trainStackedStep,
  type PlayerUpdates,
  type StackedGroup,
} from "../train/stackedgan";

/** The numbers that decide a ring experiment (all part of its cache key). */
export interface RingSettings {
  steps: number;
  batchSize: number;
  latentSize: number;
  /** Seeds the noise and the real batches (each seed of the experiment gets its own stream). */
  seed: number;
  /** Score every run every this many steps (and at step 0). */
  checkEvery: number;
  /** Samples per run at a check (the coverage measures use all; the energy distance 1,000). */
  checkSamples: number;
  /** Record the costs and D's verdicts every this many steps. */
  recordEvery: number;
  /**
   * Also score, at every check, the exponential moving average of each run's generator weights
   * with this decay β (`createStackedWeightAverage`; 0.99 averages over about the last 100 steps);
   * none: the raw weights only.
   */
  averageDecay?: number;
}

export interface RingExperimentArgs {
  /** Name of the experiment, for the cache folder and the live view. */
  name: string;
  /** Folder of the cache (the project's data/); none: train every time. */
  cacheDir?: string;
  ring: RingMixture;
  /** One generator and one discriminator per seed (only read: each objective's run starts from the same weights). */
  generators: tf.LayersModel[];
  discriminators: tf.LayersModel[];
  /**
   * The configurations, each trained on every seed: an objective and fresh optimisers (groups next
   * to each other may share them; their settings are part of the cache key). The experiment
   * disposes the optimisers when it ends.
   */
  groups: StackedGroup[];
  settings: RingSettings;
  /** Rules of the failure flags; default FAILURE_RULES. */
  failureRules?: FailureRules;
  /** Points of each run kept per check for the pictures; default 500. */
  keepPoints?: number;
  /** Called after every trained step with its number (e.g. to report progress from another process). */
  onStep?: (step: number) => void;
  /** How each step orders the players' updates; default ALTERNATING_UPDATES (part of the cache key). */
  updates?: PlayerUpdates;
  /**
   * Write a checkpoint every this many steps (a multiple of checkEvery; needs cacheDir), and resume
   * from the last one when the experiment runs again after it was stopped or killed.
   */
  checkpointEvery?: number;
}

export type { RingCheck, RingRun };

export interface RingExperiment {
  runs: RingRun[];
  /** Wall-clock seconds of the training (from the cache: of the run that made it). */
  seconds: number;
  fromCache: boolean;
  cachePath: string | null;
}

/**
 * Where a ring experiment's code starts: `runRingJob` (which decides the groups that share
 * optimisers) reaches `runRingExperiment`, the stacked networks and their training, the ring, its
 * scores and the collapse flag (see store/codeversion.ts).
 */
export const RING_ENTRIES: readonly string[] = ["experiments/ringjob.js"];

/** The version of the code that runs ring experiments: part of their cache key. */
export function ringCodeVersion(root?: string): string {
  return codeVersion(RING_ENTRIES, root);
}

/** What a checkpoint of a ring experiment keeps besides the networks and optimisers. */
interface Resumable {
  step: number;
  runs: RingRun[];
  seconds: number;
}

/** The cache folder of this experiment: settings, objectives, optimisers, architectures, backend, code. */
function ringCachePath(args: RingExperimentArgs): string | null {
  if (args.cacheDir === undefined) return null;
  const optimizer = (o: tf.Optimizer) => [o.getClassName(), o.getConfig()];
  const { steps, batchSize, latentSize, seed, checkEvery, checkSamples, recordEvery } =
    args.settings;
  const { averageDecay } = args.settings;
  return cacheEntryPath(args.cacheDir, args.name, [
    {
      steps,
      batchSize,
      latentSize,
      seed,
      checkEvery,
      checkSamples,
      recordEvery,
      keepPoints: args.keepPoints ?? 500,
      ...(averageDecay === undefined ? {} : { averageDecay }),
    },
    { modes: args.ring.modes, radius: args.ring.radius, sd: args.ring.sd, w: args.ring.weights },
    (args.updates ?? ALTERNATING_UPDATES).order,
    args.groups.map((g) => [
      g.name,
      g.objective.spec,
      optimizer(g.generatorOptimizer),
      optimizer(g.discriminatorOptimizer),
    ]),
    args.generators[0].toJSON(null, false),
    args.discriminators[0].toJSON(null, false),
    args.generators.length,
    tf.getBackend(),
    ringCodeVersion(),
  ]);
}

let latestSteps = 0;

/**
 * The steps done by the latest ring experiment trained in this process, also after the interrupt
 * stopped it (its cell then ends with `TrainingStopped` and returns nothing); 0 before the first.
 */
export function lastRingExperimentSteps(): number {
  return latestSteps;
}

/**
 * Trains every objective on every seed's networks as one stacked GAN (`stackModels`,
 * `trainStackedStep`) on batches of `ring`, and scores each run every `checkEvery` steps on fixed
 * noise: modes covered and high-quality share (`measureModeCoverage`), energy distance, and the
 * collapse flag (`checkRingCollapse`). Runs of one seed share initial weights, noise and real data:
 * they differ only in the objective. Loads the result from the cache when this exact experiment
 * ran before. The kernel's interrupt stops it at the next step (`TrainingStopped`); nothing is
 * cached then, and a rerun starts again from the networks' weights.
 */
export async function runRingExperiment(args: RingExperimentArgs): Promise<RingExperiment> {
  const { ring, generators, discriminators, groups, settings, failureRules = FAILURE_RULES } = args;
  const { keepPoints = 500 } = args;
  const { steps, batchSize, latentSize, checkEvery, checkSamples, recordEvery } = settings;
  for (const name of [
    "steps",
    "batchSize",
    "latentSize",
    "seed",
    "checkEvery",
    "checkSamples",
    "recordEvery",
  ] as const)
    assertInteger(name, settings[name], name === "steps" ? 0 : 1);
  assertSeedPairs(generators, discriminators, groups);
  const cachePath = ringCachePath(args);
  const checkpoint = checkpointFolder(cachePath, args.checkpointEvery, settings.checkEvery);
  if (cachePath !== null && fs.existsSync(path.join(cachePath, "runs.json"))) {
    const { runs, seconds } = JSON.parse(
      fs.readFileSync(path.join(cachePath, "runs.json"), "utf8"),
    );
    return { runs, seconds, fromCache: true, cachePath };
  }
  const seeds = generators.length;
  const k = groups.length;
  const updates = args.updates ?? ALTERNATING_UPDATES;
  const gan = createStackedGan({ generators, discriminators, groups, updates });
  const average =
    settings.averageDecay === undefined
      ? null
      : createStackedWeightAverage(gan.generator, { decay: settings.averageDecay });
  const extra = average?.variables ?? [];
  const resumed =
    checkpoint === null ? null : await loadCheckpoint<Resumable>(checkpoint, gan, extra);
  const done = resumed?.step ?? 0;
  // Each seed's noise, the same for every group: [seeds·n, latentSize] drawn at once, tiled over the groups.
  const perSeed = (draw: NoiseSampler, n: number) =>
    tf.tidy(() =>
      tf.tile(tf.reshape(draw(seeds * n), [seeds, n, latentSize]), [k, 1, 1]),
    ) as tf.Tensor3D;
  const drawn = done * (updates.order === "simultaneous" ? 1 : 2); // noise draws per step
  const noiseSampler = createNoiseSampler({ latentSize, seed: settings.seed, drawn });
  const noise = (batch: number) => perSeed(noiseSampler, batch);
  const samplers = Array.from({ length: seeds }, (_, s) =>
    createRingSampler(ring, settings.seed + 1 + s, done * batchSize),
  );
  const realBatch = (): tf.Tensor3D =>
    tf.tidy(
      () => tf.tile(tf.stack(samplers.map((draw) => draw(batchSize))), [k, 1, 1]) as tf.Tensor3D,
    );
  const checkNoise = perSeed(
    createNoiseSampler({ latentSize, seed: settings.seed + 1000 }),
    checkSamples,
  );
  const reference = sampleRing(ring, 1000, settings.seed + 2000);
  const runs: RingRun[] = resumed?.runs ?? createRingRuns(groups, seeds);
  const check = (step: number) => {
    const drawn = average === null ? null : average.apply(checkNoise);
    try {
      const samples = sampleStacked(gan.generator, checkNoise);
      const averaged = drawn?.arraySync() as number[][][] | undefined;
      scoreRingRuns(runs, { ring, step, samples, averaged, reference, keepPoints, failureRules });
    } finally {
      drawn?.dispose();
    }
  };
  const view = createRingLiveView(args.name, steps);
  const started = Date.now() - 1000 * (resumed?.seconds ?? 0);
  latestSteps = done;
  try {
    if (done === 0) check(0);
    view.update(done, runs);
    await runSteps({
      steps: steps - done,
      firstStep: done + 1,
      step: (step) => {
        const real = realBatch();
        try {
          return trainStackedStep(gan, real, noise, step % recordEvery === 0);
        } finally {
          real.dispose();
          average?.update();
        }
      },
      onStep: (metrics, step) => {
        latestSteps = step;
        if (metrics !== null) recordRingCosts(runs, step, metrics);
        args.onStep?.(step);
        if (step % checkEvery === 0 || step === steps) {
          check(step);
          view.update(step, runs);
        }
        if (checkpoint === null || step % args.checkpointEvery! !== 0 || step === steps) return;
        const state: Resumable = { step, runs, seconds: (Date.now() - started) / 1000 };
        return saveCheckpoint(checkpoint, gan, state, extra);
      },
      gate: listenForInterrupt(),
      onStop: (last) => view.update(last, runs, `stopped at step ${last}`),
    });
  } finally {
    checkNoise.dispose();
    average?.dispose();
    disposeStackedGan(gan);
  }
  const seconds = (Date.now() - started) / 1000;
  view.update(steps, runs, `done: ${steps} steps in ${seconds.toFixed(0)} s`);
  if (cachePath !== null)
    await writeCacheEntry(cachePath, async (folder) => {
      fs.writeFileSync(path.join(folder, "runs.json"), JSON.stringify({ seconds, runs }));
      fs.writeFileSync(
        path.join(folder, "settings.json"),
        `${JSON.stringify(settings, null, 2)}\n`,
      );
    });
  if (checkpoint !== null) fs.rmSync(checkpoint, { recursive: true, force: true });
  return { runs, seconds, fromCache: false, cachePath };
}
