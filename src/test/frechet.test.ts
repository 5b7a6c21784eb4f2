import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import { tf } from "../lib/core/backend";
import { loadMnist } from "../lib/data/mnist";
import { loadOrTrainDigitClassifier } from "../lib/measure/classifier";
import { digitFeatures, frechetDigitDistance, frechetDistance } from "../lib/measure/frechet";

describe("the Fréchet distance", () => {
  it("matches a hand computation in one and in two dimensions", () => {
    // 1-D: means 1 and 3, variances (n − 1) 2 and 8: (1 − 3)² + 2 + 8 − 2·√(2·8) = 6.
    assert.ok(Math.abs(frechetDistance([[0], [2]], [[1], [5]]) - 6) < 1e-12);
    // 2-D, covariances diag(2, 8) and diag(8, 2), equal means: (√2 − √8)² · 2 = 4.
    const a = [
      [-1, -2],
      [1, 2],
      [-1, 2],
      [1, -2],
    ].map(([x, y]) => [x * Math.sqrt(1.5), y * Math.sqrt(1.5)]);
    const b = a.map(([x, y]) => [y, x]);
    assert.ok(Math.abs(frechetDistance(a, b) - 4) < 1e-9, String(frechetDistance(a, b)));
  });

  it("is symmetric, 0 for the same set, and the same after rotating both sets", () => {
    const random = (seed: number) =>
      tf.tidy(() => tf.randomNormal([200, 5], 0, 1, "float32", seed).arraySync() as number[][]);
    const [a, b] = [random(1), random(2).map((row) => row.map((v, i) => 2 * v + i))];
    const ab = frechetDistance(a, b);
    assert.ok(Math.abs(ab - frechetDistance(b, a)) < 1e-9 * ab);
    assert.ok(Math.abs(frechetDistance(a, a)) < 1e-9);
    const turn = (rows: number[][]) =>
      rows.map(([x, y, ...rest]) => [0.6 * x - 0.8 * y, 0.8 * x + 0.6 * y, ...rest]);
    assert.ok(Math.abs(frechetDistance(turn(a), turn(b)) - ab) < 1e-9 * ab);
    assert.throws(() => frechetDistance([[1]], [[1], [2]]), /2 vectors a side/);
    assert.throws(
      () =>
        frechetDistance(
          [[1], [2]],
          [
            [1, 1],
            [2, 2],
          ],
        ),
      /cannot be compared/,
    );
  });
});

describe("the Fréchet distance on the digit classifier's features", () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-frechet-"));
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it("is near 0 between two halves of the real digits, large against noise, and grows with pixel noise", async () => {
    const { model } = await loadOrTrainDigitClassifier({ cacheDir, epochs: 1, testDigits: 2000 });
    const digits = loadMnist({ layout: "image", seed: 3 }).images;
    const [first, second] = [digits.slice([0], [1000]), digits.slice([1000], [1000])];
    assert.equal(digitFeatures(model, first).length, 1000);
    assert.equal(digitFeatures(model, first)[0].length, 128);
    const halves = frechetDigitDistance(model, first, second);
    const noisy = (sd: number) =>
      tf.tidy(() =>
        tf.clipByValue(tf.add(second, tf.randomNormal(second.shape, 0, sd, "float32", 5)), -1, 1),
      );
    const distances = [0.2, 0.5, 1].map((sd) => {
      const images = noisy(sd);
      const d = frechetDigitDistance(model, first, images);
      images.dispose();
      return d;
    });
    const pure = tf.randomUniform([1000, 28, 28, 1], -1, 1, "float32", 6);
    const againstNoise = frechetDigitDistance(model, first, pure);
    assert.ok(halves < 0.05 * againstNoise, `halves ${halves}, against noise ${againstNoise}`);
    assert.ok(
      halves < distances[0] && distances[0] < distances[1] && distances[1] < distances[2],
      `halves ${halves}, with pixel noise ${distances}`,
    );
    assert.ok(Math.abs(frechetDigitDistance(model, second, first) - halves) < 1e-6 * halves);
    tf.dispose([digits, first, second, pure]);
  });
});
