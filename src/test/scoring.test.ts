import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildConditionalMlpGenerator,
  generateImages,
  pixelSpread,
  scoreByLabel,
  scoreConditionalGenerator,
  tf,
} from "../lib";

/** A small stand-in for the digit classifier: 28×28×1 → 10 logits, seeded. */
function smallClassifier(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
}

describe("scoreConditionalGenerator", () => {
  const generator = buildConditionalMlpGenerator({ latentSize: 6, hiddenUnits: [16], seed: 2 });
  const classifier = smallClassifier();
  const noise = tf.randomNormal([40, 6], 0, 1, "float32", 3) as tf.Tensor2D;

  it("scores digit i mod 10 for noise row i, and averages the spread over the ten digits", () => {
    const { scores, spread } = scoreConditionalGenerator({
      classifier,
      generator,
      noise,
      spreadCount: 20,
    });
    const labels = Array.from({ length: 40 }, (_, i) => i % 10);
    const images = generateImages(generator, noise, labels);
    assert.deepEqual(scores, scoreByLabel(classifier, images, labels));
    const spreads = labels
      .slice(0, 10)
      .map((digit) =>
        tf.tidy(() =>
          pixelSpread(
            generateImages(generator, noise.slice([0], [20]) as tf.Tensor2D, Array(20).fill(digit)),
          ),
        ),
      );
    assert.ok(Math.abs(spread - spreads.reduce((a, b) => a + b, 0) / 10) < 1e-7);
    assert.ok(spread > 0.001, `a generator that reads z should vary, spread ${spread}`);
    images.dispose();
  });

  it("gives a spread of 0 to a generator that ignores z, without leaking tensors", () => {
    const collapsed = buildConditionalMlpGenerator({ latentSize: 6, hiddenUnits: [16], seed: 2 });
    const dense = collapsed.getLayer("g_dense1");
    const [kernel, bias] = dense.getWeights();
    const zRowsZero = tf.tidy(() => tf.concat([tf.zeros([6, 16]), kernel.slice([6, 0], [-1, -1])]));
    dense.setWeights([zRowsZero, bias]);
    zRowsZero.dispose();
    const before = tf.memory().numTensors;
    const { spread } = scoreConditionalGenerator({
      classifier,
      generator: collapsed,
      noise,
      spreadCount: 20,
    });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(spread < 1e-6, `spread ${spread}`);
    collapsed.dispose();
  });

  it("rejects noise whose rows are not a multiple of ten, naming the count", () => {
    const odd = tf.zeros([15, 6]) as tf.Tensor2D;
    assert.throws(
      () => scoreConditionalGenerator({ classifier, generator, noise: odd }),
      /multiple of 10 rows, got 15/,
    );
    assert.throws(
      () => scoreConditionalGenerator({ classifier, generator, noise, spreadCount: 50 }),
      /spreadCount 50 is more than the 40 noise rows/,
    );
    odd.dispose();
  });
});
