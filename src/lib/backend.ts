import * as tf from "@tensorflow/tfjs";

/** What the helper found when it chose a TensorFlow.js backend. */
export interface BackendReport {
  /** The backend that runs tensor work, e.g. `tensorflow` (native) or `cpu`. */
  name: string;
  /** Whether the native TensorFlow binding of @tensorflow/tfjs-node loaded. */
  native: boolean;
  /** Why the native backend is not running; empty when it is. */
  reason: string;
}

type TfjsNode = typeof import("@tensorflow/tfjs-node");

let nativeModule: TfjsNode | null = null;
let report: BackendReport | null = null;

/**
 * Loads @tensorflow/tfjs-node once and makes its native backend the active one. When the native
 * binding cannot load, the pure-JS `cpu` backend runs instead and one line says why and how to fix it.
 */
export function selectBackend(): BackendReport {
  if (report !== null) return report;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    nativeModule = require("@tensorflow/tfjs-node") as TfjsNode;
    tf.setBackend("tensorflow");
    report = { name: tf.getBackend(), native: true, reason: "" };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    tf.setBackend("cpu");
    report = { name: tf.getBackend(), native: false, reason };
    console.log(`gan-kit: running on the slow '${report.name}' backend because @tensorflow/tfjs-node did not load `
      + `(${reason}); run 'node scripts/setup.mjs' in the project to build the native one.`);
  }
  return report;
}

/** The tfjs-node module when the native backend is active, for its Node-only helpers (PNG codec). */
export function nativeTfjs(): TfjsNode {
  selectBackend();
  if (nativeModule === null) {
    throw new Error(`this needs @tensorflow/tfjs-node, which did not load: ${report?.reason}`);
  }
  return nativeModule;
}

// Importing the helper is enough to run on the best backend.
selectBackend();

export { tf };
