// Notebook 07's ring experiments as data: the LSGAN authors' ring protocol and the notebook's
// BatchNorm × optimiser grid (both recorded, `npm run record -- <name>`), and a seconds-long record
// for the record command's tests.
import { AUTHORS_RING } from "../data/ring";
import { LEAST_SQUARES, NON_SATURATING } from "../train/losses";
import { ALTERNATING_UPDATES, SIMULTANEOUS_UPDATES } from "../train/stackedgan";
import type { RingJobGroup } from "../experiments/ringjob";
import type { RingRecordRow, RingRecordSpec } from "../experiments/records";

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

/**
 * Notebook 07's main experiment replicated on fresh seeds: the regular GAN and LSGAN, both with
 * Adam (5e-3 for G, 5e-4 for D, β₁ 0.5), no BatchNorm, its ring (radius 2, σ 0.02), batch 128,
 * 4,000 alternating steps, checks every 250 steps on 2,500 samples; 6 seeds per objective, as in
 * the notebook, in two replications beside the notebook's own run (base seed 707).
 */
export const MAIN_PROTOCOL: RingRecordSpec = {
  name: "07-main",
  description: "notebook 07: its main experiment on fresh seeds, twice",
  ring: GRID_PROTOCOL.ring,
  generator: gridRow("none", false, false).generator,
  discriminator: gridRow("none", false, false).discriminator,
  groups: [gridGroup("GAN", NON_SATURATING, gridAdam), gridGroup("LSGAN", LEAST_SQUARES, gridAdam)],
  updates: ALTERNATING_UPDATES,
  settings: {
    steps: 4000,
    batchSize: 128,
    latentSize: 256,
    seed: 1,
    checkEvery: 250,
    checkSamples: 2500,
    recordEvery: 25,
  },
  seeds: 6,
  replications: [7707, 8707],
  checkpointEvery: 1000,
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
