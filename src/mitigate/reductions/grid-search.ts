import { userError } from '../../errors/index.js';
import type { Model } from '../../model/index.js';
import type { Table } from '../../table/index.js';
import type { Moments } from './moments.js';
import { prepareProblem, type ReductionOptions } from './problem.js';
import { summarizePredictors, type ReductionPredictor, type TrainingSummary, trainingSummary } from './result.js';

/** Options of {@link gridSearch}; defaults as Fairlearn's `GridSearch`. */
export interface GridSearchOptions extends ReductionOptions {
  /** Number of multiplier vectors. Defaults to 10. */
  readonly gridSize?: number;
  /** Largest multiplier: grid coordinates run from −gridLimit to gridLimit. Defaults to 2. */
  readonly gridLimit?: number;
  /** Weight of the constraint violation against the error when picking the best predictor (tradeoff `(1 − w)·error + w·max γ`). Defaults to 0.5. */
  readonly constraintWeight?: number;
  /** The multiplier vectors to try instead of a generated grid, one entry per constraint (see the result's `constraints`). */
  readonly grid?: readonly ArrayLike<number>[];
}

/** What {@link gridSearch} returns. */
export interface GridSearchResult {
  readonly method: 'grid_search';
  /** The predictor with the best tradeoff: the learner's own model (its probabilities intact), or a constant. */
  readonly model: Model;
  readonly constraint: ReductionOptions['constraint'];
  readonly eps: number;
  readonly gridSize: number;
  readonly gridLimit: number;
  readonly constraintWeight: number;
  readonly seed: number;
  readonly constraints: readonly string[];
  readonly groups: readonly string[];
  /** One per grid point, in grid order; the chosen one has weight 1. */
  readonly predictors: readonly ReductionPredictor[];
  readonly bestIndex: number;
  readonly oracleCalls: number;
  readonly learnerFits: number;
  readonly training: TrainingSummary;
  readonly trainingRows: number;
  readonly droppedRows: number;
}

/**
 * The integer points with L1 norm at most `units` (exactly `units` when `forceNorm`), with
 * non-negative coordinates where negatives are not allowed, in lexicographic order of the
 * coordinates from −max to max — appended to `out` until it holds `limit` points.
 */
function integerGrid(dim: number, negAllowed: readonly boolean[], forceNorm: boolean, units: number, limit: number): number[][] {
  const out: number[][] = [];
  const entry = new Array<number>(dim).fill(0);
  const visit = (d: number, remaining: number): void => {
    if (out.length >= limit) return;
    if (d === dim) {
      out.push([...entry]);
      return;
    }
    let values: number[];
    if (d === dim - 1 && forceNorm) values = negAllowed[d] && remaining > 0 ? [-remaining, remaining] : [remaining];
    else {
      values = [];
      for (let v = negAllowed[d] ? -remaining : 0; v <= remaining; v++) values.push(v);
    }
    for (const v of values) {
      entry[d] = v;
      visit(d + 1, remaining - Math.abs(v));
    }
  };
  visit(0, units);
  return out;
}

/**
 * The grid of multiplier vectors Fairlearn's GridSearch generates: the first `size` points of an
 * integer grid over the basis of `moments` (one coordinate per non-redundant constraint, negative
 * values on the `−` constraint) with L1 norm at most n — exactly n when the objective is in the
 * span of the moments — for the least n that gives `size` points, scaled to L1 norm `limit`.
 */
export function lagrangeGrid(moments: Moments, size: number, limit: number): Float64Array[] {
  const { positive, negative } = moments.basis;
  const dim = positive.length;
  const m = moments.bound.length;
  if (dim === 0) return [new Float64Array(m)];
  const negAllowed = Array.from(negative, (j) => j >= 0);
  const forceNorm = moments.objectiveInSpan;
  const trueDim = forceNorm ? dim - 1 : dim;
  const negCount = negAllowed.filter(Boolean).length;
  let units = trueDim > 0 ? Math.max(0, Math.floor((size / 2 ** negCount) ** (1 / trueDim) - 1)) : 1;
  let points = integerGrid(dim, negAllowed, forceNorm, units, size);
  // Grow the grid until it has `size` points (or stops growing: a one-dimensional sphere).
  for (;;) {
    if (points.length >= size) break;
    const bigger = integerGrid(dim, negAllowed, forceNorm, units + 1, size);
    if (bigger.length <= points.length && units > 0) break;
    units++;
    points = bigger;
  }
  const scale = units > 0 ? limit / units : 0;
  return points.map((pt) => {
    const lambda = new Float64Array(m);
    pt.forEach((c, d) => {
      if (c > 0) lambda[positive[d]] += c * scale;
      else if (c < 0) lambda[negative[d]] += -c * scale;
    });
    return lambda;
  });
}

/**
 * Fairness-constrained learning by grid search over Lagrange multipliers (Agarwal et al., 2018,
 * section 3.4; as Fairlearn's `GridSearch`): for each multiplier vector λ of the grid, the learner's
 * best response to the Lagrangian (re-labelled and re-weighted rows, weights scaled to sum to the
 * row count); the answer is the single predictor minimising
 * `(1 − constraintWeight)·error + constraintWeight·max_j γ_j` on the training rows — not
 * randomized. Deterministic.
 * @example
 * const { model } = gridSearch(train, { label: 'income', sensitive: 'sex', constraint: 'demographic_parity', gridSize: 20 });
 */
export function gridSearch(table: Table, options: GridSearchOptions): GridSearchResult {
  const { gridSize = 10, gridLimit = 2, constraintWeight = 0.5 } = options;
  if (!Number.isInteger(gridSize) || gridSize < 1) throw userError('invalid_option', `invalid gridSize: ${gridSize} (expected a positive integer)`, { option: 'gridSize' });
  if (!(gridLimit > 0) || !Number.isFinite(gridLimit)) throw userError('invalid_option', `invalid gridLimit: ${gridLimit} (expected a number > 0)`, { option: 'gridLimit' });
  if (!(constraintWeight >= 0 && constraintWeight <= 1)) throw userError('invalid_option', `invalid constraintWeight: ${constraintWeight} (expected 0..1)`, { option: 'constraintWeight' });
  const problem = prepareProblem(table, options);
  const { lagrangian, moments } = problem;
  const m = moments.bound.length;
  let grid: Float64Array[];
  if (options.grid) {
    if (options.grid.length === 0) throw userError('invalid_option', 'grid: expected at least one multiplier vector', { option: 'grid' });
    grid = options.grid.map((g, k) => {
      if (g.length !== m) throw userError('invalid_option', `grid[${k}] has ${g.length} multipliers; the constraints need ${m} (${moments.names.join('; ')})`, { option: 'grid' });
      return Float64Array.from(g);
    });
  } else grid = lagrangeGrid(moments, gridSize, gridLimit);

  const hs = grid.map((lambda) => lagrangian.oracle(lambda, !moments.objectiveInSpan));
  let bestIndex = 0;
  let bestLoss = Infinity;
  hs.forEach((h, k) => {
    let worst = -Infinity;
    for (let j = 0; j < m; j++) worst = Math.max(worst, h.gamma[j]);
    const loss = (1 - constraintWeight) * h.error + constraintWeight * worst;
    if (loss < bestLoss) {
      bestLoss = loss;
      bestIndex = k;
    }
  });
  const best = hs[bestIndex];
  const weights = hs.map((_, k) => (k === bestIndex ? 1 : 0));
  return {
    method: 'grid_search',
    model: best.model,
    constraint: moments.constraint,
    eps: problem.eps,
    gridSize: grid.length,
    gridLimit,
    constraintWeight,
    seed: problem.seed,
    constraints: moments.names,
    groups: moments.groups,
    predictors: summarizePredictors(hs, weights, moments.bound),
    bestIndex,
    oracleCalls: lagrangian.oracleCalls,
    learnerFits: lagrangian.learnerFits,
    training: trainingSummary(problem, { error: best.error, gamma: best.gamma }),
    trainingRows: moments.n,
    droppedRows: problem.droppedRows,
  };
}
