// Background trainings: jobs (jobs.ts) run in child Node processes, each with one TensorFlow
// thread, reporting progress by lines on stdout; the child's side is `runGanJobsFromEnvironment`,
// started by the entry file worker.ts. On 2 cores, two such processes get through about 1.8 times
// as many steps as one process with two threads (small models leave most of a second thread
// idle), so a notebook with several independent trainings starts them here and loads their
// results from the training cache when they are done.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { backendReady } from "../core/backend";
import { assertInteger } from "../core/checks";
import { stopOnRestart } from "../notebook/session";
import { runGanJob, type GanJob } from "./jobs";
import { runRingJob, type RingJob } from "./ringjob";

/** A job for `startBackgroundTraining`: one GAN on MNIST, or a ring experiment. */
export type TrainingJob = GanJob | RingJob;

/** Whether `job` is a ring experiment (else one GAN on MNIST). */
const isRingJob = (job: TrainingJob): job is RingJob => "kind" in job && job.kind === "ring";
/** The number of training steps of `job`. */
const stepsOf = (job: TrainingJob) => (isRingJob(job) ? job.settings.steps : job.steps);

/** Background jobs and what they have done so far. */
export interface BackgroundTraining {
  /** Resolves when every job has trained (and cached its result); rejects with the first failure. */
  done: Promise<void>;
  /** One line per job: its name, the steps done of all, whether it waits, runs, is done or failed, and for how long. */
  status(): string[];
  /** The same as numbers, e.g. for a progress line with an estimate of the time left. */
  progress(): JobProgress[];
  /** Stops every job that still runs or waits; `done` then rejects. */
  stop(): void;
}

/** Where one background job stands. */
export interface JobProgress {
  name: string;
  /** Steps done (reported every PROGRESS_EVERY steps) of `totalSteps`. */
  steps: number;
  totalSteps: number;
  phase: JobPhase;
  /** Seconds it has run so far, or took. */
  seconds: number;
}

export interface BackgroundTrainingArgs {
  /** How many child processes train at once, each with one TensorFlow thread; default 2. */
  processes?: number;
}

const PROGRESS_EVERY = 25;
const JOBS_VARIABLE = "GAN_KIT_JOBS";

export type JobPhase = "waiting" | "running" | "done" | "failed" | "not run";

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
    phase: "waiting" as JobPhase,
    seconds: 0,
    started: 0,
  }));
  const children: ChildProcess[] = [];
  let stopped = false;
  const runProcess = (indices: number[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(__dirname, "worker.js")], {
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
    progress: () =>
      state.map(({ job, steps, phase, seconds, started }) => ({
        name: job.name,
        steps,
        totalSteps: stepsOf(job),
        phase,
        seconds: phase === "running" ? (Date.now() - started) / 1000 : seconds,
      })),
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
