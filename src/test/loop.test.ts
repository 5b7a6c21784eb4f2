import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { runSteps, TrainingStopped, type StepGate } from "../lib/train/loop";

/** A gate that asks to stop before step `stopBefore` (never when undefined), and records its calls. */
function testGate(stopBefore?: number) {
  const calls: string[] = [];
  let step = 0;
  const gate: StepGate = {
    get requested() {
      return stopBefore !== undefined && step >= stopBefore;
    },
    async pause() {
      step += 1;
      calls.push(`pause ${step}`);
    },
    close() {
      calls.push("close");
    },
  };
  return { gate, calls };
}

describe("runSteps, the one training loop", () => {
  it("runs steps firstStep … firstStep + steps − 1 and returns what each returned, in order", async () => {
    const seen: number[] = [];
    const results = await runSteps({
      steps: 3,
      firstStep: 11,
      step: (n) => n * 10,
      onStep: (result, n) => {
        seen.push(result + n);
      },
    });
    assert.deepEqual(results, [110, 120, 130]);
    assert.deepEqual(seen, [121, 132, 143]);
    assert.deepEqual(await runSteps({ steps: 0, step: () => 1 }), []);
  });

  it("stops at a step boundary when the gate asks: onStop, TrainingStopped, the gate closed", async () => {
    const { gate, calls } = testGate(3); // requested once the third pause has come
    const ran: number[] = [];
    let stoppedAt = -1;
    await assert.rejects(
      runSteps({
        steps: 10,
        step: (n) => ran.push(n),
        gate,
        onStop: (last) => (stoppedAt = last),
      }),
      (error: unknown) => {
        assert.ok(error instanceof TrainingStopped);
        assert.equal(error.step, 2);
        assert.equal(error.totalSteps, 10);
        assert.equal(error.stack, `TrainingStopped: ${error.message}`);
        return true;
      },
    );
    assert.deepEqual(ran, [1, 2]);
    assert.equal(stoppedAt, 2);
    assert.deepEqual(calls, ["pause 1", "pause 2", "pause 3", "close"]);
  });

  it("closes the gate when a step throws, and passes the error on", async () => {
    const { gate, calls } = testGate();
    await assert.rejects(
      runSteps({
        steps: 5,
        step: (n) => {
          if (n === 2) throw new Error("NaN in step 2");
        },
        gate,
      }),
      /NaN in step 2/,
    );
    assert.deepEqual(calls, ["pause 1", "pause 2", "close"]);
  });

  it("without a gate runs to the end in one go, awaiting nothing between steps", async () => {
    let ticks = 0;
    const timer = setImmediate(() => (ticks += 1));
    await runSteps({ steps: 1000, step: () => undefined });
    clearImmediate(timer);
    assert.equal(ticks, 0, "the event loop did not turn during the loop");
  });

  it("refuses a step count that is not a whole number", async () => {
    await assert.rejects(runSteps({ steps: 2.5, step: () => 1 }), /steps/);
    await assert.rejects(runSteps({ steps: -1, step: () => 1 }), /steps/);
  });
});
