/** A node's place in the expression text: characters `[start, end)`, 0-based. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Comparison operators; `==` parses as `=` and `<>` as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type ArithmeticOperator = '+' | '-' | '*' | '/';

/** A literal's value: a finite number, text, a boolean or `null`. */
export type LiteralValue = number | string | boolean | null;

/** A column reference: `age`, `"hours per week"` or `` `hours per week` ``. */
export interface ColumnNode extends Span {
  readonly type: 'column';
  readonly name: string;
  /** Written in double quotes — kept only to hint that text values take single quotes. */
  readonly quoted?: boolean;
}

/** `42`, `-1.5e3`, `'Florida'`, `true`, `null`. A minus sign before a number is folded into it. */
export interface LiteralNode extends Span {
  readonly type: 'literal';
  readonly value: LiteralValue;
}

/** `a and b`, `a or b`. */
export interface LogicalNode extends Span {
  readonly type: 'logical';
  readonly op: 'and' | 'or';
  readonly left: Expr;
  readonly right: Expr;
}

/** `not a`. */
export interface NotNode extends Span {
  readonly type: 'not';
  readonly operand: Expr;
}

/** `age > 40`. */
export interface CompareNode extends Span {
  readonly type: 'compare';
  readonly op: ComparisonOperator;
  readonly left: Expr;
  readonly right: Expr;
}

/** `sex in ('Female', 'Other')`, `x not in (1, 2)`. */
export interface InNode extends Span {
  readonly type: 'in';
  readonly operand: Expr;
  readonly values: readonly LiteralNode[];
  readonly negated: boolean;
}

/** `income between 20000 and 50000`, `x not between a and b`. */
export interface BetweenNode extends Span {
  readonly type: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}

/** `x is null`, `x is not null`. */
export interface IsNullNode extends Span {
  readonly type: 'is_null';
  readonly operand: Expr;
  readonly negated: boolean;
}

/** `'diabetes' in pre_existing_conditions`: membership in a list-valued column. */
export interface ContainsNode extends Span {
  readonly type: 'contains';
  readonly value: LiteralNode;
  readonly list: ColumnNode;
  readonly negated: boolean;
}

/** `a + b`, `a - b`, `a * b`, `a / b`. */
export interface ArithmeticNode extends Span {
  readonly type: 'arithmetic';
  readonly op: ArithmeticOperator;
  readonly left: Expr;
  readonly right: Expr;
}

/** `-a` (of anything but a number literal, which folds the sign in). */
export interface NegateNode extends Span {
  readonly type: 'negate';
  readonly operand: Expr;
}

/** A parsed cohort expression. Every node carries the character span it was parsed from. */
export type Expr =
  | ColumnNode
  | LiteralNode
  | LogicalNode
  | NotNode
  | CompareNode
  | InNode
  | BetweenNode
  | IsNullNode
  | ContainsNode
  | ArithmeticNode
  | NegateNode;

/** The direct sub-expressions of `expr`, left to right. */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.type) {
    case 'column':
    case 'literal':
      return [];
    case 'logical':
    case 'compare':
    case 'arithmetic':
      return [expr.left, expr.right];
    case 'not':
    case 'negate':
    case 'is_null':
      return [expr.operand];
    case 'in':
      return [expr.operand, ...expr.values];
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'contains':
      return [expr.value, expr.list];
  }
}

/**
 * The column names an expression references, each once, in order of first appearance.
 * @example columnsOf(parseExpression("age > 40 and sex = 'F' or age < 18")) // ['age', 'sex']
 */
export function columnsOf(expr: Expr): string[] {
  const names = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.type === 'column') names.add(e.name);
    else childrenOf(e).forEach(visit);
  };
  visit(expr);
  return [...names];
}
