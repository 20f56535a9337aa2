export * from './data/index.js';
export * from './reductions/index.js';
export { thresholdOptimizer, scoreValues, type ThresholdOptimizerOptions } from './threshold-optimizer.js';
export {
  fitThresholdRules,
  THRESHOLD_CONSTRAINTS,
  THRESHOLD_OBJECTIVES,
  type ThresholdConstraint,
  type ThresholdObjective,
  type ThresholdFit,
  type ThresholdFitInput,
  type ThresholdFitOptions,
  type GroupRule,
  type GroupFit,
} from './threshold-optimizer-fit.js';
export { tradeoffPoints, upperHull, interpolateHull, unitGrid, curveMetric, type CurveMetric, type ThresholdOperation, type TradeoffPoint, type InterpolatedCurve } from './threshold-optimizer-curves.js';
export { fitMulticlassParity, offsetArgmax, type MulticlassParityInput, type MulticlassParityOptions, type MulticlassParityFit, type MulticlassGroupFit } from './threshold-optimizer-multiclass.js';
export { positiveProbability, randomizedDecisions, multiclassDecisions, mitigationGroups } from './threshold-optimizer-apply.js';
export { Mitigation, BinaryMitigation, MulticlassMitigation, BinaryGroupRule, MulticlassGroupRule, parseMitigation, MITIGATION_SCHEMA_VERSION, thresholdToJson, thresholdFromJson } from './artifact.js';
export { compareBeforeAfter, type BeforeAfterOptions, type MitigationPredictions } from './before-after.js';
export { assessExpected, splitByProbability } from './expected-assess.js';
export { MitigationResult, AppliedMitigation, BeforeAfterValue, MitigationDelta } from './schema.js';
