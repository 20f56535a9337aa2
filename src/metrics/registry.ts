/** A confusion-matrix cell. */
export type ConfusionCell = 'tp' | 'fp' | 'tn' | 'fn';

/** Describes a metric for reports and for choosing intervals. */
export interface MetricInfo {
  /** Fairlearn / scikit-learn snake_case id, as in the insights document. */
  readonly id: string;
  /** Readable label, sentence case: "False positive rate". */
  readonly label: string;
  /** What the metric needs: confusion counts, scores, regression values, class codes. */
  readonly task: 'binary' | 'score' | 'regression' | 'multiclass';
  /** true when larger is better, false when smaller is better, null when neither (counts, selection rate). */
  readonly higherIsBetter: boolean | null;
  /**
   * For a proportion of confusion cells (a Wilson interval applies): which cells are summed in the
   * numerator and in the denominator. Null for anything else (counts, F1, AUC, losses).
   */
  readonly proportion: { readonly numerator: readonly ConfusionCell[]; readonly denominator: readonly ConfusionCell[] } | null;
}

const ALL: readonly ConfusionCell[] = ['tp', 'fp', 'tn', 'fn'];

function info(id: string, label: string, task: MetricInfo['task'], higherIsBetter: boolean | null, proportion: MetricInfo['proportion'] = null): MetricInfo {
  return { id, label, task, higherIsBetter, proportion };
}

function prop(numerator: ConfusionCell[], denominator: readonly ConfusionCell[]): MetricInfo['proportion'] {
  return { numerator, denominator };
}

/**
 * Every metric Candor computes, by id. Ids shared between tasks (accuracy, log_loss) have one entry.
 * @example METRICS.false_positive_rate.label // "False positive rate"
 */
export const METRICS: Readonly<Record<string, MetricInfo>> = Object.freeze(
  Object.fromEntries(
    [
      info('count', 'Count', 'binary', null),
      info('tp', 'True positives', 'binary', null),
      info('fp', 'False positives', 'binary', null),
      info('tn', 'True negatives', 'binary', null),
      info('fn', 'False negatives', 'binary', null),
      info('selection_rate', 'Selection rate', 'binary', null, prop(['tp', 'fp'], ALL)),
      info('accuracy', 'Accuracy', 'binary', true, prop(['tp', 'tn'], ALL)),
      info('balanced_accuracy', 'Balanced accuracy', 'binary', true),
      info('precision', 'Precision', 'binary', true, prop(['tp'], ['tp', 'fp'])),
      info('recall', 'Recall', 'binary', true, prop(['tp'], ['tp', 'fn'])),
      info('true_positive_rate', 'True positive rate', 'binary', true, prop(['tp'], ['tp', 'fn'])),
      info('false_positive_rate', 'False positive rate', 'binary', false, prop(['fp'], ['fp', 'tn'])),
      info('false_negative_rate', 'False negative rate', 'binary', false, prop(['fn'], ['tp', 'fn'])),
      info('true_negative_rate', 'True negative rate', 'binary', true, prop(['tn'], ['tn', 'fp'])),
      info('negative_predictive_value', 'Negative predictive value', 'binary', true, prop(['tn'], ['tn', 'fn'])),
      info('false_discovery_rate', 'False discovery rate', 'binary', false, prop(['fp'], ['tp', 'fp'])),
      info('false_omission_rate', 'False omission rate', 'binary', false, prop(['fn'], ['tn', 'fn'])),
      info('f1', 'F1 score', 'binary', true),
      info('base_rate', 'Base rate', 'binary', null, prop(['tp', 'fn'], ALL)),
      info('roc_auc', 'ROC AUC', 'score', true),
      info('average_precision', 'Average precision', 'score', true),
      info('log_loss', 'Log loss', 'score', false),
      info('brier_score', 'Brier score', 'score', false),
      info('mae', 'Mean absolute error', 'regression', false),
      info('mse', 'Mean squared error', 'regression', false),
      info('rmse', 'Root mean squared error', 'regression', false),
      info('r2', 'R²', 'regression', true),
      info('mean_prediction', 'Mean prediction', 'regression', null),
      info('mean_label', 'Mean label', 'regression', null),
      info('max_error', 'Max error', 'regression', false),
      info('mape', 'Mean absolute percentage error', 'regression', false),
      info('precision_macro', 'Precision (macro)', 'multiclass', true),
      info('recall_macro', 'Recall (macro)', 'multiclass', true),
      info('f1_macro', 'F1 score (macro)', 'multiclass', true),
      info('precision_micro', 'Precision (micro)', 'multiclass', true),
      info('recall_micro', 'Recall (micro)', 'multiclass', true),
      info('f1_micro', 'F1 score (micro)', 'multiclass', true),
      info('precision_weighted', 'Precision (weighted)', 'multiclass', true),
      info('recall_weighted', 'Recall (weighted)', 'multiclass', true),
      info('f1_weighted', 'F1 score (weighted)', 'multiclass', true),
    ].map((m) => [m.id, Object.freeze(m)]),
  ),
);

/** The description of a metric id, or undefined for an unknown id. */
export function metricInfo(id: string): MetricInfo | undefined {
  return Object.prototype.hasOwnProperty.call(METRICS, id) ? METRICS[id] : undefined;
}
