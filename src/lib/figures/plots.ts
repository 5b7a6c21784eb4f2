// Figures as plain data (plotly's traces and layout), rounded so that their JSON stays small and stable.
import { assertInteger } from "../core/checks";

/** A plotly figure: traces and layout, as plotly.js takes them. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** Rounds to 4 significant digits so that figures stay small and their JSON stable. */
export function roundForDisplay(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/**
 * Means of consecutive blocks of `size` values (the last block may be shorter): a smoothed,
 * shorter series for plotting thousands of noisy per-step numbers.
 */
export function blockMeans(values: number[], size: number): number[] {
  assertInteger("size", size);
  const means: number[] = [];
  for (let start = 0; start < values.length; start += size) {
    const block = values.slice(start, start + size);
    means.push(block.reduce((sum, v) => sum + v, 0) / block.length);
  }
  return means;
}

/** What a loss figure reads of each training step (a `StepMetrics` has it all). */
export interface LossPoint {
  step: number;
  dLoss: number;
  gLoss: number;
  dReal: number;
  dFake: number;
}

/**
 * A figure of both players' costs (top) and of D(x) and D(G(z)) (bottom) against the step, each
 * averaged over blocks of steps so that about `points` points remain.
 */
export function lossFigure(history: LossPoint[], title = "Training costs", points = 200): Figure {
  const block = Math.max(1, Math.ceil(history.length / points));
  const steps = blockMeans(
    history.map((m) => m.step),
    block,
  ).map(Math.round);
  const line = (name: string, pick: (m: LossPoint) => number, yaxis = "y") => ({
    type: "scatter",
    mode: "lines",
    name,
    x: steps,
    y: blockMeans(history.map(pick), block).map(roundForDisplay),
    yaxis,
  });
  const averaged = block > 1 ? ` (means of ${block} steps)` : "";
  return {
    data: [
      line("discriminator cost J(D)", (m) => m.dLoss),
      line("generator cost J(G)", (m) => m.gLoss),
      line("D(x), real", (m) => m.dReal, "y2"),
      line("D(G(z)), fake", (m) => m.dFake, "y2"),
    ],
    layout: {
      title: { text: title },
      width: 800,
      height: 460,
      xaxis: { title: { text: `step${averaged}` }, anchor: "y2" },
      yaxis: { title: { text: "cost" }, domain: [0.45, 1], anchor: "x" },
      yaxis2: { title: { text: "D output" }, domain: [0, 0.38], range: [0, 1], anchor: "x" },
      legend: { orientation: "h", y: -0.22 },
      margin: { t: 50 },
    },
  };
}

/** One named curve of a line figure. */
export interface Series {
  name: string;
  y: ArrayLike<number>;
  /** A dash style of plotly ("dash", "dot", …); solid by default. */
  dash?: string;
}

export interface LinesFigureArgs {
  title: string;
  x: ArrayLike<number>;
  series: Series[];
  xTitle: string;
  yTitle: string;
  /** Logarithmic y axis. */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** A figure of several curves over one x axis, numbers rounded for stable, small JSON. */
export function linesFigure({
  title,
  x,
  series,
  xTitle,
  yTitle,
  logY = false,
  width = 760,
  height = 420,
}: LinesFigureArgs): Figure {
  const xs = Array.from(x, roundForDisplay);
  series.forEach((s) => {
    if (s.y.length !== xs.length)
      throw new Error(`series "${s.name}" has ${s.y.length} values for ${xs.length} x values`);
  });
  return {
    data: series.map((s) => ({
      type: "scatter",
      mode: "lines",
      name: s.name,
      x: xs,
      y: Array.from(s.y, roundForDisplay),
      ...(s.dash ? { line: { dash: s.dash } } : {}),
    })),
    layout: {
      title: { text: title },
      width,
      height,
      xaxis: { title: { text: xTitle } },
      yaxis: { title: { text: yTitle }, ...(logY ? { type: "log" } : {}) },
      legend: { orientation: "h", y: -0.2 },
      margin: { t: 50 },
    },
  };
}
