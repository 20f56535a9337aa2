import { type Column, MISSING_BOOL, quantileSorted, type Table, userError, valueAt } from '../../../src/index.js';
import type { Engine } from './engine.js';
import type { Histogram, RowResult, RowsPage, Scatter, ValueSuggestions } from './types.js';

/** Derived columns the explorer adds after the data's own. */
export const PREDICTION_COLUMN = '⟨prediction⟩';
export const ERROR_COLUMN = '⟨error⟩';

/** Rows of a cohort, as ascending row indices. */
function cohortRows(engine: Engine, cohort: string): Uint32Array {
  const { mask } = engine.cohortMask(cohort);
  if (mask) return mask.toIndices();
  const all = new Uint32Array(engine.table.rowCount);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return all;
}

/**
 * A numeric sort key per row for a column: numbers as they are, categories by their rank in sorted
 * order, booleans 0/1; missing values NaN (sorted last either way).
 */
function sortKeys(engine: Engine, column: string, threshold: number | null): Float64Array {
  const n = engine.table.rowCount;
  const keys = new Float64Array(n);
  if (column === ERROR_COLUMN) {
    for (let i = 0; i < n; i++) keys[i] = engine.errorOf(i, threshold) ?? NaN;
    return keys;
  }
  if (column === PREDICTION_COLUMN) {
    const p = engine.predictedAt(threshold);
    if (p) {
      for (let i = 0; i < n; i++) keys[i] = p[i] === 255 ? NaN : p[i];
      return keys;
    }
    if (!engine.settings.pred) throw userError('invalid_option', 'no prediction to sort by');
    return sortKeys(engine, engine.settings.pred, threshold);
  }
  const c = engine.table.column(column);
  if (c.type === 'numeric') return c.values;
  if (c.type === 'boolean') {
    for (let i = 0; i < n; i++) keys[i] = c.values[i] === MISSING_BOOL ? NaN : c.values[i];
  } else if (c.type === 'categorical') {
    const order = c.dictionary.map((_, k) => k).sort((a, b) => (c.dictionary[a] < c.dictionary[b] ? -1 : c.dictionary[a] > c.dictionary[b] ? 1 : 0));
    const rank = new Float64Array(c.dictionary.length);
    order.forEach((code, r) => (rank[code] = r));
    for (let i = 0; i < n; i++) keys[i] = c.codes[i] < 0 ? NaN : rank[c.codes[i]];
  } else {
    for (let i = 0; i < n; i++) keys[i] = c.missing[i] ? NaN : c.offsets[i + 1] - c.offsets[i];
  }
  return keys;
}

/** `rows` sorted by key (missing last), ties in row order; a copy. */
function sortRows(rows: Uint32Array, keys: Float64Array, descending: boolean): Uint32Array {
  const out = rows.slice();
  const sign = descending ? -1 : 1;
  out.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    if (x !== x) return y !== y ? a - b : 1;
    if (y !== y) return -1;
    return x === y ? a - b : (x < y ? -1 : 1) * sign;
  });
  return out;
}

const cell = (c: Column, i: number): number | string | boolean | null => {
  const v = valueAt(c, i);
  return Array.isArray(v) ? v.join(', ') : v;
};

/** Caches the last sorted row list, so scrolling through a cohort sorts it once. */
export class RowCache {
  private last: { key: string; rows: Uint32Array } | null = null;

  /** A window of the cohort's rows, sorted by a column (data order when none). */
  page(engine: Engine, params: { cohort: string; threshold: number | null; sort?: string | null; descending?: boolean; offset: number; limit: number }): RowsPage {
    const derivedSort = params.sort === PREDICTION_COLUMN || params.sort === ERROR_COLUMN;
    const key = JSON.stringify([params.cohort.trim(), params.sort ?? null, !!params.descending, derivedSort ? params.threshold : null]);
    if (this.last?.key !== key) {
      let rows = cohortRows(engine, params.cohort);
      if (params.sort) rows = sortRows(rows, sortKeys(engine, params.sort, params.threshold), !!params.descending);
      this.last = { key, rows };
    }
    const rows = this.last.rows;
    const table = engine.table;
    const offset = Math.max(0, Math.min(params.offset, rows.length));
    const end = Math.min(rows.length, offset + Math.max(0, Math.min(params.limit, 1000)));
    const derived = engine.manifest.task !== 'regression' || engine.settings.pred !== null;
    const columns: RowsPage['columns'] = [...table.columns.map((c) => ({ name: c.name, type: c.type })), ...(derived ? [{ name: PREDICTION_COLUMN, type: 'derived' as const }, { name: ERROR_COLUMN, type: 'derived' as const }] : [])];
    const out: RowsPage['rows'] = [];
    for (let k = offset; k < end; k++) {
      const i = rows[k];
      const values = table.columns.map((c) => cell(c, i));
      if (derived) values.push(engine.predictionText(i, params.threshold), engine.errorOf(i, params.threshold));
      out.push({ index: i, values });
    }
    return { cohort: params.cohort.trim(), total: rows.length, offset, columns, rows: out };
  }
}

/** Row i's values with its label, prediction and score. */
export function rowOf(engine: Engine, index: number, threshold: number | null): RowResult {
  const table = engine.table;
  if (!(Number.isInteger(index) && index >= 0 && index < table.rowCount)) throw userError('invalid_row', `no row ${index}: the data has rows 0 to ${table.rowCount - 1}`);
  const values: RowResult['values'] = {};
  for (const c of table.columns) values[c.name] = cell(c, index);
  const s = engine.settings;
  const label = table.has(s.label) ? valueAt(table.column(s.label), index) : null;
  const score = s.score ? (valueAt(table.column(s.score), index) as number | null) : null;
  return { index, values, label: label === null ? null : String(label), prediction: engine.predictionText(index, threshold), score };
}

/** `count` rows spread evenly over the cohort (data order), with their values. */
export function sampleRows(engine: Engine, params: { cohort: string; threshold: number | null; count: number }): RowResult[] {
  const rows = cohortRows(engine, params.cohort);
  const count = Math.max(0, Math.min(rows.length, Math.min(1000, params.count)));
  const step = rows.length / Math.max(1, count);
  return Array.from({ length: count }, (_, k) => rowOf(engine, rows[Math.floor(k * step)], params.threshold));
}

type SeriesBy = 'label' | 'prediction' | 'error' | 'none';

/** Each row's series (0, 1…) and the series' names; -1 when the row has none. */
function seriesOf(engine: Engine, by: SeriesBy, threshold: number | null): { names: string[]; of: (i: number) => number } {
  const t = engine.target;
  if (by === 'error') {
    const regression = engine.manifest.task === 'regression';
    if (regression) return { names: ['all rows'], of: () => 0 };
    return { names: ['correct', 'error'], of: (i) => engine.errorOf(i, threshold) ?? -1 };
  }
  if (by === 'label' && t) return { names: [t.negative ?? 'negative', t.positive], of: (i) => (t.label[i] === 255 ? -1 : t.label[i]) };
  if (by === 'prediction' && t) {
    const p = engine.predictedAt(threshold)!;
    return { names: [`predicted ${t.negative ?? 'negative'}`, `predicted ${t.positive}`], of: (i) => (p[i] === 255 ? -1 : p[i]) };
  }
  if ((by === 'label' || by === 'prediction') && engine.manifest.task === 'multiclass') {
    const spec = by === 'label' ? engine.settings.label : engine.settings.pred;
    if (spec && engine.table.has(spec)) {
      const c = engine.table.column(spec);
      if (c.type === 'categorical') return { names: [...c.dictionary], of: (i) => c.codes[i] };
    }
  }
  return { names: ['all rows'], of: () => 0 };
}

/** Bins of a column over the cohort: equal-width for numbers, the most frequent values for categories. */
export function histogram(engine: Engine, params: { cohort: string; threshold: number | null; column: string; by: SeriesBy; bins?: number }): Histogram {
  const rows = cohortRows(engine, params.cohort);
  const c = engine.table.column(params.column);
  const series = seriesOf(engine, params.by, params.threshold);
  const binCount = Math.max(2, Math.min(60, params.bins ?? 20));
  let labels: string[];
  let binOf: (i: number) => number;
  if (c.type === 'numeric') {
    let lo = Infinity;
    let hi = -Infinity;
    let missing = false;
    for (let k = 0; k < rows.length; k++) {
      const v = c.values[rows[k]];
      if (v !== v) missing = true;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) {
      lo = 0;
      hi = 1;
    }
    const width = hi > lo ? (hi - lo) / binCount : 1;
    const bins = hi > lo ? binCount : 1;
    labels = Array.from({ length: bins }, (_, b) => `${fmt(lo + b * width)}–${fmt(b === bins - 1 ? hi : lo + (b + 1) * width)}`);
    if (missing) labels.push('missing');
    binOf = (i) => {
      const v = c.values[i];
      if (v !== v) return bins;
      return Math.min(bins - 1, Math.floor((v - lo) / width));
    };
  } else if (c.type === 'categorical' || c.type === 'boolean') {
    const codeOf = c.type === 'categorical' ? (i: number) => c.codes[i] : (i: number) => (c.values[i] === MISSING_BOOL ? -1 : c.values[i]);
    const names = c.type === 'categorical' ? c.dictionary : ['false', 'true'];
    const counts = new Float64Array(names.length);
    let missing = 0;
    for (let k = 0; k < rows.length; k++) {
      const code = codeOf(rows[k]);
      if (code < 0) missing++;
      else counts[code]++;
    }
    const top = names.map((_, code) => code).filter((code) => counts[code] > 0).sort((a, b) => counts[b] - counts[a] || (names[a] < names[b] ? -1 : 1));
    const shown = top.slice(0, binCount);
    const slot = new Int32Array(names.length).fill(shown.length);
    shown.forEach((code, b) => (slot[code] = b));
    labels = shown.map((code) => names[code]);
    const other = top.length > shown.length;
    if (other) labels.push('other');
    if (missing) labels.push('missing');
    const missingBin = labels.length - 1;
    binOf = (i) => {
      const code = codeOf(i);
      return code < 0 ? missingBin : slot[code];
    };
  } else throw userError('invalid_column', `column ${JSON.stringify(params.column)} holds lists: pick a numeric, categorical or boolean column`);
  const out = series.names.map((name) => ({ name, counts: new Array<number>(labels.length).fill(0) }));
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const s = series.of(i);
    if (s < 0) continue;
    out[s].counts[binOf(i)]++;
  }
  return { column: params.column, bins: labels, series: out, rows: rows.length };
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2).replace(/\.?0+$/, '') : String(Number(v.toPrecision(3)));
}

/** A numeric axis value per row: a numeric column, a category's index, or a derived value. */
function axisOf(engine: Engine, name: string, threshold: number | null): { of: (i: number) => number; categories: string[] | null } {
  if (name === ERROR_COLUMN) return { of: (i) => engine.errorOf(i, threshold) ?? NaN, categories: engine.manifest.task === 'regression' ? null : ['correct', 'error'] };
  if (name === PREDICTION_COLUMN) {
    const p = engine.predictedAt(threshold);
    const t = engine.target;
    if (p && t) return { of: (i) => (p[i] === 255 ? NaN : p[i]), categories: [t.negative ?? 'negative', t.positive] };
    if (engine.settings.pred) return axisOf(engine, engine.settings.pred, threshold);
  }
  if (name === engine.settings.label && engine.target) {
    const t = engine.target;
    return { of: (i) => (t.label[i] === 255 ? NaN : t.label[i]), categories: [t.negative ?? 'negative', t.positive] };
  }
  const c = engine.table.column(name);
  if (c.type === 'numeric') return { of: (i) => c.values[i], categories: null };
  if (c.type === 'categorical') return { of: (i) => (c.codes[i] < 0 ? NaN : c.codes[i]), categories: [...c.dictionary] };
  if (c.type === 'boolean') return { of: (i) => (c.values[i] === MISSING_BOOL ? NaN : c.values[i]), categories: ['false', 'true'] };
  throw userError('invalid_column', `column ${JSON.stringify(name)} holds lists`);
}

/** A seeded-stride sample of the cohort's rows as scatter points, coloured by a series. */
export function scatter(engine: Engine, params: { cohort: string; threshold: number | null; x: string; y: string; color: SeriesBy; max?: number }): Scatter {
  const rows = cohortRows(engine, params.cohort);
  const max = Math.max(100, Math.min(20_000, params.max ?? 4000));
  const x = axisOf(engine, params.x, params.threshold);
  const y = axisOf(engine, params.y, params.threshold);
  const series = seriesOf(engine, params.color, params.threshold);
  const points: [number, number, number][] = [];
  // Every k-th row from a fixed offset: an even, reproducible sample of the cohort in data order.
  const step = rows.length > max ? rows.length / max : 1;
  for (let f = 0; f < rows.length && points.length < max; f += step) {
    const i = rows[Math.floor(f)];
    const a = x.of(i);
    const b = y.of(i);
    const s = series.of(i);
    if (a !== a || b !== b || s < 0) continue;
    points.push([a, b, s]);
  }
  return { x: params.x, y: params.y, points, series: series.names, xCategories: x.categories, yCategories: y.categories, sampled: points.length, of: rows.length };
}

/** Values to suggest in the cohort builder: frequent categories, or a numeric column's range and quantiles. */
export function suggest(table: Table, column: string): ValueSuggestions {
  const c = table.column(column);
  if (c.type === 'numeric') {
    const n = c.values.length;
    const step = Math.max(1, Math.floor(n / 20_000));
    const sample: number[] = [];
    let missing = 0;
    for (let i = 0; i < n; i++) if (c.values[i] !== c.values[i]) missing++;
    for (let i = 0; i < n; i += step) if (c.values[i] === c.values[i]) sample.push(c.values[i]);
    sample.sort((a, b) => a - b);
    const sorted = Float64Array.from(sample);
    const quantiles = [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => Number((quantileSorted(sorted, q) ?? NaN).toPrecision(4)));
    return { column, type: 'numeric', values: [], numeric: sample.length ? { min: sample[0], max: sample[sample.length - 1], quantiles, missing } : null };
  }
  if (c.type === 'categorical' || c.type === 'list') {
    const counts = new Float64Array(c.dictionary.length);
    const codes = c.codes;
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) counts[codes[i]]++;
    const values = c.dictionary.map((value, k) => ({ value, count: counts[k] })).filter((v) => v.count > 0).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, 100);
    return { column, type: c.type, values, numeric: null };
  }
  let t = 0;
  let f = 0;
  for (let i = 0; i < c.values.length; i++) {
    if (c.values[i] === 1) t++;
    else if (c.values[i] === 0) f++;
  }
  return { column, type: 'boolean', values: [{ value: 'true', count: t }, { value: 'false', count: f }], numeric: null };
}
