import { columnsOf, exprToString, parseExpression } from '../cohort/index.js';
import { isUserError, userError } from '../errors/index.js';
import type { ErrorTarget } from '../error-analysis/error-target.js';
import { errorFeatures, growErrorTree } from '../error-analysis/error-tree.js';
import type { Warning } from '../report/insights.js';
import { wilsonInterval } from '../stats/index.js';
import type { Table } from '../table/index.js';

/** Options of the new-errors analysis (`compareModels(…, { regressions })`). */
export interface RegressionOptions {
  /**
   * Columns the tree may split on. Defaults to the error tree's default features: every numeric,
   * categorical and boolean column that is not the label, a model's prediction or score, an id or a
   * column with more than 100 categories.
   */
  features?: readonly string[];
  /** Maximum depth of the tree (root = 0). Defaults to 3. */
  maxDepth?: number;
  /** Maximum leaves. Defaults to 31. */
  maxLeaves?: number;
  /** Minimum rows (the baseline got right) in a leaf. Defaults to 20. */
  minLeafRows?: number;
  /** Cohorts with fewer rows the baseline got right are not listed. Defaults to 30. */
  minRows?: number;
  /** Cohorts listed. Defaults to 10. */
  top?: number;
}

/** One cohort where the candidate breaks what the baseline got right more often than overall. */
export interface RegressionCohort {
  /** A cohort expression over the raw columns (a node of the surrogate tree); it includes `where`. */
  expression: string;
  /** Rows of the cohort the baseline got right. */
  rows: number;
  /** Of those, the rows the candidate gets wrong: the cohort's new errors. */
  newErrors: number;
  /** newErrors / rows — the cohort's 1 − BTC. */
  regressionRate: number;
  /** Wilson interval of the regression rate at the comparison's confidence. */
  ci: [number, number] | null;
  /** regressionRate / the overall regression rate. */
  lift: number | null;
  /** Share of all new errors that fall in the cohort. */
  coverage: number | null;
}

/**
 * Where a candidate's new errors are: a surrogate tree (the error tree) fitted on the rows the
 * baseline got right, predicting whether the candidate gets them wrong, and its nodes ranked.
 */
export interface RegressionAnalysis {
  baseline: string;
  model: string;
  /** Columns the tree split on (empty when there were none to use). */
  features: string[];
  /** Rows the baseline got right (the tree's rows). */
  rows: number;
  /** Of those, the rows the candidate gets wrong. */
  newErrors: number;
  /** newErrors / rows = 1 − BTC over all compared rows; null when the baseline got nothing right. */
  regressionRate: number | null;
  tree: { maxDepth: number; maxLeaves: number; minLeafRows: number; nodes: number };
  minRows: number;
  confidence: number;
  /**
   * Tree nodes (not the root) with at least `minRows` rows and a regression rate above the overall
   * one, ranked by the lower bound of their Wilson interval — so a small cohort needs more new
   * errors to outrank a large one — at most `top`.
   */
  cohorts: RegressionCohort[];
  warnings: Warning[];
}

/** What {@link regressionAnalysis} needs from the comparison. */
export interface RegressionInput {
  baseline: string;
  model: string;
  /** 0/1 labels, baseline and candidate predictions (other values: not compared). */
  label: Uint8Array;
  basePred: Uint8Array;
  candidatePred: Uint8Array;
  /** 1 for the compared rows. */
  include: Uint8Array;
  where: string | undefined;
  /** Label, prediction and score specifications (columns or expressions): the columns they read are never features. */
  specs: readonly string[];
  confidence: number;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw userError('invalid_option', `invalid regressions.${name}: ${value} (expected a whole number >= ${min})`, { option: name });
}

/**
 * Describes the "new errors" cohort (rows the baseline got right and the candidate gets wrong) with
 * the error tree. The tree is fitted on the rows the baseline got right only, with target
 * "the candidate gets it wrong": on those rows that is exactly a new error, and a node's error rate
 * is its 1 − BTC — so the tree finds where the update breaks trust, not where the baseline happened
 * to be right more often (which fitting on every row would mix in).
 */
export function regressionAnalysis(table: Table, input: RegressionInput, options: RegressionOptions = {}): RegressionAnalysis {
  const { maxDepth = 3, maxLeaves = 31, minLeafRows = 20, minRows = 30, top = 10 } = options;
  checkInteger('maxDepth', maxDepth, 0);
  checkInteger('maxLeaves', maxLeaves, 1);
  checkInteger('minLeafRows', minLeafRows, 1);
  checkInteger('minRows', minRows, 1);
  checkInteger('top', top, 1);
  const n = table.rowCount;
  const usable = new Uint8Array(n);
  const error = new Float64Array(n).fill(NaN);
  const predicted = new Int32Array(n).fill(-1);
  let rows = 0;
  let newErrors = 0;
  for (let i = 0; i < n; i++) {
    const y = input.label[i];
    const b = input.candidatePred[i];
    if (!input.include[i] || y > 1 || b > 1 || input.basePred[i] !== y) continue;
    usable[i] = 1;
    error[i] = b === y ? 0 : 1;
    predicted[i] = b;
    rows++;
    newErrors += error[i];
  }
  const targetColumns = new Set<string>();
  for (const spec of input.specs) {
    if (table.has(spec)) targetColumns.add(spec);
    else for (const c of columnsOf(parseExpression(spec))) targetColumns.add(c);
  }
  const where = input.where !== undefined && input.where.trim() !== '' ? exprToString(parseExpression(input.where)) : undefined;
  // The error tree's view of the rows: the candidate's decision stands in for "the prediction", so
  // a column that merely copies it is not a default feature.
  const target: ErrorTarget = { task: 'binary', usable, error, weight: new Float64Array(n).fill(1), cell: null, residual: null, predicted, where, targetColumns, warnings: [] };
  const warnings: Warning[] = [];
  const regressionRate = rows > 0 ? newErrors / rows : null;
  const result: RegressionAnalysis = { baseline: input.baseline, model: input.model, features: [], rows, newErrors, regressionRate, tree: { maxDepth, maxLeaves, minLeafRows, nodes: 0 }, minRows, confidence: input.confidence, cohorts: [], warnings };

  let features: string[];
  if (options.features !== undefined) features = errorFeatures(table, target, options.features, warnings);
  else {
    features = defaultFeatures(table, target, warnings);
    if (features.length === 0) {
      warnings.push({ code: 'no_features', message: `no feature columns to describe ${input.model}'s new errors with: every column is the label, a prediction, a score or an id (name columns with --regression-features)` });
      return result;
    }
  }
  result.features = features;
  if (rows === 0 || newErrors === 0) return result;

  const { tree } = growErrorTree(table, target, { features, maxDepth, maxLeaves, minLeafRows });
  result.tree.nodes = tree.nodes.length;
  const ranked: { c: RegressionCohort; lower: number }[] = [];
  for (const node of tree.nodes.slice(1)) {
    if (node.rows < minRows || node.errorRate === null || !(node.errorRate > (regressionRate ?? 0))) continue;
    const w = wilsonInterval(node.errors, node.rows, { confidence: input.confidence });
    ranked.push({
      c: {
        expression: node.expression,
        rows: node.rows,
        newErrors: node.errors,
        regressionRate: node.errorRate,
        ci: w ? [w.lower, w.upper] : null,
        lift: regressionRate ? node.errorRate / regressionRate : null,
        coverage: newErrors > 0 ? node.errors / newErrors : null,
      },
      lower: w?.lower ?? 0,
    });
  }
  ranked.sort((x, y) => y.lower - x.lower || y.c.regressionRate - x.c.regressionRate || x.c.expression.length - y.c.expression.length);
  result.cohorts = ranked.slice(0, top).map((r) => r.c);
  return result;
}

/** The error tree's default features, or none (instead of its error) when every column is taken. */
function defaultFeatures(table: Table, target: ErrorTarget, warnings: Warning[]): string[] {
  const found: Warning[] = [];
  try {
    const features = errorFeatures(table, target, undefined, found);
    warnings.push(...found);
    return features;
  } catch (e) {
    if (isUserError(e) && e.code === 'invalid_option') return [];
    throw e;
  }
}
