import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import { cacheEntryPath, codeVersion, writeCacheEntry } from "../lib/cache";

describe("cache entries", () => {
  it("are keyed by their parts in canonical JSON: key order does not matter, any value does", () => {
    const a = cacheEntryPath("/c", "run", [{ x: 1, y: [2, 3] }, "tensorflow"]);
    assert.equal(cacheEntryPath("/c", "run", [{ y: [2, 3], x: 1 }, "tensorflow"]), a);
    assert.notEqual(cacheEntryPath("/c", "run", [{ x: 1, y: [2, 3] }, "wasm"]), a);
    assert.match(a, /^\/c\/run-[0-9a-f]{12}$/);
  });

  it("have a code version that follows the compiled modules it names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-code-"));
    fs.writeFileSync(path.join(dir, "a.js"), "one");
    const before = codeVersion(["a"], dir);
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-code-"));
    fs.writeFileSync(path.join(other, "a.js"), "two");
    assert.notEqual(codeVersion(["a"], other), before);
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(other, { recursive: true });
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
    assert.deepEqual(fs.readdirSync(dir), [], "a failed write leaves neither the entry nor its partial folder");
    await writeCacheEntry(entry, async (folder) => fs.writeFileSync(path.join(folder, "done.json"), "{}"));
    assert.deepEqual(fs.readdirSync(dir), ["run-0123456789ab"]);
    assert.deepEqual(fs.readdirSync(entry), ["done.json"]);
    fs.rmSync(dir, { recursive: true });
  });
});
