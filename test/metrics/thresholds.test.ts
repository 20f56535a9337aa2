import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binaryMetrics, confusionByGroup, confusionByThreshold, defaultThresholds, metricsByThreshold, isUserError } from '../../src/index.js';

test('confusionByThreshold equals confusionByGroup with pred = score >= t at every threshold', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ g: fc.integer({ min: -1, max: 2 }), y: fc.constantFrom(0, 1, 255), s: fc.oneof(fc.double({ min: -0.1, max: 1.1, noNaN: true }), fc.constantFrom(0, 0.01, 0.5, 0.07, 1, NaN)), w: fc.integer({ min: 0, max: 3 }) }), { maxLength: 100 }),
      (rows) => {
        const groups = Int32Array.from(rows.map((r) => r.g));
        const label = Uint8Array.from(rows.map((r) => r.y));
        const score = Float64Array.from(rows.map((r) => r.s));
        const weight = Float64Array.from(rows.map((r) => r.w));
        const tc = confusionByThreshold(groups, 3, label, score, { weight });
        assert.equal(tc.thresholds.length, 101);
        for (const k of [0, 1, 7, 50, 99, 100]) {
          const t = tc.thresholds[k];
          const pred = Uint8Array.from(rows.map((r) => (Number.isNaN(r.s) ? 255 : r.s >= t ? 1 : 0)));
          const direct = confusionByGroup(groups, 3, label, pred, weight);
          for (const cell of ['tp', 'fp', 'tn', 'fn', 'n', 'missing'] as const) assert.deepEqual(tc.counts[k][cell], direct[cell], `${cell} at ${t}`);
        }
      },
    ),
  );
});

test('metricsByThreshold gives a series per group; default thresholds are k/100', () => {
  assert.deepEqual(defaultThresholds().slice(0, 3), [0, 0.01, 0.02]);
  assert.equal(defaultThresholds()[7], 0.07);
  const tc = confusionByThreshold(new Int32Array([0, 0, 1, 1]), 2, new Uint8Array([1, 0, 1, 0]), new Float64Array([0.8, 0.3, 0.6, 0.6]), { thresholds: [0.2, 0.5, 0.7] });
  const { thresholds, values } = metricsByThreshold(tc, { metrics: ['selection_rate', 'false_positive_rate'] });
  assert.deepEqual(thresholds, [0.2, 0.5, 0.7]);
  assert.deepEqual(values.selection_rate, [
    [1, 0.5, 0.5],
    [1, 1, 0],
  ]);
  assert.deepEqual(values.false_positive_rate?.[1], [1, 1, 0]);
  assert.deepEqual(binaryMetrics(tc.counts[1]).true_positive_rate.map((v) => v.value), [1, 1]);
  assert.throws(() => confusionByThreshold(new Int32Array(0), 1, new Uint8Array(0), new Float64Array(0), { thresholds: [0.5, 0.2] }), (e: unknown) => isUserError(e) && /invalid thresholds: 0.2 at position 1/.test(e.message));
});

test('confusionByThreshold bins correctly for uneven threshold grids (interpolation guess far off)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 30 }),
      fc.array(fc.record({ y: fc.constantFrom(0, 1), s: fc.double({ min: -3, max: 3, noNaN: true }) }), { maxLength: 80 }),
      (ts, rows) => {
        const thresholds = [...new Set(ts.map((x) => x + 0))].sort((a, b) => a - b);
        const groups = new Int32Array(rows.length);
        const label = Uint8Array.from(rows.map((r) => r.y));
        const score = Float64Array.from(rows.map((r) => r.s));
        const tc = confusionByThreshold(groups, 1, label, score, { thresholds });
        thresholds.forEach((t, k) => {
          const pred = Uint8Array.from(rows.map((r) => (r.s >= t ? 1 : 0)));
          const direct = confusionByGroup(groups, 1, label, pred);
          assert.deepEqual([tc.counts[k].tp[0], tc.counts[k].fp[0], tc.counts[k].tn[0], tc.counts[k].fn[0]], [direct.tp[0], direct.fp[0], direct.tn[0], direct.fn[0]], `at ${t}`);
        });
      },
    ),
  );
});
