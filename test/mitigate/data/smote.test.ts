import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, Random, Table, valueAt, type Value } from '../../../src/index.js';
import { smote } from '../../../src/mitigate/index.js';

/** Mean and population sd of `values` at `rows`. */
function moments(values: ArrayLike<number>, rows: number[]): { mean: number; sd: number } {
  const mean = rows.reduce((s, i) => s + values[i], 0) / rows.length;
  const sd = Math.sqrt(rows.reduce((s, i) => s + (values[i] - mean) ** 2, 0) / rows.length);
  return { mean, sd };
}

/**
 * The k nearest rows to `r` among `cell` (not r itself), found by sorting every distance: squared
 * Euclidean in standardised numeric space, plus `mismatch` per differing nominal value.
 */
function bruteNeighbours(r: number, cell: number[], z: number[][], nominal: Value[][], mismatch: number, k: number): number[] {
  return cell
    .filter((j) => j !== r)
    .map((j) => {
      let d = 0;
      for (let f = 0; f < z.length; f++) d += (z[f][j] - z[f][r]) ** 2;
      for (const col of nominal) if (col[j] !== col[r]) d += mismatch;
      return { j, d };
    })
    .sort((a, b) => a.d - b.d || a.j - b.j)
    .slice(0, k)
    .map((x) => x.j);
}

/** True when point s lies on the segment from a to b: s = a + u(b − a) with one u in [0, 1]. */
function onSegment(s: number[], a: number[], b: number[]): boolean {
  let f = 0;
  for (let i = 1; i < a.length; i++) if (Math.abs(b[i] - a[i]) > Math.abs(b[f] - a[f])) f = i;
  const span = b[f] - a[f];
  const u = span === 0 ? 0 : (s[f] - a[f]) / span;
  if (!(u >= -1e-12 && u <= 1 + 1e-12)) return false;
  return a.every((ai, i) => Math.abs(s[i] - (ai + u * (b[i] - ai))) <= 1e-9 * Math.max(1, Math.abs(ai), Math.abs(b[i])));
}

function numericData(seed: number) {
  const r = new Random(seed);
  const rows = { a: [] as number[], b: [] as number[], c: [] as number[], y: [] as string[], id: [] as number[] };
  for (let i = 0; i < 240; i++) {
    const pos = i % 6 === 0;
    rows.a.push(100 * r.normal() + (pos ? 80 : 0));
    rows.b.push(5 + 0.1 * r.normal());
    rows.c.push(r.next());
    rows.y.push(pos ? 'pos' : 'neg');
    rows.id.push(i);
  }
  return rows;
}

test('SMOTE samples lie on segments between a row and one of its k nearest same-class neighbours', () => {
  const d = numericData(1);
  const table = Table.from(d);
  const k = 5;
  const res = smote(table, { label: 'y', features: ['a', 'b', 'c'], k, seed: 7 });
  assert.equal(res.variant, 'smote');
  const all = d.y.map((_, i) => i);
  const z = (['a', 'b', 'c'] as const).map((f) => {
    const { mean, sd } = moments(d[f], all);
    return d[f].map((v) => (v - mean) / sd);
  });
  const pos = all.filter((i) => d.y[i] === 'pos');
  assert.equal(pos.length, 40);
  const neighbours = new Map(pos.map((r) => [r, bruteNeighbours(r, pos, z, [], 0, k)]));
  const point = (i: number) => [d.a[i], d.b[i], d.c[i]];
  let synthetic = 0;
  for (let r = 0; r < res.table.rowCount; r++) {
    if (!res.added[r]) {
      assert.deepEqual(res.table.row(r), table.row(res.source[r]));
      continue;
    }
    synthetic++;
    const row = res.table.row(r);
    assert.equal(row.y, 'pos');
    assert.equal(row.id, null, 'a column that is not a feature is missing in synthetic rows');
    const s = [row.a as number, row.b as number, row.c as number];
    const src = res.source[r];
    assert.ok(neighbours.has(src), 'made from a row of the minority class');
    assert.ok(
      neighbours.get(src)!.some((nb) => onSegment(s, point(src), point(nb))),
      `synthetic row ${r} lies between row ${src} and one of its ${k} nearest same-class neighbours`,
    );
    // The same holds found from scratch, without trusting the reported source.
    assert.ok(pos.some((a) => neighbours.get(a)!.some((nb) => onSegment(s, point(a), point(nb)))));
  }
  assert.equal(synthetic, 160, 'the minority class grows to the size of the majority');
  assert.deepEqual(
    res.cells.map((c) => [c.label, c.before, c.after]),
    [
      ['neg', 200, 200],
      ['pos', 40, 200],
    ],
  );
});

test('SMOTE draws are seeded: same seed, same rows', () => {
  const table = Table.from(numericData(2));
  const a = smote(table, { label: 'y', features: ['a', 'b'], seed: 11 });
  const b = smote(table, { label: 'y', features: ['a', 'b'], seed: 11 });
  const c = smote(table, { label: 'y', features: ['a', 'b'], seed: 12 });
  const values = (t: Table) => Array.from((t.column('a') as { values: Float64Array }).values);
  assert.deepEqual(values(a.table), values(b.table));
  assert.notDeepEqual(values(a.table), values(c.table));
});

test('SMOTE within sensitive groups takes neighbours from the same group and class, and keeps the group', () => {
  const r = new Random(3);
  const d = { x1: [] as number[], x2: [] as number[], sex: [] as string[], y: [] as string[] };
  for (let i = 0; i < 400; i++) {
    const f = r.next() < 0.4;
    d.sex.push(f ? 'F' : 'M');
    d.y.push(r.next() < (f ? 0.15 : 0.4) ? '1' : '0');
    d.x1.push(r.normal() + (f ? 3 : 0));
    d.x2.push(10 * r.normal());
  }
  const table = Table.from(d);
  const k = 3;
  const res = smote(table, { label: 'y', sensitive: 'sex', features: ['x1', 'x2'], k, seed: 1 });
  const all = d.y.map((_, i) => i);
  const z = (['x1', 'x2'] as const).map((f) => {
    const { mean, sd } = moments(d[f], all);
    return d[f].map((v) => (v - mean) / sd);
  });
  const cellOf = (i: number) => all.filter((j) => d.sex[j] === d.sex[i] && d.y[j] === d.y[i]);
  for (let o = 0; o < res.table.rowCount; o++) {
    if (!res.added[o]) continue;
    const src = res.source[o];
    const row = res.table.row(o);
    assert.equal(row.sex, d.sex[src]);
    assert.equal(row.y, d.y[src]);
    const nbs = bruteNeighbours(src, cellOf(src), z, [], 0, k);
    assert.ok(nbs.some((nb) => onSegment([row.x1 as number, row.x2 as number], [d.x1[src], d.x2[src]], [d.x1[nb], d.x2[nb]])));
  }
  for (const g of ['F', 'M']) {
    const cells = res.cells.filter((c) => c.group === g);
    assert.equal(cells[0].after, cells[1].after, `classes balanced within ${g}`);
    assert.equal(cells[0].after, Math.max(cells[0].before, cells[1].before));
  }
});

test('SMOTE-NC: nominal values are the most frequent among the k neighbours under the median-sd distance', () => {
  const r = new Random(4);
  const d = { num1: [] as number[], num2: [] as number[], num3: [] as number[], colour: [] as string[], flag: [] as boolean[], y: [] as string[] };
  for (let i = 0; i < 300; i++) {
    const pos = i % 5 === 0;
    d.y.push(pos ? 'pos' : 'neg');
    d.num1.push(r.normal() * (pos ? 0.5 : 1));
    d.num2.push(r.normal() * 3);
    d.num3.push(r.next() * (pos ? 2 : 1));
    d.colour.push(['red', 'green', 'blue'][r.int(pos ? 2 : 3)]);
    d.flag.push(r.next() < 0.5);
  }
  const table = Table.from(d);
  // An even k makes ties in the vote, which go to the nearest neighbour's value.
  const k = 4;
  const res = smote(table, { label: 'y', k, seed: 2 });
  assert.equal(res.variant, 'smote-nc');
  assert.deepEqual(res.numericFeatures, ['num1', 'num2', 'num3']);
  assert.deepEqual(res.nominalFeatures, ['colour', 'flag']);
  const all = d.y.map((_, i) => i);
  const names = ['num1', 'num2', 'num3'] as const;
  const z = names.map((f) => {
    const { mean, sd } = moments(d[f], all);
    return d[f].map((v) => (v - mean) / sd);
  });
  const pos = all.filter((i) => d.y[i] === 'pos');
  // Chawla et al.: Med is the median of the minority class's standard deviations of the numeric features.
  const sds = z.map((col) => moments(col, pos).sd).sort((a, b) => a - b);
  const med = sds[1];
  const nominal: Value[][] = [d.colour, d.flag];
  let checked = 0;
  for (let o = 0; o < res.table.rowCount; o++) {
    if (!res.added[o]) continue;
    const src = res.source[o];
    const row = res.table.row(o);
    const nbs = bruteNeighbours(src, pos, z, nominal, med * med, k);
    assert.ok(nbs.some((nb) => onSegment([row.num1, row.num2, row.num3] as number[], names.map((f) => d[f][src]), names.map((f) => d[f][nb]))));
    for (const [name, col] of [['colour', d.colour], ['flag', d.flag]] as const) {
      const counts = new Map<Value, number>();
      for (const nb of nbs) counts.set(col[nb], (counts.get(col[nb]) ?? 0) + 1);
      const top = Math.max(...counts.values());
      const expected = nbs.map((nb) => col[nb]).find((v) => counts.get(v) === top);
      assert.equal(row[name], expected, `${name} of synthetic row ${o}`);
    }
    checked++;
  }
  assert.equal(checked, 180);
});

test('SMOTE inside a cohort grows only the cohort\'s cells', () => {
  const d = numericData(5);
  const table = Table.from(d);
  const res = smote(table, { label: 'y', features: ['a', 'b', 'c'], cohort: 'c < 0.5', k: 3, seed: 1 });
  for (let o = 0; o < res.table.rowCount; o++) {
    if (!res.added[o]) continue;
    assert.ok(d.c[res.source[o]] < 0.5, 'made from a row of the cohort');
    assert.ok((res.table.row(o).c as number) < 0.5, 'a convex cohort keeps its synthetic rows');
  }
  // A cohort column that is not a feature is copied from the source row.
  const byId = smote(table, { label: 'y', features: ['a', 'b'], cohort: 'id < 120', k: 3, seed: 1 });
  for (let o = 0; o < byId.table.rowCount; o++) if (byId.added[o]) assert.equal(byId.table.row(o).id, d.id[byId.source[o]]);
  const inside = (y: string) => {
    let n = 0;
    for (let o = 0; o < res.table.rowCount; o++) if (valueAt(res.table.column('y'), o) === y && (res.added[o] || d.c[res.source[o]] < 0.5)) n++;
    return n;
  };
  assert.equal(inside('pos'), inside('neg'));
});

test('SMOTE errors: k larger than a class, a categorical feature, missing numbers, no nominal feature for SMOTE-NC', () => {
  const d = numericData(6);
  const table = Table.from({ ...d, colour: d.a.map((v) => (v > 0 ? 'hi' : 'lo')), gap: d.a.map((v, i) => (i === 0 ? null : v)) });
  const rejects = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, pattern);
      return true;
    });
  rejects(() => smote(table, { label: 'y', features: ['a'], k: 40 }), /k = 40 neighbours in the same cell, but group all, label pos has 40 rows; lower k to 39/);
  rejects(() => smote(table, { label: 'y', features: ['a', 'colour'], variant: 'smote' }), /SMOTE interpolates numbers, but "colour" is categorical; use SMOTE-NC/);
  rejects(() => smote(table, { label: 'y', features: ['a', 'gap'] }), /"gap" is missing in 1 of the 40 rows of group all, label pos/);
  rejects(() => smote(table, { label: 'y', features: ['a'], variant: 'smote-nc' }), /SMOTE-NC needs at least one categorical or boolean feature/);
  rejects(() => smote(table, { label: 'y', features: ['colour'] }), /needs at least one numeric feature/);
  rejects(() => smote(table, { label: 'y', features: ['nope'] }), /unknown column: "nope"/);
  rejects(() => smote(table, { label: 'y', features: ['a'], k: 0 }), /invalid k: 0/);
  rejects(() => smote(Table.from({ x: [1, 2, 3], y: ['a', 'a', 'b'] }), { label: 'y', k: 1 }), /label b has 1 row; lower k to 1 \(a single row has no neighbour/);
});

test('the neighbour index returns exactly brute force\'s neighbours, ties going to the lower row', async () => {
  const { NeighbourIndex } = await import('../../../src/mitigate/index.js');
  const r = new Random(8);
  for (const [n, p, q] of [
    [200, 1, 0],
    [300, 3, 0],
    [250, 2, 2],
    [60, 4, 1],
  ]) {
    // Small integers make many exact ties and duplicate rows.
    const x = Float64Array.from({ length: n * p }, () => r.int(4));
    const c = Int32Array.from({ length: n * q }, () => r.int(3) - 1);
    const mismatch = 0.7;
    for (const k of [1, 3, 7]) {
      const index = new NeighbourIndex(x, p, c, q, n, mismatch, k);
      for (let s = 0; s < n; s++) {
        const expected = Array.from({ length: n }, (_, j) => j)
          .filter((j) => j !== s)
          .map((j) => {
            let d = 0;
            for (let f = 0; f < p; f++) d += (x[j * p + f] - x[s * p + f]) ** 2;
            for (let f = 0; f < q; f++) if (c[j * q + f] !== c[s * q + f]) d += mismatch;
            return { j, d };
          })
          .sort((a, b) => a.d - b.d || a.j - b.j)
          .slice(0, k)
          .map((e) => e.j);
        assert.deepEqual([...index.neighbours(s)], expected, `n=${n} p=${p} q=${q} k=${k} row ${s}`);
      }
    }
  }
});
