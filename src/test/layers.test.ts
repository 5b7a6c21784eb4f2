import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

/**
 * gan-kit's floors, lowest first: a module imports only from its own folder and from folders on
 * lower floors (the index, the door, imports from all). Where a new piece goes: README, "Layout".
 */
const FLOORS: readonly string[][] = [
  ["core"],
  ["store", "data", "optim"],
  ["nets", "figures"],
  ["train"],
  ["measure", "theory"],
  ["notebook"],
  ["experiments"],
  ["protocols"],
];

const LIB = path.resolve(__dirname, "..", "..", "lib");
const floorOf = (folder: string) => FLOORS.findIndex((floor) => floor.includes(folder));

/** Every module of src/lib but the index and type declarations: path from src/lib → its imports. */
function readModules(): Map<string, string[]> {
  const modules = new Map<string, string[]>();
  for (const folder of fs.readdirSync(LIB, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name === "types") continue;
    for (const file of fs.readdirSync(path.join(LIB, folder.name))) {
      if (!file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
      const name = `${folder.name}/${file.replace(/\.ts$/, "")}`;
      const code = fs.readFileSync(path.join(LIB, folder.name, file), "utf8");
      const targets = [...code.matchAll(/from "(\.\.?\/[^"]+)"/g)].map(([, target]) =>
        path.posix.normalize(path.posix.join(folder.name, target)),
      );
      modules.set(name, targets);
    }
  }
  return modules;
}

describe("gan-kit's layout", () => {
  const modules = readModules();

  it("has every folder on a floor, at most 10 modules a folder, at most 300 lines a module", () => {
    const counts = new Map<string, number>();
    for (const name of modules.keys()) {
      const folder = name.split("/")[0];
      assert.notEqual(floorOf(folder), -1, `folder ${folder}/ is on no floor of FLOORS`);
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
      const lines = fs.readFileSync(path.join(LIB, `${name}.ts`), "utf8").split("\n").length - 1;
      assert.ok(lines <= 300, `${name}.ts has ${lines} lines`);
    }
    for (const [folder, count] of counts) assert.ok(count <= 10, `${folder}/ has ${count} modules`);
  });

  it("imports only within a folder or from a lower floor", () => {
    const upward: string[] = [];
    for (const [name, targets] of modules)
      for (const target of targets) {
        const [from, to] = [name.split("/")[0], target.split("/")[0]];
        if (from !== to && floorOf(to) >= floorOf(from)) upward.push(`${name} → ${target}`);
      }
    assert.deepEqual(upward, []);
  });

  it("has no import circles between modules", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (name: string, trail: string[]) => {
      if (state.get(name) === "done") return;
      if (state.get(name) === "open") {
        circles.push([...trail.slice(trail.indexOf(name)), name].join(" → "));
        return;
      }
      state.set(name, "open");
      for (const target of modules.get(name) ?? []) visit(target, [...trail, name]);
      state.set(name, "done");
    };
    for (const name of modules.keys()) visit(name, []);
    assert.deepEqual(circles, []);
  });
});
