import { userError } from '../errors/index.js';
import type { Column, Table } from '../table/index.js';

/** The label of a missing value in a group key. */
export const MISSING_GROUP = '(missing)';

/** Rows assigned to the groups of one grouping (one column, or the intersection of several). */
export interface Grouping {
  /** The grouping's columns, e.g. `['race', 'sex']`. */
  by: string[];
  /** Group code per row, 0..keys.length-1; -1 for rows outside the analysis. */
  codes: Int32Array;
  /** Each group's values by column, in sorted order. */
  keys: Record<string, string>[];
  /** Rows per group. */
  sizes: Float64Array;
}

/** `Caucasian | Male` — how a group is named in text and in reference-disparity keys. */
export function groupLabel(key: Record<string, string>, by: readonly string[]): string {
  return by.map((c) => key[c]).join(' | ');
}

interface Encoded {
  codes: Int32Array;
  labels: string[];
}

/** One column's values as codes into sorted labels; missing values get their own "(missing)" code. */
function encodeColumn(column: Column, include: Uint8Array | null, maxGroups: number): Encoded {
  const n = include ? include.length : columnRows(column);
  if (column.type === 'list') throw userError('invalid_sensitive', `sensitive column ${JSON.stringify(column.name)} holds lists; choose a column with one value per row`, { column: column.name });
  let raw: Int32Array;
  let labels: string[];
  let order: number[];
  if (column.type === 'categorical') {
    raw = column.codes;
    labels = [...column.dictionary];
    order = labels.map((_, i) => i).sort((a, b) => compareText(labels[a], labels[b]));
  } else if (column.type === 'boolean') {
    raw = new Int32Array(n);
    for (let i = 0; i < n; i++) raw[i] = column.values[i] === 255 ? -1 : column.values[i];
    labels = ['false', 'true'];
    order = [0, 1];
  } else {
    const distinct = new Map<number, number>();
    raw = new Int32Array(n);
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (Number.isNaN(v)) {
        raw[i] = -1;
        continue;
      }
      let c = distinct.get(v);
      if (c === undefined) {
        c = values.length;
        values.push(v);
        distinct.set(v, c);
        if (values.length > maxGroups) throw tooManyGroups(column.name, maxGroups, true);
      }
      raw[i] = c;
    }
    labels = values.map((v) => String(v));
    order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  }
  // Only values that occur among included rows become groups.
  const seen = new Uint8Array(labels.length + 1);
  for (let i = 0; i < n; i++) {
    if (include && !include[i]) continue;
    const c = raw[i];
    seen[c < 0 ? labels.length : c] = 1;
  }
  const remap = new Int32Array(labels.length + 1).fill(-1);
  const outLabels: string[] = [];
  for (const c of order) {
    if (!seen[c]) continue;
    remap[c] = outLabels.length;
    outLabels.push(labels[c]);
  }
  if (seen[labels.length]) {
    remap[labels.length] = outLabels.length;
    outLabels.push(MISSING_GROUP);
  }
  if (outLabels.length > maxGroups) throw tooManyGroups(column.name, maxGroups, column.type === 'numeric', outLabels.length);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (include && !include[i]) {
      codes[i] = -1;
      continue;
    }
    const c = raw[i];
    codes[i] = remap[c < 0 ? labels.length : c];
  }
  return { codes, labels: outLabels };
}

function columnRows(column: Column): number {
  return column.type === 'categorical' ? column.codes.length : column.type === 'list' ? column.missing.length : column.values.length;
}

function tooManyGroups(column: string, maxGroups: number, numeric: boolean, found?: number) {
  const hint = numeric ? ` — bin it into a few categories (e.g. --cohort "young=${column} < 30")` : '';
  return userError(
    'too_many_groups',
    `sensitive column ${JSON.stringify(column)} has ${found ?? `more than ${maxGroups}`} distinct values; a sensitive feature should have few groups${hint}, or raise --max-groups`,
    { column, maxGroups },
  );
}

/** Byte-wise order, like SQL's and Python's default string sort. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Assigns each included row to a group of `by` (one column, or the intersection of several).
 * Groups are sorted by their values, column by column; missing values form a "(missing)" group
 * rather than being dropped.
 * @param include 1 for rows in the analysis (after `--where` and dropping unusable rows); null = all.
 */
export function groupRows(table: Table, by: readonly string[], include: Uint8Array | null, maxGroups = 1000): Grouping {
  if (by.length === 0) throw new Error('groupRows needs at least one column');
  const encoded = by.map((name) => encodeColumn(table.column(name), include, maxGroups));
  const n = table.rowCount;
  if (encoded.length === 1) {
    const { codes, labels } = encoded[0];
    const sizes = new Float64Array(labels.length);
    for (let i = 0; i < n; i++) if (codes[i] >= 0) sizes[codes[i]]++;
    return { by: [...by], codes, keys: labels.map((l) => ({ [by[0]]: l })), sizes };
  }
  // Intersection: a mixed-radix cell id per row, then compact the cells that occur (in sorted order,
  // because each column's codes are already sorted and the radix puts the first column first).
  let cells = 1;
  for (const e of encoded) cells *= e.labels.length;
  const combined = new Float64Array(n).fill(0);
  // Column by column (not row by row): each pass is a tight loop over two typed arrays.
  for (let k = 0; k < encoded.length; k++) {
    const codesK = encoded[k].codes;
    const radix = encoded[k].labels.length;
    for (let i = 0; i < n; i++) {
      const c = codesK[i];
      const prev = combined[i];
      combined[i] = c < 0 || prev < 0 ? -1 : prev * radix + c;
    }
  }
  // Cell id -> group code: a dense table when the cells fit, else a map (many sparse cells).
  const present = new Map<number, number>();
  let dense: Int32Array | null = null;
  if (cells <= 1 << 24) {
    dense = new Int32Array(cells).fill(-1);
    for (let i = 0; i < n; i++) if (combined[i] >= 0) dense[combined[i]] = 0;
    for (let id = 0; id < cells; id++) if (dense[id] === 0) present.set(id, present.size);
    for (const [id, g] of present) dense[id] = g;
  } else {
    const ids = new Set<number>();
    for (let i = 0; i < n; i++) if (combined[i] >= 0) ids.add(combined[i]);
    for (const id of [...ids].sort((a, b) => a - b)) present.set(id, present.size);
  }
  if (present.size > maxGroups) {
    throw userError('too_many_groups', `the intersection ${by.join(' × ')} has ${present.size} groups (more than --max-groups ${maxGroups}); use fewer columns or raise --max-groups`, { by });
  }
  const codes = new Int32Array(n);
  const sizes = new Float64Array(present.size);
  for (let i = 0; i < n; i++) {
    const id = combined[i];
    const g = id < 0 ? -1 : dense ? dense[id] : present.get(id)!;
    codes[i] = g;
    if (g >= 0) sizes[g]++;
  }
  const keys: Record<string, string>[] = [];
  for (const id of present.keys()) {
    const key: Record<string, string> = {};
    let rest = id;
    for (let k = encoded.length - 1; k >= 0; k--) {
      const radix = encoded[k].labels.length;
      key[by[k]] = encoded[k].labels[rest % radix];
      rest = Math.floor(rest / radix);
    }
    keys.push(Object.fromEntries(by.map((c) => [c, key[c]])));
  }
  return { by: [...by], codes, keys, sizes };
}
