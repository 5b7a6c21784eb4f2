// Recorded experiments: what does not fit a notebook's 5-minute budget runs once, by one command
// (`npm run record -- <name>`), in background processes that keep checkpoints, and leaves a
// committed JSON record that the notebook loads and judges. This module holds the experiments as
// data (RECORDS), the jobs they train, and the record they leave.
import fs from "node:fs";
import path from "node:path";

import { AUTHORS_RING, type RingMixtureArgs } from "../data/ring";
import type { ModelSpec } from "../nets/specs";
import { LEAST_SQUARES, NON_SATURATING } from "../train/losses";
import { ALTERNATING_UPDATES, SIMULTANEOUS_UPDATES, type PlayerUpdates } from "../train/stackedgan";
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
  /**
   * Variants of the networks (e.g. where BatchNorm goes), each trained in every replication with
   * every group; none: `generator` and `discriminator` alone.
   */
  rows?: RingRecordRow[];
}

/** One variant of a record's networks: its name and its G and D (seeds set per run). */
export interface RingRecordRow {
  name: string;
  generator: ModelSpec;
  discriminator: ModelSpec;
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

const gridAdam = (learningRate: number) =>
  ({ rule: "adam", args: { learningRate, beta1: 0.5, epsilon: 1e-8 } }) as const;
const gridRmsprop = (learningRate: number) =>
  ({ rule: "rmsprop", args: { learningRate } }) as const;
const gridGroup = (
  name: string,
  objective: typeof NON_SATURATING,
  optimizer: typeof gridAdam | typeof gridRmsprop,
): RingJobGroup => ({
  name,
  objective: objective.spec,
  generatorOptimizer: optimizer(5e-3),
  discriminatorOptimizer: optimizer(5e-4),
});
const gridLayers = { hiddenUnits: [128, 128], activation: "tanh" as const, kernelInit: orthogonal };
/** Notebook 07's MLPs, with BatchNorm in G, in D (every hidden layer but D's first), or both. */
const gridRow = (name: string, inG: boolean, inD: boolean): RingRecordRow => ({
  name,
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...gridLayers,
      latentSize: 256,
      outputSize: 2,
      outputActivation: "linear",
      batchNorm: inG,
      seed: 1,
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...gridLayers, inputSize: 2, batchNorm: inD, seed: 1 },
  },
});

/**
 * Notebook 07's BatchNorm × optimiser grid at the notebook's own protocol (its ring of radius 2
 * and σ 0.02, batch 128, step sizes 5e-3 for G and 5e-4 for D, 2,500 alternating steps), with
 * four rows: no BatchNorm (the control), BatchNorm in D only and none at all (the LSGAN authors'
 * `BN_G` and `BN_GD` as their code runs them), in G, and in G and D (the source post's reading);
 * each with the regular GAN and LSGAN under Adam and under RMSProp; 8 seeds per cell, in two
 * replications. The average of each generator's weights (β 0.99) is scored beside it.
 */
export const GRID_PROTOCOL: RingRecordSpec = {
  name: "07-grid",
  description: "notebook 07: the source post's BatchNorm × optimiser observations, four rows",
  ring: { modes: 8, radius: 2, sd: 0.02 },
  generator: gridRow("none", false, false).generator,
  discriminator: gridRow("none", false, false).discriminator,
  rows: [
    gridRow("none", false, false),
    gridRow("D", false, true),
    gridRow("G", true, false),
    gridRow("G and D", true, true),
  ],
  groups: [
    gridGroup("GAN, Adam", NON_SATURATING, gridAdam),
    gridGroup("LSGAN, Adam", LEAST_SQUARES, gridAdam),
    gridGroup("GAN, RMSProp", NON_SATURATING, gridRmsprop),
    gridGroup("LSGAN, RMSProp", LEAST_SQUARES, gridRmsprop),
  ],
  updates: ALTERNATING_UPDATES,
  settings: {
    steps: 2500,
    batchSize: 128,
    latentSize: 256,
    seed: 1,
    checkEvery: 250,
    checkSamples: 2500,
    recordEvery: 100,
    averageDecay: 0.99,
  },
  seeds: 8,
  replications: [7001, 8001],
  checkpointEvery: 500,
  pointsAt: [],
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
  [GRID_PROTOCOL.name]: GRID_PROTOCOL,
  [TINY_PROTOCOL.name]: TINY_PROTOCOL,
};

/** `spec` with `args.seed` set to `seed`. */
const seeded = (spec: ModelSpec, seed: number): ModelSpec =>
  ({ ...spec, args: { ...spec.args, seed } }) as ModelSpec;

/** A row's name as part of a file name ("G and D" → "g-and-d"). */
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** The (replication, row) pairs of `spec`, in the order of `recordJobs`: rows within replications. */
export function recordParts(
  spec: RingRecordSpec,
): Array<{ baseSeed: number; row?: RingRecordRow }> {
  return spec.replications.flatMap((baseSeed) =>
    spec.rows === undefined ? [{ baseSeed }] : spec.rows.map((row) => ({ baseSeed, row })),
  );
}

/**
 * One ring job per replication (and row) of `spec`, checkpointing into `cacheDir` (default
 * data/). Every row of a replication uses the same seeds: rows differ only in their networks.
 */
export function recordJobs(spec: RingRecordSpec, cacheDir?: string): RingJob[] {
  return recordParts(spec).map(({ baseSeed: base, row }) => {
    const i = spec.replications.indexOf(base);
    const [generator, discriminator] =
      row === undefined ? [spec.generator, spec.discriminator] : [row.generator, row.discriminator];
    return {
      kind: "ring",
      name: `${spec.name}-r${i + 1}${row === undefined ? "" : `-${slug(row.name)}`}`,
      cacheDir,
      ring: spec.ring,
      generators: Array.from({ length: spec.seeds }, (_, s) => seeded(generator, base + s)),
      discriminators: Array.from({ length: spec.seeds }, (_, s) =>
        seeded(discriminator, base + 100 + s),
      ),
      groups: spec.groups,
      settings: { ...spec.settings, seed: base },
      updates: spec.updates,
      checkpointEvery: spec.checkpointEvery,
    };
  });
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
  /** One entry per replication, or per replication and row when the spec has rows. */
  replications: Array<{ baseSeed: number; row?: string; trainingSeconds: number; runs: RingRun[] }>;
}

/** The record of `spec` from its replications' experiments (in the order of `recordJobs`). */
export function makeRingRecord(
  spec: RingRecordSpec,
  experiments: RingExperiment[],
  meta: RecordMeta,
): RingRecord {
  const parts = recordParts(spec);
  if (experiments.length !== parts.length)
    throw new Error(
      `${spec.name} has ${parts.length} replications and rows, got ${experiments.length} results`,
    );
  return {
    ...meta,
    spec,
    replications: experiments.map((e, i) => ({
      baseSeed: parts[i].baseSeed,
      ...(parts[i].row === undefined ? {} : { row: parts[i].row!.name }),
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
