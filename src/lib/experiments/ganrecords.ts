// Recorded experiments of GANs on MNIST (notebook 08's comparisons): every replication's jobs,
// trained in background processes (a finished job stays in the training cache, so a killed record
// goes on from the jobs it finished and loses at most the ones under way), then read by the digit
// classifier and written whole as a committed JSON record.
import fs from "node:fs";
import path from "node:path";

import { tf } from "../core/backend";
import { frechetDigitDistance } from "../measure/frechet";
import { confidentShare, countPredictedDigits, scoreTwoDigitNumbers } from "../measure/scores";
import { generateImages } from "../train/sampling";
import type { GanJob } from "./jobs";
import { RECORDS_DIR, type RecordMeta } from "./records";

/** One job of a GAN record, with what tells it apart (its design) and how it is read. */
export interface GanRecordJob {
  job: GanJob;
  /** The job's place in the comparison, e.g. { objective: "LS", update: "one" }. */
  design: Record<string, string>;
  /** Index of the seed within its design, 0 … seeds − 1. */
  seed: number;
  /** "digits": 1,000 samples read as digits; "numbers": every two-digit number asked for. */
  reading: "digits" | "numbers";
}

/** A GAN experiment in several replications on fresh seeds, all of it data. */
export interface GanRecordSpec {
  kind: "gan";
  name: string;
  /** One sentence: what the record is for. */
  description: string;
  replications: Array<{ baseSeed: number; jobs: GanRecordJob[] }>;
  /** The noise every generator is read on (the same for every run), and the numbers asked for. */
  reading: { samples: number; latentSize: number; noiseSeed: number; perNumber: number };
}

/** What the classifier reads in one run's samples. */
export interface GanRunReading {
  /** "digits": confident share, digit counts and the Fréchet distance to held-out digits. */
  confident?: number;
  counts?: number[];
  frechet?: number;
  /** "numbers": shares of numbers, tens and units read right. */
  overall?: number;
  tens?: number;
  units?: number;
}

/** One run of a GAN record. */
export interface GanRecordRun extends GanRunReading {
  name: string;
  replication: number;
  design: Record<string, string>;
  seed: number;
  /** Seconds its training took. */
  seconds: number;
}

export interface GanRecord extends RecordMeta {
  spec: GanRecordSpec;
  runs: GanRecordRun[];
}

/**
 * Reads a trained generator with the digit classifier as `job.reading` says: on
 * `spec.reading.samples` noise vectors (seeded) for digits, or on every number 00–99 asked
 * `perNumber` times for two-digit numbers. `heldOut` are the real digits the Fréchet distance
 * compares with.
 */
export function readGanRun(
  spec: GanRecordSpec,
  job: GanRecordJob,
  generator: tf.LayersModel,
  classifier: tf.LayersModel,
  heldOut: tf.Tensor,
): GanRunReading {
  const { samples, latentSize, noiseSeed, perNumber } = spec.reading;
  if (job.reading === "digits") {
    const noise = tf.randomNormal([samples, latentSize], 0, 1, "float32", noiseSeed);
    const images = generateImages(generator, noise as tf.Tensor2D);
    try {
      return {
        confident: confidentShare(classifier, images),
        counts: countPredictedDigits(classifier, images),
        frechet: frechetDigitDistance(classifier, images, heldOut),
      };
    } finally {
      tf.dispose([noise, images]);
    }
  }
  const asked = Array.from({ length: 100 * perNumber }, (_, i) => i % 100);
  const noise = tf.randomNormal([asked.length, latentSize], 0, 1, "float32", noiseSeed + 1);
  const images = generateImages(generator, noise as tf.Tensor2D, asked);
  try {
    const { overall, tens, units } = scoreTwoDigitNumbers(classifier, images, asked);
    return { overall, tens, units };
  } finally {
    tf.dispose([noise, images]);
  }
}

/** Every job of `spec`, in order: replication by replication. */
export function ganRecordJobs(spec: GanRecordSpec): GanRecordJob[] {
  return spec.replications.flatMap((r) => r.jobs);
}

/** The committed record `<folder>/<name>.json`; a clear error naming the command when missing. */
export function loadGanRecord(name: string, folder: string = RECORDS_DIR): GanRecord {
  const file = path.join(folder, `${name}.json`);
  if (!fs.existsSync(file))
    throw new Error(`no record ${file}: make it with \`npm run record -- ${name}\``);
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as GanRecord;
  if (record.spec?.name !== name || record.spec.kind !== "gan")
    throw new Error(`${file} holds no GAN record of ${name}`);
  return record;
}
