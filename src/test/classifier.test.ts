import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import { classifyDigits, loadMnist, loadOrTrainDigitClassifier, tf } from "../lib";

describe("digit classifier", () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-classifier-"));

  it("reaches at least 97 % on held-out real digits, and is cached by its settings", async () => {
    const trained = await loadOrTrainDigitClassifier({ cacheDir });
    assert.equal(trained.fromCache, false);
    assert.ok(trained.testAccuracy >= 0.97, `held-out accuracy ${trained.testAccuracy}`);
    const loaded = await loadOrTrainDigitClassifier({ cacheDir });
    assert.equal(loaded.fromCache, true);
    assert.equal(loaded.cachePath, trained.cachePath);
    assert.equal(loaded.testAccuracy, trained.testAccuracy);
    const sample = loadMnist({ seed: 9 }).images.slice([0], [50]);
    assert.deepEqual(classifyDigits(loaded.model, sample).arraySync(), classifyDigits(trained.model, sample).arraySync());
  });

  it("a changed setting gets its own cache entry", async () => {
    const other = await loadOrTrainDigitClassifier({ cacheDir, epochs: 1, testDigits: 9000 });
    assert.equal(other.fromCache, false);
    assert.equal(fs.readdirSync(cacheDir).length, 2);
    assert.ok(other.testAccuracy > 0.5, `still learns: ${other.testAccuracy}`);
  });

  it("rejects bad settings, naming them", async () => {
    await assert.rejects(loadOrTrainDigitClassifier({ cacheDir, epochs: 0 }), /epochs must be an integer >= 1, got 0/);
    await assert.rejects(loadOrTrainDigitClassifier({ cacheDir, learningRate: NaN }), /learningRate must be a finite number, got NaN/);
  });

  it("training leaves the same tensors behind however many steps it runs (model and optimiser state only)", async () => {
    const leftAfter = async (epochs: number) => {
      const before = tf.memory().numTensors;
      await loadOrTrainDigitClassifier({ cacheDir, epochs, testDigits: 9500 });
      return tf.memory().numTensors - before;
    };
    assert.equal(await leftAfter(1), await leftAfter(3));
  });

  it("loading from the cache leaves no tensors behind but the model's", async () => {
    const before = tf.memory().numTensors;
    const again = await loadOrTrainDigitClassifier({ cacheDir });
    const weights = again.model.weights.length;
    assert.equal(tf.memory().numTensors, before + weights);
    again.model.dispose();
  });
});
