import {
  binaryMetrics,
  type ConfusionCounts,
  confusionByGroup,
  type MetricValue,
  multiclassConfusionByGroup,
  multiclassLogLossByGroup,
  multiclassMetrics,
  oneVsRest,
  regressionByGroup,
  regressionMetrics,
  type ScoreRanking,
  scoreMetricsByGroup,
  type ZeroDivision,
} from '../metrics/index.js';
import type { Prepared } from './prepare.js';

/** Metric id -> one value per group. */
export type MetricColumns = Record<string, MetricValue[]>;

/** What one computation over a set of groups yields: metric values, and the counts behind them. */
export interface GroupComputation {
  metrics: MetricColumns;
  /** Binary confusion counts (for count-based intervals and bootstrap), when the task is binary. */
  counts: ConfusionCounts | null;
  /** Rows per group (frequency-weighted when rows stand for several). */
  rows: Float64Array;
}

/** Per-class one-vs-rest metrics reported for multiclass tasks, as `<metric>__<class>`. */
const PER_CLASS = ['precision', 'recall', 'f1', 'false_positive_rate', 'selection_rate'] as const;

/** Rows per group, counting frequency weights. */
export function rowsPerGroup(codes: Int32Array, nGroups: number, frequency: Float64Array | null): Float64Array {
  const out = new Float64Array(nGroups);
  if (frequency) {
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) out[codes[i]] += frequency[i];
  } else for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) out[codes[i]]++;
  return out;
}

/** Effective case weights: the weight column, else the frequency, else none. */
export function caseWeights(p: Prepared): Float64Array | undefined {
  return p.weight ?? p.frequency ?? undefined;
}

/**
 * Every metric of the task for each group in `codes` (rows with -1 are left out): one pass for the
 * counts, and one pass over the shared score ranking for the score metrics.
 * @param weightOverride row weights replacing the case weights (bootstrap multiplicities).
 */
export function computeGroups(p: Prepared, codes: Int32Array, nGroups: number, zeroDivision: ZeroDivision, ranking: ScoreRanking | null, weightOverride?: Float64Array): GroupComputation {
  const w = weightOverride ?? caseWeights(p);
  const rows = rowsPerGroup(codes, nGroups, p.frequency);
  const t = p.target;
  if (t.task === 'binary') {
    let counts = confusionByGroup(codes, nGroups, t.label, t.pred, w);
    if (p.frequency && !weightOverride) counts = { ...counts, n: rows };
    const metrics: MetricColumns = { ...binaryMetrics(counts, { zeroDivision }) };
    if (ranking) {
      const s = scoreMetricsByGroup(ranking, codes, nGroups, weightOverride ? { weight: weightOverride } : {});
      metrics.roc_auc = s.roc_auc;
      metrics.average_precision = s.average_precision;
      metrics.log_loss = s.log_loss;
      metrics.brier_score = s.brier_score;
    }
    return { metrics, counts, rows };
  }
  if (t.task === 'regression') {
    const stats = regressionByGroup(codes, nGroups, t.label, t.pred, w);
    const metrics: MetricColumns = { ...regressionMetrics(stats, { zeroDivision }) };
    if (p.frequency) metrics.count = Array.from(rows, (v) => ({ value: v }));
    return { metrics, counts: null, rows };
  }
  const mc = multiclassConfusionByGroup(codes, nGroups, t.label, t.pred, t.classes.length, w);
  const metrics: MetricColumns = { ...multiclassMetrics(mc, { zeroDivision }) };
  if (p.frequency) metrics.count = Array.from(rows, (v) => ({ value: v }));
  for (let k = 0; k < t.classes.length; k++) {
    const ovr = binaryMetrics(oneVsRest(mc, k), { zeroDivision });
    for (const id of PER_CLASS) metrics[`${id}__${t.classes[k]}`] = ovr[id];
  }
  if (t.probabilities) metrics.log_loss = multiclassLogLossByGroup(codes, nGroups, t.label, t.probabilities, { weight: w }).log_loss;
  return { metrics, counts: null, rows };
}

/** Group g's values as `{ metric: value }` and `{ metric: reason }` for the nulls. */
export function pickGroup(metrics: MetricColumns, g: number): { values: Record<string, number | null>; reasons: Record<string, string> } {
  const values: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  for (const [id, column] of Object.entries(metrics)) {
    const v = column[g];
    values[id] = v.value;
    if (v.value === null && v.reason) reasons[id] = v.reason;
  }
  return { values, reasons };
}
