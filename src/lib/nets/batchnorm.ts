// BatchNorm that trains in two TensorFlow kernels instead of dozens. tfjs-layers normalises a
// training batch with tf.moments and tf.batchNorm and differentiates them op by op: about forty
// small kernels per layer and step, each with tfjs-node's dispatch cost. On native TensorFlow this
// layer runs TensorFlow's own FusedBatchNormV3 (batch statistics and normalisation in one kernel)
// with FusedBatchNormGradV3 as its gradient. Inference, and the fallback backends, use the
// tfjs-layers code unchanged; the weights, their names and the arithmetic are the same.
import { tf } from "../core/backend";
import { nativeOps, type NativeOps } from "../core/native";

/** The tfjs-layers BatchNormalization layer's fields that this subclass reads. */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type LayerArgs = Parameters<typeof tf.layers.batchNormalization>[0];
type LayerClass = new (args?: LayerArgs) => tf.layers.Layer;

// tfjs-layers exports a factory, not the class: take the class from an instance.
const BatchNormalizationBase = Object.getPrototypeOf(tf.layers.batchNormalization({}))
  .constructor as LayerClass;

/**
 * y = γ·(x − mean)/√(var + ε) + β over the batch (and, for images, height and width), per channel
 * in the last axis, by FusedBatchNormV3; returns y and the batch mean and (biased) variance. Its
 * gradient with respect to x, γ and β is FusedBatchNormGradV3's.
 * @param x [n, height, width, channels].
 */
export function fusedBatchNormTraining(
  ops: NativeOps,
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const attrs = {
    T: { dtype: "float32" },
    U: { dtype: "float32" },
    epsilon: { float: epsilon },
    data_format: "NHWC",
    is_training: true,
  } as const;
  let statistics: [tf.Tensor, tf.Tensor] | null = null;
  const forward = (
    input: tf.Tensor,
    scale: tf.Tensor,
    offset: tf.Tensor,
    save: tf.GradSaveFunc,
  ) => {
    const empty = tf.tensor1d([]);
    const [y, mean, , reserve1, reserve2, reserve3] = ops.execute(
      "FusedBatchNormV3",
      [input, scale, offset, empty, empty],
      { ...attrs, exponential_avg_factor: { float: 1 } },
      6,
    );
    statistics = [tf.keep(mean), tf.keep(reserve2)]; // reserve2 is the biased batch variance
    save([input, scale, reserve1, reserve2, reserve3]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [dx, dScale, dOffset] = ops.execute(
          "FusedBatchNormGradV3",
          [dy as tf.Tensor, ...saved],
          attrs,
          5,
        );
        return [dx, dScale, dOffset];
      },
    };
  };
  const normalise = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = normalise(x, gamma, beta) as tf.Tensor4D;
  const [mean, variance] = statistics!;
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/**
 * tf.layers.batchNormalization, with the training pass of a layer that normalises the last axis
 * (the usual case) run by TensorFlow's fused kernels on the native backend. Same arguments,
 * weights and results (up to float rounding) as the tfjs-layers layer.
 */
export class FusedBatchNormalization extends BatchNormalizationBase {
  static className = "FusedBatchNormalization";

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as BatchNormFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const ops = nativeOps();
    const lastAxis = self.axis === -1 || self.axis === x.rank - 1;
    if (
      kwargs.training !== true ||
      ops === null ||
      !lastAxis ||
      !self.center ||
      !self.scale ||
      x.rank < 2 ||
      x.rank > 4
    ) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const channels = x.shape[x.rank - 1];
      const x4 = (x.rank === 4 ? x : tf.reshape(x, [-1, 1, 1, channels])) as tf.Tensor4D;
      const { y, mean, variance } = fusedBatchNormTraining(
        ops,
        x4,
        self.gamma.read(),
        self.beta.read(),
        self.epsilon,
      );
      // The running statistics, updated as tfjs-layers does: m ← m − (m − batch value)·(1 − momentum).
      for (const [average, value] of [
        [self.movingMean, mean],
        [self.movingVariance, variance],
      ] as const) {
        const current = average.read();
        average.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - self.momentum)));
      }
      tf.dispose([mean, variance]);
      return tf.reshape(y, x.shape);
    });
  }
}
tf.serialization.registerClass(
  FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/** A FusedBatchNormalization layer; takes tf.layers.batchNormalization's arguments. */
export function batchNormalization(args: LayerArgs = {}): tf.layers.Layer {
  return new FusedBatchNormalization(args);
}
