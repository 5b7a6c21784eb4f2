// The worker thread behind renderFigurePng/renderFigureSvg (chromium.ts): one headless Chromium
// with one page that has plotly.js loaded, kept for the process's life; each figure is one
// `Plotly.toImage` call in that page. chromium.ts calls it synchronously through synckit (the
// notebooks' display calls are synchronous). The worker starts Chromium as soon as it starts, so
// that startFigureRenderer() can have it ready before the first figure. Chromium is launched over
// a pipe, so it exits with this process, however the process ends.
import type { Page } from "playwright-core";
import { runAsWorker } from "synckit";

import { CHROMIUM_ARGS, findChromium, type FigureReply, type FigureRequest } from "./chromium";

let launches = 0;

async function openPage(): Promise<Page> {
  const chromium = findChromium();
  if (chromium === null) throw new Error("no Chromium found (install Debian's chromium)");
  const { chromium: launcher } = await import("playwright-core");
  launches++;
  const browser = await launcher.launch({
    executablePath: chromium,
    args: [...CHROMIUM_ARGS],
  });
  const page = await browser.newPage();
  // The page and each figure reach Chromium as strings, not as a file it decodes: the renderer
  // before this one wrote a page without a charset, and Chromium read notebook 02's legend
  // "−log σ(s)" as Windows-1252 ("âˆ’log Ïƒ(s)"). The display test on non-ASCII labels guards it.
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body>');
  await page.addScriptTag({ path: require.resolve("plotly.js-dist-min") });
  return page;
}

// Started now, awaited by the first figure; a failed start is retried by the next figure.
let page: Promise<Page> = openPage();
page.catch(() => undefined); // reported when a figure awaits it

runAsWorker(async (request: FigureRequest): Promise<FigureReply> => {
  let ready: Page;
  try {
    ready = await page;
  } catch (error) {
    page = openPage();
    page.catch(() => undefined);
    throw error;
  }
  const options = {
    format: request.format,
    width: request.width,
    height: request.height,
    scale: 1,
  };
  const url = await ready.evaluate(
    ([figure, opts]) =>
      (
        globalThis as unknown as {
          Plotly: { toImage(f: unknown, o: unknown): Promise<string> };
        }
      ).Plotly.toImage(figure, opts),
    [request.figure, options] as const,
  );
  return { url, launches };
});
