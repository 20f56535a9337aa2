import type { Field } from '../table/index.js';
import type { Expr, LiteralNode } from './ast.js';
import { columnTypes, requireCondition, typeCheck, type ValueType } from './check.js';

/** A bound parameter's value. */
export type SqlParam = string | number | boolean | null;

/** The SQL type a parameter is cast to in the statement. */
export type SqlParamType = 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';

/** A parameterised DuckDB condition, for `WHERE` (or a select list: it is an expression). */
export interface SqlPredicate {
  /** The condition, with positional placeholders `$1`, `$2`, … in the order of `params`. */
  readonly sql: string;
  /** The literals, in placeholder order. */
  readonly params: SqlParam[];
  /**
   * Each parameter's type. The SQL casts every placeholder itself, so binding plain values works,
   * except that `@duckdb/node-api` binds integral numbers beyond ±2^63 as BIGINT and fails:
   * bind numbers as DOUBLE (`statement.bind(params, types.map(…))`) to be safe.
   */
  readonly types: SqlParamType[];
}

/**
 * Compiles a cohort expression to a parameterised DuckDB condition selecting exactly the rows
 * {@link evaluateMask} selects. Columns are checked against `fields` and double-quoted; every
 * literal is a bound parameter, never pasted into the text.
 *
 * To agree with the in-memory semantics whatever the stored types, numeric columns are read as
 * DOUBLE with NaN as NULL, categorical ones as VARCHAR (byte-wise order, even for ENUMs), and
 * `x / 0` is NULL whatever `ieee_floating_point_ops` says. List membership is `list_contains`.
 * @throws `unknown_column` or `type_error` user errors, the same as {@link evaluateMask}
 * @example
 * const { sql, params } = toSql(parseExpression('age > 40'), [{ name: 'age', type: 'numeric' }]);
 * // sql: (nullif(CAST("age" AS DOUBLE), 'NaN'::DOUBLE) > CAST($1 AS DOUBLE)), params: [40]
 */
export function toSql(expr: Expr, fields: readonly Pick<Field, 'name' | 'type'>[]): SqlPredicate {
  const types = typeCheck(expr, columnTypes(fields));
  requireCondition(expr, types);
  const writer = new SqlWriter(types);
  return { sql: writer.condition(expr), params: writer.params, types: writer.paramTypes };
}

/** A double-quoted SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const SQL_TYPE: Readonly<Record<ValueType, SqlParamType>> = { numeric: 'DOUBLE', text: 'VARCHAR', boolean: 'BOOLEAN', null: 'BOOLEAN', list: 'VARCHAR' };

// Every composite is parenthesised, so DuckDB's precedence never has a say.
class SqlWriter {
  readonly params: SqlParam[] = [];
  readonly paramTypes: SqlParamType[] = [];

  constructor(private readonly types: ReadonlyMap<Expr, ValueType>) {}

  private param(value: SqlParam, type: SqlParamType): string {
    this.params.push(value);
    this.paramTypes.push(type);
    return `CAST($${this.params.length} AS ${type})`;
  }

  condition(e: Expr): string {
    switch (e.type) {
      case 'literal':
        return this.param(e.value, 'BOOLEAN');
      case 'column':
        return `CAST(${quoteIdentifier(e.name)} AS BOOLEAN)`;
      case 'logical':
        return `(${this.condition(e.left)} ${e.op.toUpperCase()} ${this.condition(e.right)})`;
      case 'not':
        return `(NOT ${this.condition(e.operand)})`;
      case 'compare':
        return `(${this.operand(e.left)} ${e.op === '!=' ? '<>' : e.op} ${this.operand(e.right)})`;
      case 'between':
        return `(${this.operand(e.operand)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.operand(e.low)} AND ${this.operand(e.high)})`;
      case 'in': {
        const type = SQL_TYPE[this.types.get(e.operand) as ValueType];
        const x = this.operand(e.operand);
        return `(${x} ${e.negated ? 'NOT IN' : 'IN'} (${e.values.map((v) => this.param(v.value, type)).join(', ')}))`;
      }
      case 'is_null':
        return `(${this.operand(e.operand)} ${e.negated ? 'IS NOT NULL' : 'IS NULL'})`;
      case 'contains': {
        const sql = `list_contains(${quoteIdentifier(e.list.name)}, ${this.param(e.value.value, 'VARCHAR')})`;
        return e.negated ? `(NOT ${sql})` : sql;
      }
      case 'arithmetic':
      case 'negate':
        throw new Error(`not a condition: ${e.type}`);
    }
  }

  /** A value under test, of any type; numbers with NaN turned into NULL, as NaN is missing in memory. */
  private operand(e: Expr): string {
    switch (this.types.get(e)) {
      case 'numeric':
        return e.type === 'literal' ? this.number(e) : `nullif(${this.number(e)}, 'NaN'::DOUBLE)`;
      case 'text':
        // Text is only ever a column or a literal.
        return e.type === 'column' ? `CAST(${quoteIdentifier(e.name)} AS VARCHAR)` : this.param((e as LiteralNode).value, 'VARCHAR');
      case 'list':
        return quoteIdentifier((e as { name: string }).name);
      default:
        return this.condition(e);
    }
  }

  /** A numeric expression; NaN may appear (inf - inf), NULL for missing. */
  private number(e: Expr): string {
    switch (e.type) {
      case 'literal':
        return this.param(e.value, 'DOUBLE');
      case 'column':
        return `CAST(${quoteIdentifier(e.name)} AS DOUBLE)`;
      case 'negate':
        // Always `(-X)` with X parenthesised, a cast or nullif: never `--`, a SQL comment.
        return `(-${this.number(e.operand)})`;
      case 'arithmetic':
        return e.op === '/' ? `(${this.number(e.left)} / nullif(${this.number(e.right)}, 0))` : `(${this.number(e.left)} ${e.op} ${this.number(e.right)})`;
      default:
        throw new Error(`not numeric: ${e.type}`);
    }
  }
}
