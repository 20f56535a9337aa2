import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeErrors, assess, Random, renderReport } from '../../src/index.js';
import { generateLoans } from '../../src/demo/loans.js';
import { escapeHtml } from '../../src/report/escape.js';

test('the report draws the error tree (one circle per node), its expressions and the worst cohorts', () => {
  const table = generateLoans(1500, new Random(3));
  const insights = assess(table, { label: 'repaid', pred: 'score >= 0.5', bootstrap: 0, curves: false });
  insights.errorAnalysis = analyzeErrors(table, { label: 'repaid', pred: 'score >= 0.5', bootstrap: 0, heatmap: ['region'] });
  const html = renderReport({ insights, clientScript: '' });
  const section = html.slice(html.indexOf('<section id="errors"'), html.indexOf('</section>', html.indexOf('<section id="errors"')));
  assert.ok(section.length > 0, 'an Error analysis section');
  const nodes = insights.errorAnalysis.tree.nodes;
  assert.equal((section.match(/<circle /g) ?? []).length, nodes.length);
  for (const n of nodes.slice(1)) assert.ok(section.includes(escapeHtml(n.expression)), `node ${n.id} expression shown`);
  assert.match(section, /Worst cohorts/);
  assert.match(section, /Error heat map/);
  assert.match(html, /href="#errors"/);
});
