// The version of the code that made a cached result: a hash of every compiled helper module that
// the training's entry points reach through require(), found by walking the compiled module graph
// (never a hand-kept list, which drifts from the imports). A change to any module the training
// runs, however deep, gives a new version, so the cache trains again instead of loading what the
// old code made. The folders that only show results (figures/, notebook/) are left out: editing a
// plot or a live view must not retrain every cached GAN.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { tf } from "../core/backend";

/** The compiled helper's root folder (dist/lib), where the module paths of a code version start. */
export const LIB_ROOT = path.resolve(__dirname, "..");

/** Folders whose modules show results and never decide them: not part of a code version. */
export const SHOWING_FOLDERS: readonly string[] = ["figures", "notebook"];

const RELATIVE_REQUIRE = /\brequire\("(\.\.?\/[^"]+)"\)/g;

/** `file` (a path under `root`) as a module path from `root`, with forward slashes: "train/steps.js". */
const moduleName = (root: string, file: string) =>
  path.relative(root, file).split(path.sep).join("/");

/**
 * Every helper module that `entries` (module paths from `root`, e.g. "experiments/jobs.js")
 * reach through relative require() calls in their compiled code, entries included, sorted; the
 * modules of SHOWING_FOLDERS are followed but not listed. Throws, naming it, when an entry or a
 * required module is missing.
 */
export function reachedModules(entries: readonly string[], root: string = LIB_ROOT): string[] {
  const seen = new Set<string>();
  const visit = (file: string, from: string) => {
    if (seen.has(file)) return;
    if (!fs.existsSync(file))
      throw new Error(`${moduleName(root, file)} (required by ${from}) is not in ${root}`);
    seen.add(file);
    const code = fs.readFileSync(file, "utf8");
    for (const [, target] of code.matchAll(RELATIVE_REQUIRE)) {
      const resolved = path.resolve(path.dirname(file), target);
      visit(resolved.endsWith(".js") ? resolved : `${resolved}.js`, moduleName(root, file));
    }
  };
  for (const entry of entries) visit(path.join(root, entry), "the entry points");
  return [...seen]
    .map((file) => moduleName(root, file))
    .filter((name) => !SHOWING_FOLDERS.includes(name.split("/")[0]))
    .sort();
}

const versions = new Map<string, string>();

/**
 * A hash of the tfjs version and of every module `reachedModules(entries, root)` lists (its path
 * and its compiled code): part of a cache key. Computed once per process for each root and entries.
 */
export function codeVersion(entries: readonly string[], root: string = LIB_ROOT): string {
  const id = `${root}\n${entries.join(",")}`;
  const known = versions.get(id);
  if (known !== undefined) return known;
  const hash = createHash("sha256").update(tf.version.tfjs);
  for (const module of reachedModules(entries, root))
    hash.update(`\n${module}\n`).update(fs.readFileSync(path.join(root, module)));
  const version = hash.digest("hex").slice(0, 12);
  versions.set(id, version);
  return version;
}
