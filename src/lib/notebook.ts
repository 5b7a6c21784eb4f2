// Output to the notebook: mime bundles sent through tslab's display channel; nothing outside a kernel.
import { renderFigurePng } from "./chromium";
import type { Figure } from "./figures";

/** tslab's writer of display_data (update = false) and update_display_data (update = true). */
export type WriteDisplayData = (
  content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

/** tslab's channel to the notebook, or null outside a tslab kernel (plain Node, tests). */
export function notebookChannel(): WriteDisplayData | null {
  try {
    // tslab's public display API sends one mimetype as a string; a plotly bundle needs several
    // mimetypes with the figure as a JSON object, so the kernel's own writer is used.
    // Loaded only inside a kernel (tslab is not a dependency of code that runs outside one).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
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
