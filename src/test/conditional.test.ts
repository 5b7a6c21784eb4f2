import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  buildConditionalMlpDiscriminator,
  buildConditionalMlpGenerator,
  buildMlpDiscriminator,
  buildMlpGenerator,
  confidentShare,
  countPredictedDigits,
  createBatchStream,
  formatLabelScores,
  createGan,
  createNoiseSampler,
  generateImages,
  interpolateNoise,
  loadMnist,
  loadOrTrainGenerator,
  pixelSpread,
  scoreByLabel,
  LeanAdam,
  tf,
  trainDiscriminatorStep,
  trainGan,
  trainGeneratorStep,
  trainingCachePath,
  type Gan,
  type LabelEncoding,
} from "../lib";

const data = loadMnist({ seed: 1 });
const tinyG = (seed = 1, labelEncoding: LabelEncoding = "embedding") =>
  buildConditionalMlpGenerator({
    latentSize: 6,
    hiddenUnits: [8, 16],
    labelSize: 4,
    labelEncoding,
    seed,
  });
const tinyD = (seed = 2, labelEncoding: LabelEncoding = "embedding") =>
  buildConditionalMlpDiscriminator({ hiddenUnits: [16, 8], labelSize: 4, labelEncoding, seed });

function tinyCgan(options: { l1Weight?: number; weightDecay?: number; seed?: number } = {}): Gan {
  const seed = options.seed ?? 1;
  return createGan({
    generator: tinyG(seed),
    discriminator: tinyD(seed + 1),
    learningRate: 1e-3,
    seed,
    l1Weight: options.l1Weight,
    weightDecay: options.weightDecay,
  });
}

const snapshot = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe("conditional models", () => {
  for (const encoding of ["embedding", "linear"] as const) {
    it(`label ${encoding}: G maps z [n, 6] and labels [n, 1] to [n, 784]; D maps images and labels to [n, 1]`, () => {
      const g = tinyG(1, encoding);
      const d = tinyD(2, encoding);
      const labels = tf.tensor2d([[0], [3], [9]]);
      const images = g.predict([tf.randomNormal([3, 6], 0, 1, "float32", 1), labels]) as tf.Tensor;
      assert.deepEqual(images.shape, [3, 784]);
      assert.ok(images.abs().max().dataSync()[0] < 1);
      assert.deepEqual((d.predict([images, labels]) as tf.Tensor).shape, [3, 1]);
      const code = g.getLayer(encoding === "embedding" ? "g_label_flatten" : "g_label_linear");
      assert.deepEqual(code.outputShape, [null, 4]);
      assert.deepEqual(g.getLayer("g_concat").outputShape, [null, 6 + 4]);
      assert.deepEqual(d.getLayer("d_concat").outputShape, [null, 784 + 4]);
    });
  }

  it("the label changes the picture: same z, two labels, two images", () => {
    const g = tinyG();
    const z = tf.randomNormal([1, 6], 0, 1, "float32", 2);
    const [a, b] = [
      generateImages(g, z as tf.Tensor2D, [1]),
      generateImages(g, z as tf.Tensor2D, [7]),
    ];
    assert.ok(tf.abs(tf.sub(a, b)).max().dataSync()[0] > 1e-4);
  });

  it("the embedding table has one row of labelSize per class; the linear map one column per class plus a bias", () => {
    assert.deepEqual(tinyG().getLayer("g_label_embedding").getWeights()[0].shape, [10, 4]);
    assert.deepEqual(
      tinyG(1, "linear")
        .getLayer("g_label_linear")
        .getWeights()
        .map((w) => w.shape),
      [[10, 4], [4]],
    );
  });

  it("the discriminator is spectrally normalised after its first layer", () => {
    const d = tinyD();
    assert.deepEqual(
      d.layers.filter((l) => l.getClassName() === "SpectralNormDense").map((l) => l.name),
      ["d_dense2", "d_logit"],
    );
    assert.equal(d.getLayer("d_dense1").getClassName(), "Dense");
  });

  it("rejects a bad label setting, naming it", () => {
    assert.throws(
      () =>
        buildConditionalMlpGenerator({ latentSize: 6, hiddenUnits: [8], labelSize: 0, seed: 1 }),
      /labelSize must be an integer >= 1, got 0/,
    );
    assert.throws(
      () =>
        buildConditionalMlpGenerator({
          latentSize: 6,
          hiddenUnits: [8],
          labelEncoding: "table" as LabelEncoding,
          seed: 1,
        }),
      /unknown label encoding "table"/,
    );
  });
});

describe("generateImages and interpolateNoise", () => {
  it("rejects labels outside [0, classes), naming the value", () => {
    const z = tf.zeros([2, 6]) as tf.Tensor2D;
    assert.throws(
      () => generateImages(tinyG(), z, [1, 10]),
      /labels\[1\] is 10; labels must be integers in \[0, 10\)/,
    );
    assert.throws(() => generateImages(tinyG(), z, [1.5, 2]), /labels\[0\] is 1.5/);
    assert.throws(() => generateImages(tinyG(), z, [1]), /got 1 labels for 2 noise vectors/);
    assert.throws(
      () => generateImages(tinyG(), z),
      /is conditional: pass one label per noise vector/,
    );
    assert.throws(
      () =>
        generateImages(buildMlpGenerator({ latentSize: 6, hiddenUnits: [4], seed: 1 }), z, [1, 2]),
      /takes no labels/,
    );
  });

  it("walks a straight line from z0 to z1, both ends included", () => {
    const line = interpolateNoise(tf.tensor1d([0, 2]), tf.tensor1d([4, -2]), 5);
    assert.deepEqual(line.arraySync(), [
      [0, 2],
      [1, 1],
      [2, 0],
      [3, -1],
      [4, -2],
    ]);
    assert.throws(
      () => interpolateNoise(tf.zeros([2]), tf.zeros([3]), 3),
      /end must have shape \[2\], got \[3\]/,
    );
  });
});

describe("conditional training", () => {
  it("a generator step leaves D's weights unchanged; a discriminator step leaves G's unchanged", () => {
    // Only trainable weights count: D's power-iteration vectors and G's BatchNorm averages move whenever
    // a network runs in training mode, as in PyTorch.
    const trainable = (m: tf.LayersModel) =>
      m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    const gan = tinyCgan({ l1Weight: 0.05 });
    const { images, labels } = createBatchStream(data, { batchSize: 8, seed: 1 }).nextBatch();
    const [d0, g0] = [trainable(gan.discriminator), trainable(gan.generator)];
    trainGeneratorStep(gan, 8, { labels, realImages: images });
    assert.deepEqual(trainable(gan.discriminator), d0);
    assert.notDeepEqual(trainable(gan.generator), g0);
    const g1 = trainable(gan.generator);
    trainDiscriminatorStep(gan, images, labels);
    assert.deepEqual(trainable(gan.generator), g1);
    assert.notDeepEqual(trainable(gan.discriminator), d0);
  });

  it("J(G) includes λ·mean|G(z, y) − x|, with the L1 term reported as computed by hand", () => {
    const gan = tinyCgan({ l1Weight: 0.5, seed: 3 });
    const { images, labels } = createBatchStream(data, { batchSize: 8, seed: 2 }).nextBatch();
    // Replay the step's noise (same seed) to compute the expected terms before the update.
    const z = createNoiseSampler({ latentSize: 6, seed: 3 })(8);
    const y = labels.reshape([8, 1]);
    const fakes = gan.generator.apply([z, y], { training: true }) as tf.Tensor;
    const logits = gan.discriminator.apply([fakes, y], { training: true }) as tf.Tensor;
    const l1 = tf.mean(tf.abs(tf.sub(fakes, images))).dataSync()[0];
    const cost = tf
      .mean(tf.softplus(tf.neg(logits)))
      .mul(0.5)
      .dataSync()[0];
    // Reset the power-iteration vectors the replay moved, so the step sees what the replay saw.
    const fresh = tinyCgan({ l1Weight: 0.5, seed: 3 });
    const metrics = trainGeneratorStep(fresh, 8, { labels, realImages: images });
    assert.ok(
      metrics.l1 !== undefined && Math.abs(metrics.l1 - l1) < 1e-5,
      `L1 ${metrics.l1} vs ${l1}`,
    );
    assert.ok(
      Math.abs(metrics.gLoss - (cost + 0.5 * l1)) < 1e-5,
      `J(G) ${metrics.gLoss} vs ${cost + 0.5 * l1}`,
    );
  });

  it("weight decay λ adds λ·w to each gradient, as PyTorch's Adam does", () => {
    // Adam's first step moves each weight by −lr·g/(|g| + ε): compare with that step taken by hand on g + λ·w.
    const gan = tinyCgan({ weightDecay: 0.3, seed: 4 });
    const { images, labels } = createBatchStream(data, { batchSize: 8, seed: 3 }).nextBatch();
    const reference = tinyCgan({ seed: 4 });
    const before = reference.discriminator.getLayer("d_dense1").getWeights()[0];
    const w0 = Array.from(before.dataSync());
    const variables = reference.discriminator.trainableWeights.map((v) => v.read() as tf.Variable);
    const fakes = reference.generator.apply([reference.sampleNoise(8), labels.reshape([8, 1])], {
      training: true,
    }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => {
      // D has no BatchNorm, so the step judges real and fake digits in one pass (one power iteration).
      const y = labels.reshape([8, 1]);
      const both = reference.discriminator.apply([tf.concat([images, fakes]), tf.concat([y, y])], {
        training: true,
      }) as tf.Tensor;
      const [real, fake] = tf.split(both, 2);
      return tf
        .add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)))
        .mul(0.5) as tf.Scalar;
    }, variables);
    const kernelName = reference.discriminator.getLayer("d_dense1").trainableWeights[0].name;
    const gk = Array.from(grads[kernelName].dataSync());
    // Adam's first step: m̂ = g', v̂ = g'², so Δw = −lr·g'/(|g'| + ε) with g' = g + λ·w.
    const expected = w0.map((w, i) => {
      const gd = gk[i] + 0.3 * w;
      return w - (1e-3 * gd) / (Math.abs(gd) + 1e-7);
    });
    trainDiscriminatorStep(gan, images, labels);
    const after = Array.from(gan.discriminator.getLayer("d_dense1").getWeights()[0].dataSync());
    const worst = Math.max(...after.map((w, i) => Math.abs(w - expected[i])));
    assert.ok(worst < 1e-6, `largest gap ${worst}`);
  });

  it("asks for labels when conditional, refuses them when not, and needs the real images for L1", () => {
    const gan = tinyCgan({ l1Weight: 0.1 });
    const images = tf.zeros([4, 784]);
    assert.throws(
      () => trainDiscriminatorStep(gan, images),
      /this GAN is conditional: pass the batch's labels/,
    );
    assert.throws(
      () => trainGeneratorStep(gan, 4, { labels: tf.tensor1d([1, 2, 3, 4], "int32") }),
      /has an L1 term: pass the real images/,
    );
    assert.throws(
      () => trainDiscriminatorStep(gan, images, tf.tensor1d([1, 2, 3], "int32")),
      /labels must have shape \[4, 1\], got \[3, 1\]/,
    );
    const plain = createGan({
      generator: buildMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed: 1 }),
      discriminator: buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 2 }),
      learningRate: 1e-3,
      seed: 1,
    });
    assert.throws(
      () => trainDiscriminatorStep(plain, images, tf.tensor1d([1, 2, 3, 4], "int32")),
      /is not conditional: it takes no labels/,
    );
    assert.throws(
      () =>
        createGan({
          generator: plain.generator,
          discriminator: plain.discriminator,
          learningRate: 1e-3,
          seed: 1,
          l1Weight: 0.1,
        }),
      /l1Weight needs a conditional GAN/,
    );
    assert.throws(
      () =>
        createGan({
          generator: tinyG(),
          discriminator: plain.discriminator,
          learningRate: 1e-3,
          seed: 1,
        }),
      /both must be conditional/,
    );
    assert.throws(
      () => tinyCgan({ weightDecay: NaN }),
      /weightDecay must be a finite number, got NaN/,
    );
  });

  it("tf.memory().numTensors does not grow across conditional steps; same seeds give the same losses", async () => {
    const run = async () => {
      const gan = tinyCgan({ l1Weight: 0.05, weightDecay: 1e-4, seed: 6 });
      const batches = createBatchStream(data, { batchSize: 8, seed: 5 });
      await trainGan({ gan, batches, steps: 2 });
      const before = tf.memory().numTensors;
      const history = await trainGan({ gan, batches, steps: 10 });
      assert.equal(tf.memory().numTensors, before);
      return history.map((m) => [m.dLoss, m.gLoss, m.l1]);
    };
    assert.deepEqual(await run(), await run());
  });
});

describe("scoring generated digits", () => {
  // A stand-in classifier that reads every image as the digit 3.
  const alwaysThree = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, activation: "softmax", kernelInitializer: "zeros" }),
    ],
  });
  alwaysThree.layers[1].setWeights([tf.zeros([784, 10]), tf.oneHot([3], 10).reshape([10]).mul(5)]);

  it("scores per requested label and overall; counts what the classifier reads", () => {
    const images = tf.zeros([4, 784]);
    const scores = scoreByLabel(alwaysThree, images, [3, 3, 5, 0]);
    assert.deepEqual(scores.perLabel.slice(0, 6), [0, NaN, NaN, 1, NaN, 0]);
    assert.equal(scores.overall, 0.5);
    assert.deepEqual(scores.counts, [1, 0, 0, 2, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(countPredictedDigits(alwaysThree, images), [0, 0, 0, 4, 0, 0, 0, 0, 0, 0]);
    // Its top probability is e⁵/(e⁵ + 9) ≈ 0.943 for every image.
    assert.equal(confidentShare(alwaysThree, images, 0.9), 1);
    assert.equal(confidentShare(alwaysThree, images, 0.95), 0);
    assert.throws(
      () => confidentShare(alwaysThree, images, 1),
      /threshold must be in \(0, 1\), got 1/,
    );
    assert.throws(() => scoreByLabel(alwaysThree, images, [3, 3, 5, 12]), /labels\[3\] is 12/);
    const table = formatLabelScores({ "always 3": scores }).split("\n");
    assert.equal(table[0], "label    |    0    1    2    3    4    5    6    7    8    9 |   all");
    assert.equal(table[2], "always 3 |   0%  –    –   100%  –     0%  –    –    –    –   |   50%");
  });
});

describe("pixelSpread", () => {
  it("is 0 for identical images and the per-pixel standard deviation otherwise", () => {
    assert.equal(pixelSpread(tf.ones([5, 784])), 0);
    // Two images, every pixel −1 in one and 1 in the other: each pixel's standard deviation is 1.
    assert.ok(
      Math.abs(pixelSpread(tf.stack([tf.fill([28, 28, 1], -1), tf.ones([28, 28, 1])])) - 1) < 1e-6,
    );
    assert.throws(() => pixelSpread(tf.ones([1, 784])), /needs at least 2 images, got 1/);
  });
});

describe("two time scales", () => {
  it("gives D its own learning rate when asked, and checks it", () => {
    const gan = createGan({
      generator: tinyG(),
      discriminator: tinyD(),
      learningRate: 1e-4,
      discriminatorLearningRate: 4e-4,
      seed: 1,
    });
    assert.equal((gan.generatorOptimizer as LeanAdam).learningRate, 1e-4);
    assert.equal((gan.discriminatorOptimizers[0] as LeanAdam).learningRate, 4e-4);
    assert.throws(
      () =>
        createGan({
          generator: tinyG(),
          discriminator: tinyD(),
          learningRate: 1e-4,
          discriminatorLearningRate: NaN,
          seed: 1,
        }),
      /learningRate must be a finite number, got NaN/,
    );
  });
});

describe("the training cache", () => {
  it("trains once, then loads the same weights and history; a changed setting trains again", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-cache-"));
    let calls = 0;
    const attempt = async (settings: object) => {
      const gan = tinyCgan({ seed: 8 });
      const batches = createBatchStream(data, { batchSize: 8, seed: 1 });
      const run = await loadOrTrainGenerator({
        cacheDir,
        name: "tiny",
        settings,
        generator: gan.generator,
        discriminator: gan.discriminator,
        train: () => {
          calls += 1;
          return trainGan({ gan, batches, steps: 3 });
        },
      });
      return { run, weights: snapshot(gan.generator) };
    };
    const first = await attempt({ steps: 3 });
    const second = await attempt({ steps: 3 });
    assert.equal(calls, 1);
    assert.equal(first.run.fromCache, false);
    assert.equal(second.run.fromCache, true);
    assert.deepEqual(second.weights, first.weights);
    assert.deepEqual(second.run.history, first.run.history);
    await attempt({ steps: 4 });
    assert.equal(calls, 2);
    assert.deepEqual(
      fs.readdirSync(cacheDir).sort(),
      [
        path.basename(first.run.cachePath),
        path.basename(
          trainingCachePath({
            cacheDir,
            name: "tiny",
            settings: { steps: 4 },
            generator: tinyG(8),
            discriminator: tinyD(9),
          }),
        ),
      ].sort(),
    );
  });

  it("a run that throws leaves no cache entry", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-cache-"));
    await assert.rejects(
      loadOrTrainGenerator({
        cacheDir,
        name: "broken",
        settings: {},
        generator: tinyG(),
        discriminator: tinyD(),
        train: () => {
          throw new Error("diverged");
        },
      }),
      /diverged/,
    );
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });
});
