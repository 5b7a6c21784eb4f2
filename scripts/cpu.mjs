// The CPU's vector class, read once for the scripts that record or choose by it (record.mjs,
// series.mjs, other-isa.mjs, bench/run.mjs): the same seed trains to different numbers on AVX-512 and AVX2.
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

/**
 * The class this process computes as: "avx512", or "avx2" on a CPU without AVX-512 or when
 * oneDNN is held below it by ONEDNN_MAX_CPU_ISA (the documented way to see the AVX2 class from an
 * AVX-512 machine). Records of each class are kept apart (bench/series*.json, bench/latest*.json).
 */
export function computeClass(env = process.env, flags = cpuFlags()) {
  const held = (env.ONEDNN_MAX_CPU_ISA ?? "").toUpperCase();
  return simdClass(flags) === "AVX-512" && !["AVX2", "AVX", "SSE41"].includes(held)
    ? "avx512"
    : "avx2";
}
