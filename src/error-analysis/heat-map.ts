import { userError } from '../errors/index.js';
import type { Table } from '../table/index.js';
import type { ErrorHeatMap, Warning } from '../report/insights.js';
import { addRow, andExpressions, emptyCounts, errorRate, errorTarget, type ErrorCounts, type ErrorTarget, type ErrorTargetOptions } from './error-target.js';
import { featureBins, type BinnedFeature, type FeatureBinOptions } from './feature-bins.js';

/** Options of {@link errorHeatMap}. */
export interface ErrorHeatMapOptions extends ErrorTargetOptions, FeatureBinOptions {
  /** One or two feature columns. */
  readonly features: readonly string[];
}

/** Per-cell sums of one- or two-feature bins over the analysed rows: cell index = i + j·bins(a). */
export function cellCounts(target: ErrorTarget, axes: readonly BinnedFeature[]): ErrorCounts[] {
  const width = axes[0].bins.length;
  const size = axes.reduce((s, a) => s * a.bins.length, 1);
  const cells: ErrorCounts[] = Array.from({ length: size }, () => emptyCounts());
  const a = axes[0].assign;
  const b = axes.length > 1 ? axes[1].assign : null;
  for (let i = 0; i < a.length; i++) {
    if (!target.usable[i]) continue;
    const j = b ? b[i] : 0;
    if (a[i] < 0 || j < 0) continue;
    addRow(cells[a[i] + j * width], target, i);
  }
  return cells;
}

/** Builds the heat map from already binned axes. */
export function heatMapOf(target: ErrorTarget, axes: readonly BinnedFeature[], binning: ErrorHeatMap['binning'], warnings: Warning[]): ErrorHeatMap {
  const counts = cellCounts(target, axes);
  const width = axes[0].bins.length;
  const cells: ErrorHeatMap['cells'] = [];
  counts.forEach((c, k) => {
    if (c.rows <= 0) return;
    const index = axes.length > 1 ? [k % width, Math.floor(k / width)] : [k];
    const expression = andExpressions(target.where, ...index.map((b, d) => axes[d].bins[b].expression));
    cells.push({ index, expression, rows: c.rows, errors: c.errors, errorRate: errorRate(c) });
  });
  return { features: axes.map((a) => a.feature), binning, axes: axes.map((a) => ({ feature: a.feature, bins: a.bins })), cells, warnings };
}

/**
 * The error heat map of one or two features, as the Responsible AI Toolbox's: each cell (a bin of
 * each feature, see {@link featureBins}) with its rows, errors, error rate (mean absolute error for
 * regression) and the cohort expression selecting exactly its rows. Cells without rows are left out.
 * @example
 * errorHeatMap(table, { label: 'repaid', pred: 'score >= 0.5', features: ['age', 'region'] });
 */
export function errorHeatMap(table: Table, options: ErrorHeatMapOptions): ErrorHeatMap {
  const { features, binning = 'equal' } = options;
  if (!Array.isArray(features) || features.length < 1 || features.length > 2) {
    throw userError('invalid_option', `a heat map takes one or two features, got ${Array.isArray(features) ? features.length : 0}`, { option: 'features' });
  }
  if (features.length === 2 && features[0] === features[1]) throw userError('invalid_option', `the heat map's two features are the same column: ${JSON.stringify(features[0])}`, { option: 'features' });
  const target = errorTarget(table, options);
  for (const f of features) {
    if (target.targetColumns.has(f)) throw userError('invalid_feature', `feature ${JSON.stringify(f)} is read by the label, prediction or weight`, { column: f });
  }
  const axes = features.map((f) => featureBins(table, f, target.usable, options));
  return heatMapOf(target, axes, binning, [...target.warnings]);
}
