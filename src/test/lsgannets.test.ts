// The LSGAN paper's architectures as notebook 08 scales them: layer lists and output shapes as its
// table states, parameter counts of the two label paths, and label codes that reach the output.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { tf } from "../lib/core/backend";
import {
  buildConditionalLsganDiscriminator,
  buildConditionalLsganGenerator,
  buildLsganDiscriminator,
  buildLsganGenerator,
} from "../lib/nets/lsgan";

/** [name, output shape] of every layer but the inputs. */
function table(model: tf.LayersModel): Array<[string, unknown]> {
  return model.layers
    .filter((l) => l.getClassName() !== "InputLayer")
    .map((l) => [l.name, l.outputShape]);
}

const trainable = (model: tf.LayersModel) =>
  model.trainableWeights.reduce((sum, w) => sum + tf.util.sizeFromShape(w.shape as number[]), 0);

describe("the few-class LSGAN networks at 28×28", () => {
  it("generator: dense to 7×7×C, stride 2 then 1 at 14×14 (C) and 28×28 (C/2), 3×3 kernels, tanh", () => {
    const g = buildLsganGenerator({ latentSize: 100, channels: 64, seed: 1 });
    const block = (name: string, shape: number[]) => [
      [`${name}_deconv`, [null, ...shape]],
      [`${name}_bn`, [null, ...shape]],
      [`${name}_relu`, [null, ...shape]],
    ];
    assert.deepEqual(table(g), [
      ["g_dense", [null, 3136]],
      ["g_dense_bn", [null, 3136]],
      ["g_dense_relu", [null, 3136]],
      ["g_reshape", [null, 7, 7, 64]],
      ...block("g_up1", [14, 14, 64]),
      ...block("g_same1", [14, 14, 64]),
      ...block("g_up2", [28, 28, 32]),
      ...block("g_same2", [28, 28, 32]),
      ["g_out", [null, 28, 28, 1]],
    ]);
    const kernels = g.layers
      .filter((l) => l.name.endsWith("deconv") || l.name === "g_out")
      .map((l) => (l.getConfig() as { kernelSize: number[]; strides: number[] }).kernelSize);
    assert.ok(kernels.every((k) => k[0] === 3 && k[1] === 3));
    const images = tf.tidy(
      () =>
        (
          g.predict(tf.randomNormal([2, 100], 0, 1, "float32", 3)) as tf.Tensor
        ).arraySync() as number[][][][],
    );
    assert.ok(images.flat(3).every((v) => v > -1 && v < 1));
    g.dispose();
  });

  it("discriminator: three 5×5 stride-2 convolutions, BatchNorm on all but the first, one output", () => {
    const d = buildLsganDiscriminator({ channels: 32, seed: 2 });
    assert.deepEqual(table(d), [
      ["d_down1_conv", [null, 14, 14, 32]],
      ["d_down1_leaky", [null, 14, 14, 32]],
      ["d_down2_conv", [null, 7, 7, 64]],
      ["d_down2_bn", [null, 7, 7, 64]],
      ["d_down2_leaky", [null, 7, 7, 64]],
      ["d_down3_conv", [null, 4, 4, 128]],
      ["d_down3_bn", [null, 4, 4, 128]],
      ["d_down3_leaky", [null, 4, 4, 128]],
      ["d_flatten", [null, 2048]],
      ["d_out", [null, 1]],
    ]);
    assert.equal(
      trainable(d),
      5 * 5 * 32 + 32 + 5 * 5 * 32 * 64 + 2 * 64 + 5 * 5 * 64 * 128 + 2 * 128 + 2048 + 1,
    );
    d.dispose();
  });
});

describe("the many-class (conditional) LSGAN networks at 28×56", () => {
  const args = (labelEncoding: "linear" | "one-hot") => ({
    latentSize: 50,
    numClasses: 100,
    labelEncoding,
    labelSize: labelEncoding === "linear" ? 16 : 100,
    channels: 32,
    seed: 3,
  });

  it("generator: the label code joins z, then dense to 7×14×C and two 5×5 stride-2 transposed convs", () => {
    const g = buildConditionalLsganGenerator(args("linear"));
    const shapes = Object.fromEntries(table(g));
    assert.deepEqual(shapes.g_label_linear, [null, 16]);
    assert.deepEqual(shapes.g_concat, [null, 66]);
    assert.deepEqual(shapes.g_reshape, [null, 7, 14, 32]);
    assert.deepEqual(shapes.g_up1_deconv, [null, 14, 28, 16]);
    assert.deepEqual(shapes.g_out, [null, 28, 56, 1]);
    const out = tf.tidy(
      () => (g.predict([tf.zeros([3, 50]), tf.tensor2d([[0], [42], [99]])]) as tf.Tensor).shape,
    );
    assert.deepEqual(out, [3, 28, 56, 1]);
    g.dispose();
  });

  it("the linear map costs 100·k + k weights and shrinks what follows; one-hot concatenation costs none", () => {
    const [linear, oneHot] = [args("linear"), args("one-hot")].map(buildConditionalLsganGenerator);
    const dense = 7 * 14 * 32;
    // G's dense layer reads z and the code: (50 + k) × dense weights.
    assert.equal(trainable(oneHot) - trainable(linear), (100 - 16) * dense - (100 * 16 + 16));
    linear.dispose();
    oneHot.dispose();
  });

  it("discriminator: the code tiled over the 14×28 map, joined to the features and to the dense layer", () => {
    const d = buildConditionalLsganDiscriminator(args("linear"));
    const shapes = Object.fromEntries(table(d));
    assert.deepEqual(shapes.d_label_map, [null, 14, 28, 16]);
    assert.deepEqual(shapes.d_concat1, [null, 14, 28, 16 + 16]);
    assert.deepEqual(shapes.d_down2_conv, [null, 7, 14, 32]);
    assert.deepEqual(shapes.d_concat2, [null, 7 * 14 * 32 + 16]);
    assert.deepEqual(shapes.d_concat3, [null, 4 * 32 + 16]);
    assert.deepEqual(shapes.d_out, [null, 1]);
    const [same, other] = tf.tidy(() => {
      const images = tf.randomNormal([2, 28, 56, 1], 0, 1, "float32", 4);
      const judge = (labels: number[][]) =>
        (d.apply([images, tf.tensor2d(labels)], { training: false }) as tf.Tensor).dataSync();
      return [judge([[7], [7]]), judge([[7], [70]])];
    });
    assert.equal(same[1] === other[1], false, "the label reaches D's output");
    d.dispose();
  });

  it("names a one-hot code whose size is not the number of classes", () => {
    assert.throws(
      () => buildConditionalLsganGenerator({ ...args("one-hot"), labelSize: 16 }),
      /a one-hot label code has numClasses \(100\) entries; labelSize is 16/,
    );
  });
});
