// A slowly moving average of a network's weights. A GAN's generator keeps moving around the
// equilibrium rather than settling into it, so its latest weights are one point of an
// oscillation; their exponential moving average (Yazıcı et al., 2019; Karras et al., 2018) sits
// near the middle of it and usually draws better samples than any single step.
import { tf } from "../core/backend";
import { assertFinite } from "../core/checks";
import type { StackedMlp } from "../nets/stacked";

export interface WeightAverageArgs {
  /**
   * β in w̄ ← β·w̄ + (1 − β)·w: how much of the average survives one update. 0.999 averages over
   * roughly the last 1/(1 − β) = 1,000 updates.
   */
  decay: number;
}

/** A copy of a model whose trainable weights follow the exponential moving average of the source's. */
export interface WeightAverage {
  /** The averaged copy: same architecture as the source, used like it (e.g. with generateImages). */
  readonly model: tf.LayersModel;
  readonly source: tf.LayersModel;
  readonly decay: number;
  /** Number of updates so far. */
  readonly updates: number;
  /**
   * Moves the average towards the source's current weights: w̄ ← β·w̄ + (1 − β)·w for trainable
   * weights; the others (BatchNorm's running mean and variance) are copied, since they already
   * are running averages of what the source's layers see.
   */
  update(): void;
  dispose(): void;
}

/**
 * Starts an exponential moving average of `source`'s weights, initialised to its current weights.
 * Call `update()` after every training step.
 */
export async function createWeightAverage(
  source: tf.LayersModel,
  { decay }: WeightAverageArgs,
): Promise<WeightAverage> {
  assertFinite("decay", decay);
  if (!(decay > 0 && decay < 1)) throw new Error(`decay must be in (0, 1), got ${decay}`);
  const model = await tf.models.modelFromJSON({
    modelTopology: source.toJSON(null, false) as tf.io.ModelJSON["modelTopology"],
  });
  model.setWeights(source.getWeights());
  const trainable = new Set(source.trainableWeights.map((w) => w.id));
  const pairs = source.weights.map((w, i) => {
    const copy = model.weights[i];
    if (copy === undefined || copy.shape.join(",") !== w.shape.join(",")) {
      throw new Error(
        `the copy of ${source.name} does not line up with it at weight ${w.name} [${w.shape}]`,
      );
    }
    return { from: w.read(), to: copy.read() as tf.Variable, averaged: trainable.has(w.id) };
  });
  let updates = 0;
  return {
    model,
    source,
    decay,
    get updates() {
      return updates;
    },
    update() {
      tf.tidy(() =>
        pairs.forEach(({ from, to, averaged }) => {
          to.assign(averaged ? tf.add(to, tf.mul(tf.sub(from, to), 1 - decay)) : from);
        }),
      );
      updates++;
    },
    dispose() {
      model.dispose();
    },
  };
}

/** The exponential moving average of a stacked generator's weights (every run's its own). */
export interface StackedWeightAverage {
  readonly decay: number;
  /** The averaged weights, one per weight of `generator.variables`, in its order. */
  readonly variables: tf.Variable[];
  /** w̄ ← β·w̄ + (1 − β)·w for every weight of the stack. */
  update(): void;
  /**
   * The stacked generator with its averaged weights on `x` [R, batch, in]: [R, batch, out]. The
   * live weights are swapped out for the call and back in afterwards.
   */
  apply(x: tf.Tensor3D): tf.Tensor3D;
  dispose(): void;
}

/**
 * Starts an exponential moving average of every run's weights of a stacked generator
 * (nets/stacked.ts), initialised to its current weights; `update()` after every training step.
 * BatchNorm in a stack always normalises with batch statistics, so there are no running
 * statistics to carry over: every weight is averaged.
 */
export function createStackedWeightAverage(
  generator: StackedMlp,
  { decay }: WeightAverageArgs,
): StackedWeightAverage {
  assertFinite("decay", decay);
  if (!(decay > 0 && decay < 1)) throw new Error(`decay must be in (0, 1), got ${decay}`);
  const live = generator.variables;
  const average = live.map((w) => tf.variable(w.clone(), false));
  return {
    decay,
    variables: average,
    update() {
      tf.tidy(() =>
        live.forEach((w, i) =>
          average[i].assign(tf.add(average[i], tf.mul(tf.sub(w, average[i]), 1 - decay))),
        ),
      );
    },
    apply(x: tf.Tensor3D): tf.Tensor3D {
      const kept = live.map((w) => w.clone());
      try {
        live.forEach((w, i) => w.assign(average[i]));
        return generator.apply(x);
      } finally {
        live.forEach((w, i) => w.assign(kept[i]));
        tf.dispose(kept);
      }
    },
    dispose() {
      tf.dispose(average);
    },
  };
}
