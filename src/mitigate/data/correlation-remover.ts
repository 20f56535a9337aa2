import { MISSING_GROUP } from '../../assess/groups.js';
import { userError } from '../../errors/index.js';
import { type Column, MISSING_BOOL, numericColumn, Table } from '../../table/index.js';
import { scopeMask, sensitiveList } from './cells.js';
import { pseudoInverseGram } from './least-squares.js';

/** Options of {@link fitCorrelationRemover} and {@link removeCorrelation}. */
export interface CorrelationRemoverOptions {
  /**
   * Sensitive columns. A categorical or boolean column becomes one indicator per value (a missing
   * value is its own `(missing)` value); a numeric column is used as it is.
   */
  readonly sensitive: string | readonly string[];
  /**
   * Numeric columns to filter. Defaults to every numeric column except the sensitive ones and
   * `exclude`.
   */
  readonly features?: readonly string[];
  /** Columns never filtered (the label, weights, ids); kept as they are. */
  readonly exclude?: readonly string[];
  /** How much of the correlation to remove, in [0, 1]: 1 removes it all, 0 changes nothing. Defaults to 1. */
  readonly alpha?: number;
  /** A cohort-language expression: fit on, and filter, only the rows inside it. Defaults to every row. */
  readonly cohort?: string;
}

/** One column of the sensitive design matrix S. */
export interface SensitiveIndicator {
  readonly column: string;
  /** The value this indicator is 1 for; null for a numeric column used as it is. */
  readonly value: string | null;
}

/** A fitted correlation remover: per filtered feature, the centre of S and the coefficients β. */
export interface CorrelationRemover {
  readonly sensitive: readonly string[];
  readonly indicators: readonly SensitiveIndicator[];
  readonly features: readonly string[];
  /** Per feature: the means of the indicators over the rows it was fitted on. */
  readonly centres: readonly Float64Array[];
  /** Per feature: the least-squares coefficients on the centred indicators (minimum-norm). */
  readonly coefficients: readonly Float64Array[];
  /** Per feature: the rows fitted on (in the cohort, feature not missing). */
  readonly rows: readonly number[];
  readonly alpha: number;
  readonly cohort: string | undefined;
}

/** Options of {@link applyCorrelationRemover}. */
export interface ApplyCorrelationRemoverOptions {
  /** Keep the sensitive columns in the output (Fairlearn drops them). Defaults to false. */
  readonly keepSensitive?: boolean;
  /** Overrides the remover's alpha. */
  readonly alpha?: number;
}

/**
 * Fits Fairlearn's `CorrelationRemover`: the sensitive design S (indicators, or numeric columns) is
 * centred, and each feature x is regressed on it by least squares, β = argmin ‖x − S_c·β‖ (the
 * minimum-norm solution, as `numpy.linalg.lstsq`). Filtering then subtracts S_c·β, which leaves x
 * uncorrelated with every column of S.
 *
 * A feature with missing values is fitted on the rows where it is present, with S centred over
 * those rows; without missing values every feature shares one centre, as in Fairlearn.
 */
export function fitCorrelationRemover(table: Table, options: CorrelationRemoverOptions): CorrelationRemover {
  const { alpha = 1, cohort } = options;
  checkAlpha(alpha);
  const sensitive = sensitiveList(options.sensitive);
  if (sensitive.length === 0) throw userError('missing_option', 'the correlation remover needs at least one sensitive column', {});
  const scope = scopeMask(table, cohort);
  const { indicators, design } = sensitiveDesign(table, sensitive, scope);
  const features = resolveFeatures(table, sensitive, options);
  const p = indicators.length;
  const n = table.rowCount;
  const centres: Float64Array[] = [];
  const coefficients: Float64Array[] = [];
  const rows: number[] = [];
  for (const name of features) {
    const x = (table.column(name) as { values: Float64Array }).values;
    const use = new Uint8Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (scope[i] && !Number.isNaN(x[i])) {
        use[i] = 1;
        count++;
      }
    }
    if (count === 0) throw userError('missing_values', `feature ${JSON.stringify(name)} has no values in scope to fit the correlation remover on; leave it out of the features`, { column: name });
    const centre = new Float64Array(p);
    for (let f = 0; f < p; f++) {
      const s = design[f];
      let m = 0;
      for (let i = 0; i < n; i++) if (use[i]) m += s[i];
      centre[f] = m / count;
    }
    // Two passes (centre first), so the Gram matrix carries no cancellation from large means.
    const gram = new Float64Array(p * p);
    const sx = new Float64Array(p);
    const sc = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      if (!use[i]) continue;
      for (let f = 0; f < p; f++) sc[f] = design[f][i] - centre[f];
      for (let f = 0; f < p; f++) {
        sx[f] += sc[f] * x[i];
        for (let g = f; g < p; g++) gram[f * p + g] += sc[f] * sc[g];
      }
    }
    for (let f = 0; f < p; f++) for (let g = 0; g < f; g++) gram[f * p + g] = gram[g * p + f];
    const pinv = pseudoInverseGram(gram, p);
    const beta = new Float64Array(p);
    for (let f = 0; f < p; f++) {
      let b = 0;
      for (let g = 0; g < p; g++) b += pinv[f * p + g] * sx[g];
      beta[f] = b;
    }
    centres.push(centre);
    coefficients.push(beta);
    rows.push(count);
  }
  return { sensitive, indicators, features, centres, coefficients, rows, alpha, cohort };
}

/**
 * Filters `table` with a fitted remover: in every row of its cohort, each feature becomes
 * x − alpha·(s − centre)·β, i.e. alpha·X_filtered + (1 − alpha)·X; other rows and columns are kept.
 * The sensitive columns are dropped unless `keepSensitive`. Applies to new data (a test set) too:
 * a category not seen in the fit has all indicators 0.
 */
export function applyCorrelationRemover(table: Table, remover: CorrelationRemover, options: ApplyCorrelationRemoverOptions = {}): Table {
  const { keepSensitive = false, alpha = remover.alpha } = options;
  checkAlpha(alpha);
  const scope = scopeMask(table, remover.cohort);
  const design = indicatorValues(table, remover.indicators);
  const n = table.rowCount;
  const p = remover.indicators.length;
  const replaced = new Map<string, Column>();
  remover.features.forEach((name, j) => {
    const col = table.column(name);
    if (col.type !== 'numeric') throw userError('invalid_feature', `the correlation remover filters numeric columns, but ${JSON.stringify(name)} is ${col.type} here`, { column: name });
    const out = Float64Array.from(col.values);
    const centre = remover.centres[j];
    const beta = remover.coefficients[j];
    for (let i = 0; i < n; i++) {
      if (!scope[i]) continue;
      let fit = 0;
      for (let f = 0; f < p; f++) fit += (design[f][i] - centre[f]) * beta[f];
      out[i] = out[i] - alpha * fit;
    }
    replaced.set(name, numericColumn(name, out, col.role));
  });
  const drop = new Set(keepSensitive ? [] : remover.sensitive);
  return new Table(
    table.columns.filter((c) => !drop.has(c.name)).map((c) => replaced.get(c.name) ?? c),
    n,
  );
}

/**
 * Fits a correlation remover on `table` and filters it (Fairlearn's `fit_transform`).
 * @example
 * const { table: filtered } = removeCorrelation(table, { sensitive: 'sex', exclude: ['income'], alpha: 1 });
 */
export function removeCorrelation(table: Table, options: CorrelationRemoverOptions & ApplyCorrelationRemoverOptions): { table: Table; remover: CorrelationRemover } {
  const remover = fitCorrelationRemover(table, options);
  return { table: applyCorrelationRemover(table, remover, options), remover };
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha <= 1)) throw userError('invalid_option', `invalid alpha: ${alpha} (expected a number in [0, 1])`, { alpha });
}

function resolveFeatures(table: Table, sensitive: string[], options: CorrelationRemoverOptions): string[] {
  const skip = new Set([...sensitive, ...(options.exclude ?? [])]);
  for (const e of options.exclude ?? []) table.column(e);
  const features = options.features ? [...options.features] : table.columns.filter((c) => c.type === 'numeric' && !skip.has(c.name)).map((c) => c.name);
  for (const f of features) {
    const col = table.column(f);
    if (sensitive.includes(f)) throw userError('invalid_option', `${JSON.stringify(f)} is sensitive; the correlation remover filters the other columns`, { column: f });
    if (col.type !== 'numeric') {
      throw userError('invalid_feature', `the correlation remover filters numeric columns, but ${JSON.stringify(f)} is ${col.type}; leave it out of the features (it is kept as it is)`, { column: f });
    }
  }
  if (features.length === 0) throw userError('no_features', 'no numeric feature to filter: the data has no numeric column besides the sensitive and excluded ones', {});
  return features;
}

/** The indicators of the sensitive columns' values among the rows in scope, and their values per row. */
function sensitiveDesign(table: Table, sensitive: string[], scope: Uint8Array): { indicators: SensitiveIndicator[]; design: Float64Array[] } {
  const indicators: SensitiveIndicator[] = [];
  for (const name of sensitive) {
    const col = table.column(name);
    if (col.type === 'numeric') {
      for (let i = 0; i < scope.length; i++) {
        if (scope[i] && Number.isNaN(col.values[i])) throw userError('missing_values', `sensitive column ${JSON.stringify(name)} is numeric with missing values; fill them, or make it categorical (--type ${name}=categorical)`, { column: name });
      }
      indicators.push({ column: name, value: null });
      continue;
    }
    if (col.type === 'list') throw userError('invalid_sensitive', `sensitive column ${JSON.stringify(name)} holds lists; choose a column with one value per row`, { column: name });
    const values = new Set<string>();
    for (let i = 0; i < scope.length; i++) if (scope[i]) values.add(textAt(col, i));
    for (const value of [...values].sort()) indicators.push({ column: name, value });
  }
  return { indicators, design: indicatorValues(table, indicators) };
}

function textAt(col: Column, i: number): string {
  if (col.type === 'categorical') return col.codes[i] < 0 ? MISSING_GROUP : col.dictionary[col.codes[i]];
  if (col.type === 'boolean') return col.values[i] === MISSING_BOOL ? MISSING_GROUP : col.values[i] === 1 ? 'true' : 'false';
  throw new Error(`textAt: ${col.type}`);
}

function indicatorValues(table: Table, indicators: readonly SensitiveIndicator[]): Float64Array[] {
  const n = table.rowCount;
  return indicators.map(({ column, value }) => {
    const col = table.column(column);
    if (value === null) {
      if (col.type !== 'numeric') throw userError('invalid_sensitive', `sensitive column ${JSON.stringify(column)} was numeric when the remover was fitted, but is ${col.type} here`, { column });
      return col.values;
    }
    if (col.type !== 'categorical' && col.type !== 'boolean') throw userError('invalid_sensitive', `sensitive column ${JSON.stringify(column)} was categorical when the remover was fitted, but is ${col.type} here`, { column });
    const out = new Float64Array(n);
    if (col.type === 'categorical') {
      const codes = col.dictionary.map((d) => d === value);
      const missing = value === MISSING_GROUP;
      for (let i = 0; i < n; i++) out[i] = col.codes[i] < 0 ? (missing ? 1 : 0) : codes[col.codes[i]] ? 1 : 0;
    } else for (let i = 0; i < n; i++) out[i] = textAt(col, i) === value ? 1 : 0;
    return out;
  });
}

/**
 * Per feature of the remover, the largest absolute Pearson correlation with any sensitive
 * indicator, over the rows of the remover's cohort where the feature is present (null when a
 * feature or every indicator is constant there). After filtering with alpha 1 every value is ~0.
 */
export function indicatorCorrelations(table: Table, remover: CorrelationRemover): (number | null)[] {
  const scope = scopeMask(table, remover.cohort);
  const design = indicatorValues(table, remover.indicators);
  return remover.features.map((name) => {
    const col = table.column(name);
    if (col.type !== 'numeric') throw userError('invalid_feature', `the correlation remover filters numeric columns, but ${JSON.stringify(name)} is ${col.type} here`, { column: name });
    const x = col.values;
    let worst: number | null = null;
    for (const s of design) {
      let n = 0;
      let mx = 0;
      let ms = 0;
      for (let i = 0; i < x.length; i++) {
        if (!scope[i] || Number.isNaN(x[i])) continue;
        n++;
        mx += x[i];
        ms += s[i];
      }
      if (n === 0) continue;
      mx /= n;
      ms /= n;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < x.length; i++) {
        if (!scope[i] || Number.isNaN(x[i])) continue;
        const dx = x[i] - mx;
        const ds = s[i] - ms;
        sxy += dx * ds;
        sxx += dx * dx;
        syy += ds * ds;
      }
      if (sxx > 0 && syy > 0) worst = Math.max(worst ?? 0, Math.abs(sxy / Math.sqrt(sxx * syy)));
    }
    return worst;
  });
}
