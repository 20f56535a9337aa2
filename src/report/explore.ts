import type { AssessOptions } from '../assess/options.js';
import { type Column, MISSING_BOOL, type Table } from '../table/index.js';
import type { EmbeddedOptions } from './embed.js';
import type { Insights } from './insights.js';
import { quoteIdentifier, quoteString } from './sections.js';

/** The label `assess` gives a missing value in a group key. */
const MISSING_LABEL = '(missing)';

/** Options for recomputing one cohort in the page, and what had to change to make them apply. */
export interface ExplorerRun {
  options: AssessOptions;
  /** Sentences for the reader about adjustments (e.g. a reference group absent from the cohort). */
  notes: string[];
}

function cellLabel(column: Column, i: number): string {
  switch (column.type) {
    case 'numeric':
      return Number.isNaN(column.values[i]) ? MISSING_LABEL : String(column.values[i]);
    case 'categorical':
      return column.codes[i] < 0 ? MISSING_LABEL : column.dictionary[column.codes[i]];
    case 'boolean':
      return column.values[i] === MISSING_BOOL ? MISSING_LABEL : column.values[i] === 1 ? 'true' : 'false';
    case 'list':
      return '';
  }
}

/** True when some row of `table` belongs to the group `values` of columns `by` (labels as `assess` writes them). */
export function hasGroup(table: Table, by: readonly string[], values: readonly string[]): boolean {
  if (by.length !== values.length || !by.every((c) => table.has(c))) return false;
  const columns = by.map((c) => table.column(c));
  for (let i = 0; i < table.rowCount; i++) {
    let all = true;
    for (let k = 0; k < columns.length && all; k++) all = cellLabel(columns[k], i) === values[k];
    if (all) return true;
  }
  return false;
}

/** A literal of the cohort language that equals `positive` in a column of this type, or null when none can. */
function positiveLiteral(column: Column, positive: string): string | null {
  if (column.type === 'categorical') return quoteString(positive);
  if (column.type === 'numeric') {
    const p = positive === 'true' ? 1 : positive === 'false' ? 0 : Number(positive);
    return Number.isFinite(p) ? String(p) : null;
  }
  return null;
}

/**
 * The AssessOptions the explorer runs on a cohort's rows: the report's own options with what
 * `assess` inferred from all rows pinned, so that a cohort is read the way the whole report was;
 * the named cohorts and curves left out for speed; the given bootstrap; and reference groups that
 * do not occur in the cohort dropped (with a note), since `assess` rightly refuses a reference
 * group that is not there.
 *
 * The positive class needs care: a cohort may hold only negatives, and then `assess` would either
 * refuse an explicit positive value it cannot see or infer the other value as positive. So for a
 * binary task a plain label column becomes the condition `label = <positive>` (and a plain
 * prediction column `pred = <positive>`), which `assess` reads as a boolean with true positive —
 * the same 0/1 values its own conversion gives, missing values kept missing.
 */
export function explorerOptions(embedded: EmbeddedOptions, insights: Insights, cohort: Table, bootstrap: number): ExplorerRun {
  const { cohorts: _cohorts, ...rest } = embedded;
  const config = insights.config ?? {};
  const options: AssessOptions = { ...rest, task: insights.task, bootstrap, curves: false };
  if (typeof config.threshold === 'number' && options.threshold === undefined && options.pred === undefined) options.threshold = config.threshold;
  const positive = options.positive ?? (typeof config.positive === 'string' ? config.positive : undefined);
  if (insights.task === 'binary' && positive !== undefined && cohort.has(options.label)) {
    const label = cohort.column(options.label);
    const literal = positiveLiteral(label, positive);
    if (literal !== null) {
      options.label = `${quoteIdentifier(options.label)} = ${literal}`;
      delete options.positive;
      if (options.pred !== undefined && cohort.has(options.pred)) {
        const predLiteral = positiveLiteral(cohort.column(options.pred), positive);
        if (predLiteral !== null) options.pred = `${quoteIdentifier(options.pred)} = ${predLiteral}`;
      }
    } else if (label.type !== 'boolean') options.positive = positive;
  }
  const notes: string[] = [];
  if (rest.reference) {
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(rest.reference)) {
      const by = key.split(',');
      const values = by.length === 1 ? [value] : value.split(' | ');
      if (hasGroup(cohort, by, values)) kept[key] = value;
      else notes.push(`The reference group ${by.join(' × ')} = ${value} has no rows in this cohort; ratios for ${by.join(' × ')} use its largest group instead.`);
    }
    options.reference = kept;
  }
  return { options, notes };
}
