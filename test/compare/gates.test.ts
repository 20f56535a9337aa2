import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table } from '../../src/index.js';
import { compareModels, evaluateGates, parseBound, parseGates, satisfies } from '../../src/compare/index.js';
import { isUserError } from '../../src/errors/index.js';

// old: 6/8 right; new: 5/8 right, with one new error in group b.
const table = Table.from({
  y: [1, 0, 1, 1, 0, 0, 1, 0],
  old: [1, 0, 0, 1, 1, 0, 1, 0],
  new: [1, 0, 0, 1, 1, 1, 1, 0],
  g: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'],
});
const comparison = compareModels(table, {
  label: 'y',
  models: [{ name: 'old', pred: 'old' }, { name: 'new', pred: 'new' }],
  sensitive: [['g']],
  cohorts: [{ name: 'A', expression: "g = 'a'" }, { name: 'B', expression: "g = 'b'" }],
  bootstrap: 0,
});

test('parseBound reads an operator and a number; satisfies compares', () => {
  assert.deepEqual(parseBound('>= 0.8'), { op: '>=', value: 0.8 });
  assert.deepEqual(parseBound('<-0.01'), { op: '<', value: -0.01 });
  assert.deepEqual(parseBound(' == 1e-3 '), { op: '==', value: 0.001 });
  assert.throws(() => parseBound('at least 0.8'), /invalid bound: "at least 0.8"/);
  assert.equal(satisfies(0.8, parseBound('>= 0.8')), true);
  assert.equal(satisfies(0.8, parseBound('> 0.8')), false);
  assert.equal(satisfies(0.3, parseBound('== 0.3')), true);
});

test('parseGates accepts every documented kind of check, and a bare list', () => {
  const gates = [
    { metric: 'accuracy', op: '>=', value: 0.8 },
    { metric: 'recall', op: '>=', value: 0.6, cohort: 'A' },
    { metric: 'accuracy', op: '>=', value: 0.5, group: { g: 'b' } },
    { metric: 'false_positive_rate', by: 'g', ratio: '>= 0.8' },
    { metric: 'selection_rate', by: ['g'], difference: '<= 0.1', name: 'parity' },
    { metric: 'accuracy', change: '>= -0.01', scope: 'every cohort' },
    { btc: '>= 0.95' },
    { bec: '>= 0.5', model: 'new' },
  ];
  assert.equal(parseGates({ gates }).length, 8);
  assert.equal(parseGates(gates).length, 8);
});

test('parseGates reports every problem at once, by path', () => {
  try {
    parseGates({ gates: [{ metric: 'accuracy', op: '=>', value: 0.8 }, { btc: 'high' }, { metric: 'accuracy', by: 'g', ratio: '>= 0.8', difference: '<= 1' }, 'accuracy >= 0.8', { metric: 'accuracy', change: '>= 0', scope: 'somewhere' }], extra: 1 }, 'g.yaml');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(isUserError(e));
    const problems = e.details.problems as string[];
    assert.equal(problems.length, 6, problems.join('\n'));
    assert.match(e.message, /^g\.yaml: 6 problems/);
    assert.match(e.message, /gates\[0\]\.op/);
    assert.match(e.message, /gates\[1\]\.btc: expected an operator and a number/);
    assert.match(e.message, /gates\[2\]: give exactly one of ratio or difference/);
    assert.match(e.message, /gates\[3\]: expected a check/);
    assert.match(e.message, /gates\[4\]\.scope/);
    assert.match(e.message, /unknown key "extra"/);
  }
  assert.throws(() => parseGates({ gates: [] }), /the list is empty/);
  assert.throws(() => parseGates(null), /expected an object with a list of checks/);
});

test('evaluateGates: value, cohort, group, disparity, change and compatibility checks', () => {
  const r = evaluateGates(
    comparison,
    parseGates([
      { metric: 'accuracy', op: '>=', value: 0.6 },
      { metric: 'accuracy', op: '>=', value: 0.7, cohort: 'B' },
      { metric: 'accuracy', op: '>=', value: 0.7, group: { g: 'a' } },
      { metric: 'accuracy', by: 'g', difference: '<= 0.25' },
      { metric: 'accuracy', change: '>= -0.01', scope: 'every cohort' },
      { btc: '>= 0.8' },
      { metric: 'accuracy', op: '>=', value: 0.75, model: 'old' },
    ]),
  );
  const by = (d: string) => r.checks.find((c) => c.description === d)!;
  assert.equal(r.checks.length, 8);
  assert.deepEqual(by('new: accuracy >= 0.6'), { description: 'new: accuracy >= 0.6', model: 'new', value: 0.625, bound: '>= 0.6', cohort: null, group: null, passed: true });
  assert.equal(by('new: accuracy in cohort "B" >= 0.7').value, 0.5);
  assert.equal(by('new: accuracy in cohort "B" >= 0.7').passed, false);
  assert.equal(by('new: accuracy in cohort "B" >= 0.7').cohort, 'B');
  assert.equal(by('new: accuracy for g = a >= 0.7').value, 0.75);
  assert.equal(by('new: accuracy difference between g groups <= 0.25').value, 0.25);
  assert.equal(by('new: change of accuracy vs old in cohort "A" >= -0.01').passed, true);
  assert.equal(by('new: change of accuracy vs old in cohort "B" >= -0.01').value, -0.25);
  assert.equal(by('new: BTC vs old >= 0.8').value, 5 / 6);
  assert.equal(by('old: accuracy >= 0.75').passed, true);
  assert.equal(r.passed, false);
  assert.deepEqual(
    r.checks.filter((c) => !c.passed).map((c) => c.description),
    ['new: accuracy in cohort "B" >= 0.7', 'new: change of accuracy vs old in cohort "B" >= -0.01'],
  );
});

test('a check on an undefined value fails with a reason', () => {
  const one = compareModels(Table.from({ y: [0, 0], p: [0, 0], q: [0, 0] }), { label: 'y', positive: '1', models: [{ name: 'p', pred: 'p' }, { name: 'q', pred: 'q' }], bootstrap: 0 });
  const u = evaluateGates(one, parseGates([{ metric: 'recall', op: '>=', value: 0.5 }]));
  assert.equal(u.passed, false);
  assert.equal(u.checks[0].value, null);
  assert.match(u.checks[0].reason!, /undefined/);
});

test('unknown models, metrics, cohorts, groups and groupings are reported together', () => {
  try {
    evaluateGates(
      comparison,
      parseGates([
        { metric: 'acuracy', op: '>=', value: 0.5 },
        { metric: 'accuracy', op: '>=', value: 0.5, cohort: 'C' },
        { metric: 'accuracy', op: '>=', value: 0.5, group: { g: 'z' } },
        { metric: 'accuracy', by: 'race', ratio: '>= 0.8' },
        { btc: '>= 0.9', model: 'newer' },
      ]),
    );
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(isUserError(e));
    const problems = e.details.problems as string[];
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems.join('\n'), /unknown metric "acuracy"/);
    assert.match(problems.join('\n'), /unknown cohort "C" \(cohorts are A, B\)/);
    assert.match(problems.join('\n'), /no group g = z/);
    assert.match(problems.join('\n'), /no sensitive grouping race/);
    assert.match(problems.join('\n'), /unknown model "newer"/);
  }
});

test('a change check with a single model is a user error', () => {
  const single = compareModels(table, { label: 'y', models: [{ name: 'old', pred: 'old' }], bootstrap: 0 });
  assert.throws(() => evaluateGates(single, parseGates([{ btc: '>= 0.9' }])), /needs a baseline and a candidate/);
  assert.equal(evaluateGates(single, parseGates([{ metric: 'accuracy', op: '>=', value: 0.7 }])).passed, true);
});
