// How LeanAdam keeps its moments and updates the weights: one implementation per kind of backend
// (fused TensorFlow kernels on resource variables natively, flat vectors on the fallbacks).
import { tf } from "./backend";
import type { NativeOps } from "./native";

/** The numbers of one Adam update, bias corrections folded in: w ← w − stepSize·m/(√v + epsilon). */
export interface AdamStep {
  beta1: number;
  beta2: number;
  stepSize: number;
  epsilon: number;
}

/** How the moments are kept and the weights updated: one implementation per kind of backend. */
export interface AdamUpdate {
  apply(gradients: tf.Tensor[], step: AdamStep): void;
  /** Copies of the moments as two flat vectors, in the order of the variables. */
  moments(): { m: tf.Tensor1D; v: tf.Tensor1D };
  setMoments(m: tf.Tensor, v: tf.Tensor): void;
  dispose(): void;
}

/** The fallback backends: all moments in two flat vectors, updated in about a dozen ops per step. */
export class FlatAdamUpdate implements AdamUpdate {
  private readonly sizes: number[];
  private readonly m: tf.Variable;
  private readonly v: tf.Variable;

  constructor(private readonly variables: tf.Variable[]) {
    this.sizes = variables.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.m = tf.variable(tf.zeros([total]), false);
    this.v = tf.variable(tf.zeros([total]), false);
  }

  apply(gradients: tf.Tensor[], { beta1, beta2, stepSize, epsilon }: AdamStep): void {
    tf.tidy(() => {
      const g = tf.concat(gradients.map((grad) => tf.reshape(grad, [-1])));
      const m = tf.add(tf.mul(this.m, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(g), 1 - beta2));
      this.m.assign(m);
      this.v.assign(v);
      const update = tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize);
      const pieces = tf.split(update, this.sizes);
      this.variables.forEach((w, i) => w.assign(tf.sub(w, tf.reshape(pieces[i], w.shape))));
    });
  }

  moments() {
    return { m: tf.clone(this.m) as tf.Tensor1D, v: tf.clone(this.v) as tf.Tensor1D };
  }

  setMoments(m: tf.Tensor, v: tf.Tensor): void {
    this.m.assign(tf.reshape(m, this.m.shape));
    this.v.assign(tf.reshape(v, this.v.shape));
  }

  dispose(): void {
    tf.dispose([this.m, this.v]);
  }
}

/**
 * Native TensorFlow: each weight tensor w has three TensorFlow resource variables (w, m, v), and
 * one ResourceApplyAdam per step updates all three in one pass. The tfjs variable then takes the
 * new value (ReadVariableOp shares the buffer; TensorFlow copies it before the next update writes).
 * A tfjs variable that changed between steps (setWeights, a loaded cache) is copied in first.
 */
export class FusedAdamUpdate implements AdamUpdate {
  private readonly slots: Array<{ w: tf.Tensor; m: tf.Tensor; v: tf.Tensor; mirrored: object | null }>;

  constructor(
    private readonly ops: NativeOps,
    private readonly variables: tf.Variable[],
  ) {
    // Kept: the first update may run inside a caller's tf.tidy, which must not free the handles.
    const create = (shape: number[]) => tf.keep(ops.createResourceVariable(shape));
    this.slots = variables.map((w) => ({ w: create(w.shape), m: create(w.shape), v: create(w.shape), mirrored: null }));
    tf.tidy(() =>
      this.slots.forEach((slot, i) => {
        ops.assignResourceVariable(slot.m, tf.zerosLike(variables[i]));
        ops.assignResourceVariable(slot.v, tf.zerosLike(variables[i]));
      }),
    );
  }

  apply(gradients: tf.Tensor[], { beta1, beta2, stepSize, epsilon }: AdamStep): void {
    // ResourceApplyAdam computes lr·√(1−β₂ᵖ)/(1−β₁ᵖ)·m/(√v + ε) from "powers" β₁ᵖ, β₂ᵖ: with both
    // powers 0 its factor is lr itself, so stepSize and epsilon pass through as computed above.
    const scalars = [0, 0, stepSize, beta1, beta2, epsilon].map((x) => tf.scalar(x));
    try {
      this.variables.forEach((w, i) => {
        const slot = this.slots[i];
        if (w.dataId !== slot.mirrored) this.ops.assignResourceVariable(slot.w, w);
        this.ops.execute(
          "ResourceApplyAdam",
          [slot.w, slot.m, slot.v, ...scalars, gradients[i]],
          { T: { dtype: "float32" }, use_locking: false, use_nesterov: false },
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

  moments() {
    return tf.tidy(() => ({
      m: tf.concat(this.slots.map((s) => tf.reshape(this.ops.readResourceVariable(s.m), [-1]))) as tf.Tensor1D,
      v: tf.concat(this.slots.map((s) => tf.reshape(this.ops.readResourceVariable(s.v), [-1]))) as tf.Tensor1D,
    }));
  }

  setMoments(m: tf.Tensor, v: tf.Tensor): void {
    const sizes = this.variables.map((w) => w.size);
    tf.tidy(() => {
      const [ms, vs] = [tf.split(tf.reshape(m, [-1]), sizes), tf.split(tf.reshape(v, [-1]), sizes)];
      this.slots.forEach((slot, i) => {
        this.ops.assignResourceVariable(slot.m, tf.reshape(ms[i], this.variables[i].shape));
        this.ops.assignResourceVariable(slot.v, tf.reshape(vs[i], this.variables[i].shape));
      });
    });
  }

  dispose(): void {
    for (const slot of this.slots) {
      for (const handle of [slot.w, slot.m, slot.v]) this.ops.destroyResourceVariable(handle);
    }
  }
}
