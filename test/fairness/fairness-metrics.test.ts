import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionByGroup, emptyConfusionCounts, FAIRNESS_METRIC_IDS, FAIRNESS_METRICS, fairnessMetrics } from '../../src/index.js';

function counts(cells: [number, number, number, number][]) {
  const c = emptyConfusionCounts(cells.length);
  cells.forEach(([tp, fp, tn, fn], g) => {
    c.tp[g] = tp;
    c.fp[g] = fp;
    c.tn[g] = tn;
    c.fn[g] = fn;
    c.n[g] = tp + fp + tn + fn;
  });
  return c;
}

test('fairnessMetrics: demographic parity, equalized odds (worst case and mean) and equal opportunity', () => {
  // Group 0: TPR 0.8, FPR 0.2, selection 0.5; group 1: TPR 0.6, FPR 0.1, selection 0.35.
  const c = counts([
    [40, 10, 40, 10],
    [30, 5, 45, 20],
  ]);
  const { metrics: m, selectionRate } = fairnessMetrics(c);
  const near = (id: (typeof FAIRNESS_METRIC_IDS)[number], v: number) => assert.ok(Math.abs((m[id].value as number) - v) < 1e-12, `${id}: ${m[id].value} vs ${v}`);
  near('demographic_parity_difference', 0.15);
  near('demographic_parity_ratio', 0.7);
  near('equal_opportunity_difference', 0.2);
  near('equal_opportunity_ratio', 0.75);
  near('equalized_odds_difference', 0.2);
  near('equalized_odds_ratio', 0.5);
  near('equalized_odds_difference_mean', 0.15);
  near('equalized_odds_ratio_mean', 0.625);
  // Overall (pooled): selection 0.425, TPR 70/100, FPR 15/100.
  near('demographic_parity_difference_to_overall', 0.075);
  near('demographic_parity_ratio_to_overall', 0.35 / 0.425);
  near('equalized_odds_difference_to_overall', 0.1);
  near('equalized_odds_ratio_to_overall', 2 / 3);
  assert.equal(selectionRate.groupMaxIndex, 0);
  assert.deepEqual(Object.keys(m), [...FAIRNESS_METRIC_IDS]);
});

test('a group without positives: left out by default, TPR counted as 0 with zeroDivision 0 (Fairlearn)', () => {
  const c = counts([
    [40, 10, 40, 10],
    [0, 5, 45, 0],
  ]);
  assert.equal(fairnessMetrics(c).metrics.equal_opportunity_difference.value, 0);
  assert.ok(Math.abs((fairnessMetrics(c, { zeroDivision: 0 }).metrics.equal_opportunity_difference.value as number) - 0.8) < 1e-12);
  const noPositives = counts([
    [0, 10, 40, 0],
    [0, 5, 45, 0],
  ]);
  const eo = fairnessMetrics(noPositives).metrics.equalized_odds_difference;
  assert.equal(eo.value, null);
  assert.match(eo.reason as string, /^true positive rate: /);
});

test('fairnessMetrics uses the given overall counts for the to-overall variants', () => {
  const groups = new Int32Array([0, 0, 1, 1, -1, -1]);
  const label = new Uint8Array([1, 0, 1, 0, 1, 1]);
  const pred = new Uint8Array([1, 0, 0, 1, 1, 1]);
  const byGroup = confusionByGroup(groups, 2, label, pred);
  const everyone = confusionByGroup(new Int32Array(6), 1, label, pred);
  const pooled = fairnessMetrics(byGroup).metrics.demographic_parity_difference_to_overall.value;
  const all = fairnessMetrics(byGroup, { overall: everyone }).metrics.demographic_parity_difference_to_overall.value;
  assert.equal(pooled, 0);
  assert.ok(Math.abs((all as number) - (4 / 6 - 0.5)) < 1e-12);
  assert.throws(() => fairnessMetrics(byGroup, { overall: byGroup }), /overall counts must have one group/);
});

test('FAIRNESS_METRICS labels every id with its ideal value', () => {
  for (const id of FAIRNESS_METRIC_IDS) {
    const info = FAIRNESS_METRICS[id];
    assert.equal(info.id, id);
    assert.equal(info.ideal, id.includes('ratio') ? 1 : 0);
  }
  assert.equal(FAIRNESS_METRICS.demographic_parity_difference.label, 'Demographic parity difference');
  assert.equal(FAIRNESS_METRICS.equalized_odds_ratio_mean_to_overall.label, 'Equalized odds ratio (mean of TPR and FPR) to overall');
});
