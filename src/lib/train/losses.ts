// The games a GAN can play, as values: an Objective carries both players' costs. A new variant
// (another coding of least squares, another generator cost) is a new value, not a new branch in
// the training step.
import { tf } from "../core/backend";
import { assertFinite, assertInteger, assertPositive } from "../core/checks";

/** How the generator plays against a cross-entropy discriminator (the two of the original GAN paper). */
export type CrossEntropyGenerator = "minimax" | "non-saturating";

/** LSGAN's targets: a for fakes and b for real data in D's cost, c for fakes in G's cost. */
export interface LsTargets {
  a: number;
  b: number;
  c: number;
}

/** An objective as plain data: what a cache key records and another process rebuilds it from. */
export type ObjectiveSpec =
  | { kind: "cross-entropy"; generator: CrossEntropyGenerator }
  | ({ kind: "least-squares" } & LsTargets);

/** Both players' costs, computed from D's outputs (logits, or raw outputs for least squares). */
export interface Objective {
  /** A short name for logs and legends, e.g. "non-saturating" or "least squares (0, 1, 1)". */
  readonly name: string;
  /** The objective as data (see `createObjective`). */
  readonly spec: ObjectiveSpec;
  /**
   * J(D) from D's outputs on a real and a fake batch.
   * @param realOutputs [batch, 1]; @param fakeOutputs [batch, 1].
   */
  discriminatorCost(realOutputs: tf.Tensor, fakeOutputs: tf.Tensor): tf.Scalar;
  /**
   * J(D)'s two halves: its part on real data and its part on fakes, [batch, 1] outputs each;
   * discriminatorCost(r, f) = realPart(r) + fakePart(f). A discriminator update that minimises
   * them one at a time (see `SEPARATE_UPDATES`) uses them.
   */
  discriminatorRealPart(realOutputs: tf.Tensor): tf.Scalar;
  discriminatorFakePart(fakeOutputs: tf.Tensor): tf.Scalar;
  /** J(G) from D's outputs on generated images, [batch, 1]. */
  generatorCost(fakeOutputs: tf.Tensor): tf.Scalar;
  /** What D "says" of a batch [batch, 1]: the mean probability σ(s), or the mean raw output. */
  meanVerdict(outputs: tf.Tensor): tf.Scalar;
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
 * The cross-entropy discriminator's cost J(D) = −½·E_x[log D(x)] − ½·E_z[log(1 − D(G(z)))], from
 * logits s with D = σ(s). It uses −log σ(s) = softplus(−s) and −log(1 − σ(s)) = softplus(s): the
 * same value as binary cross-entropy, in fewer tensor ops.
 * @param realLogits [batch, 1] D's logits on real images.
 * @param fakeLogits [batch, 1] D's logits on generated images.
 */
export function crossEntropyDiscriminatorCost(
  realLogits: tf.Tensor,
  fakeLogits: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const onReal = tf.mean(tf.softplus(tf.neg(realLogits)));
    return tf.add(onReal, tf.mean(tf.softplus(fakeLogits))).mul(0.5);
  });
}

/**
 * The minimax generator cost J(G) = −J(D) without the term G cannot change:
 * ½·E_z[log(1 − D(G(z)))] = −½·mean softplus(s), from D's logits on fakes [batch, 1].
 * Its gradient vanishes when D confidently rejects the fakes (s → −∞).
 */
export function minimaxGeneratorCost(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(fakeLogits)).mul(-0.5));
}

/**
 * The non-saturating generator cost J(G) = −½·E_z[log D(G(z))] = ½·mean softplus(−s), from D's
 * logits on fakes [batch, 1]; its gradient is strongest exactly where the minimax one vanishes.
 */
export function nonSaturatingGeneratorCost(fakeLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeLogits))).mul(0.5));
}

/**
 * LSGAN's discriminator cost ½·E_x[(D(x) − b)²] + ½·E_z[(D(G(z)) − a)²], on D's raw outputs
 * (no sigmoid), [batch, 1] each.
 */
export function lsDiscriminatorCost(
  realOutputs: tf.Tensor,
  fakeOutputs: tf.Tensor,
  { a, b }: Pick<LsTargets, "a" | "b">,
): tf.Scalar {
  return tf.tidy(() => {
    const onReal = tf.mean(tf.squaredDifference(realOutputs, b));
    return tf.add(onReal, tf.mean(tf.squaredDifference(fakeOutputs, a))).mul(0.5);
  });
}

/** LSGAN's generator cost ½·E_z[(D(G(z)) − c)²], on D's raw outputs for fakes, [batch, 1]. */
export function lsGeneratorCost(fakeOutputs: tf.Tensor, c: number): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(fakeOutputs, c)).mul(0.5));
}

const CROSS_ENTROPY_GENERATORS: Record<
  CrossEntropyGenerator,
  (fakeLogits: tf.Tensor) => tf.Scalar
> = {
  minimax: minimaxGeneratorCost,
  "non-saturating": nonSaturatingGeneratorCost,
};

/**
 * The original GAN's game: D minimises binary cross-entropy on logits, G plays "minimax" (−J(D))
 * or "non-saturating" (−log D(G(z))). D's verdict is the mean probability σ(s).
 */
export function crossEntropyObjective(
  generator: CrossEntropyGenerator = "non-saturating",
): Objective {
  const generatorCost = CROSS_ENTROPY_GENERATORS[generator];
  if (!Object.prototype.hasOwnProperty.call(CROSS_ENTROPY_GENERATORS, generator)) {
    const known = Object.keys(CROSS_ENTROPY_GENERATORS)
      .map((k) => JSON.stringify(k))
      .join(" or ");
    throw new Error(`a cross-entropy generator plays ${known}, got ${JSON.stringify(generator)}`);
  }
  return {
    name: generator,
    spec: { kind: "cross-entropy", generator },
    discriminatorCost: crossEntropyDiscriminatorCost,
    // ½·mean softplus(−s) on real data is the non-saturating G cost of those logits; ½·mean
    // softplus(s) on fakes is minus the minimax one.
    discriminatorRealPart: nonSaturatingGeneratorCost,
    discriminatorFakePart: (fake) => tf.tidy(() => tf.neg(minimaxGeneratorCost(fake))),
    generatorCost,
    meanVerdict: (outputs) => tf.tidy(() => tf.mean(tf.sigmoid(outputs))),
  };
}

/**
 * LSGAN's game with targets (a, b, c): both players use squared errors on D's raw outputs, and
 * D's verdict is its mean raw output.
 */
export function leastSquaresObjective(targets: LsTargets = LS_ZERO_ONE): Objective {
  const { a, b, c } = targets;
  Object.entries({ a, b, c }).forEach(([name, value]) => assertFinite(`targets.${name}`, value));
  if (a === b)
    throw new Error(`least squares needs a != b (fakes and real data apart), got a = b = ${a}`);
  return {
    name: `least squares (${a}, ${b}, ${c})`,
    spec: { kind: "least-squares", a, b, c },
    discriminatorCost: (real, fake) => lsDiscriminatorCost(real, fake, { a, b }),
    // Each half is ½·mean (D − target)², G's cost with target b on real data and a on fakes.
    discriminatorRealPart: (real) => lsGeneratorCost(real, b),
    discriminatorFakePart: (fake) => lsGeneratorCost(fake, a),
    generatorCost: (fake) => lsGeneratorCost(fake, c),
    meanVerdict: (outputs) => tf.mean(outputs),
  };
}

/** The objectives the notebooks use, ready made. */
export const MINIMAX = crossEntropyObjective("minimax");
export const NON_SATURATING = crossEntropyObjective("non-saturating");
export const LEAST_SQUARES = leastSquaresObjective(LS_ZERO_ONE);

/** Rebuilds an objective from its data (e.g. a job sent to another process); names what is wrong. */
export function createObjective(spec: ObjectiveSpec): Objective {
  switch (spec?.kind) {
    case "cross-entropy":
      return crossEntropyObjective(spec.generator);
    case "least-squares":
      return leastSquaresObjective(spec);
    default:
      throw new Error(
        `unknown objective ${JSON.stringify(spec)}; ` +
          'use { kind: "cross-entropy", generator } or { kind: "least-squares", a, b, c }',
      );
  }
}

export interface FitLsDiscriminatorArgs {
  /** The discriminator: [batch, ...input] → [batch, 1] raw outputs. */
  model: tf.LayersModel;
  /** Draws n samples of the "real" distribution, [n, ...input]. */
  sampleReal: (n: number) => tf.Tensor;
  /** Draws n samples of the "fake" distribution, [n, ...input]. */
  sampleFake: (n: number) => tf.Tensor;
  targets: Pick<LsTargets, "a" | "b">;
  steps: number;
  batchSize: number;
  learningRate: number;
}

/**
 * Trains a discriminator alone, by least squares towards b on real samples and a on fakes, with
 * the generator's distribution held fixed: the setting in which D* = (b·p_d + a·p_g)/(p_d + p_g)
 * is optimal. Returns the cost at every step.
 */
export function fitLsDiscriminator(args: FitLsDiscriminatorArgs): number[] {
  const { model, sampleReal, sampleFake, targets, steps, batchSize, learningRate } = args;
  assertInteger("steps", steps);
  assertInteger("batchSize", batchSize);
  assertPositive("learningRate", learningRate);
  const optimizer = tf.train.adam(learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const judge = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
  const costs: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const cost = tf.tidy(() => {
        const [real, fake] = [sampleReal(batchSize), sampleFake(batchSize)];
        const fit = () => lsDiscriminatorCost(judge(real), judge(fake), targets);
        return optimizer.minimize(fit, true, variables) as tf.Scalar;
      });
      const value = cost.dataSync()[0];
      cost.dispose();
      if (!Number.isFinite(value)) {
        throw new Error(
          `training diverged: the discriminator's least-squares cost is ${value} at step ${i + 1}`,
        );
      }
      costs.push(value);
    }
  } finally {
    optimizer.dispose();
  }
  return costs;
}
