import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildMlpDiscriminator,
  buildMlpGenerator,
  countParameters,
  orthogonalInit,
  tf,
} from "../lib";

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
      buildMlpDiscriminator({ hiddenUnits: [4], leakyAlpha: 0.2, seed })
        .getWeights()[0]
        .arraySync();
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
  });

  it("rejects bad sizes, naming them", () => {
    assert.throws(
      () => buildMlpGenerator({ latentSize: 0, hiddenUnits: [8], seed: 1 }),
      /latentSize must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => buildMlpGenerator({ latentSize: 4, hiddenUnits: [8, -2], seed: 1 }),
      /hiddenUnits\[1\] .* got -2/,
    );
    assert.throws(
      () => buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: NaN, seed: 1 }),
      /leakyAlpha must be a finite number, got NaN/,
    );
  });
});

describe("MLP options (notebook 07)", () => {
  const layers = (model: tf.LayersModel) =>
    model.layers.map((l) => {
      const activation = (l.getConfig() as { activation?: string }).activation;
      return `${l.name}:${l.getClassName()}${activation !== undefined ? `(${activation})` : ""}`;
    });

  it("the defaults keep the layer lists of notebooks 01 to 05", () => {
    assert.deepEqual(layers(buildMlpGenerator({ latentSize: 4, hiddenUnits: [8, 8], seed: 1 })), [
      "g_dense1:Dense(relu)",
      "g_dense2:Dense(relu)",
      "g_out:Dense(tanh)",
    ]);
    assert.deepEqual(
      layers(buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 1 })),
      ["d_dense1:Dense(linear)", "d_leaky1:LeakyReLU", "d_logit:Dense(linear)"],
    );
  });

  it("BatchNorm in G: dense → BatchNorm → activation in every hidden layer, none on the output", () => {
    const g = buildMlpGenerator({
      latentSize: 4,
      hiddenUnits: [8, 8],
      activation: "tanh",
      batchNorm: true,
      seed: 1,
    });
    assert.deepEqual(layers(g), [
      "g_dense1:Dense(linear)",
      "g_bn1:FusedBatchNormalization",
      "g_act1:Activation(tanh)",
      "g_dense2:Dense(linear)",
      "g_bn2:FusedBatchNormalization",
      "g_act2:Activation(tanh)",
      "g_out:Dense(tanh)",
    ]);
  });

  it("BatchNorm in D: in every hidden layer but the first, which sees the data", () => {
    const d = buildMlpDiscriminator({
      hiddenUnits: [8, 8, 8],
      leakyAlpha: 0.2,
      batchNorm: true,
      seed: 1,
    });
    assert.deepEqual(layers(d), [
      "d_dense1:Dense(linear)",
      "d_leaky1:LeakyReLU",
      "d_dense2:Dense(linear)",
      "d_bn2:FusedBatchNormalization",
      "d_leaky2:LeakyReLU",
      "d_dense3:Dense(linear)",
      "d_bn3:FusedBatchNormalization",
      "d_leaky3:LeakyReLU",
      "d_logit:Dense(linear)",
    ]);
  });

  it("the ring's networks: tanh hidden layers, a linear 2-D output, points outside (−1, 1)", () => {
    const g = buildMlpGenerator({
      latentSize: 16,
      hiddenUnits: [32, 32],
      outputSize: 2,
      activation: "tanh",
      outputActivation: "linear",
      kernelInit: orthogonalInit(1.4),
      seed: 2,
    });
    const d = buildMlpDiscriminator({
      inputSize: 2,
      hiddenUnits: [32, 32],
      activation: "tanh",
      seed: 3,
    });
    assert.deepEqual(layers(g), [
      "g_dense1:Dense(tanh)",
      "g_dense2:Dense(tanh)",
      "g_out:Dense(linear)",
    ]);
    assert.deepEqual(layers(d), [
      "d_dense1:Dense(tanh)",
      "d_dense2:Dense(tanh)",
      "d_logit:Dense(linear)",
    ]);
    const points = tf.tidy(
      () => g.predict(tf.randomNormal([256, 16], 0, 1, "float32", 4)) as tf.Tensor,
    );
    assert.deepEqual(points.shape, [256, 2]);
    assert.ok(
      (points.abs().max().arraySync() as number) > 1,
      "a linear output is not squashed into (−1, 1)",
    );
    points.dispose();
    assert.throws(
      () => buildMlpDiscriminator({ hiddenUnits: [4], seed: 1 }),
      /leakyAlpha is needed/,
    );
  });

  it("orthogonalInit(gain): kernel columns orthogonal with norm gain (KᵀK = gain²·I), without a console warning", () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const g = buildMlpGenerator({
        latentSize: 256,
        hiddenUnits: [128],
        kernelInit: orthogonalInit(1.4),
        seed: 5,
      });
      const gram = tf.tidy(() => {
        const k = g.getWeights()[0];
        return tf
          .sub(tf.matMul(k, k, true, false), tf.mul(tf.eye(128), 1.4 ** 2))
          .abs()
          .max()
          .arraySync() as number;
      });
      assert.ok(gram < 1e-4, `largest entry of KᵀK − 1.96·I: ${gram}`);
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warnings, []);
  });
});

describe("conv models (the source DCGAN)", () => {
  it("the generator maps [batch, 96] to [batch, 28, 28, 1] in (−1, 1)", async () => {
    const { buildConvGenerator } = await import("../lib");
    const g = buildConvGenerator({ latentSize: 96, seed: 1 });
    const out = g.predict(tf.randomUniform([3, 96], -1, 1, "float32", 2)) as tf.Tensor;
    assert.deepEqual(out.shape, [3, 28, 28, 1]);
    assert.ok((out.abs().max().arraySync() as number) < 1);
    // dense 96→1024, BN, dense 1024→6272, BN, deconv 4·4·128·64 + 64, BN, deconv 4·4·64·1 + 1
    assert.equal(
      countParameters(g),
      96 * 1024 +
        1024 +
        2 * 1024 +
        (1024 * 6272 + 6272) +
        2 * 6272 +
        (4 * 4 * 128 * 64 + 64) +
        2 * 64 +
        (4 * 4 * 64 + 1),
    );
  });

  it("the discriminator maps [batch, 28, 28, 1] to one logit, through a 1024-wide flatten", async () => {
    const { buildConvDiscriminator } = await import("../lib");
    const d = buildConvDiscriminator({ leakyAlpha: 0.01, seed: 1 });
    assert.deepEqual(d.getLayer("d_flatten").outputShape, [null, 1024]);
    assert.deepEqual((d.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor).shape, [2, 1]);
  });

  it("trains as a GAN: one step each, D unchanged by the G step", async () => {
    const {
      buildConvDiscriminator,
      buildConvGenerator,
      createGan,
      trainDiscriminatorStep,
      trainGeneratorStep,
    } = await import("../lib");
    const gan = createGan({
      generator: buildConvGenerator({ latentSize: 8, seed: 1 }),
      discriminator: buildConvDiscriminator({ leakyAlpha: 0.01, seed: 2 }),
      learningRate: 1e-3,
      noise: "uniform",
      seed: 3,
    });
    const metrics = trainDiscriminatorStep(gan, tf.zeros([4, 28, 28, 1]));
    assert.ok(Number.isFinite(metrics.dLoss));
    const before = gan.discriminator.getWeights().map((w) => Array.from(w.dataSync()));
    trainGeneratorStep(gan, 4);
    assert.deepEqual(
      gan.discriminator.getWeights().map((w) => Array.from(w.dataSync())),
      before,
    );
  });
});

describe("DCGAN-guideline models", () => {
  it("G maps [batch, 100] to [batch, 28, 28, 1] in (−1, 1); D maps images to one logit", async () => {
    const { buildDcganDiscriminator, buildDcganGenerator } = await import("../lib");
    const g = buildDcganGenerator({ latentSize: 100, seed: 1 });
    const images = g.predict(tf.randomNormal([3, 100], 0, 1, "float32", 2)) as tf.Tensor;
    assert.deepEqual(images.shape, [3, 28, 28, 1]);
    assert.ok((images.abs().max().arraySync() as number) < 1);
    const d = buildDcganDiscriminator({ seed: 2 });
    assert.deepEqual(d.getLayer("d_flatten").outputShape, [null, 7 * 7 * 128]);
    assert.deepEqual((d.predict(images) as tf.Tensor).shape, [3, 1]);
  });

  it("follows the guidelines: no pooling, BatchNorm but not on D's input or G's output, N(0, 0.02) weights", async () => {
    const { buildDcganDiscriminator, buildDcganGenerator } = await import("../lib");
    const [g, d] = [buildDcganGenerator({ seed: 1 }), buildDcganDiscriminator({ seed: 2 })];
    const kinds = (m: tf.LayersModel) => m.layers.map((l) => l.getClassName());
    assert.ok(![...kinds(g), ...kinds(d)].some((k) => k.includes("Pooling")));
    assert.equal(kinds(d)[1], "LeakyReLU", "no BatchNorm right after D's first conv");
    assert.notEqual(kinds(g)[kinds(g).length - 2], "BatchNormalization");
    assert.equal(kinds(g)[kinds(g).length - 1], "Conv2DTranspose");
    const kernel = Array.from(d.getLayer("d_conv2").getWeights()[0].dataSync());
    const std = Math.sqrt(kernel.reduce((s, x) => s + x * x, 0) / kernel.length);
    assert.ok(Math.abs(std - 0.02) < 0.002, `weights' standard deviation ${std}`);
  });
});
