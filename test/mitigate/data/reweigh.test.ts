import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isUserError, Random, Table } from '../../../src/index.js';
import { reweigh } from '../../../src/mitigate/index.js';

/** Weighted shares of every (group, label) cell and of its marginals, computed directly from rows. */
function shares(group: readonly string[], label: readonly string[], w: ArrayLike<number>, rows: readonly number[]) {
  const cell = new Map<string, number>();
  const g = new Map<string, number>();
  const y = new Map<string, number>();
  let total = 0;
  for (const i of rows) {
    const key = `${group[i]}\u0000${label[i]}`;
    cell.set(key, (cell.get(key) ?? 0) + w[i]);
    g.set(group[i], (g.get(group[i]) ?? 0) + w[i]);
    y.set(label[i], (y.get(label[i]) ?? 0) + w[i]);
    total += w[i];
  }
  return { cell, g, y, total };
}

/** Asserts that group and label are independent under `after`: every cell's share is P(g)P(y) of `before`. */
function assertBalanced(group: string[], label: string[], before: ArrayLike<number>, after: ArrayLike<number>, rows: number[]): void {
  const b = shares(group, label, before, rows);
  const a = shares(group, label, after, rows);
  for (const [gv, gw] of b.g) {
    for (const [yv, yw] of b.y) {
      const expected = (gw / b.total) * (yw / b.total);
      const actual = (a.cell.get(`${gv}\u0000${yv}`) ?? 0) / a.total;
      assert.ok(Math.abs(actual - expected) <= 1e-12, `cell (${gv}, ${yv}): weighted share ${actual}, expected P(g)P(y) = ${expected}`);
    }
  }
}

function data(n: number, seed: number) {
  const r = new Random(seed);
  const groups = ['A', 'B', 'C'];
  const sex: string[] = [];
  const race: string[] = [];
  const y: string[] = [];
  const age: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = groups[r.int(3)];
    sex.push(g);
    race.push(r.next() < 0.3 ? 'x' : 'z');
    // Label rate depends on the group, so group and label are far from independent.
    y.push(r.next() < (g === 'A' ? 0.7 : g === 'B' ? 0.3 : 0.1) ? 'yes' : 'no');
    age.push(18 + r.int(60));
    w.push(0.5 + 2 * r.next());
  }
  return { sex, race, y, age, w };
}

test('reweighing makes every (group, label) weighted share equal the product of its marginals to 1e-12', () => {
  const d = data(5000, 1);
  const table = Table.from({ sex: d.sex, y: d.y, age: d.age });
  const result = reweigh(table, { label: 'y', sensitive: 'sex' });
  const rows = d.sex.map((_, i) => i);
  assertBalanced(d.sex, d.y, new Float64Array(5000).fill(1), result.weights, rows);
  const sum = result.weights.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 5000) < 1e-8, `total weight is unchanged: ${sum}`);
  assert.equal(result.cells.length, 6);
  for (const c of result.cells) {
    assert.ok(c.factor !== null);
    assert.ok(Math.abs(c.factor - c.expected / c.observed) < 1e-15);
  }
  assert.equal(result.range.min, Math.min(...result.weights));
  assert.equal(result.range.max, Math.max(...result.weights));
});

test('reweighing multiplies existing sample weights and balances their weighted shares', () => {
  const d = data(3000, 2);
  const table = Table.from({ sex: d.sex, y: d.y, w: d.w });
  const result = reweigh(table, { label: 'y', sensitive: 'sex', weight: 'w' });
  assertBalanced(d.sex, d.y, d.w, result.weights, d.sex.map((_, i) => i));
  // Within a cell the ratio new/old is one constant factor.
  const ratio = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const key = `${d.sex[i]}|${d.y[i]}`;
    const f = result.weights[i] / d.w[i];
    if (!ratio.has(key)) ratio.set(key, f);
    assert.ok(Math.abs(ratio.get(key)! - f) < 1e-12);
  }
});

test('reweighing the intersection of two sensitive columns balances every intersectional cell', () => {
  const d = data(4000, 3);
  const table = Table.from({ sex: d.sex, race: d.race, y: d.y });
  const result = reweigh(table, { label: 'y', sensitive: ['sex', 'race'] });
  const joint = d.sex.map((s, i) => `${s} | ${d.race[i]}`);
  assertBalanced(joint, d.y, new Float64Array(4000).fill(1), result.weights, joint.map((_, i) => i));
  assert.deepEqual([...result.groups].sort(), ['A | x', 'A | z', 'B | x', 'B | z', 'C | x', 'C | z']);
});

test('reweighing inside a cohort balances the cohort and leaves the other rows alone', () => {
  const d = data(4000, 4);
  const table = Table.from({ sex: d.sex, y: d.y, age: d.age, w: d.w });
  const result = reweigh(table, { label: 'y', sensitive: 'sex', cohort: 'age >= 50', weight: 'w' });
  const inside = d.age.map((a, i) => (a >= 50 ? i : -1)).filter((i) => i >= 0);
  assertBalanced(d.sex, d.y, d.w, result.weights, inside);
  for (let i = 0; i < 4000; i++) if (d.age[i] < 50) assert.equal(result.weights[i], d.w[i]);
  assert.equal(result.scopeRows, inside.length);
});

test('property: reweighing balances any assignment of groups and labels', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('0', '1', '2'), fc.double({ min: 0.01, max: 100, noNaN: true })), { minLength: 1, maxLength: 300 }),
      (rows) => {
        const g = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const w = Float64Array.from(rows, (r) => r[2]);
        const table = Table.from({ g, y });
        const result = reweigh(table, { label: 'y', sensitive: 'g', weight: w });
        // Balance is only attainable when no cell of the cross product is empty.
        const cells = new Set(rows.map((r) => `${r[0]}|${r[1]}`));
        if (cells.size === new Set(g).size * new Set(y).size) assertBalanced(g, y, w, result.weights, g.map((_, i) => i));
        else assert.ok(result.warnings.length > 0, 'an empty cell is reported');
      },
    ),
    { numRuns: 200 },
  );
});

test('one row, one group only, missing labels and a missing group value', () => {
  const one = reweigh(Table.from({ g: ['a'], y: ['1'] }), { label: 'y', sensitive: 'g' });
  assert.deepEqual([...one.weights], [1]);
  const single = reweigh(Table.from({ g: ['a', 'a', 'a'], y: ['1', '0', '0'] }), { label: 'y', sensitive: 'g' });
  assert.deepEqual([...single.weights], [1, 1, 1]);
  const t = Table.from({ g: ['a', 'a', 'a', null, null, null, 'b', 'b'], y: ['1', null, '0', '0', '1', '1', '0', '1'] });
  const r = reweigh(t, { label: 'y', sensitive: 'g' });
  assert.equal(r.weights[1], 1, 'a row with a missing label keeps its weight');
  assert.equal(r.missingLabel, 1);
  assert.ok(r.groups.includes('(missing)'), 'a missing sensitive value is its own group, as in assess');
  assertBalanced(['a', 'a', 'a', 'm', 'm', 'm', 'b', 'b'], ['1', '', '0', '0', '1', '1', '0', '1'], new Float64Array(8).fill(1), r.weights, [0, 2, 3, 4, 5, 6, 7]);
});

test('an empty cell is a warning; bad input is a clear user error', () => {
  const t = Table.from({ g: ['a', 'a', 'b', 'b'], y: ['1', '0', '0', '0'], age: [1, 2, 3, 4] });
  const r = reweigh(t, { label: 'y', sensitive: 'g' });
  assert.match(r.warnings.join('\n'), /group b has no rows labelled 1/);
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, pattern);
      return true;
    });
  rejects(() => reweigh(t, { label: 'yy', sensitive: 'g' }), /unknown column: "yy" \(did you mean "y"/);
  rejects(() => reweigh(t, { label: 'y', sensitive: 'gg' }), /unknown column: "gg"/);
  rejects(() => reweigh(t, { label: 'y', sensitive: 'g', cohort: 'age > 10' }), /matches none of the 4 rows/);
  rejects(() => reweigh(t, { label: 'y', sensitive: 'y' }), /cannot also be a sensitive column/);
  rejects(() => reweigh(t, { label: 'y', sensitive: 'g', weight: Float64Array.of(1, -1, 1, 1) }), /invalid weight: -1 at row 1/);
  rejects(() => reweigh(Table.from({ g: ['a'], y: [null] }), { label: 'y', sensitive: 'g' }), /missing "y"/);
});
