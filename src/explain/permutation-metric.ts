import { distinctValues, modelPositive, numericValues, resolveColumn, toBinary } from '../assess/resolve.js';
import { userError } from '../errors/index.js';
import {
  averagePrecision,
  BINARY_METRIC_IDS,
  type BinaryMetricId,
  binaryMetrics,
  brierScore,
  confusionByGroup,
  logLoss,
  metricInfo,
  MULTICLASS_METRIC_IDS,
  type MulticlassMetricId,
  multiclassConfusionByGroup,
  multiclassLogLossByGroup,
  multiclassMetrics,
  REGRESSION_METRIC_IDS,
  type RegressionMetricId,
  regressionByGroup,
  regressionMetrics,
  rocAuc,
} from '../metrics/index.js';
import type { MetricValue } from '../metrics/metric-value.js';
import type { Model, Predictions } from '../model/model.js';
import { type Column, columnLength, type Table, valueAt } from '../table/index.js';

const SCORE_METRICS = ['roc_auc', 'average_precision', 'log_loss', 'brier_score'] as const;

/** The label of every row, encoded for the model's task, and the metric to score it with. */
export interface PermutationTarget {
  readonly metric: string;
  /** true when larger values of the metric are better. */
  readonly higherIsBetter: boolean;
  /** binary: 0/1 (255 missing); multiclass: class index (-1 missing); regression: value (NaN missing). */
  readonly label: Uint8Array | Int32Array | Float64Array;
  /** Binary: the index of the positive class in `model.classes`. */
  readonly positiveIndex: number;
}

/** The default metric: roc_auc for binary models with scores, accuracy for classifiers, r2 for regression. */
export function defaultMetric(model: Model): string {
  if (model.task === 'regression') return 'r2';
  return model.task === 'binary' ? 'roc_auc' : 'accuracy';
}

/** Resolves the label column and checks that `metric` applies to the model's task. */
export function permutationTarget(model: Model, table: Table, labelSpec: string, metric: string, positive: string | undefined): PermutationTarget {
  const info = metricInfo(metric);
  if (!info) throw userError('unknown_metric', `unknown metric: ${JSON.stringify(metric)}`, { metric });
  if (info.higherIsBetter === null) throw userError('invalid_metric', `metric ${JSON.stringify(metric)} is neither better high nor low, so it cannot measure importance`, { metric });
  const allowed: readonly string[] =
    model.task === 'regression' ? REGRESSION_METRIC_IDS : model.task === 'binary' ? [...BINARY_METRIC_IDS, ...SCORE_METRICS] : [...MULTICLASS_METRIC_IDS, 'log_loss'];
  if (!allowed.includes(metric)) throw userError('invalid_metric', `metric ${JSON.stringify(metric)} does not apply to a ${model.task} model`, { metric });
  const column = resolveColumn(table, labelSpec, 'label');
  let label: PermutationTarget['label'];
  let positiveIndex = 1;
  if (model.task === 'regression') label = numericValues(column, 'label', labelSpec);
  else if (model.task === 'binary') {
    // A condition's true side is the model's positive class, not a value named like that class.
    const target = modelPositive(model.classes, column, positive);
    checkPositive(column, labelSpec, target.positive, positive === undefined);
    positiveIndex = target.index;
    label = toBinary(column, target.positive);
  } else {
    const index = new Map(model.classes.map((c, k) => [c, k]));
    label = new Int32Array(table.rowCount);
    for (let i = 0; i < table.rowCount; i++) {
      const v = valueAt(column, i);
      label[i] = v === null ? -1 : (index.get(String(v)) ?? -1);
    }
  }
  return { metric, higherIsBetter: info.higherIsBetter, label, positiveIndex };
}

/**
 * Fails when the positive value is not a value of a label that has two or more: every row would
 * count as negative, and the metric would be undefined or quietly wrong (a test file's `>50K.`
 * against a model trained on `>50K`).
 */
function checkPositive(column: Column, labelSpec: string, positive: string, defaulted: boolean): void {
  const { values, truncated } = distinctValues(column, new Uint8Array(columnLength(column)).fill(1));
  if (values.length < 2 || values.includes(positive) || (column.type === 'numeric' && values.some((v) => Number(v) === Number(positive)))) return;
  const listed = `${values.slice(0, 10).map((v) => JSON.stringify(v)).join(', ')}${values.length > 10 || truncated ? ', …' : ''}`;
  throw userError(
    'invalid_positive',
    defaulted
      ? `the label ${JSON.stringify(labelSpec)} has no value ${JSON.stringify(positive)}, the model's positive class; its values are ${listed}: pass --positive VALUE, the label value that class stands for`
      : `--positive ${JSON.stringify(positive)} is not a value of the label ${JSON.stringify(labelSpec)}; its values are ${listed}`,
    { label: labelSpec, positive, values },
  );
}

/**
 * The metric for each of `groups` consecutive blocks of `rows` predictions (a stacked table of
 * repeats), as numbers or null when undefined, with the first reason found.
 */
export function scoreBlocks(target: PermutationTarget, predictions: Predictions, rows: number, groups: number): { values: (number | null)[]; reason?: string } {
  const codes = new Int32Array(rows * groups);
  for (let g = 0; g < groups; g++) codes.fill(g, g * rows, (g + 1) * rows);
  const label = tile(target.label, groups);
  const m = target.metric;
  let values: MetricValue[];
  if (predictions.task === 'regression') {
    values = regressionMetrics(regressionByGroup(codes, groups, label as Float64Array, predictions.values))[m as RegressionMetricId];
  } else if (predictions.task === 'binary') {
    const k = target.positiveIndex;
    if ((SCORE_METRICS as readonly string[]).includes(m)) {
      if (!predictions.scores) throw userError('no_scores', `metric ${JSON.stringify(m)} needs class probabilities; the model gives labels only (use accuracy)`, { metric: m });
      const score = predictions.scores[k];
      const y = label as Uint8Array;
      values = [];
      for (let g = 0; g < groups; g++) {
        const ys = y.subarray(g * rows, (g + 1) * rows);
        const s = score.subarray(g * rows, (g + 1) * rows);
        values.push(m === 'roc_auc' ? rocAuc(ys, s) : m === 'average_precision' ? averagePrecision(ys, s) : m === 'log_loss' ? logLoss(ys, s) : brierScore(ys, s));
      }
    } else {
      const pred = new Uint8Array(predictions.labels.length);
      for (let i = 0; i < pred.length; i++) pred[i] = predictions.labels[i] === k ? 1 : 0;
      values = binaryMetrics(confusionByGroup(codes, groups, label as Uint8Array, pred))[m as BinaryMetricId];
    }
  } else {
    // Rows with an unknown or missing label are left out.
    const y = label as Int32Array;
    for (let i = 0; i < codes.length; i++) if (y[i] < 0) codes[i] = -1;
    const safe = Int32Array.from(y, (v) => (v < 0 ? 0 : v));
    if (m === 'log_loss') {
      if (!predictions.scores) throw userError('no_scores', 'metric "log_loss" needs class probabilities; the model gives labels only (use accuracy)', { metric: m });
      values = multiclassLogLossByGroup(codes, groups, safe, predictions.scores).log_loss;
    } else values = multiclassMetrics(multiclassConfusionByGroup(codes, groups, safe, predictions.labels, predictions.classes.length))[m as MulticlassMetricId];
  }
  return { values: values.map((v) => v.value), reason: values.find((v) => v.value === null)?.reason };
}

function tile<T extends Uint8Array | Int32Array | Float64Array>(a: T, times: number): T {
  if (times === 1) return a;
  const out = new (a.constructor as new (n: number) => T)(a.length * times);
  for (let g = 0; g < times; g++) out.set(a, g * a.length);
  return out;
}
