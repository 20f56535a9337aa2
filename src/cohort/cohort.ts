import { userError } from '../errors/index.js';
import type { Bitset, Table } from '../table/index.js';
import type { Expr } from './ast.js';
import { evaluateMask } from './evaluate.js';
import { parseExpression } from './parse.js';

/** A named subset of rows: those where `expression` is true. */
export interface Cohort {
  readonly name: string;
  readonly expression: string;
}

// A name, bare (letters, digits, `_`, `-`, `.`) or in double quotes, then an `=` that does not
// start `==` (and cannot belong to `<=`, `>=` or `!=`, which a name cannot contain).
const NAMED = /^\s*(?:([\p{L}_][\p{L}\p{M}\p{Nd}_.-]*)|"((?:[^"]|"")+)")\s*=(?!=)/u;

/**
 * Reads a `--cohort` flag of the form `NAME=EXPRESSION`, e.g. `seniors=age > 60`, and checks the
 * expression's syntax. A name is letters, digits, `_`, `-` and `.`, or anything in double quotes
 * (`"over 60"=age > 60`).
 *
 * `sex = 'F'` also reads as a name `sex` and an expression `'F'`; such a split, where the
 * expression is a bare value (or a value joined by `and`/`or`), is taken for an expression the user
 * forgot to name, and refused.
 * @throws an `invalid_cohort` user error when there is no name, a `syntax_error` when the expression does not parse
 */
export function parseCohortFlag(text: string): Cohort {
  const m = NAMED.exec(text);
  const expression = m ? text.slice(m[0].length).trim() : '';
  if (!m || (expression !== '' && !couldBeCondition(expression))) {
    throw userError('invalid_cohort', `invalid cohort: ${JSON.stringify(text)} (expected NAME=EXPRESSION, e.g. "seniors=age > 60")`, { text });
  }
  parseExpression(expression);
  return { name: m[1] ?? m[2].replaceAll('""', '"'), expression };
}

function couldBeCondition(expression: string): boolean {
  const condition = (e: Expr): boolean =>
    e.type === 'logical' ? condition(e.left) && condition(e.right) : e.type === 'not' ? condition(e.operand) : e.type !== 'literal' && e.type !== 'arithmetic' && e.type !== 'negate';
  try {
    return condition(parseExpression(expression));
  } catch {
    // A syntax error is reported against the expression by the caller.
    return true;
  }
}

/**
 * The rows of `table` in `cohort`.
 * @example cohortMask(parseCohortFlag('seniors=age > 60'), table).count()
 */
export function cohortMask(cohort: Cohort, table: Table): Bitset {
  return evaluateMask(parseExpression(cohort.expression), table);
}
