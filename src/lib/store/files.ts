// PNG files and saved models without native code, so that every backend (native TensorFlow,
// wasm, cpu) writes the same files: model.json + weights.bin, the layout of tfjs-node's file://.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

import { tf } from "../core/backend";

/** CRC-32 (ISO-HDLC, as PNG and zlib use it) of `bytes`. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Encodes an 8-bit image as PNG.
 * @param image [height, width, channels] with 1 (grey), 3 (RGB) or 4 (RGBA) channels, values 0–255.
 */
export function encodePng(image: tf.Tensor3D): Uint8Array {
  const [height, width, channels] = image.shape;
  const colorType = ({ 1: 0, 3: 2, 4: 6 } as Record<number, number>)[channels];
  if (colorType === undefined)
    throw new Error(`encodePng takes 1, 3 or 4 channels, got ${channels}`);
  const pixels = image.dataSync();
  const rowBytes = width * channels;
  const raw = Buffer.alloc(height * (rowBytes + 1)); // each row: filter type 0, then its bytes
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < rowBytes; i++)
      raw[y * (rowBytes + 1) + 1 + i] = Math.max(
        0,
        Math.min(255, Math.round(pixels[y * rowBytes + i])),
      );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colorType, 0, 0, 0], 8);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Saves a model's topology and weights to `folder` (model.json and weights.bin). */
export async function saveModelFiles(model: tf.LayersModel, folder: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(
        tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)),
      );
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "weights.bin"), weights);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ["./weights.bin"], weights: artifacts.weightSpecs }],
      };
      fs.writeFileSync(path.join(folder, "model.json"), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          weightDataBytes: weights.length,
        },
      };
    }),
  );
}

/** Loads a model saved by saveModelFiles (or by tfjs-node's file:// handler) from `folder`. */
export async function loadModelFiles(folder: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(fs.readFileSync(path.join(folder, "model.json"), "utf8"));
  const manifest = modelJson.weightsManifest as Array<{
    paths: string[];
    weights: tf.io.WeightsManifestEntry[];
  }>;
  const buffers = manifest.flatMap((group) =>
    group.paths.map((p) => fs.readFileSync(path.join(folder, p))),
  );
  const joined = Buffer.concat(buffers);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength),
    }),
  );
}

/** Writes bytes (a PNG, a GIF) to `file`, creating its folder; returns the path. */
export function saveFile(file: string, bytes: Uint8Array): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}
