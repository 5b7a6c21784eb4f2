#!/usr/bin/env node
// `npm run record -- <name>`: one recorded experiment (gan-kit's RECORDS), trained in background
// processes that keep checkpoints, then written to records/<name>.json. Killed and run again, it
// goes on from each replication's last checkpoint (in data/, beside the cache entry); the record is
// written whole or not at all. Options: --cache DIR (checkpoints and results; default data/),
// --out FILE (default records/<name>.json), --every SECONDS (progress lines; default 30).
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { simdClass } from "./cpu.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const kit = require("gan-kit");
const { recordJobs, makeRingRecord } = require("gan-kit/dist/lib/experiments/records.js");
const { RECORDS } = require("gan-kit/dist/lib/protocols/records.js");
const { ganRecordJobs, readGanRun } = require("gan-kit/dist/lib/experiments/ganrecords.js");
const { ringCodeVersion } = require("gan-kit/dist/lib/experiments/ringexperiment.js");

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** The CPU's model, its widest vector extension, and whether oneDNN was held to a lower one. */
function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? "?",
    simd: simdClass(),
    cores: os.cpus().length,
    memoryGib: Math.round(os.totalmem() / 2 ** 30),
    onednnMaxCpuIsa: process.env.ONEDNN_MAX_CPU_ISA ?? null,
  };
}

function gitState() {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "HEAD"), uncommitted: git("status", "--porcelain") !== "" };
  } catch {
    return { commit: "unknown", uncommitted: true };
  }
}

const minutes = (s) => `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;

/** Prints a progress line with the time left every `every` seconds until `done` settles. */
async function follow(background, every, started) {
  let first = null; // steps done at the first report of this command (a resumed run starts late)
  const report = () => {
    const progress = background.progress();
    const done = progress.reduce((a, p) => a + p.steps, 0);
    const total = progress.reduce((a, p) => a + p.totalSteps, 0);
    const elapsed = (Date.now() - started) / 1000;
    if (first === null && done > 0) first = { done, elapsed };
    const rate =
      first === null || elapsed <= first.elapsed
        ? 0
        : (done - first.done) / (elapsed - first.elapsed);
    const eta = rate > 0 ? `, about ${minutes((total - done) / rate)} left` : "";
    const running = progress.filter((p) => p.phase === "running");
    const finished = progress.filter((p) => p.phase === "done").length;
    const each = running.map((p) => `${p.name} ${p.steps}/${p.totalSteps}`).join(", ");
    console.log(
      `[record] ${minutes(elapsed)}: ${finished} of ${progress.length} jobs done; ${each} ` +
        `(${((100 * done) / total).toFixed(0)} %${eta})`,
    );
  };
  const timer = setInterval(report, every * 1000);
  try {
    await background.done;
  } finally {
    clearInterval(timer);
  }
  report();
}

/** Writes `record` to `out` whole: a temporary file renamed over it when complete. */
function writeRecord(out, record) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  fs.writeFileSync(partial, `${JSON.stringify(record)}\n`);
  fs.renameSync(partial, out);
}

const meta = (started, code) => ({
  date: new Date().toISOString().slice(0, 10),
  seconds: (Date.now() - started) / 1000,
  machine: machine(),
  code: { ...gitState(), ...code, tfjs: kit.tf.version.tfjs },
  command: `npm run record -- ${process.argv.slice(2).join(" ")}`,
});

/** A ring record: its replications as stacks, then each loaded from the cache. */
async function recordRing(spec, cacheDir, every, started) {
  const jobs = recordJobs(spec, cacheDir);
  console.log(
    `[record] ${spec.name}: ${spec.description}; ${spec.replications.length} replications` +
      (spec.rows === undefined ? "" : ` × ${spec.rows.length} rows`) +
      ` of ${spec.seeds} seeds × ${spec.groups.length} groups, ${spec.settings.steps} steps each`,
  );
  await follow(
    kit.startBackgroundTraining(jobs, { processes: Math.min(2, jobs.length) }),
    every,
    started,
  );
  const experiments = [];
  for (const job of jobs) experiments.push(await kit.runRingJob(job)); // from the cache now
  return makeRingRecord(spec, experiments, meta(started, { ringCodeVersion: ringCodeVersion() }));
}

/** A GAN record: every job in the background, then each loaded and read by the classifier. */
async function recordGan(spec, cacheDir, every, started) {
  const parts = ganRecordJobs(spec);
  const jobs = parts.map((p) => ({ ...p.job, cacheDir }));
  console.log(
    `[record] ${spec.name}: ${spec.description}; ${spec.replications.length} replications, ` +
      `${jobs.length} GANs`,
  );
  await follow(kit.startBackgroundTraining(jobs, { processes: 2 }), every, started);
  const classifier = await kit.loadOrTrainDigitClassifier();
  const heldOut = kit.loadHeldOutDigits();
  const runs = [];
  for (const [i, part] of parts.entries()) {
    const trained = await kit.runGanJob(jobs[i]); // from the cache now
    const replication = 1 + spec.replications.findIndex((r) => r.jobs.includes(part));
    const reading = readGanRun(spec, part, trained.generator, classifier.model, heldOut);
    const { design, seed } = part;
    runs.push({
      name: jobs[i].name,
      replication,
      design,
      seed,
      seconds: trained.seconds,
      ...reading,
    });
    [trained.generator, trained.discriminator, trained.averaged].forEach((m) => m?.dispose());
  }
  heldOut.dispose();
  classifier.model.dispose();
  const code = { trainingCodeVersion: kit.trainingCodeVersion() };
  return { ...meta(started, code), spec, runs };
}

async function main() {
  const name = process.argv[2];
  const spec = RECORDS[name];
  if (spec === undefined)
    throw new Error(
      `no recorded experiment ${JSON.stringify(name)}; use one of ${Object.keys(RECORDS).join(", ")}`,
    );
  const cacheDir = option("cache", undefined);
  const out = path.resolve(option("out", path.join(root, "records", `${name}.json`)));
  const every = Number(option("every", "30"));
  await kit.backendReady();
  const started = Date.now();
  const record =
    spec.kind === "gan"
      ? await recordGan(spec, cacheDir, every, started)
      : await recordRing(spec, cacheDir, every, started);
  writeRecord(out, record);
  console.log(
    `[record] ${name} written to ${path.relative(root, out)} after ${minutes(record.seconds)}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
