// Several small networks as one: the weights of R runs of one MLP architecture stacked along a
// first axis, so that one batched matrix product (tf.matMul on [R, batch, in] × [R, in, out])
// does the work of R. On a 2-D problem each run's matrices are small and a step is mostly
// kernel-launch overhead; stacked, R runs cost little more than one (train/stackedgan.ts trains
// them as GANs).
import { tf } from "../core/backend";
import { assertShape } from "../core/checks";
import { fusedBatchNormTraining } from "./batchnorm";
import { nativeOps } from "../core/native";
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
