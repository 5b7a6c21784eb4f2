// Spectral normalisation (Miyato et al., 2018), which TensorFlow.js does not provide: a dense
// layer whose kernel is divided by an estimate of its largest singular value, kept up to date by
// one step of power iteration per training call, as torch.nn.utils.spectral_norm does.
import { tf } from "../core/backend";
import { assertInteger } from "../core/checks";

/** x scaled to unit Euclidean norm (any shape). */
function normalize<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x)), 1e-12))) as T;
}

/**
 * One step of power iteration on a kernel W [in, out], with u [1, out] a unit row vector:
 * v ← normalise(u·Wᵀ) [1, in], u ← normalise(v·W) [1, out]; then σ = v·W·uᵀ, the estimate of W's
 * largest singular value.
 */
function iterateRows(
  kernel: tf.Tensor2D,
  u: tf.Tensor2D,
): { u: tf.Tensor2D; v: tf.Tensor2D; sigma: tf.Scalar } {
  const v = normalize(tf.matMul(u, kernel, false, true) as tf.Tensor2D);
  const vw = tf.matMul(v, kernel) as tf.Tensor2D;
  const uNext = normalize(vw);
  return { u: uNext, v, sigma: tf.sum(tf.mul(vw, uNext)) };
}

/**
 * One step of power iteration for the largest singular value σ of W [in, out]:
 * v ← normalise(W u), u ← normalise(Wᵀ v), σ = vᵀ W u (u is a unit vector of size out).
 * Returns σ and the updated u.
 */
export function powerIterationStep(
  kernel: tf.Tensor2D,
  u: tf.Tensor1D,
): { sigma: tf.Scalar; u: tf.Tensor1D } {
  return tf.tidy(() => {
    const step = iterateRows(kernel, u.reshape([1, -1]));
    return { sigma: step.sigma, u: step.u.reshape([-1]) as tf.Tensor1D };
  });
}

/** Power-iteration steps when a layer is built, as in PyTorch. */
const INITIAL_POWER_ITERATIONS = 15;

export interface SpectralNormDenseArgs {
  units: number;
  /** Activation after the normalised product, e.g. "linear" (default) or "relu". */
  activation?: "linear" | "relu";
  /** Power-iteration steps per training call; 1 as in PyTorch. */
  powerIterations?: number;
  seed?: number;
  inputShape?: number[];
  name?: string;
}

/**
 * A dense layer y = x·(W/σ(W)) + b. In training calls the power-iteration vector u (a
 * non-trainable weight) takes `powerIterations` steps first; σ is differentiated through W but
 * not through u and v, as in PyTorch. Inference calls reuse the current u.
 */
export class SpectralNormDense extends tf.layers.Layer {
  static className = "SpectralNormDense";
  private readonly units: number;
  private readonly activationName: "linear" | "relu";
  private readonly powerIterations: number;
  private readonly seed: number;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private u: tf.LayerVariable | null = null;

  constructor(args: SpectralNormDenseArgs) {
    super({ name: args.name, inputShape: args.inputShape });
    assertInteger("units", args.units);
    this.units = args.units;
    this.activationName = args.activation ?? "linear";
    this.powerIterations = args.powerIterations ?? 1;
    assertInteger("powerIterations", this.powerIterations);
    this.seed = args.seed ?? 1;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputSize = shape[shape.length - 1] as number;
    this.kernel = this.addWeight(
      "kernel",
      [inputSize, this.units],
      "float32",
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    this.bias = this.addWeight("bias", [this.units], "float32", tf.initializers.zeros());
    this.u = this.addWeight(
      "u",
      [this.units],
      "float32",
      tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed + 1 }),
      undefined,
      false,
    );
    // As torch.nn.utils.parametrizations.spectral_norm does: u starts as a unit vector after a
    // few power iterations, so that σ(W) is right before the first training step too (a raw
    // N(0, 1) vector of 256 numbers would scale it by about 16).
    tf.tidy(() => {
      const kernel = this.kernel!.read() as tf.Tensor2D;
      let u = normalize((this.u!.read() as tf.Tensor1D).reshape([1, this.units])) as tf.Tensor2D;
      for (let i = 0; i < INITIAL_POWER_ITERATIONS; i++) u = iterateRows(kernel, u).u;
      this.u!.write(u.reshape([this.units]));
    });
    this.built = true;
  }

  /** σ(W) as currently estimated (no power-iteration step). */
  currentSigma(): number {
    if (this.kernel === null || this.u === null) throw new Error(`${this.name} is not built yet`);
    return tf.tidy(() => this.sigmaFrom(this.kernel!.read() as tf.Tensor2D, false).dataSync()[0]);
  }

  /**
   * σ(W) from the stored u, after `powerIterations` steps when `iterate` (which also stores the new
   * u). It is one differentiable op whose gradient is dσ/dW = vᵀu, with u and v held constant as in
   * PyTorch; the power iteration itself stays off the gradient tape, so it costs a dozen kernels
   * per call rather than hundreds.
   */
  private sigmaFrom(w: tf.Tensor2D, iterate: boolean): tf.Scalar {
    return (iterate ? this.sigmaIterating : this.sigmaReading)(w) as tf.Scalar;
  }

  // Built once per layer, not per call: the training loop calls the layer three times per step.
  private readonly sigmaIterating = this.makeSigmaOp(true);
  private readonly sigmaReading = this.makeSigmaOp(false);

  private makeSigmaOp(iterate: boolean): (w: tf.Tensor) => tf.Tensor {
    return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [kernel, save] = [args[0] as tf.Tensor2D, args[1] as tf.GradSaveFunc];
      const stored = (this.u!.read() as tf.Tensor1D).reshape([1, this.units]) as tf.Tensor2D;
      let step: { u: tf.Tensor2D; v: tf.Tensor2D; sigma: tf.Scalar };
      if (iterate) {
        step = iterateRows(kernel, stored);
        for (let i = 1; i < this.powerIterations; i++) step = iterateRows(kernel, step.u);
        this.u!.write(step.u.reshape([this.units]));
      } else {
        // Inference reads σ = v·W·uᵀ with the stored u, v = normalise(u·Wᵀ), and changes nothing.
        const v = normalize(tf.matMul(stored, kernel, false, true) as tf.Tensor2D);
        step = { u: stored, v, sigma: tf.sum(tf.mul(tf.matMul(v, kernel), stored)) };
      }
      save([step.v, step.u]);
      return {
        value: step.sigma,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.mul(dy, tf.matMul(saved[0], saved[1], true, false)),
      };
    }) as (w: tf.Tensor) => tf.Tensor;
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const w = this.kernel!.read() as tf.Tensor2D;
      const normalized = tf.div(w, this.sigmaFrom(w, kwargs.training === true)) as tf.Tensor2D;
      return tf.fused.matMul({
        a: x as tf.Tensor2D,
        b: normalized,
        bias: this.bias!.read(),
        activation: this.activationName,
      });
    });
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      powerIterations: this.powerIterations,
      seed: this.seed,
    };
  }
}
tf.serialization.registerClass(SpectralNormDense);

/** A spectrally normalised dense layer (see SpectralNormDense). */
export function spectralNormDense(args: SpectralNormDenseArgs): SpectralNormDense {
  return new SpectralNormDense(args);
}
