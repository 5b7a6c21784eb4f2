// Spectral normalisation (Miyato et al., 2018), which TensorFlow.js does not provide: a dense
// layer whose kernel is divided by an estimate of its largest singular value, kept up to date by
// one step of power iteration per training call, as torch.nn.utils.spectral_norm does.
import { tf } from "./backend";
import { assertInteger } from "./checks";

/** Passes values through but blocks gradients: the power-iteration vectors are constants. */
const stopGradient = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: (inputs[0] as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

function normalize(x: tf.Tensor1D): tf.Tensor1D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12)) as tf.Tensor1D;
}

/**
 * One step of power iteration for the largest singular value σ of W [in, out]:
 * v ← normalise(W u), u ← normalise(Wᵀ v), σ = vᵀ W u (u is a unit vector of size out).
 * Returns σ and the updated u.
 */
export function powerIterationStep(kernel: tf.Tensor2D, u: tf.Tensor1D): { sigma: tf.Scalar; u: tf.Tensor1D } {
  return tf.tidy(() => {
    const v = normalize(tf.matMul(kernel, u.reshape([-1, 1])).reshape([-1]) as tf.Tensor1D);
    const uNext = normalize(tf.matMul(kernel, v.reshape([-1, 1]), true).reshape([-1]) as tf.Tensor1D);
    const sigma = tf.sum(tf.mul(v, tf.matMul(kernel, uNext.reshape([-1, 1])).reshape([-1]))) as tf.Scalar;
    return { sigma, u: uNext };
  });
}

/** σ ≈ vᵀ W u with u normalised and v = normalise(W u); `freeze` stops gradients through u and v. */
function estimateSigma(w: tf.Tensor2D, u: tf.Tensor1D, freeze: boolean): tf.Scalar {
  const hold = (t: tf.Tensor1D) => (freeze ? stopGradient(t) as tf.Tensor1D : t);
  const uUnit = hold(normalize(u));
  const wu = tf.matMul(w, uUnit.reshape([-1, 1])).reshape([-1]) as tf.Tensor1D;
  return tf.sum(tf.mul(hold(normalize(wu)), wu)) as tf.Scalar;
}

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
    this.kernel = this.addWeight("kernel", [inputSize, this.units], "float32", tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight("bias", [this.units], "float32", tf.initializers.zeros());
    this.u = this.addWeight("u", [this.units], "float32", tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed + 1 }), undefined, false);
    this.built = true;
  }

  /** σ(W) as currently estimated (no power-iteration step). */
  currentSigma(): number {
    if (this.kernel === null || this.u === null) throw new Error(`${this.name} is not built yet`);
    return tf.tidy(() => estimateSigma(this.kernel!.read() as tf.Tensor2D, this.u!.read() as tf.Tensor1D, false).dataSync()[0]);
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const w = this.kernel!.read() as tf.Tensor2D;
      let u = this.u!.read() as tf.Tensor1D;
      if (kwargs.training) {
        for (let i = 0; i < this.powerIterations; i++) u = powerIterationStep(stopGradient(w) as tf.Tensor2D, u).u;
        this.u!.write(u);
      }
      // u and v are held constant, so that the gradient reaches W through σ only, as in PyTorch.
      const sigma = estimateSigma(w, u, true);
      const out = tf.add(tf.matMul(x, tf.div(w, sigma)), this.bias!.read());
      return this.activationName === "relu" ? tf.relu(out) : out;
    });
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activationName, powerIterations: this.powerIterations, seed: this.seed };
  }
}
tf.serialization.registerClass(SpectralNormDense);

/** A spectrally normalised dense layer (see SpectralNormDense). */
export function spectralNormDense(args: SpectralNormDenseArgs): SpectralNormDense {
  return new SpectralNormDense(args);
}
