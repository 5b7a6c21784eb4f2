import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createRandom, powerIterationStep, spectralNormDense, tf } from "../lib";

/** Columns of a seeded random [rows, cols] matrix made orthonormal by Gram–Schmidt (float64). */
function orthonormalColumns(rows: number, cols: number, seed: number): number[][] {
  const random = createRandom(seed);
  const columns: number[][] = [];
  for (let c = 0; c < cols; c++) {
    let v = Array.from({ length: rows }, () => random() - 0.5);
    for (const q of columns) {
      const dot = v.reduce((s, x, i) => s + x * q[i], 0);
      v = v.map((x, i) => x - dot * q[i]);
    }
    const norm = Math.hypot(...v);
    columns.push(v.map((x) => x / norm));
  }
  return columns;
}

/** W = U·diag(s)·Vᵀ, [rows, cols], whose singular values are exactly s. */
function matrixWithSingularValues(rows: number, cols: number, s: number[]): number[][] {
  const u = orthonormalColumns(rows, cols, 11);
  const v = orthonormalColumns(cols, cols, 12);
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) =>
      s.reduce((sum, sk, k) => sum + u[k][i] * sk * v[k][j], 0),
    ),
  );
}

const singularValues = [3, 1.5, 0.7, 0.2];
const w = matrixWithSingularValues(6, 4, singularValues);

describe("spectral normalisation", () => {
  it("reports σ(W) before any training step close to a float64 reference (many power iterations)", () => {
    const layer = spectralNormDense({ units: 256, inputShape: [512], seed: 5 });
    layer.apply(tf.zeros([1, 512])); // builds the layer; inference changes nothing
    const w = (layer.getWeights()[0].arraySync() as number[][]).map((row) =>
      Float64Array.from(row),
    );
    // Reference: 2,000 power iterations in float64 on WᵀW from a fixed start.
    let x = Float64Array.from({ length: 256 }, (_, j) => Math.cos(j + 1));
    let sigma = 0;
    for (let it = 0; it < 2000; it++) {
      const wx = w.map((row) => row.reduce((sum, value, j) => sum + value * x[j], 0));
      const next = new Float64Array(256);
      w.forEach((row, i) => row.forEach((value, j) => (next[j] += value * wx[i])));
      const norm = Math.sqrt(next.reduce((sum, value) => sum + value * value, 0));
      sigma = Math.sqrt(norm);
      x = next.map((value) => value / norm);
    }
    const read = (layer as unknown as { currentSigma(): number }).currentSigma();
    assert.ok(
      sigma > 1.5 && sigma < 2.5,
      `reference σ ${sigma}: a Glorot 512×256 matrix has σ about 2`,
    );
    assert.ok(
      Math.abs(read - sigma) / sigma < 0.03,
      `σ read before training ${read}, reference ${sigma}`,
    );
  });

  it("power iteration finds the largest singular value of a matrix built with known ones", () => {
    const kernel = tf.tensor2d(w);
    let u = tf.tensor1d([0.3, -0.2, 0.5, 0.1]);
    let sigma = 0;
    for (let i = 0; i < 60; i++) {
      const step = powerIterationStep(kernel, u);
      u.dispose();
      u = step.u;
      sigma = step.sigma.dataSync()[0];
      step.sigma.dispose();
    }
    assert.ok(Math.abs(sigma - 3) < 1e-4, `σ ≈ ${sigma}, expected 3`);
  });

  it("the layer divides its kernel by σ, learned across training calls, so its largest singular value is 1", () => {
    const layer = spectralNormDense({ units: 4, inputShape: [6], seed: 3 });
    const model = tf.sequential({ layers: [layer] });
    const [, bias, u] = model.getWeights();
    model.setWeights([tf.tensor2d(w), bias, u]);
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 4);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) (model.apply(x, { training: true }) as tf.Tensor).dispose();
    assert.equal(tf.memory().numTensors, before, "no tensors leak per call");
    assert.ok(Math.abs(layer.currentSigma() - 3) < 1e-3, `σ ≈ ${layer.currentSigma()}`);
    const out = model.predict(x) as tf.Tensor;
    const expected = tf.matMul(x, tf.div(tf.tensor2d(w), 3));
    assert.ok(tf.abs(tf.sub(out, expected)).max().dataSync()[0] < 1e-3);
    // The effective kernel W/σ has spectral norm 1: ‖x·W/σ‖ ≤ ‖x‖ for any x, with equality on the top singular direction.
    const probe = tf.randomNormal([200, 6], 0, 1, "float32", 5);
    const ratios = tf.div(
      tf.norm(model.predict(probe) as tf.Tensor, "euclidean", 1),
      tf.norm(probe, "euclidean", 1),
    );
    assert.ok(ratios.max().dataSync()[0] <= 1 + 1e-3);
  });

  it("trains: gradients reach the kernel and bias, never the power-iteration vector", () => {
    const layer = spectralNormDense({ units: 3, inputShape: [5], activation: "relu", seed: 7 });
    const model = tf.sequential({ layers: [layer] });
    assert.equal(model.trainableWeights.length, 2);
    assert.equal(model.getWeights().length, 3);
    const x = tf.randomNormal([8, 5], 0, 1, "float32", 8);
    const { grads } = tf.variableGrads(
      () => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      model.trainableWeights.map((v) => v.read() as tf.Variable),
    );
    Object.values(grads).forEach((g) => assert.ok(tf.abs(g).sum().dataSync()[0] > 0));
    assert.deepEqual((model.predict(x) as tf.Tensor).shape, [8, 3]);
  });

  it("differentiates through W only: the gradient equals that of x·W/(vᵀWu) with u and v held constant", () => {
    const layer = spectralNormDense({ units: 4, inputShape: [6], seed: 3 });
    const model = tf.sequential({ layers: [layer] });
    const [, bias, u0] = model.getWeights();
    model.setWeights([tf.tensor2d(w), bias, u0]);
    const initialU = tf.tensor2d(Array.from(u0.dataSync()), [1, 4]); // a copy: getWeights() returns the variables themselves
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 9);
    const kernel = model.trainableWeights[0].read() as tf.Variable;
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      [kernel],
    );
    // One power-iteration step ran first: v from the initial u, then the new u (now stored) from v.
    const v = tf.matMul(initialU, tf.tensor2d(w), false, true);
    const vUnit = v.div(tf.norm(v));
    const u = model.getWeights()[2].reshape([1, 4]);
    const expected = tf.grad((k: tf.Tensor) => {
      const sigma = tf.sum(tf.mul(tf.matMul(vUnit, k), u));
      return tf.sum(tf.square(tf.add(tf.matMul(x, tf.div(k, sigma)), bias)));
    })(tf.tensor2d(w));
    const gap = tf.abs(tf.sub(grads[kernel.name], expected)).max().dataSync()[0];
    const size = tf.abs(expected).max().dataSync()[0];
    assert.ok(gap < 1e-4 * size, `largest gap ${gap} against gradient entries up to ${size}`);
  });

  it("rejects bad sizes, naming them", () => {
    assert.throws(() => spectralNormDense({ units: 0 }), /units must be an integer >= 1, got 0/);
    assert.throws(
      () => spectralNormDense({ units: 2, powerIterations: 0 }),
      /powerIterations must be an integer >= 1, got 0/,
    );
  });
});
