import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, booleanColumn, categoricalColumn, numericColumn, Table, type AssessOptions } from '../../src/index.js';
import { encodeTable, explorerOptions, hasGroup } from '../../src/report/index.js';
import { renderCohortResult, renderHistory } from '../../src/report/sections.js';
import { makeRows } from './data.js';

test('hasGroup finds groups by the labels assess gives them, missing and intersections included', () => {
  const t = new Table([
    categoricalColumn('sex', ['F', 'M', null]),
    numericColumn('age', [30, 61.5, NaN]),
    booleanColumn('ok', [true, false, null]),
  ]);
  assert.equal(hasGroup(t, ['sex'], ['F']), true);
  assert.equal(hasGroup(t, ['sex'], ['X']), false);
  assert.equal(hasGroup(t, ['sex'], ['(missing)']), true);
  assert.equal(hasGroup(t, ['age'], ['61.5']), true);
  assert.equal(hasGroup(t, ['ok'], ['false']), true);
  assert.equal(hasGroup(t, ['sex', 'ok'], ['F', 'true']), true);
  assert.equal(hasGroup(t, ['sex', 'ok'], ['F', 'false']), false);
  assert.equal(hasGroup(t, ['nope'], ['F']), false);
  assert.equal(hasGroup(new Table([categoricalColumn('sex', [])]), ['sex'], ['F']), false);
});

test('explorerOptions pins what assess inferred, drops cohorts and curves, and drops absent reference groups with a note', () => {
  const table = makeRows(400, 5);
  const options: AssessOptions = { label: 'repaid', score: 'score', sensitive: [['sex'], ['region']], reference: { sex: 'Male', region: 'North' }, cohorts: [{ name: 'old', expression: 'age > 60' }], bootstrap: 500, seed: 9 };
  const insights = assess(table, { ...options, bootstrap: 0 });
  const embedded = encodeTable(table, { options }).options!;
  const women = table.filter(table.column('sex').type === 'categorical' ? maskOf(table, (i) => table.row(i).sex === 'Female') : maskOf(table, () => true));
  const run = explorerOptions(embedded, insights, women, 0);
  assert.equal(run.options.task, 'binary');
  assert.equal(run.options.label, 'repaid = 1');
  assert.equal(run.options.positive, undefined);
  assert.equal(run.options.threshold, 0.5);
  assert.equal(run.options.bootstrap, 0);
  assert.equal(run.options.curves, false);
  assert.equal(run.options.cohorts, undefined);
  assert.deepEqual(run.options.reference, { region: 'North' });
  assert.equal(run.notes.length, 1);
  assert.match(run.notes[0], /sex = Male has no rows in this cohort/);
  // The adjusted options are accepted by assess on the cohort.
  assert.doesNotThrow(() => assess(women, run.options));
});

test('a cohort whose labels are all negative keeps the positive label of the full run', () => {
  const table = Table.from({ y: ['no', 'yes', 'no', 'yes', 'no'], s: [0.1, 0.9, 0.2, 0.8, 0.6] });
  const options: AssessOptions = { label: 'y', score: 's', bootstrap: 0 };
  const insights = assess(table, options);
  const negatives = table.take([0, 2, 4]);
  const run = explorerOptions(encodeTable(table, { options }).options!, insights, negatives, 0);
  assert.equal(run.options.label, "y = 'yes'");
  const result = assess(negatives, run.options);
  assert.equal(result.overall.selection_rate, 1 / 3, 'the 0.6 score is a positive prediction of "yes"');
  assert.equal(result.overall.false_positive_rate, 1 / 3);
  assert.equal(result.overall.true_positive_rate, null, 'no positives in the cohort');
  // On rows that hold both values, the rewritten options give exactly what the plain ones give.
  const both = explorerOptions(encodeTable(table, { options }).options!, insights, table, 0);
  assert.deepEqual(assess(table, both.options).overall, assess(table, { ...options, curves: false }).overall);
});

test('a prediction column is pinned to the positive class too', () => {
  const table = Table.from({ y: ['no', 'yes', 'no', 'yes'], p: ['no', 'yes', 'yes', 'no'], g: ['a', 'a', 'b', 'b'] });
  const options: AssessOptions = { label: 'y', pred: 'p', bootstrap: 0 };
  const insights = assess(table, options);
  const cohort = table.take([0, 2]);
  const run = explorerOptions(encodeTable(table, { options }).options!, insights, cohort, 0);
  assert.equal(run.options.pred, "p = 'yes'");
  assert.equal(assess(cohort, run.options).overall.false_positive_rate, 0.5);
});

test('renderCohortResult shows counts, differences from all rows, notes and per-group tables', () => {
  const table = makeRows(300, 4);
  const options: AssessOptions = { label: 'repaid', score: 'score', sensitive: [['sex']], bootstrap: 0 };
  const baseline = assess(table, options);
  const rows = table.take(Array.from({ length: 100 }, (_, i) => i));
  const result = assess(rows, { ...options, curves: false });
  const html = renderCohortResult({ expression: "age > 3 and x = '<b>'", result, baseline, matched: 100, of: 300, bootstrap: 0, notes: ['A <note>.'] });
  assert.match(html, /<code>age &gt; 3 and x = &#39;&lt;b&gt;&#39;<\/code>/);
  assert.match(html, /<strong>100<\/strong> of 300 rows match \(33\.3%\)/);
  assert.ok(html.includes('<p class="note">A &lt;note&gt;.</p>'));
  assert.match(html, /vs all rows|same as all rows/);
  assert.ok(html.includes('<h4>By sex</h4>'));
  const history = renderHistory([{ expression: 'age > 3', count: 100, metrics: result.overall }], baseline);
  assert.match(history, /All rows<\/th><td class="num">300<\/td>/);
  assert.match(history, /data-expr="age &gt; 3">Show<\/button>/);
});

function maskOf(table: Table, keep: (i: number) => boolean) {
  const indices: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (keep(i)) indices.push(i);
  return { size: table.rowCount, toIndices: () => Uint32Array.from(indices) } as unknown as Parameters<Table['filter']>[0];
}
