import { userError } from '../../errors/index.js';
import { rowWeights } from '../../learn/target.js';
import type { Table } from '../../table/index.js';
import { cellsOf, type DataMitigationTarget } from './cells.js';

/** Options of {@link reweigh}. */
export interface ReweighOptions extends DataMitigationTarget {
  /** Existing sample weights (a numeric column or one per row) that the new weights multiply. Defaults to 1 each. */
  readonly weight?: string | Float64Array;
}

/** One (group, label) cell of {@link reweigh}'s result. */
export interface ReweighCell {
  readonly group: string;
  readonly label: string;
  readonly rows: number;
  /** The cell's share of the weight in scope before: P(g, y). */
  readonly observed: number;
  /** Its share if group and label were independent: P(g)·P(y), which it has after. */
  readonly expected: number;
  /** The factor P(g)·P(y) / P(g, y) each of its rows' weights is multiplied by (null for an empty cell). */
  readonly factor: number | null;
}

/** What {@link reweigh} did. */
export interface ReweighResult {
  /** One weight per row of the table: rows outside the cohort or with a missing label keep their old weight. */
  readonly weights: Float64Array;
  readonly groups: readonly string[];
  readonly labels: readonly string[];
  readonly cells: readonly ReweighCell[];
  /** Smallest and largest new weight among reweighed rows. */
  readonly range: { readonly min: number; readonly max: number };
  readonly scopeRows: number;
  readonly missingLabel: number;
  /** Empty cells (a group that never has some label): their share cannot be restored. */
  readonly warnings: readonly string[];
}

/**
 * Reweighing (Kamiran & Calders, 2012, "Data preprocessing techniques for classification without
 * discrimination", §4.2): each row of cell (g, y) gets weight w·P(g)P(y)/P(g, y), with the
 * probabilities taken over the existing weights w. Afterwards every cell's weighted share equals the
 * product of its group's and its label's shares — group and label are independent in the weighted
 * data, and the total weight is unchanged (when no cell is empty). With `cohort`, the shares are
 * those inside the cohort and rows outside keep their weights.
 * @example
 * const { weights } = reweigh(table, { label: 'income', sensitive: 'sex' });
 * fitLogistic(table, { label: 'income', features, weight: weights });
 */
export function reweigh(table: Table, options: ReweighOptions): ReweighResult {
  const cells = cellsOf(table, options);
  const n = table.rowCount;
  const old = rowWeights(table, options.weight);
  const { groups, labels, group, label } = cells;
  const L = labels.length;
  const cellWeight = new Float64Array(groups.length * L);
  const comp = new Float64Array(groups.length * L);
  for (let i = 0; i < n; i++) {
    const g = group[i];
    if (g < 0) continue;
    const k = g * L + label[i];
    // Neumaier-compensated cell sums: the 1e-12 balance must hold for long columns too.
    const x = old ? old[i] : 1;
    const s = cellWeight[k];
    const t = s + x;
    comp[k] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    cellWeight[k] = t;
  }
  for (let k = 0; k < cellWeight.length; k++) cellWeight[k] += comp[k];
  let total = 0;
  const groupWeight = new Float64Array(groups.length);
  const labelWeight = new Float64Array(L);
  for (let g = 0; g < groups.length; g++) {
    for (let y = 0; y < L; y++) {
      const w = cellWeight[g * L + y];
      groupWeight[g] += w;
      labelWeight[y] += w;
      total += w;
    }
  }
  if (!(total > 0)) throw userError('zero_weight', 'the rows in scope have zero total weight; nothing to reweigh', {});
  const factor = new Float64Array(groups.length * L);
  const out: ReweighCell[] = [];
  const warnings: string[] = [];
  for (let g = 0; g < groups.length; g++) {
    for (let y = 0; y < L; y++) {
      const k = g * L + y;
      const pg = groupWeight[g] / total;
      const py = labelWeight[y] / total;
      const pgy = cellWeight[k] / total;
      const f = pgy > 0 ? (pg * py) / pgy : NaN;
      factor[k] = f;
      out.push({ group: groups[g], label: labels[y], rows: cells.counts[k], observed: pgy, expected: pg * py, factor: pgy > 0 ? f : null });
      if (!(pgy > 0) && pg > 0 && py > 0) {
        warnings.push(`group ${groups[g]} has no rows labelled ${labels[y]} (weight), so its expected share ${(pg * py).toPrecision(3)} cannot be restored`);
      }
    }
  }
  const weights = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const w = old ? old[i] : 1;
    const g = group[i];
    if (g < 0) {
      weights[i] = w;
      continue;
    }
    // A zero-weight row in a zero-weight cell has no factor; it stays at 0.
    const v = w === 0 ? 0 : w * factor[g * L + label[i]];
    weights[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { weights, groups, labels, cells: out, range: { min, max }, scopeRows: cells.scopeRows, missingLabel: cells.missingLabel, warnings };
}
