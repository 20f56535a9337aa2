import { printLiteral, printName } from '../cohort/print.js';
import type { TreeCondition } from '../learn/index.js';

/** How a table column is read by the tree: numeric thresholds, one-hot categories or a 0/1 boolean. */
export type ColumnKind = 'numeric' | 'categorical' | 'boolean';

interface ColumnConditions {
  lower: number;
  upper: number;
  /** Whether a missing value satisfies every condition on the column. */
  missingOk: boolean;
  equal: string | null;
  notEqual: string[];
  /** Two different `=` categories: no non-missing value qualifies. */
  contradiction: boolean;
}

/**
 * A root-to-node path of a tree as a cohort expression over the raw columns, which selects exactly
 * the rows the tree routes to the node. Conditions on one column are merged: with SQL semantics a
 * comparison with a missing value is unknown, so a branch that takes missing values reads
 * `(x <= 40.5 or x is null)`, and that `or x is null` survives the merge only when every branch on
 * the path took them. Columns outside `hasMissing` (when given) have no missing values in the
 * table, so their conditions need no `is null`.
 */
export function pathExpression(conditions: readonly TreeCondition[], kinds: ReadonlyMap<string, ColumnKind>, hasMissing?: ReadonlySet<string>): string {
  const byColumn = new Map<string, ColumnConditions>();
  for (const c of conditions) {
    let s = byColumn.get(c.column);
    if (!s) byColumn.set(c.column, (s = { lower: -Infinity, upper: Infinity, missingOk: true, equal: null, notEqual: [], contradiction: false }));
    s.missingOk &&= c.missing;
    if (c.category !== undefined) {
      // One-hot column: `> 0.5` is the category, `<= 0.5` any other; an infinite threshold only sorts missing from present.
      if (c.threshold === Infinity) {
        if (c.op === '>') s.contradiction = true;
      } else if (c.op === '>') {
        if (s.equal !== null && s.equal !== c.category) s.contradiction = true;
        s.equal = c.category;
      } else if (!s.notEqual.includes(c.category)) s.notEqual.push(c.category);
    } else if (c.op === '<=') s.upper = Math.min(s.upper, c.threshold);
    else s.lower = Math.max(s.lower, c.threshold);
  }
  const parts: string[] = [];
  for (const [column, s] of byColumn) {
    const name = printName(column);
    const kind = kinds.get(column) ?? 'numeric';
    // A column without missing values anywhere in the table needs no `is null` either way.
    const nullable = hasMissing === undefined || hasMissing.has(column);
    let present: string | null; // the condition on non-missing values; null = every value; '' = none
    if (kind === 'categorical') {
      if (s.contradiction || (s.equal !== null && s.notEqual.includes(s.equal))) present = '';
      else if (s.equal !== null) present = `${name} = ${printLiteral(s.equal)}`;
      else if (s.notEqual.length === 1) present = `${name} != ${printLiteral(s.notEqual[0])}`;
      else if (s.notEqual.length > 1) present = `${name} not in (${[...s.notEqual].sort().map(printLiteral).join(', ')})`;
      else present = null;
    } else if (kind === 'boolean') {
      const hasFalse = 0 > s.lower && 0 <= s.upper;
      const hasTrue = 1 > s.lower && 1 <= s.upper;
      present = hasFalse && hasTrue ? null : hasTrue ? `${name} = true` : hasFalse ? `${name} = false` : '';
    } else {
      const terms: string[] = [];
      if (s.lower === Infinity) present = '';
      else {
        if (s.lower > -Infinity) terms.push(`${name} > ${printLiteral(s.lower)}`);
        if (s.upper < Infinity) terms.push(`${name} <= ${printLiteral(s.upper)}`);
        present = terms.length === 0 ? null : terms.join(' and ');
        if (s.lower >= s.upper) present = '';
      }
    }
    if (present === null) {
      if (!s.missingOk && nullable) parts.push(`${name} is not null`);
    } else if (present === '') parts.push(s.missingOk && nullable ? `${name} is null` : 'false');
    else parts.push(s.missingOk && nullable ? `(${present} or ${name} is null)` : present);
  }
  return parts.length === 0 ? 'true' : parts.join(' and ');
}
