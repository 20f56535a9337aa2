import { userError } from '../errors/index.js';
import { MISSING_BOOL, type Table } from '../table/index.js';

/** A class target: `y[i]` indexes `classes`, or -1 when the label is missing. */
export interface ClassTarget {
  readonly classes: readonly string[];
  readonly y: Int32Array;
}

function sortStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The label column as classes: categorical values sorted by code unit, booleans `false`/`true`,
 * numbers sorted numerically and printed with `String` (as scikit-learn's `classes_`). Missing
 * labels are -1.
 */
export function classTarget(table: Table, label: string): ClassTarget {
  const col = table.column(label);
  const n = table.rowCount;
  const y = new Int32Array(n).fill(-1);
  if (col.type === 'categorical') {
    const used = new Uint8Array(col.dictionary.length);
    for (let i = 0; i < n; i++) if (col.codes[i] >= 0) used[col.codes[i]] = 1;
    const classes = col.dictionary.filter((_, c) => used[c] === 1).sort(sortStrings);
    const index = new Map(classes.map((c, k) => [c, k]));
    const map = col.dictionary.map((d) => index.get(d) ?? -1);
    for (let i = 0; i < n; i++) if (col.codes[i] >= 0) y[i] = map[col.codes[i]];
    return { classes, y };
  }
  if (col.type === 'boolean') {
    for (let i = 0; i < n; i++) if (col.values[i] !== MISSING_BOOL) y[i] = col.values[i];
    return { classes: ['false', 'true'], y };
  }
  if (col.type === 'numeric') {
    const values = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    if (values.length > 1000) throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} has ${values.length} distinct numbers (expected classes)`, { column: label });
    const index = new Map(values.map((v, k) => [v, k]));
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (!Number.isNaN(v)) y[i] = index.get(v) as number;
    }
    return { classes: values.map(String), y };
  }
  throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} is a list column`, { column: label });
}

/**
 * A binary target: `y[i]` is 1 for the positive class, 0 for the other, 255 when missing.
 * `positive` defaults to the last class in sorted order (scikit-learn's `classes_[1]`).
 */
export function binaryTarget(table: Table, label: string, positive?: string): { classes: [string, string]; y: Uint8Array } {
  const { classes, y } = classTarget(table, label);
  if (classes.length > 2) {
    throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} has ${classes.length} classes (expected 2): ${classes.slice(0, 5).join(', ')}${classes.length > 5 ? ', …' : ''}`, { column: label, classes });
  }
  let pos = classes.length - 1;
  if (positive !== undefined) {
    pos = classes.indexOf(positive);
    if (pos < 0) throw userError('unknown_class', `unknown positive class: ${JSON.stringify(positive)} (classes are ${classes.map((c) => JSON.stringify(c)).join(', ')})`, { column: label, positive, classes });
  }
  if (classes.length < 2) throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} has ${classes.length} class${classes.length === 1 ? '' : 'es'} (expected 2)`, { column: label, classes });
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] < 0 ? MISSING_BOOL : y[i] === pos ? 1 : 0;
  return { classes: [classes[1 - pos], classes[pos]], y: out };
}

/** A numeric regression target (NaN when missing). */
export function numericTarget(table: Table, label: string): Float64Array {
  const col = table.column(label);
  if (col.type === 'numeric') return col.values;
  if (col.type === 'boolean') return Float64Array.from(col.values, (v) => (v === MISSING_BOOL ? NaN : v));
  throw userError('invalid_label', `invalid label: ${JSON.stringify(label)} is ${col.type} (expected numeric for regression)`, { column: label });
}

/** Row weights from a column name or an array; rows with a missing or negative weight are rejected. */
export function rowWeights(table: Table, weight: string | Float64Array | undefined): Float64Array | undefined {
  if (weight === undefined) return undefined;
  let w: Float64Array;
  if (typeof weight === 'string') {
    const col = table.column(weight);
    if (col.type !== 'numeric') throw userError('invalid_weight', `invalid weight column: ${JSON.stringify(weight)} is ${col.type} (expected numeric)`, { column: weight });
    w = col.values;
  } else w = weight;
  if (w.length !== table.rowCount) throw userError('invalid_weight', `invalid weight: ${w.length} values for ${table.rowCount} rows`, {});
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] >= 0) || !Number.isFinite(w[i])) throw userError('invalid_weight', `invalid weight: ${w[i]} at row ${i} (expected a finite number ≥ 0)`, { row: i });
  }
  return w;
}
