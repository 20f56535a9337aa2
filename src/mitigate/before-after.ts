import { assess } from '../assess/index.js';
import { groupRows } from '../assess/groups.js';
import { prepare } from '../assess/prepare.js';
import { choosePositive, inferTask, resolveColumn, toBinary } from '../assess/resolve.js';
import { evaluateMask, parseExpression } from '../cohort/index.js';
import { confusionFromJoint } from '../compare/joint-counts.js';
import { streamSeed } from '../compare/paired-bootstrap.js';
import { userError } from '../errors/index.js';
import { FAIRNESS_METRIC_IDS, type FairnessMetricId, fairnessMetrics } from '../fairness/index.js';
import { BINARY_METRIC_IDS, type BinaryMetricId, binaryMetricValues, emptyConfusionCounts } from '../metrics/index.js';
import type { Insights } from '../report/insights.js';
import { percentileInterval, Random, sampleMultinomial } from '../stats/index.js';
import { booleanColumn, MISSING_BOOL, type Table } from '../table/index.js';
import { assessExpected } from './expected-assess.js';
import type { BeforeAfterValue, MitigationDelta, MitigationResult } from './schema.js';

/**
 * Predictions on the evaluation rows: a column or boolean expression (hard decisions; for a
 * multiclass task, the predicted class), or each row's probability of a positive decision (a
 * randomised rule's expected decisions; 0/1 for hard ones; NaN = missing).
 */
export type MitigationPredictions = { pred: string } | { probability: Float64Array };

/** Options of {@link compareBeforeAfter}. */
export interface BeforeAfterOptions {
  /** The label: a column or a boolean expression. */
  label: string;
  /** Sensitive groupings, as in `assess` (`[['sex'], ['sex', 'race']]`). */
  sensitive: string[][];
  /** The unmitigated model's predictions. */
  before: MitigationPredictions;
  /** The mitigated predictions. */
  after: MitigationPredictions;
  /** Shown in tables and the trade-off plot, e.g. "threshold optimizer (demographic parity)". */
  name: string;
  /** The method id, e.g. `threshold_optimizer`. */
  method: string;
  /** The method's settings, recorded as given. */
  params?: Record<string, unknown>;
  /** Where the rows come from. `split` defaults to `evaluation`. */
  data?: { file?: string | null; split?: 'evaluation' | 'training'; note?: string };
  /** The positive label value (binary). Defaults as in `assess`. */
  positive?: string;
  /** Defaults to the task `assess` infers from the label. */
  task?: 'binary' | 'multiclass';
  /** Compare only the rows where this expression is true. */
  where?: string;
  /** Metric ids to compare. Defaults to selection rate, accuracy, balanced accuracy, TPR, FPR, precision (binary) or accuracy, balanced accuracy and each class's selection rate (multiclass). */
  metrics?: string[];
  /**
   * The disparity of the trade-off plot: a fairness summary (`demographic_parity_difference`,
   * `equalized_odds_difference`…) or `<rate>_difference` (max − min of a rate over groups).
   * Defaults to demographic parity difference (binary) or `selection_rate_difference_max` (the
   * largest class's selection-rate difference, multiclass).
   */
  disparity?: string;
  /** Bootstrap resamples; 0 = no intervals. Defaults to 1000. */
  bootstrap?: number;
  /** Defaults to 0. */
  seed?: number;
  /** Defaults to 0.95. */
  confidence?: number;
  /** Defaults to 1000. */
  maxGroups?: number;
}

const BINARY_METRICS = ['selection_rate', 'accuracy', 'balanced_accuracy', 'true_positive_rate', 'false_positive_rate', 'precision'];
const BINARY_DISPARITIES = ['demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference', 'false_positive_rate_difference'];
const PAIRED = '__candor_before_after';
/** How far beyond 0..1 a probability may stray by floating-point rounding (a sum of mixture weights). */
const ROUNDING = 1e-9;
const MAX_SELECTION_DIFFERENCE = 'selection_rate_difference_max';

/**
 * Before/after comparison of a mitigation on one set of rows: every metric overall and per group
 * with its interval before and after (computed by `assess`, so they match the rest of the report),
 * the change with a paired bootstrap interval, the disparities between groups (fairness
 * summaries, max − min of rates) before and after, the accuracy it cost, and its point on the
 * accuracy–disparity trade-off.
 *
 * Only rows with a label and both predictions are compared. "After" may be fractional: a
 * randomised rule's P(positive) per row. Its metrics are then the expected (probability-weighted)
 * ones, computed by splitting each row into a positive and a negative part (see
 * `splitByProbability`). The paired bootstrap (binary tasks) draws each group's joint cells
 * (label × before × after, a fractional row spread over its cells as one uniform draw per row
 * decides both sides) from a multinomial, as `compareModels` does for hard predictions — so each
 * resample is a resample of rows together with a fresh randomised draw: the interval covers the
 * spread of one deployment of the randomised rule (a little wider than the expected metric's own
 * sampling spread). Multiclass comparisons report point changes only.
 * @example
 * const r = compareBeforeAfter(test, { label: 'y', sensitive: [['sex']], before: { pred: 'y_score >= 0.5' }, after: { probability }, name: 'threshold optimizer', method: 'threshold_optimizer' });
 * r.accuracyCost.cost // 0.021 — accuracy lost
 */
export function compareBeforeAfter(table: Table, options: BeforeAfterOptions): MitigationResult {
  const { bootstrap = 1000, seed = 0, confidence = 0.95, maxGroups = 1000, sensitive } = options;
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw userError('invalid_option', `invalid bootstrap: ${bootstrap} (expected a whole number >= 0)`);
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected a whole number)`);
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_option', `invalid confidence: ${confidence} (expected 0 < confidence < 1)`);
  const include = new Uint8Array(table.rowCount).fill(1);
  if (options.where !== undefined && options.where.trim() !== '') include.set(evaluateMask(parseExpression(options.where), table).toMask());
  const labelColumn = resolveColumn(table, options.label, 'label');
  const task = options.task ?? (inferTask(labelColumn, include, false) === 'multiclass' ? 'multiclass' : 'binary');
  const settings = { bootstrap, seed, confidence, maxGroups, sensitive, include };
  return task === 'binary' ? binaryComparison(table, options, settings) : multiclassComparison(table, options, settings);
}

interface Settings {
  bootstrap: number;
  seed: number;
  confidence: number;
  maxGroups: number;
  sensitive: string[][];
  include: Uint8Array;
}

/** P(positive) per row of a prediction spec (NaN = missing). */
function probabilities(table: Table, spec: MitigationPredictions, options: BeforeAfterOptions, positive: string, which: string): Float64Array {
  if ('probability' in spec) {
    if (spec.probability.length !== table.rowCount) throw new Error(`${which}: ${spec.probability.length} probabilities for ${table.rowCount} rows`);
    // A mixture's P(positive) is a sum of weights, which may land an ulp or so beyond 1 (or below
    // 0): within ROUNDING it is taken as the bound, further out it is an error.
    let out = spec.probability;
    for (let i = 0; i < out.length; i++) {
      const p = out[i];
      if (Number.isNaN(p) || (p >= 0 && p <= 1)) continue;
      if (!(p >= -ROUNDING && p <= 1 + ROUNDING)) throw userError('invalid_option', `${which}: probability ${p} is outside 0..1`);
      if (out === spec.probability) out = Float64Array.from(out);
      out[i] = p < 0 ? 0 : 1;
    }
    return out;
  }
  const p = prepare(table, { label: options.label, pred: spec.pred, positive, where: options.where, task: 'binary' });
  const pred = (p.target as { pred: Uint8Array }).pred;
  return Float64Array.from(pred, (v) => (v === MISSING_BOOL ? NaN : v));
}

const nameOf = (spec: MitigationPredictions, fallback: string) => ('pred' in spec ? spec.pred : fallback);

function binaryComparison(table: Table, options: BeforeAfterOptions, s: Settings): MitigationResult {
  const labelColumn = resolveColumn(table, options.label, 'label');
  const positive = choosePositive(labelColumn, s.include, options.positive, options.label);
  const y = toBinary(labelColumn, positive);
  const before = probabilities(table, options.before, options, positive, 'before');
  const after = probabilities(table, options.after, options, positive, 'after');
  const paired = new Uint8Array(table.rowCount);
  let pairedRows = 0;
  for (let i = 0; i < paired.length; i++) {
    paired[i] = s.include[i] && y[i] !== MISSING_BOOL && !Number.isNaN(before[i]) && !Number.isNaN(after[i]) ? 1 : 0;
    pairedRows += paired[i];
  }
  if (pairedRows === 0) throw userError('no_rows', 'no rows to compare: no row has a label and both the before and the after prediction');
  const pairedTable = table.withColumn(booleanColumn(PAIRED, paired));
  const common = { label: options.label, positive, sensitive: s.sensitive, where: `${PAIRED} = true`, bootstrap: s.bootstrap, seed: s.seed, confidence: s.confidence, curves: false, maxGroups: s.maxGroups };
  const beforeInsights = assessExpected(pairedTable, before, common, nameOf(options.before, 'before'));
  const afterInsights = assessExpected(pairedTable, after, common, nameOf(options.after, 'after'));
  const metrics = options.metrics ?? BINARY_METRICS;
  const disparity = options.disparity ?? 'demographic_parity_difference';
  const disparities = BINARY_DISPARITIES.includes(disparity) ? BINARY_DISPARITIES : [...BINARY_DISPARITIES, disparity];

  const boot = (codes: Int32Array, nGroups: number, salt: string) => (s.bootstrap > 0 ? pairedDraws(codes, nGroups, y, before, after, metrics, disparities, s.bootstrap, streamSeed(s.seed, salt)) : null);
  const interval = (values: Float64Array | undefined, g: number, nGroups: number): [number, number] | null => {
    if (!values) return null;
    const column = new Float64Array(s.bootstrap);
    for (let r = 0; r < s.bootstrap; r++) column[r] = values[r * nGroups + g];
    const ci = percentileInterval(column, { confidence: s.confidence });
    return ci ? [ci.lower, ci.upper] : null;
  };

  const overallCodes = Int32Array.from(paired, (v) => (v ? 0 : -1));
  const overallBoot = boot(overallCodes, 1, 'overall');
  const overall = {
    count: pairedRows,
    metrics: Object.fromEntries(metrics.map((id) => [id, beforeAfter(beforeInsights.overall[id], afterInsights.overall[id], beforeInsights.overallCi?.[id], afterInsights.overallCi?.[id], interval(overallBoot?.metrics.get(id), 0, 1))])),
  };

  const groups: MitigationResult['groups'] = [];
  const disparityRows: MitigationResult['disparities'] = [];
  for (const by of s.sensitive) {
    const grouping = groupRows(table, by, paired, s.maxGroups);
    const nGroups = grouping.keys.length;
    const draws = boot(grouping.codes, nGroups, `by:${by.join(',')}`);
    grouping.keys.forEach((key, g) => {
      const b = findGroup(beforeInsights, by, key);
      const a = findGroup(afterInsights, by, key);
      groups.push({
        by: [...by],
        key,
        count: b?.count ?? grouping.sizes[g],
        metrics: Object.fromEntries(metrics.map((id) => [id, beforeAfter(b?.metrics[id], a?.metrics[id], b?.ci[id], a?.ci[id], interval(draws?.metrics.get(id), g, nGroups))])),
      });
    });
    for (const id of disparities) {
      const vb = disparityValue(beforeInsights, by, id);
      const va = disparityValue(afterInsights, by, id);
      disparityRows.push({ by: [...by], metric: id, ...beforeAfter(vb.value, va.value, vb.ci, va.ci, interval(draws?.disparities.get(id), 0, 1)) });
    }
  }
  const accuracy = overall.metrics.accuracy ?? beforeAfter(beforeInsights.overall.accuracy, afterInsights.overall.accuracy, undefined, undefined, interval(overallBoot?.metrics.get('accuracy'), 0, 1));
  return finish(options, s, 'binary', beforeInsights, afterInsights, pairedRows, metrics, overall, groups, disparityRows, accuracy, disparity, !('pred' in options.after) && !isHard(after));
}

const isFairnessId = (id: string): id is FairnessMetricId => (FAIRNESS_METRIC_IDS as readonly string[]).includes(id);
const isHard = (p: Float64Array) => p.every((v) => Number.isNaN(v) || v === 0 || v === 1);

function findGroup(insights: Insights, by: readonly string[], key: Record<string, string>) {
  const k = JSON.stringify(key);
  return insights.groups.find((g) => g.by.join('\u0000') === by.join('\u0000') && JSON.stringify(g.key) === k);
}

/** A disparity's value and interval in an assessment: a fairness summary, or `<metric>_difference` (max − min). */
function disparityValue(insights: Insights, by: readonly string[], id: string): { value: number | null; ci: [number, number] | undefined } {
  const same = (b: readonly string[]) => b.join('\u0000') === by.join('\u0000');
  if (isFairnessId(id)) {
    const f = insights.fairness.find((x) => same(x.by));
    const v = f?.[id];
    return { value: typeof v === 'number' ? v : null, ci: f?.ci?.[id] };
  }
  if (id === MAX_SELECTION_DIFFERENCE) {
    const values = insights.disparities.filter((d) => same(d.by) && d.metric.startsWith('selection_rate__')).map((d) => d.difference);
    const defined = values.filter((v): v is number => v !== null);
    return { value: defined.length ? Math.max(...defined) : null, ci: undefined };
  }
  const metric = id.replace(/_difference$/, '');
  const d = insights.disparities.find((x) => same(x.by) && x.metric === metric);
  return { value: d?.difference ?? null, ci: d?.ci.difference };
}

function beforeAfter(before: number | null | undefined, after: number | null | undefined, beforeCi: [number, number] | undefined, afterCi: [number, number] | undefined, interval: [number, number] | null): BeforeAfterValue {
  const b = before ?? null;
  const a = after ?? null;
  const value = a === null || b === null ? null : a - b;
  const delta: MitigationDelta = { value, interval: value === null ? null : interval };
  return { before: b, after: a, beforeCi: beforeCi ?? null, afterCi: afterCi ?? null, delta };
}

interface Draws {
  /** Metric id → after − before per resample and group, resample-major. */
  metrics: Map<string, Float64Array>;
  /** Disparity id → after − before per resample. */
  disparities: Map<string, Float64Array>;
}

/**
 * Paired multinomial bootstrap of the joint cells `8g + 4·label + 2·before + after`: a row spreads
 * its weight over the cells as the two decisions fall when one uniform u decides both (positive
 * when u < p): min(p_b, p_a) to (1, 1), and so on; a hard decision puts all its weight in one cell.
 * Each group's n_g rows are drawn from those cell shares, and both models' confusion counts come
 * from the same draw.
 */
function pairedDraws(codes: Int32Array, nGroups: number, y: Uint8Array, before: Float64Array, after: Float64Array, metrics: string[], disparities: string[], resamples: number, seed: number): Draws {
  const cells = new Float64Array(8 * nGroups);
  const sizes = new Float64Array(nGroups);
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i];
    if (g < 0) continue;
    sizes[g]++;
    // One uniform u per row decides both sides (positive when u < p): identical rules draw
    // identical decisions, and a hard decision is unaffected.
    const o = 8 * g + 4 * y[i];
    const pb = before[i];
    const pa = after[i];
    cells[o + 3] += Math.min(pb, pa);
    cells[o + 2] += Math.max(0, pb - pa);
    cells[o + 1] += Math.max(0, pa - pb);
    cells[o] += 1 - Math.max(pb, pa);
  }
  const countIds = metrics.filter((id) => (BINARY_METRIC_IDS as readonly string[]).includes(id)) as BinaryMetricId[];
  const out: Draws = { metrics: new Map(countIds.map((id) => [id, new Float64Array(resamples * nGroups)])), disparities: new Map() };
  const computable = disparities.filter((id) => isFairnessId(id) || (BINARY_METRIC_IDS as readonly string[]).includes(id.replace(/_difference$/, '')));
  if (nGroups > 1) for (const id of computable) out.disparities.set(id, new Float64Array(resamples));
  const random = new Random(seed);
  const drawn = new Float64Array(cells.length);
  const draw = new Float64Array(8);
  const cb = emptyConfusionCounts(nGroups);
  const ca = emptyConfusionCounts(nGroups);
  for (let r = 0; r < resamples; r++) {
    for (let g = 0; g < nGroups; g++) {
      if (sizes[g] === 0) continue;
      sampleMultinomial(random, sizes[g], cells.subarray(8 * g, 8 * g + 8), draw);
      drawn.set(draw, 8 * g);
    }
    confusionFromJoint(drawn, nGroups, 0, cb);
    confusionFromJoint(drawn, nGroups, 1, ca);
    for (const id of countIds) {
      const vb = binaryMetricValues(cb, id);
      const va = binaryMetricValues(ca, id);
      const row = out.metrics.get(id)!;
      for (let g = 0; g < nGroups; g++) row[r * nGroups + g] = va[g] - vb[g];
    }
    if (nGroups > 1) {
      const fb = fairnessMetrics(cb).metrics;
      const fa = fairnessMetrics(ca).metrics;
      for (const id of computable) {
        let vb: number | null;
        let va: number | null;
        if (isFairnessId(id)) {
          vb = fb[id].value;
          va = fa[id].value;
        } else {
          const metric = id.replace(/_difference$/, '');
          vb = spread(binaryMetricValues(cb, metric as BinaryMetricId));
          va = spread(binaryMetricValues(ca, metric as BinaryMetricId));
        }
        out.disparities.get(id)![r] = va === null || vb === null ? NaN : va - vb;
      }
    }
  }
  return out;
}

/** max − min over the defined values, or null. */
function spread(values: Float64Array): number | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return min === Infinity ? null : max - min;
}

function multiclassComparison(table: Table, options: BeforeAfterOptions, s: Settings): MitigationResult {
  if (!('pred' in options.before) || !('pred' in options.after)) throw userError('invalid_option', 'a multiclass comparison takes the predicted classes as columns ({ pred: column }) before and after');
  const prepared = [options.before.pred, options.after.pred].map((pred) => prepare(table, { label: options.label, pred, where: options.where, task: 'multiclass' }));
  const paired = new Uint8Array(table.rowCount);
  let pairedRows = 0;
  for (let i = 0; i < paired.length; i++) {
    paired[i] = prepared[0].usable[i] & prepared[1].usable[i];
    pairedRows += paired[i];
  }
  if (pairedRows === 0) throw userError('no_rows', 'no rows to compare: no row has a label and both the before and the after prediction');
  const pairedTable = table.withColumn(booleanColumn(PAIRED, paired));
  const run = (pred: string) => assess(pairedTable, { label: options.label, pred, task: 'multiclass', sensitive: s.sensitive, where: `${PAIRED} = true`, bootstrap: s.bootstrap, seed: s.seed, confidence: s.confidence, curves: false, maxGroups: s.maxGroups });
  const beforeInsights = run(options.before.pred);
  const afterInsights = run(options.after.pred);
  const classes = (beforeInsights.config?.classes as string[] | undefined) ?? [];
  const metrics = options.metrics ?? ['accuracy', 'balanced_accuracy', ...classes.map((c) => `selection_rate__${c}`)];
  const disparity = options.disparity ?? MAX_SELECTION_DIFFERENCE;
  const disparities = [MAX_SELECTION_DIFFERENCE, ...classes.map((c) => `selection_rate__${c}_difference`)];
  if (!disparities.includes(disparity)) disparities.push(disparity);
  const overall = {
    count: pairedRows,
    metrics: Object.fromEntries(metrics.map((id) => [id, beforeAfter(beforeInsights.overall[id], afterInsights.overall[id], beforeInsights.overallCi?.[id], afterInsights.overallCi?.[id], null)])),
  };
  const groups: MitigationResult['groups'] = [];
  const disparityRows: MitigationResult['disparities'] = [];
  for (const by of s.sensitive) {
    for (const b of beforeInsights.groups.filter((g) => g.by.join('\u0000') === by.join('\u0000'))) {
      const a = findGroup(afterInsights, by, b.key);
      groups.push({ by: [...by], key: b.key, count: b.count, metrics: Object.fromEntries(metrics.map((id) => [id, beforeAfter(b.metrics[id], a?.metrics[id], b.ci[id], a?.ci[id], null)])) });
    }
    for (const id of disparities) {
      const vb = disparityValue(beforeInsights, by, id);
      const va = disparityValue(afterInsights, by, id);
      disparityRows.push({ by: [...by], metric: id, ...beforeAfter(vb.value, va.value, vb.ci, va.ci, null) });
    }
  }
  const accuracy = overall.metrics.accuracy ?? beforeAfter(beforeInsights.overall.accuracy, afterInsights.overall.accuracy, undefined, undefined, null);
  return finish(options, { ...s, bootstrap: 0 }, 'multiclass', beforeInsights, afterInsights, pairedRows, metrics, overall, groups, disparityRows, accuracy, disparity, false);
}

function finish(
  options: BeforeAfterOptions,
  s: Settings,
  task: 'binary' | 'multiclass',
  beforeInsights: Insights,
  afterInsights: Insights,
  rows: number,
  metrics: string[],
  overall: MitigationResult['overall'],
  groups: MitigationResult['groups'],
  disparities: MitigationResult['disparities'],
  accuracy: BeforeAfterValue,
  disparity: string,
  expected: boolean,
): MitigationResult {
  const first = s.sensitive[0];
  const point = (which: 'before' | 'after') => ({ accuracy: accuracy[which], disparity: disparities.find((d) => d.metric === disparity && d.by.join('\u0000') === first.join('\u0000'))?.[which] ?? null });
  const seen = new Set<string>();
  const warnings = [...(beforeInsights.warnings ?? []), ...(afterInsights.warnings ?? [])].filter((w) => {
    const k = `${w.code}\u0000${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const ci = accuracy.delta.interval;
  return {
    name: options.name,
    method: options.method,
    params: options.params ?? {},
    task,
    data: {
      file: options.data?.file ?? null,
      rows,
      split: options.data?.split ?? 'evaluation',
      ...(options.data?.note ? { note: options.data.note } : {}),
      ...(options.where !== undefined && options.where.trim() !== '' ? { where: options.where } : {}),
    },
    expected,
    intervals: { method: s.bootstrap > 0 ? 'paired-bootstrap-percentile' : 'none', resamples: s.bootstrap, seed: s.seed, confidence: s.confidence },
    metrics,
    overall,
    groups,
    disparities,
    accuracyCost: { metric: 'accuracy', before: accuracy.before, after: accuracy.after, cost: accuracy.delta.value === null ? null : -accuracy.delta.value, interval: ci ? [-ci[1], -ci[0]] : null },
    tradeoff: first ? { disparity, by: [...first], before: point('before'), after: point('after') } : null,
    warnings,
  };
}
