import { checkGroups, checkLength, groupOutOfRange } from './validate.js';

/**
 * Confusion-matrix cells per group for a binary task, as flat arrays indexed by group code.
 * Cells are weighted sums (plain counts without weights); `n` counts the rows used (unweighted)
 * and `missing` the rows of the group left out because the label, prediction or weight was
 * missing or invalid.
 */
export interface ConfusionCounts {
  readonly nGroups: number;
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly tn: Float64Array;
  readonly fn: Float64Array;
  /** Rows counted per group (unweighted). Fairlearn's `count`. */
  readonly n: Float64Array;
  /** Rows of the group excluded: label or prediction not 0/1 (e.g. 255 = missing), weight NaN or negative. */
  readonly missing: Float64Array;
  /** Whether the cells are weighted sums. */
  readonly weighted: boolean;
}

/** Empty (all-zero) counts for `nGroups` groups. */
export function emptyConfusionCounts(nGroups: number, weighted = false): ConfusionCounts {
  return {
    nGroups,
    tp: new Float64Array(nGroups),
    fp: new Float64Array(nGroups),
    tn: new Float64Array(nGroups),
    fn: new Float64Array(nGroups),
    n: new Float64Array(nGroups),
    missing: new Float64Array(nGroups),
    weighted,
  };
}

/**
 * Confusion counts per group in one pass over the typed arrays.
 *
 * Rows with `groups[i] = -1` are skipped; rows whose label or prediction is not 0/1 (255 marks a
 * missing boolean) or whose weight is NaN or negative are left out and counted in `missing`.
 * Cost: O(rows), ~0.1 s for 10M rows.
 * @param groups group code per row, 0..nGroups-1, or -1 to exclude the row
 * @param label 0/1 per row (255 = missing)
 * @param pred 0/1 per row (255 = missing)
 * @param weight optional sample weight per row
 * @example
 * const c = confusionByGroup(new Int32Array([0, 0, 1]), 2, new Uint8Array([1, 0, 1]), new Uint8Array([1, 1, 0]));
 * c.tp // Float64Array [1, 0]
 */
export function confusionByGroup(groups: Int32Array, nGroups: number, label: Uint8Array, pred: Uint8Array, weight?: Float64Array): ConfusionCounts {
  checkGroups(groups, nGroups);
  const rows = groups.length;
  checkLength('label', label, rows);
  checkLength('pred', pred, rows);
  checkLength('weight', weight, rows);
  // cells[4g + 2·label + pred]: tn, fp, fn, tp — one indexed add per row, no branches on the cell.
  const cells = new Float64Array(nGroups * 4);
  const n = new Float64Array(nGroups);
  const missing = new Float64Array(nGroups);
  const bad = weight === undefined ? countUnweighted(groups, nGroups, label, pred, cells, n, missing) : countWeighted(groups, nGroups, label, pred, weight, cells, n, missing);
  if (bad >= 0) throw groupOutOfRange(groups[bad], nGroups);
  return splitCells(cells, n, missing, nGroups, weight !== undefined);
}

function countUnweighted(groups: Int32Array, nGroups: number, label: Uint8Array, pred: Uint8Array, cells: Float64Array, n: Float64Array, missing: Float64Array): number {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) return i;
    const y = label[i];
    const p = pred[i];
    if ((y | p) > 1) {
      missing[g]++;
      continue;
    }
    cells[(g << 2) | (y << 1) | p]++;
  }
  // Unweighted, a group's rows are its four cells: summed once here rather than counted per row.
  for (let g = 0; g < nGroups; g++) n[g] = cells[4 * g] + cells[4 * g + 1] + cells[4 * g + 2] + cells[4 * g + 3];
  return -1;
}

function countWeighted(groups: Int32Array, nGroups: number, label: Uint8Array, pred: Uint8Array, weight: Float64Array, cells: Float64Array, n: Float64Array, missing: Float64Array): number {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g < 0) continue;
    if (g >= nGroups) return i;
    const y = label[i];
    const p = pred[i];
    const w = weight[i];
    if ((y | p) > 1 || !(w >= 0 && w < Infinity)) {
      missing[g]++;
      continue;
    }
    cells[(g << 2) | (y << 1) | p] += w;
    n[g]++;
  }
  return -1;
}

function splitCells(cells: Float64Array, n: Float64Array, missing: Float64Array, nGroups: number, weighted: boolean): ConfusionCounts {
  const c = emptyConfusionCounts(nGroups, weighted);
  for (let g = 0; g < nGroups; g++) {
    c.tn[g] = cells[4 * g];
    c.fp[g] = cells[4 * g + 1];
    c.fn[g] = cells[4 * g + 2];
    c.tp[g] = cells[4 * g + 3];
  }
  return { ...c, n, missing };
}

/**
 * All groups pooled into one: the overall counts of the rows the groups cover. (Fairlearn's
 * `overall` is computed on all rows; pool from a grouping that covers every row to match it.)
 */
export function poolGroups(counts: ConfusionCounts, include?: ArrayLike<number>): ConfusionCounts {
  const out = emptyConfusionCounts(1, counts.weighted);
  const idx = include ?? Array.from({ length: counts.nGroups }, (_, g) => g);
  for (let k = 0; k < idx.length; k++) {
    const g = idx[k];
    out.tp[0] += counts.tp[g];
    out.fp[0] += counts.fp[g];
    out.tn[0] += counts.tn[g];
    out.fn[0] += counts.fn[g];
    out.n[0] += counts.n[g];
    out.missing[0] += counts.missing[g];
  }
  return out;
}
