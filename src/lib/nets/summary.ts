// A model's layers as one compact table, with full layer names (tfjs's own summary cuts names to
// fit fixed columns and prints one line per console call, one output per line in a notebook), and
// how far apart two networks' outputs are (a cell's network against the helper's builder).
import { tf } from "../core/backend";
import { countParameters } from "./mlp";

type Shape = Array<number | null>;

/** "[batch, 7, 7, 128]" for [null, 7, 7, 128]; several outputs joined by " + ". */
function formatShape(shape: Shape | Shape[]): string {
  const one = (s: Shape) => `[${s.map((d) => (d === null ? "batch" : String(d))).join(", ")}]`;
  return Array.isArray(shape[0]) ? (shape as Shape[]).map(one).join(" + ") : one(shape as Shape);
}

/** Names of the layers whose outputs a layer of a functional model receives. */
function inputsOf(layer: tf.layers.Layer): string[] {
  return layer.inboundNodes.flatMap((node) => node.inboundLayers.map((inbound) => inbound.name));
}

/**
 * A model's layers as one text table: name, type, output shape and parameter count per layer (and,
 * for a model that is not a plain stack, the layers each one reads from), then the totals.
 * Print it with one `console.log`: one output in the notebook instead of one per line.
 */
export function formatModelSummary(model: tf.LayersModel): string {
  const sequential = model instanceof tf.Sequential;
  const rows = model.layers.map((layer) => [
    layer.name,
    layer.getClassName(),
    formatShape(layer.outputShape as Shape | Shape[]),
    layer.countParams().toLocaleString("en-US"),
    ...(sequential ? [] : [inputsOf(layer).join(", ")]),
  ]);
  const header = [
    "layer",
    "type",
    "output shape",
    "parameters",
    ...(sequential ? [] : ["inputs from"]),
  ];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = "-".repeat(widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1));
  const trainable = countParameters(model);
  const total = model.countParams();
  const totals = `${model.name}: ${total.toLocaleString("en-US")} parameters, ${trainable.toLocaleString("en-US")} trainable`;
  return [line(header), rule, ...rows.map(line), rule, totals].join("\n");
}

/**
 * The largest absolute difference between the outputs of `a` and `b` on the same input `x`
 * (0 when two networks compute the same function with the same weights). Frees what it makes.
 */
export function maxOutputGap(
  a: tf.LayersModel,
  b: tf.LayersModel,
  x: tf.Tensor | tf.Tensor[],
): number {
  return tf.tidy(() => {
    const [ya, yb] = [a.predict(x), b.predict(x)] as tf.Tensor[];
    if (ya.shape.join() !== yb.shape.join())
      throw new Error(`the two networks' outputs differ in shape: [${ya.shape}] and [${yb.shape}]`);
    return tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0];
  });
}
