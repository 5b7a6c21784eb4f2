// Adam in a handful of tensor ops per update, whatever the number of weights. tf.train.adam runs
// about fourteen ops per weight tensor, and on tfjs-node each op costs tens of microseconds
// however small it is; here all gradients are concatenated into one vector, updated in seven
// ops, and split back.
import { tf } from "./backend";
import { assertFinite, assertInteger, assertPositive } from "./checks";

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
  if (t > decay.end) throw new Error(`update ${t} is past the end of the step-size decay (${decay.end}): train for at most ${decay.end} updates`);
  return t <= decay.start ? 1 : (decay.end - t + 1) / (decay.end - decay.start);
}

/**
 * Adam (Kingma and Ba, 2015) on one flat vector of all the weights it updates:
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − α·m̂/(√v̂ + ε) with the usual bias corrections.
 * It must be given the same variables, in the same order, at every step.
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
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;

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
      if (decay.end <= decay.start) throw new Error(`decay.end must be after decay.start, got start ${decay.start} and end ${decay.end}`);
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
    const sizes = variables.map((v) => v.size);
    if (this.m === null) {
      this.names = names;
      const total = sizes.reduce((a, b) => a + b, 0);
      this.m = tf.variable(tf.zeros([total]), false);
      this.v = tf.variable(tf.zeros([total]), false);
    } else if (names.join("\n") !== this.names.join("\n")) {
      throw new Error(`LeanAdam updates ${this.names.length} fixed variables; this step brought ${names.length}, `
        + `first difference at ${names.find((n, i) => n !== this.names[i]) ?? this.names[names.length]}`);
    }
    const t = this.iterations + 1;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    // α·m̂/(√v̂ + ε) = [α·√(1−β₂ᵗ)/(1−β₁ᵗ)]·m/(√v + ε·√(1−β₂ᵗ)): the corrections become two numbers.
    const rate = this.decay === undefined ? this.learningRate : this.learningRate * linearDecayFactor(this.decay, t);
    const stepSize = (rate * Math.sqrt(correction2)) / correction1;
    const epsilon = this.epsilon * Math.sqrt(correction2);
    tf.tidy(() => {
      let g: tf.Tensor = tf.concat(entries.map(([, grad]) => tf.reshape(grad, [-1])));
      if (this.weightDecay > 0) g = tf.add(g, tf.mul(tf.concat(variables.map((w) => tf.reshape(w, [-1]))), this.weightDecay));
      const m = tf.add(tf.mul(this.m!, this.beta1), tf.mul(g, 1 - this.beta1));
      const v = tf.add(tf.mul(this.v!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      this.m!.assign(m);
      this.v!.assign(v);
      const update = tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize);
      const pieces = tf.split(update, sizes);
      variables.forEach((w, i) => w.assign(tf.sub(w, tf.reshape(pieces[i], w.shape))));
    });
    this.incrementIterations();
  }

  dispose(): void {
    tf.dispose([this.m, this.v].filter((x): x is tf.Variable => x !== null));
    this.m = null;
    this.v = null;
  }

  async getWeights(): Promise<NamedTensor[]> {
    const state = this.m === null ? [] : [{ name: "m", tensor: this.m }, { name: "v", tensor: this.v! }];
    return [await this.saveIterations(), ...state];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const find = (name: string) => rest.find((w) => w.name === name)?.tensor;
    const [m, v] = [find("m"), find("v")];
    if (m !== undefined && v !== undefined) {
      this.dispose();
      this.m = tf.variable(m, false);
      this.v = tf.variable(v, false);
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
    if (this.decay !== undefined) config.decay = { start: this.decay.start, end: this.decay.end };
    return config;
  }
}
