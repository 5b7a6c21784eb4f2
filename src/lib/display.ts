import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { GIFEncoder } from "gifenc";

import { tf } from "./backend";
import { encodePng } from "./files";
import { assertInteger } from "./checks";
import { IMAGE_SIZE } from "./data";
import { formatMetrics, type StepMetrics } from "./training";

export interface SampleGridArgs {
  /** Images per row; default: the square root of the count, rounded up. */
  columns?: number;
  /** Integer upscaling factor for readability; default 2. */
  scale?: number;
  /** Grey lines between the digits, in source pixels; default 2. */
  padding?: number;
  /** A label drawn left of each row, e.g. the class the row was asked for; digits, '-' and spaces. */
  rowLabels?: string[];
}

// 3×5 pixel glyphs, enough to label rows with class numbers.
const GLYPHS: Record<string, string[]> = {
  "0": ["111", "101", "101", "101", "111"], "1": ["010", "110", "010", "010", "111"],
  "2": ["111", "001", "111", "100", "111"], "3": ["111", "001", "111", "001", "111"],
  "4": ["101", "101", "111", "001", "001"], "5": ["111", "100", "111", "001", "111"],
  "6": ["111", "100", "111", "101", "111"], "7": ["111", "001", "010", "010", "010"],
  "8": ["111", "101", "111", "101", "111"], "9": ["111", "101", "111", "001", "111"],
  "-": ["000", "000", "111", "000", "000"], " ": ["000", "000", "000", "000", "000"],
};
const GLYPH_SCALE = 3;

/** A white-on-black column [height, width] with one label centred on each row of cells. */
function labelColumn(labels: string[], cell: number, padding: number): tf.Tensor2D {
  labels.forEach((label) => {
    const bad = [...label].find((ch) => GLYPHS[ch] === undefined);
    if (bad !== undefined) throw new Error(`row label ${JSON.stringify(label)} has ${JSON.stringify(bad)}; labels may use digits, '-' and spaces`);
  });
  const glyphWidth = (3 + 1) * GLYPH_SCALE;
  const width = padding + Math.max(1, ...labels.map((l) => l.length)) * glyphWidth + padding;
  const height = padding + labels.length * cell;
  const pixels = new Float32Array(height * width);
  labels.forEach((label, row) => {
    const top = padding + row * cell + Math.floor((cell - padding - 5 * GLYPH_SCALE) / 2);
    [...label].forEach((ch, k) => {
      GLYPHS[ch].forEach((bits, gy) => [...bits].forEach((bit, gx) => {
        if (bit !== "1") return;
        for (let dy = 0; dy < GLYPH_SCALE; dy++) {
          for (let dx = 0; dx < GLYPH_SCALE; dx++) {
            pixels[(top + gy * GLYPH_SCALE + dy) * width + padding + k * glyphWidth + gx * GLYPH_SCALE + dx] = 255;
          }
        }
      }));
    });
  });
  return tf.tensor2d(pixels, [height, width]);
}

/**
 * Tiles digits into one grayscale image [height, width, 1] of int32 values 0..255.
 * @param images [n, 784] or [n, 28, 28, 1], values in [−1, 1] (−1 = black background).
 */
export function composeSampleGrid(images: tf.Tensor, { columns, scale = 2, padding = 2, rowLabels }: SampleGridArgs = {}): tf.Tensor3D {
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
  if (rowLabels !== undefined && rowLabels.length !== rows) {
    throw new Error(`rowLabels has ${rowLabels.length} labels for ${rows} rows`);
  }
  return tf.tidy(() => {
    const cell = IMAGE_SIZE + padding;
    const gray = 128;
    let digits = tf.clipByValue(images.reshape([count, IMAGE_SIZE, IMAGE_SIZE]).add(1).mul(127.5), 0, 255);
    if (rows * cols > count) {
      digits = tf.concat([digits, tf.zeros([rows * cols - count, IMAGE_SIZE, IMAGE_SIZE])]);
    }
    const framed = tf.pad(digits, [[0, 0], [0, padding], [0, padding]], gray);
    const tiled = framed.reshape([rows, cols, cell, cell]).transpose([0, 2, 1, 3]).reshape([rows * cell, cols * cell]);
    let bordered = tf.pad(tiled, [[padding, 0], [padding, 0]], gray) as tf.Tensor2D;
    if (rowLabels !== undefined) bordered = tf.concat([labelColumn(rowLabels, cell, padding), bordered], 1);
    const image = bordered.expandDims(2) as tf.Tensor3D;
    const scaled = scale === 1 ? image : tf.image.resizeNearestNeighbor(image, [image.shape[0] * scale, image.shape[1] * scale]);
    return scaled.round().toInt() as tf.Tensor3D;
  });
}

/**
 * Tiles digits into one grayscale PNG (see composeSampleGrid for the layout).
 * @param images [n, 784] or [n, 28, 28, 1], values in [−1, 1].
 * @returns PNG bytes.
 */
export async function renderSampleGrid(images: tf.Tensor, args: SampleGridArgs = {}): Promise<Uint8Array> {
  const grid = composeSampleGrid(images, args);
  try {
    return encodePng(grid);
  } finally {
    grid.dispose();
  }
}

/**
 * An animated GIF of grids, one frame per batch of images (e.g. fixed-noise samples over
 * training), each tiled like renderSampleGrid. Loops forever.
 * @param frames batches of the same shape, [n, 784] or [n, 28, 28, 1], values in [−1, 1].
 * @param delayMs how long each frame shows; the last one shows three times as long.
 */
export function renderProgressGif(frames: tf.Tensor[], args: SampleGridArgs & { delayMs?: number } = {}): Uint8Array {
  if (frames.length === 0) throw new Error("renderProgressGif needs at least one frame");
  const { delayMs = 400, ...gridArgs } = args;
  const palette = Array.from({ length: 256 }, (_, v) => [v, v, v]);
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const grid = composeSampleGrid(frame, gridArgs);
    const [height, width] = grid.shape;
    const indices = Uint8Array.from(grid.dataSync());
    grid.dispose();
    gif.writeFrame(indices, width, height, { palette, delay: i === frames.length - 1 ? 3 * delayMs : delayMs, repeat: 0 });
  });
  gif.finish();
  return gif.bytes();
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

/** Shows an animated GIF inline, with a text description for plain-text front ends. */
export function showGif(gif: Uint8Array, description = "animation"): void {
  showBundle({ "image/gif": Buffer.from(gif).toString("base64"), "text/plain": `<${description}>` });
}

/** Writes bytes (a PNG, a GIF) to `file`, creating its folder; returns the path. */
export function saveFile(file: string, bytes: Uint8Array): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

/** Rounds to 4 significant digits so that figures stay small and their JSON stable. */
export function roundForDisplay(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** The headless Chromium for figures and browser checks: $CHROMIUM_PATH, else Debian's /usr/bin/chromium; null if none. */
export function findChromium(): string | null {
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
  const chromium = findChromium();
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

/** "1 min 05 s"-style durations for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A progress line: "step 1200 / 8000 · 16.1 steps/s · about 7 min 03 s left". */
export function formatProgress(step: number, totalSteps: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (1000 * step) / elapsedMs : 0;
  const left = rate > 0 ? formatDuration((1000 * (totalSteps - step)) / rate) : "?";
  return `step ${step} / ${totalSteps} · ${rate.toFixed(1)} steps/s · about ${left} left`;
}

/** One output area that a training loop updates in place. */
export interface LiveTrainingDisplay {
  /** Redraws the progress line, the loss curves and, when given, the latest sample grid. */
  update(history: StepMetrics[], gridPng?: Uint8Array): void;
  /** Ends the live view: a summary line, the last grid, and a pointer to the final figures. */
  finish(history: StepMetrics[], gridPng?: Uint8Array): void;
}

export interface LiveTrainingDisplayArgs {
  totalSteps: number;
  title?: string;
}

/**
 * A live view of training in the cell's output: a progress line, the loss curves (interactive
 * plotly JSON, no PNG while live) and the latest fixed-noise grid, each replaced in place
 * (update_display_data) rather than appended. Outside a notebook it does nothing.
 * nbval compares only a display's first version, so the cell that uses it should carry the
 * `nbval-ignore-output` tag and show its final figures in later cells.
 */
export function createLiveTrainingDisplay({ totalSteps, title = "Training (live)" }: LiveTrainingDisplayArgs): LiveTrainingDisplay {
  assertInteger("totalSteps", totalSteps);
  const startedAt = Date.now();
  const shown = new Set<string>();
  const prefix = `gan-live-${startedAt}-${Math.floor(Math.random() * 1e9)}`;
  const send = (area: string, bundle: Record<string, unknown>) => {
    const write = notebookChannel();
    if (write === null) return;
    const id = `${prefix}-${area}`;
    write({ data: bundle, metadata: {}, transient: { display_id: id } }, shown.has(id));
    shown.add(id);
  };
  const showGrid = (gridPng?: Uint8Array) => {
    if (gridPng !== undefined) {
      send("grid", { "image/png": Buffer.from(gridPng).toString("base64"), "text/plain": "<latest samples from the fixed noise>" });
    }
  };
  return {
    update(history, gridPng) {
      const last = history[history.length - 1];
      if (last === undefined) return;
      send("progress", { "text/plain": `${formatProgress(last.step, totalSteps, Date.now() - startedAt)}\n${formatMetrics(last)}` });
      send("plot", { "application/vnd.plotly.v1+json": lossFigure(history, title), "text/plain": `<live loss curves, step ${last.step}>` });
      showGrid(gridPng);
    },
    finish(history, gridPng) {
      const elapsed = Date.now() - startedAt;
      const steps = history.length;
      send("progress", { "text/plain": `done: ${steps} steps in ${formatDuration(elapsed)} (${((1000 * steps) / Math.max(elapsed, 1)).toFixed(1)} steps/s)` });
      send("plot", { "text/plain": "(the final loss curves are shown below)" });
      showGrid(gridPng);
    },
  };
}
