// The rounding path of native TensorFlow on this machine. oneDNN chooses its kernels by the CPU's
// widest vector extension (or by ONEDNN_MAX_CPU_ISA when set), and different kernels round
// differently: the same seed trains to other numbers on AVX-512 than on AVX2. A cached result is
// only valid on the path that made it, so every cache key names it (store/cache.ts).
import fs from "node:fs";

/** The CPU's widest vector extension, from /proc/cpuinfo: "AVX-512", "AVX2", "no AVX2", or "unknown" outside Linux. */
export function simdClass(cpuinfo?: string): string {
  const info =
    cpuinfo ?? (fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "");
  const flags = (info.match(/^flags\s*:(.*)$/m)?.[1] ?? "").split(/\s+/);
  if (info === "") return "unknown";
  return flags.includes("avx512f") ? "AVX-512" : flags.includes("avx2") ? "AVX2" : "no AVX2";
}

/**
 * This process's rounding path: the vector class, and ONEDNN_MAX_CPU_ISA when it holds oneDNN to
 * a lower one (e.g. "AVX-512, ONEDNN_MAX_CPU_ISA=AVX2").
 */
export function roundingPath(): string {
  const held = process.env.ONEDNN_MAX_CPU_ISA;
  return held === undefined || held === ""
    ? simdClass()
    : `${simdClass()}, ONEDNN_MAX_CPU_ISA=${held}`;
}
