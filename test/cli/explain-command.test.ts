import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../../src/adapters/load-model.js';
import { readTable } from '../../src/adapters/io/index.js';
import { cohortImportance, kernelShap, permutationImportance, type PartialDependence, type PermutationImportance } from '../../src/explain/index.js';
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
  const linear = explain([csv, '--model', join(ROOT, 'test', 'fixtures', 'onnx', 'logreg_zipmap.onnx'), '--features', fixture.features.join(','), '--method', 'treeshap']);
  assert.equal(linear.code, 2);
  assert.match(linear.stderr, /cannot explain the ONNX model with TreeSHAP.*use --method kernelshap/);
});


const logit = (p: number) => Math.log(p / (1 - p));

/** The rows of a CSV written by --out, as numbers. */
async function shapRows(path: string): Promise<{ names: string[]; rows: Record<string, number>[] }> {
  const { table } = await readTable(path);
  return { names: table.names(), rows: Array.from({ length: table.rowCount }, (_, i) => table.row(i) as Record<string, number>) };
}

test('candor explain --method kernelshap --json gives what kernelShap gives, for 1 or 2 workers', async () => {
  const args = [csv, '--model', model, '--method', 'kernelshap', '--background', 'kmeans:5', '--budget', '10', '--seed', '4', '--json'];
  const one = explain([...args, '--workers', '1']);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stderr, /^KernelSHAP: 300 rows × up to 10 coalitions × 5 background rows = up to 15,000 model evaluations\n/);
  const two = explain([...args, '--workers', '2']);
  const a = JSON.parse(one.stdout) as Record<string, unknown>;
  const b = JSON.parse(two.stdout) as Record<string, unknown>;
  assert.equal(a.workers, 1);
  assert.equal(b.workers, 2);
  assert.deepEqual({ ...a, workers: 0 }, { ...b, workers: 0 });
  const { table } = await readTable(csv);
  const m = await loadModel(model, { exclude: ['label'] });
  const r = await kernelShap(m, table, { background: { kmeans: 5 }, budget: 10, seed: 4 });
  assert.equal(a.space, 'margin');
  assert.deepEqual(a.expectedValue, r.expectedValue);
  assert.deepEqual(a.background, r.background);
  assert.deepEqual(a.coalitions, { exhaustiveRows: 0, sampledRows: 300, evaluated: r.coalitions.evaluated });
  const F = r.features.length;
  const meanAbs = r.features.map((_, j) => r.values[0].reduce((s, v, k) => (k % F === j ? s + Math.abs(v) : s), 0) / 300);
  (a.meanAbs as number[][])[0].forEach((v, j) => assert.ok(Math.abs(v - meanAbs[j]) < 1e-12));
});

test('candor explain --method kernelshap --out shap.csv: one row per data row, adding up to the log-odds', async () => {
  const out = join(dir, 'kernel.csv');
  const r = explain([csv, '--model', model, '--method', 'kernelshap', '--background', '20', '--out', out, '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KernelSHAP on 300 rows — margin space\nbackground: 20 of 300 rows sampled with seed 0; budget 2,056 coalitions per row: every coalition enumerated \(exact\); 84,000 model evaluations/);
  assert.match(r.stdout, /feature\s+mean \|SHAP\|/);
  const { names, rows } = await shapRows(out);
  assert.deepEqual(names, [...fixture.features, 'base_value']);
  assert.equal(rows.length, 300);
  rows.forEach((row, i) => {
    const total = fixture.features.reduce((s, f) => s + row[f], row.base_value);
    assert.ok(Math.abs(total - logit(fixture.predictions[i])) < 1e-5, `row ${i}: ${total} vs ${logit(fixture.predictions[i])}`);
  });
});

test('candor explain --method kernelshap --rows samples explicitly, --output probability explains probabilities', async () => {
  const out = join(dir, 'kernel-sample.csv');
  const r = explain([csv, '--model', model, '--method', 'kernelshap', '--rows', '30', '--seed', '2', '--output', 'probability', '--out', out, '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KernelSHAP on 30 of 300 rows sampled with seed 2 — probability space/);
  const { names, rows } = await shapRows(out);
  assert.deepEqual(names, ['row', ...fixture.features, 'base_value']);
  assert.equal(rows.length, 30);
  assert.equal(new Set(rows.map((x) => x.row)).size, 30);
  for (const row of rows) {
    const total = fixture.features.reduce((s, f) => s + row[f], row.base_value);
    assert.ok(Math.abs(total - fixture.predictions[row.row]) < 1e-6);
  }
});

test('candor explain --row prints the row’s top contributions with its values', () => {
  const r = explain([csv, '--model', model, '--method', 'kernelshap', '--row', '5', '--top', '2', '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /KernelSHAP: 1 row × up to 14 coalitions/);
  const head = new RegExp(`Row 5, class 1: ${Number(logit(fixture.predictions[5]).toPrecision(4))} = expected -?[\\d.]+ \\+ contributions \\(margin\\)`);
  assert.match(r.stdout, head);
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => /^feature\s+value\s+contribution/.test(l));
  const body = lines.slice(at + 2).filter((l) => l.trim() !== '');
  assert.equal(body.length, 3, r.stdout);
  assert.match(body[2], /^2 other features\s+[-+][\d.]+/);
  const [name, value] = body[0].trim().split(/\s+/);
  const j = fixture.features.indexOf(name);
  assert.ok(j >= 0);
  assert.equal(Number(value), fixture.rows[5][j]);
  const tree = explain([csv, '--model', model, '--method', 'treeshap', '--row', '5', '--no-color', '--json']);
  const local = (JSON.parse(tree.stdout) as { local: { row: number; contributions: { feature: string; contribution: number }[] } }).local;
  assert.equal(local.row, 5);
  const { contribs } = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { contribs: number[][] };
  for (const c of local.contributions) assert.ok(Math.abs(c.contribution - contribs[5][fixture.features.indexOf(c.feature)]) < 1e-5);
});

test('candor explain --cohort puts each cohort’s mean |SHAP| beside all rows', async () => {
  const args = [csv, '--model', model, '--method', 'treeshap', '--cohort', 'old=age > 50', '--cohort', 'nobody=age > 1000'];
  const text = explain([...args, '--no-color']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Mean \|SHAP\| per cohort\nfeature\s+all \(300\)\s+old \(\d+\)\s+nobody \(0\)/);
  assert.match(text.stdout, /nobody: no explained row is in the cohort/);
  const json = JSON.parse(explain([...args, '--json']).stdout) as { cohorts: ReturnType<typeof cohortImportance> };
  const { table } = await readTable(csv);
  const { contribs } = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { contribs: number[][] };
  const old = json.cohorts.cohorts[0];
  const rows = Array.from({ length: 300 }, (_, i) => i).filter((i) => (table.row(i).age as number) > 50);
  assert.equal(old.rows, rows.length);
  fixture.features.forEach((_, j) => {
    const expected = rows.reduce((s, i) => s + Math.abs(contribs[i][j]), 0) / rows.length;
    assert.ok(Math.abs(old.meanAbs![0][j] - expected) < 1e-5);
  });
  assert.equal(json.cohorts.cohorts[1].meanAbs, null);
});

test('candor explain --method treeshap explains ONNX tree ensembles: contributions add up to the raw scores', async () => {
  const trees = join(ROOT, 'test', 'fixtures', 'onnx-trees');
  const data = JSON.parse(readFileSync(join(trees, 'data.json'), 'utf8')) as { features: string[]; test: (number | null)[][] };
  const path = join(dir, 'onnx-trees.csv');
  writeFileSync(path, [data.features.join(','), ...data.test.map((r) => r.map((x) => (x === null ? '' : String(x))).join(','))].join('\n'));
  const out = join(dir, 'rf-shap.csv');
  const r = explain([path, '--model', join(trees, 'rf_multiclass.onnx'), '--method', 'treeshap', '--out', out, '--no-color']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /TreeSHAP \(exact, path-dependent\) on 60 rows — raw score before post_transform NONE/);
  const { names, rows } = await shapRows(out);
  const classes = names.filter((n) => n.startsWith('base_value__')).map((n) => n.slice('base_value__'.length));
  assert.deepEqual(classes, ['low', 'mid', 'high']);
  assert.equal(names.length, 3 * (data.features.length + 1));
  // An untransformed forest's raw scores are its probabilities, as onnxruntime computes them.
  const { table } = await readTable(path);
  const p = await (await loadModel(join(trees, 'rf_multiclass.onnx'))).predict(table);
  assert.ok(p.task === 'multiclass' && p.scores);
  rows.forEach((row, i) => {
    classes.forEach((c, k) => {
      const total = data.features.reduce((s, f) => s + row[`${f}__${c}`], row[`base_value__${c}`]);
      assert.ok(Math.abs(total - p.scores![k][i]) < 1e-5, `row ${i} class ${c}: ${total} vs ${p.scores![k][i]}`);
    });
  });
});

test('candor explain names bad SHAP options', () => {
  const fails = (args: string[], pattern: RegExp) => {
    const r = explain([csv, '--model', model, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
  };
  fails(['--method', 'treeshap', '--output', 'probability'], /treeshap explains the raw margin; use --method kernelshap --output probability/);
  fails(['--method', 'kernelshap', '--output', 'odds'], /invalid --output: "odds" \(expected raw or probability\)/);
  fails(['--method', 'kernelshap', '--row', '2', '--out', join(dir, 'x.csv')], /kernelshap --row N explains row N alone/);
  fails(['--method', 'kernelshap', '--row', '300'], /invalid --row: 300 \(the data have 300 rows, 0\.\.299\)/);
  fails(['--method', 'treeshap', '--class', 'maybe'], /unknown --class: "maybe"/);
});
