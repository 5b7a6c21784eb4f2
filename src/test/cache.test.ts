import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import { cacheEntryPath, writeCacheEntry } from "../lib/store/cache";
import { roundingPath, simdClass } from "../lib/core/cpu";

describe("cache entries", () => {
  it("are keyed by their parts in canonical JSON: key order does not matter, any value does", () => {
    const a = cacheEntryPath("/c", "run", [{ x: 1, y: [2, 3] }, "tensorflow"]);
    assert.equal(cacheEntryPath("/c", "run", [{ y: [2, 3], x: 1 }, "tensorflow"]), a);
    assert.notEqual(cacheEntryPath("/c", "run", [{ x: 1, y: [2, 3] }, "wasm"]), a);
    assert.match(a, /^\/c\/run-[0-9a-f]{12}$/);
  });

  it("name the rounding path they were made on: another CPU class or ONEDNN_MAX_CPU_ISA is another key", () => {
    const flags = (f: string) => `processor\t: 0\nflags\t\t: fpu sse2 ${f}\n`;
    assert.equal(simdClass(flags("avx2 avx512f avx512bw")), "AVX-512");
    assert.equal(simdClass(flags("avx avx2 fma")), "AVX2");
    assert.equal(simdClass(flags("avx")), "no AVX2");
    assert.equal(simdClass(""), "unknown");
    const before = process.env.ONEDNN_MAX_CPU_ISA;
    try {
      delete process.env.ONEDNN_MAX_CPU_ISA;
      const own = cacheEntryPath("/c", "run", [{ steps: 3 }]);
      assert.equal(roundingPath(), simdClass());
      process.env.ONEDNN_MAX_CPU_ISA = "AVX2";
      assert.equal(roundingPath(), `${simdClass()}, ONEDNN_MAX_CPU_ISA=AVX2`);
      assert.notEqual(cacheEntryPath("/c", "run", [{ steps: 3 }]), own);
    } finally {
      if (before === undefined) delete process.env.ONEDNN_MAX_CPU_ISA;
      else process.env.ONEDNN_MAX_CPU_ISA = before;
    }
  });

  it("are written whole or not at all", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-entry-"));
    const entry = path.join(dir, "run-0123456789ab");
    await assert.rejects(
      writeCacheEntry(entry, async (folder) => {
        fs.writeFileSync(path.join(folder, "half.json"), "{");
        throw new Error("stopped half-way");
      }),
      /stopped half-way/,
    );
    assert.deepEqual(
      fs.readdirSync(dir),
      [],
      "a failed write leaves neither the entry nor its partial folder",
    );
    await writeCacheEntry(entry, async (folder) =>
      fs.writeFileSync(path.join(folder, "done.json"), "{}"),
    );
    assert.deepEqual(fs.readdirSync(dir), ["run-0123456789ab"]);
    assert.deepEqual(fs.readdirSync(entry), ["done.json"]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("a training stopped half-way and run again", () => {
  it("starts again from the networks' first weights, so the cache holds what a clean run makes", async () => {
    const {
      buildMlpDiscriminator,
      buildMlpGenerator,
      createBatchStream,
      createGan,
      disposeOptimizers,
      loadMnist,
      trainGan,
    } = await import("../lib");
    const { loadOrTrainGenerator } = await import("../lib/store/cache");
    const data = loadMnist({ seed: 1 });
    const build = () => ({
      generator: buildMlpGenerator({ latentSize: 8, hiddenUnits: [16], seed: 1 }),
      discriminator: buildMlpDiscriminator({ hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 }),
    });
    const trainFor = async (nets: ReturnType<typeof build>, steps: number) => {
      const gan = createGan({ ...nets, learningRate: 1e-2, seed: 3 });
      try {
        return await trainGan({
          gan,
          batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
          steps,
        });
      } finally {
        disposeOptimizers(gan);
      }
    };
    const clean = build();
    trainFor(clean, 3);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-restart-"));
    const nets = build();
    const args = { cacheDir, name: "restart", settings: { steps: 3 }, ...nets };
    await assert.rejects(
      loadOrTrainGenerator({
        ...args,
        train: () => {
          trainFor(nets, 2);
          throw new Error("stopped at step 2");
        },
      }),
      /stopped at step 2/,
    );
    const again = await loadOrTrainGenerator({ ...args, train: async () => trainFor(nets, 3) });
    assert.equal(again.fromCache, false);
    const weights = (model: { getWeights(): { dataSync(): ArrayLike<number> }[] }) =>
      model.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(nets.generator), weights(clean.generator));
    assert.deepEqual(weights(nets.discriminator), weights(clean.discriminator));
    fs.rmSync(cacheDir, { recursive: true });
  });
});
