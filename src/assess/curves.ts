import { calibrationByGroup, confusionByThreshold, curvesByGroup, defaultThresholds, metricsByThreshold, type ScoreRanking } from '../metrics/index.js';
import type { Curves } from '../report/insights.js';
import { caseWeights } from './compute.js';
import type { AssessOptions } from './options.js';
import type { Prepared } from './prepare.js';

/** Metrics traced across thresholds in the report. */
const THRESHOLD_METRICS = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision', 'accuracy'] as const;

/** Threshold, ROC, PR and calibration curves for each group of a grouping (binary tasks with a score). */
export function curvesFor(p: Prepared, ranking: ScoreRanking, codes: Int32Array, nGroups: number, keys: Record<string, string>[], by: string[], options: AssessOptions): Curves[] {
  const t = p.target;
  if (t.task !== 'binary' || !t.score) return [];
  const points = options.thresholdPoints ?? 101;
  const thresholds = points === 101 ? defaultThresholds() : Array.from({ length: points }, (_, k) => k / (points - 1));
  const weight = caseWeights(p);
  const rocPr = curvesByGroup(ranking, codes, nGroups);
  const calibration = calibrationByGroup(codes, nGroups, t.label, t.score, { bins: options.calibrationBins ?? 10, weight });
  const byThreshold = metricsByThreshold(confusionByThreshold(codes, nGroups, t.label, t.score, { thresholds, weight }), {
    metrics: THRESHOLD_METRICS,
    zeroDivision: options.zeroDivision ?? 'null',
  });
  return keys.map((key, g) => {
    const c = rocPr[g];
    return {
      by,
      key,
      roc: c.roc ? c.roc.fpr.map((x, k) => [x, c.roc!.tpr[k]] as [number, number]) : [],
      pr: c.pr ? c.pr.recall.map((x, k) => [x, c.pr!.precision[k]] as [number, number]) : [],
      calibration: calibration[g].bins.map((b) => ({ lower: b.lower, upper: b.upper, meanScore: b.meanPredicted, observedRate: b.observedRate, count: b.count })),
      thresholds: byThreshold.thresholds.map((threshold, k) => {
        const row: { threshold: number } & Record<string, number | null> = { threshold };
        for (const m of THRESHOLD_METRICS) row[m] = byThreshold.values[m]![g][k];
        return row;
      }),
    };
  });
}
