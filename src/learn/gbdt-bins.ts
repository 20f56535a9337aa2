import { userError } from '../errors/index.js';
import { Random } from '../stats/random.js';
import type { Column } from '../table/index.js';

/** The bin of a missing value, for every feature (bins 0..254 hold values). */
export const MISSING_BIN = 255;

/** How one feature's values map to bins. Plain JSON apart from the typed thresholds. */
export type FeatureBins =
  | {
      readonly name: string;
      readonly type: 'numeric';
      /** Bin b holds values x with `thresholds[b-1] < x <= thresholds[b]`; `thresholds.length + 1` bins. */
      readonly thresholds: Float64Array;
      readonly bins: number;
      readonly hasMissing: boolean;
    }
  | {
      readonly name: string;
      readonly type: 'categorical';
      /** Bin b holds the category `categories[b]` (categories seen in training, sorted). */
      readonly categories: readonly string[];
      readonly bins: number;
      readonly hasMissing: boolean;
    };

/**
 * Bin edges of a numeric feature as scikit-learn's `_find_binning_thresholds`: midpoints between
 * distinct values when there are at most `maxBins` of them, else the `method='midpoint'` percentiles
 * at 100·k/maxBins (k = 1..maxBins-1) of the (sub)sample, deduplicated.
 */
export function numericThresholds(values: Float64Array, sample: Uint32Array | null, maxBins: number): { thresholds: Float64Array; hasMissing: boolean } {
  const m = sample === null ? values.length : sample.length;
  const data = new Float64Array(m);
  let k = 0;
  let hasMissing = false;
  for (let i = 0; i < m; i++) {
    const v = sample === null ? values[i] : values[sample[i]];
    if (v !== v) hasMissing = true;
    else data[k++] = v;
  }
  if (!hasMissing && sample !== null) {
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== values[i]) {
        hasMissing = true;
        break;
      }
    }
  }
  const sorted = data.subarray(0, k).sort();
  let distinct = 0;
  for (let i = 0; i < k; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  if (distinct <= maxBins) {
    const t = new Float64Array(Math.max(0, distinct - 1));
    for (let i = 0; i + 1 < distinct; i++) t[i] = (sorted[i] + sorted[i + 1]) * 0.5;
    return { thresholds: t, hasMissing };
  }
  // Percentiles of the sample with duplicates (re-sort the original values).
  const all = data.subarray(0, k).slice();
  k = 0;
  for (let i = 0; i < m; i++) {
    const v = sample === null ? values[i] : values[sample[i]];
    if (v === v) all[k++] = v;
  }
  all.sort();
  const out: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (k - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    const v = (all[lo] + all[hi]) * 0.5;
    if (out.length === 0 || v > out[out.length - 1]) out.push(Math.min(v, Number.MAX_VALUE));
  }
  return { thresholds: Float64Array.from(out), hasMissing };
}

/** The bin of `x` for numeric thresholds: the number of thresholds below x. */
export function numericBin(thresholds: Float64Array, x: number): number {
  if (x !== x) return MISSING_BIN;
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= thresholds[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Categories of a column as text (categorical: its dictionary; numeric: the numbers as strings). */
function categoryOf(column: Column, i: number): string | null {
  if (column.type === 'categorical') {
    const c = column.codes[i];
    return c < 0 ? null : column.dictionary[c];
  }
  if (column.type === 'numeric') {
    const v = column.values[i];
    return v !== v ? null : String(v);
  }
  if (column.type === 'boolean') {
    const v = column.values[i];
    return v === 255 ? null : v === 1 ? 'true' : 'false';
  }
  return null;
}

/** Learns the bins of one feature from the training rows. */
export function fitFeatureBins(column: Column, categorical: boolean, rows: Uint32Array, sample: Uint32Array | null, maxBins: number): FeatureBins {
  const name = column.name;
  if (column.type === 'list') throw userError('unsupported_feature', `feature ${JSON.stringify(name)} is a list column; gradient boosting reads numeric, boolean and categorical features`, { column: name });
  if (!categorical && column.type !== 'categorical') {
    const values = toNumbers(column, rows);
    const { thresholds, hasMissing } = numericThresholds(values, sample, maxBins);
    return { name, type: 'numeric', thresholds, bins: thresholds.length + 1, hasMissing };
  }
  const seen = new Set<string>();
  let hasMissing = false;
  if (column.type === 'categorical') {
    const used = new Uint8Array(column.dictionary.length);
    const codes = column.codes;
    for (let i = 0; i < rows.length; i++) {
      const c = codes[rows[i]];
      if (c < 0) hasMissing = true;
      else used[c] = 1;
    }
    for (let c = 0; c < used.length; c++) if (used[c]) seen.add(column.dictionary[c]);
  } else {
    for (let i = 0; i < rows.length; i++) {
      const s = categoryOf(column, rows[i]);
      if (s === null) hasMissing = true;
      else seen.add(s);
    }
  }
  if (seen.size > maxBins) {
    throw userError(
      'too_many_categories',
      `categorical feature ${JSON.stringify(name)} has ${seen.size} categories, more than maxBins = ${maxBins}; group rare categories or treat the feature as numeric`,
      { column: name, categories: seen.size, maxBins },
    );
  }
  const categories = [...seen].sort();
  return { name, type: 'categorical', categories, bins: Math.max(1, categories.length), hasMissing };
}

/** The values of a numeric or boolean column at `rows` as float64 (NaN = missing). */
function toNumbers(column: Column, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  if (column.type === 'numeric') {
    const v = column.values;
    for (let i = 0; i < rows.length; i++) out[i] = v[rows[i]];
  } else if (column.type === 'boolean') {
    const v = column.values;
    for (let i = 0; i < rows.length; i++) {
      const b = v[rows[i]];
      out[i] = b === 255 ? NaN : b;
    }
  }
  return out;
}

/**
 * Writes the bins of `rows` of `column` into `out[offset .. offset + rows.length)` (rows null: every
 * row). Categories unseen in training are read as missing, as scikit-learn does.
 */
export function binColumn(bins: FeatureBins, column: Column, rows: Uint32Array | null, out: Uint8Array, offset: number): void {
  const n = rows === null ? (column.type === 'categorical' ? column.codes.length : column.type === 'list' ? column.missing.length : column.values.length) : rows.length;
  if (bins.type === 'numeric') {
    const t = bins.thresholds;
    if (column.type === 'numeric') {
      const v = column.values;
      for (let i = 0; i < n; i++) out[offset + i] = numericBin(t, v[rows === null ? i : rows[i]]);
      return;
    }
    if (column.type === 'boolean') {
      const v = column.values;
      for (let i = 0; i < n; i++) {
        const b = v[rows === null ? i : rows[i]];
        out[offset + i] = b === 255 ? MISSING_BIN : numericBin(t, b);
      }
      return;
    }
    throw userError('feature_type_mismatch', `feature ${JSON.stringify(bins.name)} was numeric in training but is ${column.type} here`, { column: bins.name, type: column.type });
  }
  const index = new Map<string, number>();
  bins.categories.forEach((c, b) => index.set(c, b));
  if (column.type === 'categorical') {
    const lookup = new Int32Array(column.dictionary.length);
    for (let c = 0; c < lookup.length; c++) lookup[c] = index.get(column.dictionary[c]) ?? MISSING_BIN;
    const codes = column.codes;
    for (let i = 0; i < n; i++) {
      const c = codes[rows === null ? i : rows[i]];
      out[offset + i] = c < 0 ? MISSING_BIN : lookup[c];
    }
    return;
  }
  if (column.type === 'list') throw userError('feature_type_mismatch', `feature ${JSON.stringify(bins.name)} was categorical in training but is a list here`, { column: bins.name });
  for (let i = 0; i < n; i++) {
    const s = categoryOf(column, rows === null ? i : rows[i]);
    out[offset + i] = s === null ? MISSING_BIN : (index.get(s) ?? MISSING_BIN);
  }
}

/** Up to `size` distinct indices of 0..n-1 drawn without replacement (all of them, in order, when n <= size). */
export function subsample(n: number, size: number, random: Random): Uint32Array | null {
  if (n <= size) return null;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + random.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, size).sort();
}
