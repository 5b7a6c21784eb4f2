// Maximum likelihood and KL divergence on discrete distributions (float64), for notebook 01's check
// that maximising the likelihood of data is minimising KL(p_data ‖ p_model).
import { assertInteger } from "../core/checks";

/** How far from 1 a probability vector's sum may be. */
export const PROBABILITY_SUM_TOLERANCE = 1e-9;

/** Throws unless `p` is a probability vector: finite, >= 0, summing to 1; names the bad entry. */
export function checkProbabilities(name: string, p: ArrayLike<number>): void {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i]) || p[i] < 0)
      throw new Error(`${name}[${i}] is ${p[i]}; probabilities must be finite and >= 0`);
    sum += p[i];
  }
  if (!(Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE))
    throw new Error(`${name} sums to ${sum}, not 1: normalise it`);
}

function checkSameLength(p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length)
    throw new Error(
      `p and q must have one entry per outcome each, got ${p.length} and ${q.length}`,
    );
}

/** Σ p(x)·f(x) over the outcomes with p(x) > 0 (0·log 0 counts as 0). */
function expectation(p: ArrayLike<number>, f: (x: number) => number): number {
  let sum = 0;
  for (let x = 0; x < p.length; x++) if (p[x] > 0) sum += p[x] * f(x);
  return sum;
}

/**
 * The binomial distribution Bin(n, θ) over 0..n: P(k) = C(n, k)·θ^k·(1 − θ)^(n − k).
 * @returns float64 [n + 1].
 */
export function binomialPmf(n: number, theta: number): Float64Array {
  assertInteger("n", n, 0);
  if (!(theta >= 0 && theta <= 1)) throw new Error(`theta must be in [0, 1], got ${theta}`);
  const p = new Float64Array(n + 1);
  let logChoose = 0; // log C(n, k), built up from log C(n, k − 1)
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    const logTheta = k === 0 ? 0 : k * Math.log(theta);
    const logRest = k === n ? 0 : (n - k) * Math.log(1 - theta);
    p[k] = Math.exp(logChoose + logTheta + logRest);
  }
  return p;
}

/** The entropy H(p) = −Σ p log p, in nats, of a probability vector. */
export function entropy(p: ArrayLike<number>): number {
  checkProbabilities("p", p);
  return -expectation(p, (x) => Math.log(p[x]));
}

/**
 * The mean log-likelihood Σ p(x) log q(x), in nats: the average of log q over data whose outcomes
 * occur with frequencies p (so (1/m)·Σᵢ log q(xᵢ) for m samples with empirical distribution p).
 * −Infinity when q gives 0 to an outcome the data has.
 */
export function meanLogLikelihood(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkSameLength(p, q);
  checkProbabilities("p", p);
  checkProbabilities("q", q);
  return expectation(p, (x) => Math.log(q[x]));
}

/** KL(p ‖ q) = Σ p log(p / q), in nats; Infinity when q gives 0 to an outcome p has. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  checkSameLength(p, q);
  checkProbabilities("p", p);
  checkProbabilities("q", q);
  return expectation(p, (x) => Math.log(p[x] / q[x]));
}
