import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import {
  blockMeans,
  findChromium,
  isNotebook,
  lossFigure,
  renderFigurePng,
  renderSampleGrid,
  roundForDisplay,
  showFigure,
  tf,
} from "../lib";
import { nativeTfjs } from "../lib/core/backend";

describe("renderSampleGrid", () => {
  it("tiles digits into a PNG of the expected size, black background and grey frame", async () => {
    const images = tf.fill([10, 784], -1);
    const png = await renderSampleGrid(images, { columns: 5, scale: 2, padding: 2 });
    assert.deepEqual(Array.from(png.slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    const decoded = nativeTfjs().node.decodePng(png, 1);
    // Two rows and five columns of 28 + 2 pixels, plus the leading frame line, doubled.
    assert.deepEqual(decoded.shape, [(2 * 30 + 2) * 2, (5 * 30 + 2) * 2, 1]);
    const pixels = decoded.arraySync() as number[][][];
    assert.equal(pixels[0][0][0], 128, "frame");
    assert.equal(pixels[10][10][0], 0, "background of a digit");
  });

  it("maps +1 to white and fills a short last row with empty cells", async () => {
    const png = await renderSampleGrid(tf.ones([3, 28, 28, 1]), {
      columns: 2,
      scale: 1,
      padding: 0,
    });
    const pixels = nativeTfjs().node.decodePng(png, 1).arraySync() as number[][][];
    assert.equal(pixels.length, 56);
    assert.equal(pixels[5][5][0], 255);
    assert.equal(pixels[40][40][0], 0);
  });

  it("tiles wider images, such as two-digit numbers [n, 28, 56, 1], with row labels", async () => {
    const left = tf.ones([3, 28, 28, 1]);
    const right = left.neg();
    const images = tf.concat([left, right], 2); // white left halves, black right halves
    const png = await renderSampleGrid(images, { columns: 3, scale: 1, padding: 2 });
    const pixels = nativeTfjs().node.decodePng(png, 1).arraySync() as number[][][];
    assert.equal(pixels.length, 2 + 30);
    assert.equal(pixels[0].length, 2 + 3 * 58);
    assert.equal(pixels[10][2 + 10][0], 255, "left half of the first number");
    assert.equal(pixels[10][2 + 40][0], 0, "right half of the first number");
    const labelled = nativeTfjs().node.decodePng(
      renderSampleGrid(images, { columns: 1, scale: 1, padding: 2, rowLabels: ["07", "42", "99"] }),
      1,
    );
    assert.equal(labelled.shape[0], 2 + 3 * 30);
    tf.dispose([left, right, images, labelled]);
  });

  it("rejects images that are neither flat 28×28 digits nor [n, height, width, 1]", () => {
    assert.throws(
      () => renderSampleGrid(tf.zeros([4, 100])),
      /must be \[n, 784\] or \[n, height, width, 1\].*got \[4, 100\]/,
    );
    assert.throws(() => renderSampleGrid(tf.zeros([4, 28, 28, 3])), /got \[4, 28, 28, 3\]/);
  });
});

describe("figures", () => {
  const history = [1, 2].map((step) => ({
    step,
    dLoss: 0.123456789,
    gLoss: 1,
    dReal: 0.5,
    dFake: 0.25,
  }));

  it("plots both costs and both D outputs with rounded numbers", () => {
    const figure = lossFigure(history);
    assert.equal(figure.data.length, 4);
    assert.deepEqual(figure.data[0].y, [0.1235, 0.1235]);
    assert.deepEqual(figure.data[0].x, [1, 2]);
    assert.equal(roundForDisplay(123456.7), 123500);
  });

  it("averages long histories over blocks of steps", () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({
      step: i + 1,
      dLoss: i % 2,
      gLoss: 1,
      dReal: 0.5,
      dFake: 0.5,
    }));
    const figure = lossFigure(long, "t", 100);
    assert.equal((figure.data[0].y as number[]).length, 100);
    assert.deepEqual((figure.data[0].y as number[]).slice(0, 2), [0.5, 0.5]);
    assert.deepEqual((figure.data[0].x as number[]).slice(0, 2), [6, 16]);
    assert.deepEqual(blockMeans([1, 2, 3, 4, 5], 2), [1.5, 3.5, 5]);
  });

  it("knows it is not in a notebook, and showing there is a no-op", () => {
    assert.equal(isNotebook(), false);
    assert.doesNotThrow(() => showFigure(lossFigure(history), "costs"));
  });
});

describe("renderFigurePng", () => {
  it(
    "renders a plotly figure to a PNG of the layout's size",
    { skip: findChromium() === null && "no Chromium installed (scripts/setup.mjs installs it)" },
    () => {
      const figure = {
        data: [{ type: "scatter", x: [1, 2, 3], y: [2, 1, 3] }],
        layout: { width: 320, height: 200 },
      };
      const png = renderFigurePng(figure);
      assert.ok(png !== null);
      assert.deepEqual(nativeTfjs().node.decodePng(png, 3).shape, [200, 320, 3]);
    },
  );

  it(
    "keeps non-ASCII text of titles, axes and legends",
    { skip: findChromium() === null && "no Chromium installed (scripts/setup.mjs installs it)" },
    async () => {
      const { renderFigureSvg } = await import("../lib/figures/chromium");
      const figure = (legend: string, title: string, x = "x", y = "y") => ({
        data: [{ type: "scatter", name: legend, x: [1, 2], y: [2, 1] }],
        layout: {
          title: { text: title },
          xaxis: { title: { text: x } },
          yaxis: { title: { text: y } },
        },
      });
      // Notebook 02's first legend alone: an earlier renderer wrote the figure into a page file
      // without a charset, and Chromium read it as Windows-1252 ("loss âˆ’log Ïƒ(s)"); pages with
      // more non-ASCII text happened to pass.
      const cases: Array<[ReturnType<typeof figure>, string[]]> = [
        [figure("loss −log σ(s)", "Binary cross-entropy against label 1"), ["loss −log σ(s)"]],
        [
          figure("χ² of 2p_g ‖ p_d + p_g", "D = ½", "x₁ → x₂", "−1 … +1"),
          ["χ² of 2p_g ‖ p_d + p_g", "D = ½", "x₁ → x₂", "−1 … +1"],
        ],
      ];
      for (const [fig, texts] of cases) {
        const svg = renderFigureSvg({
          ...fig,
          layout: { ...fig.layout, showlegend: true, width: 480, height: 300 },
        });
        assert.ok(svg !== null);
        const shown = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
        for (const text of texts)
          assert.ok(
            shown.includes(text),
            `"${text}" not among the SVG's texts: ${JSON.stringify(shown)}`,
          );
      }
    },
  );
});

describe("figures in one Chromium", () => {
  it(
    "draws every figure of a process in one Chromium, and survives a figure plotly refuses",
    { skip: findChromium() === null && "no Chromium installed (scripts/setup.mjs installs it)" },
    async () => {
      const { figureBrowserLaunches, renderFigureSvg } = await import("../lib/figures/chromium");
      const sizes: number[][] = [];
      for (const width of [200, 240, 280]) {
        const png = renderFigurePng({
          data: [{ type: "bar", y: [1, 2] }],
          layout: { width, height: 150 },
        });
        assert.ok(png !== null);
        sizes.push(nativeTfjs().node.decodePng(png, 3).shape);
      }
      assert.deepEqual(sizes, [
        [150, 200, 3],
        [150, 240, 3],
        [150, 280, 3],
      ]);
      assert.throws(
        () => renderFigurePng({ data: [], layout: { width: "wide" } }),
        /could not render the figure to PNG .*Height and width should be pixel values/,
      );
      assert.ok(
        renderFigureSvg({ data: [], layout: { width: 100, height: 100 } })?.startsWith("<svg"),
      );
      assert.equal(figureBrowserLaunches(), 1);
    },
  );
});

describe("the figure renderer's Chromium", () => {
  it(
    "is replaced when it dies, removes folders orphaned by killed processes, and leaves nothing in the temporary folder when its process exits",
    { skip: findChromium() === null && "no Chromium installed (scripts/setup.mjs installs it)" },
    async () => {
      // A short name: Chromium refuses a profile whose socket path passes 107 characters.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gkt-"));
      // The folder an earlier renderer left when its process was killed (its id is no longer used).
      const gone = spawnSync("true").pid;
      fs.mkdirSync(path.join(tmp, `gan-kit-chromium-${gone}-abc123`, "profile"), {
        recursive: true,
      });
      // A process of its own, with its own TMPDIR: it draws, kills its Chromium (found by the
      // profile folder in its command line), draws again, and exits.
      const script = `
        const { execSync } = require("node:child_process");
        const { renderFigurePng, figureBrowserLaunches } = require(process.argv[1]);
        const figure = { data: [{ type: "bar", y: [1, 2] }], layout: { width: 120, height: 90 } };
        const sizes = [renderFigurePng(figure).length];
        // "[u]ser" keeps the pattern from matching the shell that runs pkill.
        execSync("pkill -KILL -f '[u]ser-data-dir=" + process.env.TMPDIR + "'");
        sizes.push(renderFigurePng(figure).length);
        console.log(JSON.stringify({ sizes, launches: figureBrowserLaunches() }));`;
      const result = spawnSync(
        process.execPath,
        ["-e", script, require.resolve("../lib/figures/chromium")],
        {
          env: { ...process.env, TMPDIR: tmp },
          encoding: "utf8",
          timeout: 120_000,
        },
      );
      assert.equal(result.status, 0, result.stderr);
      const { sizes, launches } = JSON.parse(result.stdout.trim().split("\n").pop()!);
      assert.ok(
        sizes.every((n: number) => n > 100),
        JSON.stringify(sizes),
      );
      assert.equal(launches, 2, "a second Chromium took over");
      for (let i = 0; i < 50 && fs.readdirSync(tmp).length > 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(fs.readdirSync(tmp), [], "the process's temporary files are gone");
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  );
});

describe("linesFigure", () => {
  it("draws one rounded line per series and checks their lengths", async () => {
    const { linesFigure } = await import("../lib");
    const figure = linesFigure({
      title: "t",
      x: [0, 1],
      series: [{ name: "a", y: [1 / 3, 2 / 3], dash: "dot" }],
      xTitle: "x",
      yTitle: "y",
      logY: true,
    });
    assert.deepEqual(figure.data[0].y, [0.3333, 0.6667]);
    assert.deepEqual(figure.data[0].line, { dash: "dot" });
    assert.equal((figure.layout.yaxis as { type: string }).type, "log");
    assert.throws(
      () =>
        linesFigure({
          title: "t",
          x: [0, 1],
          series: [{ name: "b", y: [1] }],
          xTitle: "x",
          yTitle: "y",
        }),
      /series "b" has 1 values for 2 x values/,
    );
  });
});

describe("row labels, GIF and progress text", () => {
  it("draws one white label per row left of the grid", async () => {
    const { composeSampleGrid } = await import("../lib/figures/grids");
    const plain = composeSampleGrid(tf.fill([4, 784], -1), { columns: 2, scale: 1, padding: 2 });
    const labelled = composeSampleGrid(tf.fill([4, 784], -1), {
      columns: 2,
      scale: 1,
      padding: 2,
      rowLabels: ["7", "10"],
    });
    assert.equal(labelled.shape[0], plain.shape[0]);
    const extra = labelled.shape[1] - plain.shape[1];
    assert.equal(extra, 2 + 2 * 12 + 2, "room for two 3×5 glyphs at scale 3, plus padding");
    const column = labelled.slice([0, 0, 0], [labelled.shape[0], extra, 1]);
    const rowSums = column.sum([1, 2]).arraySync() as number[];
    assert.ok(
      rowSums.slice(2, 30).some((v) => v > 0) && rowSums.slice(32, 60).some((v) => v > 0),
      "both rows labelled",
    );
    assert.throws(
      () => composeSampleGrid(tf.fill([4, 784], -1), { columns: 2, rowLabels: ["a", "b"] }),
      /row label "a" has "a"/,
    );
    assert.throws(
      () => composeSampleGrid(tf.fill([4, 784], -1), { columns: 2, rowLabels: ["1"] }),
      /rowLabels has 1 labels for 2 rows/,
    );
  });

  it("encodes grids over time as a looping GIF", async () => {
    const { renderProgressGif } = await import("../lib");
    const frames = [tf.fill([4, 784], -1), tf.fill([4, 784], 1), tf.fill([4, 784], 0)];
    const gif = renderProgressGif(frames, { columns: 2, scale: 1 });
    assert.equal(Buffer.from(gif.slice(0, 6)).toString("latin1"), "GIF89a");
    // Logical screen size, little-endian, equals the grid's size: 2 + 2·30 pixels each way.
    assert.equal(gif[6] + 256 * gif[7], 62);
    assert.equal(gif[8] + 256 * gif[9], 62);
    assert.ok(Buffer.from(gif).includes(Buffer.from("NETSCAPE2.0", "latin1")), "loop extension");
    assert.equal(gif[gif.length - 1], 0x3b, "trailer");
    assert.throws(() => renderProgressGif([]), /at least one frame/);
  });

  it("formats progress and durations", async () => {
    const { formatProgress, formatDuration } = await import("../lib/notebook/live");
    assert.equal(formatDuration(65_400), "1 min 05 s");
    assert.equal(formatDuration(9_600), "10 s");
    assert.equal(
      formatProgress(100, 1000, 10_000),
      "step 100 / 1000 · 10.0 steps/s · about 1 min 30 s left",
    );
  });

  it("a live display sends each area once, then replaces it in place; outside a notebook it sends nothing", async () => {
    const { createLiveTrainingDisplay, isNotebook } = await import("../lib");
    // tslab's writer, as the kernel sets it; null outside a kernel.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    const sent: Array<{ id: string; update: boolean; types: string[] }> = [];
    const h = [{ step: 1, dLoss: 1, gLoss: 1, dReal: 0.5, dFake: 0.5 }];
    assert.equal(isNotebook(), false);
    createLiveTrainingDisplay({ totalSteps: 2 }).update(h, new Uint8Array([1]));
    jupyter.lastWriteDisplayData = (
      content: { data: Record<string, unknown>; transient: { display_id: string } },
      update: boolean,
    ) =>
      sent.push({
        id: content.transient.display_id,
        update,
        types: Object.keys(content.data).sort(),
      });
    try {
      const live = createLiveTrainingDisplay({ totalSteps: 2 });
      live.update(h, new Uint8Array([1]));
      live.update([...h, { ...h[0], step: 2 }], new Uint8Array([2]));
      live.finish(h);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    const areas = sent.slice(0, 3).map((m) => m.id.split("-").pop());
    assert.deepEqual(areas, ["progress", "plot", "grid"]);
    assert.deepEqual(
      sent.map((m) => m.update),
      [false, false, false, true, true, true, true, true],
      "first version of each area new, every later one in place",
    );
    assert.equal(new Set(sent.map((m) => m.id)).size, 3, "three areas, each under one display id");
    assert.deepEqual(sent[1].types, ["application/vnd.plotly.v1+json", "text/plain"]);
    assert.deepEqual(sent[2].types, ["image/png", "text/plain"]);
  });
});
