import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isUserError, parseExpression, Table, toSql } from '../../src/index.js';
import { connect, loadTable, selectRows, selectTruth } from './duckdb-helper.js';
import { maskCases, people } from './mask.case.js';

const fields = people.schema();
const sql = (expression: string) => toSql(parseExpression(expression), fields);

let db: DuckDBConnection;
before(async () => {
  db = await connect();
  await loadTable(db, 'people_null', people);
  // The same table with every missing number stored as NaN rather than NULL.
  await loadTable(db, 'people_nan', people, () => true);
});
after(() => db.closeSync());

test('toSql quotes columns, casts every operand and binds every literal as a parameter', () => {
  assert.deepEqual(sql("age > 40 and sex in ('F', 'Other')"), {
    sql: `((nullif(CAST("age" AS DOUBLE), 'NaN'::DOUBLE) > CAST($1 AS DOUBLE)) AND (CAST("sex" AS VARCHAR) IN (CAST($2 AS VARCHAR), CAST($3 AS VARCHAR))))`,
    params: [40, 'F', 'Other'],
    types: ['DOUBLE', 'VARCHAR', 'VARCHAR'],
  });
  assert.deepEqual(sql("'diabetes' not in conditions or active is null"), {
    sql: '((NOT list_contains("conditions", CAST($1 AS VARCHAR))) OR (CAST("active" AS BOOLEAN) IS NULL))',
    params: ['diabetes'],
    types: ['VARCHAR'],
  });
  assert.equal(sql('-(income / 2) < 0').sql, `(nullif((-(CAST("income" AS DOUBLE) / nullif(CAST($1 AS DOUBLE), 0))), 'NaN'::DOUBLE) < CAST($2 AS DOUBLE))`);
});

test('toSql never pastes a literal or a name into the SQL unescaped', () => {
  const t = Table.from({ 'we"ird': ['x'] });
  const q = toSql(parseExpression(`"we""ird" = 'x''); DROP TABLE t; --'`), t.schema());
  assert.equal(q.sql, `(CAST("we""ird" AS VARCHAR) = CAST($1 AS VARCHAR))`);
  assert.deepEqual(q.params, ["x'); DROP TABLE t; --"]);
});

test('toSql rejects unknown columns and ill-typed expressions with the evaluator’s errors', () => {
  for (const [expression, code, message] of [
    ['agee > 3', 'unknown_column', 'unknown column: "agee" at character 0 (did you mean "age"?)'],
    ['sex > 5', 'type_error', "type error at character 0: cannot compare categorical column \"sex\" with number 5 (quote text values: '5')"],
  ]) {
    assert.throws(
      () => sql(expression),
      (e: unknown) => isUserError(e) && e.code === code && e.message === message,
    );
  }
});

test('toSql output runs in DuckDB with the parameters bound as given', async () => {
  const q = sql('age > 40');
  const statement = await db.prepare(`SELECT count(*)::INTEGER FROM people_null WHERE ${q.sql}`);
  statement.bind(q.params);
  assert.deepEqual((await statement.runAndReadAll()).getRowsJS(), [[2]]);
});

for (const { expression, rows } of maskCases) {
  test(`DuckDB selects the conformance rows for ${expression}`, async () => {
    const q = sql(expression);
    assert.deepEqual(await selectRows(db, 'people_null', q), rows, 'missing numbers as NULL');
    assert.deepEqual(await selectRows(db, 'people_nan', q), rows, 'missing numbers as NaN');
  });
}

test('DuckDB computes unknown exactly where the evaluator does', async () => {
  assert.deepEqual(await selectTruth(db, 'people_nan', sql("age > 100 or sex = 'F'")), [true, false, true, null, null, false]);
});
