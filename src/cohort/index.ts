export type {
  ArithmeticNode,
  ArithmeticOperator,
  BetweenNode,
  ColumnNode,
  CompareNode,
  ComparisonOperator,
  ContainsNode,
  Expr,
  InNode,
  IsNullNode,
  LiteralNode,
  LiteralValue,
  LogicalNode,
  NegateNode,
  NotNode,
  Span,
} from './ast.js';
export { columnsOf } from './ast.js';
export { parseExpression } from './parse.js';
export { exprToString } from './print.js';
export { evaluateMask, evaluateColumn } from './evaluate.js';
export { toSql, type SqlPredicate, type SqlParam, type SqlParamType } from './to-sql.js';
export { parseCohortFlag, cohortMask, type Cohort } from './cohort.js';
