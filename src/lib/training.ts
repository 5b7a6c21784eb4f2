import { tf } from "./backend";
import { assertFinite, assertInteger, assertPositive, assertShape } from "./checks";
import {
  discriminatorCost, generatorCost, lsDiscriminatorCost, LS_ZERO_ONE, type GeneratorCost, type LsTargets,
} from "./losses";
import { createRandom, drawSeed } from "./random";
import type { BatchStream } from "./data";

/** Draws a fresh batch of noise vectors z, [batch, latentSize]. */
export type NoiseSampler = (batch: number) => tf.Tensor2D;

export type NoiseDistribution = "normal" | "uniform";

export interface NoiseSamplerArgs {
  latentSize: number;
  /** "normal": N(0, 1) per entry; "uniform": U(−1, 1) per entry. */
  distribution?: NoiseDistribution;
  seed: number;
}

/** A seeded noise sampler: each call draws new noise, and the same seed replays the same sequence. */
export function createNoiseSampler({ latentSize, distribution = "normal", seed }: NoiseSamplerArgs): NoiseSampler {
  assertInteger("latentSize", latentSize);
  const random = createRandom(seed);
  return (batch: number) => {
    assertInteger("batch", batch);
    const shape: [number, number] = [batch, latentSize];
    return distribution === "normal"
      ? tf.randomNormal(shape, 0, 1, "float32", drawSeed(random))
      : tf.randomUniform(shape, -1, 1, "float32", drawSeed(random));
  };
}

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
}

export interface CreateGanArgs {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  generatorCost?: GeneratorCost;
  /** LSGAN's targets (a, b, c) with "least-squares"; default (0, 1, 1). */
  lsTargets?: LsTargets;
  /** Adam step size, the same for both players. */
  learningRate: number;
  /** Adam's first-moment decay; GANs usually use 0.5 rather than the default 0.9. */
  beta1?: number;
  beta2?: number;
  noise?: NoiseDistribution;
  /** Seed of the noise drawn during training. */
  seed: number;
}

/** Pairs the two networks with one Adam optimiser each, after checking that their shapes fit. */
export function createGan(args: CreateGanArgs): Gan {
  const { generator, discriminator, generatorCost = "non-saturating", learningRate, beta1 = 0.5, beta2 = 0.999 } = args;
  assertPositive("learningRate", learningRate);
  assertFinite("beta1", beta1);
  assertFinite("beta2", beta2);
  if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`beta1 must be in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new Error(`beta2 must be in [0, 1), got ${beta2}`);
  const latentSize = generator.inputs[0].shape[1];
  if (typeof latentSize !== "number") throw new Error("the generator's input must be [batch, latentSize]");
  const generated = generator.outputs[0].shape.slice(1).join(",");
  const accepted = discriminator.inputs[0].shape.slice(1).join(",");
  if (generated !== accepted) {
    throw new Error(`the generator makes [${generated}] images but the discriminator takes [${accepted}]`);
  }
  const lsTargets = args.lsTargets ?? LS_ZERO_ONE;
  Object.entries(lsTargets).forEach(([name, value]) => assertFinite(`lsTargets.${name}`, value));
  return {
    generator, discriminator, generatorCost, lsTargets, latentSize,
    generatorOptimizer: tf.train.adam(learningRate, beta1, beta2),
    discriminatorOptimizer: tf.train.adam(learningRate, beta1, beta2),
    sampleNoise: createNoiseSampler({ latentSize, distribution: args.noise ?? "normal", seed: args.seed }),
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

/**
 * One update of the discriminator on a real batch and a batch of fresh fakes; G is not changed.
 * @param realImages [batch, ...D's input shape], values in [−1, 1].
 */
export function trainDiscriminatorStep(gan: Gan, realImages: tf.Tensor): DiscriminatorMetrics {
  const expected = gan.discriminator.inputs[0].shape.map((s) => s ?? -1);
  assertShape("realImages", realImages.shape, expected);
  const kept: tf.Tensor[] = [];
  const values = tf.tidy(() => {
    const fakes = gan.generator.apply(gan.sampleNoise(realImages.shape[0]), { training: true }) as tf.Tensor;
    const cost = gan.discriminatorOptimizer.minimize(() => {
      const realLogits = gan.discriminator.apply(realImages, { training: true }) as tf.Tensor;
      const fakeLogits = gan.discriminator.apply(fakes, { training: true }) as tf.Tensor;
      kept.push(tf.keep(realLogits), tf.keep(fakeLogits));
      return discriminatorCostOf(gan, realLogits, fakeLogits);
    }, true, trainableVariables(gan.discriminator)) as tf.Scalar;
    return tf.stack([cost, meanVerdict(gan, kept[0]), meanVerdict(gan, kept[1])]);
  });
  tf.dispose(kept);
  const [dLoss, dReal, dFake] = readFinite(values, ["the discriminator loss", "D(x)", "D(G(z))"]);
  return { dLoss, dReal, dFake };
}

/**
 * One update of the generator through a frozen discriminator, on `batchSize` fresh noise vectors.
 * With `measureGradient`, also reports the norm of J(G)'s gradient over G's weights.
 */
export function trainGeneratorStep(gan: Gan, batchSize: number, { measureGradient = false } = {}): GeneratorMetrics {
  assertInteger("batchSize", batchSize);
  const values = tf.tidy(() => {
    const noise = gan.sampleNoise(batchSize);
    const { value, grads } = tf.variableGrads(() => {
      const fakes = gan.generator.apply(noise, { training: true }) as tf.Tensor;
      return generatorCost(gan.generatorCost, gan.discriminator.apply(fakes, { training: true }) as tf.Tensor, gan.lsTargets);
    }, trainableVariables(gan.generator));
    gan.generatorOptimizer.applyGradients(grads);
    if (!measureGradient) return value.reshape([1]);
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.stack([value, tf.sqrt(tf.addN(squares))]);
  });
  const [gLoss, gradNorm] = readFinite(values, ["the generator loss", "the generator's gradient norm"]);
  return measureGradient ? { gLoss, gradNorm } : { gLoss };
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

/** Alternates one discriminator and one generator update for `steps` steps; returns every step's metrics. */
export function trainGan({ gan, batches, steps, firstStep = 1, onStep }: TrainGanArgs): StepMetrics[] {
  assertInteger("steps", steps, 0);
  const history: StepMetrics[] = [];
  for (let step = firstStep; step < firstStep + steps; step++) {
    const real = batches.nextImages();
    let d: DiscriminatorMetrics;
    try {
      d = trainDiscriminatorStep(gan, real);
    } finally {
      real.dispose();
    }
    const g = trainGeneratorStep(gan, batches.batchSize);
    const metrics = { step, ...d, ...g };
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
