import { userError } from '../../errors/index.js';
import { Random } from '../../stats/index.js';
import type { Table } from '../../table/index.js';
import { type CellCount, cellsOf, type Cells, type DataMitigationTarget } from './cells.js';
import { planSampling, type SamplingTarget } from './plan.js';

/** Options of {@link resample}. */
export interface ResampleOptions extends DataMitigationTarget, SamplingTarget {
  /** `over`: add copies of rows drawn with replacement; `under`: keep a random subset. Defaults to `over`. */
  readonly method?: 'over' | 'under';
  /** Seed of the draws. Defaults to 0. */
  readonly seed?: number;
}

/** What a resampling mitigation (random or SMOTE) did. */
export interface ResampleResult {
  /** The kept rows in their original order, then the added rows cell by cell. */
  readonly table: Table;
  /** For each output row, the input row it keeps or copies (for a synthetic row: the row it was made from). */
  readonly source: Int32Array;
  /** 1 for rows the mitigation added (copies or synthetic rows), 0 for rows of the input. */
  readonly added: Uint8Array;
  readonly groups: readonly string[];
  readonly labels: readonly string[];
  /** Rows per (group, label) cell in scope, before and after. */
  readonly cells: readonly CellCount[];
  readonly scopeRows: number;
  /** Rows in scope kept as they are because their label is missing. */
  readonly missingLabel: number;
  readonly seed: number;
  readonly warnings: readonly string[];
}

/**
 * Random over- or undersampling per (group, label) cell, to equal class balance within each
 * sensitive group or equal group sizes (see {@link SamplingTarget}). With `cohort`, only rows inside
 * it are sampled and the balance is the cohort's; rows outside are kept as they are. Oversampling
 * draws copies uniformly with replacement from the cell; undersampling keeps a uniform random
 * subset without replacement (a partial Fisher–Yates shuffle), in the original row order.
 * @example resample(table, { label: 'income', sensitive: 'sex', method: 'under', seed: 1 })
 */
export function resample(table: Table, options: ResampleOptions): ResampleResult {
  const { method = 'over', seed = 0 } = options;
  if (method !== 'over' && method !== 'under') throw userError('invalid_option', `invalid method: ${JSON.stringify(method)} (expected over or under)`, { method });
  const cells = cellsOf(table, options);
  const plan = planSampling(cells, method === 'over', options);
  const random = new Random(seed);
  const members = cellMembers(cells);
  const keep = new Uint8Array(table.rowCount).fill(1);
  const extra: number[] = [];
  for (let k = 0; k < members.length; k++) {
    const rows = members[k];
    const target = plan.targets[k];
    if (target > rows.length) for (let j = rows.length; j < target; j++) extra.push(rows[random.int(rows.length)]);
    else if (target < rows.length) {
      const chosen = Int32Array.from(rows);
      for (let j = 0; j < target; j++) {
        const r = j + random.int(chosen.length - j);
        const tmp = chosen[j];
        chosen[j] = chosen[r];
        chosen[r] = tmp;
      }
      for (let j = target; j < chosen.length; j++) keep[chosen[j]] = 0;
    }
  }
  return finishResample(table, cells, keep, Int32Array.from(extra), plan.warnings, seed);
}

/** The row indices of each cell, in row order. */
export function cellMembers(cells: Cells): Int32Array[] {
  const L = cells.labels.length;
  const sizes = cells.counts;
  const out = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(sizes.length);
  for (let i = 0; i < cells.group.length; i++) {
    const g = cells.group[i];
    if (g < 0) continue;
    const k = g * L + cells.label[i];
    out[k][fill[k]++] = i;
  }
  return out;
}

/** Kept rows in order, then `extra` (input rows copied as new rows), with the per-cell counts. */
export function finishResample(table: Table, cells: Cells, keep: Uint8Array, extra: Int32Array, warnings: string[], seed: number, build?: (source: Int32Array, firstAdded: number) => Table): ResampleResult {
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i];
  const source = new Int32Array(kept + extra.length);
  let j = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) source[j++] = i;
  source.set(extra, kept);
  const added = new Uint8Array(source.length);
  added.fill(1, kept);
  const L = cells.labels.length;
  const after = new Float64Array(cells.counts.length);
  for (let r = 0; r < source.length; r++) {
    const g = cells.group[source[r]];
    if (g >= 0) after[g * L + cells.label[source[r]]]++;
  }
  const counts: CellCount[] = [];
  for (let g = 0; g < cells.groups.length; g++) {
    for (let y = 0; y < L; y++) counts.push({ group: cells.groups[g], label: cells.labels[y], before: cells.counts[g * L + y], after: after[g * L + y] });
  }
  return {
    table: build ? build(source, kept) : table.take(source),
    source,
    added,
    groups: cells.groups,
    labels: cells.labels,
    cells: counts,
    scopeRows: cells.scopeRows,
    missingLabel: cells.missingLabel,
    seed,
    warnings,
  };
}
