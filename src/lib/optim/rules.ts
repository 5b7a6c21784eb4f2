// How the lean optimisers keep their state and update the weights. An update rule (Adam, RMSProp)
// is a value: its TensorFlow kernel and that kernel's scalars for the native path, its arithmetic
// on flat vectors for the fallbacks. Each rule keeps two state tensors ("slots") per weight.
import { tf } from "../core/backend";
import type { NativeOps } from "../core/native";

/** The numbers of one update, bias corrections and schedules already folded in. */
export type StepNumbers = Record<string, number>;

/** An update rule: what one optimiser step does to a weight w, its two slots a and b, and its gradient g. */
export interface UpdateRule<S extends StepNumbers> {
  name: string;
  /** The slots' names, e.g. ["m", "v"] for Adam. */
  slots: [string, string];
  /** The fused TensorFlow kernel taking (w, a, b, ...scalars(step), g) as resource variables and tensors. */
  kernel: string;
  /** The kernel's boolean attributes besides T and use_locking. */
  attrs: Record<string, boolean>;
  scalars(step: S): number[];
  /** The same update on flat vectors (the fallback backends): new a, new b, and the change to subtract from w. */
  flat(
    a: tf.Tensor,
    b: tf.Tensor,
    g: tf.Tensor,
    step: S,
  ): { a: tf.Tensor; b: tf.Tensor; change: tf.Tensor };
}

/** Adam, bias corrections folded in: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − stepSize·m/(√v + epsilon). */
export type AdamStep = { beta1: number; beta2: number; stepSize: number; epsilon: number };

export const ADAM_RULE: UpdateRule<AdamStep> = {
  name: "Adam",
  slots: ["m", "v"],
  kernel: "ResourceApplyAdam",
  attrs: { use_nesterov: false },
  // ResourceApplyAdam computes lr·√(1−β₂ᵖ)/(1−β₁ᵖ)·m/(√v + ε) from "powers" β₁ᵖ, β₂ᵖ: with both
  // powers 0 its factor is lr itself, so stepSize and epsilon pass through as computed.
  scalars: ({ beta1, beta2, stepSize, epsilon }) => [0, 0, stepSize, beta1, beta2, epsilon],
  flat: (m, v, g, { beta1, beta2, stepSize, epsilon }) => {
    const a = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
    const b = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
    return { a, b, change: tf.mul(tf.div(a, tf.add(tf.sqrt(b), epsilon)), stepSize) };
  },
};

/** RMSProp as tf.train.rmsprop: s ← ρs + (1−ρ)g², μ ← momentum·μ + rate·g/√(s + epsilon), w ← w − μ. */
export type RmsPropStep = { rate: number; rho: number; momentum: number; epsilon: number };

export const RMSPROP_RULE: UpdateRule<RmsPropStep> = {
  name: "RMSProp",
  slots: ["ms", "mom"],
  kernel: "ResourceApplyRMSProp",
  attrs: {},
  scalars: ({ rate, rho, momentum, epsilon }) => [rate, rho, momentum, epsilon],
  flat: (ms, mom, g, { rate, rho, momentum, epsilon }) => {
    const a = tf.add(tf.mul(ms, rho), tf.mul(tf.square(g), 1 - rho));
    const b = tf.add(tf.mul(mom, momentum), tf.div(tf.mul(g, rate), tf.sqrt(tf.add(a, epsilon))));
    return { a, b, change: b };
  },
};

/** How the slots are kept and the weights updated: one implementation per kind of backend. */
export interface SlotUpdate<S extends StepNumbers> {
  apply(gradients: tf.Tensor[], step: S): void;
  /** Copies of the two slots as flat vectors, in the order of the variables. */
  slots(): [tf.Tensor1D, tf.Tensor1D];
  setSlots(a: tf.Tensor, b: tf.Tensor): void;
  dispose(): void;
}

/** The fallback backends: both slots as two flat vectors, updated in about a dozen ops per step. */
export class FlatUpdate<S extends StepNumbers> implements SlotUpdate<S> {
  private readonly sizes: number[];
  private readonly a: tf.Variable;
  private readonly b: tf.Variable;

  constructor(
    private readonly rule: UpdateRule<S>,
    private readonly variables: tf.Variable[],
  ) {
    this.sizes = variables.map((w) => w.size);
    const total = this.sizes.reduce((x, y) => x + y, 0);
    this.a = tf.variable(tf.zeros([total]), false);
    this.b = tf.variable(tf.zeros([total]), false);
  }

  apply(gradients: tf.Tensor[], step: S): void {
    tf.tidy(() => {
      const g = tf.concat(gradients.map((grad) => tf.reshape(grad, [-1])));
      const { a, b, change } = this.rule.flat(this.a, this.b, g, step);
      this.a.assign(a);
      this.b.assign(b);
      const pieces = tf.split(change, this.sizes);
      this.variables.forEach((w, i) => w.assign(tf.sub(w, tf.reshape(pieces[i], w.shape))));
    });
  }

  slots(): [tf.Tensor1D, tf.Tensor1D] {
    return [tf.clone(this.a) as tf.Tensor1D, tf.clone(this.b) as tf.Tensor1D];
  }

  setSlots(a: tf.Tensor, b: tf.Tensor): void {
    this.a.assign(tf.reshape(a, this.a.shape));
    this.b.assign(tf.reshape(b, this.b.shape));
  }

  dispose(): void {
    tf.dispose([this.a, this.b]);
  }
}

/**
 * Native TensorFlow: each weight tensor w has three TensorFlow resource variables (w and its two
 * slots), and one call of the rule's fused kernel per step updates all three in one pass. The tfjs
 * variable then takes the new value (ReadVariableOp shares the buffer; TensorFlow copies it before
 * the next update writes). A tfjs variable that changed between steps (setWeights, a loaded cache)
 * is copied in first.
 */
export class FusedUpdate<S extends StepNumbers> implements SlotUpdate<S> {
  private readonly handles: Array<{
    w: tf.Tensor;
    a: tf.Tensor;
    b: tf.Tensor;
    mirrored: object | null;
  }>;

  constructor(
    private readonly rule: UpdateRule<S>,
    private readonly ops: NativeOps,
    private readonly variables: tf.Variable[],
  ) {
    // Kept: the first update may run inside a caller's tf.tidy, which must not free the handles.
    const create = (shape: number[]) => tf.keep(ops.createResourceVariable(shape));
    this.handles = variables.map((w) => ({
      w: create(w.shape),
      a: create(w.shape),
      b: create(w.shape),
      mirrored: null,
    }));
    tf.tidy(() =>
      this.handles.forEach((slot, i) => {
        ops.assignResourceVariable(slot.a, tf.zerosLike(variables[i]));
        ops.assignResourceVariable(slot.b, tf.zerosLike(variables[i]));
      }),
    );
  }

  apply(gradients: tf.Tensor[], step: S): void {
    const scalars = this.rule.scalars(step).map((x) => tf.scalar(x));
    try {
      this.variables.forEach((w, i) => {
        const slot = this.handles[i];
        if (w.dataId !== slot.mirrored) this.ops.assignResourceVariable(slot.w, w);
        this.ops.execute(
          this.rule.kernel,
          [slot.w, slot.a, slot.b, ...scalars, gradients[i]],
          { T: { dtype: "float32" }, use_locking: false, ...this.rule.attrs },
          0,
        );
        const value = this.ops.readResourceVariable(slot.w);
        w.assign(value);
        value.dispose();
        slot.mirrored = w.dataId;
      });
    } finally {
      tf.dispose(scalars);
    }
  }

  slots(): [tf.Tensor1D, tf.Tensor1D] {
    const flat = (pick: "a" | "b") =>
      tf.concat(
        this.handles.map((s) => tf.reshape(this.ops.readResourceVariable(s[pick]), [-1])),
      ) as tf.Tensor1D;
    return tf.tidy(() => [flat("a"), flat("b")]);
  }

  setSlots(a: tf.Tensor, b: tf.Tensor): void {
    const sizes = this.variables.map((w) => w.size);
    tf.tidy(() => {
      const [as, bs] = [tf.split(tf.reshape(a, [-1]), sizes), tf.split(tf.reshape(b, [-1]), sizes)];
      this.handles.forEach((slot, i) => {
        this.ops.assignResourceVariable(slot.a, tf.reshape(as[i], this.variables[i].shape));
        this.ops.assignResourceVariable(slot.b, tf.reshape(bs[i], this.variables[i].shape));
      });
    });
  }

  dispose(): void {
    for (const slot of this.handles) {
      for (const handle of [slot.w, slot.a, slot.b]) this.ops.destroyResourceVariable(handle);
    }
  }
}

/** The implementation for the active backend: fused kernels on native TensorFlow, flat vectors elsewhere. */
export function createSlotUpdate<S extends StepNumbers>(
  rule: UpdateRule<S>,
  variables: tf.Variable[],
  ops: NativeOps | null,
): SlotUpdate<S> {
  return ops === null ? new FlatUpdate(rule, variables) : new FusedUpdate(rule, ops, variables);
}
