import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { binaryCrossEntropyFromLogits, discriminatorCost, generatorCost, tf } from "../lib";

const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const close = (actual: number, expected: number, message: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-5, `${message}: ${actual} vs ${expected}`);

describe("GAN costs from logits", () => {
  const real = [2, -0.5, 0.3];
  const fake = [-1, 0, 1.5];

  it("binary cross-entropy matches −y·log σ(s) − (1 − y)·log(1 − σ(s))", () => {
    const labels = [1, 0, 1];
    const expected = mean(real.map((s, i) => -(labels[i] * Math.log(sigmoid(s)) + (1 - labels[i]) * Math.log(1 - sigmoid(s)))));
    close(binaryCrossEntropyFromLogits(tf.tensor(real), tf.tensor(labels)).arraySync(), expected, "BCE");
  });

  it("J(D) = −½ E log D(x) − ½ E log(1 − D(G(z)))", () => {
    const expected = -0.5 * mean(real.map((s) => Math.log(sigmoid(s)))) - 0.5 * mean(fake.map((s) => Math.log(1 - sigmoid(s))));
    close(discriminatorCost(tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1])).arraySync(), expected, "J(D)");
  });

  it("J(D) equals the mean of the two binary cross-entropies", () => {
    const r = tf.tensor2d(real, [3, 1]);
    const f = tf.tensor2d(fake, [3, 1]);
    const bce = binaryCrossEntropyFromLogits(r, tf.onesLike(r)).add(binaryCrossEntropyFromLogits(f, tf.zerosLike(f))).mul(0.5);
    close(discriminatorCost(r, f).arraySync(), bce.arraySync() as number, "J(D) vs BCE");
  });

  it("is log 2 for both players when D answers ½ everywhere", () => {
    close(discriminatorCost(tf.zeros([4, 1]), tf.zeros([4, 1])).arraySync(), Math.log(2), "J(D) at equilibrium");
    close(generatorCost("non-saturating", tf.zeros([4, 1])).arraySync(), 0.5 * Math.log(2), "non-saturating J(G)");
  });

  it("the minimax and non-saturating generator costs match their formulas", () => {
    const f = tf.tensor2d(fake, [3, 1]);
    close(generatorCost("minimax", f).arraySync(), 0.5 * mean(fake.map((s) => Math.log(1 - sigmoid(s)))), "minimax");
    close(generatorCost("non-saturating", f).arraySync(), -0.5 * mean(fake.map((s) => Math.log(sigmoid(s)))), "non-saturating");
  });

  it("the minimax cost saturates where D rejects fakes and the non-saturating one does not", () => {
    const s = tf.tensor1d([-12]);
    const gradMinimax = tf.grad((x: tf.Tensor) => generatorCost("minimax", x))(s).arraySync() as number[];
    const gradNonSat = tf.grad((x: tf.Tensor) => generatorCost("non-saturating", x))(s).arraySync() as number[];
    close(gradMinimax[0], -0.5 * sigmoid(-12), "d/ds minimax");
    close(gradNonSat[0], -0.5 * (1 - sigmoid(-12)), "d/ds non-saturating");
    assert.ok(Math.abs(gradMinimax[0]) < 1e-5 && Math.abs(gradNonSat[0]) > 0.49);
  });

  it("stays finite for extreme logits", () => {
    const extreme = tf.tensor2d([-200, 200], [2, 1]);
    assert.ok(Number.isFinite(discriminatorCost(extreme, extreme).arraySync()));
    assert.ok(Number.isFinite(generatorCost("non-saturating", extreme).arraySync()));
  });

  it("names an unknown generator cost", () => {
    assert.throws(() => generatorCost("wasserstein" as never, tf.zeros([1, 1])), /unknown generator cost "wasserstein"/);
  });
});

describe("least-squares costs", () => {
  it("match ½E(D(x) − b)² + ½E(D(G(z)) − a)² and ½E(D(G(z)) − c)²", async () => {
    const { lsDiscriminatorCost, lsGeneratorCost } = await import("../lib");
    const real = [0.9, 0.2, 1.4];
    const fake = [-0.5, 0.1, 0.3];
    const d = lsDiscriminatorCost(tf.tensor2d(real, [3, 1]), tf.tensor2d(fake, [3, 1]), { a: -1, b: 1 }).arraySync();
    close(d, 0.5 * mean(real.map((v) => (v - 1) ** 2)) + 0.5 * mean(fake.map((v) => (v + 1) ** 2)), "LS J(D)");
    close(lsGeneratorCost(tf.tensor2d(fake, [3, 1]), 0).arraySync(), 0.5 * mean(fake.map((v) => v * v)), "LS J(G)");
    close(generatorCost("least-squares", tf.tensor2d(fake, [3, 1])).arraySync(), 0.5 * mean(fake.map((v) => (v - 1) ** 2)), "(0, 1, 1)");
  });
});
