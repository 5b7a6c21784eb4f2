// GAN trainings (one GAN on MNIST, or a ring experiment) described as data, so that they can run in other processes. On 2 cores, two
// processes that each train with one TensorFlow thread get through about 1.8 times as many steps
// as one process with two threads (small models leave most of a second thread idle), so a
// notebook that needs several independent trainings starts them as background jobs and loads
// their results from the training cache when they are done.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { createWeightAverage } from "./averaging";
import { backendReady, tf } from "./backend";
import { loadOrTrainGenerator, type CachedTraining } from "./cache";
import { assertInteger } from "./checks";
import { createBatchStream, loadMnist, type ImageLayout } from "./data";
import { buildConditionalMlpDiscriminator, buildConditionalMlpGenerator } from "./conditional";
import {
  buildConvDiscriminator,
  buildConvGenerator,
  buildDcganDiscriminator,
  buildDcganGenerator,
} from "./conv";
import {
  buildConditionalLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildLsganDiscriminator,
  buildLsganGenerator,
} from "./lsgannets";
import { buildMlpDiscriminator, buildMlpGenerator } from "./mlp";
import type { NoiseDistribution } from "./noise";
import { createGan, disposeOptimizers, type CreateGanArgs } from "./gan";
import { createObjective, type ObjectiveSpec } from "./losses";
import { createOptimizer, type OptimizerSpec } from "./optimizer";
import { createRingMixture, type RingMixtureArgs } from "./ring";
import { runRingExperiment, type RingExperiment, type RingSettings } from "./ringexperiment";
import type { StackedGroup } from "./stacked";
import { stopOnRestart } from "./session";
import { trainGan, type StepMetrics } from "./steps";
import { createTwoDigitStream } from "./twodigits";

const BUILDERS = {
  buildMlpGenerator,
  buildMlpDiscriminator,
  buildConditionalMlpGenerator,
  buildConditionalMlpDiscriminator,
  buildConvGenerator,
  buildConvDiscriminator,
  buildDcganGenerator,
  buildDcganDiscriminator,
  buildLsganGenerator,
  buildLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildConditionalLsganDiscriminator,
};

/** A network as one of gan-kit's builders and its arguments: what another process can rebuild. */
export type ModelSpec = {
  [K in keyof typeof BUILDERS]: { builder: K; args: Parameters<(typeof BUILDERS)[K]>[0] };
}[keyof typeof BUILDERS];

/** Builds the network a ModelSpec describes. */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  const build = BUILDERS[spec.builder] as ((args: unknown) => tf.LayersModel) | undefined;
  if (build === undefined)
    throw new Error(
      `unknown builder ${JSON.stringify(spec.builder)}; use one of ${Object.keys(BUILDERS).join(", ")}`,
    );
  return build(spec.args);
}

/** One GAN training, all of it data: networks, game, data, batches, length, weight average. */
export interface GanJob {
  /** Cache folder (the project's data/) and run name, as for `loadOrTrainGenerator`. */
  cacheDir: string;
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

/** A finished job: its networks (with the cached or trained weights) and its record. */
export interface TrainedGanJob extends CachedTraining<StepMetrics> {
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
  /** Cache folder (the project's data/) and the experiment's name. */
  cacheDir: string;
  name: string;
  ring: RingMixtureArgs;
  /** One generator and one discriminator per seed. */
  generators: ModelSpec[];
  discriminators: ModelSpec[];
  /** Groups next to each other with equal optimiser specs share their optimisers (one part of the stack). */
  groups: RingJobGroup[];
  settings: RingSettings;
}

/** A job for `startBackgroundTraining`: one GAN on MNIST, or a ring experiment. */
export type TrainingJob = GanJob | RingJob;

const isRingJob = (job: TrainingJob): job is RingJob => "kind" in job && job.kind === "ring";
const stepsOf = (job: TrainingJob) => (isRingJob(job) ? job.settings.steps : job.steps);

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
      cacheDir: job.cacheDir,
      ring: createRingMixture(job.ring),
      generators,
      discriminators,
      groups,
      settings: job.settings,
      onStep,
    });
  } finally {
    [...generators, ...discriminators].forEach((m) => m.dispose());
  }
}

/** Background jobs and what they have done so far. */
export interface BackgroundTraining {
  /** Resolves when every job has trained (and cached its result); rejects with the first failure. */
  done: Promise<void>;
  /** One line per job: its name, the steps done of all, whether it waits, runs, is done or failed, and for how long. */
  status(): string[];
  /** Stops every job that still runs or waits; `done` then rejects. */
  stop(): void;
}

export interface BackgroundTrainingArgs {
  /** How many child processes train at once, each with one TensorFlow thread; default 2. */
  processes?: number;
}

const PROGRESS_EVERY = 25;
const JOBS_VARIABLE = "GAN_KIT_JOBS";

type Phase = "waiting" | "running" | "done" | "failed" | "not run";

/**
 * Starts `jobs` in `processes` child Node processes, each training with one TensorFlow thread and
 * writing its results to the training cache. Job i goes to process i mod `processes`, and each
 * process runs its jobs one after the other by itself, so that the queue moves on even while this
 * process is busy (a training loop here need not yield to the event loop). Call `runGanJob` with
 * the same job afterwards to get its networks: a finished job then loads from the cache at once
 * (and a job that could not run in the background trains in this process instead).
 */
export function startBackgroundTraining(
  jobs: TrainingJob[],
  { processes = 2 }: BackgroundTrainingArgs = {},
): BackgroundTraining {
  assertInteger("processes", processes);
  const names = jobs.map((job) => job.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined)
    throw new Error(
      `two background jobs are named ${JSON.stringify(repeated)}; give each its own name`,
    );
  const state = jobs.map((job) => ({
    job,
    steps: 0,
    phase: "waiting" as Phase,
    seconds: 0,
    started: 0,
  }));
  const children: ChildProcess[] = [];
  let stopped = false;
  const runProcess = (indices: number[]) =>
    new Promise<void>((resolve, reject) => {
      const script =
        `require(${JSON.stringify(path.join(__dirname, "index.js"))}).runGanJobsFromEnvironment()` +
        ".catch((error) => { console.error(error instanceof Error ? error.stack : error); process.exit(1); })";
      const child = spawn(process.execPath, ["-e", script], {
        env: {
          ...process.env,
          [JOBS_VARIABLE]: JSON.stringify(indices.map((i) => jobs[i])),
          TF_NUM_INTRAOP_THREADS: "1",
          TF_NUM_INTEROP_THREADS: "1",
          TF_CPP_MIN_LOG_LEVEL: "2",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let current = -1; // position in `indices` of the job the child runs
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      let buffered = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) {
          const [tag, position, value] = line.split(" ");
          const entry = state[indices[Number(position)]];
          if (entry === undefined) continue;
          if (tag === "GAN_KIT_START") {
            current = Number(position);
            Object.assign(entry, { phase: "running", started: Date.now() });
          } else if (tag === "GAN_KIT_PROGRESS") {
            entry.steps = Number(value);
          } else if (tag === "GAN_KIT_DONE") {
            Object.assign(entry, {
              phase: "done",
              steps: stepsOf(entry.job),
              seconds: Number(value),
            });
          }
        }
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (code === 0) {
          resolve();
          return;
        }
        const failed = indices[Math.max(current, 0)];
        indices.forEach((i) => {
          if (state[i].phase === "waiting" || state[i].phase === "running")
            state[i].phase = "not run";
        });
        state[failed].phase = "failed";
        state[failed].seconds =
          state[failed].started === 0 ? 0 : (Date.now() - state[failed].started) / 1000;
        reject(
          new Error(
            `background job ${jobs[failed].name} ${signal !== null ? `was stopped (${signal})` : `failed (exit status ${code})`}` +
              (stderr.trim() === "" ? "" : `:\n${stderr.trim()}`),
          ),
        );
      });
    });
  const groups = Array.from({ length: Math.min(processes, jobs.length) }, (_, p) =>
    jobs.map((_, i) => i).filter((i) => i % processes === p),
  );
  const stop = () => {
    stopped = true;
    children.forEach((child) => {
      if (child.exitCode === null) child.kill();
    });
  };
  // Children do not outlive this process, nor the notebook's run; both listeners go when the jobs end.
  process.once("exit", stop);
  const forgetStop = stopOnRestart(stop);
  const done = Promise.all(groups.map(runProcess))
    .catch((error: unknown) => {
      stop();
      throw error;
    }) // one failure stops the rest
    .then(() => {
      if (stopped) throw new Error("the background jobs were stopped");
    })
    .finally(() => {
      process.removeListener("exit", stop);
      forgetStop();
    });
  done.catch(() => undefined); // a failure is reported to whoever awaits `done`, not as an unhandled rejection
  return {
    done,
    stop,
    status: () =>
      state.map(({ job, steps, phase, seconds, started }) => {
        const time =
          phase === "running"
            ? ` (${((Date.now() - started) / 1000).toFixed(0)} s)`
            : phase === "done" || phase === "failed"
              ? ` in ${seconds.toFixed(0)} s`
              : "";
        return `${job.name}: ${steps} of ${stepsOf(job)} steps, ${phase}${time}`;
      }),
  };
}

/** The child process's side of `startBackgroundTraining`: runs its jobs in order, reporting progress. */
export async function runGanJobsFromEnvironment(): Promise<void> {
  const text = process.env[JOBS_VARIABLE];
  if (text === undefined)
    throw new Error(`${JOBS_VARIABLE} is not set: this runs inside background training only`);
  await backendReady();
  const jobs = JSON.parse(text) as TrainingJob[];
  for (const [position, job] of jobs.entries()) {
    const started = Date.now();
    process.stdout.write(`GAN_KIT_START ${position}\n`);
    const onStep = (step: number) => {
      if (step % PROGRESS_EVERY === 0)
        process.stdout.write(`GAN_KIT_PROGRESS ${position} ${step}\n`);
    };
    if (isRingJob(job)) {
      await runRingJob(job, onStep);
    } else {
      const trained = await runGanJob(job, onStep);
      trained.generator.dispose();
      trained.discriminator.dispose();
      trained.averaged?.dispose();
    }
    process.stdout.write(
      `GAN_KIT_DONE ${position} ${((Date.now() - started) / 1000).toFixed(1)}\n`,
    );
  }
}
