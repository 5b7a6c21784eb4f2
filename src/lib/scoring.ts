// Scoring a conditional generator (notebooks 03, 03b and 04): does it draw the digit asked for,
// and in varied handwriting?
import { tf } from "./backend";
import { assertInteger } from "./checks";
import { pixelSpread, scoreByLabel, type LabelScores } from "./classifier";
import { NUM_CLASSES } from "./data";
import { generateImages } from "./sampling";

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
