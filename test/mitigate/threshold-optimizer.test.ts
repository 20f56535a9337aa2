// The threshold optimizer against Fairlearn 0.9 (../shared/conformance/adult_threshold_optimizer.json)
// and against brute force and invariants on small data: parity of the expected rates on the
// training rows, optimality over every deterministic pair of thresholds, relaxation, the
// deterministic variant, the artifact's validation and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random, Table } from '../../src/index.js';
import { readTable } from '../../src/node.js';
import {
  assessExpected,
  curveMetric,
  fitThresholdRules,
  interpolateHull,
  parseMitigation,
  positiveProbability,
  randomizedDecisions,
  thresholdOptimizer,
  tradeoffPoints,
  unitGrid,
  upperHull,
  type BinaryMitigation,
  type ThresholdConstraint,
} from '../../src/mitigate/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { needsShared, SHARED } from '../helpers/cli.js';

const CONFORMANCE = join(SHARED, 'conformance');
const skip = needsShared('conformance', 'adult_threshold_optimizer.json');

interface Rates {
  count: number;
  selection_rate: number;
  tpr: number;
  fpr: number;
  accuracy: number;
}

/** Expected rates of P(positive) per row, by plain sums: the reference's definitions. */
function expectedRates(y: ArrayLike<number>, p: Float64Array, include: (i: number) => boolean): Rates {
  let n = 0;
  let sel = 0;
  let pos = 0;
  let tp = 0;
  let neg = 0;
  let fp = 0;
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    if (!include(i)) continue;
    n++;
    sel += p[i];
    acc += y[i] * p[i] + (1 - y[i]) * (1 - p[i]);
    if (y[i] === 1) {
      pos++;
      tp += p[i];
    } else {
      neg++;
      fp += p[i];
    }
  }
  return { count: n, selection_rate: sel / n, tpr: tp / pos, fpr: fp / neg, accuracy: acc / n };
}

for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
  test(`${constraint}: thresholds, mixing probabilities and expected test metrics equal Fairlearn 0.9's (Adult, sex)`, { skip }, async () => {
    const reference = JSON.parse(readFileSync(join(CONFORMANCE, 'adult_threshold_optimizer.json'), 'utf8')).results[constraint];
    assert.equal(reference.params.grid_size, 1000);
    assert.equal(reference.params.objective, 'accuracy_score');
    assert.equal(reference.params.flip, false);
    const { table: train } = await readTable(join(CONFORMANCE, 'adult_train_predictions.csv'), {});
    const { table: testRows } = await readTable(join(CONFORMANCE, 'adult_test_predictions.csv'), {});
    const m = thresholdOptimizer(train, { label: 'y_true', score: 'y_score', sensitive: ['sex'], constraint, objective: 'accuracy_score', grid: 1000 }) as BinaryMitigation;
    assert.equal(m.task, 'binary');
    assertClose(m.target.x, reference.x_best, 'x_best', 1e-12);
    if (constraint === 'equalized_odds') assertClose(m.target.y, reference['y_best (equalized_odds only: TPR of the chosen point)'], 'y_best', 1e-12);
    for (const g of m.groups) {
      const r = reference.interpolation_by_group[g.key.sex];
      const where = `${constraint} ${g.key.sex}`;
      assertClose(g.p0, r.p0, `${where} p0`, 1e-12);
      assertClose(g.p1, r.p1, `${where} p1`, 1e-12);
      assert.equal(g.operation0.operator, r.operation0.operator);
      assert.equal(g.operation1.operator, r.operation1.operator);
      assertClose(g.operation0.threshold, r.operation0.threshold, `${where} threshold0`, 1e-12);
      assertClose(g.operation1.threshold, r.operation1.threshold, `${where} threshold1`, 1e-12);
      assertClose(g.p_ignore, r.p_ignore ?? 0, `${where} p_ignore`, 1e-12);
      if (constraint === 'equalized_odds') assertClose(g.prediction_constant, r.prediction_constant, `${where} prediction_constant`, 1e-12);
    }

    // Expected metrics by plain sums over P(positive), and through assess (rows split by probability).
    const p = positiveProbability(testRows, m);
    const y = (testRows.column('y_true') as { values: Float64Array }).values;
    const sex = testRows.column('sex');
    assert.equal(sex.type, 'categorical');
    const isGroup = (name: string) => (i: number) => sex.type === 'categorical' && sex.dictionary[sex.codes[i]] === name;
    const expected = reference.expected_test;
    const insights = assessExpected(testRows, p, { label: 'y_true', sensitive: [['sex']], bootstrap: 0 });
    const scopes: [string, (i: number) => boolean, Record<string, number | null>][] = [
      ['overall', () => true, insights.overall],
      ...['Female', 'Male'].map((name) => [name, isGroup(name), insights.groups.find((g) => g.key.sex === name)!.metrics] as [string, (i: number) => boolean, Record<string, number | null>]),
    ];
    for (const [name, include, metrics] of scopes) {
      const plain = expectedRates(y, p, include);
      const ref = expected[name];
      assert.equal(plain.count, ref.count);
      assert.equal(metrics.count, ref.count);
      for (const [ours, theirs] of [['selection_rate', 'selection_rate'], ['tpr', 'tpr'], ['fpr', 'fpr'], ['accuracy', 'accuracy']] as const) {
        assertClose(plain[ours], ref[theirs], `${constraint} ${name} ${ours} (sums)`, 1e-6);
      }
      assertClose(metrics.selection_rate, ref.selection_rate, `${constraint} ${name} selection_rate (assess)`, 1e-6);
      assertClose(metrics.true_positive_rate, ref.tpr, `${constraint} ${name} tpr (assess)`, 1e-6);
      assertClose(metrics.false_positive_rate, ref.fpr, `${constraint} ${name} fpr (assess)`, 1e-6);
      assertClose(metrics.false_negative_rate, ref.fnr, `${constraint} ${name} fnr (assess)`, 1e-6);
      assertClose(metrics.accuracy, ref.accuracy, `${constraint} ${name} accuracy (assess)`, 1e-6);
    }
    const fair = insights.fairness[0];
    assertClose(fair.demographic_parity_difference, expected.demographic_parity_difference, 'demographic parity difference', 1e-6);
    assertClose(fair.demographic_parity_ratio, expected.demographic_parity_ratio, 'demographic parity ratio', 1e-6);
    assertClose(fair.equalized_odds_difference, expected.equalized_odds_difference, 'equalized odds difference', 1e-6);

    // On the training rows the randomised rule meets the constraint exactly (in expectation).
    const ptrain = positiveProbability(train, m);
    const ytrain = (train.column('y_true') as { values: Float64Array }).values;
    const sexTrain = train.column('sex');
    const trainGroup = (name: string) => (i: number) => sexTrain.type === 'categorical' && sexTrain.dictionary[sexTrain.codes[i]] === name;
    const [female, male] = ['Female', 'Male'].map((n) => expectedRates(ytrain, ptrain, trainGroup(n)));
    for (const [k, r] of [['Female', female], ['Male', male]] as const) {
      assertClose(r.selection_rate, reference.expected_train[k].selection_rate, `train ${k} selection rate`, 1e-9);
      assertClose(r.tpr, reference.expected_train[k].tpr, `train ${k} tpr`, 1e-9);
    }
  });
}

/** Seeded synthetic scores: two groups whose scores and base rates differ. */
function synthetic(n: number, seed: number): { label: Uint8Array; score: Float64Array; codes: Int32Array } {
  const random = new Random(seed);
  const label = new Uint8Array(n);
  const score = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = i % 3 === 0 ? 1 : 0;
    const y = random.next() < (g ? 0.25 : 0.45) ? 1 : 0;
    const z = random.normal(y ? 0.8 : -0.4, 1) + (g ? -0.3 : 0.2);
    codes[i] = g;
    label[i] = y;
    // Scores rounded to two decimals: ties between rows, as real scores have.
    score[i] = Math.round(100 / (1 + Math.exp(-z))) / 100;
  }
  return { label, score, codes };
}

/** P(positive) of a fitted rule on the rows, group by group. */
function probabilitiesOf(fit: ReturnType<typeof fitThresholdRules>, data: { score: Float64Array; codes: Int32Array }): Float64Array {
  const hit = (op: { operator: '>' | '<'; threshold: number }, s: number) => ((op.operator === '>' ? s > op.threshold : s < op.threshold) ? 1 : 0);
  return Float64Array.from(data.score, (s, i) => {
    const r = fit.groups[data.codes[i]].rule;
    return r.pIgnore * r.predictionConstant + (1 - r.pIgnore) * (r.p0 * hit(r.operation0, s) + r.p1 * hit(r.operation1, s));
  });
}

const RATE: Record<Exclude<ThresholdConstraint, 'equalized_odds'>, keyof Rates> = { demographic_parity: 'selection_rate', true_positive_rate_parity: 'tpr', false_positive_rate_parity: 'fpr' };

test('the randomised rule equalises the constrained rate(s) exactly on the training rows, for every constraint and objective', () => {
  const data = synthetic(3000, 7);
  for (const constraint of ['demographic_parity', 'equalized_odds', 'true_positive_rate_parity', 'false_positive_rate_parity'] as const) {
    for (const objective of ['accuracy_score', 'balanced_accuracy_score'] as const) {
      const fit = fitThresholdRules({ ...data, nGroups: 2 }, { constraint, objective, grid: 200 });
      const p = probabilitiesOf(fit, data);
      const [a, b] = [0, 1].map((g) => expectedRates(data.label, p, (i) => data.codes[i] === g));
      const what = `${constraint}/${objective}`;
      if (constraint === 'equalized_odds') {
        assertClose(a.tpr, b.tpr, `${what} TPR`, 1e-9);
        assertClose(a.fpr, b.fpr, `${what} FPR`, 1e-9);
        assertClose(a.fpr, fit.target.x, `${what} FPR at the target`, 1e-9);
        assertClose(a.tpr, fit.target.y, `${what} TPR at the target`, 1e-9);
      } else {
        assertClose(a[RATE[constraint]], b[RATE[constraint]], `${what} rate`, 1e-9);
        assertClose(a[RATE[constraint]], fit.target.x, `${what} rate at the target`, 1e-9);
      }
      assert.ok(fit.violation <= 1e-12, `${what}: violation ${fit.violation}`);
      for (const g of fit.groups) {
        assert.ok(g.rule.p0 >= 0 && g.rule.p0 <= 1 && g.rule.p1 >= 0 && g.rule.pIgnore >= 0 && g.rule.pIgnore <= 1, `${what}: probabilities in 0..1`);
        assertClose(g.rule.p0 + g.rule.p1, 1, `${what}: p0 + p1`, 1e-12);
      }
    }
  }
});

test('demographic parity: no pair of deterministic thresholds with equal selection rates is more accurate (brute force)', () => {
  // Group sizes 10 and 20 with a grid of 20: every achievable selection rate lies on the grid.
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = new Random(seed);
    const n = 30;
    const codes = Int32Array.from({ length: n }, (_, i) => (i < 10 ? 0 : 1));
    const label = Uint8Array.from({ length: n }, (_, i) => (i === 0 || i === 10 ? 1 : i === 1 || i === 11 ? 0 : random.next() < 0.4 ? 1 : 0));
    const score = Float64Array.from({ length: n }, (_, i) => Math.round((random.next() + 0.3 * label[i]) * 1000) / 1000);
    const fit = fitThresholdRules({ label, score, codes, nGroups: 2 }, { constraint: 'demographic_parity', grid: 20 });
    const p = probabilitiesOf(fit, { score, codes });
    const ours = expectedRates(label, p, () => true).accuracy;
    const cuts = (g: number) => [Infinity, -Infinity, ...Array.from(score).filter((_, i) => codes[i] === g)];
    let best = -Infinity;
    for (const ta of cuts(0)) {
      for (const tb of cuts(1)) {
        const t = [ta, tb];
        const d = Float64Array.from(score, (s, i) => (s >= t[codes[i]] ? 1 : 0));
        const [ra, rb] = [0, 1].map((g) => expectedRates(label, d, (i) => codes[i] === g).selection_rate);
        if (Math.abs(ra - rb) < 1e-12) best = Math.max(best, expectedRates(label, d, () => true).accuracy);
      }
    }
    assert.ok(ours >= best - 1e-12, `seed ${seed}: ours ${ours} < brute force ${best}`);
  }
});

test('trade-off points are every threshold\'s confusion rates, and the hull lies above every point', () => {
  const data = synthetic(400, 3);
  const rows = Int32Array.from({ length: 400 }, (_, i) => i).filter((i) => data.codes[i] === 0);
  const points = tradeoffPoints(data.label, data.score, rows, 'false_positive_rate', 'true_positive_rate');
  const distinct = new Set(Array.from(rows, (i) => data.score[i]));
  assert.equal(points.length, distinct.size + 1);
  for (const pt of points) {
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    for (const i of rows) {
      const yes = data.score[i] > pt.operation.threshold;
      if (data.label[i] && yes) tp++;
      else if (data.label[i]) fn++;
      else if (yes) fp++;
      else tn++;
    }
    assert.deepEqual([pt.tp, pt.fp, pt.tn, pt.fn], [tp, fp, tn, fn]);
    assert.equal(pt.x, curveMetric('false_positive_rate', tp, fp, tn, fn));
  }
  const hull = upperHull(points);
  const grid = unitGrid(50);
  const curve = interpolateHull(hull, grid);
  for (const pt of points) {
    // The hull's value at the point's x (between grid points: by its own segments).
    const j = hull.findIndex((h, k) => k + 1 < hull.length && h.x <= pt.x && pt.x <= hull[k + 1].x);
    const a = hull[j];
    const b = hull[j + 1];
    const y = b.x === a.x ? Math.max(a.y, b.y) : a.y + ((pt.x - a.x) / (b.x - a.x)) * (b.y - a.y);
    assert.ok(pt.y <= y + 1e-12, `point (${pt.x}, ${pt.y}) above the hull (${y})`);
  }
  for (let k = 1; k + 1 < grid.length; k++) assert.ok(curve.y[k] >= (curve.y[k - 1] + curve.y[k + 1]) / 2 - 1e-12, 'the interpolated hull is concave');
});

test('relax: every group stays within the tolerance, and accuracy is at least the exact solution\'s', () => {
  const data = synthetic(3000, 11);
  for (const constraint of ['demographic_parity', 'true_positive_rate_parity', 'equalized_odds'] as const) {
    const exact = fitThresholdRules({ ...data, nGroups: 2 }, { constraint, grid: 100 });
    const relaxed = fitThresholdRules({ ...data, nGroups: 2 }, { constraint, grid: 100, relax: 0.05 });
    const accuracy = (fit: typeof exact) => expectedRates(data.label, probabilitiesOf(fit, data), () => true).accuracy;
    assert.ok(accuracy(relaxed) >= accuracy(exact) - 1e-12, `${constraint}: relaxed ${accuracy(relaxed)} < exact ${accuracy(exact)}`);
    const p = probabilitiesOf(relaxed, data);
    const [a, b] = [0, 1].map((g) => expectedRates(data.label, p, (i) => data.codes[i] === g));
    const rates = constraint === 'equalized_odds' ? (['tpr', 'fpr'] as const) : ([RATE[constraint]] as const);
    for (const r of rates) assert.ok(Math.abs(a[r] - b[r]) <= 0.05 + 1e-9, `${constraint}: ${r} differs by ${Math.abs(a[r] - b[r])}`);
    assert.ok(relaxed.violation <= 0.05 + 1e-9);
  }
});

test('deterministic: one threshold per group, its reported violation is the measured one', () => {
  const data = synthetic(3000, 5);
  for (const constraint of ['demographic_parity', 'equalized_odds'] as const) {
    const fit = fitThresholdRules({ ...data, nGroups: 2 }, { constraint, deterministic: true });
    assert.equal(fit.randomized, false);
    const p = probabilitiesOf(fit, data);
    assert.ok(p.every((v) => v === 0 || v === 1), 'decisions are 0 or 1');
    for (const g of fit.groups) assert.deepEqual([g.rule.p0, g.rule.p1, g.rule.pIgnore], [1, 0, 0]);
    const [a, b] = [0, 1].map((g) => expectedRates(data.label, p, (i) => data.codes[i] === g));
    const measured = constraint === 'equalized_odds' ? Math.max(Math.abs(a.tpr - b.tpr), Math.abs(a.fpr - b.fpr)) : Math.abs(a.selection_rate - b.selection_rate);
    assertClose(fit.violation, measured, `${constraint} violation`, 1e-12);
    // Nearest single threshold to the randomised target: with 2,000 rows per group, close.
    assert.ok(measured < 0.05, `${constraint}: violation ${measured}`);
  }
});

test('same seed, same decisions; the draws follow the probabilities', () => {
  const data = synthetic(5000, 2);
  const fit = fitThresholdRules({ ...data, nGroups: 2 }, { constraint: 'equalized_odds' });
  const p = probabilitiesOf(fit, data);
  const a = randomizedDecisions(p, 42);
  const b = randomizedDecisions(p, 42);
  const c = randomizedDecisions(p, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  let mean = 0;
  for (let i = 0; i < p.length; i++) {
    assert.ok(a[i] === 0 || a[i] === 1);
    if (p[i] === 0) assert.equal(a[i], 0);
    if (p[i] === 1) assert.equal(a[i], 1);
    mean += a[i] - p[i];
  }
  // The draw's selection rate is within 5 binomial standard errors of the expected one.
  assert.ok(Math.abs(mean / p.length) < 5 * Math.sqrt(0.25 / p.length));
  assert.deepEqual(randomizedDecisions(Float64Array.of(NaN, 1), 0), Uint8Array.of(255, 1));
});

function smallTable(): Table {
  const data = synthetic(600, 9);
  return Table.from({
    y: Array.from(data.label),
    s: Array.from(data.score),
    grp: Array.from(data.codes, (g) => (g ? 'b' : 'a')),
    text: Array.from(data.score, (v) => `v${v}`),
  });
}

test('the artifact round-trips through JSON and its schema; a bad file is refused with what and how', () => {
  const table = smallTable();
  const m = thresholdOptimizer(table, { label: 'y', score: 's', sensitive: ['grp'], constraint: 'equalized_odds' });
  const back = parseMitigation(JSON.parse(JSON.stringify(m)), 'm.json');
  assert.deepEqual(back, m);
  assert.deepEqual(positiveProbability(table, back as BinaryMitigation), positiveProbability(table, m as BinaryMitigation));
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return [(e as { code?: string }).code, (e as Error).message];
    }
    return [undefined, ''];
  };
  const [c1, m1] = code(() => parseMitigation({ hello: 1 }, 'x.json'));
  assert.equal(c1, 'invalid_mitigation');
  assert.match(m1 as string, /x\.json is not a Candor mitigation.*candor mitigate postprocess/);
  const broken = JSON.parse(JSON.stringify(m));
  broken.groups[0].p0 = 1.5;
  delete broken.score;
  const [c2, m2] = code(() => parseMitigation(broken, 'x.json'));
  assert.equal(c2, 'invalid_mitigation');
  assert.match(m2 as string, /groups\.0\.p0/);
  assert.match(m2 as string, /score/);
  const [c3, m3] = code(() => parseMitigation({ ...m, schemaVersion: 9 }, 'x.json'));
  assert.equal(c3, 'invalid_mitigation');
  assert.match(m3 as string, /schemaVersion 9/);
});

test('clear errors: a group the rule was not fitted on, a missing or non-numeric score, a group without both labels', () => {
  const table = smallTable();
  const m = thresholdOptimizer(table, { label: 'y', score: 's', sensitive: ['grp'] }) as BinaryMitigation;
  const other = Table.from({ y: [1, 0], s: [0.5, 0.2], grp: ['a', 'c'] });
  assert.throws(() => positiveProbability(other, m), (e: Error & { code?: string }) => e.code === 'unknown_group' && /grp = "c" \(1 row\) is not a group the mitigation was fitted on \("a", "b"\).*leave its rows out of the data \(assess: --where\)/.test(e.message));
  // A row of an unknown group without a score, or left out, has no decision to make: no error.
  const noScore = Table.from({ y: [1, 0], s: [0.5, null], grp: ['a', 'c'] });
  assert.ok(Number.isNaN(positiveProbability(noScore, m)[1]));
  const leftOut = positiveProbability(other, m, Uint8Array.of(1, 0));
  assert.ok(!Number.isNaN(leftOut[0]) && Number.isNaN(leftOut[1]));
  assert.throws(() => positiveProbability(Table.from({ y: [1], score: [0.5], grp: ['a'] }), m), (e: Error & { code?: string }) => e.code === 'unknown_column' && /"s"/.test(e.message));
  assert.throws(() => positiveProbability(Table.from({ y: [1], s: ['high'], grp: ['a'] }), m), (e: Error & { code?: string }) => e.code === 'not_numeric' && /score column "s" is not numeric.*"high"/.test(e.message));
  assert.throws(() => thresholdOptimizer(table, { label: 'y', score: 'text', sensitive: ['grp'] }), (e: Error & { code?: string }) => e.code === 'not_numeric');
  const oneLabel = Table.from({ y: [1, 1, 0, 1], s: [0.9, 0.8, 0.3, 0.6], grp: ['a', 'a', 'b', 'b'] });
  assert.throws(() => thresholdOptimizer(oneLabel, { label: 'y', score: 's', sensitive: ['grp'] }), (e: Error & { code?: string }) => e.code === 'degenerate_group' && /grp = a has no negative labels/.test(e.message));
  assert.throws(() => fitThresholdRules({ label: new Uint8Array(2), score: new Float64Array(2), codes: new Int32Array(2), nGroups: 1 }, { grid: 0 }), /invalid grid/);
  assert.throws(() => fitThresholdRules({ label: new Uint8Array(2), score: new Float64Array(2), codes: new Int32Array(2), nGroups: 1 }, { constraint: 'parity' as ThresholdConstraint }), /invalid constraint/);
});
