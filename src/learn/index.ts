export { fitDesign, encodeDesign, designInputs, designFeatures, type Design, type DesignColumn, type DesignFeature, type DesignMatrix, type DesignOptions } from './design.js';
export { minimizeLbfgs, type Objective, type LbfgsOptions, type LbfgsResult } from './lbfgs.js';
export { fitLogistic, logisticModel, solveLogistic, type LogisticModel, type LogisticOptions, type LogisticSolution } from './logistic.js';
export { fitMultinomial, multinomialModel, solveMultinomial, type MultinomialModel, type MultinomialOptions, type MultinomialSolution } from './multinomial.js';
export {
  fitLinear,
  fitLasso,
  linearModel,
  solveRidge,
  solveLasso,
  choleskySolve,
  type LinearModel,
  type LinearOptions,
  type RidgeOptions,
  type LassoOptions,
  type LinearSolution,
} from './linear.js';
export { fitTree, treeModel, type TreeModel, type TreeNode, type TreeOptions, type TreeStructure, type TreeCondition } from './tree.js';
export { classTarget, binaryTarget, numericTarget, rowWeights, type ClassTarget } from './target.js';
export { fitGbdt, MISSING_BIN, type GbdtOptions, type GbdtModel, type GbdtTree, type GbdtNode, type GbdtTask, type FeatureBins } from './gbdt.js';
export { toOnnx, type ToOnnxOptions, type ExportableModel } from './to-onnx.js';
