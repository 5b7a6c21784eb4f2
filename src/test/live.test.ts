import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildMlpDiscriminator,
  buildMlpGenerator,
  createBatchStream,
  createGan,
  generateImages,
  loadMnist,
  tf,
  trainGan,
  trainGanLive,
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
    const expected = trainGan({ gan: plain, batches: createBatchStream(data, { batchSize: 8, seed: 4 }), steps: 6 });
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
    assert.equal(tf.memory().numTensors - before, kept, "tensors left behind by the loop or its drawings");
    assert.deepEqual(history, expected);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    assert.equal(draws, 6 / 2 + 1);
  });

  it("lets the event loop run between live updates (a macrotask, not only microtasks)", async () => {
    const gan = tinyGan();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await trainGanLive({
        gan,
        batches: createBatchStream(data, { batchSize: 8, seed: 4 }),
        steps: 4,
        every: 1,
        title: "t",
      });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks >= 2, `a timer ran ${ticks} times during the loop`);
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
