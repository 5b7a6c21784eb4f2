// A small convolutional MNIST classifier that scores generated digits: trained once on real
// digits and cached under data/, keyed by its settings, so that a changed setting retrains.
import fs from "node:fs";
import path from "node:path";

import { tf } from "./backend";
import { cacheEntryPath, codeVersion, writeCacheEntry } from "./cache";
import { assertInteger, assertPositive } from "./checks";
import { createBatchStream, IMAGE_SIZE, loadMnist, NUM_CLASSES, type MnistData } from "./data";
import { loadModelFiles, saveModelFiles } from "./files";
import { createRandom, createSeedSequence } from "./random";

export interface DigitClassifierArgs {
  /** Folder for the cache (the project's data/); one sub-folder per settings. */
  cacheDir: string;
  /** Digits held out from training, to measure accuracy; the rest train. */
  testDigits?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
}

export interface DigitClassifier {
  /** [n, 28, 28, 1] images in [−1, 1] → [n, 10] class probabilities. */
  model: tf.LayersModel;
  /** Accuracy on the held-out real digits, in [0, 1]. */
  testAccuracy: number;
  /** Where the weights are cached, and whether this call loaded them rather than trained. */
  cachePath: string;
  fromCache: boolean;
}

function buildClassifier(seed: number): tf.Sequential {
  const nextSeed = createSeedSequence(seed);
  const init = () => tf.initializers.heNormal({ seed: nextSeed() });
  return tf.sequential({
    name: "digit_classifier",
    layers: [
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: "relu",
        inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1],
        kernelInitializer: init(),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: init(),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: "relu", kernelInitializer: init() }),
      tf.layers.dense({
        units: NUM_CLASSES,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      }),
    ],
  });
}

/** Fraction of `images` whose most probable class is `labels`. */
export function classifierAccuracy(
  model: tf.LayersModel,
  images: tf.Tensor,
  labels: tf.Tensor1D,
): number {
  return tf.tidy(() => {
    const predicted = tf.argMax(model.predict(images, { batchSize: 500 }) as tf.Tensor, 1);
    return tf.mean(tf.cast(tf.equal(predicted, tf.cast(labels, "int32")), "float32")).dataSync()[0];
  });
}

/** The most probable class of each image, [n] int32, for images [n, 28, 28, 1] or [n, 784] in [−1, 1]. */
export function classifyDigits(model: tf.LayersModel, images: tf.Tensor): tf.Tensor1D {
  return tf.tidy(
    () =>
      tf.argMax(
        model.predict(images.reshape([-1, IMAGE_SIZE, IMAGE_SIZE, 1]), {
          batchSize: 500,
        }) as tf.Tensor,
        1,
      ) as tf.Tensor1D,
  );
}

/** The modules whose code decides the trained classifier: part of its cache key. */
const CLASSIFIER_MODULES = ["classifier", "data", "random", "files"];

/**
 * Returns the digit classifier for these settings: loaded from `cacheDir` when it was trained
 * before, otherwise trained on the embedded digits (all but `testDigits`, with seeded batches),
 * measured on the held-out ones, and saved there.
 */
export async function loadOrTrainDigitClassifier(
  args: DigitClassifierArgs,
): Promise<DigitClassifier> {
  const settings = {
    testDigits: 2000,
    epochs: 6,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 1,
    ...args,
    cacheDir: undefined,
  };
  assertInteger("testDigits", settings.testDigits);
  assertInteger("epochs", settings.epochs);
  assertInteger("batchSize", settings.batchSize);
  assertPositive("learningRate", settings.learningRate);
  const built = buildClassifier(settings.seed);
  // No backend in the key: the classifier is a measuring instrument, and one trained on native
  // TensorFlow serves the wasm fallback too (training it again there would add minutes to npm test).
  const cachePath = cacheEntryPath(args.cacheDir, "digit-classifier", [
    settings,
    // The layers' classes and settings; not their names, which tfjs numbers anew in every build.
    built.layers.map((layer) => [layer.getClassName(), { ...layer.getConfig(), name: undefined }]),
    codeVersion(CLASSIFIER_MODULES),
  ]);
  const data = loadMnist({ layout: "image", seed: settings.seed });
  const train: MnistData = {
    images: data.images.slice([0], [data.count - settings.testDigits]),
    labels: data.labels.slice([0], [data.count - settings.testDigits]),
    count: data.count - settings.testDigits,
  };
  const testImages = data.images.slice([train.count], [settings.testDigits]);
  const testLabels = data.labels.slice([train.count], [settings.testDigits]);
  try {
    const modelFile = path.join(cachePath, "model.json");
    if (fs.existsSync(modelFile)) {
      built.dispose();
      const model = await loadModelFiles(cachePath);
      return {
        model,
        testAccuracy: classifierAccuracy(model, testImages, testLabels),
        cachePath,
        fromCache: true,
      };
    }
    const model = built;
    model.compile({
      optimizer: tf.train.adam(settings.learningRate),
      loss: "sparseCategoricalCrossentropy",
    });
    const batches = createBatchStream(train, {
      batchSize: settings.batchSize,
      seed: settings.seed + 1,
    });
    const random = createRandom(settings.seed + 2);
    for (let step = 0; step < settings.epochs * batches.batchesPerEpoch; step++) {
      const batch = batches.nextBatch();
      // Seeded augmentation: each batch shifted by up to ±2 pixels, so that 8,000 digits go further.
      const [dy, dx] = [Math.floor(random() * 5), Math.floor(random() * 5)];
      const shifted = tf.tidy(() =>
        tf.slice(
          tf.pad(
            batch.images,
            [
              [0, 0],
              [2, 2],
              [2, 2],
              [0, 0],
            ],
            -1,
          ),
          [0, dy, dx, 0],
          batch.images.shape,
        ),
      );
      const targets = tf.cast(batch.labels, "float32");
      await model.trainOnBatch(shifted, targets);
      tf.dispose([batch.images, batch.labels, shifted, targets]);
    }
    await writeCacheEntry(cachePath, async (folder) => {
      await saveModelFiles(model, folder);
      fs.writeFileSync(
        path.join(folder, "settings.json"),
        `${JSON.stringify(settings, null, 2)}\n`,
      );
    });
    return {
      model,
      testAccuracy: classifierAccuracy(model, testImages, testLabels),
      cachePath,
      fromCache: false,
    };
  } finally {
    tf.dispose([data.images, data.labels, train.images, train.labels, testImages, testLabels]);
  }
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
