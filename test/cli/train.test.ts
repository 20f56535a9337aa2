import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/index.js';
import { loadOnnxModel, writeTableCsv } from '../../src/node.js';
import { generateLoans } from '../../src/demo/loans.js';
import { candor, tempDir } from '../helpers/cli.js';

const dir = tempDir();
const history = join(dir, 'history.csv');
const fresh = join(dir, 'fresh.csv');
await writeTableCsv(generateLoans(3000, new Random(1)), history);
await writeTableCsv(generateLoans(2000, new Random(2)), fresh);
const FEATURES_OUT = 'applicant_id,score,approved';

test('candor train fits gradient boosting, reports held-out metrics and writes an ONNX model that assess reads', async () => {
  const model = join(dir, 'gbdt.onnx');
  const r = candor(['train', history, '--label', 'repaid', '--exclude', FEATURES_OUT, '--test', fresh, '--out', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Trained gbdt \(binary\) on 3,000 rows, 9 features/);
  const auc = Number(/ROC AUC\s+([0-9.]+)/.exec(r.stdout)![1]);
  assert.ok(auc > 0.6 && auc < 1, `held-out AUC ${auc}`);
  assert.ok(existsSync(model));
  const loaded = await loadOnnxModel(model);
  assert.deepEqual(loaded.inputs.map((i) => i.name).sort(), ['age', 'credit_score', 'debt_ratio', 'employment_years', 'ethnicity', 'income', 'loan_amount', 'region', 'sex']);
  const a = candor(['assess', fresh, '--label', 'repaid', '--model', model, '--bootstrap', '0', '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.ok(Math.abs(JSON.parse(a.stdout).overall.roc_auc - auc) < 5e-5, 'assess through the ONNX file sees the same AUC as train reported');
});

test('a label written as a condition keeps the columns it reads out of the features', async () => {
  const model = join(dir, 'logistic.onnx');
  const r = candor(['train', history, '--label', 'credit_score >= 650', '--model', 'logistic', '--exclude', FEATURES_OUT, '--out', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /held-out rows \(20%, seed 0\)/);
  const loaded = await loadOnnxModel(model);
  assert.ok(!loaded.inputs.some((i) => i.name === 'credit_score'));
  assert.ok(loaded.inputs.some((i) => i.name === 'repaid'));
});

test('linear regression on a numeric label, and clear errors for impossible requests', () => {
  const r = candor(['train', history, '--label', 'income', '--model', 'linear', '--exclude', FEATURES_OUT, '--out', join(dir, 'lin.onnx')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Trained linear \(regression\)/);
  assert.match(r.stdout, /R²/);
  const multi = candor(['train', history, '--label', 'region', '--model', 'logistic', '--out', join(dir, 'x.onnx')]);
  assert.equal(multi.code, 2);
  assert.match(multi.stderr, /needs two classes; the label has 4 values/);
  const noOut = candor(['train', history, '--label', 'repaid']);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out model\.onnx/);
});

test('candor train --model tree fits a depth-limited decision tree whose ONNX file assess reads with the same AUC', async () => {
  const help = candor(['train', '--help']);
  assert.match(help.stdout, /max depth 8, at least 20 rows per leaf/);
  const model = join(dir, 'tree.onnx');
  const r = candor(['train', history, '--label', 'repaid', '--model', 'tree', '--exclude', FEATURES_OUT, '--test', fresh, '--out', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Trained tree \(binary\) on 3,000 rows, 9 features/);
  const auc = Number(/ROC AUC\s+([0-9.]+)/.exec(r.stdout)![1]);
  assert.ok(auc > 0.6 && auc < 1, `held-out AUC ${auc}`);
  const loaded = await loadOnnxModel(model);
  assert.deepEqual(loaded.inputs.map((i) => i.name).sort(), ['age', 'credit_score', 'debt_ratio', 'employment_years', 'ethnicity', 'income', 'loan_amount', 'region', 'sex']);
  await loaded.release();
  const a = candor(['assess', fresh, '--label', 'repaid', '--model', model, '--bootstrap', '0', '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.ok(Math.abs(JSON.parse(a.stdout).overall.roc_auc - auc) < 5e-5, 'assess through the ONNX file sees the same AUC as train reported');
  const reg = candor(['train', history, '--label', 'income', '--model', 'tree', '--exclude', FEATURES_OUT, '--out', join(dir, 'tree-reg.onnx')]);
  assert.equal(reg.code, 0, reg.stderr);
  assert.match(reg.stdout, /Trained tree \(regression\)/);
  const bad = candor(['train', history, '--label', 'repaid', '--model', 'forest', '--out', join(dir, 'x.onnx')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected gbdt, logistic, linear or tree/);
});
