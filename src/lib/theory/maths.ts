// Densities on a grid and the integrals of the LSGAN derivation, in float64 (not tensors):
// the identities of notebooks 04 and 05 are checked to 1e-6, beyond float32's reach.
import { assertFinite, assertInteger } from "../core/checks";
import type { LsTargets } from "../train/losses";

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
  checkFiniteValues("xs", xs);
  assertFinite("mean", mean);
  if (!(std > 0) || !Number.isFinite(std))
    throw new Error(`std must be a finite number > 0, got ${std}`);
  const norm = 1 / (std * Math.sqrt(2 * Math.PI));
  return xs.map((x) => norm * Math.exp(-0.5 * ((x - mean) / std) ** 2));
}

/** The uniform density on [low, high] at each grid point (zero outside). */
export function uniformDensity(xs: Float64Array, low: number, high: number): Float64Array {
  checkFiniteValues("xs", xs);
  assertFinite("low", low);
  assertFinite("high", high);
  if (!(high > low)) throw new Error(`uniform density needs low < high, got [${low}, ${high}]`);
  return xs.map((x) => (x >= low && x <= high ? 1 / (high - low) : 0));
}

/**
 * ∫ f dx by the trapezoidal rule, for values f on a uniform grid of spacing `step`. The values may have
 * any sign (this is plain quadrature, not only of densities) but must be finite, at least 2 of them.
 */
export function integrate(values: ArrayLike<number>, step: number): number {
  checkFiniteValues("values", values);
  checkStep(step);
  if (values.length < 2)
    throw new Error(`values must have at least 2 grid points, got ${values.length}`);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += (i === 0 || i === values.length - 1 ? 0.5 : 1) * values[i];
  }
  return sum * step;
}

/**
 * Rescales a density sampled on a grid so that it integrates to exactly 1 there. The values must be
 * finite and >= 0 (any positive mass; that is what gets normalised).
 */
export function normalizeDensity(values: Float64Array, step: number): Float64Array {
  checkDensityValues("values", values);
  const mass = integrate(values, step);
  if (!(mass > 0)) throw new Error(`cannot normalise a density whose integral is ${mass}`);
  return values.map((v) => v / mass);
}

/**
 * How far from 1 the integral of a probability density may be, on its grid: |∫p dx − 1| <= 1e-3.
 * Loose enough for grids that cut off a thin tail (the Gaussians of notebooks 04 and 05, on [−10, 10]
 * and [−15, 15], integrate to 1 within 1.3e-12; a 3σ cut loses 2.7e-3 and is rejected), tight enough to
 * catch a density that was never normalised, or a measure such as 2·p_g or p_d + p_g passed for p_g.
 */
export const DENSITY_MASS_TOLERANCE = 1e-3;

/** Throws unless every value is finite; the message names the argument, the index and the value. */
function checkFiniteValues(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(`${name}[${i}] is ${values[i]}; values must be finite`);
  }
}

/** Throws unless every value is finite and >= 0: a density (or a measure) sampled on a grid. */
function checkDensityValues(name: string, values: ArrayLike<number>): void {
  checkFiniteValues(name, values);
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) throw new Error(`${name}[${i}] is ${values[i]}; a density must be >= 0`);
  }
}

/** Throws unless `values` is a probability density on the grid: >= 0, finite, integrating to 1. */
function checkProbabilityDensity(name: string, values: ArrayLike<number>, step: number): void {
  checkDensityValues(name, values);
  const mass = integrate(values, step);
  if (!(Math.abs(mass - 1) <= DENSITY_MASS_TOLERANCE)) {
    throw new Error(
      `${name} integrates to ${Number(mass.toPrecision(6))} on this grid (step ${step}); a probability density must integrate ` +
        `to 1 within ${DENSITY_MASS_TOLERANCE} (normalise it, or widen the grid if a tail is cut off)`,
    );
  }
}

function checkStep(step: number): void {
  if (!(step > 0) || !Number.isFinite(step))
    throw new Error(`step must be a finite number > 0, got ${step}`);
}

function checkSameLength(
  names: [string, string],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): void {
  if (x.length !== y.length) {
    throw new Error(
      `${names[0]} and ${names[1]} must be on the same grid, got ${x.length} and ${y.length} points`,
    );
  }
}

/**
 * The least-squares discriminator that minimises ½E_pd[(D − b)²] + ½E_pg[(D − a)²] for fixed G:
 * D*(x) = (b·p_d(x) + a·p_g(x)) / (p_d(x) + p_g(x)). Where both densities are 0 the value is
 * irrelevant to every integral; it is set to (a + b)/2. The formula is pointwise, so pData and pGen
 * must be finite and >= 0 on the same grid but need not integrate to 1 (e.g. rows of a 2-D density).
 */
export function optimalLsDiscriminator(
  pData: ArrayLike<number>,
  pGen: ArrayLike<number>,
  { a, b }: Pick<LsTargets, "a" | "b">,
): Float64Array {
  checkSameLength(["pData", "pGen"], pData, pGen);
  checkDensityValues("pData", pData);
  checkDensityValues("pGen", pGen);
  assertFinite("a", a);
  assertFinite("b", b);
  return Float64Array.from({ length: pData.length }, (_, i) => {
    const total = pData[i] + pGen[i];
    return total > 0 ? (b * pData[i] + a * pGen[i]) / total : (a + b) / 2;
  });
}

/**
 * The generator's LSGAN criterion with the G-independent term added, from its definition:
 * 2C(G) = E_pd[(D(x) − c)²] + E_pg[(D(x) − c)²] = ∫ (p_d + p_g)(D − c)² dx, for a given D.
 * pData and pGen must be probability densities on the grid: finite, >= 0, each integrating to 1 within
 * DENSITY_MASS_TOLERANCE (1e-3); `discriminator` must be finite, on the same grid.
 */
export function lsGeneratorCriterion(
  pData: ArrayLike<number>,
  pGen: ArrayLike<number>,
  discriminator: ArrayLike<number>,
  c: number,
  step: number,
): number {
  checkSameLength(["pData", "pGen"], pData, pGen);
  checkSameLength(["pData", "discriminator"], pData, discriminator);
  checkStep(step);
  checkProbabilityDensity("pData", pData, step);
  checkProbabilityDensity("pGen", pGen, step);
  checkFiniteValues("discriminator", discriminator);
  assertFinite("c", c);
  const integrand = (_: unknown, i: number) => (pData[i] + pGen[i]) * (discriminator[i] - c) ** 2;
  return integrate(Float64Array.from({ length: pData.length }, integrand), step);
}

/**
 * The same criterion at D = D*, in the rewritten form of the LSGAN paper:
 * 2C(G) = ∫ ((b − c)(p_d + p_g) − (b − a)·p_g)² / (p_d + p_g) dx.
 * pData and pGen must be probability densities on the grid: finite, >= 0, each integrating to 1 within
 * DENSITY_MASS_TOLERANCE (1e-3) — the paper's identities (e.g. 2C(G) = χ²(2p_g‖p_d + p_g) for b − c = 1,
 * b − a = 2) hold for densities of mass 1.
 */
export function lsCriterionAtOptimum(
  pData: ArrayLike<number>,
  pGen: ArrayLike<number>,
  { a, b, c }: LsTargets,
  step: number,
): number {
  checkSameLength(["pData", "pGen"], pData, pGen);
  checkStep(step);
  checkProbabilityDensity("pData", pData, step);
  checkProbabilityDensity("pGen", pGen, step);
  assertFinite("a", a);
  assertFinite("b", b);
  assertFinite("c", c);
  return integrate(
    Float64Array.from({ length: pData.length }, (_, i) => {
      const total = pData[i] + pGen[i];
      return total > 0 ? ((b - c) * total - (b - a) * pGen[i]) ** 2 / total : 0;
    }),
    step,
  );
}

/**
 * Pearson's χ² divergence χ²(P‖Q) = ∫ (P − Q)² / Q dx: the f-divergence with f(t) = (t − 1)².
 * P and Q need not be normalised (the LSGAN identity compares measures of mass 2), so no mass is
 * checked, but they must be finite and >= 0 on the same grid. Points where Q = 0 must have P = 0 too;
 * otherwise the divergence is infinite and an error says where.
 * `step` is the grid spacing; use 1 for discrete distributions.
 */
export function pearsonChiSquare(p: ArrayLike<number>, q: ArrayLike<number>, step: number): number {
  checkSameLength(["p", "q"], p, q);
  checkDensityValues("p", p);
  checkDensityValues("q", q);
  checkStep(step);
  return integrate(
    Float64Array.from({ length: p.length }, (_, i) => {
      if (q[i] > 0) return (p[i] - q[i]) ** 2 / q[i];
      if (p[i] === 0) return 0;
      throw new Error(`Pearson χ² is infinite: Q is 0 but P is ${p[i]} at point ${i}`);
    }),
    step,
  );
}

/**
 * Pointwise sum of two arrays, and a multiple of one: the measures p_d + p_g and 2·p_g. Plain array
 * arithmetic (any sign), so the values only need to be finite and, for the sum, on the same grid.
 */
export function addArrays(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  checkSameLength(["x", "y"], x, y);
  checkFiniteValues("x", x);
  checkFiniteValues("y", y);
  return Float64Array.from({ length: x.length }, (_, i) => x[i] + y[i]);
}

export function scaleArray(x: ArrayLike<number>, factor: number): Float64Array {
  checkFiniteValues("x", x);
  assertFinite("factor", factor);
  return Float64Array.from({ length: x.length }, (_, i) => x[i] * factor);
}
