// The runs of a ring experiment (notebook 07) as records: one per group and seed, with its checks,
// its costs and its collapse flag; how a check scores every run's samples (and, when the
// experiment keeps one, its averaged generator's), and how a step's costs are written down.
import {
  checkRingCollapse,
  FAILURE_RULES,
  type FailureFlag,
  type FailureRules,
} from "../measure/failures";
import type { RingMixture } from "../data/ring";
import { scoreAveragedCheck, scoreRingCheck, type RingCheck } from "../measure/ringscores";
import type { StackedStepMetrics } from "../train/stackedgan";

/** One run: a group (objective and optimisers) on a seed. */
export interface RingRun {
  /** The group's name. */
  group: string;
  /** The name of its objective. */
  objective: string;
  /** Index of the seed, 0 … seeds − 1. */
  seed: number;
  checks: RingCheck[];
  /** Costs and D's verdicts every `recordEvery` steps. */
  costs: Array<{ step: number; dLoss: number; gLoss: number; dReal: number; dFake: number }>;
  /** The collapse flag, when it fired. */
  flags: FailureFlag[];
}

/** Empty records for `groups` × `seeds` runs, in the stack's order (group by group, seeds within). */
export function createRingRuns(
  groups: ReadonlyArray<{ name: string; objective: { name: string } }>,
  seeds: number,
): RingRun[] {
  return Array.from({ length: groups.length * seeds }, (_, r) => ({
    group: groups[Math.floor(r / seeds)].name,
    objective: groups[Math.floor(r / seeds)].objective.name,
    seed: r % seeds,
    checks: [],
    costs: [],
    flags: [],
  }));
}

export interface ScoreRingRunsArgs {
  ring: RingMixture;
  step: number;
  /** Each run's samples at this check, [runs][n][2]. */
  samples: number[][][];
  /** The averaged generators' samples on the same noise, when the experiment keeps an average. */
  averaged?: number[][][];
  /** Real points the energy distance compares with. */
  reference: ReadonlyArray<readonly number[]>;
  keepPoints: number;
  failureRules?: FailureRules;
}

/** Adds a check to every run (`scoreRingCheck`) and raises its collapse flag when it first holds. */
export function scoreRingRuns(runs: RingRun[], args: ScoreRingRunsArgs): void {
  const { ring, step, samples, averaged, reference, keepPoints } = args;
  const { failureRules = FAILURE_RULES } = args;
  samples.forEach((points, r) => {
    const run = runs[r];
    const scored = scoreRingCheck(ring, points, { step, reference, keepPoints });
    if (averaged !== undefined) scored.averaged = scoreAveragedCheck(ring, averaged[r]);
    run.checks.push(scored);
    const flag =
      run.flags.length === 0 ? checkRingCollapse(scored.nearest, step, failureRules) : null;
    if (flag !== null) run.flags.push(flag);
  });
}

/** Writes a step's costs and D's verdicts into every run's record. */
export function recordRingCosts(runs: RingRun[], step: number, m: StackedStepMetrics): void {
  runs.forEach((run, r) =>
    run.costs.push({
      step,
      dLoss: m.dLoss[r],
      gLoss: m.gLoss[r],
      dReal: m.dReal[r],
      dFake: m.dFake[r],
    }),
  );
}
