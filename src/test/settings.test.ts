import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { chooseSettings, isQuickMode } from "../lib";

describe("quick mode", () => {
  it("reads GAN_QUICK", () => {
    assert.equal(isQuickMode({}), false);
    assert.equal(isQuickMode({ GAN_QUICK: "0" }), false);
    assert.equal(isQuickMode({ GAN_QUICK: "1" }), true);
  });

  it('counts GAN_QUICK as set when it is non-empty and not exactly "0"', () => {
    // The one statement of the rule; scripts/run_notebooks.py asks this function (tests/test_quick_mode.py).
    const table: [string, boolean][] = [
      ["", false],
      ["0", false],
      ["1", true],
      ["yes", true],
      ["00", true],
      [" ", true],
    ];
    for (const [value, quick] of table)
      assert.equal(isQuickMode({ GAN_QUICK: value }), quick, JSON.stringify(value));
  });

  it("overrides the full settings only in quick mode", () => {
    const full = { steps: 5000, batchSize: 64 };
    assert.deepEqual(chooseSettings(full, { steps: 50 }, {}), full);
    assert.deepEqual(chooseSettings(full, { steps: 50 }, { GAN_QUICK: "1" }), {
      steps: 50,
      batchSize: 64,
    });
  });

  it("refuses a quick setting that the full settings lack, naming it, in either mode", () => {
    const full = { steps: 5000, batchSize: 64 };
    for (const env of [{}, { GAN_QUICK: "1" }]) {
      assert.throws(
        () => chooseSettings(full, { stepz: 50 } as never, env),
        /quick settings "stepz" are not in the full settings \(steps, batchSize\)/,
      );
    }
  });
});
