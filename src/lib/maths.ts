// Densities on a grid and the integrals of the LSGAN derivation, in float64 (not tensors):
// the identities of notebooks 04 and 05 are checked to 1e-6, beyond float32's reach.
import { assertFinite, assertInteger } from "./checks";
import type { LsTargets } from "./losses";

/** A uniform grid on [start, stop]: the points and the spacing between them. */
export interface Grid {
  xs: Float64Array;
  step: number;
}

/** `count` evenly spaced points from `start` to `stop`, both included. */
export function makeGrid(start: number, stop: number, count: number): Grid {
  assertFinite("start", start);
  assertFinite("stop", stop);
  assertInteger("count", count, 2);
  if (!(stop > start)) throw new Error(`stop must be greater than start, got [${start}, ${stop}]`);
  const step = (stop - start) / (count - 1);
  return { xs: Float64Array.from({ length: count }, (_, i) => start + i * step), step };
}

/** The normal density N(mean, std²) at each grid point. */
export function gaussianDensity(xs: Float64Array, mean: number, std: number): Float64Array {
  assertFinite("mean", mean);
  if (!(std > 0) || !Number.isFinite(std)) throw new Error(`std must be a finite number > 0, got ${std}`);
  const norm = 1 / (std * Math.sqrt(2 * Math.PI));
  return xs.map((x) => norm * Math.exp(-0.5 * ((x - mean) / std) ** 2));
}

/** The uniform density on [low, high] at each grid point (zero outside). */
export function uniformDensity(xs: Float64Array, low: number, high: number): Float64Array {
  if (!(high > low)) throw new Error(`uniform density needs low < high, got [${low}, ${high}]`);
  return xs.map((x) => (x >= low && x <= high ? 1 / (high - low) : 0));
}

/** ∫ f dx by the trapezoidal rule, for values f on a uniform grid of spacing `step`. */
export function integrate(values: ArrayLike<number>, step: number): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (i === 0 || i === values.length - 1 ? 0.5 : 1) * values[i];
  }
  return sum * step;
}

/** Rescales a density sampled on a grid so that it integrates to exactly 1 there. */
export function normalizeDensity(values: Float64Array, step: number): Float64Array {
  const mass = integrate(values, step);
  if (!(mass > 0)) throw new Error(`cannot normalise a density whose integral is ${mass}`);
  return values.map((v) => v / mass);
}


function checkSameLength(pData: ArrayLike<number>, pGen: ArrayLike<number>): void {
  if (pData.length !== pGen.length) {
    throw new Error(`pData and pGen must be on the same grid, got ${pData.length} and ${pGen.length} points`);
  }
}

/**
 * The least-squares discriminator that minimises ½E_pd[(D − b)²] + ½E_pg[(D − a)²] for fixed G:
 * D*(x) = (b·p_d(x) + a·p_g(x)) / (p_d(x) + p_g(x)). Where both densities are 0 the value is
 * irrelevant to every integral; it is set to (a + b)/2.
 */
export function optimalLsDiscriminator(pData: ArrayLike<number>, pGen: ArrayLike<number>, { a, b }: Pick<LsTargets, "a" | "b">): Float64Array {
  checkSameLength(pData, pGen);
  return Float64Array.from({ length: pData.length }, (_, i) => {
    const total = pData[i] + pGen[i];
    return total > 0 ? (b * pData[i] + a * pGen[i]) / total : (a + b) / 2;
  });
}

/**
 * The generator's LSGAN criterion with the G-independent term added, from its definition:
 * 2C(G) = E_pd[(D(x) − c)²] + E_pg[(D(x) − c)²] = ∫ (p_d + p_g)(D − c)² dx, for a given D.
 */
export function lsGeneratorCriterion(pData: ArrayLike<number>, pGen: ArrayLike<number>, discriminator: ArrayLike<number>, c: number, step: number): number {
  checkSameLength(pData, pGen);
  checkSameLength(pData, discriminator);
  return integrate(Float64Array.from({ length: pData.length }, (_, i) => (pData[i] + pGen[i]) * (discriminator[i] - c) ** 2), step);
}

/**
 * The same criterion at D = D*, in the rewritten form of the LSGAN paper:
 * 2C(G) = ∫ ((b − c)(p_d + p_g) − (b − a)·p_g)² / (p_d + p_g) dx.
 */
export function lsCriterionAtOptimum(pData: ArrayLike<number>, pGen: ArrayLike<number>, { a, b, c }: LsTargets, step: number): number {
  checkSameLength(pData, pGen);
  return integrate(Float64Array.from({ length: pData.length }, (_, i) => {
    const total = pData[i] + pGen[i];
    return total > 0 ? ((b - c) * total - (b - a) * pGen[i]) ** 2 / total : 0;
  }), step);
}

/**
 * Pearson's χ² divergence χ²(P‖Q) = ∫ (P − Q)² / Q dx: the f-divergence with f(t) = (t − 1)².
 * P and Q need not be normalised (the LSGAN identity compares measures of mass 2). Points where
 * Q = 0 must have P = 0 too; otherwise the divergence is infinite and an error says where.
 * `step` is the grid spacing; use 1 for discrete distributions.
 */
export function pearsonChiSquare(p: ArrayLike<number>, q: ArrayLike<number>, step: number): number {
  checkSameLength(p, q);
  return integrate(Float64Array.from({ length: p.length }, (_, i) => {
    if (q[i] > 0) return (p[i] - q[i]) ** 2 / q[i];
    if (p[i] === 0) return 0;
    throw new Error(`Pearson χ² is infinite: Q is 0 but P is ${p[i]} at point ${i}`);
  }), step);
}

/** Pointwise sum of two arrays, and a multiple of one: the measures p_d + p_g and 2·p_g. */
export function addArrays(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  checkSameLength(x, y);
  return Float64Array.from({ length: x.length }, (_, i) => x[i] + y[i]);
}

export function scaleArray(x: ArrayLike<number>, factor: number): Float64Array {
  return Float64Array.from({ length: x.length }, (_, i) => x[i] * factor);
}
