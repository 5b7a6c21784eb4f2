// The CPU's vector class, read once for the scripts that record or choose by it (record.mjs,
// series.mjs, other-isa.mjs): the same seed trains to different numbers on AVX-512 and AVX2.
import fs from "node:fs";

/** The CPU's feature flags from /proc/cpuinfo (none outside Linux). */
export function cpuFlags() {
  const info = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  return (info.match(/^flags\s*:(.*)$/m)?.[1] ?? "").split(/\s+/).filter(Boolean);
}

/** The widest vector extension: "AVX-512", "AVX2" or "no AVX2". */
export function simdClass(flags = cpuFlags()) {
  return flags.includes("avx512f") ? "AVX-512" : flags.includes("avx2") ? "AVX2" : "no AVX2";
}
