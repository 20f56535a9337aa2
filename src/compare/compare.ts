import { assess, groupRows } from '../assess/index.js';
import { prepare } from '../assess/prepare.js';
import { cohortMask } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { BINARY_METRIC_IDS, type BinaryMetricId, binaryMetricValues } from '../metrics/index.js';
import type { Insights, Warning } from '../report/insights.js';
import { percentileInterval } from '../stats/index.js';
import { booleanColumn, type Table } from '../table/index.js';
import { compatibilityOf, newErrorsMask } from './compatibility.js';
import { pairRows } from './compared-rows.js';
import { jointCounts } from './joint-counts.js';
import type { CompareOptions } from './options.js';
import { pairedBootstrap, streamSeed } from './paired-bootstrap.js';
import { regressionAnalysis } from './regressions.js';
import { pairedScoreBootstrap, SCORE_DELTA_METRICS, type ScoreResamples } from './score-bootstrap.js';
import type { CohortComparison, Comparison, Compatibility, DisparityComparison, GroupComparison, Mark, MetricDelta, NewErrors, ScopeComparison } from './result.js';

/** Count metrics whose differences get paired bootstrap intervals (the raw cells are bookkeeping). */
const DELTA_METRICS = BINARY_METRIC_IDS.filter((id) => !['count', 'tp', 'fp', 'tn', 'fn'].includes(id)) as BinaryMetricId[];
const PAIRED_COLUMN = '__candor_paired';

/** `up`/`down` when the interval excludes 0, `same` when it contains it. */
export function markOf(interval: [number, number] | null): Mark | null {
  if (!interval) return null;
  return interval[0] > 0 ? 'up' : interval[1] < 0 ? 'down' : 'same';
}

interface Settings {
  bootstrap: number;
  seed: number;
  confidence: number;
}

/** Per-resample values of one metric: each candidate's difference per group, and the change of the between-groups difference and ratio. */
interface Resampled {
  /** Resample-major, `delta[r * nGroups + g]`. */
  delta: Float64Array;
  difference: Float64Array | undefined;
  ratio: Float64Array | undefined;
}

/**
 * Compares binary classifiers on the same rows: every model's metrics overall, per cohort and per
 * sensitive group (computed by `assess`), each candidate's difference to the baseline with a paired
 * bootstrap interval and a mark (↑ `up`, ↓ `down`, ≈ `same` when the interval contains 0), the
 * change of the disparities between groups, and backward compatibility (BTC, BEC) with the
 * "new errors" cohort.
 *
 * Only rows with a label and every model's prediction (and score, where given) are compared (a
 * warning says how many were left out), so the models are measured on identical rows. For count
 * metrics the paired bootstrap draws the joint (label, baseline, candidate) cells of each group
 * from a multinomial — exactly the distribution of row resampling, at O(groups) per resample (see
 * {@link pairedBootstrap}). Score metrics (ROC AUC, average precision, log loss, Brier score) need
 * the rows: when both models have a score, the same rows are resampled for both (see
 * {@link pairedScoreBootstrap}; above `bootstrapRowLimit` rows, from a seeded sample, with a
 * warning). With `regressions`, each candidate's new errors are described by the error tree (see
 * {@link regressionAnalysis}).
 * @example
 * const c = compareModels(table, { label: 'y', models: [{ name: 'v1', pred: 'old' }, { name: 'v2', pred: 'new' }], cohorts });
 * c.overall.deltas.v2.accuracy // { value: 0.012, interval: [0.004, 0.02], mark: 'up' }
 */
export function compareModels(table: Table, options: CompareOptions): Comparison {
  const { label, models, sensitive = [], cohorts = [], where, positive, bootstrap = 1000, seed = 0, confidence = 0.95, maxGroups = 1000, bootstrapRowLimit = 200_000 } = options;
  if (models.length === 0) throw userError('missing_option', 'no models to compare: give at least one (--pred NAME=COL)');
  const names = models.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw userError('invalid_option', `model name used twice: ${JSON.stringify(duplicate)}`);
  const baseline = options.baseline ?? names[0];
  if (!names.includes(baseline)) throw userError('invalid_option', `unknown baseline: ${JSON.stringify(baseline)} (models are ${names.join(', ')})`);
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw userError('invalid_option', `invalid bootstrap: ${bootstrap} (expected a whole number >= 0)`);
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected a whole number)`);
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_option', `invalid confidence: ${confidence} (expected 0 < confidence < 1)`);
  if (!(Number.isInteger(bootstrapRowLimit) && bootstrapRowLimit >= 100)) throw userError('invalid_option', `invalid bootstrapRowLimit: ${bootstrapRowLimit} (expected a whole number >= 100)`);
  const s: Settings = { bootstrap, seed, confidence };

  const prepared = models.map((m) => prepare(table, { label, pred: m.pred, score: m.score, where, positive }));
  prepared.forEach((p, k) => {
    if (p.target.task !== 'binary') throw userError('unsupported_task', `compare handles binary classifiers for now; model ${JSON.stringify(models[k].name)} gives a ${p.target.task} task`);
  });
  const warnings: Warning[] = [...prepared[0].warnings.filter((w) => w.code !== 'dropped_rows')];
  const n = table.rowCount;
  const { paired, count: pairedRows, dropped } = pairRows(prepared, n);
  if (pairedRows === 0) throw userError('no_rows', 'no rows to compare: no row has a label and every model\'s prediction');
  if (dropped > 0) warnings.push({ code: 'dropped_rows', count: prepared[0].rows - pairedRows, message: `${prepared[0].rows - pairedRows} of ${prepared[0].rows} rows left out: they lack a label or some model's prediction` });

  // Every model is assessed on exactly the paired rows.
  const pairedTable = table.withColumn(booleanColumn(PAIRED_COLUMN, paired));
  const insights = new Map<string, Insights>();
  for (const m of models) {
    insights.set(m.name, assess(pairedTable, { label, pred: m.pred, score: m.score, positive, where: `${PAIRED_COLUMN} = true`, sensitive, cohorts, bootstrap: 0, curves: false, maxGroups }));
  }
  const base = prepared[names.indexOf(baseline)].target as { label: Uint8Array; pred: Uint8Array };
  const scoreOf = (name: string) => (prepared[names.indexOf(name)].target as { score: Float64Array | null }).score;
  const baseScore = scoreOf(baseline);
  const candidates = models.filter((m) => m.name !== baseline).map((m) => ({ name: m.name, pred: (prepared[names.indexOf(m.name)].target as { pred: Uint8Array }).pred, score: scoreOf(m.name) }));
  const compatibility: Compatibility[] = [];
  // Disparities are compared for the count metrics, and for the score metrics when a model has a score.
  const disparityMetrics: string[] = [...DELTA_METRICS, ...(models.some((m) => m.score !== undefined) ? SCORE_DELTA_METRICS : [])];
  let sampled: { rows: number; of: number } | null = null;

  const scope = (codes: Int32Array, nGroups: number, salt: string, metricsOf: (ins: Insights, g: number) => Record<string, number | null>, counts: Float64Array, where: (g: number) => { cohort: string | null; group: Record<string, string> | null }) => {
    const out: ScopeComparison[] = Array.from({ length: nGroups }, (_, g) => ({ count: counts[g], metrics: Object.fromEntries(models.map((m) => [m.name, metricsOf(insights.get(m.name)!, g)])), deltas: {} }));
    const disparity: Record<string, Record<string, { difference: MetricDelta; ratio: MetricDelta }>> = Object.fromEntries(disparityMetrics.map((id) => [id, {}]));
    for (const c of candidates) {
      const cells = jointCounts(codes, nGroups, base.label, base.pred, c.pred);
      const resampled = new Map<string, Resampled>();
      let boot: Collected | null = null;
      if (s.bootstrap > 0) {
        boot = collect(cells, nGroups, s, streamSeed(seed, `${c.name}\u0000${salt}`));
        DELTA_METRICS.forEach((id, k) => resampled.set(id, { delta: boot!.deltas[k], difference: boot!.difference[k], ratio: boot!.ratio[k] }));
        if (baseScore && c.score) {
          const scores = pairedScoreBootstrap(base.label, baseScore, c.score, codes, nGroups, { resamples: s.bootstrap, seed: streamSeed(seed, `${c.name}\u0000${salt}\u0000score`), rowLimit: bootstrapRowLimit });
          if (scores.sample && (!sampled || scores.sample.of > sampled.of)) sampled = scores.sample;
          SCORE_DELTA_METRICS.forEach((id, k) => resampled.set(id, scoreResampled(scores, k, nGroups, s.bootstrap)));
        }
      }
      for (let g = 0; g < nGroups; g++) {
        const a = out[g].metrics[baseline];
        const b = out[g].metrics[c.name];
        const deltas: Record<string, MetricDelta> = {};
        for (const id of Object.keys(b)) {
          const value = a[id] === null || a[id] === undefined || b[id] === null ? null : b[id]! - a[id]!;
          const samples = resampled.get(id);
          const interval = samples && value !== null ? intervalOf(samples.delta, g, nGroups, s) : null;
          deltas[id] = { value, interval, mark: markOf(interval) };
        }
        out[g].deltas[c.name] = deltas;
        const compat = compatibilityOf(cells, g);
        compatibility.push({
          baseline,
          model: c.name,
          ...where(g),
          btc: compat.btc,
          bec: compat.bec,
          btcInterval: boot ? intervalOf(boot.btc, g, nGroups, s) : null,
          becInterval: boot ? intervalOf(boot.bec, g, nGroups, s) : null,
          newErrors: compat.newErrors,
          count: compat.n,
        });
      }
      if (nGroups > 1) {
        for (const id of disparityMetrics) {
          const pa = between(out.map((r) => r.metrics[baseline][id] ?? null));
          const pb = between(out.map((r) => r.metrics[c.name][id] ?? null));
          const samples = resampled.get(id);
          const delta = (x: number | null, y: number | null, draws: Float64Array | undefined): MetricDelta => {
            const value = x === null || y === null ? null : y - x;
            const interval = draws && value !== null ? intervalOf(draws, 0, 1, s) : null;
            return { value, interval, mark: markOf(interval) };
          };
          disparity[id][c.name] = { difference: delta(pa.difference, pb.difference, samples?.difference), ratio: delta(pa.ratio, pb.ratio, samples?.ratio) };
        }
      }
    }
    return { out, disparity };
  };

  const overallCodes = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (paired[i]) overallCodes[i] = 0;
  const overall = scope(overallCodes, 1, 'overall', (ins) => ins.overall, Float64Array.of(pairedRows), () => ({ cohort: null, group: null })).out[0];

  const cohortResults: CohortComparison[] = cohorts.map((cohort) => {
    const mask = cohortMask(cohort, table);
    const codes = new Int32Array(n).fill(-1);
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (paired[i] && mask.get(i)) {
        codes[i] = 0;
        count++;
      }
    }
    const metricsOf = (ins: Insights) => ins.cohorts.find((c) => c.name === cohort.name)?.metrics ?? {};
    const r = scope(codes, 1, `cohort:${cohort.name}`, metricsOf, Float64Array.of(count), () => ({ cohort: cohort.name, group: null })).out[0];
    return { name: cohort.name, expression: cohort.expression, ...r };
  });

  const groups: GroupComparison[] = [];
  const disparities: DisparityComparison[] = [];
  for (const by of sensitive) {
    const grouping = groupRows(table, by, paired, maxGroups);
    const metricsOf = (ins: Insights, g: number) => {
      const key = JSON.stringify(grouping.keys[g]);
      return ins.groups.find((x) => x.by.join(',') === by.join(',') && JSON.stringify(x.key) === key)?.metrics ?? {};
    };
    const { out, disparity } = scope(grouping.codes, grouping.keys.length, `by:${by.join(',')}`, metricsOf, grouping.sizes, (g) => ({ cohort: null, group: grouping.keys[g] }));
    out.forEach((r, g) => groups.push({ by: [...by], key: grouping.keys[g], ...r }));
    for (const id of disparityMetrics) {
      const values: DisparityComparison['values'] = {};
      for (const m of models) values[m.name] = between(out.map((r) => r.metrics[m.name][id] ?? null));
      disparities.push({ by: [...by], metric: id, values, deltas: disparity[id] });
    }
  }

  const newErrors: NewErrors[] = candidates.map((c) => ({ baseline, model: c.name, ...newErrorsMask(base.label, base.pred, c.pred, paired) }));
  const sample = sampled as { rows: number; of: number } | null;
  if (sample) {
    warnings.push({
      code: 'bootstrap_sample',
      count: sample.rows,
      message: `intervals of the score-metric differences (ROC AUC, average precision, log loss, Brier score) come from a paired bootstrap over a seeded sample of ${sample.rows.toLocaleString('en-US')} of ${sample.of.toLocaleString('en-US')} rows (seed ${seed}), scaled by √(sample share) per group; raise bootstrapRowLimit for exact row resampling`,
    });
  }
  const regressionOptions = options.regressions === true ? {} : options.regressions || null;
  const specs = [label, ...models.flatMap((m) => (m.score === undefined ? [m.pred] : [m.pred, m.score]))];
  const regressions = regressionOptions
    ? candidates.map((c) => regressionAnalysis(table, { baseline, model: c.name, label: base.label, basePred: base.pred, candidatePred: c.pred, include: paired, where, specs, confidence }, regressionOptions))
    : undefined;
  return {
    schemaVersion: 1,
    models: models.map((m) => ({ name: m.name, pred: m.pred, score: m.score ?? null })),
    baseline,
    rows: pairedRows,
    config: { label, sensitive, where: where ?? null, bootstrap, seed, confidence, intervals: bootstrap > 0 ? 'paired-bootstrap-percentile' : 'none' },
    overall,
    cohorts: cohortResults,
    groups,
    disparities,
    compatibility,
    newErrors,
    ...(regressions ? { regressions } : {}),
    warnings,
  };
}

/** Fairlearn's between-groups difference (max − min) and ratio (min / max) over the defined values. */
function between(values: ArrayLike<number | null>): { difference: number | null; ratio: number | null } {
  let min = Infinity;
  let max = -Infinity;
  for (let g = 0; g < values.length; g++) {
    const v = values[g];
    if (v === null || Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { difference: null, ratio: null };
  return { difference: max - min, ratio: max === 0 ? null : min / max };
}

interface Collected {
  /** Per delta metric: resample-major differences, `deltas[k][r * nGroups + g]`. */
  deltas: Float64Array[];
  btc: Float64Array;
  bec: Float64Array;
  /** Per delta metric: change of the between-groups difference / ratio per resample. */
  difference: Float64Array[];
  ratio: Float64Array[];
}

function collect(cells: Float64Array, nGroups: number, s: Settings, seed: number): Collected {
  const R = s.bootstrap;
  const c: Collected = {
    deltas: DELTA_METRICS.map(() => new Float64Array(R * nGroups)),
    btc: new Float64Array(R * nGroups),
    bec: new Float64Array(R * nGroups),
    difference: DELTA_METRICS.map(() => new Float64Array(R)),
    ratio: DELTA_METRICS.map(() => new Float64Array(R)),
  };
  pairedBootstrap(cells, nGroups, R, seed, (a, b, drawn, r) => {
    DELTA_METRICS.forEach((id, k) => {
      const va = binaryMetricValues(a, id);
      const vb = binaryMetricValues(b, id);
      const row = c.deltas[k];
      for (let g = 0; g < nGroups; g++) row[r * nGroups + g] = vb[g] - va[g];
      if (nGroups > 1) {
        const da = between(va);
        const db = between(vb);
        c.difference[k][r] = da.difference === null || db.difference === null ? NaN : db.difference - da.difference;
        c.ratio[k][r] = da.ratio === null || db.ratio === null ? NaN : db.ratio - da.ratio;
      }
    });
    for (let g = 0; g < nGroups; g++) {
      const compat = compatibilityOf(drawn, g);
      c.btc[r * nGroups + g] = compat.btc ?? NaN;
      c.bec[r * nGroups + g] = compat.bec ?? NaN;
    }
  });
  return c;
}

/** A score metric's per-resample candidate − baseline differences, and the change of its between-groups difference and ratio. */
function scoreResampled(scores: ScoreResamples, k: number, nGroups: number, resamples: number): Resampled {
  const a = scores.a[k];
  const b = scores.b[k];
  const delta = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) delta[j] = b[j] - a[j];
  if (nGroups < 2) return { delta, difference: undefined, ratio: undefined };
  const difference = new Float64Array(resamples);
  const ratio = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const da = between(a.subarray(r * nGroups, (r + 1) * nGroups));
    const db = between(b.subarray(r * nGroups, (r + 1) * nGroups));
    difference[r] = da.difference === null || db.difference === null ? NaN : db.difference - da.difference;
    ratio[r] = da.ratio === null || db.ratio === null ? NaN : db.ratio - da.ratio;
  }
  return { delta, difference, ratio };
}

/** Percentile interval of group g's resamples (stored resample-major). */
function intervalOf(samples: Float64Array, g: number, nGroups: number, s: Settings): [number, number] | null {
  const values = new Float64Array(s.bootstrap);
  for (let r = 0; r < s.bootstrap; r++) values[r] = samples[r * nGroups + g];
  const i = percentileInterval(values, { confidence: s.confidence });
  return i ? [i.lower, i.upper] : null;
}
