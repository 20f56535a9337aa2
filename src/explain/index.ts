export { treeShap, treeExpectedValue, type TreeShapResult } from './treeshap.js';
export type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';
export { shapTreesFromGbdt } from './treeshap-gbdt.js';
export { shapTreesFromXgboost } from './treeshap-xgboost.js';
export { type FeatureImportance, type PermutationImportance, type PermutationOptions, permutationImportance } from './permutation.js';
export { type PartialDependence, type PartialDependenceOptions, partialDependence } from './partial-dependence.js';
export { shapTreesFromTree } from './treeshap-decision-tree.js';
