// ONNX models through onnxruntime-node. Fixtures and their expected outputs (computed in numpy,
// not by onnxruntime) come from test/fixtures/onnx/make_fixtures.py; Python is not needed here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUserError, Table, type Predictions } from '../../src/index.js';
import { loadOnnxModel, type OnnxModel } from '../../src/adapters/onnx.js';
import { assertPredictionsClose, runModelConformance } from '../model/model.case.js';

const DIR = fileURLToPath(new URL('../fixtures/onnx/', import.meta.url));
const fixture = (name: string) => join(DIR, `${name}.onnx`);

interface Expected {
  columns: Record<string, (number | string | null)[]>;
  classes?: string[];
  labels?: number[];
  probabilities?: number[][];
  values?: number[];
}
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;

function tableOf(name: string): Table {
  return Table.from(EXPECTED[name].columns);
}

function expectedOf(name: string): Predictions {
  const e = EXPECTED[name];
  if (e.values) return { task: 'regression', values: Float64Array.from(e.values) };
  const classes = e.classes!;
  const probs = e.probabilities!;
  return {
    task: classes.length === 2 ? 'binary' : 'multiclass',
    classes,
    labels: Int32Array.from(e.labels!),
    scores: classes.map((_, k) => Float64Array.from(probs.map((row) => row[k]))),
  };
}

const LOGREG_FEATURES = ['age', 'income', 'score', 'tenure'];
const cases: [string, () => Promise<OnnxModel>][] = [
  ['logreg_zipmap', () => loadOnnxModel(fixture('logreg_zipmap'), { features: LOGREG_FEATURES })],
  ['logreg_per_column', () => loadOnnxModel(fixture('logreg_per_column'))],
  ['trees', () => loadOnnxModel(fixture('trees'), { features: ['petal_length', 'petal_width', 'sepal_length'] })],
  ['regressor', () => loadOnnxModel(fixture('regressor'), { features: ['x1', 'x2'] })],
  ['onehot', () => loadOnnxModel(fixture('onehot'))],
];
for (const [name, make] of cases) runModelConformance(`onnx ${name}`, make, tableOf(name), expectedOf(name), 1e-5);

describe('loadOnnxModel', () => {
  test('reads classes from ZipMap keys and a binary LinearClassifier exposes [neg, pos]', async () => {
    const m = await loadOnnxModel(fixture('logreg_zipmap'), { features: LOGREG_FEATURES });
    assert.equal(m.task, 'binary');
    assert.deepEqual(m.classes, ['0', '1']);
    assert.equal(m.name, 'logreg_zipmap.onnx');
    const s = await loadOnnxModel(fixture('onehot'));
    assert.deepEqual(s.classes, ['no', 'yes']);
  });

  test('takes string class labels from a TreeEnsembleClassifier', async () => {
    const m = await loadOnnxModel(fixture('trees'), { features: ['petal_length', 'petal_width', 'sepal_length'] });
    assert.equal(m.task, 'multiclass');
    assert.deepEqual(m.classes, ['setosa', 'versicolor', 'virginica']);
  });

  test('passes NaN to trees, which route it per node (missing_value_tracks_true)', async () => {
    const e = EXPECTED.trees;
    assert.equal(e.columns.petal_length[2], null, 'fixture row 2 has a missing root feature');
    const m = await loadOnnxModel(fixture('trees'), { features: ['petal_length', 'petal_width', 'sepal_length'] });
    assertPredictionsClose(await m.predict(tableOf('trees')), expectedOf('trees'), 1e-5);
  });

  test('uses every feature column minus exclude when features are not given, in table order', async () => {
    const t = tableOf('logreg_zipmap').withColumn({ type: 'numeric', name: 'target', values: new Float64Array(12) });
    const m = await loadOnnxModel(fixture('logreg_zipmap'), { exclude: ['target'] });
    assert.equal(m.inputs.length, 0, 'inputs are known once a table is seen');
    assertPredictionsClose(await m.predict(t), expectedOf('logreg_zipmap'), 1e-5);
    assert.deepEqual(
      m.inputs.map((i) => i.name),
      LOGREG_FEATURES,
    );
    // Later tables are read by the names chosen first, whatever their order and extra columns.
    const reordered = t.select(['tenure', 'target', 'score', 'income', 'age']).withColumn({ type: 'numeric', name: 'extra', values: new Float64Array(12) });
    assertPredictionsClose(await m.predict(reordered), expectedOf('logreg_zipmap'), 1e-5);
  });

  test('leaves out columns whose role is not feature when choosing columns', async () => {
    const t = tableOf('logreg_zipmap').withColumn({ type: 'numeric', name: 'y', values: new Float64Array(12), role: 'label' });
    const m = await loadOnnxModel(fixture('logreg_zipmap'));
    assertPredictionsClose(await m.predict(t), expectedOf('logreg_zipmap'), 1e-5);
  });

  test('feeds a single [N, F] float input column-major (the fast path) and one-column inputs as they are', async () => {
    const m = await loadOnnxModel(fixture('logreg_zipmap'), { features: LOGREG_FEATURES });
    assert.equal(m.inputLayout, 'columns');
    assert.equal((await loadOnnxModel(fixture('logreg_per_column'))).inputLayout, null);
  });

  test('accepts the ZipMap output name in a mapping', async () => {
    const m = await loadOnnxModel(fixture('logreg_zipmap'), { features: LOGREG_FEATURES, mapping: { probabilities: 'output_probability', label: 'label' } });
    assertPredictionsClose(await m.predict(tableOf('logreg_zipmap')), expectedOf('logreg_zipmap'), 1e-5);
  });

  test('routes rows with every feature missing like the fixture row that has none', async () => {
    const m = await loadOnnxModel(fixture('trees'), { features: ['petal_length', 'petal_width', 'sepal_length'] });
    const e = EXPECTED.trees;
    assert.deepEqual([e.columns.petal_length[9], e.columns.petal_width[9], e.columns.sepal_length[9]], [null, null, null]);
    const allMissing = Table.from({ petal_length: [null, null], petal_width: [null, null], sepal_length: [null, null] });
    const p = await m.predict(allMissing);
    assert.ok(p.task === 'multiclass' && p.scores);
    for (let i = 0; i < 2; i++) {
      assert.equal(p.labels[i], e.labels![9]);
      for (let k = 0; k < 3; k++) assert.ok(Math.abs(p.scores[k][i] - e.probabilities![9][k]) < 1e-5);
    }
  });

  test('passes huge values through as float32 (infinite beyond its range)', async () => {
    const m = await loadOnnxModel(fixture('regressor'), { features: ['x1', 'x2'] });
    const p = await m.predict(Table.from({ x1: [1e300, -1e300], x2: [1e30, -1e30] }));
    assert.ok(p.task === 'regression');
    // x1 = +inf is not < 0.5 (-2.25); x2 = 1e30 > -0.25 (+20); then -inf < 0.5 (+1.5), -1e30 <= -0.25 (+10).
    assert.deepEqual([...p.values], [100 - 2.25 + 20, 100 + 1.5 + 10]);
  });

  test('passes a missing category as "" and notes it', async () => {
    const m = await loadOnnxModel(fixture('onehot'));
    assert.deepEqual(m.inputs, [
      { name: 'color', type: 'categorical' },
      { name: 'size', type: 'numeric' },
    ]);
    await m.predict(tableOf('onehot'));
    assert.equal(m.warnings.length, 1);
    assert.match(m.warnings[0], /"color": 2 missing values passed to the ONNX model as ""/);
  });

  test('maps inputs, outputs and classes from a mapping file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candor-onnx-'));
    const path = join(dir, 'mapping.json');
    await writeFile(path, JSON.stringify({ inputs: { age: 'AGE' }, label: 'label', probabilities: 'probability_tensor', classes: ['stay', 'leave'] }));
    const m = await loadOnnxModel(fixture('logreg_per_column'), { mapping: path, name: 'churn' });
    assert.equal(m.name, 'churn');
    assert.deepEqual(m.classes, ['stay', 'leave']);
    const cols = { ...EXPECTED.logreg_per_column.columns } as Record<string, (number | string | null)[]>;
    cols.AGE = cols.age;
    delete cols.age;
    const p = await m.predict(Table.from(cols));
    const e = expectedOf('logreg_per_column');
    assertPredictionsClose(p, { ...e, classes: ['stay', 'leave'] } as Predictions, 1e-5);
  });

  test('scores in batches and reports progress', async () => {
    const m = await loadOnnxModel(fixture('regressor'), { features: ['x1', 'x2'], batchSize: 3, threads: 1 });
    const seen: number[] = [];
    const p = await m.predict(tableOf('regressor'), { onProgress: (f) => seen.push(f) });
    assertPredictionsClose(p, expectedOf('regressor'), 1e-5);
    assert.equal(seen.length, 4);
    assert.equal(seen[seen.length - 1], 1);
  });

  test('predicts one row', async () => {
    const m = await loadOnnxModel(fixture('onehot'));
    const p = await m.predict(tableOf('onehot').take([1]));
    assert.ok(p.task === 'binary');
    assert.equal(p.labels.length, 1);
    assert.ok(Math.abs(p.scores![1][0] - EXPECTED.onehot.probabilities![1][1]) < 1e-5);
  });
});

describe('loadOnnxModel errors', () => {
  const rejectsWith = async (p: Promise<unknown>, code: string, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => {
      assert.ok(isUserError(e), `expected a user error, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'), 'one line');
      return true;
    });

  test('names a missing file', async () => {
    await rejectsWith(loadOnnxModel(join(DIR, 'nope.onnx')), 'file_not_found', /ONNX model not found: ".*nope\.onnx"/);
  });

  test('summarises onnxruntime on a file that is not ONNX', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'candor-onnx-'));
    const path = join(dir, 'notes.onnx');
    await writeFile(path, 'this is a text file, not a model\n');
    await rejectsWith(loadOnnxModel(path), 'invalid_onnx', /not a valid ONNX model: ".*notes\.onnx" \(onnxruntime: .+\)/);
  });

  test('rejects the wrong number of features, expected vs found', async () => {
    await rejectsWith(loadOnnxModel(fixture('logreg_zipmap'), { features: ['age', 'income', 'score'] }), 'input_mismatch', /expects 4 features, found 3 \(age, income, score\)/);
    const m = await loadOnnxModel(fixture('logreg_zipmap'));
    await rejectsWith(m.predict(tableOf('trees')), 'input_mismatch', /expects 4 features, found 3/);
  });

  test('names a missing input column with a suggestion', async () => {
    const m = await loadOnnxModel(fixture('logreg_per_column'));
    const cols = { ...EXPECTED.logreg_per_column.columns } as Record<string, (number | string | null)[]>;
    cols.incme = cols.income;
    delete cols.income;
    await rejectsWith(m.predict(Table.from(cols)), 'missing_input', /"income" \(did you mean "incme".*\); the model expects age, income, score, tenure; the table has age, score, tenure, incme/);
  });

  test('rejects a categorical column for a float input', async () => {
    const m = await loadOnnxModel(fixture('logreg_per_column'));
    const cols = { ...EXPECTED.logreg_per_column.columns } as Record<string, (number | string | null)[]>;
    cols.age = cols.age.map(String);
    await rejectsWith(m.predict(Table.from(cols)), 'dtype_mismatch', /column "age" is categorical, but ONNX input "age" is a float32 tensor/);
  });

  test('rejects unknown names in a mapping', async () => {
    await rejectsWith(loadOnnxModel(fixture('logreg_per_column'), { mapping: { inputs: { agee: 'x' } } }), 'unknown_input', /unknown ONNX input in mapping: "agee" \(did you mean "age"\?\)/);
    await rejectsWith(loadOnnxModel(fixture('logreg_per_column'), { mapping: { label: 'labels' } }), 'unknown_output', /"labels" \(did you mean "label"\?\)/);
  });
});
