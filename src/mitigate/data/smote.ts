import { columnsOf, parseExpression } from '../../cohort/index.js';
import { userError } from '../../errors/index.js';
import { Random } from '../../stats/index.js';
import { type Column, MISSING_BOOL, MISSING_CODE, Table } from '../../table/index.js';
import { cellsOf, type DataMitigationTarget, sensitiveList } from './cells.js';
import { NeighbourIndex } from './neighbours.js';
import { planSampling, type SamplingTarget } from './plan.js';
import { cellMembers, finishResample, type ResampleResult } from './resample.js';

/** Options of {@link smote}. */
export interface SmoteOptions extends DataMitigationTarget, SamplingTarget {
  /**
   * The columns synthetic rows are built from: numeric ones are interpolated, categorical and
   * boolean ones (SMOTE-NC) take the most frequent value among the neighbours. Defaults to every
   * numeric column (`smote`) or every numeric, categorical and boolean column (`smote-nc`, `auto`)
   * except the label, the sensitive columns and `copy`.
   */
  readonly features?: readonly string[];
  /**
   * Columns a synthetic row copies from the row it is made from, e.g. the inputs of a label written
   * as a condition. The label, the sensitive columns (constant in a cell) and the columns the cohort
   * reads (unless they are features) are always copied; every other column is missing in synthetic
   * rows.
   */
  readonly copy?: readonly string[];
  /** Neighbours per row. Defaults to 5. */
  readonly k?: number;
  /**
   * `smote`: numeric features only (a categorical feature is an error); `smote-nc`: mixed numeric and
   * nominal features (at least one of each); `auto`: `smote-nc` when there is a nominal feature.
   * Defaults to `auto`.
   */
  readonly variant?: 'smote' | 'smote-nc' | 'auto';
  /** Seed of the draws. Defaults to 0. */
  readonly seed?: number;
}

/** What {@link smote} did: a {@link ResampleResult} plus the features it used. */
export interface SmoteResult extends ResampleResult {
  readonly variant: 'smote' | 'smote-nc';
  readonly numericFeatures: readonly string[];
  readonly nominalFeatures: readonly string[];
  readonly k: number;
}

interface Features {
  numeric: Float64Array[];
  numericNames: string[];
  nominal: Int32Array[];
  nominalNames: string[];
}

/**
 * SMOTE (Chawla, Bowyer, Hall & Kegelmeyer, 2002, "SMOTE: Synthetic Minority Over-sampling
 * Technique", JAIR 16) per (group, label) cell: each cell that must grow (see
 * {@link SamplingTarget}) gets synthetic rows x + u·(n − x), where x is a row of the cell drawn
 * uniformly, n one of its k nearest neighbours in the same cell (same class, same group) drawn
 * uniformly, and u uniform in [0, 1). Neighbours are found in standardised space (each numeric
 * feature centred and scaled by its standard deviation over the labelled rows in scope).
 *
 * SMOTE-NC (§6.1): with nominal features the distance adds the squared median of the cell's
 * numeric standard deviations for every nominal mismatch, and a synthetic row's nominal values are
 * the most frequent among x's k neighbours (a tie goes to the nearest neighbour's value).
 *
 * Synthetic rows come after the kept rows; with `cohort`, only cells inside it grow. A synthetic
 * row stays in the cohort when the cohort's columns are not features (they are copied) or the
 * cohort is convex in them (`age < 30`, `region = 'South'`); an `or` of disjoint ranges over an
 * interpolated feature can put it outside. Integer features get fractional values, as in every
 * SMOTE. The neighbour search is exact, within the cell (a k-d tree, see {@link NeighbourIndex}).
 * @example smote(table, { label: 'income', sensitive: 'sex', features: ['age', 'hours'], seed: 1 })
 */
export function smote(table: Table, options: SmoteOptions): SmoteResult {
  const { k = 5, seed = 0, variant = 'auto' } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw userError('invalid_option', `invalid k: ${k} (expected a whole number ≥ 1)`, { k });
  if (variant !== 'smote' && variant !== 'smote-nc' && variant !== 'auto') throw userError('invalid_option', `invalid SMOTE variant: ${JSON.stringify(variant)} (expected smote, smote-nc or auto)`, { variant });
  const cells = cellsOf(table, options);
  const features = resolveFeatures(table, options, variant);
  const used: 'smote' | 'smote-nc' = features.nominal.length > 0 ? 'smote-nc' : 'smote';
  const plan = planSampling(cells, true, options);
  const warnings = [...plan.warnings];
  const p = features.numeric.length;
  const q = features.nominal.length;

  // Standardisation over the labelled rows in scope (mean and population sd, NaN skipped).
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let f = 0; f < p; f++) {
    const v = features.numeric[f];
    let count = 0;
    let m = 0;
    let s2 = 0;
    for (let i = 0; i < v.length; i++) {
      if (cells.group[i] < 0 || Number.isNaN(v[i])) continue;
      // Welford's update.
      count++;
      const d = v[i] - m;
      m += d / count;
      s2 += d * (v[i] - m);
    }
    const sd = count > 0 ? Math.sqrt(s2 / count) : 0;
    mean[f] = m;
    scale[f] = sd > 0 ? sd : 1;
  }

  const random = new Random(seed);
  const members = cellMembers(cells);
  const L = cells.labels.length;
  const extra: number[] = [];
  const synNumeric: number[] = [];
  const synNominal: number[] = [];
  for (let cell = 0; cell < members.length; cell++) {
    const rows = members[cell];
    const m = plan.targets[cell] - rows.length;
    if (m <= 0) continue;
    const name = `group ${cells.groups[Math.floor(cell / L)]}, label ${cells.labels[cell % L]}`;
    if (rows.length - 1 < k) {
      throw userError(
        'k_too_large',
        `SMOTE needs k = ${k} neighbours in the same cell, but ${name} has ${rows.length} row${rows.length === 1 ? '' : 's'}; lower k to ${Math.max(1, rows.length - 1)}${rows.length < 2 ? ' (a single row has no neighbour: use random oversampling)' : ''}`,
        { k, rows: rows.length, cell: name },
      );
    }
    const n = rows.length;
    const z = new Float64Array(n * p);
    for (let f = 0; f < p; f++) {
      const v = features.numeric[f];
      for (let r = 0; r < n; r++) {
        const x = v[rows[r]];
        if (Number.isNaN(x)) throw missingNumeric(features.numericNames[f], v, rows, name);
        z[r * p + f] = (x - mean[f]) / scale[f];
      }
    }
    const codes = new Int32Array(n * q);
    for (let f = 0; f < q; f++) for (let r = 0; r < n; r++) codes[r * q + f] = features.nominal[f][rows[r]];
    const mismatch = q > 0 ? medianStd(z, p, n) ** 2 : 0;
    const index = new NeighbourIndex(z, p, codes, q, n, mismatch, k);
    const votes = new Map<number, Int32Array>();
    for (let j = 0; j < m; j++) {
      const s = random.int(n);
      const nb = index.neighbours(s);
      const t = nb[random.int(k)];
      const u = random.next();
      extra.push(rows[s]);
      for (let f = 0; f < p; f++) {
        const a = features.numeric[f][rows[s]];
        synNumeric.push(a + u * (features.numeric[f][rows[t]] - a));
      }
      if (q > 0) {
        let v = votes.get(s);
        if (!v) {
          v = vote(codes, q, nb);
          votes.set(s, v);
        }
        for (let f = 0; f < q; f++) synNominal.push(v[f]);
      }
    }
  }

  // The cohort's columns are copied too (when not features), so that synthetic rows stay in it.
  const copied = new Set([...keptColumns(options), ...(options.cohort === undefined ? [] : columnsOf(parseExpression(options.cohort)))]);
  const blanked = table.columns.filter((c) => !features.numericNames.includes(c.name) && !features.nominalNames.includes(c.name) && !copied.has(c.name)).map((c) => c.name);
  if (extra.length > 0 && blanked.length > 0) {
    warnings.push(`synthetic rows have no value (missing) for ${blanked.slice(0, 8).join(', ')}${blanked.length > 8 ? ', …' : ''}: ${blanked.length === 1 ? 'it is' : 'they are'} neither a feature nor copied`);
  }
  const build = (source: Int32Array, first: number) => {
    const taken = table.take(source);
    const columns = taken.columns.map((c) => fillSynthetic(c, first, features, synNumeric, synNominal, blanked));
    return new Table(columns, taken.rowCount);
  };
  const result = finishResample(table, cells, new Uint8Array(table.rowCount).fill(1), Int32Array.from(extra), warnings, seed, build);
  return { ...result, variant: used, numericFeatures: features.numericNames, nominalFeatures: features.nominalNames, k };
}

function keptColumns(options: SmoteOptions): Set<string> {
  return new Set([options.label, ...sensitiveList(options.sensitive), ...(options.copy ?? [])]);
}

function resolveFeatures(table: Table, options: SmoteOptions, variant: 'smote' | 'smote-nc' | 'auto'): Features {
  const kept = keptColumns(options);
  for (const c of options.copy ?? []) table.column(c);
  const names =
    options.features ??
    table.columns.filter((c) => !kept.has(c.name) && (c.type === 'numeric' || (variant !== 'smote' && (c.type === 'categorical' || c.type === 'boolean')))).map((c) => c.name);
  const out: Features = { numeric: [], numericNames: [], nominal: [], nominalNames: [] };
  for (const name of names) {
    const col = table.column(name);
    if (kept.has(name)) throw userError('invalid_option', `${JSON.stringify(name)} is the label, a sensitive column or copied; it cannot also be a SMOTE feature`, { column: name });
    if (col.type === 'numeric') {
      out.numeric.push(col.values);
      out.numericNames.push(name);
    } else if (col.type === 'list') {
      throw userError('invalid_feature', `SMOTE cannot build lists: ${JSON.stringify(name)} is a list column; leave it out of the features`, { column: name });
    } else if (variant === 'smote') {
      throw userError('invalid_feature', `SMOTE interpolates numbers, but ${JSON.stringify(name)} is ${col.type}; use SMOTE-NC for mixed features, or leave the column out of the features`, { column: name });
    } else {
      out.nominal.push(col.type === 'categorical' ? col.codes : Int32Array.from(col.values));
      out.nominalNames.push(name);
    }
  }
  if (out.numeric.length === 0) {
    throw userError('invalid_feature', `SMOTE${variant === 'smote' ? '' : '-NC'} needs at least one numeric feature (found ${names.length === 0 ? 'no features' : `only ${names.join(', ')}`})`, { features: names });
  }
  if (variant === 'smote-nc' && out.nominal.length === 0) {
    throw userError('invalid_feature', 'SMOTE-NC needs at least one categorical or boolean feature; every feature is numeric, so use SMOTE', { features: names });
  }
  return out;
}

function missingNumeric(column: string, values: Float64Array, rows: Int32Array, cell: string) {
  let count = 0;
  for (let r = 0; r < rows.length; r++) if (Number.isNaN(values[rows[r]])) count++;
  return userError(
    'missing_values',
    `SMOTE needs complete numeric features, but ${JSON.stringify(column)} is missing in ${count.toLocaleString('en-US')} of the ${rows.length.toLocaleString('en-US')} rows of ${cell}; fill the missing values first or leave the column out of the features`,
    { column, missing: count },
  );
}

/** Median over features of the population standard deviation within the cell (Chawla et al.'s Med). */
function medianStd(z: Float64Array, p: number, n: number): number {
  const sds: number[] = [];
  for (let f = 0; f < p; f++) {
    let m = 0;
    let s2 = 0;
    for (let r = 0; r < n; r++) {
      const d = z[r * p + f] - m;
      m += d / (r + 1);
      s2 += d * (z[r * p + f] - m);
    }
    sds.push(Math.sqrt(s2 / n));
  }
  sds.sort((a, b) => a - b);
  const h = sds.length >> 1;
  return sds.length % 2 ? sds[h] : (sds[h - 1] + sds[h]) / 2;
}

/** The most frequent code of each nominal feature among the neighbours; a tie goes to the nearest. */
function vote(codes: Int32Array, q: number, neighbours: Int32Array): Int32Array {
  const out = new Int32Array(q);
  for (let f = 0; f < q; f++) {
    let best = codes[neighbours[0] * q + f];
    let bestCount = 0;
    for (let a = 0; a < neighbours.length; a++) {
      const c = codes[neighbours[a] * q + f];
      let count = 0;
      for (let b = 0; b < neighbours.length; b++) if (codes[neighbours[b] * q + f] === c) count++;
      if (count > bestCount) {
        best = c;
        bestCount = count;
      }
    }
    out[f] = best;
  }
  return out;
}

/** Rows from `first` on are synthetic: write their feature values, blank the other columns. */
function fillSynthetic(column: Column, first: number, features: Features, numeric: number[], nominal: number[], blanked: string[]): Column {
  const added = columnRows(column) - first;
  if (added === 0) return column;
  const f = features.numericNames.indexOf(column.name);
  if (f >= 0 && column.type === 'numeric') {
    const p = features.numericNames.length;
    for (let j = 0; j < added; j++) column.values[first + j] = numeric[j * p + f];
    return column;
  }
  const g = features.nominalNames.indexOf(column.name);
  if (g >= 0) {
    const q = features.nominalNames.length;
    if (column.type === 'categorical') for (let j = 0; j < added; j++) column.codes[first + j] = nominal[j * q + g];
    else if (column.type === 'boolean') for (let j = 0; j < added; j++) column.values[first + j] = nominal[j * q + g];
    return column;
  }
  if (!blanked.includes(column.name)) return column;
  switch (column.type) {
    case 'numeric':
      column.values.fill(NaN, first);
      return column;
    case 'categorical':
      column.codes.fill(MISSING_CODE, first);
      return column;
    case 'boolean':
      column.values.fill(MISSING_BOOL, first);
      return column;
    case 'list': {
      const end = column.offsets[first];
      const offsets = Int32Array.from(column.offsets);
      offsets.fill(end, first + 1);
      const missing = Uint8Array.from(column.missing);
      missing.fill(1, first);
      return { ...column, offsets, codes: column.codes.slice(0, end), missing };
    }
  }
}

function columnRows(column: Column): number {
  return column.type === 'categorical' ? column.codes.length : column.type === 'list' ? column.missing.length : column.values.length;
}
