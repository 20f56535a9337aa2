/** What a column means to an analysis. Inference proposes one; the user can override every guess. */
export type Role = 'feature' | 'label' | 'prediction' | 'score' | 'sensitive' | 'weight' | 'id' | 'ignore';

/** How a column's values are stored. */
export type ColumnType = 'numeric' | 'categorical' | 'boolean' | 'list';

/** Sentinel code for a missing categorical value. */
export const MISSING_CODE = -1;
/** Sentinel for a missing boolean (booleans are 0 = false, 1 = true). */
export const MISSING_BOOL = 255;

/** Numbers as float64; missing is NaN. */
export interface NumericColumn {
  readonly type: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
  readonly role?: Role;
}

/** Strings, dictionary-encoded: `codes[i]` indexes `dictionary`; missing is -1. */
export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
  readonly role?: Role;
}

/** Booleans as 0/1; missing is 255. */
export interface BooleanColumn {
  readonly type: 'boolean';
  readonly name: string;
  readonly values: Uint8Array;
  readonly role?: Role;
}

/**
 * A list of strings per row (e.g. `pre_existing_conditions`), for `'diabetes' in col`.
 * Row i's items are `codes[offsets[i] .. offsets[i+1])` into `dictionary`; `missing[i] = 1` marks a
 * missing list (distinct from an empty one).
 */
export interface ListColumn {
  readonly type: 'list';
  readonly name: string;
  readonly offsets: Int32Array;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
  readonly missing: Uint8Array;
  readonly role?: Role;
}

export type Column = NumericColumn | CategoricalColumn | BooleanColumn | ListColumn;

/** A cell's value as plain JS: number, string, boolean, string[] or null when missing. */
export type Value = number | string | boolean | string[] | null;

/** Number of rows in a column. */
export function columnLength(column: Column): number {
  switch (column.type) {
    case 'numeric':
      return column.values.length;
    case 'categorical':
      return column.codes.length;
    case 'boolean':
      return column.values.length;
    case 'list':
      return column.missing.length;
  }
}

/** Row i's value, or null when missing. For display and tests, not for hot loops. */
export function valueAt(column: Column, i: number): Value {
  switch (column.type) {
    case 'numeric': {
      const v = column.values[i];
      return Number.isNaN(v) ? null : v;
    }
    case 'categorical': {
      const c = column.codes[i];
      return c < 0 ? null : column.dictionary[c];
    }
    case 'boolean': {
      const v = column.values[i];
      return v === MISSING_BOOL ? null : v === 1;
    }
    case 'list': {
      if (column.missing[i] === 1) return null;
      const out: string[] = [];
      for (let k = column.offsets[i]; k < column.offsets[i + 1]; k++) out.push(column.dictionary[column.codes[k]]);
      return out;
    }
  }
}

/** True when row i is missing. */
export function isMissing(column: Column, i: number): boolean {
  switch (column.type) {
    case 'numeric':
      return Number.isNaN(column.values[i]);
    case 'categorical':
      return column.codes[i] < 0;
    case 'boolean':
      return column.values[i] === MISSING_BOOL;
    case 'list':
      return column.missing[i] === 1;
  }
}

/** A numeric column from numbers (null/undefined become NaN). */
export function numericColumn(name: string, values: ArrayLike<number | null | undefined> | Float64Array, role?: Role): NumericColumn {
  let out: Float64Array;
  if (values instanceof Float64Array) out = values;
  else {
    out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? NaN : v;
    }
  }
  return role ? { type: 'numeric', name, values: out, role } : { type: 'numeric', name, values: out };
}

/** A categorical column from strings (null/undefined are missing). Dictionary in order of first appearance. */
export function categoricalColumn(name: string, values: ArrayLike<string | null | undefined>, role?: Role): CategoricalColumn {
  const codes = new Int32Array(values.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = MISSING_CODE;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  }
  return role ? { type: 'categorical', name, codes, dictionary, role } : { type: 'categorical', name, codes, dictionary };
}

/** A categorical column from codes and a dictionary (no copy). */
export function categoricalFromCodes(name: string, codes: Int32Array, dictionary: readonly string[], role?: Role): CategoricalColumn {
  return role ? { type: 'categorical', name, codes, dictionary, role } : { type: 'categorical', name, codes, dictionary };
}

/** A boolean column from booleans (null/undefined are missing). */
export function booleanColumn(name: string, values: ArrayLike<boolean | null | undefined> | Uint8Array, role?: Role): BooleanColumn {
  let out: Uint8Array;
  if (values instanceof Uint8Array) out = values;
  else {
    out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? MISSING_BOOL : v ? 1 : 0;
    }
  }
  return role ? { type: 'boolean', name, values: out, role } : { type: 'boolean', name, values: out };
}

/** A list column from arrays of strings (null/undefined are missing lists). */
export function listColumn(name: string, values: ArrayLike<readonly string[] | null | undefined>, role?: Role): ListColumn {
  const offsets = new Int32Array(values.length + 1);
  const missing = new Uint8Array(values.length);
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) missing[i] = 1;
    else {
      for (const item of v) {
        let code = index.get(item);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(item);
          index.set(item, code);
        }
        codes.push(code);
      }
    }
    offsets[i + 1] = codes.length;
  }
  const col: ListColumn = { type: 'list', name, offsets, codes: Int32Array.from(codes), dictionary, missing };
  return role ? { ...col, role } : col;
}

/** The same column with another name and/or role (data shared, not copied). */
export function withMeta<C extends Column>(column: C, meta: { name?: string; role?: Role }): C {
  return { ...column, ...(meta.name !== undefined ? { name: meta.name } : {}), ...(meta.role !== undefined ? { role: meta.role } : {}) };
}

/** A new column holding rows `indices` of `column`, in that order. */
export function takeColumn(column: Column, indices: ArrayLike<number>): Column {
  const n = indices.length;
  switch (column.type) {
    case 'numeric': {
      const out = new Float64Array(n);
      const src = column.values;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { ...column, values: out };
    }
    case 'categorical': {
      const out = new Int32Array(n);
      const src = column.codes;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { ...column, codes: out };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      const src = column.values;
      for (let i = 0; i < n; i++) out[i] = src[indices[i]];
      return { ...column, values: out };
    }
    case 'list': {
      const offsets = new Int32Array(n + 1);
      const missing = new Uint8Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r = indices[i];
        total += column.offsets[r + 1] - column.offsets[r];
      }
      const codes = new Int32Array(total);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const r = indices[i];
        missing[i] = column.missing[r];
        for (let j = column.offsets[r]; j < column.offsets[r + 1]; j++) codes[k++] = column.codes[j];
        offsets[i + 1] = k;
      }
      return { ...column, offsets, codes, missing };
    }
  }
}
