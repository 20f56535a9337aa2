import { prepare } from '../assess/prepare.js';
import type { Task } from '../assess/index.js';
import { columnsOf, exprToString, parseExpression } from '../cohort/index.js';
import { binaryMetric, type BinaryMetricId } from '../metrics/binary.js';
import type { MetricValue } from '../metrics/metric-value.js';
import type { Table } from '../table/index.js';
import type { Warning } from '../report/insights.js';

/** What every error analysis needs to say which rows are wrong: the label and prediction, as `assess` reads them. */
export interface ErrorTargetOptions {
  /** The label: a column name or a boolean expression. */
  readonly label: string;
  /** The prediction: a column name or a boolean expression (`score >= 0.5`). */
  readonly pred: string;
  /** Task; inferred as `assess` infers it when absent. */
  readonly task?: Task;
  /** The positive label value of a binary task (as `assess`). */
  readonly positive?: string;
  /** Only rows where this expression is true are analysed; every cohort expression includes it. */
  readonly where?: string;
  /** Sample-weight column. Defaults to none (every row counts 1). */
  readonly weight?: string;
}

/** Per-row error of the model, resolved once. */
export interface ErrorTarget {
  readonly task: Task;
  /** 1 for rows in the analysis (matched `where`, with a label, a prediction and a valid weight). */
  readonly usable: Uint8Array;
  /** Classification: 1 when misclassified, 0 otherwise; regression: |label − pred|; NaN outside the analysis. */
  readonly error: Float64Array;
  /** Row weights (1 each without a weight column). */
  readonly weight: Float64Array;
  /** Binary: confusion cell per row (0 tp, 1 fp, 2 tn, 3 fn); -1 otherwise. */
  readonly cell: Int8Array | null;
  /** Regression: the signed residual label − pred (for mse). */
  readonly residual: Float64Array | null;
  /** Classification: each analysed row's predicted class (binary: 1 positive, 0 negative), -1 outside the analysis; null for regression. */
  readonly predicted: Int32Array | null;
  /** The `where` expression, normalised, or undefined. */
  readonly where: string | undefined;
  /** Columns the label, prediction and weight read: never features. */
  readonly targetColumns: ReadonlySet<string>;
  readonly warnings: Warning[];
}

/** Resolves the label and prediction into each row's error, with `assess`'s rules (and its messages). */
export function errorTarget(table: Table, options: ErrorTargetOptions): ErrorTarget {
  const where = options.where !== undefined && options.where.trim() !== '' ? exprToString(parseExpression(options.where)) : undefined;
  const p = prepare(table, { label: options.label, pred: options.pred, task: options.task, positive: options.positive, where, weight: options.weight });
  const n = table.rowCount;
  const error = new Float64Array(n).fill(NaN);
  const weight = new Float64Array(n).fill(1);
  const t = p.target;
  let cell: Int8Array | null = null;
  let residual: Float64Array | null = null;
  const predicted = t.task === 'regression' ? null : new Int32Array(n).fill(-1);
  if (t.task === 'binary') cell = new Int8Array(n).fill(-1);
  if (t.task === 'regression') residual = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (p.weight) weight[i] = p.weight[i];
    if (!p.usable[i]) continue;
    if (predicted && t.task !== 'regression') predicted[i] = t.pred[i];
    if (t.task === 'binary') {
      const y = t.label[i];
      const yhat = t.pred[i];
      error[i] = y === yhat ? 0 : 1;
      (cell as Int8Array)[i] = y === 1 ? (yhat === 1 ? 0 : 3) : yhat === 1 ? 1 : 2;
    } else if (t.task === 'multiclass') error[i] = t.label[i] === t.pred[i] ? 0 : 1;
    else {
      const r = t.label[i] - t.pred[i];
      (residual as Float64Array)[i] = r;
      error[i] = Math.abs(r);
    }
  }
  const targetColumns = new Set<string>();
  for (const spec of [options.label, options.pred, options.weight]) {
    if (spec === undefined) continue;
    if (table.has(spec)) targetColumns.add(spec);
    else for (const c of columnsOf(parseExpression(spec))) targetColumns.add(c);
  }
  return { task: p.resolved.task, usable: p.usable, error, weight, cell, residual, predicted, where, targetColumns, warnings: p.warnings };
}

/** Sums over a set of rows from which every node, cell and cohort metric is derived. */
export interface ErrorCounts {
  /** Sum of weights. */
  rows: number;
  /** Sum of weighted errors. */
  errors: number;
  /** Binary: weighted tp, fp, tn, fn. Regression: Σw·r, Σw·r², Σw·|r|, max |r|. */
  readonly extra: Float64Array;
}

/** Empty counts. */
export function emptyCounts(): ErrorCounts {
  return { rows: 0, errors: 0, extra: new Float64Array(4) };
}

/** Adds row i (in the analysis) to `c`. */
export function addRow(c: ErrorCounts, t: ErrorTarget, i: number): void {
  const w = t.weight[i];
  c.rows += w;
  c.errors += w * t.error[i];
  if (t.cell) c.extra[t.cell[i]] += w;
  else if (t.residual) {
    const r = t.residual[i];
    c.extra[0] += w * r;
    c.extra[1] += w * r * r;
    c.extra[2] += w * Math.abs(r);
    c.extra[3] = Math.max(c.extra[3], Math.abs(r));
  }
}

/** Adds `b` into `a`. */
export function mergeCounts(a: ErrorCounts, b: ErrorCounts, regression: boolean): void {
  a.rows += b.rows;
  a.errors += b.errors;
  for (let k = 0; k < 4; k++) a.extra[k] = regression && k === 3 ? Math.max(a.extra[k], b.extra[k]) : a.extra[k] + b.extra[k];
}

/** errors / rows, or null for no rows. */
export function errorRate(c: ErrorCounts): number | null {
  return c.rows > 0 ? c.errors / c.rows : null;
}

const NODE_BINARY_METRICS: BinaryMetricId[] = ['accuracy', 'precision', 'recall', 'false_positive_rate', 'false_negative_rate', 'selection_rate', 'base_rate'];

/** Count-based metrics of a set of rows: as `assess` computes them, from the sums alone. */
export function countMetrics(c: ErrorCounts, task: Task): Record<string, number | null> {
  const out: Record<string, number | null> = { count: c.rows };
  const value = (m: MetricValue) => m.value;
  if (task === 'binary') {
    const [tp, fp, tn, fn] = c.extra;
    for (const id of NODE_BINARY_METRICS) out[id] = value(binaryMetric(id, tp, fp, tn, fn, c.rows));
    out.error_rate = errorRate(c);
  } else if (task === 'multiclass') {
    out.accuracy = c.rows > 0 ? 1 - c.errors / c.rows : null;
    out.error_rate = errorRate(c);
  } else {
    out.mae = errorRate(c);
    out.mse = c.rows > 0 ? c.extra[1] / c.rows : null;
    out.rmse = c.rows > 0 ? Math.sqrt(c.extra[1] / c.rows) : null;
    out.mean_residual = c.rows > 0 ? c.extra[0] / c.rows : null;
    out.max_error = c.rows > 0 ? c.extra[3] : null;
  }
  return out;
}

/** `(where) and (expr)`, or whichever exists; `true` when neither does. */
export function andExpressions(...parts: (string | undefined)[]): string {
  const present = parts.filter((p): p is string => p !== undefined && p !== '' && p !== 'true');
  if (present.length === 0) return 'true';
  if (present.length === 1) return present[0];
  return present.map((p) => (needsParens(p) ? `(${p})` : p)).join(' and ');
}

/** Whether a top-level `or` makes `p` need parentheses inside an `and`. */
function needsParens(p: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  const lower = p.toLowerCase();
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && lower.startsWith(' or ', i)) return true;
  }
  return false;
}
