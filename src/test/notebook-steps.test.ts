// Notebook 01 writes its networks and its training step in cells; later notebooks call gan-kit's
// builders and steps instead. This test runs the cells themselves (those tagged "steps-by-hand",
// compiled from the committed notebook) against the helper: same networks, same steps, same numbers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

import * as kit from "../lib";
import { tf } from "../lib";

const NOTEBOOK = join(__dirname, "..", "..", "..", "notebooks", "01-recall-gan.ipynb");
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

/** Notebook 01's code cells tagged `tag`, compiled to JavaScript and run with gan-kit in scope. */
function loadTaggedCells<T>(tag: string, names: string[]): T {
  const notebook = JSON.parse(readFileSync(NOTEBOOK, "utf8")) as {
    cells: Array<{ cell_type: string; source: string | string[]; metadata: { tags?: string[] } }>;
  };
  const tagged = notebook.cells.filter(
    (c) => c.cell_type === "code" && (c.metadata.tags ?? []).includes(tag),
  );
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
