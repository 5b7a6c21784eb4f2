import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import { tf } from "../lib/core/backend";
import { deviation, digitsDrawn, mean, median } from "../lib/core/stats";
import {
  judgeRingClaim,
  replicatedVerdict,
  ringRunCollapsed,
  ringRunLearned,
  verdict,
  type RingRunAtCheck,
} from "../lib/measure/verdicts";
import { buildMlpGenerator } from "../lib/nets/mlp";
import { maxOutputGap } from "../lib/nets/summary";
import { saveFigure } from "../lib/notebook/output";
import { DEFAULT_CACHE_DIR } from "../lib/store/cache";
import { loadRingRecord, RECORDS_DIR } from "../lib/experiments/records";

describe("stats", () => {
  it("mean, median (odd and even counts) and deviation, against hand computations", () => {
    assert.equal(mean([1, 2, 3, 10]), 4);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([10, 1, 3, 2]), 2.5, "the mean of the two middle values");
    assert.equal(deviation([2, 4, 4, 4, 5, 5, 7, 9]), 2);
    assert.throws(() => mean([]), /mean needs a non-empty list/);
    assert.throws(() => median([]), /median needs a non-empty list/);
  });

  it("digitsDrawn counts the classes holding at least the share", () => {
    assert.equal(digitsDrawn([980, 20, 0, 19]), 1, "20 of 1,019 is 1.96 %: below 2 %");
    assert.equal(digitsDrawn([500, 20, 480]), 3, "20 of 1,000 is exactly 2 %");
    assert.equal(digitsDrawn([50, 50, 0], 0.5), 2);
    assert.throws(() => digitsDrawn([0, 0]), /at least one sample/);
    assert.throws(() => digitsDrawn([1, 2], 0), /share must be in \(0, 1\]/);
  });
});

describe("verdict", () => {
  it("reads yes first, then no, else unclear", () => {
    assert.equal(verdict(true, false), "reproduced");
    assert.equal(verdict(false, true), "not reproduced");
    assert.equal(verdict(false, false), "unclear");
    assert.throws(() => verdict(1 as unknown as boolean, false), /two booleans/);
  });
});

describe("maxOutputGap", () => {
  it("is 0 for the same weights and the largest absolute difference otherwise", () => {
    const args = { latentSize: 4, hiddenUnits: [8], seed: 1 };
    const [a, b, c] = [buildMlpGenerator(args), buildMlpGenerator(args), buildMlpGenerator(args)];
    const x = tf.randomNormal([3, 4], 0, 1, "float32", 7);
    const before = tf.memory().numTensors;
    assert.equal(maxOutputGap(a, b, x), 0);
    const shifted = c.layers[c.layers.length - 1].getWeights();
    c.layers[c.layers.length - 1].setWeights([shifted[0], tf.add(shifted[1], 0.25)]);
    const expected = tf.tidy(
      () =>
        tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, c.predict(x) as tf.Tensor))).dataSync()[0],
    );
    assert.ok(expected > 0);
    assert.equal(maxOutputGap(a, c, x), expected);
    assert.equal(tf.memory().numTensors, before + 1, "only the new bias (of c) stays");
    [a, b, c].forEach((m) => m.dispose());
    x.dispose();
  });
});

describe("saveFigure and the default cache folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-figures-"));
  const cwd = process.cwd();
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes figures/<name> at full settings and figures/<stem>-quick.<ext> at quick ones", () => {
    process.chdir(dir);
    const quick = process.env.GAN_QUICK;
    try {
      delete process.env.GAN_QUICK;
      assert.equal(
        saveFigure("01-a.png", new Uint8Array([1, 2])),
        path.join("figures", "01-a.png"),
      );
      process.env.GAN_QUICK = "1";
      assert.equal(
        saveFigure("01-a.gif", new Uint8Array([3])),
        path.join("figures", "01-a-quick.gif"),
      );
    } finally {
      if (quick === undefined) delete process.env.GAN_QUICK;
      else process.env.GAN_QUICK = quick;
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, "figures")).sort(), [
      "01-a-quick.gif",
      "01-a.png",
    ]);
    assert.deepEqual([...fs.readFileSync(path.join(dir, "figures", "01-a.png"))], [1, 2]);
  });

  it("refuses a name that is no .png or .gif file name, and a plotly figure as GIF", () => {
    assert.throws(() => saveFigure("a.svg", new Uint8Array()), /\.png or \.gif, got "a\.svg"/);
    assert.throws(() => saveFigure("sub/a.png", new Uint8Array()), /got "sub\/a\.png"/);
    assert.throws(() => saveFigure("a.gif", { data: [], layout: {} }), /saved as PNG/);
  });

  it("puts the caches in the project's data/ folder, wherever the kernel runs", () => {
    assert.ok(fs.existsSync(path.join(DEFAULT_CACHE_DIR, "README.md")), DEFAULT_CACHE_DIR);
    assert.equal(path.basename(DEFAULT_CACHE_DIR), "data");
  });

  it("moves them where GAN_CACHE_DIR says, resolved to an absolute path", () => {
    const read = (value: string | undefined) => {
      const env = { ...process.env };
      if (value === undefined) delete env.GAN_CACHE_DIR;
      else env.GAN_CACHE_DIR = value;
      const script = `process.stdout.write(require(${JSON.stringify(require.resolve("../lib/store/cache"))}).DEFAULT_CACHE_DIR)`;
      return execFileSync(process.execPath, ["-e", script], { env, encoding: "utf8" });
    };
    assert.equal(read("relative/caches"), path.resolve("relative/caches"));
    assert.equal(read(undefined), DEFAULT_CACHE_DIR);
    assert.equal(read(""), DEFAULT_CACHE_DIR);
  });
});

describe("the ring claim's rule and replicated verdicts", () => {
  const collapsedRun = { nearest: [990, 10, 0, 0, 0, 0, 0, 0], highQualityShare: 0.9 };
  const learnedRun = { nearest: [125, 125, 125, 125, 125, 125, 125, 125], highQualityShare: 0.9 };
  const blurryRun = { nearest: [125, 125, 125, 125, 125, 125, 125, 125], highQualityShare: 0.1 };
  const fourOf = (run: RingRunAtCheck) => [run, run, run, run];

  it("reads collapse from where the mass is and learning from mass and sharpness", () => {
    assert.equal(ringRunCollapsed(collapsedRun), true);
    assert.equal(ringRunLearned(collapsedRun), false);
    assert.equal(ringRunCollapsed(learnedRun), false);
    assert.equal(ringRunLearned(learnedRun), true);
    assert.equal(ringRunCollapsed(blurryRun), false, "blurry is not collapsed");
    assert.equal(ringRunLearned(blurryRun), false, "and has not learned the mixture");
  });

  it("judges one replication by the rule: reproduced, not reproduced, unclear", () => {
    assert.equal(judgeRingClaim(fourOf(collapsedRun), fourOf(learnedRun)), "reproduced");
    assert.equal(judgeRingClaim(fourOf(learnedRun), fourOf(learnedRun)), "not reproduced");
    assert.equal(judgeRingClaim(fourOf(collapsedRun), fourOf(collapsedRun)), "not reproduced");
    const half = [collapsedRun, collapsedRun, blurryRun, blurryRun];
    assert.equal(judgeRingClaim(half, [learnedRun, learnedRun, blurryRun, blurryRun]), "unclear");
    assert.throws(() => judgeRingClaim([], [learnedRun]), /runs of both objectives/);
  });

  it("publishes a verdict only when every replication gives it", () => {
    assert.equal(replicatedVerdict(["reproduced", "reproduced"]), "reproduced");
    assert.equal(replicatedVerdict(["reproduced", "not reproduced"]), "unclear");
    assert.equal(replicatedVerdict(["not reproduced"]), "not reproduced");
    assert.throws(() => replicatedVerdict([]), /at least one verdict/);
  });
});

describe("loadRingRecord", () => {
  it("reads a committed record by name, and names the command that makes a missing one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-records-"));
    try {
      fs.writeFileSync(
        path.join(dir, "x.json"),
        JSON.stringify({ spec: { name: "x" }, replications: [] }),
      );
      assert.deepEqual(loadRingRecord("x", dir).replications, []);
      assert.throws(() => loadRingRecord("y", dir), /make it with `npm run record -- y`/);
      fs.writeFileSync(path.join(dir, "z.json"), JSON.stringify({ spec: { name: "x" } }));
      assert.throws(() => loadRingRecord("z", dir), /holds the record of "x", not of z/);
      assert.equal(path.basename(RECORDS_DIR), "records");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
