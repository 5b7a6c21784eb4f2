import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  buildConditionalMlpDiscriminator,
  buildConditionalMlpGenerator,
  createBatchStream,
  createGan,
  createWeightAverage,
  loadMnist,
  loadOrTrainGenerator,
  tf,
  trainStep,
  type StepMetrics,
} from "../lib";

const tinyG = (seed = 1) =>
  buildConditionalMlpGenerator({ latentSize: 6, hiddenUnits: [8, 16], labelSize: 4, seed });
const tinyD = (seed = 2) =>
  buildConditionalMlpDiscriminator({ hiddenUnits: [16, 8], labelSize: 4, seed });
const values = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const data = loadMnist({ seed: 1 });

/** Trains a tiny conditional GAN for `steps` steps, updating `average` after each. */
function trainWithAverage(
  generator: tf.LayersModel,
  update: () => void,
  steps: number,
): StepMetrics[] {
  const gan = createGan({ generator, discriminator: tinyD(), learningRate: 1e-2, seed: 3 });
  const batches = createBatchStream(data, { batchSize: 8, seed: 4 });
  const history: StepMetrics[] = [];
  for (let step = 1; step <= steps; step++) {
    history.push({ step, ...trainStep(gan, batches) });
    update();
  }
  return history;
}

describe("createWeightAverage", () => {
  it("starts as a copy of the source, with the same architecture and its own variables", async () => {
    const g = tinyG();
    const average = await createWeightAverage(g, { decay: 0.9 });
    assert.deepEqual(values(average.model), values(g));
    const layout = (model: tf.LayersModel) =>
      model.layers.map((l) => `${l.getClassName()} ${l.name} ${JSON.stringify(l.outputShape)}`);
    assert.deepEqual(layout(average.model), layout(g));
    assert.ok(average.model.weights.every((w, i) => w.read() !== g.weights[i].read()));
    assert.equal(average.updates, 0);
  });

  it("moves trainable weights to β·w̄ + (1 − β)·w and copies BatchNorm's running statistics", async () => {
    const g = tinyG();
    const average = await createWeightAverage(g, { decay: 0.75 });
    const before = values(g);
    trainWithAverage(g, () => undefined, 2); // the source moves, the average does not
    const after = values(g);
    assert.notDeepEqual(after, before);
    average.update();
    const trainable = new Set(g.trainableWeights.map((w) => w.id));
    let averagedCount = 0;
    values(average.model).forEach((got, i) => {
      const isTrainable = trainable.has(g.weights[i].id);
      averagedCount += isTrainable ? 1 : 0;
      got.forEach((value, j) => {
        const expected = isTrainable ? 0.75 * before[i][j] + 0.25 * after[i][j] : after[i][j];
        assert.ok(
          Math.abs(value - expected) < 1e-6,
          `${g.weights[i].name}[${j}]: ${value} vs ${expected}`,
        );
      });
    });
    assert.ok(
      averagedCount > 0 && averagedCount < g.weights.length,
      "both kinds of weight were checked",
    );
    assert.equal(average.updates, 1);
    assert.deepEqual(values(g), after, "the source is not changed");
  });

  it("updates without leaving tensors behind", async () => {
    const g = tinyG();
    const average = await createWeightAverage(g, { decay: 0.99 });
    average.update();
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) average.update();
    assert.equal(tf.memory().numTensors, count);
    average.dispose();
    assert.equal(tf.memory().numTensors, count - g.weights.length);
  });

  it("rejects a decay outside (0, 1), naming it", async () => {
    for (const decay of [0, 1, 1.5, -0.1]) {
      await assert.rejects(
        createWeightAverage(tinyG(), { decay }),
        new RegExp(`decay must be in \\(0, 1\\), got ${decay}`),
      );
    }
    await assert.rejects(
      createWeightAverage(tinyG(), { decay: NaN }),
      /decay must be a finite number, got NaN/,
    );
  });
});

describe("the training cache with an averaged generator", () => {
  it("saves the averaged copy beside the generator and fills both on a cache hit", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-average-"));
    let calls = 0;
    const attempt = async () => {
      const g = tinyG();
      const average = await createWeightAverage(g, { decay: 0.5 });
      const run = await loadOrTrainGenerator({
        cacheDir,
        name: "tiny",
        settings: { steps: 3 },
        generator: g,
        discriminator: tinyD(),
        averaged: average.model,
        train: () => {
          calls += 1;
          return trainWithAverage(g, () => average.update(), 3);
        },
      });
      return { run, generator: values(g), averaged: values(average.model) };
    };
    const first = await attempt();
    const second = await attempt();
    assert.equal(calls, 1);
    assert.equal(second.run.fromCache, true);
    assert.deepEqual(second.generator, first.generator);
    assert.deepEqual(second.averaged, first.averaged);
    assert.notDeepEqual(first.averaged, first.generator);
    assert.ok(fs.existsSync(path.join(first.run.cachePath, "averaged", "model.json")));
  });

  it("trains again when the cached run has no averaged copy", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-average-"));
    const g = tinyG();
    const args = { cacheDir, name: "tiny", settings: {}, generator: g, discriminator: tinyD() };
    await loadOrTrainGenerator({ ...args, train: () => trainWithAverage(g, () => undefined, 1) });
    const average = await createWeightAverage(g, { decay: 0.5 });
    const again = await loadOrTrainGenerator({
      ...args,
      averaged: average.model,
      train: () => trainWithAverage(g, () => average.update(), 1),
    });
    assert.equal(again.fromCache, false);
    assert.ok(fs.existsSync(path.join(again.cachePath, "averaged", "model.json")));
  });
});
