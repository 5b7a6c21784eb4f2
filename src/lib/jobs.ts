// GAN trainings described as data, so that they can run in other processes. On 2 cores, two
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
import {
  buildConditionalMlpDiscriminator, buildConditionalMlpGenerator, buildConvDiscriminator, buildConvGenerator,
  buildDcganDiscriminator, buildDcganGenerator, buildMlpDiscriminator, buildMlpGenerator,
} from "./models";
import type { NoiseDistribution } from "./noise";
import { createGan, trainStep, type CreateGanArgs, type StepMetrics } from "./training";

const BUILDERS = {
  buildMlpGenerator, buildMlpDiscriminator, buildConditionalMlpGenerator, buildConditionalMlpDiscriminator,
  buildConvGenerator, buildConvDiscriminator, buildDcganGenerator, buildDcganDiscriminator,
};

/** A network as one of gan-kit's builders and its arguments: what another process can rebuild. */
export type ModelSpec = { [K in keyof typeof BUILDERS]: { builder: K; args: Parameters<(typeof BUILDERS)[K]>[0] } }[keyof typeof BUILDERS];

/** Builds the network a ModelSpec describes. */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  const build = BUILDERS[spec.builder] as ((args: unknown) => tf.LayersModel) | undefined;
  if (build === undefined) throw new Error(`unknown builder ${JSON.stringify(spec.builder)}; use one of ${Object.keys(BUILDERS).join(", ")}`);
  return build(spec.args);
}

/** One GAN training, all of it data: networks, game, data, batches, length, weight average. */
export interface GanJob {
  /** Cache folder (the project's data/) and run name, as for `loadOrTrainGenerator`. */
  cacheDir: string;
  name: string;
  generator: ModelSpec;
  discriminator: ModelSpec;
  /** `createGan`'s arguments besides the networks; the noise as a distribution. */
  gan: Omit<CreateGanArgs, "generator" | "discriminator" | "noise"> & { noise?: NoiseDistribution };
  data: { layout: ImageLayout; seed: number };
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
 * Trains the job's GAN in this process, one `trainStep` per step (and one weight-average update
 * when asked), or loads it from the training cache when this exact job ran before, in this
 * process or another. The cache key covers the whole job and both architectures.
 * @param onStep called after every trained step with its number.
 */
export async function runGanJob(job: GanJob, onStep?: (step: number) => void): Promise<TrainedGanJob> {
  assertInteger("steps", job.steps);
  const [generator, discriminator] = [buildModel(job.generator), buildModel(job.discriminator)];
  const average = job.averageDecay === undefined ? undefined : await createWeightAverage(generator, { decay: job.averageDecay });
  const { cacheDir, name, ...settings } = job;
  const result = await loadOrTrainGenerator({
    cacheDir, name, settings, generator, discriminator, averaged: average?.model,
    train: () => {
      const data = loadMnist(job.data);
      const batches = createBatchStream(data, job.batches);
      const gan = createGan({ ...job.gan, generator, discriminator });
      const history: StepMetrics[] = [];
      try {
        for (let step = 1; step <= job.steps; step++) {
          history.push({ step, ...trainStep(gan, batches) });
          average?.update();
          onStep?.(step);
        }
      } finally {
        gan.generatorOptimizer.dispose();
        gan.discriminatorOptimizer.dispose();
        tf.dispose([data.images, data.labels]);
      }
      return history;
    },
  });
  return { ...result, generator, discriminator, averaged: average?.model };
}

/** Background jobs and what they have done so far. */
export interface BackgroundTraining {
  /** Resolves when every job has trained (and cached its result); rejects with the first failure. */
  done: Promise<void>;
  /** One line per job: its name, the steps done of all, and whether it waits, runs, is done or failed. */
  status(): string[];
  /** Stops every job that still runs or waits; `done` then rejects. */
  stop(): void;
}

export interface BackgroundTrainingArgs {
  /** How many jobs run at once, each in its own process with one TensorFlow thread; default 2. */
  processes?: number;
}

const PROGRESS_EVERY = 25;
const JOB_VARIABLE = "GAN_KIT_JOB";

/**
 * Starts `jobs` in child Node processes, at most `processes` at a time, each training with one
 * TensorFlow thread and writing its result to the training cache. Call `runGanJob` with the same
 * job afterwards to get its networks: a finished job then loads from the cache at once (and a job
 * that could not run in the background trains in this process instead).
 */
export function startBackgroundTraining(jobs: GanJob[], { processes = 2 }: BackgroundTrainingArgs = {}): BackgroundTraining {
  assertInteger("processes", processes);
  const names = jobs.map((job) => job.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`two background jobs are named ${JSON.stringify(repeated)}; give each its own name`);
  const state = jobs.map((job) => ({ job, steps: 0, phase: "waiting" as "waiting" | "running" | "done" | "failed" | "stopped", child: null as ChildProcess | null }));
  let stopped = false;
  const runOne = (entry: (typeof state)[number]) => new Promise<void>((resolve, reject) => {
    if (stopped) {
      entry.phase = "stopped";
      resolve();
      return;
    }
    entry.phase = "running";
    const script = `require(${JSON.stringify(path.join(__dirname, "index.js"))}).runGanJobFromEnvironment()`
      + ".catch((error) => { console.error(error instanceof Error ? error.stack : error); process.exit(1); })";
    const child = spawn(process.execPath, ["-e", script], {
      env: { ...process.env, [JOB_VARIABLE]: JSON.stringify(entry.job), TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1", TF_CPP_MIN_LOG_LEVEL: "2" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    entry.child = child;
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = /^GAN_KIT_PROGRESS (\d+)$/.exec(line);
        if (match !== null) entry.steps = Number(match[1]);
      }
    });
    child.on("error", (error) => { entry.phase = "failed"; reject(error); });
    child.on("exit", (code, signal) => {
      entry.child = null;
      if (code === 0) {
        entry.phase = "done";
        entry.steps = entry.job.steps;
        resolve();
      } else {
        entry.phase = stopped ? "stopped" : "failed";
        reject(new Error(`background job ${entry.job.name} ${signal !== null ? `was stopped (${signal})` : `failed (exit status ${code})`}`
          + (stderr.trim() === "" ? "" : `:\n${stderr.trim()}`)));
      }
    });
  });
  const queue = [...state];
  const worker = async () => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) await runOne(entry);
  };
  const done = Promise.all(Array.from({ length: Math.min(processes, jobs.length) }, worker)).then(() => {
    if (stopped) throw new Error("the background jobs were stopped");
  });
  const stop = () => {
    stopped = true;
    state.forEach((entry) => entry.child?.kill());
  };
  process.once("exit", stop);
  done.catch(() => stop());  // one failure stops the rest; the caller sees the first error
  return {
    done,
    stop,
    status: () => state.map(({ job, steps, phase }) => `${job.name}: ${steps} of ${job.steps} steps, ${phase}`),
  };
}

/** The child process's side of `startBackgroundTraining`: runs the job in the environment, reports progress. */
export async function runGanJobFromEnvironment(): Promise<void> {
  const text = process.env[JOB_VARIABLE];
  if (text === undefined) throw new Error(`${JOB_VARIABLE} is not set: this runs inside a background job only`);
  await backendReady();
  const job = JSON.parse(text) as GanJob;
  const trained = await runGanJob(job, (step) => {
    if (step % PROGRESS_EVERY === 0) process.stdout.write(`GAN_KIT_PROGRESS ${step}\n`);
  });
  trained.generator.dispose();
  trained.discriminator.dispose();
  trained.averaged?.dispose();
}
