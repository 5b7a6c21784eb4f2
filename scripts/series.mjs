#!/usr/bin/env node
// `npm run series`: the main job, timed for the record. Times the set-up on its own, runs every
// notebook at full settings (as `npm start` does), writes bench/series.json (seconds per notebook
// and in all, date, machine, whether data/ was empty at the start) and regenerates the README's
// main-job table from it (bench/series-avx2.json and its own table on the AVX2 class, or with
// ONEDNN_MAX_CPU_ISA=AVX2). `npm run series -- --table-only` only regenerates the tables.
//
// For the figure the README promises, run it in a fresh clone with an empty data/.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { computeClass } from "./cpu.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const readmePath = path.join(root, "README.md");

/**
 * Each CPU class keeps its own record and README table: AVX-512 in bench/series.json, AVX2 (a
 * machine without AVX-512, or one whose oneDNN is held to AVX2 by ONEDNN_MAX_CPU_ISA) in
 * bench/series-avx2.json.
 */
const CLASSES = {
  avx512: { file: "series.json", block: "series-table" },
  avx2: { file: "series-avx2.json", block: "series-avx2-table" },
};
const recordOf = (cls) => path.join(root, "bench", CLASSES[cls].file);
const markers = (cls) => [
  `<!-- ${CLASSES[cls].block}:start (generated from bench/${CLASSES[cls].file} by npm run series) -->`,
  `<!-- ${CLASSES[cls].block}:end -->`,
];

function runTimed(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error) throw result.error;
  return { status: result.status ?? 1, seconds };
}

/** The README's table of the main job, from a series record. */
export function seriesTable(record, file = "series.json") {
  const minutes = (s) =>
    `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;
  const lines = [
    "| notebook | seconds | status |",
    "|---|---:|---|",
    ...record.notebooks.map((n) => `| ${n.notebook} | ${n.seconds.toFixed(0)} | ${n.status} |`),
    `| **all notebooks** | **${record.notebooks_seconds.toFixed(0)}** (${minutes(record.notebooks_seconds)}) | |`,
  ];
  if (record.setup_seconds !== null)
    lines.push(
      `| set-up (\`node scripts/setup.mjs\`, before the notebooks) | ${record.setup_seconds.toFixed(0)} | |`,
    );
  const caches = record.caches_empty_at_start
    ? "empty caches (no trained model in `data/`)"
    : "caches in `data/` present (trainings loaded, not run)";
  return [
    `Measured ${record.date} on ${record.machine.cores} cores (${record.machine.cpu}` +
      `${record.machine.onednn_max_cpu_isa ? `, oneDNN held to ${record.machine.onednn_max_cpu_isa}` : ""}), ` +
      `${record.machine.memory_gib} GiB, ` +
      `${record.settings} settings, ${caches}; from [bench/${file}](bench/${file}).`,
    "",
    ...lines,
  ].join("\n");
}

function writeTable(cls) {
  const record = JSON.parse(fs.readFileSync(recordOf(cls), "utf8"));
  const [START, END] = markers(cls);
  const readme = fs.readFileSync(readmePath, "utf8");
  const [start, end] = [readme.indexOf(START), readme.indexOf(END)];
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block to fill`);
  fs.writeFileSync(
    readmePath,
    `${readme.slice(0, start + START.length)}\n${seriesTable(record, CLASSES[cls].file)}\n${readme.slice(end)}`,
  );
  console.log(`[series] README.md: main-job table regenerated from bench/${CLASSES[cls].file}`);
}

function main() {
  if (process.argv.includes("--table-only")) {
    Object.keys(CLASSES).forEach((cls) => fs.existsSync(recordOf(cls)) && writeTable(cls));
    return 0;
  }
  const cls = computeClass();
  const recordPath = recordOf(cls);
  const setup = runTimed(process.execPath, [path.join(root, "scripts", "setup.mjs")]);
  if (setup.status !== 0) return setup.status;
  console.log(`[series] set-up took ${setup.seconds.toFixed(1)} s`);
  const job = runTimed(path.join(root, ".venv", "bin", "python"), [
    path.join(root, "scripts", "run_notebooks.py"),
    "--record",
    recordPath,
    "--setup-seconds",
    setup.seconds.toFixed(1),
    // e.g. `npm run series -- --in-place` also refreshes the committed notebooks
    ...process.argv.slice(2).filter((arg) => arg !== "--table-only"),
  ]);
  if (fs.existsSync(recordPath)) writeTable(cls);
  return job.status;
}

process.exit(main());
