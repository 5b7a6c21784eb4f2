import { tf } from "./backend";

/**
 * The generator objectives: the two of the original GAN paper (with a cross-entropy
 * discriminator), and least squares (LSGAN: both players use squared errors).
 */
export type GeneratorCost = "minimax" | "non-saturating" | "least-squares";

/** Every GeneratorCost, for checking a value that came from outside the type checker. */
export const GENERATOR_COSTS: readonly GeneratorCost[] = ["minimax", "non-saturating", "least-squares"];

/** LSGAN's targets: a for fakes and b for real data in D's cost, c for fakes in G's cost. */
export interface LsTargets {
  a: number;
  b: number;
  c: number;
}

/** The coding (a, b, c) = (0, 1, 1) of the LSGAN paper's experiments. */
export const LS_ZERO_ONE: LsTargets = { a: 0, b: 1, c: 1 };

/**
 * Mean binary cross-entropy between `labels` (in [0, 1]) and σ(`logits`), computed from logits
 * (stable for large |logit|): mean of −y·log σ(s) − (1 − y)·log(1 − σ(s)). Any equal shapes.
 */
export function binaryCrossEntropyFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
}

/**
 * The discriminator's cost J(D) = −½·E_x[log D(x)] − ½·E_z[log(1 − D(G(z)))], from logits s
 * with D = σ(s). It uses −log σ(s) = softplus(−s) and −log(1 − σ(s)) = softplus(s): the same
 * value as binary cross-entropy, in fewer tensor ops.
 * @param realLogits [batch, 1] D's logits on real images.
 * @param fakeLogits [batch, 1] D's logits on generated images.
 */
export function discriminatorCost(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))).mul(0.5));
}

/**
 * The generator's cost from D's logits on generated images [batch, 1].
 * - "minimax": J(G) = −J(D) without the term G cannot change = ½·E_z[log(1 − D(G(z)))] = −½·mean softplus(s).
 *   Its gradient vanishes when D confidently rejects the fakes (s → −∞).
 * - "non-saturating": J(G) = −½·E_z[log D(G(z))] = ½·mean softplus(−s); strong gradient exactly there.
 * - "least-squares": J(G) = ½·E_z[(D(G(z)) − c)²] on D's raw outputs, with c from `lsTargets` (default 1).
 */
export function generatorCost(kind: GeneratorCost, fakeLogits: tf.Tensor, lsTargets: LsTargets = LS_ZERO_ONE): tf.Scalar {
  return tf.tidy(() => {
    switch (kind) {
      case "minimax":
        return tf.mean(tf.softplus(fakeLogits)).mul(-0.5);
      case "non-saturating":
        return tf.mean(tf.softplus(tf.neg(fakeLogits))).mul(0.5);
      case "least-squares":
        return lsGeneratorCost(fakeLogits, lsTargets.c);
      default:
        throw new Error(`unknown generator cost ${JSON.stringify(kind)}; use "minimax", "non-saturating" or "least-squares"`);
    }
  });
}

/**
 * LSGAN's discriminator cost ½·E_x[(D(x) − b)²] + ½·E_z[(D(G(z)) − a)²], on D's raw outputs
 * (no sigmoid), [batch, 1] each.
 */
export function lsDiscriminatorCost(realOutputs: tf.Tensor, fakeOutputs: tf.Tensor, { a, b }: Pick<LsTargets, "a" | "b">): tf.Scalar {
  return tf.tidy(() => tf.add(tf.mean(tf.squaredDifference(realOutputs, b)), tf.mean(tf.squaredDifference(fakeOutputs, a))).mul(0.5));
}

/** LSGAN's generator cost ½·E_z[(D(G(z)) − c)²], on D's raw outputs for fakes, [batch, 1]. */
export function lsGeneratorCost(fakeOutputs: tf.Tensor, c: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(fakeOutputs, c)).mul(0.5));
}
