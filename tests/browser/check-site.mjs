#!/usr/bin/env node
// Opens every HTML page of a folder as a reader without a network would: from file://, in headless
// Chromium, with every request that is not a local file refused and recorded. Checks that nothing
// was requested from outside or failed to load, no script failed, every formula was typeset by
// KaTeX (no error, no `$` left in the prose), every plotly figure became interactive (a hover shows
// plotly's label), every image loaded, every local link and anchor leads somewhere, and the
// previous/next links run through the series in order. A second pass, scripts off, checks that
// each figure's PNG stands in. Screenshots of the index and one notebook go to output/browser/.
//
// Usage: node tests/browser/check-site.mjs [folder ...]  (default: output/site, from npm run site;
// output/ and output/fallback hold the main job's pages, which have no index)

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const folders =
  process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, "output", "site")];
const screenshotDir = path.join(root, "output", "browser");
// gan-kit's Chromium module alone (no TensorFlow): where Chromium is, and the flags it runs with.
const { findChromium, CHROMIUM_ARGS: chromiumArgs } = createRequire(import.meta.url)(
  "gan-kit/dist/lib/figures/chromium.js",
);
const chromiumPath = findChromium();

/** A context whose every request other than file:, data: and blob: is refused and recorded. */
async function offlineContext(browser, javaScriptEnabled) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled,
  });
  const external = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(file|data|blob):/.test(url)) return route.continue();
    external.push(url);
    return route.abort("blockedbyclient");
  });
  return { context, external };
}

/** Opens a page and records what failed on it. */
async function open(context, file) {
  const page = await context.newPage();
  const failed = [];
  page.on("requestfailed", (request) =>
    failed.push(`${request.url().slice(0, 120)} (${request.failure()?.errorText})`),
  );
  page.on("pageerror", (error) => failed.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") failed.push(`console error: ${message.text()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, failed };
}

/** Where on the page the first data point of a figure is drawn (plotly's own axes), or null. */
function firstPointOnPage(gd) {
  const rect = gd.getBoundingClientRect();
  for (const points of gd.calcdata ?? []) {
    const trace = points[0]?.trace;
    if (!trace) continue;
    const xa = gd._fullLayout[(trace.xaxis ?? "x").replace("x", "xaxis")];
    const ya = gd._fullLayout[(trace.yaxis ?? "y").replace("y", "yaxis")];
    for (const point of points) {
      // A bar of height 0 has nothing to point at.
      if (trace.type === "bar" && !(point.s !== 0)) continue;
      const [x, y] = trace.type === "bar" ? [point.p, point.s / 2] : [point.x, point.y];
      if (xa && ya && Number.isFinite(x) && Number.isFinite(y))
        return { x: rect.left + xa._offset + xa.c2p(x), y: rect.top + ya._offset + ya.c2p(y) };
    }
  }
  return null;
}

/**
 * Moves the pointer onto a figure's first data point, then if need be across its plot area,
 * until plotly shows a hover label. Returns how a label was shown ("pointer", or "hover call" when
 * the pointer found nothing to hover), or null.
 */
async function hoverShowsLabel(page, figure) {
  await figure.scrollIntoViewIfNeeded();
  // plotly draws hover labels at most every 50 ms (its HOVERMINTIME), so wait a little each time.
  const shown = (ms) =>
    figure
      .locator(".hoverlayer .hovertext")
      .first()
      .waitFor({ state: "attached", timeout: ms })
      .then(
        () => true,
        () => false,
      );
  const point = await figure.evaluate(firstPointOnPage);
  const tries = point === null ? [] : [point];
  const box = await figure.locator(".nsewdrag").first().boundingBox();
  if (box !== null)
    for (let row = 1; row < 12; row++)
      for (let col = 1; col < 24; col++)
        tries.push({ x: box.x + (box.width * col) / 24, y: box.y + (box.height * row) / 12 });
  for (const [i, { x, y }] of tries.entries()) {
    await page.mouse.move(x, y);
    if (await shown(i === 0 ? 500 : 60)) {
      await page.mouse.move(0, 0);
      return "pointer";
    }
  }
  // A drawn point that shows no label under the pointer fails. Only a figure with nothing to point
  // at (e.g. bars of height 0 in a quick run) may show its label for plotly's own hover call.
  if (point !== null) return null;
  await figure.evaluate((gd) => window.Plotly.Fx.hover(gd, [{ curveNumber: 0, pointNumber: 0 }]));
  return (await shown(1000)) ? "hover call" : null;
}

/** What one page shows with scripts on: counts, and a list of problems. */
async function checkPage(context, file) {
  const { page, failed } = await open(context, file);
  const problems = [];
  await page.evaluate(() => document.fonts.ready);
  const figures = await page.locator(".site-plotly").count();
  await page
    .waitForFunction(
      (n) => document.querySelectorAll(".site-plotly .js-plotly-plot").length === n,
      figures,
      { timeout: 60_000 },
    )
    .catch(() => undefined);
  const drawn = await page.locator(".site-plotly .js-plotly-plot").count();
  if (drawn !== figures) problems.push(`${drawn} of ${figures} plotly figures drawn`);
  const maths = await page.evaluate(() => {
    let raw = 0;
    const samples = [];
    for (const cell of document.querySelectorAll(".jp-RenderedMarkdown")) {
      const copy = cell.cloneNode(true);
      copy.querySelectorAll(".katex, code, pre").forEach((node) => node.remove());
      const text = copy.textContent;
      for (let at = text.indexOf("$"); at >= 0; at = text.indexOf("$", at + 1)) {
        raw++;
        if (samples.length < 3)
          samples.push(text.slice(Math.max(0, at - 30), at + 30).replace(/\s+/g, " "));
      }
    }
    return {
      formulas: document.querySelectorAll(".jp-RenderedMarkdown .katex").length,
      errors: [...document.querySelectorAll(".katex-error")].map(
        (e) => e.getAttribute("title") ?? e.textContent,
      ),
      raw,
      samples,
    };
  });
  if (maths.errors.length > 0)
    problems.push(`KaTeX errors: ${maths.errors.slice(0, 3).join(" | ")}`);
  if (maths.raw > 0)
    problems.push(`${maths.raw} "$" left in the prose, e.g. ${JSON.stringify(maths.samples)}`);
  let interactive = 0;
  let byCall = 0;
  for (const figure of await page.locator(".site-plotly .js-plotly-plot").all()) {
    const how = await hoverShowsLabel(page, figure);
    if (how !== null) interactive++;
    if (how === "hover call") byCall++;
  }
  if (interactive !== figures)
    problems.push(`${figures - interactive} of ${figures} figures show no hover label`);
  const images = await page.evaluate(() =>
    [...document.images].map((img) => ({
      ok: img.complete && img.naturalWidth > 0,
      src: img.src.slice(0, 60),
    })),
  );
  const broken = images.filter((img) => !img.ok);
  if (broken.length > 0)
    problems.push(`${broken.length} image(s) not loaded: ${broken.map((b) => b.src).join(", ")}`);
  // A fragment names its target either as written or percent-decoded (nbconvert writes headings'
  // ids percent-encoded, and browsers try both).
  const links = await page.evaluate(() =>
    [...document.querySelectorAll("a[href]")].map((a) => {
      const href = a.getAttribute("href");
      const id = href.slice(1);
      const found = (name) => document.getElementById(name) !== null;
      return {
        href,
        target: href.startsWith("#") ? found(id) || found(decodeURIComponent(id)) : null,
      };
    }),
  );

  for (const { href, target } of links) {
    if (href.startsWith("#")) {
      if (!target) problems.push(`link ${href} has no target on the page`);
    } else if (!/^[a-z]+:/i.test(href)) {
      const [target, fragment] = href.split("#");
      const local = path.resolve(path.dirname(file), decodeURIComponent(target));
      if (!fs.existsSync(local)) problems.push(`link ${href} leads to no file`);
      else if (fragment) {
        const text = fs.readFileSync(local, "utf8");
        const ids = [fragment, decodeURIComponent(fragment)].map((id) => `id="${id}"`);
        if (!ids.some((id) => text.includes(id))) problems.push(`link ${href} has no target there`);
      }
    }
  }
  const nav = await page.evaluate(() => ({
    prev: document.querySelector(".site-nav-top .site-nav-prev")?.getAttribute("href") ?? null,
    next: document.querySelector(".site-nav-top .site-nav-next")?.getAttribute("href") ?? null,
  }));
  problems.push(...failed);
  return {
    page,
    figures,
    interactive,
    byCall,
    formulas: maths.formulas,
    images: images.length,
    nav,
    problems,
  };
}

/** With scripts off: each figure's PNG is there and loaded. */
async function checkPageWithoutScripts(context, file) {
  const { page, failed } = await open(context, file);
  const figures = await page.evaluate(() =>
    [...document.querySelectorAll(".site-plotly")].map((f) => {
      const img = f.querySelector("img");
      return img !== null && img.complete && img.naturalWidth > 0;
    }),
  );
  await page.close();
  const missing = figures.filter((ok) => !ok).length;
  return [
    ...(missing > 0 ? [`scripts off: ${missing} of ${figures.length} figures show no PNG`] : []),
    ...failed,
  ];
}

/** The previous/next links, followed from the index, visit every notebook page once, in order. */
function checkChain(navs, pages) {
  const problems = [];
  const order = [];
  for (let at = navs.get("index.html")?.next; at; at = navs.get(at)?.next) {
    if (order.includes(at) || !navs.has(at)) {
      problems.push(`the next links loop or leave the site at ${at}`);
      break;
    }
    order.push(at);
  }
  const expected = pages.filter((p) => p !== "index.html");
  if (JSON.stringify(order) !== JSON.stringify(expected))
    problems.push(`next links visit ${order.join(", ")}; the pages are ${expected.join(", ")}`);
  order.forEach((p, i) => {
    const back = i === 0 ? null : order[i - 1];
    if (navs.get(p).prev !== back)
      problems.push(`${p}'s previous link is ${navs.get(p).prev}, not ${back}`);
  });
  return problems;
}

async function checkFolder(browser, folder) {
  const pages = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith(".html"))
    .sort((a, b) => (a === "index.html" ? -1 : b === "index.html" ? 1 : a.localeCompare(b)));
  if (pages.length === 0) throw new Error(`no HTML pages in ${folder}`);
  const on = await offlineContext(browser, true);
  const off = await offlineContext(browser, false);
  const navs = new Map();
  const problems = [];
  let shotNotebook = false;
  for (const name of pages) {
    const file = path.join(folder, name);
    const seen = await checkPage(on.context, file);
    navs.set(name, seen.nav);
    const offProblems = await checkPageWithoutScripts(off.context, file);
    const mine = [...seen.problems, ...offProblems];
    problems.push(...mine.map((p) => `${name}: ${p}`));
    console.log(
      `${mine.length === 0 ? "ok  " : "FAIL"} ${path.relative(root, file)}: ${seen.formulas} formulas, ` +
        `${seen.interactive}/${seen.figures} figures interactive` +
        `${seen.byCall > 0 ? ` (${seen.byCall} by plotly's hover call: nothing under the pointer)` : ""}, ` +
        `${seen.images} images`,
    );
    const folderName = path.basename(folder);
    if (name === "index.html" || (!shotNotebook && seen.figures > 0 && seen.formulas > 0)) {
      if (name !== "index.html") {
        shotNotebook = true;
        await seen.page.locator(".site-plotly").first().scrollIntoViewIfNeeded();
      } else await seen.page.evaluate(() => window.scrollTo(0, 0));
      fs.mkdirSync(screenshotDir, { recursive: true });
      await seen.page.screenshot({
        path: path.join(screenshotDir, `${folderName}-${name.replace(/\.html$/, "")}.png`),
      });
    }
    await seen.page.close();
  }
  if (pages.includes("index.html")) problems.push(...checkChain(navs, pages));
  const external = [...on.external, ...off.external];
  if (external.length > 0)
    problems.push(`requests to outside the site: ${[...new Set(external)].slice(0, 5).join(", ")}`);
  await on.context.close();
  await off.context.close();
  return problems;
}

async function main() {
  if (!chromiumPath)
    throw new Error(
      "no Chromium: run `npm run setup` (it installs Debian's chromium) or set CHROMIUM_PATH",
    );
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs],
  });
  try {
    const problems = [];
    for (const folder of folders)
      problems.push(...(await checkFolder(browser, path.resolve(folder))));
    if (problems.length > 0) throw new Error(`\n  ${problems.join("\n  ")}`);
  } finally {
    await browser.close();
  }
}

main().then(
  () => console.log(`site check passed: ${folders.join(", ")}`),
  (error) => {
    console.error(`site check failed: ${error.message}`);
    process.exit(1);
  },
);
