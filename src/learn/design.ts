import { userError } from '../errors/index.js';
import { MISSING_BOOL, isMissing, type Column, type Table } from '../table/index.js';

/** How one table column becomes columns of the design matrix. Plain JSON data. */
export type DesignColumn =
  | {
      readonly kind: 'numeric';
      readonly column: string;
      /** Training mean (weighted when weights were given); missing values are imputed with it. */
      readonly mean: number;
      /**
       * Divisor: the population standard deviation after mean imputation (as scikit-learn's
       * `SimpleImputer(strategy='mean')` then `StandardScaler`); 1 when constant or when not standardising.
       */
      readonly scale: number;
      /** Subtrahend before scaling: `mean` when standardising, else 0. */
      readonly center: number;
      /** Whether a `num__<column>_missing` 0/1 indicator column follows. */
      readonly indicator: boolean;
    }
  | {
      readonly kind: 'categorical';
      readonly column: string;
      /** One output column per category, sorted by code unit (as scikit-learn sorts them). */
      readonly categories: readonly string[];
      /** Index in `categories` that missing values map to, or -1 (missing encodes as all zeros). */
      readonly missingIndex: number;
    }
  | {
      readonly kind: 'boolean';
      readonly column: string;
      /** Training share of `true`; missing values are imputed with it. */
      readonly mean: number;
    };

/**
 * A fitted design-matrix encoder: which columns, in which order, with the statistics learnt on the
 * training table. Plain JSON data, reusable on any table with the same columns
 * ({@link encodeDesign}).
 */
export interface Design {
  readonly columns: readonly DesignColumn[];
  /** Output feature names: `num__age`, `num__age_missing`, `cat__sex_Female`, `bool__smoker`. */
  readonly names: readonly string[];
  /** For each output column, the index into `columns` of the table column it came from. */
  readonly source: readonly number[];
  /** `impute` (defaults) fills missing values; `keep` leaves them NaN (for trees). */
  readonly missing: 'impute' | 'keep';
}

/** A dense row-major design matrix: row i is `data[i*cols .. (i+1)*cols)`. */
export interface DesignMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly names: readonly string[];
}

/** Options of {@link fitDesign}. */
export interface DesignOptions {
  /** Feature columns, in output order. Numeric, categorical and boolean columns are accepted. */
  readonly features: readonly string[];
  /** Standardise numeric columns to mean 0, population std 1 (as `StandardScaler`). Defaults to true. */
  readonly standardize?: boolean;
  /**
   * `impute` (default): numeric and boolean missing values become the training mean and
   * categorical ones follow `categoricalMissing`. `keep`: numeric/boolean missing values stay NaN
   * and a missing categorical value makes all of its one-hot columns NaN (trees route them).
   */
  readonly missing?: 'impute' | 'keep';
  /** Add a 0/1 `num__<column>_missing` column after each numeric column that had missing values in training. Defaults to false. */
  readonly missingIndicator?: boolean;
  /**
   * Missing categorical values (with `missing: 'impute'`): `category` (default) treats them as a
   * category named `missingLabel` when training had any, as scikit-learn's
   * `SimpleImputer(strategy='constant')` + `OneHotEncoder(handle_unknown='ignore')`;
   * `zeros` encodes them as all zeros. Unknown categories at encoding time are always all zeros.
   */
  readonly categoricalMissing?: 'category' | 'zeros';
  /** Name of the missing category. Defaults to `Missing` (merged with a real category of that name). */
  readonly missingLabel?: string;
  /** Row weights for the means and standard deviations (rows with weight 0 are ignored). Defaults to 1 each. */
  readonly weight?: Float64Array;
}

function featureColumn(table: Table, name: string): Column {
  const col = table.column(name);
  if (col.type === 'list') throw userError('unsupported_column_type', `unsupported feature column: ${JSON.stringify(name)} is a list column (expected numeric, categorical or boolean)`, { column: name });
  return col;
}

/**
 * Fits a design-matrix encoder on `table`: numeric columns standardised, categorical columns
 * one-hot, booleans 0/1.
 * @example
 * const design = fitDesign(train, { features: ['age', 'sex'] });
 * const { data, cols, names } = encodeDesign(design, test); // names: ['num__age', 'cat__sex_F', 'cat__sex_M']
 */
export function fitDesign(table: Table, options: DesignOptions): Design {
  const { features, standardize = true, missing = 'impute', missingIndicator = false, categoricalMissing = 'category', missingLabel = 'Missing', weight } = options;
  if (missing !== 'impute' && missing !== 'keep') throw userError('invalid_option', `invalid missing: ${JSON.stringify(missing)} (expected "impute" or "keep")`, { option: 'missing' });
  if (categoricalMissing !== 'category' && categoricalMissing !== 'zeros') {
    throw userError('invalid_option', `invalid categoricalMissing: ${JSON.stringify(categoricalMissing)} (expected "category" or "zeros")`, { option: 'categoricalMissing' });
  }
  if (weight && weight.length !== table.rowCount) throw userError('invalid_weight', `invalid weight: ${weight.length} values for ${table.rowCount} rows`, {});
  const seen = new Set<string>();
  const columns: DesignColumn[] = [];
  const names: string[] = [];
  const source: number[] = [];
  const n = table.rowCount;
  for (const name of features) {
    if (seen.has(name)) throw userError('duplicate_feature', `duplicate feature: ${JSON.stringify(name)}`, { column: name });
    seen.add(name);
    const col = featureColumn(table, name);
    const k = columns.length;
    if (col.type === 'numeric') {
      // Welford's weighted mean/variance (West, 1979), on values divided by a power of two when huge
      // (|x| > 1e100) so that squares cannot overflow; the division is exact.
      let maxAbs = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(col.values[i]);
        if (a > maxAbs && a !== Infinity) maxAbs = a;
      }
      const unit = maxAbs > 1e100 ? 2 ** Math.ceil(Math.log2(maxAbs)) : 1;
      let sw = 0;
      let mean = 0;
      let m2 = 0;
      let nMissing = 0;
      let wMissing = 0;
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        const w = weight ? weight[i] : 1;
        if (Number.isNaN(v)) {
          if (w > 0) {
            nMissing++;
            wMissing += w;
          }
          continue;
        }
        if (!(w > 0)) continue;
        const u = v / unit;
        sw += w;
        const d = u - mean;
        mean += (w / sw) * d;
        m2 += w * d * (u - mean);
      }
      mean = sw === 0 ? 0 : mean * unit;
      // Imputed rows sit at the mean and count in the denominator, as SimpleImputer(mean) → StandardScaler.
      const std = sw > 0 ? Math.sqrt(m2 / (missing === 'impute' ? sw + wMissing : sw)) * unit : 0;
      const indicator = missingIndicator && missing === 'impute' && nMissing > 0;
      columns.push({ kind: 'numeric', column: name, mean, center: standardize ? mean : 0, scale: standardize && std > 0 && Number.isFinite(std) ? std : 1, indicator });
      names.push(`num__${name}`);
      source.push(k);
      if (indicator) {
        names.push(`num__${name}_missing`);
        source.push(k);
      }
    } else if (col.type === 'boolean') {
      let sw = 0;
      let s1 = 0;
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        const w = weight ? weight[i] : 1;
        if (v === MISSING_BOOL || !(w > 0)) continue;
        sw += w;
        s1 += w * v;
      }
      columns.push({ kind: 'boolean', column: name, mean: sw > 0 ? s1 / sw : 0 });
      names.push(`bool__${name}`);
      source.push(k);
    } else {
      const used = new Uint8Array(col.dictionary.length);
      let anyMissing = false;
      for (let i = 0; i < n; i++) {
        if (weight && !(weight[i] > 0)) continue;
        const c = col.codes[i];
        if (c < 0) anyMissing = true;
        else used[c] = 1;
      }
      const cats = new Set<string>();
      for (let c = 0; c < used.length; c++) if (used[c]) cats.add(col.dictionary[c]);
      const asCategory = anyMissing && missing === 'impute' && categoricalMissing === 'category';
      if (asCategory) cats.add(missingLabel);
      const categories = [...cats].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      columns.push({ kind: 'categorical', column: name, categories, missingIndex: asCategory ? categories.indexOf(missingLabel) : -1 });
      for (const c of categories) {
        names.push(`cat__${name}_${c}`);
        source.push(k);
      }
    }
  }
  return { columns, names, source, missing };
}

function allMissing(col: Column, n: number): boolean {
  for (let i = 0; i < n; i++) if (!isMissing(col, i)) return false;
  return true;
}

function missingColumn(kind: DesignColumn['kind'], name: string, n: number): Column {
  if (kind === 'numeric') return { type: 'numeric', name, values: new Float64Array(n).fill(NaN) };
  if (kind === 'boolean') return { type: 'boolean', name, values: new Uint8Array(n).fill(MISSING_BOOL) };
  return { type: 'categorical', name, codes: new Int32Array(n).fill(-1), dictionary: [] };
}

/** Encodes `table` with a fitted {@link Design}: a row-major `rows × cols` matrix. Unseen categories encode as zeros. */
export function encodeDesign(design: Design, table: Table): DesignMatrix {
  const n = table.rowCount;
  const p = design.names.length;
  const data = new Float64Array(n * p);
  const keep = design.missing === 'keep';
  let j = 0;
  for (const dc of design.columns) {
    let col = featureColumn(table, dc.column);
    const expected = dc.kind;
    // A column with no values at all has no type of its own (CSV and Table.from call it numeric).
    if (col.type !== expected && allMissing(col, n)) col = missingColumn(dc.kind, dc.column, n);
    if (col.type !== expected) {
      throw userError('column_type_mismatch', `column ${JSON.stringify(dc.column)} is ${col.type}, but the model was trained on a ${expected} column`, { column: dc.column, expected, actual: col.type });
    }
    if (dc.kind === 'numeric' && col.type === 'numeric') {
      const fill = keep ? NaN : (dc.mean - dc.center) / dc.scale;
      for (let i = 0, o = j; i < n; i++, o += p) {
        const v = col.values[i];
        data[o] = Number.isNaN(v) ? fill : (v - dc.center) / dc.scale;
      }
      j++;
      if (dc.indicator) {
        for (let i = 0, o = j; i < n; i++, o += p) data[o] = Number.isNaN(col.values[i]) ? 1 : 0;
        j++;
      }
    } else if (dc.kind === 'boolean' && col.type === 'boolean') {
      const fill = keep ? NaN : dc.mean;
      for (let i = 0, o = j; i < n; i++, o += p) {
        const v = col.values[i];
        data[o] = v === MISSING_BOOL ? fill : v;
      }
      j++;
    } else if (dc.kind === 'categorical' && col.type === 'categorical') {
      const index = new Map<string, number>();
      dc.categories.forEach((c, k) => index.set(c, k));
      // Dictionary code → output offset (or -1 for unseen categories).
      const map = new Int32Array(col.dictionary.length);
      for (let c = 0; c < map.length; c++) map[c] = index.get(col.dictionary[c]) ?? -1;
      const width = dc.categories.length;
      for (let i = 0, o = j; i < n; i++, o += p) {
        const c = col.codes[i];
        if (c < 0) {
          if (keep) for (let k = 0; k < width; k++) data[o + k] = NaN;
          else if (dc.missingIndex >= 0) data[o + dc.missingIndex] = 1;
        } else {
          const k = map[c];
          if (k >= 0) data[o + k] = 1;
        }
      }
      j += width;
    }
  }
  return { data, rows: n, cols: p, names: design.names };
}

/** What one design-matrix column is: its table column and, for one-hot and indicator columns, what it flags. */
export interface DesignFeature {
  readonly name: string;
  readonly column: string;
  /** `numeric` (scaled value), `missing` (0/1 missing indicator), `category` (one-hot), `boolean` (0/1). */
  readonly kind: 'numeric' | 'missing' | 'category' | 'boolean';
  /** For `category`: the category this column is 1 for (the missing label when it stands for missing values). */
  readonly category?: string;
  /** For `category`: whether it is the column missing values map to. */
  readonly isMissingCategory?: boolean;
}

/** One entry per design-matrix column, in order: which table column and which category it encodes. */
export function designFeatures(design: Design): DesignFeature[] {
  const out: DesignFeature[] = [];
  for (const dc of design.columns) {
    if (dc.kind === 'numeric') {
      out.push({ name: design.names[out.length], column: dc.column, kind: 'numeric' });
      if (dc.indicator) out.push({ name: design.names[out.length], column: dc.column, kind: 'missing' });
    } else if (dc.kind === 'boolean') out.push({ name: design.names[out.length], column: dc.column, kind: 'boolean' });
    else {
      dc.categories.forEach((category, k) => {
        out.push({ name: design.names[out.length], column: dc.column, kind: 'category', category, isMissingCategory: k === dc.missingIndex });
      });
    }
  }
  return out;
}

/** The input schema of a model reading `design`'s columns. */
export function designInputs(design: Design): { name: string; type: 'numeric' | 'categorical' }[] {
  return design.columns.map((c) => ({ name: c.column, type: c.kind === 'categorical' ? 'categorical' : 'numeric' }));
}
