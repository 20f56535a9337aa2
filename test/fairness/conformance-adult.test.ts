import { assertClose } from '../helpers/assert-close.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  binaryMetrics,
  confusionByGroup,
  fairnessMetrics,
  type MetricValue,
  poolGroups,
  rankByScore,
  scoreMetricsByGroup,
  summarizeGroups,
} from '../../src/index.js';
import { encode, intersect, parseCsv, readJson, sharedFile } from './conformance-data.js';

const csv = sharedFile('conformance', 'adult_test_predictions.csv');
const v09 = sharedFile('conformance', 'adult_fairlearn.json');
const v011 = sharedFile('conformance', 'adult_fairlearn_v011_extras.json');
const skip = csv.skip || v09.skip || v011.skip;
const TOL = 1e-9;

const close = (actual: number | null, expected: number | null, what: string) => assertClose(actual, expected, what, TOL);

function load() {
  const rows = parseCsv(readFileSync(csv.path, 'utf8')).filter((r) => r.length > 1);
  const header = rows.shift() as string[];
  const col = (name: string) => header.indexOf(name);
  const n = rows.length;
  const label = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = Number(rows[i][col('y_true')]);
    pred[i] = Number(rows[i][col('y_pred')]);
    score[i] = Number(rows[i][col('y_score')]);
  }
  const sex = encode(rows.map((r) => r[col('sex')]));
  const race = encode(rows.map((r) => r[col('race')]));
  const sexRace = intersect(sex.codes, race.codes, race.names.length);
  const sexRaceNames = sex.names.flatMap((s) => race.names.map((r) => `${s} | ${r}`));
  return { n, label, pred, score, groupings: { sex: [sex.codes, sex.names], race: [race.codes, race.names], sex_x_race: [sexRace, sexRaceNames] } as Record<string, [Int32Array, string[]]> };
}

const FIELDS = ['difference_between_groups', 'difference_to_overall', 'ratio_between_groups', 'ratio_to_overall', 'group_min', 'group_max'] as const;
const FROM_SUMMARY = {
  difference_between_groups: 'difference',
  difference_to_overall: 'differenceToOverall',
  ratio_between_groups: 'ratio',
  ratio_to_overall: 'ratioToOverall',
  group_min: 'groupMin',
  group_max: 'groupMax',
} as const;

test('adult: every per-group value and MetricFrame aggregate of fairlearn 0.9 is reproduced to 1e-9', { skip }, () => {
  const data = load();
  const expected = readJson(v09.path).metricframe;
  const ranking = rankByScore(data.label, data.score);
  let checked = 0;
  for (const [name, [codes, names]] of Object.entries(data.groupings)) {
    const counts = confusionByGroup(codes, names.length, data.label, data.pred);
    const perGroup = binaryMetrics(counts, { zeroDivision: 0 });
    const overall = binaryMetrics(poolGroups(counts), { zeroDivision: 0 });
    const scores = scoreMetricsByGroup(ranking, codes, names.length);
    const overallScores = scoreMetricsByGroup(ranking, new Int32Array(data.n), 1);
    const values = (metric: string): [MetricValue[], MetricValue] => {
      if (metric === 'roc_auc' || metric === 'log_loss') return [scores[metric], overallScores[metric][0]];
      const m = metric as keyof typeof perGroup;
      return [perGroup[m], overall[m][0]];
    };
    const frame = expected[name];
    assert.equal(frame.by_group.length, names.length, `${name}: group count`);
    for (const metric of Object.keys(frame.overall)) {
      const [groupValues, overallValue] = values(metric);
      for (const row of frame.by_group) {
        const key = Object.values(row.group).join(' | ');
        const g = names.indexOf(key);
        assert.ok(g >= 0, `${name}: unknown group ${key}`);
        close(groupValues[g].value, row[metric], `${name} ${key} ${metric}`);
        checked++;
      }
      close(overallValue.value, frame.overall[metric], `${name} overall ${metric}`);
      const s = summarizeGroups(groupValues, overallValue);
      for (const field of FIELDS) {
        close(s[FROM_SUMMARY[field]], frame[field][metric], `${name} ${field} ${metric}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `checked ${checked} values`);
});

test('adult: fairness functions of fairlearn 0.9 and 0.11 (worst_case and mean) are reproduced to 1e-9', { skip }, () => {
  const data = load();
  const f09 = readJson(v09.path).fairness_functions;
  const f011 = readJson(v011.path).fairness_functions;
  for (const [name, [codes, names]] of Object.entries(data.groupings)) {
    const { metrics } = fairnessMetrics(confusionByGroup(codes, names.length, data.label, data.pred), { zeroDivision: 0 });
    for (const [method, suffix] of [
      ['between_groups', ''],
      ['to_overall', '_to_overall'],
    ] as const) {
      const e09 = f09[name][method];
      const e011 = f011[name][method];
      const get = (id: string) => (metrics as Record<string, MetricValue>)[id + suffix].value;
      close(get('demographic_parity_difference'), e09.demographic_parity_difference, `${name} ${method} dp diff`);
      close(get('demographic_parity_ratio'), e09.demographic_parity_ratio, `${name} ${method} dp ratio`);
      close(get('equalized_odds_difference'), e09.equalized_odds_difference, `${name} ${method} eo diff`);
      close(get('equalized_odds_ratio'), e09.equalized_odds_ratio, `${name} ${method} eo ratio`);
      close(get('equal_opportunity_difference'), e09.equal_opportunity_difference__tpr_metricframe_difference, `${name} ${method} eop diff`);
      close(get('equal_opportunity_ratio'), e09.equal_opportunity_ratio__tpr_metricframe_ratio, `${name} ${method} eop ratio`);
      close(get('demographic_parity_difference'), e011.demographic_parity_difference, `${name} ${method} 0.11 dp diff`);
      close(get('demographic_parity_ratio'), e011.demographic_parity_ratio, `${name} ${method} 0.11 dp ratio`);
      close(get('equal_opportunity_difference'), e011.equal_opportunity_difference, `${name} ${method} 0.11 eop diff`);
      close(get('equal_opportunity_ratio'), e011.equal_opportunity_ratio, `${name} ${method} 0.11 eop ratio`);
      close(get('equalized_odds_difference'), e011.equalized_odds_difference_agg_worst_case, `${name} ${method} 0.11 eo diff worst`);
      close(get('equalized_odds_ratio'), e011.equalized_odds_ratio_agg_worst_case, `${name} ${method} 0.11 eo ratio worst`);
      close(get('equalized_odds_difference_mean'), e011.equalized_odds_difference_agg_mean, `${name} ${method} 0.11 eo diff mean`);
      close(get('equalized_odds_ratio_mean'), e011.equalized_odds_ratio_agg_mean, `${name} ${method} 0.11 eo ratio mean`);
    }
  }
});

test('adult: overall ROC AUC and log loss match the recorded test-set values', { skip }, () => {
  const data = load();
  const meta = readJson(v09.path).test_set;
  const s = scoreMetricsByGroup(rankByScore(data.label, data.score), new Int32Array(data.n), 1);
  close(s.roc_auc[0].value, meta.roc_auc, 'roc_auc');
  close(s.log_loss[0].value, meta.log_loss, 'log_loss');
  assert.equal(s.n[0], meta.n);
});
