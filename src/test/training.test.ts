import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildDcganDiscriminator,
  buildDcganGenerator,
  buildMlpDiscriminator,
  buildMlpGenerator,
  createBatchStream,
  createGan,
  disposeOptimizers,
  createNoiseSampler,
  createPortableNoiseSampler,
  leastSquaresObjective,
  loadMnist,
  tf,
  trainDiscriminatorStep,
  trainGan,
  trainGeneratorStep,
  type Gan,
} from "../lib";

const data = loadMnist({ seed: 1 });

function tinyGan(seed = 1, learningRate = 1e-3): Gan {
  return createGan({
    generator: buildMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed }),
    discriminator: buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: seed + 10 }),
    learningRate,
    seed,
  });
}

const snapshot = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe("training steps", () => {
  it("a generator step changes G and leaves D's weights unchanged", () => {
    const gan = tinyGan();
    const [d0, g0] = [snapshot(gan.discriminator), snapshot(gan.generator)];
    trainGeneratorStep(gan, 8);
    assert.deepEqual(snapshot(gan.discriminator), d0);
    assert.notDeepEqual(snapshot(gan.generator), g0);
  });

  it("a discriminator step changes D and leaves G's weights unchanged", () => {
    const gan = tinyGan();
    const batches = createBatchStream(data, { batchSize: 8, seed: 1 });
    const [d0, g0] = [snapshot(gan.discriminator), snapshot(gan.generator)];
    const real = batches.nextImages();
    // D(x) and D(G(z)) by hand, before the update: mean σ(logit) on this real batch and on the fakes of the
    // noise the step will draw (a sampler with the GAN's seed gives the same first batch).
    const meanVerdict = (images: tf.Tensor) =>
      tf.tidy(
        () =>
          tf
            .sigmoid(gan.discriminator.predict(images) as tf.Tensor)
            .mean()
            .dataSync()[0],
      );
    const noise = createNoiseSampler({ latentSize: 4, seed: 1 })(8);
    const fakes = gan.generator.predict(noise) as tf.Tensor;
    const [dReal, dFake] = [meanVerdict(real), meanVerdict(fakes)];
    tf.dispose([noise, fakes]);
    const metrics = trainDiscriminatorStep(gan, real);
    real.dispose();
    assert.deepEqual(snapshot(gan.generator), g0);
    assert.notDeepEqual(snapshot(gan.discriminator), d0);
    assert.ok(Math.abs(metrics.dReal - dReal) < 1e-5, `D(x): ${metrics.dReal} vs ${dReal} by hand`);
    assert.ok(
      Math.abs(metrics.dFake - dFake) < 1e-5,
      `D(G(z)): ${metrics.dFake} vs ${dFake} by hand`,
    );
  });

  it("reports J(D) as computed by hand from D's outputs before the update", () => {
    const gan = tinyGan();
    const real = tf.randomUniform([8, 784], -1, 1, "float32", 3);
    // Replay the noise the step will draw: a sampler with the same seed gives the same first batch.
    const noise = createNoiseSampler({ latentSize: 4, seed: 1 })(8);
    const fakes = gan.generator.predict(noise) as tf.Tensor;
    const dx = Array.from(tf.sigmoid(gan.discriminator.predict(real) as tf.Tensor).dataSync());
    const dgz = Array.from(tf.sigmoid(gan.discriminator.predict(fakes) as tf.Tensor).dataSync());
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const expected = -0.5 * mean(dx.map(Math.log)) - 0.5 * mean(dgz.map((p) => Math.log(1 - p)));
    const metrics = trainDiscriminatorStep(gan, real);
    assert.ok(Math.abs(metrics.dLoss - expected) < 1e-5, `${metrics.dLoss} vs ${expected}`);
    assert.ok(
      Math.abs(metrics.dReal - mean(dx)) < 1e-5 && Math.abs(metrics.dFake - mean(dgz)) < 1e-5,
    );
  });

  it("tf.memory().numTensors does not grow across training steps", async () => {
    const gan = tinyGan();
    const batches = createBatchStream(data, { batchSize: 8, seed: 1 });
    await trainGan({ gan, batches, steps: 2 }); // optimiser slots are created on the first steps
    const before = tf.memory().numTensors;
    await trainGan({ gan, batches, steps: 25 });
    assert.equal(tf.memory().numTensors, before);
  });

  it("the same seeds give the same losses", async () => {
    const run = async () =>
      (
        await trainGan({
          gan: tinyGan(2),
          batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
          steps: 5,
        })
      ).map((m) => [m.dLoss, m.gLoss]);
    assert.deepEqual(await run(), await run());
  });

  it("calls back after every step with the step number", async () => {
    const seen: number[] = [];
    await trainGan({
      gan: tinyGan(),
      batches: createBatchStream(data, { batchSize: 8 }),
      steps: 3,
      firstStep: 11,
      onStep: (m) => seen.push(m.step),
    });
    assert.deepEqual(seen, [11, 12, 13]);
  });
});

describe("bad input", () => {
  const generator = buildMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed: 1 });
  const discriminator = buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 2 });

  it("rejects a non-finite or non-positive learning rate, naming the value", () => {
    assert.throws(
      () => createGan({ generator, discriminator, learningRate: NaN, seed: 1 }),
      /learningRate must be a finite number, got NaN/,
    );
    assert.throws(
      () => createGan({ generator, discriminator, learningRate: Infinity, seed: 1 }),
      /got Infinity/,
    );
    assert.throws(
      () => createGan({ generator, discriminator, learningRate: -1, seed: 1 }),
      /learningRate must be greater than 0, got -1/,
    );
    assert.throws(
      () => createGan({ generator, discriminator, learningRate: 1e-3, beta1: 1, seed: 1 }),
      /beta1 must be in \[0, 1\), got 1/,
    );
  });

  it("makes RMSProp optimisers on request, and refuses Adam's betas or an unknown rule with them", () => {
    const gan = createGan({
      generator,
      discriminator,
      learningRate: 1e-3,
      rule: "rmsprop",
      seed: 1,
    });
    assert.equal(gan.generatorOptimizer.getClassName(), "LeanRmsProp");
    assert.equal(gan.discriminatorOptimizers[0].getClassName(), "LeanRmsProp");
    disposeOptimizers(gan);
    assert.throws(
      () =>
        createGan({
          generator,
          discriminator,
          learningRate: 1e-3,
          rule: "rmsprop",
          beta1: 0.5,
          seed: 1,
        }),
      /beta1 and beta2 are Adam's/,
    );
    assert.throws(
      () =>
        createGan({ generator, discriminator, learningRate: 1e-3, rule: "sgd" as never, seed: 1 }),
      /rule must be "adam" or "rmsprop", got "sgd"/,
    );
  });

  it("rejects an objective that is not an Objective value when the GAN is made, not at its first step", () => {
    assert.throws(
      () =>
        createGan({
          generator,
          discriminator,
          learningRate: 1e-3,
          objective: "wgan" as never,
          seed: 1,
        }),
      /objective must be an Objective .*got "wgan"/,
    );
    assert.throws(
      () =>
        createGan({
          generator,
          discriminator,
          learningRate: 1e-3,
          seed: 1,
          objective: { kind: "least-squares", a: 0, b: 1, c: 1 } as never,
        }),
      /objective must be an Objective .*createObjective\(spec\)\), got \{"kind":"least-squares"/,
    );
  });

  it("rejects a generator whose images the discriminator cannot take", () => {
    const small = buildMlpDiscriminator({
      inputSize: 100,
      hiddenUnits: [8],
      leakyAlpha: 0.2,
      seed: 2,
    });
    assert.throws(
      () => createGan({ generator, discriminator: small, learningRate: 1e-3, seed: 1 }),
      /makes \[784\] images but the discriminator takes \[100\]/,
    );
  });

  it("rejects a real batch of the wrong shape", () => {
    const gan = tinyGan();
    assert.throws(
      () => trainDiscriminatorStep(gan, tf.zeros([8, 28, 28, 1])),
      /realImages must have shape \[\?, 784\], got \[8, 28, 28, 1\]/,
    );
  });

  it("stops with a clear error when training diverges to NaN", () => {
    const gan = tinyGan();
    gan.discriminator.setWeights(gan.discriminator.getWeights().map((w) => tf.fill(w.shape, NaN)));
    const real = tf.zeros([8, 784]);
    assert.throws(
      () => trainDiscriminatorStep(gan, real),
      /training diverged: the discriminator loss is NaN/,
    );
  });

  it("rejects a seed of 0, which tfjs reads as unseeded", () => {
    assert.throws(
      () => createNoiseSampler({ latentSize: 4, seed: 0 }),
      /seed must be an integer >= 1, got 0/,
    );
  });
});

describe("formatMetrics", () => {
  it("rounds the numbers of one step", async () => {
    const { formatMetrics } = await import("../lib");
    assert.equal(
      formatMetrics({ step: 7, dLoss: 0.69314, gLoss: 0.34657, dReal: 0.5012, dFake: 0.4988 }),
      "step 7 | J(D) 0.693 | J(G) 0.347 | D(x) 0.50 | D(G(z)) 0.50",
    );
  });
});

describe("generator gradient norm", () => {
  it("equals the norm of tf.variableGrads of J(G) with the same noise", () => {
    const a = tinyGan(3);
    const b = tinyGan(3);
    const measured = trainGeneratorStep(a, 8, { measureGradient: true });
    const noise = b.sampleNoise(8);
    const { grads } = tf.variableGrads(
      () => {
        const logits = b.discriminator.predict(
          b.generator.predict(noise) as tf.Tensor,
        ) as tf.Tensor;
        return tf.mean(tf.softplus(tf.neg(logits))).mul(0.5) as tf.Scalar;
      },
      b.generator.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const expected = Math.sqrt(
      Object.values(grads).reduce(
        (sum, g) => sum + (tf.sum(tf.square(g)).arraySync() as number),
        0,
      ),
    );
    assert.ok(
      measured.gradNorm !== undefined &&
        Math.abs(measured.gradNorm - expected) < 1e-5 * Math.max(1, expected),
      `${measured.gradNorm} vs ${expected}`,
    );
  });

  it("least squares trains D towards b on real data and a on fakes", () => {
    const gan = createGan({
      generator: buildMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed: 1 }),
      discriminator: buildMlpDiscriminator({ hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 }),
      objective: leastSquaresObjective({ a: -1, b: 1, c: 0 }),
      learningRate: 1e-2,
      seed: 1,
    });
    const real = tf.fill([16, 784], 0.5);
    let last = trainDiscriminatorStep(gan, real);
    for (let i = 0; i < 60; i++) last = trainDiscriminatorStep(gan, real);
    assert.ok(last.dReal > 0.7 && last.dFake < -0.7, `D(x) ${last.dReal}, D(G(z)) ${last.dFake}`);
  });
});

describe("disposeGan", () => {
  it("frees every tensor the GAN and its optimisers hold", async () => {
    const { disposeGan } = await import("../lib");
    const before = tf.memory().numTensors;
    const gan = tinyGan(5);
    await trainGan({ gan, batches: createBatchStream(data, { batchSize: 8 }), steps: 2 });
    disposeGan(gan);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe("fitLsDiscriminator", () => {
  it("learns D* = (b·p_d + a·p_g)/(p_d + p_g) where the two distributions overlap", async () => {
    const { fitLsDiscriminator } = await import("../lib");
    // Real samples are 0 or 1 with equal odds, fakes always 1: D*(0) = b, D*(1) = (b/2 + a)/(1/2 + 1).
    const model = buildMlpDiscriminator({
      inputSize: 1,
      hiddenUnits: [16],
      leakyAlpha: 0.2,
      seed: 3,
    });
    let seed = 1;
    const before = tf.memory().numTensors;
    const costs = fitLsDiscriminator({
      model,
      targets: { a: -1, b: 1 },
      steps: 300,
      batchSize: 64,
      learningRate: 0.02,
      sampleReal: (n) => tf.randomUniform([n, 1], 0, 1, "float32", seed++).round(),
      sampleFake: (n) => tf.ones([n, 1]),
    });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(costs.length, 300);
    const [atZero, atOne] = Array.from(
      (model.predict(tf.tensor2d([[0], [1]])) as tf.Tensor).dataSync(),
    );
    assert.ok(Math.abs(atZero - 1) < 0.1, `D(0) = ${atZero}, expected 1`);
    assert.ok(Math.abs(atOne - (0.5 - 1) / 1.5) < 0.1, `D(1) = ${atOne}, expected −1/3`);
  });
});

describe("noise samplers", () => {
  const stats = (t: tf.Tensor) => {
    const v = Array.from(t.dataSync());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return {
      mean,
      sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length),
      min: v.reduce((a, b) => Math.min(a, b)),
      max: v.reduce((a, b) => Math.max(a, b)),
    };
  };

  it("draws N(0, 1) and U(−1, 1) noise of the asked shape; the same seed replays the same sequence, each call draws anew", () => {
    for (const make of [createNoiseSampler, createPortableNoiseSampler]) {
      const [a, b] = [make({ latentSize: 256, seed: 7 }), make({ latentSize: 256, seed: 7 })];
      const [a1, a2, b1] = [a(512), a(512), b(512)];
      assert.deepEqual(a1.shape, [512, 256]);
      assert.deepEqual(Array.from(a1.dataSync()), Array.from(b1.dataSync()));
      assert.notDeepEqual(Array.from(a1.dataSync()), Array.from(a2.dataSync()));
      const normal = stats(a1);
      assert.ok(
        Math.abs(normal.mean) < 0.01 && Math.abs(normal.sd - 1) < 0.01,
        `${make.name}: mean ${normal.mean}, sd ${normal.sd}`,
      );
      const uniform = stats(make({ latentSize: 256, distribution: "uniform", seed: 7 })(512));
      assert.ok(
        uniform.min >= -1 && uniform.max < 1 && Math.abs(uniform.sd - 1 / Math.sqrt(3)) < 0.01,
        `${make.name}: ${JSON.stringify(uniform)}`,
      );
    }
  });

  it("createGan takes a sampler of one's own as its noise", () => {
    const sampler = createPortableNoiseSampler({ latentSize: 4, seed: 9 });
    const gan = createGan({
      generator: buildMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed: 1 }),
      discriminator: buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 2 }),
      learningRate: 1e-3,
      noise: sampler,
      seed: 1,
    });
    assert.equal(gan.sampleNoise, sampler);
  });
});

describe("one discriminator pass over real and fake digits", () => {
  it("is used when D has no BatchNorm, and gives the J(D) of two separate passes", () => {
    const gan = tinyGan();
    assert.equal(gan.jointDiscriminatorPass, true);
    const real = tf.randomUniform([8, 784], -1, 1, "float32", 3);
    const fakes = gan.generator.predict(
      createNoiseSampler({ latentSize: 4, seed: 1 })(8),
    ) as tf.Tensor;
    const [r, f] = [
      gan.discriminator.predict(real) as tf.Tensor,
      gan.discriminator.predict(fakes) as tf.Tensor,
    ];
    const separate = tf
      .add(tf.mean(tf.softplus(tf.neg(r))), tf.mean(tf.softplus(f)))
      .mul(0.5)
      .dataSync()[0];
    assert.ok(Math.abs(trainDiscriminatorStep(gan, real).dLoss - separate) < 1e-6);
  });

  it("is not used when D has BatchNorm: real and fake batches keep their own statistics", () => {
    const gan = createGan({
      generator: buildDcganGenerator({ latentSize: 8, seed: 1 }),
      discriminator: buildDcganDiscriminator({ seed: 2 }),
      learningRate: 1e-3,
      seed: 1,
    });
    assert.equal(gan.jointDiscriminatorPass, false);
  });
});
