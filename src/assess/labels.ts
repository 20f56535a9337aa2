import { FAIRNESS_METRICS, type FairnessMetricId } from '../fairness/index.js';
import { metricInfo } from '../metrics/index.js';

/**
 * A readable label for a metric or fairness summary id ("False positive rate"); per-class
 * multiclass ids (`recall__cat`) read "Recall (cat)"; unknown ids are returned as they are.
 */
export function metricLabel(id: string): string {
  const perClass = /^(.+?)__(.+)$/.exec(id);
  if (perClass) return `${metricLabel(perClass[1])} (${perClass[2]})`;
  return metricInfo(id)?.label ?? FAIRNESS_METRICS[id as FairnessMetricId]?.label ?? id;
}
