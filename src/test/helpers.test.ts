import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";

import { tf } from "../lib/core/backend";
import { deviation, digitsDrawn, mean, median } from "../lib/core/stats";
import {
  compareSides,
  judgeUpdateClaim,
  replicatedComparison,
  runFails,
  runTrains,
  AUTHORS_READING,
  judgeGridObservations,
  SOURCE_POST_READING,
  type GridCells,
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
import { COMPARE_PROTOCOL } from "../lib/protocols/digits";
import { GRID_PROTOCOL, MAIN_PROTOCOL } from "../lib/protocols/ring";
import { ganRecordJobs } from "../lib/experiments/ganrecords";
import {
  loadRingRecord,
  makeRingRecord,
  recordJobs,
  RECORDS_DIR,
} from "../lib/experiments/records";

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

describe("the grid's rules (judgeGridObservations)", () => {
  const collapsed = { nearest: [990, 10, 0, 0, 0, 0, 0, 0], highQualityShare: 0.9 };
  const learned = { nearest: [125, 125, 125, 125, 125, 125, 125, 125], highQualityShare: 0.9 };
  const blurry = { nearest: [125, 125, 125, 125, 125, 125, 125, 125], highQualityShare: 0.1 };
  type Run = RingRunAtCheck;
  /** Eight runs: `c` collapsed, `l` learned, the rest blurry. */
  const runs = (c: number, l: number): Run[] =>
    Array.from({ length: 8 }, (_, i) => (i < c ? collapsed : i < c + l ? learned : blurry));
  /** A grid where every cell is blurry except those given as "row|opt|objective". */
  const grid =
    (cells: Record<string, Run[]>): GridCells =>
    (row, opt, objective) =>
      cells[`${row}|${opt}|${objective}`] ?? runs(0, 0);

  it("reproduces each observation where its outcome was built in, in the reading given", () => {
    const seen = grid({
      "G|Adam|GAN": runs(8, 0), // 1: GAN collapses, LSGAN learns
      "G|Adam|LSGAN": runs(0, 7),
      "G and D|RMSProp|GAN": runs(3, 0), // 2: GAN collapses slightly, LSGAN less
      "G and D|RMSProp|LSGAN": runs(1, 0),
      "G|RMSProp|GAN": runs(0, 6), // 4: GAN learns with RMSProp (and 3: alike with LSGAN)
      "G|RMSProp|LSGAN": runs(0, 5),
    });
    assert.deepEqual(judgeGridObservations(seen, SOURCE_POST_READING), [
      "reproduced",
      "reproduced",
      "reproduced",
      "reproduced",
    ]);
    // The authors' reading looks at other rows (D, none), all blurry here: nothing collapses or learns.
    assert.deepEqual(judgeGridObservations(seen, AUTHORS_READING), [
      "not reproduced",
      "not reproduced",
      "reproduced",
      "not reproduced",
    ]);
  });

  it("says not reproduced or unclear where the data say so", () => {
    const reversed = grid({
      "none|Adam|GAN": runs(0, 8), // 1 reversed: LSGAN collapses, GAN learns
      "none|Adam|LSGAN": runs(8, 0), // 3: unlike in BN_GD, Adam
      "none|RMSProp|GAN": runs(2, 0), // 2: LSGAN collapses as often, learns no more
      "none|RMSProp|LSGAN": runs(2, 0),
      "D|Adam|GAN": runs(4, 0), // 1 and 4: half the GAN runs collapse: unclear
      "D|Adam|LSGAN": runs(0, 4),
      "D|RMSProp|GAN": runs(0, 1),
    });
    assert.deepEqual(judgeGridObservations(reversed, AUTHORS_READING), [
      "unclear",
      "not reproduced",
      "not reproduced",
      "unclear",
    ]);
    assert.throws(
      () => judgeGridObservations(() => [], SOURCE_POST_READING),
      /runs of both objectives|a cell has no runs/,
    );
  });
});

describe("notebook 08's rules for several seeds (judgeUpdateClaim, compareSides)", () => {
  const trains = { confident: 0.4, counts: [100, 100, 100, 100, 100, 100, 100, 100, 100, 100] };
  const fails = { confident: 0.5, counts: [980, 20, 0, 0, 0, 0, 0, 0, 0, 0] };
  const between = { confident: 0.1, counts: trains.counts };
  it("reads a run as training or failing by the confident share and the digits drawn", () => {
    assert.deepEqual([runTrains(trains), runFails(trains)], [true, false]);
    assert.deepEqual([runTrains(fails), runFails(fails)], [false, true], "one digit: fails");
    assert.deepEqual([runTrains(between), runFails(between)], [false, false]);
  });
  it("judges the claim by most runs of each scheme", () => {
    const four = (r: typeof trains) => [r, r, r, r];
    assert.equal(judgeUpdateClaim(four(fails), four(trains)), "reproduced");
    assert.equal(judgeUpdateClaim([fails, fails, fails, trains], four(trains)), "reproduced");
    assert.equal(judgeUpdateClaim(four(trains), four(trains)), "not reproduced");
    assert.equal(judgeUpdateClaim([fails, fails, trains, trains], four(trains)), "unclear");
    assert.throws(() => judgeUpdateClaim([], [trains]), /runs of both schemes/);
  });
  it("calls a side ahead when it wins 3/4 of the cross pairs, ties counting half", () => {
    assert.equal(compareSides([5, 6, 7, 8], [1, 2, 3, 4]), "first ahead");
    assert.equal(compareSides([1, 2], [3, 4]), "second ahead");
    // 4, 3 against 3.5, 1: wins 1 + 1 + 0 + 1 = 3 of 4.
    assert.equal(compareSides([4, 3], [3.5, 1]), "first ahead");
    // 3, 2 against 3, 1: wins 0.5 + 1 + 0 + 1 = 2.5 of 4.
    assert.equal(compareSides([3, 2], [3, 1]), "within the spread");
    assert.equal(replicatedComparison(["first ahead", "first ahead"]), "first ahead");
    assert.equal(replicatedComparison(["first ahead", "within the spread"]), "unclear");
  });
  it("replicates notebook 08's runs: 4 seeds per design, twice, on fresh seeds", () => {
    const jobs = ganRecordJobs(COMPARE_PROTOCOL);
    assert.equal(jobs.length, 2 * (4 * 4 + 2 * 4));
    assert.equal(new Set(jobs.map((j) => j.job.name)).size, jobs.length, "names are distinct");
    const seedsOf = (r: number) =>
      COMPARE_PROTOCOL.replications[r].jobs.flatMap((j) => [
        (j.job.generator.args as { seed: number }).seed,
        j.job.gan.seed,
        j.job.batches.seed,
      ]);
    const [first, second] = [seedsOf(0), seedsOf(1)];
    assert.equal(first.filter((s) => second.includes(s)).length, 0, "no seed shared");
    const few = jobs.filter((j) => j.reading === "digits");
    assert.deepEqual(
      [...new Set(few.map((j) => `${j.design.objective} ${j.design.update}`))].sort(),
      ["BCE one", "BCE two", "LS one", "LS two"],
    );
  });
});

describe("the committed records", () => {
  it("were made by the protocols gan-kit holds now (07-main, 07-grid, 08-compare)", () => {
    for (const spec of [MAIN_PROTOCOL, GRID_PROTOCOL, COMPARE_PROTOCOL]) {
      const record = JSON.parse(
        fs.readFileSync(path.join(RECORDS_DIR, `${spec.name}.json`), "utf8"),
      );
      assert.deepEqual(record.spec, JSON.parse(JSON.stringify(spec)), spec.name);
    }
  });
});

describe("recorded experiments with rows (07-grid)", () => {
  it("trains every row in every replication on the same seeds, and records which is which", () => {
    const jobs = recordJobs(GRID_PROTOCOL, "/tmp/x");
    assert.deepEqual(
      jobs.map((j) => j.name),
      ["none", "d", "g", "g-and-d"]
        .flatMap((row) => [`07-grid-r1-${row}`])
        .concat(["none", "d", "g", "g-and-d"].map((row) => `07-grid-r2-${row}`)),
    );
    const bn = (spec: { args: object }) => (spec.args as { batchNorm: boolean }).batchNorm;
    assert.deepEqual(
      jobs.slice(0, 4).map((j) => [bn(j.generators[0]), bn(j.discriminators[0])]),
      [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ],
    );
    const seedOf = (spec: { args: object }) => (spec.args as { seed: number }).seed;
    assert.deepEqual(jobs[0].generators.map(seedOf), jobs[3].generators.map(seedOf));
    assert.deepEqual(
      jobs[1].discriminators.map(seedOf),
      [7101, 7102, 7103, 7104, 7105, 7106, 7107, 7108],
    );
    assert.equal(jobs[4].settings.seed, 8001);
    const meta = { date: "", seconds: 0, command: "" } as never;
    const record = makeRingRecord(
      GRID_PROTOCOL,
      jobs.map(() => ({ runs: [], seconds: 1, fromCache: false, cachePath: null })),
      meta,
    );
    assert.deepEqual(record.replications.map((r) => `${r.baseSeed} ${r.row}`).slice(2, 6), [
      "7001 G",
      "7001 G and D",
      "8001 none",
      "8001 D",
    ]);
    assert.throws(() => makeRingRecord(GRID_PROTOCOL, [], meta), /8 replications and rows/);
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
