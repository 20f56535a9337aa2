import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, Random, Table, valueAt } from '../../../src/index.js';
import { resample } from '../../../src/mitigate/index.js';

function data(n: number, seed: number): Table {
  const r = new Random(seed);
  const sex: string[] = [];
  const y: string[] = [];
  const age: number[] = [];
  const id: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = r.next() < 0.3 ? 'F' : 'M';
    sex.push(g);
    y.push(r.next() < (g === 'F' ? 0.2 : 0.45) ? 'yes' : 'no');
    age.push(18 + r.int(60));
    id.push(i);
  }
  return Table.from({ id, sex, y, age });
}

/** Rows per `sex|y` cell of `table`, counted directly. */
function count(table: Table, where: (row: Record<string, unknown>) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < table.rowCount; i++) {
    const row = table.row(i);
    if (!where(row)) continue;
    const key = `${row.sex}|${row.y}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Every output row is a copy of the input row `source` names. */
function assertCopies(input: Table, out: Table, source: Int32Array): void {
  assert.equal(source.length, out.rowCount);
  for (let r = 0; r < out.rowCount; r++) assert.deepEqual(out.row(r), input.row(source[r]), `row ${r} copies input row ${source[r]}`);
}

test('oversampling to label balance gives every class of a group as many rows as its largest class', () => {
  const t = data(2000, 1);
  const before = count(t);
  const res = resample(t, { label: 'y', sensitive: 'sex', method: 'over', seed: 3 });
  const after = count(res.table);
  for (const g of ['F', 'M']) {
    const max = Math.max(before.get(`${g}|yes`)!, before.get(`${g}|no`)!);
    assert.equal(after.get(`${g}|yes`), max);
    assert.equal(after.get(`${g}|no`), max);
  }
  assertCopies(t, res.table, res.source);
  // Every input row is still there, in order, before the added rows.
  const kept = res.table.rowCount - res.added.reduce((a, b) => a + b, 0);
  assert.equal(kept, 2000);
  for (let i = 0; i < 2000; i++) assert.equal(res.source[i], i);
  for (const c of res.cells) assert.equal(c.after, after.get(`${c.group}|${c.label}`));
});

test('undersampling to label balance keeps a subset of distinct rows, in order', () => {
  const t = data(2000, 2);
  const before = count(t);
  const res = resample(t, { label: 'y', sensitive: 'sex', method: 'under', seed: 5 });
  const after = count(res.table);
  for (const g of ['F', 'M']) {
    const min = Math.min(before.get(`${g}|yes`)!, before.get(`${g}|no`)!);
    assert.equal(after.get(`${g}|yes`), min);
    assert.equal(after.get(`${g}|no`), min);
  }
  assertCopies(t, res.table, res.source);
  for (let r = 1; r < res.source.length; r++) assert.ok(res.source[r] > res.source[r - 1], 'strictly increasing: no duplicates, original order');
  assert.equal(res.added.reduce((a, b) => a + b, 0), 0);
});

test('balancing groups equalises group sizes and keeps each group\'s class shares to within a row', () => {
  const t = data(3000, 3);
  const before = count(t);
  const size = (m: Map<string, number>, g: string) => (m.get(`${g}|yes`) ?? 0) + (m.get(`${g}|no`) ?? 0);
  for (const method of ['over', 'under'] as const) {
    const res = resample(t, { label: 'y', sensitive: 'sex', balance: 'groups', method, seed: 1 });
    const after = count(res.table);
    const target = (method === 'over' ? Math.max : Math.min)(size(before, 'F'), size(before, 'M'));
    for (const g of ['F', 'M']) {
      assert.equal(size(after, g), target, `${method}: group ${g} has ${target} rows`);
      for (const y of ['yes', 'no']) {
        const exact = (before.get(`${g}|${y}`)! * target) / size(before, g);
        assert.ok(Math.abs(after.get(`${g}|${y}`)! - exact) < 1, `${method}: ${g}|${y} keeps its share: ${after.get(`${g}|${y}`)} vs ${exact}`);
      }
    }
    assertCopies(t, res.table, res.source);
  }
});

test('a ratio below 1 brings the smaller classes to round(ratio × largest)', () => {
  const t = data(2000, 4);
  const before = count(t);
  const res = resample(t, { label: 'y', sensitive: 'sex', ratio: 0.6, seed: 2 });
  const after = count(res.table);
  for (const g of ['F', 'M']) {
    const yes = before.get(`${g}|yes`)!;
    const no = before.get(`${g}|no`)!;
    const goal = Math.round(0.6 * Math.max(yes, no));
    assert.equal(after.get(`${g}|yes`), Math.max(yes, goal));
    assert.equal(after.get(`${g}|no`), Math.max(no, goal));
  }
  const under = resample(t, { label: 'y', sensitive: 'sex', ratio: 0.5, method: 'under', seed: 2 });
  const afterUnder = count(under.table);
  for (const g of ['F', 'M']) {
    const yes = before.get(`${g}|yes`)!;
    const no = before.get(`${g}|no`)!;
    const goal = Math.round(Math.min(yes, no) / 0.5);
    assert.equal(afterUnder.get(`${g}|yes`), Math.min(yes, goal));
    assert.equal(afterUnder.get(`${g}|no`), Math.min(no, goal));
  }
});

test('resampling inside a cohort balances the cohort only and keeps every other row once', () => {
  const t = data(3000, 5);
  const inside = (row: Record<string, unknown>) => (row.age as number) < 30;
  const before = count(t, inside);
  const res = resample(t, { label: 'y', sensitive: 'sex', cohort: 'age < 30', seed: 9 });
  const after = count(res.table, inside);
  for (const g of ['F', 'M']) {
    const max = Math.max(before.get(`${g}|yes`)!, before.get(`${g}|no`)!);
    assert.equal(after.get(`${g}|yes`), max);
    assert.equal(after.get(`${g}|no`), max);
  }
  assert.deepEqual(count(res.table, (r) => !inside(r)), count(t, (r) => !inside(r)));
  for (let r = 0; r < res.table.rowCount; r++) if (res.added[r]) assert.ok(inside(t.row(res.source[r])), 'only cohort rows are copied');
  // Without sensitive columns, the cohort's classes are balanced as one group.
  const plain = resample(t, { label: 'y', cohort: 'age < 30', method: 'under', seed: 9 });
  const yes = count(plain.table, inside);
  const sum = (m: Map<string, number>, y: string) => (m.get(`F|${y}`) ?? 0) + (m.get(`M|${y}`) ?? 0);
  assert.equal(sum(yes, 'yes'), sum(yes, 'no'));
  assert.equal(sum(yes, 'yes'), Math.min(sum(before, 'yes'), sum(before, 'no')));
});

test('the same seed gives the same rows; another seed other rows', () => {
  const t = data(1000, 6);
  const a = resample(t, { label: 'y', sensitive: 'sex', seed: 42 });
  const b = resample(t, { label: 'y', sensitive: 'sex', seed: 42 });
  const c = resample(t, { label: 'y', sensitive: 'sex', seed: 43 });
  assert.deepEqual([...a.source], [...b.source]);
  assert.notDeepEqual([...a.source], [...c.source]);
  assert.equal(a.seed, 42);
});

test('rows with a missing label are kept once; an empty cell stays empty with a warning', () => {
  const t = Table.from({ g: ['a', 'a', 'a', 'a', 'b', 'b', 'b'], y: ['1', '0', '0', null, '0', '0', '0'] });
  const res = resample(t, { label: 'y', sensitive: 'g', seed: 0 });
  assert.equal(res.missingLabel, 1);
  assert.equal(res.source.filter((s) => s === 3).length, 1);
  assert.match(res.warnings.join('\n'), /group b has no rows labelled 1/);
  const labels = Array.from({ length: res.table.rowCount }, (_, r) => `${valueAt(res.table.column('g'), r)}|${valueAt(res.table.column('y'), r)}`);
  assert.equal(labels.filter((l) => l === 'a|1').length, 2);
  assert.equal(labels.filter((l) => l === 'b|0').length, 3);
  const one = resample(Table.from({ g: ['a'], y: ['1'] }), { label: 'y', sensitive: 'g' });
  assert.equal(one.table.rowCount, 1);
});

test('bad options are clear user errors', () => {
  const t = data(100, 7);
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, pattern);
      return true;
    });
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', ratio: 0 }), /invalid ratio: 0 \(expected a number in \(0, 1\]\)/);
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', ratio: 1.5 }), /invalid ratio/);
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', method: 'sideways' as 'over' }), /invalid method/);
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', balance: 'rows' as 'groups' }), /invalid balance/);
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', cohort: "sex = 'X'" }), /matches none of the 100 rows/);
  rejects(() => resample(t, { label: 'y', sensitive: 'sex', cohort: 'agee < 3' }), /unknown column: "agee"/);
  const warned = resample(t, { label: 'y', balance: 'groups' });
  assert.match(warned.warnings.join('\n'), /only one group/);
});
