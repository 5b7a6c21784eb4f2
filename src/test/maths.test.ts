import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  addArrays,
  DENSITY_MASS_TOLERANCE,
  gaussianDensity,
  integrate,
  lsCriterionAtOptimum,
  lsGeneratorCriterion,
  makeGrid,
  normalizeDensity,
  optimalLsDiscriminator,
  pearsonChiSquare,
  scaleArray,
  uniformDensity,
} from "../lib";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

describe("grids and quadrature", () => {
  it("integrates polynomials and densities to their closed forms", () => {
    const { xs, step } = makeGrid(0, 2, 2001);
    close(
      integrate(
        xs.map((x) => x),
        step,
      ),
      2,
      1e-12,
      "∫ x over [0, 2]",
    );
    close(
      integrate(
        xs.map((x) => x * x),
        step,
      ),
      8 / 3,
      1e-6,
      "∫ x² over [0, 2]",
    );
    const wide = makeGrid(-20, 20, 8001);
    close(integrate(gaussianDensity(wide.xs, 1, 2), wide.step), 1, 1e-9, "Gaussian mass");
    close(
      integrate(normalizeDensity(uniformDensity(wide.xs, -1, 2), wide.step), wide.step),
      1,
      1e-12,
      "uniform mass",
    );
  });

  it("rejects bad grids and densities", () => {
    assert.throws(() => makeGrid(1, 1, 10), /stop must be greater than start, got \[1, 1\]/);
    assert.throws(() => makeGrid(0, 1, 1), /count must be an integer >= 2, got 1/);
    assert.throws(
      () => gaussianDensity(new Float64Array(3), 0, 0),
      /std must be a finite number > 0, got 0/,
    );
    assert.throws(() => normalizeDensity(new Float64Array(3), 1), /integral is 0/);
  });
});

describe("Pearson χ²", () => {
  it("matches a hand computation on two discrete distributions", () => {
    // χ²(P‖Q) = Σ (P − Q)² / Q = 0.25²/0.25 + 0.25²/0.75 = 1/3 (trapezoid weights ½ at the ends, so pad with zeros).
    close(pearsonChiSquare([0, 0.5, 0.5, 0], [0, 0.25, 0.75, 0], 1), 1 / 3, 1e-15, "χ²");
    close(pearsonChiSquare([0, 0.2, 0.3, 0.5, 0], [0, 0.2, 0.3, 0.5, 0], 1), 0, 0, "χ²(P‖P)");
  });

  it("is infinite, with an error naming the point, where Q vanishes and P does not", () => {
    assert.throws(() => pearsonChiSquare([0, 1, 0], [0, 0, 1], 1), /Q is 0 but P is 1 at point 1/);
  });
});

describe("the LSGAN derivation", () => {
  const { xs, step } = makeGrid(-10, 10, 4001);
  const pData = gaussianDensity(xs, -1, 1);
  const pGen = gaussianDensity(xs, 1.5, 0.7);

  it("D* = (b·p_d + a·p_g)/(p_d + p_g) pointwise", () => {
    const dStar = optimalLsDiscriminator([2, 0, 1, 0], [0, 3, 1, 0], { a: -1, b: 1 });
    assert.deepEqual(Array.from(dStar), [1, -1, 0, 0]);
  });

  it("D* minimises the discriminator's cost: perturbations only make it worse", () => {
    const coding = { a: -1, b: 1 };
    const cost = (d: Float64Array) =>
      integrate(
        xs.map(
          (_, i) =>
            0.5 * pData[i] * (d[i] - coding.b) ** 2 + 0.5 * pGen[i] * (d[i] - coding.a) ** 2,
        ),
        step,
      );
    const dStar = optimalLsDiscriminator(pData, pGen, coding);
    for (const eps of [-0.1, 0.01, 0.3]) {
      assert.ok(cost(dStar.map((d, i) => d + eps * Math.sin(xs[i]) + eps)) > cost(dStar));
    }
  });

  it("the rewritten integral equals the criterion from its definition at D*", () => {
    for (const coding of [
      { a: -1, b: 1, c: 0 },
      { a: 0, b: 1, c: 1 },
      { a: 0.3, b: 2, c: 0.5 },
    ]) {
      const dStar = optimalLsDiscriminator(pData, pGen, coding);
      close(
        lsCriterionAtOptimum(pData, pGen, coding, step),
        lsGeneratorCriterion(pData, pGen, dStar, coding.c, step),
        1e-10,
        JSON.stringify(coding),
      );
    }
  });

  it("with b − c = 1 and b − a = 2, 2C(G) equals ∫ (2p_g − (p_d + p_g))² / (p_d + p_g)", () => {
    const coding = { a: -1, b: 1, c: 0 };
    const total = addArrays(pData, pGen);
    close(
      lsCriterionAtOptimum(pData, pGen, coding, step),
      pearsonChiSquare(scaleArray(pGen, 2), total, step),
      1e-9,
      "χ²",
    );
  });

  it("is 2 for disjoint supports with the (−1, 1, 0) coding, and 0 when p_g = p_d", () => {
    const left = normalizeDensity(uniformDensity(xs, -6, -2), step);
    const right = normalizeDensity(uniformDensity(xs, 2, 6), step);
    close(lsCriterionAtOptimum(left, right, { a: -1, b: 1, c: 0 }, step), 2, 1e-9, "disjoint");
    close(lsCriterionAtOptimum(pData, pData, { a: -1, b: 1, c: 0 }, step), 0, 1e-12, "equal");
  });

  it("for any coding, 2C(G) = ((b − a)/2)²·χ²(2p_g‖p_d + p_g) + 2((a + b)/2 − c)²", () => {
    const chi2 = pearsonChiSquare(scaleArray(pGen, 2), addArrays(pData, pGen), step);
    for (const { a, b, c } of [
      { a: 0, b: 1, c: 1 },
      { a: -1, b: 1, c: 0.5 },
      { a: 3, b: -2, c: 7 },
    ]) {
      close(
        lsCriterionAtOptimum(pData, pGen, { a, b, c }, step),
        ((b - a) / 2) ** 2 * chi2 + 2 * ((a + b) / 2 - c) ** 2,
        1e-9,
        `(${a}, ${b}, ${c})`,
      );
    }
  });
});

describe("bad inputs", () => {
  const { xs, step } = makeGrid(-10, 10, 401);
  const pData = gaussianDensity(xs, -1, 1);
  const pGen = gaussianDensity(xs, 1.5, 0.7);
  const coding = { a: -1, b: 1, c: 0 };
  const withValue = (values: Float64Array, index: number, value: number) => {
    const copy = values.slice();
    copy[index] = value;
    return copy;
  };

  it("negative densities are rejected with the argument, the index and the value", () => {
    const negative = withValue(pGen, 17, -0.002);
    const message = /pGen\[17\] is -0\.002; a density must be >= 0/;
    assert.throws(() => optimalLsDiscriminator(pData, negative, coding), message);
    assert.throws(
      () => lsGeneratorCriterion(pData, negative, new Float64Array(xs.length), 0, step),
      message,
    );
    assert.throws(() => lsCriterionAtOptimum(pData, negative, coding, step), message);
    assert.throws(
      () => lsCriterionAtOptimum(withValue(pData, 3, -1), pGen, coding, step),
      /pData\[3\] is -1;/,
    );
    assert.throws(
      () => pearsonChiSquare([0, 0.5, 0.5, 0], [0, -0.25, 0.75, 0], 1),
      /q\[1\] is -0\.25; a density/,
    );
    assert.throws(
      () => pearsonChiSquare([0, -0.5, 0.5, 0], [0, 0.25, 0.75, 0], 1),
      /p\[1\] is -0\.5; a density/,
    );
    assert.throws(
      () => normalizeDensity(Float64Array.from([0, 1, -0.5, 1]), 1),
      /values\[2\] is -0\.5;/,
    );
  });

  it("non-finite values are rejected with the argument, the index and the value", () => {
    const message = (name: string, value: string) =>
      new RegExp(`${name}\\[5\\] is ${value}; values must be finite`);
    assert.throws(() => integrate(withValue(pData, 5, NaN), step), message("values", "NaN"));
    assert.throws(
      () => gaussianDensity(withValue(xs, 5, Infinity), 0, 1),
      message("xs", "Infinity"),
    );
    assert.throws(() => uniformDensity(withValue(xs, 5, NaN), -1, 1), message("xs", "NaN"));
    assert.throws(
      () => normalizeDensity(withValue(pData, 5, Infinity), step),
      message("values", "Infinity"),
    );
    assert.throws(
      () => optimalLsDiscriminator(withValue(pData, 5, NaN), pGen, coding),
      message("pData", "NaN"),
    );
    assert.throws(
      () => lsCriterionAtOptimum(pData, withValue(pGen, 5, NaN), coding, step),
      message("pGen", "NaN"),
    );
    const badD = withValue(new Float64Array(xs.length), 5, -Infinity);
    assert.throws(
      () => lsGeneratorCriterion(pData, pGen, badD, 0, step),
      message("discriminator", "-Infinity"),
    );
    assert.throws(
      () => pearsonChiSquare(withValue(pGen, 5, NaN), pData, step),
      message("p", "NaN"),
    );
    assert.throws(() => addArrays(pData, withValue(pGen, 5, NaN)), message("y", "NaN"));
    assert.throws(() => scaleArray(withValue(pGen, 5, Infinity), 2), message("x", "Infinity"));
  });

  it("non-finite or non-positive steps and parameters are rejected", () => {
    assert.throws(() => integrate(pData, 0), /step must be a finite number > 0, got 0/);
    assert.throws(() => integrate(pData, NaN), /step must be a finite number > 0, got NaN/);
    assert.throws(() => integrate([1], 1), /values must have at least 2 grid points, got 1/);
    assert.throws(
      () => pearsonChiSquare(pGen, pData, -step),
      /step must be a finite number > 0, got -0\.05/,
    );
    assert.throws(
      () => lsCriterionAtOptimum(pData, pGen, { a: -1, b: NaN, c: 0 }, step),
      /b must be a finite/,
    );
    assert.throws(
      () => lsGeneratorCriterion(pData, pGen, pData, Infinity, step),
      /c must be a finite number/,
    );
    assert.throws(
      () => optimalLsDiscriminator(pData, pGen, { a: NaN, b: 1 }),
      /a must be a finite number, got NaN/,
    );
    assert.throws(
      () => uniformDensity(xs, 0, Infinity),
      /high must be a finite number, got Infinity/,
    );
    assert.throws(() => scaleArray(pGen, NaN), /factor must be a finite number, got NaN/);
  });

  it("arrays on different grids are rejected with both lengths", () => {
    const short = pGen.subarray(1);
    const lengths = /pData and pGen must be on the same grid, got 401 and 400 points/;
    assert.throws(() => optimalLsDiscriminator(pData, short, coding), lengths);
    assert.throws(() => lsCriterionAtOptimum(pData, short, coding, step), lengths);
    assert.throws(
      () => lsGeneratorCriterion(pData, pGen, new Float64Array(400), 0, step),
      /pData and discriminator must be on the same grid, got 401 and 400 points/,
    );
    assert.throws(
      () => pearsonChiSquare(pData, short, step),
      /p and q must be on the same grid, got 401 and 400/,
    );
    assert.throws(
      () => addArrays(pData, short),
      /x and y must be on the same grid, got 401 and 400/,
    );
  });

  it("where the maths assumes probability densities, their mass must be 1 within DENSITY_MASS_TOLERANCE", () => {
    assert.equal(DENSITY_MASS_TOLERANCE, 1e-3);
    const doubled = scaleArray(pGen, 2);
    assert.throws(
      () => lsCriterionAtOptimum(pData, doubled, coding, step),
      /pGen integrates to 2 on this grid/,
    );
    const unnormalised = uniformDensity(xs, -2, 2).map((v) => v * 4); // mass 4.05 by the trapezoid rule
    assert.throws(
      () => lsGeneratorCriterion(unnormalised, pGen, pData, 0, step),
      /pData integrates to 4\.05 on this grid \(step 0\.05\); a probability density must integrate to 1 within 0\.001/,
    );
    // A ±3σ grid cuts off 0.27% of a Gaussian: rejected. A ±4σ grid (6e-5) passes.
    const cut = makeGrid(-3, 3, 601);
    const truncated = gaussianDensity(cut.xs, 0, 1);
    const lost = /pData integrates to 0\.9973 on this grid/;
    assert.throws(() => lsCriterionAtOptimum(truncated, truncated, coding, cut.step), lost);
    const wider = makeGrid(-4, 4, 801);
    const n = gaussianDensity(wider.xs, 0, 1);
    close(lsCriterionAtOptimum(n, n, coding, wider.step), 0, 1e-12, "±4σ grid");
    // The χ² of measures and the pointwise D* take any mass: no mass check there.
    const chi2 = pearsonChiSquare(doubled, addArrays(pData, pGen), step);
    close(chi2, lsCriterionAtOptimum(pData, pGen, coding, step), 1e-9, "χ²");
    assert.doesNotThrow(() => optimalLsDiscriminator(doubled, pGen, coding));
  });

  it("accepts every density of notebooks 04 and 05: their truncated Gaussians are within 1.3e-12 of mass 1", () => {
    // Notebook 04: grid [−10, 10], 8001 points.
    const nb04 = makeGrid(-10, 10, 8001);
    const [pd4, pg4] = [gaussianDensity(nb04.xs, -1, 1), gaussianDensity(nb04.xs, 1.5, 0.7)];
    for (const abc of [
      coding,
      { a: 0, b: 1, c: 1 },
      { a: 0.3, b: 2, c: 0.5 },
      { a: 2, b: -1, c: 4 },
    ]) {
      const rewritten = lsCriterionAtOptimum(pd4, pg4, abc, nb04.step);
      const dStar = optimalLsDiscriminator(pd4, pg4, abc);
      const byDefinition = lsGeneratorCriterion(pd4, pg4, dStar, abc.c, nb04.step);
      close(rewritten, byDefinition, 1e-9, JSON.stringify(abc));
    }
    // Notebook 05: grid [−15, 15], 12001 points; the widest and most shifted Gaussians lose the most mass.
    const nb05 = makeGrid(-15, 15, 12001);
    const normal = (mean: number, std: number) => gaussianDensity(nb05.xs, mean, std);
    const uniform = (low: number, high: number) =>
      normalizeDensity(uniformDensity(nb05.xs, low, high), nb05.step);
    const pairs = [
      [normal(0, 1), normal(0.5, 1.2)],
      [normal(-2, 1), normal(2, 1)],
      [normal(0, 0.3), normal(1, 2)],
      [uniform(-6, -2), uniform(2, 6)],
      [normal(0, 1), normal(-8, 1)],
      [normal(0, 1), normal(8, 1)],
    ];
    for (const [pd, pg] of pairs) {
      for (const density of [pd, pg])
        assert.ok(Math.abs(integrate(density, nb05.step) - 1) < 1.3e-12);
      const chi2 = pearsonChiSquare(scaleArray(pg, 2), addArrays(pd, pg), nb05.step);
      close(lsCriterionAtOptimum(pd, pg, coding, nb05.step), chi2, 1e-6, "2C(G) = χ²");
    }
    // Notebook 05's 2-D problem: D* row by row on a [−4, 4] grid of 41 points (rows are not densities).
    const axis = makeGrid(-4, 4, 41);
    const [gx, gy] = [gaussianDensity(axis.xs, 1.2, 0.9), gaussianDensity(axis.xs, 0.6, 0.9)];
    assert.doesNotThrow(() =>
      optimalLsDiscriminator(
        gx.map((v) => v * gy[3]),
        gx,
        coding,
      ),
    );
  });
});
