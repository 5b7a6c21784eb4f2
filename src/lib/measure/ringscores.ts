// How well a generator's samples cover the ring of Gaussians (data/ring.ts): modes covered and
// the share of samples near a mode, samples nearest each mode, and the energy distance.
import { tf } from "../core/backend";
import { assertFinite, assertPositive } from "../core/checks";
import type { RingMixture } from "../data/ring";

/** Points as [x, y] pairs, from a tensor [n, 2] or an array. */
function toPoints(
  points: tf.Tensor2D | ReadonlyArray<readonly number[]>,
): ReadonlyArray<readonly number[]> {
  if (!(points instanceof tf.Tensor)) return points;
  if (points.rank !== 2 || points.shape[1] !== 2)
    throw new Error(`points must be a tensor [n, 2], got shape [${points.shape.join(", ")}]`);
  return points.arraySync();
}

export interface ModeCoverageArgs {
  /** A sample is of high quality when it lies within this many standard deviations of a centre; default 3. */
  withinSds?: number;
  /** A mode counts as covered when at least this share of all samples are high-quality samples of it; default 0.008 (20 of 2,500). */
  minShare?: number;
}

/** How a set of samples covers the ring's modes. */
export interface ModeCoverage {
  /** High-quality samples per mode. */
  perMode: number[];
  /** Samples nearest each mode, whatever their distance (where the generator puts its mass). */
  nearest: number[];
  /** Modes with at least `minShare` of the samples. */
  covered: number;
  /** Share of the samples that are of high quality (near some centre). */
  highQualityShare: number;
  samples: number;
}

/**
 * Counts, for samples of a generator, the modes they cover and the share of high-quality samples
 * (the measures of Metz et al.'s unrolled GAN and of the LSGAN papers' ring experiment): a sample
 * belongs to its nearest centre and is of high quality when within `withinSds` standard deviations
 * of it; a mode is covered when its high-quality samples make at least `minShare` of all samples.
 */
export function measureModeCoverage(
  ring: RingMixture,
  points: tf.Tensor2D | ReadonlyArray<readonly number[]>,
  { withinSds = 3, minShare = 0.008 }: ModeCoverageArgs = {},
): ModeCoverage {
  assertPositive("withinSds", withinSds);
  assertFinite("minShare", minShare);
  if (!(minShare > 0 && minShare <= 1))
    throw new Error(`minShare must be in (0, 1], got ${minShare}`);
  const xy = toPoints(points);
  if (xy.length === 0) throw new Error("measureModeCoverage needs at least one sample");
  const perMode = new Array<number>(ring.modes).fill(0);
  const nearest = new Array<number>(ring.modes).fill(0);
  const reach = withinSds * ring.sd;
  for (const [x, y] of xy) {
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new Error(`a sample is not finite: [${x}, ${y}]`);
    let best = 0;
    let bestDistance = Infinity;
    ring.centres.forEach(([cx, cy], k) => {
      const distance = Math.sqrt((x - cx) ** 2 + (y - cy) ** 2);
      if (distance < bestDistance) [best, bestDistance] = [k, distance];
    });
    nearest[best] += 1;
    if (bestDistance <= reach) perMode[best] += 1;
  }
  const highQuality = perMode.reduce((a, b) => a + b, 0);
  return {
    perMode,
    nearest,
    covered: perMode.filter((count) => count >= minShare * xy.length).length,
    highQualityShare: highQuality / xy.length,
    samples: xy.length,
  };
}

/**
 * The energy distance between two samples of 2-D points (Székely): 2·E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖,
 * each expectation the mean over all pairs (V-statistics), in float64. Zero for equal samples,
 * positive otherwise; it compares whole distributions (where the mass is, not only which modes
 * have some). O(n·m) distances: a few thousand points each take milliseconds.
 */
export function energyDistance(
  a: tf.Tensor2D | ReadonlyArray<readonly number[]>,
  b: tf.Tensor2D | ReadonlyArray<readonly number[]>,
): number {
  const [x, y] = [toPoints(a), toPoints(b)];
  if (x.length === 0 || y.length === 0)
    throw new Error("energyDistance needs at least one point in each sample");
  const meanDistance = (
    p: ReadonlyArray<readonly number[]>,
    q: ReadonlyArray<readonly number[]>,
  ) => {
    let sum = 0;
    for (const [px, py] of p)
      for (const [qx, qy] of q) sum += Math.sqrt((px - qx) ** 2 + (py - qy) ** 2);
    return sum / (p.length * q.length);
  };
  const distance = 2 * meanDistance(x, y) - meanDistance(x, x) - meanDistance(y, y);
  if (!Number.isFinite(distance)) throw new Error("energyDistance: a point is not finite");
  return distance;
}

/** One run's score at one check. */
export interface RingCheck {
  step: number;
  covered: number;
  highQualityShare: number;
  perMode: number[];
  /** Samples nearest each mode (the collapse flag's histogram). */
  nearest: number[];
  /** Energy distance between 1,000 samples and 1,000 points of the ring. */
  energy: number;
  /** The first `keepPoints` samples, rounded to 3 decimals. */
  points: Array<[number, number]>;
  /** The same measures for the average of the generator's weights, when the run keeps one. */
  averaged?: AveragedRingCheck;
}

/** x to 3 decimals (−0 as 0, so that a cached run reads back equal). */
const round3 = (x: number) => Math.round(x * 1000) / 1000 || 0;

/** A check's measures for the averaged generator (no points, no energy distance). */
export interface AveragedRingCheck {
  covered: number;
  highQualityShare: number;
  nearest: number[];
}

/** The averaged generator's measures at a check, from its samples `points`. */
export function scoreAveragedCheck(
  ring: RingMixture,
  points: ReadonlyArray<readonly number[]>,
): AveragedRingCheck {
  const coverage = measureModeCoverage(ring, points);
  return {
    covered: coverage.covered,
    highQualityShare: round3(coverage.highQualityShare),
    nearest: coverage.nearest,
  };
}

/**
 * One run's score at one check, from its samples `points`: modes covered, high-quality share and
 * samples per mode (`measureModeCoverage`), samples nearest each mode, the energy distance of the
 * first 1,000 to `reference`, and the first `keepPoints` points rounded to 3 decimals.
 */
export function scoreRingCheck(
  ring: RingMixture,
  points: ReadonlyArray<readonly number[]>,
  {
    step,
    reference,
    keepPoints,
  }: { step: number; reference: ReadonlyArray<readonly number[]>; keepPoints: number },
): RingCheck {
  const coverage = measureModeCoverage(ring, points);
  return {
    step,
    covered: coverage.covered,
    highQualityShare: round3(coverage.highQualityShare),
    perMode: coverage.perMode,
    nearest: coverage.nearest,
    energy: Number(energyDistance(points.slice(0, 1000), reference).toPrecision(4)),
    points: points.slice(0, keepPoints).map(([x, y]): [number, number] => [round3(x), round3(y)]),
  };
}
