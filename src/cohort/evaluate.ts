import {
  Bitset,
  booleanColumn,
  categoricalFromCodes,
  MISSING_BOOL,
  numericColumn,
  withMeta,
  type BooleanColumn,
  type CategoricalColumn,
  type Column,
  type ListColumn,
  type NumericColumn,
  type Table,
} from '../table/index.js';
import type { ArithmeticOperator, ComparisonOperator, Expr, LiteralNode } from './ast.js';
import { columnTypes, requireCondition, typeCheck, type ValueType } from './check.js';

/**
 * The rows where `expr` is true, under SQL's three-valued logic: a comparison with a missing value
 * is unknown, `not unknown` is unknown, `unknown and false` is false, `unknown or true` is true,
 * `x in (1, null)` without a match is unknown, `is null` is never unknown; `x / 0` is missing.
 * The result equals the rows that {@link toSql}'s SQL selects in DuckDB.
 *
 * Evaluation is column-at-a-time over the typed arrays: conditions become bit-packed
 * true/unknown sets, arithmetic becomes `Float64Array`s (NaN = missing), and a categorical column
 * is compared with a literal through one test per dictionary entry.
 * @throws `unknown_column` or `type_error` user errors naming the character position
 * @example evaluateMask(parseExpression("age > 40 and sex = 'F'"), table).count()
 */
export function evaluateMask(expr: Expr, table: Table): Bitset {
  const types = typeCheck(expr, columnTypes(table.schema()));
  requireCondition(expr, types);
  return new Bitset(table.rowCount, new Evaluator(table, types).truth(expr).t);
}

/**
 * `expr` as a column named `name`: a condition gives a {@link BooleanColumn} (unknown is missing),
 * arithmetic a {@link NumericColumn}, a bare column that column (renamed, data shared) and a text
 * literal a constant categorical column.
 * @example evaluateColumn(parseExpression('decile_score >= 5'), table, 'prediction')
 */
export function evaluateColumn(expr: Expr, table: Table, name: string): Column {
  const types = typeCheck(expr, columnTypes(table.schema()));
  const n = table.rowCount;
  if (expr.type === 'column') return withMeta(table.column(expr.name), { name });
  const ev = new Evaluator(table, types);
  switch (types.get(expr)) {
    case 'numeric': {
      const v = ev.numbers(expr);
      return numericColumn(name, typeof v === 'number' ? new Float64Array(n).fill(v) : v);
    }
    case 'text':
      return categoricalFromCodes(name, new Int32Array(n), [(expr as LiteralNode).value as string]);
    default: {
      const { t, u } = ev.truth(expr);
      const values = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const bit = 1 << (i & 31);
        values[i] = u[i >>> 5] & bit ? MISSING_BOOL : t[i >>> 5] & bit ? 1 : 0;
      }
      return booleanColumn(name, values);
    }
  }
}

/** Three-valued truth, bit-packed: rows in `t` are true, rows in `u` unknown, the rest false. Bits past the last row are 0. */
interface Truth {
  readonly t: Uint32Array;
  readonly u: Uint32Array;
}
/** Numbers per row, or one number for every row; NaN is missing. */
type Numbers = Float64Array | number;
/** Text per row (a categorical column), or one text (or null) for every row. */
type Text = CategoricalColumn | string | null;

class Evaluator {
  private readonly n: number;
  /** Arrays this evaluation allocated, which later arithmetic may overwrite instead of allocating. */
  private readonly scratch = new Set<Float64Array>();

  constructor(
    private readonly table: Table,
    private readonly types: ReadonlyMap<Expr, ValueType>,
  ) {
    this.n = table.rowCount;
  }

  truth(e: Expr): Truth {
    const n = this.n;
    switch (e.type) {
      case 'literal':
        return constant(n, e.value as boolean | null);
      case 'column':
        return fromBooleans((this.table.column(e.name) as BooleanColumn).values);
      case 'logical':
        return (e.op === 'and' ? and : or)(this.truth(e.left), this.truth(e.right));
      case 'not':
        return not(this.truth(e.operand), n);
      case 'compare':
        return this.compare(this.typeOf(e.left), e.op, this.value(e.left), this.value(e.right));
      case 'between': {
        const type = this.typeOf(e.operand);
        const x = this.value(e.operand);
        const r = and(this.compare(type, '>=', x, this.value(e.low)), this.compare(type, '<=', x, this.value(e.high)));
        return e.negated ? not(r, n) : r;
      }
      case 'in': {
        const r = this.in(e.operand, e.values);
        return e.negated ? not(r, n) : r;
      }
      case 'is_null': {
        const r = this.isNull(e.operand);
        return e.negated ? not(r, n) : r;
      }
      case 'contains': {
        const r = contains(this.table.column(e.list.name) as ListColumn, e.value.value as string);
        return e.negated ? not(r, n) : r;
      }
      case 'arithmetic':
      case 'negate':
        throw new Error(`not a condition: ${e.type}`);
    }
  }

  numbers(e: Expr): Numbers {
    switch (e.type) {
      case 'literal':
        return e.value === null ? NaN : (e.value as number);
      case 'column':
        return (this.table.column(e.name) as NumericColumn).values;
      case 'negate': {
        const a = this.numbers(e.operand);
        if (typeof a === 'number') return -a;
        const out = this.output(a);
        for (let i = 0; i < out.length; i++) out[i] = -a[i];
        return out;
      }
      case 'arithmetic': {
        const a = this.numbers(e.left);
        const b = this.numbers(e.right);
        return typeof a === 'number' && typeof b === 'number' ? apply(e.op, a, b) : arithmetic(e.op, a, b, this.output(a, b));
      }
      default:
        throw new Error(`not numeric: ${e.type}`);
    }
  }

  /** A buffer for a result computed from `a` and `b`: one of them when this evaluation owns it. */
  private output(a: Numbers, b?: Numbers): Float64Array {
    for (const x of [a, b]) {
      if (typeof x === 'object' && this.scratch.has(x)) return x;
    }
    const out = new Float64Array(this.n);
    this.scratch.add(out);
    return out;
  }

  private text(e: Expr): Text {
    if (e.type === 'column') return this.table.column(e.name) as CategoricalColumn;
    if (e.type === 'literal') return e.value as string | null;
    throw new Error(`not text: ${e.type}`);
  }

  private typeOf(e: Expr): ValueType {
    return this.types.get(e) as ValueType;
  }

  private value(e: Expr): Numbers | Text | Truth {
    const type = this.typeOf(e);
    return type === 'numeric' ? this.numbers(e) : type === 'text' ? this.text(e) : this.truth(e);
  }

  private compare(type: ValueType, op: ComparisonOperator, a: Numbers | Text | Truth, b: Numbers | Text | Truth): Truth {
    if (type === 'numeric') return compareNumbers(op, a as Numbers, b as Numbers, this.n);
    if (type === 'text') return compareText(op, a as Text, b as Text, this.n);
    return compareTruth(op, a as Truth, b as Truth, this.n);
  }

  private in(operand: Expr, list: readonly LiteralNode[]): Truth {
    const n = this.n;
    const values = list.map((v) => v.value).filter((v) => v !== null);
    const hasNull = values.length < list.length;
    const type = this.typeOf(operand);
    if (type === 'numeric') return inNumbers(this.numbers(operand), values as number[], hasNull, n);
    if (type === 'text') {
      const x = this.text(operand);
      const set = new Set(values as string[]);
      if (x === null || typeof x === 'string') return constant(n, x !== null && set.has(x) ? true : x === null || hasNull ? null : false);
      return byCode(x.codes, Uint8Array.from(x.dictionary, (s) => (set.has(s) ? 1 : hasNull ? 2 : 0)), n);
    }
    const a = this.truth(operand);
    const hasTrue = values.includes(true);
    const hasFalse = values.includes(false);
    const t = new Uint32Array(a.t.length);
    const u = new Uint32Array(a.t.length);
    for (let k = 0; k < t.length; k++) {
      const m = tailMask(k, n);
      t[k] = ((hasTrue ? a.t[k] : 0) | (hasFalse ? ~(a.t[k] | a.u[k]) : 0)) & m;
      u[k] = hasNull ? ~t[k] & m : a.u[k];
    }
    return { t, u };
  }

  private isNull(e: Expr): Truth {
    const n = this.n;
    const u = new Uint32Array((n + 31) >>> 5);
    switch (this.typeOf(e)) {
      case 'null':
        return constant(n, true);
      case 'boolean':
        return { t: this.truth(e).u, u };
      case 'numeric': {
        const x = this.numbers(e);
        if (typeof x === 'number') return constant(n, x !== x);
        const t = new Uint32Array(u.length);
        for (let i = 0; i < n; i++) if (x[i] !== x[i]) t[i >>> 5] |= 1 << (i & 31);
        return { t, u };
      }
      case 'text': {
        const x = this.text(e);
        if (x === null || typeof x === 'string') return constant(n, x === null);
        const t = new Uint32Array(u.length);
        const codes = x.codes;
        for (let i = 0; i < n; i++) if (codes[i] < 0) t[i >>> 5] |= 1 << (i & 31);
        return { t, u };
      }
      case 'list': {
        const missing = (this.table.column((e as { name: string }).name) as ListColumn).missing;
        const t = new Uint32Array(u.length);
        for (let i = 0; i < n; i++) if (missing[i] === 1) t[i >>> 5] |= 1 << (i & 31);
        return { t, u };
      }
    }
  }
}

/** Ones for the rows held by word `k` of an `n`-row set. */
function tailMask(k: number, n: number): number {
  const rem = n - (k << 5);
  return rem >= 32 ? -1 : (1 << rem) - 1;
}

function constant(n: number, value: boolean | null): Truth {
  const w = (n + 31) >>> 5;
  const full = new Uint32Array(w);
  for (let k = 0; k < w; k++) full[k] = tailMask(k, n);
  return value === true ? { t: full, u: new Uint32Array(w) } : { t: new Uint32Array(w), u: value === null ? full : new Uint32Array(w) };
}

function fromBooleans(values: Uint8Array): Truth {
  const n = values.length;
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const v = values[i];
      if (v === MISSING_BOOL) uk |= bit;
      else if (v !== 0) tk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

function and(a: Truth, b: Truth): Truth {
  const t = new Uint32Array(a.t.length);
  const u = new Uint32Array(a.t.length);
  for (let k = 0; k < t.length; k++) {
    t[k] = a.t[k] & b.t[k];
    // Unknown: neither side false, not both true.
    u[k] = (a.t[k] | a.u[k]) & (b.t[k] | b.u[k]) & ~t[k];
  }
  return { t, u };
}

function or(a: Truth, b: Truth): Truth {
  const t = new Uint32Array(a.t.length);
  const u = new Uint32Array(a.t.length);
  for (let k = 0; k < t.length; k++) {
    t[k] = a.t[k] | b.t[k];
    u[k] = (a.u[k] | b.u[k]) & ~t[k];
  }
  return { t, u };
}

function not(a: Truth, n: number): Truth {
  const t = new Uint32Array(a.t.length);
  for (let k = 0; k < t.length; k++) t[k] = ~(a.t[k] | a.u[k]) & tailMask(k, n);
  return { t, u: a.u };
}

const FLIP: Readonly<Record<ComparisonOperator, ComparisonOperator>> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Whether `op` holds for two values whose ordering is `order` (negative, 0 or positive). */
function holds(op: ComparisonOperator, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function compareNumbers(op: ComparisonOperator, a: Numbers, b: Numbers, n: number): Truth {
  if (typeof a === 'number') {
    if (typeof b === 'number') return constant(n, a !== a || b !== b ? null : holds(op, a < b ? -1 : a > b ? 1 : 0));
    return compareNumbers(FLIP[op], b, a, n);
  }
  if (typeof b === 'number') {
    if (b !== b) return constant(n, null);
    if (op === '!=') return notEqual(compareNumbers('=', a, b, n), n);
    // Against a constant every operator is a closed range: x > b is x >= the next double up.
    const lo = op === '>' ? nextUp(b) : op === '>=' || op === '=' ? b : -Infinity;
    const hi = op === '<' ? -nextUp(-b) : op === '<=' || op === '=' ? b : Infinity;
    return inRange(a, lo, hi, n);
  }
  switch (op) {
    case '=':
      return equalVectors(a, b, n);
    case '!=':
      return notEqual(equalVectors(a, b, n), n);
    case '<':
    case '<=':
      return lessVectors(a, b, op === '<=', n);
    case '>':
    case '>=':
      return lessVectors(b, a, op === '>=', n);
  }
}

// The kernels below fill one 32-row word at a time in locals: one store per word, not per row.

function inRange(a: Float64Array, lo: number, hi: number, n: number): Truth {
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const x = a[i];
      if (x >= lo && x <= hi) tk |= bit;
      else if (x !== x) uk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

function equalVectors(a: Float64Array, b: Float64Array, n: number): Truth {
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const x = a[i];
      const y = b[i];
      if (x === y) tk |= bit;
      else if (x !== x || y !== y) uk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

function lessVectors(a: Float64Array, b: Float64Array, orEqual: boolean, n: number): Truth {
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const x = a[i];
      const y = b[i];
      if (x < y || (orEqual && x === y)) tk |= bit;
      else if (x !== x || y !== y) uk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

/** `a != b` from `a = b`: known and not equal. */
function notEqual(eq: Truth, n: number): Truth {
  return { t: not(eq, n).t, u: eq.u };
}

const BITS = new Float64Array(1);
const BITS_INT = new BigInt64Array(BITS.buffer);

/** The smallest double above `x`; NaN above Infinity, which makes a range bounded by it empty. */
function nextUp(x: number): number {
  if (x === Infinity) return NaN;
  if (x === 0) return Number.MIN_VALUE;
  BITS[0] = x;
  BITS_INT[0] += x > 0 ? 1n : -1n;
  return BITS[0];
}

/**
 * `a op b` elementwise into `out` (which may be `a` or `b`: each element is read before it is
 * written). Scalars get their own loops: a per-row scalar-or-array test costs ~2× here.
 */
function arithmetic(op: ArithmeticOperator, a: Numbers, b: Numbers, out: Float64Array): Numbers {
  const n = out.length;
  if (typeof a === 'number') {
    if (typeof b === 'number') return apply(op, a, b);
    if (op === '+' || op === '*') return arithmetic(op, b, a, out);
    if (op === '-') for (let i = 0; i < n; i++) out[i] = a - b[i];
    else for (let i = 0; i < n; i++) out[i] = b[i] === 0 ? NaN : a / b[i];
  } else if (typeof b === 'number') {
    if (op === '+') for (let i = 0; i < n; i++) out[i] = a[i] + b;
    else if (op === '-') for (let i = 0; i < n; i++) out[i] = a[i] - b;
    else if (op === '*') for (let i = 0; i < n; i++) out[i] = a[i] * b;
    else if (b === 0) out.fill(NaN);
    else for (let i = 0; i < n; i++) out[i] = a[i] / b;
  } else {
    if (op === '+') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (op === '-') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else if (op === '*') for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else for (let i = 0; i < n; i++) out[i] = b[i] === 0 ? NaN : a[i] / b[i];
  }
  return out;
}

function apply(op: ArithmeticOperator, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      // Division by zero is missing, as SQL's NULL, not ±Infinity (see toSql).
      return y === 0 ? NaN : x / y;
  }
}

function inNumbers(x: Numbers, values: number[], hasNull: boolean, n: number): Truth {
  if (typeof x === 'number') return constant(n, x !== x ? null : values.includes(x) ? true : hasNull ? null : false);
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  // A short list is scanned; a long one hashed.
  const set = new Set(values);
  const list = values.length <= 8 ? Float64Array.from(values) : undefined;
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const v = x[i];
      let found = false;
      if (list) {
        for (let j = 0; j < list.length && !found; j++) found = list[j] === v;
      } else found = set.has(v);
      if (found) tk |= bit;
      else if (v !== v || hasNull) uk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

/** Truth per row from a verdict per dictionary code (0 false, 1 true, 2 unknown); missing codes are unknown. */
function byCode(codes: Int32Array, verdict: Uint8Array, n: number): Truth {
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      const c = codes[i];
      const v = c < 0 ? 2 : verdict[c];
      if (v === 1) tk |= bit;
      else if (v === 2) uk |= bit;
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}

function compareText(op: ComparisonOperator, a: Text, b: Text, n: number): Truth {
  const aConst = a === null || typeof a === 'string';
  const bConst = b === null || typeof b === 'string';
  if (aConst && bConst) return constant(n, a === null || b === null ? null : holds(op, compareUtf8(a, b)));
  if (aConst) return compareText(FLIP[op], b, a, n);
  const col = a as CategoricalColumn;
  if (bConst) {
    if (b === null) return constant(n, null);
    return byCode(col.codes, Uint8Array.from(col.dictionary, (s) => (holds(op, compareUtf8(s, b)) ? 1 : 0)), n);
  }
  // Two columns: rank both dictionaries in one order and compare the ranks as numbers.
  const other = b as CategoricalColumn;
  const order = [...new Set([...col.dictionary, ...other.dictionary])].sort(compareUtf8);
  const rank = new Map(order.map((s, i) => [s, i]));
  const ranks = (c: CategoricalColumn): Float64Array => {
    const byCode = c.dictionary.map((s) => rank.get(s) as number);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = c.codes[i] < 0 ? NaN : byCode[c.codes[i]];
    return out;
  };
  return compareNumbers(op, ranks(col), ranks(other), n);
}

/**
 * Orders strings as their UTF-8 bytes, like DuckDB's default collation. That is code-point order,
 * which differs from JavaScript's UTF-16 order only where surrogate pairs (U+10000 and up) meet
 * U+E000–U+FFFF.
 */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates above U+E000–U+FFFF, as their code points are.
      x += x < 0xe000 ? 0x2000 : -0x800;
      y += y < 0xe000 ? 0x2000 : -0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

function compareTruth(op: ComparisonOperator, a: Truth, b: Truth, n: number): Truth {
  const t = new Uint32Array(a.t.length);
  const u = new Uint32Array(a.t.length);
  for (let k = 0; k < t.length; k++) {
    const x = a.t[k];
    const y = b.t[k];
    u[k] = a.u[k] | b.u[k];
    // false < true; unknown rows have no bit in t, so mask them out of the result.
    const known = ~u[k] & tailMask(k, n);
    const r = op === '=' ? ~(x ^ y) : op === '!=' ? x ^ y : op === '<' ? ~x & y : op === '<=' ? ~x | y : op === '>' ? x & ~y : x | ~y;
    t[k] = r & known;
  }
  return { t, u };
}

function contains(list: ListColumn, value: string): Truth {
  const n = list.missing.length;
  const w = (n + 31) >>> 5;
  const t = new Uint32Array(w);
  const u = new Uint32Array(w);
  const hit = Uint8Array.from(list.dictionary, (s) => (s === value ? 1 : 0));
  const { offsets, codes, missing } = list;
  for (let k = 0, i = 0; k < w; k++) {
    let tk = 0;
    let uk = 0;
    for (let bit = 1, end = Math.min(i + 32, n); i < end; i++, bit <<= 1) {
      if (missing[i] === 1) uk |= bit;
      else {
        let found = false;
        for (let j = offsets[i]; j < offsets[i + 1] && !found; j++) found = hit[codes[j]] === 1;
        if (found) tk |= bit;
      }
    }
    t[k] = tk;
    u[k] = uk;
  }
  return { t, u };
}
