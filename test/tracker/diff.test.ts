import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { join } from 'node:path';
import { changeMark, openStore, type MetricRow, type MetricSide, type RunStore } from '../../src/adapters/tracker/index.js';
import { isUserError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/cli.js';

const side = (value: number | null, lower: number | null = null, upper: number | null = null): MetricSide => ({ value, lower, upper });

test('changeMark: ≈ for no change or overlapping intervals, ↑/↓ by the sign otherwise, nothing when a value is missing', () => {
  assert.deepEqual(changeMark(side(0.8), side(0.8)), { change: 0, mark: 'same' });
  assert.deepEqual(changeMark(side(0.8, 0.7, 0.9), side(0.85, 0.88, 0.95)), { change: 0.85 - 0.8, mark: 'same' }, 'intervals [0.7, 0.9] and [0.88, 0.95] overlap');
  assert.deepEqual(changeMark(side(0.8, 0.7, 0.9), side(0.95, 0.9, 0.99)), { change: 0.95 - 0.8, mark: 'same' }, 'touching intervals count as overlapping');
  assert.deepEqual(changeMark(side(0.8, 0.7, 0.85), side(0.95, 0.9, 0.99)), { change: 0.95 - 0.8, mark: 'up' });
  assert.deepEqual(changeMark(side(0.8, 0.7, 0.85), side(0.6, 0.5, 0.65)), { change: 0.6 - 0.8, mark: 'down' });
  assert.deepEqual(changeMark(side(0.8, 0.7, 0.9), side(0.85)), { change: 0.85 - 0.8, mark: 'up' }, 'one interval is not enough for ≈');
  assert.deepEqual(changeMark(side(null), side(0.5)), { change: null, mark: null });
  assert.deepEqual(changeMark(side(0.5), side(null)), { change: null, mark: null });
});

test('changeMark agrees with a direct reading of its definition, and reverses when the runs swap', () => {
  const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  const metric = fc.oneof(
    fc.tuple(finite, fc.constant(null), fc.constant(null)),
    fc.tuple(finite, finite, finite).map(([v, a, b]) => [v, Math.min(a, b), Math.max(a, b)] as const),
  );
  fc.assert(
    fc.property(metric, metric, ([va, la, ua], [vb, lb, ub]) => {
      const a = side(va, la, ua);
      const b = side(vb, lb, ub);
      const { change, mark } = changeMark(a, b);
      assert.equal(change, vb - va);
      const overlap = la !== null && lb !== null && !(ua! < lb || ub! < la);
      const expected = vb === va || overlap ? 'same' : vb > va ? 'up' : 'down';
      assert.equal(mark, expected);
      const back = changeMark(b, a).mark;
      assert.equal(back, mark === 'up' ? 'down' : mark === 'down' ? 'up' : 'same');
    }),
  );
});

const row = (model: string, cohort: string | null, group: string | null, metric: string, value: number | null, lower: number | null = null, upper: number | null = null): MetricRow => ({ model, cohort, group, metric, value, lower, upper });

function store(): RunStore {
  const s = openStore(join(tempDir('candor-diff-'), 'runs.sqlite'));
  // Run 1 (assess): accuracy overall with an interval, in cohort old and group sex=F; f1 only here.
  s.recordRun({ kind: 'assess', name: 'a', document: {}, metrics: [row('', null, null, 'accuracy', 0.8, 0.75, 0.85), row('', 'old', null, 'accuracy', 0.7, 0.6, 0.8), row('', null, 'sex=F', 'accuracy', 0.9), row('', null, null, 'f1', 0.5)] });
  // Run 2 (assess): overall interval disjoint from run 1's, cohort old overlapping, group sex=F lower; recall only here.
  s.recordRun({ kind: 'assess', name: 'b', document: {}, metrics: [row('', null, null, 'accuracy', 0.9, 0.86, 0.94), row('', 'old', null, 'accuracy', 0.75, 0.65, 0.85), row('', null, 'sex=F', 'accuracy', 0.85), row('', null, null, 'recall', 0.4)] });
  // Run 3 (compare, baseline v1): two models.
  s.recordRun({ kind: 'compare', name: 'c', document: { baseline: 'v1' }, metrics: [row('v1', null, null, 'accuracy', 0.8), row('v2', null, null, 'accuracy', 0.82), row('v1', 'old', null, 'accuracy', 0.7), row('v2', 'old', null, 'accuracy', 0.6)] });
  // Run 4 (compare): the same models, other values.
  s.recordRun({ kind: 'compare', name: 'd', document: { baseline: 'v1' }, metrics: [row('v1', null, null, 'accuracy', 0.81), row('v2', null, null, 'accuracy', 0.82)] });
  return s;
}

const ref = (run: string, model: string | null = null) => ({ run, model });

test('diffRuns matches rows by cohort, group and metric, with A first, then rows only in B', () => {
  const s = store();
  try {
    const d = s.diffRuns(ref('a'), ref('2'));
    assert.deepEqual(
      d.rows.map((r) => [r.cohort, r.group, r.metric, r.a?.value ?? null, r.b?.value ?? null, r.change, r.mark]),
      [
        [null, null, 'accuracy', 0.8, 0.9, 0.9 - 0.8, 'up'],
        ['old', null, 'accuracy', 0.7, 0.75, 0.75 - 0.7, 'same'],
        [null, 'sex=F', 'accuracy', 0.9, 0.85, 0.85 - 0.9, 'down'],
        [null, null, 'f1', 0.5, null, null, null],
        [null, null, 'recall', null, 0.4, null, null],
      ],
    );
    assert.deepEqual(d.rows.find((r) => r.metric === 'f1')!.b, null, 'a row only in A has no B side');
    assert.deepEqual(s.diffRuns(ref('a'), ref('b'), ['f1']).rows.map((r) => r.metric), ['f1']);
  } finally {
    s.close();
  }
});

test('diffRuns of two compare runs pairs their models; RUN:MODEL picks one model of a run', () => {
  const s = store();
  try {
    const pairs = s.diffRuns(ref('c'), ref('d')).rows.map((r) => [r.model, r.cohort, r.a?.value ?? null, r.b?.value ?? null]);
    assert.deepEqual(pairs, [
      ['v1', null, 0.8, 0.81],
      ['v2', null, 0.82, 0.82],
      ['v1', 'old', 0.7, null],
      ['v2', 'old', 0.6, null],
    ]);
    const v2 = s.diffRuns(ref('a'), ref('c', 'v2')).rows.filter((r) => r.metric === 'accuracy');
    assert.deepEqual(v2.map((r) => [r.model, r.cohort, r.group, r.change]), [
      [null, null, null, 0.82 - 0.8],
      [null, 'old', null, 0.6 - 0.7],
      [null, null, 'sex=F', null],
    ]);
    assert.throws(() => s.diffRuns(ref('a'), ref('c')), (e: unknown) => isUserError(e) && e.code === 'ambiguous_model' && /c:v1/.test(e.message));
    assert.throws(() => s.diffRuns(ref('a'), ref('c', 'v9')), (e: unknown) => isUserError(e) && e.code === 'unknown_model');
  } finally {
    s.close();
  }
});

test('trackerTable: every value with its change against the baseline in the same scope', () => {
  const s = store();
  try {
    const runs = s.listRuns();
    const t = s.trackerTable(runs, ['accuracy', 'f1'], ref('a'));
    assert.deepEqual(t.baseline, { run: 1, name: 'a', model: '' });
    // Independently: the baseline's values by scope, from runMetrics.
    const base = new Map(s.runMetrics(1).map((m) => [`${m.cohort}|${m.group}|${m.metric}`, m]));
    let cells = 0;
    for (const r of t.rows) {
      for (const [metric, cell] of Object.entries(r.values)) {
        if (cell === null) continue;
        cells++;
        const b = base.get(`${r.cohort}|${r.group}|${metric}`);
        if (r.baseline || !b) assert.deepEqual([cell.change, cell.mark], [null, null]);
        else assert.deepEqual({ change: cell.change, mark: cell.mark }, changeMark(b, cell));
      }
    }
    assert.equal(cells, 4 + 3 + 4 + 2, 'every accuracy and f1 value of the four runs');
    assert.deepEqual(
      t.rows.map((r) => [r.run, r.model, r.cohort, r.group, r.baseline]),
      [
        [1, '', null, null, true],
        [1, '', 'old', null, true],
        [1, '', null, 'sex=F', true],
        [2, '', null, null, false],
        [2, '', 'old', null, false],
        [2, '', null, 'sex=F', false],
        [3, 'v1', null, null, false],
        [3, 'v1', 'old', null, false],
        [3, 'v2', null, null, false],
        [3, 'v2', 'old', null, false],
        [4, 'v1', null, null, false],
        [4, 'v2', null, null, false],
      ],
    );
    // A compare run as the baseline: its comparison's baseline model unless one is named.
    assert.deepEqual(s.trackerTable(runs, ['accuracy'], ref('c')).baseline, { run: 3, name: 'c', model: 'v1' });
    const v2 = s.trackerTable(runs, ['accuracy'], ref('c', 'v2'));
    assert.equal(v2.rows.find((r) => r.run === 4 && r.model === 'v1')!.values.accuracy!.change, 0.81 - 0.82);
    assert.equal(v2.rows.filter((r) => r.baseline).length, 2);
    // Without a baseline: values only.
    assert.ok(s.trackerTable(runs, ['accuracy']).rows.every((r) => r.values.accuracy === null || r.values.accuracy.change === null));
  } finally {
    s.close();
  }
});
