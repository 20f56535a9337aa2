import { FAIRNESS_METRICS } from '../fairness/index.js';
import { metricInfo } from '../metrics/index.js';
import type { Warning } from './insights.js';

/** How the report names the metrics it knows; others are shown by their id, tidied. */
const METRIC_LABELS: Record<string, string> = {
  count: 'Count',
  accuracy_score: 'Accuracy',
  balanced_accuracy_score: 'Balanced accuracy',
  precision_score: 'Precision',
  recall_score: 'Recall',
  f1_score: 'F1 score',
  selection_rate: 'Selection rate',
  true_positive_rate: 'True positive rate',
  false_positive_rate: 'False positive rate',
  true_negative_rate: 'True negative rate',
  false_negative_rate: 'False negative rate',
  positive_predictive_value: 'Positive predictive value',
  negative_predictive_value: 'Negative predictive value',
  false_discovery_rate: 'False discovery rate',
  false_omission_rate: 'False omission rate',
  error_rate: 'Error rate',
  zero_one_loss: 'Error rate (0-1 loss)',
  roc_auc_score: 'ROC AUC',
  average_precision_score: 'Average precision',
  log_loss: 'Log loss',
  brier_score_loss: 'Brier score',
  mean_prediction: 'Mean prediction',
  base_rate: 'Base rate',
  mean_absolute_error: 'Mean absolute error',
  mean_squared_error: 'Mean squared error',
  root_mean_squared_error: 'Root mean squared error',
  r2_score: 'R²',
  expected_calibration_error: 'Expected calibration error',
  demographic_parity_difference: 'Demographic parity difference',
  demographic_parity_ratio: 'Demographic parity ratio',
  equalized_odds_difference: 'Equalized odds difference',
  equalized_odds_ratio: 'Equalized odds ratio',
  equal_opportunity_difference: 'Equal opportunity difference',
  equal_opportunity_ratio: 'Equal opportunity ratio',
};

/** Short labels for narrow places (table headers, chart panels). */
const METRIC_SHORT: Record<string, string> = {
  accuracy: 'Accuracy',
  balanced_accuracy: 'Bal. accuracy',
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
  roc_auc: 'ROC AUC',
  average_precision: 'Avg. precision',
  brier_score: 'Brier',
  log_loss: 'Log loss',
  base_rate: 'Base rate',
  mae: 'MAE',
  mse: 'MSE',
  rmse: 'RMSE',
  r2: 'R²',
  mape: 'MAPE',
  mean_prediction: 'Mean pred.',
  mean_label: 'Mean label',
  max_error: 'Max error',
  tp: 'TP',
  fp: 'FP',
  tn: 'TN',
  fn: 'FN',
  accuracy_score: 'Accuracy',
  balanced_accuracy_score: 'Bal. accuracy',
  precision_score: 'Precision',
  recall_score: 'Recall',
  f1_score: 'F1',
  selection_rate: 'Selection rate',
  true_positive_rate: 'TPR',
  false_positive_rate: 'FPR',
  true_negative_rate: 'TNR',
  false_negative_rate: 'FNR',
  positive_predictive_value: 'PPV',
  negative_predictive_value: 'NPV',
  false_discovery_rate: 'FDR',
  false_omission_rate: 'FOR',
  roc_auc_score: 'ROC AUC',
  average_precision_score: 'Avg. precision',
  brier_score_loss: 'Brier',
  mean_absolute_error: 'MAE',
  mean_squared_error: 'MSE',
  root_mean_squared_error: 'RMSE',
  r2_score: 'R²',
};

/** A metric's human name: `false_positive_rate` → "False positive rate"; per-class `recall__cat` → "Recall (cat)". */
export function metricLabel(id: string): string {
  const perClass = /^(.+?)__(.+)$/.exec(id);
  if (perClass) return `${metricLabel(perClass[1])} (${perClass[2]})`;
  const known = metricInfo(id)?.label ?? (FAIRNESS_METRICS as Record<string, { label: string } | undefined>)[id]?.label ?? METRIC_LABELS[id];
  if (known) return known;
  const words = id.replace(/_score$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A metric's short name for table headers and chart panels. */
export function metricShortLabel(id: string): string {
  const perClass = /^(.+?)__(.+)$/.exec(id);
  if (perClass) return `${metricShortLabel(perClass[1])} (${perClass[2]})`;
  return METRIC_SHORT[id] ?? metricLabel(id);
}

/** Metrics that count rows (confusion cells, group sizes): shown as whole numbers. */
const COUNT_METRICS = new Set(['count', 'tp', 'fp', 'tn', 'fn', 'support', 'n']);

/** True for a metric that counts rows rather than measuring a rate or an error. */
export function isCountMetric(id: string): boolean {
  return COUNT_METRICS.has(id.replace(/__.+$/, ''));
}

/** A metric's value for reading: counts as (grouped) whole numbers, everything else with three decimals. */
export function formatMetric(id: string, v: number | null | undefined): string {
  if (isCountMetric(id) && typeof v === 'number' && Number.isFinite(v)) return formatCount(Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : Number(v.toFixed(1)));
  return formatValue(v);
}

/** A metric's interval: counts rounded to whole numbers. */
export function formatMetricInterval(id: string, ci: readonly [number, number] | undefined): string {
  if (!ci) return '';
  if (isCountMetric(id)) return `[${formatCount(Math.round(ci[0]))}, ${formatCount(Math.round(ci[1]))}]`;
  return formatInterval(ci);
}

/** Thousands separators with a comma, independent of the reader's locale (stable snapshots). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const [int, frac] = Math.abs(n).toString().split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac ? `.${frac}` : '');
}

/**
 * A metric value for reading: three decimals for values below 1000, grouped digits above; integers
 * stay integers. `null` renders as an em dash (the caller adds the reason).
 */
export function formatValue(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const abs = Math.abs(v);
  let text: string;
  if (abs >= 1000) text = formatCount(Number(v.toFixed(Number.isInteger(v) ? 0 : 1)));
  else text = v.toFixed(digits);
  // A tiny negative value rounds to "-0.000": drop the sign. U+2212 minus reads better than a hyphen.
  if (/^-0\.?0*$/.test(text)) text = text.slice(1);
  return text.replace(/^-/, '−');
}

/** `[0.401, 0.446]` */
export function formatInterval(ci: readonly [number, number] | undefined, digits = 3): string {
  if (!ci) return '';
  return `[${formatValue(ci[0], digits)}, ${formatValue(ci[1], digits)}]`;
}

/** `0.423 [0.401, 0.446]` — the form the report uses wherever a value has an interval. */
export function formatWithInterval(v: number | null | undefined, ci: readonly [number, number] | undefined, digits = 3): string {
  const text = formatValue(v, digits);
  return v === null || v === undefined || !ci ? text : `${text} ${formatInterval(ci, digits)}`;
}

/** A percentage with one decimal: 0.1234 → "12.3%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** `Caucasian | Male` — a group's name from its key (the same form as reference-disparity labels). */
export function groupName(key: Record<string, string>, by: readonly string[]): string {
  return by.map((c) => key[c] ?? '').join(' | ');
}

/** `race × sex` — a grouping's name. */
export function groupingName(by: readonly string[]): string {
  return by.join(' × ');
}

/** Which kind of warning this is, for grouping them in the report. */
export type WarningKind = 'small_group' | 'undefined_metric' | 'dropped_rows' | 'other';

/** Classifies a warning by its code (codes are open-ended; unknown ones are "other"). */
export function warningKind(w: Pick<Warning, 'code'>): WarningKind {
  const code = w.code.toLowerCase();
  if (code.includes('small')) return 'small_group';
  if (code.includes('undefined') || code.includes('null') || code.includes('zero_division') || code.includes('no_positive') || code.includes('no_negative')) return 'undefined_metric';
  if (code.includes('drop') || code.includes('missing')) return 'dropped_rows';
  return 'other';
}
