// The Fréchet distance between generated and real digits, FID's method on our own instrument: each
// set of images is summarised by the mean μ and covariance Σ of the digit classifier's
// penultimate-layer features (128 per image), and the distance between the two Gaussians is
// ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½) (Heusel et al., 2017, with Inception's features).
// Lower is closer; it mixes sharpness and variety, so it stands beside the digit scores, not for
// them. The matrix square roots come from ml-matrix's symmetric eigendecomposition.
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

import { tf } from "../core/backend";
import { IMAGE_SIZE } from "../data/mnist";

/** Mean (as a row) and covariance (dividing by n − 1) of `rows` [n, d], in float64. */
function gaussianOf(rows: number[][]): { mean: Matrix; covariance: Matrix } {
  const x = new Matrix(rows);
  const mean = Matrix.rowVector(x.mean("column"));
  const centred = x.clone().subRowVector(mean.getRow(0));
  return {
    mean,
    covariance: centred
      .transpose()
      .mmul(centred)
      .div(rows.length - 1),
  };
}

/** V diag(f(λ)) Vᵀ for the symmetric matrix `m` = V diag(λ) Vᵀ. */
function mapEigenvalues(m: Matrix, f: (lambda: number) => number): Matrix {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = e.eigenvectorMatrix;
  return v.mmul(Matrix.diag(e.realEigenvalues.map(f))).mmul(v.transpose());
}

/**
 * The Fréchet distance between the Gaussians fitted to two sets of feature vectors, `a` [n, d] and
 * `b` [m, d] (each with at least 2 rows). Symmetric, 0 for identical sets, in squared feature units.
 */
export function frechetDistance(a: number[][], b: number[][]): number {
  if (a.length < 2 || b.length < 2)
    throw new Error(`the Fréchet distance needs 2 vectors a side, got ${a.length} and ${b.length}`);
  if (a[0].length !== b[0].length)
    throw new Error(`features of ${a[0].length} and ${b[0].length} numbers cannot be compared`);
  const [p, q] = [gaussianOf(a), gaussianOf(b)];
  const root = mapEigenvalues(p.covariance, (l) => Math.sqrt(Math.max(l, 0)));
  const middle = root.mmul(q.covariance).mmul(root);
  // tr((Σ₁^½ Σ₂ Σ₁^½)^½): the sum of the square roots of that symmetric matrix's eigenvalues.
  const crossTrace = new EigenvalueDecomposition(middle.add(middle.transpose()).div(2), {
    assumeSymmetric: true,
  }).realEigenvalues.reduce((sum, l) => sum + Math.sqrt(Math.max(l, 0)), 0);
  const shift = p.mean.clone().sub(q.mean);
  const meanTerm = shift.mmul(shift.transpose()).get(0, 0);
  return meanTerm + p.covariance.trace() + q.covariance.trace() - 2 * crossTrace;
}

/**
 * The digit classifier's penultimate-layer features of `images` ([n, 28, 28, 1] or [n, 784] in
 * [−1, 1]), as rows [n, 128].
 */
export function digitFeatures(classifier: tf.LayersModel, images: tf.Tensor): number[][] {
  const features = tf.model({
    inputs: classifier.inputs,
    outputs: classifier.layers[classifier.layers.length - 2].output as tf.SymbolicTensor,
  });
  return tf.tidy(
    () =>
      (
        features.predict(images.reshape([-1, IMAGE_SIZE, IMAGE_SIZE, 1]), {
          batchSize: 500,
        }) as tf.Tensor2D
      ).arraySync() as number[][],
  );
}

/** The Fréchet distance between `images` and `reference` (real digits) in the classifier's features. */
export function frechetDigitDistance(
  classifier: tf.LayersModel,
  images: tf.Tensor,
  reference: tf.Tensor,
): number {
  return frechetDistance(digitFeatures(classifier, images), digitFeatures(classifier, reference));
}
