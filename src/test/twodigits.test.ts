// The two-digit numbers 00–99 of notebook 08: shapes, labels, both halves real digits of the stated
// digits, seeding, and the half-by-half score.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";

import { tf } from "../lib/core/backend";
import { loadMnist } from "../lib/data/mnist";
import { createRandom } from "../lib/core/random";
import { scoreTwoDigitNumbers } from "../lib/measure/scores";
import { createTwoDigitStream, drawTwoDigitNumbers, indicesByDigit } from "../lib/data/twodigits";

describe("two-digit numbers", () => {
  const digits = loadMnist({ layout: "image", seed: 3 });
  after(() => tf.dispose([digits.images, digits.labels]));
  const digitLabels = digits.labels.dataSync();

  it("gives [batch, 28, 56, 1] images of numbers 0..99 whose halves are real digits of those digits", () => {
    const stream = createTwoDigitStream({ digits, batchSize: 16, seed: 5 });
    const { images, labels } = stream.nextBatch();
    const draw = stream.lastDraw!;
    assert.deepEqual(images.shape, [16, 28, 56, 1]);
    assert.equal(labels.dtype, "int32");
    assert.deepEqual(Array.from(labels.dataSync()), Array.from(draw.labels));
    draw.labels.forEach((label, i) => {
      assert.ok(label >= 0 && label < 100, `label ${label}`);
      assert.equal(digitLabels[draw.left[i]], Math.floor(label / 10));
      assert.equal(digitLabels[draw.right[i]], label % 10);
      const [left, right] = tf.tidy(() => {
        const [l, r] = tf.split(images.slice([i], [1]), 2, 2);
        const gap = (half: tf.Tensor, index: number) =>
          tf
            .sub(half, digits.images.slice([index], [1]))
            .abs()
            .max()
            .dataSync()[0];
        return [gap(l, draw.left[i]), gap(r, draw.right[i])];
      });
      assert.equal(left, 0);
      assert.equal(right, 0);
    });
    tf.dispose([images, labels]);
  });

  it("repeats with the same seed, differs with another, and leaves no tensor behind", () => {
    const firstLabels = (seed: number) => {
      const { images, labels } = createTwoDigitStream({ digits, batchSize: 32, seed }).nextBatch();
      const values = [Array.from(labels.dataSync()), Array.from(images.dataSync())];
      tf.dispose([images, labels]);
      return values;
    };
    const before = tf.memory().numTensors;
    assert.deepEqual(firstLabels(7), firstLabels(7));
    assert.notDeepEqual(firstLabels(7)[0], firstLabels(8)[0]);
    assert.equal(tf.memory().numTensors, before);
  });

  it("draws every number about equally often", () => {
    const draw = drawTwoDigitNumbers(createRandom(11), indicesByDigit(digitLabels), 20_000);
    const counts = new Array<number>(100).fill(0);
    draw.labels.forEach((label) => (counts[label] += 1));
    // 200 expected per number; a binomial's standard deviation is about 14, so 4.5σ is 63.
    assert.ok(
      Math.min(...counts) > 137 && Math.max(...counts) < 263,
      `${Math.min(...counts)}–${Math.max(...counts)}`,
    );
  });

  it("takes requested numbers, and names bad ones and a wrong layout", () => {
    const byDigit = indicesByDigit(digitLabels);
    const draw = drawTwoDigitNumbers(createRandom(2), byDigit, 3, [0, 42, 99]);
    assert.deepEqual(Array.from(draw.labels), [0, 42, 99]);
    assert.deepEqual(
      [4, 2].map((d, i) => digitLabels[[draw.left[1], draw.right[1]][i]]),
      [4, 2],
    );
    assert.throws(
      () => drawTwoDigitNumbers(createRandom(2), byDigit, 1, [100]),
      /labels\[0\] is 100/,
    );
    const flat = loadMnist({ layout: "flat", seed: 1 });
    assert.throws(
      () => createTwoDigitStream({ digits: flat, batchSize: 4, seed: 1 }),
      /"image" layout \[n, 28, 28, 1\], got \[10000,784\]/,
    );
    tf.dispose([flat.images, flat.labels]);
    assert.throws(() => indicesByDigit([0, 1, 2]), /the digits hold no 3/);
  });
});

describe("scoreTwoDigitNumbers", () => {
  // A stand-in classifier that reads the digit d from pixel d of its 28×28 input (lit = 1).
  const reader = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 10, useBias: false, kernelInitializer: "zeros" }),
    ],
  });
  reader.layers[1].setWeights([tf.tidy(() => tf.eye(784, 10))]);
  after(() => reader.dispose());

  /** A 28×56 image whose left half shows digit a and right half digit b, to the reader. */
  const number = (a: number, b: number) =>
    tf.tidy(() => {
      const half = (d: number) => tf.oneHot([d], 784).mul(2).sub(1).reshape([1, 28, 28, 1]);
      return tf.concat([half(a), half(b)], 2);
    });

  it("counts an image right only when both halves read as requested, per number", () => {
    const images = tf.concat([number(4, 2), number(4, 7), number(9, 9), number(0, 3)]);
    const scores = scoreTwoDigitNumbers(reader, images, [42, 42, 99, 13]);
    assert.equal(scores.perNumber[42], 0.5);
    assert.equal(scores.perNumber[99], 1);
    assert.equal(scores.perNumber[13], 0);
    assert.ok(Number.isNaN(scores.perNumber[0]));
    assert.equal(scores.overall, 0.5);
    assert.equal(scores.tens, 0.75);
    assert.equal(scores.units, 0.75);
    assert.throws(() => scoreTwoDigitNumbers(reader, images, [1, 2]), /got 2 labels for 4 images/);
    images.dispose();
  });
});
