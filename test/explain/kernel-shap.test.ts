import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  isUserError,
  jsModel,
  type JsModelRow,
  kernelShap,
  type KernelShapResult,
  kmeansSummary,
  parseBackground,
  parseXgboostModel,
  predictXgboostMargins,
  Random,
  type RowOutput,
  Table,
  valueAt,
  numericColumn,
} from '../../src/index.js';
import { kernelCoalitions } from '../../src/explain/kernel-shap-coalitions.js';
import { ROOT } from '../helpers/cli.js';

type Row = JsModelRow;
type Scorer = (rows: Row[]) => number[];

/**
 * Exact interventional Shapley values by brute force, written independently of kernelShap: every
 * coalition S of the features, v(S) = Σ_b w_b g(x_S, b_S̄) with g called on row objects, and
 * φ_j = Σ_{S ∌ j} |S|! (M − |S| − 1)! / M! (v(S ∪ {j}) − v(S)).
 */
function exactShapley(g: Scorer, x: Row, background: Row[], weights: number[], features: string[]): { phi: number[]; base: number; fx: number } {
  const M = features.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const v = new Float64Array(1 << M);
  for (let s = 0; s < 1 << M; s++) {
    const rows = background.map((b) => {
      const r: Row = {};
      features.forEach((f, j) => (r[f] = (s >> j) & 1 ? x[f] : b[f]));
      return r;
    });
    const out = g(rows);
    v[s] = out.reduce((acc, y, i) => acc + (weights[i] / total) * y, 0);
  }
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = features.map((_, j) => {
    let sum = 0;
    for (let s = 0; s < 1 << M; s++) {
      if ((s >> j) & 1) continue;
      let size = 0;
      for (let t = s; t; t >>= 1) size += t & 1;
      sum += ((fact(size) * fact(M - size - 1)) / fact(M)) * (v[s | (1 << j)] - v[s]);
    }
    return sum;
  });
  return { phi, base: v[0], fx: v[(1 << M) - 1] };
}

function rowOf(table: Table, i: number, features: readonly string[]): Row {
  const r: Row = {};
  for (const f of features) {
    const v = valueAt(table.column(f), i);
    r[f] = Array.isArray(v) ? v.join('|') : v;
  }
  return r;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Largest |expected value + Σ contributions − f(x)| over rows and outputs. */
function additivityError(r: KernelShapResult): number {
  const F = r.features.length;
  let worst = 0;
  r.values.forEach((v, k) => {
    for (let i = 0; i < r.rows; i++) {
      let s = r.expectedValue[k];
      for (let j = 0; j < F; j++) s += v[i * F + j];
      worst = Math.max(worst, Math.abs(s - r.predictions[k][i]));
    }
  });
  return worst;
}

// Eight features: five numeric (one with missing values), a categorical, a boolean, one numeric
// that is constant; an output with interactions of two to four features, a threshold and a
// categorical effect.
const FEATURES = ['a', 'b', 'c', 'd', 'e', 'color', 'flag', 'k'];
function data(n: number, seed: number): Table {
  const rng = new Random(seed);
  const cols: Record<string, (number | string | boolean | null)[]> = { a: [], b: [], c: [], d: [], e: [], color: [], flag: [], k: [] };
  for (let i = 0; i < n; i++) {
    cols.a.push(rng.normal());
    cols.b.push(rng.uniform(-2, 2));
    cols.c.push(rng.next() < 0.15 ? null : rng.normal(1, 2));
    cols.d.push(rng.int(5));
    cols.e.push(rng.normal());
    cols.color.push(rng.next() < 0.1 ? null : ['red', 'green', 'blue'][rng.int(3)]);
    cols.flag.push(rng.next() < 0.5);
    cols.k.push(3);
  }
  return Table.from(cols);
}
const num = (v: number | string | boolean | null) => (typeof v === 'number' ? v : 0);
function score(r: Row): number {
  const c = r.c === null ? -1 : num(r.c);
  return (
    1.5 * num(r.a) -
    num(r.a) * num(r.b) +
    0.7 * Math.sin(c) +
    (num(r.d) > 2 ? 0.8 : -0.3) +
    0.2 * num(r.e) * num(r.d) +
    (r.color === 'red' ? 1 : r.color === null ? -0.5 : 0) +
    (r.flag === true ? 0.4 * num(r.b) : 0) +
    // Higher-order interactions, which paired sampling does not get exactly right by construction.
    0.5 * num(r.a) * num(r.e) * (r.flag === true ? 1 : -1) +
    Math.max(num(r.a), num(r.b), c, num(r.e)) +
    0.1 * num(r.k)
  );
}
const regression = jsModel({
  name: 'interactions',
  task: 'regression',
  inputs: ['a', 'b', 'c', 'd', 'e', { name: 'color', type: 'categorical' }, 'flag', 'k'],
  predict: (rows) => rows.map(score),
});
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const binary = jsModel({
  name: 'interactions-binary',
  task: 'binary',
  classes: ['no', 'yes'],
  inputs: regression.inputs,
  predict: (rows) => rows.map((r) => sigmoid(score(r) - 0.5)),
});
const DATA = data(120, 7);

test('kernelShap equals brute-force Shapley values with every coalition enumerated (8 features)', async () => {
  const r = await kernelShap(regression, DATA, { background: { sample: 12 }, rows: [0, 1, 2, 3, 4, 5], seed: 3, budget: 1000 });
  assert.deepEqual(r.coalitions.sampledRows, 0);
  assert.deepEqual([...r.features], FEATURES);
  assert.equal(r.space, 'value');
  assert.deepEqual(r.background, { method: 'sample', rows: 12, of: 120, seed: 3 });
  // The background is the seeded sample: recovered the way the docs say (uniform, without replacement, seed 3).
  const sampleBackground = backgroundRows(12, 3);
  for (let t = 0; t < 6; t++) {
    const exact = exactShapley((rows) => rows.map(score), rowOf(DATA, t, FEATURES), sampleBackground, sampleBackground.map(() => 1), FEATURES);
    const got = r.values[0].subarray(t * 8, t * 8 + 8);
    assert.ok(maxAbsDiff(got, exact.phi) < 1e-9, `row ${t}: ${[...got]} vs ${exact.phi}`);
    assert.ok(Math.abs(r.expectedValue[0] - exact.base) < 1e-12);
    // The constant feature k never varies: exactly 0.
    assert.equal(got[7], 0);
  }
  assert.ok(additivityError(r) < 1e-9);
});

/** The rows of a seeded background sample: drawn as makeBackground documents (a partial Fisher–Yates over row indices). */
function backgroundRows(size: number, seed: number): Row[] {
  const rng = new Random(seed);
  const n = DATA.rowCount;
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  const idx = p.slice(0, size).sort((x, y) => x - y);
  return idx.map((i) => rowOf(DATA, i, FEATURES));
}

test('kernelShap with sampled coalitions converges to the exact Shapley values: within 0.01 at a large budget (8 features)', async () => {
  // A weighted background given explicitly, where all 8 features vary (k too): 2^8 − 2 = 254
  // coalitions, of which each budget below evaluates a stratified, paired sample.
  const bgIdx = [10, 20, 30, 40, 50, 60, 70, 80];
  const weights = [1, 2, 3, 1, 2, 3, 1, 2];
  const bgTable = DATA.take(bgIdx).withColumn(numericColumn('k', [1, 2, 3, 4, 5, 1, 2, 3]));
  const bg = bgIdx.map((_, i) => rowOf(bgTable, i, FEATURES));
  const rows = [0, 1, 2, 3, 4, 5, 6, 7];
  const exact = rows.map((t) => exactShapley((rs) => rs.map(score), rowOf(DATA, t, FEATURES), bg, weights, FEATURES).phi);
  const errors: number[] = [];
  for (const budget of [60, 150, 250]) {
    const r = await kernelShap(regression, DATA, { background: { table: bgTable, weights }, rows, budget, seed: 11 });
    assert.equal(r.coalitions.exhaustiveRows, 0, 'the budget must force sampling for this test to mean anything');
    assert.equal(r.coalitions.evaluated, budget * rows.length);
    assert.equal(r.background.method, 'given');
    let worst = 0;
    for (const t of rows) worst = Math.max(worst, maxAbsDiff(r.values[0].subarray(t * 8, t * 8 + 8), exact[t]));
    errors.push(worst);
    assert.ok(additivityError(r) < 1e-9);
  }
  assert.ok(errors[0] > errors[1] && errors[1] > errors[2], `errors by budget: ${errors}`);
  assert.ok(errors[2] < 0.01, `max abs error ${errors[2]} at budget 250`);
});

test('kernelShap explains a classifier in log-odds space by default and in probability space on request', async () => {
  const bgIdx = [3, 9, 27, 81, 100];
  const bg = bgIdx.map((i) => rowOf(DATA, i, FEATURES));
  const opts = { background: { table: DATA.take(bgIdx) }, rows: [5, 6], budget: 300 };
  const raw = await kernelShap(binary, DATA, opts);
  const prob = await kernelShap(binary, DATA, { ...opts, output: 'probability' });
  assert.equal(raw.space, 'log-odds');
  assert.equal(prob.space, 'probability');
  assert.deepEqual(raw.outputs, ['yes']);
  const logit = (p: number) => Math.log(p / (1 - p));
  for (const [pos, t] of [5, 6].entries()) {
    const x = rowOf(DATA, t, FEATURES);
    const exactRaw = exactShapley((rs) => rs.map((r) => logit(sigmoid(score(r) - 0.5))), x, bg, bg.map(() => 1), FEATURES);
    const exactProb = exactShapley((rs) => rs.map((r) => sigmoid(score(r) - 0.5)), x, bg, bg.map(() => 1), FEATURES);
    assert.ok(maxAbsDiff(raw.values[0].subarray(pos * 8, pos * 8 + 8), exactRaw.phi) < 1e-9);
    assert.ok(maxAbsDiff(prob.values[0].subarray(pos * 8, pos * 8 + 8), exactProb.phi) < 1e-9);
    assert.ok(Math.abs(raw.predictions[0][pos] - (score(x) - 0.5)) < 1e-9);
  }
  // The other class of a binary model: the same log-odds with the sign flipped.
  const no = await kernelShap(binary, DATA, { ...opts, class: 'no' });
  assert.deepEqual(no.outputs, ['no']);
  assert.ok(maxAbsDiff(no.values[0], raw.values[0].map((v) => -v)) < 1e-9);
});

test('kernelShap of a linear model is w_j (x_j − background mean of x_j), even with sampled coalitions', async () => {
  const rng = new Random(5);
  const F = 12;
  const names = Array.from({ length: F }, (_, j) => `x${j}`);
  const cols: Record<string, number[]> = {};
  for (const f of names) cols[f] = Array.from({ length: 300 }, () => rng.normal(0, 1 + rng.next()));
  const table = Table.from(cols);
  const w = names.map(() => rng.normal(0, 2));
  const linear = jsModel({ task: 'regression', inputs: names, predict: (rows) => rows.map((r) => 0.5 + names.reduce((s, f, j) => s + w[j] * (r[f] as number), 0)) });
  for (const background of [{ sample: 40 }, { kmeans: 7 }] as const) {
    // 2^12 − 2 = 4094 coalitions; 150 are sampled.
    const r = await kernelShap(linear, table, { background, sample: { rows: 25, seed: 1 }, budget: 150, seed: 9 });
    assert.equal(r.coalitions.exhaustiveRows, 0);
    assert.equal(r.sample?.rows, 25);
    // The background's weighted mean of each feature, recomputed from its definition.
    const means = names.map(() => 0);
    if ('kmeans' in background) {
      const s = kmeansSummary(table, names, 7, { seed: 9 });
      names.forEach((f, j) => {
        const v = (s.table.column(f) as { values: Float64Array }).values;
        for (let c = 0; c < s.k; c++) means[j] += s.weights[c] * v[c];
      });
    } else {
      const bg = new Random(9);
      const p = Array.from({ length: 300 }, (_, i) => i);
      for (let i = 0; i < 40; i++) {
        const j = i + bg.int(300 - i);
        [p[i], p[j]] = [p[j], p[i]];
      }
      for (const i of p.slice(0, 40)) names.forEach((f, j) => (means[j] += cols[f][i] / 40));
    }
    const rows = r.rowIndices as number[];
    rows.forEach((i, pos) => {
      const expected = names.map((f, j) => w[j] * (cols[f][i] - means[j]));
      assert.ok(maxAbsDiff(r.values[0].subarray(pos * F, pos * F + F), expected) < 1e-9, `${JSON.stringify(background)} row ${i}`);
    });
    assert.ok(additivityError(r) < 1e-9);
  }
});

test('kernelShap gives identical output for the same seed, whatever other rows are explained', async () => {
  const opts = { background: { kmeans: 6 }, budget: 40, seed: 4 } as const;
  const a = await kernelShap(regression, DATA, { ...opts, rows: [1, 2, 3, 4] });
  const b = await kernelShap(regression, DATA, { ...opts, rows: [1, 2, 3, 4] });
  assert.deepEqual(a, b);
  assert.equal(a.coalitions.exhaustiveRows, 0);
  // Row 3 alone, and in one-row model calls: the same bits.
  const c = await kernelShap(regression, DATA, { ...opts, rows: [3], maxRowsPerCall: 1 });
  assert.deepEqual([...c.values[0]], [...a.values[0].subarray(2 * 8, 3 * 8)]);
  const d = await kernelShap(regression, DATA, { ...opts, seed: 5, rows: [1, 2, 3, 4] });
  assert.notDeepEqual([...d.values[0]], [...a.values[0]]);
});

test('kernelShap is additive to 1e-9 for any budget, background and model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1000 }), async (M, extra, bgSize, seed) => {
      const rng = new Random(seed);
      const names = Array.from({ length: M }, (_, j) => `f${j}`);
      const cols: Record<string, number[]> = {};
      for (const f of names) cols[f] = Array.from({ length: 30 }, () => (rng.next() < 0.1 ? NaN : rng.normal(0, 10)));
      const coef = names.map(() => rng.normal());
      const model = jsModel({
        task: 'binary',
        inputs: names,
        predict: (rows) => rows.map((r): RowOutput => sigmoid(names.reduce((s, f, j) => s + coef[j] * Math.tanh(Number.isNaN(r[f] as number) || r[f] === null ? 1 : (r[f] as number)) * (j % 2 ? (r[names[0]] === null ? 2 : 1) : 1), 0))),
      });
      const r = await kernelShap(model, Table.from(cols), { background: { sample: bgSize }, budget: 4 * M + extra, seed, rows: [0, 1, 2] });
      assert.ok(additivityError(r) < 1e-9);
    }),
    { numRuns: 40 },
  );
});

test('kernelShap maps categorical codes of a background with its own dictionary', async () => {
  // The background table spells its categories in another order and adds one the data lack.
  const bgTable = Table.from({
    a: [0.5, -1, 2],
    b: [1, 0, -1],
    c: [null, 2, 1],
    d: [1, 3, 4],
    e: [0, 0.5, 1],
    color: ['blue', 'purple', 'red'],
    flag: [true, false, true],
    k: [3, 3, 3],
  });
  const bg = [0, 1, 2].map((i) => rowOf(bgTable, i, FEATURES));
  const r = await kernelShap(regression, DATA, { background: { table: bgTable }, rows: [0, 4] });
  for (const [pos, t] of [0, 4].entries()) {
    const exact = exactShapley((rs) => rs.map(score), rowOf(DATA, t, FEATURES), bg, [1, 1, 1], FEATURES);
    assert.ok(maxAbsDiff(r.values[0].subarray(pos * 8, pos * 8 + 8), exact.phi) < 1e-9);
  }
});

test('kernelShap explains every class of a multiclass model, or the chosen one', async () => {
  const classes = ['low', 'mid', 'high'];
  const softmax = (z: number[]) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / s);
  };
  const probs = (r: Row) => softmax([-score(r), 0.3 * num(r.a), score(r) - 1]);
  const model = jsModel({ task: 'multiclass', classes, inputs: regression.inputs, predict: (rows) => rows.map(probs) });
  const bgIdx = [11, 22, 33, 44];
  const bg = bgIdx.map((i) => rowOf(DATA, i, FEATURES));
  const all = await kernelShap(model, DATA, { background: { table: DATA.take(bgIdx) }, rows: [7], budget: 300 });
  assert.deepEqual(all.outputs, classes);
  assert.equal(all.values.length, 3);
  const logit = (p: number) => Math.log(p) - Math.log1p(-p);
  classes.forEach((_, k) => {
    const exact = exactShapley((rs) => rs.map((r) => logit(probs(r)[k])), rowOf(DATA, 7, FEATURES), bg, [1, 1, 1, 1], FEATURES);
    assert.ok(maxAbsDiff(all.values[k], exact.phi) < 1e-9, `class ${classes[k]}`);
  });
  const one = await kernelShap(model, DATA, { background: { table: DATA.take(bgIdx) }, rows: [7], budget: 300, class: 'mid', output: 'probability' });
  assert.deepEqual(one.outputs, ['mid']);
  const exactMid = exactShapley((rs) => rs.map((r) => probs(r)[1]), rowOf(DATA, 7, FEATURES), bg, [1, 1, 1, 1], FEATURES);
  assert.ok(maxAbsDiff(one.values[0], exactMid.phi) < 1e-9);
});

test("kernelShap explains an XGBoost model in its own margin space, as pred_contribs' space", async () => {
  const fixtures = join(ROOT, 'test', 'fixtures', 'xgboost');
  const model = parseXgboostModel(JSON.parse(readFileSync(join(fixtures, 'multiclass.model.json'), 'utf8')));
  const fixture = JSON.parse(readFileSync(join(fixtures, 'multiclass.data.json'), 'utf8')) as { features: string[]; rows: (number | null)[][] };
  const cols: Record<string, (number | null)[]> = {};
  fixture.features.forEach((f, j) => (cols[f] = fixture.rows.map((r) => r[j])));
  const table = Table.from(cols);
  const r = await kernelShap(model, table, { background: { sample: 10 }, rows: [0, 1, 2] });
  assert.equal(r.space, 'margin');
  assert.equal(r.coalitions.sampledRows, 0);
  const margins = predictXgboostMargins(model.booster, table);
  const F = fixture.features.length;
  r.values.forEach((v, k) => {
    for (let pos = 0; pos < 3; pos++) {
      let s = r.expectedValue[k];
      for (let j = 0; j < F; j++) s += v[pos * F + j];
      assert.ok(Math.abs(s - margins[k][pos]) < 1e-9, `class ${k} row ${pos}: ${s} vs margin ${margins[k][pos]}`);
    }
  });
});

test('kernelShap refuses bad options with what, where and how to fix', async () => {
  const fails = async (p: Promise<unknown>, code: string, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => isUserError(e) && e.code === code && pattern.test((e as Error).message));
  await fails(kernelShap(regression, DATA, { budget: 0 }), 'invalid_option', /invalid budget: 0/);
  await fails(kernelShap(regression, DATA, { output: 'probability' }), 'invalid_option', /applies to classifiers/);
  await fails(kernelShap(binary, DATA, { class: 'maybe' }), 'invalid_option', /unknown class: "maybe"/);
  await fails(kernelShap(regression, DATA, { rows: [120] }), 'invalid_option', /invalid row 120 \(expected 0\.\.119\)/);
  await fails(kernelShap(regression, DATA.take([])), 'empty_data', /at least one row/);
  await fails(kernelShap(regression, DATA, { rows: [0], budget: 3, background: { sample: 5 } }), 'budget_too_small', /raise the budget/);
  const labels = jsModel({ task: 'binary', classes: ['n', 'y'], inputs: ['a'], predict: (rows) => rows.map((r) => ((r.a as number) > 0 ? 'y' : 'n')) });
  await fails(kernelShap(labels, DATA), 'unsupported_model', /--output probability/);
  const indicator = await kernelShap(labels, DATA, { output: 'probability', rows: [0, 1] });
  assert.equal(indicator.space, 'predicted_share');
  assert.throws(() => parseBackground('kmeans:x'), /invalid --background "kmeans:x"/);
  assert.deepEqual(parseBackground('kmeans:20'), { kmeans: 20 });
  assert.deepEqual(parseBackground('50'), { sample: 50 });
});

test('kernelShap handles a one-row background, all-missing rows and huge values', async () => {
  const t = Table.from({ x: [null, 1e300, 2, null], y: [null, -1e300, 3, 4] });
  const model = jsModel({ task: 'regression', inputs: ['x', 'y'], predict: (rows) => rows.map((r) => (r.x === null ? 1 : 2) + (r.y === null ? 10 : Math.sign(r.y as number))) });
  const r = await kernelShap(model, t, { background: { table: t.take([2]) } });
  // Two features and one background row: φ_x = f(x, b_y) − f(b) averaged with f(x) − f(b_x, y).
  const f = (x: number | null, y: number | null) => (x === null ? 1 : 2) + (y === null ? 10 : Math.sign(y));
  const rows: [number | null, number | null][] = [[null, null], [1e300, -1e300], [2, 3], [null, 4]];
  rows.forEach(([x, y], i) => {
    const phiX = 0.5 * (f(x, 3) - f(2, 3)) + 0.5 * (f(x, y) - f(2, y));
    const phiY = 0.5 * (f(2, y) - f(2, 3)) + 0.5 * (f(x, y) - f(x, 3));
    assert.ok(Math.abs(r.values[0][2 * i] - phiX) < 1e-12 && Math.abs(r.values[0][2 * i + 1] - phiY) < 1e-12, `row ${i}`);
  });
  // Row 2 is the background row itself: nothing varies.
  assert.deepEqual([...r.values[0].subarray(4, 6)], [0, 0]);
});

test('kmeansSummary finds well-separated clusters with their shares and modes', () => {
  const rng = new Random(2);
  const x: number[] = [];
  const y: number[] = [];
  const g: string[] = [];
  const centres = [
    [0, 0, 'a'],
    [50, 50, 'b'],
    [-50, 80, 'c'],
  ] as const;
  const sizes = [60, 30, 10];
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++) {
      x.push(centres[c][0] + rng.normal());
      y.push(centres[c][1] + rng.normal());
      g.push(i < size * 0.8 ? centres[c][2] : 'z');
    }
  });
  const t = Table.from({ x, y, g });
  const s = kmeansSummary(t, ['x', 'y', 'g'], 3, { seed: 1 });
  assert.equal(s.k, 3);
  const found = Array.from({ length: 3 }, (_, c) => ({ x: valueAt(s.table.column('x'), c) as number, g: valueAt(s.table.column('g'), c), w: s.weights[c] })).sort((a, b) => b.w - a.w);
  assert.deepEqual(
    found.map((f) => [f.g, f.w]),
    [
      ['a', 0.6],
      ['b', 0.3],
      ['c', 0.1],
    ],
  );
  // The centroid is the cluster mean, recomputed here.
  const meanA = x.slice(0, 60).reduce((p, q) => p + q, 0) / 60;
  assert.ok(Math.abs(found[0].x - meanA) < 1e-9);
  assert.deepEqual(kmeansSummary(t, ['x', 'y', 'g'], 3, { seed: 1 }), s);
  // Fewer distinct points than k: one centroid per point.
  const dup = kmeansSummary(Table.from({ x: [1, 1, 2, 2, 2] }), ['x'], 4);
  assert.equal(dup.k, 2);
  assert.deepEqual([...dup.weights].sort(), [0.4, 0.6]);
  // One row; all missing values: the centroid is missing too.
  const one = kmeansSummary(Table.from({ x: [7], g: ['q'] }), ['x', 'g'], 3);
  assert.deepEqual([one.k, one.table.row(0), [...one.weights]], [1, { x: 7, g: 'q' }, [1]]);
  const missing = kmeansSummary(Table.from({ x: [null, null, null], g: [null, null, null] as (string | null)[], b: [true, null, true] }), ['x', 'g', 'b'], 2);
  assert.equal(missing.k, 1);
  assert.deepEqual(missing.table.row(0), { x: null, g: null, b: true });
  assert.throws(() => kmeansSummary(Table.from({ x: [] as number[] }), ['x'], 2), (e: unknown) => isUserError(e) && e.code === 'empty_data');
});

test('kernelCoalitions stays within the budget, never repeats a coalition, and gives each size its kernel weight', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 5000 }), fc.integer(), (m, budget, seed) => {
      const c = kernelCoalitions(m, budget, new Random(seed));
      const all = 2 ** m - 2;
      assert.equal(c.exhaustive, budget >= all);
      assert.ok(c.count <= Math.min(budget, all));
      if (c.exhaustive) assert.equal(c.count, all);
      const seen = new Set<string>();
      const bySize = new Float64Array(m + 1);
      for (let i = 0; i < c.count; i++) {
        const mask = c.masks.subarray(i * m, (i + 1) * m);
        const key = mask.join('');
        assert.ok(!seen.has(key), `coalition ${key} twice`);
        seen.add(key);
        const size = mask.reduce((a, b) => a + b, 0);
        assert.ok(size > 0 && size < m);
        bySize[size] += c.weights[i];
      }
      // The Shapley kernel gives all coalitions of size s together (m − 1) / (s (m − s)); a size
      // class (s with m − s) either gets its whole share of the weight or, when the budget left
      // none for it, nothing.
      let total = 0;
      for (let s = 1; s < m; s++) total += (m - 1) / (s * (m - s));
      for (let s = 1; s < m; s++) {
        const share = (m - 1) / (s * (m - s)) / total;
        const got = bySize[s] + (s !== m - s ? bySize[m - s] : 0);
        const want = s !== m - s ? 2 * share : share;
        if (got !== 0) assert.ok(Math.abs(got - want) < 1e-12, `m ${m} budget ${budget} size ${s}: ${got} vs ${want}`);
        else assert.ok(!c.exhaustive);
      }
    }),
    { numRuns: 200 },
  );
});
