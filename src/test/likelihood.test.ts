// Maximum likelihood = minimum KL on discrete distributions, against closed forms.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  binomialPmf,
  checkProbabilities,
  entropy,
  klDivergence,
  meanLogLikelihood,
} from "../lib/theory/likelihood";

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );

/** A fixed, lopsided distribution over 0..10 (not binomial). */
const P_DATA = (() => {
  const weights = [0, 1, 5, 9, 3, 0.5, 2, 7, 1, 0, 0.25];
  const sum = weights.reduce((a, b) => a + b, 0);
  return Float64Array.from(weights, (w) => w / sum);
})();

describe("binomialPmf", () => {
  it("sums to 1 with mean nθ and variance nθ(1 − θ), and matches C(n, k) θ^k (1 − θ)^(n − k)", () => {
    const [n, theta] = [12, 0.3];
    const p = binomialPmf(n, theta);
    const mean = p.reduce((s, pk, k) => s + pk * k, 0);
    const variance = p.reduce((s, pk, k) => s + pk * (k - mean) ** 2, 0);
    close(
      p.reduce((a, b) => a + b, 0),
      1,
    );
    close(mean, n * theta);
    close(variance, n * theta * (1 - theta));
    close(p[3], 220 * 0.3 ** 3 * 0.7 ** 9); // C(12, 3) = 220
  });

  it("puts everything on 0 or n at θ = 0 or 1, and names a bad n or θ", () => {
    binomialPmf(3, 0).forEach((p, k) => close(p, k === 0 ? 1 : 0));
    binomialPmf(3, 1).forEach((p, k) => close(p, k === 3 ? 1 : 0));
    assert.throws(() => binomialPmf(2.5, 0.5), /n must be an integer >= 0, got 2.5/);
    assert.throws(() => binomialPmf(4, 1.5), /theta must be in \[0, 1\], got 1.5/);
  });
});

describe("entropy and KL divergence", () => {
  it("give log K for a uniform distribution and KL(Bin(n, p) ‖ Bin(n, q)) in closed form", () => {
    close(entropy(new Float64Array(8).fill(1 / 8)), Math.log(8));
    for (const [n, p, q] of [
      [5, 0.2, 0.6],
      [28, 0.35, 0.3],
      [1, 0.5, 0.9],
    ]) {
      const closed = n * (p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q)));
      close(klDivergence(binomialPmf(n, p), binomialPmf(n, q)), closed, 1e-10);
    }
    close(klDivergence(P_DATA, P_DATA), 0);
  });

  it("splits the mean log-likelihood into −H(p) − KL(p ‖ q) for any model q", () => {
    for (const theta of [0.05, 0.37, 0.5, 0.93]) {
      const q = binomialPmf(10, theta);
      close(meanLogLikelihood(P_DATA, q), -entropy(P_DATA) - klDivergence(P_DATA, q), 1e-12);
    }
  });

  it("peaks where KL is least: the binomial θ of most likelihood is the data's mean / n", () => {
    const thetas = Array.from({ length: 9999 }, (_, i) => (i + 1) / 10000);
    const argBest = (score: (theta: number) => number) =>
      thetas.reduce((best, t) => (score(t) > score(best) ? t : best));
    const byLikelihood = argBest((t) => meanLogLikelihood(P_DATA, binomialPmf(10, t)));
    const byKl = argBest((t) => -klDivergence(P_DATA, binomialPmf(10, t)));
    const mean = P_DATA.reduce((s, p, k) => s + p * k, 0);
    assert.equal(byLikelihood, byKl);
    assert.ok(Math.abs(byLikelihood - mean / 10) <= 1e-4, `${byLikelihood} vs ${mean / 10}`);
  });

  it("is infinite when the model rules out an outcome the data has", () => {
    assert.equal(klDivergence([0.5, 0.5], [1, 0]), Infinity);
    assert.equal(meanLogLikelihood([0.5, 0.5], [1, 0]), -Infinity);
    assert.equal(klDivergence([1, 0], [0.5, 0.5]), Math.log(2));
  });

  it("names what is wrong with its inputs", () => {
    assert.throws(() => entropy([0.5, 0.6]), /p sums to 1.1, not 1/);
    assert.throws(
      () => klDivergence([1, 0], [0.5, 0.25, 0.25]),
      /one entry per outcome each, got 2 and 3/,
    );
    assert.throws(() => checkProbabilities("q", [1.5, -0.5]), /q\[1\] is -0.5/);
  });
});
