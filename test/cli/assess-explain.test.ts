import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../../src/adapters/io/index.js';
import { explainRequestFrom } from '../../src/cli/assess-explain.js';
import { loadModel } from '../../src/adapters/load-model.js';
import { evaluateMask, parseExpression } from '../../src/cohort/index.js';
import type { Explanations } from '../../src/explain/schema.js';
import { fitLogistic, toOnnx } from '../../src/learn/index.js';
import type { Insights } from '../../src/report/insights.js';
import { numericColumn, type Table } from '../../src/table/index.js';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

// The committed XGBoost fixture (binary:logistic over age, income, score, tenure; a tree ensemble,
// so TreeSHAP) and its 300 rows; the label is the model's decision with every 5th row flipped. A
// logistic regression fitted here on the same rows and exported to ONNX is the non-tree model
// (KernelSHAP). Each explanation `assess --explain` gives is checked against `candor explain`
// run separately on the same model, rows and seed, and the per-cohort importance against mean
// |SHAP| recomputed here from the contributions `candor explain --out shap.csv` writes.
const fixtures = join(ROOT, 'test', 'fixtures', 'xgboost');
const xgboost = join(fixtures, 'binary.model.json');
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
const N = fixture.rows.length;
const OLD = 'old=age > 50';

/** Runs a CLI command that must succeed and returns its stdout. */
function ok(args: string[]): string {
  const r = candor(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** The data with the columns `assess --model` adds (its expressions may name them), scored independently of assess. */
async function scoredTable(modelPath: string): Promise<Table> {
  const { table } = await readTable(csv);
  const model = await loadModel(modelPath, { exclude: ['label'] });
  const p = await model.predict(table);
  assert.ok(p.task === 'binary' && p.scores);
  return table.withColumn(numericColumn('model_score', p.scores[1]));
}

/**
 * Mean |SHAP| per feature over the rows of `expression`, from a shap.csv written by `candor explain
 * --out` (a `row` column when rows were sampled); also the number of explained rows in the cohort.
 */
async function cohortMeanAbs(shapCsv: string, table: Table, expression: string): Promise<{ rows: number; meanAbs: number[] }> {
  const { table: shap } = await readTable(shapCsv);
  const mask = evaluateMask(parseExpression(expression), table);
  const sums = fixture.features.map(() => 0);
  let rows = 0;
  for (let i = 0; i < shap.rowCount; i++) {
    const r = shap.row(i) as Record<string, number>;
    if (!mask.get(shap.has('row') ? r.row : i)) continue;
    rows++;
    fixture.features.forEach((f, j) => (sums[j] += Math.abs(r[f])));
  }
  return { rows, meanAbs: sums.map((s) => s / rows) };
}

const close = (a: readonly (number | null)[], b: readonly (number | null)[], what: string, tol = 1e-9) => {
  assert.equal(a.length, b.length, what);
  a.forEach((x, k) => assert.ok(x !== null && b[k] !== null && Math.abs(x - (b[k] as number)) <= tol * Math.max(1, Math.abs(x)), `${what}[${k}]: ${x} vs ${b[k]}`));
};

test('assess --errors --explain on a tree model: TreeSHAP, permutation and dependence equal candor explain; cohorts equal mean |SHAP| over their rows', async () => {
  const out = join(dir, 'xgb');
  const text = ok(['assess', csv, '--label', 'label', '--model', xgboost, '--errors', '--explain', '--cohort', OLD, '--bootstrap', '0', '--out', out, '--no-color']);
  assert.match(text, /Explanations of .*binary\.model\.json \(binary\): TreeSHAP \(margin\) on 300 rows; permutation importance \(5 repeats, seed 0\) on 300 rows/);
  const insights = JSON.parse(readFileSync(join(out, 'insights.json'), 'utf8')) as Insights;
  const e = insights.explanations as Explanations;
  assert.ok(e.shap && e.permutation && e.cohorts && e.dependence, 'every part by default');
  assert.equal(e.rows, N);
  assert.equal(e.notes, undefined);

  // Global importance: the same numbers as candor explain --method treeshap on all rows.
  const shapCsv = join(dir, 'xgb-shap.csv');
  const explained = JSON.parse(ok(['explain', csv, '--model', xgboost, '--method', 'treeshap', '--json', '--out', shapCsv])) as Record<string, unknown>;
  for (const key of ['method', 'space', 'rows', 'sample', 'features', 'outputs', 'expectedValue', 'meanAbs']) assert.deepEqual((e.shap as Record<string, unknown>)[key], explained[key], key);
  assert.equal(e.shap.method, 'treeshap');
  assert.equal(e.shap.sample, null, 'all rows, no sample');

  // Permutation importance with its spread: the same as candor explain --method permutation (5 repeats, seed 0).
  const permutation = JSON.parse(ok(['explain', csv, '--model', xgboost, '--method', 'permutation', '--label', 'label', '--json'])) as Record<string, unknown>;
  assert.deepEqual(e.permutation, permutation);
  for (const f of e.permutation.features) {
    const values = f.values as number[];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs((f.mean as number) - mean) < 1e-12 && Math.abs((f.std as number) - Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length)) < 1e-12);
  }

  // Per-cohort importance: the three worst cohorts of the error analysis, then --cohort; each equal to mean |SHAP| over its rows.
  const worst = insights.errorAnalysis?.worstCohorts?.cohorts ?? [];
  assert.deepEqual(
    e.cohorts.cohorts.map((c) => [c.name, c.expression, c.source]),
    [...worst.slice(0, 3).map((w, k) => [`worst #${k + 1}`, w.expression, 'worst']), ['old', 'age > 50', 'cohort']],
  );
  const table = await scoredTable(xgboost);
  for (const c of e.cohorts.cohorts) {
    const expected = await cohortMeanAbs(shapCsv, table, c.expression);
    assert.equal(c.rows, expected.rows, c.name);
    close((c.meanAbs as number[][])[0], expected.meanAbs, c.name);
  }
  close(e.cohorts.overall.meanAbs[0], e.shap.meanAbs[0], 'overall', 0);

  // Dependence plots of the 4 features by decreasing mean |SHAP|; the first against candor explain --method pdp on all rows.
  const order = e.shap.features.map((f, j) => [f, e.shap!.meanAbs[0][j] as number] as const).sort((a, b) => b[1] - a[1]);
  assert.deepEqual(
    e.dependence.map((d) => d.feature),
    order.map(([f]) => f),
  );
  const d = e.dependence[0];
  const pdp = JSON.parse(ok(['explain', csv, '--model', xgboost, '--method', 'pdp', '--feature', d.feature, '--rows', String(N), '--json'])) as { grid: unknown[]; average: number[]; ice: number[][]; class: string };
  assert.deepEqual(d.grid, pdp.grid);
  assert.deepEqual(d.average, pdp.average);
  assert.equal(d.class, pdp.class);
  assert.deepEqual([d.rows, d.of], [N, N]);
  // ICE: a seeded sample of 100 rows; a row's curve does not depend on the others, so it is that row's curve among all rows'.
  const ice = d.ice!;
  assert.equal(ice.rows, 100);
  assert.equal(new Set(ice.rowIndices).size, 100);
  ice.rowIndices.forEach((row, r) => assert.deepEqual(ice.curves[r], pdp.ice[row], `ICE row ${row}`));

  // The report draws the section.
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<section id="explanations"/);
  assert.match(html, /href="#explanations"/);
});

test('assess --explain on a non-tree model: KernelSHAP on an explicit seeded sample, equal to candor explain --method kernelshap', async () => {
  const { table: data } = await readTable(csv);
  const logistic = join(dir, 'logistic.onnx');
  writeFileSync(logistic, toOnnx(fitLogistic(data, { label: 'label', features: fixture.features })));
  const args = ['--explain-rows', '120', '--explain-background', 'kmeans:10', '--seed', '3'];
  const insights = JSON.parse(ok(['assess', csv, '--label', 'label', '--model', logistic, '--explain', ...args, '--explain-dependence', '1', '--cohort', OLD, '--bootstrap', '0', '--json'])) as Insights;
  const e = insights.explanations as Explanations;
  assert.ok(e.shap && e.cohorts);
  assert.equal(e.shap.method, 'kernelshap');
  assert.deepEqual(e.shap.sample, { rows: 120, seed: 3, of: N });
  assert.match(e.notes?.join(' ') ?? '', /KernelSHAP estimates on a sample of 120 rows \(seed 3\)/);
  assert.deepEqual(e.cohorts.cohorts.map((c) => c.name), ['old'], 'no error analysis, so only the named cohort');
  assert.equal(e.dependence?.length, 1);
  assert.equal(e.permutation?.sample?.rows, 120, '--explain-rows samples the permutation rows too');

  const shapCsv = join(dir, 'kernel.csv');
  const explained = JSON.parse(ok(['explain', csv, '--model', logistic, '--method', 'kernelshap', '--rows', '120', '--background', 'kmeans:10', '--seed', '3', '--json', '--out', shapCsv])) as Record<string, unknown>;
  for (const key of ['method', 'space', 'rows', 'sample', 'features', 'outputs', 'expectedValue', 'meanAbs', 'background', 'budget', 'seed', 'coalitions', 'modelRows']) {
    assert.deepEqual((e.shap as Record<string, unknown>)[key], explained[key], key);
  }
  const expected = await cohortMeanAbs(shapCsv, data, 'age > 50');
  const old = e.cohorts.cohorts[0];
  assert.equal(old.rows, expected.rows);
  assert.ok(old.rows > 0 && old.rows < 120);
  close((old.meanAbs as number[][])[0], expected.meanAbs, 'old');

  // Asked by name, TreeSHAP refuses a model that is not a tree ensemble; permutation alone needs no SHAP.
  const tree = candor(['assess', csv, '--label', 'label', '--model', logistic, '--explain', '--explain-method', 'treeshap', '--json']);
  assert.equal(tree.code, 2);
  assert.match(tree.stderr, /cannot explain the ONNX model with TreeSHAP/);
  // With --pred, the assessment reads that column and the explanations still call the model.
  const withPred = JSON.parse(ok(['assess', csv, '--label', 'label', '--pred', 'age > 40', '--model', logistic, '--explain', '--explain-method', 'permutation', '--explain-dependence', '2', '--json'])) as Insights;
  assert.equal(withPred.config?.pred, 'age > 40');
  const perm = withPred.explanations as Explanations;
  assert.equal(perm.shap, undefined);
  assert.equal(perm.cohorts, undefined);
  assert.deepEqual(
    perm.dependence?.map((d) => d.feature),
    perm.permutation?.features.slice(0, 2).map((f) => f.name),
  );
});

test('assess --explain without a model is a clear error, as are --explain-* options without --explain or with a bad value', () => {
  const r = candor(['assess', csv, '--label', 'label', '--pred', 'label', '--explain']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--explain needs --model FILE\|URL/);
  assert.equal(r.stdout, '');
  // The flag parsing itself, without a process per case.
  assert.throws(() => explainRequestFrom({ 'explain-rows': '10' }, true), /--explain-rows needs --explain/);
  assert.throws(() => explainRequestFrom({ explain: true, 'explain-method': 'lime' }, true), /invalid --explain-method: "lime"/);
  assert.throws(() => explainRequestFrom({ explain: true, 'explain-method': 'treeshap,kernelshap' }, true), /choose one of shap, treeshap and kernelshap/);
  assert.throws(() => explainRequestFrom({ explain: true, 'explain-rows': '0' }, true), /invalid --explain-rows/);
  assert.equal(explainRequestFrom({}, false), null);
  assert.deepEqual(explainRequestFrom({ explain: true }, true), { methods: ['shap', 'permutation'], explicit: false, rows: undefined, background: { sample: 100 }, repeats: undefined, dependence: 4 });
});
