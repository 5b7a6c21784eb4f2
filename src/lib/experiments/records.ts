// Recorded experiments: what does not fit a notebook's 5-minute budget runs once, by one command
// (`npm run record -- <name>`), in background processes that keep checkpoints, and leaves a
// committed JSON record that the notebook loads and judges. This module holds the experiments as
// data (RECORDS), the jobs they train, and the record they leave.
import fs from "node:fs";
import path from "node:path";

import { AUTHORS_RING, type RingMixtureArgs } from "../data/ring";
import type { ModelSpec } from "../nets/specs";
import { LEAST_SQUARES, NON_SATURATING } from "../train/losses";
import { SIMULTANEOUS_UPDATES, type PlayerUpdates } from "../train/stackedgan";
import type { RingExperiment, RingRun, RingSettings } from "./ringexperiment";
import type { RingJob, RingJobGroup } from "./ringjob";

/** A ring experiment trained on fresh seeds in several replications, all of it data. */
export interface RingRecordSpec {
  name: string;
  /** One sentence: what the record is for. */
  description: string;
  ring: RingMixtureArgs;
  /** The networks of every run; `args.seed` is replaced by each run's own seed. */
  generator: ModelSpec;
  discriminator: ModelSpec;
  groups: RingJobGroup[];
  updates: PlayerUpdates;
  /** `seed` is replaced by each replication's base seed. */
  settings: RingSettings;
  /** Seeds per objective in each replication. */
  seeds: number;
  /** The base seed of each replication: G of seed s gets base + s, D base + 100 + s. */
  replications: number[];
  checkpointEvery: number;
  /** Checks whose kept points go into the record (for pictures); the others keep none. */
  pointsAt: number[];
}

const authorsAdam = (learningRate: number) =>
  ({ rule: "adam", args: { learningRate, beta1: 0.5, epsilon: 1e-8 } }) as const;
const authorsGroup = (name: string, objective: typeof NON_SATURATING): RingJobGroup => ({
  name,
  objective: objective.spec,
  generatorOptimizer: authorsAdam(1e-3),
  discriminatorOptimizer: authorsAdam(1e-4),
});
const authorsMlp = { hiddenUnits: [128, 128], activation: "tanh" as const, seed: 1 };
const orthogonal = { kind: "orthogonal" as const, gain: 1.4 };

/**
 * The LSGAN authors' ring protocol (their stability_comparison/mixture_gaussian code): MLPs of two
 * tanh layers of 128, orthogonal ×1.4 initialisation, z of 256, batch 512, Adam β₁ 0.5 with step
 * 1e-3 for G and 1e-4 for D, both players updated from the same state on the same noise batch,
 * 8 modes on the unit circle with σ 0.01 (one drawn twice as often), 35,000 steps; scored every
 * 2,500 steps on 2,500 samples. 4 seeds per objective, in two replications.
 */
export const AUTHORS_PROTOCOL: RingRecordSpec = {
  name: "07-authors",
  description: "notebook 07: the LSGAN paper's ring claim at its authors' protocol",
  ring: AUTHORS_RING,
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...authorsMlp,
      latentSize: 256,
      outputSize: 2,
      outputActivation: "linear",
      kernelInit: orthogonal,
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...authorsMlp, inputSize: 2, kernelInit: orthogonal },
  },
  groups: [authorsGroup("GAN", NON_SATURATING), authorsGroup("LSGAN", LEAST_SQUARES)],
  updates: SIMULTANEOUS_UPDATES,
  settings: {
    steps: 35000,
    batchSize: 512,
    latentSize: 256,
    seed: 1,
    checkEvery: 2500,
    checkSamples: 2500,
    recordEvery: 500,
  },
  seeds: 4,
  replications: [1, 1001],
  checkpointEvery: 2500,
  pointsAt: [15000, 35000],
};

/** The same experiment shrunk to seconds, for the record command's own tests. */
export const TINY_PROTOCOL: RingRecordSpec = {
  ...AUTHORS_PROTOCOL,
  name: "tiny",
  description: "a seconds-long ring record, for the tests of the record command",
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...authorsMlp,
      hiddenUnits: [8],
      latentSize: 4,
      outputSize: 2,
      outputActivation: "linear",
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...authorsMlp, hiddenUnits: [8], inputSize: 2 },
  },
  settings: {
    steps: 60,
    batchSize: 16,
    latentSize: 4,
    seed: 1,
    checkEvery: 10,
    checkSamples: 50,
    recordEvery: 10,
  },
  seeds: 2,
  checkpointEvery: 10,
  pointsAt: [60],
};

/** The recorded experiments, by the name `npm run record -- <name>` takes. */
export const RECORDS: Readonly<Record<string, RingRecordSpec>> = {
  [AUTHORS_PROTOCOL.name]: AUTHORS_PROTOCOL,
  [TINY_PROTOCOL.name]: TINY_PROTOCOL,
};

/** `spec` with `args.seed` set to `seed`. */
const seeded = (spec: ModelSpec, seed: number): ModelSpec =>
  ({ ...spec, args: { ...spec.args, seed } }) as ModelSpec;

/** One ring job per replication of `spec`, checkpointing into `cacheDir` (default data/). */
export function recordJobs(spec: RingRecordSpec, cacheDir?: string): RingJob[] {
  return spec.replications.map((base, i) => ({
    kind: "ring",
    name: `${spec.name}-r${i + 1}`,
    cacheDir,
    ring: spec.ring,
    generators: Array.from({ length: spec.seeds }, (_, s) => seeded(spec.generator, base + s)),
    discriminators: Array.from({ length: spec.seeds }, (_, s) =>
      seeded(spec.discriminator, base + 100 + s),
    ),
    groups: spec.groups,
    settings: { ...spec.settings, seed: base },
    updates: spec.updates,
    checkpointEvery: spec.checkpointEvery,
  }));
}

/** Where and with what a record was made. */
export interface RecordMeta {
  date: string;
  /** Wall-clock seconds of the whole command (training of all replications, in parallel). */
  seconds: number;
  machine: {
    cpu: string;
    simd: string;
    cores: number;
    memoryGib: number;
    onednnMaxCpuIsa: string | null;
  };
  code: { commit: string; uncommitted: boolean; ringCodeVersion: string; tfjs: string };
  command: string;
}

/** A finished record: the spec, every replication's runs (points only at `pointsAt`), and its making. */
export interface RingRecord extends RecordMeta {
  spec: RingRecordSpec;
  replications: Array<{ baseSeed: number; trainingSeconds: number; runs: RingRun[] }>;
}

/** The record of `spec` from its replications' experiments (in the order of `recordJobs`). */
export function makeRingRecord(
  spec: RingRecordSpec,
  experiments: RingExperiment[],
  meta: RecordMeta,
): RingRecord {
  if (experiments.length !== spec.replications.length)
    throw new Error(
      `${spec.name} has ${spec.replications.length} replications, got ${experiments.length} results`,
    );
  return {
    ...meta,
    spec,
    replications: experiments.map((e, i) => ({
      baseSeed: spec.replications[i],
      trainingSeconds: e.seconds,
      runs: e.runs.map((run) => ({
        ...run,
        checks: run.checks.map((c) => (spec.pointsAt.includes(c.step) ? c : { ...c, points: [] })),
      })),
    })),
  };
}

/** The project's records/ folder (beside notebooks/; this module is src/dist/lib/experiments/). */
export const RECORDS_DIR = path.resolve(__dirname, "..", "..", "..", "..", "records");

/**
 * The committed record `<folder>/<name>.json` that `npm run record -- <name>` wrote; a clear error
 * naming the command when it is missing.
 */
export function loadRingRecord(name: string, folder: string = RECORDS_DIR): RingRecord {
  const file = path.join(folder, `${name}.json`);
  if (!fs.existsSync(file))
    throw new Error(`no record ${file}: make it with \`npm run record -- ${name}\``);
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as RingRecord;
  if (record.spec?.name !== name)
    throw new Error(
      `${file} holds the record of ${JSON.stringify(record.spec?.name)}, not of ${name}`,
    );
  return record;
}
