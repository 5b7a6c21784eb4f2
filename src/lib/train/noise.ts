// Noise for the generator, drawn where it is cheapest. tfjs draws `tf.randomNormal` and
// `tf.randomUniform` one number at a time in JavaScript (about 7 ms for [512, 256]); on the
// native backend TensorFlow's stateless random ops draw the same amount in about 1 ms, seeded and
// reproducible. The fallback backends have no such op and keep the JavaScript path.
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { nativeOps, type NativeOps } from "../core/native";
import { createRandom, drawSeed } from "../core/random";

/** Draws a fresh batch of noise vectors z, [batch, latentSize]. */
export type NoiseSampler = (batch: number) => tf.Tensor2D;

export type NoiseDistribution = "normal" | "uniform";

export interface NoiseSamplerArgs {
  latentSize: number;
  /** "normal": N(0, 1) per entry; "uniform": U(−1, 1) per entry. */
  distribution?: NoiseDistribution;
  seed: number;
  /** Draws already made from this stream, to continue it (e.g. after a checkpoint); default 0. */
  drawn?: number;
}

/**
 * Runs TensorFlow's StatelessRandomNormal or StatelessRandomUniform: the numbers depend only on
 * the shape and the two-number key, so the same key gives the same tensor in every run.
 */
function drawStateless(
  ops: NativeOps,
  distribution: NoiseDistribution,
  shape: number[],
  key: [number, number],
): tf.Tensor {
  return tf.tidy(() => {
    const inputs = [tf.tensor1d(shape, "int32"), tf.tensor1d(key, "int32")];
    const attrs = {
      dtype: { dtype: "float32" },
      T: { dtype: "int32" },
      Tseed: { dtype: "int32" },
    } as const;
    if (distribution === "normal") return ops.execute("StatelessRandomNormal", inputs, attrs, 1)[0];
    // U[0, 1) → U[−1, 1)
    return tf.sub(tf.mul(ops.execute("StatelessRandomUniform", inputs, attrs, 1)[0], 2), 1);
  });
}

/**
 * A seeded noise sampler: each call draws new noise, and the same seed replays the same sequence.
 * On native TensorFlow it draws with TensorFlow's stateless random ops (key: the seed and a call
 * counter); on the fallback backends with tfjs's JavaScript generators. The two give different
 * numbers: to compare backends, use `createPortableNoiseSampler`.
 */
export function createNoiseSampler({
  latentSize,
  distribution = "normal",
  seed,
  drawn = 0,
}: NoiseSamplerArgs): NoiseSampler {
  assertInteger("latentSize", latentSize);
  assertInteger("seed", seed, 1);
  assertInteger("drawn", drawn, 0);
  const ops = nativeOps();
  if (ops === null) return createPortableNoiseSampler({ latentSize, distribution, seed, drawn });
  let calls = drawn;
  return (batch: number) => {
    assertInteger("batch", batch);
    calls += 1;
    return drawStateless(ops, distribution, [batch, latentSize], [seed, calls]) as tf.Tensor2D;
  };
}

/**
 * A seeded noise sampler drawn by tfjs in JavaScript: the same numbers on every backend (slower
 * than `createNoiseSampler` on native TensorFlow), e.g. to compare native and fallback training.
 */
export function createPortableNoiseSampler({
  latentSize,
  distribution = "normal",
  seed,
  drawn = 0,
}: NoiseSamplerArgs): NoiseSampler {
  assertInteger("latentSize", latentSize);
  assertInteger("drawn", drawn, 0);
  const random = createRandom(seed);
  for (let i = 0; i < drawn; i++) drawSeed(random);
  return (batch: number) => {
    assertInteger("batch", batch);
    const shape: [number, number] = [batch, latentSize];
    return distribution === "normal"
      ? tf.randomNormal(shape, 0, 1, "float32", drawSeed(random))
      : tf.randomUniform(shape, -1, 1, "float32", drawSeed(random));
  };
}
