import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, jsModel, Table, type JsModelRow } from '../../../src/index.js';
import { perCohortModel } from '../../../src/mitigate/index.js';
import { runModelConformance } from '../../model/model.case.js';

const table = Table.from({
  age: [25, 70, 40, null, 19, 66, 33, 81, 45, 29],
  region: ['South', 'North', 'South', 'South', 'East', 'South', null, 'West', 'North', 'South'],
  income: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
});

const young = jsModel({ name: 'young', task: 'binary', classes: ['no', 'yes'], inputs: ['income'], predict: (rows) => rows.map((r) => 0.1 + (r.income as number) / 1000) });
const senior = jsModel({ name: 'senior', task: 'binary', classes: ['no', 'yes'], inputs: ['income', 'age'], predict: (rows) => rows.map((r) => 0.9 - (r.age as number) / 1000) });
// Same classes in the other order: its scores must be rearranged.
const rest = jsModel({
  name: 'rest',
  task: 'binary',
  classes: ['yes', 'no'],
  inputs: ['income'],
  predict: (rows: JsModelRow[]) => rows.map((r) => [0.3, 0.7].map((p) => (r.income as number) > 50 ? 1 - p : p)),
});

/** What the combined model must give, written out row by row from the routing rule. */
function expectedScores(): number[] {
  const out: number[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const { age, region, income } = table.row(i) as { age: number | null; region: string | null; income: number };
    if (age !== null && age < 30 && region === 'South') out.push(0.1 + income / 1000);
    else if (age !== null && age >= 65) out.push(0.9 - age / 1000);
    else out.push(income > 50 ? 0.7 : 0.3);
  }
  return out;
}

const combined = () => perCohortModel(
  [
    { cohort: "age < 30 and region = 'South'", model: young },
    { cohort: 'age >= 65', model: senior },
  ],
  rest,
);

test('each row is predicted by the model of the first cohort containing it, else by the fallback', async () => {
  const model = combined();
  assert.equal(model.task, 'binary');
  assert.deepEqual(model.classes, ['yes', 'no'], 'the fallback\'s class order');
  assert.deepEqual(
    model.inputs.map((i) => `${i.name}:${i.type}`),
    ['income:numeric', 'age:numeric', 'region:categorical'],
  );
  const p = await model.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  const yes = expectedScores();
  for (let i = 0; i < table.rowCount; i++) {
    assert.ok(Math.abs(p.scores[0][i] - yes[i]) < 1e-15, `row ${i}: P(yes) ${p.scores[0][i]} vs ${yes[i]}`);
    assert.ok(Math.abs(p.scores[1][i] - (1 - yes[i])) < 1e-12);
    assert.equal(p.labels[i], yes[i] >= 0.5 ? 0 : 1);
  }
  // Overlap: the first cohort wins.
  const first = perCohortModel(
    [
      { cohort: 'age >= 65', model: senior },
      { cohort: 'age >= 60', model: young },
    ],
    rest,
  );
  const q = await first.predict(table);
  assert.ok(q.task === 'binary' && q.scores);
  assert.ok(Math.abs(q.scores[0][1] - (0.9 - 70 / 1000)) < 1e-15);
});

runModelConformance(
  'per-cohort model',
  async () => combined(),
  table,
  (() => {
    const yes = expectedScores();
    return { task: 'binary', classes: ['yes', 'no'], labels: Int32Array.from(yes, (s) => (s >= 0.5 ? 0 : 1)), scores: [Float64Array.from(yes), Float64Array.from(yes, (s) => 1 - s)] };
  })(),
  1e-12,
);

test('regression parts combine too; parts that disagree on task or classes are refused', async () => {
  const a = jsModel({ task: 'regression', inputs: ['income'], predict: (rows) => rows.map((r) => (r.income as number) * 2) });
  const b2 = jsModel({ task: 'regression', inputs: ['income'], predict: (rows) => rows.map(() => -1) });
  const m = perCohortModel([{ cohort: "region = 'South'", model: a }], b2);
  const p = await m.predict(table);
  assert.ok(p.task === 'regression');
  assert.deepEqual([...p.values], [20, -1, 60, 80, -1, 120, -1, -1, -1, 200]);
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, pattern);
      return true;
    });
  rejects(() => perCohortModel([{ cohort: 'age > 1', model: a }], rest), /is regression, but the fallback "rest" is binary/);
  const other = jsModel({ name: 'other', task: 'binary', classes: ['no', 'maybe'], inputs: ['income'], predict: (rows) => rows.map(() => 0.5) });
  rejects(() => perCohortModel([{ cohort: 'age > 1', model: other }], rest), /predicts classes no, maybe, but the fallback "rest" predicts yes, no/);
  rejects(() => perCohortModel([{ cohort: 'age >', model: young }], rest), /./);
  await assert.rejects(perCohortModel([{ cohort: 'agee > 1', model: young }], rest).predict(table), /unknown column: "agee"/);
});
