/** Name of the environment variable that switches every notebook to its quick settings. */
export const QUICK_MODE_VARIABLE = "GAN_QUICK";

/** True when GAN_QUICK is set to a non-empty value other than `0` (the test suite sets it). */
export function isQuickMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[QUICK_MODE_VARIABLE];
  return value !== undefined && value !== "" && value !== "0";
}

/**
 * Returns the full settings, or in quick mode the full settings overridden by `quick`.
 * Notebooks keep one settings object so both modes run the same code.
 */
export function chooseSettings<T extends object>(
  full: T,
  quick: Partial<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  // A quick key the full settings lack is a typo that would silently change nothing (tslab does not type-check literals strictly).
  const unknown = Object.keys(quick).filter((key) => !(key in full));
  if (unknown.length > 0) {
    throw new Error(
      `quick settings ${unknown.map((k) => JSON.stringify(k)).join(", ")} are not in the full settings (${Object.keys(full).join(", ")})`,
    );
  }
  return isQuickMode(env) ? { ...full, ...quick } : { ...full };
}
