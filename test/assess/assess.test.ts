import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, isUserError, Random, Table } from '../../src/index.js';

function sample(n: number, seed: number) {
  const r = new Random(seed);
  const sex: string[] = [];
  const race: string[] = [];
  const y: number[] = [];
  const p: number[] = [];
  const s: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    sex.push(r.next() < 0.5 ? 'F' : 'M');
    race.push(['a', 'b', 'c'][r.int(3)]);
    const score = r.next();
    s.push(score);
    y.push(r.next() < score ? 1 : 0);
    p.push(score >= 0.5 ? 1 : 0);
    w.push(1 + r.int(3));
  }
  return { sex, race, y, p, s, w };
}

test('integer sample weights give the same metrics as repeating rows', () => {
  const d = sample(300, 1);
  const weighted = assess(Table.from({ sex: d.sex, y: d.y, p: d.p, s: d.s, w: d.w }), { label: 'y', pred: 'p', score: 's', weight: 'w', sensitive: [['sex']], bootstrap: 0 });
  const rep: Record<string, (string | number)[]> = { sex: [], y: [], p: [], s: [] };
  d.w.forEach((k, i) => {
    for (let j = 0; j < k; j++) {
      rep.sex.push(d.sex[i]);
      rep.y.push(d.y[i]);
      rep.p.push(d.p[i]);
      rep.s.push(d.s[i]);
    }
  });
  const repeated = assess(Table.from(rep), { label: 'y', pred: 'p', score: 's', sensitive: [['sex']], bootstrap: 0 });
  for (const m of ['accuracy', 'false_positive_rate', 'precision', 'f1', 'balanced_accuracy', 'roc_auc', 'average_precision', 'log_loss', 'brier_score']) {
    assert.ok(Math.abs(weighted.overall[m]! - repeated.overall[m]!) < 1e-12, m);
    weighted.groups.forEach((g, k) => assert.ok(Math.abs(g.metrics[m]! - repeated.groups[k].metrics[m]!) < 1e-12, `${m} ${g.key.sex}`));
  }
  // Counts stay counts of rows, not of weight.
  assert.equal(weighted.groups.reduce((a, g) => a + g.count, 0), 300);
});

test('the same seed gives bit-identical intervals; another seed gives others', () => {
  const d = sample(500, 2);
  const t = Table.from({ sex: d.sex, y: d.y, p: d.p, s: d.s });
  const opts = { label: 'y', pred: 'p', score: 's', sensitive: [['sex']], bootstrap: 200, seed: 7 };
  const a = assess(t, opts);
  const b = assess(t, opts);
  assert.deepEqual(a, b);
  const c = assess(t, { ...opts, seed: 8 });
  assert.notDeepEqual(a.groups[0].ci, c.groups[0].ci);
  // Each interval brackets its estimate.
  for (const g of a.groups) for (const [m, [lo, hi]] of Object.entries(g.ci)) assert.ok(lo <= g.metrics[m]! + 1e-12 && g.metrics[m]! <= hi + 1e-12, `${m} ${lo} ${g.metrics[m]} ${hi}`);
});

test('a cohort holding one class keeps an explicit positive label and reports undefined rates with reasons', () => {
  const t = Table.from({ y: ['no', 'no', 'no'], p: ['no', 'yes', 'no'] });
  const ins = assess(t, { label: 'y', pred: 'p', positive: 'yes', bootstrap: 0 });
  assert.equal(ins.overall.recall, null);
  assert.match(ins.overallReasons!.recall, /no positives/);
  assert.equal(ins.overall.false_positive_rate, 1 / 3);
});

test('a positive value that is not among two label values is refused', () => {
  const t = Table.from({ y: ['no', 'yes'], p: ['no', 'yes'] });
  assert.throws(() => assess(t, { label: 'y', pred: 'p', positive: 'maybe' }), (e: unknown) => isUserError(e) && /not a value of the label/.test(e.message));
});

test('rows with a missing label or prediction are left out and counted, never silently', () => {
  const t = Table.from({ y: [1, 0, null, 1, 0], p: [1, 1, 0, null, 0], g: ['a', 'a', 'b', 'b', 'b'] });
  const ins = assess(t, { label: 'y', pred: 'p', sensitive: [['g']], bootstrap: 0 });
  assert.equal(ins.rows, 5);
  assert.equal(ins.overall.count, 3);
  const dropped = ins.warnings!.filter((w) => w.code === 'dropped_rows');
  assert.deepEqual(dropped.map((w) => w.count), [1, 1]);
});

test('missing sensitive values form their own group instead of vanishing', () => {
  const t = Table.from({ y: [1, 0, 1, 0], p: [1, 0, 0, 0], g: ['a', null, 'a', null] });
  const ins = assess(t, { label: 'y', pred: 'p', sensitive: [['g']], bootstrap: 0 });
  assert.deepEqual(ins.groups.map((g) => [g.key.g, g.count]), [['a', 2], ['(missing)', 2]]);
});

test('intersections list both columns in by and key, sorted by value', () => {
  const d = sample(200, 3);
  const ins = assess(Table.from({ sex: d.sex, race: d.race, y: d.y, p: d.p }), { label: 'y', pred: 'p', sensitive: [['sex', 'race']], bootstrap: 0 });
  assert.deepEqual(ins.groups.map((g) => `${g.key.sex}|${g.key.race}`), ['F|a', 'F|b', 'F|c', 'M|a', 'M|b', 'M|c']);
  assert.ok(ins.groups.every((g) => g.by.join() === 'sex,race'));
  assert.equal(ins.reference[0].by.join(), 'sex,race');
});

test('regression and multiclass tasks are assessed per group', () => {
  const reg = assess(Table.from({ y: [1, 2, 3, 4], p: [1.5, 2, 2.5, 5], g: ['a', 'a', 'b', 'b'] }), { label: 'y', pred: 'p', sensitive: [['g']], bootstrap: 0 });
  assert.equal(reg.task, 'regression');
  assert.equal(reg.overall.mae, (0.5 + 0 + 0.5 + 1) / 4);
  assert.equal(reg.groups[1].metrics.max_error, 1);
  const mc = assess(Table.from({ y: ['x', 'y', 'z', 'x', 'y', 'z'], p: ['x', 'y', 'y', 'x', 'z', 'z'] }), { label: 'y', pred: 'p', bootstrap: 0 });
  assert.equal(mc.task, 'multiclass');
  assert.equal(mc.overall.accuracy, 4 / 6);
  assert.equal(mc.overall['recall__x'], 1);
  assert.equal(mc.overall['recall__y'], 0.5);
});

test('above bootstrapRowLimit the row bootstrap runs on a seeded sample and its intervals match the full bootstrap', () => {
  const d = sample(20_000, 4);
  const t = Table.from({ sex: d.sex, y: d.y, p: d.p, s: d.s });
  const opts = { label: 'y', pred: 'p', score: 's', sensitive: [['sex']], bootstrap: 300, seed: 3, curves: false };
  const full = assess(t, { ...opts, bootstrapRowLimit: 100_000 });
  const sampled = assess(t, { ...opts, bootstrapRowLimit: 4_000 });
  assert.ok(!full.warnings!.some((w) => w.code === 'bootstrap_sample'));
  const w = sampled.warnings!.find((x) => x.code === 'bootstrap_sample');
  assert.ok(w && /4,000 of 20,000 rows/.test(w.message), 'the sample is stated');
  // Count metrics never sample; row metrics agree with the full bootstrap to a fraction of their width.
  assert.deepEqual(sampled.overallCi!.accuracy, full.overallCi!.accuracy);
  for (const m of ['roc_auc', 'log_loss', 'brier_score']) {
    const [a, b] = full.overallCi![m];
    const [c, e] = sampled.overallCi![m];
    const width = b - a;
    assert.ok(Math.abs(a - c) < 0.35 * width && Math.abs(b - e) < 0.35 * width, `${m}: full [${a}, ${b}] vs sampled [${c}, ${e}]`);
    assert.ok(c <= sampled.overall[m]! && sampled.overall[m]! <= e, `${m} estimate inside its interval`);
  }
  // The estimates themselves use every row.
  assert.deepEqual(sampled.overall, full.overall);
});
