#!/usr/bin/env node
// `npm run bench`: times one GAN training step (a D update then a G update) with gan-kit on
// tfjs-node and, in the same run, the identical models in PyTorch CPU, for three models: the MLP
// GAN of notebook 01, the seed-post DCGAN (both batch 64) and the LSGAN paper's mixture-of-Gaussians
// GAN ("ring": 2-D points on a circle, batch 512). The two frameworks are timed ALTERNATELY, repeat
// by repeat (tfjs repeat 1, PyTorch repeat 1, tfjs repeat 2, ...), with PyTorch as one long-lived
// child process (bench/torch_step.py), so that a machine whose speed drifts slows both alike; the
// ratio is reported both as the ratio of the medians and as the median of the per-repeat ratios.
// Also: the machine's FP32 sgemm throughput, each model's achieved GFLOP/s as a share of it, the
// native TensorFlow ops of one step (calls and time), kernel start + helper import time, and
// memory after 1,000 steps; and the same steps on the wasm fallback backend (in a child process
// with GAN_BACKEND=wasm). Prints a table and writes the same figures to bench/latest.json
// (bench/latest-avx2.json on the AVX2 class: `npm run bench:avx2` holds oneDNN and PyTorch to AVX2).
//
// `node bench/run.mjs --smoke` (or BENCH_SMOKE=1) checks the script itself in seconds: warm-up 1,
// 2 repeats of 2 steps per model, no wasm child, memory test or kernel start, written to
// bench/smoke.json instead of bench/latest.json.
//
// PyTorch comes from bench/requirements.txt in .venv-bench (created here on first use); if it
// cannot be installed, the PyTorch columns are skipped and the run says so.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import { computeClass } from "../scripts/cpu.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kit = require("gan-kit");
// The engine hook that startNotebook() turns on: plumbing, not on gan-kit's door.
const { followTensors } = require("gan-kit/dist/lib/core/tracking.js");
const { tf } = kit;

const SMOKE = process.argv.includes("--smoke") || process.env.BENCH_SMOKE === "1";
// Each CPU class keeps its own record (scripts/cpu.mjs): AVX-512 in latest.json, AVX2 (a CPU
// without AVX-512, or oneDNN held to AVX2 by ONEDNN_MAX_CPU_ISA) in latest-avx2.json.
const CLASS = computeClass();
const OUTPUT = path.join(
  "bench",
  SMOKE ? "smoke.json" : CLASS === "avx512" ? "latest.json" : "latest-avx2.json",
);
// PyTorch held to the same class as TensorFlow: its own kernels by ATEN_CPU_CAPABILITY, MKL's by
// MKL_ENABLE_INSTRUCTIONS (its bundled oneDNN reads ONEDNN_MAX_CPU_ISA itself).
const TORCH_ENV =
  CLASS === "avx2" && process.env.ONEDNN_MAX_CPU_ISA
    ? { ATEN_CPU_CAPABILITY: "avx2", MKL_ENABLE_INSTRUCTIONS: "AVX2", ...process.env }
    : process.env;

const LATENT = 96;
/** Per model: warm-up steps, timed repeats (each alternated with a PyTorch repeat), steps per repeat. */
const FULL_PLAN = {
  mlp: { warmup: 10, repeats: 7, steps: 30 },
  dcgan: { warmup: 3, repeats: 5, steps: 6 },
  ring: { warmup: 5, repeats: 7, steps: 20 },
};
/** The wasm fallback is several times slower: fewer repeats, enough to rank it. */
const FULL_WASM_PLAN = {
  mlp: { warmup: 3, repeats: 3, steps: 5 },
  dcgan: { warmup: 1, repeats: 2, steps: 2 },
  ring: { warmup: 2, repeats: 3, steps: 5 },
};
const smokePlan = (plan) =>
  Object.fromEntries(Object.keys(plan).map((name) => [name, { warmup: 1, repeats: 2, steps: 2 }]));
const PLAN = SMOKE ? smokePlan(FULL_PLAN) : FULL_PLAN;
const WASM_PLAN = SMOKE ? smokePlan(FULL_WASM_PLAN) : FULL_WASM_PLAN;
/** Steps whose native ops are counted, per model (the profile reports the mean per step). */
const PROFILE_STEPS = SMOKE ? 1 : 3;

/** Median: the middle value, or the mean of the two middle values (as Python's statistics.median). */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const summary = (runs) => ({
  median_ms: median(runs),
  min_ms: Math.min(...runs),
  max_ms: Math.max(...runs),
  runs,
});

/** Forward FLOPs per sample of the dense and conv layers of a model (the rest is negligible). */
function forwardFlops(model) {
  let flops = 0;
  for (const layer of model.layers) {
    const type = layer.getClassName();
    const config = layer.getConfig();
    if (type === "Dense") {
      flops += 2 * layer.input.shape.at(-1) * config.units;
    } else if (type === "Conv2D") {
      const [, h, w, c] = layer.output.shape;
      flops += 2 * config.kernelSize[0] * config.kernelSize[1] * layer.input.shape[3] * c * h * w;
    } else if (type === "Conv2DTranspose") {
      const [, h, w, cin] = layer.input.shape;
      flops += 2 * config.kernelSize[0] * config.kernelSize[1] * cin * config.filters * h * w;
    }
  }
  return flops;
}

/**
 * FLOPs of one training step, estimated as 4·G + 8·D forward passes per sample: the D update runs
 * G forward, D forward on real and fake, and D backward (≈ 2× forward) on both; the G update runs
 * G and D forward, back-propagates through D (≈ 1×, input gradients) and G (≈ 2×).
 */
function stepFlops(gan, batch) {
  return batch * (4 * forwardFlops(gan.generator) + 8 * forwardFlops(gan.discriminator));
}

/** n 2-D points from `modes` Gaussians (sd `sd`) evenly spaced on a circle of radius `radius`, seeded. */
function ringPoints({ n = 10_000, modes = 8, radius = 2, sd = 0.02, seed = 3 } = {}) {
  return tf.tidy(() => {
    const mode = tf.randomUniform([n], 0, modes, "int32", seed);
    const angle = tf.mul(tf.cast(mode, "float32"), (2 * Math.PI) / modes);
    const centres = tf.mul(tf.stack([tf.cos(angle), tf.sin(angle)], 1), radius);
    return tf.add(centres, tf.randomNormal([n, 2], 0, sd, "float32", seed + 1));
  });
}

/**
 * The LSGAN paper's mixture-of-Gaussians GAN (its size, not its training details): G z(256) →
 * 128 tanh → 128 tanh → 128 tanh → 2 linear; D 2 → 128 tanh ×3 → 1 linear logit.
 */
function buildRingModels(seed) {
  const nextSeed = kit.createSeedSequence(seed);
  const dense = (units, activation, extra = {}) =>
    tf.layers.dense({
      units,
      activation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      ...extra,
    });
  const generator = tf.sequential({
    name: "ring_generator",
    layers: [
      dense(128, "tanh", { inputShape: [256] }),
      dense(128, "tanh"),
      dense(128, "tanh"),
      dense(2, "linear"),
    ],
  });
  const discriminator = tf.sequential({
    name: "ring_discriminator",
    layers: [
      dense(128, "tanh", { inputShape: [2] }),
      dense(128, "tanh"),
      dense(128, "tanh"),
      dense(1, "linear"),
    ],
  });
  return { generator, discriminator };
}

/** Builds a model's GAN, its real data and a seeded batch stream; `dispose()` frees all of it. */
function buildGan(name) {
  const seed = 1;
  let generator, discriminator, noise, data, batch;
  if (name === "mlp") {
    generator = kit.buildMlpGenerator({ latentSize: LATENT, hiddenUnits: [1024, 1024], seed });
    discriminator = kit.buildMlpDiscriminator({
      hiddenUnits: [256, 256],
      leakyAlpha: 0.01,
      seed: seed + 10,
    });
    [noise, batch, data] = ["normal", 64, kit.loadMnist({ layout: "flat", seed })];
  } else if (name === "dcgan") {
    generator = kit.buildConvGenerator({ latentSize: LATENT, seed });
    discriminator = kit.buildConvDiscriminator({ leakyAlpha: 0.01, seed: seed + 10 });
    [noise, batch, data] = ["uniform", 64, kit.loadMnist({ layout: "image", seed })];
  } else if (name === "ring") {
    ({ generator, discriminator } = buildRingModels(seed));
    const points = ringPoints();
    // createBatchStream only gathers rows of `images`; the labels are there to fit its data type.
    [noise, batch, data] = [
      "normal",
      512,
      { images: points, labels: tf.zeros([points.shape[0]], "int32"), count: points.shape[0] },
    ];
  } else {
    throw new Error(`unknown model ${name}`);
  }
  const gan = kit.createGan({
    generator,
    discriminator,
    learningRate: 1e-3,
    beta1: 0.5,
    noise,
    seed: seed + 20,
  });
  const batches = kit.createBatchStream(data, { batchSize: batch, seed });
  return {
    name,
    gan,
    batch,
    batches,
    dispose() {
      kit.disposeGan(gan);
      tf.dispose([data.images, data.labels]);
    },
  };
}

/** `steps` training steps of `model` (trainStep in a plain loop: the timed work, synchronously). */
function trainSteps(model, steps) {
  for (let step = 0; step < steps; step++) kit.trainStep(model.gan, model.batches);
}

/** ms per step of `steps` training steps. */
function timeRepeat(model, steps) {
  const start = performance.now();
  trainSteps(model, steps);
  return (performance.now() - start) / steps;
}

/** tfjs alone (the wasm child): warm-up, then the repeats. */
function timeTfjsOnly(name, { warmup, repeats, steps }) {
  const model = buildGan(name);
  try {
    trainSteps(model, warmup);
    const runs = Array.from({ length: repeats }, () => timeRepeat(model, steps));
    return { ...summary(runs), step_gflop: stepFlops(model.gan, model.batch) / 1e9 };
  } finally {
    model.dispose();
  }
}

/**
 * Warm-up of both frameworks, then `repeats` timed repeats, alternating: tfjs repeat r, then
 * PyTorch repeat r (when `torch` is given). Returns the runs of both.
 */
async function timeAlternating(model, { warmup, repeats, steps }, torch) {
  trainSteps(model, warmup);
  if (torch) await torch.request({ cmd: "warmup", model: model.name, steps: warmup });
  const tfjsRuns = [];
  const torchRuns = [];
  for (let r = 0; r < repeats; r++) {
    tfjsRuns.push(timeRepeat(model, steps));
    if (torch)
      torchRuns.push((await torch.request({ cmd: "time", model: model.name, steps })).ms_per_step);
  }
  return { tfjsRuns, torchRuns: torch ? torchRuns : null };
}

/**
 * The native TensorFlow ops of a training step, counted by wrapping the tfjs-node backend's
 * `executeSingleOutput` and `executeMultipleOutputs` (every TensorFlow op, whether a tfjs kernel
 * or one gan-kit runs directly, goes through one of them). Eager TensorFlow ops run synchronously,
 * so the wall time around a call is that op's time, including its N-API dispatch. Per step:
 * calls, ms inside the calls, the 8 slowest ops, and the rest of the step (js_overhead_ms).
 */
function profileStep(model, steps = PROFILE_STEPS) {
  const backend = tf.backend();
  const methods = ["executeSingleOutput", "executeMultipleOutputs"];
  if (methods.some((method) => typeof backend[method] !== "function")) {
    return {
      error: `backend ${tf.getBackend()} has no executeSingleOutput / executeMultipleOutputs`,
    };
  }
  trainSteps(model, 1);
  const byOp = new Map();
  // The methods live on the backend's prototype; wrap them as own properties of the instance and
  // afterwards put back whatever own property there was (normally none: delete the wrapper).
  const saved = methods.map((method) => [method, Object.getOwnPropertyDescriptor(backend, method)]);
  for (const method of methods) {
    const original = backend[method];
    backend[method] = function countedOp(opName, ...rest) {
      const start = performance.now();
      try {
        return original.call(this, opName, ...rest);
      } finally {
        const ms = performance.now() - start;
        const entry = byOp.get(opName) ?? { kernel: opName, calls: 0, ms: 0 };
        entry.calls += 1;
        entry.ms += ms;
        byOp.set(opName, entry);
      }
    };
  }
  let stepMs;
  try {
    stepMs = timeRepeat(model, steps);
  } finally {
    for (const [method, descriptor] of saved) {
      if (descriptor === undefined) delete backend[method];
      else Object.defineProperty(backend, method, descriptor);
    }
  }
  const ops = [...byOp.values()]
    .map((k) => ({ kernel: k.kernel, calls: k.calls / steps, ms: k.ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  const kernelMs = ops.reduce((t, k) => t + k.ms, 0);
  return {
    steps_profiled: steps,
    step_ms: stepMs,
    kernel_calls: ops.reduce((t, k) => t + k.calls, 0),
    kernel_ms: kernelMs,
    js_overhead_ms: stepMs - kernelMs,
    top: ops.slice(0, 8),
  };
}

function sgemmGflops(n = 2048, repeats = 5) {
  const [a, b] = [
    tf.randomUniform([n, n], 0, 1, "float32", 1),
    tf.randomUniform([n, n], 0, 1, "float32", 2),
  ];
  tf.matMul(a, b).dataSync();
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push((performance.now() - start) / 1000);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / median(times) / 1e9;
}

function memoryAfterSteps(steps = 1000) {
  const model = buildGan("mlp");
  trainSteps(model, 2);
  const tensorsBefore = tf.memory().numTensors;
  trainSteps(model, steps);
  const result = {
    steps,
    rss_mb: process.memoryUsage().rss / 2 ** 20,
    num_tensors_before: tensorsBefore,
    num_tensors_after: tf.memory().numTensors,
  };
  model.dispose();
  return result;
}

/** The CPU as the record names it: model name, family/model/stepping, and the SIMD flags that matter. */
/**
 * What the failure checks of a live training cost: the two history rules (D winning, no progress)
 * on a history of `steps` steps, timed over `repeats` calls; ms per live update, to set beside a
 * step's time (they run once per live update, not per step).
 */
function failureChecksMs(steps = 8000, repeats = 200) {
  const history = Array.from({ length: steps }, (_, i) => ({
    step: i + 1,
    dLoss: 0.6 + 0.1 * Math.sin(i),
    gLoss: 0.8 + 0.1 * Math.cos(i),
    dReal: 0.55,
    dFake: 0.45,
  }));
  const started = performance.now();
  for (let r = 0; r < repeats; r++)
    [kit.checkDWinning, kit.checkNoProgress].forEach((rule) => rule(history));
  return { history_steps: steps, ms_per_live_update: (performance.now() - started) / repeats };
}

/**
 * What following every tensor costs a training step (what `startNotebook()` turns on, so that a
 * rerun can free the earlier run). Two measures: (1) the hook's own work per tensor (the session's
 * Map entry made and removed, in a loop like the engine hook's over its followers; the
 * wrapper's own function call is not included), timed on 1,000
 * real tensors, times the tensors one MLP step makes: a stable estimate; (2) the MLP step with and
 * without a follower, alternately, repeat by repeat: direct, but as noisy as the machine.
 */
function trackingCost(model, { repeats, steps }) {
  const sessionLike = () => {
    const made = new Map();
    return {
      made: (tensor) => made.set(tensor.id, tensor),
      disposed: (tensor) => made.delete(tensor.id),
    };
  };
  let tensorsPerStep = 0;
  const stopCounting = followTensors({
    made: () => (tensorsPerStep += 1),
    disposed: () => undefined,
  });
  trainSteps(model, 1);
  stopCounting();
  const tensors = Array.from({ length: 1000 }, () => tf.scalar(1));
  const followers = new Set([sessionLike()]);
  const hookUs = (rounds) => {
    const started = performance.now();
    for (let r = 0; r < rounds; r++) {
      for (const tensor of tensors) {
        for (const follower of followers) follower.made(tensor);
        for (const follower of followers) follower.disposed(tensor);
      }
    }
    return ((performance.now() - started) * 1000) / (rounds * tensors.length);
  };
  hookUs(100);
  const hookRuns = Array.from({ length: 5 }, () => hookUs(300));
  tf.dispose(tensors);
  const off = [];
  const on = [];
  for (let r = 0; r < repeats; r++) {
    off.push(timeRepeat(model, steps));
    const stop = followTensors(sessionLike());
    try {
      on.push(timeRepeat(model, steps));
    } finally {
      stop();
    }
  }
  const paired = on.map((t, r) => t / off[r]);
  const hook = median(hookRuns);
  return {
    model: model.name,
    tensors_per_step: tensorsPerStep,
    hook_us_per_tensor: hook,
    hook_us_runs: hookRuns,
    estimated_share_of_step: (hook * tensorsPerStep) / 1000 / median(off),
    step_off: summary(off),
    step_on: summary(on),
    step_ratio_paired: {
      median: median(paired),
      min: Math.min(...paired),
      max: Math.max(...paired),
      runs: paired,
    },
  };
}

function cpuInfo() {
  const info = { cpu: os.cpus()[0]?.model ?? "?", cpu_id: null, cpu_flags: null };
  try {
    const first = fs.readFileSync("/proc/cpuinfo", "utf8").split(/\n\s*\n/)[0];
    const field = (name) =>
      first.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1]?.trim() ?? null;
    info.cpu_id = {
      vendor: field("vendor_id"),
      family: field("cpu family"),
      model: field("model"),
      stepping: field("stepping"),
    };
    const flags = new Set((field("flags") ?? "").split(/\s+/));
    info.cpu_flags = Object.fromEntries(
      ["avx", "fma", "avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile"].map((f) => [
        f,
        flags.has(f),
      ]),
    );
  } catch {
    // not Linux: the model name from os.cpus() only
  }
  return info;
}

function ensureTorch() {
  const python = path.join(root, ".venv-bench", "bin", "python");
  const ok = () => fs.existsSync(python) && spawnSync(python, ["-c", "import torch"]).status === 0;
  if (ok()) return python;
  console.log(
    "[bench] installing PyTorch CPU for the comparison into .venv-bench (bench/requirements.txt)",
  );
  if (!fs.existsSync(python))
    spawnSync("python3", ["-m", "venv", path.join(root, ".venv-bench")], { stdio: "inherit" });
  spawnSync(
    python,
    ["-m", "pip", "install", "--quiet", "-r", path.join(root, "bench", "requirements.txt")],
    {
      stdio: "inherit",
    },
  );
  return ok() ? python : null;
}

/**
 * bench/torch_step.py as one long-lived child: it builds every model once, then answers one JSON
 * line per JSON request line. Idle (blocked on its stdin) while tfjs is being timed.
 */
class TorchChild {
  static async start(python, names) {
    const child = new TorchChild(python, names);
    child.info = await child.next();
    if (!child.info.ready)
      throw new Error(`the PyTorch reference did not start: ${JSON.stringify(child.info)}`);
    return child;
  }

  constructor(python, names) {
    this.stderr = "";
    this.lines = [];
    this.waiting = [];
    this.exit = null;
    this.process = spawn(
      python,
      [path.join(root, "bench", "torch_step.py"), JSON.stringify(names)],
      {
        stdio: ["pipe", "pipe", "pipe"],
        env: TORCH_ENV,
      },
    );
    this.process.stderr.setEncoding("utf8");
    this.process.stderr.on("data", (text) => {
      this.stderr += text;
    });
    readline.createInterface({ input: this.process.stdout }).on("line", (line) => {
      if (!line.trim().startsWith("{")) return; // not a reply (a library's message)
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((resolve) => {
      this.process.on("close", (code, signal) => {
        this.exit = { code, signal };
        const error = new Error(
          `the PyTorch reference exited (${signal ?? `code ${code}`}):\n${this.stderr.trim().split("\n").slice(-5).join("\n")}`,
        );
        this.waiting.splice(0).forEach((waiter) => waiter.reject(error));
        resolve(this.exit);
      });
    });
    this.process.on("error", (error) =>
      this.waiting.splice(0).forEach((waiter) => waiter.reject(error)),
    );
  }

  /** The next reply line, parsed. */
  async next() {
    const line =
      this.lines.length > 0
        ? this.lines.shift()
        : await new Promise((resolve, reject) => {
            if (this.exit !== null)
              reject(new Error(`the PyTorch reference has exited:\n${this.stderr.trim()}`));
            else this.waiting.push({ resolve, reject });
          });
    return JSON.parse(line);
  }

  async request(message) {
    this.process.stdin.write(`${JSON.stringify(message)}\n`);
    const reply = await this.next();
    if (reply.error)
      throw new Error(`the PyTorch reference failed on ${JSON.stringify(message)}: ${reply.error}`);
    return reply;
  }

  /** Closes its stdin, which ends it. */
  async close() {
    this.process.stdin.end();
    await this.exited;
  }
}

/** Times the models on the wasm fallback in a child process, or reports why it could not. */
function runWasm() {
  const result = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--wasm-child", ...(SMOKE ? ["--smoke"] : [])],
    {
      encoding: "utf8",
      env: { ...process.env, GAN_BACKEND: "wasm" },
    },
  );
  if (result.status !== 0) return { error: result.stderr.trim().split("\n").at(-1) };
  return JSON.parse(result.stdout.trim().split("\n").at(-1));
}

async function wasmChild() {
  await kit.backendReady();
  const models = Object.fromEntries(
    Object.keys(WASM_PLAN).map((name) => [name, timeTfjsOnly(name, WASM_PLAN[name])]),
  );
  console.log(JSON.stringify({ backend: tf.getBackend(), models }));
}

function kernelStart() {
  const result = spawnSync(
    path.join(root, ".venv", "bin", "python"),
    [path.join(root, "bench", "kernel_start.py")],
    {
      encoding: "utf8",
    },
  );
  return result.status === 0
    ? JSON.parse(result.stdout.trim().split("\n").at(-1))
    : { error: result.stderr.trim().split("\n").at(-1) };
}

const fmt = (x, digits = 1) =>
  x === undefined || x === null || Number.isNaN(x) ? "—" : x.toFixed(digits);
const spread = (median_, min, max, digits = 1) =>
  median_ === undefined || median_ === null
    ? "—"
    : `${fmt(median_, digits)} (${fmt(min, digits)}–${fmt(max, digits)})`;

/** Rows of cells as a plain-text table, each column as wide as its widest cell. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) =>
          c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
        )
        .join("   "),
    )
    .join("\n");
}

async function main() {
  const machine = cpuInfo();
  const loadAtStart = os.loadavg();
  console.log(
    `[bench] backend ${tf.getBackend()}, ${os.cpus().length} cores (${machine.cpu}` +
      `${machine.cpu_id ? `, family ${machine.cpu_id.family} model ${machine.cpu_id.model}` : ""}` +
      `${
        machine.cpu_flags
          ? `; ${Object.entries(machine.cpu_flags)
              .filter(([, on]) => on)
              .map(([f]) => f)
              .join(" ")}`
          : ""
      })` +
      `; computing as ${CLASS}${process.env.ONEDNN_MAX_CPU_ISA ? ` (ONEDNN_MAX_CPU_ISA=${process.env.ONEDNN_MAX_CPU_ISA})` : ""}` +
      `; load average ${loadAtStart.map((x) => x.toFixed(2)).join(" ")}` +
      `${SMOKE ? "; SMOKE run: tiny plan, no wasm / memory / kernel start, written to bench/smoke.json" : ""}`,
  );
  const names = Object.keys(PLAN);

  const python = ensureTorch();
  let torch = null;
  if (python === null) {
    console.log("[bench] PyTorch is not available: its columns are skipped");
  } else {
    console.log(
      "[bench] starting the PyTorch CPU reference (one child process, all models built once) …",
    );
    torch = await TorchChild.start(python, names);
  }
  const sgemmRepeats = SMOKE ? 2 : 5;
  const tfSgemm = sgemmGflops(2048, sgemmRepeats);
  const torchSgemm = torch
    ? (await torch.request({ cmd: "sgemm", n: 2048, repeats: sgemmRepeats })).sgemm_gflops
    : null;

  const built = Object.fromEntries(names.map((name) => [name, buildGan(name)]));
  const models = {};
  try {
    for (const name of names) {
      const p = PLAN[name];
      console.log(
        `[bench] ${name}: warm-up ${p.warmup} steps, then ${p.repeats} repeats of ${p.steps} steps, ` +
          `${torch ? "tfjs-node and PyTorch alternately" : "tfjs-node only"} …`,
      );
      const { tfjsRuns, torchRuns } = await timeAlternating(built[name], p, torch);
      models[name] = {
        batch: built[name].batch,
        plan: p,
        tfjs: {
          ...summary(tfjsRuns),
          step_gflop: stepFlops(built[name].gan, built[name].batch) / 1e9,
        },
        torch: torchRuns ? summary(torchRuns) : null,
      };
      if (torchRuns) {
        const paired = tfjsRuns.map((t, r) => t / torchRuns[r]);
        models[name].ratio_paired = {
          median: median(paired),
          min: Math.min(...paired),
          max: Math.max(...paired),
          runs: paired,
        };
      }
    }
  } finally {
    if (torch) await torch.close();
  }
  console.log("[bench] counting the native TensorFlow ops of one step …");
  for (const name of names) models[name].tfjs.profile = profileStep(built[name]);
  const failureChecks = failureChecksMs();
  console.log("[bench] the cost of following tensors (startNotebook) on the MLP step …");
  const tracking = trackingCost(built.mlp, PLAN.mlp);
  Object.values(built).forEach((model) => model.dispose());

  let wasm = { error: "skipped (smoke run)" };
  let memory = null;
  let kernel = { error: "skipped (smoke run)" };
  if (!SMOKE) {
    console.log("[bench] timing the same steps on the wasm fallback …");
    wasm = runWasm();
    console.log("[bench] memory after 1,000 MLP steps, kernel start …");
    memory = memoryAfterSteps();
    kernel = kernelStart();
  }
  for (const name of names) models[name].wasm = wasm.models?.[name] ?? null;

  const report = {
    date: new Date().toISOString().slice(0, 10),
    ...(SMOKE ? { smoke: true } : {}),
    machine: {
      cores: os.cpus().length,
      ...machine,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      // The class timed: "avx512", or "avx2" (no AVX-512, or oneDNN held to AVX2 on an AVX-512 CPU).
      compute_class: CLASS,
      onednn_max_cpu_isa: process.env.ONEDNN_MAX_CPU_ISA ?? null,
      // 1-, 5- and 15-minute load averages: other work on a shared machine skews the timings.
      load_average: { start: loadAtStart, end: os.loadavg() },
    },
    versions: {
      node: process.version,
      tfjs: tf.version.tfjs,
      backend: tf.getBackend(),
      torch: torch?.info.torch ?? null,
      torch_threads: torch?.info.threads ?? null,
      torch_cpu_capability: torch?.info.cpu_capability ?? null,
    },
    timing: torch
      ? "tfjs-node and PyTorch alternately, repeat by repeat, in one run"
      : "tfjs-node only (PyTorch unavailable)",
    batch: Object.fromEntries(names.map((name) => [name, models[name].batch])),
    sgemm_gflops: { tfjs: tfSgemm, torch: torchSgemm },
    models: Object.fromEntries(
      Object.entries(models).map(([name, m]) => {
        const gflops = m.tfjs.step_gflop / (m.tfjs.median_ms / 1000);
        return [
          name,
          {
            ...m,
            step_gflop: m.tfjs.step_gflop,
            tfjs_gflops: gflops,
            tfjs_share_of_sgemm: gflops / tfSgemm,
            ratio_tfjs_over_torch: m.torch ? m.tfjs.median_ms / m.torch.median_ms : null,
            ratio_paired: m.ratio_paired ?? null,
            ratio_wasm_over_tfjs: m.wasm ? m.wasm.median_ms / m.tfjs.median_ms : null,
          },
        ];
      }),
    ),
    wasm_backend: wasm.error ? { error: wasm.error } : { backend: wasm.backend },
    memory_after_steps: memory,
    kernel,
    // Per live update (every 25-100 steps in the notebooks), against the MLP step of this run.
    failure_checks: {
      ...failureChecks,
      share_of_mlp_step: failureChecks.ms_per_live_update / models.mlp?.tfjs.median_ms,
    },
    // What following every tensor (a notebook after startNotebook()) adds to an MLP step.
    tensor_tracking: tracking,
  };
  fs.writeFileSync(path.join(root, OUTPUT), `${JSON.stringify(report, null, 2)}\n`);

  console.log(
    `\nload average (1, 5, 15 min): ${loadAtStart.map((x) => x.toFixed(2)).join(" ")} at the start, ` +
      `${report.machine.load_average.end.map((x) => x.toFixed(2)).join(" ")} at the end, on ${os.cpus().length} cores`,
  );
  console.log(
    `sgemm 2048³ FP32: tfjs-node ${fmt(tfSgemm)} GFLOP/s | PyTorch ${fmt(torchSgemm)} GFLOP/s`,
  );
  if (!torch) console.log("PyTorch not available: its columns are empty");
  console.log();
  console.log(
    table([
      [
        "model",
        "batch",
        "tfjs-node ms/step (min–max)",
        "PyTorch ms/step (min–max)",
        "ratio of medians",
        "paired ratio (min–max)",
        "GFLOP/step",
        "tfjs GFLOP/s (% sgemm)",
      ],
      ...Object.entries(report.models).map(([name, m]) => [
        name,
        m.batch,
        spread(m.tfjs.median_ms, m.tfjs.min_ms, m.tfjs.max_ms),
        spread(m.torch?.median_ms, m.torch?.min_ms, m.torch?.max_ms),
        fmt(m.ratio_tfjs_over_torch, 2),
        spread(m.ratio_paired?.median, m.ratio_paired?.min, m.ratio_paired?.max, 2),
        fmt(m.step_gflop, 3),
        `${fmt(m.tfjs_gflops)} (${fmt(100 * m.tfjs_share_of_sgemm, 0)} %)`,
      ]),
    ]),
  );
  console.log("\nruns, ms/step in the order timed (tfjs r1, PyTorch r1, tfjs r2, …):");
  for (const [name, m] of Object.entries(report.models)) {
    console.log(`  ${name.padEnd(6)} tfjs    ${m.tfjs.runs.map((x) => fmt(x)).join("  ")}`);
    if (m.torch)
      console.log(`  ${"".padEnd(6)} PyTorch ${m.torch.runs.map((x) => fmt(x)).join("  ")}`);
    if (m.ratio_paired)
      console.log(
        `  ${"".padEnd(6)} ratio   ${m.ratio_paired.runs.map((x) => fmt(x, 2)).join("  ")}`,
      );
  }
  for (const [name, m] of Object.entries(report.models)) {
    const p = m.tfjs.profile;
    if (p.error) {
      console.log(`\n${name}: native ops not counted (${p.error})`);
      continue;
    }
    console.log(
      `\n${name}: ${fmt(p.kernel_calls, 0)} native TensorFlow ops per step, ${fmt(p.kernel_ms)} ms inside them, ` +
        `${fmt(p.js_overhead_ms)} ms outside (JavaScript, tape, reads) of a ${fmt(p.step_ms)} ms profiled step; slowest:`,
    );
    p.top.forEach((k) =>
      console.log(
        `  ${k.kernel.padEnd(26)} ${fmt(k.calls, 0).padStart(4)} calls ${fmt(k.ms, 2).padStart(8)} ms`,
      ),
    );
  }
  for (const [name, m] of Object.entries(report.models)) {
    console.log(
      m.wasm
        ? `\nwasm fallback, ${name}: ${fmt(m.wasm.median_ms)} ms/step (${fmt(m.ratio_wasm_over_tfjs, 1)}× tfjs-node)`
        : `\nwasm fallback, ${name}: not measured (${wasm.error ?? "?"})`,
    );
  }
  if (memory)
    console.log(
      `\nafter ${memory.steps} MLP steps: RSS ${fmt(memory.rss_mb, 0)} MiB, tensors ${memory.num_tensors_before} → ${memory.num_tensors_after}`,
    );
  console.log(
    `kernel start ${fmt(kernel.kernel_start_s, 2)} s, helper import ${fmt(kernel.helper_import_s, 2)} s${kernel.error ? ` (${kernel.error})` : ""}`,
  );
  console.log(`failure checks: ${fmt(failureChecks.ms_per_live_update, 3)} ms per live update`);
  const t = tracking;
  console.log(
    `following tensors (startNotebook): ${fmt(t.hook_us_per_tensor, 3)} µs per tensor × ${t.tensors_per_step} ` +
      `tensors per MLP step = ${fmt(100 * t.estimated_share_of_step, 2)} % of the step; timed directly, ` +
      `${fmt(t.step_off.median_ms)} → ${fmt(t.step_on.median_ms)} ms, paired ratio ` +
      `${spread(t.step_ratio_paired.median, t.step_ratio_paired.min, t.step_ratio_paired.max, 2)}`,
  );
  console.log(`\nwritten to ${OUTPUT}`);
}

(process.argv.includes("--wasm-child") ? wasmChild() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
