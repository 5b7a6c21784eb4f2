import { tf } from "./backend";
import { assertFinite, assertInteger, assertPositive, assertShape } from "./checks";
import {
  discriminatorCost, generatorCost, GENERATOR_COSTS, lsDiscriminatorCost, LS_ZERO_ONE, type GeneratorCost, type LsTargets,
} from "./losses";
import { LeanAdam, type LinearDecay } from "./optimizer";
import { createNoiseSampler, type NoiseDistribution, type NoiseSampler } from "./noise";
import type { BatchStream } from "./data";

/** A generator and a discriminator with their optimisers and the game's settings. */
export interface Gan {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  generatorCost: GeneratorCost;
  /** LSGAN's targets, used when generatorCost is "least-squares". */
  lsTargets: LsTargets;
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
  generatorCost?: GeneratorCost;
  /** LSGAN's targets (a, b, c) with "least-squares"; default (0, 1, 1). */
  lsTargets?: LsTargets;
  /** Adam step size of the generator, and of the discriminator unless `discriminatorLearningRate` is given. */
  learningRate: number;
  /**
   * Adam step size of the discriminator when it should differ from G's (the two time-scale update
   * rule of Heusel et al., 2017; spectrally normalised discriminators usually need a larger one).
   */
  discriminatorLearningRate?: number;
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

/** Pairs the two networks with one Adam optimiser each, after checking that their shapes fit. */
export function createGan(args: CreateGanArgs): Gan {
  const { generator, discriminator, generatorCost = "non-saturating", learningRate, beta1 = 0.5, beta2 = 0.999 } = args;
  if (!GENERATOR_COSTS.includes(generatorCost)) {
    throw new Error(`generatorCost must be one of ${GENERATOR_COSTS.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(generatorCost)}`);
  }
  // Checks the optimiser settings before anything else is built.
  const optimizers = [learningRate, args.discriminatorLearningRate ?? learningRate]
    .map((rate) => new LeanAdam({ learningRate: rate, beta1, beta2, weightDecay: args.weightDecay ?? 0, decay: args.learningRateDecay }));
  const latentSize = generator.inputs[0].shape[1];
  if (typeof latentSize !== "number") throw new Error("the generator's input must be [batch, latentSize]");
  const conditional = generator.inputs.length === 2;
  if (discriminator.inputs.length !== generator.inputs.length) {
    throw new Error(`the generator takes ${generator.inputs.length} input(s) and the discriminator ${discriminator.inputs.length}: `
      + "both must be conditional ([x, labels]) or neither");
  }
  const l1Weight = args.l1Weight ?? 0;
  assertFinite("l1Weight", l1Weight);
  if (l1Weight < 0) throw new Error(`l1Weight must be >= 0, got ${l1Weight}`);
  if (l1Weight > 0 && !conditional) throw new Error("l1Weight needs a conditional GAN: the L1 term compares a fake with a real digit of its label");
  const generated = generator.outputs[0].shape.slice(1).join(",");
  const accepted = discriminator.inputs[0].shape.slice(1).join(",");
  if (generated !== accepted) {
    throw new Error(`the generator makes [${generated}] images but the discriminator takes [${accepted}]`);
  }
  const lsTargets = args.lsTargets ?? LS_ZERO_ONE;
  Object.entries(lsTargets).forEach(([name, value]) => assertFinite(`lsTargets.${name}`, value));
  const jointDiscriminatorPass = !discriminator.layers.some((layer) => layer.getClassName().endsWith("BatchNormalization"));
  return {
    generator, discriminator, generatorCost, lsTargets, latentSize, conditional, l1Weight, jointDiscriminatorPass,
    generatorOptimizer: optimizers[0],
    discriminatorOptimizer: optimizers[1],
    sampleNoise: typeof args.noise === "function"
      ? args.noise
      : createNoiseSampler({ latentSize, distribution: args.noise ?? "normal", seed: args.seed }),
  };
}

export interface DiscriminatorMetrics {
  /** J(D) on this batch, before the update. */
  dLoss: number;
  /** Mean D(x) on the real batch: σ(logit), the probability D gives real digits; with least squares, D's raw output. */
  dReal: number;
  /** Mean D(G(z)) on the fake batch, before the update (same scale as dReal). */
  dFake: number;
}

export interface GeneratorMetrics {
  /** J(G) on this batch, before the update. */
  gLoss: number;
  /** Euclidean norm of the gradient of J(G) over all of G's weights, when asked for. */
  gradNorm?: number;
  /** mean|G(z, y) − x| on this batch, when the GAN has an L1 term (gLoss includes λ times it). */
  l1?: number;
}

/** D's cost for the GAN's objective, from D's outputs on real and fake batches. */
function discriminatorCostOf(gan: Gan, realOutputs: tf.Tensor, fakeOutputs: tf.Tensor): tf.Scalar {
  return gan.generatorCost === "least-squares"
    ? lsDiscriminatorCost(realOutputs, fakeOutputs, gan.lsTargets)
    : discriminatorCost(realOutputs, fakeOutputs);
}

/** What D "says" of a batch: mean probability σ(logit) for cross-entropy, mean raw output for least squares. */
function meanVerdict(gan: Gan, outputs: tf.Tensor): tf.Scalar {
  return gan.generatorCost === "least-squares" ? tf.mean(outputs) : tf.mean(tf.sigmoid(outputs));
}

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Labels as the conditional models take them: [batch] or [batch, 1] class ids → [batch, 1]. */
function labelColumn(labels: tf.Tensor, batch: number): tf.Tensor2D {
  assertShape("labels", labels.shape.length === 2 ? labels.shape : [...labels.shape, 1], [batch, 1]);
  return labels.reshape([batch, 1]);
}

/** Checks that `labels` are given exactly when the GAN is conditional; returns them as [batch, 1]. */
function labelsFor(gan: Gan, labels: tf.Tensor | undefined, batch: number): tf.Tensor2D | undefined {
  if (gan.conditional && labels === undefined) throw new Error("this GAN is conditional: pass the batch's labels");
  if (!gan.conditional && labels !== undefined) throw new Error("this GAN is not conditional: it takes no labels");
  return labels === undefined ? undefined : labelColumn(labels, batch);
}

/** Runs a network on x, with the labels as its second input when the GAN is conditional. */
function run(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor | undefined): tf.Tensor {
  return model.apply(labels === undefined ? x : [x, labels], { training: true }) as tf.Tensor;
}


function readFinite(values: tf.Tensor, names: string[]): number[] {
  const numbers = Array.from(values.dataSync());
  values.dispose();
  numbers.forEach((value, i) => {
    if (!Number.isFinite(value)) {
      throw new Error(`training diverged: ${names[i]} is ${value}; lower the learning rate or check the data`);
    }
  });
  return numbers;
}

/** D's outputs on the real and on the fake batch, [batch, 1] each: in one pass over both when it may. */
function judgeRealAndFake(gan: Gan, realImages: tf.Tensor, fakes: tf.Tensor, labels: tf.Tensor | undefined): [tf.Tensor, tf.Tensor] {
  if (!gan.jointDiscriminatorPass) return [run(gan.discriminator, realImages, labels), run(gan.discriminator, fakes, labels)];
  const both = run(gan.discriminator, tf.concat([realImages, fakes]), labels === undefined ? undefined : tf.concat([labels, labels]));
  const [real, fake] = tf.split(both, 2);
  return [real, fake];
}

/**
 * One update of the discriminator on a real batch and a batch of fresh fakes; G is not changed.
 * @param realImages [batch, ...D's input shape], values in [−1, 1].
 * @param labels [batch] class ids of the real images, for a conditional GAN (the fakes get the same labels).
 */
export function trainDiscriminatorStep(gan: Gan, realImages: tf.Tensor, labels?: tf.Tensor): DiscriminatorMetrics {
  const expected = gan.discriminator.inputs[0].shape.map((s) => s ?? -1);
  assertShape("realImages", realImages.shape, expected);
  const kept: tf.Tensor[] = [];
  const values = tf.tidy(() => {
    const y = labelsFor(gan, labels, realImages.shape[0]);
    const fakes = run(gan.generator, gan.sampleNoise(realImages.shape[0]), y);
    const cost = gan.discriminatorOptimizer.minimize(() => {
      const [realLogits, fakeLogits] = judgeRealAndFake(gan, realImages, fakes, y);
      kept.push(tf.keep(realLogits), tf.keep(fakeLogits));
      return discriminatorCostOf(gan, realLogits, fakeLogits);
    }, true, trainableVariables(gan.discriminator)) as tf.Scalar;
    return tf.stack([cost, meanVerdict(gan, kept[0]), meanVerdict(gan, kept[1])]);
  });
  tf.dispose(kept);
  const [dLoss, dReal, dFake] = readFinite(values, ["the discriminator loss", "D(x)", "D(G(z))"]);
  return { dLoss, dReal, dFake };
}

export interface GeneratorStepOptions {
  /** Also report the norm of J(G)'s gradient over G's weights. */
  measureGradient?: boolean;
  /** Conditional GANs: [batchSize] class ids of the digits G is asked to draw. */
  labels?: tf.Tensor;
  /** Conditional GANs with an L1 term: the real digits [batchSize, ...] the fakes are compared with. */
  realImages?: tf.Tensor;
}

/**
 * One update of the generator through a frozen discriminator, on `batchSize` fresh noise vectors
 * (and, for a conditional GAN, the given labels).
 */
export function trainGeneratorStep(gan: Gan, batchSize: number, options: GeneratorStepOptions = {}): GeneratorMetrics {
  const { measureGradient = false, realImages } = options;
  assertInteger("batchSize", batchSize);
  if (gan.l1Weight > 0) {
    if (realImages === undefined) throw new Error("this GAN has an L1 term: pass the real images of the batch");
    assertShape("realImages", realImages.shape, [batchSize, ...gan.generator.outputs[0].shape.slice(1).map((s) => s ?? -1)]);
  }
  const kept: tf.Tensor[] = [];  // the L1 term, read out of the gradient closure
  const values = tf.tidy(() => {
    const y = labelsFor(gan, options.labels, batchSize);
    const noise = gan.sampleNoise(batchSize);
    const { value, grads } = tf.variableGrads(() => {
      const fakes = run(gan.generator, noise, y);
      const cost = generatorCost(gan.generatorCost, run(gan.discriminator, fakes, y), gan.lsTargets);
      if (gan.l1Weight === 0) return cost;
      const l1 = tf.keep(tf.mean(tf.abs(tf.sub(fakes, realImages!))));
      kept.push(l1);
      return tf.add(cost, tf.mul(l1, gan.l1Weight)) as tf.Scalar;
    }, trainableVariables(gan.generator));
    const reported: tf.Tensor[] = [value];
    if (measureGradient) reported.push(tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
    reported.push(...kept);
    gan.generatorOptimizer.applyGradients(grads);
    return tf.stack(reported);
  });
  tf.dispose(kept);
  const names = ["the generator loss", ...(measureGradient ? ["the generator's gradient norm"] : []), ...(gan.l1Weight > 0 ? ["the L1 term"] : [])];
  const numbers = readFinite(values, names);
  const metrics: GeneratorMetrics = { gLoss: numbers[0] };
  if (measureGradient) metrics.gradNorm = numbers[1];
  if (gan.l1Weight > 0) metrics.l1 = numbers[numbers.length - 1];
  return metrics;
}

/** What one full training step (a D update, then a G update) reports. */
export interface StepMetrics extends DiscriminatorMetrics, GeneratorMetrics {
  step: number;
}

export interface TrainGanArgs {
  gan: Gan;
  batches: BatchStream;
  steps: number;
  /** Number of the first step, to continue an earlier run; default 1. */
  firstStep?: number;
  /** Called after every step, e.g. to log or to show samples. */
  onStep?: (metrics: StepMetrics) => void;
}

/**
 * One full training step on the next batch of `batches`: a D update, then a G update. A
 * conditional GAN uses the batch's labels for both, and its real digits for the L1 term.
 */
export function trainStep(gan: Gan, batches: BatchStream): DiscriminatorMetrics & GeneratorMetrics {
  const { images, labels } = gan.conditional ? batches.nextBatch() : { images: batches.nextImages(), labels: undefined };
  try {
    const d = trainDiscriminatorStep(gan, images, labels);
    const g = trainGeneratorStep(gan, batches.batchSize, { labels, realImages: gan.l1Weight > 0 ? images : undefined });
    return { ...d, ...g };
  } finally {
    tf.dispose([images, ...(labels === undefined ? [] : [labels])]);
  }
}

/** Alternates one discriminator and one generator update for `steps` steps; returns every step's metrics. */
export function trainGan({ gan, batches, steps, firstStep = 1, onStep }: TrainGanArgs): StepMetrics[] {
  assertInteger("steps", steps, 0);
  const history: StepMetrics[] = [];
  for (let step = firstStep; step < firstStep + steps; step++) {
    const metrics = { step, ...trainStep(gan, batches) };
    history.push(metrics);
    onStep?.(metrics);
  }
  return history;
}

/** One progress line: both losses and both D outputs, rounded, e.g. for a log every N steps. */
export function formatMetrics(m: StepMetrics): string {
  return `step ${m.step} | J(D) ${m.dLoss.toFixed(3)} | J(G) ${m.gLoss.toFixed(3)} `
    + `| D(x) ${m.dReal.toFixed(2)} | D(G(z)) ${m.dFake.toFixed(2)}`;
}

/** Frees the weights of both networks and the state of both optimisers. */
export function disposeGan(gan: Gan): void {
  gan.generator.dispose();
  gan.discriminator.dispose();
  gan.generatorOptimizer.dispose();
  gan.discriminatorOptimizer.dispose();
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
export function fitLsDiscriminator({ model, sampleReal, sampleFake, targets, steps, batchSize, learningRate }: FitLsDiscriminatorArgs): number[] {
  assertInteger("steps", steps);
  assertInteger("batchSize", batchSize);
  assertPositive("learningRate", learningRate);
  const optimizer = tf.train.adam(learningRate);
  const variables = trainableVariables(model);
  const costs: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const cost = tf.tidy(() => {
        const real = sampleReal(batchSize);
        const fake = sampleFake(batchSize);
        return optimizer.minimize(() => lsDiscriminatorCost(
          model.apply(real, { training: true }) as tf.Tensor, model.apply(fake, { training: true }) as tf.Tensor, targets),
        true, variables) as tf.Scalar;
      });
      costs.push(readFinite(cost.reshape([1]), ["the discriminator's least-squares cost"])[0]);
      cost.dispose();
    }
  } finally {
    optimizer.dispose();
  }
  return costs;
}

/** Number of classes a conditional generator accepts, read from its label layer. */
function classCount(generator: tf.LayersModel): number {
  const table = generator.layers.find((layer) => layer.getClassName() === "Embedding");
  if (table === undefined) throw new Error(`${generator.name} has no label layer (Embedding)`);
  return table.getConfig().inputDim as number;
}

/**
 * Draws images from a trained generator in inference mode (BatchNorm uses its running averages).
 * @param noise [n, latentSize].
 * @param labels n class ids, for a conditional generator; each must be an integer in [0, classes).
 * @returns [n, ...the generator's output shape].
 */
export function generateImages(generator: tf.LayersModel, noise: tf.Tensor2D, labels?: ArrayLike<number>): tf.Tensor {
  const conditional = generator.inputs.length === 2;
  if (conditional !== (labels !== undefined)) {
    throw new Error(conditional ? `${generator.name} is conditional: pass one label per noise vector` : `${generator.name} takes no labels`);
  }
  assertShape("noise", noise.shape, [-1, generator.inputs[0].shape[1] ?? -1]);
  if (labels === undefined) return generator.predict(noise) as tf.Tensor;
  if (labels.length !== noise.shape[0]) throw new Error(`got ${labels.length} labels for ${noise.shape[0]} noise vectors`);
  const classes = classCount(generator);
  Array.from(labels).forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(`labels[${i}] is ${label}; labels must be integers in [0, ${classes})`);
    }
  });
  return tf.tidy(() => generator.predict([noise, tf.tensor2d(Array.from(labels), [labels.length, 1])]) as tf.Tensor);
}

/**
 * Points on the straight line from z₀ to z₁, both ends included: [count, latentSize], row i at
 * z₀ + (z₁ − z₀)·i/(count − 1).
 * @param start [latentSize] or [1, latentSize]; the same for `end`.
 */
export function interpolateNoise(start: tf.Tensor, end: tf.Tensor, count: number): tf.Tensor2D {
  assertInteger("count", count, 2);
  const size = start.size;
  assertShape("end", [end.size], [size]);
  return tf.tidy(() => {
    const t = tf.linspace(0, 1, count).reshape([count, 1]);
    const [z0, z1] = [start.reshape([1, size]), end.reshape([1, size])];
    return tf.add(z0, tf.mul(t, tf.sub(z1, z0))) as tf.Tensor2D;
  });
}
