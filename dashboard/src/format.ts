// How numbers and metric names read on the page.

const NAMES: Record<string, string> = {
  count: 'Rows',
  accuracy: 'Accuracy',
  balanced_accuracy: 'Balanced accuracy',
  selection_rate: 'Selection rate',
  base_rate: 'Base rate',
  precision: 'Precision',
  recall: 'Recall',
  true_positive_rate: 'True positive rate',
  false_positive_rate: 'False positive rate',
  false_negative_rate: 'False negative rate',
  true_negative_rate: 'True negative rate',
  negative_predictive_value: 'Negative predictive value',
  false_discovery_rate: 'False discovery rate',
  false_omission_rate: 'False omission rate',
  f1: 'F1',
  roc_auc: 'ROC AUC',
  average_precision: 'Average precision',
  log_loss: 'Log loss',
  brier_score: 'Brier score',
  error_rate: 'Error rate',
  mae: 'Mean absolute error',
  mse: 'Mean squared error',
  rmse: 'Root mean squared error',
  r2: 'R²',
  mean_residual: 'Mean residual',
  max_error: 'Max error',
  tp: 'True positives',
  fp: 'False positives',
  tn: 'True negatives',
  fn: 'False negatives',
  demographic_parity_difference: 'Demographic parity difference',
  demographic_parity_ratio: 'Demographic parity ratio',
  equalized_odds_difference: 'Equalized odds difference',
  equalized_odds_ratio: 'Equalized odds ratio',
  equal_opportunity_difference: 'Equal opportunity difference',
  equal_opportunity_ratio: 'Equal opportunity ratio',
};

/** A metric's name for people (`false_positive_rate` → "False positive rate"). */
export function metricName(id: string): string {
  if (NAMES[id]) return NAMES[id];
  const [base, cls] = id.split('__');
  const name = NAMES[base] ?? base.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase());
  return cls ? `${name} (${cls})` : name;
}

/** A short abbreviation for table headers. */
export function metricShort(id: string): string {
  const short: Record<string, string> = { selection_rate: 'Sel. rate', true_positive_rate: 'TPR', false_positive_rate: 'FPR', false_negative_rate: 'FNR', true_negative_rate: 'TNR', roc_auc: 'AUC', average_precision: 'AP', balanced_accuracy: 'Bal. acc.', count: 'Rows' };
  return short[id] ?? metricName(id);
}

// One formatter each: `toLocaleString` builds a new one per call, which shows in profiles of a big table.
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A metric value: counts as integers with separators, rates to 3 decimals; "—" when undefined. */
export function fmt(value: number | null | undefined, id = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (id === 'count' || id === 'tp' || id === 'fp' || id === 'tn' || id === 'fn' || id === 'rows') return Number.isInteger(value) ? INTEGER.format(value) : DECIMAL.format(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 0.001 || a >= 100000)) return value.toExponential(2);
  return value.toFixed(a >= 100 ? 1 : 3);
}

export function fmtInterval(ci: [number, number] | undefined, id = ''): string {
  return ci ? `[${fmt(ci[0], id)}, ${fmt(ci[1], id)}]` : '';
}

export function fmtCount(n: number): string {
  return Number.isInteger(n) ? INTEGER.format(n) : DECIMAL.format(n);
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}
