import { closestNames, didYouMean, userError, type UserError } from '../errors/index.js';
import type { ColumnType } from '../table/index.js';
import type { ColumnNode, Expr } from './ast.js';
import { exprToString, printLiteral } from './print.js';

/** The static type of an expression's value. `null` is the type of the literal `null`. */
export type ValueType = 'numeric' | 'text' | 'boolean' | 'list' | 'null';

/**
 * Resolves every column against `columns` and infers each node's type, so that the in-memory
 * evaluator and the SQL compiler accept exactly the same expressions and mean the same by them.
 *
 * The rules are chosen so that nothing depends on a SQL engine's implicit casts:
 * - comparisons, `in`, `between`: both sides the same type — numeric, text (categorical columns
 *   and quoted literals) or boolean; a list column only with `'text' in list`; `null` only with
 *   `is [not] null` (`x = null` is always unknown, so it is refused rather than silently empty);
 *   `null` is allowed inside an `in` list, where it has its SQL meaning;
 * - `+ - * /` and unary minus: numeric (or `null`) operands;
 * - `and`, `or`, `not`: boolean (or `null`) operands — a boolean column may stand alone;
 * - `'text' [not] in column`: a text literal and a list column.
 * @returns the type of every node
 */
export function typeCheck(expr: Expr, columns: ReadonlyMap<string, ColumnType>): Map<Expr, ValueType> {
  const types = new Map<Expr, ValueType>();
  const visit = (e: Expr): ValueType => {
    const t = infer(e);
    types.set(e, t);
    return t;
  };

  const infer = (e: Expr): ValueType => {
    switch (e.type) {
      case 'column': {
        const t = columns.get(e.name);
        if (t === undefined) throw unknownColumn(e, [...columns.keys()]);
        return t === 'categorical' ? 'text' : t;
      }
      case 'literal':
        return e.value === null ? 'null' : typeof e.value === 'number' ? 'numeric' : typeof e.value === 'string' ? 'text' : 'boolean';
      case 'logical':
      case 'not':
        for (const operand of e.type === 'not' ? [e.operand] : [e.left, e.right]) {
          const t = visit(operand);
          if (t !== 'boolean' && t !== 'null') throw typeError(operand, `"${e.type === 'not' ? 'not' : e.op}" needs conditions, but ${describe(operand, t)} is not one${conditionHint(operand, t)}`);
        }
        return 'boolean';
      case 'arithmetic':
      case 'negate':
        for (const operand of e.type === 'negate' ? [e.operand] : [e.left, e.right]) {
          const t = visit(operand);
          if (t !== 'numeric' && t !== 'null') throw typeError(operand, `"${e.type === 'negate' ? '-' : e.op}" needs numbers, but ${describe(operand, t)} is not numeric`);
        }
        return 'numeric';
      case 'compare':
        comparable(e, e.left, visit(e.left), e.right, visit(e.right));
        return 'boolean';
      case 'between': {
        const t = visit(e.operand);
        comparable(e, e.operand, t, e.low, visit(e.low));
        comparable(e, e.operand, t, e.high, visit(e.high));
        return 'boolean';
      }
      case 'in': {
        const t = visit(e.operand);
        if (t === 'null') throw typeError(e, 'null is never in a list (comparing with null is always unknown)');
        if (t === 'list') comparable(e, e.operand, t, e.values[0], visit(e.values[0]));
        for (const v of e.values) {
          const vt = visit(v);
          if (vt !== 'null') comparable(v, e.operand, t, v, vt);
        }
        return 'boolean';
      }
      case 'is_null':
        visit(e.operand);
        return 'boolean';
      case 'contains': {
        const vt = visit(e.value);
        const lt = visit(e.list);
        if (vt !== 'text') throw typeError(e.value, `"in ${exprToString(e.list)}" looks for text, but ${describe(e.value, vt)} is not text (quote it: '${String(e.value.value)}')`);
        if (lt !== 'list') {
          const hint = lt === 'text' ? ` (write ${exprToString(e.list)} = ${printLiteral(e.value.value)})` : '';
          throw typeError(e, `"${exprToString(e)}" needs a list column, but ${describe(e.list, lt)} is not one${hint}`);
        }
        return 'boolean';
      }
    }
  };

  /** Checks that `a` and `b` may be compared; `at` is where an error points. */
  const comparable = (at: Expr, a: Expr, ta: ValueType, b: Expr, tb: ValueType): void => {
    if (ta === 'list' || tb === 'list') {
      const list = ta === 'list' ? a : b;
      throw typeError(at, `${describe(list, 'list')} cannot be compared (test membership with 'value' in ${exprToString(list)})`);
    }
    if (ta === 'null' || tb === 'null') {
      const other = ta === 'null' ? b : a;
      throw typeError(at, `comparing with null is always unknown (to find missing values write ${exprToString(other)} is null)`);
    }
    if (ta !== tb) throw typeError(at, `cannot compare ${describe(a, ta)} with ${describe(b, tb)}${mismatchHint(a, ta, b, tb)}`);
  };

  visit(expr);
  return types;
}

/** Throws unless `expr` is a condition (boolean, or the literal null). */
export function requireCondition(expr: Expr, types: ReadonlyMap<Expr, ValueType>): void {
  const t = types.get(expr) as ValueType;
  if (t !== 'boolean' && t !== 'null') throw typeError(expr, `a cohort needs a condition, but ${describe(expr, t)} is not one${conditionHint(expr, t)}`);
}

/** The column types of a table's or a SQL source's fields, by name. */
export function columnTypes(fields: readonly { readonly name: string; readonly type: ColumnType }[]): Map<string, ColumnType> {
  return new Map(fields.map((f) => [f.name, f.type]));
}

function unknownColumn(e: ColumnNode, names: string[]): UserError {
  let hint = didYouMean(e.name, names);
  // `sex = "Female"` is the classic slip: double quotes name a column in SQL.
  if (e.quoted) hint += ` (text values take single quotes: ${printLiteral(e.name)})`;
  return userError('unknown_column', `unknown column: ${JSON.stringify(e.name)} at character ${e.start}${hint}`, {
    column: e.name,
    position: e.start,
    suggestions: closestNames(e.name, names),
  });
}

function typeError(at: Expr, message: string): UserError {
  return userError('type_error', `type error at character ${at.start}: ${message}`, { position: at.start, expression: exprToString(at) });
}

const TYPE_NAMES: Record<ValueType, string> = { numeric: 'numeric', text: 'categorical', boolean: 'boolean', list: 'list', null: 'null' };

/** `numeric column "age"`, `text 'x'`, `number 5`, `numeric expression age + 1`. */
function describe(e: Expr, t: ValueType): string {
  if (e.type === 'column') return `${TYPE_NAMES[t]} column ${JSON.stringify(e.name)}`;
  if (e.type === 'literal') return e.value === null ? 'null' : `${typeof e.value === 'number' ? 'number' : typeof e.value === 'string' ? 'text' : 'boolean'} ${printLiteral(e.value)}`;
  return `${t === 'text' ? 'text' : t} expression ${exprToString(e)}`;
}

function mismatchHint(a: Expr, ta: ValueType, b: Expr, tb: ValueType): string {
  const lit = b.type === 'literal' ? b : a.type === 'literal' ? a : undefined;
  if (!lit) return '';
  const other = lit === b ? ta : tb;
  if (other === 'text' && (typeof lit.value === 'number' || typeof lit.value === 'boolean')) return ` (quote text values: '${lit.value}')`;
  if (other === 'numeric' && typeof lit.value === 'string' && lit.value.trim() !== '' && Number.isFinite(Number(lit.value))) return ` (numbers take no quotes: ${Number(lit.value)})`;
  return '';
}

function conditionHint(e: Expr, t: ValueType): string {
  if (t === 'numeric') return ` (compare it, e.g. ${exprToString(e)} > 0)`;
  if (t === 'text' && e.type === 'column') return ` (compare it, e.g. ${exprToString(e)} = 'value')`;
  if (t === 'list' && e.type === 'column') return ` (test membership, e.g. 'value' in ${exprToString(e)})`;
  return '';
}
