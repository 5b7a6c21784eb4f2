// Optimisers in few tensor ops per update. tf.train.adam runs about fourteen ops per weight tensor,
// each a pass over the weights and, on tfjs-node, tens of microseconds of dispatch however small
// it is. On native TensorFlow each weight tensor gets one call of TensorFlow's fused kernel for the
// rule (ResourceApplyAdam, ResourceApplyRMSProp: one pass over weights, state and gradient), on
// TensorFlow resource variables that mirror the tfjs ones. On the fallback backends all gradients
// are concatenated into one vector, updated in about a dozen ops, and split back.
import { tf } from "../core/backend";
import { assertFinite, assertInteger, assertPositive } from "../core/checks";
import { nativeOps } from "../core/native";
import {
  ADAM_RULE,
  createSlotUpdate,
  RMSPROP_RULE,
  type AdamStep,
  type RmsPropStep,
  type SlotUpdate,
  type StepNumbers,
  type UpdateRule,
} from "./rules";

/** A tensor with its variable name, as tfjs optimisers exchange state. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** What every lean optimiser takes. */
export interface LeanOptimizerArgs {
  learningRate: number;
  epsilon?: number;
  /** L2 weight decay λ: each gradient g of a weight w becomes g + λ·w before the update (PyTorch's `weight_decay`). */
  weightDecay?: number;
  /** Optional linear decay of the step size to zero, by update count (see LinearDecay). */
  decay?: LinearDecay;
}

export interface LeanAdamArgs extends LeanOptimizerArgs {
  beta1?: number;
  beta2?: number;
}

export interface LeanRmsPropArgs extends LeanOptimizerArgs {
  /** Decay of the running mean of squared gradients (tf.train.rmsprop's `decay`); default 0.9. */
  rho?: number;
  /** Momentum of the update; default 0. */
  momentum?: number;
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

/** A decay in [0, 1), named in the error. */
function assertDecayRate(name: string, value: number): void {
  assertFinite(name, value);
  if (!(value >= 0 && value < 1)) throw new Error(`${name} must be in [0, 1), got ${value}`);
}

/**
 * What the lean optimisers share: the fixed list of variables, the rule's two state tensors per
 * weight (kept by the backend's `SlotUpdate`), weight decay, the step-size schedule, and saving
 * and restoring the state. A subclass gives the rule and the numbers of each update.
 */
abstract class LeanOptimizer<S extends StepNumbers> extends tf.Optimizer {
  readonly learningRate: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly decay: LinearDecay | undefined;
  private names: string[] = [];
  private update: SlotUpdate<S> | null = null;
  /** State given to setWeights before the first step, applied by it. */
  private pending: [tf.Tensor, tf.Tensor] | null = null;

  protected constructor(
    private readonly rule: UpdateRule<S>,
    { learningRate, epsilon = 1e-7, weightDecay = 0, decay }: LeanOptimizerArgs,
  ) {
    super();
    assertPositive("learningRate", learningRate);
    assertPositive("epsilon", epsilon);
    assertFinite("weightDecay", weightDecay);
    if (weightDecay < 0) throw new Error(`weightDecay must be >= 0, got ${weightDecay}`);
    if (decay !== undefined) {
      assertInteger("decay.start", decay.start, 0);
      assertInteger("decay.end", decay.end);
      if (decay.end <= decay.start)
        throw new Error(
          `decay.end must be after decay.start, got start ${decay.start} and end ${decay.end}`,
        );
    }
    this.learningRate = learningRate;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    this.decay = decay;
  }

  /** The numbers of update t (counted from 1) at step size `rate`. */
  protected abstract stepNumbers(t: number, rate: number): S;

  /** The rule's own settings, for getConfig. */
  protected abstract ruleConfig(): tf.serialization.ConfigDict;

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries: Array<[string, tf.Tensor]> = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const names = entries.map(([name]) => name);
    const who = this.getClassName();
    const variables = names.map((name) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined)
        throw new Error(`${who} got a gradient for ${name}, which is not a variable`);
      return variable;
    });
    if (this.update === null) {
      this.names = names;
      this.update = createSlotUpdate(this.rule, variables, nativeOps());
      if (this.pending !== null) {
        this.update.setSlots(...this.pending);
        tf.dispose(this.pending);
        this.pending = null;
      }
    } else if (names.join("\n") !== this.names.join("\n")) {
      throw new Error(
        `${who} updates ${this.names.length} fixed variables; this step brought ${names.length}, ` +
          `first difference at ${names.find((n, i) => n !== this.names[i]) ?? this.names[names.length]}`,
      );
    }
    const t = this.iterations + 1;
    const rate =
      this.decay === undefined
        ? this.learningRate
        : this.learningRate * linearDecayFactor(this.decay, t);
    const gradients = tf.tidy(() =>
      entries.map(([, grad], i) =>
        this.weightDecay > 0 ? tf.add(grad, tf.mul(variables[i], this.weightDecay)) : grad,
      ),
    );
    try {
      this.update.apply(gradients, this.stepNumbers(t, rate));
    } finally {
      if (this.weightDecay > 0) tf.dispose(gradients);
    }
    this.incrementIterations();
  }

  dispose(): void {
    this.update?.dispose();
    this.update = null;
    if (this.pending !== null) tf.dispose(this.pending);
    this.pending = null;
  }

  /** The step count, then the rule's two state tensors for all weights as flat vectors (e.g. "m" and "v"). */
  async getWeights(): Promise<NamedTensor[]> {
    const state = this.update?.slots() ?? this.pending;
    const [first, second] = this.rule.slots;
    const named =
      state === null
        ? []
        : [
            { name: first, tensor: state[0] },
            { name: second, tensor: state[1] },
          ];
    return [await this.saveIterations(), ...named];
  }

  async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const [a, b] = this.rule.slots.map((name) => rest.find((w) => w.name === name)?.tensor);
    if (a === undefined || b === undefined) return;
    if (this.update !== null) {
      this.update.setSlots(a, b);
    } else {
      if (this.pending !== null) tf.dispose(this.pending);
      this.pending = [tf.clone(a), tf.clone(b)];
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      learningRate: this.learningRate,
      ...this.ruleConfig(),
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
    if (this.decay !== undefined) config.decay = { start: this.decay.start, end: this.decay.end };
    return config;
  }
}

/**
 * Adam (Kingma and Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − α·m̂/(√v̂ + ε) with the
 * usual bias corrections, the same numbers as `tf.train.adam`. It must be given the same
 * variables, in the same order, at every step.
 */
export class LeanAdam extends LeanOptimizer<AdamStep> {
  static className = "LeanAdam";
  readonly beta1: number;
  readonly beta2: number;

  constructor({ beta1 = 0.9, beta2 = 0.999, ...rest }: LeanAdamArgs) {
    super(ADAM_RULE, rest);
    assertDecayRate("beta1", beta1);
    assertDecayRate("beta2", beta2);
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  protected stepNumbers(t: number, rate: number): AdamStep {
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    // α·m̂/(√v̂ + ε) = [α·√(1−β₂ᵗ)/(1−β₁ᵗ)]·m/(√v + ε·√(1−β₂ᵗ)): the corrections become two numbers.
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: (rate * Math.sqrt(correction2)) / correction1,
      epsilon: this.epsilon * Math.sqrt(correction2),
    };
  }

  protected ruleConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2 };
  }
}

/**
 * RMSProp (Tieleman and Hinton, 2012) with the numbers of `tf.train.rmsprop` (not centred):
 * s ← ρs + (1−ρ)g², μ ← momentum·μ + α·g/√(s + ε), w ← w − μ. The same variables, in the same
 * order, at every step. (PyTorch's RMSprop differs: ρ = 0.99 and ε outside the square root.)
 */
export class LeanRmsProp extends LeanOptimizer<RmsPropStep> {
  static className = "LeanRmsProp";
  readonly rho: number;
  readonly momentum: number;

  constructor({ rho = 0.9, momentum = 0, ...rest }: LeanRmsPropArgs) {
    super(RMSPROP_RULE, rest);
    assertDecayRate("rho", rho);
    assertDecayRate("momentum", momentum);
    this.rho = rho;
    this.momentum = momentum;
  }

  protected stepNumbers(_t: number, rate: number): RmsPropStep {
    return { rate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }

  protected ruleConfig(): tf.serialization.ConfigDict {
    return { rho: this.rho, momentum: this.momentum };
  }
}

/** An optimiser as data (e.g. for a job that another process runs): its rule and its arguments. */
export type OptimizerSpec =
  { rule: "adam"; args: LeanAdamArgs } | { rule: "rmsprop"; args: LeanRmsPropArgs };

/** A fresh optimiser from its spec; names an unknown rule. */
export function createOptimizer(spec: OptimizerSpec): LeanAdam | LeanRmsProp {
  switch (spec?.rule) {
    case "adam":
      return new LeanAdam(spec.args);
    case "rmsprop":
      return new LeanRmsProp(spec.args);
    default:
      throw new Error(
        `unknown optimiser rule ${JSON.stringify((spec as { rule?: unknown })?.rule)}; use "adam" or "rmsprop"`,
      );
  }
}
