import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { batchNormalization, tf } from "../lib";

const maxGap = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** A fused layer and a tfjs-layers one with the same (non-trivial) weights, built for `shape`. */
function pair(shape: number[]) {
  const fused = batchNormalization({ momentum: 0.9 });
  const plain = tf.layers.batchNormalization({ momentum: 0.9 });
  fused.apply(tf.zeros(shape));
  plain.apply(tf.zeros(shape));
  const channels = shape[shape.length - 1];
  const weights = [
    tf.randomUniform([channels], 0.5, 1.5, "float32", 1),
    tf.randomNormal([channels], 0, 1, "float32", 2),
    tf.randomNormal([channels], 0, 1, "float32", 3),
    tf.randomUniform([channels], 0.5, 2, "float32", 4),
  ];
  fused.setWeights(weights);
  plain.setWeights(weights);
  return { fused, plain };
}

describe("FusedBatchNormalization", () => {
  for (const shape of [
    [32, 24],
    [8, 5, 5, 6],
  ]) {
    it(`matches tf.layers.batchNormalization on [${shape}]: training output, input and weight gradients, running statistics`, () => {
      const { fused, plain } = pair(shape);
      const x = tf.randomNormal(shape, 2, 3, "float32", 5);
      const dy = tf.randomNormal(shape, 0, 1, "float32", 6);
      const run = (layer: tf.layers.Layer) => {
        const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const loss = (input: tf.Tensor) =>
          tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy)) as tf.Scalar;
        const y = layer.apply(x, { training: true }) as tf.Tensor;
        const dx = tf.grad(loss)(x);
        const { grads } = tf.variableGrads(() => loss(x), variables);
        return { y, dx, grads: variables.map((v) => grads[v.name]) };
      };
      const [a, b] = [run(fused), run(plain)];
      assert.ok(maxGap(a.y, b.y) < 1e-4, `y differs by ${maxGap(a.y, b.y)}`);
      assert.ok(maxGap(a.dx, b.dx) < 1e-4, `dx differs by ${maxGap(a.dx, b.dx)}`);
      a.grads.forEach((g, i) =>
        assert.ok(
          maxGap(g, b.grads[i]) < 1e-3,
          `weight gradient ${i} differs by ${maxGap(g, b.grads[i])}`,
        ),
      );
      // Three training calls each: the running mean and variance moved alike.
      fused
        .getWeights()
        .forEach((w, i) =>
          assert.ok(
            maxGap(w, plain.getWeights()[i]) < 1e-4,
            `weight ${i} differs after training calls`,
          ),
        );
      assert.ok(
        maxGap(
          fused.getWeights()[2],
          tf.randomNormal([shape[shape.length - 1]], 0, 1, "float32", 3),
        ) > 1e-3,
        "the running mean moved",
      );
      // Inference uses the running statistics, as before.
      assert.ok(maxGap(fused.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor) < 1e-4);
    });
  }

  it("leaves no tensor behind per training call", () => {
    const { fused } = pair([16, 4]);
    const x = tf.randomNormal([16, 4]);
    const step = () =>
      tf.tidy(() => {
        tf.grad((input: tf.Tensor) => tf.sum(fused.apply(input, { training: true }) as tf.Tensor))(
          x,
        );
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, before);
  });
});
