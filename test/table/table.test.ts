import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bitset, Table, valueAt, isUserError } from '../../src/index.js';

test('Table.from infers column types and keeps missing values', () => {
  const t = Table.from({ age: [30, null, 61], sex: ['F', 'M', null], ok: [true, null, false], tags: [['a'], null, []] });
  assert.equal(t.rowCount, 3);
  assert.deepEqual(t.schema().map((f) => f.type), ['numeric', 'categorical', 'boolean', 'list']);
  assert.deepEqual(t.row(1), { age: null, sex: 'M', ok: null, tags: null });
  assert.deepEqual(t.row(2), { age: 61, sex: null, ok: false, tags: [] });
});

test('Table.column suggests the closest names for an unknown column', () => {
  const t = Table.from({ age: [1], race: ['x'] });
  assert.throws(
    () => t.column('agee'),
    (e: unknown) => isUserError(e) && e.code === 'unknown_column' && /did you mean "age"/.test(e.message),
  );
});

test('Table.take and filter keep the chosen rows in order', () => {
  const t = Table.from({ x: [10, 11, 12, 13], tags: [['a'], ['b', 'c'], null, []] });
  const f = t.filter(Bitset.fromIndices(4, [1, 3]));
  assert.deepEqual([f.row(0), f.row(1)], [{ x: 11, tags: ['b', 'c'] }, { x: 13, tags: [] }]);
  const k = t.take([2, 0]);
  assert.equal(valueAt(k.column('x'), 0), 12);
  assert.equal(valueAt(k.column('tags'), 0), null);
});

test('Bitset counts, combines and lists rows across word boundaries', () => {
  const n = 70;
  const a = Bitset.fromIndices(n, [0, 31, 32, 69]);
  const b = Bitset.fromIndices(n, [31, 40, 69]);
  assert.equal(a.count(), 4);
  assert.deepEqual([...a.and(b).toIndices()], [31, 69]);
  assert.deepEqual([...a.or(b).toIndices()], [0, 31, 32, 40, 69]);
  assert.deepEqual([...a.andNot(b).toIndices()], [0, 32]);
  assert.equal(a.not().count(), n - 4);
  assert.equal(Bitset.all(n).count(), n);
  assert.equal(new Bitset(0).count(), 0);
});
