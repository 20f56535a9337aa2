// A hand-built insights document covering every section of the report: two groupings (one with a
// hostile group name), a small group, null metrics with reasons, fairness summaries, reference
// disparities with failing ratios, cohorts, curves and warnings. Values are made up but consistent
// in shape with what `assess` produces.
import type { Curves, GroupResult, Insights } from '../../src/report/index.js';

export const HOSTILE = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;

const METRICS = ['accuracy_score', 'selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision_score', 'roc_auc_score'] as const;

function group(by: string[], key: Record<string, string>, count: number, values: (number | null)[], reasons?: Record<string, string>): GroupResult {
  const metrics: Record<string, number | null> = {};
  const ci: Record<string, [number, number]> = {};
  METRICS.forEach((m, i) => {
    const v = values[i];
    metrics[m] = v;
    if (v !== null) ci[m] = [Math.max(0, v - 0.031 - i * 0.002), Math.min(1, v + 0.029 + i * 0.002)];
  });
  const warnings = count < 30 ? [{ code: 'small_group', message: `${by.map((c) => `${c} = ${key[c]}`).join(', ')} has ${count} rows (fewer than 30)`, by, key, count }] : [];
  return { by, key, count, metrics, ci, ...(reasons ? { reasons } : {}), warnings };
}

function curve(by: string[], key: Record<string, string>, skew: number): Curves {
  const roc: [number, number][] = [];
  const pr: [number, number][] = [];
  for (let i = 0; i <= 20; i++) {
    const x = i / 20;
    roc.push([x, Math.pow(x, skew)]);
    pr.push([x, 1 - 0.5 * Math.pow(x, 1 / skew)]);
  }
  const calibration = Array.from({ length: 10 }, (_, b) => ({ lower: b / 10, upper: (b + 1) / 10, meanScore: b / 10 + 0.05, observedRate: Math.min(1, Math.max(0, b / 10 + 0.05 + (skew - 0.4) * 0.2)), count: 20 + ((b * 37) % 90) }));
  const thresholds = Array.from({ length: 11 }, (_, t) => ({ threshold: t / 10, selection_rate: 1 - t / 10, true_positive_rate: 1 - Math.pow(t / 10, 1 / skew) * 0.9, false_positive_rate: Math.pow(1 - t / 10, 1 + skew) }));
  return { by, key, roc, pr, calibration, thresholds };
}

/** The fixture document. */
export function sampleInsights(): Insights {
  const sex = ['sex'];
  const race = ['race'];
  return {
    schemaVersion: 1,
    generator: { name: 'candor', version: '0.1.0' },
    task: 'binary',
    rows: 1000,
    source: { file: 'data/loans.csv', rowsRead: 1012, where: null },
    config: { label: 'repaid', score: 'score', threshold: 0.5, positive: '1', sensitive: [['sex'], ['race']], seed: 7, bootstrap: 200, confidence: 0.95, minGroupSize: 30, band: [0.8, 1.25] },
    overall: { accuracy_score: 0.8123, selection_rate: 0.4512, true_positive_rate: 0.7734, false_positive_rate: 0.1502, precision_score: 0.7011, roc_auc_score: 0.8844 },
    overallCi: { accuracy_score: [0.788, 0.836], selection_rate: [0.42, 0.482], true_positive_rate: [0.74, 0.81], false_positive_rate: [0.12, 0.18], precision_score: [0.66, 0.74], roc_auc_score: [0.86, 0.91] },
    groups: [
      group(sex, { sex: 'Female' }, 480, [0.8, 0.36, 0.69, 0.11, 0.72, 0.87]),
      group(sex, { sex: 'Male' }, 520, [0.823, 0.535, 0.85, 0.19, 0.69, 0.9]),
      group(race, { race: 'Group A' }, 700, [0.82, 0.47, 0.78, 0.15, 0.71, 0.89]),
      group(race, { race: 'Group B' }, 276, [0.79, 0.41, 0.75, 0.16, 0.68, 0.86]),
      group(race, { race: HOSTILE }, 24, [0.75, 0.25, null, 0.25, 0.5, null], { true_positive_rate: 'no positives (tp + fn = 0)', roc_auc_score: 'only one class present' }),
    ],
    disparities: [
      ...METRICS.map((metric, i) => ({
        by: sex,
        metric,
        difference: 0.02 + i * 0.03,
        ratio: 1 - (0.05 + i * 0.07),
        difference_to_overall: 0.01 + i * 0.015,
        ratio_to_overall: 0.97 - i * 0.03,
        min: { value: 0.3 + i * 0.1, group: { sex: 'Female' } },
        max: { value: 0.35 + i * 0.1, group: { sex: 'Male' } },
        ci: { difference: [0.01 + i * 0.02, 0.05 + i * 0.04] as [number, number], ratio: [0.9 - i * 0.08, 0.99 - i * 0.06] as [number, number] },
        excluded: [],
      })),
      {
        by: race,
        metric: 'true_positive_rate',
        difference: 0.03,
        ratio: 0.96,
        difference_to_overall: 0.02,
        ratio_to_overall: 0.97,
        min: { value: 0.75, group: { race: 'Group B' } },
        max: { value: 0.78, group: { race: 'Group A' } },
        ci: {},
        excluded: [{ race: HOSTILE }],
      },
    ],
    fairness: [
      { by: sex, demographic_parity_difference: 0.175, demographic_parity_ratio: 0.673, equalized_odds_difference: 0.16, equalized_odds_ratio: 0.579, equal_opportunity_difference: 0.16, equal_opportunity_ratio: 0.812, ci: { demographic_parity_difference: [0.12, 0.23], demographic_parity_ratio: [0.6, 0.75], equalized_odds_difference: [0.1, 0.22], equalized_odds_ratio: [0.45, 0.7] } },
      { by: race, demographic_parity_difference: 0.22, demographic_parity_ratio: 0.532, equalized_odds_difference: null, equalized_odds_ratio: null, equal_opportunity_difference: 0.03, equal_opportunity_ratio: 0.962 },
    ],
    reference: [
      {
        by: sex,
        group: { sex: 'Male' },
        band: [0.8, 1.25],
        disparity: { Female: { selection_rate: 0.673, true_positive_rate: 0.812, false_positive_rate: 0.579, accuracy_score: 0.972 } },
        pass: { Female: { selection_rate: false, true_positive_rate: true, false_positive_rate: false, accuracy_score: true } },
      },
      {
        by: race,
        group: { race: 'Group A' },
        band: [0.8, 1.25],
        disparity: {
          'Group B': { selection_rate: 0.872, true_positive_rate: 0.962, false_positive_rate: 1.067, accuracy_score: 0.963 },
          [HOSTILE]: { selection_rate: 0.532, true_positive_rate: null, false_positive_rate: 1.667, accuracy_score: 0.915 },
        },
        pass: {
          'Group B': { selection_rate: true, true_positive_rate: true, false_positive_rate: true, accuracy_score: true },
          [HOSTILE]: { selection_rate: false, true_positive_rate: null, false_positive_rate: false, accuracy_score: true },
        },
      },
    ],
    cohorts: [
      { name: 'seniors', expression: 'age > 60', count: 118, metrics: { accuracy_score: 0.78, selection_rate: 0.5, true_positive_rate: 0.8, false_positive_rate: 0.2, precision_score: 0.66, roc_auc_score: 0.85 }, ci: { accuracy_score: [0.7, 0.85] } },
      { name: 'young_south', expression: "region = 'South' and age < 30", count: 61, metrics: { accuracy_score: 0.52, selection_rate: 0.49, true_positive_rate: 0.51, false_positive_rate: 0.48, precision_score: 0.55, roc_auc_score: 0.5 } },
    ],
    curves: [curve([], {}, 0.35), curve(sex, { sex: 'Female' }, 0.4), curve(sex, { sex: 'Male' }, 0.3), curve(race, { race: 'Group A' }, 0.33), curve(race, { race: 'Group B' }, 0.38), curve(race, { race: HOSTILE }, 0.6)],
    warnings: [{ code: 'dropped_missing_label', message: '12 rows have a missing label and were left out', count: 12 }],
  };
}
