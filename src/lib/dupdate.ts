// How the discriminator's cost is minimised in one training step, as data. The usual way is one
// optimiser step on J(D) = (its part on real data) + (its part on fakes); seed 000 of the series
// could train its LSGAN only with two steps, the real part and then the fake part, each with an
// Adam of its own. Both are values here (notebook 08 compares them), not flags of the step.

/** J(D)'s two halves: its part on real data and its part on fakes. */
export type DiscriminatorPart = "real" | "fake";

/**
 * A way to update D: the groups of J(D)'s halves that are minimised one after the other, each
 * group by its own optimiser (with the discriminator's settings). Plain data, so that it travels
 * in job specs and cache keys.
 */
export interface DiscriminatorUpdate {
  readonly name: string;
  readonly steps: ReadonlyArray<ReadonlyArray<DiscriminatorPart>>;
}

/** One optimiser step on the sum of both halves: the usual update, and the default. */
export const SUMMED_UPDATE: DiscriminatorUpdate = {
  name: "one update on real + fake",
  steps: [["real", "fake"]],
};

/** Two optimiser steps, the real half then the fake half, each with its own optimiser (seed 000). */
export const SEPARATE_UPDATES: DiscriminatorUpdate = {
  name: "two updates: real, then fake",
  steps: [["real"], ["fake"]],
};

/** Throws unless every half of J(D) is minimised exactly once, by a non-empty group; names what is wrong. */
export function checkDiscriminatorUpdate(update: DiscriminatorUpdate): void {
  const said = JSON.stringify(update);
  if (!Array.isArray(update?.steps) || update.steps.length === 0)
    throw new Error(`a discriminator update needs steps, groups of "real" and "fake"; got ${said}`);
  const seen = update.steps.flat();
  for (const part of seen)
    if (part !== "real" && part !== "fake")
      throw new Error(
        `unknown part ${JSON.stringify(part)} of J(D) in ${said}; use "real" or "fake"`,
      );
  if (update.steps.some((group) => group.length === 0))
    throw new Error(`a discriminator update step minimises nothing in ${said}`);
  for (const part of ["real", "fake"] as const) {
    const times = seen.filter((p) => p === part).length;
    if (times !== 1)
      throw new Error(
        `J(D)'s ${part} part must be minimised exactly once, not ${times} times, in ${said}`,
      );
  }
}
