// Failure modes of GAN training, flagged as they happen. Each rule is stated here, with its
// numbers, before any run it judges; the notebooks that teach a failure show its flag firing.
import { deviation, digitsDrawn, mean, median } from "../core/stats";
import type { StepMetrics } from "../train/steps";

/** One failure seen during a training: what, when, what was measured, and where it is explained. */
export interface FailureFlag {
  rule: "D winning" | "no progress" | "collapse";
  /** The step at which the rule first held. */
  step: number;
  /** What was measured, in words and numbers. */
  seen: string;
  /** The notebook that explains this failure. */
  explainedIn: string;
}

/** The rules' numbers. */
export interface FailureRules {
  /** Steps over which a rule looks at the history. */
  window: number;
  /** D winning: mean D(G(z)) over the window below this (a cross-entropy D's probability). */
  fakeBelow: number;
  /** D winning: median gradient norm of J(G) over the window below this share of the largest it had. */
  gradientDrop: number;
  /** No progress: standard deviation of J(D) and of J(G) over the window both below this. */
  flatBelow: number;
  /** Collapse: the most frequent digit takes more than this share of the samples… */
  topShareAbove: number;
  /** …or fewer digits than this each take at least 2 % of the samples. */
  digitsBelow: number;
  /** Collapse, on the ring: …or fewer modes than this each hold at least 2 % of the samples (nearest mode). */
  modesBelow: number;
}

/** The rules as the helper applies them unless told otherwise. */
export const FAILURE_RULES: Readonly<FailureRules> = {
  window: 100,
  fakeBelow: 0.05,
  gradientDrop: 0.01,
  flatBelow: 1e-3,
  topShareAbove: 0.5,
  digitsBelow: 5,
  modesBelow: 4,
};

/**
 * D winning (the saturation of notebook 02): over the last `window` steps the mean D(G(z)) is below
 * `fakeBelow`, and, where G's gradient norm was measured, its median over those steps is below
 * `gradientDrop` times the largest norm of the run so far. Null until one window has run.
 */
export function checkDWinning(
  history: ReadonlyArray<Pick<StepMetrics, "step" | "dFake" | "gradNorm">>,
  rules: FailureRules = FAILURE_RULES,
): FailureFlag | null {
  const { window } = rules;
  if (history.length < window) return null;
  const last = history.slice(-window);
  const fake = mean(last.map((m) => m.dFake));
  if (!(fake < rules.fakeBelow)) return null;
  let gradient = "G's gradient norm not measured";
  const norms = history.map((m) => m.gradNorm);
  if (norms.every((n) => n !== undefined)) {
    const [largest, now] = [
      Math.max(...(norms as number[])),
      median(last.map((m) => m.gradNorm as number)),
    ];
    if (!(now < rules.gradientDrop * largest)) return null;
    gradient = `G's gradient norm fell to ${((100 * now) / largest).toPrecision(2)} % of its largest`;
  }
  const [from, to] = [last[0].step, last[last.length - 1].step];
  return {
    rule: "D winning",
    step: to,
    seen: `mean D(G(z)) ${fake.toExponential(1)} over steps ${from}–${to}; ${gradient}`,
    explainedIn: "02-bce-saturation",
  };
}

/** No progress: over the last `window` steps neither J(D) nor J(G) moves (standard deviations below `flatBelow`). */
export function checkNoProgress(
  history: ReadonlyArray<Pick<StepMetrics, "step" | "dLoss" | "gLoss">>,
  rules: FailureRules = FAILURE_RULES,
): FailureFlag | null {
  if (history.length < rules.window) return null;
  const last = history.slice(-rules.window);
  const [d, g] = [deviation(last.map((m) => m.dLoss)), deviation(last.map((m) => m.gLoss))];
  if (!(d < rules.flatBelow && g < rules.flatBelow)) return null;
  const [from, to] = [last[0].step, last[last.length - 1].step];
  return {
    rule: "no progress",
    step: to,
    seen: `J(D) and J(G) flat over steps ${from}–${to} (standard deviations ${d.toExponential(1)}, ${g.toExponential(1)})`,
    explainedIn: "02-bce-saturation",
  };
}

/**
 * The collapse rule on a histogram of samples (per digit, or per mode): the most frequent class
 * takes more than `topShareAbove` of the samples, or fewer than `below` classes take 2 % each.
 */
function histogramCollapse(
  counts: ArrayLike<number>,
  step: number,
  {
    topShareAbove,
    below,
    unit,
    caller,
  }: { topShareAbove: number; below: number; unit: string; caller: string },
): FailureFlag | null {
  const values = Array.from(counts);
  const total = values.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error(`${caller} needs the counts of at least one sample`);
  const top = Math.max(...values) / total;
  const held = digitsDrawn(values);
  if (!(top > topShareAbove || held < below)) return null;
  return {
    rule: "collapse",
    step,
    seen:
      unit === "digit"
        ? `${held} digit(s) take 2 % or more of ${total} samples; the most frequent takes ${(100 * top).toFixed(0)} %`
        : `${held} of ${values.length} modes hold 2 % or more of ${total} samples; the most popular holds ${(100 * top).toFixed(0)} %`,
    explainedIn: "07-lsgan-stability",
  };
}

/**
 * Collapse, on MNIST: the helper classifier's counts of the digits it reads in a fixed batch of
 * samples (e.g. `countPredictedDigits`) concentrate: the most frequent digit takes more than
 * `topShareAbove` of them, or fewer than `digitsBelow` digits take at least 2 % each.
 * @param counts samples read as each digit, 0 to 9.
 */
export function checkCollapse(
  counts: ArrayLike<number>,
  step: number,
  rules: FailureRules = FAILURE_RULES,
): FailureFlag | null {
  const { topShareAbove, digitsBelow } = rules;
  return histogramCollapse(counts, step, {
    topShareAbove,
    below: digitsBelow,
    unit: "digit",
    caller: "checkCollapse",
  });
}

/**
 * Collapse, on the ring of notebook 07: the ring's version of `checkCollapse`, on the counts of
 * samples nearest each mode (`measureModeCoverage(…).nearest`), whatever their quality: the most
 * popular mode takes more than `topShareAbove` of the samples, or fewer than `modesBelow` modes
 * take at least 2 % each. (A rule that fired when the modes *covered* fell, written first, fired in
 * every run of notebook 07 including those that ended with all eight: the covered count dips
 * whenever samples loosen around their modes, which is quality, not collapse.)
 */
export function checkRingCollapse(
  nearest: ArrayLike<number>,
  step: number,
  rules: FailureRules = FAILURE_RULES,
): FailureFlag | null {
  const { topShareAbove, modesBelow } = rules;
  return histogramCollapse(nearest, step, {
    topShareAbove,
    below: modesBelow,
    unit: "mode",
    caller: "checkRingCollapse",
  });
}

/** One line for a flag: "⚑ step 240 · D winning: … (explained in notebook 02-bce-saturation)". */
export function formatFlag(flag: FailureFlag): string {
  return `⚑ step ${flag.step} · ${flag.rule}: ${flag.seen} (explained in notebook ${flag.explainedIn})`;
}
