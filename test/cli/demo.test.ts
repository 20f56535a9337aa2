import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { candor, tempDir } from '../helpers/cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('candor demo trains a model, assesses it through its ONNX file, and finds every planted issue', () => {
  const cwd = tempDir();
  const r = candor(['demo'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const dir = join(cwd, 'candor-demo');
  for (const f of ['history.csv', 'loans.csv', 'model.onnx', 'candor.yaml', 'insights.json', 'report.html']) assert.ok(existsSync(join(dir, f)), `${f} written`);
  assert.match(readFileSync(join(dir, 'candor.yaml'), 'utf8'), /model: model\.onnx/);
  assert.match(r.stdout, /report\.html/);
  const ins = JSON.parse(readFileSync(join(dir, 'insights.json'), 'utf8')) as Json;

  // 1. The cohort whose past decisions were reversed: the model learned them and fails there far more often.
  const cohort = ins.cohorts.find((c: Json) => c.name === 'young_south');
  assert.ok(cohort && cohort.count > 100, 'young_south cohort reported');
  const overallError = 1 - ins.overall.accuracy;
  const cohortError = 1 - cohort.metrics.accuracy;
  assert.ok(cohortError >= 2 * overallError, `cohort error ${cohortError} vs overall ${overallError}`);
  assert.ok(1 - cohort.ci.accuracy[1] > overallError, 'the gap holds beyond the confidence interval');
  assert.ok(cohortError >= 3 * overallError, `the planted cohort fails at ${cohortError}, at least 3x the overall ${overallError}`);
  // The error tree finds it without being told: a node inside the planted cohort (its path fixes
  // region = 'South' and age <= 29.5) fails at least 3x as often as the whole data, and the worst
  // cohorts list the planted cohort itself (the pair of slices) at 3x or more.
  const tree = ins.errorAnalysis.tree;
  const rootRate = tree.nodes[0].errorRate;
  const planted = tree.nodes.filter((n: Json) => /region = 'South'/.test(n.expression) && /age <= 29\.5/.test(n.expression) && !/age > 29\.5/.test(n.expression));
  assert.ok(planted.some((n: Json) => n.errorRate >= 3 * rootRate && n.rows >= 50), `tree nodes inside the planted cohort: ${planted.map((n: Json) => `${n.expression} ${n.errorRate}`).join('; ')} (overall ${rootRate})`);
  const slice = ins.errorAnalysis.worstCohorts.cohorts.find((c: Json) => c.expression === "age <= 29.5 and region = 'South'");
  assert.ok(slice && slice.errorRate >= 3 * rootRate, `the planted cohort among the worst cohorts: ${JSON.stringify(slice)}`);

  // 2. Women are selected less often than men with the same repayment rate: outside the band.
  const ref = ins.reference.find((x: Json) => x.by.join(',') === 'sex');
  assert.equal(ref.group.sex, 'Male');
  assert.ok(ref.disparity.Female.selection_rate < 0.8, `selection-rate ratio ${ref.disparity.Female.selection_rate}`);
  assert.equal(ref.pass.Female.selection_rate, false);
  const bySex = (v: string) => ins.groups.find((g: Json) => g.by.join(',') === 'sex' && g.key.sex === v).metrics;
  assert.ok(Math.abs(bySex('Female').base_rate / bySex('Male').base_rate - 1) < 0.1, 'base rates similar: the gap is the model');
  const fair = ins.fairness.find((x: Json) => x.by.join(',') === 'sex');
  assert.ok(fair.demographic_parity_difference > 0.1 && fair.ci.demographic_parity_difference[0] > 0.05);

  // 3. The 21-row group is flagged.
  const small = ins.groups.find((g: Json) => g.by.join(',') === 'ethnicity' && g.key.ethnicity === 'Group D');
  assert.equal(small.count, 21);
  assert.ok(small.warnings.some((w: Json) => w.code === 'small_group'));
  assert.ok(ins.warnings.some((w: Json) => w.code === 'small_group' && /Group D/.test(w.message)));

  // 4. Missing values are counted.
  const missing = Object.fromEntries(ins.data.columns.map((c: Json) => [c.name, c.missing]));
  assert.ok(missing.income > 100 && missing.employment_years > 50, JSON.stringify(missing));

  // The config it wrote reproduces the run.
  const again = candor(['assess', '--config', join(dir, 'candor.yaml'), '--json']);
  assert.equal(again.code, 0, again.stderr);
  const rerun = JSON.parse(again.stdout) as Json;
  assert.deepEqual(rerun.overall, ins.overall);
  assert.deepEqual(rerun.groups, ins.groups);
});
