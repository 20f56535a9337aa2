import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cohortMask, isUserError, parseCohortFlag } from '../../src/index.js';
import { people } from './mask.case.js';

test('parseCohortFlag splits NAME=EXPRESSION at the first = that is no operator', () => {
  assert.deepEqual(parseCohortFlag('seniors=age > 60'), { name: 'seniors', expression: 'age > 60' });
  assert.deepEqual(parseCohortFlag('  seniors = age >= 60 '), { name: 'seniors', expression: 'age >= 60' });
  assert.deepEqual(parseCohortFlag("women=sex = 'F'"), { name: 'women', expression: "sex = 'F'" });
  assert.deepEqual(parseCohortFlag('high-income.v2=income > 1e5'), { name: 'high-income.v2', expression: 'income > 1e5' });
  assert.deepEqual(parseCohortFlag('"over ""60"""=age > 60'), { name: 'over "60"', expression: 'age > 60' });
  assert.deepEqual(parseCohortFlag('active=active'), { name: 'active', expression: 'active' });
});

test('parseCohortFlag explains the NAME=EXPRESSION form when there is no name', () => {
  const forgotten = ['x = 5', "x = 'a'", 'x = true', "sex = 'F' and age > 3", 'x = -y', 'x = y + 1'];
  for (const text of ['age > 60', 'age >= 60', 'age == 60', '=age > 60', '60 = age', 'a b=c', 'not active = true', '', ...forgotten]) {
    assert.throws(
      () => parseCohortFlag(text),
      (e: unknown) => isUserError(e) && e.code === 'invalid_cohort' && e.message === `invalid cohort: ${JSON.stringify(text)} (expected NAME=EXPRESSION, e.g. "seniors=age > 60")`,
      text,
    );
  }
});

test('parseCohortFlag reports a syntax error in the expression with a caret', () => {
  assert.throws(
    () => parseCohortFlag('seniors=age >'),
    (e: unknown) => isUserError(e) && e.code === 'syntax_error' && e.message === 'syntax error at character 5: expected an expression, found end of expression\nage >\n     ^',
  );
  assert.throws(
    () => parseCohortFlag('seniors='),
    (e: unknown) => isUserError(e) && e.code === 'syntax_error',
  );
});

test('cohortMask selects the cohort’s rows', () => {
  assert.deepEqual([...cohortMask(parseCohortFlag("\"older women\"=sex = 'F' and age > 20"), people).toIndices()], [0]);
  assert.deepEqual([...cohortMask({ name: 'all', expression: 'true' }, people).toIndices()], [0, 1, 2, 3, 4, 5]);
});
