import { userError } from '../errors/index.js';
import type { Table } from '../table/index.js';
import type { ErrorAnalysis } from '../report/insights.js';
import { errorTarget } from './error-target.js';
import { growErrorTree, type ErrorTreeOptions } from './error-tree.js';
import { featureBins } from './feature-bins.js';
import { heatMapOf } from './heat-map.js';
import { worstCohortsOf, type WorstCohortsOptions } from './worst-cohorts.js';

/** Options of {@link analyzeErrors}: the tree's and the worst cohorts' (see theirs for defaults), and an optional heat map. */
export interface AnalyzeErrorsOptions extends ErrorTreeOptions, WorstCohortsOptions {
  /** One or two features for an error heat map. Defaults to none. */
  readonly heatmap?: readonly string[];
  /** Whether to rank the worst cohorts. Defaults to true. */
  readonly worst?: boolean;
}

/**
 * The whole error analysis in one pass over the options: the label and prediction are resolved
 * once and the error tree grown once (the worst cohorts reuse it), with an optional heat map.
 * @example
 * const { tree, worstCohorts } = analyzeErrors(table, { label: 'repaid', pred: 'score >= 0.5', heatmap: ['age', 'region'] });
 */
export function analyzeErrors(table: Table, options: AnalyzeErrorsOptions): ErrorAnalysis {
  const { heatmap: heatmapFeatures, worst = true, binning = 'equal' } = options;
  if (heatmapFeatures !== undefined && (heatmapFeatures.length < 1 || heatmapFeatures.length > 2 || heatmapFeatures[0] === heatmapFeatures[1])) {
    throw userError('invalid_option', `a heat map takes one or two different features, got ${heatmapFeatures.map((f) => JSON.stringify(f)).join(', ') || 'none'}`, { option: 'heatmap' });
  }
  const target = errorTarget(table, options);
  const grown = growErrorTree(table, target, options);
  let heatmap: ErrorAnalysis['heatmap'];
  if (heatmapFeatures) {
    for (const f of heatmapFeatures) if (target.targetColumns.has(f)) throw userError('invalid_feature', `feature ${JSON.stringify(f)} is read by the label, prediction or weight`, { column: f });
    const axes = heatmapFeatures.map((f) => featureBins(table, f, target.usable, options));
    heatmap = heatMapOf(target, axes, binning, [...target.warnings]);
  }
  return {
    tree: grown.tree,
    ...(heatmap ? { heatmap } : {}),
    ...(worst ? { worstCohorts: worstCohortsOf(table, target, options, grown) } : {}),
  };
}
