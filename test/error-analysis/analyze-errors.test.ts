import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeErrors, errorHeatMap, errorTree, worstCohorts } from '../../src/error-analysis/index.js';
import { generateLoans } from '../../src/demo/loans.js';
import { isUserError } from '../../src/errors/index.js';
import { ErrorAnalysis } from '../../src/report/insights.js';
import { Random } from '../../src/stats/index.js';

test('analyzeErrors gives what errorTree, errorHeatMap and worstCohorts give separately, as a valid insights section', () => {
  const table = generateLoans(2000, new Random(4));
  const base = { label: 'repaid', pred: 'score >= 0.5', where: 'age >= 25', weight: undefined };
  const tree = { maxDepth: 2, minLeafRows: 40 };
  const worst = { top: 4, bootstrap: 50, seed: 9, bins: 5 };
  const all = analyzeErrors(table, { ...base, ...tree, ...worst, heatmap: ['region', 'income'] });
  assert.deepEqual(all.tree, errorTree(table, { ...base, ...tree }));
  assert.deepEqual(all.worstCohorts, worstCohorts(table, { ...base, ...tree, ...worst }));
  assert.deepEqual(all.heatmap, errorHeatMap(table, { ...base, features: ['region', 'income'], bins: 5 }));
  assert.deepEqual(ErrorAnalysis.parse(JSON.parse(JSON.stringify(all))), all);
  const treeOnly = analyzeErrors(table, { ...base, worst: false });
  assert.equal(treeOnly.worstCohorts, undefined);
  assert.equal(treeOnly.heatmap, undefined);
  assert.throws(() => analyzeErrors(table, { ...base, heatmap: ['age', 'age'] }), (e: unknown) => isUserError(e) && /one or two different features/.test((e as Error).message));
});
