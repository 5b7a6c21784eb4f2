#!/usr/bin/env node
// Opens a committed notebook in JupyterLab (from the project's .venv) in headless Chromium and
// checks what a reader sees: the plotly figures render interactively (plotly's own DOM, not an
// error or a fallback image), the sample grids are visible images, and no output shows stderr.
// A screenshot is kept in output/browser/ (a CI artefact).
//
// Usage: node tests/browser/check-jupyterlab.mjs [notebook] (default: 01-recall-gan.ipynb)

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const notebook = process.argv[2] ?? "01-recall-gan.ipynb";
const screenshotDir = path.join(root, "output", "browser");
// gan-kit's Chromium module alone (no TensorFlow): where Chromium is, and the flags it runs with.
const { findChromium, CHROMIUM_ARGS: chromiumArgs } = createRequire(import.meta.url)(
  "gan-kit/dist/lib/figures/chromium.js",
);
const chromiumPath = findChromium();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForServer(url, lab, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (lab.exitCode !== null) throw new Error(`JupyterLab exited with status ${lab.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`JupyterLab did not answer at ${url} within ${seconds} s`);
}

async function main() {
  if (!chromiumPath)
    throw new Error(
      "no Chromium: run `npm run setup` (it installs Debian's chromium) or set CHROMIUM_PATH",
    );
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const labLog = [];
  // JupyterLab 4 renders only the cells in view; a throwaway settings folder turns that off so
  // that every output is in the page, and keeps the reader's own settings out of the check.
  const settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), "gan-lab-settings-"));
  const trackerSettings = path.join(
    settingsDir,
    "@jupyterlab",
    "notebook-extension",
    "tracker.jupyterlab-settings",
  );
  fs.mkdirSync(path.dirname(trackerSettings), { recursive: true });
  fs.writeFileSync(trackerSettings, JSON.stringify({ windowingMode: "none" }));
  const notificationSettings = path.join(
    settingsDir,
    "@jupyterlab",
    "apputils-extension",
    "notification.jupyterlab-settings",
  );
  fs.mkdirSync(path.dirname(notificationSettings), { recursive: true });
  fs.writeFileSync(notificationSettings, JSON.stringify({ fetchNews: "false" }));
  const lab = spawn(
    path.join(root, ".venv", "bin", "jupyter"),
    [
      "lab",
      "--no-browser",
      `--port=${port}`,
      "--ip=127.0.0.1",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${path.join(root, "notebooks")}`,
      "--LabApp.news_url=",
      "--LabServerApp.extension_manager=readonly",
      `--LabApp.user_settings_dir=${settingsDir}`,
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  lab.stdout.on("data", (d) => labLog.push(String(d)));
  lab.stderr.on("data", (d) => labLog.push(String(d)));
  let browser;
  let page;
  try {
    await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, lab, 60);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/lab/tree/${notebook}?token=${token}&reset`, {
      waitUntil: "domcontentloaded",
    });
    await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
    // jupyterlab-plotly shows the stored PNG first and builds the interactive figure when the
    // pointer enters it, as a reader's would: hover, then require plotly's own SVG.
    const figure = page.locator(".jp-RenderedPlotly").first();
    await figure.scrollIntoViewIfNeeded({ timeout: 30_000 });
    const box = await figure.locator("img.plot-img").boundingBox();
    if (box === null) throw new Error("the plotly output shows no image to hover over");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await figure
      .locator(".plot-container .modebar")
      .waitFor({ state: "attached", timeout: 60_000 });
    await page.waitForFunction(
      () => {
        const container = document.querySelector(".jp-RenderedPlotly .plot-container");
        return (
          container !== null &&
          getComputedStyle(container).display !== "none" &&
          container.querySelectorAll(".scatterlayer .trace").length > 0
        );
      },
      undefined,
      { timeout: 60_000 },
    );
    // The output node itself becomes plotly's graph div (class js-plotly-plot).
    const plots = await page.locator(".jp-RenderedPlotly.js-plotly-plot").count();
    const traces = await figure.locator(".scatterlayer .trace").count();
    const grid = page.locator('.jp-OutputArea-output[data-mime-type="image/png"] img').first();
    await grid.scrollIntoViewIfNeeded();
    await grid.waitFor({ state: "visible" });
    const gridSize = await grid.evaluate((img) => ({
      complete: img.complete,
      width: img.naturalWidth,
      height: img.naturalHeight,
    }));
    const stderrOutputs = await page
      .locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
      .count();
    await figure.scrollIntoViewIfNeeded();
    fs.mkdirSync(screenshotDir, { recursive: true });
    const screenshot = path.join(
      screenshotDir,
      `${path.basename(notebook, ".ipynb")}-jupyterlab.png`,
    );
    await page.screenshot({ path: screenshot });

    const problems = [];
    if (plots < 1 || traces < 1)
      problems.push(
        `expected an interactive plotly figure with traces, found ${plots} figure(s), ${traces} trace(s)`,
      );
    if (!gridSize.complete || gridSize.width < 100 || gridSize.height < 50)
      problems.push(`sample grid image not shown: ${JSON.stringify(gridSize)}`);
    if (stderrOutputs > 0) problems.push(`${stderrOutputs} output(s) show stderr`);
    if (pageErrors.length > 0) problems.push(`page errors: ${pageErrors.join(" | ")}`);
    console.log(
      `${notebook} in JupyterLab: ${plots} interactive plotly figure(s) with ${traces} trace(s); first image ${gridSize.width}×${gridSize.height}; ` +
        `stderr outputs ${stderrOutputs}; screenshot ${path.relative(root, screenshot)}`,
    );
    if (problems.length > 0) throw new Error(problems.join("; "));
  } catch (error) {
    console.error(labLog.join("").split("\n").slice(-20).join("\n"));
    if (page) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      const failure = path.join(
        screenshotDir,
        `${path.basename(notebook, ".ipynb")}-jupyterlab-failure.png`,
      );
      await page.screenshot({ path: failure, fullPage: true }).catch(() => undefined);
      console.error(`screenshot of the failure: ${path.relative(root, failure)}`);
    }
    throw error;
  } finally {
    await browser?.close();
    lab.kill("SIGTERM");
    fs.rmSync(settingsDir, { recursive: true, force: true });
  }
}

main().then(
  () => console.log("browser check: 1 passed, 0 failed"),
  (error) => {
    console.error(`browser check failed: ${error.message}`);
    console.log("browser check: 0 passed, 1 failed");
    process.exit(1);
  },
);
