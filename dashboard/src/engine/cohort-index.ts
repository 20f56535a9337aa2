import type { Bitset, ConfusionCounts, MetricValue, ScoreRanking } from '../../../src/index.js';

/** A grouping as the cohort index reads it: each ranked row's group and every group's size over all ranked rows. */
export interface RankedGrouping {
  readonly nGroups: number;
  /** Group of the row at each ranked position (-1 none). */
  readonly rankedCodes: Int32Array;
  /** Ranked rows per group over the whole analysis: the most a cohort's group can hold. */
  readonly sizes: Float64Array;
}

/**
 * Several groupings laid out for one pass over the ranked rows: every (grouping, group) pair is a
 * *slot*, and `slots[j·K + k]` is the slot of ranked row j in grouping k — so the hot loops read
 * one typed array, not an array of them. Built once per set of groupings.
 */
export class GroupingLayout {
  readonly K: number;
  readonly slots: Int32Array;
  /** First slot of grouping k (and, at K, the number of slots). */
  readonly firstSlot: Int32Array;

  constructor(
    readonly ranking: ScoreRanking,
    readonly groupings: readonly RankedGrouping[],
  ) {
    const K = groupings.length;
    const m = ranking.size;
    this.K = K;
    this.firstSlot = new Int32Array(K + 1);
    for (let k = 0; k < K; k++) this.firstSlot[k + 1] = this.firstSlot[k] + groupings[k].nGroups;
    this.slots = new Int32Array(m * K);
    for (let k = 0; k < K; k++) interleave(groupings[k].rankedCodes, this.firstSlot[k], this.slots, K, k, m);
  }

  get nSlots(): number {
    return this.firstSlot[this.K];
  }
}

function interleave(codes: Int32Array, first: number, slots: Int32Array, K: number, k: number, m: number): void {
  for (let j = 0; j < m; j++) slots[j * K + k] = codes[j] < 0 ? -1 : first + codes[j];
}

/** Buckets of ranked positions whose per-slot label sums make a threshold query cheap. */
const BUCKETS = 4096;

/**
 * A cohort's confusion counts at any threshold, and its score metrics, for every group of every
 * grouping. The ranked positions (descending score) are cut into 4096 buckets; one pass over the
 * cohort's ranked rows sums each slot's positive and negative weight per bucket (small arrays that
 * stay in cache) and, in the same pass, the sums behind AUC, average precision, log loss and Brier
 * score. A threshold t then needs the rows with score ≥ t — a prefix of the ranked positions, found
 * by binary search — which are whole buckets (prefix sums) plus the start of one bucket (at most
 * m/4096 rows, scanned). So moving the threshold costs O(slots · log rows + rows / 4096), exact for
 * any t, and the slider stays live on millions of rows.
 */
export class CohortIndex {
  /** Rows per slot (unweighted). */
  readonly count: Int32Array;
  /** Ranked positions of the cohort's rows, ascending. */
  readonly selected: Int32Array;
  /** 7 sums per slot (see {@link buildPass}). */
  private readonly scores: Float64Array;
  /** prefix[(slot·(B+1) + b)·2 + y]: weight of the slot's rows with label y in buckets before b. */
  private readonly prefix: Float64Array;
  private readonly starts: Int32Array;
  private readonly B: number;

  constructor(
    private readonly layout: GroupingLayout,
    mask: Bitset | null,
  ) {
    const r = layout.ranking;
    const m = r.size;
    const B = Math.max(1, Math.min(BUCKETS, m));
    this.B = B;
    this.selected = mask ? selectRanked(r.order, mask.words, m) : identity(m);
    const nSlots = layout.nSlots;
    this.count = new Int32Array(nSlots);
    this.scores = new Float64Array(7 * nSlots);
    const hist = new Float64Array(nSlots * B * 2);
    buildPass(this.selected, r.score, r.label, r.weight, r.loss, layout.slots, layout.K, this.scores, this.count, hist, B, m, nSlots);
    this.prefix = new Float64Array(nSlots * (B + 1) * 2);
    for (let slot = 0; slot < nSlots; slot++) {
      let p = 0;
      let q = 0;
      for (let b = 0; b < B; b++) {
        const at = (slot * (B + 1) + b) * 2;
        this.prefix[at] = q;
        this.prefix[at + 1] = p;
        q += hist[(slot * B + b) * 2];
        p += hist[(slot * B + b) * 2 + 1];
      }
      const end = (slot * (B + 1) + B) * 2;
      this.prefix[end] = q;
      this.prefix[end + 1] = p;
    }
    this.starts = new Int32Array(B + 1);
    for (let b = 0; b <= B; b++) this.starts[b] = bucketStart(b, B, m);
  }

  get groupings(): readonly RankedGrouping[] {
    return this.layout.groupings;
  }

  /** Ranked rows with score ≥ t (scores are descending). */
  reaching(t: number): number {
    const s = this.layout.ranking.score;
    let lo = 0;
    let hi = this.layout.ranking.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] >= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Confusion counts of every group of grouping `k` for the prediction `score >= t`. */
  countsAt(k: number, t: number): ConfusionCounts {
    const r = this.layout.ranking;
    const reach = this.reaching(t);
    const B = this.B;
    const m = r.size;
    // Whole buckets before b, then the cohort's rows from the start of bucket b up to `reach`.
    const b = m === 0 ? 0 : Math.min(B, Math.floor((reach * B) / m));
    const from = lowerBound(this.selected, this.starts[b]);
    const to = lowerBound(this.selected, reach);
    const nGroups = this.layout.groupings[k].nGroups;
    const first = this.layout.firstSlot[k];
    const K = this.layout.K;
    const partial = new Float64Array(nGroups * 2);
    const slots = this.layout.slots;
    for (let s = from; s < to; s++) {
      const j = this.selected[s];
      const slot = slots[j * K + k];
      if (slot < 0) continue;
      const w = r.weight === null ? 1 : r.weight[j];
      partial[(slot - first) * 2 + (r.label[j] === 1 ? 1 : 0)] += w;
    }
    const out: ConfusionCounts = {
      nGroups,
      tp: new Float64Array(nGroups),
      fp: new Float64Array(nGroups),
      tn: new Float64Array(nGroups),
      fn: new Float64Array(nGroups),
      n: new Float64Array(nGroups),
      missing: new Float64Array(nGroups),
      weighted: r.weight !== null,
    };
    for (let g = 0; g < nGroups; g++) {
      const slot = first + g;
      const at = (slot * (B + 1) + b) * 2;
      const end = (slot * (B + 1) + B) * 2;
      const tp = this.prefix[at + 1] + partial[g * 2 + 1];
      const fp = this.prefix[at] + partial[g * 2];
      const positives = this.prefix[end + 1];
      const negatives = this.prefix[end];
      out.tp[g] = tp;
      out.fp[g] = fp;
      out.fn[g] = positives - tp;
      out.tn[g] = negatives - fp;
      out.n[g] = this.count[slot];
    }
    return out;
  }

  /**
   * ROC AUC, average precision, log loss and Brier score of every group of grouping `k`, with the
   * definitions of the core's `scoreMetricsByGroup` (scikit-learn's: trapezoidal ROC area over
   * distinct thresholds, AP as Σ recall gain × precision, clipped log loss) and its reasons for nulls.
   */
  scoreMetrics(k: number): Record<'roc_auc' | 'average_precision' | 'log_loss' | 'brier_score', MetricValue[]> {
    const nGroups = this.layout.groupings[k].nGroups;
    const acc = this.scores;
    const out = { roc_auc: [] as MetricValue[], average_precision: [] as MetricValue[], log_loss: [] as MetricValue[], brier_score: [] as MetricValue[] };
    for (let g = 0; g < nGroups; g++) {
      const slot = this.layout.firstSlot[k] + g;
      const c = this.count[slot];
      const at = 7 * slot;
      const [p, q, area, apSum, loss, brier, w] = acc.subarray(at, at + 7);
      if (!(w > 0)) {
        const empty = { value: null, reason: c === 0 ? 'empty group (no rows)' : 'weights sum to 0' };
        out.roc_auc.push(empty);
        out.average_precision.push(empty);
        out.log_loss.push(empty);
        out.brier_score.push(empty);
        continue;
      }
      out.roc_auc.push(p > 0 && q > 0 ? { value: area / (p * q) } : { value: null, reason: p > 0 ? 'only one class: no negatives' : 'only one class: no positives' });
      out.average_precision.push(p > 0 ? { value: apSum / p } : { value: null, reason: 'no positives' });
      out.log_loss.push({ value: loss / w });
      out.brier_score.push({ value: brier / w });
    }
    return out;
  }
}

/** The bucket of ranked position j: ⌊j·B/m⌋ (exact in doubles for j·B < 2^53). */
function bucketOf(j: number, B: number, m: number): number {
  return Math.floor((j * B) / m);
}

/** The first ranked position of bucket b (m when none). */
function bucketStart(b: number, B: number, m: number): number {
  if (b >= B) return m;
  let j = Math.ceil((b * m) / B);
  while (j > 0 && bucketOf(j - 1, B, m) >= b) j--;
  while (j < m && bucketOf(j, B, m) < b) j++;
  return j;
}

/** Index of the first element of ascending `a` that is ≥ x. */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function identity(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let j = 0; j < m; j++) out[j] = j;
  return out;
}

/** Ranked positions whose row is in the mask. */
function selectRanked(order: Int32Array, words: Uint32Array, m: number): Int32Array {
  const tmp = new Int32Array(m);
  let k = 0;
  for (let j = 0; j < m; j++) {
    const row = order[j];
    if ((words[row >>> 5] >>> (row & 31)) & 1) tmp[k++] = j;
  }
  return tmp.slice(0, k);
}

// Hot loops take their arrays as parameters: V8 optimises these far better than reads through `this`.

/**
 * One pass over the cohort's ranked rows (descending score): each slot's rows (`count`), its label
 * weights per bucket (`hist`), and the sums behind its score metrics: [positives, negatives, ROC
 * area, Σ precision gains, Σ loss, Σ squared error, Σ weight]. As the core's `scoreMetricsByGroup`:
 * a row with a unique score takes one step of its group's ROC curve; a block of tied scores is
 * gathered per slot first, then each slot takes one diagonal (trapezoid) step and one precision term.
 */
function buildPass(
  selected: Int32Array,
  score: Float64Array,
  label: Uint8Array,
  weight: Float64Array | null,
  loss: Float64Array,
  slots: Int32Array,
  K: number,
  acc: Float64Array,
  count: Int32Array,
  hist: Float64Array,
  B: number,
  m: number,
  nSlots: number,
): void {
  const bp = new Float64Array(nSlots);
  const bn = new Float64Array(nSlots);
  const touched = new Int32Array(nSlots);
  const pending = new Uint8Array(nSlots);
  const S = selected.length;
  let s = 0;
  while (s < S) {
    const j = selected[s];
    const sc = score[j];
    let e = s + 1;
    while (e < S && score[selected[e]] === sc) e++;
    if (e === s + 1) {
      const w = weight === null ? 1 : weight[j];
      const y = label[j];
      const d = sc - y;
      const l = w * loss[j];
      const b = w * d * d;
      const row = j * K;
      const bucket = Math.floor((j * B) / m);
      for (let k = 0; k < K; k++) {
        const slot = slots[row + k];
        if (slot < 0) continue;
        count[slot]++;
        hist[(slot * B + bucket) * 2 + y] += w;
        const at = 7 * slot;
        if (y === 1) {
          const t = acc[at] + w;
          acc[at] = t;
          if (w > 0) acc[at + 3] += (w * t) / (t + acc[at + 1]);
        } else {
          acc[at + 2] += w * acc[at];
          acc[at + 1] += w;
        }
        acc[at + 4] += l;
        acc[at + 5] += b;
        acc[at + 6] += w;
      }
      s = e;
      continue;
    }
    let top = 0;
    for (let t = s; t < e; t++) {
      const jt = selected[t];
      const w = weight === null ? 1 : weight[jt];
      const y = label[jt];
      const d = sc - y;
      const row = jt * K;
      const bucket = Math.floor((jt * B) / m);
      for (let k = 0; k < K; k++) {
        const slot = slots[row + k];
        if (slot < 0) continue;
        count[slot]++;
        hist[(slot * B + bucket) * 2 + y] += w;
        if (pending[slot] === 0) {
          pending[slot] = 1;
          touched[top++] = slot;
        }
        if (y === 1) bp[slot] += w;
        else bn[slot] += w;
        const at = 7 * slot;
        acc[at + 4] += w * loss[jt];
        acc[at + 5] += w * d * d;
        acc[at + 6] += w;
      }
    }
    for (let t = 0; t < top; t++) {
      const slot = touched[t];
      const p = bp[slot];
      const q = bn[slot];
      const at = 7 * slot;
      const tp0 = acc[at];
      acc[at + 2] += q * (tp0 + p / 2);
      const tp1 = tp0 + p;
      const fp1 = acc[at + 1] + q;
      acc[at] = tp1;
      acc[at + 1] = fp1;
      if (p > 0) acc[at + 3] += (p * tp1) / (tp1 + fp1);
      bp[slot] = 0;
      bn[slot] = 0;
      pending[slot] = 0;
    }
    s = e;
  }
}
