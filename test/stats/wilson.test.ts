import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wilsonInterval, isUserError } from '../../src/index.js';

const near = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('wilsonInterval matches known values (statsmodels proportion_confint method="wilson")', () => {
  const a = wilsonInterval(5, 10)!;
  near(a.lower, 0.2365930905452);
  near(a.upper, 0.7634069094548);
  assert.equal(a.estimate, 0.5);
  const b = wilsonInterval(0, 10)!;
  assert.equal(b.lower, 0);
  near(b.upper, 0.2775327998628);
  const c = wilsonInterval(10, 10)!;
  near(c.lower, 0.7224672001372);
  assert.equal(c.upper, 1);
  const d = wilsonInterval(81, 263, { confidence: 0.99 })!;
  // z = 2.5758293035489: centre (p + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p(1−p)/n + z²/4n²).
  const z = 2.5758293035489004;
  const p = 81 / 263;
  const n = 263;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  near(d.lower, centre - half, 1e-12);
  near(d.upper, centre + half, 1e-12);
});

test('wilsonInterval contains the estimate and stays in [0, 1]', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (n, f, confidence) => {
      const x = Math.round(f * n);
      const ci = wilsonInterval(x, n, { confidence })!;
      assert.ok(ci.lower >= 0 && ci.upper <= 1);
      assert.ok(ci.lower <= ci.estimate + 1e-15 && ci.estimate <= ci.upper + 1e-15);
    }),
  );
});

test('wilsonInterval is null for no trials and rejects impossible proportions', () => {
  assert.equal(wilsonInterval(0, 0), null);
  assert.throws(() => wilsonInterval(3, 2), (e: unknown) => isUserError(e) && /invalid proportion: 3 of 2/.test(e.message));
  assert.throws(() => wilsonInterval(1, 2, { confidence: 95 }), (e: unknown) => isUserError(e) && /invalid confidence: 95/.test(e.message));
});
