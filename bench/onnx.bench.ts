// Scoring a Table through an ONNX model, 1,000,000 rows x 20 numeric columns, against
// onnxruntime's own session.run on one pre-built tensor of the same data, in the same run:
// 1. a LinearClassifier (test/fixtures/onnx/linear20.onnx): the model is a memory pass, so the
//    comparison isolates Candor's overhead — packing float64 columns into float32 batches and
//    turning the outputs into class indices and per-class Float64Array scores, both of which the
//    baseline skips. A second baseline, "by hand", is what a user would write: pack the table's
//    columns row-major into one float32 tensor, then session.run.
// 2. gradient boosting (100 trees, depth <= 6) with one [N, 20] double input: a model whose
//    scoring is real work, as the models people bring are.
// Run: node --import tsx bench/onnx.bench.ts [--rows 1000000] [--reps 5] [--threads N] [--json]
import * as ort from 'onnxruntime-node';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { numericColumn, Random, Table } from '../src/index.js';
import { loadOnnxModel } from '../src/adapters/onnx.js';
import { fitGbdt } from '../src/learn/gbdt.js';
import { encodeOnnxModel } from '../src/learn/onnx-proto.js';
import { ONNX_OPSETS, toOnnxGraph } from '../src/learn/to-onnx.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rows = arg('--rows', 1_000_000);
const reps = arg('--reps', 5);
const threads = arg('--threads', 0);
const json = args.includes('--json');
const F = 20;
const MODEL = fileURLToPath(new URL('../test/fixtures/onnx/linear20.onnx', import.meta.url));

const rng = new Random(42);
const names = Array.from({ length: F }, (_, j) => `f${j}`);
const columns = names.map((name) => {
  const v = new Float64Array(rows);
  for (let i = 0; i < rows; i++) v[i] = rng.normal();
  return numericColumn(name, v);
});
const table = new Table(columns);
const packed = new Float32Array(rows * F);
for (let j = 0; j < F; j++) {
  const v = columns[j].values;
  for (let i = 0; i < rows; i++) packed[i * F + j] = v[i];
}

const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], ...(threads ? { intraOpNumThreads: threads } : {}) };
const session = await ort.InferenceSession.create(MODEL, sessionOptions);
const model = await loadOnnxModel(MODEL, { features: names, ...(threads ? { threads } : {}) });
const input = new ort.Tensor('float32', packed, [rows, F]);

async function time(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

// Warm up both, then alternate so that load on the shared machine affects both alike.
await session.run({ float_input: input });
const check = await model.predict(table);
const candor: number[] = [];
const baseline: number[] = [];
const byHand: number[] = [];
const packByHand = () => {
  const out = new Float32Array(rows * F);
  for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < F; j++) out[k++] = columns[j].values[i];
  return new ort.Tensor('float32', out, [rows, F]);
};
for (let r = 0; r < reps; r++) {
  baseline.push(await time(() => session.run({ float_input: input })));
  candor.push(await time(() => model.predict(table)));
  byHand.push(await time(() => session.run({ float_input: packByHand() })));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = {
  rows,
  features: F,
  reps,
  candor_s: median(candor),
  baseline_s: median(baseline),
  ratio: median(candor) / median(baseline),
  candor_best_s: Math.min(...candor),
  baseline_best_s: Math.min(...baseline),
  by_hand_s: median(byHand),
  by_hand_best_s: Math.min(...byHand),
  input_layout: model.inputLayout,
  predicted_positive: check.task === 'binary' ? check.labels.reduce((s, l) => s + l, 0) : null,
};

if (json) console.log(JSON.stringify(result));
else {
  console.log(`| measurement (${rows.toLocaleString('en')} rows x ${F} features, median of ${reps}) | Candor | baseline | ratio (target) |`);
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| loadOnnxModel().predict(table) vs session.run on one pre-built float32 tensor | ${result.candor_s.toFixed(3)} s | ${result.baseline_s.toFixed(3)} s | ${result.ratio.toFixed(2)}x (≤ 1.3x) |`,
  );
  console.log(`| loadOnnxModel().predict(table) vs packing the columns row-major by hand, then session.run | ${result.candor_s.toFixed(3)} s | ${result.by_hand_s.toFixed(3)} s | ${(result.candor_s / result.by_hand_s).toFixed(2)}x |`);
  console.log(`\nbest of ${reps}: Candor ${result.candor_best_s.toFixed(3)} s, session.run ${result.baseline_best_s.toFixed(3)} s, by hand ${result.by_hand_best_s.toFixed(3)} s; input layout: ${result.input_layout}`);
}
await session.release();
await model.release();

// The same rows through a model whose scoring is not a memory copy: histogram gradient boosting
// (100 trees, depth <= 6) trained by Candor on the first 100,000 rows, exported with one [N, 20]
// double tensor input (toOnnx's graph without its per-column Concat). The baseline is session.run
// on one pre-built float64 tensor of the same rows; Candor packs the table's columns itself.
const y = new Float64Array(rows);
for (let i = 0; i < rows; i++) {
  const v = (j: number) => columns[j].values[i];
  y[i] = v(0) * v(1) + Math.sin(3 * v(2)) + (v(3) > 0.5 ? 1 : 0) - 0.5 * v(4) ** 2 + 0.3 * rng.normal() > 0 ? 1 : 0;
}
const trainRows = Math.min(rows, 100_000);
const trainTable = new Table([...columns.map((c) => numericColumn(c.name, c.values.slice(0, trainRows))), numericColumn('y', y.slice(0, trainRows))]);
const gbdt = fitGbdt(trainTable, { label: 'y', features: names, maxIter: 100, maxDepth: 6, earlyStopping: false, seed: 0 });
const graph = toOnnxGraph(gbdt);
const concat = graph.nodes.find((n) => n.op === 'Concat');
if (!concat || concat.inputs.join() !== names.join()) throw new Error('expected the export to concatenate the 20 feature inputs first');
const gbdtBytes = encodeOnnxModel({
  name: 'gbdt20',
  nodes: graph.nodes.filter((n) => n !== concat),
  inputs: [{ name: concat.outputs[0], type: 11, shape: ['N', F] }],
  outputs: graph.outputs,
  opsets: ONNX_OPSETS,
});
const gbdtPath = fileURLToPath(new URL('./data/gbdt20.onnx', import.meta.url));
mkdirSync(fileURLToPath(new URL('./data/', import.meta.url)), { recursive: true });
writeFileSync(gbdtPath, gbdtBytes);
const treeSession = await ort.InferenceSession.create(gbdtPath, sessionOptions);
const treeModel = await loadOnnxModel(gbdtPath, { features: names, ...(threads ? { threads } : {}) });
const packed64 = new Float64Array(rows * F);
for (let j = 0; j < F; j++) {
  const v = columns[j].values;
  for (let i = 0; i < rows; i++) packed64[i * F + j] = v[i];
}
const treeInput = { [treeSession.inputNames[0]]: new ort.Tensor('float64', packed64, [rows, F]) };
await treeSession.run(treeInput);
await treeModel.predict(table);
const treeCandor: number[] = [];
const treeBaseline: number[] = [];
for (let r = 0; r < reps; r++) {
  treeBaseline.push(await time(() => treeSession.run(treeInput)));
  treeCandor.push(await time(() => treeModel.predict(table)));
}
const tree = { candor_s: median(treeCandor), baseline_s: median(treeBaseline), ratio: median(treeCandor) / median(treeBaseline), trees: gbdt.trees.length, input_layout: treeModel.inputLayout };
if (json) console.log(JSON.stringify({ tree_ensemble: tree }));
else {
  console.log(`\n| measurement (${rows.toLocaleString('en')} rows x ${F} features, ${tree.trees} trees, median of ${reps}) | Candor | baseline | ratio (target) |`);
  console.log('| --- | --- | --- | --- |');
  console.log(`| gradient boosting, one [N, ${F}] input: loadOnnxModel().predict(table) vs session.run on one pre-built tensor | ${tree.candor_s.toFixed(3)} s | ${tree.baseline_s.toFixed(3)} s | ${tree.ratio.toFixed(2)}x (≤ 1.3x) |`);
}
await treeSession.release();
await treeModel.release();
