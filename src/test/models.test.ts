import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { buildMlpDiscriminator, buildMlpGenerator, countParameters, tf } from "../lib";

describe("MLP models", () => {
  it("the generator maps [batch, latent] to [batch, 784] in (−1, 1)", () => {
    const g = buildMlpGenerator({ latentSize: 6, hiddenUnits: [8, 8], seed: 1 });
    const out = g.predict(tf.randomNormal([5, 6], 0, 3, "float32", 1)) as tf.Tensor;
    assert.deepEqual(out.shape, [5, 784]);
    assert.ok((out.abs().max().arraySync() as number) < 1);
    assert.equal(countParameters(g), 6 * 8 + 8 + 8 * 8 + 8 + 8 * 784 + 784);
  });

  it("the discriminator maps [batch, 784] to one logit per image", () => {
    const d = buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 1 });
    const out = d.predict(tf.ones([3, 784])) as tf.Tensor;
    assert.deepEqual(out.shape, [3, 1]);
  });

  it("the same seed gives the same weights, another seed other weights", () => {
    const weights = (seed: number) =>
      buildMlpDiscriminator({ hiddenUnits: [4], leakyAlpha: 0.2, seed }).getWeights()[0].arraySync();
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
  });

  it("rejects bad sizes, naming them", () => {
    assert.throws(() => buildMlpGenerator({ latentSize: 0, hiddenUnits: [8], seed: 1 }), /latentSize must be an integer >= 1, got 0/);
    assert.throws(() => buildMlpGenerator({ latentSize: 4, hiddenUnits: [8, -2], seed: 1 }), /hiddenUnits\[1\] .* got -2/);
    assert.throws(() => buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: NaN, seed: 1 }), /leakyAlpha must be a finite number, got NaN/);
  });
});
