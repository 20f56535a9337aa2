import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalQuantile, zForConfidence, isUserError } from '../../src/index.js';

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
}

test('normalQuantile matches known values to ~1e-15 (scipy.stats.norm.ppf)', () => {
  const known: [number, number][] = [
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.9, 1.2815515655446004],
    [0.05, -1.6448536269514729],
    [0.25, -0.6744897501960817],
    [1e-10, -6.361340902404056],
  ];
  for (const [p, z] of known) assert.ok(rel(normalQuantile(p), z) < 2e-15, `${p}: ${normalQuantile(p)} vs ${z}`);
  assert.equal(normalQuantile(0.5), 0);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
});

test('normalQuantile is antisymmetric and increasing', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.5, max: 1, maxExcluded: true, noNaN: true }), fc.double({ min: 1e-300, max: 1, maxExcluded: true, noNaN: true }), (x, q) => {
      // 1 − x is exact for x in [0.5, 1] (Sterbenz), so Φ⁻¹(x) = −Φ⁻¹(1 − x) up to rounding.
      const z = normalQuantile(x);
      assert.ok(Math.abs(z + normalQuantile(1 - x)) <= 1e-14 * Math.max(1, Math.abs(z)), `${x}`);
      if (x < q) assert.ok(z <= normalQuantile(q));
    }),
  );
});

test('zForConfidence gives the two-sided critical value and rejects 0 and 1', () => {
  assert.ok(rel(zForConfidence(0.95), 1.959963984540054) < 1e-15);
  assert.ok(rel(zForConfidence(0.99), 2.5758293035489004) < 1e-15);
  assert.throws(() => zForConfidence(1), (e: unknown) => isUserError(e) && /invalid confidence: 1/.test(e.message));
  assert.throws(() => normalQuantile(1.5), (e: unknown) => isUserError(e) && /invalid probability/.test(e.message));
});
