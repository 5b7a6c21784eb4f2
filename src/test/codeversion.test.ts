import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import { ringCodeVersion, RING_ENTRIES } from "../lib/experiments/ringexperiment";
import { CLASSIFIER_ENTRIES } from "../lib/measure/classifier";
import { trainingCodeVersion, TRAINING_ENTRIES } from "../lib/store/cache";
import { codeVersion, LIB_ROOT, reachedModules, SHOWING_FOLDERS } from "../lib/store/codeversion";

const folders: string[] = [];
after(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A folder of compiled modules: { "a.js": "code", "x/c.js": "code" }. */
function writeModules(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-code-"));
  folders.push(dir);
  for (const [name, code] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), code);
  }
  return dir;
}

/** A copy of the compiled helper in which `module` has one more line. */
function helperWithChanged(module: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-lib-"));
  folders.push(dir);
  fs.cpSync(LIB_ROOT, dir, { recursive: true });
  fs.appendFileSync(path.join(dir, module), "\n// changed\n");
  return dir;
}

/**
 * The helper modules that Node itself loads when it requires `entries` (a fresh process, read
 * from require.cache): the run-time module graph, found without the walk under test.
 */
function loadedModules(entries: readonly string[]): string[] {
  const script = `
    const path = require("node:path");
    const [root, ...entries] = process.argv.slice(1);
    for (const entry of entries) require(path.join(root, entry));
    const names = Object.keys(require.cache)
      .filter((file) => file.startsWith(root + path.sep))
      .map((file) => path.relative(root, file).split(path.sep).join("/"));
    process.stdout.write(JSON.stringify(names));`;
  const result = spawnSync(process.execPath, ["-e", script, LIB_ROOT, ...entries], {
    encoding: "utf8",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe("code versions", () => {
  it("cover every module the entries reach through require(), and no other", () => {
    const dir = writeModules({
      "a.js": 'const b = require("./b");\nconst p = require("./figures/p");',
      "b.js": 'require("./x/c"); // not a module: "./nothing"',
      "x/c.js": "exports.c = 1;",
      "d.js": "exports.d = 1;",
      "figures/p.js": 'require("../e");',
      "e.js": "exports.e = 1;",
    });
    // figures/ is followed (e.js is reached through it) but not hashed itself.
    assert.deepEqual(reachedModules(["a.js"], dir), ["a.js", "b.js", "e.js", "x/c.js"]);
    const before = codeVersion(["a.js"], dir);
    const changed = (name: string) => {
      const copy = writeModules({});
      fs.cpSync(dir, copy, { recursive: true });
      fs.appendFileSync(path.join(copy, name), "\n// changed\n");
      return codeVersion(["a.js"], copy);
    };
    assert.notEqual(changed("x/c.js"), before, "a module two requires deep");
    assert.notEqual(changed("e.js"), before, "a module reached through a showing folder");
    assert.equal(changed("d.js"), before, "a module no entry reaches");
    assert.equal(changed("figures/p.js"), before, "a module that only shows results");
  });

  it("refuse a graph with a missing module, naming it and who requires it", () => {
    const dir = writeModules({ "a.js": 'require("./gone");' });
    assert.throws(() => reachedModules(["a.js"], dir), /gone\.js \(required by a\.js\) is not in/);
  });

  for (const [name, entries] of [
    ["a GAN training (trainGan, runGanJob, trainGanLive's steps)", TRAINING_ENTRIES],
    ["a ring experiment (the stacked step, runRingExperiment)", RING_ENTRIES],
    ["the digit classifier", CLASSIFIER_ENTRIES],
  ] as const)
    it(`of ${name} hold every module Node loads for it, outside the showing folders`, () => {
      const version = new Set(reachedModules(entries));
      const missing = loadedModules(entries).filter(
        (m) => !SHOWING_FOLDERS.includes(m.split("/")[0]) && !version.has(m),
      );
      assert.deepEqual(missing, [], `reached by ${entries.join(", ")} but not in its version`);
    });

  it("name the modules that decide each training", () => {
    const gan = reachedModules(TRAINING_ENTRIES);
    for (const m of ["train/steps.js", "train/loop.js", "train/gan.js", "core/wasm.js"])
      assert.ok(gan.includes(m), `${m} in the GAN training's version`);
    for (const m of ["measure/scores.js", "experiments/background.js"])
      assert.ok(!gan.includes(m), `${m} decides no GAN training`);
    const ring = reachedModules(RING_ENTRIES);
    for (const m of [
      "nets/batchnorm.js",
      "train/stackedgan.js",
      "core/wasm.js",
      "experiments/ringjob.js",
    ])
      assert.ok(ring.includes(m), `${m} in the ring experiment's version`);
  });

  it("change notebook 07's cache key when the fused BatchNorm changes, not when a plot does", () => {
    assert.notEqual(ringCodeVersion(helperWithChanged("nets/batchnorm.js")), ringCodeVersion());
    assert.notEqual(trainingCodeVersion(helperWithChanged("core/wasm.js")), trainingCodeVersion());
    assert.equal(ringCodeVersion(helperWithChanged("figures/plots.js")), ringCodeVersion());
    assert.equal(
      trainingCodeVersion(helperWithChanged("measure/scores.js")),
      trainingCodeVersion(),
    );
  });
});
