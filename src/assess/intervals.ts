import { fairnessMetrics, summarizeGroups } from '../fairness/index.js';
import { binaryMetricIntervals, binaryMetrics, BINARY_METRIC_IDS, type ConfusionCounts, metricInfo, type MetricValue, rankByScore, type ScoreRanking, scoreMetricsByGroup, type ZeroDivision } from '../metrics/index.js';
import { bootstrapCounts, bootstrapRows, percentileInterval, Random } from '../stats/index.js';
import { caseWeights, computeGroups, type GroupComputation, type MetricColumns } from './compute.js';
import type { Prepared } from './prepare.js';

type Interval = [number, number];

/** Confidence intervals for one grouping: per group and metric, for each metric's difference and ratio between groups, and for the fairness summaries. */
export interface GroupIntervals {
  /** Set when the row bootstrap ran on a sample of the rows. */
  rowSample?: RowSample;
  groups: Record<string, Interval>[];
  disparity: Record<string, { difference?: Interval; ratio?: Interval }>;
  fairness: Record<string, Interval>;
}

export interface IntervalSettings {
  /** Row bootstraps run on at most this many rows: above it, a seeded sample (see {@link rowBootstrap}). */
  bootstrapRowLimit: number;
  bootstrap: number;
  seed: number;
  confidence: number;
  zeroDivision: ZeroDivision;
  /** Distinguishes the random streams of groupings and cohorts, so each is reproducible on its own. */
  salt: string;
}

/** FNV-1a of the salt mixed with the seed: an independent, reproducible stream per grouping. */
function streamSeed(seed: number, salt: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Collects per-resample values: metric -> group -> values. */
class Collector {
  readonly values = new Map<string, (number | null)[][]>();
  constructor(
    private readonly nGroups: number,
    private readonly resamples: number,
  ) {}
  add(metric: string, group: number, r: number, v: number | null): void {
    let m = this.values.get(metric);
    if (!m) {
      m = Array.from({ length: this.nGroups }, () => new Array<number | null>(this.resamples).fill(null));
      this.values.set(metric, m);
    }
    m[group][r] = v;
  }
}

const asInterval = (i: { lower: number; upper: number } | null): Interval | undefined => (i ? [i.lower, i.upper] : undefined);

/**
 * Intervals for every metric of every group. With bootstrap, count-based metrics come from
 * multinomial resamples of each group's confusion cells and row-based ones (AUC, losses, regression)
 * from stratified row resamples; differences, ratios and fairness summaries are computed on each
 * resample, so their intervals respect the groups' joint variation. Without bootstrap, Wilson
 * intervals for the proportions.
 */
export function intervalsFor(p: Prepared, codes: Int32Array, nGroups: number, computed: GroupComputation, ranking: ScoreRanking | null, s: IntervalSettings): GroupIntervals {
  const out: GroupIntervals = { groups: Array.from({ length: nGroups }, () => ({})), disparity: {}, fairness: {} };
  const counts = computed.counts;
  if (s.bootstrap === 0) {
    if (counts) {
      for (const id of BINARY_METRIC_IDS) {
        if (!metricInfo(id)?.proportion) continue;
        binaryMetricIntervals(counts, id, { confidence: s.confidence }).forEach((ci, g) => {
          if (ci) out.groups[g][id] = [ci.lower, ci.upper];
        });
      }
    }
    return out;
  }
  const seed = streamSeed(s.seed, s.salt);
  const collector = new Collector(nGroups, s.bootstrap);
  const fairness = new Map<string, (number | null)[]>();
  if (counts) {
    bootstrapCounts(counts, { resamples: s.bootstrap, seed }).forEach((rep, r) => {
      record(collector, binaryMetrics(rep, { zeroDivision: s.zeroDivision }), r);
      if (nGroups > 1) {
        for (const [id, v] of Object.entries(fairnessMetrics(rep, { zeroDivision: s.zeroDivision }).metrics)) {
          let arr = fairness.get(id);
          if (!arr) fairness.set(id, (arr = new Array<number | null>(s.bootstrap).fill(null)));
          arr[r] = v.value;
        }
      }
    });
  }
  // Row resamples for what counts cannot give: score metrics, and every metric of other tasks.
  const needRows = counts ? ranking !== null : true;
  if (needRows) rowBootstrap(p, codes, nGroups, computed, ranking, s, seed ^ 0x5bd1e995, collector, out);
  for (const [metric, perGroup] of collector.values) {
    if (metric === 'count') continue;
    perGroup.forEach((values, g) => {
      const ci = asInterval(percentileInterval(values, { confidence: s.confidence }));
      if (ci && computed.metrics[metric]?.[g]?.value !== null) out.groups[g][metric] = ci;
    });
    if (nGroups > 1) {
      const diffs: (number | null)[] = [];
      const ratios: (number | null)[] = [];
      for (let r = 0; r < s.bootstrap; r++) {
        const summary = summarizeGroups(
          perGroup.map((v) => v[r]),
          null,
        );
        diffs.push(summary.difference);
        ratios.push(summary.ratio);
      }
      out.disparity[metric] = { difference: asInterval(percentileInterval(diffs, { confidence: s.confidence })), ratio: asInterval(percentileInterval(ratios, { confidence: s.confidence })) };
    }
  }
  for (const [id, values] of fairness) {
    const ci = asInterval(percentileInterval(values, { confidence: s.confidence }));
    if (ci) out.fairness[id] = ci;
  }
  return out;
}

function record(collector: Collector, metrics: MetricColumns | Record<string, MetricValue[]>, r: number): void {
  for (const [id, column] of Object.entries(metrics)) {
    for (let g = 0; g < column.length; g++) collector.add(id, g, r, column[g].value);
  }
}

/** Counts are only needed for typing elsewhere. */
export type { ConfusionCounts };

/** Where a row bootstrap ran on a sample of the rows: its size, for the warning in the output. */
export interface RowSample {
  rows: number;
  of: number;
}

/**
 * Row-resampling bootstrap for the metrics that need rows. Its cost is O(rows) per resample, so
 * above `bootstrapRowLimit` rows it runs on a seeded uniform sample of m rows (m-out-of-n
 * bootstrap) and each resampled value v of a group is mapped to θ + (v − θₘ)·√(mₐ/nₐ), where θ is
 * the estimate on all rows, θₘ the estimate on the sample and mₐ/nₐ the group's sampled share: the
 * sample's spread shrunk to the full data's size (Bickel, Götze & van Zwet, 1997). Differences and
 * ratios between groups are computed from the mapped values.
 */
function rowBootstrap(p: Prepared, codes: Int32Array, nGroups: number, computed: GroupComputation, ranking: ScoreRanking | null, s: IntervalSettings, seed: number, collector: Collector, out: GroupIntervals): void {
  const binary = computed.counts !== null;
  let eligible = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) eligible++;
  const sampled = eligible > s.bootstrapRowLimit && !p.frequency;
  let bp = p;
  let bcodes = codes;
  let branking = ranking;
  let factor: Float64Array | null = null;
  let reference: MetricColumns | null = null;
  if (sampled) {
    const random = new Random(seed);
    // Floyd's algorithm over the eligible rows: m distinct positions, then the rows in order.
    const chosen = new Set<number>();
    const m = s.bootstrapRowLimit;
    for (let j = eligible - m; j < eligible; j++) {
      const t = random.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    const rows = new Int32Array(m);
    let k = 0;
    let e = 0;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0) continue;
      if (chosen.has(e)) rows[k++] = i;
      e++;
    }
    bp = subsetPrepared(p, rows);
    bcodes = Int32Array.from(rows, (i) => codes[i]);
    const t = bp.target;
    branking = t.task === 'binary' && t.score && ranking ? rankByScore(t.label, t.score, { weight: caseWeights(bp) }) : null;
    reference = computeGroups(bp, bcodes, nGroups, s.zeroDivision, branking).metrics;
    const full = new Float64Array(nGroups);
    const part = new Float64Array(nGroups);
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) full[codes[i]]++;
    for (let i = 0; i < bcodes.length; i++) part[bcodes[i]]++;
    factor = Float64Array.from(full, (n, g) => (n > 0 ? Math.sqrt(part[g] / n) : 0));
  }
  const base = caseWeights(bp);
  const before = new Set(collector.values.keys());
  bootstrapRows(
    bcodes,
    nGroups,
    (multiplicity, r) => {
      const w = base ? multiplicity.map((m, i) => m * base[i]) : multiplicity;
      if (binary) {
        const sm = scoreMetricsByGroup(branking!, bcodes, nGroups, { weight: w });
        record(collector, { roc_auc: sm.roc_auc, average_precision: sm.average_precision, log_loss: sm.log_loss, brier_score: sm.brier_score }, r);
      } else record(collector, computeGroups(bp, bcodes, nGroups, s.zeroDivision, null, w).metrics, r);
    },
    { resamples: s.bootstrap, seed },
  );
  if (!sampled) return;
  for (const [metric, perGroup] of collector.values) {
    if (before.has(metric)) continue;
    perGroup.forEach((values, g) => {
      const theta = computed.metrics[metric]?.[g]?.value ?? null;
      const thetaM = reference![metric]?.[g]?.value ?? null;
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        values[r] = v === null || theta === null || thetaM === null ? null : theta + (v - thetaM) * factor![g];
      }
    });
  }
  out.rowSample = { rows: s.bootstrapRowLimit, of: eligible };
}

/** The rows at `indices` of a prepared assessment. */
function subsetPrepared(p: Prepared, indices: Int32Array): Prepared {
  const take = <A extends Float64Array | Int32Array | Uint8Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = a[indices[k]];
    return out;
  };
  const t = p.target;
  const target: Prepared['target'] =
    t.task === 'binary'
      ? { ...t, label: take(t.label), pred: take(t.pred), score: t.score ? take(t.score) : null }
      : t.task === 'regression'
        ? { ...t, label: take(t.label), pred: take(t.pred) }
        : { ...t, label: take(t.label), pred: take(t.pred), probabilities: t.probabilities ? t.probabilities.map(take) : null };
  return {
    ...p,
    target,
    usable: new Uint8Array(indices.length).fill(1),
    include: new Uint8Array(indices.length).fill(1),
    weight: p.weight ? take(p.weight) : null,
    frequency: null,
  };
}
