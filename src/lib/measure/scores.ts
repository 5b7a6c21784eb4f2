// What the digit classifier (classifier.ts) reads in generated images: scores per requested
// label, digits drawn, the confident share, the pixel spread, a conditional generator's scores
// (notebooks 03, 03b and 04: does it draw the digit asked for, and in varied handwriting?) and
// the two-digit numbers' (notebook 08).
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { mean } from "../core/stats";
import { IMAGE_SIZE, NUM_CLASSES, type MnistData } from "../data/mnist";
import { checkTwoDigitLabel, TWO_DIGIT_CLASSES } from "../data/twodigits";
import { generateImages } from "../train/sampling";
import { classifyDigits } from "./classifier";

export interface ScoreConditionalArgs {
  /** The digit classifier (`loadOrTrainDigitClassifier().model`). */
  classifier: tf.LayersModel;
  /** A conditional generator: (z, label) → image. */
  generator: tf.LayersModel;
  /** Noise [n, latentSize], n a multiple of 10: row i is asked for digit i mod 10. */
  noise: tf.Tensor2D;
  /** How many noise rows (from the first) draw each digit for the spread; default 100. */
  spreadCount?: number;
}

export interface ConditionalScores {
  /** How often the classifier reads the requested digit, per digit and overall. */
  scores: LabelScores;
  /**
   * The spread within a label: for each digit, `pixelSpread` of the digits drawn for it from the
   * first `spreadCount` noise rows, averaged over the ten digits. Near 0 when G ignores z.
   */
  spread: number;
}

/**
 * Asks the generator for digit i mod 10 with noise row i, reads the digits with the classifier,
 * and measures the spread within a label (what notebook 03's `score` and `labelSpread` cells do).
 */
export function scoreConditionalGenerator(args: ScoreConditionalArgs): ConditionalScores {
  const { classifier, generator, noise, spreadCount = 100 } = args;
  const n = noise.shape[0];
  if (n % NUM_CLASSES !== 0) throw new Error(`noise must have a multiple of 10 rows, got ${n}`);
  assertInteger("spreadCount", spreadCount, 2);
  if (spreadCount > n)
    throw new Error(`spreadCount ${spreadCount} is more than the ${n} noise rows`);
  const labels = Array.from({ length: n }, (_, i) => i % NUM_CLASSES);
  const images = generateImages(generator, noise, labels);
  const scores = scoreByLabel(classifier, images, labels);
  images.dispose();
  const spreadNoise = noise.slice([0], [spreadCount]) as tf.Tensor2D;
  const perLabel = Array.from({ length: NUM_CLASSES }, (_, digit) =>
    tf.tidy(() =>
      pixelSpread(generateImages(generator, spreadNoise, new Array(spreadCount).fill(digit))),
    ),
  );
  spreadNoise.dispose();
  return { scores, spread: perLabel.reduce((a, b) => a + b, 0) / perLabel.length };
}

export interface LabelScores {
  /** For each class c, the fraction of images requested as c that the classifier reads as c. */
  perLabel: number[];
  /** The fraction over all images. */
  overall: number;
  /** How many images were requested per class. */
  counts: number[];
}

/**
 * Scores generated digits against the labels they were drawn for: per requested label and overall.
 * @param images [n, 784] or [n, 28, 28, 1] in [−1, 1]; `labels` holds n class ids.
 */
export function scoreByLabel(
  model: tf.LayersModel,
  images: tf.Tensor,
  labels: ArrayLike<number>,
): LabelScores {
  if (labels.length !== images.shape[0])
    throw new Error(`got ${labels.length} labels for ${images.shape[0]} images`);
  const predicted = classifyDigits(model, images);
  const read = Array.from(predicted.dataSync());
  predicted.dispose();
  const hits = new Array<number>(NUM_CLASSES).fill(0);
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  Array.from(labels).forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= NUM_CLASSES) {
      throw new Error(`labels[${i}] is ${label}; labels must be integers in [0, ${NUM_CLASSES})`);
    }
    counts[label] += 1;
    if (read[i] === label) hits[label] += 1;
  });
  const total = hits.reduce((a, b) => a + b, 0);
  return {
    perLabel: hits.map((h, c) => (counts[c] === 0 ? Number.NaN : h / counts[c])),
    overall: total / labels.length,
    counts,
  };
}

/** How many of `images` the classifier reads as each digit 0–9: [10] counts. */
export function countPredictedDigits(model: tf.LayersModel, images: tf.Tensor): number[] {
  const predicted = classifyDigits(model, images);
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  predicted.dataSync().forEach((c) => {
    counts[c] += 1;
  });
  predicted.dispose();
  return counts;
}

/** A text table of accuracy per requested label, one row per run, e.g. for runs {"BCE": scores}. */
export function formatLabelScores(runs: Record<string, LabelScores>): string {
  const names = Object.keys(runs);
  const width = Math.max(5, ...names.map((n) => n.length));
  const cell = (x: number) => (Number.isNaN(x) ? "  –  " : `${(100 * x).toFixed(0)}%`.padStart(5));
  const header = `${"label".padEnd(width)} |${Array.from({ length: NUM_CLASSES }, (_, c) => String(c).padStart(5)).join("")} |   all`;
  const rows = names.map(
    (name) =>
      `${name.padEnd(width)} |${runs[name].perLabel.map(cell).join("")} | ${cell(runs[name].overall)}`,
  );
  return [header, "-".repeat(header.length), ...rows].join("\n");
}

/**
 * How much a set of images varies: the standard deviation of each pixel across the images,
 * averaged over pixels. Near 0 when every image is the same (a collapsed generator); about 0.31
 * for real MNIST digits of one class scaled to [−1, 1].
 * @param images [n, ...] with n ≥ 2.
 */
export function pixelSpread(images: tf.Tensor): number {
  if (images.shape[0] < 2)
    throw new Error(`pixelSpread needs at least 2 images, got ${images.shape[0]}`);
  return tf.tidy(
    () =>
      tf.mean(tf.sqrt(tf.moments(images.reshape([images.shape[0], -1]), 0).variance)).dataSync()[0],
  );
}

/**
 * Real digits' spread within a class: `pixelSpread` of each digit's images in `data`, averaged
 * over the ten digits (the reference a conditional generator's spread is held against).
 */
export function classSpread(data: MnistData): number {
  const labels = Array.from(data.labels.dataSync());
  return mean(
    Array.from({ length: NUM_CLASSES }, (_, digit) =>
      tf.tidy(() => {
        const rows = labels.flatMap((label, i) => (label === digit ? [i] : []));
        if (rows.length < 2)
          throw new Error(`classSpread needs 2 digits of each class; ${digit} has ${rows.length}`);
        return pixelSpread(tf.gather(data.images, tf.tensor1d(rows, "int32")));
      }),
    ),
  );
}

/**
 * The share of `images` the classifier reads with a top-class probability of at least
 * `threshold`: a rough quality measure for generated digits (scribbles get spread-out
 * probabilities). For real held-out digits it is close to 1.
 */
export function confidentShare(model: tf.LayersModel, images: tf.Tensor, threshold = 0.9): number {
  if (!(threshold > 0 && threshold < 1))
    throw new Error(`threshold must be in (0, 1), got ${threshold}`);
  return tf.tidy(() => {
    const probabilities = model.predict(images.reshape([-1, IMAGE_SIZE, IMAGE_SIZE, 1]), {
      batchSize: 500,
    }) as tf.Tensor;
    return tf
      .mean(tf.cast(tf.greaterEqual(tf.max(probabilities, 1), threshold), "float32"))
      .dataSync()[0];
  });
}

/** Per-number scores of generated two-digit images. */
export interface TwoDigitScores {
  /** For each number 0..99: the share of its images whose two halves the classifier reads right. */
  perNumber: number[];
  /** The share over all images. */
  overall: number;
  /** The shares of left (tens) and right (units) halves read right. */
  tens: number;
  units: number;
}

/**
 * Scores images of requested numbers with the digit classifier, half by half: an image counts as
 * right when the classifier reads its tens digit on the left and its units digit on the right.
 * @param images [n, 28, 56, 1] in [−1, 1]; `labels` holds the n requested numbers 0..99.
 */
export function scoreTwoDigitNumbers(
  classifier: tf.LayersModel,
  images: tf.Tensor,
  labels: ArrayLike<number>,
): TwoDigitScores {
  const n = images.shape[0];
  if (
    images.shape.length !== 4 ||
    images.shape[1] !== IMAGE_SIZE ||
    images.shape[2] !== 2 * IMAGE_SIZE
  )
    throw new Error(`images must be [n, 28, 56, 1], got [${images.shape}]`);
  if (labels.length !== n) throw new Error(`got ${labels.length} labels for ${n} images`);
  Array.from(labels).forEach(checkTwoDigitLabel);
  // Both halves of every image in one pass of the classifier: lefts first, then rights.
  const predicted = tf.tidy(() => classifyDigits(classifier, tf.concat(tf.split(images, 2, 2))));
  const read = predicted.dataSync();
  predicted.dispose();
  const hits = new Array<number>(TWO_DIGIT_CLASSES).fill(0);
  const counts = new Array<number>(TWO_DIGIT_CLASSES).fill(0);
  let tens = 0;
  let units = 0;
  Array.from(labels).forEach((label, i) => {
    const tensRight = read[i] === Math.floor(label / NUM_CLASSES);
    const unitsRight = read[n + i] === label % NUM_CLASSES;
    counts[label] += 1;
    tens += Number(tensRight);
    units += Number(unitsRight);
    hits[label] += Number(tensRight && unitsRight);
  });
  return {
    perNumber: hits.map((h, c) => (counts[c] === 0 ? Number.NaN : h / counts[c])),
    overall: hits.reduce((a, b) => a + b, 0) / n,
    tens: tens / n,
    units: units / n,
  };
}
