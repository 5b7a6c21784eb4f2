// Fully connected generators and discriminators (notebooks 01, 02, 04, 05), and counting parameters.
import { tf } from "./backend";
import { assertFinite, assertInteger } from "./checks";
import { PIXELS } from "./data";
import { createSeedSequence } from "./random";

export interface MlpGeneratorArgs {
  /** Size of the noise vector z. */
  latentSize: number;
  /** Widths of the hidden layers, each followed by ReLU. */
  hiddenUnits: number[];
  /** Size of the flat output image (784 for MNIST). */
  outputSize?: number;
  /** Seed of the weight initialisers (each layer gets its own seed derived from it). */
  seed: number;
}

/**
 * An MLP generator: z [batch, latentSize] → dense+ReLU layers → dense+tanh → image [batch, outputSize]
 * with values in (−1, 1), the range the real digits were scaled to.
 */
export function buildMlpGenerator({
  latentSize,
  hiddenUnits,
  outputSize = PIXELS,
  seed,
}: MlpGeneratorArgs): tf.Sequential {
  assertInteger("latentSize", latentSize);
  assertInteger("outputSize", outputSize);
  assertInteger("seed", seed);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "generator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: "relu",
        name: `g_dense${i + 1}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        ...(i === 0 ? { inputShape: [latentSize] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: outputSize,
      activation: "tanh",
      name: "g_out",
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      ...(hiddenUnits.length === 0 ? { inputShape: [latentSize] } : {}),
    }),
  );
  return model;
}

export interface MlpDiscriminatorArgs {
  /** Size of the flat input image (784 for MNIST). */
  inputSize?: number;
  /** Widths of the hidden layers, each followed by LeakyReLU. */
  hiddenUnits: number[];
  /** Slope of LeakyReLU for negative inputs. */
  leakyAlpha: number;
  seed: number;
}

/**
 * An MLP discriminator: image [batch, inputSize] → dense+LeakyReLU layers → one logit [batch, 1].
 * It outputs logits, not probabilities: the losses apply the sigmoid in a numerically stable way.
 */
export function buildMlpDiscriminator({
  inputSize = PIXELS,
  hiddenUnits,
  leakyAlpha,
  seed,
}: MlpDiscriminatorArgs): tf.Sequential {
  assertInteger("inputSize", inputSize);
  assertInteger("seed", seed);
  assertFinite("leakyAlpha", leakyAlpha);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "discriminator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        name: `d_dense${i + 1}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    );
    model.add(tf.layers.leakyReLU({ alpha: leakyAlpha, name: `d_leaky${i + 1}` }));
  });
  model.add(
    tf.layers.dense({
      units: 1,
      name: "d_logit",
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      ...(hiddenUnits.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return model;
}

/** Number of trainable scalars in a model. */
export function countParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
