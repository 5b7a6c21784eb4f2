// Many classes from the digits we have: the 100 two-digit numbers 00–99, each a 28×56 image of two
// MNIST digits side by side (notebook 08's stand-in for the LSGAN paper's 3,740 Chinese characters).
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { IMAGE_SIZE, NUM_CLASSES, type BatchStream, type MnistData } from "./mnist";
import { createRandom, type Random } from "../core/random";

/** The two-digit numbers 00–99. */
export const TWO_DIGIT_CLASSES = NUM_CLASSES * NUM_CLASSES;

/** Which digits a batch of two-digit numbers is made of. */
export interface TwoDigitDraw {
  /** The numbers, 0..99: tens digit on the left, units digit on the right. */
  labels: Int32Array;
  /** Index into the digits of each left (tens) digit image. */
  left: Int32Array;
  /** Index into the digits of each right (units) digit image. */
  right: Int32Array;
}

/** Throws unless `label` (entry `i` of a list) is a two-digit number, an integer in [0, 100). */
export function checkTwoDigitLabel(label: number, i: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= TWO_DIGIT_CLASSES)
    throw new Error(`labels[${i}] is ${label}; two-digit numbers are integers in [0, 100)`);
}

/** Indices of the digits of each class 0..9, in the digits' own order. */
export function indicesByDigit(labels: ArrayLike<number>): Int32Array[] {
  const lists: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  Array.from(labels).forEach((label, i) => lists[label].push(i));
  lists.forEach((list, digit) => {
    if (list.length === 0)
      throw new Error(`the digits hold no ${digit}: cannot draw numbers with it`);
  });
  return lists.map((list) => Int32Array.from(list));
}

/**
 * Draws `batchSize` numbers uniformly from 00–99 (or takes `labels` when given), and for each a
 * random digit image of its tens digit and one of its units digit, from `byDigit`.
 */
export function drawTwoDigitNumbers(
  random: Random,
  byDigit: Int32Array[],
  batchSize: number,
  labels?: ArrayLike<number>,
): TwoDigitDraw {
  assertInteger("batchSize", batchSize);
  const pick = (pool: Int32Array) => pool[Math.floor(random() * pool.length)];
  const draw: TwoDigitDraw = {
    labels: new Int32Array(batchSize),
    left: new Int32Array(batchSize),
    right: new Int32Array(batchSize),
  };
  for (let i = 0; i < batchSize; i++) {
    const label = labels === undefined ? Math.floor(random() * TWO_DIGIT_CLASSES) : labels[i];
    checkTwoDigitLabel(label, i);
    draw.labels[i] = label;
    draw.left[i] = pick(byDigit[Math.floor(label / NUM_CLASSES)]);
    draw.right[i] = pick(byDigit[label % NUM_CLASSES]);
  }
  return draw;
}

/**
 * A seeded, endless stream of two-digit numbers, usable wherever a BatchStream is. It has no
 * epochs (every batch is drawn afresh, with replacement): `batchesPerEpoch` is Infinity.
 */
export interface TwoDigitStream extends BatchStream {
  /** Images [batchSize, 28, 56, 1] in [−1, 1] and their numbers [batchSize] (int32, 0..99). */
  nextBatch(): { images: tf.Tensor4D; labels: tf.Tensor1D };
  /** The digits behind the last batch (which images, which numbers). */
  readonly lastDraw: TwoDigitDraw | null;
}

export interface CreateTwoDigitStreamArgs {
  /** The digits to build numbers from, in the "image" layout ([n, 28, 28, 1]). */
  digits: MnistData;
  batchSize: number;
  seed: number;
}

/**
 * Batches of two-digit numbers 00–99, each number equally likely, each half a real digit image
 * of the stated digit (drawn with replacement), placed side by side: [batch, 28, 56, 1].
 */
export function createTwoDigitStream({
  digits,
  batchSize,
  seed,
}: CreateTwoDigitStreamArgs): TwoDigitStream {
  const shape = digits.images.shape;
  if (shape.length !== 4 || shape[1] !== IMAGE_SIZE || shape[2] !== IMAGE_SIZE || shape[3] !== 1)
    throw new Error(`digits must be in the "image" layout [n, 28, 28, 1], got [${shape}]`);
  assertInteger("batchSize", batchSize);
  const random = createRandom(seed);
  const byDigit = indicesByDigit(digits.labels.dataSync());
  let lastDraw: TwoDigitDraw | null = null;
  const nextBatch = () => {
    const draw = drawTwoDigitNumbers(random, byDigit, batchSize);
    lastDraw = draw;
    return tf.tidy(() => ({
      images: tf.concat(
        [tf.gather(digits.images, draw.left), tf.gather(digits.images, draw.right)],
        2,
      ) as tf.Tensor4D,
      labels: tf.tensor1d(draw.labels, "int32"),
    }));
  };
  return {
    batchSize,
    batchesPerEpoch: Infinity,
    get lastDraw() {
      return lastDraw;
    },
    nextBatch,
    nextImages() {
      const { images, labels } = nextBatch();
      labels.dispose();
      return images;
    },
  };
}
