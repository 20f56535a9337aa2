import { cohortMask } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { rankByScore, type ScoreRanking, type ZeroDivision } from '../metrics/index.js';
import type { CohortResult, Curves, Disparity, FairnessSummary, GroupResult, Insights, ReferenceResult, Warning } from '../report/insights.js';
import { isMissing, type Table } from '../table/index.js';
import { INSIGHTS_SCHEMA_VERSION, VERSION } from '../version.js';
import { type GroupComputation, caseWeights, computeGroups, pickGroup } from './compute.js';
import { curvesFor } from './curves.js';
import { groupLabel, groupRows, type Grouping } from './groups.js';
import { intervalsFor, type GroupIntervals } from './intervals.js';
import type { AssessOptions } from './options.js';
import { type Prepared, prepare } from './prepare.js';
import { disparitiesOf, fairnessOf, referenceOf } from './summaries.js';

/** Internal options: `frequency` names a column saying how many identical rows each row stands for (push-down cells). */
export type AssessInternalOptions = AssessOptions & { frequency?: string };

interface Settings {
  bootstrapRowLimit: number;
  zeroDivision: ZeroDivision;
  bootstrap: number;
  seed: number;
  confidence: number;
  minGroupSize: number;
  band: [number, number];
  maxGroups: number;
}

function settingsOf(options: AssessOptions): Settings {
  const { zeroDivision = 'null', bootstrap = 1000, seed = 0, confidence = 0.95, minGroupSize = 30, band = [0.8, 1.25], maxGroups = 1000, bootstrapRowLimit = 200_000 } = options;
  if (!(Number.isInteger(bootstrapRowLimit) && bootstrapRowLimit >= 100)) throw userError('invalid_option', `invalid bootstrapRowLimit: ${bootstrapRowLimit} (expected a whole number >= 100)`);
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw userError('invalid_option', `invalid bootstrap: ${bootstrap} (expected a whole number >= 0)`);
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected a whole number)`);
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_option', `invalid confidence: ${confidence} (expected 0 < confidence < 1)`);
  if (!(band[0] > 0 && band[0] < band[1])) throw userError('invalid_option', `invalid band: ${band.join(',')} (expected 0 < low < high)`);
  if (!(Number.isInteger(maxGroups) && maxGroups >= 1)) throw userError('invalid_option', `invalid maxGroups: ${maxGroups} (expected a whole number >= 1)`);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold)) throw userError('invalid_option', `invalid threshold: ${options.threshold}`);
  return { zeroDivision, bootstrap, seed, confidence, minGroupSize, band, maxGroups, bootstrapRowLimit };
}

/**
 * Disaggregated evaluation: metrics overall, per group of each sensitive grouping (intersections
 * included) and per named cohort; differences and ratios between groups; fairness summaries;
 * ratios to a reference group with a pass band; confidence intervals (seeded bootstrap, or Wilson
 * intervals when bootstrap is 0); threshold, ROC, PR and calibration curves when there is a score.
 * Pure and deterministic for a seed: the browser report recomputes cohorts with this same function.
 * @example
 * const insights = assess(table, { label: 'two_year_recid', pred: 'decile_score >= 5', sensitive: [['race']] });
 */
export function assess(table: Table, options: AssessInternalOptions): Insights {
  const s = settingsOf(options);
  const progress = options.onProgress ?? (() => {});
  const p = prepare(table, options);
  const warnings: Warning[] = [...p.warnings];
  const t = p.target;
  const ranking: ScoreRanking | null = t.task === 'binary' && t.score ? rankByScore(masked(t.label, p.usable), t.score, { weight: caseWeights(p) }) : null;
  progress(0.1, 'overall');

  const overallCodes = new Int32Array(table.rowCount).fill(-1);
  for (let i = 0; i < overallCodes.length; i++) if (p.usable[i]) overallCodes[i] = 0;
  const overall = computeGroups(p, overallCodes, 1, s.zeroDivision, ranking);
  const overallPicked = pickGroup(overall.metrics, 0);
  const overallIntervals = intervalsFor(p, overallCodes, 1, overall, ranking, { ...s, salt: 'overall' });
  const overallCi = overallIntervals.groups[0];
  if (overallIntervals.rowSample) {
    const { rows, of } = overallIntervals.rowSample;
    warnings.push({
      code: 'bootstrap_sample',
      count: rows,
      message: `intervals of the metrics that resample rows (${p.target.task === 'binary' ? 'ROC AUC, average precision, log loss, Brier score' : 'all metrics'}) come from a bootstrap over a seeded sample of ${rows.toLocaleString('en-US')} of ${of.toLocaleString('en-US')} rows (seed ${s.seed}), scaled by √(sample share) per group; raise bootstrapRowLimit for exact row resampling`,
    });
  }

  const groups: GroupResult[] = [];
  const disparities: Disparity[] = [];
  const fairness: FairnessSummary[] = [];
  const reference: ReferenceResult[] = [];
  const curves: Curves[] = [];
  const sensitive = options.sensitive ?? [];
  if (ranking && options.curves !== false) curves.push(...curvesFor(p, ranking, overallCodes, 1, [{}], [], options));

  sensitive.forEach((by, index) => {
    if (by.length === 0) throw userError('invalid_option', 'an empty sensitive feature: pass column names, e.g. --sensitive race or --sensitive race,sex');
    progress(0.15 + (0.7 * index) / sensitive.length, `by ${by.join(' × ')}`);
    const grouping = groupRows(table, by, p.usable, s.maxGroups);
    const nGroups = grouping.keys.length;
    const computed = computeGroups(p, grouping.codes, nGroups, s.zeroDivision, ranking);
    const ci = intervalsFor(p, grouping.codes, nGroups, computed, ranking, { ...s, salt: by.join(',') });
    groups.push(...groupResults(grouping, computed, ci, s, warnings));
    disparities.push(...disparitiesOf(grouping, computed.metrics, overallPicked.values, ci));
    if (t.task === 'binary') {
      fairness.push(fairnessOf(grouping, computed, s.zeroDivision, ci));
      const refKey = options.reference?.[by.join(',')];
      reference.push(referenceOf(grouping, computed, refKey, s.band));
    }
    if (ranking && options.curves !== false) curves.push(...curvesFor(p, ranking, grouping.codes, nGroups, grouping.keys, grouping.by, options));
  });

  const unknownRefs = Object.keys(options.reference ?? {}).filter((k) => !sensitive.some((by) => by.join(',') === k));
  if (unknownRefs.length) {
    throw userError('invalid_reference', `--reference ${unknownRefs[0]}=… names no sensitive grouping; groupings are ${sensitive.map((b) => b.join(',')).join(', ') || 'none (add --sensitive)'}`);
  }

  progress(0.9, 'cohorts');
  const cohorts: CohortResult[] = (options.cohorts ?? []).map((cohort) => {
    const mask = cohortMask(cohort, table);
    const codes = new Int32Array(table.rowCount).fill(-1);
    let count = 0;
    for (let i = 0; i < codes.length; i++) {
      if (p.usable[i] && mask.get(i)) {
        codes[i] = 0;
        count++;
      }
    }
    if (count === 0) {
      warnings.push({ code: 'empty_cohort', cohort: cohort.name, message: `cohort "${cohort.name}" (${cohort.expression}) has no rows` });
      return { name: cohort.name, expression: cohort.expression, count: 0, metrics: {}, warnings: [] };
    }
    const computed = computeGroups(p, codes, 1, s.zeroDivision, ranking);
    const ci = intervalsFor(p, codes, 1, computed, ranking, { ...s, salt: `cohort:${cohort.name}` });
    const picked = pickGroup(computed.metrics, 0);
    const rows = computed.rows[0];
    const cohortWarnings: Warning[] = [];
    if (rows < s.minGroupSize) {
      const w = { code: 'small_group', cohort: cohort.name, count: rows, message: `cohort "${cohort.name}" has ${plural(rows, 'row')} (under ${s.minGroupSize}): its metrics are uncertain` };
      cohortWarnings.push(w);
      warnings.push(w);
    }
    return { name: cohort.name, expression: cohort.expression, count: rows, metrics: picked.values, ci: ci.groups[0], reasons: picked.reasons, warnings: cohortWarnings };
  });
  progress(1, 'done');

  return {
    schemaVersion: INSIGHTS_SCHEMA_VERSION,
    generator: { name: 'candor', version: VERSION },
    task: t.task,
    rows: p.rows,
    source: { where: options.where ?? null },
    config: configOf(options, p, s),
    overall: overallPicked.values,
    overallCi,
    overallReasons: overallPicked.reasons,
    groups,
    disparities,
    fairness,
    reference,
    cohorts,
    ...(curves.length ? { curves } : {}),
    data: { columns: profileColumns(table, p, options) },
    warnings: dedupe(warnings),
  };
}

/** Missing values per column among the rows that matched `where` (frequency-weighted). */
function profileColumns(table: Table, p: Prepared, options: AssessOptions): { name: string; type: string; role: string; missing: number }[] {
  const scores = new Set(options.score === undefined ? [] : [options.score].flat());
  const sensitive = new Set((options.sensitive ?? []).flat());
  const roleOf = (name: string, fallback: string) =>
    name === options.label ? 'label' : name === options.pred ? 'prediction' : scores.has(name) ? 'score' : name === options.weight ? 'weight' : sensitive.has(name) ? 'sensitive' : fallback;
  return table.columns
    .filter((c) => !c.name.startsWith('__candor_'))
    .map((c) => {
      let missing = 0;
      for (let i = 0; i < table.rowCount; i++) if (p.include[i] && isMissing(c, i)) missing += p.frequency ? p.frequency[i] : 1;
      return { name: c.name, type: c.type, role: roleOf(c.name, c.role ?? 'feature'), missing };
    });
}

/** The label with rows outside the analysis marked missing, so the shared ranking skips them. */
function masked(label: Uint8Array, usable: Uint8Array): Uint8Array {
  const out = new Uint8Array(label.length);
  for (let i = 0; i < out.length; i++) out[i] = usable[i] ? label[i] : 255;
  return out;
}

function groupResults(grouping: Grouping, computed: GroupComputation, ci: GroupIntervals, s: Settings, warnings: Warning[]): GroupResult[] {
  return grouping.keys.map((key, g) => {
    const picked = pickGroup(computed.metrics, g);
    const rows = computed.rows[g];
    const groupWarnings: Warning[] = [];
    const name = groupLabel(key, grouping.by);
    if (rows < s.minGroupSize) {
      groupWarnings.push({ code: 'small_group', by: grouping.by, key, count: rows, message: `${grouping.by.join(' × ')} = ${name} has ${plural(rows, 'row')} (under ${s.minGroupSize}): its metrics are uncertain` });
    }
    for (const [metric, reason] of Object.entries(picked.reasons)) {
      groupWarnings.push({ code: 'undefined_metric', by: grouping.by, key, metric, message: `${metric} is undefined for ${grouping.by.join(' × ')} = ${name}: ${reason}` });
    }
    warnings.push(...groupWarnings.filter((w) => w.code === 'small_group'));
    return { by: grouping.by, key, count: rows, metrics: picked.values, ci: ci.groups[g], reasons: picked.reasons, warnings: groupWarnings };
  });
}

function configOf(options: AssessOptions, p: Prepared, s: Settings): Record<string, unknown> {
  return {
    label: options.label,
    pred: options.pred ?? null,
    score: options.score ?? null,
    threshold: p.resolved.threshold ?? options.threshold ?? null,
    positive: p.resolved.positive ?? null,
    classes: p.resolved.classes ?? null,
    sensitive: options.sensitive ?? [],
    reference: options.reference ?? {},
    weight: options.weight ?? null,
    where: options.where ?? null,
    bootstrap: s.bootstrap,
    seed: s.seed,
    confidence: s.confidence,
    intervals: s.bootstrap > 0 ? 'bootstrap-percentile' : 'wilson',
    zeroDivision: s.zeroDivision,
    minGroupSize: s.minGroupSize,
    band: s.band,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function dedupe(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const k = `${w.code}\u0000${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
