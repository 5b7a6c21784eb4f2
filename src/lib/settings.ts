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
export function chooseSettings<T extends object>(full: T, quick: Partial<T>, env: NodeJS.ProcessEnv = process.env): T {
  return isQuickMode(env) ? { ...full, ...quick } : { ...full };
}
