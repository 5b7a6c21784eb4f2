import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { listenForInterrupt } from "../lib";

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("listenForInterrupt", () => {
  it("takes SIGINT over on the event loop's next turn and gives it back on close", async () => {
    const before = process.listeners("SIGINT");
    const interrupt = listenForInterrupt();
    assert.deepEqual(process.listeners("SIGINT"), before, "not inside the synchronous part");
    await interrupt.pause();
    assert.equal(process.listenerCount("SIGINT"), 1);
    process.emit("SIGINT");
    assert.equal(interrupt.requested, true);
    interrupt.close();
    assert.deepEqual(process.listeners("SIGINT"), before);
  });

  it("closes a listener left open when the next one starts, and ends with the handlers of before", async () => {
    const before = process.listeners("SIGINT");
    const stale = listenForInterrupt();
    await stale.pause();
    const next = listenForInterrupt();
    await turn();
    await turn();
    assert.equal(process.listenerCount("SIGINT"), 1, "only the new listener hears the interrupt");
    process.emit("SIGINT");
    assert.equal(next.requested, true);
    assert.equal(stale.requested, false);
    next.close();
    assert.deepEqual(process.listeners("SIGINT"), before);
  });

  it("names a bad everyMs", () => {
    assert.throws(() => listenForInterrupt({ everyMs: -1 }), /everyMs must be >= 0, got -1/);
  });
});
