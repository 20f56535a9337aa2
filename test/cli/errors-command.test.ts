import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLoans } from '../../src/demo/loans.js';
import { ErrorAnalysis } from '../../src/report/insights.js';
import { Random } from '../../src/stats/index.js';
import { valueAt } from '../../src/table/index.js';
import { candor, tempDir } from '../helpers/cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The demo loans as a CSV file in a fresh directory. */
function loansCsv(rows: number): string {
  const table = generateLoans(rows, new Random(1));
  const lines = [table.names().join(',')];
  for (let i = 0; i < table.rowCount; i++) lines.push(table.columns.map((c) => String(valueAt(c, i) ?? '')).join(','));
  const path = join(tempDir(), 'loans.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

test('candor errors prints the error tree and the worst cohorts; --json prints the error analysis document', () => {
  const data = loansCsv(3000);
  const text = candor(['errors', data, '--label', 'repaid', '--pred', 'score >= 0.5', '--top', '5', '--bootstrap', '100']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Error tree \(binary; 3000 rows, error rate \d+\.\d%/);
  assert.match(text.stdout, /├─ #1 {2}\d+ rows · \d+\.\d% · \d+\.\d% · /);
  assert.match(text.stdout, /Worst cohorts/);
  // The copy of the decision (`approved`) and the id are not features.
  assert.doesNotMatch(text.stdout, /approved <=|applicant_id/);
  assert.match(text.stdout, /"approved" holds the same decisions as the prediction/);

  const json = candor(['errors', data, '--label', 'repaid', '--pred', 'score >= 0.5', '--heatmap', 'age,region', '--bins', '4', '--max-depth', '2', '--min-leaf', '50', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as Json;
  assert.equal(doc.schemaVersion, 1);
  const analysis = ErrorAnalysis.parse(doc.errorAnalysis);
  assert.equal(analysis.tree.maxDepth, 2);
  assert.ok(analysis.tree.nodes.every((n) => n.depth <= 2 && n.rows >= 50));
  assert.deepEqual(analysis.heatmap?.features, ['age', 'region']);
  assert.equal(analysis.heatmap?.axes[0].bins.length, 4);
  assert.equal(analysis.worstCohorts?.cohorts.length, 10);

  // A node's expression works as --where in assess, with the same error rate.
  const node = analysis.tree.nodes[analysis.tree.nodes.length - 1];
  const assessed = candor(['assess', data, '--label', 'repaid', '--pred', 'score >= 0.5', '--where', node.expression, '--bootstrap', '0', '--json']);
  assert.equal(assessed.code, 0, assessed.stderr);
  assert.ok(Math.abs(1 - (JSON.parse(assessed.stdout) as Json).overall.accuracy - (node.errorRate as number)) < 1e-12);
});

test('candor errors --out writes error-analysis.json; --where restricts every cohort', () => {
  const data = loansCsv(1500);
  const out = join(tempDir(), 'out');
  const r = candor(['errors', data, '--label', 'repaid', '--pred', 'score >= 0.5', '--where', "region = 'South'", '--features', 'age,income', '--bootstrap', '0', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'error-analysis.json'), 'utf8')) as Json;
  const analysis = ErrorAnalysis.parse(doc.errorAnalysis);
  assert.deepEqual(analysis.tree.features, ['age', 'income']);
  assert.ok(analysis.tree.nodes.every((n) => n.expression.startsWith("region = 'South'")));
  assert.equal(analysis.worstCohorts?.interval.method, 'wilson');
});

test('candor errors: mistakes are one-line user errors', () => {
  const data = loansCsv(100);
  const noPred = candor(['errors', data, '--label', 'repaid']);
  assert.equal(noPred.code, 2);
  assert.match(noPred.stderr, /no prediction: pass --pred/);
  const badFeature = candor(['errors', data, '--label', 'repaid', '--pred', 'approved', '--features', 'agee']);
  assert.equal(badFeature.code, 2);
  assert.match(badFeature.stderr, /unknown column.*"age"/);
  assert.doesNotMatch(badFeature.stderr, /at /);
  const badHeatmap = candor(['errors', data, '--label', 'repaid', '--pred', 'approved', '--heatmap', 'a,b,c']);
  assert.equal(badHeatmap.code, 2);
  assert.match(badHeatmap.stderr, /invalid --heatmap/);
});

test('candor assess --errors adds the error analysis to the insights document', () => {
  const data = loansCsv(2000);
  const r = candor(['assess', data, '--label', 'repaid', '--pred', 'score >= 0.5', '--errors', '--bootstrap', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const ins = JSON.parse(r.stdout);
  assert.ok(ins.errorAnalysis.tree.nodes.length > 1);
  const root = ins.errorAnalysis.tree.nodes[0];
  assert.ok(Math.abs(root.errorRate - (1 - ins.overall.accuracy)) < 1e-12, 'the tree root is the whole assessment');
  assert.ok(ins.errorAnalysis.worstCohorts.cohorts.length > 0);
});
