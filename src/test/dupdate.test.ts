// The discriminator updated in one step on J(D) or in two (real half, then fake half), against
// updates done by hand with tf.train.adam.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import {
  buildMlpDiscriminator,
  buildMlpGenerator,
  checkDiscriminatorUpdate,
  createGan,
  disposeGan,
  LEAST_SQUARES,
  MINIMAX,
  NON_SATURATING,
  SEPARATE_UPDATES,
  SUMMED_UPDATE,
  tf,
  trainDiscriminatorStep,
  type DiscriminatorUpdate,
  type Gan,
  type Objective,
} from "../lib";

const weightsOf = (model: tf.LayersModel) =>
  model.getWeights().map((w) => Array.from(w.dataSync()));

/** The noise every small GAN draws, always the same, so that its fakes can be recomputed. */
const fixedNoise = tf.randomNormal([8, 3], 0, 1, "float32", 21) as tf.Tensor2D;
after(() => fixedNoise.dispose());

/** A small GAN on 6-pixel "images". */
function smallGan(objective: Objective, discriminatorUpdate: DiscriminatorUpdate): Gan {
  return createGan({
    generator: buildMlpGenerator({ latentSize: 3, hiddenUnits: [5], outputSize: 6, seed: 1 }),
    discriminator: buildMlpDiscriminator({
      inputSize: 6,
      hiddenUnits: [4],
      leakyAlpha: 0.2,
      seed: 2,
    }),
    objective,
    discriminatorUpdate,
    learningRate: 0.01,
    beta1: 0.5,
    noise: () => fixedNoise.clone(),
    seed: 3,
  });
}

describe("J(D)'s halves", () => {
  it("add up to discriminatorCost for every objective", () => {
    for (const objective of [NON_SATURATING, MINIMAX, LEAST_SQUARES]) {
      tf.tidy(() => {
        const real = tf.randomNormal([16, 1], 0.5, 2, "float32", 4);
        const fake = tf.randomNormal([16, 1], -0.5, 2, "float32", 5);
        const parts = objective
          .discriminatorRealPart(real)
          .add(objective.discriminatorFakePart(fake));
        const whole = objective.discriminatorCost(real, fake);
        assert.ok(Math.abs(parts.dataSync()[0] - whole.dataSync()[0]) < 1e-6, objective.name);
      });
    }
  });
});

describe("SEPARATE_UPDATES", () => {
  for (const objective of [NON_SATURATING, LEAST_SQUARES]) {
    it(`steps the real half, then the fake half, each with its own Adam (${objective.name})`, () => {
      const gan = smallGan(objective, SEPARATE_UPDATES);
      assert.equal(gan.discriminatorOptimizers.length, 2);
      const real = tf.randomNormal([8, 6], 0, 1, "float32", 6);
      const fakes = tf.tidy(
        () => gan.generator.apply(gan.sampleNoise(8), { training: true }) as tf.Tensor,
      );
      // By hand: a copy of D, two tf.train.adam with the same settings, one step each.
      const twin = buildMlpDiscriminator({
        inputSize: 6,
        hiddenUnits: [4],
        leakyAlpha: 0.2,
        seed: 2,
      });
      const vars = twin.trainableWeights.map((w) => w.read() as tf.Variable);
      const [first, second] = [0, 1].map(() => tf.train.adam(0.01, 0.5, 0.999, 1e-7));
      const judge = (x: tf.Tensor) => twin.apply(x, { training: true }) as tf.Tensor;
      first.minimize(() => objective.discriminatorRealPart(judge(real)), false, vars);
      second.minimize(() => objective.discriminatorFakePart(judge(fakes)), false, vars);
      const metrics = trainDiscriminatorStep(gan, real);
      const [mine, theirs] = [weightsOf(gan.discriminator), weightsOf(twin)];
      mine
        .flat()
        .forEach((w, i) => assert.ok(Math.abs(w - theirs.flat()[i]) < 1e-6, `weight ${i}`));
      assert.ok(Number.isFinite(metrics.dLoss) && Number.isFinite(metrics.dFake));
      // The first step made both optimisers' moments; later steps leave no tensor behind.
      const before = tf.memory().numTensors;
      trainDiscriminatorStep(gan, real);
      assert.equal(tf.memory().numTensors, before, "no tensor left by a step");
      tf.dispose([real, fakes]);
      first.dispose();
      second.dispose();
      twin.dispose();
      disposeGan(gan);
    });
  }

  it("moves D elsewhere than one update on the sum does", () => {
    const [summed, separate] = [SUMMED_UPDATE, SEPARATE_UPDATES].map((u) =>
      smallGan(LEAST_SQUARES, u),
    );
    const real = tf.randomNormal([8, 6], 0, 1, "float32", 7);
    trainDiscriminatorStep(summed, real);
    trainDiscriminatorStep(separate, real);
    assert.notDeepEqual(weightsOf(summed.discriminator), weightsOf(separate.discriminator));
    real.dispose();
    [summed, separate].forEach(disposeGan);
  });
});

describe("checkDiscriminatorUpdate", () => {
  it("names an update that skips, repeats or invents a half of J(D)", () => {
    const bad = (steps: unknown) => ({ name: "bad", steps }) as unknown as DiscriminatorUpdate;
    assert.throws(
      () => checkDiscriminatorUpdate(bad([["real"]])),
      /fake part must be minimised exactly once, not 0 times/,
    );
    assert.throws(
      () => checkDiscriminatorUpdate(bad([["real", "fake"], ["fake"]])),
      /fake part .* not 2 times/,
    );
    assert.throws(
      () => checkDiscriminatorUpdate(bad([["real"], ["noise"]])),
      /unknown part "noise"/,
    );
    assert.throws(() => checkDiscriminatorUpdate(bad([])), /needs steps/);
    assert.throws(
      () => smallGan(NON_SATURATING, bad([["real"], []])),
      /a discriminator update step minimises nothing/,
    );
  });
});
