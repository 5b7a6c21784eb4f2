import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildMlpDiscriminator,
  buildMlpGenerator,
  createBatchStream,
  createGan,
  FAILURE_RULES,
  generateImages,
  loadMnist,
  tf,
  trainGan,
  lastLiveTraining,
  trainGanLive,
  TrainingStopped,
  type FailureRules,
  type Gan,
} from "../lib";

const data = loadMnist({ seed: 1 });

function tinyGan(): Gan {
  return createGan({
    generator: buildMlpGenerator({ latentSize: 8, hiddenUnits: [16], seed: 1 }),
    discriminator: buildMlpDiscriminator({ hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 }),
    learningRate: 1e-3,
    seed: 3,
  });
}

describe("trainGanLive", () => {
  it("trains exactly as trainGan does, draws every `every` steps and once at the end, and leaks nothing", async () => {
    const [plain, live] = [tinyGan(), tinyGan()];
    // The optimisers' state appears at the first step: what trainGan keeps is what the live loop may keep.
    const plainBefore = tf.memory().numTensors;
    const expected = await trainGan({
      gan: plain,
      batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
      steps: 6,
    });
    const kept = tf.memory().numTensors - plainBefore;
    const noise = tf.randomNormal([4, 8], 0, 1, "float32", 5) as tf.Tensor2D;
    let draws = 0;
    const seen: number[] = [];
    const before = tf.memory().numTensors;
    const history = await trainGanLive({
      gan: live,
      batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
      steps: 6,
      every: 2,
      title: "test",
      drawSamples: () => {
        draws++;
        return generateImages(live.generator, noise);
      },
      onStep: ({ step }) => seen.push(step),
    });
    assert.equal(
      tf.memory().numTensors - before,
      kept,
      "tensors left behind by the loop or its drawings",
    );
    assert.deepEqual(history, expected);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    assert.equal(draws, 6 / 2 + 1);
  });

  it("lets the event loop run during the loop (a macrotask about every 100 ms, not only microtasks)", async () => {
    const gan = tinyGan();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const slowStep = () => {
      const until = Date.now() + 40;
      while (Date.now() < until);
    };
    try {
      await trainGanLive({
        gan,
        batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
        steps: 10,
        every: 100,
        title: "t",
        onStep: slowStep,
      });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 2, `a timer ran ${ticks} times during 400 ms of training`);
  });

  it("stops at the next step boundary on the interrupt, keeps what it made, and gives SIGINT back", async () => {
    const gan = tinyGan();
    const handlers = process.listeners("SIGINT");
    const stopAt = 3;
    const error = await trainGanLive({
      gan,
      batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
      steps: 6,
      every: 2,
      title: "t",
      onStep: ({ step }) => {
        if (step === stopAt) process.emit("SIGINT");
      },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof TrainingStopped, String(error));
    assert.equal(error.message, "stopped at step 3 of 6: the networks keep the weights of step 3");
    assert.equal(error.stack, `TrainingStopped: ${error.message}`, "one clean line, no trace");
    const training = lastLiveTraining();
    assert.deepEqual(
      training?.history.map((m) => m.step),
      [1, 2, 3],
    );
    assert.equal(training?.running, false);
    assert.deepEqual(process.listeners("SIGINT"), handlers);
  });

  it("hears a real SIGINT sent to the process while it trains", async () => {
    const gan = tinyGan();
    const error = await trainGanLive({
      gan,
      batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
      steps: 200,
      every: 50,
      title: "t",
      onStep: ({ step }) => {
        if (step === 2) process.kill(process.pid, "SIGINT");
        const until = Date.now() + 5;
        while (Date.now() < until);
      },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof TrainingStopped, String(error));
    assert.ok(error.step >= 2 && error.step < 200, `stopped at step ${error.step}`);
  });

  it("flags failures at its live updates, each rule once, and not when the checks are off", async () => {
    const run = (failureRules: FailureRules | null) =>
      trainGanLive({
        gan: tinyGan(),
        batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
        steps: 8,
        every: 2,
        title: "t",
        drawSamples: () => tf.zeros([4, 784]),
        countDigits: () => [4, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        // Rules no real run would meet: every D(G(z)) is below 2, so D "wins" once a window of 2 steps ran.
        failureRules,
        onFlag: (flag) => heard.push(flag.rule), // (printing would mix with the test runner's output)
      });
    const heard: string[] = [];
    await run({ ...FAILURE_RULES, window: 2, fakeBelow: 2 });
    const flags = lastLiveTraining()?.flags ?? [];
    assert.deepEqual(heard, ["D winning", "collapse"]);
    assert.deepEqual(
      flags.map((f) => [f.rule, f.step]),
      [
        ["D winning", 2],
        ["collapse", 2],
      ],
    );
    assert.match(flags[0].seen, /G's gradient norm not measured/);
    await run(null);
    assert.deepEqual(lastLiveTraining()?.flags, []);
  });

  it("names a bad `every`", async () => {
    await assert.rejects(
      trainGanLive({
        gan: tinyGan(),
        batches: createBatchStream(data, { batchSize: 8 }),
        steps: 2,
        every: 0,
        title: "t",
      }),
      /every must be an integer >= 1, got 0/,
    );
  });
});
