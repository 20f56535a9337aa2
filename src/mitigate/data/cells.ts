import { groupLabel, groupRows } from '../../assess/groups.js';
import { evaluateMask, parseExpression } from '../../cohort/index.js';
import { userError } from '../../errors/index.js';
import { classTarget } from '../../learn/target.js';
import type { Table } from '../../table/index.js';

/** Where a data mitigation applies and which cells it balances. Shared by every data mitigation. */
export interface DataMitigationTarget {
  /** The label column (classes: categorical, boolean, or numeric with few values). */
  readonly label: string;
  /**
   * Sensitive columns; groups are their intersection, and a missing value is its own
   * `(missing)` group, as in `assess`. Defaults to none: all rows in scope form one group `all`.
   */
  readonly sensitive?: string | readonly string[];
  /**
   * A cohort-language expression (`age < 30 and region = 'South'`): only rows where it is true are
   * changed, and every count or marginal is taken inside it. Defaults to every row.
   */
  readonly cohort?: string;
}

/** One (group, label) cell with its row counts before and after a mitigation. */
export interface CellCount {
  readonly group: string;
  readonly label: string;
  readonly before: number;
  readonly after: number;
}

/**
 * The rows in scope assigned to (group, label) cells. Cell `g * labels.length + y` holds the rows
 * with group code g and label code y; codes are -1 for rows outside the scope or with a missing label.
 */
export interface Cells {
  readonly groups: readonly string[];
  readonly labels: readonly string[];
  readonly group: Int32Array;
  readonly label: Int32Array;
  /** 1 for rows inside the cohort (or every row without one). */
  readonly inScope: Uint8Array;
  readonly scopeRows: number;
  /** Rows in scope left alone because their label is missing. */
  readonly missingLabel: number;
  /** Rows per cell. */
  readonly counts: Float64Array;
}

/** The sensitive option as a list of column names. */
export function sensitiveList(sensitive: string | readonly string[] | undefined): string[] {
  return sensitive === undefined ? [] : typeof sensitive === 'string' ? [sensitive] : [...sensitive];
}

/**
 * The rows in `cohort` (every row without one) as a 0/1 mask.
 * @throws `empty_cohort` when the expression matches no row
 */
export function scopeMask(table: Table, cohort: string | undefined): Uint8Array {
  if (cohort === undefined) return new Uint8Array(table.rowCount).fill(1);
  const mask = evaluateMask(parseExpression(cohort), table);
  if (mask.count() === 0) {
    throw userError('empty_cohort', `the cohort ${JSON.stringify(cohort)} matches none of the ${table.rowCount.toLocaleString('en-US')} rows; check its values (e.g. the spelling of a category)`, { cohort });
  }
  return mask.toMask();
}

/** Assigns the rows in scope to (group, label) cells. */
export function cellsOf(table: Table, target: DataMitigationTarget): Cells {
  const sensitive = sensitiveList(target.sensitive);
  const label = target.label;
  if (sensitive.includes(label)) throw userError('invalid_option', `the label ${JSON.stringify(label)} cannot also be a sensitive column`, { column: label });
  for (const s of sensitive) table.column(s);
  const inScope = scopeMask(table, target.cohort);
  const n = table.rowCount;
  const encoded = classTarget(table, label);
  // Classes that occur in scope, in classTarget's sorted order.
  const used = new Uint8Array(encoded.classes.length);
  for (let i = 0; i < n; i++) if (inScope[i] && encoded.y[i] >= 0) used[encoded.y[i]] = 1;
  const remap = new Int32Array(encoded.classes.length).fill(-1);
  const labels: string[] = [];
  for (let c = 0; c < used.length; c++) if (used[c]) remap[c] = labels.push(encoded.classes[c]) - 1;
  if (labels.length === 0) throw userError('no_labels', `every row in scope has a missing ${JSON.stringify(label)}; nothing to balance`, { column: label });

  let groupCodes: Int32Array;
  let groups: string[];
  if (sensitive.length === 0) {
    groupCodes = new Int32Array(n);
    groups = ['all'];
  } else {
    const grouping = groupRows(table, sensitive, inScope);
    groupCodes = grouping.codes;
    groups = grouping.keys.map((k) => groupLabel(k, sensitive));
  }
  const group = new Int32Array(n).fill(-1);
  const lab = new Int32Array(n).fill(-1);
  const counts = new Float64Array(groups.length * labels.length);
  let scopeRows = 0;
  let missingLabel = 0;
  for (let i = 0; i < n; i++) {
    if (!inScope[i]) continue;
    scopeRows++;
    const y = encoded.y[i];
    if (y < 0) {
      missingLabel++;
      continue;
    }
    group[i] = groupCodes[i];
    lab[i] = remap[y];
    counts[group[i] * labels.length + lab[i]]++;
  }
  return { groups, labels, group, label: lab, inScope, scopeRows, missingLabel, counts };
}
