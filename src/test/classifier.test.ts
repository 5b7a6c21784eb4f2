import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import {
  classifyDigits,
  loadHeldOutDigits,
  loadMnist,
  loadOrTrainDigitClassifier,
  tf,
} from "../lib";
import { classifierAccuracy } from "../lib/measure/classifier";

describe("digit classifier", () => {
  // Each test caches in a folder of its own, so none depends on what another trained before it.
  const created: string[] = [];
  const freshCacheDir = () => {
    created.push(fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-classifier-")));
    return created[created.length - 1];
  };
  after(() => created.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  // Settings that train in a moment: one epoch on 500 digits.
  const cheap = { epochs: 1, testDigits: 9500 };

  it("reaches at least 97 % on held-out real digits, and is cached by its settings", async () => {
    const cacheDir = freshCacheDir();
    const trained = await loadOrTrainDigitClassifier({ cacheDir });
    assert.equal(trained.fromCache, false);
    assert.ok(trained.testAccuracy >= 0.97, `held-out accuracy ${trained.testAccuracy}`);
    const loaded = await loadOrTrainDigitClassifier({ cacheDir });
    assert.equal(loaded.fromCache, true);
    assert.equal(loaded.cachePath, trained.cachePath);
    assert.equal(loaded.testAccuracy, trained.testAccuracy);
    const sample = loadMnist({ seed: 9 }).images.slice([0], [50]);
    assert.deepEqual(
      classifyDigits(loaded.model, sample).arraySync(),
      classifyDigits(trained.model, sample).arraySync(),
    );
  });

  it("a changed setting gets its own cache entry", async () => {
    const cacheDir = freshCacheDir();
    const first = await loadOrTrainDigitClassifier({ cacheDir, ...cheap });
    assert.equal(first.fromCache, false);
    const other = await loadOrTrainDigitClassifier({ cacheDir, epochs: 1, testDigits: 9000 });
    assert.equal(other.fromCache, false);
    assert.notEqual(other.cachePath, first.cachePath);
    assert.deepEqual(
      fs
        .readdirSync(cacheDir)
        .map((name) => path.join(cacheDir, name))
        .sort(),
      [first.cachePath, other.cachePath].sort(),
    );
    assert.ok(other.testAccuracy > 0.5, `still learns: ${other.testAccuracy}`);
    const again = await loadOrTrainDigitClassifier({ cacheDir, ...cheap });
    assert.equal(again.fromCache, true);
    [first.model, other.model, again.model].forEach((model) => model.dispose());
  });

  it("loadHeldOutDigits gives the digits its accuracy was measured on, and keeps no tensor", async () => {
    const trained = await loadOrTrainDigitClassifier({ cacheDir: freshCacheDir(), ...cheap });
    const before = tf.memory().numTensors;
    const heldOut = loadHeldOutDigits({ testDigits: cheap.testDigits });
    assert.deepEqual(heldOut.shape, [cheap.testDigits, 28, 28, 1]);
    const all = loadMnist({ layout: "image", seed: 1 });
    const labels = all.labels.slice([all.count - cheap.testDigits]);
    // The same digits in the same order: the accuracy measured at training, to the last bit.
    assert.equal(classifierAccuracy(trained.model, heldOut, labels), trained.testAccuracy);
    const [firstImages, first] = [
      all.images.slice([0], [cheap.testDigits]),
      all.labels.slice([0], [cheap.testDigits]),
    ]; // the training digits, which it reads better
    assert.notEqual(classifierAccuracy(trained.model, firstImages, first), trained.testAccuracy);
    tf.dispose([heldOut, all.images, all.labels, labels, firstImages, first]);
    assert.equal(tf.memory().numTensors, before);
    trained.model.dispose();
    assert.throws(() => loadHeldOutDigits({ testDigits: 0.5 }), /testDigits must be an integer/);
  });

  it("rejects bad settings, naming them", async () => {
    const cacheDir = freshCacheDir();
    await assert.rejects(
      loadOrTrainDigitClassifier({ cacheDir, epochs: 0 }),
      /epochs must be an integer >= 1, got 0/,
    );
    await assert.rejects(
      loadOrTrainDigitClassifier({ cacheDir, learningRate: NaN }),
      /learningRate must be a finite number, got NaN/,
    );
  });

  it("training leaves the same tensors behind however many steps it runs (model and optimiser state only)", async () => {
    const cacheDir = freshCacheDir(); // empty: both calls below train
    const leftAfter = async (epochs: number) => {
      const before = tf.memory().numTensors;
      await loadOrTrainDigitClassifier({ cacheDir, epochs, testDigits: 9500 });
      return tf.memory().numTensors - before;
    };
    assert.equal(await leftAfter(1), await leftAfter(3));
  });

  it("loading from the cache leaves no tensors behind but the model's", async () => {
    const cacheDir = freshCacheDir();
    (await loadOrTrainDigitClassifier({ cacheDir, ...cheap })).model.dispose();
    const before = tf.memory().numTensors;
    const again = await loadOrTrainDigitClassifier({ cacheDir, ...cheap });
    assert.equal(again.fromCache, true);
    const weights = again.model.weights.length;
    assert.equal(tf.memory().numTensors, before + weights);
    again.model.dispose();
  });
});
