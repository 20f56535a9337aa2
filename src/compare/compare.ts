import { assess, groupRows } from '../assess/index.js';
import { prepare } from '../assess/prepare.js';
import { cohortMask } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { BINARY_METRIC_IDS, type BinaryMetricId, binaryMetricValues } from '../metrics/index.js';
import type { Insights, Warning } from '../report/insights.js';
import { percentileInterval } from '../stats/index.js';
import { booleanColumn, type Table } from '../table/index.js';
import { compatibilityOf, newErrorsMask } from './compatibility.js';
import { jointCounts } from './joint-counts.js';
import type { CompareOptions } from './options.js';
import { pairedBootstrap, streamSeed } from './paired-bootstrap.js';
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

/**
 * Compares binary classifiers on the same rows: every model's metrics overall, per cohort and per
 * sensitive group (computed by `assess`), each candidate's difference to the baseline with a paired
 * bootstrap interval and a mark (↑ `up`, ↓ `down`, ≈ `same` when the interval contains 0), the
 * change of the disparities between groups, and backward compatibility (BTC, BEC) with the
 * "new errors" cohort.
 *
 * Only rows with a label and every model's prediction are compared (a warning says how many were
 * left out), so the models are measured on identical rows. The paired bootstrap draws the joint
 * (label, baseline, candidate) cells of each group from a multinomial — exactly the distribution
 * of row resampling, at O(groups) per resample (see {@link pairedBootstrap}); score metrics
 * (ROC AUC…) get point differences only.
 * @example
 * const c = compareModels(table, { label: 'y', models: [{ name: 'v1', pred: 'old' }, { name: 'v2', pred: 'new' }], cohorts });
 * c.overall.deltas.v2.accuracy // { value: 0.012, interval: [0.004, 0.02], mark: 'up' }
 */
export function compareModels(table: Table, options: CompareOptions): Comparison {
  const { label, models, sensitive = [], cohorts = [], where, positive, bootstrap = 1000, seed = 0, confidence = 0.95, maxGroups = 1000 } = options;
  if (models.length === 0) throw userError('missing_option', 'no models to compare: give at least one (--pred NAME=COL)');
  const names = models.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw userError('invalid_option', `model name used twice: ${JSON.stringify(duplicate)}`);
  const baseline = options.baseline ?? names[0];
  if (!names.includes(baseline)) throw userError('invalid_option', `unknown baseline: ${JSON.stringify(baseline)} (models are ${names.join(', ')})`);
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) throw userError('invalid_option', `invalid bootstrap: ${bootstrap} (expected a whole number >= 0)`);
  if (!Number.isInteger(seed)) throw userError('invalid_option', `invalid seed: ${seed} (expected a whole number)`);
  if (!(confidence > 0 && confidence < 1)) throw userError('invalid_option', `invalid confidence: ${confidence} (expected 0 < confidence < 1)`);
  const s: Settings = { bootstrap, seed, confidence };

  const prepared = models.map((m) => prepare(table, { label, pred: m.pred, score: m.score, where, positive }));
  prepared.forEach((p, k) => {
    if (p.target.task !== 'binary') throw userError('unsupported_task', `compare handles binary classifiers for now; model ${JSON.stringify(models[k].name)} gives a ${p.target.task} task`);
  });
  const warnings: Warning[] = [...prepared[0].warnings.filter((w) => w.code !== 'dropped_rows')];
  const n = table.rowCount;
  const paired = new Uint8Array(n);
  let pairedRows = 0;
  let anyDropped = false;
  for (let i = 0; i < n; i++) {
    let ok = 1;
    for (const p of prepared) ok &= p.usable[i];
    paired[i] = ok;
    pairedRows += ok;
    if (!ok && prepared[0].include[i]) anyDropped = true;
  }
  if (pairedRows === 0) throw userError('no_rows', 'no rows to compare: no row has a label and every model\'s prediction');
  if (anyDropped) warnings.push({ code: 'dropped_rows', count: prepared[0].rows - pairedRows, message: `${prepared[0].rows - pairedRows} of ${prepared[0].rows} rows left out: they lack a label or some model's prediction` });

  // Every model is assessed on exactly the paired rows.
  const pairedTable = table.withColumn(booleanColumn(PAIRED_COLUMN, paired));
  const insights = new Map<string, Insights>();
  for (const m of models) {
    insights.set(m.name, assess(pairedTable, { label, pred: m.pred, score: m.score, positive, where: `${PAIRED_COLUMN} = true`, sensitive, cohorts, bootstrap: 0, curves: false, maxGroups }));
  }
  const base = prepared[names.indexOf(baseline)].target as { label: Uint8Array; pred: Uint8Array };
  const candidates = models.filter((m) => m.name !== baseline).map((m) => ({ name: m.name, pred: (prepared[names.indexOf(m.name)].target as { pred: Uint8Array }).pred }));
  const compatibility: Compatibility[] = [];

  const scope = (codes: Int32Array, nGroups: number, salt: string, metricsOf: (ins: Insights, g: number) => Record<string, number | null>, counts: Float64Array, where: (g: number) => { cohort: string | null; group: Record<string, string> | null }) => {
    const out: ScopeComparison[] = Array.from({ length: nGroups }, (_, g) => ({ count: counts[g], metrics: Object.fromEntries(models.map((m) => [m.name, metricsOf(insights.get(m.name)!, g)])), deltas: {} }));
    const disparity: Record<string, { difference: MetricDelta; ratio: MetricDelta }>[] = DELTA_METRICS.map(() => ({}));
    for (const c of candidates) {
      const cells = jointCounts(codes, nGroups, base.label, base.pred, c.pred);
      const boot = s.bootstrap > 0 ? collect(cells, nGroups, s, streamSeed(seed, `${c.name}\u0000${salt}`)) : null;
      for (let g = 0; g < nGroups; g++) {
        const a = out[g].metrics[baseline];
        const b = out[g].metrics[c.name];
        const deltas: Record<string, MetricDelta> = {};
        for (const id of Object.keys(b)) {
          const k = DELTA_METRICS.indexOf(id as BinaryMetricId);
          const value = a[id] === null || a[id] === undefined || b[id] === null ? null : b[id]! - a[id]!;
          const interval = boot && k >= 0 && value !== null ? intervalOf(boot.deltas[k], g, nGroups, s) : null;
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
        DELTA_METRICS.forEach((id, k) => {
          const pa = between(out.map((r) => r.metrics[baseline][id] ?? null));
          const pb = between(out.map((r) => r.metrics[c.name][id] ?? null));
          const delta = (x: number | null, y: number | null, samples: Float64Array | undefined): MetricDelta => {
            const value = x === null || y === null ? null : y - x;
            const interval = samples && value !== null ? intervalOf(samples, 0, 1, s) : null;
            return { value, interval, mark: markOf(interval) };
          };
          disparity[k][c.name] = { difference: delta(pa.difference, pb.difference, boot?.difference[k]), ratio: delta(pa.ratio, pb.ratio, boot?.ratio[k]) };
        });
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
    DELTA_METRICS.forEach((id, k) => {
      const values: DisparityComparison['values'] = {};
      for (const m of models) values[m.name] = between(out.map((r) => r.metrics[m.name][id] ?? null));
      disparities.push({ by: [...by], metric: id, values, deltas: disparity[k] });
    });
  }

  const newErrors: NewErrors[] = candidates.map((c) => ({ baseline, model: c.name, ...newErrorsMask(base.label, base.pred, c.pred, paired) }));
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

/** Percentile interval of group g's resamples (stored resample-major). */
function intervalOf(samples: Float64Array, g: number, nGroups: number, s: Settings): [number, number] | null {
  const values = new Float64Array(s.bootstrap);
  for (let r = 0; r < s.bootstrap; r++) values[r] = samples[r * nGroups + g];
  const i = percentileInterval(values, { confidence: s.confidence });
  return i ? [i.lower, i.upper] : null;
}
