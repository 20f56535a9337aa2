import { test } from 'node:test';
import assert from 'node:assert/strict';
import { worstCohorts } from '../../src/error-analysis/index.js';
import { evaluateMask, parseExpression } from '../../src/cohort/index.js';
import { generateLoans, LOAN_DEMO_FACTS } from '../../src/demo/loans.js';
import { Random } from '../../src/stats/index.js';
import { Table } from '../../src/table/index.js';

const loans = generateLoans(10000, new Random(1));
const options = { label: 'repaid', pred: 'score >= 0.5', bootstrap: 200, seed: 3 };

test('worstCohorts: unique row sets above the minimum size, ranked, with intervals around the rate and lift over the overall rate', () => {
  const worst = worstCohorts(loans, { ...options, top: 15, minRows: 50 });
  assert.equal(worst.cohorts.length, 15);
  assert.deepEqual(worst.interval, { method: 'bootstrap', confidence: 0.95, resamples: 200, seed: 3 });
  const keys = new Set<string>();
  for (const c of worst.cohorts) {
    const mask = evaluateMask(parseExpression(c.expression), loans);
    assert.equal(mask.count(), c.rows, c.expression);
    assert.ok(c.rows >= 50);
    const key = Array.from(mask.toIndices()).join(',');
    assert.ok(!keys.has(key), `duplicate rows: ${c.expression}`);
    keys.add(key);
    const [lo, hi] = c.ci as [number, number];
    assert.ok(lo <= (c.errorRate as number) && (c.errorRate as number) <= hi);
    assert.ok(Math.abs((c.lift as number) - (c.errorRate as number) / (worst.overallErrorRate as number)) < 1e-12);
    assert.ok((c.errorRate as number) > (worst.overallErrorRate as number));
  }
  assert.deepEqual(new Set(worst.cohorts.map((c) => c.source)).size >= 2, true);
});

test('worstCohorts is reproducible for a seed', () => {
  const a = worstCohorts(loans, { ...options, top: 5 });
  const b = worstCohorts(loans, { ...options, top: 5 });
  assert.deepEqual(a, b);
  const c = worstCohorts(loans, { ...options, top: 5, seed: 4 });
  assert.notDeepEqual(a.cohorts.map((x) => x.ci), c.cohorts.map((x) => x.ci));
});

test('worstCohorts on the demo loans finds the planted cohort (region South, age under 30) among the top 10 at well over twice the overall error', () => {
  const worst = worstCohorts(loans, { ...options, top: 10 });
  const planted = evaluateMask(parseExpression(LOAN_DEMO_FACTS.highErrorCohort.expression), loans);
  const hits = worst.cohorts.filter((c) => {
    const m = evaluateMask(parseExpression(c.expression), loans);
    return m.and(planted).count() / m.or(planted).count() >= 0.85;
  });
  assert.ok(hits.length >= 1, worst.cohorts.map((c) => c.expression).join('\n'));
  // Reversed decisions: about 75% error against about 26% overall.
  assert.ok((hits[0].lift as number) >= 2.5, String(hits[0].lift));
});

test('worstCohorts: Wilson intervals without bootstrap; regression ranks by mean absolute error', () => {
  const wilson = worstCohorts(loans, { ...options, bootstrap: 0, top: 3, pairTrees: false });
  assert.equal(wilson.interval.method, 'wilson');
  for (const c of wilson.cohorts) assert.ok((c.ci as number[])[0] < (c.errorRate as number));
  const r = new Random(2);
  const x = Array.from({ length: 400 }, () => r.uniform(0, 10));
  const y = x.map((v) => v + r.normal());
  const p = y.map((v, i) => v + (x[i] > 8 ? 5 : 0.2) * r.normal());
  const reg = worstCohorts(Table.from({ x, y, p }), { label: 'y', pred: 'p', task: 'regression', top: 3, bootstrap: 100 });
  assert.ok(/x (>|>=) [78]/.test(reg.cohorts[0].expression), reg.cohorts[0].expression);
  assert.ok((reg.cohorts[0].lift as number) > 2);
});
