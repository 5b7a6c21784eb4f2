import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import {
  assertNoTensorLeaks,
  checkTensorLeaks,
  stopWatchingTensorLeaks,
  tf,
  watchTensorLeaks,
} from "../lib";

/** Makes `count` tensors [3, 5] and drops them without dispose(): a leak. */
function leak(count: number): void {
  for (let i = 0; i < count; i++) tf.zeros([3, 5]).add(1);
}

describe("tensor leak watch", () => {
  afterEach(() => stopWatchingTensorLeaks());

  it("counts tensors that were dropped without dispose(), by dtype and shape", async () => {
    watchTensorLeaks();
    leak(4);
    const report = await checkTensorLeaks();
    // Each iteration drops two tensors: the zeros and the sum.
    assert.equal(report.leaked, 8);
    assert.deepEqual(report.kinds, ["8 × float32[3,5]"]);
    await assert.rejects(
      assertNoTensorLeaks(),
      /8 tensor\(s\) leaked .*8 × float32\[3,5\].*tf\.tidy/,
    );
  });

  it("does not count disposed tensors, tidy's temporaries, or tensors still referenced", async () => {
    watchTensorLeaks();
    const kept = tf.ones([2]);
    tf.zeros([7]).dispose();
    const result = tf.tidy(() => tf.ones([4]).mul(2).add(1));
    const before = tf.memory().numTensors;
    const report = await checkTensorLeaks();
    assert.equal(report.leaked, 0, report.kinds.join(", "));
    assert.equal(report.numTensors, before);
    await assertNoTensorLeaks();
    assert.deepEqual(Array.from(kept.dataSync()), [1, 1]);
    tf.dispose([kept, result]);
  });

  it("says when no watch runs", async () => {
    await assert.rejects(
      checkTensorLeaks(),
      /no leak watch runs: call watchTensorLeaks\(\) first or set GAN_LEAK_CHECK=1/,
    );
  });
});
