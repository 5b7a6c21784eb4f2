import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  AUTHORS_RING,
  createNoiseSampler,
  createRingMixture,
  createRingSampler,
  energyDistance,
  measureModeCoverage,
  sampleRing,
  tf,
} from "../lib";

const ring = createRingMixture({ modes: 8, radius: 2, sd: 0.02 });
const close = (a: number, b: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} vs ${b} (tolerance ${tolerance})`);

describe("the ring mixture", () => {
  it("puts its centres evenly on the circle, mode 0 at (radius, 0), counter-clockwise", () => {
    assert.equal(ring.centres.length, 8);
    close(ring.centres[0][0], 2, 1e-12, "centre 0, x");
    close(ring.centres[0][1], 0, 1e-12, "centre 0, y");
    close(ring.centres[2][0], 0, 1e-12, "centre 2, x");
    close(ring.centres[2][1], 2, 1e-12, "centre 2, y");
    ring.centres.forEach(([x, y], k) => close(Math.hypot(x, y), 2, 1e-12, `radius of centre ${k}`));
    assert.throws(() => createRingMixture({ modes: 0 }), /modes must be an integer >= 1, got 0/);
    assert.throws(() => createRingMixture({ sd: -1 }), /sd must be .*got -1/);
  });

  it("samples each mode with its share 1/8, its centre as mean and sd as standard deviation, seeded", () => {
    const points = sampleRing(ring, 40_000, 5);
    const byMode = ring.centres.map(() => [] as Array<[number, number]>);
    for (const [x, y] of points) {
      const k = ring.centres.findIndex(([cx, cy]) => Math.hypot(x - cx, y - cy) < 6 * ring.sd);
      assert.ok(k >= 0, `a point far from every centre: ${x}, ${y}`);
      byMode[k].push([x, y]);
    }
    byMode.forEach((mode, k) => {
      close(mode.length / points.length, 1 / 8, 0.01, `share of mode ${k}`);
      const mean = [0, 1].map((c) => mode.reduce((s, p) => s + p[c], 0) / mode.length);
      const sd = Math.sqrt(mode.reduce((s, p) => s + (p[0] - mean[0]) ** 2, 0) / mode.length);
      close(mean[0], ring.centres[k][0], 0.002, `mean x of mode ${k}`);
      close(mean[1], ring.centres[k][1], 0.002, `mean y of mode ${k}`);
      close(sd, ring.sd, 0.001, `sd of mode ${k}`);
    });
    assert.deepEqual(sampleRing(ring, 10, 5), points.slice(0, 10));
    assert.notDeepEqual(sampleRing(ring, 10, 6), points.slice(0, 10));
  });

  it("streams seeded batches as tensors [n, 2]: the same seed gives the same sequence", () => {
    const [a, b] = [createRingSampler(ring, 9), createRingSampler(ring, 9)];
    const [a1, a2, b1, b2] = [a(4), a(4), b(4), b(4)];
    assert.deepEqual(a1.shape, [4, 2]);
    assert.deepEqual(a1.arraySync(), b1.arraySync());
    assert.deepEqual(a2.arraySync(), b2.arraySync());
    assert.notDeepEqual(a1.arraySync(), a2.arraySync());
    tf.dispose([a1, a2, b1, b2]);
  });
});

describe("weighted modes and streams that continue", () => {
  it("the authors' ring: 8 modes on the unit circle, σ 0.01, mode 0 drawn twice as often", () => {
    const authors = createRingMixture(AUTHORS_RING);
    assert.equal(authors.modes, 8);
    close(Math.hypot(...authors.centres[3]), 1, 1e-12, "radius");
    const counts = measureModeCoverage(authors, sampleRing(authors, 18000, 5)).nearest;
    close(counts[0] / 18000, 2 / 9, 0.01, "mode 0's share");
    counts.slice(1).forEach((c, k) => close(c / 18000, 1 / 9, 0.01, `mode ${k + 1}'s share`));
  });

  it("refuses weights that are not one positive share per mode summing to 1", () => {
    assert.throws(() => createRingMixture({ modes: 2, weights: [1] }), /2 positive shares/);
    assert.throws(() => createRingMixture({ modes: 2, weights: [0.7, 0.7] }), /summing to 1/);
    assert.throws(() => createRingMixture({ modes: 2, weights: [1.5, -0.5] }), /positive/);
  });

  it("a ring stream and a noise stream continue where `drawn` says, as if never restarted", () => {
    const whole = createRingSampler(ring, 9);
    const first = whole(6);
    const rest = whole(4);
    const continued = createRingSampler(ring, 9, 6)(4);
    assert.deepEqual(continued.arraySync(), rest.arraySync());
    const noise = createNoiseSampler({ latentSize: 3, seed: 4 });
    const draws = [noise(2), noise(2), noise(2)];
    const later = createNoiseSampler({ latentSize: 3, seed: 4, drawn: 2 })(2);
    assert.deepEqual(later.arraySync(), draws[2].arraySync());
    tf.dispose([first, rest, continued, later, ...draws]);
  });
});

describe("mode coverage", () => {
  const at = (k: number, count: number) =>
    Array.from({ length: count }, () => [...ring.centres[k]]);

  it("all modes: 10 points on each centre cover 8 modes, all of high quality", () => {
    const points = ring.centres.flatMap((_, k) => at(k, 10));
    const coverage = measureModeCoverage(ring, points);
    assert.deepEqual(coverage, {
      perMode: new Array(8).fill(10),
      nearest: new Array(8).fill(10),
      covered: 8,
      highQualityShare: 1,
      samples: 80,
    });
  });

  it("one mode: every point near centre 3 covers one mode", () => {
    const points = at(3, 50).map(([x, y], i) => [x + (i % 2 ? 2 : -2) * ring.sd, y]); // 2 sd off, inside 3 sd
    const coverage = measureModeCoverage(ring, points);
    assert.equal(coverage.covered, 1);
    assert.equal(coverage.perMode[3], 50);
    assert.equal(coverage.highQualityShare, 1);
  });

  it("none: points at the origin, or 4 sd off their centre, cover nothing and are not of high quality", () => {
    const origin = Array.from({ length: 30 }, () => [0, 0]);
    const off = at(1, 30).map(([x, y]) => [x, y + 4 * ring.sd]);
    for (const points of [origin, off]) {
      const coverage = measureModeCoverage(ring, points);
      assert.deepEqual([coverage.covered, coverage.highQualityShare], [0, 0]);
    }
    // …though each point still has a nearest mode: the 4-sd-off points all sit nearest mode 1.
    assert.equal(measureModeCoverage(ring, off).nearest[1], 30);
  });

  it("a mode needs its minimum share: one point per mode in 2,500 covers none; 20 per mode cover all", () => {
    const rest = (n: number) => Array.from({ length: n }, () => [0, 0]);
    const one = [...ring.centres.flatMap((_, k) => at(k, 1)), ...rest(2500 - 8)];
    const twenty = [...ring.centres.flatMap((_, k) => at(k, 20)), ...rest(2500 - 160)];
    assert.equal(measureModeCoverage(ring, one).covered, 0);
    assert.equal(measureModeCoverage(ring, twenty).covered, 8);
    close(
      measureModeCoverage(ring, twenty).highQualityShare,
      160 / 2500,
      1e-12,
      "high-quality share",
    );
  });

  it("reads a tensor [n, 2] and names bad input", () => {
    const points = tf.tensor2d(at(0, 5) as number[][]);
    assert.equal(measureModeCoverage(ring, points).perMode[0], 5);
    points.dispose();
    const wrong = tf.zeros([3, 3]) as tf.Tensor2D;
    assert.throws(
      () => measureModeCoverage(ring, wrong),
      /points must be a tensor \[n, 2\], got shape \[3, 3\]/,
    );
    wrong.dispose();
    assert.throws(
      () => measureModeCoverage(ring, [[NaN, 0]]),
      /a sample is not finite: \[NaN, 0\]/,
    );
    assert.throws(
      () => measureModeCoverage(ring, [[0, 0]], { minShare: 0 }),
      /minShare must be in \(0, 1\], got 0/,
    );
    assert.throws(() => measureModeCoverage(ring, []), /at least one sample/);
  });
});

describe("energy distance", () => {
  it("matches hand computations", () => {
    assert.equal(energyDistance([[0, 0]], [[3, 4]]), 10); // 2·5 − 0 − 0
    // E‖x − y‖ = 1, E‖x − x′‖ = (0 + 2 + 2 + 0)/4 = 1, E‖y − y′‖ = 0: 2 − 1 − 0
    assert.equal(
      energyDistance(
        [
          [0, 0],
          [2, 0],
        ],
        [[1, 0]],
      ),
      1,
    );
    const same = sampleRing(ring, 50, 1);
    assert.equal(energyDistance(same, same), 0);
  });

  it("is symmetric, small between two samples of the ring, larger for a collapsed sample", () => {
    const [target, other] = [sampleRing(ring, 800, 1), sampleRing(ring, 800, 2)];
    const collapsed = sampleRing(ring, 800, 3).map(([x, y]) => {
      const k = Math.round(((Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 4)) % 8;
      return k < 2 ? [x, y] : [ring.centres[0][0], ring.centres[0][1]]; // six modes moved onto mode 0
    });
    close(energyDistance(target, other), energyDistance(other, target), 1e-12, "symmetry");
    const [near, far] = [energyDistance(target, other), energyDistance(target, collapsed)];
    assert.ok(near < 0.01 && far > 50 * near, `two ring samples ${near}, ring vs collapsed ${far}`);
  });
});
