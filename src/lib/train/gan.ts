// Making a GAN: two networks, one optimiser each, and the game they play; and how D's cost is
// minimised in a step, as data. The usual way is one optimiser step on J(D) = (its part on real
// data) + (its part on fakes); source post 000 of the series could train its LSGAN only with two
// steps, the real part and the fake part, each with an Adam of its own. Both are values here
// (notebook 08 compares them), not flags of the step.
import { tf } from "../core/backend";
import { assertFinite } from "../core/checks";
import { NON_SATURATING, type Objective } from "./losses";
import { createNoiseSampler, type NoiseDistribution, type NoiseSampler } from "./noise";
import { createOptimizer, type LinearDecay } from "../optim/optimizer";

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

/** Two optimiser steps, the real half then the fake half, each with its own optimiser (source post 000 splits them without naming an order; this one is ours). */
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

/** A generator and a discriminator with their optimisers and the game's settings. */
export interface Gan {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  generatorOptimizer: tf.Optimizer;
  /** How J(D) is minimised in a step (`SUMMED_UPDATE` unless asked otherwise; see below). */
  discriminatorUpdate: DiscriminatorUpdate;
  /** One optimiser per step of `discriminatorUpdate`, all with D's settings. */
  discriminatorOptimizers: tf.Optimizer[];
  /** The game: both players' costs (see losses.ts). */
  objective: Objective;
  latentSize: number;
  sampleNoise: NoiseSampler;
  /** Whether both networks also take the class label (a conditional GAN). */
  conditional: boolean;
  /** Weight λ of the L1 term λ·mean|G(z, y) − x| added to G's cost (conditional GANs only; 0 = off). */
  l1Weight: number;
  /**
   * Whether D judges the real and the fake batch in one pass over both (half the kernel calls).
   * True when D has no BatchNorm: then each row's output does not depend on the rest of the batch,
   * and one pass gives the outputs of two. A D with BatchNorm judges them in two passes, so that
   * the batch statistics of real and fake digits stay apart, as the DCGAN paper does.
   */
  jointDiscriminatorPass: boolean;
}

export interface CreateGanArgs {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** The game, e.g. NON_SATURATING (the default), MINIMAX, LEAST_SQUARES or leastSquaresObjective(…). */
  objective?: Objective;
  /** Adam step size of the generator, and of the discriminator unless `discriminatorLearningRate` is given. */
  learningRate: number;
  /**
   * Adam step size of the discriminator when it should differ from G's (the two time-scale update
   * rule of Heusel et al., 2017; spectrally normalised discriminators usually need a larger one).
   */
  discriminatorLearningRate?: number;
  /**
   * The optimisers' update rule: "adam" (the default; `beta1`, `beta2`) or "rmsprop" (RMSProp with
   * ρ = 0.9, as `LeanRmsProp`; it takes no betas).
   */
  rule?: "adam" | "rmsprop";
  /**
   * How J(D) is minimised in a step: `SUMMED_UPDATE` (the default: one step on real + fake) or
   * `SEPARATE_UPDATES` (the real part, then the fake part, each with an optimiser of its own).
   */
  discriminatorUpdate?: DiscriminatorUpdate;
  /** Adam's first-moment decay; GANs usually use 0.5 rather than the default 0.9. */
  beta1?: number;
  beta2?: number;
  /**
   * The noise z fed to G during training: a distribution ("normal", the default, or "uniform"),
   * drawn by `createNoiseSampler` with `seed`; or a sampler of your own, e.g. a portable one.
   */
  noise?: NoiseDistribution | NoiseSampler;
  /** Seed of the noise drawn during training (unused when `noise` is a sampler). */
  seed: number;
  /** L2 weight decay λ: each gradient g of a weight w becomes g + λ·w (PyTorch's Adam `weight_decay`). Default 0. */
  weightDecay?: number;
  /**
   * Conditional GANs: weight λ of an L1 term λ·mean|G(z, y) − x| in G's cost, which pulls each fake
   * towards the real digit x of the same batch row and label y. Default 0 (off).
   */
  l1Weight?: number;
  /**
   * Decay both step sizes linearly to zero over the updates from `start` to `end` (one update per
   * network per training step), as pix2pix and CycleGAN do over the second half of training.
   */
  learningRateDecay?: LinearDecay;
}

const OBJECTIVE_PARTS = [
  "discriminatorCost",
  "discriminatorRealPart",
  "discriminatorFakePart",
  "generatorCost",
  "meanVerdict",
] as const;

/** Throws unless `objective` is an Objective value (a string or a spec is named as such). */
function checkObjective(objective: Objective): void {
  const missing = OBJECTIVE_PARTS.filter(
    (part) => typeof (objective as unknown as Record<string, unknown>)?.[part] !== "function",
  );
  if (missing.length > 0) {
    throw new Error(
      `objective must be an Objective (NON_SATURATING, MINIMAX, LEAST_SQUARES, ` +
        `leastSquaresObjective(…) or createObjective(spec)), got ${JSON.stringify(objective)}`,
    );
  }
}

/** Throws unless both networks are conditional or neither, and G's images fit D's input. */
function checkNetworksFit(generator: tf.LayersModel, discriminator: tf.LayersModel): void {
  if (discriminator.inputs.length !== generator.inputs.length) {
    throw new Error(
      `the generator takes ${generator.inputs.length} input(s) and the discriminator ` +
        `${discriminator.inputs.length}: both must be conditional ([x, labels]) or neither`,
    );
  }
  const generated = generator.outputs[0].shape.slice(1).join(",");
  const accepted = discriminator.inputs[0].shape.slice(1).join(",");
  if (generated !== accepted) {
    throw new Error(
      `the generator makes [${generated}] images but the discriminator takes [${accepted}]`,
    );
  }
}

/** Pairs the two networks with one optimiser each (Adam unless `rule` says otherwise), after checking that their shapes fit. */
export function createGan(args: CreateGanArgs): Gan {
  const {
    generator,
    discriminator,
    objective = NON_SATURATING,
    learningRate,
    beta1 = 0.5,
    beta2 = 0.999,
  } = args;
  checkObjective(objective);
  // Checks the optimiser settings before anything else is built.
  const { rule = "adam" } = args;
  if (rule !== "adam" && rule !== "rmsprop")
    throw new Error(`rule must be "adam" or "rmsprop", got ${JSON.stringify(rule)}`);
  if (rule === "rmsprop" && (args.beta1 !== undefined || args.beta2 !== undefined))
    throw new Error('beta1 and beta2 are Adam\'s: RMSProp (rule "rmsprop") takes neither');
  const discriminatorUpdate = args.discriminatorUpdate ?? SUMMED_UPDATE;
  checkDiscriminatorUpdate(discriminatorUpdate);
  const dRate = args.discriminatorLearningRate ?? learningRate;
  const rates = [learningRate, ...discriminatorUpdate.steps.map(() => dRate)];
  const optimizers = rates.map((rate) => {
    const common = {
      learningRate: rate,
      weightDecay: args.weightDecay ?? 0,
      decay: args.learningRateDecay,
    };
    return createOptimizer(
      rule === "adam" ? { rule, args: { ...common, beta1, beta2 } } : { rule, args: common },
    );
  });
  const latentSize = generator.inputs[0].shape[1];
  if (typeof latentSize !== "number")
    throw new Error("the generator's input must be [batch, latentSize]");
  checkNetworksFit(generator, discriminator);
  const conditional = generator.inputs.length === 2;
  const l1Weight = args.l1Weight ?? 0;
  assertFinite("l1Weight", l1Weight);
  if (l1Weight < 0) throw new Error(`l1Weight must be >= 0, got ${l1Weight}`);
  if (l1Weight > 0 && !conditional) {
    throw new Error(
      "l1Weight needs a conditional GAN: the L1 term compares a fake with a real digit of its label",
    );
  }
  const hasBatchNorm = discriminator.layers.some((layer) =>
    layer.getClassName().endsWith("BatchNormalization"),
  );
  return {
    generator,
    discriminator,
    objective,
    latentSize,
    conditional,
    l1Weight,
    jointDiscriminatorPass: !hasBatchNorm,
    generatorOptimizer: optimizers[0],
    discriminatorUpdate,
    discriminatorOptimizers: optimizers.slice(1),
    sampleNoise:
      typeof args.noise === "function"
        ? args.noise
        : createNoiseSampler({ latentSize, distribution: args.noise ?? "normal", seed: args.seed }),
  };
}

/** Frees the state of both optimisers; the networks stay (e.g. trained networks kept for sampling). */
export function disposeOptimizers(gan: Gan): void {
  gan.generatorOptimizer.dispose();
  gan.discriminatorOptimizers.forEach((o) => o.dispose());
}

/** Frees the weights of both networks and the state of both optimisers. */
export function disposeGan(gan: Gan): void {
  gan.generator.dispose();
  gan.discriminator.dispose();
  disposeOptimizers(gan);
}
