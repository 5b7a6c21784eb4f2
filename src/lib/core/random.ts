import seedrandom from "seedrandom";

import { assertInteger } from "./checks";

/** A seeded source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * A seeded random number generator (Alea, the generator tfjs uses). tfjs treats seed 0 as
 * "unseeded", so seeds here must be positive integers.
 */
export function createRandom(seed: number): Random {
  assertInteger("seed", seed, 1);
  return seedrandom.alea(String(seed));
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function shuffledIndices(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}

/** Consecutive seeds seed, seed + 1, …: one per layer initialiser, so that each layer differs. */
export function createSeedSequence(seed: number): () => number {
  assertInteger("seed", seed, 1);
  let next = seed;
  return () => next++;
}

/** A fresh positive 31-bit seed drawn from `random`, for tfjs ops that take a seed argument. */
export function drawSeed(random: Random): number {
  return 1 + Math.floor(random() * 0x7ffffffe);
}
