import { userError } from '../errors/index.js';
import { fitTree } from '../learn/index.js';
import { isMissing, MISSING_BOOL, numericColumn, Table } from '../table/index.js';
import type { ErrorTree, ErrorTreeNode, Warning } from '../report/insights.js';
import { addRow, andExpressions, countMetrics, emptyCounts, errorRate, errorTarget, mergeCounts, type ErrorCounts, type ErrorTarget, type ErrorTargetOptions } from './error-target.js';
import { pathExpression, type ColumnKind } from './path-expression.js';

/** Options of {@link errorTree}. */
export interface ErrorTreeOptions extends ErrorTargetOptions {
  /** Columns the tree may split on. Defaults to every numeric, categorical and boolean column that is not the label, prediction, weight, a score or an id (categorical columns with more than 100 values are left out). */
  readonly features?: readonly string[];
  /** Maximum depth (root = 0). Defaults to 3, as the Responsible AI Toolbox. */
  readonly maxDepth?: number;
  /** Maximum number of leaves; the tree grows best-first. Defaults to 31. */
  readonly maxLeaves?: number;
  /** Minimum rows in a leaf. Defaults to 20. */
  readonly minLeafRows?: number;
}

/** Default features leave out categorical columns with more values than this (identifiers, free text). */
const MAX_DEFAULT_CATEGORIES = 100;
const ERROR_COLUMN = '\u0000error';

/**
 * The columns an error analysis reads by default: numeric, categorical and boolean columns that
 * are not the target, a score, an id or ignored; or `features`, validated.
 */
export function errorFeatures(table: Table, target: ErrorTarget, features: readonly string[] | undefined, warnings: Warning[]): string[] {
  if (features !== undefined) {
    for (const f of features) {
      const c = table.column(f);
      if (c.type === 'list') throw userError('invalid_feature', `feature ${JSON.stringify(f)} holds lists; error analysis splits on numeric, categorical and boolean columns`, { column: f });
      if (target.targetColumns.has(f)) throw userError('invalid_feature', `feature ${JSON.stringify(f)} is read by the label, prediction or weight; leave it out of the features`, { column: f });
    }
    if (features.length === 0) throw userError('invalid_option', 'no features: give at least one column to split on');
    return [...features];
  }
  const out: string[] = [];
  for (const c of table.columns) {
    if (c.type === 'list' || target.targetColumns.has(c.name)) continue;
    if (c.role !== undefined && ['label', 'prediction', 'score', 'weight', 'id', 'ignore'].includes(c.role)) continue;
    if (c.type === 'categorical' && c.dictionary.length > MAX_DEFAULT_CATEGORIES) {
      warnings.push({ code: 'feature_left_out', message: `column ${JSON.stringify(c.name)} has ${c.dictionary.length} values (more than ${MAX_DEFAULT_CATEGORIES}), so it is not a default feature; name it in --features to use it` });
      continue;
    }
    if (copiesPrediction(table, target, c.name)) {
      warnings.push({ code: 'feature_left_out', message: `column ${JSON.stringify(c.name)} holds the same decisions as the prediction, so it is not a default feature (it would explain every error by the decision itself); name it in --features to use it` });
      continue;
    }
    out.push(c.name);
  }
  if (out.length === 0) throw userError('invalid_option', 'no features to split on: every column is the label, the prediction, a score or an id; pass --features');
  return out;
}

/**
 * Whether a column is a copy of the predicted class under another name (an `approved` column
 * beside `--pred "score >= 0.5"`): its values and the predictions map one to one on the analysed rows.
 */
function copiesPrediction(table: Table, target: ErrorTarget, name: string): boolean {
  const predicted = target.predicted;
  if (!predicted) return false;
  const column = table.column(name);
  const toPred = new Map<string | number, number>();
  const fromPred = new Map<number, string | number>();
  let rows = 0;
  for (let i = 0; i < table.rowCount; i++) {
    if (!target.usable[i]) continue;
    rows++;
    const v = column.type === 'numeric' ? column.values[i] : column.type === 'categorical' ? column.codes[i] : column.type === 'boolean' ? column.values[i] : NaN;
    if (column.type === 'numeric' ? Number.isNaN(v) : v < 0 || (column.type === 'boolean' && v === MISSING_BOOL)) return false;
    const key: string | number = column.type === 'numeric' ? v : `${v}`;
    const p = predicted[i];
    const a = toPred.get(key);
    const b = fromPred.get(p);
    if (a === undefined && b === undefined) {
      if (toPred.size >= 64) return false;
      toPred.set(key, p);
      fromPred.set(p, key);
    } else if (a !== p || b !== key) return false;
  }
  // On a handful of rows any column with distinct values "maps" to the predictions: that is no evidence.
  return toPred.size >= 2 && rows >= MIN_ROWS_FOR_COPY;
}

/** Rows needed before a one-to-one match with the predictions counts as a copy of them. */
const MIN_ROWS_FOR_COPY = 30;

/** How the tree reads each feature column. */
export function columnKinds(table: Table, features: readonly string[]): Map<string, ColumnKind> {
  const kinds = new Map<string, ColumnKind>();
  for (const f of features) {
    const t = table.column(f).type;
    kinds.set(f, t === 'categorical' ? 'categorical' : t === 'boolean' ? 'boolean' : 'numeric');
  }
  return kinds;
}

/** Whether any row of the table lacks a value in `name`. */
export function columnHasMissing(table: Table, name: string): boolean {
  const c = table.column(name);
  const n = table.rowCount;
  // Typed loops: a million rows per feature, for every tree.
  if (c.type === 'numeric') {
    const v = c.values;
    for (let i = 0; i < n; i++) if (v[i] !== v[i]) return true;
    return false;
  }
  if (c.type === 'categorical') {
    const codes = c.codes;
    for (let i = 0; i < n; i++) if (codes[i] < 0) return true;
    return false;
  }
  for (let i = 0; i < n; i++) if (isMissing(c, i)) return true;
  return false;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw userError('invalid_option', `invalid ${name}: ${value} (expected an integer ≥ ${min})`, { option: name });
}

/**
 * An error tree, as the Responsible AI Toolbox's: a surrogate regression tree (CART, squared
 * error) fitted on the features to the model's per-row error — 0/1 misclassification, where
 * squared error splits exactly as gini does (variance p(1−p) is half the gini impurity), or the
 * absolute residual for regression. Each node is a cohort: its expression over the raw columns
 * selects exactly its rows (`evaluateMask(parseExpression(node.expression), table)`), with its
 * rows, errors, error rate (mean absolute error for regression), share of all errors (coverage)
 * and count metrics, equal to what `assess` reports with `where: node.expression`.
 * @example
 * const tree = errorTree(table, { label: 'repaid', pred: 'score >= 0.5' });
 * tree.nodes.filter((n) => n.children === null).sort((a, b) => b.errorRate - a.errorRate)[0].expression;
 */
export function errorTree(table: Table, options: ErrorTreeOptions): ErrorTree {
  return growErrorTree(table, errorTarget(table, options), options).tree;
}

/** {@link errorTree} on an already resolved target; also returns each row's leaf. */
export function growErrorTree(table: Table, target: ErrorTarget, options: Omit<ErrorTreeOptions, keyof ErrorTargetOptions>): { tree: ErrorTree; leafOfRow: Int32Array } {
  const { maxDepth = 3, maxLeaves = 31, minLeafRows = 20 } = options;
  checkInteger('maxDepth', maxDepth, 0);
  checkInteger('maxLeaves', maxLeaves, 1);
  checkInteger('minLeafRows', minLeafRows, 1);
  const warnings: Warning[] = [...target.warnings];
  const features = errorFeatures(table, target, options.features, warnings);
  const kinds = columnKinds(table, features);
  const hasMissing = new Set(features.filter((f) => columnHasMissing(table, f)));

  const design = new Table([...features.map((f) => table.column(f)), numericColumn(ERROR_COLUMN, target.error)]);
  const model = fitTree(design, {
    label: ERROR_COLUMN,
    features,
    task: 'regression',
    weight: target.weight,
    maxDepth,
    minSamplesLeaf: minLeafRows,
    minSamplesSplit: 2 * minLeafRows,
    ...(maxLeaves >= 2 ? { maxLeafNodes: maxLeaves } : { maxDepth: 0 }),
  });
  const nodes = model.tree.nodes;
  const regression = target.task === 'regression';
  const counts: ErrorCounts[] = nodes.map(() => emptyCounts());
  const leaf = model.apply(design);
  for (let i = 0; i < leaf.length; i++) if (target.usable[i]) addRow(counts[leaf[i]], target, i);
  // Children have larger ids than their parent: roll the leaves' sums up in reverse order.
  for (let k = nodes.length - 1; k > 0; k--) mergeCounts(counts[nodes[k].parent], counts[k], regression);
  const total = counts[0].errors;
  const out: ErrorTreeNode[] = nodes.map((node, k) => ({
    id: node.id,
    parent: node.parent >= 0 ? node.parent : null,
    depth: node.depth,
    children: node.left >= 0 ? [node.left, node.right] : null,
    split: node.column,
    expression: andExpressions(target.where, pathExpression(model.path(k), kinds, hasMissing)),
    rows: counts[k].rows,
    errors: counts[k].errors,
    errorRate: errorRate(counts[k]),
    coverage: total > 0 ? counts[k].errors / total : null,
    metrics: countMetrics(counts[k], target.task),
  }));
  const tree: ErrorTree = {
    task: target.task,
    features,
    maxDepth,
    maxLeaves,
    minLeafRows,
    ...(target.where !== undefined ? { where: target.where } : {}),
    nodes: out,
    warnings,
  };
  return { tree, leafOfRow: leaf };
}
