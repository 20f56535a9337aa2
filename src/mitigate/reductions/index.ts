export { exponentiatedGradient, type ExponentiatedGradientOptions, type ExponentiatedGradientResult } from './exponentiated-gradient.js';
export { gridSearch, lagrangeGrid, type GridSearchOptions, type GridSearchResult } from './grid-search.js';
export { fitUnmitigated, type ReductionOptions } from './problem.js';
export type { Learner, BoundLearner, LearnerData, Fitted } from './learner.js';
export { logisticLearner, gbdtLearner, linearLearner, type LogisticLearnerOptions, type GbdtLearnerOptions, type LinearLearnerOptions } from './learners.js';
export { mixtureModel, constantModel, isConstantModel, type MixtureModel, type ConstantModel } from './mixture.js';
export { mixtureToOnnx, reductionToOnnx, type MixtureToOnnxOptions } from './to-onnx.js';
export {
  CLASSIFICATION_CONSTRAINTS,
  REDUCTION_CONSTRAINTS,
  classificationMoments,
  boundedGroupLoss,
  type ClassificationConstraint,
  type RegressionConstraint,
  type ReductionConstraint,
  type RegressionLoss,
  type Moments,
  type MomentValues,
  type GroupIndex,
} from './moments.js';
export { maximizeLp, solveLagrangianLp, type LpSolution, type LagrangianLp } from './linprog.js';
export type { ReductionPredictor, TrainingSummary } from './result.js';
