#!/usr/bin/env node
// Brings a fresh clone (after `npm install`) to a working state, and does nothing that is already
// done: native TensorFlow for @tensorflow/tfjs-node, the compiled helper package, the project's
// Python environment, and the tslab kernel registered in it (with one fix to tslab's output socket).
//
// Run by `npm start`, `npm test` and `npm run lab`; safe to run again at any time.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The TensorFlow release whose tensorflow-cpu wheel provides libtensorflow; everything below derives from it.
const TF_VERSION = "2.21.0";
const TF_WHEEL_SPEC = `tensorflow-cpu==${TF_VERSION}`;
const TF_LIB_NAME = `libtensorflow-${TF_VERSION}`;
const TF_WHEEL_FILE = new RegExp(`^tensorflow_cpu-${TF_VERSION.replaceAll(".", "\\.")}-.*\\.whl$`);
// The members of the tensorflow-cpu wheel that the binding needs; nothing else is extracted.
const WHEEL_LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"];
const venv = path.join(root, ".venv");
const venvPython = path.join(venv, "bin", "python");

function log(message) {
  console.log(`[setup] ${message}`);
}

function fail(message) {
  console.error(`[setup] ERROR: ${message}`);
  process.exit(1);
}

/** Runs a command with inherited output; exits the setup with its message if it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(" ")} exited with status ${result.status}`);
}

function cacheDir() {
  const base =
    process.env.GAN_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "gan-step-by-step");
  fs.mkdirSync(base, { recursive: true });
  return base;
}

/** Asks a fresh Node process which backend tfjs-node gives; null when it does not load. */
function probeTfjsNode() {
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      "const tf = require('@tensorflow/tfjs-node'); process.stdout.write(tf.getBackend() + ' ' + tf.version['tfjs-node'])",
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" } },
  );
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function findWheel(dir) {
  return fs.readdirSync(dir).find((f) => TF_WHEEL_FILE.test(f));
}

/** Downloads the tensorflow-cpu wheel once and extracts only the C libraries and headers. */
function ensureLibtensorflow() {
  const cache = cacheDir();
  const libDir = path.join(cache, TF_LIB_NAME);
  const stamp = path.join(libDir, ".complete");
  if (fs.existsSync(stamp)) {
    log(`libtensorflow present in ${libDir}`);
    return libDir;
  }
  let wheel = findWheel(cache);
  if (!wheel) {
    log(`downloading ${TF_WHEEL_SPEC} from PyPI (about 275 MB, once) into ${cache}`);
    run("python3", [
      "-m",
      "pip",
      "download",
      "--quiet",
      "--no-deps",
      "--only-binary=:all:",
      "--dest",
      cache,
      TF_WHEEL_SPEC,
    ]);
    wheel = findWheel(cache);
    if (!wheel) fail(`pip did not leave a ${TF_WHEEL_SPEC} wheel in ${cache}`);
  }
  log(`extracting libtensorflow from ${wheel} (about 850 MB)`);
  fs.rmSync(libDir, { recursive: true, force: true });
  const extract = `
import sys, zipfile, os, shutil
wheel, out, libs = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name.startswith("tensorflow/include/") and not name.endswith("/"):
            target = os.path.join(out, "include", name[len("tensorflow/include/"):])
        elif name in ["tensorflow/" + lib for lib in libs]:
            target = os.path.join(out, "lib", os.path.basename(name))
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  run("python3", ["-c", extract, path.join(cache, wheel), libDir, ...WHEEL_LIBS]);
  for (const lib of WHEEL_LIBS) {
    if (!fs.existsSync(path.join(libDir, "lib", lib))) fail(`${lib} is missing from ${wheel}`);
  }
  fs.writeFileSync(stamp, `${wheel}\n`);
  return libDir;
}

function linkInto(target, linkPath) {
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.symlinkSync(target, linkPath);
}

/** Builds tfjs-node's native binding from source against the wheel's libtensorflow. */
function ensureTfjsNode() {
  const found = probeTfjsNode();
  if (found?.startsWith("tensorflow ")) {
    log(`@tensorflow/tfjs-node ${found.split(" ")[1]} loads with the native TensorFlow backend`);
    return;
  }
  const pkg = path.join(root, "node_modules", "@tensorflow", "tfjs-node");
  if (!fs.existsSync(pkg))
    fail("node_modules/@tensorflow/tfjs-node is missing: run `npm install` first");
  const libDir = ensureLibtensorflow();
  const deps = path.join(pkg, "deps");
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  linkInto(path.join(libDir, "include"), path.join(deps, "include"));
  const cc = path.join(libDir, "lib", "libtensorflow_cc.so.2");
  const framework = path.join(libDir, "lib", "libtensorflow_framework.so.2");
  // The binding links -ltensorflow and expects the 2.9.1 file name that its own download would give.
  for (const name of [
    "libtensorflow.so",
    "libtensorflow.so.2",
    "libtensorflow.so.2.9.1",
    "libtensorflow_cc.so.2",
  ]) {
    linkInto(cc, path.join(deps, "lib", name));
  }
  for (const name of ["libtensorflow_framework.so", "libtensorflow_framework.so.2"]) {
    linkInto(framework, path.join(deps, "lib", name));
  }
  const env = { ...process.env };
  const bin = path.join(root, "node_modules", ".bin");
  env.PATH = `${bin}${path.delimiter}${env.PATH}`;
  // node-gyp needs Node's headers; offline they must come from the local Node installation.
  const localHeaders = path.join(
    path.dirname(path.dirname(process.execPath)),
    "include",
    "node",
    "node_api.h",
  );
  if (!env.npm_config_nodedir && fs.existsSync(localHeaders)) {
    env.npm_config_nodedir = path.dirname(path.dirname(path.dirname(localHeaders)));
  }
  log("building the tfjs-node binding from source (about 30 s)");
  run(path.join(bin, "node-pre-gyp"), ["install", "--build-from-source"], { cwd: pkg, env });
  const after = probeTfjsNode();
  if (!after?.startsWith("tensorflow "))
    fail(`tfjs-node still does not load after the build (got ${after})`);
  log(`@tensorflow/tfjs-node ${after.split(" ")[1]} now runs on native TensorFlow`);
}

/** Compiles the helper package (incremental: a no-op when nothing changed). */
function buildHelper() {
  run(process.execPath, [
    path.join(root, "node_modules", "typescript", "bin", "tsc"),
    "-b",
    path.join(root, "src"),
  ]);
  log("helper package gan-kit compiled");
}

/** Creates .venv from requirements.txt; reinstalls only when that file changes. */
function ensureVenv() {
  const requirements = fs.readFileSync(path.join(root, "requirements.txt"));
  const digest = createHash("sha256").update(requirements).digest("hex");
  const stamp = path.join(venv, ".requirements.sha256");
  if (
    fs.existsSync(venvPython) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === digest
  ) {
    log("Python environment .venv is up to date");
    return;
  }
  if (!fs.existsSync(venvPython)) {
    log("creating the Python environment .venv");
    run("python3", ["-m", "venv", venv]);
  }
  log("installing requirements.txt into .venv (JupyterLab, nbval, pytest, plotly)");
  run(venvPython, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "-r",
    path.join(root, "requirements.txt"),
  ]);
  fs.writeFileSync(stamp, digest);
}

/** Registers the project's own tslab as the `tslab` kernel of .venv, with quiet TensorFlow logs. */
function registerKernel() {
  const tslab = path.join(root, "node_modules", ".bin", "tslab");
  const result = spawnSync(
    tslab,
    ["install", `--python=${venvPython}`, "--sys-prefix", `--binary=${tslab}`],
    {
      encoding: "utf8",
    },
  );
  if (result.status !== 0) fail(`tslab install failed:\n${result.stdout}${result.stderr}`);
  const specPath = path.join(venv, "share", "jupyter", "kernels", "tslab", "kernel.json");
  const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
  // TensorFlow's C++ start-up notices would otherwise land in every notebook's stderr.
  spec.env = { ...(spec.env ?? {}), TF_CPP_MIN_LOG_LEVEL: "2" };
  fs.writeFileSync(specPath, `${JSON.stringify(spec, null, 2)}\n`);
  log(`tslab kernel registered in .venv (${path.relative(root, specPath)})`);
}

/**
 * Makes tslab's output socket send every message at once. tslab (1.0.22) sends outputs on a
 * zeromq.js Publisher without awaiting each send; zeromq.js sends synchronously only 512 times in
 * a row, then defers one send to the event loop and throws EBUSY ("Socket is busy writing") at any
 * send before that loop turn. A cell that never yields, like a training loop, thus loses its
 * console output after about 500 lines, and a display update then fails the cell with an empty
 * error. A send timeout of 0 keeps every send on the synchronous path; a PUB socket never blocks
 * anyway (it drops at its high-water mark). tests/test_kernel_output.py checks the effect.
 */
function patchTslabOutputSocket() {
  const file = path.join(root, "node_modules", "tslab", "dist", "jupyter.js");
  const original = "this.iopub = new zmq.Publisher();";
  const patched =
    "this.iopub = new zmq.Publisher({ sendTimeout: 0 }); // patched by gan-step-by-step scripts/setup.mjs";
  const source = fs.readFileSync(file, "utf8");
  if (source.includes(patched)) return;
  if (!source.includes(original))
    fail(`${file} has no "${original}": tslab changed; review patchTslabOutputSocket`);
  fs.writeFileSync(file, source.replace(original, patched));
  log("tslab's output socket now sends synchronously (fix for lost output in long cells)");
}

/** Installs Debian's Chromium, which renders plotly figures to the PNGs that GitHub shows. */
function ensureChromium() {
  // The helper's own lookup (built just before; chromium.js loads no TensorFlow).
  const { findChromium } = createRequire(import.meta.url)(
    path.join(root, "src", "dist", "lib", "figures", "chromium.js"),
  );
  const found = findChromium();
  if (found) {
    log(`Chromium present (${found}) for static figure images`);
    return;
  }
  const canApt = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).status === 0;
  if (!canApt) {
    log(
      "no Chromium and no root apt-get: figures will be interactive only, without PNG for GitHub. " +
        "Install Chromium and set CHROMIUM_PATH to get them.",
    );
    return;
  }
  log("installing Debian's chromium (headless figure rendering)");
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

ensureTfjsNode();
buildHelper();
ensureChromium();
ensureVenv();
patchTslabOutputSocket();
registerKernel();
