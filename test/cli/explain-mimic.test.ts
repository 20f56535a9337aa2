import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../../src/adapters/io/index.js';
import { loadModel } from '../../src/adapters/load-model.js';
import { fitMimic, shapTreesFromTree, treeShap } from '../../src/explain/index.js';
import type { TreeModel } from '../../src/learn/index.js';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

// The committed XGBoost fixture (binary:logistic over age, income, score, tenure) stands for the
// black box; `candor explain --method mimic` trains a surrogate tree on its probabilities.
const fixtures = join(ROOT, 'test', 'fixtures', 'xgboost');
const xgboost = join(fixtures, 'binary.model.json');
const fixture = JSON.parse(readFileSync(join(fixtures, 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][]; predictions: number[] };
const dir = tempDir();
const csv = join(dir, 'binary.csv');
writeFileSync(csv, [fixture.features.join(','), ...fixture.rows.map((r) => r.map((x) => (x === null ? '' : String(x))).join(','))].join('\n'));

interface MimicJson {
  learner: string;
  target: string;
  trainRows: number;
  holdoutRows: number;
  fidelity: { rows: number; accuracy: number; r2: number };
  importance: { method: string; rows: number; features: string[]; outputs: string[]; expectedValue: number[]; meanAbs: number[][] };
}

test('candor explain --method mimic reports the fidelity of the surrogate it writes, and its exact mean |SHAP|', async () => {
  const onnx = join(dir, 'mimic.onnx');
  const r = candor(['explain', csv, '--model', xgboost, '--method', 'mimic', '--mimic-learner', 'tree', '--seed', '2', '--out', onnx, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout) as MimicJson;
  assert.equal(m.learner, 'tree');
  assert.equal(m.target, 'scores');
  assert.deepEqual([m.trainRows, m.holdoutRows], [240, 60]);

  // Fidelity written out from the definitions on the held-out rows (the same seeded split), with the
  // surrogate as the ONNX file --out wrote (scored by onnxruntime) against the model's probabilities.
  const { table } = await readTable(csv);
  const model = await loadModel(xgboost);
  const again = await fitMimic(model, table, { learner: 'tree', seed: 2 });
  const held = table.take(again.holdoutRows);
  const p = await model.predict(held);
  const surrogate = await loadModel(onnx);
  const s = await surrogate.predict(held);
  assert.ok(p.task === 'binary' && p.scores && s.task === 'regression');
  const y = Array.from(p.scores[1]);
  const f = Array.from(s.values);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const r2 = 1 - y.reduce((a, v, i) => a + (v - f[i]) ** 2, 0) / y.reduce((a, v) => a + (v - mean) ** 2, 0);
  const agreement = y.filter((_, i) => (f[i] >= 0.5 ? 1 : 0) === p.labels[i]).length / y.length;
  assert.equal(m.fidelity.rows, 60);
  assert.ok(Math.abs(m.fidelity.r2 - r2) < 1e-5, `r2 ${m.fidelity.r2} vs ${r2}`);
  assert.equal(m.fidelity.accuracy, agreement);
  assert.ok(m.fidelity.r2 > 0.3, 'a depth-8 tree follows the model somewhat');

  // Importance: mean |SHAP| of contributions that add up, row by row, to the written surrogate's output.
  const shap = treeShap(shapTreesFromTree(again.surrogate as TreeModel), table);
  const all = await surrogate.predict(table);
  assert.ok(all.task === 'regression');
  const F = shap.features.length;
  for (let i = 0; i < table.rowCount; i++) {
    let total = shap.expectedValue[0];
    for (let j = 0; j < F; j++) total += shap.values[0][i * F + j];
    assert.ok(Math.abs(total - all.values[i]) < 1e-5, `row ${i}: ${total} vs ${all.values[i]}`);
  }
  assert.deepEqual(m.importance.features, shap.features);
  assert.equal(m.importance.rows, 300);
  m.importance.meanAbs[0].forEach((v, j) => {
    let sum = 0;
    for (let i = 0; i < table.rowCount; i++) sum += Math.abs(shap.values[0][i * F + j]);
    assert.ok(Math.abs(v - sum / table.rowCount) < 1e-12, shap.features[j]);
  });

  const text = candor(['explain', csv, '--model', xgboost, '--method', 'mimic', '--sample', '200', '--no-color']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Mimic: a gradient-boosting surrogate trained on the model's probability of 1 over 160 rows \(a sample of 200 of 300 rows, seed 0\)\nfidelity on 40 held-out rows \(seed 0\): R² [\d.]+, agreement [\d.]+%/);
  assert.match(text.stdout, /Surrogate importance: mean \|SHAP\| by exact TreeSHAP on 300 rows/);
  const bad = candor(['explain', csv, '--model', xgboost, '--method', 'mimic', '--mimic-learner', 'forest']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --mimic-learner: "forest" \(expected tree or gbdt/);
});
