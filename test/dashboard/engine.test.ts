// The dashboard's engine against the core run directly: every overview, fairness and per-row
// answer the page shows must equal what `assess` (and a brute-force pass) gives on the same rows,
// whatever the cohort, threshold, weights, ties and missing values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, booleanColumn, categoricalColumn, numericColumn, Random, Table, type AssessOptions, valueAt, evaluateMask, parseExpression } from '../../src/index.js';
import { encodeDataContainer } from '../../src/dashboard/data-container.js';
import type { Manifest } from '../../src/dashboard/protocol.js';
import { Engine } from '../../dashboard/src/engine/engine.js';
import { ERROR_COLUMN, histogram, PREDICTION_COLUMN, RowCache, sampleRows, scatter } from '../../dashboard/src/engine/explore.js';
import { nearestDifferent } from '../../dashboard/src/engine/nearest.js';

interface Data {
  table: Table;
  weighted: boolean;
}

/** Loan-like rows with ties in the score (rounded), missing labels, scores and groups, optional weights. */
function makeData(n: number, seed: number, weighted = false): Data {
  const r = new Random(seed);
  const age: (number | null)[] = [];
  const sex: (string | null)[] = [];
  const region: string[] = [];
  const y: (number | null)[] = [];
  const score: (number | null)[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = 18 + Math.floor(r.uniform() * 60);
    age.push(r.uniform() < 0.03 ? null : a);
    sex.push(r.uniform() < 0.02 ? null : r.uniform() < 0.45 ? 'F' : 'M');
    region.push(['N', 'S', 'E', 'W'][Math.floor(r.uniform() * 4)]);
    const p = 1 / (1 + Math.exp(-(0.04 * (a - 45) + (region[i] === 'S' ? -0.8 : 0.3))));
    y.push(r.uniform() < 0.02 ? null : r.uniform() < p ? 1 : 0);
    // Two decimals: many ties, as real scores have.
    score.push(r.uniform() < 0.02 ? null : Math.round(Math.min(1, Math.max(0, p + 0.25 * r.normal())) * 100) / 100);
    w.push(0.5 + Math.floor(r.uniform() * 4) / 2);
  }
  const columns = [numericColumn('age', age), categoricalColumn('sex', sex, 'sensitive'), categoricalColumn('region', region), numericColumn('repaid', y, 'label'), numericColumn('score', score, 'score')];
  if (weighted) columns.push(numericColumn('w', w, 'weight'));
  return { table: new Table(columns), weighted };
}

function manifestOf(table: Table, options: Record<string, unknown>, extra: Partial<Manifest> = {}): Manifest {
  return {
    protocol: 1,
    version: 'test',
    title: 'test',
    source: 'test.csv',
    rows: table.rowCount,
    sample: null,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type, ...(c.role ? { role: c.role } : {}) })),
    task: 'binary',
    label: 'repaid',
    positive: '1',
    prediction: null,
    score: 'score',
    threshold: 0.5,
    sensitive: ['sex', 'region'],
    features: ['age', 'sex', 'region'],
    options,
    model: null,
    insights: null,
    exported: false,
    ...extra,
  };
}

function close(actual: number | null | undefined, expected: number | null | undefined, what: string): void {
  if (expected === null || expected === undefined) {
    assert.equal(actual ?? null, null, `${what}: expected null, got ${actual}`);
    return;
  }
  assert.ok(actual !== null && actual !== undefined, `${what}: expected ${expected}, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: page ${actual}, assess ${expected}`);
}

function sameMetrics(actual: Record<string, number | null>, expected: Record<string, number | null>, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: metric ids`);
  for (const k of Object.keys(expected)) close(actual[k], expected[k], `${what} ${k}`);
}

const SENSITIVE = [['sex'], ['region'], ['sex', 'region']];
const COHORTS = ['', "region = 'S' and age < 40", 'age >= 60', "sex = 'F'", 'age is null', 'score > 0.9', "region = 'nowhere'"];

describe('engine overview', () => {
  for (const weighted of [false, true]) {
    test(`equals assess for every cohort and threshold${weighted ? ' (weighted)' : ''}`, () => {
      const { table } = makeData(3000, weighted ? 11 : 7, weighted);
      const options = { sensitive: SENSITIVE, reference: { sex: 'M' }, bootstrap: 0, seed: 3, ...(weighted ? { weight: 'w' } : {}) };
      const engine = Engine.fromBytes(manifestOf(table, options), encodeDataContainer(table));
      for (const cohort of COHORTS) {
        // Thresholds on score values (ties at the boundary), between them, and outside [0, 1].
        for (const threshold of [0.5, 0.37, 0.01, 0.999, 0, 1, -1, 2]) {
          const o = engine.overview({ cohort, threshold });
          const mask = cohort ? evaluateMask(parseExpression(cohort), table) : null;
          assert.equal(o.matched, mask ? mask.count() : table.rowCount);
          if (o.overall.count === 0) {
            assert.ok(o.warnings.length > 0, 'an empty cohort says so');
            continue;
          }
          const base: AssessOptions = { label: 'repaid', score: 'score', threshold, positive: '1', sensitive: SENSITIVE, bootstrap: 0, curves: false, ...(weighted ? { weight: 'w' } : {}), ...(cohort ? { where: cohort } : {}) };
          const ref = assess(table, base);
          sameMetrics(o.overall.metrics, ref.overall, `${cohort} @${threshold} overall`);
          assert.deepEqual(o.overall.ci, ref.overallCi, `${cohort} @${threshold} overall Wilson intervals`);
          const mine = o.groupings.flatMap((gb) => gb.groups.map((g) => ({ by: gb.by, g })));
          assert.equal(mine.length, ref.groups.length, `${cohort}: groups`);
          for (const r of ref.groups) {
            const m = mine.find((x) => x.by.join() === r.by.join() && JSON.stringify(x.g.key) === JSON.stringify(r.key));
            assert.ok(m, `${cohort}: group ${JSON.stringify(r.key)} missing`);
            assert.equal(m.g.count, r.count);
            sameMetrics(m.g.metrics, r.metrics, `${cohort} @${threshold} ${JSON.stringify(r.key)}`);
            assert.deepEqual(m.g.ci, r.ci, `${cohort} @${threshold} ${JSON.stringify(r.key)} intervals`);
          }
          const c = o.overall.confusion!;
          assert.equal(c.tp + c.fp + c.tn + c.fn, weighted ? c.tp + c.fp + c.tn + c.fn : o.overall.count);
        }
      }
    });
  }

  test('a prediction column without a score gives assess’s metrics, and no threshold', () => {
    const { table: t0 } = makeData(1500, 5);
    const pred = numericColumn('approved', Array.from({ length: t0.rowCount }, (_, i) => {
      const s = valueAt(t0.column('score'), i) as number | null;
      return s === null ? null : s >= 0.42 ? 1 : 0;
    }));
    const table = t0.withColumn(pred);
    const engine = new Engine(manifestOf(table, { sensitive: SENSITIVE, bootstrap: 0 }, { score: null, prediction: 'approved' }), table);
    for (const cohort of COHORTS.slice(0, 4)) {
      const o = engine.overview({ cohort, threshold: 0.9 });
      assert.equal(o.threshold, null);
      const ref = assess(table, { label: 'repaid', pred: 'approved', positive: '1', sensitive: SENSITIVE, bootstrap: 0, ...(cohort ? { where: cohort } : {}) });
      sameMetrics(o.overall.metrics, ref.overall, `${cohort} overall`);
      for (const gb of o.groupings) for (const g of gb.groups) sameMetrics(g.metrics, ref.groups.find((r) => r.by.join() === gb.by.join() && JSON.stringify(r.key) === JSON.stringify(g.key))!.metrics, `${cohort} ${g.label}`);
    }
  });

  test('regression and multiclass overviews are assess’s own', () => {
    const r = new Random(9);
    const n = 400;
    const x = Array.from({ length: n }, () => r.uniform() * 10);
    const table = new Table([
      numericColumn('x', x),
      categoricalColumn('g', x.map((v) => (v > 5 ? 'hi' : 'lo')), 'sensitive'),
      numericColumn('y', x.map((v) => 2 * v + r.normal())),
      numericColumn('yhat', x.map((v) => 2 * v)),
      categoricalColumn('cls', x.map((v) => (v < 3 ? 'a' : v < 7 ? 'b' : 'c'))),
      categoricalColumn('pcls', x.map((v) => (v < 3.5 ? 'a' : v < 6.5 ? 'b' : 'c'))),
    ]);
    const reg = new Engine(manifestOf(table, { sensitive: [['g']], bootstrap: 0 }, { task: 'regression', label: 'y', prediction: 'yhat', score: null, positive: null }), table);
    const o = reg.overview({ cohort: 'x > 2', threshold: null });
    const ref = assess(table, { label: 'y', pred: 'yhat', task: 'regression', sensitive: [['g']], bootstrap: 0, where: 'x > 2' });
    sameMetrics(o.overall.metrics, ref.overall, 'regression');
    const mc = new Engine(manifestOf(table, { sensitive: [['g']], bootstrap: 0 }, { task: 'multiclass', label: 'cls', prediction: 'pcls', score: null, positive: null }), table);
    const m = mc.overview({ cohort: '', threshold: null });
    sameMetrics(m.overall.metrics, assess(table, { label: 'cls', pred: 'pcls', task: 'multiclass', sensitive: [['g']], bootstrap: 0 }).overall, 'multiclass');
  });

  test('moving the threshold after a cohort change reuses the index and stays exact', () => {
    // More rows than the index has buckets (4096), so thresholds fall inside buckets.
    const { table } = makeData(20000, 21);
    const engine = new Engine(manifestOf(table, { sensitive: SENSITIVE, bootstrap: 0 }), table);
    engine.overview({ cohort: 'age > 30', threshold: 0.5 });
    for (let t = -0.005; t <= 1.01; t += 0.0475) {
      const o = engine.overview({ cohort: 'age > 30', threshold: t });
      // Brute force: count the confusion cells row by row.
      let tp = 0, fp = 0, tn = 0, fn = 0;
      const mask = evaluateMask(parseExpression('age > 30'), table);
      for (let i = 0; i < table.rowCount; i++) {
        const y = valueAt(table.column('repaid'), i);
        const s = valueAt(table.column('score'), i) as number | null;
        if (!mask.get(i) || y === null || s === null) continue;
        const p = s >= t;
        if (y === 1 && p) tp++;
        else if (y === 1) fn++;
        else if (p) fp++;
        else tn++;
      }
      assert.deepEqual(o.overall.confusion, { tp, fp, tn, fn }, `threshold ${t}`);
    }
  });
});

describe('engine fairness and full assessment', () => {
  test('disparities, summaries and reference ratios equal assess’s', () => {
    const { table } = makeData(3000, 31);
    const engine = new Engine(manifestOf(table, { sensitive: SENSITIVE, reference: { sex: 'M' }, bootstrap: 0 }), table);
    for (const cohort of ['', 'age < 50']) {
      for (const band of [[0.8, 1.25], [0.9, 1 / 0.9]] as [number, number][]) {
        const f = engine.fairness({ cohort, threshold: 0.45, groupings: SENSITIVE, references: { sex: 'M', region: 'S' }, band });
        const ref = assess(table, { label: 'repaid', score: 'score', threshold: 0.45, positive: '1', sensitive: SENSITIVE, reference: { sex: 'M', region: 'S' }, band, bootstrap: 0, ...(cohort ? { where: cohort } : {}) });
        for (const fg of f.groupings) {
          const summary = ref.fairness.find((x) => x.by.join() === fg.by.join())!;
          for (const [id, v] of Object.entries(fg.summaries)) close(v, summary[id] as number | null, `${fg.by} ${id}`);
          const reference = ref.reference.find((x) => x.by.join() === fg.by.join())!;
          assert.deepEqual(fg.reference?.key, reference.group);
          for (const g of fg.groups) {
            for (const [metric, ratio] of Object.entries(g.ratio)) {
              close(ratio, reference.disparity[g.label][metric], `${g.label} ${metric} ratio`);
              assert.equal(g.pass[metric], reference.pass[g.label][metric], `${g.label} ${metric} pass`);
            }
          }
          for (const d of fg.disparities) {
            const r = ref.disparities.find((x) => x.by.join() === fg.by.join() && x.metric === d.metric)!;
            close(d.difference, r.difference, `${fg.by} ${d.metric} difference`);
            close(d.ratio, r.ratio, `${fg.by} ${d.metric} ratio`);
          }
        }
      }
    }
  });

  test('the full assessment is assess with the cohort as where, dropping a reference group the cohort lacks', () => {
    const { table } = makeData(800, 41);
    const engine = new Engine(manifestOf(table, { sensitive: [['sex'], ['region']], reference: { region: 'S' }, bootstrap: 50, seed: 5 }), table);
    const a = engine.assessCohort({ cohort: "region = 'N'", threshold: 0.6 });
    const ref = assess(table, { label: 'repaid', score: 'score', threshold: 0.6, positive: '1', sensitive: [['sex'], ['region']], bootstrap: 50, seed: 5, curves: false, where: "region = 'N'" });
    assert.deepEqual(a.insights.overall, ref.overall);
    assert.deepEqual(a.insights.overallCi, ref.overallCi);
    assert.deepEqual(a.insights.groups.map((g) => g.ci), ref.groups.map((g) => g.ci));
  });
});

describe('engine rows, charts and neighbours', () => {
  const { table } = makeData(600, 51);
  const engine = new Engine(manifestOf(table, { sensitive: SENSITIVE, bootstrap: 0 }), table);

  test('rows come sorted as a brute-force sort gives them, missing values last, in windows', () => {
    const cache = new RowCache();
    for (const [sort, descending] of [['age', false], ['age', true], ['sex', false], [PREDICTION_COLUMN, true], [ERROR_COLUMN, false]] as [string, boolean][]) {
      const all: number[] = [];
      for (let offset = 0; ; offset += 97) {
        const page = cache.page(engine, { cohort: "region != 'E'", threshold: 0.5, sort, descending, offset, limit: 97 });
        all.push(...page.rows.map((r) => r.index));
        if (offset + 97 >= page.total) break;
      }
      const mask = evaluateMask(parseExpression("region != 'E'"), table);
      const key = (i: number): number | string | null => {
        if (sort === PREDICTION_COLUMN) return engine.predictionText(i, 0.5);
        if (sort === ERROR_COLUMN) return engine.errorOf(i, 0.5);
        return valueAt(table.column(sort), i) as number | string | null;
      };
      const expected = mask.toIndices().slice().sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x === null) return y === null ? a - b : 1;
        if (y === null) return -1;
        return x === y ? a - b : (x < y ? -1 : 1) * (descending ? -1 : 1);
      });
      assert.deepEqual(all, Array.from(expected), `sorted by ${sort}${descending ? ' descending' : ''}`);
    }
  });

  test('histogram bins hold every row of the cohort once', () => {
    for (const column of ['age', 'sex', 'region']) {
      const h = histogram(engine, { cohort: 'age > 25', threshold: 0.5, column, by: 'none' });
      const total = h.series.reduce((s, x) => s + x.counts.reduce((a, b) => a + b, 0), 0);
      assert.equal(total, evaluateMask(parseExpression('age > 25'), table).count(), column);
    }
    const byError = histogram(engine, { cohort: '', threshold: 0.5, column: 'age', by: 'error' });
    const errors = byError.series[1].counts.reduce((a, b) => a + b, 0);
    let brute = 0;
    for (let i = 0; i < table.rowCount; i++) if (engine.errorOf(i, 0.5) === 1) brute++;
    assert.equal(errors, brute);
  });

  test('a scatter samples at most the requested points, evenly', () => {
    const s = scatter(engine, { cohort: '', threshold: 0.5, x: 'age', y: 'score', color: 'error', max: 100 });
    assert.ok(s.points.length <= 100 && s.points.length > 80, `${s.points.length} points`);
    assert.equal(sampleRows(engine, { cohort: "sex = 'F'", threshold: 0.5, count: 10 }).length, 10);
  });

  test('the nearest rows decided differently are the brute-force nearest by standardised distance', () => {
    const query = { age: 40, sex: 'F', region: 'S' };
    const found = nearestDifferent(engine, { values: query, prediction: '1', threshold: 0.5, k: 5 });
    const ages = Array.from({ length: table.rowCount }, (_, i) => valueAt(table.column('age'), i) as number | null);
    const present = ages.filter((a): a is number => a !== null);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / (present.length - 1));
    const distance = (i: number) => {
      const a = ages[i];
      return (a === null ? 1 : Math.abs(a - 40) / sd) + (valueAt(table.column('sex'), i) === 'F' ? 0 : 1) + (valueAt(table.column('region'), i) === 'S' ? 0 : 1);
    };
    const candidates = Array.from({ length: table.rowCount }, (_, i) => i).filter((i) => engine.predictionText(i, 0.5) === '0');
    candidates.sort((a, b) => distance(a) - distance(b) || a - b);
    assert.deepEqual(found.map((f) => f.index), candidates.slice(0, 5));
    for (const f of found) close(f.distance, distance(f.index), `row ${f.index}`);
  });

  test('validation gives the parser’s position for a syntax error and the row count otherwise', () => {
    assert.deepEqual(engine.validate("region = 'S'"), { ok: true, normalized: "region = 'S'", count: evaluateMask(parseExpression("region = 'S'"), table).count() });
    const bad = engine.validate('age > and sex');
    assert.equal(bad.ok, false);
    assert.equal(bad.position, 6);
    const unknown = engine.validate('agee > 3');
    assert.equal(unknown.ok, false);
    assert.match(unknown.message ?? '', /did you mean "age"/);
  });

  test('a boolean label and missing values in every column are handled', () => {
    const t = new Table([booleanColumn('ok', [true, false, null, true, false, true]), numericColumn('s', [0.9, 0.2, 0.5, null, 0.6, 0.7]), categoricalColumn('grp', ['a', null, 'a', 'b', 'b', 'a'])]);
    const e = new Engine(manifestOf(t, { bootstrap: 0 }, { label: 'ok', score: 's', positive: null, sensitive: ['grp'] }), t);
    const o = e.overview({ cohort: '', threshold: 0.5 });
    const ref = assess(t, { label: 'ok', score: 's', threshold: 0.5, sensitive: [['grp']], bootstrap: 0 });
    sameMetrics(o.overall.metrics, ref.overall, 'boolean label');
    assert.deepEqual(o.groupings[0].groups.map((g) => g.label), ref.groups.map((g) => g.key.grp));
  });
});
