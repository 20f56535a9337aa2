import { userError } from '../../errors/index.js';
import type { Table } from '../../table/index.js';
import { gap, PRECISION, type GapResult } from './lagrangian.js';
import { mixtureModel, type MixtureModel } from './mixture.js';
import { prepareProblem, type Problem, type ReductionOptions } from './problem.js';
import { summarizePredictors, type ReductionPredictor, type TrainingSummary, trainingSummary } from './result.js';

/** Options of {@link exponentiatedGradient}; defaults as Fairlearn's `ExponentiatedGradient`. */
export interface ExponentiatedGradientOptions extends ReductionOptions {
  /** Iterations. Defaults to 50. */
  readonly maxIter?: number;
  /**
   * Stop once the duality gap is below this (after at least 5 iterations). Defaults to
   * 0.5 · std(|h₀(x) − y|) / √n for the first best response h₀ — the statistical precision of
   * its training error.
   */
  readonly nu?: number;
  /** Initial learning rate, multiplied by eps (η = eta0 / B). Defaults to 2. */
  readonly eta0?: number;
  /** Also solve the linear program over the predictors found so far at every iteration, and keep it when its gap is smaller. Defaults to true. */
  readonly linprog?: boolean;
}

/** What {@link exponentiatedGradient} returns. */
export interface ExponentiatedGradientResult {
  readonly method: 'exponentiated_gradient';
  /** The randomized classifier (or regressor): the predictors with positive weight. */
  readonly model: MixtureModel;
  readonly constraint: ReductionOptions['constraint'];
  readonly eps: number;
  /** Bound on ‖λ‖₁ (1/eps). */
  readonly B: number;
  readonly nu: number;
  readonly eta0: number;
  readonly maxIter: number;
  readonly seed: number;
  /** Constraint names (`+ label=1, Female`), in the order of each predictor's `gamma`. */
  readonly constraints: readonly string[];
  readonly groups: readonly string[];
  /** Every distinct predictor found, with its weight in the mixture (0 for most). */
  readonly predictors: readonly ReductionPredictor[];
  /** The duality gap of the returned mixture; the mixture's error is within 2·bestGap of the best under the constraints, its violation at most 2·(eps + bestGap) (Agarwal et al., 2018, theorem 1). */
  readonly bestGap: number;
  /** Iteration (0-based) the mixture comes from, and the last one run. */
  readonly bestIteration: number;
  readonly lastIteration: number;
  /** Best-response calls, and the fits the learner ran (calls answered by a constant or a repeat need none). */
  readonly oracleCalls: number;
  readonly learnerFits: number;
  /** Error and moments of the mixture on the training rows. */
  readonly training: TrainingSummary;
  readonly trainingRows: number;
  readonly droppedRows: number;
}

const MIN_ITER = 5;
const ACCURACY_MUL = 0.5;
const REGRET_CHECK_START = 5;
const REGRET_CHECK_INCREASE = 1.6;
const SHRINK_REGRET = 0.8;
const SHRINK_ETA = 0.8;

function checkOptions(options: ExponentiatedGradientOptions): { maxIter: number; eta0: number } {
  const { maxIter = 50, eta0 = 2, nu } = options;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw userError('invalid_option', `invalid maxIter: ${maxIter} (expected a positive integer)`, { option: 'maxIter' });
  if (!(eta0 > 0) || !Number.isFinite(eta0)) throw userError('invalid_option', `invalid eta0: ${eta0} (expected a number > 0)`, { option: 'eta0' });
  if (nu !== undefined && !(nu >= 0 && Number.isFinite(nu))) throw userError('invalid_option', `invalid nu: ${nu} (expected a number ≥ 0)`, { option: 'nu' });
  return { maxIter, eta0 };
}

/** Sample standard deviation (n − 1) of |pred − y|, by Welford's method. */
function absErrorStd(pred: Float64Array, y: Float64Array): number {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < y.length; i++) {
    const v = Math.abs(pred[i] - y[i]);
    const d = v - mean;
    mean += d / (i + 1);
    m2 += d * (v - mean);
  }
  return y.length > 1 ? Math.sqrt(m2 / (y.length - 1)) : 0;
}

/**
 * Fairness-constrained learning by the exponentiated-gradient reduction (Agarwal et al., 2018,
 * "A Reductions Approach to Fair Classification", algorithm 1; as Fairlearn's
 * `ExponentiatedGradient`). A two-player game on the Lagrangian
 * `L(Q, λ) = error(Q) + Σ_j λ_j (γ_j(Q) − eps)`: the λ-player runs exponentiated gradient on
 * θ (λ = B·e^θ / (1 + Σ e^θ)), the Q-player answers each λ with the learner's best response on
 * re-labelled, re-weighted rows; the answer is the average of the Q-player's plays (or the linear
 * program's solution over the predictors found, when its duality gap is smaller), taken at the
 * iteration with the smallest gap. Deterministic: the same data, options and seed give the same
 * mixture.
 * @example
 * const { model } = exponentiatedGradient(train, { label: 'income', sensitive: 'sex', constraint: 'demographic_parity', eps: 0.01 });
 * const p = await model.predict(test); // p.scores[1]: probability of a positive decision
 */
export function exponentiatedGradient(table: Table, options: ExponentiatedGradientOptions): ExponentiatedGradientResult {
  const { maxIter, eta0 } = checkOptions(options);
  const problem = prepareProblem(table, options);
  const { lagrangian, moments, B } = problem;
  const m = moments.bound.length;
  const n = moments.n;
  const runLp = options.linprog ?? true;

  const theta = new Float64Array(m);
  const lambdaSum = new Float64Array(m);
  const Qsum: number[] = [];
  const gapsEG: number[] = [];
  const gaps: number[] = [];
  const Qs: Float64Array[] = [];
  let nu = options.nu ?? NaN;
  let eta = eta0 / B;
  let lastRegretChecked = REGRET_CHECK_START;
  let lastGap = Infinity;
  let t = 0;
  for (; t < maxIter; t++) {
    // λ = B·e^θ / (1 + Σ e^θ), with the largest exponent factored out so that e^θ cannot overflow.
    let top = 0;
    for (let j = 0; j < m; j++) top = Math.max(top, theta[j]);
    let denom = Math.exp(-top);
    for (let j = 0; j < m; j++) denom += Math.exp(theta[j] - top);
    const lambda = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      lambda[j] = (B * Math.exp(theta[j] - top)) / denom;
      lambdaSum[j] += lambda[j];
    }
    const lambdaEG = Float64Array.from(lambdaSum, (v) => v / (t + 1));

    const hIdx = lagrangian.bestH(lambda);
    if (t === 0 && Number.isNaN(nu)) nu = (ACCURACY_MUL * absErrorStd(lagrangian.hs[hIdx].train, problem.target)) / Math.sqrt(n);
    while (Qsum.length < lagrangian.hs.length) Qsum.push(0);
    Qsum[hIdx] += 1;
    const QEG = Float64Array.from(Qsum, (q) => q / (t + 1));
    const resultEG: GapResult = lagrangian.evalGap(QEG, lambdaEG, nu);
    const gapEG = gap(resultEG);
    gapsEG.push(gapEG);
    let gapLP = Infinity;
    let QLP: Float64Array | null = null;
    if (t > 0 && runLp) {
      const lp = lagrangian.solveLinprog(nu);
      gapLP = gap(lp.gap);
      QLP = lp.Q;
    }
    if (gapEG < gapLP || QLP === null) {
      Qs.push(QEG);
      gaps.push(gapEG);
    } else {
      Qs.push(QLP);
      gaps.push(gapLP);
    }
    if (gaps[t] < nu && t >= MIN_ITER) break;
    if (t >= lastRegretChecked * REGRET_CHECK_INCREASE) {
      const bestGap = Math.min(...gapsEG);
      if (bestGap > lastGap * SHRINK_REGRET) eta *= SHRINK_ETA;
      lastRegretChecked = t;
      lastGap = bestGap;
    }
    const gamma = lagrangian.hs[hIdx].gamma;
    for (let j = 0; j < m; j++) theta[j] += eta * (gamma[j] - moments.bound[j]);
  }
  const lastIteration = Math.min(t, maxIter - 1);
  // The last iteration whose gap is within PRECISION of the smallest.
  const minGap = Math.min(...gaps);
  let bestIteration = 0;
  for (let k = 0; k < gaps.length; k++) if (gaps[k] <= minGap + PRECISION) bestIteration = k;
  const weights = new Float64Array(lagrangian.hs.length);
  weights.set(Qs[bestIteration].subarray(0, Math.min(Qs[bestIteration].length, weights.length)));
  return finish(problem, weights, { bestGap: gaps[bestIteration], bestIteration, lastIteration, nu, eta0, maxIter });
}

function finish(problem: Problem, weights: Float64Array, info: { bestGap: number; bestIteration: number; lastIteration: number; nu: number; eta0: number; maxIter: number }): ExponentiatedGradientResult {
  const { lagrangian, moments } = problem;
  let total = 0;
  for (const w of weights) total += w;
  // Normalised (an LP solution sums to 1 up to rounding) and pruned of zero weights for the model.
  const normalized = Float64Array.from(weights, (w) => w / total);
  const kept: number[] = [];
  for (let k = 0; k < normalized.length; k++) if (normalized[k] > 0) kept.push(k);
  let keptTotal = 0;
  for (const k of kept) keptTotal += normalized[k];
  const model = mixtureModel(
    kept.map((k) => lagrangian.hs[k].model),
    kept.map((k) => normalized[k] / keptTotal),
    { name: 'exponentiated-gradient', classes: problem.classes },
  );
  return {
    method: 'exponentiated_gradient',
    model,
    constraint: moments.constraint,
    eps: problem.eps,
    B: problem.B,
    nu: info.nu,
    eta0: info.eta0,
    maxIter: info.maxIter,
    seed: problem.seed,
    constraints: moments.names,
    groups: moments.groups,
    predictors: summarizePredictors(lagrangian.hs, normalized, moments.bound),
    bestGap: info.bestGap,
    bestIteration: info.bestIteration,
    lastIteration: info.lastIteration,
    oracleCalls: lagrangian.oracleCalls,
    learnerFits: lagrangian.learnerFits,
    training: trainingSummary(problem, lagrangian.mixture(normalized)),
    trainingRows: moments.n,
    droppedRows: problem.droppedRows,
  };
}
