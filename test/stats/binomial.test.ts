import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random, sampleBinomial, sampleMultinomial, isUserError } from '../../src/index.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

// Exact pmf by the recurrence, for the chi-square tests.
function pmf(n: number, p: number): number[] {
  const out = [Math.pow(1 - p, n)];
  for (let k = 1; k <= n; k++) out.push((out[k - 1] * (n - k + 1) * p) / (k * (1 - p)));
  return out;
}

for (const [n, p] of [
  [20, 0.1],
  [60, 0.3],
  [1000, 0.5],
  [100000, 0.02],
  [5e8, 0.7],
  [1e12, 1e-11],
] as const) {
  test(`sampleBinomial(${n}, ${p}) has mean np and variance np(1-p) (fixed seed)`, () => {
    const r = new Random(11);
    const draws = 40000;
    const { mean, variance } = moments(() => sampleBinomial(r, n, p), draws);
    const mu = n * p;
    const v = n * p * (1 - p);
    // Mean within 5 standard errors; variance within 5% (plenty at 40k draws).
    assert.ok(Math.abs(mean - mu) < 5 * Math.sqrt(v / draws), `mean ${mean} vs ${mu}`);
    assert.ok(Math.abs(variance / v - 1) < 0.05, `variance ${variance} vs ${v}`);
  });
}

for (const [n, p] of [
  [30, 0.2],
  [200, 0.4],
  [80, 0.9],
] as const) {
  test(`sampleBinomial(${n}, ${p}) follows the exact pmf (chi-square, ${n * Math.min(p, 1 - p) < 10 ? 'inversion' : 'BTRS'})`, () => {
    const r = new Random(5);
    const draws = 100000;
    const counts = new Array(n + 1).fill(0);
    for (let i = 0; i < draws; i++) counts[sampleBinomial(r, n, p)]++;
    const probs = pmf(n, p);
    // Pool cells with expected count < 5 into their neighbours.
    let chi = 0;
    let df = -1;
    let obs = 0;
    let exp = 0;
    for (let k = 0; k <= n; k++) {
      obs += counts[k];
      exp += probs[k] * draws;
      if (exp >= 5 || k === n) {
        chi += (obs - exp) ** 2 / Math.max(exp, 1e-9);
        df++;
        obs = 0;
        exp = 0;
      }
    }
    // Generous bound: mean df, sd sqrt(2 df); reject only beyond ~5 sd.
    assert.ok(chi < df + 5 * Math.sqrt(2 * df), `chi-square ${chi} with ${df} df`);
  });
}

test('sampleBinomial edge cases: n = 0, p = 0, p = 1, huge n', () => {
  const r = new Random(1);
  assert.equal(sampleBinomial(r, 0, 0.5), 0);
  assert.equal(sampleBinomial(r, 10, 0), 0);
  assert.equal(sampleBinomial(r, 10, 1), 10);
  const x = sampleBinomial(r, 2 ** 52, 0.5);
  assert.ok(Number.isInteger(x) && Math.abs(x - 2 ** 51) < 10 * Math.sqrt(2 ** 50));
  assert.throws(() => sampleBinomial(r, 1.5, 0.5), (e: unknown) => isUserError(e) && /invalid binomial size: 1.5/.test(e.message));
  assert.throws(() => sampleBinomial(r, 3, 2), (e: unknown) => isUserError(e) && /invalid binomial probability: 2/.test(e.message));
});

test('sampleBinomial is reproducible for a seed', () => {
  const a = new Random(9);
  const b = new Random(9);
  for (let i = 0; i < 100; i++) assert.equal(sampleBinomial(a, 500, 0.37), sampleBinomial(b, 500, 0.37));
});

test('sampleMultinomial sums to n and has multinomial means and variances (fixed seed)', () => {
  const r = new Random(21);
  const probs = [0.1, 0.2, 0.3, 0.4];
  const n = 250;
  const draws = 30000;
  const s = new Float64Array(4);
  const s2 = new Float64Array(4);
  const out = new Float64Array(4);
  for (let i = 0; i < draws; i++) {
    sampleMultinomial(r, n, probs, out);
    assert.equal(out[0] + out[1] + out[2] + out[3], n);
    for (let k = 0; k < 4; k++) {
      s[k] += out[k];
      s2[k] += out[k] * out[k];
    }
  }
  for (let k = 0; k < 4; k++) {
    const mean = s[k] / draws;
    const variance = s2[k] / draws - mean * mean;
    const v = n * probs[k] * (1 - probs[k]);
    assert.ok(Math.abs(mean - n * probs[k]) < 5 * Math.sqrt(v / draws), `cell ${k} mean ${mean}`);
    assert.ok(Math.abs(variance / v - 1) < 0.05, `cell ${k} variance ${variance} vs ${v}`);
  }
});

test('sampleMultinomial accepts unnormalised weights and zero cells, and rejects bad input', () => {
  const r = new Random(2);
  const out = sampleMultinomial(r, 1000, [0, 3, 0, 1]);
  assert.equal(out[0], 0);
  assert.equal(out[2], 0);
  assert.equal(out[1] + out[3], 1000);
  assert.deepEqual(Array.from(sampleMultinomial(r, 0, [0, 0])), [0, 0]);
  assert.deepEqual(Array.from(sampleMultinomial(r, 7, [1])), [7]);
  assert.throws(() => sampleMultinomial(r, 5, [0, 0]), (e: unknown) => isUserError(e) && /sum to 0/.test(e.message));
  assert.throws(() => sampleMultinomial(r, 5, [NaN, 1]), (e: unknown) => isUserError(e) && /invalid multinomial probability: NaN/.test(e.message));
});
