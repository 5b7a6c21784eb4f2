// The LSGAN paper's two architectures (Mao et al., 2017, figures 3 and 4; the authors' code,
// xudonmao/LSGAN vgg.py and mcgan.py), scaled to what trains here (notebook 08): the few-class one
// for 28×28 digits, the many-class (conditional) one for 28×56 two-digit numbers.
import { tf } from "../core/backend";
import { batchNormalization } from "./batchnorm";
import { assertInteger } from "../core/checks";
import { checkLabelArgs, encodeLabels, type LabelEncoding } from "./conditional";
import { dcganInit } from "./conv";
import { IMAGE_SIZE } from "../data/mnist";
import { createSeedSequence } from "../core/random";

/** N(0, 0.02) weights, as the authors' DCGAN-derived code initialises them. */
const init = dcganInit;

type Layer = { apply(x: tf.SymbolicTensor | tf.SymbolicTensor[]): unknown };
/** Applies layers in order to a symbolic tensor. */
function chain(x: tf.SymbolicTensor, layers: Layer[]): tf.SymbolicTensor {
  return layers.reduce((h, layer) => layer.apply(h) as tf.SymbolicTensor, x);
}

/** A transposed 3×3 (or k×k) convolution with "same" padding, then BatchNorm and ReLU. */
function upBlock(name: string, filters: number, strides: number, seed: number, kernelSize = 3) {
  return [
    tf.layers.conv2dTranspose({
      filters,
      kernelSize,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: init(seed),
      name: `${name}_deconv`,
    }),
    batchNormalization({ name: `${name}_bn` }),
    tf.layers.reLU({ name: `${name}_relu` }),
  ];
}

/** A dense layer to height·width·channels numbers, BatchNorm and ReLU, reshaped to a feature map. */
function denseToMap(height: number, width: number, channels: number, seed: number) {
  return [
    tf.layers.dense({
      units: height * width * channels,
      useBias: false,
      kernelInitializer: init(seed),
      name: "g_dense",
    }),
    batchNormalization({ name: "g_dense_bn" }),
    tf.layers.reLU({ name: "g_dense_relu" }),
    tf.layers.reshape({ targetShape: [height, width, channels], name: "g_reshape" }),
  ];
}

/** A 5×5 stride-2 convolution, BatchNorm (unless `norm` is false) and LeakyReLU 0.2. */
function downBlock(name: string, filters: number, seed: number, norm = true) {
  return [
    tf.layers.conv2d({
      filters,
      kernelSize: 5,
      strides: 2,
      padding: "same",
      useBias: !norm,
      kernelInitializer: init(seed),
      name: `${name}_conv`,
    }),
    ...(norm ? [batchNormalization({ name: `${name}_bn` })] : []),
    tf.layers.leakyReLU({ alpha: 0.2, name: `${name}_leaky` }),
  ];
}

export interface LsganGeneratorArgs {
  /** Size of the noise vector z (the paper: 1024). */
  latentSize: number;
  /** Channels of the 7×7 and 14×14 stages, halved at 28×28 (the paper: 256 throughout the first stages). */
  channels?: number;
  seed: number;
}

/**
 * The few-class LSGAN generator scaled to 28×28: z → dense 7·7·C → BN → ReLU → reshape [7, 7, C]
 * → (3×3 transposed conv stride 2, then stride 1, each + BN + ReLU) at 14×14 with C channels and
 * at 28×28 with C/2 → 3×3 transposed conv stride 1 to 1 channel → tanh: [batch, 28, 28, 1].
 */
export function buildLsganGenerator({
  latentSize,
  channels = 64,
  seed,
}: LsganGeneratorArgs): tf.LayersModel {
  assertInteger("latentSize", latentSize);
  assertInteger("channels", channels, 2);
  const next = createSeedSequence(seed);
  const z = tf.input({ shape: [latentSize], name: "z" });
  const half = Math.floor(channels / 2);
  const images = chain(z, [
    ...denseToMap(7, 7, channels, next()),
    ...upBlock("g_up1", channels, 2, next()),
    ...upBlock("g_same1", channels, 1, next()),
    ...upBlock("g_up2", half, 2, next()),
    ...upBlock("g_same2", half, 1, next()),
    tf.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 3,
      strides: 1,
      padding: "same",
      activation: "tanh",
      kernelInitializer: init(next()),
      name: "g_out",
    }),
  ]);
  return tf.model({ inputs: z, outputs: images, name: "lsgan_generator" });
}

export interface LsganDiscriminatorArgs {
  /** Filters of the first convolution, doubled at each of the next two (the paper: 64 of four). */
  channels?: number;
  seed: number;
}

/**
 * The few-class LSGAN discriminator scaled to 28×28: images [batch, 28, 28, 1] → 5×5 stride-2
 * conv to C + LeakyReLU 0.2 (no BatchNorm on the first layer) → 5×5 stride-2 conv to 2C + BN +
 * LeakyReLU → 5×5 stride-2 conv to 4C + BN + LeakyReLU → flatten (4·4·4C) → dense 1: one raw
 * output per image, [batch, 1], for the least-squares cost (or a logit for cross-entropy).
 */
export function buildLsganDiscriminator({
  channels = 32,
  seed,
}: LsganDiscriminatorArgs): tf.LayersModel {
  assertInteger("channels", channels);
  const next = createSeedSequence(seed);
  const image = tf.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 1], name: "image" });
  const output = chain(image, [
    ...downBlock("d_down1", channels, next(), false),
    ...downBlock("d_down2", 2 * channels, next()),
    ...downBlock("d_down3", 4 * channels, next()),
    tf.layers.flatten({ name: "d_flatten" }),
    tf.layers.dense({ units: 1, kernelInitializer: init(next()), name: "d_out" }),
  ]);
  return tf.model({ inputs: image, outputs: output, name: "lsgan_discriminator" });
}

export interface ConditionalLsganArgs {
  /** Size of the noise vector z (generator only). */
  latentSize?: number;
  /** How many classes (100 for the numbers 00–99; the paper: 3,740 characters). */
  numClasses: number;
  /** How the label enters: "linear" (the paper's one-hot → linear map) or "one-hot" as it is. */
  labelEncoding: LabelEncoding;
  /** Length of the label code: the linear map's output (the paper: 256), or numClasses for "one-hot". */
  labelSize: number;
  /** Channels of the generator's 7×14 stage and of the discriminator's second convolution. */
  channels?: number;
  seed: number;
}

/** The label input [batch, 1] (class ids) and its code [batch, labelSize]. */
function labelInput(args: ConditionalLsganArgs, prefix: string, seed: number) {
  checkLabelArgs(args.numClasses, args.labelSize, args.labelEncoding);
  const labels = tf.input({ shape: [1], name: "label" });
  const code = encodeLabels(labels, {
    numClasses: args.numClasses,
    labelSize: args.labelSize,
    encoding: args.labelEncoding,
    seed,
    prefix,
  });
  return { labels, code };
}

/**
 * The many-class (conditional) LSGAN generator scaled to 28×56: the label's code is concatenated
 * with z → dense 7·14·C → BN → ReLU → reshape [7, 14, C] → 5×5 stride-2 transposed conv to C/2
 * + BN + ReLU → 5×5 stride-2 transposed conv to 1 → tanh: [batch, 28, 56, 1]. Inputs: z
 * [batch, latentSize] and labels [batch, 1].
 */
export function buildConditionalLsganGenerator(args: ConditionalLsganArgs): tf.LayersModel {
  const { latentSize = 100, channels = 64, seed } = args;
  assertInteger("latentSize", latentSize);
  assertInteger("channels", channels, 2);
  const next = createSeedSequence(seed);
  const z = tf.input({ shape: [latentSize], name: "z" });
  const { labels, code } = labelInput(args, "g", next());
  const joined = tf.layers.concatenate({ name: "g_concat" }).apply([z, code]) as tf.SymbolicTensor;
  const images = chain(joined, [
    ...denseToMap(7, 14, channels, next()),
    ...upBlock("g_up1", Math.floor(channels / 2), 2, next(), 5),
    tf.layers.conv2dTranspose({
      filters: 1,
      kernelSize: 5,
      strides: 2,
      padding: "same",
      activation: "tanh",
      kernelInitializer: init(next()),
      name: "g_out",
    }),
  ]);
  return tf.model({ inputs: [z, labels], outputs: images, name: "conditional_lsgan_generator" });
}

/**
 * The many-class (conditional) LSGAN discriminator scaled to 28×56, with the label's code entering
 * three times as in the paper: images [batch, 28, 56, 1] → 5×5 stride-2 conv to C/2 + LeakyReLU →
 * the code tiled over the 14×28 map and concatenated → 5×5 stride-2 conv to C + BN + LeakyReLU →
 * flatten, concatenated with the code → dense 4C + BN + LeakyReLU → concatenated with the code
 * → dense 1: [batch, 1]. Inputs: images and labels [batch, 1].
 */
export function buildConditionalLsganDiscriminator(args: ConditionalLsganArgs): tf.LayersModel {
  const { channels = 64, seed } = args;
  assertInteger("channels", channels, 2);
  const next = createSeedSequence(seed);
  const image = tf.input({ shape: [IMAGE_SIZE, 2 * IMAGE_SIZE, 1], name: "image" });
  const { labels, code } = labelInput(args, "d", next());
  const map = chain(code, [
    tf.layers.repeatVector({ n: 14 * 28, name: "d_label_repeat" }),
    tf.layers.reshape({ targetShape: [14, 28, args.labelSize], name: "d_label_map" }),
  ]);
  const h1 = chain(image, downBlock("d_down1", Math.floor(channels / 2), next(), false));
  const joined1 = tf.layers
    .concatenate({ name: "d_concat1" })
    .apply([h1, map]) as tf.SymbolicTensor;
  const h2 = chain(joined1, [
    ...downBlock("d_down2", channels, next()),
    tf.layers.flatten({ name: "d_flatten" }),
  ]);
  const joined2 = tf.layers
    .concatenate({ name: "d_concat2" })
    .apply([h2, code]) as tf.SymbolicTensor;
  const h3 = chain(joined2, [
    tf.layers.dense({
      units: 4 * channels,
      useBias: false,
      kernelInitializer: init(next()),
      name: "d_dense",
    }),
    batchNormalization({ name: "d_dense_bn" }),
    tf.layers.leakyReLU({ alpha: 0.2, name: "d_dense_leaky" }),
  ]);
  const joined3 = tf.layers
    .concatenate({ name: "d_concat3" })
    .apply([h3, code]) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 1, kernelInitializer: init(next()), name: "d_out" })
    .apply(joined3) as tf.SymbolicTensor;
  return tf.model({
    inputs: [image, labels],
    outputs: output,
    name: "conditional_lsgan_discriminator",
  });
}
