// The dashboard API through `app.request()` (no socket): manifest, data round trip, predictions
// and explanations checked against closed forms and numpy/scikit-learn references, bad requests.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDataContainer } from '../../src/dashboard/data-container.js';
import { ApiError, DATA_MEDIA_TYPE, ExplainResponse, ExplainRowResponse, Manifest, PredictResponse } from '../../src/dashboard/protocol.js';
import { loadOnnxModel } from '../../src/adapters/onnx.js';
import { type Column, numericColumn, Table, valueAt } from '../../src/index.js';
import { COVER_ROWS, createDashboardApp, type DashboardInput, loadDashboardAssets, prepareDashboard } from '../../src/server/index.js';
import { assertClose } from '../helpers/assert-close.js';
import { ROOT } from '../helpers/cli.js';
import { binaryTable, fixtureApp, linear, linearModel, logisticModel, logisticProbability, regressionTable, sigmoid, W } from './helpers.js';

const app = fixtureApp();

async function serverFor(input: DashboardInput) {
  const dashboard = await prepareDashboard(input);
  return { dashboard, app: createDashboardApp(dashboard, { assets: await loadDashboardAssets(app.dir) }) };
}

const post = (server: { app: { request: (p: string, i: RequestInit) => Response | Promise<Response> } }, path: string, body: unknown) =>
  server.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

async function error(res: Response, status: number): Promise<ApiError['error']> {
  assert.equal(res.status, status);
  return ApiError.parse(await res.json()).error;
}

function sameColumn(actual: Column, expected: Column) {
  assert.equal(actual.name, expected.name);
  assert.equal(actual.type, expected.type);
  const n = expected.type === 'list' ? expected.missing.length : expected.type === 'numeric' ? expected.values.length : expected.type === 'boolean' ? expected.values.length : expected.codes.length;
  for (let i = 0; i < n; i++) assert.deepEqual(valueAt(actual, i), valueAt(expected, i), `${expected.name} row ${i}`);
}

describe('manifest and data', () => {
  test('the manifest describes the rows, the task and the options; GET /api/data decodes to the same table', async () => {
    const table = regressionTable();
    const server = await serverFor({ table, options: { label: 'y', pred: 'pred', sensitive: [['g']], cohorts: [{ name: 'high', expression: 'a > 1' }], seed: 4 }, source: '/some/dir/rows.csv' });
    const res = await server.app.request('/api/manifest');
    assert.equal(res.status, 200);
    const m = Manifest.parse(await res.json());
    assert.equal(m.rows, 60);
    assert.equal(m.sample, null);
    assert.equal(m.source, 'rows.csv', 'the file name only, never its directory');
    assert.equal(m.task, 'regression');
    assert.equal(m.label, 'y');
    assert.equal(m.prediction, 'pred');
    assert.deepEqual(m.sensitive, ['g']);
    assert.deepEqual(m.features, ['a', 'b', 'g'], 'label and prediction are not features');
    assert.deepEqual(m.options.cohorts, [{ name: 'high', expression: 'a > 1' }]);
    assert.equal(m.model, null);
    assert.equal(m.exported, false);
    assert.deepEqual(
      m.columns.map((c) => [c.name, c.type, c.role]),
      [
        ['a', 'numeric', 'feature'],
        ['b', 'numeric', 'feature'],
        ['g', 'categorical', 'sensitive'],
        ['y', 'numeric', 'label'],
        ['pred', 'numeric', 'prediction'],
      ],
    );
    const data = await server.app.request('/api/data');
    assert.equal(data.status, 200);
    assert.equal(data.headers.get('content-type'), DATA_MEDIA_TYPE);
    const bytes = new Uint8Array(await data.arrayBuffer());
    assert.equal(Number(data.headers.get('content-length')), bytes.byteLength);
    const decoded = decodeDataContainer(bytes);
    assert.equal(decoded.rowCount, table.rowCount);
    table.columns.forEach((c) => sameColumn(decoded.column(c.name), c));
  });

  test('a binary label takes the larger value as positive, as assess does, and the score gets the default threshold', async () => {
    const server = await serverFor({ table: binaryTable(), options: { label: 'label', score: 'p' } });
    const m = Manifest.parse(await (await server.app.request('/api/manifest')).json());
    assert.equal(m.task, 'binary');
    assert.equal(m.positive, 'yes');
    assert.equal(m.score, 'p');
    assert.equal(m.threshold, 0.5);
  });

  test('above maxRows the page gets a seeded sample of distinct source rows in source order, and the manifest says so', async () => {
    const n = 5000;
    const table = new Table([numericColumn('id', Array.from({ length: n }, (_, i) => i)), numericColumn('y', Array.from({ length: n }, (_, i) => (i * 7) % 2)), numericColumn('p', Array.from({ length: n }, (_, i) => ((i * 13) % 100) / 100))]);
    const server = await serverFor({ table, options: { label: 'y', score: 'p', seed: 9 }, maxRows: 700 });
    const m = Manifest.parse(await (await server.app.request('/api/manifest')).json());
    assert.equal(m.rows, n);
    assert.deepEqual(m.sample, { rows: 700, seed: 9 });
    const page = decodeDataContainer(new Uint8Array(await (await server.app.request('/api/data')).arrayBuffer()));
    assert.equal(page.rowCount, 700);
    const ids = (page.column('id') as { values: Float64Array }).values;
    const y = (page.column('y') as { values: Float64Array }).values;
    for (let i = 0; i < ids.length; i++) {
      if (i > 0) assert.ok(ids[i] > ids[i - 1], 'increasing ids: distinct rows in source order');
      assert.equal(y[i], (ids[i] * 7) % 2, 'each row keeps its own values');
    }
    // A different seed draws different rows.
    const other = await serverFor({ table, options: { label: 'y', score: 'p', seed: 10 }, maxRows: 700 });
    const otherIds = (decodeDataContainer(new Uint8Array(await (await other.app.request('/api/data')).arrayBuffer())).column('id') as { values: Float64Array }).values;
    assert.notDeepEqual(Array.from(otherIds), Array.from(ids));
  });

  test('options that assess refuses are refused at start, not in the page', async () => {
    await assert.rejects(prepareDashboard({ table: regressionTable(), options: { label: 'yy', pred: 'pred' } }), /unknown column.*"yy"/);
  });
});

describe('model endpoints', () => {
  test('without a live model they answer 404 with how to start one', async () => {
    const server = await serverFor({ table: regressionTable(), options: { label: 'y', pred: 'pred' } });
    for (const [path, body] of [
      ['/api/predict', { rows: [{ a: 1, b: 2 }] }],
      ['/api/explain-row', { row: { a: 1, b: 2 } }],
      ['/api/explain', {}],
    ] as const) {
      const e = await error(await post(server, path, body), 404);
      assert.equal(e.message, 'no live model: start candor serve with --model');
    }
  });

  test('predict: a JS model scores edited rows, unseen categories and missing values included', async () => {
    const table = binaryTable();
    const server = await serverFor({ table, options: { label: 'label', score: 'p' }, model: { model: logisticModel() } });
    const rows = [
      { a: 1.5, g: 'x' },
      { a: -2, g: 'y', b: 7, label: 'no' },
      { a: null, g: 'never-seen' },
      { a: 0.25, g: null },
    ];
    const res = await post(server, '/api/predict', { rows });
    assert.equal(res.status, 200);
    const { predictions } = PredictResponse.parse(await res.json());
    assert.equal(predictions.length, rows.length);
    rows.forEach((r, i) => {
      const p = logisticProbability(r.a, r.g);
      assertClose(predictions[i].scores!.yes, p, 'predictions[i].scores!.yes', 1e-12);
      assertClose(predictions[i].scores!.no, 1 - p, 'predictions[i].scores!.no', 1e-12);
      assert.equal(predictions[i].label, p >= 0.5 ? 'yes' : 'no');
    });
  });

  test('predict: an ONNX model gives the probabilities numpy computed for the fixture rows', async () => {
    const fixtures = join(ROOT, 'test', 'fixtures', 'onnx');
    const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')).logreg_per_column as { columns: Record<string, number[]>; classes: string[]; probabilities: number[][]; labels: string[] };
    const names = Object.keys(expected.columns);
    const n = expected.probabilities.length;
    const table = new Table([...names.map((c) => numericColumn(c, expected.columns[c])), numericColumn('y', Array.from({ length: n }, (_, i) => i % 2))]);
    const model = await loadOnnxModel(join(fixtures, 'logreg_per_column.onnx'));
    const server = await serverFor({ table, options: { label: 'y', pred: 'y' }, model: { model, file: join(fixtures, 'logreg_per_column.onnx') } });
    assert.equal(server.dashboard.manifest.model?.explainer, 'kernelshap', 'a linear ONNX model has no trees');
    assert.match(server.dashboard.notes.join('\n'), /KernelSHAP/);
    const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((c) => [c, expected.columns[c][i]])));
    const { predictions } = PredictResponse.parse(await (await post(server, '/api/predict', { rows })).json());
    predictions.forEach((p, i) => {
      expected.classes.forEach((cls, k) => assertClose(p.scores![String(cls)], expected.probabilities[i][k], `row ${i} class ${cls}`, 1e-6));
      assert.equal(p.label, String(expected.labels[i]));
    });
    await server.dashboard.close();
  });

  test('bad requests are 400 with a message naming the problem', async () => {
    const server = await serverFor({ table: binaryTable(), options: { label: 'label', score: 'p' }, model: { model: logisticModel() } });
    const cases: [unknown, RegExp][] = [
      [{ rows: [{ a: 1, g: 'x', agee: 3 }] }, /row 0: unknown column "agee" \(did you mean "a(ge)?"|unknown column "agee"/],
      [{ rows: [{ a: 'ten', g: 'x' }] }, /column "a" is numeric: expected a number or null, got "ten"/],
      [{ rows: [{ a: 1, g: 3 }] }, /column "g" is categorical: expected a string or null, got 3/],
      [{ rows: [{ a: 1 }] }, /row 0 has no value for "g"/],
      [{ rows: [] }, /rows/],
      [{ rows: Array.from({ length: 1001 }, () => ({ a: 1, g: 'x' })) }, /rows/],
      [{ rows: [[1, 2]] }, /rows\.0/],
      [{}, /rows/],
      ['{"rows": [', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const e = await error(await post(server, '/api/predict', body), 400);
      assert.match(e.message, message, JSON.stringify(body).slice(0, 60));
    }
    const noType = await server.app.request('/api/predict', { method: 'POST', body: '{"rows":[{"a":1,"g":"x"}]}' });
    assert.match((await error(noType, 415)).message, /application\/json/);
    const form = await server.app.request('/api/predict', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rows=1' });
    assert.equal(form.status, 415);
    assert.equal((await error(await post(server, '/api/explain-row', { row: { a: 1, g: 'x' }, class: 'maybe' }), 400)).code, 'invalid_request');
    assert.match((await error(await post(server, '/api/explain', { cohorts: [{ name: 'bad', expression: 'a >' }] }), 400)).message, /cohort "bad"/);
    assert.match((await error(await post(server, '/api/explain', { cohorts: [{ name: 'all', expression: 'a > 0' }] }), 400)).message, /"all"/);
    assert.match((await error(await post(server, '/api/explain', { cohorts: [{ name: 'c', expression: 'nope > 0' }] }), 400)).message, /cohort "c".*nope/);
    assert.equal((await server.app.request('/api/nothing')).status, 404);
    assert.equal((await server.app.request('/api/predict')).status, 404, 'GET of a POST endpoint');
  });
});

describe('explanations', () => {
  test('explain-row (KernelSHAP): a linear model gets w·(x − mean x) per feature and the mean prediction as base', async () => {
    const table = regressionTable();
    const server = await serverFor({ table, options: { label: 'y', pred: 'pred' }, model: { model: linearModel() } });
    assert.equal(server.dashboard.manifest.model?.explainer, 'kernelshap');
    const mean = (name: string) => {
      const v = (table.column(name) as { values: Float64Array }).values;
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    // 60 rows: the whole table is the background, so the expectation is over every row.
    const row = { a: 3.25, b: -0.5 };
    const r = ExplainRowResponse.parse(await (await post(server, '/api/explain-row', { row })).json());
    assert.equal(r.method, 'kernelshap');
    assert.equal(r.class, null);
    assert.equal(r.output, 'raw');
    assertClose(r.base, linear(mean('a'), mean('b')), 'r.base', 1e-9);
    const by = Object.fromEntries(r.contributions.map((c) => [c.feature, c]));
    assertClose(by.a.contribution, W.a * (row.a - mean('a')), 'by.a.contribution', 1e-9);
    assertClose(by.b.contribution, W.b * (row.b - mean('b')), 'by.b.contribution', 1e-9);
    assert.equal(by.a.value, 3.25);
    assert.ok(Math.abs(r.contributions[0].contribution) >= Math.abs(r.contributions[1].contribution), 'largest first');
    assertClose(r.prediction.value!, linear(row.a, row.b), 'r.prediction.value!', 1e-12);
  });

  test('explain-row (KernelSHAP, probability): base + contributions = the predicted probability of the class explained', async () => {
    const server = await serverFor({ table: binaryTable(), options: { label: 'label', score: 'p' }, model: { model: logisticModel() } });
    for (const cls of [undefined, 'no']) {
      const row = { a: 2.5, g: 'y' };
      const r = ExplainRowResponse.parse(await (await post(server, '/api/explain-row', { row, ...(cls ? { class: cls } : {}) })).json());
      assert.equal(r.output, 'probability');
      assert.equal(r.class, cls ?? 'yes', 'the positive class by default');
      const total = r.base + r.contributions.reduce((s, c) => s + c.contribution, 0);
      const p = logisticProbability(2.5, 'y');
      assertClose(total, cls === 'no' ? 1 - p : p, 'total', 1e-9);
      assertClose(r.prediction.scores!.yes, p, 'r.prediction.scores!.yes', 1e-12);
    }
  });

  test('explain-row (TreeSHAP of an ONNX gradient boosting): base + contributions = scikit-learn decision_function', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'onnx-trees');
    const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { features: string[]; test: (number | null)[][]; sklearn: { gbc_margin: number[] } };
    const { features } = data;
    const n = data.test.length;
    const table = new Table([...features.map((f, j) => numericColumn(f, data.test.map((r) => r[j]))), numericColumn('y', Array.from({ length: n }, (_, i) => i % 2))]);
    const file = join(dir, 'gbc_binary.onnx');
    const model = await loadOnnxModel(file, { features });
    const server = await serverFor({ table, options: { label: 'y', pred: 'y' }, model: { model, file } });
    assert.equal(server.dashboard.manifest.model?.explainer, 'treeshap');
    // Rows 0, 1, 2 and the last are complete; row 7 has a missing value (scikit-learn's reference
    // filled it with 0, so there only onnxruntime's own probability is the reference).
    for (const i of [0, 1, 2, 7, n - 1]) {
      const row = Object.fromEntries(features.map((f, j) => [f, data.test[i][j]]));
      const r = ExplainRowResponse.parse(await (await post(server, '/api/explain-row', { row })).json());
      assert.equal(r.method, 'treeshap');
      assert.equal(r.output, 'raw');
      const margin = r.base + r.contributions.reduce((s, c) => s + c.contribution, 0);
      // float32 thresholds and leaf weights in the ONNX file
      if (i !== 7) assertClose(margin, data.sklearn.gbc_margin[i], `row ${i}: margin`, 1e-5);
      else assert.equal(data.test[i].some((v) => v === null), true);
      assertClose(sigmoid(margin), r.prediction.scores![model.classes[1]], `row ${i}: probability`, 1e-5);
      // The other class: the same contributions negated (log-odds of the complement).
      const other = ExplainRowResponse.parse(await (await post(server, '/api/explain-row', { row, class: model.classes[0] })).json());
      assertClose(other.base + other.contributions.reduce((s, c) => s + c.contribution, 0), -margin, `row ${i}: margin of the other class`, 1e-9);
    }
    await server.dashboard.close();
  });

  test('TreeSHAP above COVER_ROWS rows counts node covers on a sample, says so, and still adds up to the model output', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'onnx-trees');
    const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as { features: string[]; test: (number | null)[][] };
    const n = COVER_ROWS + 1;
    const source = data.test.filter((r) => r.every((v) => v !== null));
    const table = new Table([...data.features.map((f, j) => numericColumn(f, Array.from({ length: n }, (_, i) => source[i % source.length][j]))), numericColumn('y', Array.from({ length: n }, (_, i) => i % 2))]);
    const file = join(dir, 'gbc_binary.onnx');
    const model = await loadOnnxModel(file, { features: data.features });
    const server = await serverFor({ table, options: { label: 'y', pred: 'y' }, model: { model, file } });
    assert.equal(server.dashboard.manifest.model?.explainer, 'treeshap');
    assert.match(server.dashboard.notes.join('\n'), /covers are counted on a seeded sample of 100,000 of the 100,001 rows/);
    const row = Object.fromEntries(data.features.map((f, j) => [f, source[3][j]]));
    const r = ExplainRowResponse.parse(await (await post(server, '/api/explain-row', { row })).json());
    const margin = r.base + r.contributions.reduce((s, c) => s + c.contribution, 0);
    assertClose(sigmoid(margin), r.prediction.scores![model.classes[1]], 'probability', 1e-5);
    await server.dashboard.close();
  });

  test('explain: mean |SHAP| of a linear model is |w|·mean|x − mean x|, over all rows and per cohort', async () => {
    const table = regressionTable();
    const server = await serverFor({ table, options: { label: 'y', pred: 'pred' }, model: { model: linearModel() } });
    const res = await post(server, '/api/explain', { cohorts: [{ name: 'high a', expression: 'a > 1' }, { name: 'nobody', expression: 'a > 100' }] });
    assert.equal(res.status, 200);
    const r = ExplainResponse.parse(await res.json());
    assert.equal(r.method, 'kernelshap');
    assert.equal(r.sample, null, '60 rows: every row explained');
    const values = (name: string) => Array.from((table.column(name) as { values: Float64Array }).values);
    const a = values('a');
    const meanOf = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const expected = (name: 'a' | 'b', rows: number[]) => {
      const v = values(name);
      const m = meanOf(v);
      return Math.abs(W[name]) * meanOf(rows.map((i) => Math.abs(v[i] - m)));
    };
    const all = a.map((_, i) => i);
    const high = all.filter((i) => a[i] > 1);
    assert.deepEqual(r.counts, { all: 60, 'high a': high.length, nobody: 0 });
    for (const f of ['a', 'b'] as const) {
      const entry = r.importance.find((x) => x.feature === f)!;
      assertClose(entry.cohorts.all, expected(f, all), 'entry.cohorts.all', 1e-9);
      assertClose(entry.cohorts['high a'], expected(f, high), 'entry.cohorts[high a]', 1e-9);
      assert.equal(entry.cohorts.nobody, undefined, 'a cohort without explained rows has no importance');
    }
    assert.ok(r.importance[0].cohorts.all >= r.importance[1].cohorts.all, 'sorted by the importance over all rows');
  });

  test('explain: a request for more rows than KernelSHAP answers at once is refused up front', async () => {
    const n = 6000;
    const table = new Table([numericColumn('a', Array.from({ length: n }, (_, i) => i % 7)), numericColumn('b', Array.from({ length: n }, (_, i) => i % 5)), numericColumn('y', Array.from({ length: n }, (_, i) => i % 3))]);
    const server = await serverFor({ table, options: { label: 'y', pred: 'y', task: 'regression' }, model: { model: linearModel() } });
    const e = await error(await post(server, '/api/explain', { rows: 5001 }), 400);
    assert.equal(e.code, 'too_many_rows');
    assert.match(e.message, /at most 5,000 rows/);
  });

  test('explain: fewer rows than the data are a seeded sample, reported, the same for the same seed', async () => {
    const server = await serverFor({ table: regressionTable(), options: { label: 'y', pred: 'pred' }, model: { model: linearModel() } });
    const one = ExplainResponse.parse(await (await post(server, '/api/explain', { rows: 20, seed: 5 })).json());
    const two = ExplainResponse.parse(await (await post(server, '/api/explain', { rows: 20, seed: 5 })).json());
    assert.deepEqual(one.sample, { rows: 20, seed: 5 });
    assert.equal(one.counts.all, 20);
    assert.deepEqual(one, two);
    const other = ExplainResponse.parse(await (await post(server, '/api/explain', { rows: 20, seed: 6 })).json());
    assert.notDeepEqual(other.importance, one.importance);
  });
});
