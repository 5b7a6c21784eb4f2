import * as tf from "@tensorflow/tfjs";

import { registerWasmTrainingKernels } from "./wasm";

/** What the helper found when it chose a TensorFlow.js backend. */
export interface BackendReport {
  /** The backend that runs tensor work: `tensorflow` (native), `wasm` or `cpu`. */
  name: string;
  /** Whether the native TensorFlow binding of @tensorflow/tfjs-node runs. */
  native: boolean;
  /** Why the native backend is not running; empty when it is. */
  reason: string;
}

/** Environment variable that picks a backend by name (`tensorflow`, `wasm` or `cpu`) instead of the best one. */
export const BACKEND_VARIABLE = "GAN_BACKEND";
const CHOICES = ["tensorflow", "wasm", "cpu"];

type TfjsNode = typeof import("@tensorflow/tfjs-node");

let nativeModule: TfjsNode | null = null;
let report: BackendReport | null = null;
let ready: Promise<BackendReport> = Promise.resolve({ name: "", native: false, reason: "" });

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/**
 * Picks the backend once: the native TensorFlow of @tensorflow/tfjs-node when it loads; else the
 * wasm backend, with the kernels it lacks for training conv nets registered; else the pure-JS
 * `cpu` backend. A fallback prints one line saying which backend runs, why, and how to get the
 * native one. `GAN_BACKEND=wasm` (or `cpu`) forces a fallback, e.g. to test it.
 * The wasm backend starts asynchronously: await `backendReady()` before the first tensor op.
 */
export function selectBackend(): BackendReport {
  if (report !== null) return report;
  const forced = process.env[BACKEND_VARIABLE] ?? "";
  if (forced !== "" && !CHOICES.includes(forced)) {
    throw new Error(
      `${BACKEND_VARIABLE} must be one of ${CHOICES.join(", ")}, got ${JSON.stringify(forced)}`,
    );
  }
  let reason = `${BACKEND_VARIABLE}=${forced} asks for it`;
  if (forced === "" || forced === "tensorflow") {
    try {
      // A backend is loaded only when chosen, so require() rather than a static import.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      nativeModule = require("@tensorflow/tfjs-node") as TfjsNode;
      tf.setBackend("tensorflow");
      report = { name: tf.getBackend(), native: true, reason: "" };
      ready = Promise.resolve(report);
      return report;
    } catch (error) {
      reason = `@tensorflow/tfjs-node did not load (${firstLine(error)})`;
    }
  }
  if (forced !== "cpu") {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("@tensorflow/tfjs-backend-wasm");
      registerWasmTrainingKernels();
      const wasm: BackendReport = { name: "wasm", native: false, reason };
      report = wasm;
      ready = tf.setBackend("wasm").then((ok) => {
        if (ok) return wasm;
        tf.setBackend("cpu");
        return Object.assign(wasm, {
          name: "cpu",
          reason: `${reason}, and the wasm backend did not start`,
        });
      });
    } catch (error) {
      reason = `${reason}, and the wasm backend did not load (${firstLine(error)})`;
    }
  }
  if (report === null) {
    tf.setBackend("cpu");
    report = { name: "cpu", native: false, reason };
    ready = Promise.resolve(report);
  }
  const speed = report.name === "wasm" ? "several times slower" : "very slow";
  console.log(
    `gan-kit: running on the '${report.name}' backend (${speed} than native TensorFlow) because ${reason}; ` +
      "run 'npm install' (or 'node scripts/setup.mjs') in the project to build the native one.",
  );
  return report;
}

/** Resolves once the chosen backend can run tensor ops (at once for the native and cpu backends). */
export function backendReady(): Promise<BackendReport> {
  selectBackend();
  return ready;
}

/** The tfjs-node module when the native backend is active, for its Node-only helpers. */
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
