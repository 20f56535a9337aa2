import type { Expr, LiteralValue } from './ast.js';
import { isBareIdentifier } from './lex.js';

// Binding strength, loosest first: or, and, not, tests, + -, * /, unary minus, atoms.
const OR = 1;
const AND = 2;
const NOT = 3;
const TEST = 4;
const SUM = 5;
const TERM = 6;
const UNARY = 7;
const ATOM = 8;

/**
 * The canonical text of an expression: lower-case keywords, single spaces, `=` and `!=`, names
 * quoted only when they must be, and parentheses only where the grammar needs them.
 * `parseExpression(exprToString(e))` gives back `e` (positions aside).
 * @example exprToString(parseExpression('NOT(Age>=40)  AND "sex"==\'F\'')) // "not age >= 40 and sex = 'F'"
 */
export function exprToString(expr: Expr): string {
  return print(expr);
}

function print(e: Expr): string {
  switch (e.type) {
    case 'column':
      return printName(e.name);
    case 'literal':
      return printLiteral(e.value);
    case 'logical': {
      const p = e.op === 'or' ? OR : AND;
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case 'not':
      return `not ${wrap(e.operand, NOT)}`;
    case 'compare':
      return `${wrap(e.left, SUM)} ${e.op} ${wrap(e.right, SUM)}`;
    case 'in':
      return `${wrap(e.operand, SUM)} ${e.negated ? 'not in' : 'in'} (${e.values.map((v) => printLiteral(v.value)).join(', ')})`;
    case 'between':
      return `${wrap(e.operand, SUM)} ${e.negated ? 'not between' : 'between'} ${wrap(e.low, SUM)} and ${wrap(e.high, SUM)}`;
    case 'is_null':
      return `${wrap(e.operand, SUM)} is ${e.negated ? 'not null' : 'null'}`;
    case 'contains':
      return `${printLiteral(e.value.value)} ${e.negated ? 'not in' : 'in'} ${printName(e.list.name)}`;
    case 'arithmetic': {
      const p = e.op === '+' || e.op === '-' ? SUM : TERM;
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case 'negate':
      // `-(-x)` rather than `--x`, which reads as a SQL comment.
      return e.operand.type === 'column' ? `-${print(e.operand)}` : `-(${print(e.operand)})`;
  }
}

/** `e` printed, in parentheses when it binds more loosely than `min`. */
function wrap(e: Expr, min: number): string {
  return precedence(e) < min ? `(${print(e)})` : print(e);
}

function precedence(e: Expr): number {
  switch (e.type) {
    case 'logical':
      return e.op === 'or' ? OR : AND;
    case 'not':
      return NOT;
    case 'compare':
    case 'in':
    case 'between':
    case 'is_null':
    case 'contains':
      return TEST;
    case 'arithmetic':
      return e.op === '+' || e.op === '-' ? SUM : TERM;
    case 'negate':
      return UNARY;
    case 'column':
    case 'literal':
      return ATOM;
  }
}

/** A column name, bare when it can be, else in double quotes (a quote inside doubled). */
export function printName(name: string): string {
  return isBareIdentifier(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A literal as it would be written in an expression. */
export function printLiteral(value: LiteralValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return String(value);
}
