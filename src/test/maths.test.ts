import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  addArrays, gaussianDensity, integrate, lsCriterionAtOptimum, lsGeneratorCriterion, makeGrid, normalizeDensity,
  optimalLsDiscriminator, pearsonChiSquare, scaleArray, uniformDensity,
} from "../lib";

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

describe("grids and quadrature", () => {
  it("integrates polynomials and densities to their closed forms", () => {
    const { xs, step } = makeGrid(0, 2, 2001);
    close(integrate(xs.map((x) => x), step), 2, 1e-12, "∫ x over [0, 2]");
    close(integrate(xs.map((x) => x * x), step), 8 / 3, 1e-6, "∫ x² over [0, 2]");
    const wide = makeGrid(-20, 20, 8001);
    close(integrate(gaussianDensity(wide.xs, 1, 2), wide.step), 1, 1e-9, "Gaussian mass");
    close(integrate(normalizeDensity(uniformDensity(wide.xs, -1, 2), wide.step), wide.step), 1, 1e-12, "uniform mass");
  });

  it("rejects bad grids and densities", () => {
    assert.throws(() => makeGrid(1, 1, 10), /stop must be greater than start, got \[1, 1\]/);
    assert.throws(() => makeGrid(0, 1, 1), /count must be an integer >= 2, got 1/);
    assert.throws(() => gaussianDensity(new Float64Array(3), 0, 0), /std must be a finite number > 0, got 0/);
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
    const cost = (d: Float64Array) => integrate(xs.map((_, i) => 0.5 * pData[i] * (d[i] - coding.b) ** 2 + 0.5 * pGen[i] * (d[i] - coding.a) ** 2), step);
    const dStar = optimalLsDiscriminator(pData, pGen, coding);
    for (const eps of [-0.1, 0.01, 0.3]) {
      assert.ok(cost(dStar.map((d, i) => d + eps * Math.sin(xs[i]) + eps)) > cost(dStar));
    }
  });

  it("the rewritten integral equals the criterion from its definition at D*", () => {
    for (const coding of [{ a: -1, b: 1, c: 0 }, { a: 0, b: 1, c: 1 }, { a: 0.3, b: 2, c: 0.5 }]) {
      const dStar = optimalLsDiscriminator(pData, pGen, coding);
      close(lsCriterionAtOptimum(pData, pGen, coding, step), lsGeneratorCriterion(pData, pGen, dStar, coding.c, step), 1e-10, JSON.stringify(coding));
    }
  });

  it("with b − c = 1 and b − a = 2, 2C(G) equals ∫ (2p_g − (p_d + p_g))² / (p_d + p_g)", () => {
    const coding = { a: -1, b: 1, c: 0 };
    const total = addArrays(pData, pGen);
    close(lsCriterionAtOptimum(pData, pGen, coding, step), pearsonChiSquare(scaleArray(pGen, 2), total, step), 1e-9, "χ²");
  });

  it("is 2 for disjoint supports with the (−1, 1, 0) coding, and 0 when p_g = p_d", () => {
    const left = normalizeDensity(uniformDensity(xs, -6, -2), step);
    const right = normalizeDensity(uniformDensity(xs, 2, 6), step);
    close(lsCriterionAtOptimum(left, right, { a: -1, b: 1, c: 0 }, step), 2, 1e-9, "disjoint");
    close(lsCriterionAtOptimum(pData, pData, { a: -1, b: 1, c: 0 }, step), 0, 1e-12, "equal");
  });

  it("for any coding, 2C(G) = ((b − a)/2)²·χ²(2p_g‖p_d + p_g) + 2((a + b)/2 − c)²", () => {
    const chi2 = pearsonChiSquare(scaleArray(pGen, 2), addArrays(pData, pGen), step);
    for (const { a, b, c } of [{ a: 0, b: 1, c: 1 }, { a: -1, b: 1, c: 0.5 }, { a: 3, b: -2, c: 7 }]) {
      close(lsCriterionAtOptimum(pData, pGen, { a, b, c }, step), ((b - a) / 2) ** 2 * chi2 + 2 * ((a + b) / 2 - c) ** 2, 1e-9, `(${a}, ${b}, ${c})`);
    }
  });
});
