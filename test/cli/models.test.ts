// candor predict and candor assess --model, end to end through the built binary, on the committed
// model fixtures (test/fixtures/xgboost, test/fixtures/onnx): predictions equal the recorded ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table } from '../../src/index.js';
import { readTable, writeTableCsv } from '../../src/node.js';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'xgboost', 'binary.data.json'), 'utf8')) as {
  features: string[];
  rows: (number | null)[][];
  predictions: number[];
};
const model = join(ROOT, 'test', 'fixtures', 'xgboost', 'binary.model.json');

async function dataFile(): Promise<string> {
  const columns: Record<string, (number | string | null)[]> = {};
  fixture.features.forEach((f, j) => (columns[f] = fixture.rows.map((r) => r[j])));
  // A label the model should mostly agree with, and a sensitive column.
  columns.churned = fixture.predictions.map((p, i) => (i % 7 === 0 ? (p >= 0.5 ? 0 : 1) : p >= 0.5 ? 1 : 0));
  columns.region = fixture.rows.map((_, i) => (i % 3 === 0 ? 'north' : 'south'));
  const path = join(dir, 'customers.csv');
  await writeTableCsv(Table.from(columns), path);
  return path;
}

test('candor predict writes the rows with the model prediction and class probabilities (CSV and Parquet)', async () => {
  const data = await dataFile();
  for (const out of [join(dir, 'preds.csv'), join(dir, 'preds.parquet')]) {
    const r = candor(['predict', '--model', model, data, '--features', fixture.features.join(','), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Scored ${fixture.rows.length} rows`));
    const { table } = await readTable(out);
    assert.deepEqual(table.names().slice(-3), ['prediction', 'probability_0', 'probability_1']);
    const p1 = table.column('probability_1');
    assert.equal(p1.type, 'numeric');
    fixture.predictions.forEach((p, i) => assert.ok(Math.abs((p1 as { values: Float64Array }).values[i] - p) < 1e-5, `row ${i}`));
  }
});

test('candor assess --model scores on the fly and equals assessing the written predictions', async () => {
  const data = await dataFile();
  const r = candor(['assess', data, '--model', model, '--features', fixture.features.join(','), '--label', 'churned', '--sensitive', 'region', '--bootstrap', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const onTheFly = JSON.parse(r.stdout);
  const preds = join(dir, 'scored.csv');
  assert.equal(candor(['predict', '--model', model, data, '--features', fixture.features.join(','), '--out', preds]).code, 0);
  const r2 = candor(['assess', preds, '--label', 'churned', '--pred', 'prediction', '--score', 'probability_1', '--sensitive', 'region', '--bootstrap', '0', '--json']);
  assert.equal(r2.code, 0, r2.stderr);
  const fromFile = JSON.parse(r2.stdout);
  for (const m of ['accuracy', 'false_positive_rate', 'selection_rate', 'roc_auc', 'log_loss']) {
    assert.ok(Math.abs(onTheFly.overall[m] - fromFile.overall[m]) < 1e-6, `${m}: ${onTheFly.overall[m]} vs ${fromFile.overall[m]}`);
  }
  assert.ok(onTheFly.overall.accuracy > 0.8);
});

test('model errors are one clear line: missing file, unknown kind, wrong features', async () => {
  const data = await dataFile();
  const missing = candor(['predict', '--model', join(dir, 'nope.onnx'), data, '--out', join(dir, 'x.csv')]);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
  const kind = candor(['predict', '--model', join(dir, 'model.pkl'), data, '--out', join(dir, 'x.csv')]);
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /cannot tell what kind of model/);
  const wrong = candor(['predict', '--model', model, data, '--features', 'age,income', '--out', join(dir, 'x.csv')]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.doesNotMatch(wrong.stderr, /\n\s+at /);
});
