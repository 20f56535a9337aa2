import { userError } from '../errors/index.js';
import { Random } from '../stats/index.js';
import { type Column, MISSING_BOOL, Table } from '../table/index.js';
import { sampleIndices } from './permutation.js';

/** Options of {@link kmeansSummary}. */
export interface KmeansOptions {
  /** Seed of the k-means++ initialisation (and of the row sample). Defaults to 0. */
  readonly seed?: number;
  /** Cluster at most this many rows, drawn with `seed` when the table has more. Defaults to 100,000. */
  readonly maxRows?: number;
  /** Lloyd iterations at most. Defaults to 100. */
  readonly maxIterations?: number;
}

/** The result of {@link kmeansSummary}. */
export interface KmeansSummary {
  /** One row per non-empty cluster, holding only the clustered columns (same types and dictionaries). */
  readonly table: Table;
  /** Each cluster's share of the clustered rows (sums to 1). */
  readonly weights: Float64Array;
  /** Clusters found: fewer than asked when the rows have fewer distinct points or a cluster ends empty. */
  readonly k: number;
  /** Rows clustered. */
  readonly rows: number;
  /** The explicit row sample, when the table had more than `maxRows` rows. */
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  readonly seed: number;
  readonly iterations: number;
}

/** A clustered column as k-means sees it: numeric values in z-units, or codes compared for equality. */
type Feature =
  | { readonly kind: 'numeric'; readonly z: Float64Array }
  | { readonly kind: 'codes'; readonly codes: Int32Array; readonly offset: number; readonly cardinality: number };

/**
 * Summarises `columns` of `table` by `k` weighted centroids with k-means (Lloyd's algorithm from
 * a seeded k-means++ start, Arthur & Vassilvitskii 2007), as shap's `kmeans` summarises a
 * KernelSHAP background set.
 *
 * Distances mix types as k-prototypes does (Huang 1998): numeric columns count their squared
 * difference in standard deviations (a missing value counts as the column mean), categorical
 * columns 1 per mismatch (missing is a category of its own). Boolean columns are numeric.
 * A centroid's numeric value is the mean of its rows' non-missing values (missing when all are
 * missing; the nearest 0/1 for booleans); its categorical value is the most frequent value among
 * its rows (the smallest code on ties). Weights are the clusters' shares of rows.
 * @example
 * const { table: background, weights } = kmeansSummary(data, ['age', 'income', 'sex'], 10);
 */
export function kmeansSummary(table: Table, columns: readonly string[], k: number, options: KmeansOptions = {}): KmeansSummary {
  const { seed = 0, maxRows = 100_000, maxIterations = 100 } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw userError('invalid_option', `invalid k: ${k} (expected a positive integer)`, { k });
  if (!Number.isInteger(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected an integer)`, { seed });
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw userError('invalid_option', `invalid maxRows: ${maxRows} (expected a positive integer)`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw userError('invalid_option', `invalid maxIterations: ${maxIterations} (expected a positive integer)`);
  if (table.rowCount === 0) throw userError('empty_data', 'k-means needs at least one row');
  const rng = new Random(seed);
  let rows = table.select(columns);
  let sample: KmeansSummary['sample'] = null;
  if (rows.rowCount > maxRows) {
    sample = { rows: maxRows, seed, of: rows.rowCount };
    rows = rows.take(sampleIndices(rows.rowCount, maxRows, rng));
  }
  const n = rows.rowCount;
  const features = rows.columns.map(prepare);
  const kk = Math.min(k, n);

  // Centres in distance space: numeric z-values, categorical codes.
  const centres: number[][] = initialCentres(features, n, kk, rng);
  const K = centres.length;
  const assign = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < K; c++) {
        const d = distance(features, i, centres[c], bestD);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed++;
      }
    }
    if (changed === 0) break;
    const moved = updateCentres(features, assign, K, n, centres);
    if (!moved) {
      iterations++;
      break;
    }
  }
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[assign[i]]++;
  const kept: number[] = [];
  for (let c = 0; c < K; c++) if (counts[c] > 0) kept.push(c);
  const out = rows.columns.map((col, j) => centroidColumn(col, features[j], assign, kept, n));
  const weights = Float64Array.from(kept, (c) => counts[c] / n);
  return { table: new Table(out, kept.length), weights, k: kept.length, rows: n, sample, seed, iterations };
}

function prepare(col: Column): Feature {
  if (col.type === 'numeric' || col.type === 'boolean') {
    const v = col.values;
    const missing = col.type === 'boolean' ? (x: number) => x === MISSING_BOOL : (x: number) => x !== x;
    // Welford's mean and variance over the non-missing values.
    let count = 0;
    let mean = 0;
    let m2 = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (missing(x)) continue;
      count++;
      const d = x - mean;
      mean += d / count;
      m2 += d * (x - mean);
    }
    const sd = count > 1 ? Math.sqrt(m2 / count) : 0;
    const scale = sd > 0 ? 1 / sd : 1;
    const z = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) z[i] = missing(v[i]) ? 0 : (v[i] - mean) * scale;
    return { kind: 'numeric', z };
  }
  if (col.type === 'categorical') return { kind: 'codes', codes: col.codes, offset: 1, cardinality: col.dictionary.length + 1 };
  throw userError('unsupported_column', `k-means cannot summarise list column ${JSON.stringify(col.name)}`, { column: col.name });
}

/** Squared distance of row i to a centre; stops early once it exceeds `bound`. */
function distance(features: readonly Feature[], i: number, centre: readonly number[], bound: number): number {
  let d = 0;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    if (f.kind === 'numeric') {
      const t = f.z[i] - centre[j];
      d += t * t;
    } else if (f.codes[i] !== centre[j]) d += 1;
    if (d >= bound) return d;
  }
  return d;
}

function centreOf(features: readonly Feature[], i: number): number[] {
  return features.map((f) => (f.kind === 'numeric' ? f.z[i] : f.codes[i]));
}

/** k-means++: the first centre uniformly, each next one with probability proportional to D². */
function initialCentres(features: readonly Feature[], n: number, k: number, rng: Random): number[][] {
  const centres = [centreOf(features, rng.int(n))];
  const d2 = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    const last = centres[centres.length - 1];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = distance(features, i, last, d2[i]);
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    // Every row sits on a centre: the data have fewer distinct points than k.
    if (!(total > 0)) break;
    const target = rng.next() * total;
    let acc = 0;
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (d2[i] === 0) continue;
      acc += d2[i];
      pick = i;
      if (acc > target) break;
    }
    centres.push(centreOf(features, pick));
  }
  return centres;
}

/** Moves each non-empty centre to its rows' mean (numeric) or mode (codes); false when none moved. */
function updateCentres(features: readonly Feature[], assign: Int32Array, k: number, n: number, centres: number[][]): boolean {
  let moved = false;
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) counts[assign[i]]++;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    if (f.kind === 'numeric') {
      const sums = new Float64Array(k);
      for (let i = 0; i < n; i++) sums[assign[i]] += f.z[i];
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) continue;
        const m = sums[c] / counts[c];
        if (m !== centres[c][j]) moved = true;
        centres[c][j] = m;
      }
    } else {
      const modes = modeCodes(f.codes, f.offset, f.cardinality, assign, k, n);
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) continue;
        if (modes[c] !== centres[c][j]) moved = true;
        centres[c][j] = modes[c];
      }
    }
  }
  return moved;
}

/** The most frequent code per cluster (the smallest on ties); codes are shifted by `offset` to index counts. */
function modeCodes(codes: Int32Array | Uint8Array, offset: number, cardinality: number, assign: Int32Array, k: number, n: number): Int32Array {
  const tally = new Float64Array(k * cardinality);
  for (let i = 0; i < n; i++) tally[assign[i] * cardinality + codes[i] + offset]++;
  const out = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let v = 1; v < cardinality; v++) if (tally[c * cardinality + v] > tally[c * cardinality + best]) best = v;
    out[c] = best - offset;
  }
  return out;
}

/** The centroid values of one column, in original units, for the kept clusters. */
function centroidColumn(col: Column, f: Feature, assign: Int32Array, kept: readonly number[], n: number): Column {
  const K = Math.max(0, ...kept) + 1;
  if (col.type === 'categorical') {
    const modes = modeCodes(col.codes, 1, col.dictionary.length + 1, assign, K, n);
    return { ...col, codes: Int32Array.from(kept, (c) => modes[c]) };
  }
  if (f.kind !== 'numeric' || (col.type !== 'numeric' && col.type !== 'boolean')) throw new Error(`unexpected column ${col.name}`);
  const sums = new Float64Array(K);
  const counts = new Float64Array(K);
  const v = col.values;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (col.type === 'boolean' ? x === MISSING_BOOL : x !== x) continue;
    sums[assign[i]] += x;
    counts[assign[i]]++;
  }
  if (col.type === 'boolean') return { ...col, values: Uint8Array.from(kept, (c) => (counts[c] === 0 ? MISSING_BOOL : sums[c] / counts[c] >= 0.5 ? 1 : 0)) };
  return { ...col, values: Float64Array.from(kept, (c) => (counts[c] === 0 ? NaN : sums[c] / counts[c])) };
}
