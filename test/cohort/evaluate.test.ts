import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  booleanColumn,
  categoricalFromCodes,
  evaluateColumn,
  evaluateMask,
  isUserError,
  numericColumn,
  parseExpression,
  Table,
  valueAt,
  type Column,
} from '../../src/index.js';
import { maskCases, people } from './mask.case.js';

const rows = (expression: string, table: Table): number[] => [...evaluateMask(parseExpression(expression), table).toIndices()];

function errorOf(expression: string, table: Table): { code: string; message: string } {
  try {
    evaluateMask(parseExpression(expression), table);
  } catch (e) {
    assert.ok(isUserError(e), String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail(`${expression} evaluated`);
}

const values = (c: Column): unknown[] => Array.from({ length: c.type === 'list' ? c.missing.length : c.type === 'categorical' ? c.codes.length : c.values.length }, (_, i) => valueAt(c, i));

for (const { expression, rows: expected } of maskCases) {
  test(`evaluateMask selects the conformance rows for ${expression}`, () => {
    assert.deepEqual(rows(expression, people), expected);
  });
}

test('evaluateMask treats NaN and null alike as missing', () => {
  const t = Table.from({ x: [NaN, null, 1] });
  assert.deepEqual(rows('x = x', t), [2]);
  assert.deepEqual(rows('not x > 0', t), []);
  assert.deepEqual(rows('x is null', t), [0, 1]);
});

test('evaluateMask handles an empty table', () => {
  const t = new Table([numericColumn('x', []), categoricalFromCodes('s', new Int32Array(0), [])]);
  for (const e of ['x > 1', "not s = 'a'", 'true', 'x is null', "s in ('a', null)"]) {
    const mask = evaluateMask(parseExpression(e), t);
    assert.equal(mask.size, 0);
    assert.equal(mask.count(), 0);
  }
});

test('evaluateMask handles a single row', () => {
  const t = new Table([numericColumn('x', [3]), categoricalFromCodes('s', Int32Array.from([0]), ['a']), booleanColumn('b', [null])]);
  assert.deepEqual(rows("x > 2 and s = 'a'", t), [0]);
  assert.deepEqual(rows('b or x > 5', t), []);
  assert.deepEqual(rows('not (b and x > 5)', t), [0]);
});

test('evaluateMask keeps rows past a 32-row word boundary exact under not', () => {
  const t = Table.from({ x: Array.from({ length: 70 }, (_, i) => (i === 33 ? null : i)) });
  assert.deepEqual(rows('x >= 31 and x < 35', t), [31, 32, 34]);
  const mask = evaluateMask(parseExpression('not (x >= 31 and x < 35)'), t);
  assert.equal(mask.count(), 66);
  assert.equal(mask.get(69), true);
  assert.equal(evaluateMask(parseExpression('true'), t).count(), 70);
  assert.equal(evaluateMask(parseExpression('not false'), t).count(), 70);
});

test('evaluateMask compares huge and tiny numbers exactly', () => {
  const t = Table.from({ x: [Number.MAX_VALUE, -Number.MAX_VALUE, 9007199254740992, 5e-324, 0, -0] });
  assert.deepEqual(rows('x > 1e308', t), [0]);
  assert.deepEqual(rows('x < -1e308', t), [1]);
  assert.deepEqual(rows('x = 9007199254740993', t), [2]); // the literal rounds to 2^53, as in float64 SQL
  assert.deepEqual(rows('x > 0 and x < 1e-300', t), [3]);
  assert.deepEqual(rows('x = 0', t), [4, 5]);
  assert.deepEqual(rows('x * 10 > 1e308', t), [0]); // overflow to Infinity
  assert.deepEqual(rows('x * 10 - x * 10 is null', t), [0, 1]); // Infinity - Infinity is NaN: missing
});

test('evaluateMask compares text byte-wise as UTF-8, like DuckDB', () => {
  const t = Table.from({ s: ['B', 'a', 'é', '\uFFFD', '😀', ''] });
  assert.deepEqual(rows("s < 'a'", t), [0, 5]);
  assert.deepEqual(rows("s > 'z'", t), [2, 3, 4]);
  // UTF-16 order would put U+FFFD after the surrogate pair of 😀; code-point order puts it before.
  assert.deepEqual(rows("s > '\uFFFD'", t), [4]);
  assert.deepEqual(rows("s = ''", t), [5]);
});

test('evaluateMask compares categorical columns by their text, whatever their dictionaries', () => {
  const a = categoricalFromCodes('a', Int32Array.from([0, 1, 2, -1, 0]), ['x', 'y', 'z']);
  const b = categoricalFromCodes('b', Int32Array.from([2, 1, 0, 0, -1]), ['z', 'y', 'x']);
  const t = new Table([a, b]);
  assert.deepEqual(rows('a = b', t), [0, 1, 2]);
  assert.deepEqual(rows('a < b', t), []);
  assert.deepEqual(rows('a != b', t), []);
  assert.deepEqual(rows("a between 'x' and b", t), [0, 1, 2]);
});

test('evaluateMask tolerates a dictionary that repeats a value', () => {
  const t = new Table([categoricalFromCodes('s', Int32Array.from([0, 1, 2]), ['F', 'M', 'F'])]);
  assert.deepEqual(rows("s = 'F'", t), [0, 2]);
  assert.deepEqual(rows("s in ('F')", t), [0, 2]);
  assert.deepEqual(rows("s = 'Z'", t), []);
});

test('evaluateMask finds a value in list columns, where a missing list is unknown and an empty one is not', () => {
  const t = Table.from({ tags: [['a', 'b'], [], null, ['b'], ['a']] });
  assert.deepEqual(rows("'a' in tags", t), [0, 4]);
  assert.deepEqual(rows("'a' not in tags", t), [1, 3]);
  assert.deepEqual(rows("'zzz' in tags", t), []);
  assert.deepEqual(rows('tags is not null', t), [0, 1, 3, 4]);
});

test('evaluateMask does not modify the table', () => {
  const t = Table.from({ x: [1, null, 3] });
  const before = Float64Array.from((t.column('x') as { values: Float64Array }).values);
  rows('-x * 2 + x / 0 is null', t);
  assert.deepEqual((t.column('x') as { values: Float64Array }).values, before);
});

test('an unknown column is named with its position and the closest columns', () => {
  assert.deepEqual(errorOf('agee > 3', people), { code: 'unknown_column', message: 'unknown column: "agee" at character 0 (did you mean "age"?)' });
  assert.deepEqual(errorOf("sex = 'F' and AGE > 3", people), { code: 'unknown_column', message: 'unknown column: "AGE" at character 14 (did you mean "age"?)' });
  assert.match(errorOf('sex = "Female"', people).message, /^unknown column: "Female" at character 6.*text values take single quotes: 'Female'/);
});

test('a type error names the column, its type and the position', () => {
  const cases: [string, string][] = [
    ['sex > 5', "type error at character 0: cannot compare categorical column \"sex\" with number 5 (quote text values: '5')"],
    ["age = 'x'", "type error at character 0: cannot compare numeric column \"age\" with text 'x'"],
    ["age = '40'", "type error at character 0: cannot compare numeric column \"age\" with text '40' (numbers take no quotes: 40)"],
    ['active = 1', 'type error at character 0: cannot compare boolean column "active" with number 1'],
    ['sex = age', 'type error at character 0: cannot compare categorical column "sex" with numeric column "age"'],
    ['age > 1 and sex in (1)', "type error at character 20: cannot compare categorical column \"sex\" with number 1 (quote text values: '1')"],
    ['age between 1 and sex', 'type error at character 0: cannot compare numeric column "age" with categorical column "sex"'],
    ['age = null', 'type error at character 0: comparing with null is always unknown (to find missing values write age is null)'],
    ["conditions = 'a'", "type error at character 0: list column \"conditions\" cannot be compared (test membership with 'value' in conditions)"],
    ["'a' in sex", "type error at character 0: \"'a' in sex\" needs a list column, but categorical column \"sex\" is not one (write sex = 'a')"],
    ['5 in conditions', "type error at character 0: \"in conditions\" looks for text, but number 5 is not text (quote it: '5')"],
    ['age and active', 'type error at character 0: "and" needs conditions, but numeric column "age" is not one (compare it, e.g. age > 0)'],
    ['not sex', "type error at character 4: \"not\" needs conditions, but categorical column \"sex\" is not one (compare it, e.g. sex = 'value')"],
    ['-sex > 1', 'type error at character 1: "-" needs numbers, but categorical column "sex" is not numeric'],
    ['age + active > 1', 'type error at character 6: "+" needs numbers, but boolean column "active" is not numeric'],
    ['age + 1', 'type error at character 0: a cohort needs a condition, but numeric expression age + 1 is not one (compare it, e.g. age + 1 > 0)'],
    ['conditions', "type error at character 0: a cohort needs a condition, but list column \"conditions\" is not one (test membership, e.g. 'value' in conditions)"],
  ];
  for (const [expression, message] of cases) assert.deepEqual(errorOf(expression, people), { code: 'type_error', message }, expression);
});

test('evaluateColumn turns a condition into a boolean column with unknown as missing', () => {
  const c = evaluateColumn(parseExpression('age >= 40'), people, 'senior');
  assert.equal(c.type, 'boolean');
  assert.equal(c.name, 'senior');
  assert.deepEqual(values(c), [false, true, null, true, null, true]);
});

test('evaluateColumn computes arithmetic into a numeric column, x / 0 missing', () => {
  const c = evaluateColumn(parseExpression('income / (age - 25)'), people, 'ratio');
  assert.equal(c.type, 'numeric');
  assert.deepEqual(values(c), [null, 50000 / 36, null, null, null, 0]);
  assert.deepEqual(values(evaluateColumn(parseExpression('2 * 3'), people, 'six')), [6, 6, 6, 6, 6, 6]);
});

test('evaluateColumn returns a bare column renamed, sharing its data, and a text literal as a constant', () => {
  const sex = evaluateColumn(parseExpression('sex'), people, 'group');
  assert.equal(sex.name, 'group');
  assert.equal(sex.type === 'categorical' && sex.codes, (people.column('sex') as { codes: Int32Array }).codes);
  assert.deepEqual(values(evaluateColumn(parseExpression("'all'"), people, 'g')), ['all', 'all', 'all', 'all', 'all', 'all']);
  assert.deepEqual(values(evaluateColumn(parseExpression('null'), people, 'g')), [null, null, null, null, null, null]);
});

test('evaluateMask compares with infinite and signed-zero constants at the edges of every operator', () => {
  const t = Table.from({ x: [-Infinity, -Number.MAX_VALUE, -5e-324, -0, 0, 5e-324, Number.MAX_VALUE, Infinity, NaN] });
  const big = '1e308 * 10'; // Infinity, as no literal can be
  assert.deepEqual(rows(`x > ${big}`, t), []);
  assert.deepEqual(rows(`x >= ${big}`, t), [7]);
  assert.deepEqual(rows(`x < -${big}`, t), []);
  assert.deepEqual(rows(`x <= -(${big})`, t), [0]);
  assert.deepEqual(rows(`x > -(${big})`, t), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(rows('x > 0', t), [5, 6, 7]);
  assert.deepEqual(rows('x >= -0', t), [3, 4, 5, 6, 7]);
  assert.deepEqual(rows('x < -0', t), [0, 1, 2]);
  assert.deepEqual(rows('x <= 0', t), [0, 1, 2, 3, 4]);
  assert.deepEqual(rows('x != 0', t), [0, 1, 2, 5, 6, 7]);
  assert.deepEqual(rows('x > -5e-324 and x < 5e-324', t), [3, 4]);
});
