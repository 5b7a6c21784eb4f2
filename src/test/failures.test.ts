import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  checkCollapse,
  checkDWinning,
  checkNoProgress,
  checkRingCollapse,
  FAILURE_RULES,
  formatFlag,
} from "../lib/measure/failures";

/** A history of `n` steps whose fields are given per step. */
function history(
  n: number,
  at: (step: number) => { dFake?: number; gradNorm?: number; dLoss?: number; gLoss?: number },
) {
  return Array.from({ length: n }, (_, i) => {
    const step = i + 1;
    return { step, dReal: 0.5, dFake: 0.45, dLoss: 0.69, gLoss: 0.69, ...at(step) };
  });
}
/** A seeded wobble in [−1, 1], so that healthy histories are not flat. */
const wobble = (step: number) => Math.sin(step * 12.9898) * 0.5 + Math.sin(step * 78.233) * 0.5;

describe("failure rules", () => {
  it("D winning fires when D(G(z)) stays near 0 and G's gradient collapses", () => {
    const saturated = history(300, (s) =>
      s <= 100 ? { dFake: 0.3, gradNorm: 1 } : { dFake: 0.01, gradNorm: 0.002 },
    );
    const flag = checkDWinning(saturated);
    assert.ok(flag !== null);
    assert.equal(flag.step, 300);
    assert.equal(flag.rule, "D winning");
    assert.match(
      flag.seen,
      /mean D\(G\(z\)\) 1\.0e-2 over steps 201–300; G's gradient norm fell to 0\.20 % of its largest/,
    );
    assert.equal(
      formatFlag(flag),
      `⚑ step 300 · D winning: ${flag.seen} (explained in notebook 02-bce-saturation)`,
    );
  });

  it("D winning stays quiet while G still gets a gradient, on a healthy run, and before one window", () => {
    assert.equal(
      checkDWinning(history(300, (s) => ({ dFake: s > 100 ? 0.01 : 0.3, gradNorm: 0.5 }))),
      null,
    );
    assert.equal(
      checkDWinning(
        history(300, (s) => ({ dFake: 0.45 + 0.1 * wobble(s), gradNorm: 1 + 0.3 * wobble(s) })),
      ),
      null,
    );
    assert.equal(checkDWinning(history(99, () => ({ dFake: 0.001, gradNorm: 1e-6 }))), null);
  });

  it("D winning judges D(G(z)) alone when G's gradient was not measured, and says so", () => {
    const flag = checkDWinning(history(100, () => ({ dFake: 0.02 })));
    assert.ok(flag !== null);
    assert.match(flag.seen, /G's gradient norm not measured/);
  });

  it("no progress fires on flat losses and stays quiet on moving ones", () => {
    const flat = checkNoProgress(history(150, () => ({ dLoss: 0.5, gLoss: 2 })));
    assert.ok(flat !== null);
    assert.equal(flat.step, 150);
    assert.match(flat.seen, /flat over steps 51–150/);
    assert.equal(
      checkNoProgress(
        history(150, (s) => ({ dLoss: 0.6 + 0.05 * wobble(s), gLoss: 0.8 + 0.1 * wobble(s) })),
      ),
      null,
    );
    assert.equal(
      checkNoProgress(history(150, (s) => ({ dLoss: 0.5, gLoss: 2 + 0.01 * wobble(s) }))),
      null,
      "G still moves",
    );
    assert.equal(checkNoProgress(history(99, () => ({}))), null);
  });

  it("collapse fires when one digit dominates or few digits appear, not on a spread histogram", () => {
    const dominant = checkCollapse([91, 1, 1, 1, 1, 1, 1, 1, 1, 1], 500);
    assert.ok(dominant !== null);
    assert.equal(
      dominant.seen,
      "1 digit(s) take 2 % or more of 100 samples; the most frequent takes 91 %",
    );
    assert.ok(checkCollapse([25, 25, 25, 25, 0, 0, 0, 0, 0, 0], 1) !== null, "four digits only");
    assert.equal(checkCollapse([12, 9, 11, 10, 8, 10, 9, 11, 10, 10], 1), null);
    assert.equal(
      checkCollapse([40, 15, 15, 10, 10, 10, 0, 0, 0, 0], 1),
      null,
      "five digits, none above half",
    );
    assert.throws(() => checkCollapse(new Array(10).fill(0), 1), /at least one sample/);
  });

  it("reads its numbers from the rules given", () => {
    const rules = { ...FAILURE_RULES, window: 10, fakeBelow: 0.2 };
    assert.ok(
      checkDWinning(
        history(20, () => ({ dFake: 0.1 })),
        rules,
      ) !== null,
    );
    assert.equal(checkDWinning(history(20, () => ({ dFake: 0.1 }))), null);
  });
});

describe("ring collapse rule", () => {
  it("fires when most samples sit near one mode, or fewer than half the modes hold 2 % each", () => {
    const flag = checkRingCollapse([900, 20, 20, 20, 10, 10, 10, 10], 1500);
    assert.ok(flag !== null);
    assert.deepEqual(
      [flag.rule, flag.step, flag.explainedIn],
      ["collapse", 1500, "07-lsgan-stability"],
    );
    assert.equal(
      flag.seen,
      "4 of 8 modes hold 2 % or more of 1000 samples; the most popular holds 90 %",
    );
    // three modes of 8 with a third each: none takes half, but fewer than 4 hold 2 %
    assert.ok(checkRingCollapse([333, 333, 334, 0, 0, 0, 0, 0], 10) !== null);
  });

  it("stays quiet on samples spread over the modes, even unevenly, and names empty input", () => {
    assert.equal(checkRingCollapse(new Array(8).fill(125), 1), null);
    assert.equal(checkRingCollapse([400, 100, 100, 100, 100, 100, 50, 50], 1), null); // 40 %, all 8 held
    assert.equal(checkRingCollapse([300, 300, 200, 200, 0, 0, 0, 0], 1), null); // 4 modes: the rule's edge
    assert.ok(
      checkRingCollapse([300, 300, 200, 200, 0, 0, 0, 0], 1, {
        ...FAILURE_RULES,
        modesBelow: 5,
      }) !== null,
    );
    assert.throws(() => checkRingCollapse(new Array(8).fill(0), 1), /at least one sample/);
  });
});
