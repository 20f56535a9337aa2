export { type GroupValue, type GroupSummary, type SummarizeOptions, summarizeGroups } from './summarize.js';
export {
  FAIRNESS_METRIC_IDS,
  type FairnessMetricId,
  type FairnessMetricInfo,
  FAIRNESS_METRICS,
  type FairnessMetricOptions,
  type FairnessResult,
  fairnessMetrics,
} from './fairness-metrics.js';
export {
  type GroupDisparity,
  type ReferenceDisparity,
  type ReferenceOptions,
  type DisparityOptions,
  DISPARITY_METRIC_IDS,
  largestGroup,
  referenceDisparity,
  disparityByReference,
} from './reference.js';
