import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { percentile, percentiles, quantileSorted, isUserError } from '../../src/index.js';

test('percentile is numpy type 7 (linear) and skips NaN', () => {
  // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4]
  assert.deepEqual(percentiles([4, 1, NaN, 3, 2], [0, 25, 50, 100]), [1, 1.75, 2.5, 4]);
  assert.ok(Math.abs((percentile([1, 2, 3, 4], 90) as number) - 3.7) < 1e-15);
  assert.equal(percentile([7], 33), 7);
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([NaN], 50), null);
  assert.equal(quantileSorted([], 0.5), NaN);
});

test('percentile lies between min and max and is monotone in q', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (xs, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const pa = percentile(xs, lo) as number;
      const pb = percentile(xs, hi) as number;
      assert.ok(pa >= Math.min(...xs) && pb <= Math.max(...xs));
      assert.ok(pa <= pb);
    }),
  );
});

test('percentile rejects q outside 0..100', () => {
  assert.throws(() => percentile([1], 101), (e: unknown) => isUserError(e) && /invalid percentile: 101/.test(e.message));
});
