import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, compareModels, comparisonDocument, Table } from '../../src/index.js';
import { extractRunMetrics, groupLabel, type MetricRow } from '../../src/adapters/tracker/index.js';
import { compareBeforeAfter } from '../../src/mitigate/index.js';

/** Rows keyed `model|cohort|group|metric` for lookups. */
const byKey = (rows: MetricRow[]) => new Map(rows.map((r) => [`${r.model}|${r.cohort ?? ''}|${r.group ?? ''}|${r.metric}`, r]));

// 12 rows, two groups of a sensitive feature and two models' predictions, small enough to count by hand.
const TABLE = Table.from({
  y: [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1],
  p: [1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1],
  q: [1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1],
  sex: ['F', 'F', 'F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
  age: [20, 30, 40, 50, 60, 70, 20, 30, 40, 50, 60, 70],
});

test('extractRunMetrics reads a hand-written insights document into exactly the expected rows', () => {
  const doc = {
    overall: { count: 10, accuracy: 0.8, precision: null },
    overallCi: { accuracy: [0.7, 0.9] },
    groups: [{ by: ['sex', 'race'], key: { sex: 'F', race: 'Black' }, metrics: { accuracy: 0.75 }, ci: { accuracy: [0.5, Number.NaN] } }],
    cohorts: [{ name: 'old', expression: 'age > 60', metrics: { accuracy: 0.5 }, ci: { accuracy: [0.4, 0.6] } }],
    fairness: [{ by: ['sex'], demographic_parity_difference: 0.1, ci: { demographic_parity_difference: [0, 0.2] } }],
    disparities: [{ by: ['sex'], metric: 'accuracy', difference: 0.2, ratio: 0.75, difference_to_overall: 0.1, ratio_to_overall: 0.9, ci: { ratio: [0.6, 0.9] } }],
  };
  const none = { lower: null, upper: null };
  assert.deepEqual(extractRunMetrics('assess', doc), [
    { model: '', cohort: null, group: null, metric: 'count', value: 10, ...none },
    { model: '', cohort: null, group: null, metric: 'accuracy', value: 0.8, lower: 0.7, upper: 0.9 },
    { model: '', cohort: null, group: null, metric: 'precision', value: null, ...none },
    { model: '', cohort: 'old', group: null, metric: 'accuracy', value: 0.5, lower: 0.4, upper: 0.6 },
    // An interval with a non-finite end is dropped.
    { model: '', cohort: null, group: 'sex=F & race=Black', metric: 'accuracy', value: 0.75, ...none },
    { model: '', cohort: null, group: 'sex', metric: 'demographic_parity_difference', value: 0.1, lower: 0, upper: 0.2 },
    { model: '', cohort: null, group: 'sex', metric: 'accuracy_difference', value: 0.2, ...none },
    { model: '', cohort: null, group: 'sex', metric: 'accuracy_ratio', value: 0.75, lower: 0.6, upper: 0.9 },
    { model: '', cohort: null, group: 'sex', metric: 'accuracy_difference_to_overall', value: 0.1, ...none },
    { model: '', cohort: null, group: 'sex', metric: 'accuracy_ratio_to_overall', value: 0.9, ...none },
  ]);
});

test('every metric and interval of a real insights document becomes one row, nothing else', () => {
  const doc = assess(TABLE, { label: 'y', pred: 'p', sensitive: [['sex']], cohorts: [{ name: 'old', expression: 'age >= 50' }], bootstrap: 50, seed: 3, curves: false });
  const rows = extractRunMetrics('assess', doc);
  const map = byKey(rows);
  assert.equal(map.size, rows.length, 'no duplicate keys');
  let expected = 0;
  const check = (cohort: string, group: string, metrics: Record<string, number | null>, ci: Record<string, [number, number]> = {}) => {
    for (const [metric, value] of Object.entries(metrics)) {
      expected++;
      const r = map.get(`|${cohort}|${group}|${metric}`);
      assert.ok(r, `missing ${cohort}|${group}|${metric}`);
      assert.equal(r.value, value);
      assert.deepEqual([r.lower, r.upper], ci[metric] ?? [null, null]);
    }
  };
  check('', '', doc.overall, doc.overallCi);
  for (const g of doc.groups) check('', groupLabel(g.by, g.key), g.metrics, g.ci);
  for (const c of doc.cohorts) check(c.name, '', c.metrics, c.ci);
  for (const f of doc.fairness) {
    const { by, ci, ...rest } = f;
    check('', (by as string[]).join(' & '), Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'number' || v === null)) as Record<string, number | null>, ci);
  }
  for (const d of doc.disparities) {
    check('', d.by.join(' & '), { [`${d.metric}_difference`]: d.difference, [`${d.metric}_ratio`]: d.ratio, [`${d.metric}_difference_to_overall`]: d.difference_to_overall, [`${d.metric}_ratio_to_overall`]: d.ratio_to_overall }, {
      ...(d.ci.difference ? { [`${d.metric}_difference`]: d.ci.difference } : {}),
      ...(d.ci.ratio ? { [`${d.metric}_ratio`]: d.ci.ratio } : {}),
    });
  }
  assert.equal(rows.length, expected);
  // Hand count: group M has y = 1 1 0 0 0 1 and p = 1 0 0 1 0 1 → 4 of 6 right.
  assert.equal(map.get('||sex=M|accuracy')!.value, 4 / 6);
});

test('a comparison document yields each model\'s metrics, the candidates\' deltas and backward compatibility', () => {
  const c = compareModels(TABLE, { label: 'y', positive: '1', models: [{ name: 'v1', pred: 'p' }, { name: 'v2', pred: 'q' }], sensitive: [['sex']], cohorts: [{ name: 'old', expression: 'age >= 50' }], bootstrap: 40, seed: 1 });
  const doc = JSON.parse(JSON.stringify(comparisonDocument(c)));
  const map = byKey(extractRunMetrics('compare', doc));
  // Accuracy by hand: p right on rows 0,1,3,4,6,8,10,11 (8 of 12); q right on 0,3,4,5,6,7,10,11 (8 of 12).
  assert.equal(map.get('v1|||accuracy')!.value, 8 / 12);
  assert.equal(map.get('v2|||accuracy')!.value, 8 / 12);
  const delta = doc.overall.deltas.v2.recall;
  const row = map.get('v2|||recall_delta')!;
  assert.deepEqual([row.value, row.lower, row.upper], [delta.value, delta.interval?.[0] ?? null, delta.interval?.[1] ?? null]);
  // Recall: p finds 4 of the 6 positives (rows 0,1,6,11), q finds 4 (0,6,7,11): the delta is 0.
  assert.equal(row.value, 0);
  for (const cohort of doc.cohorts) assert.equal(map.get(`v1|${cohort.name}||count`)!.value, cohort.metrics.v1.count);
  for (const g of doc.groups) assert.equal(map.get(`v2||${groupLabel(g.by, g.key)}|accuracy`)!.value, g.metrics.v2.accuracy);
  for (const x of doc.compatibility) {
    const group = x.group ? groupLabel(Object.keys(x.group), x.group) : '';
    const btc = map.get(`${x.model}|${x.cohort ?? ''}|${group}|btc`)!;
    assert.deepEqual([btc.value, btc.lower, btc.upper], [x.btc, x.btcInterval?.[0] ?? null, x.btcInterval?.[1] ?? null]);
    assert.equal(map.get(`${x.model}|${x.cohort ?? ''}|${group}|new_errors`)!.value, x.newErrors);
  }
  // BTC overall by hand: of the 8 rows p got right, q also gets right 0,3,4,6,10,11 → 6/8.
  assert.equal(map.get('v2|||btc')!.value, 6 / 8);
  for (const d of doc.disparities) {
    assert.equal(map.get(`v1||${d.by.join(' & ')}|${d.metric}_ratio`)!.value, d.values.v1.ratio);
    assert.equal(map.get(`v2||${d.by.join(' & ')}|${d.metric}_difference_delta`)!.value, d.deltas.v2.difference.value);
  }
});

test('a mitigate document yields before and after metrics per group, the changes, disparities and the accuracy cost', () => {
  const options = { label: 'y', positive: '1', sensitive: [['sex']], before: { pred: 'p' }, after: { pred: 'q' }, method: 'test', metrics: ['accuracy', 'selection_rate'], bootstrap: 30, seed: 2 };
  const result = JSON.parse(JSON.stringify(compareBeforeAfter(TABLE, { ...options, name: 'q instead of p' })));
  const map = byKey(extractRunMetrics('mitigate', { schemaVersion: 1, mitigation: {}, mitigations: [result] }));
  // By hand: p and q are both right on 8 of 12 rows; p selects 6 of 12, q 6 of 12; in group F, p selects 3 of 6, q 1 of 6.
  assert.equal(map.get('before|||accuracy')!.value, 8 / 12);
  assert.equal(map.get('after|||accuracy')!.value, 8 / 12);
  assert.equal(map.get('before||sex=F|selection_rate')!.value, 3 / 6);
  assert.equal(map.get('after||sex=F|selection_rate')!.value, 1 / 6);
  const delta = map.get('after||sex=F|selection_rate_delta')!;
  assert.deepEqual([delta.value, delta.lower, delta.upper], [result.groups[0].metrics.selection_rate.delta.value, ...result.groups[0].metrics.selection_rate.delta.interval]);
  const ci = map.get('before|||accuracy')!;
  assert.deepEqual([ci.lower, ci.upper], result.overall.metrics.accuracy.beforeCi);
  for (const d of result.disparities) assert.equal(map.get(`after||${d.by.join(' & ')}|${d.metric}`)!.value, d.after);
  assert.equal(map.get('after|||accuracy_cost')!.value, result.accuracyCost.cost);
  // A sweep: each mitigation is a model under its name, beside one before.
  const second = JSON.parse(JSON.stringify(compareBeforeAfter(TABLE, { ...options, after: { pred: 'p' }, name: 'p again' })));
  const sweep = extractRunMetrics('mitigate', { mitigations: [result, second] });
  assert.deepEqual([...new Set(sweep.map((r) => r.model))], ['before', 'q instead of p', 'p again']);
  assert.equal(byKey(sweep).get('p again|||selection_rate_delta')!.value, 0);
});

test('a mitigate document of another shape is read as an insights document, with before and after as models', () => {
  const before = assess(TABLE, { label: 'y', pred: 'p', sensitive: [['sex']], bootstrap: 0, curves: false });
  const after = assess(TABLE, { label: 'y', pred: 'q', sensitive: [['sex']], bootstrap: 0, curves: false });
  const rows = extractRunMetrics('mitigate', { method: 'postprocess', before, after });
  const map = byKey(rows);
  assert.equal(map.get('before|||accuracy')!.value, before.overall.accuracy);
  assert.equal(map.get('after||sex=F|selection_rate')!.value, after.groups.find((g) => g.key.sex === 'F')!.metrics.selection_rate);
  assert.deepEqual(new Set(rows.map((r) => r.model)), new Set(['before', 'after']));
  assert.deepEqual(extractRunMetrics('mitigate', { thresholds: { F: 0.4 } }), [], 'an unknown shape yields no rows');
  assert.equal(extractRunMetrics('mitigate', after).length, extractRunMetrics('assess', after).length);
});

test('extractRunMetrics refuses an assess or compare run without "overall" (a caller bug)', () => {
  assert.throws(() => extractRunMetrics('assess', { groups: [] }), /insights document/);
  assert.throws(() => extractRunMetrics('compare', null), /comparison document/);
});

test('extractRunMetrics keeps the first of two entries for the same row', () => {
  const rows = extractRunMetrics('assess', { overall: { accuracy: 0.5 }, cohorts: [{ name: 'a', metrics: { accuracy: 0.1 } }, { name: 'a', metrics: { accuracy: 0.2 } }] });
  assert.deepEqual(rows.filter((r) => r.cohort === 'a').map((r) => r.value), [0.1]);
});
