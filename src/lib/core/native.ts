// TensorFlow ops that tfjs does not wrap, run through tfjs-node's public backend method
// `executeSingleOutput` / `executeMultipleOutputs` (any op of the TensorFlow C library by name).
// Used for what is much cheaper natively: stateless random numbers and the fused Adam update.
// Everything here is available only on the native backend: callers keep a tfjs path for the others.
import { tf } from "./backend";
import { releaseWith } from "./tracking";

/** An op attribute as tfjs-node's binding takes it: name, TF_ATTR_* type code, value. */
interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** The part of tfjs-node's NodeJSKernelBackend used here. */
interface NodeBackend {
  binding: Record<string, number>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: OpAttr[],
    inputs: tf.Tensor[],
    numOutputs: number,
  ): tf.Tensor[];
}

/** Attribute values: a dtype ("float32", "int32"), a float, a boolean, a string, or a shape (number[]). */
export type AttrValue =
  { dtype: "float32" | "int32" } | { float: number } | boolean | string | number[];

/** TensorFlow ops by name, and TensorFlow resource variables, on the native backend. */
export interface NativeOps {
  /** Runs op `name` on `inputs`; returns its `numOutputs` outputs (tfjs tensors, tracked as usual). */
  execute(
    name: string,
    inputs: tf.Tensor[],
    attrs: Record<string, AttrValue>,
    numOutputs: number,
  ): tf.Tensor[];
  /** A new, uninitialised TensorFlow resource variable of float32 values; its handle as a tensor. */
  createResourceVariable(shape: number[]): tf.Tensor;
  /** Copies `value` into the variable (TensorFlow shares the buffer until either side writes). */
  assignResourceVariable(handle: tf.Tensor, value: tf.Tensor): void;
  /** The variable's current value as a tfjs tensor. */
  readResourceVariable(handle: tf.Tensor): tf.Tensor;
  /** Frees the variable and its handle. */
  destroyResourceVariable(handle: tf.Tensor): void;
}

let variableCount = 0;

function makeOps(backend: NodeBackend): NativeOps {
  const { binding } = backend;
  const dtypeCodes: Record<string, number> = { float32: binding.TF_FLOAT, int32: binding.TF_INT32 };
  const toAttrs = (attrs: Record<string, AttrValue>): OpAttr[] =>
    Object.entries(attrs).map(([name, value]) => {
      if (typeof value === "boolean") return { name, type: binding.TF_ATTR_BOOL, value };
      if (typeof value === "string") return { name, type: binding.TF_ATTR_STRING, value };
      if (Array.isArray(value)) return { name, type: binding.TF_ATTR_SHAPE, value };
      if ("float" in value) return { name, type: binding.TF_ATTR_FLOAT, value: value.float };
      return { name, type: binding.TF_ATTR_TYPE, value: dtypeCodes[value.dtype] };
    });
  const execute = (
    name: string,
    inputs: tf.Tensor[],
    attrs: Record<string, AttrValue>,
    numOutputs: number,
  ) =>
    numOutputs === 1
      ? [backend.executeSingleOutput(name, toAttrs(attrs), inputs)]
      : backend.executeMultipleOutputs(name, toAttrs(attrs), inputs, numOutputs);
  const float = { dtype: "float32" } as const;
  const destroyResourceVariable = (handle: tf.Tensor) => {
    execute("DestroyResourceOp", [handle], { ignore_lookup_error: true }, 0);
    handle.dispose();
  };
  return {
    execute,
    createResourceVariable: (shape) => {
      variableCount += 1;
      const sharedName = `gan_kit_${process.pid}_${variableCount}`;
      const handle = execute(
        "VarHandleOp",
        [],
        { container: "", shared_name: sharedName, dtype: float, shape },
        1,
      )[0];
      return releaseWith(handle, () => destroyResourceVariable(handle)); // a notebook's rerun frees it whole
    },
    assignResourceVariable: (handle, value) => {
      execute("AssignVariableOp", [handle, value], { dtype: float }, 0);
    },
    readResourceVariable: (handle) => execute("ReadVariableOp", [handle], { dtype: float }, 1)[0],
    destroyResourceVariable,
  };
}

let cached: { backend: unknown; ops: NativeOps } | null = null;

/** The native ops when the active backend is tfjs-node's `tensorflow`; null on wasm and cpu. */
export function nativeOps(): NativeOps | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  if (typeof backend.executeMultipleOutputs !== "function" || backend.binding === undefined)
    return null;
  if (cached === null || cached.backend !== backend)
    cached = { backend, ops: makeOps(backend as NodeBackend) };
  return cached.ops;
}
