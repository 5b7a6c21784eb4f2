// Output to the notebook: mime bundles sent through tslab's display channel (nothing outside a
// kernel), and the figures a notebook saves for its text and the README.
import path from "node:path";

import { isQuickMode } from "../core/settings";
import { renderFigurePng } from "../figures/chromium";
import type { Figure } from "../figures/plots";
import { saveFile } from "../store/files";

/** tslab's writer of display_data (update = false) and update_display_data (update = true). */
export type WriteDisplayData = (
  content: {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
    transient: Record<string, unknown>;
  },
  update: boolean,
) => void;

/** tslab's channel to the notebook, or null outside a tslab kernel (plain Node, tests). */
export function notebookChannel(): WriteDisplayData | null {
  try {
    // tslab's public display API sends one mimetype as a string; a plotly bundle needs several
    // mimetypes with the figure as a JSON object, so the kernel's own writer is used.
    // Loaded only inside a kernel (tslab is not a dependency of code that runs outside one).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require("tslab/dist/jupyter") as {
      lastWriteDisplayData: WriteDisplayData | null;
    };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/**
 * Output areas that a loop redraws in place: `send(area, bundle)` shows the bundle in area `area`
 * the first time (display_data) and replaces it afterwards (update_display_data). Outside a
 * notebook it does nothing.
 * @param prefix names this set of areas (made unique with the time and a random number).
 */
export function createUpdatingOutputs(
  prefix: string,
): (area: string, bundle: Record<string, unknown>) => void {
  const shown = new Set<string>();
  const unique = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  return (area, bundle) => {
    const write = notebookChannel();
    if (write === null) return;
    const id = `${unique}-${area}`;
    write({ data: bundle, metadata: {}, transient: { display_id: id } }, shown.has(id));
    shown.add(id);
  };
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
  showBundle({
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": `<${description}>`,
  });
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
 * Saves a figure that the notebook's text or the README shows: PNG or GIF bytes as they are, a
 * plotly figure rendered to PNG. It goes to `figures/<name>` beside the notebook (the kernel's
 * folder); at quick settings to `figures/<stem>-quick.<ext>`, which git ignores, so that a quick
 * run never overwrites the committed figure of a full run. Returns the path written, or null when
 * a plotly figure could not be rendered (no Chromium).
 * @param name a file name ending in .png or .gif, e.g. "01-samples.png".
 */
export function saveFigure(name: string, content: Figure | Uint8Array): string | null {
  const ext = path.extname(name);
  if (path.basename(name) !== name || (ext !== ".png" && ext !== ".gif"))
    throw new Error(
      `saveFigure needs a file name ending in .png or .gif, got ${JSON.stringify(name)}`,
    );
  if (!(content instanceof Uint8Array) && ext !== ".png")
    throw new Error(`a plotly figure is saved as PNG, not as ${JSON.stringify(name)}`);
  const png = content instanceof Uint8Array ? content : renderFigurePng(content);
  if (png === null) return null;
  const file = isQuickMode() ? `${name.slice(0, -ext.length)}-quick${ext}` : name;
  return saveFile(path.join("figures", file), png);
}
