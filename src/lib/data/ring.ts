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
