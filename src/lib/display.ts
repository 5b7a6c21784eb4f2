import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { nativeTfjs, tf } from "./backend";
import { assertInteger } from "./checks";
import { IMAGE_SIZE } from "./data";
import type { StepMetrics } from "./training";

export interface SampleGridArgs {
  /** Images per row; default: the square root of the count, rounded up. */
  columns?: number;
  /** Integer upscaling factor for readability; default 2. */
  scale?: number;
  /** Grey lines between the digits, in source pixels; default 2. */
  padding?: number;
}

/**
 * Tiles digits into one grayscale PNG.
 * @param images [n, 784] or [n, 28, 28, 1], values in [−1, 1] (−1 = black background).
 * @returns PNG bytes, encoded by tfjs-node.
 */
export async function renderSampleGrid(images: tf.Tensor, { columns, scale = 2, padding = 2 }: SampleGridArgs = {}): Promise<Uint8Array> {
  const count = images.shape[0];
  const pixels = images.size / Math.max(count, 1);
  if (count === 0 || pixels !== IMAGE_SIZE * IMAGE_SIZE) {
    throw new Error(`images must be [n, 784] or [n, 28, 28, 1] with n > 0, got [${images.shape.join(", ")}]`);
  }
  const cols = columns ?? Math.ceil(Math.sqrt(count));
  assertInteger("columns", cols);
  assertInteger("scale", scale);
  assertInteger("padding", padding, 0);
  const rows = Math.ceil(count / cols);
  const grid = tf.tidy(() => {
    const cell = IMAGE_SIZE + padding;
    const gray = 128;
    let digits = tf.clipByValue(images.reshape([count, IMAGE_SIZE, IMAGE_SIZE]).add(1).mul(127.5), 0, 255);
    if (rows * cols > count) {
      digits = tf.concat([digits, tf.zeros([rows * cols - count, IMAGE_SIZE, IMAGE_SIZE])]);
    }
    const framed = tf.pad(digits, [[0, 0], [0, padding], [0, padding]], gray);
    const tiled = framed.reshape([rows, cols, cell, cell]).transpose([0, 2, 1, 3]).reshape([rows * cell, cols * cell]);
    const bordered = tf.pad(tiled, [[padding, 0], [padding, 0]], gray).expandDims(2) as tf.Tensor3D;
    const scaled = scale === 1 ? bordered
      : tf.image.resizeNearestNeighbor(bordered, [bordered.shape[0] * scale, bordered.shape[1] * scale]);
    return scaled.round().toInt() as tf.Tensor3D;
  });
  try {
    return await nativeTfjs().node.encodePng(grid);
  } finally {
    grid.dispose();
  }
}

/** Writes PNG bytes to `file`, creating its folder; returns the path. */
export function savePng(file: string, png: Uint8Array): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  return file;
}

/** A plotly figure: traces and layout, as plotly.js takes them. */
export interface Figure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

type WriteDisplayData = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/** tslab's channel to the notebook, or null outside a tslab kernel (plain Node, tests). */
function notebookChannel(): WriteDisplayData | null {
  try {
    // tslab's public display API sends one mimetype as a string; a plotly bundle needs several
    // mimetypes with the figure as a JSON object, so the kernel's own writer is used.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** True inside a tslab kernel, where outputs can be shown inline. */
export function isNotebook(): boolean {
  return notebookChannel() !== null;
}

/**
 * Sends a mime bundle to the notebook as one display_data output; outside a notebook there is
 * nowhere to show it and nothing happens. Returns nothing, so that tslab prints nothing after it.
 */
export function showBundle(bundle: Record<string, unknown>): void {
  notebookChannel()?.({ data: bundle, metadata: {}, transient: {} }, false);
}

/** Shows PNG bytes inline, with a text description for plain-text front ends. */
export function showPng(png: Uint8Array, description = "image"): void {
  showBundle({ "image/png": Buffer.from(png).toString("base64"), "text/plain": `<${description}>` });
}

/** Rounds to 4 significant digits so that figures stay small and their JSON stable. */
export function roundForDisplay(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** The headless Chromium that renders figures to PNG: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((c): c is string => c !== undefined && c !== "" && fs.existsSync(c)) ?? null;
}

let chromiumNoticeShown = false;

/**
 * Renders a figure to PNG with plotly.js itself (`Plotly.toImage`) in headless Chromium, so the
 * static image matches the interactive plot. Returns null, after a one-line notice, when no
 * Chromium is installed.
 */
export function renderFigurePng(figure: Figure): Uint8Array | null {
  const chromium = chromiumPath();
  if (chromium === null) {
    if (!chromiumNoticeShown) {
      console.log("gan-kit: no Chromium found, so figures are interactive only (no PNG for GitHub); "
        + "install Debian's `chromium` package or set CHROMIUM_PATH.");
      chromiumNoticeShown = true;
    }
    return null;
  }
  const plotly = require.resolve("plotly.js-dist-min");
  const width = Number(figure.layout.width ?? 800);
  const height = Number(figure.layout.height ?? 450);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-figure-"));
  try {
    const page = path.join(dir, "figure.html");
    const json = JSON.stringify(figure).replace(/</g, "\\u003c");
    fs.writeFileSync(page, `<!doctype html><html><body><pre id="out"></pre>
<script src="file://${plotly}"></script>
<script>
Plotly.toImage(${json}, { format: "png", width: ${width}, height: ${height}, scale: 1 })
  .then((url) => { document.getElementById("out").textContent = "PNG " + url; },
        (error) => { document.getElementById("out").textContent = "ERROR " + error; });
</script></body></html>`);
    const result = spawnSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--allow-file-access-from-files", `--user-data-dir=${path.join(dir, "profile")}`,
      "--virtual-time-budget=20000", "--dump-dom", `file://${page}`], { encoding: "utf8", timeout: 60_000 });
    const match = /PNG data:image\/png;base64,([A-Za-z0-9+/=]+)/.exec(result.stdout ?? "");
    if (match === null) {
      const said = /ERROR [^<]*/.exec(result.stdout ?? "")?.[0] ?? result.error?.message ?? `exit status ${result.status}`;
      throw new Error(`plotly could not render the figure to PNG in ${chromium}: ${said}`);
    }
    return new Uint8Array(Buffer.from(match[1], "base64"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Shows a plotly figure as one output: the figure as JSON for JupyterLab and VS Code, a PNG
 * rendered by plotly.js for GitHub and nbviewer (when Chromium is present), and a text line.
 */
export function showFigure(figure: Figure, description: string): void {
  if (!isNotebook()) return;
  const bundle: Record<string, unknown> = {
    "application/vnd.plotly.v1+json": figure,
    "text/plain": description,
  };
  const png = renderFigurePng(figure);
  if (png !== null) bundle["image/png"] = Buffer.from(png).toString("base64");
  showBundle(bundle);
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

/**
 * A figure of both players' costs (top) and of D(x) and D(G(z)) (bottom) against the step, each
 * averaged over blocks of steps so that about `points` points remain.
 */
export function lossFigure(history: StepMetrics[], title = "Training costs", points = 200): Figure {
  const block = Math.max(1, Math.ceil(history.length / points));
  const steps = blockMeans(history.map((m) => m.step), block).map(Math.round);
  const line = (name: string, pick: (m: StepMetrics) => number, yaxis = "y") => ({
    type: "scatter", mode: "lines", name, x: steps, y: blockMeans(history.map(pick), block).map(roundForDisplay), yaxis,
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
      width: 800, height: 460,
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
export function linesFigure({ title, x, series, xTitle, yTitle, logY = false, width = 760, height = 420 }: LinesFigureArgs): Figure {
  const xs = Array.from(x, roundForDisplay);
  series.forEach((s) => {
    if (s.y.length !== xs.length) throw new Error(`series "${s.name}" has ${s.y.length} values for ${xs.length} x values`);
  });
  return {
    data: series.map((s) => ({
      type: "scatter", mode: "lines", name: s.name, x: xs, y: Array.from(s.y, roundForDisplay),
      ...(s.dash ? { line: { dash: s.dash } } : {}),
    })),
    layout: {
      title: { text: title }, width, height,
      xaxis: { title: { text: xTitle } },
      yaxis: { title: { text: yTitle }, ...(logY ? { type: "log" } : {}) },
      legend: { orientation: "h", y: -0.2 },
      margin: { t: 50 },
    },
  };
}
