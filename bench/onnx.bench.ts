// Scoring a Table through an ONNX model: loadOnnxModel().predict on 1,000,000 rows x 20 numeric
// columns (a LinearClassifier, test/fixtures/onnx/linear20.onnx), against onnxruntime's own
// session.run on one pre-built [N, 20] float32 tensor of the same data, in the same run.
// Candor's time includes packing the columns into float32 batches and turning the outputs into
// class indices and per-class Float64Array scores; the baseline's excludes both. A second baseline,
// "by hand", is what a user would write: pack the table's columns row-major into one float32
// tensor, then session.run.
// Run: node --import tsx bench/onnx.bench.ts [--rows 1000000] [--reps 5] [--threads N] [--json]
import * as ort from 'onnxruntime-node';
import { fileURLToPath } from 'node:url';
import { numericColumn, Random, Table } from '../src/index.js';
import { loadOnnxModel } from '../src/adapters/onnx.js';

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
