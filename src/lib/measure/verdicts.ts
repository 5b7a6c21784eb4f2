// A verdict on a claim, from rules written before the runs they judge: "reproduced" when the
// rule for yes holds, "not reproduced" when the rule for no holds, else "unclear"; a verdict on
// replications (fresh seeds) stands only when they agree; the rule for the LSGAN paper's ring claim.
import { digitsDrawn } from "../core/stats";
import { checkRingCollapse } from "./failures";

/** What a rule-based comparison concludes about a claim. */
export type Verdict = "reproduced" | "not reproduced" | "unclear";

/**
 * The verdict of two pre-written rules: `yes` (the claim's outcome was seen) is checked first,
 * then `no` (its opposite was seen); neither gives "unclear".
 */
export function verdict(yes: boolean, no: boolean): Verdict {
  if (typeof yes !== "boolean" || typeof no !== "boolean")
    throw new Error(
      `verdict needs two booleans, got ${JSON.stringify(yes)} and ${JSON.stringify(no)}`,
    );
  return yes ? "reproduced" : no ? "not reproduced" : "unclear";
}

/**
 * A verdict decided on several replications (the same experiment on fresh seeds): theirs when
 * they all agree, else "unclear" (a verdict that a fresh set of seeds overturns is not one).
 */
export function replicatedVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) throw new Error("replicatedVerdict needs at least one verdict");
  return verdicts.every((v) => v === verdicts[0]) ? verdicts[0] : "unclear";
}

/** One ring run at the check a verdict reads: samples nearest each mode, and the 3σ share. */
export interface RingRunAtCheck {
  /** Samples nearest each mode, whatever their distance (where the mass went). */
  nearest: ArrayLike<number>;
  /** Share of the samples within 3σ of a mode (how sharp they are). */
  highQualityShare: number;
}

/**
 * The rule for the LSGAN paper's ring claim ("the regular GAN collapses onto a few modes; LSGAN
 * learns the mixture"), written before the record it judges. Two measures, each saying one thing:
 * where the mass is (modes holding ≥ 2 % of the samples by nearest mode: collapse) and how sharp
 * (the 3σ share). A run has **collapsed** when `checkRingCollapse` fires on its nearest-mode
 * counts (fewer than 4 modes hold 2 %, or one holds more than half); it has **learned the
 * mixture** when every mode holds 2 % and at least `sharpAtLeast` of its samples lie within 3σ.
 */
export const RING_CLAIM_RULE = {
  /** Share of the runs that "most" means (3 of 4). */
  most: 0.75,
  /** Share of the runs that "few" means (1 of 4). */
  few: 0.25,
  /** 3σ share a run needs to have learned the mixture (real samples: about 0.99). */
  sharpAtLeast: 0.5,
} as const;

/** Whether a ring run has collapsed at a check (the collapse flag's rule, on nearest-mode mass). */
export function ringRunCollapsed(run: RingRunAtCheck): boolean {
  return checkRingCollapse(run.nearest, 0) !== null;
}

/** Whether a ring run has learned the mixture at a check: every mode holds 2 %, and it is sharp. */
export function ringRunLearned(run: RingRunAtCheck): boolean {
  const modes = Array.from(run.nearest).length;
  return digitsDrawn(run.nearest) === modes && run.highQualityShare >= RING_CLAIM_RULE.sharpAtLeast;
}

/** The share of `runs` for which `test` holds; `what` names the runs in the error when there are none. */
function shareOf<T>(runs: readonly T[], test: (r: T) => boolean, what: string): number {
  if (runs.length === 0) throw new Error(`${what} has no runs`);
  return runs.filter(test).length / runs.length;
}

/**
 * One replication's verdict on the ring claim, from each objective's runs at the final check:
 * **reproduced** when most GAN runs collapsed and most LSGAN runs learned the mixture; **not
 * reproduced** when few GAN runs collapsed, or LSGAN runs collapsed at least as often; else
 * **unclear**.
 */
export function judgeRingClaim(gan: RingRunAtCheck[], lsgan: RingRunAtCheck[]): Verdict {
  if (gan.length === 0 || lsgan.length === 0)
    throw new Error(
      `judgeRingClaim needs runs of both objectives, got ${gan.length} and ${lsgan.length}`,
    );
  const { most, few } = RING_CLAIM_RULE;
  const ganCollapsed = shareOf(gan, ringRunCollapsed, "GAN");
  return verdict(
    ganCollapsed >= most && shareOf(lsgan, ringRunLearned, "LSGAN") >= most,
    ganCollapsed <= few || shareOf(lsgan, ringRunCollapsed, "LSGAN") >= ganCollapsed,
  );
}

/** A grid cell's runs at the check a verdict reads: the cell named by its BatchNorm row, optimiser and objective. */
export type GridCells = (
  row: string,
  optimizer: "Adam" | "RMSProp",
  objective: "GAN" | "LSGAN",
) => RingRunAtCheck[];

/**
 * Which grid rows the paper's two BatchNorm settings are, in one reading of them: the source
 * post's (`BN_G` = BatchNorm in G, `BN_GD` = in G and D) or the authors' code's (`BN_G` = none in
 * G, so in D only; `BN_GD` = none anywhere).
 */
export interface GridReading {
  bnG: string;
  bnGD: string;
}

export const SOURCE_POST_READING: GridReading = { bnG: "G", bnGD: "G and D" };
export const AUTHORS_READING: GridReading = { bnG: "D", bnGD: "none" };

/**
 * The rules for the four BatchNorm × optimiser observations that source post 000 reports from the
 * LSGAN paper, written before the record they judge (07-grid). Each run is read at its last
 * check with the two measures of the ring claim: **collapsed** (`ringRunCollapsed`, where the
 * mass is) and **learned** (`ringRunLearned`: every mode holds 2 % and at least half the samples
 * lie within 3σ). For a cell, C is the share of its runs that collapsed and L the share that
 * learned; "most" and "few" are RING_CLAIM_RULE's 3/4 and 1/4.
 *
 * 1. BN_G, Adam: LSGAN learns, the regular GAN collapses — `judgeRingClaim` on that cell.
 * 2. BN_GD, RMSProp: LSGAN is better, the regular GAN collapses slightly — reproduced when
 *    C(GAN) ≥ few, C(LSGAN) ≤ C(GAN) − few and L(LSGAN) ≥ L(GAN); not reproduced when
 *    C(LSGAN) ≥ C(GAN) and L(LSGAN) ≤ L(GAN).
 * 3. BN_G with RMSProp and BN_GD with Adam: the two objectives behave alike — reproduced when in
 *    both cells C and L differ between the objectives by at most few; not reproduced when in
 *    either cell C or L differs by at least 2·few.
 * 4. RMSProp is steadier: the regular GAN with BN_G learns with RMSProp but not with Adam —
 *    reproduced when L(GAN, RMSProp) ≥ most and C(GAN, Adam) ≥ most; not reproduced when
 *    L(GAN, Adam) ≥ L(GAN, RMSProp) or C(GAN, RMSProp) ≥ C(GAN, Adam).
 */
export function judgeGridObservations(cells: GridCells, reading: GridReading): Verdict[] {
  const share = (runs: RingRunAtCheck[], test: (r: RingRunAtCheck) => boolean) =>
    shareOf(runs, test, "judgeGridObservations: a cell");
  const C = (runs: RingRunAtCheck[]) => share(runs, ringRunCollapsed);
  const L = (runs: RingRunAtCheck[]) => share(runs, ringRunLearned);
  const { most, few } = RING_CLAIM_RULE;
  const eps = 1e-9; // shares are fractions of whole runs: compare without rounding trouble
  const gap = (row: string, opt: "Adam" | "RMSProp") => {
    const [gan, ls] = [cells(row, opt, "GAN"), cells(row, opt, "LSGAN")];
    return Math.max(Math.abs(C(ls) - C(gan)), Math.abs(L(ls) - L(gan)));
  };
  const { bnG, bnGD } = reading;
  const [gan2, ls2] = [cells(bnGD, "RMSProp", "GAN"), cells(bnGD, "RMSProp", "LSGAN")];
  const [ganAdam, ganRms] = [cells(bnG, "Adam", "GAN"), cells(bnG, "RMSProp", "GAN")];
  const gaps = [gap(bnG, "RMSProp"), gap(bnGD, "Adam")];
  return [
    judgeRingClaim(ganAdam, cells(bnG, "Adam", "LSGAN")),
    verdict(
      C(gan2) >= few - eps && C(ls2) <= C(gan2) - few + eps && L(ls2) >= L(gan2),
      C(ls2) >= C(gan2) && L(ls2) <= L(gan2),
    ),
    verdict(
      gaps.every((g) => g <= few + eps),
      gaps.some((g) => g >= 2 * few - eps),
    ),
    verdict(
      L(ganRms) >= most - eps && C(ganAdam) >= most - eps,
      L(ganAdam) >= L(ganRms) || C(ganRms) >= C(ganAdam),
    ),
  ];
}

/** A GAN on MNIST as the digit classifier reads its samples: confident share and digit counts. */
export interface DigitReading {
  /** Share of the samples the classifier reads with top probability ≥ 0.9. */
  confident: number;
  /** Samples read as each digit 0–9. */
  counts: ArrayLike<number>;
}

/**
 * The rule for source post 000's claim on updating D (notebook 08: "summing the real and fake
 * costs into one update fails; two updates train"), written before the record that judges it
 * with several seeds (08-compare). A run **trains** when the classifier is confident about at
 * least 20 % of its samples and reads at least 8 digits among them (each ≥ 2 %); it **fails** when
 * it is confident about fewer than 5 % or reads at most 3 digits. These are notebook 08's
 * thresholds, where the rule was first written for two seeds a side.
 */
export const UPDATE_CLAIM_RULE = {
  trainsConfident: 0.2,
  trainsDigits: 8,
  failsConfident: 0.05,
  failsDigits: 3,
  /** Share of a side's runs that "most" means. */
  most: 0.75,
  /** `compareSides`: the share of cross pairs one side must win to be ahead. */
  ahead: 0.75,
} as const;

/** Whether a run trains by UPDATE_CLAIM_RULE. */
export function runTrains(r: DigitReading): boolean {
  const { trainsConfident, trainsDigits } = UPDATE_CLAIM_RULE;
  return r.confident >= trainsConfident && digitsDrawn(r.counts) >= trainsDigits;
}

/** Whether a run fails by UPDATE_CLAIM_RULE. */
export function runFails(r: DigitReading): boolean {
  const { failsConfident, failsDigits } = UPDATE_CLAIM_RULE;
  return r.confident < failsConfident || digitsDrawn(r.counts) <= failsDigits;
}

/**
 * One replication's verdict on source post 000's claim: **reproduced** when most runs with one
 * summed update fail and most with two updates train; **not reproduced** when most runs with one
 * summed update train; else **unclear**.
 */
export function judgeUpdateClaim(summed: DigitReading[], separate: DigitReading[]): Verdict {
  if (summed.length === 0 || separate.length === 0)
    throw new Error(
      `judgeUpdateClaim needs runs of both schemes, got ${summed.length} and ${separate.length}`,
    );
  const { most } = UPDATE_CLAIM_RULE;
  return verdict(
    shareOf(summed, runFails, "one update") >= most &&
      shareOf(separate, runTrains, "two updates") >= most,
    shareOf(summed, runTrains, "one update") >= most,
  );
}

/** What `compareSides` concludes about two sides' scores. */
export type SideComparison = "first ahead" | "second ahead" | "within the spread";

/**
 * Compares two sides' scores (higher is better) by the share of cross pairs (a run of one side
 * against a run of the other) that each side wins, ties counting half: a side is **ahead** when it
 * wins at least UPDATE_CLAIM_RULE.ahead (3/4) of the pairs, else the difference is **within the
 * spread**. (With two runs a side that is three of the four pairs; notebook 08's first rule,
 * written for two, asked for all four.)
 */
export function compareSides(first: readonly number[], second: readonly number[]): SideComparison {
  if (first.length === 0 || second.length === 0)
    throw new Error(
      `compareSides needs scores on both sides, got ${first.length} and ${second.length}`,
    );
  let wins = 0;
  for (const a of first) for (const b of second) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const share = wins / (first.length * second.length);
  if (share >= UPDATE_CLAIM_RULE.ahead) return "first ahead";
  if (1 - share >= UPDATE_CLAIM_RULE.ahead) return "second ahead";
  return "within the spread";
}

/** A comparison decided on replications: theirs when all agree, else "unclear". */
export function replicatedComparison(
  comparisons: readonly SideComparison[],
): SideComparison | "unclear" {
  if (comparisons.length === 0) throw new Error("replicatedComparison needs at least one");
  return comparisons.every((c) => c === comparisons[0]) ? comparisons[0] : "unclear";
}
