// The dashboard's binary table container: every column type round-trips value for value, views
// are aligned, and damaged buffers are refused with a clear error rather than misread.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { booleanColumn, categoricalColumn, isUserError, listColumn, numericColumn, Table, valueAt } from '../../src/index.js';
import { decodeDataContainer, encodeDataContainer } from '../../src/dashboard/data-container.js';

function sameTable(a: Table, b: Table): void {
  assert.equal(b.rowCount, a.rowCount);
  assert.deepEqual(b.columns.map((c) => [c.name, c.type, c.role]), a.columns.map((c) => [c.name, c.type, c.role]));
  for (const c of a.columns) {
    const d = b.column(c.name);
    for (let i = 0; i < a.rowCount; i++) assert.deepEqual(valueAt(d, i), valueAt(c, i), `${c.name} row ${i}`);
  }
}

describe('data container', () => {
  test('round-trips numeric, categorical, boolean and list columns with missing values and roles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer(), (n, seed) => {
        let s = seed >>> 0;
        const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        const t = new Table([
          numericColumn('x', Array.from({ length: n }, () => (r() < 0.1 ? null : (r() - 0.5) * 1e6))),
          categoricalColumn('c', Array.from({ length: n }, () => (r() < 0.1 ? null : ['a', 'b', 'é ü', ''][Math.floor(r() * 4)])), 'sensitive'),
          booleanColumn('b', Array.from({ length: n }, () => (r() < 0.1 ? null : r() < 0.5)), 'label'),
          listColumn('l', Array.from({ length: n }, () => (r() < 0.1 ? null : ['p', 'q', 'r'].filter(() => r() < 0.5)))),
        ]);
        sameTable(t, decodeDataContainer(encodeDataContainer(t)));
      }),
    );
  });

  test('decodes from a buffer that does not start 8-byte aligned', () => {
    const t = new Table([numericColumn('x', [1.5, -2, NaN]), categoricalColumn('c', ['u', null, 'v'])]);
    const bytes = encodeDataContainer(t);
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    sameTable(t, decodeDataContainer(shifted));
  });

  test('refuses truncated or foreign buffers with a user error', () => {
    const bytes = encodeDataContainer(new Table([numericColumn('x', [1, 2, 3, 4])]));
    for (const bad of [bytes.subarray(0, 2), bytes.subarray(0, bytes.length - 8), new TextEncoder().encode('\u0004\u0000\u0000\u0000null')]) {
      assert.throws(() => decodeDataContainer(bad), (e) => isUserError(e) && /not a Candor table container/.test(e.message));
    }
  });
});
