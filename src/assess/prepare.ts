import { evaluateMask, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { type Column, MISSING_BOOL, type Table } from '../table/index.js';
import type { Warning } from '../report/insights.js';
import type { AssessOptions, Task } from './options.js';
import { choosePositive, distinctValues, inferTask, numericValues, resolveColumn, toBinary } from './resolve.js';

/** Label, prediction, score and weights of the rows being assessed, in the shape each task needs. */
export type Target =
  | { task: 'binary'; label: Uint8Array; pred: Uint8Array; score: Float64Array | null; positive: string }
  | { task: 'regression'; label: Float64Array; pred: Float64Array }
  | { task: 'multiclass'; label: Int32Array; pred: Int32Array; classes: string[]; probabilities: Float64Array[] | null };

/** Everything `assess` needs about its rows, resolved and validated once. */
export interface Prepared {
  target: Target;
  /** 1 for rows in the analysis: matched `where` and have a usable label, prediction, score and weight. */
  usable: Uint8Array;
  /** 1 for rows that matched `where`. */
  include: Uint8Array;
  /** Rows that matched `where` (counting frequency weights). */
  rows: number;
  /** Sample weights, or null. With `frequency`, a row's total weight. */
  weight: Float64Array | null;
  /** Rows each row stands for (frequency weights), or null. */
  frequency: Float64Array | null;
  /** What a user should know about the rows (dropped rows, assumptions made). */
  warnings: Warning[];
  /** Resolved settings worth recording in the output. */
  resolved: { task: Task; positive?: string; threshold?: number; classes?: string[] };
}

const BAD = MISSING_BOOL;

/** Resolves and validates label, prediction, score, weights and `where` into typed arrays. */
export function prepare(table: Table, options: AssessOptions & { frequency?: string }): Prepared {
  const n = table.rowCount;
  const warnings: Warning[] = [];
  if (n === 0) throw userError('empty_data', 'the data has no rows');
  const include = new Uint8Array(n).fill(1);
  let rows = n;
  if (options.where !== undefined && options.where.trim() !== '') {
    const mask = evaluateMask(parseExpression(options.where), table);
    rows = mask.count();
    if (rows === 0) throw userError('no_rows', `no rows left after --where ${JSON.stringify(options.where)} (0 of ${n} rows match); check the expression's values and columns`, { where: options.where });
    include.set(mask.toMask());
  }

  const labelCol = resolveColumn(table, options.label, 'label');
  const frequency = options.frequency !== undefined ? numericValues(table.column(options.frequency), 'frequency', options.frequency) : null;
  if (frequency) {
    // Each row stands for frequency[i] rows: count those.
    rows = 0;
    for (let i = 0; i < n; i++) if (include[i]) rows += frequency[i];
  }
  const scoreSpecs = options.score === undefined ? [] : Array.isArray(options.score) ? options.score : [options.score];
  const scoreCols = scoreSpecs.map((s) => resolveColumn(table, s, 'score'));
  const scores = scoreCols.map((c, k) => numericValues(c, 'score', scoreSpecs[k]));
  const predCol = options.pred === undefined ? null : resolveColumn(table, options.pred, 'pred');
  const task: Task = options.task ?? inferTask(labelCol, include, scoreCols.length > 1 || (predCol !== null && predCol.type === 'categorical' && distinctValues(predCol, include, 3).values.length > 2));

  const weight = options.weight !== undefined ? numericValues(resolveColumn(table, options.weight, 'weight'), 'weight', options.weight) : null;

  let target: Target;
  const resolved: Prepared['resolved'] = { task };
  if (task === 'binary') {
    if (scores.length > 1) throw userError('invalid_option', `a binary task takes one --score column, got ${scores.length} (${scoreSpecs.join(', ')})`);
    const positive = choosePositive(labelCol, include, options.positive, options.label);
    resolved.positive = positive;
    if (options.positive === undefined && labelCol.type !== 'boolean' && !(labelCol.type === 'numeric' && positive === '1')) {
      warnings.push({ code: 'positive_class', message: `the positive label is ${JSON.stringify(positive)} (the larger of the two values); pass --positive to choose another` });
    }
    const label = toBinary(labelCol, positive);
    const score = scores[0] ?? null;
    let pred: Uint8Array;
    if (predCol) pred = binaryPrediction(predCol, labelCol, positive, include, options.pred!, warnings);
    else {
      if (!score) throw userError('missing_option', 'no prediction: pass --pred or --score');
      const t = options.threshold ?? 0.5;
      resolved.threshold = t;
      pred = new Uint8Array(n);
      for (let i = 0; i < n; i++) pred[i] = Number.isNaN(score[i]) ? BAD : score[i] >= t ? 1 : 0;
    }
    target = { task, label, pred, score, positive };
  } else if (task === 'regression') {
    const label = numericValues(labelCol, 'label', options.label);
    const predSource = predCol ?? scoreCols[0];
    if (!predSource) throw userError('missing_option', 'no prediction: pass --pred with the predicted values');
    target = { task, label, pred: numericValues(predSource, 'pred', options.pred ?? scoreSpecs[0]) };
  } else {
    if (!predCol) throw userError('missing_option', 'no prediction: a multiclass task needs --pred with the predicted class');
    const labelValues = distinctValues(labelCol, include, 1000).values;
    const predValues = distinctValues(predCol, include, 1000).values;
    const classes = [...new Set([...labelValues, ...predValues])].sort();
    if (scores.length > 0 && scores.length !== classes.length) {
      throw userError('invalid_option', `--score has ${scores.length} columns but there are ${classes.length} classes (${classes.join(', ')}); give one score column per class, in that order`);
    }
    resolved.classes = classes;
    target = { task, label: classCodes(labelCol, classes), pred: classCodes(predCol, classes), classes, probabilities: scores.length ? scores : null };
  }

  // Rows without a usable label, prediction, score or weight are left out — counted, never silent.
  const usable = new Uint8Array(n);
  // dropped[k]: rows left out for reason k (label, prediction, score, weight), first reason only.
  const droppedBy = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (!include[i]) continue;
    const reason = unusableReason(target, i);
    const k = reason >= 0 ? reason : (weight && !(weight[i] >= 0 && Number.isFinite(weight[i]))) || (frequency && !(frequency[i] >= 0 && Number.isFinite(frequency[i]))) ? 3 : -1;
    if (k >= 0) droppedBy[k] += frequency ? frequency[i] : 1;
    else usable[i] = 1;
  }
  const [missingLabel, missingPred, missingScore, badWeight] = droppedBy;
  const dropped: [number, string][] = [
    [missingLabel, `a missing label (${options.label})`],
    [missingPred, `a missing prediction (${options.pred ?? 'from the score'})`],
    [missingScore, `a missing score (${scoreSpecs.join(', ')})`],
    [badWeight, `a missing, negative or infinite weight (${options.weight ?? options.frequency})`],
  ];
  for (const [count, what] of dropped) {
    if (count > 0) warnings.push({ code: 'dropped_rows', count, message: `${count} of ${rows} rows left out for ${what}` });
  }
  let left = 0;
  for (let i = 0; i < n; i++) if (usable[i]) left += frequency ? frequency[i] : 1;
  if (left === 0) throw userError('no_rows', `no rows to assess: all ${rows} rows lack a label, prediction or score (${dropped.filter(([c]) => c > 0).map(([c, w]) => `${c} with ${w}`).join('; ')})`);
  return { target, usable, include, rows, weight, frequency, warnings, resolved };
}

/** Why row i cannot be assessed: 0 missing label, 1 missing prediction, 2 missing score; -1 when it can. */
function unusableReason(t: Target, i: number): number {
  if (t.task === 'binary') return t.label[i] === BAD ? 0 : t.pred[i] === BAD ? 1 : t.score && Number.isNaN(t.score[i]) ? 2 : -1;
  if (t.task === 'regression') return Number.isNaN(t.label[i]) ? 0 : Number.isNaN(t.pred[i]) ? 1 : -1;
  if (t.label[i] < 0) return 0;
  if (t.pred[i] < 0) return 1;
  return t.probabilities?.some((p) => Number.isNaN(p[i])) ? 2 : -1;
}

/** A prediction column as 0/1 for the label's positive value. */
function binaryPrediction(pred: Column, label: Column, positive: string, include: Uint8Array, spec: string, warnings: Warning[]): Uint8Array {
  // A boolean prediction (a column or an expression such as `decile_score >= 5`) is already 0/1.
  if (pred.type === 'boolean') return toBinary(pred, 'true');
  const labelValues = new Set(distinctValues(label, include, 50).values);
  const { values } = distinctValues(pred, include, 50);
  const isNumeric01 = pred.type === 'numeric' && values.every((v) => v === '0' || v === '1');
  if (isNumeric01 && !labelValues.has(positive) && label.type !== 'numeric') return toBinary(pred, '1');
  const foreign = values.filter((v) => !labelValues.has(v) && !(pred.type === 'numeric' && [...labelValues].some((l) => Number(l) === Number(v))));
  if (foreign.length > 0) {
    if (values.length > 2) {
      throw userError('not_binary', `the prediction ${JSON.stringify(spec)} has values (${values.slice(0, 10).map((v) => JSON.stringify(v)).join(', ')}) that are not the label's (${[...labelValues].map((v) => JSON.stringify(v)).join(', ')}); pass a boolean expression such as --pred "${spec} >= 5"`);
    }
    warnings.push({ code: 'prediction_values', message: `the prediction ${JSON.stringify(spec)} has values ${foreign.map((v) => JSON.stringify(v)).join(', ')} that the label does not; only ${JSON.stringify(positive)} counts as positive` });
  }
  return toBinary(pred, positive);
}

/** Class codes (index into `classes`, -1 missing) of a column. */
function classCodes(column: Column, classes: string[]): Int32Array {
  const index = new Map(classes.map((c, k) => [c, k]));
  const n = column.type === 'categorical' ? column.codes.length : column.type === 'list' ? column.missing.length : column.values.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let v: string | null;
    if (column.type === 'categorical') v = column.codes[i] < 0 ? null : column.dictionary[column.codes[i]];
    else if (column.type === 'numeric') v = Number.isNaN(column.values[i]) ? null : String(column.values[i]);
    else if (column.type === 'boolean') v = column.values[i] === BAD ? null : column.values[i] ? 'true' : 'false';
    else v = null;
    out[i] = v === null ? -1 : (index.get(v) ?? -1);
  }
  return out;
}
