/** Throws unless `value` is a finite number; the message names the parameter and its value. */
export function assertFinite(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${name} must be a finite number, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number greater than zero. */
export function assertPositive(name: string, value: number): void {
  assertFinite(name, value);
  if (value <= 0) throw new Error(`${name} must be greater than 0, got ${value}`);
}

/** Throws unless `value` is an integer of at least `min`. */
export function assertInteger(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** Throws unless `shape` matches `expected` size by size (-1 matches any size). */
export function assertShape(
  name: string,
  shape: readonly number[],
  expected: readonly number[],
): void {
  const ok =
    shape.length === expected.length &&
    expected.every((size, i) => size === -1 || size === shape[i]);
  if (!ok) {
    const want = expected.map((s) => (s === -1 ? "?" : String(s))).join(", ");
    throw new Error(`${name} must have shape [${want}], got [${shape.join(", ")}]`);
  }
}
