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
export function buildMlpGenerator({ latentSize, hiddenUnits, outputSize = PIXELS, seed }: MlpGeneratorArgs): tf.Sequential {
  assertInteger("latentSize", latentSize);
  assertInteger("outputSize", outputSize);
  assertInteger("seed", seed);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "generator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    model.add(tf.layers.dense({
      units, activation: "relu", name: `g_dense${i + 1}`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      ...(i === 0 ? { inputShape: [latentSize] } : {}),
    }));
  });
  model.add(tf.layers.dense({
    units: outputSize, activation: "tanh", name: "g_out",
    kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
    ...(hiddenUnits.length === 0 ? { inputShape: [latentSize] } : {}),
  }));
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
export function buildMlpDiscriminator({ inputSize = PIXELS, hiddenUnits, leakyAlpha, seed }: MlpDiscriminatorArgs): tf.Sequential {
  assertInteger("inputSize", inputSize);
  assertInteger("seed", seed);
  assertFinite("leakyAlpha", leakyAlpha);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "discriminator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    model.add(tf.layers.dense({
      units, name: `d_dense${i + 1}`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      ...(i === 0 ? { inputShape: [inputSize] } : {}),
    }));
    model.add(tf.layers.leakyReLU({ alpha: leakyAlpha, name: `d_leaky${i + 1}` }));
  });
  model.add(tf.layers.dense({
    units: 1, name: "d_logit",
    kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
    ...(hiddenUnits.length === 0 ? { inputShape: [inputSize] } : {}),
  }));
  return model;
}

/** Number of trainable scalars in a model. */
export function countParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

export interface ConvGeneratorArgs {
  /** Size of the noise vector z (96 in the seed DCGAN). */
  latentSize: number;
  seed: number;
}

/**
 * The DCGAN-style generator of the seed post: z [batch, latentSize] → dense 1024 + ReLU + BN →
 * dense 7·7·128 + ReLU + BN → reshape [7, 7, 128] → 4×4 stride-2 transposed conv to 64 channels
 * + ReLU + BN → 4×4 stride-2 transposed conv to 1 channel + tanh → images [batch, 28, 28, 1].
 */
export function buildConvGenerator({ latentSize, seed }: ConvGeneratorArgs): tf.Sequential {
  assertInteger("latentSize", latentSize);
  assertInteger("seed", seed);
  const nextSeed = createSeedSequence(seed);
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed() });
  return tf.sequential({
    name: "conv_generator",
    layers: [
      tf.layers.dense({ units: 1024, activation: "relu", inputShape: [latentSize], kernelInitializer: init(), name: "g_dense1" }),
      tf.layers.batchNormalization({ name: "g_bn1" }),
      tf.layers.dense({ units: 7 * 7 * 128, activation: "relu", kernelInitializer: init(), name: "g_dense2" }),
      tf.layers.batchNormalization({ name: "g_bn2" }),
      tf.layers.reshape({ targetShape: [7, 7, 128], name: "g_reshape" }),
      tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: "same", activation: "relu", kernelInitializer: init(), name: "g_deconv1" }),
      tf.layers.batchNormalization({ name: "g_bn3" }),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: "same", activation: "tanh", kernelInitializer: init(), name: "g_deconv2" }),
    ],
  });
}

export interface ConvDiscriminatorArgs {
  /** Slope of LeakyReLU for negative inputs (0.01 in the seed DCGAN). */
  leakyAlpha: number;
  seed: number;
}

/**
 * The seed post's convolutional discriminator: images [batch, 28, 28, 1] → 5×5 conv to 32
 * channels + LeakyReLU → 2×2 max-pool → 5×5 conv to 64 + LeakyReLU → 2×2 max-pool → flatten
 * (4·4·64 = 1024) → dense 1024 + LeakyReLU → dense 1: one logit per image, [batch, 1].
 */
export function buildConvDiscriminator({ leakyAlpha, seed }: ConvDiscriminatorArgs): tf.Sequential {
  assertFinite("leakyAlpha", leakyAlpha);
  assertInteger("seed", seed);
  const nextSeed = createSeedSequence(seed);
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed() });
  return tf.sequential({
    name: "conv_discriminator",
    layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 5, inputShape: [28, 28, 1], kernelInitializer: init(), name: "d_conv1" }),
      tf.layers.leakyReLU({ alpha: leakyAlpha, name: "d_leaky1" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "d_pool1" }),
      tf.layers.conv2d({ filters: 64, kernelSize: 5, kernelInitializer: init(), name: "d_conv2" }),
      tf.layers.leakyReLU({ alpha: leakyAlpha, name: "d_leaky2" }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "d_pool2" }),
      tf.layers.flatten({ name: "d_flatten" }),
      tf.layers.dense({ units: 1024, kernelInitializer: init(), name: "d_dense1" }),
      tf.layers.leakyReLU({ alpha: leakyAlpha, name: "d_leaky3" }),
      tf.layers.dense({ units: 1, kernelInitializer: init(), name: "d_logit" }),
    ],
  });
}
