// 2-D data for notebook 07: a mixture of Gaussians whose centres lie evenly on a circle (the LSGAN
// paper's stability test); measure/ringscores.ts says how well a generator's samples cover it.
import { tf } from "../core/backend";
import { assertInteger, assertPositive } from "../core/checks";
import { createRandom, type Random } from "../core/random";

export interface RingMixtureArgs {
  /** Number of Gaussians (modes); default 8. */
  modes?: number;
  /** Radius of the circle of centres; default 2. */
  radius?: number;
  /** Standard deviation of each Gaussian, the same in both coordinates; default 0.02. */
  sd?: number;
  /**
   * Each mode's share of the samples (positive, summing to 1); default equal shares. The LSGAN
   * authors' ring (AUTHORS_RING) gives one mode twice the others' share.
   */
  weights?: number[];
}

/** A mixture of `modes` Gaussians N(centre_k, sd²·I), centre_k = radius·(cos 2πk/modes, sin 2πk/modes). */
export interface RingMixture {
  modes: number;
  radius: number;
  sd: number;
  /** Each mode's share of the samples. */
  weights: number[];
  /** The centres, [modes][2], mode 0 at (radius, 0), counter-clockwise. */
  centres: Array<[number, number]>;
}

/** The ring mixture with its centres; the arguments checked. */
export function createRingMixture({
  modes = 8,
  radius = 2,
  sd = 0.02,
  weights = Array.from({ length: modes }, () => 1 / modes),
}: RingMixtureArgs = {}): RingMixture {
  assertInteger("modes", modes);
  assertPositive("radius", radius);
  assertPositive("sd", sd);
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length !== modes || weights.some((w) => !(w > 0)) || Math.abs(total - 1) > 1e-9)
    throw new Error(`weights must be ${modes} positive shares summing to 1, got [${weights}]`);
  const centres = Array.from({ length: modes }, (_, k): [number, number] => {
    const angle = (2 * Math.PI * k) / modes;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
  return { modes, radius, sd, weights, centres };
}

/**
 * The LSGAN authors' ring (their code, stability_comparison/mixture_gaussian): 9 centres at
 * angles linspace(0, 2π, 9) on a circle of radius 1, σ 0.01, drawn with equal probability; the
 * first and last centre coincide, so 8 modes, one of them with 2/9 of the samples. (Their
 * centres start at (0, 1), ours at (1, 0): the same ring turned by 90°.)
 */
export const AUTHORS_RING: Readonly<Required<RingMixtureArgs>> = {
  modes: 8,
  radius: 1,
  sd: 0.01,
  weights: [2 / 9, ...Array.from({ length: 7 }, () => 1 / 9)],
};

/** A standard normal number from two uniform ones (Box–Muller). */
function standardNormal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The mode that `u` in [0, 1) picks: the first whose cumulative share passes it. */
function pickMode(ring: RingMixture, u: number): number {
  let sum = 0;
  for (let k = 0; k < ring.modes - 1; k++) {
    sum += ring.weights[k];
    if (u < sum) return k;
  }
  return ring.modes - 1;
}

/** `n` points of the mixture drawn with `random`: a mode by its share, then its Gaussian. */
function drawRingPoints(ring: RingMixture, n: number, random: Random): Array<[number, number]> {
  const equal = ring.weights.every((w) => w === ring.weights[0]);
  return Array.from({ length: n }, (): [number, number] => {
    const u = random();
    // Equal shares: the same arithmetic as before weights existed, so earlier runs stay the same.
    const [x, y] = ring.centres[equal ? Math.floor(u * ring.modes) : pickMode(ring, u)];
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
export function createRingSampler(
  ring: RingMixture,
  seed: number,
  /** Points already drawn from this stream (to continue it after a checkpoint). */
  drawn = 0,
): (n: number) => tf.Tensor2D {
  assertInteger("drawn", drawn, 0);
  const random = createRandom(seed);
  drawRingPoints(ring, drawn, random);
  return (n: number) => {
    assertInteger("n", n);
    return tf.tensor2d(drawRingPoints(ring, n, random), [n, 2]);
  };
}
