import { assertClose } from '../helpers/assert-close.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { binaryMetrics, type BinaryMetricId, confusionByGroup, fairnessMetrics, type MetricValue, poolGroups, summarizeGroups } from '../../src/index.js';
import { encode, intersect, parseCsv, readJson, sharedFile } from './conformance-data.js';

const csv = sharedFile('datasets', 'compas-scores-two-years.csv');
const ref = sharedFile('conformance', 'compas_propublica.json');
const skip = csv.skip || ref.skip;
const TOL = 1e-9;

const close = (actual: number | null, expected: number | null, what: string) => assertClose(actual, expected, what, TOL);

interface Population {
  label: Uint8Array;
  pred: Uint8Array;
  race: string[];
  sex: string[];
  keep: (i: number) => boolean;
}

function load(): { filtered_6172: Population; unfiltered_7214: Population } {
  const rows = parseCsv(readFileSync(csv.path, 'utf8')).filter((r) => r.length > 1);
  const header = rows.shift() as string[];
  const col = (name: string) => header.indexOf(name);
  const n = rows.length;
  const label = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const propublica = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    label[i] = Number(r[col('two_year_recid')]);
    const scoreText = r[col('score_text')];
    pred[i] = scoreText === 'Medium' || scoreText === 'High' ? 1 : 0;
    // filter_propublica; an empty days_b_screening_arrest is NaN and fails both comparisons.
    const days = r[col('days_b_screening_arrest')] === '' ? NaN : Number(r[col('days_b_screening_arrest')]);
    propublica[i] = days <= 30 && days >= -30 && Number(r[col('is_recid')]) !== -1 && r[col('c_charge_degree')] !== 'O' && scoreText !== 'N/A' ? 1 : 0;
  }
  const race = rows.map((r) => r[col('race')]);
  const sex = rows.map((r) => r[col('sex')]);
  return {
    filtered_6172: { label, pred, race, sex, keep: (i) => propublica[i] === 1 },
    unfiltered_7214: { label, pred, race, sex, keep: () => true },
  };
}

// The fairlearn block's metric names → Candor ids and the zero-division convention used there:
// fairlearn's rates and precision_score(zero_division=0) give 0 for 0/0; the npv there is a plain
// tn / (tn + fn), NaN for 0/0.
const FRAME_METRICS: Record<string, [BinaryMetricId, 0 | 'null']> = {
  count: ['count', 0],
  selection_rate: ['selection_rate', 0],
  false_positive_rate: ['false_positive_rate', 0],
  false_negative_rate: ['false_negative_rate', 0],
  true_positive_rate: ['true_positive_rate', 0],
  true_negative_rate: ['true_negative_rate', 0],
  accuracy: ['accuracy', 0],
  precision_ppv: ['precision', 0],
  npv: ['negative_predictive_value', 'null'],
};

const OWN_METRICS: Record<string, BinaryMetricId> = {
  count: 'count',
  tp: 'tp',
  fp: 'fp',
  tn: 'tn',
  fn: 'fn',
  base_rate: 'base_rate',
  selection_rate: 'selection_rate',
  fpr: 'false_positive_rate',
  fnr: 'false_negative_rate',
  tpr: 'true_positive_rate',
  tnr: 'true_negative_rate',
  ppv: 'precision',
  npv: 'negative_predictive_value',
  fdr: 'false_discovery_rate',
  for: 'false_omission_rate',
  accuracy: 'accuracy',
};

const FIELDS = {
  difference_between_groups: 'difference',
  difference_to_overall: 'differenceToOverall',
  ratio_between_groups: 'ratio',
  ratio_to_overall: 'ratioToOverall',
  group_min: 'groupMin',
  group_max: 'groupMax',
} as const;

function groupings(p: Population): Record<string, { codes: Int32Array; names: string[] }> {
  const race = encode(p.race, p.keep);
  const sex = encode(p.sex, p.keep);
  const subsetKeep = (i: number) => p.keep(i) && (p.race[i] === 'African-American' || p.race[i] === 'Caucasian');
  return {
    race,
    race_x_sex: { codes: intersect(race.codes, sex.codes, sex.names.length), names: race.names.flatMap((r) => sex.names.map((s) => `${r} | ${s}`)) },
    race_subset_african_american_vs_caucasian: encode(p.race, subsetKeep),
  };
}

for (const population of ['filtered_6172', 'unfiltered_7214'] as const) {
  test(`compas ${population}: per-race counts and rates match`, { skip }, () => {
    const p = load()[population];
    const expected = readJson(ref.path)[population];
    const { race } = groupings(p);
    const counts = confusionByGroup(race.codes, race.names.length, p.label, p.pred);
    const pooled = poolGroups(counts);
    assert.equal(pooled.n[0], expected.n_rows);
    const m = binaryMetrics(counts);
    const all = binaryMetrics(pooled);
    for (const [key, block] of Object.entries(expected.per_race_own_computation) as [string, Record<string, number>][]) {
      const g = race.names.indexOf(key);
      for (const [name, id] of Object.entries(OWN_METRICS)) {
        const value = key === 'all' ? all[id][0].value : m[id][g].value;
        close(value, block[name], `${key} ${name}`);
      }
    }
  });

  test(`compas ${population}: fairlearn MetricFrame blocks (race, race × sex, two-race subset) match`, { skip }, () => {
    const p = load()[population];
    const expected = readJson(ref.path)[population].fairlearn_metricframe;
    for (const [name, { codes, names }] of Object.entries(groupings(p))) {
      const frame = expected[name];
      const counts = confusionByGroup(codes, names.length, p.label, p.pred);
      const byConvention = { 0: binaryMetrics(counts, { zeroDivision: 0 }), null: binaryMetrics(counts) };
      const pooled = poolGroups(counts);
      const overallByConvention = { 0: binaryMetrics(pooled, { zeroDivision: 0 }), null: binaryMetrics(pooled) };
      assert.equal(frame.by_group.length, names.length, `${name}: group count`);
      for (const [metric, [id, zd]] of Object.entries(FRAME_METRICS)) {
        const values: MetricValue[] = byConvention[zd][id];
        const overall = overallByConvention[zd][id][0];
        for (const row of frame.by_group) {
          const key = Object.values(row.group).join(' | ');
          const g = names.indexOf(key);
          assert.ok(g >= 0, `${name}: unknown group ${key}`);
          close(values[g].value, row[metric], `${name} ${key} ${metric}`);
        }
        close(overall.value, frame.overall[metric], `${name} overall ${metric}`);
        const s = summarizeGroups(values, overall);
        for (const [field, key] of Object.entries(FIELDS)) close(s[key], frame[field][metric], `${name} ${field} ${metric}`);
      }
    }
  });

  test(`compas ${population}: fairlearn fairness functions match`, { skip }, () => {
    const p = load()[population];
    const expected = readJson(ref.path)[population].fairlearn_fairness_functions;
    for (const [name, { codes, names }] of Object.entries(groupings(p))) {
      const { metrics } = fairnessMetrics(confusionByGroup(codes, names.length, p.label, p.pred), { zeroDivision: 0 });
      for (const [method, suffix] of [
        ['between_groups', ''],
        ['to_overall', '_to_overall'],
      ] as const) {
        for (const [id, value] of Object.entries(expected[name][method]) as [string, number][]) {
          close((metrics as Record<string, MetricValue>)[id + suffix].value, value, `${name} ${method} ${id}`);
        }
      }
    }
  });
}

test('compas unfiltered: ProPublica published truth tables are reproduced exactly', { skip }, () => {
  const p = load().unfiltered_7214;
  const published = readJson(ref.path).published_truth_tables;
  const { race } = groupings(p);
  const counts = confusionByGroup(race.codes, race.names.length, p.label, p.pred);
  const pooled = poolGroups(counts);
  for (const [key, t] of Object.entries(published) as [string, Record<string, number>][]) {
    if (key === 'source') continue;
    const c = key === 'All defendants' ? pooled : counts;
    const g = key === 'All defendants' ? 0 : race.names.indexOf(key);
    assert.deepEqual([c.tn[g], c.fp[g], c.fn[g], c.tp[g]], [t.tn, t.fp, t.fn, t.tp], key);
    const fpr = binaryMetrics(c).false_positive_rate[g].value as number;
    assert.equal(Math.round(fpr * 10000) / 100, t.fpr_pct, `${key} FPR %`);
  }
});
