#!/usr/bin/env node
// `npm run bench:figures`: what drawing a notebook's plots to PNG costs, the two ways gan-kit has
// done it. The committed notebooks' plotly figures are rendered, notebook by notebook:
//   - "per figure": one headless Chromium process per figure, given a page file that loads
//     plotly.js and calls Plotly.toImage (gan-kit's renderer until 2026-11-30; restated here as the
//     reference);
//   - "one browser": gan-kit's renderFigurePng, in a fresh Node process per notebook (as a kernel
//     is), so that its one Chromium launch is counted; timed from the first figure to the last.
// The two alternate repeat by repeat (this machine's speed drifts), 5 repeats; medians and ranges
// go to bench/figures.json, with the number of PNGs that came out byte-identical both ways.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const chromiumModule = path.join(root, "src", "dist", "lib", "figures", "chromium.js");
const { findChromium } = require(chromiumModule);
const plotly = require.resolve("plotly.js-dist-min", { paths: [path.join(root, "src")] });
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const EARLY_SECONDS = 5;
const PLOTLY = "application/vnd.plotly.v1+json";

/** The plotly figures of each committed notebook that has any. */
function notebookFigures() {
  const dir = path.join(root, "notebooks");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
      const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
      return { name, figures: outputs.filter((o) => o.data?.[PLOTLY]).map((o) => o.data[PLOTLY]) };
    })
    .filter((n) => n.figures.length > 0);
}

/** The reference: one Chromium process per figure; returns the PNGs (base64) and seconds. */
function renderPerFigure(chromium, figures) {
  const started = performance.now();
  const pngs = figures.map((figure) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-figure-"));
    try {
      const page = path.join(dir, "figure.html");
      const options = {
        format: "png",
        width: figure.layout.width ?? 800,
        height: figure.layout.height ?? 450,
        scale: 1,
      };
      fs.writeFileSync(
        page,
        `<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
<script src="file://${plotly}"></script>
<script>Plotly.toImage(${JSON.stringify(figure).replace(/</g, "\\u003c")}, ${JSON.stringify(options)})
  .then((url) => { document.getElementById("out").textContent = "IMAGE " + url; });</script></body></html>`,
      );
      const result = spawnSync(
        chromium,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--allow-file-access-from-files",
          `--user-data-dir=${path.join(dir, "profile")}`,
          "--virtual-time-budget=20000",
          "--dump-dom",
          `file://${page}`,
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
      const url = /IMAGE (data:image\/[^\s<]+)/.exec(result.stdout ?? "")?.[1];
      if (!url)
        throw new Error(`the reference renderer drew nothing: ${result.stderr?.slice(-300)}`);
      return url.slice(url.indexOf(",") + 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return { pngs, seconds: (performance.now() - started) / 1000 };
}

/**
 * gan-kit's renderer in a fresh Node process; returns the PNGs (base64) and its seconds. With
 * `early`, the renderer is started first (as startNotebook() does in a kernel) and the process
 * sleeps EARLY_SECONDS (standing for a notebook's first cells) before the figures are timed.
 */
function renderInOneBrowser(figures, early = false) {
  const script = `
    const { renderFigurePng, figureBrowserLaunches, startFigureRenderer } = require(process.argv[1]);
    const figures = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (${early}) {
      startFigureRenderer();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${EARLY_SECONDS * 1000});
    }
    const t = performance.now();
    const pngs = figures.map((f) => Buffer.from(renderFigurePng(f)).toString("base64"));
    const seconds = (performance.now() - t) / 1000;
    process.stdout.write(JSON.stringify({ pngs, seconds, launches: figureBrowserLaunches() }));`;
  const result = spawnSync("node", ["-e", script, chromiumModule], {
    input: JSON.stringify(figures),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`gan-kit's renderer failed: ${result.stderr}`);
  const reply = JSON.parse(result.stdout);
  if (reply.launches !== 1)
    throw new Error(`expected one Chromium, the process launched ${reply.launches}`);
  return reply;
}

/** The CPU's model name and its widest vector extension, as the series record names it. */
function cpuName() {
  const model = os.cpus()[0]?.model ?? "?";
  let flags;
  try {
    flags = fs.readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    return model;
  }
  const words = new Set(flags.trim().split(/\s+/));
  return `${model} (${words.has("avx512f") ? "AVX-512" : words.has("avx2") ? "AVX2" : "no AVX2"})`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (xs) => ({
  median_s: +median(xs).toFixed(3),
  min_s: +Math.min(...xs).toFixed(3),
  max_s: +Math.max(...xs).toFixed(3),
  runs: xs.map((x) => +x.toFixed(3)),
});

function main() {
  const chromium = findChromium();
  if (chromium === null) throw new Error("no Chromium: run `npm run setup` or set CHROMIUM_PATH");
  const notebooks = notebookFigures();
  const load = os.loadavg();
  const times = new Map(
    notebooks.map((n) => [
      n.name,
      { perFigure: [], oneBrowser: [], startedEarly: [], identical: 0 },
    ]),
  );
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const { name, figures } of notebooks) {
      const t = times.get(name);
      const ways = ["perFigure", "oneBrowser", "startedEarly"];
      const order = repeat % 2 === 0 ? ways : [...ways].reverse();
      const drawn = {};
      for (const way of order) {
        drawn[way] =
          way === "perFigure"
            ? renderPerFigure(chromium, figures)
            : renderInOneBrowser(figures, way === "startedEarly");
        t[way].push(drawn[way].seconds);
      }
      if (repeat === 0)
        t.identical = drawn.perFigure.pngs.filter((p, i) => p === drawn.oneBrowser.pngs[i]).length;
    }
    console.log(`repeat ${repeat + 1} of ${REPEATS} done`);
  }
  const rows = notebooks.map(({ name, figures }) => {
    const t = times.get(name);
    return {
      notebook: name,
      figures: figures.length,
      identical_pngs: t.identical,
      per_figure: summary(t.perFigure),
      one_browser: summary(t.oneBrowser),
      one_browser_started_early: summary(t.startedEarly),
    };
  });
  const total = (way) =>
    Array.from({ length: REPEATS }, (_, r) =>
      notebooks.reduce((s, n) => s + times.get(n.name)[way][r], 0),
    );
  const record = {
    date: new Date().toISOString().slice(0, 10),
    machine: {
      cores: os.cpus().length,
      cpu: cpuName(),
      load_average: { start: load, end: os.loadavg() },
    },
    chromium,
    repeats: REPEATS,
    timing:
      "per notebook, the three ways run in turn, in reversed order every other repeat; one_browser " +
      "counts its Chromium launch (not Node's start); one_browser_started_early starts the renderer, " +
      `sleeps ${EARLY_SECONDS} s (a notebook's first cells) and then times the figures`,
    notebooks: rows,
    series: {
      figures: rows.reduce((s, r) => s + r.figures, 0),
      per_figure: summary(total("perFigure")),
      one_browser: summary(total("oneBrowser")),
      one_browser_started_early: summary(total("startedEarly")),
    },
  };
  fs.writeFileSync(
    path.join(root, "bench", "figures.json"),
    JSON.stringify(record, null, 2) + "\n",
  );
  console.log(
    "notebook                            figures  per figure s  one browser s  started early s  identical PNGs",
  );
  for (const r of rows)
    console.log(
      `${r.notebook.padEnd(36)}${String(r.figures).padStart(7)}${r.per_figure.median_s.toFixed(2).padStart(14)}${r.one_browser.median_s.toFixed(2).padStart(15)}${r.one_browser_started_early.median_s.toFixed(2).padStart(17)}${`${r.identical_pngs}/${r.figures}`.padStart(16)}`,
    );
  console.log(
    `series: ${record.series.figures} figures, ${record.series.per_figure.median_s.toFixed(1)} s per figure, ${record.series.one_browser.median_s.toFixed(1)} s in one browser per notebook, ${record.series.one_browser_started_early.median_s.toFixed(1)} s when it starts early (medians of ${REPEATS}); bench/figures.json`,
  );
}

main();
