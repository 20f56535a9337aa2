// Score metrics (ROC AUC, average precision, log loss, Brier score) in a comparison: paired row
// bootstrap intervals for their differences, marks that agree with the intervals, a pairing that
// gives no spread where the models rank alike, a spread that matches resampling rows by hand, and
// the sampled (m-out-of-n) bootstrap on large data with its warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { numericColumn, Random, percentileInterval, type Table } from '../../src/index.js';
import { readTable } from '../../src/node.js';
import { compareModels, markOf, SCORE_DELTA_METRICS, type Comparison, type CompareOptions } from '../../src/compare/index.js';
import { needsShared, SHARED } from '../helpers/cli.js';

const PREDICTIONS = join(SHARED, 'conformance', 'adult_test_predictions.csv');
const skip = needsShared('conformance', 'adult_test_predictions.csv');

/** Adult's predictions with a second score: the first moved up for women and down for men (clipped to [0, 1]), and its square (same ranking). */
async function adult(): Promise<{ table: Table; s1: Float64Array; s2: Float64Array; y: Float64Array }> {
  const { table } = await readTable(PREDICTIONS, {});
  const score = table.column('y_score');
  const sex = table.column('sex');
  const label = table.column('y_true');
  if (score.type !== 'numeric' || sex.type !== 'categorical' || label.type !== 'numeric') throw new Error('unexpected column types');
  const s2 = new Float64Array(table.rowCount);
  const sq = new Float64Array(table.rowCount);
  for (let i = 0; i < s2.length; i++) {
    const shift = sex.dictionary[sex.codes[i]] === 'Female' ? 0.08 : -0.03;
    s2[i] = Math.min(1, Math.max(0, score.values[i] + shift));
    sq[i] = score.values[i] * score.values[i];
  }
  return { table: table.withColumn(numericColumn('s2', s2)).withColumn(numericColumn('sq', sq)), s1: score.values, s2, y: label.values };
}

function options(extra: Partial<CompareOptions> = {}): CompareOptions {
  return {
    label: 'y_true',
    models: [{ name: 'v1', pred: 'y_pred', score: 'y_score' }, { name: 'v2', pred: 's2 >= 0.5', score: 's2' }],
    sensitive: [['sex']],
    cohorts: [{ name: 'women', expression: "sex = 'Female'" }, { name: 'young', expression: 'row_index < 4000' }],
    bootstrap: 200,
    seed: 5,
    ...extra,
  };
}

function scopes(c: Comparison) {
  return [c.overall, ...c.cohorts, ...c.groups];
}

test('score metrics get paired intervals, and every mark agrees with its interval (≈ exactly when it contains 0)', { skip }, async () => {
  const { table } = await adult();
  const c = compareModels(table, options());
  let checked = 0;
  for (const s of scopes(c)) {
    for (const id of SCORE_DELTA_METRICS) {
      const d = s.deltas.v2[id];
      assert.ok(d.value !== null && d.interval, `${id} has a difference and an interval`);
      assert.ok(Math.abs(d.value - (s.metrics.v2[id]! - s.metrics.v1[id]!)) < 1e-12, `${id} is candidate − baseline`);
    }
    for (const [id, d] of Object.entries(s.deltas.v2)) {
      if (!d.interval) continue;
      checked++;
      const [lo, hi] = d.interval;
      assert.ok(lo <= hi, id);
      assert.equal(d.mark === 'same', lo <= 0 && 0 <= hi, `${id}: ≈ exactly when [${lo}, ${hi}] contains 0`);
      if (d.mark === 'up') assert.ok(lo > 0 && d.value! > 0, `${id} up`);
      if (d.mark === 'down') assert.ok(hi < 0 && d.value! < 0, `${id} down`);
    }
  }
  assert.ok(checked >= scopes(c).length * 16, `${checked} intervals`);
  // The score metrics' disparities between groups are compared too, with intervals.
  for (const id of SCORE_DELTA_METRICS) {
    const d = c.disparities.find((x) => x.metric === id && x.by.join() === 'sex');
    assert.ok(d?.deltas.v2.ratio.interval, `${id} ratio change has an interval`);
    assert.equal(d.deltas.v2.ratio.mark, markOf(d.deltas.v2.ratio.interval));
  }
  // On this data the shift worsens log loss and Brier score for sure: both go up.
  assert.equal(c.overall.deltas.v2.log_loss.mark, 'up');
  assert.equal(c.overall.deltas.v2.brier_score.mark, 'up');
  assert.ok(!c.warnings.some((w) => w.code === 'bootstrap_sample'), 'no sampling below the row limit');
});

test('the pairing: a candidate that ranks the rows exactly as the baseline has ROC AUC and average precision differences of [0, 0]', { skip }, async () => {
  const { table } = await adult();
  const c = compareModels(table, options({ models: [{ name: 'v1', pred: 'y_pred', score: 'y_score' }, { name: 'v2', pred: 'y_pred', score: 'sq' }] }));
  for (const s of scopes(c)) {
    for (const id of ['roc_auc', 'average_precision']) {
      assert.equal(s.deltas.v2[id].value, 0, id);
      assert.deepEqual(s.deltas.v2[id].interval, [0, 0], id);
      assert.equal(s.deltas.v2[id].mark, 'same');
    }
    // Squaring the scores changes their calibration: Brier score differs, with a non-degenerate interval.
    const brier = s.deltas.v2.brier_score.interval!;
    assert.ok(brier[1] > brier[0]);
  }
});

test('the Brier score difference interval matches a paired resampling of rows by hand', { skip }, async () => {
  const { table, s1, s2, y } = await adult();
  const c = compareModels(table, options({ bootstrap: 1000, sensitive: [], cohorts: [] }));
  const fast = c.overall.deltas.v2.brier_score.interval!;
  // Per row, the difference of squared errors; its resampled means are the paired bootstrap of the difference.
  const n = y.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (s2[i] - y[i]) ** 2 - (s1[i] - y[i]) ** 2;
  const random = new Random(99);
  const means: number[] = [];
  for (let r = 0; r < 1000; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += d[random.int(n)];
    means.push(sum / n);
  }
  const slow = percentileInterval(means, { confidence: 0.95 })!;
  const width = fast[1] - fast[0];
  assert.ok(Math.abs(width - (slow.upper - slow.lower)) / width < 0.15, `widths ${width} vs ${slow.upper - slow.lower}`);
  assert.ok(Math.abs((fast[0] + fast[1]) / 2 - (slow.lower + slow.upper) / 2) < 0.1 * width, 'same centre');
});

test('above bootstrapRowLimit the score intervals come from a sample, scaled to the full size, with a warning', { skip }, async () => {
  const { table } = await adult();
  const full = compareModels(table, options({ bootstrap: 400, sensitive: [], cohorts: [] }));
  const sampled = compareModels(table, options({ bootstrap: 400, sensitive: [], cohorts: [], bootstrapRowLimit: 4000 }));
  const warning = sampled.warnings.find((w) => w.code === 'bootstrap_sample');
  assert.ok(warning, 'a warning says the bootstrap ran on a sample');
  assert.match(warning.message, /4,000 of 16,281 rows/);
  for (const id of ['brier_score', 'log_loss', 'roc_auc']) {
    const a = full.overall.deltas.v2[id];
    const b = sampled.overall.deltas.v2[id];
    // The point estimate is from all rows either way; the sampled interval has about the full one's width.
    assert.equal(b.value, a.value);
    const wa = a.interval![1] - a.interval![0];
    const wb = b.interval![1] - b.interval![0];
    assert.ok(Math.abs(wb - wa) / wa < 0.25, `${id}: widths ${wb} vs ${wa}`);
    assert.ok(b.interval![0] <= b.value! && b.value! <= b.interval![1], `${id}: the interval holds the estimate`);
    assert.equal(b.mark, markOf(b.interval));
  }
  // The count metrics never resample rows: identical with and without the limit.
  assert.deepEqual(sampled.overall.deltas.v2.accuracy, full.overall.deltas.v2.accuracy);
});

test('a score metric without the baseline\'s score has a point value of null and no interval; a bad row limit is a user error', { skip }, async () => {
  const { table } = await adult();
  const c = compareModels(table, options({ models: [{ name: 'v1', pred: 'y_pred' }, { name: 'v2', pred: 's2 >= 0.5', score: 's2' }] }));
  for (const id of SCORE_DELTA_METRICS) {
    assert.equal(c.overall.deltas.v2[id].value, null);
    assert.equal(c.overall.deltas.v2[id].interval, null);
    assert.equal(c.overall.deltas.v2[id].mark, null);
  }
  assert.ok(c.overall.deltas.v2.accuracy.interval);
  assert.throws(() => compareModels(table, options({ bootstrapRowLimit: 10 })), /invalid bootstrapRowLimit: 10/);
});
