import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  binaryCrossEntropyFromLogits,
  createObjective,
  crossEntropyObjective,
  LEAST_SQUARES,
  leastSquaresObjective,
  MINIMAX,
  NON_SATURATING,
  tf,
  type Objective,
} from "../lib";

const discriminatorCost = NON_SATURATING.discriminatorCost;
const COSTS: Record<string, Objective> = {
  minimax: MINIMAX,
  "non-saturating": NON_SATURATING,
  "least-squares": LEAST_SQUARES,
};
const generatorCost = (kind: string, fake: tf.Tensor) => COSTS[kind].generatorCost(fake);

const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (actual: number, expected: number, message: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-5, `${message}: ${actual} vs ${expected}`);

describe("GAN costs from logits", () => {
  const real = [2, -0.5, 0.3];
  const fake = [-1, 0, 1.5];

  it("binary cross-entropy matches −y·log σ(s) − (1 − y)·log(1 − σ(s))", () => {
    const labels = [1, 0, 1];
    const expected = mean(
      real.map(
        (s, i) => -(labels[i] * Math.log(sigmoid(s)) + (1 - labels[i]) * Math.log(1 - sigmoid(s))),
      ),
    );
    close(
      binaryCrossEntropyFromLogits(tf.tensor(real), tf.tensor(labels)).arraySync(),
      expected,
      "BCE",
    );
  });

  it("J(D) = −½ E log D(x) − ½ E log(1 − D(G(z)))", () => {
    const expected =
      -0.5 * mean(real.map((s) => Math.log(sigmoid(s)))) -
      0.5 * mean(fake.map((s) => Math.log(1 - sigmoid(s))));
    close(
      discriminatorCost(tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1])).arraySync(),
      expected,
      "J(D)",
    );
  });

  it("J(D) equals the mean of the two binary cross-entropies", () => {
    const r = tf.tensor2d(real, [3, 1]);
    const f = tf.tensor2d(fake, [3, 1]);
    const bce = binaryCrossEntropyFromLogits(r, tf.onesLike(r))
      .add(binaryCrossEntropyFromLogits(f, tf.zerosLike(f)))
      .mul(0.5);
    close(discriminatorCost(r, f).arraySync(), bce.arraySync() as number, "J(D) vs BCE");
  });

  it("is log 2 for both players when D answers ½ everywhere", () => {
    close(
      discriminatorCost(tf.zeros([4, 1]), tf.zeros([4, 1])).arraySync(),
      Math.log(2),
      "J(D) at equilibrium",
    );
    close(
      generatorCost("non-saturating", tf.zeros([4, 1])).arraySync(),
      0.5 * Math.log(2),
      "non-saturating J(G)",
    );
  });

  it("the minimax and non-saturating generator costs match their formulas", () => {
    const f = tf.tensor2d(fake, [3, 1]);
    close(
      generatorCost("minimax", f).arraySync(),
      0.5 * mean(fake.map((s) => Math.log(1 - sigmoid(s)))),
      "minimax",
    );
    close(
      generatorCost("non-saturating", f).arraySync(),
      -0.5 * mean(fake.map((s) => Math.log(sigmoid(s)))),
      "non-saturating",
    );
  });

  it("the minimax cost saturates where D rejects fakes and the non-saturating one does not", () => {
    const s = tf.tensor1d([-12]);
    const gradMinimax = tf
      .grad((x: tf.Tensor) => generatorCost("minimax", x))(s)
      .arraySync() as number[];
    const gradNonSat = tf
      .grad((x: tf.Tensor) => generatorCost("non-saturating", x))(s)
      .arraySync() as number[];
    close(gradMinimax[0], -0.5 * sigmoid(-12), "d/ds minimax");
    close(gradNonSat[0], -0.5 * (1 - sigmoid(-12)), "d/ds non-saturating");
    assert.ok(Math.abs(gradMinimax[0]) < 1e-5 && Math.abs(gradNonSat[0]) > 0.49);
  });

  it("stays finite for extreme logits", () => {
    const extreme = tf.tensor2d([-200, 200], [2, 1]);
    assert.ok(Number.isFinite(discriminatorCost(extreme, extreme).arraySync()));
    assert.ok(Number.isFinite(generatorCost("non-saturating", extreme).arraySync()));
  });

  it("minimax and non-saturating share D's cost; D's verdict is the mean probability σ(s)", () => {
    const [r, f] = [tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1])];
    close(
      MINIMAX.discriminatorCost(r, f).arraySync(),
      NON_SATURATING.discriminatorCost(r, f).arraySync(),
      "same J(D)",
    );
    close(NON_SATURATING.meanVerdict(r).arraySync(), mean(real.map(sigmoid)), "verdict");
  });

  it("names an unknown cross-entropy generator", () => {
    assert.throws(
      () => crossEntropyObjective("wasserstein" as never),
      /plays "minimax" or "non-saturating", got "wasserstein"/,
    );
  });
});

describe("least-squares costs", () => {
  it("match ½E(D(x) − b)² + ½E(D(G(z)) − a)² and ½E(D(G(z)) − c)²", async () => {
    const { lsDiscriminatorCost, lsGeneratorCost } = await import("../lib");
    const real = [0.9, 0.2, 1.4];
    const fake = [-0.5, 0.1, 0.3];
    const d = lsDiscriminatorCost(tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1]), {
      a: -1,
      b: 1,
    }).arraySync();
    close(
      d,
      0.5 * mean(real.map((v) => (v - 1) ** 2)) + 0.5 * mean(fake.map((v) => (v + 1) ** 2)),
      "LS J(D)",
    );
    close(
      lsGeneratorCost(tf.tensor2d(fake, [3, 1]), 0).arraySync(),
      0.5 * mean(fake.map((v) => v * v)),
      "LS J(G)",
    );
    close(
      generatorCost("least-squares", tf.tensor2d(fake, [3, 1])).arraySync(),
      0.5 * mean(fake.map((v) => (v - 1) ** 2)),
      "(0, 1, 1)",
    );
  });
});

describe("objectives as data", () => {
  it("rebuild from their spec into objectives that compute the same costs", () => {
    const [r, f] = [tf.tensor2d([0.9, -0.3], [2, 1]), tf.tensor2d([0.2, 1.7], [2, 1])];
    for (const objective of [
      MINIMAX,
      NON_SATURATING,
      LEAST_SQUARES,
      leastSquaresObjective({ a: -1, b: 1, c: 0 }),
    ]) {
      const copy = createObjective(JSON.parse(JSON.stringify(objective.spec)));
      assert.equal(copy.name, objective.name);
      close(
        copy.discriminatorCost(r, f).arraySync(),
        objective.discriminatorCost(r, f).arraySync(),
        objective.name,
      );
      close(
        copy.generatorCost(f).arraySync(),
        objective.generatorCost(f).arraySync(),
        objective.name,
      );
      close(copy.meanVerdict(r).arraySync(), objective.meanVerdict(r).arraySync(), objective.name);
    }
  });

  it("least squares uses its own targets: J(G) = ½E(D(G(z)) − c)², verdict = mean raw output", () => {
    const objective = leastSquaresObjective({ a: -1, b: 1, c: 0 });
    assert.equal(objective.name, "least squares (-1, 1, 0)");
    close(
      objective.generatorCost(tf.tensor2d([2, -1], [2, 1])).arraySync(),
      (0.5 * (4 + 1)) / 2,
      "J(G) with c = 0",
    );
    close(objective.meanVerdict(tf.tensor2d([2, -1], [2, 1])).arraySync(), 0.5, "verdict");
  });

  it("name what is wrong with bad targets or an unknown spec", () => {
    assert.throws(
      () => leastSquaresObjective({ a: 0, b: NaN, c: 1 }),
      /targets.b must be a finite number, got NaN/,
    );
    assert.throws(() => leastSquaresObjective({ a: 1, b: 1, c: 1 }), /needs a != b .*a = b = 1/);
    assert.throws(
      () => createObjective({ kind: "wgan" } as never),
      /unknown objective \{"kind":"wgan"\}/,
    );
    assert.throws(() => createObjective(undefined as never), /unknown objective undefined/);
  });
});
