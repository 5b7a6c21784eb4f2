// Drawing from a trained generator, paths through its noise space, and the conditional grid
// (every class drawn from the same noise vectors).
import { tf } from "../core/backend";
import { assertInteger, assertShape } from "../core/checks";

/** Number of classes a conditional generator accepts, read from its label layer. */
function classCount(generator: tf.LayersModel): number {
  const table = generator.layers.find((layer) => layer.getClassName() === "Embedding");
  if (table === undefined) throw new Error(`${generator.name} has no label layer (Embedding)`);
  return table.getConfig().inputDim as number;
}

/**
 * Draws images from a trained generator in inference mode (BatchNorm uses its running averages).
 * @param noise [n, latentSize].
 * @param labels n class ids, for a conditional generator; each must be an integer in [0, classes).
 * @returns [n, ...the generator's output shape].
 */
export function generateImages(
  generator: tf.LayersModel,
  noise: tf.Tensor2D,
  labels?: ArrayLike<number>,
): tf.Tensor {
  const conditional = generator.inputs.length === 2;
  if (conditional !== (labels !== undefined)) {
    throw new Error(
      conditional
        ? `${generator.name} is conditional: pass one label per noise vector`
        : `${generator.name} takes no labels`,
    );
  }
  assertShape("noise", noise.shape, [-1, generator.inputs[0].shape[1] ?? -1]);
  if (labels === undefined) return generator.predict(noise) as tf.Tensor;
  if (labels.length !== noise.shape[0])
    throw new Error(`got ${labels.length} labels for ${noise.shape[0]} noise vectors`);
  const classes = classCount(generator);
  Array.from(labels).forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new Error(`labels[${i}] is ${label}; labels must be integers in [0, ${classes})`);
    }
  });
  return tf.tidy(
    () =>
      generator.predict([noise, tf.tensor2d(Array.from(labels), [labels.length, 1])]) as tf.Tensor,
  );
}

/**
 * Points on the straight line from z₀ to z₁, both ends included: [count, latentSize], row i at
 * z₀ + (z₁ − z₀)·i/(count − 1).
 * @param start [latentSize] or [1, latentSize]; the same for `end`.
 */
export function interpolateNoise(start: tf.Tensor, end: tf.Tensor, count: number): tf.Tensor2D {
  assertInteger("count", count, 2);
  const size = start.size;
  assertShape("end", [end.size], [size]);
  return tf.tidy(() => {
    const t = tf.linspace(0, 1, count).reshape([count, 1]);
    const [z0, z1] = [start.reshape([1, size]), end.reshape([1, size])];
    return tf.add(z0, tf.mul(t, tf.sub(z1, z0))) as tf.Tensor2D;
  });
}

/** A grid of a conditional generator's drawings: row r asks for class r, column c uses noise c. */
export interface ConditionalGrid {
  /** Noise [classes · columns, latentSize]: the same `columns` vectors in every row. */
  noise: tf.Tensor2D;
  /** The class asked for in each cell, row by row. */
  labels: number[];
  /** The rows' labels, "0", "1", …, for `renderSampleGrid`'s `rowLabels`. */
  rowLabels: string[];
  /** `generator`'s drawings of the grid, [classes · columns, …] (free them, or draw inside tf.tidy). */
  draw(generator: tf.LayersModel): tf.Tensor;
  dispose(): void;
}

/**
 * The grid that shows whether a conditional generator draws each class, and in varied styles:
 * `columns` noise vectors drawn from N(0, 1) with `seed`, each asked for every class.
 */
export function createConditionalGrid({
  latentSize,
  seed,
  classes = 10,
  columns = 10,
}: {
  latentSize: number;
  seed: number;
  classes?: number;
  columns?: number;
}): ConditionalGrid {
  for (const [name, value] of Object.entries({ latentSize, seed, classes, columns }))
    assertInteger(name, value, name === "seed" ? 0 : 1);
  const noise = tf.tidy(() =>
    tf.tile(tf.randomNormal([columns, latentSize], 0, 1, "float32", seed), [classes, 1]),
  ) as tf.Tensor2D;
  const labels = Array.from({ length: classes * columns }, (_, i) => Math.floor(i / columns));
  return {
    noise,
    labels,
    rowLabels: Array.from({ length: classes }, (_, c) => String(c)),
    draw: (generator) => tf.tidy(() => generateImages(generator, noise, labels)),
    dispose: () => noise.dispose(),
  };
}
