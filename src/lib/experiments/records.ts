// Recorded experiments: what does not fit a notebook's 5-minute budget runs once, by one command
// (`npm run record -- <name>`), in background processes that keep checkpoints, and leaves a
// committed JSON record that the notebook loads and judges. This module holds what a record is:
// its spec, the jobs it trains, and the record it leaves; the experiments are in ../protocols/.
import fs from "node:fs";
import path from "node:path";

import type { RingMixtureArgs } from "../data/ring";
import type { ModelSpec } from "../nets/specs";
import type { PlayerUpdates } from "../train/stackedgan";
import type { RingExperiment, RingRun, RingSettings } from "./ringexperiment";
import { describeRingJob, type RingJob, type RingJobGroup } from "./ringjob";

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
  return recordParts(spec).map(({ baseSeed: base, row }) =>
    describeRingJob({
      name: `${spec.name}-r${spec.replications.indexOf(base) + 1}${row === undefined ? "" : `-${slug(row.name)}`}`,
      cacheDir,
      ring: spec.ring,
      generator: row?.generator ?? spec.generator,
      discriminator: row?.discriminator ?? spec.discriminator,
      groups: spec.groups,
      settings: { ...spec.settings, seed: base },
      seeds: spec.seeds,
      updates: spec.updates,
      checkpointEvery: spec.checkpointEvery,
    }),
  );
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
  /** The commit, and the hash of the code that trained: the ring's or the GAN jobs'. */
  code: {
    commit: string;
    uncommitted: boolean;
    ringCodeVersion?: string;
    trainingCodeVersion?: string;
    tfjs: string;
  };
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
