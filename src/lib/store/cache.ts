// A trained generator cached on disk, keyed by everything that decides it, so that re-running a
// notebook after its first full run loads the result instead of training again.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { roundingPath } from "../core/cpu";
import { tf } from "../core/backend";
import { loadModelFiles, saveModelFiles } from "./files";
import { codeVersion } from "./codeversion";

/** `T`: what the training loop records per step (StepMetrics, or more, e.g. scores at checkpoints). */
export interface CachedTrainingArgs<T = unknown> {
  /** Folder for the cache; default the project's data/ (DEFAULT_CACHE_DIR). */
  cacheDir?: string;
  /** Name of the run; its folder is `<name>-<hash of settings, architectures and backend>`. */
  name: string;
  /** Everything besides the architecture that decides the result: hyperparameters, seeds, steps. */
  settings: object;
  /** The generator to train, or to fill with the cached weights. */
  generator: tf.LayersModel;
  /** The discriminator it trains against (its architecture is part of the key). */
  discriminator: tf.LayersModel;
  /**
   * An averaged copy of the generator (a WeightAverage's model) that `train` keeps up to date:
   * saved beside the generator, in `averaged/`, and filled from there on a cache hit.
   */
  averaged?: tf.LayersModel;
  /** Version of the training code, part of the key; default `trainingCodeVersion()`. */
  codeVersion?: string;
  /** Trains `generator` (and `averaged`) in place and returns every step's metrics. */
  train: () => Promise<T[]> | T[];
}

export interface CachedTraining<T> {
  history: T[];
  /** Wall-clock seconds the training took when it ran (from the cache, the original run's time). */
  seconds: number;
  fromCache: boolean;
  cachePath: string;
}

/** The environment variable that moves the caches' default folder (e.g. to a fresh, empty one). */
export const CACHE_DIR_VARIABLE = "GAN_CACHE_DIR";

/**
 * Where the caches go unless a caller names another folder: `$GAN_CACHE_DIR` when set, else the
 * project's data/ folder (beside notebooks/ and src/; this module is src/dist/lib/store/).
 */
export const DEFAULT_CACHE_DIR = process.env[CACHE_DIR_VARIABLE]
  ? path.resolve(process.env[CACHE_DIR_VARIABLE])
  : path.resolve(__dirname, "..", "..", "..", "..", "data");

/** JSON of `value` with every object's keys sorted: the same settings give the same text in any order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

/**
 * Where a GAN training's code starts: `runGanJob` reaches every builder (nets/specs), both data
 * sources, the weight average, `createGan` and `trainGan`; `trainGanLive` trains through the same
 * `trainStep` and `runSteps`.
 */
export const TRAINING_ENTRIES: readonly string[] = ["experiments/jobs.js"];

/** The version of the code that builds, trains and updates GANs (see TRAINING_ENTRIES). */
export function trainingCodeVersion(root?: string): string {
  return codeVersion(TRAINING_ENTRIES, root);
}

/**
 * The folder `<cacheDir>/<name>-<key>` of a cache entry, where the key hashes `parts` (settings,
 * architectures, backend, code version, …) and this process's rounding path (`roundingPath`) as
 * canonical JSON: object keys in any order give the same key.
 */
export function cacheEntryPath(cacheDir: string, name: string, parts: unknown[]): string {
  // The rounding path too: a result made with other kernels (another CPU class, or oneDNN held
  // to one) is another result, and must not be served here.
  const keyed = [...parts, roundingPath()];
  const key = createHash("sha256").update(canonicalJson(keyed)).digest("hex").slice(0, 12);
  return path.join(cacheDir, `${name}-${key}`);
}

/**
 * Writes a cache entry atomically: `write` fills a temporary folder, which replaces `cachePath`
 * only when complete, so a run that throws or is killed leaves no entry behind (and the leftover
 * folders of stopped runs are removed).
 */
export async function writeCacheEntry(
  cachePath: string,
  write: (folder: string) => Promise<void>,
): Promise<void> {
  const partial = `${cachePath}.partial-${process.pid}`;
  removeLeftovers(cachePath);
  try {
    fs.mkdirSync(partial, { recursive: true });
    await write(partial);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(cachePath, { recursive: true, force: true });
  fs.renameSync(partial, cachePath);
}

/** The cache folder for these settings, these two architectures, the running backend and the training code. */
export function trainingCachePath({
  cacheDir = DEFAULT_CACHE_DIR,
  name,
  settings,
  generator,
  discriminator,
  codeVersion = trainingCodeVersion(),
}: Omit<CachedTrainingArgs, "train" | "averaged">): string {
  // The backend is part of the key: the same run on wasm and on native TensorFlow differs in rounding.
  const topologies = [generator.toJSON(null, false), discriminator.toJSON(null, false)];
  return cacheEntryPath(cacheDir, name, [settings, ...topologies, tf.getBackend(), codeVersion]);
}

/**
 * Loads the generator's weights and the training history from the cache when this exact run
 * was made before; otherwise calls `train`, then saves both. A run that throws leaves no cache
 * behind: files are written to a temporary folder that is renamed only when complete.
 */
export async function loadOrTrainGenerator<T = unknown>(
  args: CachedTrainingArgs<T>,
): Promise<CachedTraining<T>> {
  const cachePath = trainingCachePath(args);
  const models: Array<[tf.LayersModel, string]> = [[args.generator, cachePath]];
  if (args.averaged !== undefined) models.push([args.averaged, path.join(cachePath, "averaged")]);
  // A run cached without its averaged copy counts as not cached: training again makes both.
  if (models.every(([, folder]) => fs.existsSync(path.join(folder, "model.json")))) {
    for (const [model, folder] of models) await fillWeights(model, folder);
    const { history, seconds } = JSON.parse(
      fs.readFileSync(path.join(cachePath, "history.json"), "utf8"),
    );
    return { history, seconds, fromCache: true, cachePath };
  }
  startAgain(args.generator, args.discriminator, args.averaged);
  const started = Date.now();
  const history = await args.train();
  forgetStart(args.generator, args.discriminator);
  const seconds = (Date.now() - started) / 1000;
  await writeCacheEntry(cachePath, async (folder) => {
    for (const [model, modelFolder] of models)
      await saveModelFiles(model, path.join(folder, path.relative(cachePath, modelFolder)));
    fs.writeFileSync(path.join(folder, "history.json"), JSON.stringify({ seconds, history }));
    fs.writeFileSync(
      path.join(folder, "settings.json"),
      `${JSON.stringify(args.settings, null, 2)}\n`,
    );
  });
  return { history, seconds, fromCache: false, cachePath };
}

/** Each network's weights from before `loadOrTrainGenerator` first trained it, until that training completes. */
const startingWeights = new WeakMap<tf.LayersModel, tf.Tensor[]>();

/**
 * Remembers the networks' weights before their first training; when an earlier training of the
 * same networks did not complete (it was stopped, or failed), puts those weights back instead, so
 * that a rerun starts again rather than continuing from where it stopped. The averaged copy
 * starts as a copy of the generator.
 */
function startAgain(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  averaged?: tf.LayersModel,
): void {
  for (const model of [generator, discriminator]) {
    const start = startingWeights.get(model);
    if (start === undefined)
      startingWeights.set(
        model,
        model.getWeights().map((w) => tf.keep(w.clone())),
      );
    else model.setWeights(start);
  }
  averaged?.setWeights(startingWeights.get(generator) as tf.Tensor[]);
}

/** Forgets (and frees) the starting weights of networks whose training completed. */
function forgetStart(...models: tf.LayersModel[]): void {
  for (const model of models) {
    tf.dispose(startingWeights.get(model));
    startingWeights.delete(model);
  }
}

/** Whether process `pid` still runs (then its partial folder may still be being written). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the partial folders of this cache entry that stopped runs left behind (`<entry>.partial-<pid>`). */
function removeLeftovers(cachePath: string): void {
  const [dir, base] = [path.dirname(cachePath), `${path.basename(cachePath)}.partial-`];
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith(base) && !isRunning(Number(entry.slice(base.length))))
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** Copies the weights saved in `folder` into `model`. */
async function fillWeights(model: tf.LayersModel, folder: string): Promise<void> {
  const saved = await loadModelFiles(folder);
  try {
    model.setWeights(saved.getWeights());
  } finally {
    saved.dispose();
  }
}
