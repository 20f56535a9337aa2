export { cellsOf, scopeMask, sensitiveList, type CellCount, type Cells, type DataMitigationTarget } from './cells.js';
export { planSampling, samplingTarget, type Balance, type SamplingPlan, type SamplingTarget } from './plan.js';
export { reweigh, type ReweighCell, type ReweighOptions, type ReweighResult } from './reweigh.js';
export { resample, type ResampleOptions, type ResampleResult } from './resample.js';
export { smote, type SmoteOptions, type SmoteResult } from './smote.js';
export { NeighbourIndex } from './neighbours.js';
export {
  applyCorrelationRemover,
  fitCorrelationRemover,
  indicatorCorrelations,
  removeCorrelation,
  type ApplyCorrelationRemoverOptions,
  type CorrelationRemover,
  type CorrelationRemoverOptions,
  type SensitiveIndicator,
} from './correlation-remover.js';
export { pseudoInverseGram, symmetricEigen } from './least-squares.js';
export { perCohortModel, type CohortModelPart, type PerCohortModel, type PerCohortModelOptions } from './per-cohort-model.js';
