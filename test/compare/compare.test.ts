import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Table } from '../../src/index.js';
import { readTable } from '../../src/node.js';
import { compareModels, comparisonDocument, compatibilityOf, jointCounts, markOf, pairedBootstrap, type Comparison } from '../../src/compare/index.js';
import { needsShared, SHARED } from '../helpers/cli.js';

const PREDICTIONS = join(SHARED, 'conformance', 'adult_test_predictions.csv');
const skip = needsShared('conformance', 'adult_test_predictions.csv');

async function adultComparison(seed = 0, bootstrap = 300): Promise<{ table: Table; c: Comparison }> {
  const { table } = await readTable(PREDICTIONS, {});
  const c = compareModels(table, {
    label: 'y_true',
    models: [{ name: 'v1', pred: 'y_pred' }, { name: 'v2', pred: 'y_score >= 0.3' }],
    sensitive: [['sex'], ['race']],
    cohorts: [{ name: 'women', expression: "sex = 'Female'" }, { name: 'white men', expression: "race = 'White' and sex = 'Male'" }],
    bootstrap,
    seed,
  });
  return { table, c };
}

/** BTC and BEC by a plain loop over the rows, the definitions of Bansal et al. (2019). */
function bruteForce(table: Table, include: (i: number) => boolean) {
  const y = table.column('y_true');
  const p = table.column('y_pred');
  const s = table.column('y_score');
  if (y.type !== 'numeric' || p.type !== 'numeric' || s.type !== 'numeric') throw new Error('expected numeric columns');
  let oldRight = 0;
  let bothRight = 0;
  let newWrong = 0;
  let bothWrong = 0;
  let newErrors = 0;
  for (let i = 0; i < table.rowCount; i++) {
    if (!include(i)) continue;
    const label = y.values[i];
    const a = p.values[i];
    const b = s.values[i] >= 0.3 ? 1 : 0;
    if (a === label) oldRight++;
    if (a === label && b === label) bothRight++;
    if (b !== label) newWrong++;
    if (a !== label && b !== label) bothWrong++;
    if (a === label && b !== label) newErrors++;
  }
  return { btc: bothRight / oldRight, bec: bothWrong / newWrong, newErrors };
}

test('BTC and BEC equal a direct computation on two prediction columns of Adult, overall, per cohort and per group', { skip }, async () => {
  const { table, c } = await adultComparison();
  const sex = table.column('sex');
  const race = table.column('race');
  if (sex.type !== 'categorical' || race.type !== 'categorical') throw new Error('expected categorical columns');
  const sexOf = (i: number) => sex.dictionary[sex.codes[i]];
  const raceOf = (i: number) => race.dictionary[race.codes[i]];
  const expect = [
    { cohort: null, group: null, include: () => true },
    { cohort: 'women', group: null, include: (i: number) => sexOf(i) === 'Female' },
    { cohort: 'white men', group: null, include: (i: number) => raceOf(i) === 'White' && sexOf(i) === 'Male' },
    { cohort: null, group: { sex: 'Male' }, include: (i: number) => sexOf(i) === 'Male' },
    { cohort: null, group: { race: 'Black' }, include: (i: number) => raceOf(i) === 'Black' },
  ];
  for (const e of expect) {
    const got = c.compatibility.find((x) => x.cohort === e.cohort && JSON.stringify(x.group) === JSON.stringify(e.group));
    assert.ok(got, `compatibility for ${e.cohort ?? JSON.stringify(e.group)}`);
    const want = bruteForce(table, e.include);
    assert.equal(got.baseline, 'v1');
    assert.equal(got.model, 'v2');
    assert.ok(Math.abs(got.btc! - want.btc) < 1e-12, `btc ${got.btc} vs ${want.btc}`);
    assert.ok(Math.abs(got.bec! - want.bec) < 1e-12, `bec ${got.bec} vs ${want.bec}`);
    assert.equal(got.newErrors, want.newErrors);
    assert.ok(got.btcInterval![0] <= got.btc! && got.btc! <= got.btcInterval![1]);
  }
  // The new-errors cohort as a row mask.
  const ne = c.newErrors[0];
  const all = bruteForce(table, () => true);
  assert.equal(ne.count, all.newErrors);
  assert.equal(ne.mask.reduce((s, v) => s + v, 0), all.newErrors);
  // Every group of a grouping and every cohort has an entry; overall once.
  assert.equal(c.compatibility.filter((x) => x.cohort === null && x.group === null).length, 1);
});

test('every delta is candidate − baseline, and its mark agrees with its interval', { skip }, async () => {
  const { c } = await adultComparison();
  const scopes = [c.overall, ...c.cohorts, ...c.groups];
  let marked = 0;
  for (const s of scopes) {
    for (const [id, d] of Object.entries(s.deltas.v2)) {
      const a = s.metrics.v1[id];
      const b = s.metrics.v2[id];
      if (a === null || b === null) assert.equal(d.value, null);
      else assert.ok(Math.abs(d.value! - (b - a)) < 1e-12, id);
      if (!d.interval) {
        assert.equal(d.mark, null);
        continue;
      }
      marked++;
      const [lo, hi] = d.interval;
      assert.ok(lo <= hi);
      assert.equal(d.mark, lo > 0 ? 'up' : hi < 0 ? 'down' : 'same', `${id}: ${d.mark} for [${lo}, ${hi}]`);
      // Sign agreement: a marked change has the sign of its point estimate.
      if (d.mark === 'up') assert.ok(d.value! > 0);
      if (d.mark === 'down') assert.ok(d.value! < 0);
    }
  }
  assert.ok(marked > 50, `${marked} marked deltas`);
  // Both directions and "same" occur on this data.
  const marks = new Set(scopes.flatMap((s) => Object.values(s.deltas.v2).map((d) => d.mark)));
  for (const m of ['up', 'down', 'same']) assert.ok(marks.has(m as 'up'), m);
  for (const d of c.disparities) {
    const x = d.deltas.v2.ratio;
    if (x.interval) assert.equal(x.mark, markOf(x.interval));
  }
});

test('the paired bootstrap is reproducible for a seed and changes with it', { skip }, async () => {
  const a = comparisonDocument((await adultComparison(7, 200)).c);
  const b = comparisonDocument((await adultComparison(7, 200)).c);
  const other = comparisonDocument((await adultComparison(8, 200)).c);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.overall.deltas.v2.accuracy.interval, other.overall.deltas.v2.accuracy.interval);
  assert.equal(a.config.seed, 7);
  assert.equal(a.config.bootstrap, 200);
});

test('identical models: every difference is 0 with interval [0, 0] marked same, BTC and BEC are 1', () => {
  const table = Table.from({ y: [1, 0, 1, 1, 0, 0, 1, 0], p: [1, 0, 0, 1, 1, 0, 1, 0], g: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'] });
  const c = compareModels(table, { label: 'y', models: [{ name: 'old', pred: 'p' }, { name: 'new', pred: 'p' }], sensitive: [['g']], bootstrap: 50 });
  for (const s of [c.overall, ...c.groups]) {
    for (const d of Object.values(s.deltas.new)) {
      if (d.value === null) continue;
      assert.equal(d.value, 0);
      if (d.interval) {
        assert.deepEqual(d.interval, [0, 0]);
        assert.equal(d.mark, 'same');
      }
    }
  }
  const overall = c.compatibility.find((x) => x.cohort === null && x.group === null)!;
  assert.equal(overall.btc, 1);
  assert.equal(overall.bec, 1);
  assert.equal(overall.newErrors, 0);
});

test('paired bootstrap: both models are counted on the same resample of the joint cells', () => {
  const codes = new Int32Array([0, 0, 0, 1, 1, 1, 1, -1]);
  const label = new Uint8Array([1, 0, 1, 0, 1, 1, 0, 1]);
  const a = new Uint8Array([1, 0, 0, 0, 1, 0, 1, 1]);
  const b = new Uint8Array([1, 1, 1, 0, 1, 1, 0, 0]);
  const cells = jointCounts(codes, 2, label, a, b);
  assert.deepEqual(Array.from(cells.subarray(0, 8)).reduce((s, v) => s + v, 0), 3);
  assert.equal(cells[8 + 4 + 2 + 1], 1); // group 1: label 1, both predict 1
  let runs = 0;
  pairedBootstrap(cells, 2, 100, 1, (x, y, drawn) => {
    runs++;
    for (let g = 0; g < 2; g++) {
      assert.equal(x.n[g], g === 0 ? 3 : 4);
      assert.equal(y.n[g], x.n[g]);
      // The label margin is shared: both models see the same positives.
      assert.equal(x.tp[g] + x.fn[g], y.tp[g] + y.fn[g]);
      let total = 0;
      for (let k = 0; k < 8; k++) total += drawn[8 * g + k];
      assert.equal(total, x.n[g]);
    }
  });
  assert.equal(runs, 100);
});

test('compatibilityOf returns null where a share has no denominator', () => {
  // Every row: label 1, baseline 0, candidate 1 — the baseline got nothing right, the candidate makes no error.
  const cells = new Float64Array(8);
  cells[4 + 0 + 1] = 5;
  assert.deepEqual(compatibilityOf(cells), { btc: null, bec: null, newErrors: 0, n: 5 });
});

test('rows lacking one model\'s prediction are left out of every model, with a warning', () => {
  const table = Table.from({ y: [1, 0, 1, 0, 1], a: [1, 0, 1, 1, null], b: [1, 0, 0, 0, 1] });
  const c = compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'a' }, { name: 'b', pred: 'b' }], bootstrap: 20 });
  assert.equal(c.rows, 4);
  assert.equal(c.overall.count, 4);
  assert.equal(c.overall.metrics.b.accuracy, 0.75);
  assert.ok(c.warnings.some((w) => w.code === 'dropped_rows' && w.count === 1));
  assert.equal(c.newErrors[0].mask[4], 0);
});

test('an empty cohort, one row, bootstrap 0 and a single model give nulls rather than errors', () => {
  const table = Table.from({ y: [1], a: [1], b: [0] });
  const c = compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'a' }, { name: 'b', pred: 'b' }], cohorts: [{ name: 'none', expression: 'y = 5' }], bootstrap: 0 });
  assert.equal(c.overall.deltas.b.accuracy.value, -1);
  assert.equal(c.overall.deltas.b.accuracy.interval, null);
  assert.equal(c.overall.deltas.b.accuracy.mark, null);
  assert.equal(c.cohorts[0].count, 0);
  assert.equal(c.cohorts[0].deltas.b.accuracy?.value ?? null, null);
  assert.equal(c.config.intervals, 'none');
  const single = compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'a' }] });
  assert.deepEqual(single.compatibility, []);
  assert.equal(single.overall.metrics.a.accuracy, 1);
});

test('bad options are user errors naming the value', () => {
  const table = Table.from({ y: [1, 0], a: [1, 0] });
  const models = [{ name: 'a', pred: 'a' }];
  assert.throws(() => compareModels(table, { label: 'y', models: [] }), /no models/);
  assert.throws(() => compareModels(table, { label: 'y', models: [...models, ...models] }), /model name used twice: "a"/);
  assert.throws(() => compareModels(table, { label: 'y', models, baseline: 'z' }), /unknown baseline: "z"/);
  assert.throws(() => compareModels(table, { label: 'y', models, bootstrap: -1 }), /invalid bootstrap: -1/);
  assert.throws(() => compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'nope' }] }), /nope/);
});

test('one group only: group metrics and deltas, but no change of disparity; an all-missing prediction is a user error', () => {
  const table = Table.from({ y: [1, 0, 1, 0], a: [1, 0, 0, 0], b: [1, 1, 1, 0], g: ['x', 'x', 'x', 'x'], none: [null, null, null, null] });
  const c = compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'a' }, { name: 'b', pred: 'b' }], sensitive: [['g']], bootstrap: 20 });
  assert.equal(c.groups.length, 1);
  assert.equal(c.groups[0].deltas.b.accuracy.value, 0);
  for (const d of c.disparities) {
    assert.deepEqual(d.deltas, {});
    assert.ok(d.values.a.difference === 0 || d.values.a.difference === null, d.metric);
  }
  assert.throws(() => compareModels(table, { label: 'y', models: [{ name: 'a', pred: 'a' }, { name: 'n', pred: 'none' }] }), /no rows/);
});

test('the multinomial paired bootstrap matches resampling rows in spread (accuracy difference on Adult)', { skip }, async () => {
  const { table } = await readTable(PREDICTIONS, {});
  const c = compareModels(table, { label: 'y_true', models: [{ name: 'v1', pred: 'y_pred' }, { name: 'v2', pred: 'y_score >= 0.3' }], bootstrap: 2000, seed: 3 });
  const fast = c.overall.deltas.v2.accuracy.interval!;
  // Reference: resample rows with replacement, recompute both accuracies on the same resample.
  const y = table.column('y_true');
  const p = table.column('y_pred');
  const s = table.column('y_score');
  if (y.type !== 'numeric' || p.type !== 'numeric' || s.type !== 'numeric') throw new Error('expected numeric columns');
  const n = table.rowCount;
  const diff = new Int8Array(n); // per row: (b right) − (a right)
  for (let i = 0; i < n; i++) diff[i] = (((s.values[i] >= 0.3 ? 1 : 0) === y.values[i]) ? 1 : 0) - (p.values[i] === y.values[i] ? 1 : 0);
  const { Random, percentileInterval } = await import('../../src/stats/index.js');
  const random = new Random(11);
  const values: number[] = [];
  for (let r = 0; r < 1000; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += diff[random.int(n)];
    values.push(sum / n);
  }
  const slow = percentileInterval(values, { confidence: 0.95 })!;
  const width = (x: [number, number]) => x[1] - x[0];
  assert.ok(Math.abs(width(fast) - (slow.upper - slow.lower)) / width(fast) < 0.15, `widths ${width(fast)} vs ${slow.upper - slow.lower}`);
  assert.ok(Math.abs((fast[0] + fast[1]) / 2 - (slow.lower + slow.upper) / 2) < 0.002);
});
