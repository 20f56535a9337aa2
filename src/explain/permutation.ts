import { userError } from '../errors/index.js';
import type { Model, Predictions } from '../model/model.js';
import { Random } from '../stats/index.js';
import { type Column, type Table, takeColumn } from '../table/index.js';
import { defaultMetric, permutationTarget, scoreBlocks } from './permutation-metric.js';

/** Options of {@link permutationImportance}. */
export interface PermutationOptions {
  /** The label: a column name or a boolean expression (as `assess`). Required. */
  readonly label: string;
  /** The positive label value of a binary model. Defaults to the model's positive class (`classes[1]`). */
  readonly positive?: string;
  /**
   * Any metric id Candor computes for the model's task with a better direction. Defaults to
   * `roc_auc` for binary models, `accuracy` for multiclass and `r2` for regression.
   */
  readonly metric?: string;
  /** Columns to permute. Defaults to the model's inputs. */
  readonly features?: readonly string[];
  /** Permutations per feature, each its own. Defaults to 5. */
  readonly repeats?: number;
  /** Seed of the permutations. Defaults to 0. */
  readonly seed?: number;
  /** Score a random subset of `rows` rows (drawn with `seed`) instead of all rows. Defaults to all rows. */
  readonly sample?: { readonly rows: number; readonly seed?: number };
  /** Rows per predict call at most; also the permuted rows held at once (repeats are taken together up to this, at least one). Defaults to 1,000,000. */
  readonly maxRowsPerCall?: number;
}

/** One feature's permutation importance. */
export interface FeatureImportance {
  readonly name: string;
  /** Mean drop in the metric over the repeats (larger = more important); null when no repeat was defined. */
  readonly mean: number | null;
  /** Standard deviation over the repeats (population, as scikit-learn's `importances_std`); null when no repeat was defined. */
  readonly std: number | null;
  /** The drop of each repeat; null where the metric was undefined on the permuted data. */
  readonly values: (number | null)[];
}

/** The result of {@link permutationImportance}: plain JSON. */
export interface PermutationImportance {
  readonly method: 'permutation';
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** The metric on the unpermuted rows. */
  readonly baseline: number;
  readonly repeats: number;
  readonly seed: number;
  /** Rows scored. */
  readonly rows: number;
  /** The explicit row sample, when one was drawn. */
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  /** Features in decreasing order of mean importance. */
  readonly features: FeatureImportance[];
}

/**
 * Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): each
 * feature's column is shuffled `repeats` times, each time with its own seeded permutation, the
 * rows re-scored through the model, and the importance is how much the metric gets worse:
 * baseline − permuted for metrics where higher is better, permuted − baseline for losses.
 * The model is a function of each row, so only what the shuffles change is scored: a row whose
 * shuffled value equals its own keeps its unpermuted prediction, and a row given the same new
 * value by several repeats is scored once. The repeats of a feature go to the model together
 * (in calls of at most `maxRowsPerCall` rows). On UCI Adult's test rows this scores 40% of the
 * 5 × 13 permuted copies (a row's sex changes in half of the shuffles and has one other value).
 * @example
 * const r = await permutationImportance(model, table, { label: 'income', metric: 'roc_auc' });
 * r.features[0] // { name: 'age', mean: 0.12, std: 0.004, values: [...] }
 */
export async function permutationImportance(model: Model, table: Table, options: PermutationOptions): Promise<PermutationImportance> {
  const { label, positive, repeats = 5, seed = 0, sample, maxRowsPerCall = 1_000_000 } = options;
  const metric = options.metric ?? defaultMetric(model);
  if (typeof label !== 'string' || label === '') throw userError('missing_option', 'permutation importance needs a label column');
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw userError('invalid_option', `invalid repeats: ${repeats} (expected a positive integer)`, { repeats });
  if (!Number.isInteger(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected an integer)`, { seed });
  if (!(Number.isInteger(maxRowsPerCall) && maxRowsPerCall >= 1)) throw userError('invalid_option', `invalid maxRowsPerCall: ${maxRowsPerCall} (expected a positive integer)`);
  const features = options.features ?? model.inputs.map((i) => i.name);
  if (features.length === 0) throw userError('invalid_option', 'no features to permute');
  for (const f of features) table.column(f);

  let rows = table;
  let sampled: PermutationImportance['sample'] = null;
  if (sample !== undefined) {
    const sampleSeed = sample.seed ?? seed;
    if (!(Number.isInteger(sample.rows) && sample.rows >= 1)) throw userError('invalid_option', `invalid sample rows: ${sample.rows} (expected a positive integer)`);
    if (sample.rows < table.rowCount) {
      rows = table.take(sampleIndices(table.rowCount, sample.rows, new Random(sampleSeed)));
      sampled = { rows: sample.rows, seed: sampleSeed, of: table.rowCount };
    }
  }
  const n = rows.rowCount;
  if (n === 0) throw userError('empty_data', 'permutation importance needs at least one row');

  const target = permutationTarget(model, rows, label, metric, positive);
  const basePredictions = await model.predict(rows);
  const base = scoreBlocks(target, basePredictions, n, 1);
  const baseline = base.values[0];
  if (baseline === null) throw userError('undefined_metric', `${metric} is undefined on these rows: ${base.reason ?? 'no value'}`, { metric });

  // Only the model's inputs (and the permuted column) are scored; the rest would waste memory.
  const inputNames = [...new Set([...model.inputs.map((i) => i.name), ...features])].filter((c) => rows.has(c));
  const inputs = rows.select(inputNames);
  const perCall = Math.max(1, Math.min(repeats, Math.floor(maxRowsPerCall / n)));
  const rng = new Random(seed);
  const sign = target.higherIsBetter ? 1 : -1;
  const out: FeatureImportance[] = [];
  for (const name of features) {
    const column = inputs.column(name);
    const same = sameValue(column);
    const values: (number | null)[] = [];
    for (let done = 0; done < repeats; done += perCall) {
      const blocks = Math.min(perCall, repeats - done);
      const orders = Array.from({ length: blocks }, () => permutation(n, rng));
      const plan = distinctChanges(orders, n, same);
      const changed = await predictChanges(model, inputs, column, plan, maxRowsPerCall);
      const scored = scoreBlocks(target, gatherPredictions(basePredictions, changed, plan.slot, n), n, blocks);
      for (const v of scored.values) values.push(v === null ? null : sign * (baseline - v));
    }
    out.push({ name, ...meanStd(values), values });
  }
  out.sort((a, b) => (b.mean ?? -Infinity) - (a.mean ?? -Infinity));
  return { method: 'permutation', metric, higherIsBetter: target.higherIsBetter, baseline, repeats, seed, rows: n, sample: sampled, features: out };
}

/** Whether rows a and b of a column hold the same value (NaN equals NaN; -0 and 0 differ, as a model may tell them apart). */
function sameValue(column: Column): (a: number, b: number) => boolean {
  if (column.type === 'numeric') {
    const v = column.values;
    return (a, b) => Object.is(v[a], v[b]);
  }
  if (column.type === 'categorical') {
    const c = column.codes;
    return (a, b) => c[a] === c[b];
  }
  if (column.type === 'boolean') {
    const v = column.values;
    return (a, b) => v[a] === v[b];
  }
  return (a, b) => a === b;
}

/**
 * Which permuted rows need the model. For block b and row i (row i given row `orders[b][i]`'s
 * value), `slot[b·n + i]` is -1 when that value is row i's own, else the index of a distinct
 * (row, value) pair shared by every block that gives row i that value; pair k is row `row[k]`
 * with the value of row `source[k]`.
 */
function distinctChanges(orders: readonly Int32Array[], n: number, same: (a: number, b: number) => boolean): { slot: Int32Array; row: Int32Array; source: Int32Array; count: number } {
  const blocks = orders.length;
  const slot = new Int32Array(n * blocks);
  const row = new Int32Array(n * blocks);
  const source = new Int32Array(n * blocks);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < blocks; b++) {
      const s = orders[b][i];
      let k = -1;
      if (!same(s, i)) {
        for (let e = 0; e < b && k < 0; e++) {
          const t = slot[e * n + i];
          if (t >= 0 && same(source[t], s)) k = t;
        }
        if (k < 0) {
          k = count++;
          row[k] = i;
          source[k] = s;
        }
      }
      slot[b * n + i] = k;
    }
  }
  return { slot, row, source, count };
}

/** Predictions for the distinct changed rows, in calls of at most `maxRowsPerCall` rows. */
async function predictChanges(model: Model, inputs: Table, column: Column, plan: { row: Int32Array; source: Int32Array; count: number }, maxRowsPerCall: number): Promise<{ parts: Predictions[]; chunk: number }> {
  const parts: Predictions[] = [];
  for (let a = 0; a < plan.count; a += maxRowsPerCall) {
    const b = Math.min(plan.count, a + maxRowsPerCall);
    const changed = inputs.take(plan.row.subarray(a, b)).withColumn(takeColumn(column, plan.source.subarray(a, b)));
    parts.push(await model.predict(changed));
  }
  return { parts, chunk: maxRowsPerCall };
}

/** The predictions of every block (`slot.length / n` blocks of n rows): the unpermuted row's, or its distinct change's. */
function gatherPredictions(base: Predictions, changed: { parts: Predictions[]; chunk: number }, slot: Int32Array, n: number): Predictions {
  const { parts, chunk } = changed;
  const m = slot.length;
  if (base.task === 'regression') {
    const values = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const k = slot[j];
      values[j] = k < 0 ? base.values[j % n] : (parts[Math.floor(k / chunk)] as typeof base).values[k % chunk];
    }
    return { task: 'regression', values };
  }
  const labels = new Int32Array(m);
  const scores = base.scores ? base.scores.map(() => new Float64Array(m)) : null;
  for (let j = 0; j < m; j++) {
    const k = slot[j];
    const from = k < 0 ? base : (parts[Math.floor(k / chunk)] as typeof base);
    const at = k < 0 ? j % n : k % chunk;
    labels[j] = from.labels[at];
    if (scores) for (let c = 0; c < scores.length; c++) scores[c][j] = (from.scores as readonly Float64Array[])[c][at];
  }
  return { task: base.task, classes: base.classes, labels, scores };
}

/** A uniform random permutation of 0..n-1 (Fisher–Yates). */
function permutation(n: number, rng: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** `k` distinct row indices of 0..n-1 in increasing order (a partial Fisher–Yates). */
export function sampleIndices(n: number, k: number, rng: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p.slice(0, k).sort();
}

// Welford's online mean and variance (Welford 1962), over the defined values.
function meanStd(values: readonly (number | null)[]): { mean: number | null; std: number | null } {
  let k = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (v === null) continue;
    k++;
    const d = v - mean;
    mean += d / k;
    m2 += d * (v - mean);
  }
  if (k === 0) return { mean: null, std: null };
  return { mean, std: Math.sqrt(m2 / k) };
}
