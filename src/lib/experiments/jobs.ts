// One GAN training on MNIST described as data, so that it can run in another process
// (background.ts), and `runGanJob`, which trains it in this process or loads its result from the
// training cache. (A ring experiment as data: ringjob.ts.)
import { createWeightAverage } from "../train/averaging";
import { tf } from "../core/backend";
import { loadOrTrainGenerator, type CachedTraining as CachedResult } from "../store/cache";
import { assertInteger } from "../core/checks";
import { createBatchStream, loadMnist, type ImageLayout } from "../data/mnist";
import { buildModel, type ModelSpec } from "../nets/specs";
import type { NoiseDistribution } from "../train/noise";
import { createGan, disposeOptimizers, type CreateGanArgs } from "../train/gan";
import { createObjective, type ObjectiveSpec } from "../train/losses";
import { trainGan, type StepMetrics } from "../train/steps";
import { createTwoDigitStream } from "../data/twodigits";

/** A cached training's result: by default a GAN's, whose history holds every step's StepMetrics. */
export type CachedTraining<T = StepMetrics> = CachedResult<T>;

/** One GAN training, all of it data: networks, game, data, batches, length, weight average. */
export interface GanJob {
  /** Cache folder (default the project's data/) and run name, as for `loadOrTrainGenerator`. */
  cacheDir?: string;
  name: string;
  generator: ModelSpec;
  discriminator: ModelSpec;
  /** `createGan`'s arguments besides the networks; the noise as a distribution, the objective as data. */
  gan: Omit<CreateGanArgs, "generator" | "discriminator" | "noise" | "objective"> & {
    noise?: NoiseDistribution;
    objective?: ObjectiveSpec;
  };
  /**
   * The digits (in a layout, shuffled with a seed), or the two-digit numbers 00–99 made from them
   * (`createTwoDigitStream`; the digits in the "image" layout, the batches drawn with its seed).
   */
  data: { layout: ImageLayout; seed: number } | { source: "two-digit numbers"; seed: number };
  batches: { batchSize: number; seed: number };
  steps: number;
  /** Keep an exponential moving average of G's weights with this β (saved beside G). */
  averageDecay?: number;
}

/** What `changeJob` changes: a new name, and any fields, the game's field by field. */
export type GanJobChange = { name: string } & Partial<Omit<GanJob, "name" | "gan">> & {
    gan?: Partial<GanJob["gan"]>;
  };

/**
 * `job` with the changes in `change` (a new name always: the name keys the cache), for runs that
 * differ from another in one thing: `changeJob(run3, { name: "04-lsgan", gan: { objective } })`.
 * The game is merged field by field; every other field given replaces the job's.
 */
export function changeJob(job: GanJob, change: GanJobChange): GanJob {
  if (change.name === job.name)
    throw new Error(`changeJob: the changed job needs a new name, not ${JSON.stringify(job.name)}`);
  return { ...job, ...change, gan: { ...job.gan, ...change.gan } };
}

/** A finished job: its networks (with the cached or trained weights) and its record. */
export interface TrainedGanJob extends CachedTraining {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** The averaged generator, when the job keeps one. */
  averaged?: tf.LayersModel;
}

/**
 * Trains the job's GAN in this process with `trainGan` (and one weight-average update per step
 * when asked), or loads it from the training cache when this exact job ran before, in this
 * process or another. The cache key covers the whole job and both architectures.
 * @param onStep called after every trained step with its number.
 */
export async function runGanJob(
  job: GanJob,
  onStep?: (step: number) => void,
): Promise<TrainedGanJob> {
  assertInteger("steps", job.steps);
  const [generator, discriminator] = [buildModel(job.generator), buildModel(job.discriminator)];
  const average =
    job.averageDecay === undefined
      ? undefined
      : await createWeightAverage(generator, { decay: job.averageDecay });
  const { cacheDir, name, ...settings } = job;
  const result = await loadOrTrainGenerator({
    cacheDir,
    name,
    settings,
    generator,
    discriminator,
    averaged: average?.model,
    train: () => {
      const twoDigits = "source" in job.data;
      const data = loadMnist(twoDigits ? { layout: "image", seed: job.data.seed } : job.data);
      const batches = twoDigits
        ? createTwoDigitStream({ digits: data, ...job.batches })
        : createBatchStream(data, job.batches);
      const objective =
        job.gan.objective === undefined ? undefined : createObjective(job.gan.objective);
      const gan = createGan({ ...job.gan, objective, generator, discriminator });
      try {
        // trainGan's loop, with the weight average moved after each step.
        return trainGan({
          gan,
          batches,
          steps: job.steps,
          onStep: ({ step }) => {
            average?.update();
            onStep?.(step);
          },
        });
      } finally {
        disposeOptimizers(gan);
        tf.dispose([data.images, data.labels]);
      }
    },
  });
  return { ...result, generator, discriminator, averaged: average?.model };
}
