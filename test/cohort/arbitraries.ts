// fast-check generators for the differential tests: small tables with missing values of every kind,
// and random expressions over them — well-typed ones (for the DuckDB oracle) and loose ones.
import fc from 'fast-check';
import {
  booleanColumn,
  categoricalColumn,
  listColumn,
  numericColumn,
  Table,
  type ComparisonOperator,
  type Expr,
  type LiteralNode,
  type LiteralValue,
} from '../../src/index.js';

/** A numeric cell: a number, or missing stored as NULL or as NaN. */
type NumberCell = number | null | 'NaN';

export interface GeneratedTable {
  readonly table: Table;
  /** Whether a missing number is stored as NaN (rather than NULL) in DuckDB. */
  readonly asNaN: (column: string, row: number) => boolean;
}

// Values that meet at edges: signed zero, ties, overflow to Infinity, and text that sorts
// differently by UTF-16 and by UTF-8 (U+FFFD vs an astral emoji), case, the empty string, a quote.
const NUMBERS = [-2, -1, -0, 0, 0.5, 1, 2, 3, 1e308, -1e308];
const TEXTS = ['a', 'b', 'B', '', 'ab', 'é', 'z', '😀', '\uFFFD', "it's"];
const TEXT_LITERALS = [...TEXTS, 'zz', 'A'];

const numberCell: fc.Arbitrary<NumberCell> = fc.oneof({ arbitrary: fc.constantFrom(...NUMBERS), weight: 4 }, fc.constant(null), fc.constant('NaN' as const));
const textCell = fc.oneof({ arbitrary: fc.constantFrom(...TEXTS), weight: 4 }, fc.constant(null));
const boolCell = fc.constantFrom(true, false, true, false, null);
const listCell = fc.oneof({ arbitrary: fc.uniqueArray(fc.constantFrom(...TEXTS.slice(0, 4)), { maxLength: 3 }), weight: 4 }, fc.constant(null));

export const NUMERIC_COLUMNS = ['x', 'y'];
export const TEXT_COLUMNS = ['s', 't'];
export const BOOLEAN_COLUMNS = ['p', 'q'];
export const LIST_COLUMNS = ['tags'];

/** Tables of 0–24 rows with numeric x, y; categorical s, t; boolean p, q; list tags. */
export const tables: fc.Arbitrary<GeneratedTable> = fc.integer({ min: 0, max: 24 }).chain((n) => {
  const col = <T>(cell: fc.Arbitrary<T>) => fc.array(cell, { minLength: n, maxLength: n });
  return fc.record({ x: col(numberCell), y: col(numberCell), s: col(textCell), t: col(textCell), p: col(boolCell), q: col(boolCell), tags: col(listCell) }).map((d): GeneratedTable => {
    const num = (cells: NumberCell[]) => cells.map((c) => (c === 'NaN' ? NaN : c));
    const table = new Table([
      numericColumn('x', num(d.x)),
      numericColumn('y', num(d.y)),
      categoricalColumn('s', d.s),
      categoricalColumn('t', d.t),
      booleanColumn('p', d.p),
      booleanColumn('q', d.q),
      listColumn('tags', d.tags),
    ]);
    const nan = { x: d.x, y: d.y } as Record<string, NumberCell[]>;
    return { table, asNaN: (column, row) => nan[column]?.[row] === 'NaN' };
  });
});

// Nodes carry no real positions: the tests print and re-parse them.
const at = { start: 0, end: 0 };
const column = (name: string): Expr => ({ type: 'column', name, ...at });
const literal = (value: LiteralValue): LiteralNode => ({ type: 'literal', value, ...at });
const comparison = fc.constantFrom<ComparisonOperator>('=', '!=', '<', '<=', '>', '>=');

const numberLiteral = fc.constantFrom(...NUMBERS.slice(0, 8), 100).map(literal);
const textLiteral = fc.constantFrom(...TEXT_LITERALS).map(literal);

/** Well-typed conditions of nesting depth up to `depth`, built bottom-up so each level is shared. */
export function conditions(depth: number): fc.Arbitrary<Expr> {
  const text: fc.Arbitrary<Expr> = fc.oneof(fc.constantFrom(...TEXT_COLUMNS).map(column), textLiteral);
  let num: fc.Arbitrary<Expr> = fc.oneof(
    { arbitrary: fc.constantFrom(...NUMERIC_COLUMNS).map(column), weight: 3 },
    { arbitrary: numberLiteral, weight: 2 },
    { arbitrary: fc.constant(literal(null)), weight: 1 },
  );
  let bool: fc.Arbitrary<Expr> = fc.oneof(fc.constantFrom(...BOOLEAN_COLUMNS).map(column), fc.constantFrom(true, false, null).map(literal));
  for (let d = 1; d <= depth; d++) {
    const n0 = num;
    const b0 = bool;
    num = fc.oneof(
      { arbitrary: n0, weight: 3 },
      fc.tuple(fc.constantFrom('+', '-', '*', '/' as const), n0, n0).map(([op, left, right]): Expr => ({ type: 'arithmetic', op, left, right, ...at })),
      n0.map((operand): Expr => ({ type: 'negate', operand, ...at })),
    );
    // Comparisons never involve the null literal (refused by the type rules).
    const cmpNum = num.filter((e) => !(e.type === 'literal' && e.value === null));
    const n1 = num;
    const inList = (values: fc.Arbitrary<LiteralNode>, operand: fc.Arbitrary<Expr>) =>
      fc
        .tuple(operand, fc.array(fc.oneof({ arbitrary: values, weight: 4 }, fc.constant(literal(null))), { minLength: 1, maxLength: 4 }), fc.boolean())
        .map(([operand, values, negated]): Expr => ({ type: 'in', operand, values, negated, ...at }));
    bool = fc.oneof(
      b0,
      fc.tuple(comparison, cmpNum, cmpNum).map(([op, left, right]): Expr => ({ type: 'compare', op, left, right, ...at })),
      fc.tuple(comparison, text, text).map(([op, left, right]): Expr => ({ type: 'compare', op, left, right, ...at })),
      fc.tuple(comparison, b0.filter(notNull), b0.filter(notNull)).map(([op, left, right]): Expr => ({ type: 'compare', op, left, right, ...at })),
      inList(numberLiteral, cmpNum),
      inList(textLiteral, text),
      inList(fc.constantFrom(true, false).map(literal), b0.filter(notNull)),
      fc.tuple(cmpNum, cmpNum, cmpNum, fc.boolean()).map(([operand, low, high, negated]): Expr => ({ type: 'between', operand, low, high, negated, ...at })),
      fc.tuple(text, text, text, fc.boolean()).map(([operand, low, high, negated]): Expr => ({ type: 'between', operand, low, high, negated, ...at })),
      fc.tuple(fc.oneof(n1, text, b0, fc.constantFrom(...LIST_COLUMNS).map(column)), fc.boolean()).map(([operand, negated]): Expr => ({ type: 'is_null', operand, negated, ...at })),
      fc
        .tuple(fc.constantFrom(...TEXTS.slice(0, 5), 'zz').map(literal), fc.boolean())
        .map(([value, negated]): Expr => ({ type: 'contains', value, list: { type: 'column', name: 'tags', ...at }, negated, ...at })),
      b0.map((operand): Expr => ({ type: 'not', operand, ...at })),
      fc.tuple(fc.constantFrom('and', 'or' as const), b0, b0).map(([op, left, right]): Expr => ({ type: 'logical', op, left, right, ...at })),
    );
  }
  return bool;
}

function notNull(e: Expr): boolean {
  return !(e.type === 'literal' && e.value === null);
}

/** Expressions with no regard for types, over known and unknown columns: for "both backends refuse alike". */
export function looseExpressions(depth: number): fc.Arbitrary<Expr> {
  let e: fc.Arbitrary<Expr> = fc.oneof(
    fc.constantFrom(...NUMERIC_COLUMNS, ...TEXT_COLUMNS, ...BOOLEAN_COLUMNS, ...LIST_COLUMNS, 'xx', 'S').map(column),
    fc.constantFrom<LiteralValue>(1, -0.5, 'a', true, false, null).map(literal),
  );
  for (let d = 1; d <= depth; d++) {
    const e0 = e;
    const lit = fc.constantFrom<LiteralValue>(1, 'a', true, null).map(literal);
    e = fc.oneof(
      e0,
      fc.tuple(comparison, e0, e0).map(([op, left, right]): Expr => ({ type: 'compare', op, left, right, ...at })),
      fc.tuple(fc.constantFrom('+', '/' as const), e0, e0).map(([op, left, right]): Expr => ({ type: 'arithmetic', op, left, right, ...at })),
      fc.tuple(fc.constantFrom('and', 'or' as const), e0, e0).map(([op, left, right]): Expr => ({ type: 'logical', op, left, right, ...at })),
      e0.map((operand): Expr => ({ type: 'not', operand, ...at })),
      e0.map((operand): Expr => ({ type: 'negate', operand, ...at })),
      fc.tuple(e0, fc.array(lit, { minLength: 1, maxLength: 3 })).map(([operand, values]): Expr => ({ type: 'in', operand, values, negated: false, ...at })),
      fc.tuple(e0, e0, e0).map(([operand, low, high]): Expr => ({ type: 'between', operand, low, high, negated: false, ...at })),
      e0.map((operand): Expr => ({ type: 'is_null', operand, negated: true, ...at })),
      fc.tuple(lit, fc.constantFrom('tags', 's', 'xx')).map(([value, name]): Expr => ({ type: 'contains', value, list: { type: 'column', name, ...at }, negated: false, ...at })),
    );
  }
  return e;
}

/** Token soup for the parser fuzz test. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom('a', '"b c"', '`d`', "'e'", "'", '"', '`', '1', '-2.5e3', '.', '(', ')', ',', '=', '==', '!=', '<>', '<', '>=', '+', '-', '*', '/', 'and', 'OR', 'not', 'in', 'between', 'is', 'null', 'true', '#', '!', ' ', '\n', '\t'), { maxLength: 14 })
  .map((parts) => parts.join(' '));
