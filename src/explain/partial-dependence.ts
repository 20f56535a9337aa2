import { userError } from '../errors/index.js';
import type { Model, Predictions } from '../model/model.js';
import { quantileSorted, Random } from '../stats/index.js';
import { booleanColumn, categoricalFromCodes, type Column, MISSING_BOOL, numericColumn, type Table } from '../table/index.js';
import { sampleIndices } from './permutation.js';

/** Options of {@link partialDependence}. */
export interface PartialDependenceOptions {
  /** The column whose effect is traced. Required. */
  readonly feature: string;
  /**
   * Grid size for a numeric feature: its distinct values when there are at most this many, else
   * this many quantiles between `percentiles`. Categorical features use every category, the 50
   * most frequent at most. Defaults to 20.
   */
  readonly grid?: number;
  /** The quantile range of a numeric grid. Defaults to [0.05, 0.95] (scikit-learn's default). */
  readonly percentiles?: readonly [number, number];
  /** Return each row's ICE curve. Defaults to true. */
  readonly ice?: boolean;
  /** Rows traced (drawn with `seed` when the data has more); `Infinity` for all. Defaults to 500. */
  readonly rows?: number;
  /** Seed of the row sample. Defaults to 0. */
  readonly seed?: number;
  /** Classifiers: the class whose probability is traced. Defaults to the positive class of a binary model (`classes[1]`); required for multiclass. */
  readonly class?: string;
}

/** The result of {@link partialDependence}: plain JSON. */
export interface PartialDependence {
  readonly method: 'pdp';
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  /** What the curves hold: a class probability, the share of rows predicted as the class (models without scores), or the regression value. */
  readonly output: 'probability' | 'predicted_share' | 'value';
  /** The traced class of a classifier, else null. */
  readonly class: string | null;
  /** The feature values the curves are evaluated at. */
  readonly grid: (number | string)[];
  /** The partial dependence: the mean of the ICE curves at each grid value. */
  readonly average: number[];
  /** One curve per traced row (`ice[r][g]`), or null with `ice: false`. */
  readonly ice: number[][] | null;
  /** The traced rows' indices in the data. */
  readonly rowIndices: number[];
  /** Rows traced, and of how many; the seed of the sample. */
  readonly rows: number;
  readonly of: number;
  readonly seed: number;
}

/**
 * Partial dependence and individual conditional expectation (Friedman 2001; Goldstein et al.
 * 2015): every traced row is copied once per grid value with the feature set to that value, the
 * copies are scored in one predict call, and each row's outputs form its ICE curve; the partial
 * dependence is their mean. Binary models give the positive-class probability, regression models
 * the value.
 * @example
 * const pd = await partialDependence(model, table, { feature: 'age', grid: 10 });
 * pd.grid    // [22, 25, 29, …]
 * pd.average // [0.11, 0.14, …]
 */
export async function partialDependence(model: Model, table: Table, options: PartialDependenceOptions): Promise<PartialDependence> {
  const { feature, grid: gridSize = 20, percentiles = [0.05, 0.95], ice = true, rows: maxRows = 500, seed = 0 } = options;
  if (typeof feature !== 'string' || feature === '') throw userError('missing_option', 'partial dependence needs a feature');
  if (!(Number.isInteger(gridSize) && gridSize >= 2)) throw userError('invalid_option', `invalid grid: ${gridSize} (expected an integer >= 2)`, { grid: gridSize });
  const [lo, hi] = percentiles;
  if (!(lo >= 0 && hi <= 1 && lo < hi)) throw userError('invalid_option', `invalid percentiles: [${lo}, ${hi}] (expected 0 <= low < high <= 1)`);
  if (!(maxRows >= 1 && (Number.isInteger(maxRows) || maxRows === Infinity))) throw userError('invalid_option', `invalid rows: ${maxRows} (expected a positive integer)`, { rows: maxRows });
  if (!Number.isInteger(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected an integer)`, { seed });
  const column = table.column(feature);
  const classIndex = tracedClass(model, options.class);

  const n = table.rowCount;
  const indices = maxRows < n ? sampleIndices(n, maxRows, new Random(seed)) : Int32Array.from({ length: n }, (_, i) => i);
  const m = indices.length;
  const values = gridOf(column, gridSize, lo, hi);
  const G = values.grid.length;
  if (m === 0 || G === 0) throw userError('empty_data', m === 0 ? 'partial dependence needs at least one row' : `feature ${JSON.stringify(feature)} has no values`, { feature });

  // Row-major stack: copy g of every traced row is block g, so the feature column is G constant blocks.
  const inputNames = [...new Set([...model.inputs.map((i) => i.name), feature])].filter((c) => table.has(c));
  const stackedIndex = new Int32Array(m * G);
  for (let g = 0; g < G; g++) stackedIndex.set(indices, g * m);
  const stacked = table.select(inputNames).take(stackedIndex).withColumn(values.column(m));
  const { values: out, output } = outputOf(await model.predict(stacked), classIndex);

  const average = new Array<number>(G);
  for (let g = 0; g < G; g++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += out[g * m + r];
    average[g] = s / m;
  }
  let curves: number[][] | null = null;
  if (ice) {
    curves = [];
    for (let r = 0; r < m; r++) {
      const curve = new Array<number>(G);
      for (let g = 0; g < G; g++) curve[g] = out[g * m + r];
      curves.push(curve);
    }
  }
  return {
    method: 'pdp',
    feature,
    kind: values.kind,
    output,
    class: classIndex === null ? null : model.classes[classIndex],
    grid: values.grid,
    average,
    ice: curves,
    rowIndices: Array.from(indices),
    rows: m,
    of: n,
    seed,
  };
}

function tracedClass(model: Model, cls: string | undefined): number | null {
  if (model.task === 'regression') {
    if (cls !== undefined) throw userError('invalid_option', `a regression model has no classes (got class ${JSON.stringify(cls)})`);
    return null;
  }
  if (cls === undefined) {
    if (model.task === 'binary') return 1;
    throw userError('missing_option', `a multiclass model needs the class to trace: one of ${model.classes.map((c) => JSON.stringify(c)).join(', ')}`);
  }
  const k = model.classes.indexOf(cls);
  if (k < 0) throw userError('invalid_option', `unknown class: ${JSON.stringify(cls)} (classes are ${model.classes.map((c) => JSON.stringify(c)).join(', ')})`, { class: cls });
  return k;
}

/** The traced output per stacked row, and what it is. */
function outputOf(p: Predictions, k: number | null): { values: Float64Array; output: PartialDependence['output'] } {
  if (p.task === 'regression') return { values: p.values, output: 'value' };
  const kk = k as number;
  if (p.scores) return { values: p.scores[kk], output: 'probability' };
  return { values: Float64Array.from(p.labels, (l) => (l === kk ? 1 : 0)), output: 'predicted_share' };
}

interface Grid {
  readonly kind: 'numeric' | 'categorical';
  readonly grid: (number | string)[];
  /** The feature column for a stack of `rows` copies per grid value. */
  column(rows: number): Column;
}

function gridOf(column: Column, size: number, lo: number, hi: number): Grid {
  const name = column.name;
  if (column.type === 'numeric') {
    const finite = Float64Array.from(column.values.filter((v) => !Number.isNaN(v))).sort();
    const distinct: number[] = [];
    for (let i = 0; i < finite.length && distinct.length <= size; i++) if (i === 0 || finite[i] !== finite[i - 1]) distinct.push(finite[i]);
    let grid: number[];
    if (distinct.length <= size) grid = distinct;
    else {
      grid = [];
      for (let g = 0; g < size; g++) {
        const q = quantileSorted(finite, lo + ((hi - lo) * g) / (size - 1));
        if (grid.length === 0 || q !== grid[grid.length - 1]) grid.push(q);
      }
    }
    return {
      kind: 'numeric',
      grid,
      column: (m) => {
        const v = new Float64Array(m * grid.length);
        for (let g = 0; g < grid.length; g++) v.fill(grid[g], g * m, (g + 1) * m);
        return numericColumn(name, v);
      },
    };
  }
  if (column.type === 'categorical' || column.type === 'boolean') {
    const isBool = column.type === 'boolean';
    const dictionary = isBool ? ['false', 'true'] : column.dictionary;
    const counts = new Float64Array(dictionary.length);
    const n = isBool ? column.values.length : column.codes.length;
    for (let i = 0; i < n; i++) {
      const c = isBool ? (column.values[i] === MISSING_BOOL ? -1 : column.values[i]) : column.codes[i];
      if (c >= 0) counts[c]++;
    }
    // The 50 most frequent categories, shown in dictionary order.
    const codes = dictionary
      .map((_, c) => c)
      .filter((c) => counts[c] > 0)
      .sort((a, b) => counts[b] - counts[a] || a - b)
      .slice(0, 50)
      .sort((a, b) => a - b);
    return {
      kind: 'categorical',
      grid: codes.map((c) => dictionary[c]),
      column: (m) => {
        if (isBool) {
          const v = new Uint8Array(m * codes.length);
          for (let g = 0; g < codes.length; g++) v.fill(codes[g], g * m, (g + 1) * m);
          return booleanColumn(name, v);
        }
        const v = new Int32Array(m * codes.length);
        for (let g = 0; g < codes.length; g++) v.fill(codes[g], g * m, (g + 1) * m);
        return categoricalFromCodes(name, v, dictionary);
      },
    };
  }
  throw userError('invalid_column', `column ${JSON.stringify(name)} holds lists; partial dependence needs one value per row`, { column: name });
}
