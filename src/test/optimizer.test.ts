import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { LeanAdam, LeanRmsProp, linearDecayFactor, tf } from "../lib";
import { nativeOps } from "../lib/core/native";
import {
  ADAM_RULE,
  createSlotUpdate,
  RMSPROP_RULE,
  type StepNumbers,
  type UpdateRule,
} from "../lib/optim/rules";

/** A small least-squares problem with three weight tensors of different shapes. */
function makeProblem() {
  const weights = [
    tf.variable(tf.randomNormal([3, 4], 0, 1, "float32", 1)),
    tf.variable(tf.randomNormal([4], 0, 1, "float32", 2)),
    tf.variable(tf.randomNormal([4, 1], 0, 1, "float32", 3)),
  ];
  const x = tf.randomNormal([16, 3], 0, 1, "float32", 4);
  const y = tf.randomNormal([16, 1], 0, 1, "float32", 5);
  const loss = () =>
    tf.mean(
      tf.square(
        tf.sub(tf.matMul(tf.tanh(tf.add(tf.matMul(x, weights[0]), weights[1])), weights[2]), y),
      ),
    ) as tf.Scalar;
  return { weights, loss };
}

type Execute = (...args: unknown[]) => unknown;

/** Names of the TensorFlow ops that tfjs-node runs during `run` (every tfjs kernel and direct op goes through these two methods). */
function nativeOpNames(run: () => void): string[] {
  const backend = tf.backend() as unknown as Record<string, Execute>;
  const originals = ["executeSingleOutput", "executeMultipleOutputs"].map(
    (method) => [method, backend[method]] as const,
  );
  const names: string[] = [];
  for (const [method, original] of originals) {
    backend[method] = (...args: unknown[]) => {
      names.push(args[0] as string);
      return original.apply(backend, args);
    };
  }
  try {
    run();
  } finally {
    for (const [method, original] of originals) backend[method] = original;
  }
  return names;
}

/** Kernels run by `run`: TensorFlow ops on the native backend, tfjs kernels (tf.profile) elsewhere. */
async function countKernels(run: () => void): Promise<number> {
  if (tf.getBackend() === "tensorflow") return nativeOpNames(run).length;
  return (await tf.profile(run)).kernels.length;
}

const values = (ws: tf.Variable[]) => ws.flatMap((w) => Array.from(w.dataSync()));

describe("LeanAdam", () => {
  it("follows tf.train.adam step for step", () => {
    const [a, b] = [makeProblem(), makeProblem()];
    const lean = new LeanAdam({ learningRate: 0.01, beta1: 0.5, beta2: 0.9 });
    const reference = tf.train.adam(0.01, 0.5, 0.9);
    for (let i = 0; i < 20; i++) {
      tf.dispose(lean.minimize(a.loss, true, a.weights) ?? []);
      tf.dispose(reference.minimize(b.loss, true, b.weights) ?? []);
    }
    const gap = Math.max(...values(a.weights).map((w, i) => Math.abs(w - values(b.weights)[i])));
    assert.ok(gap < 1e-5, `largest difference after 20 steps: ${gap}`);
    assert.notDeepEqual(values(a.weights), values(makeProblem().weights), "the weights moved");
  });

  it("weight decay λ adds λ·w to the gradient: Adam's first step is −α·sign(g + λ·w)", () => {
    const w = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const g = tf.tensor1d([0.1, 0.1, -0.1]);
    new LeanAdam({ learningRate: 0.1, weightDecay: 1 }).applyGradients({ [w.name]: g });
    // g + λ·w = [1.1, −1.9, 0.4]: every weight moves by 0.1 against that sign.
    const moved = Array.from(w.dataSync());
    [0.9, -1.9, 0.4].forEach((expected, i) =>
      assert.ok(Math.abs(moved[i] - expected) < 1e-6, `${moved} vs [0.9, -1.9, 0.4]`),
    );
  });

  it("a linear decay scales each step: with a constant gradient Adam moves by exactly its step size", () => {
    const w = tf.variable(tf.tensor1d([0]));
    const optimizer = new LeanAdam({ learningRate: 0.3, decay: { start: 2, end: 5 } });
    const moves: number[] = [];
    for (let t = 1; t <= 5; t++) {
      const before = w.dataSync()[0];
      optimizer.applyGradients({ [w.name]: tf.tensor1d([-1]) });
      moves.push(w.dataSync()[0] - before);
    }
    // factors 1, 1, then (5 − t + 1)/(5 − 2) for t = 3, 4, 5: 1, 2/3, 1/3
    // float32 arithmetic (m, √v, the quotient): within 1e-5 of the exact step
    [0.3, 0.3, 0.3, 0.2, 0.1].forEach((expected, i) =>
      assert.ok(Math.abs(moves[i] - expected) < 1e-5, `moves ${moves}`),
    );
    assert.throws(
      () => optimizer.applyGradients({ [w.name]: tf.tensor1d([-1]) }),
      /update 6 is past the end of the step-size decay \(5\)/,
    );
    assert.equal(linearDecayFactor({ start: 0, end: 4 }, 1), 1);
    assert.throws(
      () => new LeanAdam({ learningRate: 1, decay: { start: 5, end: 5 } }),
      /decay.end must be after decay.start, got start 5 and end 5/,
    );
    assert.throws(
      () => new LeanAdam({ learningRate: 1, decay: { start: 1.5, end: 5 } }),
      /decay.start must be an integer >= 0, got 1.5/,
    );
  });

  it("runs at most three TensorFlow ops per weight tensor and a few more per step, where tf.train.adam runs over ten", async () => {
    const kernels = async (count: number, optimizer: tf.Optimizer) => {
      const ws = Array.from({ length: count }, (_, i) => tf.variable(tf.fill([2, 3], i + 1)));
      const grads = Object.fromEntries(ws.map((w) => [w.name, tf.onesLike(w)]));
      optimizer.applyGradients(grads); // creates the optimiser state
      return countKernels(() => optimizer.applyGradients(grads));
    };
    const [lean3, lean12] = [
      await kernels(3, new LeanAdam({ learningRate: 0.1 })),
      await kernels(12, new LeanAdam({ learningRate: 0.1 })),
    ];
    const [adam3, adam12] = [
      await kernels(3, tf.train.adam(0.1)),
      await kernels(12, tf.train.adam(0.1)),
    ];
    assert.ok(
      lean3 > 0 && (lean12 - lean3) / 9 <= 3,
      `LeanAdam: ${lean3} kernels for 3 tensors, ${lean12} for 12`,
    );
    assert.ok(
      (adam12 - adam3) / 9 >= 10,
      `tf.train.adam: ${adam3} kernels for 3 tensors, ${adam12} for 12`,
    );
  });

  it("updates on native TensorFlow with its fused Adam kernel, one ResourceApplyAdam per weight tensor", () => {
    if (tf.getBackend() !== "tensorflow") return;
    const ws = [tf.variable(tf.ones([4, 3])), tf.variable(tf.ones([3]))];
    const optimizer = new LeanAdam({ learningRate: 0.1 });
    const grads = Object.fromEntries(ws.map((w) => [w.name, tf.onesLike(w)]));
    optimizer.applyGradients(grads);
    const names = nativeOpNames(() => optimizer.applyGradients(grads));
    assert.equal(names.filter((n) => n === "ResourceApplyAdam").length, 2, names.join(", "));
    // A weight changed from outside between steps (e.g. setWeights) is taken over, not overwritten.
    ws[0].assign(tf.fill([4, 3], 5));
    optimizer.applyGradients(grads);
    assert.ok(
      Math.abs(ws[0].dataSync()[0] - 4.9) < 1e-5,
      `w after an outside assign: ${ws[0].dataSync()[0]}`,
    );
    optimizer.dispose();
  });

  it("keeps no tensor per step", () => {
    const { weights, loss } = makeProblem();
    const optimizer = new LeanAdam({ learningRate: 0.01 });
    tf.dispose(optimizer.minimize(loss, true, weights) ?? []);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(optimizer.minimize(loss, true, weights) ?? []);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(optimizer.iterations, 6);
  });

  it("refuses a step on other variables than the first, and bad settings, naming them", () => {
    const { weights, loss } = makeProblem();
    const optimizer = new LeanAdam({ learningRate: 0.01 });
    tf.dispose(optimizer.minimize(loss, true, weights) ?? []);
    assert.throws(
      () => optimizer.minimize(loss, true, weights.slice(1)),
      /updates 3 fixed variables; this step brought 2/,
    );
    assert.throws(
      () => new LeanAdam({ learningRate: NaN }),
      /learningRate must be a finite number, got NaN/,
    );
    assert.throws(
      () => new LeanAdam({ learningRate: 1, beta2: 1 }),
      /beta2 must be in \[0, 1\), got 1/,
    );
    assert.throws(
      () => new LeanAdam({ learningRate: 1, weightDecay: -1 }),
      /weightDecay must be >= 0, got -1/,
    );
  });
});

describe("LeanRmsProp", () => {
  it("follows tf.train.rmsprop step for step, with and without momentum", () => {
    for (const [rho, momentum] of [
      [0.9, 0],
      [0.8, 0.5],
    ]) {
      const [a, b] = [makeProblem(), makeProblem()];
      const lean = new LeanRmsProp({ learningRate: 0.01, rho, momentum });
      const reference = tf.train.rmsprop(0.01, rho, momentum);
      for (let i = 0; i < 20; i++) {
        tf.dispose(lean.minimize(a.loss, true, a.weights) ?? []);
        tf.dispose(reference.minimize(b.loss, true, b.weights) ?? []);
      }
      const gap = Math.max(...values(a.weights).map((w, i) => Math.abs(w - values(b.weights)[i])));
      assert.ok(
        gap < 1e-5,
        `rho ${rho}, momentum ${momentum}: largest difference after 20 steps: ${gap}`,
      );
      assert.notDeepEqual(values(a.weights), values(makeProblem().weights), "the weights moved");
      lean.dispose();
    }
  });

  it("moves a weight by rate·g/√((1−ρ)g² + ε) on its first step (hand computation)", () => {
    const w = tf.variable(tf.tensor1d([1, -1]));
    new LeanRmsProp({ learningRate: 0.1, rho: 0.9 }).applyGradients({
      [w.name]: tf.tensor1d([2, -0.5]),
    });
    // s = 0.1·g²: g/√s = sign(g)·√10 = ±3.1623, times 0.1
    const moved = Array.from(w.dataSync());
    [1 - 0.1 * Math.sqrt(10), -1 + 0.1 * Math.sqrt(10)].forEach((expected, i) =>
      assert.ok(Math.abs(moved[i] - expected) < 1e-5, `${moved}`),
    );
  });

  it("updates on native TensorFlow with one ResourceApplyRMSProp per weight tensor, and keeps no tensor per step", () => {
    const ws = [tf.variable(tf.ones([4, 3])), tf.variable(tf.ones([3]))];
    const optimizer = new LeanRmsProp({ learningRate: 0.1 });
    const grads = Object.fromEntries(ws.map((w) => [w.name, tf.onesLike(w)]));
    optimizer.applyGradients(grads);
    const before = tf.memory().numTensors;
    if (tf.getBackend() === "tensorflow") {
      const names = nativeOpNames(() => optimizer.applyGradients(grads));
      assert.equal(names.filter((n) => n === "ResourceApplyRMSProp").length, 2, names.join(", "));
    } else {
      optimizer.applyGradients(grads);
    }
    assert.equal(tf.memory().numTensors, before);
    optimizer.dispose();
  });

  it("saves and restores its state (ms, mom) so that a restored optimiser continues the same", async () => {
    const [a, b] = [makeProblem(), makeProblem()];
    const first = new LeanRmsProp({ learningRate: 0.01, momentum: 0.5 });
    for (let i = 0; i < 3; i++) tf.dispose(first.minimize(a.loss, true, a.weights) ?? []);
    b.weights.forEach((w, i) => w.assign(a.weights[i]));
    const saved = await first.getWeights();
    assert.deepEqual(
      saved.map((s) => s.name),
      ["iter", "ms", "mom"],
    );
    const second = new LeanRmsProp({ learningRate: 0.01, momentum: 0.5 });
    await second.setWeights(saved);
    for (let i = 0; i < 3; i++) {
      tf.dispose(first.minimize(a.loss, true, a.weights) ?? []);
      tf.dispose(second.minimize(b.loss, true, b.weights) ?? []);
    }
    const gap = Math.max(...values(a.weights).map((w, i) => Math.abs(w - values(b.weights)[i])));
    assert.ok(gap < 1e-6, `restored optimiser differs by ${gap}`);
  });

  it("refuses bad settings, naming them", () => {
    assert.throws(
      () => new LeanRmsProp({ learningRate: 1, rho: 1 }),
      /rho must be in \[0, 1\), got 1/,
    );
    assert.throws(
      () => new LeanRmsProp({ learningRate: 1, momentum: -0.1 }),
      /momentum must be in \[0, 1\), got -0.1/,
    );
    assert.throws(() => new LeanRmsProp({ learningRate: 0 }), /learningRate must be .*got 0/);
  });
});

describe("update rules", () => {
  it("the fallbacks' flat path and native TensorFlow's fused kernel give the same weights, for each rule", () => {
    const ops = nativeOps();
    if (ops === null) return; // only one path on the fallbacks
    const check = <S extends StepNumbers>(rule: UpdateRule<S>, step: S) => {
      const make = () => [
        tf.variable(tf.randomNormal([5, 3], 0, 1, "float32", 7)),
        tf.variable(tf.ones([3])),
      ];
      const [flatWs, fusedWs] = [make(), make()];
      const [flat, fused] = [
        createSlotUpdate(rule, flatWs, null),
        createSlotUpdate(rule, fusedWs, ops),
      ];
      for (let i = 0; i < 5; i++) {
        const grads = flatWs.map((w, j) => tf.randomNormal(w.shape, 0, 1, "float32", 10 * i + j));
        flat.apply(grads, step);
        fused.apply(grads, step);
        tf.dispose(grads);
      }
      const gap = Math.max(...values(flatWs).map((w, i) => Math.abs(w - values(fusedWs)[i])));
      assert.ok(gap < 1e-5, `${rule.name}: flat and fused differ by ${gap}`);
      assert.notDeepEqual(values(flatWs), values(make()), "the weights moved");
      [flat, fused].forEach((u) => u.dispose());
    };
    check(ADAM_RULE, { beta1: 0.5, beta2: 0.9, stepSize: 0.01, epsilon: 1e-7 });
    check(RMSPROP_RULE, { rate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7 });
  });
});
