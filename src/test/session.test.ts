import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  buildMlpDiscriminator,
  buildMlpGenerator,
  createGan,
  startNotebook,
  stopOnRestart,
  tf,
  trainDiscriminatorStep,
  trainGeneratorStep,
} from "../lib";

/** A small GAN after one training step: networks, Adam moments (resource variables on native), noise. */
function makeAndTrain() {
  const generator = buildMlpGenerator({ latentSize: 8, hiddenUnits: [16], seed: 1 });
  const discriminator = buildMlpDiscriminator({ hiddenUnits: [16], leakyAlpha: 0.2, seed: 2 });
  const gan = createGan({ generator, discriminator, learningRate: 1e-3, seed: 3 });
  const real = tf.randomUniform([4, 784], -1, 1, "float32", 4);
  trainDiscriminatorStep(gan, real);
  trainGeneratorStep(gan, 4);
  return { generator, discriminator, real };
}

/** Names of the TensorFlow ops run natively during `run` (none on the other backends). */
async function nativeOpNames(run: () => Promise<unknown>): Promise<string[]> {
  const backend = tf.backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = backend.executeMultipleOutputs;
  const names: string[] = [];
  backend.executeMultipleOutputs = (...args: unknown[]) => {
    names.push(args[0] as string);
    return original.apply(backend, args);
  };
  try {
    await run();
  } finally {
    backend.executeMultipleOutputs = original;
  }
  return names;
}

describe("startNotebook", () => {
  it("frees on the next call everything made since, resource variables included, and stops registered work", async () => {
    const first = await startNotebook();
    assert.equal(first.freed, 0);
    assert.equal(first.summary, first.backend.name);
    const before = tf.memory().numTensors;
    const { generator, discriminator, real } = makeAndTrain();
    const disposedOnItsOwn = tf.ones([3]);
    disposedOnItsOwn.dispose();
    const made = tf.memory().numTensors - before;
    assert.ok(made > 0);
    let stops = 0;
    stopOnRestart(() => (stops += 1));
    const forgotten = stopOnRestart(() => (stops += 100));
    forgotten(); // work that ended by itself is not stopped again

    let second: Awaited<ReturnType<typeof startNotebook>> | undefined;
    const ops = await nativeOpNames(async () => (second = await startNotebook()));
    assert.equal(second!.freed, made);
    assert.equal(second!.stopped, 1);
    assert.equal(stops, 1);
    assert.equal(
      second!.summary,
      `${second!.backend.name} | of the earlier run: freed ${made} tensors, stopped 1 background training`,
    );
    assert.equal(tf.memory().numTensors, before);
    assert.ok(real.isDisposed);
    assert.throws(
      () => tf.tidy(() => generator.predict(tf.zeros([1, 8])) as tf.Tensor),
      /disposed/,
    );
    if (tf.getBackend() === "tensorflow") {
      // Two LeanAdams (G and D), each with three TensorFlow variables (w, m, v) per weight tensor.
      const weightTensors =
        generator.trainableWeights.length + discriminator.trainableWeights.length;
      assert.equal(ops.filter((name) => name === "DestroyResourceOp").length, 3 * weightTensors);
    }
  });

  it("frees nothing a second time: a run that made nothing frees nothing", async () => {
    await startNotebook();
    const again = await startNotebook();
    assert.deepEqual([again.freed, again.stopped], [0, 0]);
  });
});
