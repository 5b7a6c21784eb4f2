#!/usr/bin/env node
// `npm run test:notebooks:other-isa`: nbval over the notebooks (quick mode) on a second rounding
// path. oneDNN's kernels are held one CPU class below this machine's (ONEDNN_MAX_CPU_ISA: AVX2 on
// an AVX-512 machine, which is how the AVX2 class computes; AVX on an AVX2 machine), so every
// trained number takes another path: a compared output that depends on the CPU class fails here,
// where `npm test` on this machine would pass it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { simdClass } from "./cpu.mjs";

const simd = simdClass();
const isa = simd === "AVX-512" ? "AVX2" : "AVX";
console.log(`[other-isa] ONEDNN_MAX_CPU_ISA=${isa} (this machine: ${simd})`);
// Fresh, empty caches (GAN_CACHE_DIR), so that every training and the classifier run on this path
// instead of loading what the machine's own path trained; removed afterwards.
const caches = fs.mkdtempSync(path.join(os.tmpdir(), "gan-other-isa-"));
const args = ["-m", "pytest", "--nbval", "notebooks", "-p", "no:cacheprovider"];
const result = spawnSync(".venv/bin/python", [...args, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, GAN_QUICK: "1", ONEDNN_MAX_CPU_ISA: isa, GAN_CACHE_DIR: caches },
});
fs.rmSync(caches, { recursive: true, force: true });
process.exit(result.status ?? 1);
