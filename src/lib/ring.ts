// 2-D data for notebook 07: a mixture of Gaussians whose centres lie evenly on a circle (the LSGAN
// paper's stability test), and measures of how well a generator's samples cover it.
import { tf } from "./backend";
import { assertFinite, assertInteger, assertPositive } from "./checks";
import { createRandom, type Random } from "./random";

export interface RingMixtureArgs {
  /** Number of Gaussians (modes); default 8. */
  modes?: number;
  /** Radius of the circle of centres; default 2. */
  radius?: number;
  /** Standard deviation of each Gaussian, the same in both coordinates; default 0.02. */
  sd?: number;
}

/** A mixture of `modes` equally likely Gaussians N(centre_k, sd²·I), centre_k = radius·(cos 2πk/modes, sin 2πk/modes). */
export interface RingMixture {
  modes: number;
  radius: number;
  sd: number;
  /** The centres, [modes][2], mode 0 at (radius, 0), counter-clockwise. */
  centres: Array<[number, number]>;
}

/** The ring mixture with its centres; the arguments checked. */
export function createRingMixture({
  modes = 8,
  radius = 2,
  sd = 0.02,
}: RingMixtureArgs = {}): RingMixture {
  assertInteger("modes", modes);
  assertPositive("radius", radius);
  assertPositive("sd", sd);
  const centres = Array.from({ length: modes }, (_, k): [number, number] => {
    const angle = (2 * Math.PI * k) / modes;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
  return { modes, radius, sd, centres };
}

/** A standard normal number from two uniform ones (Box–Muller). */
function standardNormal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `n` points of the mixture drawn with `random`: a mode uniformly, then its Gaussian. */
function drawRingPoints(ring: RingMixture, n: number, random: Random): Array<[number, number]> {
  return Array.from({ length: n }, (): [number, number] => {
    const [x, y] = ring.centres[Math.floor(random() * ring.modes)];
    return [x + ring.sd * standardNormal(random), y + ring.sd * standardNormal(random)];
  });
}

/** `n` points of the mixture, seeded (the same seed gives the same points on every backend). */
export function sampleRing(ring: RingMixture, n: number, seed: number): Array<[number, number]> {
  assertInteger("n", n);
  return drawRingPoints(ring, n, createRandom(seed));
}

/**
 * A seeded stream of batches of the mixture, as the training loop takes real data: each call
 * returns the next `n` points as a tensor [n, 2] (drawn in JavaScript: about 2·n random numbers).
 */
export function createRingSampler(ring: RingMixture, seed: number): (n: number) => tf.Tensor2D {
  const random = createRandom(seed);
  return (n: number) => {
    assertInteger("n", n);
    return tf.tensor2d(drawRingPoints(ring, n, random), [n, 2]);
  };
}

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
