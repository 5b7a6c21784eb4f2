// Notebook 08's trainings as data: its few-class LSGAN (two objectives, two updates of D) and its
// many-class LSGAN (100 two-digit classes, two label designs), as the notebook trains them and as
// its replicated record (`npm run record -- 08-compare`) trains them on fresh seeds.
import type { GanJob } from "../experiments/jobs";
import type { GanRecordJob, GanRecordSpec } from "../experiments/ganrecords";
import { LEAST_SQUARES, NON_SATURATING, type Objective } from "../train/losses";
import { SEPARATE_UPDATES, SUMMED_UPDATE, type DiscriminatorUpdate } from "../train/gan";

/** Notebook 08's settings: its networks' sizes, its game and its length. */
const N08 = { latentSize: 100, batchSize: 64, steps: 300, learningRate: 1e-3, seed: 808 };
const CHANNELS = { fewG: 32, fewD: 16, many: 32, linearLabel: 32 };

/** What every 08 job takes besides its design. */
interface N08JobArgs {
  /** The job's name (the cache's key part that people read). */
  name: string;
  /** The run's seed block b: G gets b, D b + 10, the game b + 15, the batches b + 16. */
  seedBlock: number;
  /** The seed the digits are shuffled (or the numbers drawn) with. */
  dataSeed: number;
  /** Default notebook 08's 300 steps of 64. */
  steps?: number;
  batchSize?: number;
}

/** `describeFewClassJob`'s arguments: the objective and the update of D to train with. */
export interface DescribeFewClassJobArgs extends N08JobArgs {
  objective: Objective;
  update: DiscriminatorUpdate;
}

/** `describeManyClassJob`'s arguments: how the 100 labels enter the networks. */
export interface DescribeManyClassJobArgs extends N08JobArgs {
  encoding: "linear" | "one-hot";
}

/** The job's fields that do not depend on its design. */
const describe = (args: N08JobArgs, job: Pick<GanJob, "generator" | "discriminator" | "data">) => ({
  name: args.name,
  ...job,
  batches: { batchSize: args.batchSize ?? N08.batchSize, seed: args.seedBlock + 16 },
  steps: args.steps ?? N08.steps,
});

/** Notebook 08's game: Adam 1e-3 with β₁ 0.5, an objective, an update of D, a seed from block b. */
const game = (objective: Objective, update: DiscriminatorUpdate, b: number): GanJob["gan"] => ({
  objective: objective.spec,
  discriminatorUpdate: update,
  learningRate: N08.learningRate,
  beta1: 0.5,
  seed: b + 15,
});

/** One of notebook 08's few-class runs: its LSGAN on 28 × 28 digits, unconditional. */
export function describeFewClassJob(args: DescribeFewClassJobArgs): GanJob {
  const b = args.seedBlock;
  return {
    ...describe(args, {
      generator: {
        builder: "buildLsganGenerator",
        args: { latentSize: N08.latentSize, channels: CHANNELS.fewG, seed: b },
      },
      discriminator: {
        builder: "buildLsganDiscriminator",
        args: { channels: CHANNELS.fewD, seed: b + 10 },
      },
      data: { layout: "image", seed: args.dataSeed },
    }),
    gan: game(args.objective, args.update, b),
  };
}

/** One of notebook 08's many-class runs: 100 two-digit classes, a linear map or one-hot labels. */
export function describeManyClassJob(args: DescribeManyClassJobArgs): GanJob {
  const b = args.seedBlock;
  const labels = {
    numClasses: 100,
    labelEncoding: args.encoding,
    labelSize: args.encoding === "linear" ? CHANNELS.linearLabel : 100,
    channels: CHANNELS.many,
  };
  return {
    ...describe(args, {
      generator: {
        builder: "buildConditionalLsganGenerator",
        args: { ...labels, latentSize: N08.latentSize, seed: b },
      },
      discriminator: {
        builder: "buildConditionalLsganDiscriminator",
        args: { ...labels, seed: b + 10 },
      },
      data: { source: "two-digit numbers", seed: args.dataSeed },
    }),
    gan: game(LEAST_SQUARES, SUMMED_UPDATE, b),
  };
}

/** An objective's short name in job names. */
const short = (objective: Objective) => (objective === LEAST_SQUARES ? "LS" : "BCE");

/** Replication r (1, 2, …) of 08-compare on base seed `base`: 4 seeds of each few- and many-class design. */
function compareJobs(base: number, r: number): GanRecordJob[] {
  const seeds = [0, 1, 2, 3];
  const few = [SUMMED_UPDATE, SEPARATE_UPDATES].flatMap((update) =>
    [LEAST_SQUARES, NON_SATURATING].flatMap((objective) =>
      seeds.map((s): GanRecordJob => {
        const how = update === SUMMED_UPDATE ? "one" : "two";
        const name = `08-compare-r${r}-few-${short(objective)}-${how}-seed-${s}`;
        const job = describeFewClassJob({
          name,
          seedBlock: base + 20 * s,
          dataSeed: base,
          objective,
          update,
        });
        return {
          design: { objective: short(objective), update: how },
          seed: s,
          reading: "digits",
          job,
        };
      }),
    ),
  );
  const many = (["linear", "one-hot"] as const).flatMap((encoding) =>
    seeds.map((s): GanRecordJob => {
      const name = `08-compare-r${r}-many-${encoding}-seed-${s}`;
      const job = describeManyClassJob({
        name,
        seedBlock: base + 100 + 20 * s,
        dataSeed: base,
        encoding,
      });
      return { design: { encoding }, seed: s, reading: "numbers", job };
    }),
  );
  return [...few, ...many];
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
    jobs: compareJobs(base, i + 1),
  })),
  reading: { samples: 1000, latentSize: N08.latentSize, noiseSeed: N08.seed + 300, perNumber: 20 },
};
