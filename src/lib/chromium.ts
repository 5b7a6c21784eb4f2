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
    fs.writeFileSync(
      page,
      `<!doctype html><html><body><pre id="out"></pre>
<script src="file://${plotly}"></script>
<script>
Plotly.toImage(${json}, { format: "png", width: ${width}, height: ${height}, scale: 1 })
  .then((url) => { document.getElementById("out").textContent = "PNG " + url; },
        (error) => { document.getElementById("out").textContent = "ERROR " + error; });
</script></body></html>`,
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
    const match = /PNG data:image\/png;base64,([A-Za-z0-9+/=]+)/.exec(result.stdout ?? "");
    if (match === null) {
      const said =
        /ERROR [^<]*/.exec(result.stdout ?? "")?.[0] ?? result.error?.message ?? `exit status ${result.status}`;
      throw new Error(`plotly could not render the figure to PNG in ${chromium}: ${said}`);
    }
    return new Uint8Array(Buffer.from(match[1], "base64"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
