// Digits tiled into grids: a tensor, a PNG, or the frames of an animated GIF.
import { GIFEncoder } from "gifenc";

import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";
import { IMAGE_SIZE } from "../data/mnist";
import { encodePng } from "../store/files";

export interface SampleGridArgs {
  /** Images per row; default: the square root of the count, rounded up. */
  columns?: number;
  /** Integer upscaling factor for readability; default 2. */
  scale?: number;
  /** Grey lines between the digits, in source pixels; default 2. */
  padding?: number;
  /** A label drawn left of each row, e.g. the class the row was asked for; digits, '-' and spaces. */
  rowLabels?: string[];
}

// 3×5 pixel glyphs, enough to label rows with class numbers.
const GLYPHS: Record<string, string[]> = {
  "0": ["111", "101", "101", "101", "111"],
  "1": ["010", "110", "010", "010", "111"],
  "2": ["111", "001", "111", "100", "111"],
  "3": ["111", "001", "111", "001", "111"],
  "4": ["101", "101", "111", "001", "001"],
  "5": ["111", "100", "111", "001", "111"],
  "6": ["111", "100", "111", "101", "111"],
  "7": ["111", "001", "010", "010", "010"],
  "8": ["111", "101", "111", "101", "111"],
  "9": ["111", "101", "111", "001", "111"],
  "-": ["000", "000", "111", "000", "000"],
  " ": ["000", "000", "000", "000", "000"],
};
const GLYPH_SCALE = 3;

/** A white-on-black column [height, width] with one label centred on each row of cells. */
function labelColumn(labels: string[], cell: number, padding: number): tf.Tensor2D {
  labels.forEach((label) => {
    const bad = [...label].find((ch) => GLYPHS[ch] === undefined);
    if (bad !== undefined)
      throw new Error(
        `row label ${JSON.stringify(label)} has ${JSON.stringify(bad)}; labels may use digits, '-' and spaces`,
      );
  });
  const glyphWidth = (3 + 1) * GLYPH_SCALE;
  const width = padding + Math.max(1, ...labels.map((l) => l.length)) * glyphWidth + padding;
  const height = padding + labels.length * cell;
  const pixels = new Float32Array(height * width);
  labels.forEach((label, row) => {
    const top = padding + row * cell + Math.floor((cell - padding - 5 * GLYPH_SCALE) / 2);
    [...label].forEach((ch, k) => {
      GLYPHS[ch].forEach((bits, gy) =>
        [...bits].forEach((bit, gx) => {
          if (bit !== "1") return;
          for (let dy = 0; dy < GLYPH_SCALE; dy++) {
            for (let dx = 0; dx < GLYPH_SCALE; dx++) {
              pixels[
                (top + gy * GLYPH_SCALE + dy) * width +
                  padding +
                  k * glyphWidth +
                  gx * GLYPH_SCALE +
                  dx
              ] = 255;
            }
          }
        }),
      );
    });
  });
  return tf.tensor2d(pixels, [height, width]);
}

/**
 * Tiles images into one grayscale image [height, width, 1] of int32 values 0..255.
 * @param images [n, 784] (28×28 digits) or [n, h, w, 1] (e.g. [n, 28, 56, 1] two-digit numbers),
 *   values in [−1, 1] (−1 = black background).
 */
export function composeSampleGrid(
  images: tf.Tensor,
  { columns, scale = 2, padding = 2, rowLabels }: SampleGridArgs = {},
): tf.Tensor3D {
  const count = images.shape[0];
  const flat = images.shape.length === 2 && images.shape[1] === IMAGE_SIZE * IMAGE_SIZE;
  const isImage = images.shape.length === 4 && images.shape[3] === 1;
  if (count === 0 || !(flat || isImage)) {
    throw new Error(
      `images must be [n, 784] or [n, height, width, 1] with n > 0, got [${images.shape.join(", ")}]`,
    );
  }
  const [height, width] = flat
    ? [IMAGE_SIZE, IMAGE_SIZE]
    : [images.shape[1] as number, images.shape[2] as number];
  const cols = columns ?? Math.ceil(Math.sqrt(count));
  assertInteger("columns", cols);
  assertInteger("scale", scale);
  assertInteger("padding", padding, 0);
  const rows = Math.ceil(count / cols);
  if (rowLabels !== undefined && rowLabels.length !== rows) {
    throw new Error(`rowLabels has ${rowLabels.length} labels for ${rows} rows`);
  }
  return tf.tidy(() => {
    const [cellHeight, cellWidth] = [height + padding, width + padding];
    const gray = 128;
    let digits = tf.clipByValue(images.reshape([count, height, width]).add(1).mul(127.5), 0, 255);
    if (rows * cols > count) {
      digits = tf.concat([digits, tf.zeros([rows * cols - count, height, width])]);
    }
    const framed = tf.pad(
      digits,
      [
        [0, 0],
        [0, padding],
        [0, padding],
      ],
      gray,
    );
    const tiled = framed
      .reshape([rows, cols, cellHeight, cellWidth])
      .transpose([0, 2, 1, 3])
      .reshape([rows * cellHeight, cols * cellWidth]);
    let bordered = tf.pad(
      tiled,
      [
        [padding, 0],
        [padding, 0],
      ],
      gray,
    ) as tf.Tensor2D;
    if (rowLabels !== undefined)
      bordered = tf.concat([labelColumn(rowLabels, cellHeight, padding), bordered], 1);
    const image = bordered.expandDims(2) as tf.Tensor3D;
    const scaled =
      scale === 1
        ? image
        : tf.image.resizeNearestNeighbor(image, [image.shape[0] * scale, image.shape[1] * scale]);
    return scaled.round().toInt() as tf.Tensor3D;
  });
}

/**
 * Tiles images into one grayscale PNG (see composeSampleGrid for the layout).
 * @param images [n, 784] or [n, h, w, 1], values in [−1, 1].
 * @returns PNG bytes.
 */
export function renderSampleGrid(images: tf.Tensor, args: SampleGridArgs = {}): Uint8Array {
  const grid = composeSampleGrid(images, args);
  try {
    return encodePng(grid);
  } finally {
    grid.dispose();
  }
}

/**
 * An animated GIF of grids, one frame per batch of images (e.g. fixed-noise samples over
 * training), each tiled like renderSampleGrid. Loops forever.
 * @param frames batches of the same shape, [n, 784] or [n, h, w, 1], values in [−1, 1].
 * @param delayMs how long each frame shows; the last one shows three times as long.
 */
export function renderProgressGif(
  frames: tf.Tensor[],
  args: SampleGridArgs & { delayMs?: number } = {},
): Uint8Array {
  if (frames.length === 0) throw new Error("renderProgressGif needs at least one frame");
  const { delayMs = 400, ...gridArgs } = args;
  const palette = Array.from({ length: 256 }, (_, v) => [v, v, v]);
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    const grid = composeSampleGrid(frame, gridArgs);
    const [height, width] = grid.shape;
    const indices = Uint8Array.from(grid.dataSync());
    grid.dispose();
    gif.writeFrame(indices, width, height, {
      palette,
      delay: i === frames.length - 1 ? 3 * delayMs : delayMs,
      repeat: 0,
    });
  });
  gif.finish();
  return gif.bytes();
}
