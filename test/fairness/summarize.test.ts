import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { summarizeGroups } from '../../src/index.js';

test('summarizeGroups computes MetricFrame aggregates and the groups of the min and max', () => {
  const s = summarizeGroups([0.2, 0.5, 0.4], 0.25);
  assert.equal(s.groupMin, 0.2);
  assert.equal(s.groupMinIndex, 0);
  assert.equal(s.groupMax, 0.5);
  assert.equal(s.groupMaxIndex, 1);
  assert.equal(s.difference, 0.3);
  assert.equal(s.ratio, 0.4);
  assert.equal(s.differenceToOverall, 0.25);
  // min over groups of g/o, or o/g when g/o > 1: 0.2/0.25 = 0.8, 0.25/0.5 = 0.5, 0.25/0.4 = 0.625.
  assert.equal(s.ratioToOverall, 0.5);
  assert.deepEqual(s.leftOut, []);
  assert.deepEqual(s.reasons, {});
});

test('summarizeGroups leaves out undefined groups (null, NaN, MetricValue null) and lists them', () => {
  const s = summarizeGroups([0.2, null, { value: null, reason: 'no positives' }, NaN, { value: 0.6 }], { value: 0.3 });
  assert.deepEqual(s.leftOut, [1, 2, 3]);
  assert.equal(s.groupMaxIndex, 4);
  assert.ok(Math.abs((s.difference as number) - 0.4) < 1e-15);
  const p = summarizeGroups([0.2, null, 0.6], 0.3, { nulls: 'propagate' });
  assert.equal(p.difference, null);
  assert.equal(p.reasons.difference, 'undefined for group(s) 1');
  assert.equal(p.groupMin, 0.2);
});

test('ratio with a zero maximum is null (Fairlearn NaN); zero minimum gives 0', () => {
  const allZero = summarizeGroups([0, 0], 0);
  assert.equal(allZero.ratio, null);
  assert.equal(allZero.reasons.ratio, 'every group is 0 (0/0)');
  assert.equal(allZero.difference, 0);
  assert.equal(allZero.ratioToOverall, null);
  assert.equal(allZero.reasons.ratioToOverall, 'overall and every group are 0 (0/0)');
  const someZero = summarizeGroups([0, 0.5], 0.25);
  assert.equal(someZero.ratio, 0);
  assert.equal(someZero.ratioToOverall, 0);
  // Overall 0 with a positive group: g/0 = ∞ → 1/∞ = 0 (Fairlearn); the 0/0 group is skipped.
  const zeroOverall = summarizeGroups([0, 0.5], 0);
  assert.equal(zeroOverall.ratioToOverall, 0);
});

test('summarizeGroups with no defined groups, no groups, or an undefined overall', () => {
  const none = summarizeGroups([null, null], 0.5);
  assert.equal(none.groupMin, null);
  assert.equal(none.groupMinIndex, -1);
  assert.equal(none.reasons.difference, 'no group has a defined value');
  assert.equal(summarizeGroups([], 1).reasons.groupMax, 'no groups');
  const noOverall = summarizeGroups([0.1, 0.2], null);
  assert.ok(Math.abs((noOverall.difference as number) - 0.1) < 1e-15);
  assert.equal(noOverall.differenceToOverall, null);
  assert.equal(noOverall.reasons.ratioToOverall, 'overall value undefined');
  const one = summarizeGroups([0.7], 0.7);
  assert.deepEqual([one.difference, one.ratio, one.differenceToOverall, one.ratioToOverall], [0, 1, 0, 1]);
});

test('summarizeGroups invariants: 0 <= ratio <= 1 for non-negative values and difference = max − min', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, overall) => {
      const s = summarizeGroups(values, overall);
      const defined = values.filter((v): v is number => v !== null);
      if (defined.length === 0) return assert.equal(s.difference, null);
      assert.equal(s.difference, Math.max(...defined) - Math.min(...defined));
      if (s.ratio !== null) assert.ok(s.ratio >= 0 && s.ratio <= 1);
      if (s.ratioToOverall !== null) assert.ok(s.ratioToOverall >= 0 && s.ratioToOverall <= 1);
      assert.equal(s.differenceToOverall, Math.max(...defined.map((v) => Math.abs(v - overall))));
    }),
  );
});
