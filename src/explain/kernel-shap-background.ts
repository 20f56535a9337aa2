import { userError } from '../errors/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';
import { kmeansSummary } from './kmeans.js';
import { sampleIndices } from './permutation.js';

/**
 * The background set KernelSHAP averages over ("feature absent" means "value from a background row"):
 * - `{ sample: N }`: N rows drawn uniformly without replacement with the seed (all rows when the
 *   data have at most N), equally weighted;
 * - `{ kmeans: K }`: K weighted k-means centroids ({@link kmeansSummary});
 * - `{ table, weights? }`: these rows, with these (positive) weights or equal ones.
 */
export type KernelShapBackground = { readonly sample: number } | { readonly kmeans: number } | { readonly table: Table; readonly weights?: ArrayLike<number> };

/** How the background was made, for the output. */
export interface BackgroundInfo {
  readonly method: 'sample' | 'all' | 'kmeans' | 'given';
  /** Background rows (centroids for k-means). */
  readonly rows: number;
  /** Rows they summarise. */
  readonly of: number;
  /** Seed of the sample or of k-means; null for given rows and all rows. */
  readonly seed: number | null;
  /** k-means: the explicit sample of rows clustered when the data had more than 100,000 rows. */
  readonly clustered?: { readonly rows: number; readonly seed: number; readonly of: number } | null;
}

/** Parses `--background N|kmeans:K`. */
export function parseBackground(text: string): KernelShapBackground {
  const m = /^\s*(?:(kmeans)\s*:\s*)?(\d+)\s*$/i.exec(text);
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1)) throw userError('invalid_option', `invalid --background ${JSON.stringify(text)}: expected a row count (e.g. 100) or kmeans:K (e.g. kmeans:20)`, { option: 'background' });
  return m[1] ? { kmeans: n } : { sample: n };
}

/** The background rows (only `features`) and their weights, normalised to sum to 1. */
export function makeBackground(data: Table, features: readonly string[], spec: KernelShapBackground, seed: number): { table: Table; weights: Float64Array; info: BackgroundInfo } {
  if ('table' in spec) {
    const table = spec.table.select(features);
    const n = table.rowCount;
    if (n === 0) throw userError('empty_data', 'the background table has no rows');
    let weights: Float64Array;
    if (spec.weights) {
      if (spec.weights.length !== n) throw userError('invalid_option', `background weights: ${spec.weights.length} for ${n} rows (expected one per row)`);
      weights = Float64Array.from(spec.weights);
      for (let i = 0; i < n; i++) {
        if (!(weights[i] > 0 && Number.isFinite(weights[i]))) throw userError('invalid_option', `background weight ${i} is ${weights[i]} (expected a positive number)`, { row: i });
      }
    } else weights = new Float64Array(n).fill(1);
    return { table, weights: normalise(weights), info: { method: 'given', rows: n, of: n, seed: null } };
  }
  const n = data.rowCount;
  if (n === 0) throw userError('empty_data', 'KernelSHAP needs at least one background row');
  if ('kmeans' in spec) {
    const k = spec.kmeans;
    if (!(Number.isInteger(k) && k >= 1)) throw userError('invalid_option', `invalid background kmeans: ${k} (expected a positive integer)`);
    const s = kmeansSummary(data, features, k, { seed });
    return { table: s.table, weights: normalise(Float64Array.from(s.weights)), info: { method: 'kmeans', rows: s.k, of: n, seed, clustered: s.sample } };
  }
  const size = spec.sample;
  if (!(Number.isInteger(size) && size >= 1)) throw userError('invalid_option', `invalid background sample: ${size} (expected a positive integer)`);
  const rows = data.select(features);
  if (size >= n) return { table: rows, weights: new Float64Array(n).fill(1 / n), info: { method: 'all', rows: n, of: n, seed: null } };
  const table = rows.take(sampleIndices(n, size, new Random(seed)));
  return { table, weights: new Float64Array(size).fill(1 / size), info: { method: 'sample', rows: size, of: n, seed } };
}

function normalise(w: Float64Array): Float64Array {
  let s = 0;
  for (const x of w) s += x;
  for (let i = 0; i < w.length; i++) w[i] /= s;
  return w;
}
