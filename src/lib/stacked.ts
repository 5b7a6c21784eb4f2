// Several small GANs trained as one: the weights of R runs stacked along a first axis, so that one
// batched matrix product (tf.matMul on [R, batch, in] × [R, in, out]) does the work of R. On a
// 2-D problem each run's matrices are small and a step is mostly kernel-launch overhead; stacked,
// R runs cost little more than one (notebook 07 trains its seeds, objectives and optimisers this way).
import { tf } from "./backend";
import { assertInteger, assertShape } from "./checks";
import { fusedBatchNormTraining } from "./batchnorm";
import type { Objective } from "./losses";
import { nativeOps } from "./native";

/** One layer of a stacked MLP: its weights carry a leading axis of size R (one slice per run). */
type StackedLayer =
  | { kind: "dense"; kernel: tf.Variable[]; bias: tf.Variable[]; activation: string }
  | { kind: "batchNorm"; gamma: tf.Variable[]; beta: tf.Variable[]; epsilon: number }
  | { kind: "activation"; activation: string; alpha: number };

/** R copies of one MLP architecture, each with its own weights, applied in one pass. */
export interface StackedMlp {
  /** Number of stacked runs R. */
  readonly runs: number;
  /** Input and output width of one run. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Whether a layer normalises with batch statistics (then D judges real and fake batches apart). */
  readonly hasBatchNorm: boolean;
  /**
   * The trainable weights of each part (a block of consecutive runs that one optimiser updates):
   * kernels [runs of the part, in, out], biases and BatchNorm's γ, β [runs of the part, 1, units].
   */
  readonly parts: tf.Variable[][];
  /** All parts' weights. */
  readonly variables: tf.Variable[];
  /**
   * Each run's network on its own batch: x [R, batch, inputSize] → [R, batch, outputSize].
   * BatchNorm normalises with each run's batch statistics (training mode, also when sampling).
   */
  apply(x: tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

/** An activation by its tf.layers name. */
function activate(x: tf.Tensor, name: string, alpha: number): tf.Tensor {
  switch (name) {
    case "linear":
      return x;
    case "tanh":
      return tf.tanh(x);
    case "relu":
      return tf.relu(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "leakyRelu":
      return tf.leakyRelu(x, alpha);
    default:
      throw new Error(`stackModels: activation "${name}" is not supported`);
  }
}

/**
 * Weight `weightIndex` of layer `layerIndex` of every model, stacked along a new first axis (a
 * bias's [units] as [R, 1, units]), one variable per part of `parts` consecutive models.
 */
function stackWeights(
  models: tf.LayersModel[],
  layerIndex: number,
  weightIndex: number,
  parts: number[],
): tf.Variable[] {
  let first = 0;
  return parts.map((size) =>
    tf.tidy(() => {
      const slices = models.slice(first, (first += size)).map((m) => {
        const w = m.layers[layerIndex].getWeights()[weightIndex];
        return w.rank === 1 ? w.reshape([1, w.shape[0]]) : w;
      });
      return tf.variable(tf.stack(slices), true);
    }),
  );
}

/** The parts' weights as one tensor of all runs (a copy only when there are several parts). */
const joined = (parts: tf.Variable[]): tf.Tensor =>
  parts.length === 1 ? parts[0] : tf.concat(parts, 0);

/**
 * BatchNorm with each run's batch statistics, x [R, batch, units]: on native TensorFlow one fused
 * kernel (each run's units as channels of their own), elsewhere tf.moments.
 */
function normaliseRuns(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const ops = nativeOps();
  if (ops === null) {
    const { mean, variance } = tf.moments(x, 1, true);
    return tf.add(
      tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma),
      beta,
    );
  }
  const [runs, batch, units] = x.shape;
  const channels = tf.reshape(tf.transpose(x, [1, 0, 2]), [
    batch,
    1,
    1,
    runs * units,
  ]) as tf.Tensor4D;
  const { y, mean, variance } = fusedBatchNormTraining(
    ops,
    channels,
    tf.reshape(gamma, [runs * units]),
    tf.reshape(beta, [runs * units]),
    epsilon,
  );
  tf.dispose([mean, variance]);
  return tf.transpose(tf.reshape(y, [batch, runs, units]), [1, 0, 2]);
}

/** A layer's config, read as a plain record. */
const configOf = (layer: tf.layers.Layer) => layer.getConfig() as Record<string, unknown>;

/** A model's layers and their settings, without names and initialisers (which differ between seeds). */
function architecture(model: tf.LayersModel): string {
  const plain = (layer: tf.layers.Layer) =>
    Object.entries(configOf(layer)).filter(
      ([key]) => key !== "name" && !key.endsWith("Initializer"),
    );
  return JSON.stringify([
    model.inputs[0].shape,
    ...model.layers.map((l) => [l.getClassName(), plain(l)]),
  ]);
}

/**
 * Stacks R models of one MLP architecture (as the gan-kit builders make them: Dense, BatchNorm,
 * Activation and LeakyReLU layers) into one StackedMlp whose run r starts with model r's weights.
 * The models are only read: dispose them when they are no longer needed.
 */
export function stackModels(
  models: tf.LayersModel[],
  parts: number[] = [models.length],
): StackedMlp {
  if (models.length === 0) throw new Error("stackModels needs at least one model");
  if (
    parts.some((p) => !Number.isInteger(p) || p < 1) ||
    parts.reduce((a, b) => a + b, 0) !== models.length
  )
    throw new Error(
      `stackModels: parts [${parts.join(", ")}] must be positive and add up to the ${models.length} models`,
    );
  const first = architecture(models[0]);
  models.forEach((m, r) => {
    if (architecture(m) !== first)
      throw new Error(
        `stackModels: model ${r} (${m.name}) has another architecture than model 0 (${models[0].name})`,
      );
  });
  const layers: StackedLayer[] = models[0].layers.map((layer, i): StackedLayer => {
    const config = configOf(layer);
    switch (layer.getClassName()) {
      case "Dense":
        if (config.useBias === false)
          throw new Error(`stackModels: dense layer ${layer.name} has no bias`);
        return {
          kind: "dense",
          kernel: stackWeights(models, i, 0, parts),
          bias: stackWeights(models, i, 1, parts),
          activation: String(config.activation),
        };
      case "BatchNormalization":
      case "FusedBatchNormalization":
        if (config.center === false || config.scale === false || config.axis !== -1)
          throw new Error(
            `stackModels: BatchNorm layer ${layer.name} must scale and centre its last axis`,
          );
        return {
          kind: "batchNorm",
          gamma: stackWeights(models, i, 0, parts),
          beta: stackWeights(models, i, 1, parts),
          epsilon: Number(config.epsilon),
        };
      case "Activation":
        return { kind: "activation", activation: String(config.activation), alpha: 0 };
      case "LeakyReLU":
        return { kind: "activation", activation: "leakyRelu", alpha: Number(config.alpha) };
      default:
        throw new Error(
          `stackModels: layer ${layer.name} of class ${layer.getClassName()} is not supported`,
        );
    }
  });
  const partVariables = parts.map((_, p) =>
    layers.flatMap((l) =>
      l.kind === "dense"
        ? [l.kernel[p], l.bias[p]]
        : l.kind === "batchNorm"
          ? [l.gamma[p], l.beta[p]]
          : [],
    ),
  );
  const variables = partVariables.flat();
  const [inputSize, outputSize] = [
    models[0].inputs[0].shape[1],
    models[0].outputs[0].shape[1],
  ] as number[];
  const runs = models.length;
  return {
    runs,
    inputSize,
    outputSize,
    hasBatchNorm: layers.some((l) => l.kind === "batchNorm"),
    parts: partVariables,
    variables,
    apply(x) {
      assertShape("x", x.shape, [runs, -1, inputSize]);
      return tf.tidy(() =>
        layers.reduce((h: tf.Tensor, l) => {
          if (l.kind === "dense")
            return activate(
              tf.add(tf.matMul(h, joined(l.kernel)), joined(l.bias)),
              l.activation,
              0,
            );
          if (l.kind === "activation") return activate(h, l.activation, l.alpha);
          return normaliseRuns(h, joined(l.gamma), joined(l.beta), l.epsilon);
        }, x),
      ) as tf.Tensor3D;
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}

/** One configuration of a stacked GAN, trained on every seed: its objective and its optimisers. */
export interface StackedGroup {
  /** A short name for tables and legends, e.g. "GAN, RMSProp". */
  name: string;
  objective: Objective;
  /** Optimisers of the group's generators and discriminators; groups next to each other may share them. */
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
}

/** A stacked GAN: R = groups × seeds runs, in that order (all seeds of group 0 first). */
export interface StackedGan {
  generator: StackedMlp;
  discriminator: StackedMlp;
  groups: StackedGroup[];
  /** Runs per group: run g·seeds + s is group g on seed s. */
  seeds: number;
}

/** Sizes of the blocks of consecutive runs that one pair of optimisers updates (the stack's parts). */
function optimizerParts(groups: StackedGroup[], seeds: number): number[] {
  const parts: number[] = [];
  groups.forEach((group, g) => {
    const previous = groups[g - 1];
    const same =
      previous !== undefined &&
      previous.generatorOptimizer === group.generatorOptimizer &&
      previous.discriminatorOptimizer === group.discriminatorOptimizer;
    if (same) parts[parts.length - 1] += seeds;
    else parts.push(seeds);
  });
  const optimizers = groups.flatMap((g) => [g.generatorOptimizer, g.discriminatorOptimizer]);
  if (new Set(optimizers).size !== 2 * parts.length)
    throw new Error("groups that share an optimiser must share both and sit next to each other");
  return parts;
}

/**
 * A stacked GAN of every group on every seed: `generators[s]` and `discriminators[s]` give seed s's
 * starting weights to each group's run of that seed (they are only read). Groups that share their
 * optimisers form one part of the stack.
 */
export function createStackedGan(
  generators: tf.LayersModel[],
  discriminators: tf.LayersModel[],
  groups: StackedGroup[],
): StackedGan {
  if (generators.length === 0 || generators.length !== discriminators.length)
    throw new Error(
      `give one discriminator per generator (one pair per seed), got ${generators.length} and ${discriminators.length}`,
    );
  if (groups.length === 0) throw new Error("a stacked GAN needs at least one group");
  const seeds = generators.length;
  const parts = optimizerParts(groups, seeds);
  const every = (models: tf.LayersModel[]) => groups.flatMap(() => models);
  return {
    generator: stackModels(every(generators), parts),
    discriminator: stackModels(every(discriminators), parts),
    groups,
    seeds,
  };
}

/** Disposes a stacked GAN's networks and every optimiser of its groups. */
export function disposeStackedGan(gan: StackedGan): void {
  gan.generator.dispose();
  gan.discriminator.dispose();
  new Set(gan.groups.flatMap((g) => [g.generatorOptimizer, g.discriminatorOptimizer])).forEach(
    (o) => o.dispose(),
  );
}

/**
 * Gradients of `cost` with respect to `net`'s weights, each part's applied by the optimiser that
 * `pick` names for the part's first group.
 */
function updateParts(
  gan: StackedGan,
  net: StackedMlp,
  pick: (group: StackedGroup) => tf.Optimizer,
  cost: () => tf.Scalar,
): void {
  const { grads } = tf.variableGrads(cost, net.variables);
  let firstRun = 0;
  net.parts.forEach((variables) => {
    const optimizer = pick(gan.groups[firstRun / gan.seeds]);
    optimizer.applyGradients(Object.fromEntries(variables.map((v) => [v.name, grads[v.name]])));
    firstRun += variables[0].shape[0];
  });
}

/** One training step's per-run numbers, each an array of R. */
export interface StackedStepMetrics {
  dLoss: number[];
  gLoss: number[];
  /** D's mean verdict on the real and on the fake batch (a probability for cross-entropy D). */
  dReal: number[];
  dFake: number[];
}

/**
 * The per-group costs of `outputs` [R, batch, 1], split into the objectives' groups: the sum over
 * a group's runs of each run's mean cost (the objective's mean over the group, times its size), so
 * that every run's gradient is the one it would get trained alone.
 */
function sumOverRuns(
  gan: StackedGan,
  cost: (o: Objective, ...groups: tf.Tensor[]) => tf.Scalar,
  ...outputs: tf.Tensor[]
) {
  // (tf.split into one piece has no gradient in tfjs: one group needs no split)
  const groups = outputs.map((o) =>
    gan.groups.length === 1 ? [o] : tf.split(o, gan.groups.length, 0),
  );
  return tf.addN(
    gan.groups.map((g, i) =>
      tf.mul(cost(g.objective, ...groups.map((parts) => parts[i])), gan.seeds),
    ),
  );
}

/** Each run's mean of `cost` on its own slice of `outputs` [R, batch, 1]. */
function perRun(
  gan: StackedGan,
  cost: (o: Objective, ...runs: tf.Tensor[]) => tf.Scalar,
  ...outputs: tf.Tensor[]
) {
  const R = gan.groups.length * gan.seeds;
  const slices = outputs.map((o) => (R === 1 ? [o] : tf.split(o, R, 0)));
  return tf.stack(
    slices[0].map((_, r) =>
      cost(gan.groups[Math.floor(r / gan.seeds)].objective, ...slices.map((s) => s[r])),
    ),
  );
}

/**
 * D's outputs [R, batch, 1] on the real and the fake batches: in one pass when D has no BatchNorm,
 * otherwise in two (each batch normalised with its own statistics, as in the DCGAN paper).
 */
function judge(gan: StackedGan, real: tf.Tensor3D, fake: tf.Tensor3D): [tf.Tensor, tf.Tensor] {
  if (gan.discriminator.hasBatchNorm)
    return [gan.discriminator.apply(real), gan.discriminator.apply(fake)];
  const [r, f] = tf.split(gan.discriminator.apply(tf.concat([real, fake], 1)), 2, 1);
  return [r, f];
}

/** Draws the noise of every run: each seed's noise, the same for every objective. */
export type StackedNoise = (batch: number) => tf.Tensor3D;

/**
 * One training step of every run, as `trainStep` makes one for a single GAN: a D update on the real
 * batch and fresh fakes, then a G update through the updated D on fresh noise.
 * @param real [R, batch, 2]: each run's real batch (runs of one seed get the same points).
 * @param noise draws [R, batch, latentSize] noise.
 * @param record also return the per-run costs and D's verdicts (a read-back; skip it on most steps).
 */
export function trainStackedStep(
  gan: StackedGan,
  real: tf.Tensor3D,
  noise: StackedNoise,
  record: boolean,
): StackedStepMetrics | null {
  const R = gan.groups.length * gan.seeds;
  assertInteger("seeds", gan.seeds);
  assertShape("real", real.shape, [R, -1, gan.discriminator.inputSize]);
  const batch = real.shape[1];
  const kept: tf.Tensor[] = [];
  const values = tf.tidy((): tf.Tensor | undefined => {
    const fakes = gan.generator.apply(noise(batch));
    updateParts(
      gan,
      gan.discriminator,
      (g) => g.discriminatorOptimizer,
      () => {
        const [r, f] = judge(gan, real, fakes);
        if (record) kept.push(tf.keep(r), tf.keep(f));
        return sumOverRuns(gan, (o, a, b) => o.discriminatorCost(a, b), r, f) as tf.Scalar;
      },
    );
    const z = noise(batch);
    updateParts(
      gan,
      gan.generator,
      (g) => g.generatorOptimizer,
      () => {
        const f = gan.discriminator.apply(gan.generator.apply(z));
        if (record) kept.push(tf.keep(f));
        return sumOverRuns(gan, (o, a) => o.generatorCost(a), f) as tf.Scalar;
      },
    );
    if (!record) return undefined;
    const [r, f, g] = kept;
    return tf.stack([
      perRun(gan, (o, a, b) => o.discriminatorCost(a, b), r, f),
      perRun(gan, (o, a) => o.generatorCost(a), g),
      perRun(gan, (o, a) => o.meanVerdict(a), r),
      perRun(gan, (o, a) => o.meanVerdict(a), f),
    ]);
  });
  tf.dispose(kept);
  if (values === undefined) return null;
  const rows = values.arraySync() as number[][];
  values.dispose();
  rows.flat().forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new Error(
        `training diverged: run ${i % R}'s ${["J(D)", "J(G)", "D(x)", "D(G(z))"][Math.floor(i / R)]} is ${v}`,
      );
  });
  const [dLoss, gLoss, dReal, dFake] = rows;
  return { dLoss, gLoss, dReal, dFake };
}

/** Each run's generator on `noise` [R, n, latentSize]: samples [R, n, outputSize], as arrays of points. */
export function sampleStacked(generator: StackedMlp, noise: tf.Tensor3D): number[][][] {
  const samples = generator.apply(noise);
  try {
    return samples.arraySync() as number[][][];
  } finally {
    samples.dispose();
  }
}
