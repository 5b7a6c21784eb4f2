// The recorded experiments (`npm run record -- <name>`), as data: the LSGAN authors' ring protocol,
// notebook 07's BatchNorm × optimiser grid, notebook 08's comparisons replicated, and a
// seconds-long one for the record command's tests.
import { AUTHORS_RING } from "../data/ring";
import { LEAST_SQUARES, NON_SATURATING } from "../train/losses";
import { ALTERNATING_UPDATES, SIMULTANEOUS_UPDATES } from "../train/stackedgan";
import { SEPARATE_UPDATES, SUMMED_UPDATE } from "../train/gan";
import type { GanRecordJob, GanRecordSpec } from "./ganrecords";
import type { RingJobGroup } from "./ringjob";
import type { RingRecordRow, RingRecordSpec } from "./records";

const authorsAdam = (learningRate: number) =>
  ({ rule: "adam", args: { learningRate, beta1: 0.5, epsilon: 1e-8 } }) as const;
const authorsGroup = (name: string, objective: typeof NON_SATURATING): RingJobGroup => ({
  name,
  objective: objective.spec,
  generatorOptimizer: authorsAdam(1e-3),
  discriminatorOptimizer: authorsAdam(1e-4),
});
const authorsMlp = { hiddenUnits: [128, 128], activation: "tanh" as const, seed: 1 };
const orthogonal = { kind: "orthogonal" as const, gain: 1.4 };

/**
 * The LSGAN authors' ring protocol (their stability_comparison/mixture_gaussian code): MLPs of two
 * tanh layers of 128, orthogonal ×1.4 initialisation, z of 256, batch 512, Adam β₁ 0.5 with step
 * 1e-3 for G and 1e-4 for D, both players updated from the same state on the same noise batch,
 * 8 modes on the unit circle with σ 0.01 (one drawn twice as often), 35,000 steps; scored every
 * 2,500 steps on 2,500 samples. 4 seeds per objective, in two replications.
 */
export const AUTHORS_PROTOCOL: RingRecordSpec = {
  name: "07-authors",
  description: "notebook 07: the LSGAN paper's ring claim at its authors' protocol",
  ring: AUTHORS_RING,
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...authorsMlp,
      latentSize: 256,
      outputSize: 2,
      outputActivation: "linear",
      kernelInit: orthogonal,
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...authorsMlp, inputSize: 2, kernelInit: orthogonal },
  },
  groups: [authorsGroup("GAN", NON_SATURATING), authorsGroup("LSGAN", LEAST_SQUARES)],
  updates: SIMULTANEOUS_UPDATES,
  settings: {
    steps: 35000,
    batchSize: 512,
    latentSize: 256,
    seed: 1,
    checkEvery: 2500,
    checkSamples: 2500,
    recordEvery: 500,
  },
  seeds: 4,
  replications: [1, 1001],
  checkpointEvery: 2500,
  pointsAt: [15000, 35000],
};

const gridAdam = (learningRate: number) =>
  ({ rule: "adam", args: { learningRate, beta1: 0.5, epsilon: 1e-8 } }) as const;
const gridRmsprop = (learningRate: number) =>
  ({ rule: "rmsprop", args: { learningRate } }) as const;
const gridGroup = (
  name: string,
  objective: typeof NON_SATURATING,
  optimizer: typeof gridAdam | typeof gridRmsprop,
): RingJobGroup => ({
  name,
  objective: objective.spec,
  generatorOptimizer: optimizer(5e-3),
  discriminatorOptimizer: optimizer(5e-4),
});
const gridLayers = { hiddenUnits: [128, 128], activation: "tanh" as const, kernelInit: orthogonal };
/** Notebook 07's MLPs, with BatchNorm in G, in D (every hidden layer but D's first), or both. */
const gridRow = (name: string, inG: boolean, inD: boolean): RingRecordRow => ({
  name,
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...gridLayers,
      latentSize: 256,
      outputSize: 2,
      outputActivation: "linear",
      batchNorm: inG,
      seed: 1,
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...gridLayers, inputSize: 2, batchNorm: inD, seed: 1 },
  },
});

/**
 * Notebook 07's BatchNorm × optimiser grid at the notebook's own protocol (its ring of radius 2
 * and σ 0.02, batch 128, step sizes 5e-3 for G and 5e-4 for D, 2,500 alternating steps), with
 * four rows: no BatchNorm (the control), BatchNorm in D only and none at all (the LSGAN authors'
 * `BN_G` and `BN_GD` as their code runs them), in G, and in G and D (the source post's reading);
 * each with the regular GAN and LSGAN under Adam and under RMSProp; 8 seeds per cell, in two
 * replications. The average of each generator's weights (β 0.99) is scored beside it.
 */
export const GRID_PROTOCOL: RingRecordSpec = {
  name: "07-grid",
  description: "notebook 07: the source post's BatchNorm × optimiser observations, four rows",
  ring: { modes: 8, radius: 2, sd: 0.02 },
  generator: gridRow("none", false, false).generator,
  discriminator: gridRow("none", false, false).discriminator,
  rows: [
    gridRow("none", false, false),
    gridRow("D", false, true),
    gridRow("G", true, false),
    gridRow("G and D", true, true),
  ],
  groups: [
    gridGroup("GAN, Adam", NON_SATURATING, gridAdam),
    gridGroup("LSGAN, Adam", LEAST_SQUARES, gridAdam),
    gridGroup("GAN, RMSProp", NON_SATURATING, gridRmsprop),
    gridGroup("LSGAN, RMSProp", LEAST_SQUARES, gridRmsprop),
  ],
  updates: ALTERNATING_UPDATES,
  settings: {
    steps: 2500,
    batchSize: 128,
    latentSize: 256,
    seed: 1,
    checkEvery: 250,
    checkSamples: 2500,
    recordEvery: 100,
    averageDecay: 0.99,
  },
  seeds: 8,
  replications: [7001, 8001],
  checkpointEvery: 500,
  pointsAt: [],
};

/** The same experiment shrunk to seconds, for the record command's own tests. */
export const TINY_PROTOCOL: RingRecordSpec = {
  ...AUTHORS_PROTOCOL,
  name: "tiny",
  description: "a seconds-long ring record, for the tests of the record command",
  generator: {
    builder: "buildMlpGenerator",
    args: {
      ...authorsMlp,
      hiddenUnits: [8],
      latentSize: 4,
      outputSize: 2,
      outputActivation: "linear",
    },
  },
  discriminator: {
    builder: "buildMlpDiscriminator",
    args: { ...authorsMlp, hiddenUnits: [8], inputSize: 2 },
  },
  settings: {
    steps: 60,
    batchSize: 16,
    latentSize: 4,
    seed: 1,
    checkEvery: 10,
    checkSamples: 50,
    recordEvery: 10,
  },
  seeds: 2,
  checkpointEvery: 10,
  pointsAt: [60],
};

/** Notebook 08's settings, which its comparisons' record keeps. */
const N08 = { latentSize: 100, batchSize: 64, steps: 300, learningRate: 1e-3, seed: 808 };
const fewChannels = { g: 32, d: 16 };

/** Notebook 08's `game`: its step size and β₁, an objective, an update of D, a seed from block b. */
const n08Game = (objective: typeof LEAST_SQUARES, update: typeof SUMMED_UPDATE, b: number) => ({
  objective: objective.spec,
  discriminatorUpdate: update,
  learningRate: N08.learningRate,
  beta1: 0.5,
  seed: b + 15,
});

/** One of 08's few-class runs (its `fewJob`), on replication base seed `base`, seed index s. */
function fewJob(
  base: number,
  r: number,
  objective: typeof LEAST_SQUARES,
  update: typeof SUMMED_UPDATE,
  s: number,
): GanRecordJob {
  const b = base + 20 * s;
  const [short, how] = [
    objective === LEAST_SQUARES ? "LS" : "BCE",
    update === SUMMED_UPDATE ? "one" : "two",
  ];
  return {
    design: { objective: short, update: how },
    seed: s,
    reading: "digits",
    job: {
      name: `08-compare-r${r}-few-${short}-${how}-seed-${s}`,
      generator: {
        builder: "buildLsganGenerator",
        args: { latentSize: N08.latentSize, channels: fewChannels.g, seed: b },
      },
      discriminator: {
        builder: "buildLsganDiscriminator",
        args: { channels: fewChannels.d, seed: b + 10 },
      },
      gan: n08Game(objective, update, b),
      data: { layout: "image", seed: base },
      batches: { batchSize: N08.batchSize, seed: b + 16 },
      steps: N08.steps,
    },
  };
}

/** One of 08's many-class runs (its `manyJob`): 100 two-digit classes, a linear map or one-hot. */
function manyJob(base: number, r: number, encoding: "linear" | "one-hot", s: number): GanRecordJob {
  const b = base + 100 + 20 * s;
  const args = {
    numClasses: 100,
    labelEncoding: encoding,
    labelSize: encoding === "linear" ? 32 : 100,
    channels: 32,
  };
  return {
    design: { encoding },
    seed: s,
    reading: "numbers",
    job: {
      name: `08-compare-r${r}-many-${encoding}-seed-${s}`,
      generator: {
        builder: "buildConditionalLsganGenerator",
        args: { ...args, latentSize: N08.latentSize, seed: b },
      },
      discriminator: {
        builder: "buildConditionalLsganDiscriminator",
        args: { ...args, seed: b + 10 },
      },
      gan: n08Game(LEAST_SQUARES, SUMMED_UPDATE, b),
      data: { source: "two-digit numbers", seed: base },
      batches: { batchSize: N08.batchSize, seed: b + 16 },
      steps: N08.steps,
    },
  };
}

/**
 * Notebook 08's comparisons, replicated: its few-class LSGAN with least squares and with
 * cross-entropy, each with one summed update of D and with two; its many-class LSGAN with the
 * linear map and with one-hot labels; notebook 08's settings (300 steps of 64, Adam 1e-3, β₁ 0.5),
 * 4 seeds per design, in two replications on fresh seeds (data shuffled by each base seed).
 */
export const COMPARE_PROTOCOL: GanRecordSpec = {
  kind: "gan",
  name: "08-compare",
  description: "notebook 08: its comparisons on 4 seeds per design, twice",
  replications: [10808, 20808].map((base, i) => ({
    baseSeed: base,
    jobs: [
      ...[SUMMED_UPDATE, SEPARATE_UPDATES].flatMap((update) =>
        [LEAST_SQUARES, NON_SATURATING].flatMap((objective) =>
          [0, 1, 2, 3].map((s) => fewJob(base, i + 1, objective, update, s)),
        ),
      ),
      ...(["linear", "one-hot"] as const).flatMap((encoding) =>
        [0, 1, 2, 3].map((s) => manyJob(base, i + 1, encoding, s)),
      ),
    ],
  })),
  reading: { samples: 1000, latentSize: N08.latentSize, noiseSeed: N08.seed + 300, perNumber: 20 },
};

/** The recorded experiments, by the name `npm run record -- <name>` takes. */
export const RECORDS: Readonly<Record<string, RingRecordSpec | GanRecordSpec>> = {
  [AUTHORS_PROTOCOL.name]: AUTHORS_PROTOCOL,
  [GRID_PROTOCOL.name]: GRID_PROTOCOL,
  [COMPARE_PROTOCOL.name]: COMPARE_PROTOCOL,
  [TINY_PROTOCOL.name]: TINY_PROTOCOL,
};
