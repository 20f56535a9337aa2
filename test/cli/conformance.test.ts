// Reproduces ../shared/conformance (scikit-learn 1.2.1, fairlearn 0.9.0/0.11.0) from the CLI's --json
// output, to 1e-9: every per-group value, overall, difference/ratio (between groups and to overall),
// group min/max and fairness function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClose } from '../helpers/assert-close.js';
import { candor, needsShared, SHARED } from '../helpers/cli.js';

const TOL = 1e-9;
type Json = Record<string, unknown>;
type Insights = {
  rows: number;
  overall: Record<string, number | null>;
  groups: { by: string[]; key: Record<string, string>; count: number; metrics: Record<string, number | null> }[];
  disparities: { by: string[]; metric: string; difference: number | null; ratio: number | null; difference_to_overall: number | null; ratio_to_overall: number | null; min: { value: number } | null; max: { value: number } | null }[];
  fairness: ({ by: string[] } & Record<string, unknown>)[];
};

/** Conformance metric names -> Candor's. */
const NAMES: Record<string, string> = {
  precision_ppv: 'precision',
  npv: 'negative_predictive_value',
  fpr: 'false_positive_rate',
  fnr: 'false_negative_rate',
  tpr: 'true_positive_rate',
  tnr: 'true_negative_rate',
  ppv: 'precision',
  fdr: 'false_discovery_rate',
  for: 'false_omission_rate',
};
const candorName = (m: string) => NAMES[m] ?? m;

const close = (actual: unknown, expected: unknown, where: string) => assertClose(actual, expected, where, TOL);

function run(args: string[]): Insights {
  const r = candor([...args, '--bootstrap', '0', '--zero-division', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Insights;
}

const sameBy = (a: string[], b: string[]) => a.join(',') === b.join(',');
const sameKey = (a: Record<string, string>, b: Record<string, string>) => Object.keys(b).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;

/** Checks a fairlearn MetricFrame block (by_group, overall, differences, ratios, min/max) against the insights. */
function checkMetricFrame(ins: Insights, by: string[], frame: Json, label: string) {
  let checked = 0;
  for (const row of frame.by_group as Json[]) {
    const key = row.group as Record<string, string>;
    const g = ins.groups.find((x) => sameBy(x.by, by) && sameKey(x.key, key));
    assert.ok(g, `${label}: group ${JSON.stringify(key)} missing`);
    for (const [m, v] of Object.entries(row)) {
      if (m === 'group') continue;
      close(m === 'count' ? g!.count : g!.metrics[candorName(m)], v, `${label} ${JSON.stringify(key)} ${m}`);
      checked++;
    }
  }
  assert.equal(ins.groups.filter((x) => sameBy(x.by, by)).length, (frame.by_group as Json[]).length, `${label}: number of groups`);
  for (const [m, v] of Object.entries(frame.overall as Json)) {
    close(m === 'count' ? ins.rows : ins.overall[candorName(m)], v, `${label} overall ${m}`);
    checked++;
  }
  const fields: [string, (d: Insights['disparities'][number]) => unknown][] = [
    ['difference_between_groups', (d) => d.difference],
    ['ratio_between_groups', (d) => d.ratio],
    ['difference_to_overall', (d) => d.difference_to_overall],
    ['ratio_to_overall', (d) => d.ratio_to_overall],
    ['group_min', (d) => d.min?.value ?? null],
    ['group_max', (d) => d.max?.value ?? null],
  ];
  for (const [block, get] of fields) {
    for (const [m, v] of Object.entries(frame[block] as Json)) {
      const d = ins.disparities.find((x) => sameBy(x.by, by) && x.metric === candorName(m));
      assert.ok(d, `${label}: disparity for ${m} missing`);
      close(get(d!), v, `${label} ${block} ${m}`);
      checked++;
    }
  }
  return checked;
}

/** Fairness functions: conformance name -> [Candor field]. */
const FAIRNESS: Record<string, Record<string, string>> = {
  between_groups: {
    demographic_parity_difference: 'demographic_parity_difference',
    demographic_parity_ratio: 'demographic_parity_ratio',
    equalized_odds_difference: 'equalized_odds_difference',
    equalized_odds_ratio: 'equalized_odds_ratio',
    equal_opportunity_difference: 'equal_opportunity_difference',
    equal_opportunity_ratio: 'equal_opportunity_ratio',
    equal_opportunity_difference__tpr_metricframe_difference: 'equal_opportunity_difference',
    equal_opportunity_ratio__tpr_metricframe_ratio: 'equal_opportunity_ratio',
    equalized_odds_difference_agg_worst_case: 'equalized_odds_difference',
    equalized_odds_ratio_agg_worst_case: 'equalized_odds_ratio',
    equalized_odds_difference_agg_mean: 'equalized_odds_difference_mean',
    equalized_odds_ratio_agg_mean: 'equalized_odds_ratio_mean',
  },
  to_overall: {},
};
for (const [k, v] of Object.entries(FAIRNESS.between_groups)) FAIRNESS.to_overall[k] = `${v}_to_overall`;

function checkFairness(ins: Insights, by: string[], block: Json, label: string) {
  const f = ins.fairness.find((x) => sameBy(x.by, by));
  assert.ok(f, `${label}: fairness summary missing`);
  let checked = 0;
  for (const method of ['between_groups', 'to_overall']) {
    for (const [name, v] of Object.entries((block[method] ?? {}) as Json)) {
      const field = FAIRNESS[method][name];
      assert.ok(field, `${label}: no mapping for ${method}.${name}`);
      close(f![field], v, `${label} ${method} ${name}`);
      checked++;
    }
  }
  return checked;
}

const adultSkip = needsShared('conformance', 'adult_test_predictions.csv');
test('Adult: fairlearn MetricFrame and fairness functions by sex, race and sex×race (fairlearn 0.9 and 0.11)', { skip: adultSkip }, () => {
  const ins = run(['assess', join(SHARED, 'conformance', 'adult_test_predictions.csv'), '--label', 'y_true', '--pred', 'y_pred', '--score', 'y_score', '--sensitive', 'sex', '--sensitive', 'race', '--sensitive', 'sex,race']);
  const ref = JSON.parse(readFileSync(join(SHARED, 'conformance', 'adult_fairlearn.json'), 'utf8')) as Json;
  const extras = JSON.parse(readFileSync(join(SHARED, 'conformance', 'adult_fairlearn_v011_extras.json'), 'utf8')) as Json;
  const groupings: [string, string[]][] = [
    ['sex', ['sex']],
    ['race', ['race']],
    ['sex_x_race', ['sex', 'race']],
  ];
  let checked = 0;
  for (const [name, by] of groupings) {
    checked += checkMetricFrame(ins, by, (ref.metricframe as Json)[name] as Json, `adult ${name}`);
    checked += checkFairness(ins, by, (ref.fairness_functions as Json)[name] as Json, `adult ${name} (0.9)`);
    checked += checkFairness(ins, by, (extras.fairness_functions as Json)[name] as Json, `adult ${name} (0.11)`);
  }
  const testSet = ref.test_set as Json;
  close(ins.overall.roc_auc, testSet.roc_auc, 'adult test roc_auc');
  close(ins.overall.log_loss, testSet.log_loss, 'adult test log_loss');
  close(ins.overall.accuracy, testSet.accuracy, 'adult test accuracy');
  assert.ok(checked > 500, `checked ${checked} values`);
});

const PROPUBLICA = "days_b_screening_arrest <= 30 and days_b_screening_arrest >= -30 and is_recid != -1 and c_charge_degree != 'O' and score_text != 'N/A'";
const compasSkip = needsShared('datasets', 'compas-scores-two-years.csv');

function checkCompas(population: Json, ins: Insights, label: string) {
  let checked = 0;
  assert.equal(ins.rows, population.n_rows, `${label} rows`);
  for (const [group, values] of Object.entries(population.per_race_own_computation as Record<string, Json>)) {
    const metrics = group === 'all' ? { ...ins.overall, count: ins.rows } : (() => {
      const g = ins.groups.find((x) => sameBy(x.by, ['race']) && x.key.race === group);
      assert.ok(g, `${label}: race ${group} missing`);
      return { ...g!.metrics, count: g!.count };
    })();
    for (const [m, v] of Object.entries(values)) {
      close((metrics as Record<string, number | null>)[candorName(m)], v, `${label} ${group} ${m}`);
      checked++;
    }
  }
  const frames = population.fairlearn_metricframe as Json;
  const fair = population.fairlearn_fairness_functions as Json;
  checked += checkMetricFrame(ins, ['race'], frames.race as Json, `${label} race`);
  checked += checkMetricFrame(ins, ['race', 'sex'], frames.race_x_sex as Json, `${label} race×sex`);
  checked += checkFairness(ins, ['race'], fair.race as Json, `${label} race`);
  checked += checkFairness(ins, ['race', 'sex'], fair.race_x_sex as Json, `${label} race×sex`);
  return checked;
}

function compasRun(where: string | null): Insights {
  const args = ['assess', join(SHARED, 'datasets', 'compas-scores-two-years.csv'), '--label', 'two_year_recid', '--pred', "score_text in ('Medium', 'High')", '--sensitive', 'race', '--sensitive', 'race,sex'];
  return run(where ? [...args, '--where', where] : args);
}

test("COMPAS: ProPublica's filtered 6,172 rows by race and race×sex", { skip: compasSkip }, () => {
  const ref = JSON.parse(readFileSync(join(SHARED, 'conformance', 'compas_propublica.json'), 'utf8')) as Json;
  const population = ref.filtered_6172 as Json;
  const ins = compasRun(PROPUBLICA);
  assert.ok(checkCompas(population, ins, 'filtered') > 300);
  // The African-American vs Caucasian subset.
  const sub = compasRun(`${PROPUBLICA} and race in ('African-American', 'Caucasian')`);
  checkMetricFrame(sub, ['race'], (population.fairlearn_metricframe as Json).race_subset_african_american_vs_caucasian as Json, 'subset');
  checkFairness(sub, ['race'], (population.fairlearn_fairness_functions as Json).race_subset_african_american_vs_caucasian as Json, 'subset');
});

test("COMPAS: all 7,214 rows give ProPublica's published table (FPR 44.85% vs 23.45%)", { skip: compasSkip }, () => {
  const ref = JSON.parse(readFileSync(join(SHARED, 'conformance', 'compas_propublica.json'), 'utf8')) as Json;
  const ins = compasRun(null);
  assert.ok(checkCompas(ref.unfiltered_7214 as Json, ins, 'all') > 300);
  const published = ref.published_truth_tables as Record<string, Json>;
  for (const race of ['African-American', 'Caucasian']) {
    const g = ins.groups.find((x) => sameBy(x.by, ['race']) && x.key.race === race)!;
    for (const cell of ['tp', 'fp', 'tn', 'fn']) assert.equal(g.metrics[cell], published[race][cell], `${race} ${cell}`);
    assert.equal(Math.round(g.metrics.false_positive_rate! * 10000) / 100, published[race].fpr_pct);
    assert.equal(Math.round(g.metrics.false_negative_rate! * 10000) / 100, published[race].fnr_pct);
  }
});
