import { Random } from '../stats/index.js';
import type { Design } from './design.js';
import { CATEGORY_MISSING, type DesignColumns } from './tree-columns.js';
import type { TreeNode } from './tree.js';

/** Values closer than this are not split apart (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;
/**
 * A node's rows are bucketed by their value's rank among the feature's distinct training values
 * when there are at most this many distinct values per node row; otherwise the node's rows are
 * sorted by rank. Both give the same groups of equal values in ascending order.
 */
const HISTOGRAM_FACTOR = 8;
const TWO_POW_53 = 9007199254740992;
/**
 * Features with more distinct values than this keep their rows in value order, partitioned down
 * the tree as nodes split: their buckets would outgrow the cache (a million continuous values
 * are 24 MB of regression sums) and cost a pass over every bucket per node.
 */
const PRESORT_ABOVE = 16384;

/** What {@link growTree} fits: the encoded features, target, weights and limits. */
export interface GrowInput {
  readonly design: Design;
  readonly x: DesignColumns;
  /** Training rows, ascending. */
  readonly rows: Int32Array;
  /** Classification: class index per row (K classes). */
  readonly yClass?: Int32Array;
  readonly K: number;
  /** Regression: target per row. */
  readonly yReg?: Float64Array;
  readonly weight?: Float64Array;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxLeafNodes?: number;
  readonly seed: number;
  /** Overrides {@link HISTOGRAM_FACTOR} (tests force either way of grouping a node's values: 0 sorts, Infinity buckets). */
  readonly histogramFactor?: number;
  /** Overrides {@link PRESORT_ABOVE} (tests: 0 presorts every ordered feature, Infinity none). */
  readonly presortAbove?: number;
}

/** Distinct training values of an ordered feature (ascending) and each row's rank among them (-1: missing or not a training row). */
interface Ranked {
  readonly rank: Int32Array;
  readonly distinct: Float64Array;
  /** The non-missing rows in ascending order of value (ties by row), and their ranks; null when not asked for. */
  readonly sorted: Int32Array | null;
  readonly sortedRank: Int32Array | null;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Ranks the non-missing `values` of `rows` (ascending, distinct values in ascending order), and
 * lists the rows in value order when there are more than `sortAbove` distinct values.
 */
export function rankValues(values: Float64Array, rows: Int32Array, n: number, sortAbove = 0): Ranked {
  return rankIntegers(values, rows, n, sortAbove) ?? rankByRadix(values, rows, n);
}

/**
 * Ranks by counting when every value is an integer within a range at most a few times the row
 * count (ages, codes, counts — most columns of tabular data): two passes, no sort. Null otherwise.
 */
function rankIntegers(values: Float64Array, rows: Int32Array, n: number, sortAbove: number): Ranked | null {
  let min = Infinity;
  let max = -Infinity;
  let m = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (v !== v) continue;
    if (v !== Math.floor(v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
    m++;
  }
  const range = max - min + 1;
  if (m === 0 || !(range <= 4 * m + 1024 && range <= 1 << 26)) return null;
  const slot = new Int32Array(range);
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]];
    if (v === v) slot[v - min]++;
  }
  // Slot counts become each slot's first position in value order (for the sorted rows), and ranks.
  const rankOf = new Int32Array(range);
  let D = 0;
  for (let d = 0; d < range; d++) if (slot[d] > 0) D++;
  const distinct = new Float64Array(D);
  let at = 0;
  for (let d = 0, r = 0; d < range; d++) {
    const c = slot[d];
    slot[d] = at;
    at += c;
    if (c > 0) {
      rankOf[d] = r;
      distinct[r++] = min + d;
    }
  }
  const rank = new Int32Array(n).fill(-1);
  const sort = D > sortAbove;
  const sorted = sort ? new Int32Array(m) : null;
  const sortedRank = sort ? new Int32Array(m) : null;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const v = values[i];
    if (v !== v) continue;
    const r = rankOf[v - min];
    rank[i] = r;
    if (sorted && sortedRank) {
      const at = slot[v - min]++;
      sorted[at] = i;
      sortedRank[at] = r;
    }
  }
  return { rank, distinct, sorted, sortedRank };
}

/**
 * Ranks by an LSD radix sort (16-bit digits) of the values' IEEE-754 bits made order-preserving
 * (sign bit flipped for positives, all bits for negatives): linear time; passes whose digit is the
 * same for every row are skipped. -0 and 0 share a rank.
 */
function rankByRadix(values: Float64Array, rows: Int32Array, n: number): Ranked {
  const cap = rows.length;
  const pair = new Float64Array(1);
  const pairWords = new Uint32Array(pair.buffer);
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  let lo = new Uint32Array(cap);
  let hi = new Uint32Array(cap);
  let ids = new Int32Array(cap);
  // One pass for the four digit histograms (of the low word's two halves, then the high word's).
  const count = new Int32Array(4 * 65536);
  let m = 0;
  for (let k = 0; k < cap; k++) {
    const i = rows[k];
    const v = values[i];
    if (v !== v) continue;
    pair[0] = v;
    let h = pairWords[hiAt];
    let l = pairWords[loAt];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    lo[m] = l;
    hi[m] = h;
    ids[m++] = i;
    count[l & 0xffff]++;
    count[65536 + (l >>> 16)]++;
    count[131072 + (h & 0xffff)]++;
    count[196608 + (h >>> 16)]++;
  }
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
  let ids2 = new Int32Array(m);
  for (let pass = 0; pass < 4 && m > 0; pass++) {
    const key = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    const base = pass * 65536;
    if (count[base + ((key[0] >>> shift) & 0xffff)] === m) continue;
    let sum = 0;
    for (let d = base; d < base + 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let k = 0; k < m; k++) {
      const at = count[base + ((key[k] >>> shift) & 0xffff)]++;
      lo2[at] = lo[k];
      hi2[at] = hi[k];
      ids2[at] = ids[k];
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [ids, ids2] = [ids2, ids];
  }
  const rank = new Int32Array(n).fill(-1);
  const sortedRank = new Int32Array(m);
  const distinct: number[] = [];
  let r = -1;
  let prevHi = 0;
  let prevLo = 0;
  for (let k = 0; k < m; k++) {
    const h = hi[k];
    const l = lo[k];
    // A new key is a new value, except 0 after -0 (adjacent in key order).
    if (k === 0 || h !== prevHi || l !== prevLo) {
      const v = values[ids[k]];
      if (r < 0 || v !== distinct[r]) {
        distinct.push(v);
        r++;
      }
      prevHi = h;
      prevLo = l;
    }
    rank[ids[k]] = r;
    sortedRank[k] = r;
  }
  return { rank, distinct: Float64Array.from(distinct), sorted: ids.subarray(0, m), sortedRank };
}

/**
 * Buckets the rows `idx[start..end)` by `codes` (rank or category offset): counts and regression
 * sums [Σw, Σwy, Σwy²] per bucket from the terms `rs` ([w, wy, wy²] per position); rows coded
 * -1 (missing) go to `miss`, other negative codes nowhere. Returns the number of missing rows.
 */
function bucketRegression(idx: Int32Array, start: number, end: number, codes: Int32Array, rs: Float64Array, cnt: Int32Array, stats: Float64Array, miss: Float64Array): number {
  let nMiss = 0;
  for (let pos = start; pos < end; pos++) {
    const q = codes[idx[pos]];
    const o = 3 * pos;
    if (q >= 0) {
      cnt[q]++;
      const a = 3 * q;
      stats[a] += rs[o];
      stats[a + 1] += rs[o + 1];
      stats[a + 2] += rs[o + 2];
    } else if (q === -1) {
      nMiss++;
      miss[0] += rs[o];
      miss[1] += rs[o + 1];
      miss[2] += rs[o + 2];
    }
  }
  return nMiss;
}

/** {@link bucketRegression} for classification: class weight sums per bucket (`rs`: [w, class] per position). */
function bucketClasses(idx: Int32Array, start: number, end: number, codes: Int32Array, rs: Float64Array, K: number, cnt: Int32Array, stats: Float64Array, miss: Float64Array): number {
  let nMiss = 0;
  for (let pos = start; pos < end; pos++) {
    const q = codes[idx[pos]];
    if (q >= 0) {
      cnt[q]++;
      stats[K * q + rs[2 * pos + 1]] += rs[2 * pos];
    } else if (q === -1) {
      nMiss++;
      miss[rs[2 * pos + 1]] += rs[2 * pos];
    }
  }
  return nMiss;
}

/**
 * A presorted feature: the rows of every node in value order at the node's positions (missing
 * last), with their ranks and per-row terms alongside, so that a node's scan reads memory in order.
 */
interface Presorted {
  readonly ids: Int32Array;
  readonly ranks: Int32Array;
  readonly terms: Float64Array;
}

interface Work {
  start: number;
  end: number;
  depth: number;
  parent: number;
  isLeft: boolean;
  stats: Float64Array;
  n: number;
}

interface Split {
  feature: number;
  threshold: number;
  missingLeft: boolean;
  /** Proxy of the children's impurity (larger is better), as scikit-learn's proxy_impurity_improvement. */
  proxy: number;
  /** Rows going left (missing ones included when they go left). */
  nLeft: number;
  hasMissing: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Grows a CART tree (see `fitTree`) on design columns. The exact split search of scikit-learn —
 * every midpoint between consecutive distinct values, missing values tried on both sides — done
 * on groups of equal values: an ordered feature's rows are ranked once (counting or radix sort),
 * a node buckets its rows by rank (or sorts their ranks when the node is much smaller than the
 * number of distinct values; features with very many distinct values instead keep a presorted
 * order partitioned down the tree), and a one-hot column's two groups come from one histogram of
 * its categorical column per node. So a node costs a pass over its rows per table column, not a
 * sort per one-hot column, and nothing is materialised row-major.
 */
export function growTree(input: GrowInput): TreeNode[] {
  const { design, x, rows, yClass, yReg, K, weight, maxDepth, minSamplesSplit, minSamplesLeaf, maxLeafNodes, seed } = input;
  const histogramFactor = input.histogramFactor ?? HISTOGRAM_FACTOR;
  const presortAbove = input.presortAbove ?? PRESORT_ABOVE;
  const p = design.names.length;
  const m = rows.length;
  const classif = yClass !== undefined;
  // Statistics vector: classification = class weight sums (K); regression = [Σw, Σwy, Σwy²].
  const S = classif ? K : 3;
  const cls = yClass as Int32Array;
  const yr = yReg as Float64Array;

  // Per-row terms of the sums: classification [w, class], regression [w, w·y, w·y²] (as the sums add them).
  const T = classif ? 2 : 3;
  const rowStats = new Float64Array(x.rows * T);
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    const w = weight ? weight[i] : 1;
    rowStats[T * i] = w;
    if (classif) rowStats[T * i + 1] = cls[i];
    else {
      const wy = w * yr[i];
      rowStats[T * i + 1] = wy;
      rowStats[T * i + 2] = wy * yr[i];
    }
  }
  /** Adds the terms at position `pos` of `terms` to `stats` at `at`. */
  const addTerms = (stats: Float64Array, at: number, terms: Float64Array, pos: number): void => {
    if (classif) stats[at + terms[2 * pos + 1]] += terms[2 * pos];
    else {
      stats[at] += terms[3 * pos];
      stats[at + 1] += terms[3 * pos + 1];
      stats[at + 2] += terms[3 * pos + 2];
    }
  };
  const totalW = (s: Float64Array): number => {
    if (!classif) return s[0];
    let t = 0;
    for (let k = 0; k < S; k++) t += s[k];
    return t;
  };
  const impurity = (s: Float64Array): number => {
    const W = totalW(s);
    if (W <= 0) return 0;
    if (classif) {
      let q = 0;
      for (let k = 0; k < S; k++) q += (s[k] / W) * (s[k] / W);
      return 1 - q;
    }
    const mean = s[1] / W;
    return Math.max(0, s[2] / W - mean * mean);
  };
  const proxyOf = (s: Float64Array): number => {
    const W = totalW(s);
    if (W <= 0) return 0;
    if (classif) {
      let q = 0;
      for (let k = 0; k < S; k++) q += s[k] * s[k];
      return q / W;
    }
    return (s[1] * s[1]) / W;
  };
  const valueOf = (s: Float64Array): number[] => {
    const W = totalW(s);
    if (classif) return Array.from(s, (v) => (W > 0 ? v / W : 0));
    return [W > 0 ? s[1] / W : 0];
  };

  // Ordered features are ranked once; one-hot columns read their categorical column's offsets.
  const ranked: (Ranked | null)[] = [];
  // Presorted features: the node's rows in value order at the node's positions, missing rows last.
  const presorted: (Presorted | null)[] = [];
  let maxDistinct = 2;
  let maxBuckets = 2;
  for (let f = 0; f < p; f++) {
    const v = x.values[f];
    const r = v ? rankValues(v, rows, x.rows, presortAbove) : null;
    ranked.push(r);
    let order: Presorted | null = null;
    if (r) {
      maxDistinct = Math.max(maxDistinct, r.distinct.length);
      if (r.distinct.length > presortAbove && r.sorted && r.sortedRank) {
        // Non-missing rows in value order, then the missing ones (rank -1).
        const ids = new Int32Array(m);
        const ranks = new Int32Array(m).fill(-1);
        ids.set(r.sorted);
        ranks.set(r.sortedRank);
        let o = r.sorted.length;
        for (let k = 0; k < m; k++) if (r.rank[rows[k]] < 0) ids[o++] = rows[k];
        const terms = new Float64Array(m * T);
        for (let k = 0; k < m; k++) for (let t = 0, i = ids[k]; t < T; t++) terms[k * T + t] = rowStats[i * T + t];
        order = { ids, ranks, terms };
      } else maxBuckets = Math.max(maxBuckets, r.distinct.length);
    }
    presorted.push(order);
  }
  const widths = design.columns.map((dc) => (dc.kind === 'categorical' ? dc.categories.length : 0));

  const featureOrder = Array.from({ length: p }, (_, f) => f);
  const rng = new Random(seed);
  for (let i = p - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [featureOrder[i], featureOrder[j]] = [featureOrder[j], featureOrder[i]];
  }

  const anyPresorted = presorted.some((o) => o !== null);

  // Each node's rows at positions [start, end) of idx (ascending within a node), and their terms
  // alongside, partitioned together: a node reads its terms in sequence.
  const idx = Int32Array.from(rows);
  const nodeTerms = new Float64Array(m * T);
  for (let k = 0; k < m; k++) for (let t = 0; t < T; t++) nodeTerms[k * T + t] = rowStats[rows[k] * T + t];
  const bucket = (start: number, end: number, codes: Int32Array, cnt: Int32Array, stats: Float64Array, missStats: Float64Array): number =>
    classif ? bucketClasses(idx, start, end, codes, nodeTerms, K, cnt, stats, missStats) : bucketRegression(idx, start, end, codes, nodeTerms, cnt, stats, missStats);
  // Groups of equal values of the feature under search, ascending: value, rows, statistics.
  const gVal = new Float64Array(maxDistinct);
  const gCnt = new Int32Array(maxDistinct);
  const gStats = new Float64Array(maxDistinct * S);
  // Buckets by rank (kept zeroed between uses) and sort keys.
  const hCnt = new Int32Array(maxBuckets);
  const hStats = new Float64Array(maxBuckets * S);
  const keys = new Float64Array(m);
  // Per-node histograms of the categorical columns, computed on the first of a column's one-hot
  // columns the node searches (they come in a shuffled order) and shared by the others.
  const cCnt = widths.map((width) => new Int32Array(width));
  const cStats = widths.map((width) => new Float64Array(width * S));
  const cMiss = widths.map(() => new Float64Array(S));
  const cMissCnt = new Int32Array(widths.length);
  const cDone = new Uint8Array(widths.length);

  const left = new Float64Array(S);
  const right = new Float64Array(S);
  const miss = new Float64Array(S);
  const tmp = new Float64Array(S);

  /** Fills the groups from the buckets of ranks 0..D-1 (zeroing them), returns the group count. */
  const groupsFromBuckets = (distinct: Float64Array): number => {
    let G = 0;
    for (let r = 0; r < distinct.length; r++) {
      const c = hCnt[r];
      if (c === 0) continue;
      hCnt[r] = 0;
      gVal[G] = distinct[r];
      gCnt[G] = c;
      for (let k = 0, a = r * S, b = G * S; k < S; k++) {
        gStats[b + k] = hStats[a + k];
        hStats[a + k] = 0;
      }
      G++;
    }
    return G;
  };

  /** Groups the node's rows by the ordered feature's value; missing rows go to `miss`. Returns [groups, missing rows]. */
  const groupOrdered = (w: Work, r: Ranked, order: Presorted | null): [number, number] => {
    const { start, end } = w;
    const rank = r.rank;
    const D = r.distinct.length;
    miss.fill(0);
    let nMiss = 0;
    const nNode = end - start;
    if (order) {
      const { ranks, terms } = order;
      let G = -1;
      let prev = -1;
      for (let pos = start; pos < end; pos++) {
        const q = ranks[pos];
        if (q < 0) {
          nMiss++;
          addTerms(miss, 0, terms, pos);
          continue;
        }
        if (q !== prev) {
          G++;
          prev = q;
          gVal[G] = r.distinct[q];
          gCnt[G] = 0;
          for (let k = G * S; k < G * S + S; k++) gStats[k] = 0;
        }
        gCnt[G]++;
        addTerms(gStats, G * S, terms, pos);
      }
      return [G + 1, nMiss];
    }
    if (D <= histogramFactor * nNode || D * nNode >= TWO_POW_53) {
      nMiss = bucket(start, end, rank, hCnt, hStats, miss);
      return [groupsFromBuckets(r.distinct), nMiss];
    }
    // Few rows, many distinct values: sort the rows' ranks, packed with their position as one exact double.
    let k = 0;
    for (let pos = start; pos < end; pos++) {
      const q = rank[idx[pos]];
      if (q < 0) {
        nMiss++;
        addTerms(miss, 0, nodeTerms, pos);
      } else keys[k++] = q * nNode + (pos - start);
    }
    const sorted = keys.subarray(0, k).sort();
    let G = -1;
    let prev = -1;
    for (let t = 0; t < k; t++) {
      const key = sorted[t];
      let q = Math.floor(key / nNode);
      // The quotient can round up to the next integer when q·nNode nears 2^53.
      if (q * nNode > key) q--;
      const pos = start + (key - q * nNode);
      if (q !== prev) {
        G++;
        prev = q;
        gVal[G] = r.distinct[q];
        gCnt[G] = 0;
        for (let k = G * S; k < G * S + S; k++) gStats[k] = 0;
      }
      gCnt[G]++;
      addTerms(gStats, G * S, nodeTerms, pos);
    }
    return [G + 1, nMiss];
  };

  /** The two groups (value 0, value 1) of one-hot column f in the node; missing rows go to `miss`. */
  const groupOneHot = (w: Work, f: number): [number, number] => {
    const source = design.source[f];
    const counts = cCnt[source];
    const stats = cStats[source];
    const missing = cMiss[source];
    if (!cDone[source]) {
      counts.fill(0);
      stats.fill(0);
      missing.fill(0);
      cMissCnt[source] = bucket(w.start, w.end, x.category[source] as Int32Array, counts, stats, missing);
      cDone[source] = 1;
    }
    miss.set(missing);
    const c = x.offset[f];
    const ones = counts[c];
    const zeros = w.n - cMissCnt[source] - ones;
    let G = 0;
    if (zeros > 0) {
      gVal[G] = 0;
      gCnt[G] = zeros;
      for (let k = 0; k < S; k++) gStats[k] = w.stats[k] - missing[k] - stats[c * S + k];
      G++;
    }
    if (ones > 0) {
      gVal[G] = 1;
      gCnt[G] = ones;
      for (let k = 0; k < S; k++) gStats[G * S + k] = stats[c * S + k];
      G++;
    }
    return [G, cMissCnt[source]];
  };

  const findSplit = (w: Work): Split | null => {
    let best: Split | null = null;
    const stats = w.stats;
    cDone.fill(0);
    for (const f of featureOrder) {
      const r = ranked[f];
      const [G, nMiss] = r ? groupOrdered(w, r, presorted[f]) : groupOneHot(w, f);
      const nNm = w.n - nMiss;
      if (nNm === 0) continue;
      if (gVal[G - 1] <= gVal[0] + FEATURE_THRESHOLD && nMiss === 0) continue;
      const consider = (nL: number, missingLeft: boolean, threshold: number): void => {
        const nLeft = nL + (missingLeft ? nMiss : 0);
        const nRight = w.n - nLeft;
        if (nLeft < minSamplesLeaf || nRight < minSamplesLeaf) return;
        let proxy: number;
        if (nMiss === 0) proxy = proxyOf(left) + proxyOf(right);
        else if (missingLeft) {
          for (let k = 0; k < S; k++) tmp[k] = left[k] + miss[k];
          proxy = proxyOf(tmp) + proxyOf(right);
        } else {
          for (let k = 0; k < S; k++) tmp[k] = right[k] + miss[k];
          proxy = proxyOf(left) + proxyOf(tmp);
        }
        if (best === null || proxy > best.proxy) best = { feature: f, threshold, missingLeft, proxy, nLeft, hasMissing: nMiss > 0 };
      };
      left.fill(0);
      for (let k = 0; k < S; k++) right[k] = stats[k] - miss[k];
      let nL = 0;
      for (let g = 0; g < G - 1; g++) {
        for (let k = 0, a = g * S; k < S; k++) {
          left[k] += gStats[a + k];
          right[k] -= gStats[a + k];
        }
        nL += gCnt[g];
        const v = gVal[g];
        const next = gVal[g + 1];
        if (next <= v + FEATURE_THRESHOLD) continue;
        let threshold = v / 2 + next / 2;
        if (threshold === next || !Number.isFinite(threshold)) threshold = v;
        consider(nL, false, threshold);
        if (nMiss > 0) consider(nL, true, threshold);
      }
      if (nMiss > 0) {
        // Every non-missing value left, the missing ones right.
        for (let k = 0; k < S; k++) {
          left[k] = stats[k] - miss[k];
          right[k] = 0;
        }
        consider(nNm, false, Infinity);
      }
    }
    return best;
  };

  const nodes: TreeNode[] = [];
  const buffer = new Int32Array(m);
  const rankBuffer = new Int32Array(m);
  const termBuffer = new Float64Array(m * T);
  const goesLeft = anyPresorted ? new Uint8Array(x.rows) : null;
  const applySplit = (w: Work, s: Split): [Work, Work] => {
    const { start, end } = w;
    const values = x.values[s.feature];
    const category = values ? null : (x.category[design.source[s.feature]] as Int32Array);
    const offset = x.offset[s.feature];
    // Stable partition: each child's rows stay ascending (sequential reads further down).
    let l = start;
    let r = 0;
    for (let pos = start; pos < end; pos++) {
      const i = idx[pos];
      let goLeft: boolean;
      if (values) {
        const v = values[i];
        goLeft = Number.isNaN(v) ? s.missingLeft : v <= s.threshold;
      } else {
        const c = (category as Int32Array)[i];
        goLeft = c === CATEGORY_MISSING ? s.missingLeft : (c === offset ? 1 : 0) <= s.threshold;
      }
      if (goLeft) {
        for (let t = 0; t < T; t++) nodeTerms[l * T + t] = nodeTerms[pos * T + t];
        idx[l++] = i;
      } else {
        for (let t = 0; t < T; t++) termBuffer[r * T + t] = nodeTerms[pos * T + t];
        buffer[r++] = i;
      }
      if (goesLeft) goesLeft[i] = goLeft ? 1 : 0;
    }
    idx.set(buffer.subarray(0, r), l);
    nodeTerms.set(termBuffer.subarray(0, r * T), l * T);
    const mid = start + s.nLeft;
    if (l !== mid) throw new Error(`tree split sent ${l - start} rows left, expected ${s.nLeft}`);
    // Presorted orders only matter to children that may split.
    const nMax = Math.max(s.nLeft, w.n - s.nLeft);
    const childrenSearched = w.depth + 1 < maxDepth && nMax >= minSamplesSplit && nMax >= 2 * minSamplesLeaf;
    for (const order of presorted) {
      if (!order || !childrenSearched) continue;
      const { ids, ranks, terms } = order;
      let ol = start;
      let or = 0;
      for (let pos = start; pos < end; pos++) {
        const i = ids[pos];
        if ((goesLeft as Uint8Array)[i]) {
          ranks[ol] = ranks[pos];
          for (let t = 0; t < T; t++) terms[ol * T + t] = terms[pos * T + t];
          ids[ol++] = i;
        } else {
          rankBuffer[or] = ranks[pos];
          for (let t = 0; t < T; t++) termBuffer[or * T + t] = terms[pos * T + t];
          buffer[or++] = i;
        }
      }
      ids.set(buffer.subarray(0, or), ol);
      ranks.set(rankBuffer.subarray(0, or), ol);
      terms.set(termBuffer.subarray(0, or * T), ol * T);
    }
    // Summed afresh (not parent − left) so leaf values are exact means.
    const ls = new Float64Array(S);
    for (let pos = start; pos < mid; pos++) addTerms(ls, 0, nodeTerms, pos);
    const rs = new Float64Array(S);
    for (let pos = mid; pos < end; pos++) addTerms(rs, 0, nodeTerms, pos);
    return [
      { start, end: mid, depth: w.depth + 1, parent: -1, isLeft: true, stats: ls, n: mid - start },
      { start: mid, end, depth: w.depth + 1, parent: -1, isLeft: false, stats: rs, n: end - mid },
    ];
  };
  const addNode = (w: Work): Mutable<TreeNode> => {
    const node: Mutable<TreeNode> = {
      id: nodes.length,
      parent: w.parent,
      depth: w.depth,
      feature: -1,
      featureName: null,
      column: null,
      threshold: NaN,
      missingGoesLeft: false,
      left: -1,
      right: -1,
      value: valueOf(w.stats),
      n: w.n,
      weightedN: totalW(w.stats),
      impurity: impurity(w.stats),
    };
    nodes.push(node);
    if (w.parent >= 0) {
      const parent = nodes[w.parent] as Mutable<TreeNode>;
      if (w.isLeft) parent.left = node.id;
      else parent.right = node.id;
    }
    return node;
  };
  const canSplit = (w: Work, node: TreeNode): boolean =>
    w.depth < maxDepth && w.n >= minSamplesSplit && w.n >= 2 * minSamplesLeaf && node.impurity > EPSILON;
  const markSplit = (node: Mutable<TreeNode>, s: Split): void => {
    node.feature = s.feature;
    node.featureName = design.names[s.feature];
    node.column = design.columns[design.source[s.feature]].column;
    node.threshold = s.threshold;
    // Without missing values in training, missing rows follow the larger child (as scikit-learn).
    node.missingGoesLeft = s.hasMissing ? s.missingLeft : s.nLeft >= node.n - s.nLeft;
  };

  const rootStats = new Float64Array(S);
  for (let k = 0; k < m; k++) addTerms(rootStats, 0, nodeTerms, k);
  const root: Work = { start: 0, end: m, depth: 0, parent: -1, isLeft: true, stats: rootStats, n: m };
  const rootW = totalW(rootStats);

  if (maxLeafNodes === undefined) {
    // Depth-first, left subtree before right (preorder ids).
    const stack: Work[] = [root];
    while (stack.length > 0) {
      const w = stack.pop() as Work;
      const node = addNode(w);
      if (!canSplit(w, node)) continue;
      const s = findSplit(w);
      if (!s) continue;
      markSplit(node, s);
      const [l, r] = applySplit(w, s);
      l.parent = r.parent = node.id;
      stack.push(r, l);
    }
  } else {
    // Best-first: expand the frontier node with the largest weighted impurity decrease.
    interface Candidate {
      work: Work;
      node: Mutable<TreeNode>;
      split: Split | null;
      gain: number;
    }
    const evaluate = (w: Work): Candidate => {
      const node = addNode(w);
      const split = canSplit(w, node) ? findSplit(w) : null;
      let gain = -Infinity;
      if (split) {
        const W = node.weightedN;
        // Exact decrease: (W/Wroot)·(imp − (W_L·imp_L + W_R·imp_R)/W); the children's term is recovered from the proxy.
        const childTerm = classif ? W - split.proxy : w.stats[2] - split.proxy;
        gain = (node.impurity * W - childTerm) / rootW;
      }
      return { work: w, node, split, gain };
    };
    const frontier: Candidate[] = [evaluate(root)];
    let leaves = 1;
    while (leaves < maxLeafNodes) {
      let bi = -1;
      for (let k = 0; k < frontier.length; k++) if (frontier[k].split && (bi < 0 || frontier[k].gain > frontier[bi].gain)) bi = k;
      if (bi < 0) break;
      const c = frontier.splice(bi, 1)[0];
      markSplit(c.node, c.split as Split);
      const [l, r] = applySplit(c.work, c.split as Split);
      l.parent = r.parent = c.node.id;
      frontier.push(evaluate(l), evaluate(r));
      leaves++;
    }
  }
  return nodes;
}
