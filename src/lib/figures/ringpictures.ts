// Pictures of generators on the ring of notebook 07: an animated GIF of samples over training,
// several runs side by side, drawn straight into pixels (no browser needed).
import { GIFEncoder } from "gifenc";

import { assertInteger, assertPositive } from "../core/checks";
import type { RingMixture } from "../data/ring";

/** Colours: 0 background, 1 target modes, 2 progress bar, then one per panel. */
const PALETTE = [
  [255, 255, 255],
  [200, 200, 200],
  [120, 120, 120],
  [31, 119, 180], // plotly blue
  [255, 127, 14], // plotly orange
  [44, 160, 44],
  [214, 39, 40],
];

export interface RingGifArgs {
  /** Side of each panel in pixels; default 240. */
  panelSize?: number;
  /** Half the width of the square of the plane shown, centred on 0; default 1.5 × the radius. */
  extent?: number;
  /** Display time of a frame in ms (the last shows three times as long); default 300. */
  delayMs?: number;
}

/**
 * An animated GIF of generators' samples on the ring: each frame shows `frames[t][p]` (the points
 * of panel p at check t) in panel p, side by side, over the modes (grey discs of 3 standard
 * deviations) and above a bar that fills as t goes from the first check to the last. Points outside
 * the square are left out. Up to four panels, coloured blue, orange, green, red.
 * @param frames [checks][panels][points][2].
 */
export function renderRingGif(
  frames: ReadonlyArray<ReadonlyArray<ReadonlyArray<readonly number[]>>>,
  ring: RingMixture,
  { panelSize = 240, extent = 1.5 * ring.radius, delayMs = 300 }: RingGifArgs = {},
): Uint8Array {
  assertInteger("panelSize", panelSize);
  assertPositive("extent", extent);
  if (frames.length === 0) throw new Error("renderRingGif needs at least one frame");
  const panels = frames[0].length;
  if (panels < 1 || panels > PALETTE.length - 3)
    throw new Error(`renderRingGif draws 1 to 4 panels, got ${panels}`);
  frames.forEach((f, t) => {
    if (f.length !== panels)
      throw new Error(`frame ${t} has ${f.length} panels, frame 0 has ${panels}`);
  });
  const gap = 8;
  const bar = 6;
  const width = panels * panelSize + (panels - 1) * gap;
  const height = panelSize + gap + bar;
  const toPixel = (v: number) => Math.floor(((v + extent) / (2 * extent)) * panelSize);
  // The modes, the same in every frame and panel.
  const background = new Uint8Array(width * height);
  const reach = 3 * ring.sd;
  for (let p = 0; p < panels; p++) {
    const left = p * (panelSize + gap);
    for (let row = 0; row < panelSize; row++)
      for (let col = 0; col < panelSize; col++) {
        const [x, y] = [
          ((col + 0.5) / panelSize) * 2 * extent - extent,
          extent - ((row + 0.5) / panelSize) * 2 * extent,
        ];
        const near = ring.centres.some(
          ([cx, cy]) => Math.hypot(x - cx, y - cy) <= Math.max(reach, extent / panelSize),
        );
        if (near) background[row * width + left + col] = 1;
      }
  }
  const gif = GIFEncoder();
  frames.forEach((frame, t) => {
    const pixels = background.slice();
    frame.forEach((points, p) => {
      const left = p * (panelSize + gap);
      for (const [x, y] of points) {
        const [col, row] = [toPixel(x), panelSize - 1 - toPixel(y)];
        if (col < 0 || col >= panelSize || row < 0 || row >= panelSize) continue;
        // a 2 × 2 dot
        for (const [dr, dc] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ])
          if (row + dr < panelSize && col + dc < panelSize)
            pixels[(row + dr) * width + left + col + dc] = 3 + p;
      }
    });
    const filled = frames.length === 1 ? width : Math.round((width * t) / (frames.length - 1));
    for (let row = panelSize + gap; row < height; row++)
      pixels.fill(2, row * width, row * width + filled);
    gif.writeFrame(pixels, width, height, {
      palette: PALETTE,
      delay: t === frames.length - 1 ? 3 * delayMs : delayMs,
      repeat: 0,
    });
  });
  gif.finish();
  return gif.bytes();
}
