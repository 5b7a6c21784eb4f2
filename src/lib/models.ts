import { tf } from "./backend";
import { assertFinite, assertInteger } from "./checks";
import { PIXELS } from "./data";
import { createSeedSequence } from "./random";
import { batchNormalization } from "./batchnorm";
import { SpectralNormDense } from "./spectral";

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
      tf.layers.dense({
        units: 1024,
        activation: "relu",
        inputShape: [latentSize],
        kernelInitializer: init(),
        name: "g_dense1",
      }),
      batchNormalization({ name: "g_bn1" }),
      tf.layers.dense({ units: 7 * 7 * 128, activation: "relu", kernelInitializer: init(), name: "g_dense2" }),
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

/**
 * How a class label enters a conditional network:
 * - "embedding": a lookup table of one learned vector per class (nn.Embedding in PyTorch);
 * - "linear": the one-hot label times a learned matrix plus a bias, the LSGAN paper's choice for
 *   many classes, where it maps a long one-hot vector to a short one.
 */
export type LabelEncoding = "embedding" | "linear";

export interface LabelCodeArgs {
  numClasses: number;
  /** Length of the vector each label becomes. */
  labelSize: number;
  encoding: LabelEncoding;
  seed: number;
  /** Prefix of the layer names, e.g. "g" or "d". */
  prefix: string;
}

/** Turns labels [batch, 1] (class ids) into label vectors [batch, labelSize], inside a functional model. */
function encodeLabels(
  labels: tf.SymbolicTensor,
  { numClasses, labelSize, encoding, seed, prefix }: LabelCodeArgs,
): tf.SymbolicTensor {
  if (encoding === "embedding") {
    const table = tf.layers
      .embedding({
        inputDim: numClasses,
        outputDim: labelSize,
        inputLength: 1,
        name: `${prefix}_label_embedding`,
        // N(0, 1), as PyTorch initialises nn.Embedding.
        embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed }),
      })
      .apply(labels) as tf.SymbolicTensor;
    return tf.layers.flatten({ name: `${prefix}_label_flatten` }).apply(table) as tf.SymbolicTensor;
  }
  if (encoding === "linear") {
    // The one-hot vector as a frozen identity lookup table: row c of I is the one-hot code of c.
    const table = tf.layers
      .embedding({
        inputDim: numClasses,
        outputDim: numClasses,
        inputLength: 1,
        trainable: false,
        name: `${prefix}_label_one_hot`,
        embeddingsInitializer: tf.initializers.identity({}),
      })
      .apply(labels) as tf.SymbolicTensor;
    const oneHot = tf.layers.flatten({ name: `${prefix}_label_flatten` }).apply(table);
    return tf.layers
      .dense({
        units: labelSize,
        name: `${prefix}_label_linear`,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      })
      .apply(oneHot) as tf.SymbolicTensor;
  }
  throw new Error(`unknown label encoding ${JSON.stringify(encoding)}; use "embedding" or "linear"`);
}

/**
 * The two inputs of a conditional network, x [batch, size] and labels [batch, 1], and what its
 * first layer sees: x concatenated with the label's vector, [batch, size + labelSize].
 */
function conditionalInputs(
  size: number,
  inputName: string,
  label: LabelCodeArgs,
): { inputs: tf.SymbolicTensor[]; joined: tf.SymbolicTensor } {
  const x = tf.input({ shape: [size], name: inputName });
  const labels = tf.input({ shape: [1], name: "label" });
  const code = encodeLabels(labels, label);
  return {
    inputs: [x, labels],
    joined: tf.layers.concatenate({ name: `${label.prefix}_concat` }).apply([x, code]) as tf.SymbolicTensor,
  };
}

function checkLabelArgs(numClasses: number, labelSize: number, encoding: LabelEncoding): void {
  assertInteger("numClasses", numClasses, 2);
  assertInteger("labelSize", labelSize, 1);
  if (encoding !== "embedding" && encoding !== "linear") {
    throw new Error(`unknown label encoding ${JSON.stringify(encoding)}; use "embedding" or "linear"`);
  }
}

export interface ConditionalMlpGeneratorArgs {
  latentSize: number;
  /** Widths of the hidden layers, each dense → BatchNorm → GELU; the seed uses [128, 256, 512, 1024]. */
  hiddenUnits: number[];
  numClasses?: number;
  /** Length of the label vector concatenated to z (32 in the seed). */
  labelSize?: number;
  labelEncoding?: LabelEncoding;
  /** BatchNorm after each hidden dense layer (default true, as in the seed). */
  batchNorm?: boolean;
  outputSize?: number;
  seed: number;
}

/**
 * The conditional generator of the seed cGAN: inputs z [batch, latentSize] and labels [batch, 1]
 * (class ids); the label becomes a vector [batch, labelSize], concatenated to z; then
 * (dense → BatchNorm → GELU) per hidden layer and dense → tanh: images [batch, outputSize] in (−1, 1).
 */
export function buildConditionalMlpGenerator(args: ConditionalMlpGeneratorArgs): tf.LayersModel {
  const {
    latentSize,
    hiddenUnits,
    numClasses = 10,
    labelSize = 32,
    labelEncoding = "embedding",
    batchNorm = true,
    outputSize = PIXELS,
    seed,
  } = args;
  assertInteger("latentSize", latentSize);
  assertInteger("outputSize", outputSize);
  assertInteger("seed", seed);
  checkLabelArgs(numClasses, labelSize, labelEncoding);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const nextSeed = createSeedSequence(seed);
  const { inputs, joined } = conditionalInputs(latentSize, "z", {
    numClasses,
    labelSize,
    encoding: labelEncoding,
    seed: nextSeed(),
    prefix: "g",
  });
  let h = joined;
  hiddenUnits.forEach((units, i) => {
    h = tf.layers
      .dense({ units, name: `g_dense${i + 1}`, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }) })
      .apply(h) as tf.SymbolicTensor;
    if (batchNorm) h = batchNormalization({ name: `g_bn${i + 1}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: "gelu", name: `g_gelu${i + 1}` }).apply(h) as tf.SymbolicTensor;
  });
  const images = tf.layers
    .dense({
      units: outputSize,
      activation: "tanh",
      name: "g_out",
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
    })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: images, name: "conditional_generator" });
}

export interface ConditionalMlpDiscriminatorArgs {
  /** Widths of the hidden layers, each followed by GELU; the seed uses [512, 256, 128, 64, 32]. */
  hiddenUnits: number[];
  /** Spectrally normalise every dense layer after the first (as the seed does). */
  spectralNorm?: boolean;
  /** Activation after each hidden layer: "gelu" (the seed's) or "leakyRelu" (slope 0.2). */
  activation?: "gelu" | "leakyRelu";
  numClasses?: number;
  labelSize?: number;
  labelEncoding?: LabelEncoding;
  inputSize?: number;
  seed: number;
}

/**
 * The conditional discriminator of the seed cGAN: inputs images [batch, inputSize] and labels
 * [batch, 1]; the label vector is concatenated to the image; then dense → GELU per hidden layer and
 * a final dense: one logit per image, [batch, 1]. Every dense layer but the first is spectrally
 * normalised, which bounds how fast D's output can change with its input.
 */
export function buildConditionalMlpDiscriminator(args: ConditionalMlpDiscriminatorArgs): tf.LayersModel {
  const {
    hiddenUnits,
    spectralNorm = true,
    activation = "gelu",
    numClasses = 10,
    labelSize = 32,
    labelEncoding = "embedding",
    inputSize = PIXELS,
    seed,
  } = args;
  assertInteger("inputSize", inputSize);
  assertInteger("seed", seed);
  checkLabelArgs(numClasses, labelSize, labelEncoding);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const nextSeed = createSeedSequence(seed);
  const { inputs, joined } = conditionalInputs(inputSize, "image", {
    numClasses,
    labelSize,
    encoding: labelEncoding,
    seed: nextSeed(),
    prefix: "d",
  });
  let h = joined;
  const dense = (units: number, name: string, first: boolean) =>
    spectralNorm && !first
      ? new SpectralNormDense({ units, name, seed: nextSeed() })
      : tf.layers.dense({ units, name, kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }) });
  hiddenUnits.forEach((units, i) => {
    h = dense(units, `d_dense${i + 1}`, i === 0).apply(h) as tf.SymbolicTensor;
    h = (
      activation === "gelu"
        ? tf.layers.activation({ activation: "gelu", name: `d_gelu${i + 1}` })
        : tf.layers.leakyReLU({ alpha: 0.2, name: `d_leaky${i + 1}` })
    ).apply(h) as tf.SymbolicTensor;
  });
  const logits = dense(1, "d_logit", hiddenUnits.length === 0).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: logits, name: "conditional_discriminator" });
}

export interface DcganArgs {
  /** Size of the noise vector z (for the generator). */
  latentSize?: number;
  seed: number;
}

/** N(0, 0.02) weights, the DCGAN paper's initialisation. */
function dcganInit(seed: number): ReturnType<typeof tf.initializers.randomNormal> {
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
