import { userError } from '../errors/index.js';
import { type ConfusionCounts, emptyConfusionCounts } from '../metrics/confusion.js';
import { sampleMultinomial } from './multinomial.js';
import { quantileSorted } from './percentile.js';
import { Random } from './random.js';

/** Options shared by the bootstrap helpers. */
export interface BootstrapOptions {
  /** Number of resamples; defaults to 1000. */
  readonly resamples?: number;
  /** Seed of the {@link Random} generator; defaults to 0. Report it with the results. */
  readonly seed?: number;
}

function checkResamples(resamples: number): void {
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw userError('invalid_option', `invalid resamples: ${resamples} (expected a positive integer, e.g. 1000)`, { resamples });
}

/**
 * Bootstrap resamples of confusion counts, stratified by group: each group keeps its row count
 * n_g and its four cells are drawn from Multinomial(n_g, observed cell proportions). This has
 * exactly the distribution of the cell counts under row resampling within groups, at O(groups)
 * per resample instead of O(rows) — hundreds of times faster. Every count-based metric (rates,
 * F1, balanced accuracy, fairness differences and ratios, the pooled overall) is then computed from
 * the same resamples, so intervals for differences between groups respect their joint variation.
 *
 * Weighted counts: the cell proportions are the weighted ones, the draws use the group's
 * unweighted row count, and the drawn cells are scaled by (group weight / rows) so that pooling
 * groups keeps their weighted sizes. (This treats the weights as fixed; resample rows with
 * {@link bootstrapRows} when the weights' own variability matters.)
 * @returns one `ConfusionCounts` per resample (their `missing` is the original's)
 */
export function bootstrapCounts(counts: ConfusionCounts, options: BootstrapOptions = {}): ConfusionCounts[] {
  const { resamples = 1000, seed = 0 } = options;
  checkResamples(resamples);
  const random = new Random(seed);
  const G = counts.nGroups;
  const probs = new Float64Array(4);
  const draw = new Float64Array(4);
  const out: ConfusionCounts[] = [];
  for (let r = 0; r < resamples; r++) {
    const c = emptyConfusionCounts(G, counts.weighted);
    for (let g = 0; g < G; g++) {
      const n = counts.n[g];
      probs[0] = counts.tp[g];
      probs[1] = counts.fp[g];
      probs[2] = counts.tn[g];
      probs[3] = counts.fn[g];
      const total = probs[0] + probs[1] + probs[2] + probs[3];
      c.n[g] = n;
      if (!(total > 0) || n === 0) continue;
      sampleMultinomial(random, n, probs, draw);
      const scale = counts.weighted ? total / n : 1;
      c.tp[g] = draw[0] * scale;
      c.fp[g] = draw[1] * scale;
      c.tn[g] = draw[2] * scale;
      c.fn[g] = draw[3] * scale;
    }
    out.push({ ...c, missing: counts.missing });
  }
  return out;
}

/**
 * Stratified row bootstrap for metrics that need rows (ROC AUC, average precision, log loss,
 * regression metrics): for each resample, each group's rows are drawn with replacement, n_g
 * draws among its n_g rows (rows with group -1 are never drawn), and `statistic` receives the
 * result as a multiplicity per row (how many times each row was drawn; 0 = not drawn), in row
 * order. Pass it as the weight of the metric function — e.g.
 * `scoreMetricsByGroup(ranking, groups, k, { weight })` — which equals recomputing on the
 * resampled rows, with no re-sort. Multiply by your sample weights, if any, inside `statistic`.
 * Cost O(rows) per resample: subsample large data first (and report it).
 * @example
 * const aucs = bootstrapRows(groups, k, (w) => scoreMetricsByGroup(ranking, groups, k, { weight: w }).roc_auc[0].value, { seed: 1 });
 */
export function bootstrapRows<T>(groups: Int32Array, nGroups: number, statistic: (multiplicity: Float64Array, resample: number) => T, options: BootstrapOptions = {}): T[] {
  const { resamples = 1000, seed = 0 } = options;
  checkResamples(resamples);
  const rows = groups.length;
  // Rows listed group by group (a counting sort), so each resample draws within groups.
  const start = new Int32Array(nGroups + 1);
  for (let i = 0; i < rows; i++) {
    const g = groups[i];
    if (g >= nGroups) throw new RangeError(`group code ${g} out of range (nGroups = ${nGroups}; use -1 to exclude a row)`);
    if (g >= 0) start[g + 1]++;
  }
  for (let g = 0; g < nGroups; g++) start[g + 1] += start[g];
  const members = new Int32Array(start[nGroups]);
  const fill = start.slice(0, nGroups);
  for (let i = 0; i < rows; i++) {
    const g = groups[i];
    if (g >= 0) members[fill[g]++] = i;
  }
  const random = new Random(seed);
  const multiplicity = new Float64Array(rows);
  const out: T[] = [];
  for (let r = 0; r < resamples; r++) {
    multiplicity.fill(0);
    for (let g = 0; g < nGroups; g++) {
      const s = start[g];
      const size = start[g + 1] - s;
      if (size === 0) continue;
      // An unbiased draw in 0..size-1 from 31 random bits (rejecting the uneven tail): int32
      // arithmetic throughout, several times faster than a float modulo on 32-bit values.
      const limit = 2147483648 - (2147483648 % size);
      for (let k = 0; k < size; k++) {
        let x = random.nextUint32() >>> 1;
        while (x >= limit) x = random.nextUint32() >>> 1;
        multiplicity[members[s + (x % size)]]++;
      }
    }
    out.push(statistic(multiplicity, r));
  }
  return out;
}

/** A percentile bootstrap interval. */
export interface BootstrapInterval {
  readonly lower: number;
  readonly upper: number;
  readonly confidence: number;
  /** Resamples where the statistic was defined (NaN / null values are left out). */
  readonly resamples: number;
  /** Resamples left out because the statistic was undefined. */
  readonly undefinedResamples: number;
}

/**
 * The percentile interval of bootstrap values: the (1 − confidence)/2 and (1 + confidence)/2
 * quantiles (type 7, numpy's default). Null and NaN values are left out and counted; returns null
 * when none remain.
 */
export function percentileInterval(values: ArrayLike<number | null>, options: { readonly confidence?: number } = {}): BootstrapInterval | null {
  const { confidence = 0.95 } = options;
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_confidence', `invalid confidence: ${confidence} (expected a number strictly between 0 and 1, e.g. 0.95)`, { confidence });
  const finite: number[] = [];
  let undefinedResamples = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || Number.isNaN(v)) undefinedResamples++;
    else finite.push(v);
  }
  if (finite.length === 0) return null;
  const sorted = Float64Array.from(finite).sort();
  const alpha = (1 - confidence) / 2;
  return { lower: quantileSorted(sorted, alpha), upper: quantileSorted(sorted, 1 - alpha), confidence, resamples: finite.length, undefinedResamples };
}
