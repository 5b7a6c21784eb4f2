// One hook on the tfjs engine for the code that follows tensors from birth to dispose() (the leak
// watch, a notebook's session). Every tensor and variable passes `trackTensor` when it is made
// (a variable through `incRef`) and `disposeTensor` when it is freed. And how to free a tensor
// whose dispose() alone would not free everything (`releaseWith`, `releaseTensor`).
import { tf } from "./backend";

/** What a follower hears about each tensor. */
export interface TensorFollower {
  /** A tensor or variable was made (called after the engine has registered it). */
  made(tensor: tf.Tensor): void;
  /** A tensor or variable is being freed (called before the engine frees it). */
  disposed(tensor: tf.Tensor): void;
}

interface Engine {
  trackTensor(tensor: tf.Tensor, backend: unknown): void;
  disposeTensor(tensor: tf.Tensor): void;
}

const followers = new Set<TensorFollower>();
let restoreEngine: (() => void) | null = null;

function hookEngine(): void {
  const engine = tf.engine() as unknown as Engine;
  const { trackTensor, disposeTensor } = engine;
  engine.trackTensor = function (tensor, backend) {
    trackTensor.call(this, tensor, backend);
    for (const follower of followers) follower.made(tensor);
  };
  engine.disposeTensor = function (tensor) {
    for (const follower of followers) follower.disposed(tensor);
    disposeTensor.call(this, tensor);
  };
  restoreEngine = () => Object.assign(engine, { trackTensor, disposeTensor });
}

/**
 * Tells `follower` about every tensor made and disposed from now on. Returns the function that
 * stops it; the engine runs unhooked again (at full speed) once no follower is left.
 */
export function followTensors(follower: TensorFollower): () => void {
  if (restoreEngine === null) hookEngine();
  followers.add(follower);
  return () => {
    followers.delete(follower);
    if (followers.size === 0 && restoreEngine !== null) {
      restoreEngine();
      restoreEngine = null;
    }
  };
}

const releases = new WeakMap<tf.Tensor, () => void>();

/**
 * Says how to free `tensor` when a follower frees it (a notebook's rerun frees the earlier run),
 * when dispose() alone would not free everything (e.g. a TensorFlow resource variable behind a
 * handle tensor). Returns `tensor`.
 */
export function releaseWith<T extends tf.Tensor>(tensor: T, release: () => void): T {
  releases.set(tensor, release);
  return tensor;
}

/** Frees `tensor` the way `releaseWith` said, else by dispose(). */
export function releaseTensor(tensor: tf.Tensor): void {
  (releases.get(tensor) ?? (() => tensor.dispose()))();
}
