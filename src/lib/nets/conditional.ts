// Conditional MLPs: both networks also take the class label, as an embedding or a linear code (notebook 03).
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { PIXELS } from "../data/mnist";
import { createSeedSequence } from "../core/random";
import { batchNormalization } from "./batchnorm";
import { SpectralNormDense } from "./spectral";

/**
 * How a class label enters a conditional network:
 * - "embedding": a lookup table of one learned vector per class (nn.Embedding in PyTorch);
 * - "linear": the one-hot label times a learned matrix plus a bias, the LSGAN paper's choice for
 *   many classes, where it maps a long one-hot vector to a short one;
 * - "one-hot": the one-hot label itself (labelSize = numClasses), concatenated as it is.
 */
export type LabelEncoding = "embedding" | "linear" | "one-hot";

const LABEL_ENCODINGS: readonly LabelEncoding[] = ["embedding", "linear", "one-hot"];

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
export function encodeLabels(
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
  if (encoding === "linear" || encoding === "one-hot") {
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
    const oneHot = tf.layers
      .flatten({ name: `${prefix}_label_flatten` })
      .apply(table) as tf.SymbolicTensor;
    if (encoding === "one-hot") return oneHot;
    return tf.layers
      .dense({
        units: labelSize,
        name: `${prefix}_label_linear`,
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      })
      .apply(oneHot) as tf.SymbolicTensor;
  }
  throw new Error(
    `unknown label encoding ${JSON.stringify(encoding)}; use ${LABEL_ENCODINGS.map((e) => JSON.stringify(e)).join(", ")}`,
  );
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
    joined: tf.layers
      .concatenate({ name: `${label.prefix}_concat` })
      .apply([x, code]) as tf.SymbolicTensor,
  };
}

/** Checks a label code's settings; names what is wrong. */
export function checkLabelArgs(
  numClasses: number,
  labelSize: number,
  encoding: LabelEncoding,
): void {
  assertInteger("numClasses", numClasses, 2);
  assertInteger("labelSize", labelSize, 1);
  if (!LABEL_ENCODINGS.includes(encoding)) {
    throw new Error(
      `unknown label encoding ${JSON.stringify(encoding)}; use ${LABEL_ENCODINGS.map((e) => JSON.stringify(e)).join(", ")}`,
    );
  }
  if (encoding === "one-hot" && labelSize !== numClasses)
    throw new Error(
      `a one-hot label code has numClasses (${numClasses}) entries; labelSize is ${labelSize}`,
    );
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
      .dense({
        units,
        name: `g_dense${i + 1}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      })
      .apply(h) as tf.SymbolicTensor;
    if (batchNorm) h = batchNormalization({ name: `g_bn${i + 1}` }).apply(h) as tf.SymbolicTensor;
    h = tf.layers
      .activation({ activation: "gelu", name: `g_gelu${i + 1}` })
      .apply(h) as tf.SymbolicTensor;
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
  /** Spectrally normalise every dense layer after the first (as the source post does). */
  spectralNorm?: boolean;
  /** Activation after each hidden layer: "gelu" (the source post's) or "leakyRelu" (slope 0.2). */
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
export function buildConditionalMlpDiscriminator(
  args: ConditionalMlpDiscriminatorArgs,
): tf.LayersModel {
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
      : tf.layers.dense({
          units,
          name,
          kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        });
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
