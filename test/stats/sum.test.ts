import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neumaierSum, weightedMean } from '../../src/index.js';

test('neumaierSum keeps the low-order bits a naive sum loses', () => {
  assert.equal(neumaierSum([1e100, 1, -1e100]), 1);
  const xs = new Float64Array(1_000_001).fill(0.1);
  xs[0] = 1e8;
  let naive = 0;
  for (const x of xs) naive += x;
  const exact = 1e8 + 100000;
  assert.ok(Math.abs(neumaierSum(xs) - exact) < 1e-8);
  assert.ok(Math.abs(naive - exact) > 1e-6);
  assert.equal(neumaierSum([]), 0);
  assert.ok(Number.isNaN(neumaierSum([1, NaN])));
});

test('weightedMean skips NaN values and invalid weights; null when empty', () => {
  assert.equal(weightedMean([1, 2, NaN, 4], [1, 1, 5, 2]), (1 + 2 + 8) / 4);
  assert.equal(weightedMean([1, 2], [1, -1]), 1);
  assert.equal(weightedMean([]), null);
  assert.equal(weightedMean([1], [0]), null);
});
