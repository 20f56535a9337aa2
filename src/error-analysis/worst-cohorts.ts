import { evaluateMask, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import type { Table } from '../table/index.js';
import type { WorstCohort, WorstCohorts } from '../report/insights.js';
import { percentileInterval, Random, sampleBinomial, wilsonInterval, zForConfidence } from '../stats/index.js';
import { addRow, emptyCounts, errorRate, errorTarget, mergeCounts, type ErrorCounts, type ErrorTarget, type ErrorTargetOptions } from './error-target.js';
import { errorFeatures, growErrorTree } from './error-tree.js';
import { featureBins, type Binning, type BinnedFeature } from './feature-bins.js';
import { andExpressions } from './error-target.js';

/** Options of {@link worstCohorts}. */
export interface WorstCohortsOptions extends ErrorTargetOptions {
  /** Columns to slice on (and the tree's features). Defaults as {@link errorTree}'s. */
  readonly features?: readonly string[];
  /** Cohorts with fewer rows are not ranked. Defaults to 30. */
  readonly minRows?: number;
  /** Cohorts returned. Defaults to 10. */
  readonly top?: number;
  /** Bootstrap resamples of each returned cohort's error rate; 0 gives Wilson intervals. Defaults to 1000. */
  readonly bootstrap?: number;
  /** Seed of the bootstrap. Defaults to 0. */
  readonly seed?: number;
  /** Confidence level of the intervals. Defaults to 0.95. */
  readonly confidence?: number;
  /** Bins of a numeric feature in one-feature slices. Defaults to 8. */
  readonly bins?: number;
  /** Bins of a numeric feature in two-feature slices. Defaults to 4. */
  readonly pairBins?: number;
  /** Defaults to `equal`. */
  readonly binning?: Binning;
  /** Categories of a categorical feature shown in slices. Defaults to 12 (8 in pairs). */
  readonly maxCategories?: number;
  /** Error-tree settings (defaults 3, 31 and 20, as {@link errorTree}). */
  readonly maxDepth?: number;
  readonly maxLeaves?: number;
  readonly minLeafRows?: number;
  /**
   * Also grow a depth-2 error tree on each pair of features, whose nodes find thresholds that fixed
   * bins miss (`age <= 29.5 and region = 'South'`). Defaults to true.
   */
  readonly pairTrees?: boolean;
}

interface Candidate {
  source: WorstCohort['source'];
  expression: string;
  counts: ErrorCounts;
  /** Unweighted rows. */
  n: number;
  /** Order-free hash of the row set (two 32-bit sums of per-row random words). */
  h1: number;
  h2: number;
}

/** Sums, unweighted counts and row-set hashes per group of a row → group assignment. */
function groupCandidates(target: ErrorTarget, group: Int32Array, size: number, hash1: Uint32Array, hash2: Uint32Array): Omit<Candidate, 'source' | 'expression'>[] {
  const out = Array.from({ length: size }, () => ({ counts: emptyCounts(), n: 0, h1: 0, h2: 0 }));
  for (let i = 0; i < group.length; i++) {
    const g = group[i];
    if (g < 0 || !target.usable[i]) continue;
    const c = out[g];
    addRow(c.counts, target, i);
    c.n++;
    c.h1 = (c.h1 + hash1[i]) >>> 0;
    c.h2 = (c.h2 + hash2[i]) >>> 0;
  }
  return out;
}

/**
 * The highest-error cohorts: candidates are the error tree's nodes, every bin of each feature
 * (one-feature slices), every cell of each pair of features (two-feature slices) and the nodes of
 * a depth-2 error tree on each pair of features (`pairTrees`). Cohorts with the same rows are kept
 * once (with the shortest expression), those under `minRows` rows are left
 * out, and the rest are ranked by the lower bound of their error rate's interval (Wilson for
 * classification, normal for the mean absolute error), so that a small cohort needs more errors to
 * outrank a large one. Each returned cohort gets a seeded bootstrap interval (binomial draws of its
 * error count — the distribution row resampling gives — or resampled rows for regression) and its
 * lift over the overall error rate.
 * Cost: one pass over the rows per feature, and one pass plus a small tree per pair of features
 * (quadratic in features).
 */
export function worstCohorts(table: Table, options: WorstCohortsOptions): WorstCohorts {
  return worstCohortsOf(table, errorTarget(table, options), options);
}

/**
 * {@link worstCohorts} on a resolved target; `grown` is the error tree already grown with the same
 * target and tree options (it is grown here when absent).
 */
export function worstCohortsOf(table: Table, target: ErrorTarget, options: Omit<WorstCohortsOptions, keyof ErrorTargetOptions>, grown?: ReturnType<typeof growErrorTree>): WorstCohorts {
  const { minRows = 30, top = 10, bootstrap = 1000, seed = 0, confidence = 0.95, bins = 8, pairBins = 4, binning = 'equal', maxCategories = 12 } = options;
  for (const [name, value, min] of [['minRows', minRows, 1], ['top', top, 1], ['bootstrap', bootstrap, 0]] as const) {
    if (!(Number.isInteger(value) && value >= min)) throw userError('invalid_option', `invalid ${name}: ${value} (expected an integer ≥ ${min})`, { option: name });
  }
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_option', `invalid confidence: ${confidence} (expected a number strictly between 0 and 1)`, { option: 'confidence' });
  const regression = target.task === 'regression';
  const n = table.rowCount;
  const random = new Random(seed);
  const hash1 = new Uint32Array(n);
  const hash2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    hash1[i] = random.int(0x100000000);
    hash2[i] = random.int(0x100000000);
  }
  const candidates: Candidate[] = [];

  const treeCandidates = (source: Candidate['source'], treeOptions: Parameters<typeof growErrorTree>[2], given?: ReturnType<typeof growErrorTree>) => {
    const { tree, leafOfRow } = given ?? growErrorTree(table, target, treeOptions);
    const nodes = groupCandidates(target, leafOfRow, tree.nodes.length, hash1, hash2);
    for (let k = tree.nodes.length - 1; k > 0; k--) {
      const [a, b] = [nodes[tree.nodes[k].parent as number], nodes[k]];
      mergeCounts(a.counts, b.counts, regression);
      a.n += b.n;
      a.h1 = (a.h1 + b.h1) >>> 0;
      a.h2 = (a.h2 + b.h2) >>> 0;
    }
    for (let k = 1; k < tree.nodes.length; k++) candidates.push({ source, expression: tree.nodes[k].expression, ...nodes[k] });
    return nodes[0];
  };
  const root = treeCandidates('tree', { features: options.features, maxDepth: options.maxDepth, maxLeaves: options.maxLeaves, minLeafRows: options.minLeafRows }, grown);

  const features = errorFeatures(table, target, options.features, []);
  if (options.pairTrees ?? true) {
    const minLeafRows = Math.max(minRows, options.minLeafRows ?? 20);
    for (let x = 0; x < features.length; x++) for (let y = x + 1; y < features.length; y++) treeCandidates('pair', { features: [features[x], features[y]], maxDepth: 2, maxLeaves: 4, minLeafRows });
  }
  const single = features.map((f) => featureBins(table, f, target.usable, { bins, binning, maxCategories }));
  const addCells = (source: Candidate['source'], axes: BinnedFeature[]) => {
    const width = axes[0].bins.length;
    const size = axes.reduce((s, a) => s * a.bins.length, 1);
    const group = new Int32Array(n);
    const [a, b] = [axes[0].assign, axes[1]?.assign];
    for (let i = 0; i < n; i++) group[i] = a[i] < 0 || (b && b[i] < 0) ? -1 : a[i] + (b ? b[i] * width : 0);
    groupCandidates(target, group, size, hash1, hash2).forEach((c, k) => {
      if (c.n < minRows) return;
      const index = axes.length > 1 ? [k % width, Math.floor(k / width)] : [k];
      candidates.push({ source, expression: andExpressions(target.where, ...index.map((bin, d) => axes[d].bins[bin].expression)), ...c });
    });
  };
  for (const axis of single) addCells('slice', [axis]);
  const paired = features.map((f) => featureBins(table, f, target.usable, { bins: pairBins, binning, maxCategories: Math.min(maxCategories, 8) }));
  for (let x = 0; x < paired.length; x++) for (let y = x + 1; y < paired.length; y++) addCells('pair', [paired[x], paired[y]]);

  // Identical row sets: keep the shortest expression (then the first found: tree before slices).
  const unique = new Map<string, Candidate>();
  for (const c of candidates) {
    if (c.n < minRows || !(c.counts.rows > 0)) continue;
    const key = `${c.n}:${c.h1}:${c.h2}`;
    const seen = unique.get(key);
    if (!seen || c.expression.length < seen.expression.length) unique.set(key, c);
  }
  const overallRate = errorRate(root.counts);
  const z = zForConfidence(confidence);
  const lowerBound = (c: Candidate): number => {
    const rate = c.counts.errors / c.counts.rows;
    if (!regression) return wilsonInterval(rate * c.n, c.n, { confidence })?.lower ?? 0;
    const sd = Math.sqrt(Math.max(0, c.counts.extra[1] / c.counts.rows - rate * rate));
    return rate - (z * sd) / Math.sqrt(c.n);
  };
  const ranked = [...unique.values()].map((c) => ({ c, lower: lowerBound(c) }));
  ranked.sort((a, b) => b.lower - a.lower || b.c.counts.errors / b.c.counts.rows - a.c.counts.errors / a.c.counts.rows || a.c.expression.length - b.c.expression.length);

  const cohorts: WorstCohort[] = ranked.slice(0, top).map(({ c }, k) => {
    const rate = errorRate(c.counts);
    let ci: [number, number] | null;
    if (bootstrap === 0) {
      if (regression) ci = rate === null ? null : [lowerBound(c), 2 * rate - lowerBound(c)];
      else {
        const w = wilsonInterval((rate ?? 0) * c.n, c.n, { confidence });
        ci = w ? [w.lower, w.upper] : null;
      }
    } else ci = bootstrapInterval(table, target, c, { resamples: bootstrap, seed: seed + 1 + k, confidence });
    return { source: c.source, expression: c.expression, rows: c.counts.rows, errors: c.counts.errors, errorRate: rate, ci, lift: rate !== null && overallRate ? rate / overallRate : null };
  });
  return {
    overallErrorRate: overallRate,
    minRows,
    interval: bootstrap === 0 ? { method: 'wilson', confidence } : { method: 'bootstrap', confidence, resamples: bootstrap, seed },
    candidates: unique.size,
    cohorts,
  };
}

/**
 * Percentile bootstrap interval of a cohort's error rate. Classification: the error count is
 * drawn Binomial(n, rate) — exactly its distribution under resampling the cohort's rows;
 * regression: the cohort's rows are resampled.
 */
function bootstrapInterval(table: Table, target: ErrorTarget, c: Candidate, o: { resamples: number; seed: number; confidence: number }): [number, number] | null {
  const random = new Random(o.seed);
  const values = new Float64Array(o.resamples);
  const rate = c.counts.errors / c.counts.rows;
  if (target.task !== 'regression') {
    for (let r = 0; r < o.resamples; r++) values[r] = sampleBinomial(random, c.n, rate) / c.n;
  } else {
    const rows = evaluateMask(parseExpression(c.expression), table).toIndices().filter((i) => target.usable[i] === 1);
    for (let r = 0; r < o.resamples; r++) {
      let s = 0;
      let w = 0;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[random.int(rows.length)];
        s += target.weight[i] * target.error[i];
        w += target.weight[i];
      }
      values[r] = w > 0 ? s / w : NaN;
    }
  }
  const interval = percentileInterval(values, { confidence: o.confidence });
  return interval ? [interval.lower, interval.upper] : null;
}
