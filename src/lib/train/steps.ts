// The training steps: one D update, one G update, a full step, and the loop over steps.
import { tf } from "../core/backend";
import { assertInteger, assertShape } from "../core/checks";
import type { BatchStream } from "../data/mnist";
import type { DiscriminatorPart } from "./gan";
import type { Gan } from "./gan";
import { runSteps } from "./loop";

/**
 * What a discriminator update reports, each measured before the optimiser step that minimises it:
 * with `SEPARATE_UPDATES` the real half (and D(x)) before the first step, the fake half (and
 * D(G(z))) after it, before the second.
 */
export interface DiscriminatorMetrics {
  /** J(D) on this batch, as the update's steps minimised it. */
  dLoss: number;
  /** Mean D(x) on the real batch: σ(logit), the probability D gives real digits; with least squares, D's raw output. */
  dReal: number;
  /** Mean D(G(z)) on the fake batch (same scale as dReal). */
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

function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Labels as the conditional models take them: [batch] or [batch, 1] class ids → [batch, 1]. */
function labelColumn(labels: tf.Tensor, batch: number): tf.Tensor2D {
  assertShape("labels", labels.shape.length === 2 ? labels.shape : [...labels.shape, 1], [
    batch,
    1,
  ]);
  return labels.reshape([batch, 1]);
}

/** Checks that `labels` are given exactly when the GAN is conditional; returns them as [batch, 1]. */
function labelsFor(
  gan: Gan,
  labels: tf.Tensor | undefined,
  batch: number,
): tf.Tensor2D | undefined {
  if (gan.conditional && labels === undefined)
    throw new Error("this GAN is conditional: pass the batch's labels");
  if (!gan.conditional && labels !== undefined)
    throw new Error("this GAN is not conditional: it takes no labels");
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
      throw new Error(
        `training diverged: ${names[i]} is ${value}; lower the learning rate or check the data`,
      );
    }
  });
  return numbers;
}

/** D's outputs on the real and on the fake batch, [batch, 1] each: in one pass over both when it may. */
function judgeRealAndFake(
  gan: Gan,
  realImages: tf.Tensor,
  fakes: tf.Tensor,
  labels: tf.Tensor | undefined,
): [tf.Tensor, tf.Tensor] {
  if (!gan.jointDiscriminatorPass)
    return [run(gan.discriminator, realImages, labels), run(gan.discriminator, fakes, labels)];
  const both = run(
    gan.discriminator,
    tf.concat([realImages, fakes]),
    labels === undefined ? undefined : tf.concat([labels, labels]),
  );
  const [real, fake] = tf.split(both, 2);
  return [real, fake];
}

/**
 * D's update in several optimiser steps (`gan.discriminatorUpdate`, e.g. `SEPARATE_UPDATES`): each
 * step minimises its halves of J(D), computed from D as the steps before it left it, with its own
 * optimiser. Returns [J(D) as the steps minimised it, D(x), D(G(z))]; D's outputs go to `kept`.
 */
function updateDiscriminatorInSteps(
  gan: Gan,
  realImages: tf.Tensor,
  fakes: tf.Tensor,
  y: tf.Tensor | undefined,
  kept: tf.Tensor[],
): tf.Tensor {
  const outputs: Partial<Record<DiscriminatorPart, tf.Tensor>> = {};
  const costs = gan.discriminatorUpdate.steps.map(
    (parts, i) =>
      gan.discriminatorOptimizers[i].minimize(
        () => {
          const terms = parts.map((part) => {
            const out = run(gan.discriminator, part === "real" ? realImages : fakes, y);
            outputs[part] = tf.keep(out);
            kept.push(out);
            return part === "real"
              ? gan.objective.discriminatorRealPart(out)
              : gan.objective.discriminatorFakePart(out);
          });
          return terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Scalar);
        },
        true,
        trainableVariables(gan.discriminator),
      ) as tf.Scalar,
  );
  return tf.stack([
    tf.addN(costs),
    gan.objective.meanVerdict(outputs.real!),
    gan.objective.meanVerdict(outputs.fake!),
  ]);
}

/**
 * One update of the discriminator on a real batch and a batch of fresh fakes; G is not changed.
 * @param realImages [batch, ...D's input shape], values in [−1, 1].
 * @param labels [batch] class ids of the real images, for a conditional GAN (the fakes get the same labels).
 */
export function trainDiscriminatorStep(
  gan: Gan,
  realImages: tf.Tensor,
  labels?: tf.Tensor,
): DiscriminatorMetrics {
  const expected = gan.discriminator.inputs[0].shape.map((s) => s ?? -1);
  assertShape("realImages", realImages.shape, expected);
  const kept: tf.Tensor[] = [];
  const values = tf.tidy(() => {
    const y = labelsFor(gan, labels, realImages.shape[0]);
    const fakes = run(gan.generator, gan.sampleNoise(realImages.shape[0]), y);
    if (gan.discriminatorUpdate.steps.length > 1)
      return updateDiscriminatorInSteps(gan, realImages, fakes, y, kept);
    const cost = gan.discriminatorOptimizers[0].minimize(
      () => {
        const [realLogits, fakeLogits] = judgeRealAndFake(gan, realImages, fakes, y);
        kept.push(tf.keep(realLogits), tf.keep(fakeLogits));
        return gan.objective.discriminatorCost(realLogits, fakeLogits);
      },
      true,
      trainableVariables(gan.discriminator),
    ) as tf.Scalar;
    return tf.stack([cost, gan.objective.meanVerdict(kept[0]), gan.objective.meanVerdict(kept[1])]);
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
export function trainGeneratorStep(
  gan: Gan,
  batchSize: number,
  options: GeneratorStepOptions = {},
): GeneratorMetrics {
  const { measureGradient = false, realImages } = options;
  assertInteger("batchSize", batchSize);
  if (gan.l1Weight > 0) {
    if (realImages === undefined)
      throw new Error("this GAN has an L1 term: pass the real images of the batch");
    assertShape("realImages", realImages.shape, [
      batchSize,
      ...gan.generator.outputs[0].shape.slice(1).map((s) => s ?? -1),
    ]);
  }
  const kept: tf.Tensor[] = []; // the L1 term, read out of the gradient closure
  const values = tf.tidy(() => {
    const y = labelsFor(gan, options.labels, batchSize);
    const noise = gan.sampleNoise(batchSize);
    const { value, grads } = tf.variableGrads(() => {
      const fakes = run(gan.generator, noise, y);
      const cost = gan.objective.generatorCost(run(gan.discriminator, fakes, y));
      if (gan.l1Weight === 0) return cost;
      const l1 = tf.keep(tf.mean(tf.abs(tf.sub(fakes, realImages!))));
      kept.push(l1);
      return tf.add(cost, tf.mul(l1, gan.l1Weight)) as tf.Scalar;
    }, trainableVariables(gan.generator));
    const reported: tf.Tensor[] = [value];
    if (measureGradient)
      reported.push(tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
    reported.push(...kept);
    gan.generatorOptimizer.applyGradients(grads);
    return tf.stack(reported);
  });
  tf.dispose(kept);
  const names = [
    "the generator loss",
    ...(measureGradient ? ["the generator's gradient norm"] : []),
    ...(gan.l1Weight > 0 ? ["the L1 term"] : []),
  ];
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
  const { images, labels } = gan.conditional
    ? batches.nextBatch()
    : { images: batches.nextImages(), labels: undefined };
  try {
    const d = trainDiscriminatorStep(gan, images, labels);
    const g = trainGeneratorStep(gan, batches.batchSize, {
      labels,
      realImages: gan.l1Weight > 0 ? images : undefined,
    });
    return { ...d, ...g };
  } finally {
    tf.dispose([images, ...(labels === undefined ? [] : [labels])]);
  }
}

/**
 * Alternates one discriminator and one generator update for `steps` steps (`runSteps`, without a
 * gate: it runs to the end); returns every step's metrics.
 */
export async function trainGan({
  gan,
  batches,
  steps,
  firstStep = 1,
  onStep,
}: TrainGanArgs): Promise<StepMetrics[]> {
  return runSteps({
    steps,
    firstStep,
    step: (step): StepMetrics => ({ step, ...trainStep(gan, batches) }),
    onStep: onStep === undefined ? undefined : (metrics) => onStep(metrics),
  });
}
