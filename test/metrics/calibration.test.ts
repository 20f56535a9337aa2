import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calibrationByGroup, isUserError } from '../../src/index.js';

test('calibrationByGroup bins like scikit-learn calibration_curve(strategy="uniform")', () => {
  // Edges k·0.1 (numpy linspace): 0.30000000000000004 is an edge, so 0.3 falls in bin 2; 0.1 in bin 1; 1 in the last.
  const score = new Float64Array([0, 0.1, 0.3, 0.30000000000000004, 0.95, 1, -0.2, 1.3]);
  const [c] = calibrationByGroup(new Int32Array(8), 1, new Uint8Array([0, 1, 0, 1, 1, 1, 0, 1]), score);
  const counts = c.bins.map((b) => b.count);
  assert.deepEqual(counts, [2, 1, 1, 1, 0, 0, 0, 0, 0, 3]);
  assert.equal(c.bins[0].meanPredicted, -0.1);
  assert.equal(c.bins[0].observedRate, 0);
  assert.equal(c.bins[4].meanPredicted, null);
  assert.equal(c.bins[9].upper, 1);
  assert.equal(c.bins[3].lower, 0.30000000000000004);
});

test('calibrationByGroup ECE is the weighted mean gap; weights equal repeated rows', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ y: fc.constantFrom(0, 1), s: fc.double({ min: 0, max: 1, noNaN: true }), w: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 60 }), (rows) => {
      const label = Uint8Array.from(rows.map((r) => r.y));
      const score = Float64Array.from(rows.map((r) => r.s));
      const [weighted] = calibrationByGroup(new Int32Array(rows.length), 1, label, score, { bins: 5, weight: Float64Array.from(rows.map((r) => r.w)) });
      const rep = rows.flatMap((r) => Array.from({ length: r.w }, () => r));
      const [plain] = calibrationByGroup(new Int32Array(rep.length), 1, Uint8Array.from(rep.map((r) => r.y)), Float64Array.from(rep.map((r) => r.s)), { bins: 5 });
      assert.ok(Math.abs((weighted.ece as number) - (plain.ece as number)) < 1e-12);
      const total = plain.bins.reduce((s, b) => s + b.weight, 0);
      const ece = plain.bins.reduce((s, b) => s + (b.weight > 0 ? (b.weight / total) * Math.abs((b.observedRate as number) - (b.meanPredicted as number)) : 0), 0);
      assert.ok(Math.abs(ece - (plain.ece as number)) < 1e-12);
    }),
  );
});

test('calibrationByGroup counts missing rows, handles empty groups and rejects bad bins', () => {
  const c = calibrationByGroup(new Int32Array([0, 0, 0]), 2, new Uint8Array([1, 255, 0]), new Float64Array([0.5, 0.5, NaN]));
  assert.equal(c[0].missing, 2);
  assert.equal(c[1].ece, null);
  assert.throws(() => calibrationByGroup(new Int32Array(0), 1, new Uint8Array(0), new Float64Array(0), { bins: 0 }), (e: unknown) => isUserError(e) && /invalid bins: 0/.test(e.message));
});
