import { userError } from '../errors/index.js';
import { printLiteral, printName } from '../cohort/print.js';
import { quantileSorted } from '../stats/index.js';
import { MISSING_BOOL, type Table } from '../table/index.js';

/** How numeric features are cut: equal-width bins or bins with equal counts (quantiles). */
export type Binning = 'equal' | 'quantile';

/** Options of {@link featureBins}. */
export interface FeatureBinOptions {
  /** Bins of a numeric feature. Defaults to 8. */
  readonly bins?: number;
  /** Defaults to `equal`. */
  readonly binning?: Binning;
  /** Categories shown of a categorical feature; the rest share one `other` bin. Defaults to 12. */
  readonly maxCategories?: number;
}

/** One bin: a label for people and the expression selecting its rows. */
export interface FeatureBin {
  readonly label: string;
  readonly expression: string;
}

/** A feature cut into bins, with each row's bin. */
export interface BinnedFeature {
  readonly feature: string;
  readonly bins: FeatureBin[];
  /** Each row's bin index (every row of the table, analysed or not). */
  readonly assign: Int32Array;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));

/**
 * Cuts a feature into bins whose expressions select exactly the rows assigned to them: a numeric
 * feature into `bins` equal-width (or quantile) bins over the values of the analysed rows
 * (`include`) — or one bin per value when it has no more distinct values than bins — a categorical
 * one by value (the most frequent `maxCategories`, then `other`: `not in (…)`), a boolean one by
 * value; missing values get their own `is null` bin. Rows are assigned with the same comparisons
 * the expressions make, so the two agree exactly.
 */
export function featureBins(table: Table, feature: string, include: Uint8Array, options: FeatureBinOptions = {}): BinnedFeature {
  const { bins = 8, binning = 'equal', maxCategories = 12 } = options;
  if (!(Number.isInteger(bins) && bins >= 1)) throw userError('invalid_option', `invalid bins: ${bins} (expected an integer ≥ 1)`, { option: 'bins' });
  if (binning !== 'equal' && binning !== 'quantile') throw userError('invalid_option', `invalid binning: ${JSON.stringify(binning)} (expected "equal" or "quantile")`, { option: 'binning' });
  if (!(Number.isInteger(maxCategories) && maxCategories >= 1)) throw userError('invalid_option', `invalid maxCategories: ${maxCategories} (expected an integer ≥ 1)`, { option: 'maxCategories' });
  const column = table.column(feature);
  const n = table.rowCount;
  const name = printName(feature);
  const assign = new Int32Array(n);
  const out: FeatureBin[] = [];
  let anyMissing = false;
  const missingBin = () => {
    out.push({ label: 'missing', expression: `${name} is null` });
    return out.length - 1;
  };

  if (column.type === 'numeric') {
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      if (Number.isNaN(v)) anyMissing ||= include[i] === 1;
      else if (include[i]) values.push(v);
    }
    const sorted = Float64Array.from(values).sort();
    const distinct: number[] = [];
    for (const v of sorted) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
    let edges: number[] = [];
    if (distinct.length > bins) {
      const lo = sorted[0];
      const hi = sorted[sorted.length - 1];
      for (let k = 1; k < bins; k++) edges.push(binning === 'equal' ? lo + ((hi - lo) * k) / bins : quantileSorted(sorted, k / bins));
      // Quantiles repeat on tied values; an edge at the minimum would leave the first bin empty.
      edges = edges.filter((e, k) => e > lo && (k === 0 || e > edges[k - 1]));
      out.push(
        ...Array.from({ length: edges.length + 1 }, (_, k) => {
          const parts: string[] = [];
          if (k > 0) parts.push(`${name} >= ${printLiteral(edges[k - 1])}`);
          if (k < edges.length) parts.push(`${name} < ${printLiteral(edges[k])}`);
          const label = edges.length === 0 ? 'any value' : k === 0 ? `< ${fmt(edges[0])}` : k === edges.length ? `≥ ${fmt(edges[k - 1])}` : `${fmt(edges[k - 1])} – ${fmt(edges[k])}`;
          return { label, expression: parts.length ? parts.join(' and ') : `${name} is not null` };
        }),
      );
      const missing = anyMissing ? missingBin() : -1;
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        if (Number.isNaN(v)) assign[i] = missing;
        else {
          let k = 0;
          while (k < edges.length && v >= edges[k]) k++;
          assign[i] = k;
        }
      }
    } else {
      const index = new Map<number, number>();
      for (const v of distinct) {
        index.set(v, out.length);
        out.push({ label: fmt(v), expression: `${name} = ${printLiteral(v)}` });
      }
      const missing = anyMissing ? missingBin() : -1;
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        assign[i] = Number.isNaN(v) ? missing : (index.get(v) ?? -1);
      }
    }
  } else if (column.type === 'categorical') {
    const counts = new Float64Array(column.dictionary.length);
    for (let i = 0; i < n; i++) {
      if (!include[i]) continue;
      if (column.codes[i] < 0) anyMissing = true;
      else counts[column.codes[i]]++;
    }
    const seen = [...counts.keys()].filter((c) => counts[c] > 0);
    seen.sort((a, b) => counts[b] - counts[a] || (column.dictionary[a] < column.dictionary[b] ? -1 : 1));
    const shown = seen.slice(0, maxCategories);
    const binOf = new Int32Array(column.dictionary.length).fill(-1);
    for (const c of shown) {
      binOf[c] = out.length;
      out.push({ label: column.dictionary[c], expression: `${name} = ${printLiteral(column.dictionary[c])}` });
    }
    if (seen.length > shown.length) {
      const other = out.length;
      const listed = shown.map((c) => column.dictionary[c]).sort();
      out.push({ label: `other (${seen.length - shown.length})`, expression: `${name} not in (${listed.map(printLiteral).join(', ')})` });
      for (let c = 0; c < binOf.length; c++) if (binOf[c] < 0) binOf[c] = other;
    }
    const missing = anyMissing ? missingBin() : -1;
    for (let i = 0; i < n; i++) assign[i] = column.codes[i] < 0 ? missing : binOf[column.codes[i]];
  } else if (column.type === 'boolean') {
    const seen = [false, false];
    for (let i = 0; i < n; i++) {
      if (!include[i]) continue;
      const v = column.values[i];
      if (v === MISSING_BOOL) anyMissing = true;
      else seen[v] = true;
    }
    const binOf = [-1, -1];
    for (const v of [0, 1]) {
      if (!seen[v]) continue;
      binOf[v] = out.length;
      out.push({ label: v ? 'true' : 'false', expression: `${name} = ${v ? 'true' : 'false'}` });
    }
    const missing = anyMissing ? missingBin() : -1;
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      assign[i] = v === MISSING_BOOL ? missing : binOf[v];
    }
  } else throw userError('invalid_feature', `feature ${JSON.stringify(feature)} holds lists; a heat map bins numeric, categorical and boolean columns`, { column: feature });
  return { feature, bins: out, assign };
}
