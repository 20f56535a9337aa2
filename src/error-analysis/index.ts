export { analyzeErrors, type AnalyzeErrorsOptions } from './analyze-errors.js';
export { errorTree, type ErrorTreeOptions } from './error-tree.js';
export { errorHeatMap, type ErrorHeatMapOptions } from './heat-map.js';
export { worstCohorts, type WorstCohortsOptions } from './worst-cohorts.js';
export { featureBins, type Binning, type BinnedFeature, type FeatureBin, type FeatureBinOptions } from './feature-bins.js';
export { pathExpression, type ColumnKind } from './path-expression.js';
export type { ErrorTargetOptions } from './error-target.js';
export type { ErrorAnalysis, ErrorTree, ErrorTreeNode, ErrorHeatMap, WorstCohort, WorstCohorts } from '../report/insights.js';
