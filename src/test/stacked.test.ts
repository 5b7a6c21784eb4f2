import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  ALTERNATING_UPDATES,
  SIMULTANEOUS_UPDATES,
  type PlayerUpdates,
  buildMlpDiscriminator,
  buildMlpGenerator,
  createRingMixture,
  createStackedGan,
  createStackedWeightAverage,
  disposeStackedGan,
  LEAST_SQUARES,
  LeanAdam,
  LeanRmsProp,
  NON_SATURATING,
  orthogonalInit,
  runRingExperiment,
  stackModels,
  tf,
  trainStackedStep,
  type Objective,
  type StackedGroup,
} from "../lib";

const maxDifference = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Ring-sized networks (small widths, so that the tests run fast). */
const ringG = (seed: number, batchNorm = false) =>
  buildMlpGenerator({
    latentSize: 8,
    hiddenUnits: [16, 16],
    outputSize: 2,
    activation: "tanh",
    outputActivation: "linear",
    batchNorm,
    kernelInit: orthogonalInit(1.4),
    seed,
  });
const ringD = (seed: number, batchNorm = false) =>
  buildMlpDiscriminator({
    inputSize: 2,
    hiddenUnits: [16, 16],
    activation: "tanh",
    batchNorm,
    seed,
  });

describe("stacked MLPs", () => {
  for (const batchNorm of [false, true]) {
    it(`compute, run by run, what each model computes${batchNorm ? " (BatchNorm with batch statistics)" : ""}`, () => {
      const models = [ringG(1, batchNorm), ringG(2, batchNorm), ringG(3, batchNorm)];
      const stacked = stackModels(models);
      assert.equal(stacked.runs, 3);
      assert.equal(stacked.hasBatchNorm, batchNorm);
      assert.deepEqual(stacked.variables[0].shape, [3, 8, 16]);
      const x = tf.randomNormal([3, 32, 8], 0, 1, "float32", 4) as tf.Tensor3D;
      const out = stacked.apply(x);
      assert.deepEqual(out.shape, [3, 32, 2]);
      models.forEach((m, r) => {
        const expected = m.apply(x.slice([r, 0, 0], [1, 32, 8]).reshape([32, 8]), {
          training: true,
        }) as tf.Tensor;
        const got = out.slice([r, 0, 0], [1, 32, 2]).reshape([32, 2]);
        assert.ok(maxDifference(got, expected) < 1e-5, `run ${r}: ${maxDifference(got, expected)}`);
      });
      tf.dispose([x, out]);
      stacked.dispose();
      models.forEach((m) => m.dispose());
    });
  }

  it("refuses models of different architectures and layers it cannot stack, naming them", () => {
    const [a, b] = [ringG(1), ringG(2, true)];
    assert.throws(
      () => stackModels([a, b]),
      /model 1 \(.*\) has another architecture than model 0/,
    );
    assert.throws(() => stackModels([]), /at least one model/);
    const conv = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [2, 2], name: "flat" })],
    });
    assert.throws(() => stackModels([conv]), /layer flat of class Flatten is not supported/);
    [a, b, conv].forEach((m) => m.dispose());
  });
});

/**
 * The reference: one run trained alone, as the series' `trainStep` does it (a D update with tf.train.adam on the
 * real batch and fakes from fresh noise, then a G update through the updated D on fresh noise).
 */
function trainAlone(
  g: tf.LayersModel,
  d: tf.LayersModel,
  objective: Objective,
  batches: Array<{ real: tf.Tensor2D; z1: tf.Tensor2D; z2: tf.Tensor2D }>,
  [optD, optG]: [tf.Optimizer, tf.Optimizer],
  simultaneous = false,
) {
  const vars = (m: tf.LayersModel) =>
    m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  for (const { real, z1, z2 } of batches) {
    tf.tidy(() => {
      const fakes = g.apply(z1, { training: true }) as tf.Tensor;
      if (simultaneous) {
        // By hand: both gradients from the weights as they are, on the same noise, then both steps.
        const dGrads = tf.variableGrads(() => {
          const both = d.apply(tf.concat([real, fakes]), { training: true }) as tf.Tensor;
          const [r, f] = tf.split(both, 2);
          return objective.discriminatorCost(r, f) as tf.Scalar;
        }, vars(d)).grads;
        const gGrads = tf.variableGrads(
          () =>
            objective.generatorCost(
              d.apply(g.apply(z1, { training: true }), { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          vars(g),
        ).grads;
        optD.applyGradients(dGrads);
        optG.applyGradients(gGrads);
        return;
      }
      optD.minimize(
        () => {
          // With BatchNorm, D judges the real and the fake batch apart (each with its own statistics).
          if (d.layers.some((l) => l.getClassName().includes("BatchNormalization"))) {
            const [r, f] = [real, fakes].map((x) => d.apply(x, { training: true }) as tf.Tensor);
            return objective.discriminatorCost(r, f);
          }
          const both = d.apply(tf.concat([real, fakes]), { training: true }) as tf.Tensor;
          const [r, f] = tf.split(both, 2);
          return objective.discriminatorCost(r, f);
        },
        false,
        vars(d),
      );
      optG.minimize(
        () =>
          objective.generatorCost(
            d.apply(g.apply(z2, { training: true }), { training: true }) as tf.Tensor,
          ),
        false,
        vars(g),
      );
    });
  }
  optD.dispose();
  optG.dispose();
}

/** `steps` steps of data per seed: a real batch and two noise batches. */
function makeData(steps: number, seeds: number, batch: number) {
  return Array.from({ length: steps }, (_, t) =>
    Array.from({ length: seeds }, (_, s) => ({
      real: tf.randomNormal([batch, 2], 0, 1, "float32", 100 + 10 * t + s) as tf.Tensor2D,
      z1: tf.randomNormal([batch, 8], 0, 1, "float32", 200 + 10 * t + s) as tf.Tensor2D,
      z2: tf.randomNormal([batch, 8], 0, 1, "float32", 300 + 10 * t + s) as tf.Tensor2D,
    })),
  );
}

/**
 * Trains `groups` on two seeds stacked, then each run alone with the reference optimisers
 * `alone(group)` gives, and requires the generators' weights to agree.
 */
function checkAgainstAlone(
  groups: StackedGroup[],
  alone: (group: number) => [tf.Optimizer, tf.Optimizer],
  batchNorm: boolean,
  tolerance: number,
  updates: PlayerUpdates = ALTERNATING_UPDATES,
) {
  const seeds = 2;
  const nets = Array.from(
    { length: seeds },
    (_, s) => [ringG(10 + s, batchNorm), ringD(20 + s, batchNorm)] as const,
  );
  const gan = createStackedGan({
    generators: nets.map(([g]) => g),
    discriminators: nets.map(([, d]) => d),
    groups,
    updates,
  });
  const steps = 3;
  const data = makeData(steps, seeds, 16);
  const tile = (parts: tf.Tensor2D[]) =>
    tf.tidy(() => tf.tile(tf.stack(parts), [groups.length, 1, 1])) as tf.Tensor3D;
  let afterFirst = 0;
  let metrics = null;
  for (let t = 0; t < steps; t++) {
    const real = tile(data[t].map((b) => b.real));
    const noises = [tile(data[t].map((b) => b.z1)), tile(data[t].map((b) => b.z2))];
    let call = 0;
    metrics = trainStackedStep(gan, real, () => noises[call++], t === steps - 1);
    assert.equal(call, updates === SIMULTANEOUS_UPDATES ? 1 : 2, "noise batches drawn per step");
    tf.dispose([real, ...noises]);
    if (t === 0) afterFirst = tf.memory().numTensors; // with the optimisers' state, made by the first step
  }
  assert.equal(tf.memory().numTensors, afterFirst, "steps after the first make no lasting tensors");
  assert.ok(metrics !== null);
  assert.equal(metrics.dLoss.length, groups.length * seeds);
  const stackedWeights = gan.generator.variables.length / gan.generator.parts.length;
  groups.forEach((group, k) =>
    Array.from({ length: seeds }, (_, s) => {
      const [g, d] = [ringG(10 + s, batchNorm), ringD(20 + s, batchNorm)];
      const optimizers = alone(k);
      trainAlone(
        g,
        d,
        group.objective,
        data.map((perSeed) => perSeed[s]),
        optimizers,
        updates === SIMULTANEOUS_UPDATES,
      );
      optimizers.forEach((o) => o.dispose());
      // the run's weights: its part, then its place in the part
      const r = k * seeds + s;
      let [part, first] = [0, 0];
      while (first + gan.generator.parts[part][0].shape[0] <= r)
        first += gan.generator.parts[part++][0].shape[0];
      const trainable = g.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      assert.equal(trainable.length, stackedWeights);
      trainable.forEach((w, i) => {
        const mine = tf.tidy(() => gan.generator.parts[part][i].slice(r - first, 1).squeeze([0]));
        const expected = w.rank === 1 ? w.reshape([1, -1]) : w;
        const diff = maxDifference(mine, expected);
        assert.ok(
          diff < tolerance,
          `${group.name}, seed ${s}: generator weight ${i} differs by ${diff}`,
        );
        tf.dispose(expected === w ? [mine] : [mine, expected]);
      });
      g.dispose();
      d.dispose();
    }),
  );
  data.flat().forEach((b) => tf.dispose([b.real, b.z1, b.z2]));
  nets.flat().forEach((m) => m.dispose());
  disposeStackedGan(gan);
}

describe("trainStackedStep", () => {
  it("trains every run as if alone: two objectives sharing Adam, on seeds sharing data and noise", () => {
    const [optG, optD] = [
      new LeanAdam({ learningRate: 2e-3, beta1: 0.5, epsilon: 1e-8 }),
      new LeanAdam({ learningRate: 1e-3, beta1: 0.5, epsilon: 1e-8 }),
    ];
    const groups = [NON_SATURATING, LEAST_SQUARES].map((objective) => ({
      name: objective.name,
      objective,
      generatorOptimizer: optG,
      discriminatorOptimizer: optD,
    }));
    checkAgainstAlone(
      groups,
      () => [tf.train.adam(1e-3, 0.5, 0.999, 1e-8), tf.train.adam(2e-3, 0.5, 0.999, 1e-8)],
      false,
      2e-5,
    );
  });

  // With BatchNorm after a dense layer, the gradient of that layer's bias is zero up to rounding, and Adam
  // with a tiny ε turns rounding into full steps; ε = 0.01 keeps such steps small, so that the comparison
  // tests the stacking rather than the rounding.
  it("trains groups with their own optimisers (Adam, RMSProp), BatchNorm in G and D, as if alone", () => {
    const groups: StackedGroup[] = [
      {
        name: "GAN, Adam",
        objective: NON_SATURATING,
        generatorOptimizer: new LeanAdam({ learningRate: 2e-3, beta1: 0.5, epsilon: 0.01 }),
        discriminatorOptimizer: new LeanAdam({ learningRate: 1e-3, beta1: 0.5, epsilon: 0.01 }),
      },
      {
        name: "LSGAN, RMSProp",
        objective: LEAST_SQUARES,
        generatorOptimizer: new LeanRmsProp({ learningRate: 2e-3, epsilon: 0.01 }),
        discriminatorOptimizer: new LeanRmsProp({ learningRate: 1e-3, epsilon: 0.01 }),
      },
    ];
    const reference = (k: number): [tf.Optimizer, tf.Optimizer] =>
      k === 0
        ? [tf.train.adam(1e-3, 0.5, 0.999, 0.01), tf.train.adam(2e-3, 0.5, 0.999, 0.01)]
        : [tf.train.rmsprop(1e-3, 0.9, 0, 0.01), tf.train.rmsprop(2e-3, 0.9, 0, 0.01)];
    checkAgainstAlone(groups, reference, true, 2e-5);
  });

  it("updates both players from the same state and noise batch, as a hand-stepped pair of optimisers", () => {
    const groups = [NON_SATURATING, LEAST_SQUARES].map((objective) => ({
      name: objective.name,
      objective,
      generatorOptimizer: new LeanAdam({ learningRate: 1e-3, beta1: 0.5, epsilon: 1e-8 }),
      discriminatorOptimizer: new LeanAdam({ learningRate: 1e-4, beta1: 0.5, epsilon: 1e-8 }),
    }));
    const reference = (): [tf.Optimizer, tf.Optimizer] => [
      tf.train.adam(1e-4, 0.5, 0.999, 1e-8),
      tf.train.adam(1e-3, 0.5, 0.999, 1e-8),
    ];
    checkAgainstAlone(groups, reference, false, 2e-5, SIMULTANEOUS_UPDATES);
  });

  it("gives other weights with simultaneous than with alternating updates (the order matters)", () => {
    const finalWeights = (updates: PlayerUpdates) => {
      const [g, d] = [ringG(5), ringD(6)];
      const groups = [
        {
          name: "GAN",
          objective: NON_SATURATING,
          generatorOptimizer: new LeanAdam({ learningRate: 1e-2, beta1: 0.5 }),
          discriminatorOptimizer: new LeanAdam({ learningRate: 1e-2, beta1: 0.5 }),
        },
      ];
      const gan = createStackedGan({ generators: [g], discriminators: [d], groups, updates });
      const z = tf.randomNormal([1, 16, 8], 0, 1, "float32", 3) as tf.Tensor3D;
      const real = tf.randomNormal([1, 16, 2], 0, 1, "float32", 4) as tf.Tensor3D;
      for (let t = 0; t < 2; t++) trainStackedStep(gan, real, () => z.clone(), false);
      const weights = gan.generator.variables[0].arraySync();
      tf.dispose([z, real]);
      [g, d].forEach((m) => m.dispose());
      disposeStackedGan(gan);
      return JSON.stringify(weights);
    };
    assert.notEqual(finalWeights(SIMULTANEOUS_UPDATES), finalWeights(ALTERNATING_UPDATES));
    const [g, d] = [ringG(1), ringD(2)];
    assert.throws(
      () => createStackedGan({ generators: [g], discriminators: [d], groups: [] }),
      /at least one group/,
    );
    [g, d].forEach((m) => m.dispose());
  });

  it("refuses groups that share one optimiser but not the other", () => {
    const [g, d] = [ringG(1), ringD(2)];
    const shared = new LeanAdam({ learningRate: 1e-3 });
    const groups = [
      {
        name: "a",
        objective: NON_SATURATING,
        generatorOptimizer: shared,
        discriminatorOptimizer: new LeanAdam({ learningRate: 1e-3 }),
      },
      {
        name: "b",
        objective: LEAST_SQUARES,
        generatorOptimizer: shared,
        discriminatorOptimizer: new LeanAdam({ learningRate: 1e-3 }),
      },
    ];
    assert.throws(
      () => createStackedGan({ generators: [g], discriminators: [d], groups }),
      /share an optimiser must share both and sit next to each other/,
    );
    g.dispose();
    d.dispose();
  });
});

/** The two objectives, sharing a pair of optimisers. */
const groupsOf = (
  generatorOptimizer: tf.Optimizer,
  discriminatorOptimizer: tf.Optimizer,
): StackedGroup[] =>
  [NON_SATURATING, LEAST_SQUARES].map((objective) => ({
    name: objective.name,
    objective,
    generatorOptimizer,
    discriminatorOptimizer,
  }));

describe("createStackedWeightAverage", () => {
  it("follows w̄ ← β·w̄ + (1 − β)·w for every run, draws with w̄, and gives the live weights back", () => {
    const models = [ringG(1, true), ringG(2, true)];
    const stacked = stackModels(models);
    const start = stacked.variables.map((v) => v.clone());
    const average = createStackedWeightAverage(stacked, { decay: 0.75 });
    const x = tf.randomNormal([2, 5, 8], 0, 1, "float32", 3) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (let k = 1; k <= 2; k++) {
      stacked.variables.forEach((v) => {
        const next = tf.add(v, 1);
        v.assign(next);
        next.dispose();
      });
      average.update();
    }
    // By hand: w̄₁ = w₀ + 0.25·1, w̄₂ = 0.75·w̄₁ + 0.25·(w₀ + 2) = w₀ + 0.6875.
    average.variables.forEach((a, i) =>
      assert.ok(tf.tidy(() => maxDifference(a, tf.add(start[i], 0.6875))) < 1e-6, `weight ${i}`),
    );
    const drawn = average.apply(x);
    stacked.variables.forEach((v, i) =>
      assert.ok(tf.tidy(() => maxDifference(v, tf.add(start[i], 2))) < 1e-6, "live weights back"),
    );
    stacked.variables.forEach((v, i) => v.assign(average.variables[i]));
    const byHand = stacked.apply(x);
    assert.ok(maxDifference(drawn, byHand) < 1e-6, "apply draws with the averaged weights");
    tf.dispose([drawn, byHand]);
    assert.equal(tf.memory().numTensors, before, "update and apply leave no tensor behind");
    assert.throws(() => createStackedWeightAverage(stacked, { decay: 1 }), /decay must be in/);
    average.dispose();
    stacked.dispose();
    tf.dispose([x, ...start]);
    models.forEach((m) => m.dispose());
  });
});

describe("runRingExperiment", () => {
  const ring = createRingMixture();
  const settings = {
    steps: 4,
    batchSize: 16,
    latentSize: 8,
    seed: 7,
    checkEvery: 2,
    checkSamples: 50,
    recordEvery: 1,
  };
  const experiment = (cacheDir?: string) =>
    runRingExperiment({
      name: "ring-test",
      cacheDir,
      ring,
      generators: [ringG(1), ringG(2)],
      discriminators: [ringD(3), ringD(4)],
      groups: groupsOf(
        new LeanAdam({ learningRate: 1e-3, beta1: 0.5 }),
        new LeanAdam({ learningRate: 1e-4, beta1: 0.5 }),
      ),
      settings,
    });

  it("scores every run at step 0 and every checkEvery steps, frees what it made, and caches the result", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ring-"));
    try {
      const before = tf.memory().numTensors;
      const made = await experiment(dir);
      assert.equal(made.fromCache, false);
      assert.equal(made.runs.length, 4);
      assert.deepEqual(
        made.runs.map((r) => `${r.objective} ${r.seed}`),
        [
          `${NON_SATURATING.name} 0`,
          `${NON_SATURATING.name} 1`,
          `${LEAST_SQUARES.name} 0`,
          `${LEAST_SQUARES.name} 1`,
        ],
      );
      for (const run of made.runs) {
        assert.deepEqual(
          run.checks.map((c) => c.step),
          [0, 2, 4],
        );
        assert.equal(run.costs.length, 4);
        assert.equal(run.checks[0].points.length, 50);
      }
      // Runs of one seed start from the same weights and noise: the same samples at step 0.
      assert.deepEqual(made.runs[0].checks[0].points, made.runs[2].checks[0].points);
      assert.notDeepEqual(made.runs[0].checks[0].points, made.runs[1].checks[0].points);
      assert.notDeepEqual(made.runs[0].checks[2].points, made.runs[2].checks[2].points);
      const loaded = await experiment(dir);
      assert.equal(loaded.fromCache, true);
      assert.deepEqual(loaded.runs, made.runs);
      // Two calls built 4 networks of 6 weight tensors each; nothing else stays (a check's samples neither).
      assert.equal(tf.memory().numTensors - before, 2 * 4 * 6, "only the networks' weights stay");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const updates of [ALTERNATING_UPDATES, SIMULTANEOUS_UPDATES])
    it(`resumes from its last checkpoint after a crash, as if never stopped (${updates.order})`, async () => {
      const seen: number[] = [];
      const run = (cacheDir?: string, crashAt?: number) =>
        runRingExperiment({
          name: "ring-resume",
          cacheDir,
          ring: createRingMixture({ modes: 3, weights: [0.5, 0.25, 0.25] }),
          generators: [ringG(1), ringG(2)],
          discriminators: [ringD(3), ringD(4)],
          groups: groupsOf(
            new LeanAdam({ learningRate: 1e-2, beta1: 0.5 }),
            new LeanAdam({ learningRate: 1e-2, beta1: 0.5 }),
          ),
          settings: { ...settings, steps: 6, averageDecay: 0.9 },
          updates,
          checkpointEvery: cacheDir === undefined ? undefined : 4,
          onStep: (step) => {
            seen.push(step);
            if (step === crashAt) throw new Error(`killed at step ${step}`);
          },
        });
      const straight = await run();
      for (const r of straight.runs) {
        // The average starts at the weights: at step 0 it draws the raw generator's samples.
        assert.deepEqual(r.checks[0].averaged!.nearest, r.checks[0].nearest);
        assert.equal(
          r.checks[3].averaged!.nearest.reduce((a, b) => a + b, 0),
          50,
        );
      }
      assert.notDeepEqual(
        straight.runs.map((r) => r.checks[3].averaged!.nearest),
        straight.runs.map((r) => r.checks[3].nearest),
        "later, the averaged generator is another generator",
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ring-resume-"));
      try {
        await assert.rejects(run(dir, 5), /killed at step 5/);
        const left = fs.readdirSync(dir);
        assert.equal(left.length, 1, `only the checkpoint is left: ${left}`);
        assert.match(left[0], /^ring-resume-[0-9a-f]{12}\.checkpoint$/, "and no half record");
        seen.length = 0;
        const resumed = await run(dir);
        assert.deepEqual(seen, [5, 6], "the rerun trains only the steps after the checkpoint");
        assert.equal(resumed.fromCache, false);
        assert.deepEqual(resumed.runs, straight.runs);
        assert.deepEqual(
          fs.readdirSync(dir).map((f) => f.replace(/[0-9a-f]{12}/, "KEY")),
          ["ring-resume-KEY"],
          "the record written, the checkpoint removed",
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

  it("refuses checkpoints without a cache folder or between checks", async () => {
    const base = {
      name: "bad",
      ring,
      generators: [ringG(1)],
      discriminators: [ringD(2)],
      groups: groupsOf(new LeanAdam({ learningRate: 1e-3 }), new LeanAdam({ learningRate: 1e-3 })),
      settings,
    };
    await assert.rejects(
      runRingExperiment({ ...base, checkpointEvery: 2 }),
      /checkpointEvery needs a cacheDir/,
    );
    await assert.rejects(
      runRingExperiment({ ...base, cacheDir: os.tmpdir(), checkpointEvery: 3 }),
      /checkpointEvery \(3\) must be a multiple of checkEvery \(2\)/,
    );
    [...base.generators, ...base.discriminators].forEach((m) => m.dispose());
  });

  it("refuses a bad setting or unmatched networks, naming them", async () => {
    const [g, d] = [ringG(1), ringD(2)];
    const args = {
      name: "bad",
      ring,
      generators: [g],
      discriminators: [d],
      groups: groupsOf(new LeanAdam({ learningRate: 1e-3 }), new LeanAdam({ learningRate: 1e-3 })),
      settings,
    };
    await assert.rejects(
      runRingExperiment({ ...args, settings: { ...settings, batchSize: 0 } }),
      /batchSize must be an integer >= 1, got 0/,
    );
    await assert.rejects(
      runRingExperiment({ ...args, discriminators: [] }),
      /one discriminator per generator.*got 1 and 0/,
    );
    g.dispose();
    d.dispose();
  });
});
