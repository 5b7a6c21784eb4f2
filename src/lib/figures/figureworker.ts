// The worker thread behind renderFigurePng/renderFigureSvg (chromium.ts): one headless Chromium
// with one page that has plotly.js loaded, kept for the process's life; each figure is one
// `Plotly.toImage` call in that page. chromium.ts calls it synchronously through synckit (the
// notebooks' display calls are synchronous). The worker starts Chromium as soon as it starts, so
// that startFigureRenderer() can have it ready before the first figure. Chromium is launched over
// a pipe, so it exits with this process, however the process ends; its profile goes to the
// temporary folder chromium.ts made for it (this worker's TMPDIR), which that process removes.
import type { Page } from "playwright-core";
import { runAsWorker } from "synckit";

import { CHROMIUM_ARGS, findChromium, type FigureReply, type FigureRequest } from "./chromium";

let launches = 0;

async function openPage(): Promise<Page> {
  const chromium = findChromium();
  if (chromium === null) throw new Error("no Chromium found (install Debian's chromium)");
  const { chromium: launcher } = await import("playwright-core");
  const browser = await launcher.launch({ executablePath: chromium, args: [...CHROMIUM_ARGS] });
  launches++;
  const page = await browser.newPage();
  // The page and each figure reach Chromium as strings, not as a file it decodes: the renderer
  // before this one wrote a page without a charset, and Chromium read notebook 02's legend
  // "−log σ(s)" as Windows-1252 ("âˆ’log Ïƒ(s)"). The display test on non-ASCII labels guards it.
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body>');
  await page.addScriptTag({ path: require.resolve("plotly.js-dist-min") });
  return page;
}

/** Starts Chromium afresh (the first time, after a failed start, or after it died). */
function reopen(): Promise<Page> {
  const opened = openPage();
  opened.catch(() => undefined); // reported when a figure awaits it
  return opened;
}

let page = reopen();

/** The image, as `Plotly.toImage` makes it in the page. */
function draw(ready: Page, request: FigureRequest): Promise<string> {
  const options = {
    format: request.format,
    width: request.width,
    height: request.height,
    scale: 1,
  };
  return ready.evaluate(
    ([figure, opts]) =>
      (
        globalThis as unknown as {
          Plotly: { toImage(f: unknown, o: unknown): Promise<string> };
        }
      ).Plotly.toImage(figure, opts),
    [request.figure, options] as const,
  );
}

runAsWorker(async (request: FigureRequest): Promise<FigureReply> => {
  let ready: Page;
  try {
    ready = await page;
  } catch (error) {
    page = reopen();
    throw error;
  }
  try {
    return { url: await draw(ready, request), launches };
  } catch (error) {
    // plotly refusing the figure is the caller's error; a Chromium that died since it started is
    // not: start another and draw the figure there.
    if (ready.context().browser()?.isConnected() !== false && !ready.isClosed()) throw error;
    page = reopen();
    return { url: await draw(await page, request), launches };
  }
});
