import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createBatchStream, loadMnist, tf, type DigitSource } from "../lib";

describe("loadMnist", () => {
  const data = loadMnist({ layout: "flat", seed: 1 });

  it("holds the 10,000 embedded digits as [n, 784] in [−1, 1]", () => {
    assert.equal(data.count, 10_000);
    assert.deepEqual(data.images.shape, [10_000, 784]);
    assert.deepEqual(data.labels.shape, [10_000]);
    assert.equal(data.images.min().arraySync(), -1);
    assert.equal(data.images.max().arraySync(), 1);
  });

  it("has every class 0..9, in a shuffled order", () => {
    const labels = data.labels.arraySync();
    const counts = new Array(10).fill(0);
    labels.forEach((label) => counts[label]++);
    assert.ok(
      counts.every((c) => c > 800),
      `class counts ${counts}`,
    );
    assert.notDeepEqual(
      labels.slice(0, 20),
      new Array(20).fill(0),
      "labels are still sorted by class",
    );
  });

  it("gives the image layout [n, 28, 28, 1] with the same pixels", () => {
    const images = loadMnist({ layout: "image", seed: 1 }).images;
    assert.deepEqual(images.shape, [10_000, 28, 28, 1]);
    assert.deepEqual(
      images.slice([5], [1]).reshape([784]).arraySync(),
      data.images.slice([5], [1]).reshape([784]).arraySync(),
    );
  });

  it("shuffles reproducibly by seed", () => {
    const again = loadMnist({ seed: 1 }).labels.arraySync().slice(0, 50);
    const other = loadMnist({ seed: 2 }).labels.arraySync().slice(0, 50);
    assert.deepEqual(again, data.labels.arraySync().slice(0, 50));
    assert.notDeepEqual(other, again);
  });

  it("rejects corrupt or missing data, naming what is wrong", () => {
    const digit = (id: number, values: number[]) => ({
      id,
      length: values.length / 784,
      raw: values,
    });
    const good = Array.from({ length: 10 }, (_, id) => digit(id, new Array(784).fill(0.5)));
    const badPixel = good.map((d, i) => (i === 3 ? digit(3, [...new Array(783).fill(0), 2]) : d));
    assert.throws(() => loadMnist({}, badPixel), /class 3 pixel 783 is 2, outside \[0, 1\]/);
    assert.throws(() => loadMnist({}, good.slice(0, 9)), /10 digit classes, found 9/);
    const empty: DigitSource = good.map((d) => ({ ...d, length: 0, raw: [] }));
    assert.throws(() => loadMnist({}, empty), /holds no digits/);
    const short = good.map((d, i) => (i === 0 ? { ...d, raw: d.raw.slice(1) } : d));
    assert.throws(() => loadMnist({}, short), /class 0 has 783 pixel values/);
    assert.equal(loadMnist({}, good).count, 10);
    assert.throws(
      () => loadMnist({ layout: "bogus" as never }, good),
      /layout must be "flat" or "image", got "bogus"/,
    );
  });
});

describe("createBatchStream", () => {
  const data = loadMnist({ seed: 1 });

  it("gives batches of the asked size, the same for the same seed", () => {
    const a = createBatchStream(data, { batchSize: 64, seed: 5 });
    const b = createBatchStream(data, { batchSize: 64, seed: 5 });
    const c = createBatchStream(data, { batchSize: 64, seed: 6 });
    for (let i = 0; i < 3; i++) {
      const [x, y, z] = [a.nextBatch(), b.nextBatch(), c.nextBatch()];
      assert.deepEqual(x.images.shape, [64, 784]);
      assert.deepEqual(x.labels.arraySync(), y.labels.arraySync());
      assert.deepEqual(x.images.arraySync(), y.images.arraySync());
      assert.notDeepEqual(x.labels.arraySync(), z.labels.arraySync());
      tf.dispose([x, y, z]);
    }
  });

  it("visits each digit once per epoch and then reshuffles", () => {
    const small = {
      images: data.images.slice([0], [10]),
      labels: tf.range(0, 10, 1, "int32") as tf.Tensor1D,
      count: 10,
    };
    const stream = createBatchStream(small, { batchSize: 3, seed: 1 });
    assert.equal(stream.batchesPerEpoch, 3);
    const epoch = () =>
      [0, 1, 2].flatMap(() => {
        const batch = stream.nextBatch();
        const labels = batch.labels.arraySync();
        tf.dispose(batch);
        return labels;
      });
    const first = epoch();
    const second = epoch();
    assert.equal(new Set(first).size, 9);
    assert.equal(new Set(second).size, 9);
    assert.notDeepEqual(first, second);
  });

  it("rejects a batch size larger than the data or not a positive integer", () => {
    assert.throws(
      () => createBatchStream(data, { batchSize: 20_000 }),
      /batchSize 20000 is larger than the data \(10000 digits\)/,
    );
    assert.throws(
      () => createBatchStream(data, { batchSize: 0 }),
      /batchSize must be an integer >= 1, got 0/,
    );
    assert.throws(() => createBatchStream(data, { batchSize: 2.5 }), /got 2.5/);
  });

  it("does not leak tensors", () => {
    const stream = createBatchStream(data, { batchSize: 32, seed: 1 });
    stream.nextImages().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 400; i++) stream.nextImages().dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
