// Notebook 01 writes its networks and its training step in cells; later notebooks call gan-kit's
// builders and steps instead. This test runs the cells themselves (those tagged "steps-by-hand",
// compiled from the committed notebook) against the helper: same networks, same steps, same numbers.
// Notebook 08 does the same for the LSGAN paper's few-class networks ("lsgan-layers") and for the
// two ways of updating D ("updates-by-hand").
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

import * as kit from "../lib";
import { tf } from "../lib";

const NOTEBOOKS = join(__dirname, "..", "..", "..", "notebooks");
const NOTEBOOK = join(NOTEBOOKS, "01-recall-gan.ipynb");
const TAG = "steps-by-hand";

type Metrics = { dLoss: number; dReal: number; dFake: number; gLoss: number };
interface Players {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  drawNoise: kit.NoiseSampler;
}
interface Cells {
  buildGenerator(latentSize: number, seed: number): tf.Sequential;
  buildDiscriminator(seed: number): tf.Sequential;
  adam(): tf.Optimizer;
  updateD(p: Players, real: tf.Tensor, fake: tf.Tensor): Omit<Metrics, "gLoss">;
  updateG(p: Players, z: tf.Tensor): { gLoss: number };
  trainOneStep(p: Players, real: tf.Tensor): Metrics;
}

const SETTINGS = { latentSize: 96, learningRate: 1e-3, beta1: 0.5 };

/** A notebook's code cells tagged `tag`, compiled to JavaScript and run with gan-kit in scope. */
function loadTaggedCells<T>(tag: string, names: string[], path = NOTEBOOK): T {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as {
    cells: Array<{ cell_type: string; source: string | string[]; metadata: { tags?: string[] } }>;
  };
  const tagged = notebook.cells.filter(
    (c) => c.cell_type === "code" && (c.metadata.tags ?? []).includes(tag),
  );
  assert.ok(tagged.length > 0, `no cell of ${path} is tagged ${tag}`);
  const source = tagged
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    .join("\n");
  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020 },
  }).outputText;
  const scope: Record<string, unknown> = {
    ...kit,
    settings: SETTINGS,
    console: { log: () => undefined },
  };
  const run = new Function(...Object.keys(scope), `${js}\nreturn { ${names.join(", ")} };`);
  return run(...Object.values(scope)) as T;
}

function loadCells(): Cells {
  return loadTaggedCells<Cells>(TAG, [
    "buildGenerator",
    "buildDiscriminator",
    "adam",
    "updateD",
    "updateG",
    "trainOneStep",
  ]);
}

function largestGap(a: tf.LayersModel, b: tf.LayersModel): number {
  return tf.tidy(() => {
    const [wa, wb] = [a.getWeights(), b.getWeights()];
    assert.equal(wa.length, wb.length);
    return Math.max(...wa.map((w, i) => tf.sub(w, wb[i]).abs().max().dataSync()[0]));
  });
}

describe("notebook 01's cells against the helper", () => {
  const cells = loadCells();

  it("finds the cells it runs", () => {
    for (const name of [
      "buildGenerator",
      "buildDiscriminator",
      "updateD",
      "updateG",
      "trainOneStep",
    ]) {
      assert.equal(typeof (cells as unknown as Record<string, unknown>)[name], "function", name);
    }
  });

  it("builds the helper's networks: same layers, parameters and initial weights for the same seed", () => {
    const pairs: Array<[tf.LayersModel, tf.LayersModel]> = [
      [
        cells.buildGenerator(96, 5),
        kit.buildMlpGenerator({ latentSize: 96, hiddenUnits: [1024, 1024], seed: 5 }),
      ],
      [
        cells.buildDiscriminator(6),
        kit.buildMlpDiscriminator({ hiddenUnits: [256, 256], leakyAlpha: 0.01, seed: 6 }),
      ],
    ];
    for (const [mine, helper] of pairs) {
      assert.equal(kit.formatModelSummary(mine), kit.formatModelSummary(helper));
      assert.equal(largestGap(mine, helper), 0);
      mine.dispose();
      helper.dispose();
    }
  });

  it("trains exactly as trainDiscriminatorStep and trainGeneratorStep do, without leaking tensors", () => {
    const data = kit.loadMnist({ layout: "flat", seed: 1 });
    const batches = kit.createBatchStream(data, { batchSize: 32, seed: 2 });
    const mine = [cells.buildGenerator(96, 7), cells.buildDiscriminator(8)];
    const theirs = [cells.buildGenerator(96, 7), cells.buildDiscriminator(8)];
    const byHand: Players = {
      generator: mine[0],
      discriminator: mine[1],
      optimizerG: cells.adam(),
      optimizerD: cells.adam(),
      drawNoise: kit.createNoiseSampler({ latentSize: 96, seed: 9 }),
    };
    const byHelper = kit.createGan({
      generator: theirs[0],
      discriminator: theirs[1],
      objective: kit.NON_SATURATING,
      learningRate: SETTINGS.learningRate,
      beta1: SETTINGS.beta1,
      noise: "normal",
      seed: 9,
    });
    let tensorsAfterFirst = 0;
    for (let step = 1; step <= 5; step++) {
      const real = batches.nextImages();
      const a = cells.trainOneStep(byHand, real);
      const b = {
        ...kit.trainDiscriminatorStep(byHelper, real),
        ...kit.trainGeneratorStep(byHelper, 32),
      };
      real.dispose();
      assert.deepEqual(a, b, `step ${step}`);
      if (step === 1) tensorsAfterFirst = tf.memory().numTensors;
    }
    assert.equal(tf.memory().numTensors, tensorsAfterFirst, "the steps leave tensors behind");
    assert.equal(largestGap(mine[0], theirs[0]), 0);
    assert.equal(largestGap(mine[1], theirs[1]), 0);
    kit.disposeGan(byHelper);
    [byHand.optimizerG, byHand.optimizerD].forEach((o) => o.dispose());
    mine.forEach((m) => m.dispose());
    data.images.dispose();
    data.labels.dispose();
  });

  it("updates only one player per update: updateD leaves G as it is, updateG leaves D", () => {
    const p: Players = {
      generator: cells.buildGenerator(96, 11),
      discriminator: cells.buildDiscriminator(12),
      optimizerG: cells.adam(),
      optimizerD: cells.adam(),
      drawNoise: kit.createNoiseSampler({ latentSize: 96, seed: 13 }),
    };
    const snapshot = (m: tf.LayersModel) => m.getWeights().map((w) => w.clone());
    const changed = (before: tf.Tensor[], m: tf.LayersModel) =>
      tf.tidy(() =>
        Math.max(...m.getWeights().map((w, i) => tf.sub(w, before[i]).abs().max().dataSync()[0])),
      );
    const [g0, d0] = [snapshot(p.generator), snapshot(p.discriminator)];
    const real = tf.tidy(() => tf.randomUniform([16, 784], -1, 1, "float32", 3));
    const fake = tf.tidy(() => p.generator.predict(p.drawNoise(16)) as tf.Tensor);
    cells.updateD(p, real, fake);
    assert.equal(changed(g0, p.generator), 0);
    assert.ok(changed(d0, p.discriminator) > 0);
    const d1 = snapshot(p.discriminator);
    const z = p.drawNoise(16);
    cells.updateG(p, z);
    assert.equal(changed(d1, p.discriminator), 0);
    assert.ok(changed(g0, p.generator) > 0);
    tf.dispose([...g0, ...d0, ...d1, real, fake, z]);
    [p.generator, p.discriminator].forEach((m) => m.dispose());
    [p.optimizerG, p.optimizerD].forEach((o) => o.dispose());
  });
});

interface LikelihoodCells {
  binomial(n: number, theta: number): Float64Array;
  meanLogLik(p: Float64Array, q: Float64Array): number;
  kl(p: Float64Array, q: Float64Array): number;
  entropyOf(p: Float64Array): number;
}

describe("notebook 01's maximum-likelihood cells against the helper", () => {
  const cells = loadTaggedCells<LikelihoodCells>("ml-by-hand", [
    "binomial",
    "meanLogLik",
    "kl",
    "entropyOf",
  ]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12, `${a} vs ${b}`);

  it("computes binomialPmf, meanLogLikelihood, klDivergence and entropy", () => {
    const data = kit.binomialPmf(28, 0.2).map((p, k) => (k % 3 === 0 ? 2 * p : p));
    const total = data.reduce((a, b) => a + b, 0);
    const pData = data.map((p) => p / total);
    for (const theta of [0.01, 0.2, 0.5, 0.77]) {
      const q = cells.binomial(28, theta);
      kit.binomialPmf(28, theta).forEach((p, k) => close(q[k], p));
      close(cells.meanLogLik(pData, q), kit.meanLogLikelihood(pData, q));
      close(cells.kl(pData, q), kit.klDivergence(pData, q));
    }
    close(cells.entropyOf(pData), kit.entropy(pData));
  });
});

interface LsganCells {
  buildFewClassG(latentSize: number, channels: number, seed: number): tf.Sequential;
  buildFewClassD(channels: number, seed: number): tf.Sequential;
}
interface UpdateCells {
  updateDOnce(
    d: tf.LayersModel,
    adam: tf.Optimizer,
    objective: kit.Objective,
    real: tf.Tensor,
    fake: tf.Tensor,
  ): void;
  updateDInTwo(
    d: tf.LayersModel,
    adams: tf.Optimizer[],
    objective: kit.Objective,
    real: tf.Tensor,
    fake: tf.Tensor,
  ): void;
}

const NOTEBOOK_08 = join(NOTEBOOKS, "08-lsgan-architectures.ipynb");

/** Each layer's name, class and output shape, input layers left out. */
function layerList(model: tf.LayersModel): string[] {
  return model.layers
    .filter((l) => l.getClassName() !== "InputLayer")
    .map((l) => `${l.name} ${l.getClassName()} ${JSON.stringify(l.outputShape)}`);
}

describe("notebook 08's cells against the helper", () => {
  const lsgan = loadTaggedCells<LsganCells>(
    "lsgan-layers",
    ["buildFewClassG", "buildFewClassD"],
    NOTEBOOK_08,
  );
  const updates = loadTaggedCells<UpdateCells>(
    "updates-by-hand",
    ["updateDOnce", "updateDInTwo"],
    NOTEBOOK_08,
  );

  it("builds buildLsganGenerator's and buildLsganDiscriminator's networks: same layers, weights and outputs", () => {
    const pairs: Array<[tf.LayersModel, tf.LayersModel, tf.Tensor]> = [
      [
        lsgan.buildFewClassG(20, 8, 31),
        kit.buildLsganGenerator({ latentSize: 20, channels: 8, seed: 31 }),
        tf.randomNormal([3, 20], 0, 1, "float32", 1),
      ],
      [
        lsgan.buildFewClassD(4, 32),
        kit.buildLsganDiscriminator({ channels: 4, seed: 32 }),
        tf.randomUniform([3, 28, 28, 1], -1, 1, "float32", 2),
      ],
    ];
    for (const [mine, helper, input] of pairs) {
      assert.deepEqual(layerList(mine), layerList(helper));
      assert.equal(largestGap(mine, helper), 0);
      const gap = tf.tidy(
        () =>
          tf
            .sub(mine.predict(input) as tf.Tensor, helper.predict(input) as tf.Tensor)
            .abs()
            .max()
            .dataSync()[0],
      );
      assert.equal(gap, 0);
      [mine, helper, input].forEach((x) => x.dispose());
    }
  });

  /** D after three steps of trainDiscriminatorStep with `update`, G fixed, the same noise each time. */
  function helperD(objective: kit.Objective, update: kit.DiscriminatorUpdate, real: tf.Tensor) {
    const noise = tf.randomNormal([8, 20], 0, 1, "float32", 3) as tf.Tensor2D;
    const gan = kit.createGan({
      generator: kit.buildLsganGenerator({ latentSize: 20, channels: 4, seed: 5 }),
      discriminator: kit.buildLsganDiscriminator({ channels: 2, seed: 6 }),
      objective,
      discriminatorUpdate: update,
      learningRate: 0.01,
      beta1: 0.5,
      noise: () => noise.clone(),
      seed: 7,
    });
    const fake = tf.tidy(() => gan.generator.apply(noise, { training: true }) as tf.Tensor);
    for (let step = 0; step < 3; step++) kit.trainDiscriminatorStep(gan, real);
    kit.disposeOptimizers(gan);
    gan.generator.dispose();
    noise.dispose();
    return { d: gan.discriminator, fake };
  }

  /** D after three steps of the cells' update, "once" or "in two", with tf.train.adam. */
  function cellD(
    objective: kit.Objective,
    how: "once" | "in two",
    real: tf.Tensor,
    fake: tf.Tensor,
  ) {
    const d = kit.buildLsganDiscriminator({ channels: 2, seed: 6 });
    const adams = [0, 1].map(() => tf.train.adam(0.01, 0.5));
    for (let step = 0; step < 3; step++) {
      if (how === "once") updates.updateDOnce(d, adams[0], objective, real, fake);
      else updates.updateDInTwo(d, adams, objective, real, fake);
    }
    adams.forEach((a) => a.dispose());
    return d;
  }

  for (const objective of [kit.LEAST_SQUARES, kit.NON_SATURATING]) {
    it(`updates D as SUMMED_UPDATE and SEPARATE_UPDATES do in trainDiscriminatorStep (${objective.name})`, () => {
      const real = tf.randomUniform([8, 28, 28, 1], -1, 1, "float32", 4);
      const summed = helperD(objective, kit.SUMMED_UPDATE, real);
      const separate = helperD(objective, kit.SEPARATE_UPDATES, real);
      const once = cellD(objective, "once", real, summed.fake);
      const inTwo = cellD(objective, "in two", real, separate.fake);
      // Adam's step is about 0.01 per weight per update; the helper's fused Adam kernel rounds in
      // another order than tf.train.adam, which moves weights with near-zero gradients by up to ~1e-4.
      assert.ok(largestGap(once, summed.d) < 2e-4, `once: gap ${largestGap(once, summed.d)}`);
      assert.ok(
        largestGap(inTwo, separate.d) < 2e-4,
        `in two: gap ${largestGap(inTwo, separate.d)}`,
      );
      // The comparison tells the two schemes apart.
      assert.ok(largestGap(once, separate.d) > 1e-3, "one update looks like two");
      assert.ok(largestGap(inTwo, summed.d) > 1e-3, "two updates look like one");
      tf.dispose([real, summed.fake, separate.fake]);
      [summed.d, separate.d, once, inTwo].forEach((m) => m.dispose());
    });
  }
});
