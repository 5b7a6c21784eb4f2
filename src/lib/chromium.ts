// Headless Chromium: where it is, and plotly figures rendered to PNG in it. No TensorFlow here, so
// that scripts/setup.mjs and the browser check can use the same lookup.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import type { Figure } from "./figures";

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

/** `Plotly.toImage` of the figure in headless Chromium, as a data URL. */
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
  const plotly = require.resolve("plotly.js-dist-min");
  const width = Number(figure.layout.width ?? 800);
  const height = Number(figure.layout.height ?? 450);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-kit-figure-"));
  try {
    const page = path.join(dir, "figure.html");
    const json = JSON.stringify(figure).replace(/</g, "\\u003c");
    // The page says it is UTF-8: without that Chromium may read it as Windows-1252, and a
    // legend's "−log σ(s)" comes out as "âˆ’log Ïƒ(s)".
    fs.writeFileSync(
      page,
      `<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
<script src="file://${plotly}"></script>
<script>
Plotly.toImage(${json}, { format: "${format}", width: ${width}, height: ${height}, scale: 1 })
  .then((url) => { document.getElementById("out").textContent = "IMAGE " + url; },
        (error) => { document.getElementById("out").textContent = "ERROR " + error; });
</script></body></html>`,
      "utf8",
    );
    const result = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--allow-file-access-from-files",
        `--user-data-dir=${path.join(dir, "profile")}`,
        "--virtual-time-budget=20000",
        "--dump-dom",
        `file://${page}`,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    const match = /IMAGE (data:image\/[^\s<]+)/.exec(result.stdout ?? "");
    if (match === null) {
      const said =
        /ERROR [^<]*/.exec(result.stdout ?? "")?.[0] ??
        result.error?.message ??
        `exit status ${result.status}`;
      throw new Error(
        `plotly could not render the figure to ${format.toUpperCase()} in ${chromium}: ${said}`,
      );
    }
    return match[1].replace(/&amp;/g, "&");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
