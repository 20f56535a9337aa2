import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permutationImportance } from '../../src/explain/index.js';
import { jsModel, type JsModelRow, type Model } from '../../src/model/index.js';
import { Random } from '../../src/stats/index.js';
import { booleanColumn, categoricalColumn, numericColumn, type Column, Table, takeColumn } from '../../src/table/index.js';

// permutationImportance scores only the rows a shuffle changes (each distinct change once). Here it
// is checked against the definition: every permuted copy of the table scored in full, the metric
// computed by hand, with the same seeded Fisher–Yates shuffles (one per feature and repeat, in order).

function shuffles(n: number, count: number, seed: number): Int32Array[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  });
}

/** ROC AUC by comparing every positive with every negative (ties count half). */
function aucByPairs(y: number[], s: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

function table(n: number): Table {
  const rng = new Random(9);
  const age = Array.from({ length: n }, () => (rng.next() < 0.1 ? null : 20 + rng.int(6)));
  const sex = Array.from({ length: n }, () => (rng.next() < 0.05 ? null : rng.next() < 0.6 ? 'M' : 'F'));
  const owner = Array.from({ length: n }, () => (rng.next() < 0.05 ? null : rng.next() < 0.3));
  const x = Array.from({ length: n }, () => rng.normal());
  const score = age.map((a, i) => ((a ?? 22) - 22) / 2 + (sex[i] === 'F' ? 1 : 0) + (owner[i] ? 0.5 : 0) + x[i]);
  const y = score.map((s) => (s + rng.normal() > 0.5 ? 'yes' : 'no'));
  const k = score.map((s) => (s > 1 ? 'c' : s > 0 ? 'b' : 'a'));
  return new Table([numericColumn('age', age), categoricalColumn('sex', sex), booleanColumn('owner', owner), numericColumn('x', x), numericColumn('v', score), categoricalColumn('y', y), categoricalColumn('k', k)]);
}

const linear = (r: JsModelRow): number => (((r.age as number | null) ?? 22) - 22) / 2 + (r.sex === 'F' ? 1 : 0) + (r.owner === true ? 0.5 : 0) + (r.x as number);
const inputs = ['age', 'sex', 'owner', 'x'];
const models: { model: Model; label: string; metric: (t: Table, p: Awaited<ReturnType<Model['predict']>>) => number }[] = [
  {
    // A rounded score makes ties, which ROC AUC must count the same way on both sides.
    model: jsModel({ task: 'binary', classes: ['no', 'yes'], inputs, predict: (rows) => rows.map((r) => Math.round(8 / (1 + Math.exp(-linear(r)))) / 8) }),
    label: 'y',
    metric: (t, p) => {
      const y = t.column('y');
      const labels = Array.from({ length: t.rowCount }, (_, i) => (y.type === 'categorical' && y.dictionary[y.codes[i]] === 'yes' ? 1 : 0));
      return aucByPairs(labels, p.task === 'regression' ? [] : Array.from((p.scores as Float64Array[])[1]));
    },
  },
  {
    model: jsModel({ task: 'multiclass', classes: ['a', 'b', 'c'], inputs, predict: (rows) => rows.map((r) => (linear(r) > 1 ? 'c' : linear(r) > 0 ? 'b' : 'a')) }),
    label: 'k',
    metric: (t, p) => {
      const k = t.column('k');
      let right = 0;
      for (let i = 0; i < t.rowCount; i++) if (p.task !== 'regression' && k.type === 'categorical' && p.classes[p.labels[i]] === k.dictionary[k.codes[i]]) right++;
      return right / t.rowCount;
    },
  },
  {
    model: jsModel({ task: 'regression', inputs, predict: (rows) => rows.map(linear) }),
    label: 'v',
    metric: (t, p) => {
      const v = t.column('v');
      const y = v.type === 'numeric' ? v.values : new Float64Array();
      const mean = y.reduce((s, a) => s + a, 0) / y.length;
      let ssRes = 0;
      let ssTot = 0;
      for (let i = 0; i < y.length; i++) {
        ssRes += (y[i] - (p.task === 'regression' ? p.values[i] : 0)) ** 2;
        ssTot += (y[i] - mean) ** 2;
      }
      return 1 - ssRes / ssTot;
    },
  },
];

test('permutationImportance equals scoring every permuted copy in full (ties, missing values, categories, booleans)', async () => {
  const t = table(120);
  const repeats = 4;
  const seed = 5;
  for (const { model, label, metric } of models) {
    let scored = 0;
    const counting = Object.assign(Object.create(model) as Model, {
      predict: (rows: Table) => {
        scored += rows.rowCount;
        return model.predict(rows);
      },
    });
    const r = await permutationImportance(counting, t, { label, repeats, seed });
    const baseline = metric(t, await model.predict(t));
    assert.ok(Math.abs(r.baseline - baseline) < 1e-12, `${label}: baseline ${r.baseline} vs ${baseline}`);
    const orders = shuffles(t.rowCount, inputs.length * repeats, seed);
    for (const [f, name] of inputs.entries()) {
      const expected: number[] = [];
      for (let b = 0; b < repeats; b++) {
        const permuted = t.withColumn(takeColumn(t.column(name) as Column, orders[f * repeats + b]));
        expected.push(baseline - metric(t, await model.predict(permuted)));
      }
      const got = r.features.find((x) => x.name === name)?.values as number[];
      got.forEach((v, b) => assert.ok(Math.abs(v - expected[b]) < 1e-12, `${label} ${name} repeat ${b}: ${v} vs ${expected[b]}`));
    }
    // The shortcut ran: far fewer rows than the baseline plus every permuted copy.
    assert.ok(scored < t.rowCount * (1 + 0.75 * inputs.length * repeats), `${label}: ${scored} rows scored`);
  }
});
