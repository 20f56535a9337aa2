import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryMetrics, confusionByGroup, disparityByReference, largestGroup, referenceDisparity, isUserError } from '../../src/index.js';

test('referenceDisparity divides by the reference group and applies the 0.8–1.25 band', () => {
  const d = referenceDisparity([0.5, 0.39, 0.6, 0.7, null], { reference: 0 });
  assert.equal(d.referenceValue, 0.5);
  assert.deepEqual(
    d.groups.map((g) => g.pass),
    [true, false, true, false, null],
  );
  assert.equal(d.groups[1].ratio, 0.78);
  assert.equal(d.groups[4].reason, 'group value undefined');
  const custom = referenceDisparity([0.5, 0.39], { reference: 0, lower: 0.7, upper: 1.5 });
  assert.equal(custom.groups[1].pass, true);
});

test('the default reference is the largest group; a zero reference value gives null ratios', () => {
  assert.equal(largestGroup([10, 30, 30]), 1);
  assert.equal(largestGroup([]), -1);
  const d = referenceDisparity([0.2, 0, 0.4], { sizes: [5, 50, 5] });
  assert.equal(d.reference, 1);
  assert.deepEqual(d.groups[1], { ratio: 1, pass: true });
  assert.deepEqual(d.groups[0], { ratio: null, pass: null, reason: 'reference group value is 0' });
  assert.throws(() => referenceDisparity([0.1, 0.2]), (e: unknown) => isUserError(e) && /invalid reference group: -1/.test(e.message));
  assert.throws(() => referenceDisparity([0.1, 0.2], { reference: 2 }), (e: unknown) => isUserError(e) && /invalid reference group: 2/.test(e.message));
  const empty = referenceDisparity([null, null], { sizes: [0, 0] });
  assert.equal(empty.reference, -1);
  assert.deepEqual(empty.groups[0], { ratio: null, pass: null, reason: 'no group has rows' });
  assert.throws(() => referenceDisparity([0.1], { reference: 0, lower: 2, upper: 1 }), (e: unknown) => isUserError(e) && /invalid disparity band/.test(e.message));
});

test('disparityByReference compares every rate metric against the group with the most rows', () => {
  const groups = new Int32Array([0, 0, 0, 0, 1, 1]);
  const label = new Uint8Array([1, 0, 1, 0, 1, 0]);
  const pred = new Uint8Array([1, 0, 0, 1, 1, 1]);
  const counts = confusionByGroup(groups, 2, label, pred);
  const out = disparityByReference(counts, binaryMetrics(counts));
  assert.equal(out.selection_rate?.reference, 0);
  assert.equal(out.selection_rate?.groups[1].ratio, 2);
  assert.equal(out.selection_rate?.groups[1].pass, false);
  assert.equal(out.false_positive_rate?.groups[1].ratio, 2);
  assert.deepEqual(Object.keys(disparityByReference(counts, binaryMetrics(counts), { metrics: ['accuracy'] })), ['accuracy']);
});
