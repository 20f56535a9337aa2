import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, numericColumn, categoricalColumn, booleanColumn, listColumn } from '../../src/index.js';
import { decodeTable, encodeTable, sampleIndices, type EncodedTable } from '../../src/report/index.js';

function rows(t: Table) {
  return Array.from({ length: t.rowCount }, (_, i) => t.row(i));
}

test('encodeTable round-trips every column type with missing values', () => {
  const t = new Table([
    numericColumn('int8', [1, -5, null, 127], 'feature'),
    numericColumn('int16', [1000, null, -32767, 0]),
    numericColumn('int32', [70_000, -2_000_000_000, null, 3]),
    numericColumn('f32', [0.5, 0.25, null, -1.5]),
    numericColumn('f64', [0.1, 1e300, -Infinity, null]),
    numericColumn('negzero', [-0, 1, 2, 3]),
    categoricalColumn('sex', ['F', null, 'M', 'F'], 'sensitive'),
    booleanColumn('ok', [true, null, false, true], 'label'),
    listColumn('tags', [['a', 'b'], null, [], ['b']]),
  ]);
  const payload = encodeTable(t);
  assert.deepEqual(
    payload.columns.map((c) => ('encoding' in c ? c.encoding : c.type)),
    ['i8', 'i16', 'i32', 'f32', 'f64', 'f32', 'u8', 'boolean', 'u8'],
  );
  const back = decodeTable(JSON.parse(JSON.stringify(payload)) as EncodedTable);
  assert.deepEqual(rows(back), rows(t));
  assert.ok(Object.is(back.row(0).negzero, -0), '-0 survives');
  assert.deepEqual(back.schema(), t.schema());
  assert.equal(payload.sampled, false);
  assert.equal(payload.totalRows, 4);
  assert.equal(payload.sampleRows, 4);
});

test('encodeTable handles an empty table and a one-row table', () => {
  const empty = new Table([numericColumn('x', []), categoricalColumn('c', [])]);
  assert.equal(decodeTable(encodeTable(empty)).rowCount, 0);
  const one = Table.from({ x: [NaN], c: [null] });
  assert.deepEqual(decodeTable(encodeTable(one)).row(0), { x: null, c: null });
});

test('encodeTable keeps a column whose values are all missing', () => {
  const t = Table.from({ x: [null, null, null] });
  assert.deepEqual(rows(decodeTable(encodeTable(t))), [{ x: null }, { x: null }, { x: null }]);
});

test('integer sentinels never collide with real values', () => {
  const t = new Table([numericColumn('x', [-128, 5, null]), numericColumn('y', [-32768, 1, null])]);
  const payload = encodeTable(t);
  assert.deepEqual(payload.columns.map((c) => (c.type === 'numeric' ? c.encoding : '')), ['i16', 'i32']);
  assert.deepEqual(rows(decodeTable(payload)), rows(t));
});

test('large dictionaries use wider codes', () => {
  const values = Array.from({ length: 300 }, (_, i) => `v${i}`);
  const t = Table.from({ c: [...values, null] });
  const payload = encodeTable(t);
  assert.equal(payload.columns[0].type === 'categorical' && payload.columns[0].encoding, 'u16');
  assert.deepEqual(rows(decodeTable(payload)), rows(t));
});

test('encodeTable samples above maxRows with a seed, keeps source order, and says so', () => {
  const n = 1000;
  const t = Table.from({ i: Array.from({ length: n }, (_, k) => k) });
  const a = encodeTable(t, { maxRows: 100, seed: 3 });
  const b = encodeTable(t, { maxRows: 100, seed: 3 });
  const c = encodeTable(t, { maxRows: 100, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.columns, c.columns);
  assert.equal(a.sampled, true);
  assert.equal(a.totalRows, 1000);
  assert.equal(a.sampleRows, 100);
  assert.equal(a.seed, 3);
  const ids = rows(decodeTable(a)).map((r) => r.i as number);
  assert.equal(new Set(ids).size, 100);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
});

test('sampleIndices is uniform enough: every row is chosen about k/n of the time', () => {
  const n = 50;
  const k = 10;
  const hits = new Array(n).fill(0);
  for (let seed = 0; seed < 2000; seed++) for (const i of sampleIndices(n, k, seed)) hits[i]++;
  // Expected 400 per row; a binomial sd of about 18, so 320..480 is beyond 4 sd.
  for (const h of hits) assert.ok(h > 320 && h < 480, `row chosen ${h} times`);
});

test('encodeTable carries the options without callbacks and with plain cohorts', () => {
  const t = Table.from({ y: [1, 0], s: [0.2, 0.9] });
  const payload = encodeTable(t, { options: { label: 'y', score: 's', seed: 11, onProgress: () => {}, cohorts: [{ name: 'high', expression: 's > 0.5' }] } });
  assert.equal(payload.seed, 11);
  assert.deepEqual(payload.options, { label: 'y', score: 's', seed: 11, cohorts: [{ name: 'high', expression: 's > 0.5' }] });
});

test('encodeTable embeds only the chosen columns and leaves out ignored ones by default', () => {
  const t = new Table([numericColumn('a', [1]), numericColumn('b', [2], 'ignore'), numericColumn('c', [3])]);
  assert.deepEqual(decodeTable(encodeTable(t)).names(), ['a', 'c']);
  assert.deepEqual(decodeTable(encodeTable(t, { columns: ['c', 'b'] })).names(), ['c', 'b']);
});

test('decodeTable rejects a payload that is not a Candor table or is inconsistent', () => {
  assert.throws(() => decodeTable({ format: 'x' } as unknown as EncodedTable), /not an embedded Candor table/);
  const payload = encodeTable(Table.from({ c: ['a', 'b'] }));
  assert.throws(() => decodeTable({ ...payload, sampleRows: 3 }), /expected 3/);
});
