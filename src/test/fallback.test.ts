import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";

import * as kit from "../lib";

const lib = path.join(__dirname, "..", "lib", "index.js");

/**
 * Two training steps of the source DCGAN at batch 8 and one of a small conditional GAN (its label
 * embedding needs the gradient of a lookup), with fixed seeds; returns their losses. The noise is
 * drawn by the portable sampler, the same numbers on every backend (native TensorFlow would
 * otherwise draw its own), so that the losses can be compared.
 */
function twoSteps(k: typeof import("../lib")): number[][] {
  const gan = k.createGan({
    generator: k.buildConvGenerator({ latentSize: 16, seed: 1 }),
    discriminator: k.buildConvDiscriminator({ leakyAlpha: 0.01, seed: 2 }),
    learningRate: 1e-3,
    noise: k.createPortableNoiseSampler({ latentSize: 16, distribution: "uniform", seed: 3 }),
    seed: 3,
  });
  const batches = k.createBatchStream(k.loadMnist({ layout: "image", seed: 1 }), {
    batchSize: 8,
    seed: 2,
  });
  const losses = [0, 1].map(() => {
    const m = k.trainStep(gan, batches);
    return [m.dLoss, m.gLoss, m.dReal, m.dFake];
  });
  const cgan = k.createGan({
    generator: k.buildConditionalMlpGenerator({
      latentSize: 8,
      hiddenUnits: [16],
      labelSize: 4,
      seed: 4,
    }),
    discriminator: k.buildConditionalMlpDiscriminator({
      hiddenUnits: [16, 8],
      labelSize: 4,
      seed: 5,
    }),
    learningRate: 1e-3,
    l1Weight: 0.05,
    noise: k.createPortableNoiseSampler({ latentSize: 8, seed: 6 }),
    seed: 6,
  });
  const m = k.trainStep(
    cgan,
    k.createBatchStream(k.loadMnist({ layout: "flat", seed: 1 }), { batchSize: 8, seed: 2 }),
  );
  return [...losses, [m.dLoss, m.gLoss, m.dReal, m.dFake]];
}

/** Runs `twoSteps` in a fresh Node process with GAN_BACKEND set; returns what it printed. */
function runWith(backend: string): { stdout: string; losses: number[][]; name: string } {
  const script = `
    const k = require(${JSON.stringify(lib)});
    const twoSteps = ${twoSteps.toString()};
    k.backendReady().then((report) => {
      const losses = twoSteps(k);
      console.log("RESULT " + JSON.stringify({ name: k.tf.getBackend(), report, losses, tensors: k.tf.memory().numTensors }));
    });`;
  const stdout = execFileSync(process.execPath, ["-e", script], {
    env: { ...process.env, GAN_BACKEND: backend },
    encoding: "utf8",
    timeout: 300_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = JSON.parse(
    stdout
      .split("\n")
      .find((line) => line.startsWith("RESULT "))!
      .slice(7),
  );
  return { stdout, losses: result.losses, name: result.name };
}

describe("fallback backend", () => {
  it("wasm trains the source DCGAN and a conditional GAN (conv filter and embedding gradients included), with losses close to native TensorFlow's", () => {
    const native = twoSteps(kit);
    const wasm = runWith("wasm");
    assert.equal(wasm.name, "wasm");
    assert.match(
      wasm.stdout,
      /gan-kit: running on the 'wasm' backend .* because GAN_BACKEND=wasm asks for it; run 'npm install'/,
    );
    native.flat().forEach((value, i) => {
      const other = wasm.losses.flat()[i];
      assert.ok(
        Number.isFinite(other) && Math.abs(other - value) < 5e-3 * Math.max(1, Math.abs(value)),
        `native ${native.flat()} vs wasm ${wasm.losses.flat()}`,
      );
    });
  });

  it("refuses an unknown GAN_BACKEND, naming it", () => {
    assert.throws(
      () => runWith("gpu"),
      /GAN_BACKEND must be one of tensorflow, wasm, cpu, got "gpu"/,
    );
  });
});
