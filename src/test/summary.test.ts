import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { buildConditionalMlpGenerator, buildMlpDiscriminator, formatModelSummary } from "../lib";

describe("formatModelSummary", () => {
  it("lists every layer of a stack with its type, output shape and parameters, then the totals", () => {
    const d = buildMlpDiscriminator({ hiddenUnits: [8], leakyAlpha: 0.2, seed: 1 });
    const lines = formatModelSummary(d).split("\n");
    assert.match(lines[0], /^layer +type +output shape +parameters$/);
    assert.match(lines[2], /^d_dense1 +Dense +\[batch, 8\] +6,280$/); // 784 · 8 + 8
    assert.match(lines[3], /^d_leaky1 +LeakyReLU +\[batch, 8\] +0$/);
    assert.match(lines[4], /^d_logit +Dense +\[batch, 1\] +9$/);
    assert.equal(lines[6], "discriminator: 6,289 parameters, 6,289 trainable");
    d.dispose();
  });

  it("keeps long names whole and says where each layer of a functional model reads from", () => {
    const g = buildConditionalMlpGenerator({ latentSize: 4, hiddenUnits: [8], seed: 1 });
    const text = formatModelSummary(g);
    const row = (name: string) =>
      text.split("\n").find((line) => line.startsWith(`${name} `)) ?? "";
    assert.match(text.split("\n")[0], /inputs from$/);
    assert.match(
      row("g_label_embedding"),
      /^g_label_embedding +Embedding +\[batch, 1, 32\] +320 +label$/,
    );
    assert.match(row("g_bn1"), /BatchNormalization/);
    // BatchNorm's moving statistics are weights but not trainable: the totals tell them apart.
    assert.match(text, /generator: [\d,]+ parameters, [\d,]+ trainable$/);
    const [, total, trainable] = text.match(/([\d,]+) parameters, ([\d,]+) trainable$/)!;
    const number = (s: string) => Number(s.replace(/,/g, ""));
    assert.equal(number(total) - number(trainable), 2 * 8);
    g.dispose();
  });
});
