import {
  assess,
  binaryMetricIntervals,
  binaryMetrics,
  BINARY_METRIC_IDS,
  type Bitset,
  confusionByGroup,
  type ConfusionCounts,
  disparityByReference,
  errorHeatMap,
  errorTree,
  evaluateMask,
  exprToString,
  fairnessMetrics,
  isUserError,
  metricInfo,
  type MetricValue,
  parseExpression,
  rankByScore,
  type ScoreRanking,
  summarizeGroups,
  type Table,
  userError,
  valueAt,
  type Insights,
} from '../../../src/index.js';
import type { Manifest } from '../../../src/dashboard/protocol.js';
import { decodeDataContainer } from '../../../src/dashboard/data-container.js';
import { CohortIndex, GroupingLayout, type RankedGrouping } from './cohort-index.js';
import { quoteName } from './expr-text.js';
import { encodeGrouping, groupingKey, type Grouping } from './groupings.js';
import { andAll, assessOptionsFor, type Settings, settingsOf } from './settings.js';
import { binaryTarget, type BinaryTarget } from './target.js';
import type {
  Assessment,
  Confusion,
  ErrorTreeResult,
  Fairness,
  FairnessGrouping,
  GroupingBlock,
  HeatMapResult,
  Interval,
  MetricsBlock,
  Overview,
  ScoreHistogram,
  ThresholdCurve,
  Validation,
} from './types.js';

const DISPARITY_METRICS = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'false_negative_rate', 'precision', 'accuracy'] as const;

/** A cohort expression's rows; `null` means every row. */
interface CohortState {
  key: string;
  groupingKeys: string;
  mask: Bitset | null;
  matched: number;
  index: CohortIndex | null;
  /** Threshold-free results, computed once per cohort. */
  score: Map<number, Record<string, MetricValue[]>>;
  histogram: ScoreHistogram | null;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function picked(metrics: Record<string, MetricValue[]>, g: number): { values: Record<string, number | null>; reasons: Record<string, string> } {
  const values: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  for (const [id, column] of Object.entries(metrics)) {
    const v = column[g];
    values[id] = v.value;
    if (v.value === null && v.reason) reasons[id] = v.reason;
  }
  return { values, reasons };
}

/**
 * Everything the dashboard computes from the data, on one decoded table: run in a Web Worker (or on
 * the main thread when none can start). Every result goes through the core's own functions
 * (`assess`, the cohort evaluator, the metrics, fairness and error analysis), so the page reports
 * what `candor assess --where` reports; the fast path for a binary task with a score only changes
 * *how* the confusion counts are found (a threshold is a binary search over the cohort's rows
 * sorted once by score), not the formulas.
 */
export class Engine {
  readonly settings: Settings;
  private readonly groupings = new Map<string, { grouping: Grouping; ranked: RankedGrouping | null }>();
  private readonly masks = new Map<string, { mask: Bitset | null; matched: number }>();
  private readonly layouts = new Map<string, GroupingLayout>();
  private resolved: { target: BinaryTarget | null; ranking: ScoreRanking | null; overall: RankedGrouping | null } | null = null;
  private state: CohortState | null = null;
  private predictions: { threshold: number; values: Uint8Array } | null = null;
  readonly timings: Record<string, number> = {};

  constructor(
    readonly manifest: Manifest,
    readonly table: Table,
  ) {
    this.settings = settingsOf(manifest);
  }

  /**
   * The binary target and the one score ranking every cohort reuses, resolved on first use (a
   * worker that only grows error trees never pays for the sort).
   */
  private resolve(): { target: BinaryTarget | null; ranking: ScoreRanking | null; overall: RankedGrouping | null } {
    if (this.resolved) return this.resolved;
    const t0 = now();
    const target = this.manifest.task === 'binary' ? binaryTarget(this.table, this.settings) : null;
    this.timings.target = now() - t0;
    let ranking: ScoreRanking | null = null;
    let overall: RankedGrouping | null = null;
    if (target?.score) {
      const t1 = now();
      // The label with rows outside the analysis marked missing, so the one ranking holds exactly the analysed rows.
      const label = new Uint8Array(target.label.length);
      for (let i = 0; i < label.length; i++) label[i] = target.usable[i] ? target.label[i] : 255;
      ranking = rankByScore(label, target.score, target.weight ? { weight: target.weight } : {});
      overall = { nGroups: 1, rankedCodes: new Int32Array(ranking.size), sizes: Float64Array.of(ranking.size) };
      this.timings.rank = now() - t1;
    }
    this.resolved = { target, ranking, overall };
    return this.resolved;
  }

  /** The binary task resolved per row (null for multiclass and regression). */
  get target(): BinaryTarget | null {
    return this.resolve().target;
  }

  /** Analysed rows sorted by descending score (binary task with a score), or null. */
  get ranking(): ScoreRanking | null {
    return this.resolve().ranking;
  }

  private get overallRanked(): RankedGrouping | null {
    return this.resolve().overall;
  }

  /** Decodes `GET /api/data`'s container (see `src/dashboard/data-container.ts`). */
  static fromBytes(manifest: Manifest, bytes: Uint8Array): Engine {
    return new Engine(manifest, decodeDataContainer(bytes));
  }

  /** Whether the fast threshold path applies (binary task with a score). */
  get hasScore(): boolean {
    return this.settings.score !== null;
  }

  // ---------------------------------------------------------------- cohorts

  /** The rows of a cohort expression (cached); '' is every row. */
  cohortMask(expression: string): { mask: Bitset | null; matched: number } {
    const key = expression.trim();
    const hit = this.masks.get(key);
    if (hit) {
      this.masks.delete(key);
      this.masks.set(key, hit);
      return hit;
    }
    let entry: { mask: Bitset | null; matched: number };
    if (key === '' || key === 'true') entry = { mask: null, matched: this.table.rowCount };
    else {
      // Parsed as given, so an error's position counts the caller's characters.
      const mask = evaluateMask(parseExpression(expression), this.table);
      entry = { mask, matched: mask.count() };
    }
    this.masks.set(key, entry);
    // A mask is one bit per row (125 kB per million rows): keeping dozens costs little and makes revisits instant.
    while (this.masks.size > 64) this.masks.delete(this.masks.keys().next().value as string);
    return entry;
  }

  /** Checks an expression: its canonical text and row count, or the parser's message and position. */
  validate(expression: string): Validation {
    const text = expression.trim();
    if (text === '') return { ok: true, normalized: '', count: this.table.rowCount };
    try {
      // The text as typed (leading spaces included), so positions point into what the user sees.
      const normalized = exprToString(parseExpression(expression));
      const { matched } = this.cohortMask(expression);
      return { ok: true, normalized, count: matched };
    } catch (e) {
      if (!isUserError(e)) throw e;
      const position = typeof e.details.position === 'number' ? e.details.position : undefined;
      return { ok: false, message: e.message, ...(position !== undefined ? { position } : {}) };
    }
  }

  private grouping(by: readonly string[]): { grouping: Grouping; ranked: RankedGrouping | null } {
    const key = groupingKey(by);
    let entry = this.groupings.get(key);
    if (!entry) {
      const usable = this.target ? this.target.usable : new Uint8Array(this.table.rowCount).fill(1);
      const grouping = encodeGrouping(this.table, by, usable);
      let ranked: RankedGrouping | null = null;
      if (this.ranking) {
        const { order, size } = this.ranking;
        const rankedCodes = new Int32Array(size);
        for (let j = 0; j < size; j++) rankedCodes[j] = grouping.codes[order[j]];
        ranked = { nGroups: grouping.keys.length, rankedCodes, sizes: grouping.sizes };
      }
      entry = { grouping, ranked };
      this.groupings.set(key, entry);
    }
    return entry;
  }

  /** The slot layout of the overall rows and `groupings` (its buffers take ~12 bytes per row per grouping: two are kept). */
  private layoutFor(key: string, groupings: readonly string[][]): GroupingLayout {
    let layout = this.layouts.get(key);
    if (!layout) {
      layout = new GroupingLayout(this.ranking!, [this.overallRanked!, ...groupings.map((by) => this.grouping(by).ranked!)]);
      this.layouts.set(key, layout);
      while (this.layouts.size > 2) this.layouts.delete(this.layouts.keys().next().value as string);
    }
    return layout;
  }

  /** The cohort's state (mask, per-group score-ordered index), rebuilt only when the cohort or groupings change. */
  private cohortState(expression: string, groupings: readonly string[][]): CohortState {
    const key = expression.trim();
    const groupingKeys = groupings.map(groupingKey).join(';');
    this.timings.mask = 0;
    this.timings.index = 0;
    if (this.state && this.state.key === key && this.state.groupingKeys === groupingKeys) return this.state;
    const t0 = now();
    const { mask, matched } = this.cohortMask(key);
    this.timings.mask = now() - t0;
    let index: CohortIndex | null = null;
    if (this.ranking) {
      const t1 = now();
      index = new CohortIndex(this.layoutFor(groupingKeys, groupings), mask);
      this.timings.index = now() - t1;
    }
    this.state = { key, groupingKeys, mask, matched, index, score: new Map(), histogram: null };
    return this.state;
  }

  /** Group codes per row of grouping `k` (0 = overall) restricted to the cohort's analysed rows. */
  private cohortCodes(state: CohortState, groupings: readonly string[][], k: number): { codes: Int32Array; nGroups: number } {
    const usable = this.target!.usable;
    const n = this.table.rowCount;
    const codes = new Int32Array(n).fill(-1);
    const words = state.mask?.words ?? null;
    const source = k === 0 ? null : this.grouping(groupings[k - 1]).grouping;
    for (let i = 0; i < n; i++) {
      if (!usable[i]) continue;
      if (words && ((words[i >>> 5] >>> (i & 31)) & 1) === 0) continue;
      codes[i] = source ? source.codes[i] : 0;
    }
    return { codes, nGroups: source ? source.keys.length : 1 };
  }

  /** Confusion counts of grouping k (0 = overall) in the cohort at threshold t. */
  private counts(state: CohortState, groupings: readonly string[][], k: number, t: number): ConfusionCounts {
    if (state.index) return state.index.countsAt(k, t);
    const { codes, nGroups } = this.cohortCodes(state, groupings, k);
    const target = this.target!;
    return confusionByGroup(codes, nGroups, target.label, target.pred!, target.weight ?? undefined);
  }

  /** Threshold-free score metrics of grouping k in the cohort, cached. */
  private scoreMetrics(state: CohortState, groupings: readonly string[][], k: number): Record<string, MetricValue[]> | null {
    if (!this.ranking) return null;
    let hit = state.score.get(k);
    if (!hit) {
      hit = state.index!.scoreMetrics(k);
      state.score.set(k, hit);
    }
    return hit;
  }

  // ---------------------------------------------------------------- overview

  /**
   * Metrics of the cohort and of each group of each sensitive grouping at a threshold, with Wilson
   * intervals for the proportions, the confusion matrix, the score distribution and the metrics
   * across thresholds. After the first call for a cohort, a new threshold costs a few binary searches.
   */
  overview(params: { cohort: string; threshold: number | null; groupings?: string[][] }): Overview {
    const t0 = now();
    const groupings = params.groupings ?? this.settings.sensitive;
    if (!this.target) return this.overviewByAssess(params.cohort, groupings, t0);
    const threshold = this.hasScore ? (params.threshold ?? this.settings.threshold) : null;
    const state = this.cohortState(params.cohort, groupings);
    const tBuilt = now();
    const zeroDivision = this.settings.zeroDivision;
    const blocks: MetricsBlock[][] = [];
    const countsList: ConfusionCounts[] = [];
    for (let k = 0; k <= groupings.length; k++) {
      const counts = this.counts(state, groupings, k, threshold ?? 0);
      countsList.push(counts);
      const metrics: Record<string, MetricValue[]> = { ...binaryMetrics(counts, { zeroDivision }) };
      const score = this.scoreMetrics(state, groupings, k);
      if (score) Object.assign(metrics, score);
      const ci = wilson(counts, this.settings.confidence);
      const out: MetricsBlock[] = [];
      for (let g = 0; g < counts.nGroups; g++) {
        const p = picked(metrics, g);
        out.push({ count: counts.n[g], metrics: p.values, reasons: p.reasons, ci: ci[g] });
      }
      blocks.push(out);
    }
    const tCounts = now();
    const overallCounts = countsList[0];
    const confusion: Confusion = { tp: overallCounts.tp[0], fp: overallCounts.fp[0], tn: overallCounts.tn[0], fn: overallCounts.fn[0] };
    const groupingBlocks: GroupingBlock[] = groupings.map((by, k) => {
      const { grouping } = this.grouping(by);
      const groups = blocks[k + 1]
        .map((b, g) => ({ ...b, key: grouping.keys[g], label: grouping.labels[g] }))
        .filter((b) => b.count > 0);
      return { by: [...by], groups };
    });
    const warnings: string[] = [];
    if (overallCounts.n[0] === 0) warnings.push(state.matched === 0 ? 'No rows match this cohort.' : 'None of the rows matching this cohort has a label and a prediction.');
    for (const gb of groupingBlocks) {
      for (const g of gb.groups) if (g.count < this.settings.minGroupSize) warnings.push(`${gb.by.join(' × ')} = ${g.label} has ${g.count} rows (under ${this.settings.minGroupSize}): its metrics are uncertain.`);
    }
    const scores = this.ranking ? this.scoreHistogram(state) : null;
    const curve = state.index ? this.curve(state.index) : null;
    const tEnd = now();
    return {
      cohort: state.key,
      threshold,
      task: 'binary',
      classes: { positive: this.target.positive, negative: this.target.negative },
      matched: state.matched,
      overall: { ...blocks[0][0], confusion },
      groupings: groupingBlocks,
      scores,
      curve,
      timings: { mask: this.timings.mask ?? 0, index: this.timings.index ?? 0, prepare: tBuilt - t0, metrics: tCounts - tBuilt, charts: tEnd - tCounts, total: tEnd - t0 },
      intervals: 'wilson',
      warnings,
    };
  }

  /** Multiclass and regression: the overview is `assess` itself, without bootstrap. */
  private overviewByAssess(cohort: string, groupings: string[][], t0: number): Overview {
    const { matched } = this.cohortMask(cohort);
    const empty: Overview = {
      cohort: cohort.trim(),
      threshold: null,
      task: this.settings.task,
      classes: null,
      matched,
      overall: { count: 0, metrics: {}, reasons: {}, ci: {}, confusion: null },
      groupings: [],
      scores: null,
      curve: null,
      timings: {},
      intervals: 'wilson',
      warnings: [],
    };
    if (matched === 0) return { ...empty, warnings: ['No rows match this cohort.'] };
    const insights = assess(this.table, assessOptionsFor(this.settings, cohort, null, { sensitive: groupings, reference: {}, bootstrap: 0 }));
    const block = (count: number, metrics: Record<string, number | null>, ci: Record<string, Interval> | undefined, reasons: Record<string, string> | undefined): MetricsBlock => ({ count, metrics, ci: ci ?? {}, reasons: reasons ?? {} });
    const overallCount = typeof insights.overall.count === 'number' ? insights.overall.count : insights.rows;
    return {
      ...empty,
      overall: { ...block(overallCount, insights.overall, insights.overallCi, insights.overallReasons), confusion: null },
      groupings: groupings.map((by) => ({
        by,
        groups: insights.groups
          .filter((g) => g.by.join(',') === by.join(','))
          .map((g) => ({ ...block(g.count, g.metrics, g.ci, g.reasons), key: g.key, label: by.map((c) => g.key[c]).join(' | ') })),
      })),
      timings: { total: now() - t0 },
      warnings: (insights.warnings ?? []).map((w) => w.message),
    };
  }

  private scoreHistogram(state: CohortState): ScoreHistogram {
    if (state.histogram) return state.histogram;
    const r = this.ranking!;
    const bins = 20;
    const lo = Math.min(0, r.size ? r.score[r.size - 1] : 0);
    const hi = Math.max(1, r.size ? r.score[0] : 1);
    const width = (hi - lo) / bins;
    const positives = new Array<number>(bins).fill(0);
    const negatives = new Array<number>(bins).fill(0);
    const selected = state.index!.selected;
    for (let s = 0; s < selected.length; s++) {
      const j = selected[s];
      const b = Math.min(bins - 1, Math.max(0, Math.floor((r.score[j] - lo) / width)));
      if (r.label[j] === 1) positives[b]++;
      else negatives[b]++;
    }
    state.histogram = { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * width), positives, negatives };
    return state.histogram;
  }

  private curve(index: CohortIndex): ThresholdCurve {
    const r = this.ranking!;
    const lo = Math.min(0, r.size ? r.score[r.size - 1] : 0);
    const hi = Math.max(1, r.size ? r.score[0] : 1);
    const thresholds = Array.from({ length: 101 }, (_, k) => lo + ((hi - lo) * k) / 100);
    const out: ThresholdCurve = { thresholds, selection_rate: [], true_positive_rate: [], false_positive_rate: [], precision: [] };
    for (const t of thresholds) {
      const m = binaryMetrics(index.countsAt(0, t), { zeroDivision: this.settings.zeroDivision });
      out.selection_rate.push(m.selection_rate[0].value);
      out.true_positive_rate.push(m.true_positive_rate[0].value);
      out.false_positive_rate.push(m.false_positive_rate[0].value);
      out.precision.push(m.precision[0].value);
    }
    return out;
  }

  // ---------------------------------------------------------------- fairness

  /**
   * Each grouping's rates per group, their ratios to the reference group with pass/fail against the
   * band, Fairlearn's fairness summaries and max − min / min ÷ max disparities — from the same
   * counts as the overview.
   */
  fairness(params: { cohort: string; threshold: number | null; groupings: string[][]; references?: Record<string, string>; band?: [number, number] }): Fairness {
    if (!this.target) throw userError('not_binary', 'fairness disparities need a binary task');
    const threshold = this.hasScore ? (params.threshold ?? this.settings.threshold) : null;
    const state = this.cohortState(params.cohort, params.groupings);
    const band = params.band ?? this.settings.band;
    const references = params.references ?? this.settings.reference;
    const zeroDivision = this.settings.zeroDivision;
    const groupings: FairnessGrouping[] = params.groupings.map((by, k) => {
      const { grouping } = this.grouping(by);
      const counts = this.counts(state, params.groupings, k + 1, threshold ?? 0);
      const metrics = binaryMetrics(counts, { zeroDivision });
      const present = Array.from({ length: counts.nGroups }, (_, g) => g).filter((g) => counts.n[g] > 0);
      const refLabel = references[groupingKey(by)];
      let ref = refLabel !== undefined ? grouping.labels.indexOf(refLabel) : -1;
      if (ref >= 0 && counts.n[ref] === 0) ref = -1;
      const byMetric = disparityByReference(counts, metrics, { ...(ref >= 0 ? { reference: ref } : {}), lower: band[0], upper: band[1] });
      const refIndex = Object.values(byMetric)[0]?.reference ?? ref;
      const f = fairnessMetrics(counts, { zeroDivision });
      const overall = binaryMetrics(this.counts(state, params.groupings, 0, threshold ?? 0), { zeroDivision });
      return {
        by: [...by],
        reference: refIndex >= 0 ? { key: grouping.keys[refIndex], label: grouping.labels[refIndex] } : null,
        band,
        groups: present.map((g) => {
          const ratio: Record<string, number | null> = {};
          const pass: Record<string, boolean | null> = {};
          for (const [metric, d] of Object.entries(byMetric)) {
            ratio[metric] = d!.groups[g].ratio;
            pass[metric] = d!.groups[g].pass;
          }
          return { key: grouping.keys[g], label: grouping.labels[g], count: counts.n[g], metrics: picked(metrics, g).values, ratio, pass };
        }),
        summaries: Object.fromEntries(Object.entries(f.metrics).map(([id, v]) => [id, v.value])),
        disparities: DISPARITY_METRICS.map((metric) => {
          const s = summarizeGroups(
            present.map((g) => metrics[metric][g]),
            overall[metric][0].value,
          );
          return {
            metric,
            difference: s.difference,
            ratio: s.ratio,
            min: s.groupMinIndex >= 0 ? grouping.labels[present[s.groupMinIndex]] : null,
            max: s.groupMaxIndex >= 0 ? grouping.labels[present[s.groupMaxIndex]] : null,
          };
        }),
      };
    });
    return { cohort: state.key, threshold, groupings };
  }

  // ---------------------------------------------------------------- full assessment, error analysis

  /** `assess` on the cohort with the run's settings and bootstrap: what `candor assess --where COHORT` prints. */
  assessCohort(params: { cohort: string; threshold: number | null; groupings?: string[][]; references?: Record<string, string>; bootstrap?: number }, onProgress?: (fraction: number, stage: string) => void): Assessment {
    const t0 = now();
    const threshold = this.hasScore ? (params.threshold ?? this.settings.threshold) : null;
    const { matched } = this.cohortMask(params.cohort);
    if (matched === 0) throw userError('empty_cohort', 'no rows match this cohort');
    const overrides: Parameters<typeof assessOptionsFor>[3] = {};
    if (params.groupings) overrides.sensitive = params.groupings;
    if (params.references) overrides.reference = params.references;
    if (params.bootstrap !== undefined) overrides.bootstrap = params.bootstrap;
    if (onProgress) overrides.onProgress = onProgress;
    const options = assessOptionsFor(this.settings, params.cohort, threshold, overrides);
    // A reference group absent from the cohort would be refused: fall back to the largest group, as the report's explorer does.
    const reference = { ...(options.reference ?? {}) };
    for (const key of Object.keys(reference)) {
      const by = key.split(',');
      if (!options.sensitive?.some((s) => s.join(',') === key)) delete reference[key];
      else if (!this.groupPresent(params.cohort, by, reference[key])) delete reference[key];
    }
    options.reference = reference;
    const insights: Insights = assess(this.table, options);
    return { cohort: params.cohort.trim(), threshold, insights, ms: now() - t0 };
  }

  private groupPresent(cohort: string, by: string[], label: string): boolean {
    const { grouping } = this.grouping(by);
    const g = grouping.labels.indexOf(label);
    if (g < 0) return false;
    const { mask } = this.cohortMask(cohort);
    for (let i = 0; i < grouping.codes.length; i++) if (grouping.codes[i] === g && (!mask || mask.get(i))) return true;
    return false;
  }

  /** The prediction as the error analysis reads it: `score >= t`, or the prediction column. */
  predSpec(threshold: number | null): string {
    if (this.settings.score) return `${quoteName(this.settings.score)} >= ${threshold ?? this.settings.threshold}`;
    if (!this.settings.pred) throw userError('missing_option', 'no prediction column');
    return this.settings.pred;
  }

  private errorOptions(cohort: string, threshold: number | null) {
    const where = andAll(this.settings.where, cohort);
    return {
      label: this.settings.label,
      pred: this.predSpec(threshold),
      task: this.settings.task,
      ...(this.settings.positive !== null && this.settings.task === 'binary' ? { positive: this.settings.positive } : {}),
      ...(this.settings.weight ? { weight: this.settings.weight } : {}),
      ...(where ? { where } : {}),
    };
  }

  /** The error tree of the cohort (`candor errors --where COHORT`'s tree). */
  errorTree(params: { cohort: string; threshold: number | null; maxDepth?: number; minLeafRows?: number; features?: string[] }): ErrorTreeResult {
    const t0 = now();
    const threshold = this.hasScore ? (params.threshold ?? this.settings.threshold) : null;
    const tree = errorTree(this.table, {
      ...this.errorOptions(params.cohort, threshold),
      maxDepth: params.maxDepth ?? 3,
      minLeafRows: params.minLeafRows ?? 20,
      ...(params.features && params.features.length ? { features: params.features } : {}),
    });
    return { cohort: params.cohort.trim(), threshold, tree, ms: now() - t0 };
  }

  /** The error heat map of the cohort over one or two features. */
  heatMap(params: { cohort: string; threshold: number | null; features: string[]; bins?: number; binning?: 'equal' | 'quantile' }): HeatMapResult {
    const t0 = now();
    const threshold = this.hasScore ? (params.threshold ?? this.settings.threshold) : null;
    const heatmap = errorHeatMap(this.table, { ...this.errorOptions(params.cohort, threshold), features: params.features, bins: params.bins ?? 6, binning: params.binning ?? 'equal' });
    return { cohort: params.cohort.trim(), threshold, heatmap, ms: now() - t0 };
  }

  // ---------------------------------------------------------------- per-row predictions

  /** 0/1/255 predictions of every row at a threshold (binary), cached for the last threshold. */
  predictedAt(threshold: number | null): Uint8Array | null {
    const t = this.target;
    if (!t) return null;
    if (!t.score) return t.pred;
    const th = threshold ?? this.settings.threshold;
    if (this.predictions?.threshold === th) return this.predictions.values;
    const out = new Uint8Array(t.score.length);
    for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(t.score[i]) ? 255 : t.score[i] >= th ? 1 : 0;
    this.predictions = { threshold: th, values: out };
    return out;
  }

  /** Row i's prediction as a label value, or null. */
  predictionText(i: number, threshold: number | null): string | null {
    const p = this.predictedAt(threshold);
    if (p) return p[i] === 255 ? null : p[i] === 1 ? this.target!.positive : (this.target!.negative ?? 'other');
    if (this.settings.pred && this.table.has(this.settings.pred)) {
      const v = valueAt(this.table.column(this.settings.pred), i);
      return v === null ? null : String(v);
    }
    return null;
  }

  /** Row i's error: 1/0 misclassified (classification), |label − prediction| (regression), null when either is missing. */
  errorOf(i: number, threshold: number | null): number | null {
    const p = this.predictedAt(threshold);
    if (p) {
      const y = this.target!.label[i];
      return p[i] === 255 || y === 255 ? null : p[i] === y ? 0 : 1;
    }
    const label = this.table.has(this.settings.label) ? valueAt(this.table.column(this.settings.label), i) : null;
    const pred = this.settings.pred && this.table.has(this.settings.pred) ? valueAt(this.table.column(this.settings.pred), i) : null;
    if (label === null || pred === null) return null;
    if (this.settings.task === 'regression') return Math.abs(Number(label) - Number(pred));
    return String(label) === String(pred) ? 0 : 1;
  }
}

/** Wilson intervals of every proportion metric, per group (what `assess` reports without bootstrap). */
function wilson(counts: ConfusionCounts, confidence: number): Record<string, Interval>[] {
  const out: Record<string, Interval>[] = Array.from({ length: counts.nGroups }, () => ({}));
  for (const id of BINARY_METRIC_IDS) {
    if (!metricInfo(id)?.proportion) continue;
    binaryMetricIntervals(counts, id, { confidence }).forEach((ci, g) => {
      if (ci) out[g][id] = [ci.lower, ci.upper];
    });
  }
  return out;
}

