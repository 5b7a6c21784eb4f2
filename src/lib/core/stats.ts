// Summaries of a list of numbers, one definition each for the helper and every notebook: the mean,
// the median (the middle value; for an even count, the mean of the two middle values), the
// standard deviation (of the list itself, dividing by n), and how many classes of a histogram hold
// a share of its samples.

/** Throws unless `xs` is a non-empty list of numbers; `name` says which list. */
function checkList(xs: readonly number[], name: string): void {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new Error(`${name} needs a non-empty list of numbers, got ${JSON.stringify(xs)}`);
}

/** The mean of `xs`. */
export function mean(xs: readonly number[]): number {
  checkList(xs, "mean");
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The median of `xs`: the middle value, or the mean of the two middle values of an even count. */
export function median(xs: readonly number[]): number {
  checkList(xs, "median");
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The standard deviation of `xs` itself (divided by n, not n − 1). */
export function deviation(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

/**
 * How many classes (digits, modes) hold at least `share` of the samples: `counts[c]` samples were
 * read as class c (e.g. `countPredictedDigits`). The collapse rules count the same.
 */
export function digitsDrawn(counts: ArrayLike<number>, share = 0.02): number {
  const values = Array.from(counts);
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0))
    throw new Error(`digitsDrawn needs the counts of at least one sample, got [${values}]`);
  if (!(share > 0 && share <= 1)) throw new Error(`share must be in (0, 1], got ${share}`);
  return values.filter((c) => c >= share * total).length;
}
