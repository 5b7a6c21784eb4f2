import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  buildConditionalMlpGenerator,
  encodePng,
  loadModelFiles,
  saveModelFiles,
  tf,
} from "../lib";
import { nativeTfjs } from "../lib/core/backend";

describe("encodePng", () => {
  for (const channels of [1, 3, 4]) {
    it(`writes a PNG that a standard decoder reads back pixel for pixel (${channels} channel${channels > 1 ? "s" : ""})`, () => {
      const image = tf.tidy(() =>
        tf.randomUniform([7, 5, channels], 0, 256, "int32", channels),
      ) as tf.Tensor3D;
      const png = encodePng(image);
      assert.deepEqual(Array.from(png.subarray(1, 4)), [80, 78, 71]); // "PNG"
      const decoded = nativeTfjs().node.decodePng(png, channels);
      assert.deepEqual(decoded.shape, [7, 5, channels]);
      assert.deepEqual(Array.from(decoded.dataSync()), Array.from(image.dataSync()));
    });
  }

  it("rejects a channel count PNG does not have, naming it", () => {
    assert.throws(() => encodePng(tf.zeros([2, 2, 2]) as tf.Tensor3D), /1, 3 or 4 channels, got 2/);
  });
});

describe("model files", () => {
  it("round-trips a model with custom layers: same outputs after saving and loading", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-files-"));
    const model = buildConditionalMlpGenerator({
      latentSize: 4,
      hiddenUnits: [8],
      labelSize: 3,
      seed: 1,
    });
    await saveModelFiles(model, folder);
    assert.deepEqual(fs.readdirSync(folder).sort(), ["model.json", "weights.bin"]);
    const loaded = await loadModelFiles(folder);
    const inputs = [tf.randomNormal([3, 4], 0, 1, "float32", 2), tf.tensor2d([[0], [5], [9]])];
    assert.deepEqual(
      Array.from((loaded.predict(inputs) as tf.Tensor).dataSync()),
      Array.from((model.predict(inputs) as tf.Tensor).dataSync()),
    );
  });

  it("reads what tfjs-node's file:// handler writes", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-files-"));
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 2,
          inputShape: [3],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
      ],
    });
    await model.save(`file://${folder}`);
    const loaded = await loadModelFiles(folder);
    assert.deepEqual(
      Array.from(loaded.getWeights()[0].dataSync()),
      Array.from(model.getWeights()[0].dataSync()),
    );
  });
});
