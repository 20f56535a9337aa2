import { userError } from '../errors/index.js';
import { type CurveMetric, type InterpolatedCurve, interpolateHull, round15, type ThresholdOperation, type TradeoffPoint, tradeoffPoints, unitGrid, upperHull } from './threshold-optimizer-curves.js';

/** Fairness constraints of the threshold optimizer (Fairlearn's names). */
export const THRESHOLD_CONSTRAINTS = ['demographic_parity', 'equalized_odds', 'true_positive_rate_parity', 'false_positive_rate_parity'] as const;
export type ThresholdConstraint = (typeof THRESHOLD_CONSTRAINTS)[number];

/** What the thresholds maximise. */
export const THRESHOLD_OBJECTIVES = ['accuracy_score', 'balanced_accuracy_score'] as const;
export type ThresholdObjective = (typeof THRESHOLD_OBJECTIVES)[number];

/** The rate each simple constraint equalises across groups. */
const CONSTRAINED_RATE: Record<Exclude<ThresholdConstraint, 'equalized_odds'>, CurveMetric> = {
  demographic_parity: 'selection_rate',
  true_positive_rate_parity: 'true_positive_rate',
  false_positive_rate_parity: 'false_positive_rate',
};

/**
 * One group's decision rule, Fairlearn's interpolated thresholder:
 * P(ŷ = 1 | s) = pIgnore·predictionConstant + (1 − pIgnore)·(p0·[s op0 t0] + p1·[s op1 t1]).
 * `pIgnore` is 0 except under equalized odds, where mixing in the constant prediction lowers a
 * group's true positive rate to the common one without moving its false positive rate.
 */
export interface GroupRule {
  p0: number;
  operation0: ThresholdOperation;
  p1: number;
  operation1: ThresholdOperation;
  pIgnore: number;
  predictionConstant: number;
}

/** Options of {@link fitThresholdRules}. */
export interface ThresholdFitOptions {
  /** Defaults to demographic parity. */
  constraint?: ThresholdConstraint;
  /** Defaults to accuracy. */
  objective?: ThresholdObjective;
  /** Grid intervals over [0, 1] (grid + 1 points). Defaults to 1000, Fairlearn's default. */
  grid?: number;
  /**
   * Tolerance: the constrained rate may differ between groups by up to this much (for equalized
   * odds, both the true and the false positive rate). 0 (the default) is exact parity, Fairlearn's
   * ThresholdOptimizer; see {@link fitThresholdRules} for how the relaxed problem is solved.
   */
  relax?: number;
  /** A single threshold per group instead of a randomised mix (see {@link fitThresholdRules}). Defaults to false. */
  deterministic?: boolean;
}

/** One group's chosen operating point on the training rows. */
export interface GroupFit {
  rule: GroupRule;
  /** The constrained rate at the rule (for equalized odds, the false positive rate). */
  x: number;
  /** For equalized odds, the true positive rate at the rule; otherwise the objective within the group. */
  y: number;
  rows: number;
  positives: number;
}

/** The fitted rules and how well they do on the rows they were fitted on. */
export interface ThresholdFit {
  constraint: ThresholdConstraint;
  objective: ThresholdObjective;
  grid: number;
  relax: number;
  randomized: boolean;
  /** Rates the groups are steered to: the common x on the grid (Fairlearn's x_best) and, for equalized odds, the common true positive rate (y_best). With `relax`, the groups' own points are in `groups`. */
  target: { x: number; y: number | null };
  groups: GroupFit[];
  /** Largest difference between groups of the constrained rate(s) on the training rows (0 up to rounding for the exact randomised solution). */
  violation: number;
}

/** Rows of the training data: 0/1 label, score and group code (−1 = left out) per row. */
export interface ThresholdFitInput {
  label: Uint8Array;
  score: Float64Array;
  codes: Int32Array;
  nGroups: number;
  /** Group names for messages. */
  names?: string[];
}

const EPS = 1e-12;

function checkOptions(options: ThresholdFitOptions): Required<ThresholdFitOptions> {
  const { constraint = 'demographic_parity', objective = 'accuracy_score', grid = 1000, relax = 0, deterministic = false } = options;
  if (!THRESHOLD_CONSTRAINTS.includes(constraint)) throw userError('invalid_option', `invalid constraint: ${JSON.stringify(constraint)} (expected ${THRESHOLD_CONSTRAINTS.join(', ')})`);
  if (!THRESHOLD_OBJECTIVES.includes(objective)) throw userError('invalid_option', `invalid objective: ${JSON.stringify(objective)} (expected accuracy_score or balanced_accuracy_score)`);
  if (!(Number.isInteger(grid) && grid >= 1 && grid <= 1_000_000)) throw userError('invalid_option', `invalid grid: ${grid} (expected a whole number 1..1000000, e.g. 1000)`);
  if (!(relax >= 0 && relax <= 1)) throw userError('invalid_option', `invalid relax: ${relax} (expected a tolerance 0..1, e.g. 0.02)`);
  return { constraint, objective, grid, relax, deterministic };
}

/**
 * Fits group-specific thresholds on a score so that the groups' rates satisfy the constraint,
 * maximising the objective over all training rows — Fairlearn's ThresholdOptimizer (v0.9, with
 * `flip=False`), reproduced to the last bit where it is defined:
 *
 * - Simple constraints (demographic parity: selection rate; true-/false-positive-rate parity):
 *   each group's upper convex hull of (rate, objective) points is read off on the grid
 *   x_k = k/grid; the x maximising Σ_g (n_g/n)·y_g(x) (the first, on ties) is taken, and each
 *   group's rule mixes the two hull thresholds around it.
 * - Equalized odds: each group's ROC hull (false positive rate, true positive rate) on the grid;
 *   at each FPR x the common TPR is the lowest group's, y_min(x); the objective of (x, y_min(x))
 *   (rounded to 15 decimals, as Fairlearn) picks x; groups above y_min mix in the constant
 *   prediction x with probability pIgnore = (y_g − y_min)/(y_g − x).
 *
 * `relax` > 0 lets the constrained rates differ by up to `relax`. Simple constraints: each group
 * takes its own grid point in a window [x_a, x_a + relax], the window and points maximising the
 * weighted objective (ties: smaller spread) — Fairlearn ≥ 0.11's `tol` ("between_groups").
 * Equalized odds: every group's point lies in a box [c, c + relax] × [d, d + relax] of (FPR, TPR)
 * with c, d on the grid: within the box each group takes the grid FPR maximising its part of the
 * objective with TPR min(hull, d + relax) (reached by mixing in the constant prediction), and the
 * best box wins.
 *
 * `deterministic`: no randomisation. Each group takes the single threshold (of all its thresholds,
 * hull or not) whose point is nearest to its point in the randomised solution — by the constrained
 * rate, or for equalized odds by max(|ΔFPR|, |ΔTPR|); `violation` reports what that costs.
 */
export function fitThresholdRules(input: ThresholdFitInput, options: ThresholdFitOptions = {}): ThresholdFit {
  const o = checkOptions(options);
  const { label, score, codes, nGroups } = input;
  const rows = groupRowLists(codes, nGroups);
  let n = 0;
  rows.forEach((r, g) => {
    n += r.length;
    let positives = 0;
    for (let k = 0; k < r.length; k++) positives += label[r[k]];
    if (r.length === 0 || positives === 0 || positives === r.length) {
      const name = input.names?.[g] ?? `group ${g}`;
      throw userError('degenerate_group', `${name} has ${r.length === 0 ? 'no rows' : positives === 0 ? 'no positive labels' : 'no negative labels'} in the training data, so no threshold can trade its rates off; drop the group (--where) or merge it with another`, { group: name });
    }
  });
  const grid = unitGrid(o.grid);
  const eo = o.constraint === 'equalized_odds';
  const xMetric: CurveMetric = o.constraint === 'equalized_odds' ? 'false_positive_rate' : CONSTRAINED_RATE[o.constraint];
  const yMetric: CurveMetric = eo ? 'true_positive_rate' : o.objective;
  const points = rows.map((r) => tradeoffPoints(label, score, r, xMetric, yMetric));
  const hulls = points.map((p) => upperHull(p));
  const curves = hulls.map((h) => interpolateHull(h, grid));
  const weights = rows.map((r) => r.length / n);
  const stats = rows.map((r) => {
    let positives = 0;
    for (let k = 0; k < r.length; k++) positives += label[r[k]];
    return { rows: r.length, positives };
  });

  let fit: ThresholdFit;
  if (!eo) {
    const chosen = o.relax > 0 ? relaxedSimple(curves, weights, grid, o.relax) : exactSimple(curves, weights);
    fit = {
      constraint: o.constraint,
      objective: o.objective,
      grid: o.grid,
      relax: o.relax,
      randomized: true,
      target: { x: grid[chosen[0]], y: null },
      groups: curves.map((c, g) => ({ rule: ruleAt(hulls[g], c, chosen[g]), x: grid[chosen[g]], y: c.y[chosen[g]], ...stats[g] })),
      violation: 0,
    };
    if (o.relax > 0) fit.target = { x: Math.min(...chosen.map((k) => grid[k])), y: null };
  } else {
    const totals = stats.reduce((a, s) => ({ n: a.n + s.rows, p: a.p + s.positives }), { n: 0, p: 0 });
    fit = o.relax > 0 ? relaxedOdds(hulls, curves, stats, totals, grid, o) : exactOdds(hulls, curves, totals, grid, o, stats);
  }
  if (o.deterministic) fit = roundToThresholds(fit, points, eo);
  fit.violation = violationOf(fit, eo);
  return fit;
}

/** Row indices per group. */
function groupRowLists(codes: Int32Array, nGroups: number): Int32Array[] {
  const sizes = new Int32Array(nGroups);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) sizes[codes[i]]++;
  const out = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(nGroups);
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i];
    if (g >= 0) out[g][fill[g]++] = i;
  }
  return out;
}

function ruleAt(hull: readonly TradeoffPoint[], curve: InterpolatedCurve, k: number, pIgnore = 0, predictionConstant = 0): GroupRule {
  const i = curve.index[k];
  const p0 = curve.p0[k];
  return { p0, operation0: hull[i].operation, p1: 1 - p0, operation1: hull[i + 1].operation, pIgnore, predictionConstant };
}

/** Fairlearn's choice: the first grid point maximising Σ_g w_g·y_g, summed group by group from 0. */
function exactSimple(curves: InterpolatedCurve[], weights: number[]): number[] {
  const total = new Float64Array(curves[0].y.length);
  curves.forEach((c, g) => {
    for (let k = 0; k < total.length; k++) total[k] += weights[g] * c.y[k];
  });
  const best = argmaxFirst(total);
  return curves.map(() => best);
}

function argmaxFirst(values: Float64Array): number {
  let best = -1;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k]) && (best < 0 || values[k] > values[best])) best = k;
  if (best < 0) throw new Error('threshold optimizer: no grid point has a defined objective');
  return best;
}

/** Per group, a grid point within a window of width `relax`; the window maximising the weighted sum (ties: smaller spread, then leftmost). */
function relaxedSimple(curves: InterpolatedCurve[], weights: number[], grid: Float64Array, relax: number): number[] {
  const K = grid.length;
  let best: number[] = [];
  let bestValue = -Infinity;
  let bestSpread = Infinity;
  let end = 0;
  for (let start = 0; start < K; start++) {
    while (end + 1 < K && grid[end + 1] - grid[start] <= relax + EPS) end++;
    const picks: number[] = [];
    let value = 0;
    for (let g = 0; g < curves.length; g++) {
      const y = curves[g].y;
      let at = start;
      for (let k = start + 1; k <= end; k++) if (y[k] > y[at]) at = k;
      picks.push(at);
      value += weights[g] * y[at];
    }
    const spread = grid[Math.max(...picks)] - grid[Math.min(...picks)];
    if (value > bestValue || (value === bestValue && spread < bestSpread)) {
      best = picks;
      bestValue = value;
      bestSpread = spread;
    }
  }
  return best;
}

/** The overall objective of expected counts (Fairlearn's METRIC_DICT over arrays). */
function objectiveOf(objective: ThresholdObjective, tp: number, fp: number, tn: number, fn: number): number {
  if (objective === 'accuracy_score') return (tp + tn) / (tp + tn + fp + fn);
  return (0.5 * tp) / (tp + fn) + (0.5 * tn) / (tn + fp);
}

function exactOdds(hulls: TradeoffPoint[][], curves: InterpolatedCurve[], totals: { n: number; p: number }, grid: Float64Array, o: Required<ThresholdFitOptions>, stats: { rows: number; positives: number }[]): ThresholdFit {
  const K = grid.length;
  const nNeg = totals.n - totals.p;
  const yMin = new Float64Array(K);
  const objective = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let m = Infinity;
    for (const c of curves) m = Math.min(m, c.y[k]);
    yMin[k] = m;
    const x = grid[k];
    objective[k] = round15(objectiveOf(o.objective, totals.p * m, nNeg * x, nNeg * (1.0 - x), totals.p * (1.0 - m)));
  }
  const best = argmaxFirst(objective);
  const xBest = grid[best];
  const yBest = yMin[best];
  return {
    constraint: o.constraint,
    objective: o.objective,
    grid: o.grid,
    relax: 0,
    randomized: true,
    target: { x: xBest, y: yBest },
    groups: curves.map((c, g) => {
      const y = c.y[best];
      const pIgnore = y === xBest ? 0 : (y - yBest) / (y - xBest);
      return { rule: ruleAt(hulls[g], c, best, pIgnore, xBest), x: xBest, y: yBest, ...stats[g] };
    }),
    violation: 0,
  };
}

/**
 * Relaxed equalized odds over boxes [c, c + relax] × [d, d + relax] of (FPR, TPR), c and d on the
 * grid. For a fixed d each group's best FPR in every window of c comes from a sliding-window
 * maximum (a monotone deque), so the search costs O(grid² · groups).
 */
function relaxedOdds(hulls: TradeoffPoint[][], curves: InterpolatedCurve[], stats: { rows: number; positives: number }[], totals: { n: number; p: number }, grid: Float64Array, o: Required<ThresholdFitOptions>): ThresholdFit {
  const K = grid.length;
  const G = curves.length;
  const nNeg = totals.n - totals.p;
  // The objective is linear in each group's (FPR, TPR): Σ_g a_g·TPR_g − b_g·FPR_g + constant.
  const a = stats.map((s) => (o.objective === 'accuracy_score' ? s.positives / totals.n : (0.5 * s.positives) / totals.p));
  const b = stats.map((s) => (o.objective === 'accuracy_score' ? (s.rows - s.positives) / totals.n : (0.5 * (s.rows - s.positives)) / nNeg));
  let width = 0;
  while (width + 1 < K && grid[width + 1] - grid[0] <= o.relax + EPS) width++;
  const value = new Float64Array(K);
  const deque = new Int32Array(K);
  const windowBest = Array.from({ length: G }, () => new Int32Array(K));
  let best = { total: -Infinity, c: 0, d: 0, picks: [] as number[] };
  for (let j = 0; j < K; j++) {
    const d = grid[j];
    const cap = Math.min(1, d + o.relax);
    for (let g = 0; g < G; g++) {
      const h = curves[g].y;
      for (let k = 0; k < K; k++) {
        const x = grid[k];
        const y = Math.min(h[k], cap);
        value[k] = y + EPS >= Math.max(d, x) ? a[g] * y - b[g] * x : -Infinity;
      }
      // Sliding maximum over windows [c, c + width]: front of the deque is the window's argmax (leftmost on ties).
      let head = 0;
      let tail = 0;
      const out = windowBest[g];
      for (let k = K - 1; k >= 0; k--) {
        while (tail > head && value[deque[tail - 1]] <= value[k]) tail--;
        deque[tail++] = k;
        while (deque[head] > k + width) head++;
        out[k] = deque[head];
      }
    }
    for (let c = 0; c < K; c++) {
      let total = 0;
      for (let g = 0; g < G; g++) {
        const v = windowBest[g][c];
        const h = curves[g].y[v];
        const x = grid[v];
        if (!(Math.min(h, cap) + EPS >= Math.max(d, x))) {
          total = -Infinity;
          break;
        }
        total += a[g] * Math.min(h, cap) - b[g] * x;
      }
      if (total > best.total + 1e-15) best = { total, c, d: j, picks: windowBest.map((w) => w[c]) };
    }
  }
  if (best.picks.length === 0) throw new Error('relaxed equalized odds: no feasible box');
  const cap = Math.min(1, grid[best.d] + o.relax);
  const groups = curves.map((curve, g) => {
    const k = best.picks[g];
    const x = grid[k];
    const h = curve.y[k];
    const y = Math.max(x, Math.min(h, cap));
    const pIgnore = h > y ? (h - y) / (h - x) : 0;
    return { rule: ruleAt(hulls[g], curve, k, pIgnore, x), x, y, ...stats[g] };
  });
  return { constraint: o.constraint, objective: o.objective, grid: o.grid, relax: o.relax, randomized: true, target: { x: grid[best.c], y: grid[best.d] }, groups, violation: 0 };
}

/** The deterministic variant: per group, the one threshold nearest to its randomised point. */
function roundToThresholds(fit: ThresholdFit, points: TradeoffPoint[][], eo: boolean): ThresholdFit {
  const groups = fit.groups.map((gf, g) => {
    let best = points[g][0];
    let bestDistance = Infinity;
    for (const p of points[g]) {
      const distance = eo ? Math.max(Math.abs(p.x - gf.x), Math.abs(p.y - gf.y)) : Math.abs(p.x - gf.x);
      if (distance < bestDistance) {
        best = p;
        bestDistance = distance;
      }
    }
    const rule: GroupRule = { p0: 1, operation0: best.operation, p1: 0, operation1: best.operation, pIgnore: 0, predictionConstant: 0 };
    return { ...gf, rule, x: best.x, y: best.y };
  });
  return { ...fit, randomized: false, groups };
}

/**
 * The largest between-group difference of the constrained rate(s) at the rules: exact from the
 * rules' points, since a mix of two thresholds has the mixed rates.
 */
function violationOf(fit: ThresholdFit, eo: boolean): number {
  const xs = fit.groups.map((g) => g.x);
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  return eo ? Math.max(spread(xs), spread(fit.groups.map((g) => g.y))) : spread(xs);
}
