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

/** A metric's human name: `false_positive_rate` → "False positive rate". */
export function metricLabel(id: string): string {
  const known = METRIC_LABELS[id];
  if (known) return known;
  const words = id.replace(/_score$/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A metric's short name for table headers and chart panels. */
export function metricShortLabel(id: string): string {
  return METRIC_SHORT[id] ?? metricLabel(id);
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
  if (abs !== 0 && abs < 10 ** -digits) text = v.toExponential(1);
  else if (abs >= 1000) text = formatCount(Number(v.toFixed(Number.isInteger(v) ? 0 : 1)));
  else text = v.toFixed(digits);
  // U+2212 minus reads better than a hyphen next to digits.
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
