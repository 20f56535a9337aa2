import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { regressionByGroup, regressionMetrics } from '../../src/index.js';

const EPS = 2.220446049250313e-16;

function direct(rows: { y: number; p: number; w: number }[]) {
  const W = rows.reduce((s, r) => s + r.w, 0);
  const mean = (f: (r: { y: number; p: number; w: number }) => number) => rows.reduce((s, r) => s + r.w * f(r), 0) / W;
  const ybar = mean((r) => r.y);
  const sse = rows.reduce((s, r) => s + r.w * (r.y - r.p) ** 2, 0);
  const sst = rows.reduce((s, r) => s + r.w * (r.y - ybar) ** 2, 0);
  return {
    mae: mean((r) => Math.abs(r.y - r.p)),
    mse: sse / W,
    r2: sst > 0 ? 1 - sse / sst : null,
    mean_label: ybar,
    mean_prediction: mean((r) => r.p),
    max_error: Math.max(...rows.filter((r) => r.w > 0).map((r) => Math.abs(r.y - r.p))),
    mape: mean((r) => Math.abs(r.y - r.p) / Math.max(Math.abs(r.y), EPS)),
  };
}

test('regression metrics per group equal the direct (weighted) formulas of scikit-learn', () => {
  // Values on a 1e-3 grid: denormal squares would make the direct formula itself meaningless.
  const value = fc.integer({ min: -100000, max: 100000 }).map((x) => x / 1000);
  const rowArb = fc.record({ g: fc.integer({ min: 0, max: 1 }), y: value, p: value, w: fc.integer({ min: 1, max: 4 }) });
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 60 }), (rows) => {
      const stats = regressionByGroup(
        Int32Array.from(rows.map((r) => r.g)),
        2,
        Float64Array.from(rows.map((r) => r.y)),
        Float64Array.from(rows.map((r) => r.p)),
        Float64Array.from(rows.map((r) => r.w)),
      );
      const m = regressionMetrics(stats);
      for (let g = 0; g < 2; g++) {
        const mine = rows.filter((r) => r.g === g);
        if (mine.length === 0) {
          assert.equal(m.mae[g].value, null);
          continue;
        }
        const d = direct(mine);
        const near = (a: number | null, b: number | null, what: string) => {
          if (b === null || a === null) return assert.equal(a, b, what);
          assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
        };
        near(m.mae[g].value, d.mae, 'mae');
        near(m.mse[g].value, d.mse, 'mse');
        near(m.rmse[g].value, Math.sqrt(d.mse), 'rmse');
        near(m.mean_label[g].value, d.mean_label, 'mean_label');
        near(m.mean_prediction[g].value, d.mean_prediction, 'mean_prediction');
        near(m.max_error[g].value, d.max_error, 'max_error');
        if (mine.length >= 2 && d.r2 !== null && Math.abs(d.r2) < 1e6) near(m.r2[g].value, d.r2, 'r2');
        if (d.mape < 1e12) near(m.mape[g].value, d.mape, 'mape');
        assert.equal(m.count[g].value, mine.length);
      }
    }),
  );
});

test('r2 of constant labels: null by default, scikit-learn force_finite with zeroDivision 0', () => {
  const groups = new Int32Array([0, 0, 1, 1, 2]);
  const y = new Float64Array([3, 3, 3, 3, 5]);
  const p = new Float64Array([3, 3, 2, 4, 5]);
  const stats = regressionByGroup(groups, 3, y, p);
  assert.deepEqual(regressionMetrics(stats).r2[0], { value: null, reason: 'constant labels (total sum of squares = 0)' });
  assert.deepEqual(regressionMetrics(stats, { zeroDivision: 0 }).r2.map((v) => v.value), [1, 0, null]);
  assert.deepEqual(regressionMetrics(stats).r2[2], { value: null, reason: 'fewer than two rows' });
});

test('regression statistics are stable for large offsets (Welford, compensated sums)', () => {
  const n = 100000;
  const y = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = 1e9 + (i % 2 === 0 ? 1 : -1);
    p[i] = 1e9;
  }
  const m = regressionMetrics(regressionByGroup(new Int32Array(n), 1, y, p));
  assert.equal(m.r2[0].value, 0);
  assert.equal(m.mae[0].value, 1);
  assert.equal(m.mean_label[0].value, 1e9);
  assert.ok(Math.abs((m.mape[0].value as number) - 1e-9) < 1e-20);
});

test('regression rows with NaN or invalid weights are left out and counted; mape uses max(|y|, eps)', () => {
  const stats = regressionByGroup(new Int32Array([0, 0, 0, 0, -1]), 1, new Float64Array([NaN, 1, 0, 2, 9]), new Float64Array([1, NaN, 1, 2, 9]), new Float64Array([1, 1, 1, -1, 1]));
  assert.equal(stats.missing[0], 3);
  const m = regressionMetrics(stats);
  assert.equal(m.mape[0].value, 1 / EPS);
  assert.equal(m.count[0].value, 1);
  assert.deepEqual(regressionMetrics(regressionByGroup(new Int32Array(0), 1, new Float64Array(0), new Float64Array(0))).mae[0], { value: null, reason: 'empty group (no rows)' });
});
