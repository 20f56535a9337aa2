import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { errorHeatMap, featureBins } from '../../src/error-analysis/index.js';
import { assess } from '../../src/assess/index.js';
import { evaluateMask, parseExpression } from '../../src/cohort/index.js';
import { isUserError } from '../../src/errors/index.js';
import { Random } from '../../src/stats/index.js';
import { Table } from '../../src/table/index.js';

function randomTable(seed: number, n: number): Table {
  const r = new Random(seed);
  const pick = <T>(v: T): T | null => (r.next() < 0.1 ? null : v);
  return Table.from({
    age: Array.from({ length: n }, () => pick(Math.round(18 + 60 * r.next()))),
    score: Array.from({ length: n }, () => pick(r.normal() * 1e6)),
    city: Array.from({ length: n }, () => pick(`c${r.int(20)}`)),
    flag: Array.from({ length: n }, () => pick(r.next() < 0.3)),
    y: Array.from({ length: n }, () => r.int(2)),
    p: Array.from({ length: n }, () => r.int(2)),
  });
}

test('errorHeatMap: each cell expression selects exactly its rows, cells partition the rows and error rates equal assess', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 1, max: 200 }),
      fc.constantFrom(['age'], ['score'], ['city'], ['flag'], ['age', 'city'], ['score', 'flag'], ['city', 'age']),
      fc.integer({ min: 1, max: 10 }),
      fc.constantFrom('equal' as const, 'quantile' as const),
      (seed, n, features, bins, binning) => {
        const table = randomTable(seed, n);
        const map = errorHeatMap(table, { label: 'y', pred: 'p', features, bins, binning, maxCategories: 5 });
        const seen = new Int32Array(n);
        let rows = 0;
        for (const cell of map.cells) {
          const mask = evaluateMask(parseExpression(cell.expression), table);
          assert.equal(mask.count(), cell.rows, cell.expression);
          for (const i of mask.toIndices()) seen[i]++;
          rows += cell.rows;
          const accuracy = assess(table, { label: 'y', pred: 'p', where: cell.expression, bootstrap: 0, curves: false }).overall.accuracy as number;
          assert.ok(Math.abs((cell.errorRate as number) - (1 - accuracy)) < 1e-12);
        }
        assert.equal(rows, n);
        assert.ok(seen.every((k) => k === 1));
        for (const axis of map.axes) assert.ok(axis.bins.length <= Math.max(bins, 6) + 1);
      },
    ),
    { numRuns: 80 },
  );
});

test('featureBins: equal-width numeric bins, value bins for few values, a capped category list with other, missing', () => {
  const table = Table.from({ x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, null], k: [1, 1, 2, 2, 2, 1, 1, 2, 2, 1, 1], c: ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e', null, 'a', 'b'] });
  const all = new Uint8Array(11).fill(1);
  const x = featureBins(table, 'x', all, { bins: 4 });
  assert.deepEqual(
    x.bins.map((b) => b.expression),
    ['x < 2.5', 'x >= 2.5 and x < 5', 'x >= 5 and x < 7.5', 'x >= 7.5', 'x is null'],
  );
  assert.deepEqual(Array.from(x.assign), [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4]);
  const k = featureBins(table, 'k', all, { bins: 4 });
  assert.deepEqual(k.bins.map((b) => b.expression), ['k = 1', 'k = 2']);
  const c = featureBins(table, 'c', all, { maxCategories: 2 });
  assert.deepEqual(
    c.bins.map((b) => [b.label, b.expression]),
    [
      ['a', "c = 'a'"],
      ['b', "c = 'b'"],
      ['other (3)', "c not in ('a', 'b')"],
      ['missing', 'c is null'],
    ],
  );
  const q = featureBins(Table.from({ x: [1, 1, 1, 1, 1, 1, 2, 3, 4, 5] }), 'x', new Uint8Array(10).fill(1), { bins: 3, binning: 'quantile' });
  // Tied quantiles collapse: no empty bins.
  assert.ok(q.bins.length <= 3);
  assert.equal(new Set(q.assign).size, q.bins.length);
});

test('errorHeatMap: user mistakes are user errors', () => {
  const table = randomTable(1, 20);
  const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => isUserError(e) && re.test((e as Error).message));
  bad(() => errorHeatMap(table, { label: 'y', pred: 'p', features: [] }), /one or two features/);
  bad(() => errorHeatMap(table, { label: 'y', pred: 'p', features: ['age', 'city', 'flag'] }), /one or two features/);
  bad(() => errorHeatMap(table, { label: 'y', pred: 'p', features: ['age', 'age'] }), /same column/);
  bad(() => errorHeatMap(table, { label: 'y', pred: 'p', features: ['agee'] }), /unknown column.*"age"/);
  bad(() => errorHeatMap(table, { label: 'y', pred: 'p', features: ['age'], bins: 0 }), /invalid bins/);
});
