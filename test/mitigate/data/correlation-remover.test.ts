import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, Random, Table } from '../../../src/index.js';
import { applyCorrelationRemover, fitCorrelationRemover, indicatorCorrelations, pseudoInverseGram, removeCorrelation, symmetricEigen } from '../../../src/mitigate/index.js';

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, rows?: number[]): number {
  const idx = rows ?? Array.from({ length: a.length }, (_, i) => i);
  const ma = idx.reduce((s, i) => s + a[i], 0) / idx.length;
  const mb = idx.reduce((s, i) => s + b[i], 0) / idx.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (const i of idx) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is m×m, row-major arrays). */
function solve(A: number[][], b: number[]): number[] {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < m; r++) {
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= m; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = M[r][m];
    for (let j = r + 1; j < m; j++) s -= M[r][j] * x[j];
    x[r] = s / M[r][r];
  }
  return x;
}

/** Normal equations (SᵀS)β = Sᵀx for the centred columns `S` (column arrays). */
function normalEquations(S: number[][], x: ArrayLike<number>): number[] {
  const n = x.length;
  const cs = S.map((col) => {
    const m = col.reduce((a, b) => a + b, 0) / n;
    return col.map((v) => v - m);
  });
  const A = cs.map((a) => cs.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
  const rhs = cs.map((a) => a.reduce((s, v, i) => s + v * x[i], 0));
  return solve(A, rhs);
}

function data(n: number, seed: number) {
  const r = new Random(seed);
  const d = { race: [] as string[], age: [] as number[], dose: [] as number[], income: [] as number[], hours: [] as number[], city: [] as string[], y: [] as number[] };
  for (let i = 0; i < n; i++) {
    const race = ['a', 'b', 'c'][r.int(3)];
    d.race.push(race);
    d.age.push(20 + 40 * r.next());
    d.dose.push(r.normal());
    d.income.push(30000 + (race === 'a' ? 8000 : race === 'b' ? -3000 : 0) + 150 * d.age[i] + 5000 * r.normal());
    d.hours.push(40 + (race === 'c' ? 3 : 0) + 2 * d.dose[i] + r.normal());
    d.city.push(r.next() < 0.5 ? 'x' : 'y');
    d.y.push(r.next() < 0.3 ? 1 : 0);
  }
  return d;
}

test('with alpha 1 the filtered features are uncorrelated with every sensitive indicator', () => {
  const d = data(3000, 1);
  const table = Table.from(d);
  const { table: out, remover } = removeCorrelation(table, { sensitive: 'race', exclude: ['y'] });
  assert.deepEqual(remover.features, ['age', 'dose', 'income', 'hours']);
  assert.deepEqual(out.names(), ['age', 'dose', 'income', 'hours', 'city', 'y'], 'sensitive column dropped, others kept in order');
  for (const race of ['a', 'b', 'c']) {
    const indicator = d.race.map((v) => (v === race ? 1 : 0));
    assert.ok(Math.abs(pearson(d.income, indicator)) > 0.1 || race === 'c', 'income was correlated with race');
    for (const f of remover.features) {
      const filtered = (out.column(f) as { values: Float64Array }).values;
      const r = pearson(filtered, indicator);
      assert.ok(Math.abs(r) <= 1e-9, `${f} vs race=${race}: correlation ${r}`);
    }
  }
  assert.deepEqual(out.column('y'), table.column('y'), 'the excluded label is untouched');
  const before = indicatorCorrelations(table, remover);
  const after = indicatorCorrelations(applyCorrelationRemover(table, remover, { keepSensitive: true }), remover);
  const incomeA = Math.abs(pearson(d.income, d.race.map((v) => (v === 'a' ? 1 : 0))));
  assert.ok(before[2]! >= incomeA && before[2]! > 0.1, 'the largest correlation of income with a race indicator');
  for (const r of after) assert.ok(r === null || r <= 1e-9);
  assert.deepEqual(out.column('city'), table.column('city'));
});

test('with alpha 0 the data is unchanged, and alpha interpolates linearly', () => {
  const d = data(500, 2);
  const table = Table.from(d);
  const none = removeCorrelation(table, { sensitive: 'race', exclude: ['y'], alpha: 0, keepSensitive: true }).table;
  for (const name of table.names()) assert.deepEqual(none.column(name), table.column(name), `${name} unchanged`);
  const full = removeCorrelation(table, { sensitive: 'race', exclude: ['y'], alpha: 1 }).table;
  const part = removeCorrelation(table, { sensitive: 'race', exclude: ['y'], alpha: 0.3 }).table;
  for (const f of ['age', 'income']) {
    const x = d[f as 'age' | 'income'];
    const a = (full.column(f) as { values: Float64Array }).values;
    const p = (part.column(f) as { values: Float64Array }).values;
    for (let i = 0; i < 500; i++) assert.ok(Math.abs(p[i] - (0.3 * a[i] + 0.7 * x[i])) <= 1e-9 * Math.max(1, Math.abs(x[i])));
  }
});

test('coefficients on numeric sensitive columns equal the normal-equation solution', () => {
  const d = data(1000, 3);
  const table = Table.from(d);
  const remover = fitCorrelationRemover(table, { sensitive: ['age', 'dose'], features: ['income', 'hours'] });
  assert.deepEqual(remover.indicators, [
    { column: 'age', value: null },
    { column: 'dose', value: null },
  ]);
  for (const [j, f] of (['income', 'hours'] as const).entries()) {
    const expected = normalEquations([d.age, d.dose], d[f]);
    for (let k = 0; k < 2; k++) {
      const got = remover.coefficients[j][k];
      assert.ok(Math.abs(got - expected[k]) <= 1e-9 * Math.max(1, Math.abs(expected[k])), `${f} β${k}: ${got} vs ${expected[k]}`);
    }
    assert.ok(Math.abs(remover.centres[j][0] - d.age.reduce((a, b) => a + b, 0) / 1000) < 1e-9);
  }
});

test('coefficients on one-hot indicators are the minimum-norm least-squares solution', () => {
  // Centred indicators of every category sum to zero, so the least-squares solution is not unique;
  // numpy's lstsq (and Fairlearn) return the one of minimum norm. It equals the reference-coded
  // solution b (b_a = 0) shifted to sum to zero: β = b − mean(b).
  const d = data(2000, 4);
  const table = Table.from(d);
  const remover = fitCorrelationRemover(table, { sensitive: 'race', features: ['income', 'hours'] });
  assert.deepEqual(
    remover.indicators.map((i) => i.value),
    ['a', 'b', 'c'],
  );
  for (const [j, f] of (['income', 'hours'] as const).entries()) {
    const ref = normalEquations(
      ['b', 'c'].map((v) => d.race.map((r) => (r === v ? 1 : 0))),
      d[f],
    );
    const b = [0, ...ref];
    const mean = b.reduce((s, v) => s + v, 0) / 3;
    for (let k = 0; k < 3; k++) {
      const expected = b[k] - mean;
      assert.ok(Math.abs(remover.coefficients[j][k] - expected) <= 1e-8 * Math.max(1, Math.abs(expected)), `${f} β(${['a', 'b', 'c'][k]}): ${remover.coefficients[j][k]} vs ${expected}`);
    }
  }
});

test('inside a cohort: fitted on and applied to the cohort only', () => {
  const d = data(3000, 5);
  const table = Table.from(d);
  const { table: out } = removeCorrelation(table, { sensitive: 'race', features: ['income'], cohort: "city = 'x'", keepSensitive: true });
  const inside = d.city.map((c, i) => (c === 'x' ? i : -1)).filter((i) => i >= 0);
  const filtered = (out.column('income') as { values: Float64Array }).values;
  for (let i = 0; i < 3000; i++) if (d.city[i] !== 'x') assert.equal(filtered[i], d.income[i]);
  for (const race of ['a', 'b', 'c']) {
    const indicator = d.race.map((v) => (v === race ? 1 : 0));
    assert.ok(Math.abs(pearson(filtered, indicator, inside)) <= 1e-9);
  }
  assert.ok(out.has('race'), 'keepSensitive keeps the sensitive column');
});

test('a feature with missing values is fitted on its present rows; new data is filtered with the fitted coefficients', () => {
  const d = data(1000, 6);
  const income = d.income.map((v, i) => (i % 7 === 0 ? null : v));
  const table = Table.from({ ...d, income });
  const { table: out, remover } = removeCorrelation(table, { sensitive: 'race', features: ['income', 'hours'] });
  const present = income.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
  assert.equal(remover.rows[0], present.length);
  const filtered = (out.column('income') as { values: Float64Array }).values;
  for (let i = 0; i < 1000; i++) assert.equal(Number.isNaN(filtered[i]), income[i] === null);
  for (const race of ['a', 'b', 'c']) assert.ok(Math.abs(pearson(filtered, d.race.map((v) => (v === race ? 1 : 0)), present)) <= 1e-9);

  const fresh = data(50, 7);
  const applied = applyCorrelationRemover(Table.from(fresh), remover);
  const hours = (applied.column('hours') as { values: Float64Array }).values;
  for (let i = 0; i < 50; i++) {
    const s = ['a', 'b', 'c'].map((v): number => (fresh.race[i] === v ? 1 : 0));
    const fit = s.reduce((acc, v, k) => acc + (v - remover.centres[1][k]) * remover.coefficients[1][k], 0);
    assert.ok(Math.abs(hours[i] - (fresh.hours[i] - fit)) < 1e-9);
  }
});

test('the symmetric eigensolver reconstructs its matrix, and the pseudo-inverse satisfies A·A⁺·A = A', () => {
  const r = new Random(9);
  for (const p of [1, 2, 5, 8]) {
    const B = Array.from({ length: p * p }, () => r.normal());
    const A = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) A[i * p + j] = B[i * p + j] + B[j * p + i];
    const { values, vectors } = symmetricEigen(A, p);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let e = 0; e < p; e++) s += vectors[i * p + e] * values[e] * vectors[j * p + e];
        assert.ok(Math.abs(s - A[i * p + j]) < 1e-12 * 10 * p, `p=${p} (${i},${j})`);
      }
    }
    // A rank-deficient Gram matrix: G = XᵀX with a repeated column.
    const X = Array.from({ length: 20 }, () => {
      const row = Array.from({ length: p }, () => r.normal());
      row[p - 1] = row[0];
      return row;
    });
    const G = new Float64Array(p * p);
    for (const row of X) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) G[i * p + j] += row[i] * row[j];
    const P = pseudoInverseGram(G, p);
    const mul = (a: Float64Array, b: Float64Array) => {
      const o = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) o[i * p + j] += a[i * p + k] * b[k * p + j];
      return o;
    };
    const GPG = mul(mul(G, P), G);
    for (let i = 0; i < p * p; i++) assert.ok(Math.abs(GPG[i] - G[i]) < 1e-9 * Math.max(1, Math.abs(G[i])), `p=${p}: (G G⁺ G)[${i}]`);
  }
});

test('correlation remover errors: a categorical feature, no numeric feature, bad alpha, unknown columns', () => {
  const table = Table.from(data(50, 8));
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, pattern);
      return true;
    });
  rejects(() => removeCorrelation(table, { sensitive: 'race', features: ['city'] }), /filters numeric columns, but "city" is categorical/);
  rejects(() => removeCorrelation(table.select(['race', 'city']), { sensitive: 'race' }), /no numeric feature to filter/);
  rejects(() => removeCorrelation(table, { sensitive: 'race', alpha: 1.2 }), /invalid alpha: 1.2 \(expected a number in \[0, 1\]\)/);
  rejects(() => removeCorrelation(table, { sensitive: 'rac' }), /unknown column: "rac"/);
  rejects(() => removeCorrelation(table, { sensitive: 'race', features: ['race'] }), /is sensitive/);
  rejects(() => removeCorrelation(table, { sensitive: 'race', cohort: "city = 'q'" }), /matches none/);
  rejects(() => removeCorrelation(table, { sensitive: [] }), /at least one sensitive column/);
});
