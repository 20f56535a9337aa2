// The new-errors cohort described by the error tree: a planted regression is found, every listed
// cohort's numbers equal a direct count over the rows its expression selects (and its regression
// rate is the 1 − BTC compareModels reports for it as a named cohort), and the tree never splits on
// the label, a prediction or a score.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateMask, parseExpression, Random, Table, wilsonInterval } from '../../src/index.js';
import { compareModels, RegressionAnalysisSchema, type CompareOptions } from '../../src/compare/index.js';

/** Rows where v2 breaks 70% of what v1 got right among northerners over 60, and 3% elsewhere. */
function planted(n = 6000, seed = 4): Table {
  const random = new Random(seed);
  const regions = ['North', 'South', 'East', 'West'];
  const cols = { age: [] as number[], region: [] as string[], noise: [] as number[], y: [] as number[], v1: [] as number[], v2: [] as number[], s2: [] as number[] };
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(random.next() * 63);
    const region = regions[random.int(4)];
    const y = random.next() < 0.4 ? 1 : 0;
    const v1 = random.next() < 0.85 ? y : 1 - y;
    const breaks = region === 'North' && age > 60 ? 0.7 : 0.03;
    const v2 = v1 === y ? (random.next() < breaks ? 1 - y : y) : random.next() < 0.5 ? y : v1;
    cols.age.push(age);
    cols.region.push(region);
    cols.noise.push(random.next());
    cols.y.push(y);
    cols.v1.push(v1);
    cols.v2.push(v2);
    // A score that gives v2's decisions away: never a feature.
    cols.s2.push(v2 === 1 ? 0.6 + 0.4 * random.next() : 0.4 * random.next());
  }
  return Table.from(cols);
}

const OPTIONS: CompareOptions = { label: 'y', models: [{ name: 'v1', pred: 'v1' }, { name: 'v2', pred: 'v2', score: 's2' }], bootstrap: 0, regressions: true };

test('the top regression cohort is the planted one, and the tree reads neither the label, the predictions nor the score', () => {
  const table = planted();
  const c = compareModels(table, OPTIONS);
  assert.equal(c.regressions?.length, 1);
  const r = c.regressions![0];
  assert.ok(RegressionAnalysisSchema.safeParse(r).success);
  assert.equal(r.baseline, 'v1');
  assert.equal(r.model, 'v2');
  assert.deepEqual([...r.features].sort(), ['age', 'noise', 'region']);
  const top = r.cohorts[0];
  assert.ok(top, 'a cohort is listed');
  const mask = evaluateMask(parseExpression(top.expression), table);
  const age = table.column('age');
  const region = table.column('region');
  if (age.type !== 'numeric' || region.type !== 'categorical') throw new Error('unexpected types');
  let inside = 0;
  for (const i of mask.toIndices()) if (age.values[i] > 60 && region.dictionary[region.codes[i]] === 'North') inside++;
  assert.ok(inside / mask.count() > 0.9, `${top.expression}: ${inside} of ${mask.count()} rows are northerners over 60`);
  assert.ok(top.regressionRate > 0.5 && top.lift! > 5, `rate ${top.regressionRate}, lift ${top.lift}`);
});

test('each cohort\'s rows, new errors, rate, interval, lift and share equal a direct count; its rate is 1 − BTC of that cohort', () => {
  const table = planted(5000, 9);
  const c = compareModels(table, OPTIONS);
  const r = c.regressions![0];
  const [y, v1, v2] = ['y', 'v1', 'v2'].map((name) => {
    const col = table.column(name);
    if (col.type !== 'numeric') throw new Error('numeric expected');
    return col.values;
  });
  let right = 0;
  let broken = 0;
  for (let i = 0; i < y.length; i++) {
    if (v1[i] !== y[i]) continue;
    right++;
    if (v2[i] !== y[i]) broken++;
  }
  assert.equal(r.rows, right);
  assert.equal(r.newErrors, broken);
  assert.equal(r.regressionRate, broken / right);
  const overall = c.compatibility.find((x) => x.cohort === null && x.group === null)!;
  assert.ok(Math.abs(r.regressionRate! - (1 - overall.btc!)) < 1e-12);
  assert.ok(r.cohorts.length >= 2);
  const cohorts = r.cohorts.map((x, k) => ({ name: `c${k}`, expression: x.expression }));
  const again = compareModels(table, { ...OPTIONS, regressions: false, cohorts });
  assert.equal(again.regressions, undefined);
  let previousLower = Infinity;
  r.cohorts.forEach((x, k) => {
    let rows = 0;
    let errors = 0;
    for (const i of evaluateMask(parseExpression(x.expression), table).toIndices()) {
      if (v1[i] !== y[i]) continue;
      rows++;
      if (v2[i] !== y[i]) errors++;
    }
    assert.equal(x.rows, rows, x.expression);
    assert.equal(x.newErrors, errors, x.expression);
    assert.equal(x.regressionRate, errors / rows);
    assert.ok(rows >= r.minRows);
    assert.ok(x.regressionRate > r.regressionRate!, 'only cohorts above the overall rate');
    const w = wilsonInterval(errors, rows, { confidence: 0.95 })!;
    assert.deepEqual(x.ci, [w.lower, w.upper]);
    assert.ok(w.lower <= previousLower, 'ranked by the lower bound');
    previousLower = w.lower;
    assert.ok(Math.abs(x.lift! - x.regressionRate / r.regressionRate!) < 1e-12);
    assert.ok(Math.abs(x.coverage! - errors / broken) < 1e-12);
    const btc = again.compatibility.find((z) => z.cohort === `c${k}`)!.btc!;
    assert.ok(Math.abs(x.regressionRate - (1 - btc)) < 1e-12, `${x.expression}: 1 − BTC`);
  });
});

test('with where, the tree sees only those rows and every expression includes the filter', () => {
  const table = planted(4000, 2);
  const c = compareModels(table, { ...OPTIONS, where: 'age >= 30' });
  const r = c.regressions![0];
  const [age, y, v1] = ['age', 'y', 'v1'].map((name) => {
    const col = table.column(name);
    if (col.type !== 'numeric') throw new Error('numeric expected');
    return col.values;
  });
  let right = 0;
  for (let i = 0; i < y.length; i++) if (age[i] >= 30 && v1[i] === y[i]) right++;
  assert.equal(r.rows, right);
  assert.ok(r.cohorts.length > 0);
  for (const x of r.cohorts) assert.match(x.expression, /^age >= 30 and /);
  const overall = c.compatibility.find((x) => x.cohort === null && x.group === null)!;
  assert.ok(Math.abs(r.regressionRate! - (1 - overall.btc!)) < 1e-12);
});

test('no feature columns, no new errors and explicit features: a warning, an empty list, or the columns asked for', () => {
  const bare = Table.from({ y: [1, 0, 1, 0, 1, 0], a: [1, 0, 0, 0, 1, 1], b: [0, 0, 1, 0, 1, 1] });
  const none = compareModels(bare, { label: 'y', models: [{ name: 'a', pred: 'a' }, { name: 'b', pred: 'b' }], bootstrap: 0, regressions: true }).regressions![0];
  assert.deepEqual(none.features, []);
  assert.deepEqual(none.cohorts, []);
  assert.ok(none.warnings.some((w) => w.code === 'no_features'));
  const table = planted(2000, 3);
  const same = compareModels(table, { ...OPTIONS, models: [{ name: 'v1', pred: 'v1' }, { name: 'copy', pred: 'v1' }] }).regressions![0];
  assert.equal(same.newErrors, 0);
  assert.deepEqual(same.cohorts, []);
  const asked = compareModels(table, { ...OPTIONS, regressions: { features: ['region'], top: 2, maxDepth: 1 } }).regressions![0];
  assert.deepEqual(asked.features, ['region']);
  assert.ok(asked.cohorts.length <= 2);
  for (const x of asked.cohorts) assert.doesNotMatch(x.expression, /age|noise/);
  assert.throws(() => compareModels(table, { ...OPTIONS, regressions: { features: ['v2'] } }), /feature "v2" is read by the label, prediction or weight/);
  assert.throws(() => compareModels(table, { ...OPTIONS, regressions: { top: 0 } }), /invalid regressions\.top: 0/);
});
