// A small convolutional MNIST classifier that scores generated digits: trained once on real
// digits and cached under data/, keyed by its settings, so that a changed setting retrains.
import fs from "node:fs";
import path from "node:path";

import { tf } from "../core/backend";
import { cacheEntryPath, DEFAULT_CACHE_DIR, writeCacheEntry } from "../store/cache";
import { codeVersion } from "../store/codeversion";
import { assertInteger, assertPositive } from "../core/checks";
import {
  createBatchStream,
  IMAGE_SIZE,
  loadMnist,
  NUM_CLASSES,
  type MnistData,
} from "../data/mnist";
import { loadModelFiles, saveModelFiles } from "../store/files";
import { createRandom, createSeedSequence } from "../core/random";

export interface DigitClassifierArgs {
  /** Folder for the cache; one sub-folder per settings; default the project's data/ (DEFAULT_CACHE_DIR). */
  cacheDir?: string;
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

/** Where the classifier's code starts (see store/codeversion.ts). */
export const CLASSIFIER_ENTRIES: readonly string[] = ["measure/classifier.js"];

/** The classifier's defaults (its cache key holds them, so changing one retrains it). */
const CLASSIFIER_DEFAULTS = {
  testDigits: 2000,
  epochs: 6,
  batchSize: 64,
  learningRate: 1e-3,
  seed: 1,
};

/**
 * The real digits the classifier holds out from training (the last `testDigits` of the embedded
 * digits shuffled by its seed): [testDigits, 28, 28, 1] in [−1, 1], the reference a Fréchet
 * distance compares generated digits with. The caller disposes it.
 */
export function loadHeldOutDigits(
  args: Pick<DigitClassifierArgs, "testDigits" | "seed"> = {},
): tf.Tensor4D {
  const { testDigits, seed } = { ...CLASSIFIER_DEFAULTS, ...args };
  assertInteger("testDigits", testDigits);
  const data = loadMnist({ layout: "image", seed });
  try {
    return data.images.slice([data.count - testDigits], [testDigits]) as tf.Tensor4D;
  } finally {
    tf.dispose([data.images, data.labels]);
  }
}

/**
 * Returns the digit classifier for these settings: loaded from `cacheDir` when it was trained
 * before, otherwise trained on the embedded digits (all but `testDigits`, with seeded batches),
 * measured on the held-out ones, and saved there.
 */
export async function loadOrTrainDigitClassifier(
  args: DigitClassifierArgs = {},
): Promise<DigitClassifier> {
  const settings = {
    ...CLASSIFIER_DEFAULTS,
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
  const cachePath = cacheEntryPath(args.cacheDir ?? DEFAULT_CACHE_DIR, "digit-classifier", [
    settings,
    // The layers' classes and settings; not their names, which tfjs numbers anew in every build.
    built.layers.map((layer) => [layer.getClassName(), { ...layer.getConfig(), name: undefined }]),
    codeVersion(CLASSIFIER_ENTRIES),
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
