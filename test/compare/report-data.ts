// A comparison to render in the report tests: two models of the report test rows (test/report/data.ts),
// one moving its threshold and its score for women, with cohorts, groups (a hostile region name
// included), score metrics and the regression cohorts.
import { assess, type AssessOptions, compareModels, comparisonDocument, type CompareOptions, type Insights, numericColumn, type Table } from '../../src/index.js';
import { makeRows } from '../report/data.js';

export const COMPARE_OPTIONS: CompareOptions = {
  label: 'repaid',
  models: [{ name: 'v1', pred: 'score >= 0.5', score: 'score' }, { name: 'v2', pred: 'score2 >= 0.45', score: 'score2' }],
  sensitive: [['sex'], ['region']],
  cohorts: [{ name: 'seniors', expression: 'age > 60' }, { name: 'young women', expression: "age < 30 and sex = 'Female'" }],
  bootstrap: 200,
  seed: 3,
  regressions: true,
};

/** The rows with a second score (the first moved up for women), v2's assessment and the comparison attached. */
export function comparedReport(rows = 3000): { table: Table; insights: Insights; options: AssessOptions } {
  const base = makeRows(rows, 11);
  const score = base.column('score');
  const sex = base.column('sex');
  if (score.type !== 'numeric' || sex.type !== 'categorical') throw new Error('unexpected column types');
  const score2 = Float64Array.from(score.values, (s, i) => Math.min(1, s + (sex.dictionary[sex.codes[i]] === 'Female' ? 0.12 : 0)));
  const table = base.withColumn(numericColumn('score2', score2, 'score'));
  const options: AssessOptions = { label: 'repaid', pred: 'score2 >= 0.45', score: 'score2', sensitive: COMPARE_OPTIONS.sensitive, cohorts: COMPARE_OPTIONS.cohorts, bootstrap: 100, seed: 3 };
  const insights = assess(table, options);
  insights.config = { ...insights.config, model: 'v2' };
  insights.comparison = comparisonDocument(compareModels(table, COMPARE_OPTIONS));
  return { table, insights, options };
}
