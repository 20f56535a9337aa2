import { fairnessMetrics, summarizeGroups } from '../fairness/index.js';
import { binaryMetricIntervals, binaryMetrics, BINARY_METRIC_IDS, type ConfusionCounts, metricInfo, type MetricValue, type ScoreRanking, scoreMetricsByGroup, type ZeroDivision } from '../metrics/index.js';
import { bootstrapCounts, bootstrapRows, percentileInterval } from '../stats/index.js';
import { caseWeights, computeGroups, type GroupComputation, type MetricColumns } from './compute.js';
import type { Prepared } from './prepare.js';

type Interval = [number, number];

/** Confidence intervals for one grouping: per group and metric, for each metric's difference and ratio between groups, and for the fairness summaries. */
export interface GroupIntervals {
  groups: Record<string, Interval>[];
  disparity: Record<string, { difference?: Interval; ratio?: Interval }>;
  fairness: Record<string, Interval>;
}

export interface IntervalSettings {
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
  if (needRows) {
    const base = caseWeights(p);
    bootstrapRows(
      codes,
      nGroups,
      (multiplicity, r) => {
        const w = base ? multiplicity.map((m, i) => m * base[i]) : multiplicity;
        if (counts) {
          const sm = scoreMetricsByGroup(ranking!, codes, nGroups, { weight: w });
          record(collector, { roc_auc: sm.roc_auc, average_precision: sm.average_precision, log_loss: sm.log_loss, brier_score: sm.brier_score }, r);
        } else record(collector, computeGroups(p, codes, nGroups, s.zeroDivision, null, w).metrics, r);
      },
      { resamples: s.bootstrap, seed: seed ^ 0x5bd1e995 },
    );
  }
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
