// Seams: places where gan-kit reaches into another package's internals rather than its public API.
// Each is checked directly, so that an upgrade that moves or renames it fails here, loudly, instead of
// the display silently falling back to "not in a notebook" (the require's error is caught there).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, it } from "node:test";

const SOURCE_DIR = path.resolve(__dirname, "../../lib");
const COMPILED_DIR = path.resolve(__dirname, "../lib");
const PACKAGE_DIR = path.resolve(__dirname, "../..");

/** Every "tslab/…" module that a gan-kit source file requires or imports, with that file. */
function tslabSeams(): { file: string; specifier: string }[] {
  const seams: { file: string; specifier: string }[] = [];
  for (const file of readdirSync(SOURCE_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .sort()) {
    const source = readFileSync(path.join(SOURCE_DIR, file), "utf8");
    for (const match of source.matchAll(/(?:require\(|from |import\()\s*"(tslab(?:\/[^"]*)?)"/g)) {
      seams.push({ file, specifier: match[1] });
    }
  }
  return seams;
}

/** require() as the compiled module of `file` sees it: resolution starts from its folder in the package. */
const requireFrom = (file: string) =>
  createRequire(path.join(COMPILED_DIR, file.replace(/\.ts$/, ".js")));

function jupyterSeam(): { file: string; specifier: string } {
  const seam = tslabSeams().find(({ specifier }) => specifier === "tslab/dist/jupyter");
  assert.ok(
    seam,
    `no gan-kit source requires tslab/dist/jupyter any more; found ${JSON.stringify(tslabSeams())}`,
  );
  return seam;
}

describe("the tslab seam of gan-kit's notebook display", () => {
  it("gan-kit still reaches into tslab/dist/jupyter (update this test if that changes)", () => {
    jupyterSeam();
  });

  it("every tslab module gan-kit requires resolves from the gan-kit package", () => {
    for (const { file, specifier } of tslabSeams()) {
      assert.doesNotThrow(
        () => requireFrom(file).resolve(specifier),
        `${specifier} (in ${file}) does not resolve`,
      );
    }
  });

  it("tslab/dist/jupyter exports lastWriteDisplayData, null outside a kernel", () => {
    const { file } = jupyterSeam();
    const jupyter = requireFrom(file)("tslab/dist/jupyter") as Record<string, unknown>;
    assert.ok(
      Object.prototype.hasOwnProperty.call(jupyter, "lastWriteDisplayData"),
      `tslab/dist/jupyter no longer exports lastWriteDisplayData; its exports: ${Object.keys(jupyter).join(", ")}`,
    );
    assert.equal(jupyter.lastWriteDisplayData, null);
  });

  it("the tslab found is the version the root package pins, and gan-kit declares it as a peer dependency", () => {
    const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
    const pinned = readJson(path.resolve(PACKAGE_DIR, "../package.json")).dependencies.tslab;
    assert.match(pinned, /^\d+\.\d+\.\d+$/, "the root package.json pins an exact tslab version");
    assert.equal(readJson(path.join(PACKAGE_DIR, "package.json")).peerDependencies?.tslab, pinned);
    assert.equal(requireFrom(jupyterSeam().file)("tslab/package.json").version, pinned);
  });
});
