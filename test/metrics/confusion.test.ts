import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { confusionByGroup, poolGroups } from '../../src/index.js';

const rowArb = fc.record({
  g: fc.integer({ min: -1, max: 3 }),
  y: fc.constantFrom(0, 1, 255),
  p: fc.constantFrom(0, 1, 255),
  w: fc.integer({ min: 0, max: 5 }),
});

test('confusionByGroup counts every cell per group like a brute-force tally, with missing rows counted', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 200 }), (rows) => {
      const c = confusionByGroup(Int32Array.from(rows.map((r) => r.g)), 4, Uint8Array.from(rows.map((r) => r.y)), Uint8Array.from(rows.map((r) => r.p)));
      for (let g = 0; g < 4; g++) {
        const mine = rows.filter((r) => r.g === g);
        const ok = mine.filter((r) => r.y !== 255 && r.p !== 255);
        assert.equal(c.tp[g], ok.filter((r) => r.y === 1 && r.p === 1).length);
        assert.equal(c.fp[g], ok.filter((r) => r.y === 0 && r.p === 1).length);
        assert.equal(c.tn[g], ok.filter((r) => r.y === 0 && r.p === 0).length);
        assert.equal(c.fn[g], ok.filter((r) => r.y === 1 && r.p === 0).length);
        assert.equal(c.n[g], ok.length);
        assert.equal(c.missing[g], mine.length - ok.length);
      }
    }),
  );
});

test('confusionByGroup with integer weights equals the rows repeated', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 100 }), (rows) => {
      const weighted = confusionByGroup(
        Int32Array.from(rows.map((r) => r.g)),
        4,
        Uint8Array.from(rows.map((r) => r.y)),
        Uint8Array.from(rows.map((r) => r.p)),
        Float64Array.from(rows.map((r) => r.w)),
      );
      const repeated = rows.flatMap((r) => Array.from({ length: r.w }, () => r));
      const plain = confusionByGroup(Int32Array.from(repeated.map((r) => r.g)), 4, Uint8Array.from(repeated.map((r) => r.y)), Uint8Array.from(repeated.map((r) => r.p)));
      for (const cell of ['tp', 'fp', 'tn', 'fn'] as const) assert.deepEqual(weighted[cell], plain[cell]);
      assert.ok(weighted.weighted);
    }),
  );
});

test('confusionByGroup leaves out rows with a NaN, negative or infinite weight and counts them', () => {
  const c = confusionByGroup(new Int32Array([0, 0, 0, 0]), 1, new Uint8Array([1, 1, 1, 1]), new Uint8Array([1, 1, 1, 1]), new Float64Array([NaN, -1, Infinity, 1e300]));
  assert.equal(c.missing[0], 3);
  assert.equal(c.tp[0], 1e300);
  assert.equal(c.n[0], 1);
});

test('confusionByGroup handles empty input, one row, all missing and one group', () => {
  const empty = confusionByGroup(new Int32Array(0), 2, new Uint8Array(0), new Uint8Array(0));
  assert.deepEqual(Array.from(empty.n), [0, 0]);
  const one = confusionByGroup(new Int32Array([0]), 1, new Uint8Array([1]), new Uint8Array([0]));
  assert.deepEqual([one.tp[0], one.fn[0], one.n[0]], [0, 1, 1]);
  const missing = confusionByGroup(new Int32Array([0, 0]), 1, new Uint8Array([255, 255]), new Uint8Array([1, 0]));
  assert.deepEqual([missing.n[0], missing.missing[0]], [0, 2]);
  const oneGroup = confusionByGroup(new Int32Array([0, 0]), 1, new Uint8Array([0, 1]), new Uint8Array([0, 1]));
  assert.deepEqual([oneGroup.tp[0], oneGroup.tn[0], poolGroups(oneGroup).n[0]], [1, 1, 2]);
});

test('confusionByGroup rejects a group code out of range and mismatched lengths', () => {
  assert.throws(() => confusionByGroup(new Int32Array([0, 2]), 2, new Uint8Array(2), new Uint8Array(2)), /group code 2 out of range \(nGroups = 2/);
  assert.throws(() => confusionByGroup(new Int32Array(3), 1, new Uint8Array(2), new Uint8Array(3)), /label has 2 rows, expected 3/);
});

test('poolGroups sums the groups, or the listed ones', () => {
  const c = confusionByGroup(new Int32Array([0, 1, 2, 2]), 3, new Uint8Array([1, 0, 1, 0]), new Uint8Array([1, 1, 0, 0]));
  const all = poolGroups(c);
  assert.deepEqual([all.tp[0], all.fp[0], all.fn[0], all.tn[0], all.n[0]], [1, 1, 1, 1, 4]);
  const some = poolGroups(c, [1, 2]);
  assert.deepEqual([some.tp[0], some.fp[0], some.fn[0], some.tn[0], some.n[0]], [0, 1, 1, 1, 3]);
});
