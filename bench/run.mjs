#!/usr/bin/env node
// `npm run bench`: times one GAN training step (a D update then a G update, batch 64) with
// gan-kit on tfjs-node and, in the same run, the identical models in PyTorch CPU, for the MLP GAN
// of notebook 01 and the seed-post DCGAN. Also: the machine's FP32 sgemm throughput, each model's
// achieved GFLOP/s as a share of it, kernel start + helper import time, and memory after 1,000
// steps; and the same steps on the wasm fallback backend (in a child process with GAN_BACKEND=wasm).
// Prints a table and writes the same figures to bench/latest.json.
//
// PyTorch comes from bench/requirements.txt in .venv-bench (created here on first use); if it
// cannot be installed, the PyTorch columns are skipped and the run says so.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const kit = require("gan-kit");
const { tf } = kit;

const BATCH = 64;
const LATENT = 96;
const PLAN = {
  mlp: { warmup: 10, repeats: 7, steps: 30 },
  dcgan: { warmup: 3, repeats: 5, steps: 6 },
};

/** The wasm fallback is several times slower: fewer repeats, enough to rank it. */
const WASM_PLAN = {
  mlp: { warmup: 3, repeats: 3, steps: 5 },
  dcgan: { warmup: 1, repeats: 2, steps: 2 },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
function stepFlops(gan) {
  return BATCH * (4 * forwardFlops(gan.generator) + 8 * forwardFlops(gan.discriminator));
}

function buildGan(name) {
  const seed = 1;
  const [generator, discriminator, noise, layout] = name === "mlp"
    ? [kit.buildMlpGenerator({ latentSize: LATENT, hiddenUnits: [1024, 1024], seed }),
      kit.buildMlpDiscriminator({ hiddenUnits: [256, 256], leakyAlpha: 0.01, seed: seed + 10 }), "normal", "flat"]
    : [kit.buildConvGenerator({ latentSize: LATENT, seed }), kit.buildConvDiscriminator({ leakyAlpha: 0.01, seed: seed + 10 }), "uniform", "image"];
  const gan = kit.createGan({ generator, discriminator, learningRate: 1e-3, beta1: 0.5, noise, seed: seed + 20 });
  const data = kit.loadMnist({ layout, seed });
  return { gan, data, batches: kit.createBatchStream(data, { batchSize: BATCH, seed }) };
}

function timeTfjs(name, { warmup, repeats, steps }) {
  const { gan, data, batches } = buildGan(name);
  kit.trainGan({ gan, batches, steps: warmup });
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    kit.trainGan({ gan, batches, steps });
    runs.push((performance.now() - start) / steps);
  }
  const flops = stepFlops(gan);
  kit.disposeGan(gan);
  tf.dispose([data.images, data.labels]);
  return { median_ms: median(runs), min_ms: Math.min(...runs), max_ms: Math.max(...runs), runs, step_gflop: flops / 1e9 };
}

/** Kernels of one training step after warm-up, grouped by name: calls and summed kernel time. */
async function profileStep(name) {
  const { gan, data, batches } = buildGan(name);
  kit.trainGan({ gan, batches, steps: 3 });
  const info = await tf.profile(() => { kit.trainGan({ gan, batches, steps: 1 }); });
  const byKernel = new Map();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    byKernel.set(k.name, entry);
  }
  kit.disposeGan(gan);
  tf.dispose([data.images, data.labels]);
  const kernels = [...byKernel.values()].sort((a, b) => b.ms - a.ms);
  return { kernel_calls: info.kernels.length, kernel_ms: kernels.reduce((t, k) => t + k.ms, 0), top: kernels.slice(0, 8) };
}

function sgemmGflops(n = 2048, repeats = 5) {
  const [a, b] = [tf.randomUniform([n, n], 0, 1, "float32", 1), tf.randomUniform([n, n], 0, 1, "float32", 2)];
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
  const { gan, data, batches } = buildGan("mlp");
  kit.trainGan({ gan, batches, steps: 2 });
  const tensorsBefore = tf.memory().numTensors;
  kit.trainGan({ gan, batches, steps });
  const result = { steps, rss_mb: process.memoryUsage().rss / 2 ** 20, num_tensors_before: tensorsBefore, num_tensors_after: tf.memory().numTensors };
  kit.disposeGan(gan);
  tf.dispose([data.images, data.labels]);
  return result;
}

function ensureTorch() {
  const python = path.join(root, ".venv-bench", "bin", "python");
  const ok = () => fs.existsSync(python) && spawnSync(python, ["-c", "import torch"]).status === 0;
  if (ok()) return python;
  console.log("[bench] installing PyTorch CPU for the comparison into .venv-bench (bench/requirements.txt)");
  if (!fs.existsSync(python)) spawnSync("python3", ["-m", "venv", path.join(root, ".venv-bench")], { stdio: "inherit" });
  spawnSync(python, ["-m", "pip", "install", "--quiet", "-r", path.join(root, "bench", "requirements.txt")], { stdio: "inherit" });
  return ok() ? python : null;
}

function runTorch(python) {
  const result = spawnSync(python, [path.join(root, "bench", "torch_step.py"), JSON.stringify(PLAN)], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`the PyTorch reference failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1));
}

/** Times both models on the wasm fallback in a child process, or reports why it could not. */
function runWasm() {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--wasm-child"], {
    encoding: "utf8", env: { ...process.env, GAN_BACKEND: "wasm" },
  });
  if (result.status !== 0) return { error: result.stderr.trim().split("\n").at(-1) };
  return JSON.parse(result.stdout.trim().split("\n").at(-1));
}

async function wasmChild() {
  await kit.backendReady();
  const models = Object.fromEntries(Object.keys(WASM_PLAN).map((name) => [name, timeTfjs(name, WASM_PLAN[name])]));
  console.log(JSON.stringify({ backend: tf.getBackend(), models }));
}

function kernelStart() {
  const result = spawnSync(path.join(root, ".venv", "bin", "python"), [path.join(root, "bench", "kernel_start.py")], { encoding: "utf8" });
  return result.status === 0 ? JSON.parse(result.stdout.trim().split("\n").at(-1)) : { error: result.stderr.trim().split("\n").at(-1) };
}

const fmt = (x, digits = 1) => (x === undefined || x === null ? "—" : x.toFixed(digits));

async function main() {
  console.log(`[bench] backend ${tf.getBackend()}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"})`);
  const tfSgemm = sgemmGflops();
  const models = {};
  for (const name of Object.keys(PLAN)) {
    console.log(`[bench] timing the ${name} step on tfjs-node …`);
    models[name] = { tfjs: timeTfjs(name, PLAN[name]) };
  }
  for (const name of Object.keys(PLAN)) models[name].tfjs.profile = await profileStep(name);
  const python = ensureTorch();
  let torch = null;
  if (python === null) {
    console.log("[bench] PyTorch is not available: its columns are skipped");
  } else {
    console.log("[bench] timing the same steps in PyTorch CPU …");
    torch = runTorch(python);
    for (const name of Object.keys(PLAN)) models[name].torch = torch[name];
  }
  console.log("[bench] timing the same steps on the wasm fallback …");
  const wasm = runWasm();
  for (const name of Object.keys(PLAN)) models[name].wasm = wasm.models?.[name] ?? null;
  console.log("[bench] memory after 1,000 MLP steps, kernel start …");
  const memory = memoryAfterSteps();
  const kernel = kernelStart();

  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", memory_gib: Math.round(os.totalmem() / 2 ** 30) },
    versions: { node: process.version, tfjs: tf.version.tfjs, backend: tf.getBackend(), torch: torch?.torch ?? null, torch_threads: torch?.threads ?? null },
    batch: BATCH,
    sgemm_gflops: { tfjs: tfSgemm, torch: torch?.sgemm_gflops ?? null },
    models: Object.fromEntries(Object.entries(models).map(([name, m]) => {
      const gflops = m.tfjs.step_gflop / (m.tfjs.median_ms / 1000);
      return [name, { ...m, step_gflop: m.tfjs.step_gflop, tfjs_gflops: gflops, tfjs_share_of_sgemm: gflops / tfSgemm,
        ratio_tfjs_over_torch: m.torch ? m.tfjs.median_ms / m.torch.median_ms : null,
        ratio_wasm_over_tfjs: m.wasm ? m.wasm.median_ms / m.tfjs.median_ms : null }];
    })),
    wasm_backend: wasm.error ? { error: wasm.error } : { backend: wasm.backend },
    memory_after_steps: memory,
    kernel,
  };
  fs.writeFileSync(path.join(root, "bench", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\nsgemm 2048³ FP32: tfjs-node ${fmt(tfSgemm)} GFLOP/s | PyTorch ${fmt(torch?.sgemm_gflops)} GFLOP/s`);
  console.log("\nmodel   tfjs-node ms/step (min–max)   PyTorch ms/step (min–max)   ratio tfjs/torch   GFLOP/step   tfjs GFLOP/s (share of sgemm)");
  for (const [name, m] of Object.entries(report.models)) {
    console.log(`${name.padEnd(7)} ${fmt(m.tfjs.median_ms).padStart(8)} (${fmt(m.tfjs.min_ms)}–${fmt(m.tfjs.max_ms)})`.padEnd(38)
      + `${fmt(m.torch?.median_ms).padStart(8)} (${fmt(m.torch?.min_ms)}–${fmt(m.torch?.max_ms)})`.padEnd(28)
      + `${fmt(m.ratio_tfjs_over_torch, 2).padStart(8)}`.padEnd(19) + `${fmt(m.step_gflop, 3).padStart(9)}`.padEnd(13)
      + `${fmt(m.tfjs_gflops)} (${fmt(100 * m.tfjs_share_of_sgemm, 0)} %)`);
  }
  for (const [name, m] of Object.entries(report.models)) {
    const p = m.tfjs.profile;
    console.log(`\n${name}: ${p.kernel_calls} kernel calls per step, ${fmt(p.kernel_ms)} ms inside kernels (of ${fmt(m.tfjs.median_ms)} ms); slowest:`);
    p.top.forEach((k) => console.log(`  ${k.kernel.padEnd(24)} ${String(k.calls).padStart(4)} calls ${fmt(k.ms).padStart(8)} ms`));
  }
  for (const [name, m] of Object.entries(report.models)) {
    console.log(m.wasm ? `\nwasm fallback, ${name}: ${fmt(m.wasm.median_ms)} ms/step (${fmt(m.ratio_wasm_over_tfjs, 1)}× tfjs-node)`
      : `\nwasm fallback, ${name}: not measured (${wasm.error ?? "?"})`);
  }
  console.log(`\nafter ${memory.steps} MLP steps: RSS ${fmt(memory.rss_mb, 0)} MiB, tensors ${memory.num_tensors_before} → ${memory.num_tensors_after}`);
  console.log(`kernel start ${fmt(kernel.kernel_start_s, 2)} s, helper import ${fmt(kernel.helper_import_s, 2)} s${kernel.error ? ` (${kernel.error})` : ""}`);
  console.log(`\nwritten to bench/latest.json`);
}

(process.argv.includes("--wasm-child") ? wasmChild() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
