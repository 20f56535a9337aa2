import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { isUserError, Random, Table } from '../../src/index.js';
import { loadOnnxModel } from '../../src/adapters/onnx.js';
import { fitGbdt } from '../../src/learn/gbdt.js';
import { fitTree } from '../../src/learn/tree.js';
import { toOnnx } from '../../src/learn/to-onnx.js';
import { encodeOnnxModel, ONNX_TYPE, type OnnxAttribute, type OnnxNode } from '../../src/learn/onnx-proto.js';
import { shapTreesFromGbdt, shapTreesFromTree, treeShap, type ShapEnsemble, type TreeShapResult } from '../../src/explain/index.js';
import { shapTreesFromOnnx } from '../../src/explain/treeshap-onnx.js';
import { tempDir } from '../helpers/cli.js';

const TMP = tempDir('candor-treeshap-onnx-');
after(() => rmSync(TMP, { recursive: true, force: true }));

// ---- A protobuf patch: the model with every post_transform attribute set to NONE. ----
// onnxruntime's probabilities are float32, so log-odds recovered from them lose up to 1e-4 on
// confident rows; with post_transform NONE it reports the raw scores themselves.

function varint(buf: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let scale = 1;
  for (;;) {
    const b = buf[pos++];
    v += (b & 0x7f) * scale;
    if (b < 0x80) return [v, pos];
    scale *= 128;
  }
}

function encodeVarint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Rewrites the length-delimited fields along `path` (field numbers, outermost first) with `edit` applied at the end. */
function rewrite(buf: Uint8Array, path: number[], edit: (msg: Uint8Array) => Uint8Array): Uint8Array {
  const out: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p] = varint(buf, pos);
    pos = p;
    const wire = tag & 7;
    if (wire === 0) pos = varint(buf, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else {
      const [len, q] = varint(buf, pos);
      pos = q + len;
      if (Math.floor(tag / 8) === path[0]) {
        const inner = buf.subarray(q, pos);
        const next = path.length === 1 ? edit(inner) : rewrite(inner, path.slice(1), edit);
        out.push(...encodeVarint(tag), ...encodeVarint(next.length), ...next);
        continue;
      }
    }
    out.push(...buf.subarray(start, pos));
  }
  return Uint8Array.from(out);
}

function withoutPostTransform(bytes: Uint8Array): Uint8Array {
  // ModelProto.graph (7) → GraphProto.node (1) → NodeProto.attribute (5).
  return rewrite(bytes, [7, 1, 5], (attr) => {
    const text = new TextDecoder().decode(attr);
    if (!text.includes('post_transform')) return attr;
    const name = new TextEncoder().encode('post_transform');
    const none = new TextEncoder().encode('NONE');
    return Uint8Array.from([0x0a, name.length, ...name, 0x22, none.length, ...none, 0xa0, 0x01, 3]);
  });
}

let files = 0;
/** onnxruntime's outputs through the adapter: one array per class (or the value), with post_transform NONE when `raw`. */
async function onnxruntime(bytes: Uint8Array, table: Table, raw: boolean, features?: readonly string[]): Promise<Float64Array[]> {
  const path = join(TMP, `model-${files++}.onnx`);
  writeFileSync(path, raw ? withoutPostTransform(bytes) : bytes);
  const model = await loadOnnxModel(path, features ? { features } : {});
  try {
    const p = await model.predict(table);
    return p.task === 'regression' ? [p.values] : (p.scores as Float64Array[]);
  } finally {
    await model.release();
  }
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Per output: contributions plus expected value, row by row. */
function totals(r: TreeShapResult): Float64Array[] {
  const F = r.features.length;
  return r.values.map((v, k) => {
    const out = new Float64Array(r.rows);
    for (let i = 0; i < r.rows; i++) {
      let s = r.expectedValue[k];
      for (let j = 0; j < F; j++) s += v[i * F + j];
      out[i] = s;
    }
    return out;
  });
}

function assertSameShap(a: TreeShapResult, b: TreeShapResult, outputsOfB: number[], tol: number): void {
  assert.deepEqual(a.features, b.features);
  outputsOfB.forEach((k, kb) => {
    assert.ok(maxDiff(a.values[k], b.values[kb]) < tol, `output ${k}: contributions differ by ${maxDiff(a.values[k], b.values[kb])}`);
    assert.ok(Math.abs(a.expectedValue[k] - b.expectedValue[kb]) < tol);
  });
}

// ---- Models trained by Candor and exported with toOnnx. ----

function synthetic(n: number, seed: number) {
  const rng = new Random(seed);
  const cols = { x1: [] as (number | null)[], x2: [] as (number | null)[], c: [] as (string | null)[], flag: [] as number[], yb: [] as string[], yr: [] as number[], ym: [] as string[] };
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.uniform(-2, 2);
    const cat = 'abcde'[rng.int(5)];
    const f = rng.int(2);
    const z = a + 0.5 * b * b - (cat === 'b' || cat === 'd' ? 1 : 0) + 0.3 * f + rng.normal(0, 0.5);
    cols.x1.push(rng.next() < 0.1 ? null : a);
    cols.x2.push(rng.next() < 0.1 ? null : b);
    cols.c.push(rng.next() < 0.1 ? null : cat);
    cols.flag.push(f);
    cols.yb.push(z > 0.3 ? 'yes' : 'no');
    cols.yr.push(z);
    cols.ym.push(z < -0.5 ? 'low' : z < 1 ? 'mid' : 'high');
  }
  return cols;
}

const TRAIN = Table.from(synthetic(600, 1));
const t2 = synthetic(150, 2);
// Plus an all-missing row and a row with extreme values and a category unseen in training.
const TEST = Table.from({ x1: [...t2.x1, null, 1e300], x2: [...t2.x2, null, -1e300], c: [...t2.c, null, 'zzz'], flag: [...t2.flag, 0, 1] });
const FEATURES = ['x1', 'x2', 'c', 'flag'];

for (const [task, label] of [
  ['binary', 'yb'],
  ['multiclass', 'ym'],
  ['regression', 'yr'],
] as const) {
  test(`TreeSHAP of a ${task} GBDT's ONNX export equals the in-memory model's and adds up to onnxruntime's raw scores`, async () => {
    const model = fitGbdt(TRAIN, { label, task, features: FEATURES, maxIter: 25, maxLeafNodes: 15, minSamplesLeaf: 5, seed: 3 });
    const bytes = toOnnx(model);
    // Covers counted on the training rows are the model's own (every weight is 1).
    const ensemble = shapTreesFromOnnx(bytes, { coverData: TRAIN });
    assert.deepEqual(ensemble.features, FEATURES);
    assert.deepEqual(ensemble.featureTypes, ['numeric', 'numeric', 'categorical', 'numeric']);
    assert.equal(ensemble.coverSource, 'data');
    assert.equal(ensemble.coverRows, TRAIN.rowCount);
    assert.deepEqual(ensemble.outputs, task === 'binary' ? ['yes'] : task === 'multiclass' ? model.classes : ['value']);
    assert.ok(ensemble.trees.some((t) => t.categorical !== null), 'a categorical split was read back');
    const onnx = treeShap(ensemble, TEST);
    const memory = treeShap(shapTreesFromGbdt(model), TEST);
    assertSameShap(memory, onnx, memory.values.map((_, k) => k), 1e-6);
    const raw = await onnxruntime(bytes, TEST, true);
    // A binary NONE ensemble reports [-s, s]; a multiclass one the class scores.
    const expected = task === 'binary' ? [raw[1]] : raw;
    totals(onnx).forEach((t, k) => assert.ok(maxDiff(t, expected[k]) < 1e-5, `output ${k}: ${maxDiff(t, expected[k])}`));
    if (task === 'binary') {
      // The patched model is the same model: its scores give the original's probabilities.
      const p = await onnxruntime(bytes, TEST, false);
      assert.ok(maxDiff(expected[0].map((s) => 1 / (1 + Math.exp(-s))), p[1]) < 1e-6);
    }
  });
}

for (const [name, label, task] of [
  ['binary', 'yb', 'classification'],
  ['multiclass', 'ym', 'classification'],
  ['regression', 'yr', 'regression'],
] as const) {
  test(`TreeSHAP of a ${name} decision tree's ONNX export (one-hot splits) equals the in-memory model's`, async () => {
    const model = fitTree(TRAIN, { label, task, features: FEATURES, maxDepth: 6, minSamplesLeaf: 3 });
    assert.ok(model.tree.nodes.some((nd) => nd.column === 'c'), 'a one-hot split was learned');
    const bytes = toOnnx(model);
    const ensemble = shapTreesFromOnnx(bytes, { coverData: TRAIN });
    assert.equal(ensemble.postTransform, 'NONE');
    // One-hot columns are read back as splits on the column they encode.
    assert.ok(ensemble.trees.some((t) => t.categorical !== null && Array.from(t.feature).includes(2)));
    const onnx = treeShap(ensemble, TEST);
    const memory = treeShap(shapTreesFromTree(model), TEST);
    // Binary: ONNX holds one score, the positive class's probability (output 1 in memory).
    assertSameShap(memory, onnx, name === 'binary' ? [1] : memory.values.map((_, k) => k), 1e-6);
    const scores = await onnxruntime(bytes, TEST, false);
    const expected = name === 'binary' ? [scores[1]] : scores;
    totals(onnx).forEach((t, k) => assert.ok(maxDiff(t, expected[k]) < 1e-5, `output ${k}: ${maxDiff(t, expected[k])}`));
  });
}

test('TreeSHAP of an ONNX export adds up on covers counted on other data, even where no cover row went', async () => {
  const model = fitGbdt(TRAIN, { label: 'ym', task: 'multiclass', features: FEATURES, maxIter: 10, maxLeafNodes: 15, minSamplesLeaf: 5, seed: 3 });
  const bytes = toOnnx(model);
  const few = TEST.take(Uint32Array.of(0, 1, 2, 3, 4));
  const ensemble = shapTreesFromOnnx(bytes, { coverData: few });
  assert.ok(ensemble.trees.some((t) => t.cover.includes(0)), 'some node has no cover row');
  const r = treeShap(ensemble, TEST);
  const raw = await onnxruntime(bytes, TEST, true);
  totals(r).forEach((t, k) => assert.ok(maxDiff(t, raw[k]) < 1e-5));
  // The expected value is the mean raw score of the cover rows.
  const rawFew = await onnxruntime(bytes, few, true);
  rawFew.forEach((s, k) => assert.ok(Math.abs(r.expectedValue[k] - s.reduce((a, b) => a + b, 0) / s.length) < 1e-5));
});

test('shapTreesFromOnnx asks for cover data when the model stores no covers, and rejects unknown options', () => {
  const model = fitGbdt(TRAIN, { label: 'yb', features: FEATURES, maxIter: 2, seed: 1 });
  const bytes = toOnnx(model);
  assert.throws(() => shapTreesFromOnnx(bytes), (e: unknown) => isUserError(e) && e.code === 'cover_data_required' && /--cover-data/.test(e.message));
  assert.throws(() => shapTreesFromOnnx(bytes, { covers: 'model', coverData: TRAIN }), (e: unknown) => isUserError(e) && e.code === 'no_covers');
  assert.throws(() => shapTreesFromOnnx(bytes, { covers: 'maybe' as 'auto' }), (e: unknown) => isUserError(e) && e.code === 'invalid_option');
  assert.throws(() => shapTreesFromOnnx(Uint8Array.of(0x3a, 0x05, 1)), (e: unknown) => isUserError(e) && e.code === 'invalid_onnx');
  const ensemble = shapTreesFromOnnx(bytes, { coverData: TRAIN });
  assert.throws(() => ensemble.encode(Table.from({ x1: [1], x2: [1], c: [2], flag: [0] })), (e: unknown) => isUserError(e) && e.code === 'dtype_mismatch');
  assert.throws(() => ensemble.encode(Table.from({ x1: [1] })), (e: unknown) => isUserError(e) && e.code === 'unknown_column');
});

// ---- scikit-learn models converted as skl2onnx does (test/fixtures/onnx-trees). ----

const DIR = new URL('../fixtures/onnx-trees/', import.meta.url);
const DATA = JSON.parse(readFileSync(new URL('data.json', DIR), 'utf8')) as {
  features: string[];
  train: (number | null)[][];
  test: (number | null)[][];
  gbc_node_counts: number[][];
  sklearn: { gbc_margin: number[]; rf_proba: number[][]; rfr_predict: number[] };
};
const tableOf = (rows: (number | null)[][]) => Table.from(Object.fromEntries(DATA.features.map((f, j) => [f, rows.map((r) => r[j])])));
const SK_TRAIN = tableOf(DATA.train);
const SK_TEST = tableOf(DATA.test);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));
/** Test rows without NaN (scikit-learn's outputs in the fixture were computed on NaN filled with 0). */
const complete = DATA.test.map((r) => r.every((v) => v !== null));

test('TreeSHAP of a converted scikit-learn GradientBoostingClassifier: covers from the training rows, raw log-odds from onnxruntime', async () => {
  const bytes = fixture('gbc_binary.onnx');
  assert.throws(() => shapTreesFromOnnx(bytes, { coverData: SK_TRAIN }), (e: unknown) => isUserError(e) && e.code === 'features_required');
  const ensemble = shapTreesFromOnnx(bytes, { features: DATA.features, coverData: SK_TRAIN });
  assert.deepEqual(ensemble.outputs, ['1']);
  assert.equal(ensemble.postTransform, 'LOGISTIC');
  // Covers counted on the training rows are scikit-learn's n_node_samples (same node order: depth-first, left first).
  assert.equal(ensemble.trees.length, DATA.gbc_node_counts.length);
  ensemble.trees.forEach((t, k) => assert.deepEqual(Array.from(t.cover), DATA.gbc_node_counts[k]));
  const r = treeShap(ensemble, SK_TEST);
  const [total] = totals(r);
  const raw = await onnxruntime(bytes, SK_TEST, true, DATA.features);
  assert.ok(maxDiff(total, raw[1]) < 1e-5, `against onnxruntime: ${maxDiff(total, raw[1])}`);
  // And against the log-odds of onnxruntime's probabilities, and scikit-learn's decision function.
  const p = await onnxruntime(bytes, SK_TEST, false, DATA.features);
  assert.ok(maxDiff(total, p[1].map((q) => Math.log(q / (1 - q)))) < 1e-4);
  DATA.sklearn.gbc_margin.forEach((m, i) => complete[i] && assert.ok(Math.abs(total[i] - m) < 1e-5, `row ${i}: ${total[i]} vs scikit-learn ${m}`));
});

test('TreeSHAP of a converted scikit-learn RandomForestClassifier reads nodes_hitrates as covers and adds up to onnxruntime', async () => {
  const bytes = fixture('rf_multiclass.onnx');
  const ensemble = shapTreesFromOnnx(bytes, { features: DATA.features });
  assert.equal(ensemble.coverSource, 'model');
  assert.deepEqual(ensemble.outputs, ['low', 'mid', 'high']);
  const r = treeShap(ensemble, SK_TEST);
  const p = await onnxruntime(bytes, SK_TEST, false, DATA.features);
  totals(r).forEach((t, k) => {
    assert.ok(maxDiff(t, p[k]) < 1e-5, `class ${k}: ${maxDiff(t, p[k])}`);
    // The fixture is faithful: onnxruntime's forest is scikit-learn's.
    DATA.sklearn.rf_proba.forEach((row, i) => complete[i] && assert.ok(Math.abs(t[i] - row[k]) < 1e-5));
  });
  // Covers counted on the training rows instead (out-of-bag rows included) still add up.
  const onData = treeShap(shapTreesFromOnnx(bytes, { features: DATA.features, covers: 'data', coverData: SK_TRAIN }), SK_TEST);
  totals(onData).forEach((t, k) => assert.ok(maxDiff(t, p[k]) < 1e-5));
  assert.ok(maxDiff(onData.values[0], r.values[0]) > 1e-6, 'different covers give different contributions');
});

test('TreeSHAP of a converted scikit-learn RandomForestRegressor (aggregate AVERAGE) adds up to onnxruntime', async () => {
  const bytes = fixture('rf_regressor.onnx');
  const ensemble = shapTreesFromOnnx(bytes, { inputs: { float_input: DATA.features }, coverData: SK_TRAIN });
  assert.deepEqual(ensemble.outputs, ['value']);
  const r = treeShap(ensemble, SK_TEST);
  const [total] = totals(r);
  const [value] = await onnxruntime(bytes, SK_TEST, false, DATA.features);
  assert.ok(maxDiff(total, value) < 1e-5, `${maxDiff(total, value)}`);
  DATA.sklearn.rfr_predict.forEach((v, i) => complete[i] && assert.ok(Math.abs(total[i] - v) < 1e-5));
});

// ---- A hand-made graph: per-column preprocessing and every node mode. ----

const ML = 'ai.onnx.ml';
const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'];
const GRID = [-1, -0.5, 0, 0.5, 1];

/** Random trees over the 6 ensemble columns (scaled a, b, imputed c, one-hot s = u/v/w), every mode, ties with the data grid. */
function randomEnsemble(rng: Random, trees: number, hitrates: boolean): Record<string, OnnxAttribute> {
  const a = { tree: [] as number[], id: [] as number[], feature: [] as number[], mode: [] as string[], value: [] as number[], yes: [] as number[], no: [] as number[], miss: [] as number[], hit: [] as number[] };
  const leaf = { tree: [] as number[], id: [] as number[], target: [] as number[], weight: [] as number[] };
  for (let t = 0; t < trees; t++) {
    let next = 0;
    const grow = (depth: number): number => {
      const id = next++;
      const at = a.tree.length;
      a.tree.push(t);
      a.id.push(id);
      a.hit.push(1 + rng.int(20));
      if (depth < 4 && (depth === 0 || rng.next() < 0.8)) {
        const f = rng.int(6);
        a.feature.push(f);
        a.mode.push(MODES[rng.int(MODES.length)]);
        a.value.push(f >= 3 ? [0, 0.5, 1][rng.int(3)] : GRID[rng.int(GRID.length)]);
        a.miss.push(rng.int(2));
        a.yes.push(0);
        a.no.push(0);
        a.yes[at] = grow(depth + 1);
        a.no[at] = grow(depth + 1);
      } else {
        a.feature.push(0);
        a.mode.push('LEAF');
        a.value.push(0);
        a.miss.push(0);
        a.yes.push(0);
        a.no.push(0);
        for (const target of [0, 1]) {
          leaf.tree.push(t);
          leaf.id.push(id);
          leaf.target.push(target);
          leaf.weight.push(Math.round(rng.normal() * 100) / 100);
        }
      }
      return id;
    };
    grow(0);
  }
  return {
    nodes_treeids: { kind: 'ints', value: a.tree },
    nodes_nodeids: { kind: 'ints', value: a.id },
    nodes_featureids: { kind: 'ints', value: a.feature },
    nodes_modes: { kind: 'strings', value: a.mode },
    nodes_values: { kind: 'floats', value: a.value },
    nodes_truenodeids: { kind: 'ints', value: a.yes },
    nodes_falsenodeids: { kind: 'ints', value: a.no },
    nodes_missing_value_tracks_true: { kind: 'ints', value: a.miss },
    ...(hitrates ? { nodes_hitrates: { kind: 'floats', value: a.hit } as OnnxAttribute } : {}),
    target_treeids: { kind: 'ints', value: leaf.tree },
    target_nodeids: { kind: 'ints', value: leaf.id },
    target_ids: { kind: 'ints', value: leaf.target },
    target_weights: { kind: 'floats', value: leaf.weight },
    n_targets: { kind: 'int', value: 2 },
    base_values: { kind: 'floats', value: [0.5, -1] },
    post_transform: { kind: 'string', value: 'NONE' },
  };
}

function handMadeModel(rng: Random, hitrates: boolean): Uint8Array {
  const nodes: OnnxNode[] = [
    { op: 'Scaler', domain: ML, inputs: ['a'], outputs: ['a_scaled'], attributes: { offset: { kind: 'floats', value: [0.25] }, scale: { kind: 'floats', value: [2] } } },
    { op: 'Imputer', domain: ML, inputs: ['c'], outputs: ['c_imputed'], attributes: { imputed_value_floats: { kind: 'floats', value: [0.5] }, replaced_value_float: { kind: 'float', value: NaN } } },
    { op: 'OneHotEncoder', domain: ML, inputs: ['s'], outputs: ['s_onehot3'], attributes: { cats_strings: { kind: 'strings', value: ['u', 'v', 'w'] }, zeros: { kind: 'int', value: 1 } } },
    { op: 'Flatten', inputs: ['s_onehot3'], outputs: ['s_onehot'], attributes: { axis: { kind: 'int', value: 1 } } },
    { op: 'Concat', inputs: ['a_scaled', 'b', 'c_imputed', 's_onehot'], outputs: ['features'], attributes: { axis: { kind: 'int', value: 1 } } },
    { op: 'TreeEnsembleRegressor', domain: ML, inputs: ['features'], outputs: ['variable'], attributes: randomEnsemble(rng, 4, hitrates) },
  ];
  return encodeOnnxModel({
    name: 'hand-made',
    nodes,
    inputs: [
      { name: 'a', type: ONNX_TYPE.float, shape: ['N', 1] },
      { name: 'b', type: ONNX_TYPE.float, shape: ['N', 1] },
      { name: 'c', type: ONNX_TYPE.float, shape: ['N', 1] },
      { name: 's', type: ONNX_TYPE.string, shape: ['N', 1] },
    ],
    outputs: [{ name: 'variable', type: ONNX_TYPE.float, shape: ['N', 2] }],
    opsets: { '': 13, [ML]: 3 },
  });
}

test('TreeSHAP of a hand-made ONNX graph (Scaler, Imputer, OneHotEncoder, every node mode, ties and NaN) adds up to onnxruntime', async () => {
  const rng = new Random(5);
  const n = 300;
  // a is scaled onto the grid: (a - 0.25) * 2 ∈ {-1, -0.5, 0, 0.5, 1}.
  const pickA = [-0.25, 0, 0.25, 0.5, 0.75, NaN, 0.1];
  const pickB = [...GRID, NaN, 0.3];
  const strings = ['u', 'v', 'w', 'other', null];
  const cols = {
    a: Array.from({ length: n }, () => pickA[rng.int(pickA.length)]),
    b: Array.from({ length: n }, () => pickB[rng.int(pickB.length)]),
    c: Array.from({ length: n }, () => pickB[rng.int(pickB.length)]),
    s: Array.from({ length: n }, () => strings[rng.int(strings.length)]),
  };
  const table = Table.from({ a: cols.a.map((v) => (v !== v ? null : v)), b: cols.b.map((v) => (v !== v ? null : v)), c: cols.c.map((v) => (v !== v ? null : v)), s: cols.s });
  const feeds = {
    a: new ort.Tensor('float32', Float32Array.from(cols.a), [n, 1]),
    b: new ort.Tensor('float32', Float32Array.from(cols.b), [n, 1]),
    c: new ort.Tensor('float32', Float32Array.from(cols.c), [n, 1]),
    s: new ort.Tensor('string', cols.s.map((v) => v ?? ''), [n, 1]),
  };
  for (let trial = 0; trial < 6; trial++) {
    const hitrates = trial % 2 === 0;
    const bytes = handMadeModel(rng, hitrates);
    const session = await ort.InferenceSession.create(bytes);
    const out = (await session.run(feeds)).variable.data as Float32Array;
    await session.release();
    const ensemble: ShapEnsemble = shapTreesFromOnnx(bytes, { coverData: table });
    assert.deepEqual(ensemble.features, ['a', 'b', 'c', 's']);
    const r = treeShap(ensemble, table);
    totals(r).forEach((t, k) => {
      const expected = Float64Array.from({ length: n }, (_, i) => out[i * 2 + k]);
      assert.ok(maxDiff(t, expected) < 1e-5, `trial ${trial} target ${k}: ${maxDiff(t, expected)}`);
    });
  }
});

test('shapTreesFromOnnx names the operator it cannot trace back to the input columns', () => {
  const bytes = encodeOnnxModel({
    name: 'mixes',
    nodes: [
      { op: 'Concat', inputs: ['a', 'b'], outputs: ['ab'], attributes: { axis: { kind: 'int', value: 1 } } },
      { op: 'Normalizer', domain: ML, inputs: ['ab'], outputs: ['features'], attributes: { norm: { kind: 'string', value: 'L2' } } },
      {
        op: 'TreeEnsembleRegressor',
        domain: ML,
        inputs: ['features'],
        outputs: ['variable'],
        attributes: {
          nodes_treeids: { kind: 'ints', value: [0] },
          nodes_nodeids: { kind: 'ints', value: [0] },
          nodes_featureids: { kind: 'ints', value: [0] },
          nodes_modes: { kind: 'strings', value: ['LEAF'] },
          nodes_values: { kind: 'floats', value: [0] },
          nodes_truenodeids: { kind: 'ints', value: [0] },
          nodes_falsenodeids: { kind: 'ints', value: [0] },
          target_treeids: { kind: 'ints', value: [0] },
          target_nodeids: { kind: 'ints', value: [0] },
          target_ids: { kind: 'ints', value: [0] },
          target_weights: { kind: 'floats', value: [1] },
          n_targets: { kind: 'int', value: 1 },
        },
      },
    ],
    inputs: [
      { name: 'a', type: ONNX_TYPE.float, shape: ['N', 1] },
      { name: 'b', type: ONNX_TYPE.float, shape: ['N', 1] },
    ],
    outputs: [{ name: 'variable', type: ONNX_TYPE.float, shape: ['N', 1] }],
    opsets: { '': 13, [ML]: 3 },
  });
  assert.throws(
    () => shapTreesFromOnnx(bytes, { coverData: Table.from({ a: [1], b: [2] }) }),
    (e: unknown) => isUserError(e) && e.code === 'unsupported_model' && /Normalizer/.test(e.message),
  );
});
