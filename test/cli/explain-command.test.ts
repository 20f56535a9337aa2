import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/adapters/load-model.js';
import { readTable } from '../../src/adapters/io/index.js';
import { permutationImportance, type PartialDependence, type PermutationImportance } from '../../src/explain/index.js';
import { candor, type CliResult, ROOT, tempDir } from '../helpers/cli.js';

// The committed XGBoost fixture (binary:logistic over age, income, score, tenure) and its rows;
// the label is the model's own decision with every 5th row flipped, so importance is well defined.
const fixtures = join(ROOT, 'test', 'fixtures', 'xgboost');
const model = join(fixtures, 'binary.model.json');
const fixture = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][]; predictions: number[] };
const dir = tempDir();
const csv = join(dir, 'binary.csv');
writeFileSync(
  csv,
  [
    [...fixture.features, 'label'].join(','),
    ...fixture.rows.map((r, i) => [...r.map((x) => (x === null ? '' : String(x))), String(Number(fixture.predictions[i] > 0.5) ^ Number(i % 5 === 0))].join(',')),
  ].join('\n'),
);

/** Runs `candor explain` and returns its exit code, stdout and stderr. */
function explain(args: string[]): CliResult {
  return candor(['explain', ...args]);
}

test('candor explain --method permutation --json gives what permutationImportance gives', async () => {
  const r = explain([csv, '--model', model, '--label', 'label', '--method', 'permutation', '--repeats', '3', '--seed', '2', '--json']);
  assert.equal(r.code, 0);
  const result = JSON.parse(r.stdout) as PermutationImportance;
  assert.equal(result.metric, 'roc_auc');
  assert.equal(result.rows, fixture.rows.length);
  assert.deepEqual(result.features.map((f) => f.name).sort(), [...fixture.features].sort());
  assert.ok(result.features.every((f) => f.values.length === 3));
  const { table } = await readTable(csv);
  const m = await loadModel(model, { exclude: ['label'] });
  assert.deepEqual(result, JSON.parse(JSON.stringify(await permutationImportance(m, table, { label: 'label', repeats: 3, seed: 2 }))));
});

test('candor explain --method permutation prints importance as bars with mean ± std', async () => {
  const out = join(dir, 'importance.json');
  const r = explain([csv, '--model', model, '--label', 'label', '--method', 'permutation', '--metric', 'log_loss', '--sample', '100', '--out', out, '--no-color']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Permutation importance \(drop in log_loss from [\d.]+; 5 repeats, seed 0; 100 of 300 rows sampled with seed 0\)/);
  for (const f of fixture.features) assert.match(r.stdout, new RegExp(`\\n${f}\\s+-?[\\d.e-]+\\s+± [\\d.e-]+`));
  assert.match(r.stdout, /█/);
  assert.match(r.stdout, /Wrote .*importance\.json/);
  assert.equal((JSON.parse(readFileSync(out, 'utf8')) as PermutationImportance).sample?.rows, 100);
});

test('candor explain --method pdp prints the partial dependence table and --json the curves', async () => {
  const text = explain([csv, '--model', model, '--method', 'pdp', '--feature', 'age', '--grid', '5', '--no-color']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^Partial dependence of P\(1\) on age \(numeric; 300 rows\)/);
  assert.match(text.stdout, /age\s+average\s+ice min\s+ice max/);
  const json = explain([csv, '--model', model, '--method', 'pdp', '--feature', 'age', '--grid', '5', '--rows', '50', '--seed', '3', '--json']);
  const pd = JSON.parse(json.stdout) as PartialDependence;
  assert.equal(pd.grid.length, 5);
  assert.equal(pd.ice?.length, 50);
  assert.equal(pd.rows, 50);
  assert.equal(pd.seed, 3);
  for (let g = 0; g < 5; g++) {
    const mean = (pd.ice as number[][]).reduce((s, c) => s + c[g], 0) / 50;
    assert.ok(Math.abs(mean - pd.average[g]) < 1e-12);
  }
});

test('candor explain names a missing method, label or feature', () => {
  const fails = (args: string[], pattern: RegExp) => {
    const r = explain([csv, '--model', model, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
  };
  fails([], /no method: pass --method permutation or --method pdp/);
  fails(['--method', 'shap'], /invalid --method: "shap"/);
  fails(['--method', 'permutation'], /needs --label/);
  fails(['--method', 'pdp'], /needs --feature/);
  fails(['--method', 'pdp', '--feature', 'agee'], /unknown column: "agee".*did you mean "age"/);
  fails(['--method', 'permutation', '--label', 'label', '--repeats', '0'], /invalid --repeats: "0"/);
});

test("candor explain --method treeshap --out shap.csv writes xgboost's pred_contribs, row by row", async () => {
  const { contribs } = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { contribs: number[][] };
  const out = join(dir, 'shap.csv');
  const r = explain([csv, '--model', model, '--method', 'treeshap', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /mean \|SHAP\|/);
  const { table } = await readTable(out);
  assert.deepEqual(table.names(), [...fixture.features, 'base_value']);
  for (let i = 0; i < contribs.length; i++) {
    const row = table.row(i);
    [...fixture.features, 'base_value'].forEach((name, j) => assert.ok(Math.abs((row[name] as number) - contribs[i][j]) < 1e-5, `row ${i} ${name}`));
  }
  const onnx = explain([csv, '--model', join(ROOT, 'test', 'fixtures', 'onnx', 'trees.onnx'), '--method', 'treeshap']);
  assert.equal(onnx.code, 2);
  assert.match(onnx.stderr, /treeshap needs .*XGBoost/);
});
