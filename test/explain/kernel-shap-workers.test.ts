// KernelSHAP over worker threads: each worker loads the model again from its file; the result must
// not depend on how many workers explain the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, jsModel, kernelShap, type KernelShapResult, Table } from '../../src/index.js';
import { kernelShapParallel } from '../../src/adapters/kernel-shap-workers.js';
import { loadModel } from '../../src/adapters/load-model.js';
import { ROOT } from '../helpers/cli.js';

const ONNX = join(ROOT, 'test', 'fixtures', 'onnx');
const XGB = join(ROOT, 'test', 'fixtures', 'xgboost');
const expected = JSON.parse(readFileSync(join(ONNX, 'expected.json'), 'utf8')) as Record<string, { columns: Record<string, (number | string | null)[]> }>;

/** Everything but the thread count, which differs on purpose. */
function withoutWorkers(r: KernelShapResult) {
  const { workers: _, ...rest } = r;
  return rest;
}

/** `times` copies of the rows, so there are enough blocks to spread. */
function repeated(columns: Record<string, (number | string | null)[]>, times: number): Table {
  const out: Record<string, (number | string | null)[]> = {};
  for (const [k, v] of Object.entries(columns)) out[k] = Array.from({ length: times }, () => v).flat();
  return Table.from(out);
}

test('kernelShapParallel gives identical values for 1, 2 and 3 workers on an ONNX model with a categorical input', async () => {
  const path = join(ONNX, 'onehot.onnx');
  const table = repeated(expected.onehot.columns, 3);
  const model = await loadModel(path);
  // Two rows per model call: 12 blocks to share out.
  const options = { background: { sample: 5 }, seed: 2, maxRowsPerCall: 2 * 2 * 5 } as const;
  const inProcess = await kernelShap(model, table, options);
  assert.equal(inProcess.workers, 1);
  assert.equal(inProcess.space, 'log-odds');
  for (const workers of [2, 3]) {
    const r = await kernelShapParallel(await loadModel(path), table, { ...options, workers, source: { path } });
    assert.equal(r.workers, workers, 'the rows must really go to workers');
    assert.deepEqual(withoutWorkers(r), withoutWorkers(inProcess));
  }
});

test('kernelShapParallel gives identical values for any number of workers with sampled coalitions (multiclass ONNX trees, XGBoost)', async () => {
  const trees = join(ONNX, 'trees.onnx');
  // A [N, F] input whose columns are resolved from the data on the first call.
  const table = repeated(expected.trees.columns, 2);
  const options = { background: { kmeans: 4 }, budget: 4, seed: 7, maxRowsPerCall: 3 * 4 * 4 } as const;
  const reference = await kernelShap(await loadModel(trees), table, options);
  assert.deepEqual(reference.outputs, ['setosa', 'versicolor', 'virginica']);
  const r = await kernelShapParallel(await loadModel(trees), table, { ...options, workers: 2, source: { path: trees } });
  assert.equal(r.workers, 2);
  assert.deepEqual(withoutWorkers(r), withoutWorkers(reference));

  const xgb = join(XGB, 'binary.model.json');
  const fixture = JSON.parse(readFileSync(join(XGB, 'binary.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][] };
  const cols: Record<string, (number | null)[]> = {};
  fixture.features.forEach((f, j) => (cols[f] = fixture.rows.slice(0, 40).map((row) => row[j])));
  const data = Table.from(cols);
  const xOptions = { background: { sample: 10 }, budget: 8, seed: 1, maxRowsPerCall: 80 } as const;
  const xRef = await kernelShap(await loadModel(xgb), data, xOptions);
  assert.equal(xRef.space, 'margin');
  assert.ok(xRef.coalitions.sampledRows > 0);
  const xPar = await kernelShapParallel(await loadModel(xgb), data, { ...xOptions, workers: 3, source: { path: xgb } });
  assert.equal(xPar.workers, 3);
  assert.deepEqual(withoutWorkers(xPar), withoutWorkers(xRef));
});

test('kernelShapParallel explains a JS function model in-process, and reports a worker’s user error', async () => {
  const table = Table.from({ a: [1, 2, 3, 4], b: [0, 1, 0, 1] });
  const model = jsModel({ task: 'regression', inputs: ['a', 'b'], predict: (rows) => rows.map((r) => (r.a as number) * (r.b as number)) });
  const r = await kernelShapParallel(model, table, { workers: 4, maxRowsPerCall: 1 });
  assert.equal(r.workers, 1);
  assert.deepEqual(withoutWorkers(r), withoutWorkers(await kernelShap(model, table, { maxRowsPerCall: 1 })));
  // The worker cannot load the model: its user error reaches the caller as a user error.
  const missing = join(ONNX, 'no-such-model.onnx');
  await assert.rejects(kernelShapParallel(model, table, { workers: 2, maxRowsPerCall: 1, source: { path: missing } }), (e: unknown) => isUserError(e) && e.code === 'file_not_found');
});
