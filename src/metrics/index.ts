export type { MetricValue, ZeroDivision } from './metric-value.js';
export { type ConfusionCounts, confusionByGroup, emptyConfusionCounts, poolGroups } from './confusion.js';
export { BINARY_METRIC_IDS, type BinaryMetricId, type BinaryMetrics, type BinaryMetricOptions, binaryMetrics, binaryMetricValues, binaryMetric } from './binary.js';
export { type ConfusionCell, type MetricInfo, METRICS, metricInfo } from './registry.js';
export { type MetricIntervalOptions, binaryMetricIntervals } from './intervals.js';
export { FLOAT64_EPS, type ScoreRanking, type RankOptions, rankByScore } from './rank.js';
export { type ScoreMetrics, type ScoreMetricsOptions, scoreMetricsByGroup } from './score-metrics.js';
export { rocAuc } from './roc-auc.js';
export { averagePrecision } from './average-precision.js';
export { type LogLossOptions, logLoss } from './log-loss.js';
export { brierScore } from './brier-score.js';
export { type RocCurve, type PrCurve, type GroupCurves, type CurveOptions, curvesByGroup } from './curves.js';
export { type ThresholdCounts, type ThresholdOptions, type MetricsByThresholdOptions, defaultThresholds, confusionByThreshold, metricsByThreshold } from './thresholds.js';
export { type CalibrationBin, type GroupCalibration, type CalibrationOptions, calibrationByGroup } from './calibration.js';
export {
  REGRESSION_METRIC_IDS,
  type RegressionMetricId,
  type RegressionStats,
  type RegressionMetrics,
  type RegressionMetricOptions,
  regressionByGroup,
  regressionMetrics,
} from './regression.js';
export {
  MULTICLASS_METRIC_IDS,
  type MulticlassMetricId,
  type MulticlassCounts,
  type MulticlassMetrics,
  type MulticlassMetricOptions,
  type MulticlassLogLoss,
  type MulticlassLogLossOptions,
  multiclassConfusionByGroup,
  oneVsRest,
  multiclassMetrics,
  multiclassLogLossByGroup,
} from './multiclass.js';
