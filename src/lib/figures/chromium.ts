// Headless Chromium: where it is, and plotly figures rendered to PNG in it (in one Chromium per
// process, see figureworker.ts). No TensorFlow here, so that scripts/setup.mjs and the browser
// checks can use the same lookup.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { createSyncFn } from "synckit";

import type { Figure } from "./plots";

/**
 * The flags gan-kit's headless Chromiums run with (the figure renderer and the browser checks):
 * no sandbox (containers, root), no GPU, and none of Chromium's own traffic to the network.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Where Debian and Ubuntu install Chromium; $CHROMIUM_PATH is tried before them. */
export const CHROMIUM_PATHS: readonly string[] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The headless Chromium for figures and browser checks: $CHROMIUM_PATH, else CHROMIUM_PATHS; null if none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.CHROMIUM_PATH, ...CHROMIUM_PATHS];
  return (
    candidates.find((c): c is string => c !== undefined && c !== "" && fs.existsSync(c)) ?? null
  );
}

let chromiumNoticeShown = false;

/**
 * Renders a figure to PNG with plotly.js itself (`Plotly.toImage`) in headless Chromium, so the
 * static image matches the interactive plot. Returns null, after a one-line notice, when no
 * Chromium is installed.
 */
export function renderFigurePng(figure: Figure): Uint8Array | null {
  const url = renderFigure(figure, "png");
  return url === null
    ? null
    : new Uint8Array(Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
}

/** The same rendering as SVG text (its labels as text, e.g. to check them); null without Chromium. */
export function renderFigureSvg(figure: Figure): string | null {
  const url = renderFigure(figure, "svg");
  return url === null ? null : decodeURIComponent(url.slice(url.indexOf(",") + 1));
}

/** What one call of the figure worker (figureworker.ts) asks for. */
export interface FigureRequest {
  figure: Figure;
  format: "png" | "svg";
  width: number;
  height: number;
}

/** A data URL of the image, and how many Chromiums this process has launched so far. */
export interface FigureReply {
  url: string;
  launches: number;
}

/**
 * How many Chromiums this process has launched for figures, as of the last figure drawn: one,
 * once any figure is drawn, unless a Chromium died and another took over.
 */
export function figureBrowserLaunches(): number {
  return launchesSoFar;
}

let launchesSoFar = 0;
let renderInWorker: ((request: FigureRequest) => FigureReply) | null = null;

/**
 * Starts the figure renderer (a worker thread that launches one headless Chromium and loads
 * plotly.js, about 1.5 s) in the background, so that the first figure need not wait for it.
 * `startNotebook()` calls it in a kernel; without it the first figure starts the renderer. Does
 * nothing when no Chromium is installed or the renderer is already started.
 */
export function startFigureRenderer(): void {
  if (findChromium() !== null) figureRenderer();
}

const FOLDER_PREFIX = "gan-kit-chromium-";

/**
 * Removes the temporary folders of renderers whose process is gone without its exit handler
 * (a kernel killed by a signal): each folder is named after its process's id.
 */
function removeOrphanedFolders(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(/^gan-kit-chromium-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0); // the process still runs: its folder stays
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH")
        fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  }
}

function figureRenderer(): (request: FigureRequest) => FigureReply {
  if (renderInWorker !== null) return renderInWorker;
  // Chromium's profile and Playwright's files go to a folder of this process's, removed when it
  // exits: the worker takes TMPDIR from the environment as it is when the worker starts.
  removeOrphanedFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    renderInWorker = createSyncFn(path.join(__dirname, "figureworker.js"), { timeout: 120_000 });
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  return renderInWorker;
}

/**
 * `Plotly.toImage` of the figure in headless Chromium, as a data URL. All figures of a process
 * (a notebook's kernel) are drawn in one Chromium, kept by a worker thread (figureworker.ts) that
 * this function waits for: a figure then takes tens of milliseconds instead of a Chromium start.
 */
function renderFigure(figure: Figure, format: "png" | "svg"): string | null {
  const chromium = findChromium();
  if (chromium === null) {
    if (!chromiumNoticeShown) {
      console.log(
        "gan-kit: no Chromium found, so figures are interactive only (no PNG for GitHub); " +
          "install Debian's `chromium` package or set CHROMIUM_PATH.",
      );
      chromiumNoticeShown = true;
    }
    return null;
  }
  const request: FigureRequest = {
    figure,
    format,
    width: Number(figure.layout.width ?? 800),
    height: Number(figure.layout.height ?? 450),
  };
  let reply: FigureReply;
  try {
    reply = figureRenderer()(request);
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    throw new Error(
      `plotly could not render the figure to ${format.toUpperCase()} in ${chromium}: ${said}`,
      { cause: error },
    );
  }
  launchesSoFar = reply.launches;
  return reply.url;
}
