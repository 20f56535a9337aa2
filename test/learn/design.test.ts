import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, isUserError } from '../../src/index.js';
import { designFeatures, encodeDesign, fitDesign } from '../../src/learn/index.js';

test('fitDesign standardises numbers with the population std and names columns like scikit-learn', () => {
  const t = Table.from({ age: [20, 30, 40, 50], sex: ['M', 'F', 'M', null] });
  const d = fitDesign(t, { features: ['age', 'sex'] });
  assert.deepEqual(d.names, ['num__age', 'cat__sex_F', 'cat__sex_M', 'cat__sex_Missing']);
  const m = encodeDesign(d, t);
  assert.equal(m.rows, 4);
  assert.equal(m.cols, 4);
  const std = Math.sqrt(125);
  assert.deepEqual(Array.from(m.data), [-15 / std, 0, 1, 0, -5 / std, 1, 0, 0, 5 / std, 0, 1, 0, 15 / std, 0, 0, 1]);
});

test('encodeDesign ignores unseen categories and maps missing to the Missing column only when training had one', () => {
  const train = Table.from({ c: ['a', 'b', 'a'] });
  const d = fitDesign(train, { features: ['c'] });
  assert.deepEqual(d.names, ['cat__c_a', 'cat__c_b']);
  const m = encodeDesign(d, Table.from({ c: ['z', null, 'b'] }));
  assert.deepEqual(Array.from(m.data), [0, 0, 0, 0, 0, 1]);
});

test('numeric missing values are imputed with the mean and the std counts imputed rows (SimpleImputer → StandardScaler)', () => {
  const t = Table.from({ x: [1, 3, null, null] });
  const d = fitDesign(t, { features: ['x'], missingIndicator: true });
  assert.deepEqual(d.names, ['num__x', 'num__x_missing']);
  const m = encodeDesign(d, t);
  // mean 2; imputed values 2, 2 → population std sqrt(2/4)
  const s = Math.sqrt(0.5);
  assert.deepEqual(Array.from(m.data), [-1 / s, 0, 1 / s, 0, 0, 1, 0, 1]);
});

test('missing: keep leaves NaN for trees, booleans encode as 0/1', () => {
  const t = Table.from({ x: [1, null], b: [true, false], c: ['u', null] });
  const d = fitDesign(t, { features: ['x', 'b', 'c'], standardize: false, missing: 'keep' });
  assert.deepEqual(d.names, ['num__x', 'bool__b', 'cat__c_u']);
  assert.deepEqual(Array.from(encodeDesign(d, t).data), [1, 1, 1, NaN, 0, NaN]);
});

test('weights shape the means (integer weights equal repeated rows)', () => {
  const w = fitDesign(Table.from({ x: [1, 5] }), { features: ['x'], weight: new Float64Array([3, 1]) });
  const r = fitDesign(Table.from({ x: [1, 1, 1, 5] }), { features: ['x'] });
  assert.deepEqual(w.columns, r.columns);
});

test('a constant column keeps scale 1, an all-missing column encodes as zeros, and empty tables work', () => {
  const d = fitDesign(Table.from({ k: [7, 7, 7], m: [null, null, null] as (number | null)[] }), { features: ['k', 'm'] });
  const m = encodeDesign(d, Table.from({ k: [7, 8], m: [null, 1] as (number | null)[] }));
  assert.deepEqual(Array.from(m.data), [0, 0, 1, 1]);
  const empty = encodeDesign(d, Table.from({ k: [] as number[], m: [] as number[] }));
  assert.equal(empty.data.length, 0);
});

test('encodeDesign rejects a column whose type changed, and fitDesign an unknown column, with user errors', () => {
  const d = fitDesign(Table.from({ x: [1, 2] }), { features: ['x'] });
  assert.throws(() => encodeDesign(d, Table.from({ x: ['a', 'b'] })), (e) => isUserError(e) && e.code === 'column_type_mismatch');
  assert.throws(() => fitDesign(Table.from({ x: [1] }), { features: ['y'] }), (e) => isUserError(e) && e.code === 'unknown_column');
});

test('the design is plain JSON and round-trips', () => {
  const t = Table.from({ x: [1, 2, 3], c: ['a', 'b', null] });
  const d = fitDesign(t, { features: ['x', 'c'] });
  const back = JSON.parse(JSON.stringify(d));
  assert.deepEqual(Array.from(encodeDesign(back, t).data), Array.from(encodeDesign(d, t).data));
});

test('huge values standardise without overflow', () => {
  const t = Table.from({ x: [1e300, -1e300, 5e299, -5e299] });
  const d = fitDesign(t, { features: ['x'] });
  const m = encodeDesign(d, t);
  const std = Math.sqrt((1 + 1 + 0.25 + 0.25) / 4) * 1e300;
  m.data.forEach((v, i) => assert.ok(Math.abs(v - (t.row(i).x as number) / std) < 1e-12, `row ${i}: ${v}`));
});

test('an all-missing column is accepted whatever type it was read as', () => {
  const d = fitDesign(Table.from({ c: ['a', 'b', null], f: [true, false, true] }), { features: ['c', 'f'] });
  const m = encodeDesign(d, Table.from({ c: [null, null], f: [null, null] }));
  assert.deepEqual(d.names, ['cat__c_Missing', 'cat__c_a', 'cat__c_b', 'bool__f']);
  assert.deepEqual(Array.from(m.data), [1, 0, 0, 2 / 3, 1, 0, 0, 2 / 3]);
});

test('designFeatures says which table column and category each design column encodes', () => {
  const d = fitDesign(Table.from({ x: [1, null], c: ['u', null], b: [true, false] }), { features: ['x', 'c', 'b'], missingIndicator: true });
  assert.deepEqual(designFeatures(d), [
    { name: 'num__x', column: 'x', kind: 'numeric' },
    { name: 'num__x_missing', column: 'x', kind: 'missing' },
    { name: 'cat__c_Missing', column: 'c', kind: 'category', category: 'Missing', isMissingCategory: true },
    { name: 'cat__c_u', column: 'c', kind: 'category', category: 'u', isMissingCategory: false },
    { name: 'bool__b', column: 'b', kind: 'boolean' },
  ]);
});
