// Adam in few tensor ops per update. tf.train.adam runs about fourteen ops per weight tensor,
// each a pass over the weights and, on tfjs-node, tens of microseconds of dispatch however small
// it is. On native TensorFlow each weight tensor gets one ResourceApplyAdam, TensorFlow's fused
// Adam kernel (one pass over weights, moments and gradient), on TensorFlow resource variables
// that mirror the tfjs ones. On the fallback backends all gradients are concatenated into one
// vector, updated in about a dozen ops, and split back.
import { tf } from "./backend";
import { assertFinite, assertInteger, assertPositive } from "./checks";
import { FlatAdamUpdate, FusedAdamUpdate, type AdamUpdate } from "./adam-updates";
import { nativeOps } from "./native";

/** A tensor with its variable name, as tfjs optimisers exchange state. */
type NamedTensor = { name: string; tensor: tf.Tensor };

export interface LeanAdamArgs {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 weight decay λ: each gradient g of a weight w becomes g + λ·w before the update (PyTorch's Adam `weight_decay`). */
  weightDecay?: number;
  /** Optional linear decay of the step size to zero, by update count (see LinearDecay). */
  decay?: LinearDecay;
}

/**
 * The step size stays at its base value for the first `start` updates, then falls linearly so that
 * update t (counted from 1) uses base·(end − t + 1)/(end − start), the last one, t = end, base/(end − start).
 * Updates past `end` are an error: the schedule was made for a shorter run.
 */
export interface LinearDecay {
  start: number;
  end: number;
}

/** The factor that multiplies the base step size at update t (from 1) under `decay`. */
export function linearDecayFactor(decay: LinearDecay, t: number): number {
  if (t > decay.end)
    throw new Error(
      `update ${t} is past the end of the step-size decay (${decay.end}): train for at most ${decay.end} updates`,
    );
  return t <= decay.start ? 1 : (decay.end - t + 1) / (decay.end - decay.start);
}

/**
 * Adam (Kingma and Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − α·m̂/(√v̂ + ε) with the
 * usual bias corrections, the same numbers as `tf.train.adam`. It must be given the same
 * variables, in the same order, at every step.
 */
export class LeanAdam extends tf.Optimizer {
  static className = "LeanAdam";
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decay: LinearDecay | undefined;
  private names: string[] = [];
  private update: AdamUpdate | null = null;
  /** Moments given to setWeights before the first step, applied by it. */
  private pending: { m: tf.Tensor; v: tf.Tensor } | null = null;

  constructor({ learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0, decay }: LeanAdamArgs) {
    super();
    assertPositive("learningRate", learningRate);
    assertPositive("epsilon", epsilon);
    assertFinite("beta1", beta1);
    assertFinite("beta2", beta2);
    assertFinite("weightDecay", weightDecay);
    if (!(beta1 >= 0 && beta1 < 1)) throw new Error(`beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new Error(`beta2 must be in [0, 1), got ${beta2}`);
    if (weightDecay < 0) throw new Error(`weightDecay must be >= 0, got ${weightDecay}`);
    if (decay !== undefined) {
      assertInteger("decay.start", decay.start, 0);
      assertInteger("decay.end", decay.end);
      if (decay.end <= decay.start)
        throw new Error(`decay.end must be after decay.start, got start ${decay.start} and end ${decay.end}`);
    }
    this.decay = decay;
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: Array<[string, tf.Tensor]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const names = entries.map(([name]) => name);
    const variables = names.map((name) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) throw new Error(`LeanAdam got a gradient for ${name}, which is not a variable`);
      return variable;
    });
    if (this.update === null) {
      this.names = names;
      const ops = nativeOps();
      this.update = ops === null ? new FlatAdamUpdate(variables) : new FusedAdamUpdate(ops, variables);
      if (this.pending !== null) {
        this.update.setMoments(this.pending.m, this.pending.v);
        tf.dispose([this.pending.m, this.pending.v]);
        this.pending = null;
      }
    } else if (names.join("\n") !== this.names.join("\n")) {
      throw new Error(
        `LeanAdam updates ${this.names.length} fixed variables; this step brought ${names.length}, ` +
          `first difference at ${names.find((n, i) => n !== this.names[i]) ?? this.names[names.length]}`,
      );
    }
    const t = this.iterations + 1;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    // α·m̂/(√v̂ + ε) = [α·√(1−β₂ᵗ)/(1−β₁ᵗ)]·m/(√v + ε·√(1−β₂ᵗ)): the corrections become two numbers.
    const rate = this.decay === undefined ? this.learningRate : this.learningRate * linearDecayFactor(this.decay, t);
    const gradients = tf.tidy(() =>
      entries.map(([, grad], i) =>
        this.weightDecay > 0 ? tf.add(grad, tf.mul(variables[i], this.weightDecay)) : grad,
      ),
    );
    try {
      this.update.apply(gradients, {
        beta1: this.beta1,
        beta2: this.beta2,
        stepSize: (rate * Math.sqrt(correction2)) / correction1,
        epsilon: this.epsilon * Math.sqrt(correction2),
      });
    } finally {
      if (this.weightDecay > 0) tf.dispose(gradients);
    }
    this.incrementIterations();
  }

  dispose(): void {
    this.update?.dispose();
    this.update = null;
    if (this.pending !== null) tf.dispose([this.pending.m, this.pending.v]);
    this.pending = null;
  }

  /** The step count, then the first and second moments of all weights as two flat vectors "m" and "v". */
  async getWeights(): Promise<NamedTensor[]> {
    const moments = this.update?.moments() ?? this.pending;
    const state =
      moments === null
        ? []
        : [
            { name: "m", tensor: moments.m },
            { name: "v", tensor: moments.v },
          ];
    return [await this.saveIterations(), ...state];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const find = (name: string) => rest.find((w) => w.name === name)?.tensor;
    const [m, v] = [find("m"), find("v")];
    if (m === undefined || v === undefined) return;
    if (this.update !== null) {
      this.update.setMoments(m, v);
    } else {
      if (this.pending !== null) tf.dispose([this.pending.m, this.pending.v]);
      this.pending = { m: tf.clone(m), v: tf.clone(v) };
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
    if (this.decay !== undefined) config.decay = { start: this.decay.start, end: this.decay.end };
    return config;
  }
}
