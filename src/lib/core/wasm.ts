// Makes the wasm backend of TensorFlow.js train every GAN of the series: it has no kernel for the
// filter gradient of a convolution (Conv2DBackpropFilter) nor for the gradient of a lookup table
// (UnsortedSegmentSum, which label embeddings need), and its matrix product takes a slow path when
// an operand is transposed, which every backward pass of a dense layer asks for.
import * as tf from "@tensorflow/tfjs";

type Info = tf.TensorInfo;
type Attrs = Record<string, unknown>;

/** Runs another wasm kernel from inside a kernel. */
function runKernel(
  name: string,
  backend: tf.KernelBackend,
  inputs: tf.NamedTensorInfoMap | Info[],
  attrs: Attrs = {},
): Info {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as Info;
}

/** Swaps the last two axes. */
function transposeLastTwo(x: Info, backend: tf.KernelBackend): Info {
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  return runKernel("Transpose", backend, { x }, { perm });
}

/**
 * Wraps a matrix-product kernel so that transposed operands are transposed once, explicitly,
 * and the product itself always runs on the fast, untransposed path.
 */
function untransposeOperands(kernelName: "BatchMatMul" | "_FusedMatMul"): void {
  const original = tf.getKernel(kernelName, "wasm");
  if (original === undefined) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({
    kernelName,
    backendName: "wasm",
    // The original's setup binds its wasm function when the backend starts.
    setupFunc: original.setupFunc,
    kernelFunc: ({ inputs, backend: anyBackend, attrs }) => {
      const backend = anyBackend as tf.KernelBackend;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
      const temporary: Info[] = [];
      const operands = inputs as { a: Info; b: Info };
      const a = transposeA ? transposeLastTwo(operands.a, backend) : operands.a;
      const b = transposeB ? transposeLastTwo(operands.b, backend) : operands.b;
      if (transposeA) temporary.push(a);
      if (transposeB) temporary.push(b);
      const out = original.kernelFunc({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      temporary.forEach((t) => backend.disposeData(t.dataId));
      return out;
    },
  });
}

/**
 * The gradient of a 2-D convolution with respect to its filter, as one matrix product:
 * dW[kh, kw, ci, co] = Σ over batch and output positions of x_padded[n, oh·s + kh·d, ow·s + kw·d, ci] · dy[n, oh, ow, co].
 * The KH·KW strided slices of the padded input are laid side by side ([N·OH·OW, KH·KW·CI]) and
 * multiplied by dy ([N·OH·OW, CO]).
 */
function conv2dBackpropFilter({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: "valid" | "same" | number;
    dataFormat: "NHWC" | "NCHW";
    dimRoundingMode?: "floor" | "round" | "ceil";
    filterShape: [number, number, number, number];
  };
  if (dataFormat !== "NHWC")
    throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${dataFormat}`);
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const [n, , , inChannels] = x.shape;
  const { top, bottom, left, right } = conv.padInfo;
  const temporary: Info[] = [];
  const keep = (t: Info) => {
    temporary.push(t);
    return t;
  };
  const padded = keep(
    runKernel(
      "PadV2",
      backend,
      { x },
      {
        paddings: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        constantValue: 0,
      },
    ),
  );
  const slices: Info[] = [];
  for (let kh = 0; kh < conv.filterHeight; kh++) {
    for (let kw = 0; kw < conv.filterWidth; kw++) {
      const [y0, x0] = [kh * conv.dilationHeight, kw * conv.dilationWidth];
      slices.push(
        keep(
          runKernel(
            "StridedSlice",
            backend,
            { x: padded },
            {
              begin: [0, y0, x0, 0],
              end: [
                n,
                y0 + (conv.outHeight - 1) * conv.strideHeight + 1,
                x0 + (conv.outWidth - 1) * conv.strideWidth + 1,
                inChannels,
              ],
              strides: [1, conv.strideHeight, conv.strideWidth, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ),
        ),
      );
    }
  }
  const rows = n * conv.outHeight * conv.outWidth;
  const patches = keep(runKernel("Concat", backend, slices, { axis: 3 }));
  const patchMatrix = keep(
    runKernel(
      "Reshape",
      backend,
      { x: patches },
      { shape: [rows, conv.filterHeight * conv.filterWidth * inChannels] },
    ),
  );
  const dyMatrix = keep(
    runKernel("Reshape", backend, { x: dy }, { shape: [rows, conv.outChannels] }),
  );
  const patchesByColumn = keep(transposeLastTwo(patchMatrix, backend));
  const product = keep(
    runKernel(
      "BatchMatMul",
      backend,
      { a: patchesByColumn, b: dyMatrix },
      { transposeA: false, transposeB: false },
    ),
  );
  const result = runKernel("Reshape", backend, { x: product }, { shape: filterShape });
  temporary.forEach((t) => backend.disposeData(t.dataId));
  return result;
}

/**
 * out[s] = Σ over rows i with segmentIds[i] = s of x[i], as the product of the transposed one-hot
 * matrix of the ids [numSegments, n] with x as [n, rest]: the gradient of a gather.
 */
function unsortedSegmentSum({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): Info {
  const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
  const numSegments = attrs.numSegments as number;
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum on wasm needs one id per row of x, got ids [${segmentIds.shape}] for x [${x.shape}]`,
    );
  }
  const rows = x.shape[0];
  const rest = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const temporary: Info[] = [];
  const keep = (t: Info) => {
    temporary.push(t);
    return t;
  };
  const oneHot = keep(
    runKernel(
      "OneHot",
      backend,
      { indices: segmentIds },
      { depth: numSegments, onValue: 1, offValue: 0, dtype: x.dtype },
    ),
  );
  const bySegment = keep(transposeLastTwo(oneHot, backend));
  const flat = keep(runKernel("Reshape", backend, { x }, { shape: [rows, rest] }));
  const sums = keep(
    runKernel(
      "BatchMatMul",
      backend,
      { a: bySegment, b: flat },
      { transposeA: false, transposeB: false },
    ),
  );
  const result = runKernel(
    "Reshape",
    backend,
    { x: sums },
    { shape: [numSegments, ...x.shape.slice(1)] },
  );
  temporary.forEach((t) => backend.disposeData(t.dataId));
  return result;
}

let registered = false;

/** Registers the missing gradient kernels and the untransposing matrix products on wasm (once). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
  });
  untransposeOperands("BatchMatMul");
  untransposeOperands("_FusedMatMul");
}
