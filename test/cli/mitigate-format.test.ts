// How `candor mitigate` prints numbers: true minus signs everywhere (never "-0.021" beside
// "−0.021", never "−0.000"), changes and their intervals signed alike in columns of their own so
// they line up, each group named once, thresholds with their trailing zeros.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBeforeAfterText, renderMitigationText, signed } from '../../src/cli/mitigate-postprocess.js';
import { makeStyle } from '../../src/cli/text-table.js';
import { compareBeforeAfter, thresholdOptimizer } from '../../src/mitigate/index.js';
import { renderMitigations } from '../../src/report/mitigation-section.js';
import { Random, Table } from '../../src/index.js';

const plain = makeStyle(false);

/** Rows with a label, a score that favours group F, and a second score for a different "after". */
function table(n: number, seed: number): Table {
  const random = new Random(seed);
  const y: number[] = [];
  const score: number[] = [];
  const grp: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = i % 3 === 0;
    const label = random.next() < (f ? 0.25 : 0.4) ? 1 : 0;
    y.push(label);
    score.push(1 / (1 + Math.exp(-random.normal(label ? 1 : -1, 1) - (f ? -0.6 : 0.3))));
    grp.push(f ? 'F' : 'M');
  }
  return Table.from({ y, score, grp, before: score.map((s) => s >= 0.5), after: score.map((s, i) => s >= (grp[i] === 'F' ? 0.35 : 0.55)) });
}

test('signed: a sign on every change, ± for one that rounds to zero, true minus signs', () => {
  assert.equal(signed(0.0126), '+0.013');
  assert.equal(signed(-0.5), '−0.500');
  assert.equal(signed(-0.0004), '±0.000', 'no −0.000');
  assert.equal(signed(0.0004), '±0.000');
  assert.equal(signed(0), '±0.000');
  assert.equal(signed(-0.00051), '−0.001');
  assert.equal(signed(null), '—');
  assert.equal(signed(Number.NaN), '—');
});

test('the before/after table: intervals in their own column with signed ends, aligned, each scope named once, no ASCII minus', () => {
  const t = table(900, 3);
  const r = compareBeforeAfter(t, { label: 'y', sensitive: [['grp']], before: { pred: 'before' }, after: { pred: 'after' }, name: 'shifted thresholds', method: 'test', bootstrap: 60, seed: 1 });
  const text = renderBeforeAfterText(r, plain);
  assert.doesNotMatch(text, /(^|[\s[(])-\d/m, 'every minus sign is "−"');
  assert.doesNotMatch(text, /−0\.000/);
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^scope\s+metric\s+before\s+after\s+change\s+95% CI$/.test(l));
  assert.ok(header > 0, text);
  const body = lines.slice(header + 2, header + 2 + 3 * r.metrics.length);
  assert.equal(new Set(body.map((l) => l.length)).size, 1, `aligned rows:\n${body.join('\n')}`);
  for (const l of body) assert.match(l, / {2}[+−±]\d\.\d{3} {2}\[[+−±]\d\.\d{3}, [+−±]\d\.\d{3}\]$/);
  assert.equal(body.filter((l) => l.startsWith('F ')).length, 1, 'group F named on its first row only');
  assert.equal(body.filter((l) => l.startsWith('overall ')).length, 1);
  // Each printed change is the result's, and the interval its paired interval.
  const sel = r.groups.find((g) => g.key.grp === 'F')!.metrics.selection_rate;
  const row = body.find((l) => l.startsWith('F '))!;
  assert.ok(row.includes(`${signed(sel.delta.value)}  [${signed(sel.delta.interval![0])}, ${signed(sel.delta.interval![1])}]`), row);
  assert.match(text, /Accuracy cost: \d\.\d{3} → \d\.\d{3}, ((lost|gained) \d\.\d{3}|no cost to 3 decimals) \(95% CI of the accuracy lost \[−?\d\.\d{3}, −?\d\.\d{3}\]\)/);

  const none = renderBeforeAfterText(compareBeforeAfter(t, { label: 'y', sensitive: [['grp']], before: { pred: 'before' }, after: { pred: 'after' }, name: 'x', method: 'test', bootstrap: 0 }), plain);
  assert.match(none, /^scope\s+metric\s+before\s+after\s+change$/m, 'no interval column without a bootstrap');
});

test('the fitted rule: thresholds to four significant digits with their trailing zeros', () => {
  const t = table(1500, 4);
  const m = thresholdOptimizer(t, { label: 'y', score: 'score', sensitive: ['grp'], constraint: 'demographic_parity', deterministic: true });
  const text = renderMitigationText(m, plain);
  const shown = [...text.matchAll(/score > (\S+)/g)].map((x) => x[1]);
  assert.equal(shown.length, 2, text);
  for (const s of shown) assert.match(s, /^−?\d\.\d{3}$|^0\.\d{4}$/, `four significant digits: ${s}`);
  assert.doesNotMatch(text, /(^|\s)-\d/m);
});

test('no change reads as ±0.000 and "no cost", in the terminal and the report, never as +0.000 or a gain of 0.000', () => {
  const t = table(300, 5);
  const same = compareBeforeAfter(t, { label: 'y', sensitive: [['grp']], before: { pred: 'before' }, after: { pred: 'before' }, name: 'nothing', method: 'test', bootstrap: 20 });
  const text = renderBeforeAfterText(same, plain);
  assert.match(text, /Accuracy cost: (\d\.\d{3}) → \1, no cost to 3 decimals/);
  assert.doesNotMatch(text, /[+−]0\.000/);
  const html = renderMitigations([same]);
  assert.match(html, /no cost to 3 decimals/);
  assert.match(html, /±0\.000/);
  assert.doesNotMatch(html, /[+−]0\.000|gain of/);
});
