import type { ColumnNode, ComparisonOperator, Expr, LiteralNode } from './ast.js';
import { describeToken, lex, syntaxError, type Token } from './lex.js';

const COMPARISON: Readonly<Record<string, ComparisonOperator>> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/**
 * Parses a cohort expression into an {@link Expr} whose nodes carry character positions.
 *
 * The grammar (keywords case-insensitive), loosest binding first: `or`, `and`, `not`; then one test —
 * a comparison (`= == != <> < <= > >=`), `[not] in (literal, …)`, `[not] between a and b`,
 * `is [not] null`, or `'text' [not] in list_column`; then `+ -`, `* /`, unary `-`, and atoms:
 * a column (`age`, `"hours per week"`, `` `hours per week` ``), a literal (`42`, `1.5e3`,
 * `'it''s'`, `true`, `false`, `null`) or a parenthesised expression.
 *
 * @throws a `syntax_error` user error whose message names the character position, what was
 *   expected and what was found, and points at it with a caret under the echoed expression.
 * @example parseExpression("age > 40 and residency = 'Florida'")
 */
export function parseExpression(text: string): Expr {
  return new Parser(text, lex(text)).parse();
}

class Parser {
  private i = 0;
  /** What could have come at token `expectedAt`, for the error message if nothing there fits. */
  private expected: string[] = [];
  private expectedAt = -1;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Expr {
    const expr = this.or();
    if (this.tok.kind !== 'end') this.fail('end of expression');
    return expr;
  }

  private get tok(): Token {
    return this.tokens[this.i];
  }

  /** End of the last consumed token. */
  private get last(): number {
    return this.tokens[this.i - 1].end;
  }

  /** Consumes the current token when it is `kind` (and `value`); otherwise records `label` as expected here. */
  private accept(kind: Token['kind'], value: string | undefined, label?: string): Token | undefined {
    const t = this.tok;
    if (t.kind === kind && (value === undefined || t.value === value)) {
      this.i++;
      return t;
    }
    if (label) this.note(label);
    return undefined;
  }

  private require(kind: Token['kind'], value: string | undefined, label: string): Token {
    return this.accept(kind, value, label) ?? this.fail(label);
  }

  private note(label: string): void {
    if (this.expectedAt !== this.i) {
      this.expectedAt = this.i;
      this.expected = [];
    }
    if (!this.expected.includes(label)) this.expected.push(label);
  }

  private fail(label: string): never {
    this.note(label);
    throw syntaxError(this.text, this.tok.start, this.expected, describeToken(this.tok));
  }

  private or(): Expr {
    const start = this.tok.start;
    let left = this.and();
    while (this.accept('keyword', 'or', '"or"')) left = { type: 'logical', op: 'or', left, right: this.and(), start, end: this.last };
    return left;
  }

  private and(): Expr {
    const start = this.tok.start;
    let left = this.not();
    while (this.accept('keyword', 'and', '"and"')) left = { type: 'logical', op: 'and', left, right: this.not(), start, end: this.last };
    return left;
  }

  private not(): Expr {
    const start = this.tok.start;
    if (this.tok.kind === 'keyword' && this.tok.value === 'not') {
      this.i++;
      return { type: 'not', operand: this.not(), start, end: this.last };
    }
    return this.test();
  }

  private test(): Expr {
    const start = this.tok.start;
    const operand = this.sum();
    const t = this.tok;
    if (t.kind === 'operator' && t.value in COMPARISON) {
      this.i++;
      return { type: 'compare', op: COMPARISON[t.value], left: operand, right: this.sum(), start, end: this.last };
    }
    if (this.accept('keyword', 'is', 'an operator')) {
      const negated = this.accept('keyword', 'not', '"not"') !== undefined;
      this.require('keyword', 'null', '"null"');
      return { type: 'is_null', operand, negated, start, end: this.last };
    }
    const negated = this.accept('keyword', 'not', 'an operator') !== undefined;
    // After `not` only `in` or `between` may follow; say so in one label.
    const label = negated ? undefined : 'an operator';
    if (this.accept('keyword', 'between', label)) {
      const low = this.sum();
      this.require('keyword', 'and', '"and"');
      return { type: 'between', operand, low, high: this.sum(), negated, start, end: this.last };
    }
    if (this.accept('keyword', 'in', label)) {
      if (operand.type === 'literal' && this.tok.kind === 'identifier') {
        return { type: 'contains', value: operand, list: this.column(), negated, start, end: this.last };
      }
      this.require('(', undefined, operand.type === 'literal' ? '"(" or a list column' : '"("');
      const values = [this.literal(true)];
      while (this.accept(',', undefined, '","')) values.push(this.literal(true));
      this.require(')', undefined, '")"');
      return { type: 'in', operand, values, negated, start, end: this.last };
    }
    if (negated) this.fail('"in" or "between"');
    return operand;
  }

  private sum(): Expr {
    const start = this.tok.start;
    let left = this.term();
    for (let t = this.tok; this.isOperator(t, '+', '-'); t = this.tok) {
      this.i++;
      left = { type: 'arithmetic', op: t.value as '+' | '-', left, right: this.term(), start, end: this.last };
    }
    return left;
  }

  private term(): Expr {
    const start = this.tok.start;
    let left = this.unary();
    for (let t = this.tok; this.isOperator(t, '*', '/'); t = this.tok) {
      this.i++;
      left = { type: 'arithmetic', op: t.value as '*' | '/', left, right: this.unary(), start, end: this.last };
    }
    return left;
  }

  private isOperator(t: Token, a: string, b: string): boolean {
    if (t.kind === 'operator' && (t.value === a || t.value === b)) return true;
    this.note('an operator');
    return false;
  }

  private unary(): Expr {
    const start = this.tok.start;
    if (this.tok.kind === 'operator' && this.tok.value === '-') {
      this.i++;
      const operand = this.unary();
      // Fold the sign into a number so that `x in (-1)`, `x > -1` and printed negatives round-trip.
      if (operand.type === 'literal' && typeof operand.value === 'number') return { type: 'literal', value: -operand.value, start, end: this.last };
      return { type: 'negate', operand, start, end: this.last };
    }
    return this.atom();
  }

  private atom(): Expr {
    const t = this.tok;
    if (t.kind === 'identifier') return this.column();
    if (this.accept('(', undefined, 'an expression')) {
      const e = this.or();
      this.require(')', undefined, '")"');
      return e;
    }
    return this.literal(false);
  }

  private column(): ColumnNode {
    const t = this.require('identifier', undefined, 'a column name');
    const node = { type: 'column', name: t.value as string, start: t.start, end: t.end } as const;
    return t.quote === '"' ? { ...node, quoted: true } : node;
  }

  /** A literal; in a list (`signed`) a leading minus belongs to the number. */
  private literal(signed: boolean): LiteralNode {
    const label = signed ? 'a literal' : 'an expression';
    const start = this.tok.start;
    const minus = signed && this.tok.kind === 'operator' && this.tok.value === '-';
    if (minus) this.i++;
    const t = this.tok;
    let value: LiteralNode['value'];
    if (t.kind === 'number') {
      // Infinity would print as a name and has no literal in SQL.
      if (!Number.isFinite(t.value)) throw syntaxError(this.text, t.start, ['a number between -1.8e308 and 1.8e308'], describeToken(t));
      value = minus ? -(t.value as number) : (t.value as number);
    } else if (minus) this.fail('a number');
    else if (t.kind === 'string') value = t.value as string;
    else if (t.kind === 'keyword' && (t.value === 'true' || t.value === 'false' || t.value === 'null')) value = t.value === 'null' ? null : t.value === 'true';
    else this.fail(label);
    this.i++;
    return { type: 'literal', value, start, end: this.last };
  }
}
