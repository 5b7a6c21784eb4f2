// Convolutional generators and discriminators: the source post's DCGAN and the DCGAN paper's guidelines (notebook 06).
import { tf } from "../core/backend";
import { assertFinite, assertInteger } from "../core/checks";
import { createSeedSequence } from "../core/random";
import { batchNormalization } from "./batchnorm";

export interface ConvGeneratorArgs {
  /** Size of the noise vector z (96 in the source DCGAN). */
  latentSize: number;
  seed: number;
}

/**
 * The DCGAN-style generator of the source post: z [batch, latentSize] → dense 1024 + ReLU + BN →
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
      tf.layers.dense({
        units: 1024,
        activation: "relu",
        inputShape: [latentSize],
        kernelInitializer: init(),
        name: "g_dense1",
      }),
      batchNormalization({ name: "g_bn1" }),
      tf.layers.dense({
        units: 7 * 7 * 128,
        activation: "relu",
        kernelInitializer: init(),
        name: "g_dense2",
      }),
      batchNormalization({ name: "g_bn2" }),
      tf.layers.reshape({ targetShape: [7, 7, 128], name: "g_reshape" }),
      tf.layers.conv2dTranspose({
        filters: 64,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        activation: "relu",
        kernelInitializer: init(),
        name: "g_deconv1",
      }),
      batchNormalization({ name: "g_bn3" }),
      tf.layers.conv2dTranspose({
        filters: 1,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        activation: "tanh",
        kernelInitializer: init(),
        name: "g_deconv2",
      }),
    ],
  });
}

export interface ConvDiscriminatorArgs {
  /** Slope of LeakyReLU for negative inputs (0.01 in the source DCGAN). */
  leakyAlpha: number;
  seed: number;
}

/**
 * The source post's convolutional discriminator: images [batch, 28, 28, 1] → 5×5 conv to 32
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
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 5,
        inputShape: [28, 28, 1],
        kernelInitializer: init(),
        name: "d_conv1",
      }),
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

export interface DcganArgs {
  /** Size of the noise vector z (for the generator). */
  latentSize?: number;
  seed: number;
}

/** N(0, 0.02) weights, the DCGAN paper's initialisation (the LSGAN authors' code keeps it). */
export function dcganInit(seed: number): ReturnType<typeof tf.initializers.randomNormal> {
  return tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed });
}

/**
 * A generator that follows the DCGAN paper's guidelines, sized for 28×28 digits: z → dense
 * 7·7·128 → BN → ReLU → reshape [7, 7, 128] → 4×4 stride-2 transposed conv to 64 → BN → ReLU →
 * 4×4 stride-2 transposed conv to 1 → tanh: images [batch, 28, 28, 1]. No pooling, BatchNorm
 * everywhere but the output, ReLU inside, N(0, 0.02) weights.
 */
export function buildDcganGenerator({ latentSize = 100, seed }: DcganArgs): tf.Sequential {
  assertInteger("latentSize", latentSize);
  assertInteger("seed", seed);
  const nextSeed = createSeedSequence(seed);
  return tf.sequential({
    name: "dcgan_generator",
    layers: [
      tf.layers.dense({
        units: 7 * 7 * 128,
        useBias: false,
        inputShape: [latentSize],
        kernelInitializer: dcganInit(nextSeed()),
        name: "g_dense",
      }),
      batchNormalization({ name: "g_bn1" }),
      tf.layers.reLU({ name: "g_relu1" }),
      tf.layers.reshape({ targetShape: [7, 7, 128], name: "g_reshape" }),
      tf.layers.conv2dTranspose({
        filters: 64,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        useBias: false,
        kernelInitializer: dcganInit(nextSeed()),
        name: "g_deconv1",
      }),
      batchNormalization({ name: "g_bn2" }),
      tf.layers.reLU({ name: "g_relu2" }),
      tf.layers.conv2dTranspose({
        filters: 1,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        activation: "tanh",
        kernelInitializer: dcganInit(nextSeed()),
        name: "g_deconv2",
      }),
    ],
  });
}

/**
 * A discriminator that follows the DCGAN paper's guidelines: images [batch, 28, 28, 1] → 4×4
 * stride-2 conv to 64 → LeakyReLU 0.2 (no BatchNorm on the input layer) → 4×4 stride-2 conv to
 * 128 → BN → LeakyReLU 0.2 → flatten (7·7·128) → dense 1: one logit per image. Strided
 * convolutions replace pooling; weights N(0, 0.02).
 */
export function buildDcganDiscriminator({ seed }: DcganArgs): tf.Sequential {
  assertInteger("seed", seed);
  const nextSeed = createSeedSequence(seed);
  return tf.sequential({
    name: "dcgan_discriminator",
    layers: [
      tf.layers.conv2d({
        filters: 64,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        inputShape: [28, 28, 1],
        kernelInitializer: dcganInit(nextSeed()),
        name: "d_conv1",
      }),
      tf.layers.leakyReLU({ alpha: 0.2, name: "d_leaky1" }),
      tf.layers.conv2d({
        filters: 128,
        kernelSize: 4,
        strides: 2,
        padding: "same",
        useBias: false,
        kernelInitializer: dcganInit(nextSeed()),
        name: "d_conv2",
      }),
      batchNormalization({ name: "d_bn" }),
      tf.layers.leakyReLU({ alpha: 0.2, name: "d_leaky2" }),
      tf.layers.flatten({ name: "d_flatten" }),
      tf.layers.dense({ units: 1, kernelInitializer: dcganInit(nextSeed()), name: "d_logit" }),
    ],
  });
}
