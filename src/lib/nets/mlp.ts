// Fully connected generators and discriminators (notebooks 01, 02, 04, 05, 07), and counting parameters.
import { tf } from "../core/backend";
import { batchNormalization } from "./batchnorm";
import { assertFinite, assertInteger } from "../core/checks";
import { PIXELS } from "../data/mnist";
import { createSeedSequence } from "../core/random";

/** An initialiser of tf.layers (tf.initializers.…). */
export type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * How a dense layer's kernel is initialised, as data (so that a network's spec can travel to
 * another process): `GLOROT_UNIFORM` or `orthogonalInit(gain)`.
 */
export type KernelInit = { kind: "glorotUniform" } | { kind: "orthogonal"; gain: number };

/** tf.layers' default: Glorot (Xavier) uniform. */
export const GLOROT_UNIFORM: KernelInit = { kind: "glorotUniform" };

/**
 * Orthogonal matrices times `gain` (Saxe et al., 2014): tf.initializers.orthogonal, which the LSGAN
 * authors' ring experiment uses (TensorFlow's, with gain 1.4).
 */
export function orthogonalInit(gain = 1): KernelInit {
  assertFinite("gain", gain);
  return { kind: "orthogonal", gain };
}

/**
 * The tf.layers initialiser of `init` with `seed`. The orthogonal one without its console warning
 * for matrices over 2,000 entries (a notebook fails on output to stderr; the QR takes milliseconds here).
 */
function initializerFor(init: KernelInit, seed: number): Initializer {
  switch (init?.kind) {
    case "glorotUniform":
      return tf.initializers.glorotUniform({ seed });
    case "orthogonal": {
      const orthogonal = tf.initializers.orthogonal({ gain: init.gain, seed });
      (orthogonal as unknown as { ELEMENTS_WARN_SLOW: number }).ELEMENTS_WARN_SLOW = Infinity;
      return orthogonal;
    }
    default:
      throw new Error(
        `unknown kernel initialiser ${JSON.stringify(init)}; use GLOROT_UNIFORM or orthogonalInit(gain)`,
      );
  }
}

/** Hidden activations the MLP builders offer. */
export type HiddenActivation = "relu" | "tanh" | "leakyRelu";

/**
 * Adds a hidden dense layer: dense with its activation inside, or, with BatchNorm, dense → BatchNorm
 * → activation (the order of the DCGAN and LSGAN papers). Names: `<prefix>_dense<i>`, `<prefix>_bn<i>`,
 * `<prefix>_act<i>` (LeakyReLU: `<prefix>_leaky<i>`).
 */
function addHidden(
  model: tf.Sequential,
  {
    prefix,
    index,
    units,
    activation,
    leakyAlpha,
    batchNorm,
    init,
    inputShape,
  }: {
    prefix: string;
    index: number;
    units: number;
    activation: HiddenActivation;
    leakyAlpha: number;
    batchNorm: boolean;
    init: Initializer;
    inputShape?: number[];
  },
): void {
  const inside = activation !== "leakyRelu" && !batchNorm;
  model.add(
    tf.layers.dense({
      units,
      ...(inside ? { activation } : {}),
      name: `${prefix}_dense${index}`,
      kernelInitializer: init,
      ...(inputShape !== undefined ? { inputShape } : {}),
    }),
  );
  if (batchNorm) model.add(batchNormalization({ name: `${prefix}_bn${index}` }));
  if (activation === "leakyRelu")
    model.add(tf.layers.leakyReLU({ alpha: leakyAlpha, name: `${prefix}_leaky${index}` }));
  else if (!inside) model.add(tf.layers.activation({ activation, name: `${prefix}_act${index}` }));
}

export interface MlpGeneratorArgs {
  /** Size of the noise vector z. */
  latentSize: number;
  /** Widths of the hidden layers, each followed by `activation`. */
  hiddenUnits: number[];
  /** Size of the flat output image (784 for MNIST; 2 for points in the plane). */
  outputSize?: number;
  /** Activation of the hidden layers; default "relu". */
  activation?: "relu" | "tanh";
  /** The output's activation: "tanh" (default; images in (−1, 1)) or "linear" (e.g. 2-D points). */
  outputActivation?: "tanh" | "linear";
  /** BatchNorm after each hidden dense layer, before its activation; default false. */
  batchNorm?: boolean;
  /** The dense kernels' initialiser; default GLOROT_UNIFORM. Biases start at zero. */
  kernelInit?: KernelInit;
  /** Seed of the weight initialisers (each layer gets its own seed derived from it). */
  seed: number;
}

/**
 * An MLP generator: z [batch, latentSize] → hidden dense layers (optionally with BatchNorm) → dense
 * with `outputActivation` → [batch, outputSize]; with the defaults, images with values in (−1, 1),
 * the range the real digits were scaled to.
 */
export function buildMlpGenerator({
  latentSize,
  hiddenUnits,
  outputSize = PIXELS,
  activation = "relu",
  outputActivation = "tanh",
  batchNorm = false,
  kernelInit = GLOROT_UNIFORM,
  seed,
}: MlpGeneratorArgs): tf.Sequential {
  assertInteger("latentSize", latentSize);
  assertInteger("outputSize", outputSize);
  assertInteger("seed", seed);
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "generator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    const inputShape = i === 0 ? [latentSize] : undefined;
    const init = initializerFor(kernelInit, nextSeed());
    addHidden(model, {
      prefix: "g",
      index: i + 1,
      units,
      activation,
      leakyAlpha: 0,
      batchNorm,
      init,
      inputShape,
    });
  });
  model.add(
    tf.layers.dense({
      units: outputSize,
      activation: outputActivation,
      name: "g_out",
      kernelInitializer: initializerFor(kernelInit, nextSeed()),
      ...(hiddenUnits.length === 0 ? { inputShape: [latentSize] } : {}),
    }),
  );
  return model;
}

export interface MlpDiscriminatorArgs {
  /** Size of the flat input image (784 for MNIST). */
  inputSize?: number;
  /** Widths of the hidden layers, each followed by `activation`. */
  hiddenUnits: number[];
  /** Activation of the hidden layers; default "leakyRelu". */
  activation?: "leakyRelu" | "tanh";
  /** Slope of LeakyReLU for negative inputs (needed when the activation is LeakyReLU). */
  leakyAlpha?: number;
  /** BatchNorm after each hidden dense layer but the first (which sees the data), before its activation; default false. */
  batchNorm?: boolean;
  /** The dense kernels' initialiser; default GLOROT_UNIFORM. Biases start at zero. */
  kernelInit?: KernelInit;
  seed: number;
}

/**
 * An MLP discriminator: image [batch, inputSize] → hidden dense layers (optionally with BatchNorm
 * from the second on) → one logit [batch, 1]. It outputs logits, not probabilities: the losses
 * apply the sigmoid in a numerically stable way.
 */
export function buildMlpDiscriminator({
  inputSize = PIXELS,
  hiddenUnits,
  activation = "leakyRelu",
  leakyAlpha,
  batchNorm = false,
  kernelInit = GLOROT_UNIFORM,
  seed,
}: MlpDiscriminatorArgs): tf.Sequential {
  assertInteger("inputSize", inputSize);
  assertInteger("seed", seed);
  if (activation === "leakyRelu") {
    if (leakyAlpha === undefined)
      throw new Error("leakyAlpha is needed for the LeakyReLU activation");
    assertFinite("leakyAlpha", leakyAlpha);
  }
  hiddenUnits.forEach((units, i) => assertInteger(`hiddenUnits[${i}]`, units));
  const model = tf.sequential({ name: "discriminator" });
  const nextSeed = createSeedSequence(seed);
  hiddenUnits.forEach((units, i) => {
    addHidden(model, {
      prefix: "d",
      index: i + 1,
      units,
      activation,
      leakyAlpha: leakyAlpha ?? 0,
      batchNorm: batchNorm && i > 0,
      init: initializerFor(kernelInit, nextSeed()),
      inputShape: i === 0 ? [inputSize] : undefined,
    });
  });
  model.add(
    tf.layers.dense({
      units: 1,
      name: "d_logit",
      kernelInitializer: initializerFor(kernelInit, nextSeed()),
      ...(hiddenUnits.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return model;
}

/** Number of trainable scalars in a model. */
export function countParameters(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );
}
