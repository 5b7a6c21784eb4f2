import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  buildModel,
  changeJob,
  createOptimizer,
  LEAST_SQUARES,
  NON_SATURATING,
  runGanJob,
  runRingJob,
  SEPARATE_UPDATES,
  startBackgroundTraining,
  tf,
  trainingCachePath,
  trainingCodeVersion,
  type GanJob,
  type OptimizerSpec,
  type RingJob,
} from "../lib";

function tinyJob(cacheDir: string, name: string, overrides: Partial<GanJob> = {}): GanJob {
  return {
    cacheDir,
    name,
    generator: {
      builder: "buildMlpGenerator",
      args: { latentSize: 8, hiddenUnits: [16], seed: 1 },
    },
    discriminator: {
      builder: "buildMlpDiscriminator",
      args: { hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 },
    },
    gan: { learningRate: 1e-3, beta1: 0.5, seed: 3 },
    data: { layout: "flat", seed: 4 },
    batches: { batchSize: 16, seed: 5 },
    steps: 30,
    averageDecay: 0.9,
    ...overrides,
  };
}

const weightsOf = (model: tf.LayersModel) =>
  model.getWeights().flatMap((w) => Array.from(w.dataSync()));

describe("GAN jobs", () => {
  it("build their networks from builder names and arguments, and refuse an unknown builder by name", () => {
    const g = buildModel({
      builder: "buildMlpGenerator",
      args: { latentSize: 8, hiddenUnits: [16], seed: 1 },
    });
    assert.deepEqual(g.outputs[0].shape, [null, 784]);
    assert.throws(
      () => buildModel({ builder: "buildResNet", args: {} } as never),
      /unknown builder "buildResNet"/,
    );
  });

  it("change in one thing at a time: a new name, the game merged field by field, a repeated name refused", () => {
    const base = tinyJob("/tmp/unused", "base");
    const ls = changeJob(base, { name: "ls", gan: { objective: LEAST_SQUARES.spec } });
    assert.deepEqual(ls, {
      ...base,
      name: "ls",
      gan: { ...base.gan, objective: LEAST_SQUARES.spec },
    });
    assert.equal(base.gan.objective, undefined, "the job changed from is left as it was");
    const longer = changeJob(ls, { name: "longer", steps: 60 });
    assert.deepEqual([longer.steps, longer.gan], [60, ls.gan]);
    assert.throws(() => changeJob(base, { name: "base", steps: 60 }), /new name, not "base"/);
  });

  it("train once, then load the same weights, averaged weights and history from the cache", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-"));
    const steps: number[] = [];
    const first = await runGanJob(tinyJob(cacheDir, "tiny"), (step) => steps.push(step));
    assert.equal(first.fromCache, false);
    assert.equal(first.history.length, 30);
    assert.deepEqual(
      steps,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    assert.ok(first.averaged !== undefined);
    assert.notDeepEqual(
      weightsOf(first.averaged),
      weightsOf(first.generator),
      "the average lags behind the latest weights",
    );
    const again = await runGanJob(tinyJob(cacheDir, "tiny"));
    assert.equal(again.fromCache, true);
    assert.deepEqual(weightsOf(again.generator), weightsOf(first.generator));
    assert.deepEqual(weightsOf(again.averaged!), weightsOf(first.averaged));
    assert.deepEqual(again.history, first.history);
    // The same job written with its fields in another order is the same job.
    const job = tinyJob(cacheDir, "tiny");
    const reordered = Object.fromEntries(
      Object.entries({
        ...job,
        gan: Object.fromEntries(Object.entries(job.gan).reverse()),
      }).reverse(),
    ) as unknown as GanJob;
    assert.equal((await runGanJob(reordered)).fromCache, true);
    const longer = await runGanJob(tinyJob(cacheDir, "tiny", { steps: 31 }));
    assert.equal(longer.fromCache, false, "a changed job trains again");
  });

  it("train the many-class LSGAN on two-digit numbers with two discriminator updates, and reload it", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-"));
    const conditional = {
      numClasses: 100,
      labelEncoding: "linear",
      labelSize: 8,
      channels: 8,
    } as const;
    const job = tinyJob(cacheDir, "two-digit", {
      generator: {
        builder: "buildConditionalLsganGenerator",
        args: { ...conditional, latentSize: 8, seed: 1 },
      },
      discriminator: {
        builder: "buildConditionalLsganDiscriminator",
        args: { ...conditional, seed: 2 },
      },
      gan: {
        learningRate: 1e-3,
        objective: LEAST_SQUARES.spec,
        discriminatorUpdate: SEPARATE_UPDATES,
        seed: 3,
      },
      data: { source: "two-digit numbers", seed: 4 },
      batches: { batchSize: 8, seed: 5 },
      steps: 3,
      averageDecay: undefined,
    });
    const first = await runGanJob(job);
    assert.equal(first.fromCache, false);
    assert.equal(first.history.length, 3);
    assert.deepEqual(first.generator.outputs[0].shape, [null, 28, 56, 1]);
    const again = await runGanJob(job);
    assert.equal(again.fromCache, true);
    assert.deepEqual(weightsOf(again.generator), weightsOf(first.generator));
    const summed = await runGanJob({ ...job, gan: { ...job.gan, discriminatorUpdate: undefined } });
    assert.equal(summed.fromCache, false, "the update scheme is part of the job");
    assert.notDeepEqual(weightsOf(summed.discriminator), weightsOf(first.discriminator));
    [first, again, summed].forEach((run) =>
      [run.generator, run.discriminator].forEach((m) => m.dispose()),
    );
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("run in background processes two at a time, and their cached results match a run in this process", async () => {
    const [here, there] = [
      fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-")),
      fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-")),
    ];
    const jobs = [
      tinyJob(there, "a"),
      tinyJob(there, "b", { gan: { learningRate: 2e-3, beta1: 0.5, seed: 3 } }),
      tinyJob(there, "c", { steps: 20 }),
    ];
    const exitListeners = process.listenerCount("exit");
    const background = startBackgroundTraining(jobs, { processes: 2 });
    assert.equal(background.status().length, 3);
    assert.equal(process.listenerCount("exit"), exitListeners + 1);
    await background.done;
    assert.deepEqual(
      background.status().map((line) => line.replace(/ in \d+ s$/, "")),
      ["a: 30 of 30 steps, done", "b: 30 of 30 steps, done", "c: 20 of 20 steps, done"],
    );
    assert.equal(
      process.listenerCount("exit"),
      exitListeners,
      "the exit listener is removed when the jobs end",
    );
    const loaded = await runGanJob(jobs[0]);
    assert.equal(loaded.fromCache, true);
    const local = await runGanJob(tinyJob(here, "a"));
    // One TensorFlow thread there, two here: the same arithmetic up to the order of float sums.
    loaded.history.forEach((m, i) => {
      assert.ok(
        Math.abs(m.dLoss - local.history[i].dLoss) < 1e-3 &&
          Math.abs(m.gLoss - local.history[i].gLoss) < 1e-3,
        `step ${i + 1}: ${m.dLoss}, ${m.gLoss} there vs ${local.history[i].dLoss}, ${local.history[i].gLoss} here`,
      );
    });
  });

  it("run a ring experiment in the background, which this process then loads from the cache", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-"));
    const adam: OptimizerSpec = { rule: "adam", args: { learningRate: 1e-3, beta1: 0.5 } };
    const rms: OptimizerSpec = { rule: "rmsprop", args: { learningRate: 1e-3 } };
    const job: RingJob = {
      kind: "ring",
      cacheDir,
      name: "ring",
      ring: { modes: 8, radius: 2, sd: 0.02 },
      generators: [1, 2].map((seed) => ({
        builder: "buildMlpGenerator" as const,
        args: {
          latentSize: 8,
          hiddenUnits: [16],
          outputSize: 2,
          outputActivation: "linear" as const,
          seed,
        },
      })),
      discriminators: [3, 4].map((seed) => ({
        builder: "buildMlpDiscriminator" as const,
        args: { inputSize: 2, hiddenUnits: [16], activation: "tanh" as const, seed },
      })),
      groups: [
        {
          name: "GAN, Adam",
          objective: NON_SATURATING.spec,
          generatorOptimizer: adam,
          discriminatorOptimizer: adam,
        },
        {
          name: "LSGAN, Adam",
          objective: LEAST_SQUARES.spec,
          generatorOptimizer: adam,
          discriminatorOptimizer: adam,
        },
        {
          name: "GAN, RMSProp",
          objective: NON_SATURATING.spec,
          generatorOptimizer: rms,
          discriminatorOptimizer: rms,
        },
      ],
      settings: {
        steps: 30,
        batchSize: 16,
        latentSize: 8,
        seed: 5,
        checkEvery: 10,
        checkSamples: 40,
        recordEvery: 5,
      },
    };
    const background = startBackgroundTraining([job], { processes: 1 });
    await background.done;
    assert.deepEqual(
      background.status().map((line) => line.replace(/ in \d+ s$/, "")),
      ["ring: 30 of 30 steps, done"],
    );
    const loaded = await runRingJob(job);
    assert.equal(loaded.fromCache, true);
    assert.deepEqual(
      loaded.runs.map((r) => `${r.group} ${r.seed}`),
      [
        "GAN, Adam 0",
        "GAN, Adam 1",
        "LSGAN, Adam 0",
        "LSGAN, Adam 1",
        "GAN, RMSProp 0",
        "GAN, RMSProp 1",
      ],
    );
    assert.deepEqual(
      loaded.runs[0].checks.map((c) => c.step),
      [0, 10, 20, 30],
    );
    assert.throws(() => createOptimizer({ rule: "sgd" } as never), /unknown optimiser rule "sgd"/);
  });

  it("report a job that fails in its process, with its error, and refuse two jobs of one name", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-"));
    const broken = tinyJob(cacheDir, "broken", { batches: { batchSize: 20000, seed: 5 } });
    const background = startBackgroundTraining([broken, tinyJob(cacheDir, "after")], {
      processes: 1,
    });
    await assert.rejects(
      background.done,
      /background job broken failed \(exit status 1\):[\s\S]*batchSize 20000 is larger than the data/,
    );
    assert.match(background.status()[0], /^broken: 0 of 30 steps, failed in \d+ s$/);
    assert.equal(background.status()[1], "after: 0 of 30 steps, not run");
    assert.equal(fs.readdirSync(cacheDir).length, 0, "a failed job leaves no cache behind");
    assert.throws(
      () => startBackgroundTraining([tinyJob(cacheDir, "x"), tinyJob(cacheDir, "x")]),
      /two background jobs are named "x"/,
    );
  });
});

describe("training cache keys", () => {
  it("change with the training code: a copy of the compiled helper with one changed optimiser line gets another version", () => {
    const lib = path.join(__dirname, "..", "lib");
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "gan-code-"));
    fs.cpSync(lib, copy, { recursive: true });
    assert.equal(
      trainingCodeVersion(copy),
      trainingCodeVersion(lib),
      "the same code, the same version",
    );
    const changed = fs.mkdtempSync(path.join(os.tmpdir(), "gan-code-"));
    fs.cpSync(copy, changed, { recursive: true });
    fs.appendFileSync(path.join(changed, "optim", "optimizer.js"), "\n// a change to LeanAdam\n");
    assert.notEqual(trainingCodeVersion(changed), trainingCodeVersion(lib));
    const g = buildModel({
      builder: "buildMlpGenerator",
      args: { latentSize: 8, hiddenUnits: [16], seed: 1 },
    });
    const d = buildModel({
      builder: "buildMlpDiscriminator",
      args: { hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 },
    });
    const key = (codeVersion?: string) =>
      trainingCachePath({
        cacheDir: "data",
        name: "x",
        settings: { steps: 1 },
        generator: g,
        discriminator: d,
        codeVersion,
      });
    assert.equal(key(), key(trainingCodeVersion(lib)));
    assert.notEqual(key(trainingCodeVersion(changed)), key());
    [copy, changed].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it("a partial folder left by a stopped run is removed when the entry is written", async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-jobs-"));
    const job = tinyJob(cacheDir, "left", { steps: 2 });
    const g = buildModel(job.generator);
    const d = buildModel(job.discriminator);
    const { cacheDir: _dir, name: _name, ...settings } = job;
    const entry = trainingCachePath({
      cacheDir,
      name: "left",
      settings,
      generator: g,
      discriminator: d,
    });
    fs.mkdirSync(`${entry}.partial-999999999`, { recursive: true }); // no such process
    await runGanJob(job);
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(entry)]);
  });
});
