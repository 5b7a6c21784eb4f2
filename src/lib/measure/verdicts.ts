// A verdict on a claim, from rules written before the runs they judge: "reproduced" when the
// rule for yes holds, "not reproduced" when the rule for no holds, else "unclear".

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
