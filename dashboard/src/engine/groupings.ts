import { type Column, MISSING_BOOL, type Table, userError } from '../../../src/index.js';

/** The label `assess` gives a missing value in a group key. */
export const MISSING_GROUP = '(missing)';

/**
 * A sensitive grouping (one column, or the intersection of several) encoded once over the rows in
 * the analysis, with the groups named and ordered exactly as `assess` names and orders them (values
 * sorted — text byte-wise, numbers numerically — with "(missing)" last; intersections by the first
 * column, then the next), so the page's per-group metrics line up with the CLI's.
 */
export interface Grouping {
  readonly by: string[];
  /** Group per row; -1 outside the analysis. */
  readonly codes: Int32Array;
  readonly keys: Record<string, string>[];
  /** `A | B`: the name `assess` gives a group in reference keys. */
  readonly labels: string[];
  /** Rows of each group in the analysis. */
  readonly sizes: Float64Array;
}

interface Encoded {
  codes: Int32Array;
  labels: string[];
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function encodeColumn(column: Column, usable: Uint8Array, maxGroups: number): Encoded {
  const n = usable.length;
  let raw: Int32Array;
  let labels: string[];
  let order: number[];
  if (column.type === 'list') throw userError('invalid_sensitive', `sensitive column ${JSON.stringify(column.name)} holds lists; choose a column with one value per row`);
  if (column.type === 'categorical') {
    raw = column.codes;
    labels = [...column.dictionary];
    order = labels.map((_, i) => i).sort((a, b) => compareText(labels[a], labels[b]));
  } else if (column.type === 'boolean') {
    raw = new Int32Array(n);
    for (let i = 0; i < n; i++) raw[i] = column.values[i] === MISSING_BOOL ? -1 : column.values[i];
    labels = ['false', 'true'];
    order = [0, 1];
  } else {
    const index = new Map<number, number>();
    const values: number[] = [];
    raw = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (Number.isNaN(v)) {
        raw[i] = -1;
        continue;
      }
      let c = index.get(v);
      if (c === undefined) {
        c = values.length;
        values.push(v);
        index.set(v, c);
        if (values.length > maxGroups) throw userError('too_many_groups', `sensitive column ${JSON.stringify(column.name)} has more than ${maxGroups} distinct values`);
      }
      raw[i] = c;
    }
    labels = values.map(String);
    order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  }
  const seen = new Uint8Array(labels.length + 1);
  for (let i = 0; i < n; i++) if (usable[i]) seen[raw[i] < 0 ? labels.length : raw[i]] = 1;
  const remap = new Int32Array(labels.length + 1).fill(-1);
  const out: string[] = [];
  for (const c of order) {
    if (!seen[c]) continue;
    remap[c] = out.length;
    out.push(labels[c]);
  }
  if (seen[labels.length]) {
    remap[labels.length] = out.length;
    out.push(MISSING_GROUP);
  }
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = usable[i] ? remap[raw[i] < 0 ? labels.length : raw[i]] : -1;
  return { codes, labels: out };
}

/** Encodes the grouping `by` over the rows where `usable` is 1. */
export function encodeGrouping(table: Table, by: readonly string[], usable: Uint8Array, maxGroups = 1000): Grouping {
  if (by.length === 0) throw userError('invalid_option', 'a grouping needs at least one column');
  const encoded = by.map((c) => encodeColumn(table.column(c), usable, maxGroups));
  const n = usable.length;
  let codes: Int32Array;
  let keys: Record<string, string>[];
  if (encoded.length === 1) {
    codes = encoded[0].codes;
    keys = encoded[0].labels.map((l) => ({ [by[0]]: l }));
  } else {
    // Mixed-radix cell per row; cells that occur, in increasing order, are the groups (sorted by the first column, then the next).
    const cell = new Float64Array(n);
    for (let k = 0; k < encoded.length; k++) {
      const c = encoded[k].codes;
      const radix = encoded[k].labels.length;
      for (let i = 0; i < n; i++) cell[i] = c[i] < 0 || cell[i] < 0 ? -1 : cell[i] * radix + c[i];
    }
    const present = new Set<number>();
    for (let i = 0; i < n; i++) if (cell[i] >= 0) present.add(cell[i]);
    const ids = [...present].sort((a, b) => a - b);
    if (ids.length > maxGroups) throw userError('too_many_groups', `the intersection ${by.join(' × ')} has ${ids.length} groups (more than ${maxGroups})`);
    const index = new Map(ids.map((id, g) => [id, g]));
    codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = cell[i] < 0 ? -1 : (index.get(cell[i]) as number);
    keys = ids.map((id) => {
      const key: Record<string, string> = {};
      let rest = id;
      for (let k = encoded.length - 1; k >= 0; k--) {
        const radix = encoded[k].labels.length;
        key[by[k]] = encoded[k].labels[rest % radix];
        rest = Math.floor(rest / radix);
      }
      return Object.fromEntries(by.map((c) => [c, key[c]]));
    });
  }
  const sizes = new Float64Array(keys.length);
  for (let i = 0; i < n; i++) if (codes[i] >= 0) sizes[codes[i]]++;
  return { by: [...by], codes, keys, labels: keys.map((k) => by.map((c) => k[c]).join(' | ')), sizes };
}

/** The grouping's key, `a,b`, as `assess` keys references. */
export const groupingKey = (by: readonly string[]) => by.join(',');
