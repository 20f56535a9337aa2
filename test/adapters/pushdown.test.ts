// The DuckDB push-down (GROUP BY cells + frequency weights) must give exactly what the in-memory
// path gives, for every field of the insights document it produces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assess, Random, Table, type AssessOptions } from '../../src/index.js';
import { withDuckDb, writeTableCsv } from '../../src/node.js';
import { assessPushdown } from '../../src/adapters/pushdown.js';
import { tempDir } from '../helpers/cli.js';

async function fixture() {
  const r = new Random(11);
  const n = 3000;
  const data: Record<string, (string | number | null)[]> = { age: [], sex: [], race: [], y: [], decile: [], outcome: [] };
  for (let i = 0; i < n; i++) {
    data.age.push(r.next() < 0.02 ? null : 18 + r.int(60));
    data.sex.push(r.next() < 0.5 ? 'Female' : 'Male');
    data.race.push(r.next() < 0.01 ? null : ['A', 'B', 'C', 'D'][r.int(4)]);
    const decile = 1 + r.int(10);
    data.decile.push(decile);
    data.y.push(r.next() < 0.03 ? null : r.next() < decile / 12 ? 1 : 0);
    data.outcome.push(r.next() < decile / 11 ? 'yes' : 'no');
  }
  const table = Table.from(data);
  const dir = tempDir();
  const csv = join(dir, 'data.csv');
  const parquet = join(dir, 'data.parquet');
  await writeTableCsv(table, csv);
  await withDuckDb(async (db) => {
    await db.connection.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, types = {'outcome': 'VARCHAR', 'sex': 'VARCHAR', 'race': 'VARCHAR'})) TO '${parquet}' (FORMAT parquet)`);
  });
  return { table, parquet };
}

const cases: [string, Omit<AssessOptions, 'label'> & { label: string }][] = [
  ['column label and expression prediction, groups and an intersection', { label: 'y', pred: 'decile >= 5', sensitive: [['sex'], ['race'], ['sex', 'race']], reference: { race: 'B' } }],
  ['expression label, where and cohorts, zero-division 0', { label: "outcome = 'yes'", pred: 'decile > 6', where: 'age >= 21', cohorts: [{ name: 'older', expression: 'age > 50' }, { name: 'b_women', expression: "race = 'B' and sex = 'Female'" }], sensitive: [['race']], zeroDivision: 0 }],
  ['bootstrap intervals from the cells', { label: 'y', pred: 'decile >= 7', sensitive: [['sex']], bootstrap: 300, seed: 5 }],
];

for (const [name, options] of cases) {
  test(`push-down equals the in-memory assessment: ${name}`, async () => {
    const { table, parquet } = await fixture();
    const opts = { bootstrap: 0, ...options };
    const pushed = await assessPushdown(parquet, 'parquet', opts);
    assert.ok(pushed, 'the push-down path ran');
    assert.equal(pushed!.insights.config!.aggregation, 'duckdb-group-by');
    assert.ok(pushed!.cells.rowCount < 200, `aggregated to ${pushed!.cells.rowCount} cells`);
    const memory = assess(table, opts);
    const p = pushed!.insights;
    assert.equal(p.rows, memory.rows);
    assert.deepEqual(p.overall, memory.overall);
    assert.deepEqual(p.overallCi, memory.overallCi);
    assert.deepEqual(p.groups, memory.groups);
    assert.deepEqual(p.disparities, memory.disparities);
    assert.deepEqual(p.fairness, memory.fairness);
    assert.deepEqual(p.reference, memory.reference);
    assert.deepEqual(p.cohorts, memory.cohorts);
    assert.deepEqual(p.warnings, memory.warnings);
  });
}

test('push-down declines what it cannot aggregate, so the caller assesses in memory', async () => {
  const { parquet } = await fixture();
  // An unknown column: the in-memory path reports it with suggestions.
  assert.equal(await assessPushdown(parquet, 'parquet', { label: 'yy', pred: 'decile >= 5' }), null);
  // An unknown sensitive column, found by DuckDB's binder when no schema was needed.
  assert.equal(await assessPushdown(parquet, 'parquet', { label: 'y', pred: 'decile', sensitive: [['rac']] }), null);
  // A where clause that matches nothing: the in-memory path gives the precise error.
  assert.equal(await assessPushdown(parquet, 'parquet', { label: 'y', pred: 'decile >= 5', where: 'age > 1000' }), null);
});
