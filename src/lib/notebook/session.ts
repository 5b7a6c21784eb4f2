// A notebook's run in a kernel. A kernel keeps what a notebook made for as long as it lives, and
// tfjs frees a tensor only on dispose(): running a notebook again from the top would make every
// model, optimizer and tensor a second time and keep the first ones. `startNotebook` in a
// notebook's first cell remembers what the run makes and, when the cell runs again, frees it.
import { backendReady, type BackendReport, tf } from "../core/backend";
import { startFigureRenderer } from "../figures/chromium";
import { isNotebook } from "./output";
import { followTensors, releaseTensor } from "../core/tracking";

/** What `startNotebook` did. */
export interface NotebookStart {
  /** The backend the notebook computes with. */
  backend: BackendReport;
  /** Tensors and variables of the earlier run that were freed (0 on a kernel's first run). */
  freed: number;
  /** Background trainings of the earlier run that were still going and were stopped. */
  stopped: number;
  /** One line: the backend's name, and what was freed and stopped if anything was. */
  summary: string;
}

const made = new Map<number, tf.Tensor>();
const stops = new Set<() => void>();
let following = false;

/**
 * Registers `stop` (e.g. of a background training) to be called when the notebook starts again.
 * Returns the function that unregisters it (call it when the work ends by itself).
 */
export function stopOnRestart(stop: () => void): () => void {
  stops.add(stop);
  return () => stops.delete(stop);
}

/** Frees what was made since the last `startNotebook`; returns how many tensors and how many stops. */
function freeEarlierRun(): { freed: number; stopped: number } {
  const stopped = stops.size;
  for (const stop of [...stops]) stop();
  stops.clear();
  let freed = 0;
  for (const tensor of [...made.values()]) {
    if (tensor.isDisposed) continue;
    releaseTensor(tensor);
    freed += 1;
  }
  made.clear();
  return { freed, stopped };
}

/**
 * The first call of a notebook: waits for the backend, frees every tensor and variable made since
 * the previous call in this kernel (models, optimizers, data, noise; following them costs well under a microsecond per tensor
 * made, about 0.1 % of an MLP step: bench/tensor-tracking.json)
 * and stops the background trainings that still run, so that running the notebook again from the
 * top gives the same outputs without keeping the first run's memory. Objects of the earlier run
 * (an old `generator`) are unusable afterwards: run the cells that make them again. In a kernel it
 * also starts the figure renderer (`startFigureRenderer`), so that Chromium is ready by the first plot.
 */
export async function startNotebook(): Promise<NotebookStart> {
  // In a kernel, Chromium for the figures' PNGs starts now, beside the notebook's first cells.
  if (isNotebook()) startFigureRenderer();
  const backend = await backendReady();
  const { freed, stopped } = freeEarlierRun();
  if (!following) {
    followTensors({
      made: (tensor) => made.set(tensor.id, tensor),
      disposed: (tensor) => made.delete(tensor.id),
    });
    following = true;
  }
  const earlier = [
    freed > 0 ? `freed ${freed} tensors` : "",
    stopped > 0 ? `stopped ${stopped} background training${stopped > 1 ? "s" : ""}` : "",
  ].filter((part) => part !== "");
  const summary =
    backend.name + (earlier.length > 0 ? ` | of the earlier run: ${earlier.join(", ")}` : "");
  return { backend, freed, stopped, summary };
}
