/** Metric ids of the synthetic documents (a few of the insights document's, enough to make rows). */
export const SYNTHETIC_METRICS = ['count', 'accuracy', 'precision', 'recall', 'false_positive_rate', 'false_negative_rate', 'selection_rate', 'f1'];

/**
 * A small insights-shaped document: overall metrics with intervals and `groups` groups of one
 * sensitive feature. It yields exactly `(groups + 1) * SYNTHETIC_METRICS.length` metric rows, with
 * values that depend on `seed` so runs differ.
 */
export function syntheticInsights(groups: number, seed: number) {
  const metrics = (k: number) => Object.fromEntries(SYNTHETIC_METRICS.map((m, j) => [m, m === 'count' ? 100 + k : ((seed * 7 + k * 13 + j) % 97) / 97]));
  const ci = (k: number) => Object.fromEntries(SYNTHETIC_METRICS.filter((m) => m !== 'count').map((m, j) => { const v = ((seed * 7 + k * 13 + j + 1) % 97) / 97; return [m, [Math.max(0, v - 0.05), Math.min(1, v + 0.05)]]; }));
  return {
    schemaVersion: 1,
    task: 'binary',
    rows: 1000,
    overall: metrics(0),
    overallCi: ci(0),
    groups: Array.from({ length: groups }, (_, g) => ({ by: ['g'], key: { g: `group ${g}` }, count: 100 + g + 1, metrics: metrics(g + 1), ci: ci(g + 1), warnings: [] })),
    disparities: [],
    fairness: [],
    reference: [],
    cohorts: [],
  };
}
