import { assess, type AssessOptions } from '../assess/index.js';
import { numericValues } from '../assess/resolve.js';
import type { Insights } from '../report/insights.js';
import { booleanColumn, numericColumn, type Table } from '../table/index.js';

/** The internal column holding the split rows' decisions. */
export const EXPECTED_PRED = '__candor_expected_pred';
const FREQUENCY = '__candor_expected_frequency';
const WEIGHT = '__candor_expected_weight';

/**
 * The table with each row split by its probability p of a positive decision: a positive part
 * standing for p of the row and a negative part standing for 1 − p (frequency weights; a row with
 * p = 0 or 1, or a missing p, stays one row). Every count metric of the split table is the
 * probability-weighted (expected) metric of the randomised rule: E[tp] = Σ y·p, and so on.
 *
 * The probabilities are rounded to multiples of 2^−b (b ≤ 40, at most ~1e-12 off) with b chosen so
 * that every sum of frequencies is exact in double precision: a group's row count stays a whole
 * number, which the bootstrap's multinomial draws need.
 * @param weight a sample-weight column, multiplied into the parts.
 */
export function splitByProbability(table: Table, probability: Float64Array, weight?: string): { table: Table; pred: string; frequency: string; weight?: string } {
  const n = table.rowCount;
  const bits = Math.min(40, 52 - Math.ceil(Math.log2(n + 2)));
  const scale = 2 ** bits;
  const indices: number[] = [];
  const pred: number[] = [];
  const freq: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = probability[i];
    if (Number.isNaN(p)) {
      indices.push(i);
      pred.push(255);
      freq.push(1);
      continue;
    }
    const q = Math.round(Math.min(1, Math.max(0, p)) * scale) / scale;
    if (q === 0 || q === 1) {
      indices.push(i);
      pred.push(q);
      freq.push(1);
    } else {
      indices.push(i, i);
      pred.push(1, 0);
      freq.push(q, 1 - q);
    }
  }
  let out = table.take(indices).withColumn(booleanColumn(EXPECTED_PRED, Uint8Array.from(pred))).withColumn(numericColumn(FREQUENCY, Float64Array.from(freq)));
  if (weight === undefined) return { table: out, pred: EXPECTED_PRED, frequency: FREQUENCY };
  const w = numericValues(table.column(weight), 'weight', weight);
  out = out.withColumn(numericColumn(WEIGHT, Float64Array.from(indices, (i, k) => w[i] * freq[k])));
  return { table: out, pred: EXPECTED_PRED, frequency: FREQUENCY, weight: WEIGHT };
}

/**
 * `assess` of a randomised binary rule's expected decisions: metrics, groups, fairness and their
 * intervals exactly as `assess` reports them, with the decisions being P(positive) per row
 * (`probability`; NaN = missing). `predName` is what the config calls the prediction.
 * @example
 * const insights = assessExpected(test, positiveProbability(test, mitigation), { label: 'y', positive: '1', sensitive: [['sex']] });
 */
export function assessExpected(table: Table, probability: Float64Array, options: Omit<AssessOptions, 'pred' | 'threshold'>, predName = 'mitigation (expected)'): Insights {
  const split = splitByProbability(table, probability, options.weight);
  const insights = assess(split.table, { ...options, pred: split.pred, weight: split.weight, frequency: split.frequency });
  insights.config = { ...insights.config, pred: predName, weight: options.weight ?? null, threshold: null };
  insights.warnings = insights.warnings?.map((w) => ({ ...w, message: w.message.replaceAll(EXPECTED_PRED, predName) }));
  return insights;
}
