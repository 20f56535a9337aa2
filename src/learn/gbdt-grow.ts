import { MISSING_BIN } from './gbdt-bins.js';

/** Histogram slots per feature: 256 bins × (gradient, hessian, count). */
const STRIDE = 256 * 3;
/** Categories seen fewer times in a node take no part in its categorical split (scikit-learn's MIN_CAT_SUPPORT). */
const MIN_CAT_SUPPORT = 10;
/** Smoothing added to the hessian when ordering categories (LightGBM's cat_smooth). */
const CAT_SMOOTH = 10;
/** Most categories on the left of a categorical split (LightGBM's max_cat_threshold). */
const MAX_CAT_THRESHOLD = 32;
/** Scratch for {@link findCategoricalSplit}: each category's sort key. */
const catRatio = new Float64Array(256);
/** Least hessian sum of a child (scikit-learn's min_hessian_to_split). */
const MIN_HESSIAN = 1e-3;

/** A node of a grown tree, in bin space. Leaves have `left === -1`. */
export interface BinNode {
  feature: number;
  /** Numeric: rows with bin <= `bin` go left. */
  bin: number;
  /** Categorical split: bins going left, 256 bits. Null for numeric splits and leaves. */
  catBits: Uint32Array | null;
  missingLeft: boolean;
  left: number;
  right: number;
  value: number;
  gain: number;
  depth: number;
  count: number;
  /** Sum of sample weights (TreeSHAP cover). */
  weight: number;
}

/** Everything growing one tree reads, allocated once per fit. */
export interface GrowContext {
  /** Binned features, column-major: feature f of row r at `bins[f * n + r]`. */
  readonly bins: Uint8Array;
  readonly n: number;
  readonly nFeatures: number;
  /** Non-missing bins per feature. */
  readonly featureBins: Int32Array;
  /** 1 for categorical features. */
  readonly isCategorical: Uint8Array;
  readonly weights: Float64Array;
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
  /** Row order, partitioned in place by the splits: leaf rows are a contiguous range. */
  readonly rows: Uint32Array;
  readonly scratch: Uint32Array;
  /** Rows per bin at the root: the same every iteration, so counted once. */
  readonly rootCounts: Float64Array;
  readonly pool: Float64Array[];
  readonly lut: Uint8Array;
  /** Every weight is 1: a node's weight is its count. */
  readonly unitWeights: boolean;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  catBits: Uint32Array | null;
  lG: number;
  lH: number;
  lC: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  split: Split | null;
}

/** A split whose children are both final leaves, left unpartitioned: its rows are `rows[start, end)` of the parent `node`. */
interface Final {
  node: number;
  start: number;
  end: number;
  split: Split;
}

/** Allocates the per-fit buffers. */
export function growContext(
  bins: Uint8Array,
  n: number,
  featureBins: Int32Array,
  isCategorical: Uint8Array,
  weights: Float64Array,
  params: { maxLeafNodes: number; maxDepth: number; minSamplesLeaf: number; l2: number; learningRate: number },
): GrowContext {
  return {
    bins,
    n,
    nFeatures: featureBins.length,
    featureBins,
    isCategorical,
    weights,
    ...params,
    rows: new Uint32Array(n),
    scratch: new Uint32Array(n),
    rootCounts: rootCounts(bins, n, featureBins.length),
    pool: [],
    lut: new Uint8Array(256),
    unitWeights: weights.every((v) => v === 1),
  };
}

/**
 * Sums gradients, hessians and counts per bin of every feature over `rows[start, end)`, from separate
 * gradient and hessian arrays. `_aux` and `_gh` are no longer used (the loop needs no scratch); the
 * signature is kept. See {@link histogramOf}.
 */
export function buildHistogram(
  hist: Float64Array,
  _aux: Float64Array,
  bins: Uint8Array,
  n: number,
  nFeatures: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  _gh: Float64Array,
  featureBins: Int32Array,
): void {
  const pairs = new Float64Array(2 * n);
  for (let r = 0; r < n; r++) {
    pairs[2 * r] = grad[r];
    pairs[2 * r + 1] = hess[r];
  }
  histogramOf(hist, bins, n, nFeatures, rows, start, end, pairs, featureBins);
}

/**
 * Sums gradients, hessians and counts per bin of every feature over `rows[start, end)`. The hot loop,
 * row by row: a row's gradient/hessian pair (`gh`, interleaved by row) is read once and added to each
 * feature's bin. Neighbouring writes go to different features, so they form no chain of dependent
 * read-add-writes even when many rows share a bin (capital-gain is 0 in 92% of Adult's rows); four rows
 * per step keep more of them in flight. Rows within a node are in ascending order, so the feature
 * columns are read forwards.
 */
function histogramOf(hist: Float64Array, bins: Uint8Array, n: number, nFeatures: number, rows: Uint32Array, start: number, end: number, gh: Float64Array, featureBins: Int32Array): void {
  clear(hist, featureBins);
  let i = start;
  for (; i + 3 < end; i += 4) {
    const r = rows[i];
    const r1 = rows[i + 1];
    const r2 = rows[i + 2];
    const r3 = rows[i + 3];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const g1 = gh[2 * r1];
    const h1 = gh[2 * r1 + 1];
    const g2 = gh[2 * r2];
    const h2 = gh[2 * r2 + 1];
    const g3 = gh[2 * r3];
    const h3 = gh[2 * r3 + 1];
    for (let f = 0, base = 0, off = 0; f < nFeatures; f++, base += n, off += STRIDE) {
      const k = off + bins[base + r] * 3;
      hist[k] += g;
      hist[k + 1] += h;
      hist[k + 2] += 1;
      const k1 = off + bins[base + r1] * 3;
      hist[k1] += g1;
      hist[k1 + 1] += h1;
      hist[k1 + 2] += 1;
      const k2 = off + bins[base + r2] * 3;
      hist[k2] += g2;
      hist[k2 + 1] += h2;
      hist[k2 + 2] += 1;
      const k3 = off + bins[base + r3] * 3;
      hist[k3] += g3;
      hist[k3 + 1] += h3;
      hist[k3 + 2] += 1;
    }
  }
  for (; i < end; i++) {
    const r = rows[i];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    for (let f = 0, base = 0, off = 0; f < nFeatures; f++, base += n, off += STRIDE) {
      const k = off + bins[base + r] * 3;
      hist[k] += g;
      hist[k + 1] += h;
      hist[k + 2] += 1;
    }
  }
}

/** Rows per bin of every feature over all rows (histogram layout, gradient and hessian slots 0). */
function rootCounts(bins: Uint8Array, n: number, nFeatures: number): Float64Array {
  const counts = new Float64Array(nFeatures * STRIDE);
  for (let f = 0; f < nFeatures; f++) {
    const base = f * n;
    const off = f * STRIDE;
    for (let r = 0; r < n; r++) counts[off + bins[base + r] * 3 + 2] += 1;
  }
  return counts;
}

/** The root's histogram: every row, no indirection; counts copied from `counts`; four rows at a time, row by row as in {@link histogramOf}. */
function buildRootHistogram(hist: Float64Array, bins: Uint8Array, n: number, nFeatures: number, gh: Float64Array, counts: Float64Array): void {
  hist.set(counts);
  let r = 0;
  for (; r + 3 < n; r += 4) {
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const g1 = gh[2 * r + 2];
    const h1 = gh[2 * r + 3];
    const g2 = gh[2 * r + 4];
    const h2 = gh[2 * r + 5];
    const g3 = gh[2 * r + 6];
    const h3 = gh[2 * r + 7];
    for (let f = 0, base = r, off = 0; f < nFeatures; f++, base += n, off += STRIDE) {
      const k = off + bins[base] * 3;
      hist[k] += g;
      hist[k + 1] += h;
      const k1 = off + bins[base + 1] * 3;
      hist[k1] += g1;
      hist[k1 + 1] += h1;
      const k2 = off + bins[base + 2] * 3;
      hist[k2] += g2;
      hist[k2 + 1] += h2;
      const k3 = off + bins[base + 3] * 3;
      hist[k3] += g3;
      hist[k3 + 1] += h3;
    }
  }
  for (; r < n; r++) {
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    for (let f = 0, base = r, off = 0; f < nFeatures; f++, base += n, off += STRIDE) {
      const k = off + bins[base] * 3;
      hist[k] += g;
      hist[k + 1] += h;
    }
  }
}

// Only the slots of bins a feature has (and its missing bin) are touched: most features use few of the 256.
function clear(hist: Float64Array, featureBins: Int32Array): void {
  for (let f = 0; f < featureBins.length; f++) {
    const off = f * STRIDE;
    hist.fill(0, off, off + featureBins[f] * 3);
    hist.fill(0, off + MISSING_BIN * 3, off + STRIDE);
  }
}

function subtract(parent: Float64Array, child: Float64Array, featureBins: Int32Array): void {
  for (let f = 0; f < featureBins.length; f++) {
    const off = f * STRIDE;
    const end = off + featureBins[f] * 3;
    for (let i = off; i < end; i++) parent[i] -= child[i];
    const m = off + MISSING_BIN * 3;
    parent[m] -= child[m];
    parent[m + 1] -= child[m + 1];
    parent[m + 2] -= child[m + 2];
  }
}

function score(g: number, h: number, l2: number): number {
  return (g * g) / (h + l2);
}

/** The best split of a node over every feature, or null when none has positive gain. */
function findSplit(ctx: GrowContext, hist: Float64Array, G: number, H: number, C: number): Split | null {
  const { l2, minSamplesLeaf } = ctx;
  const parentScore = score(G, H, l2);
  let best: Split | null = null;
  let bestGain = 1e-12;
  // The best numeric split so far, as scalars: the Split object is made once, at the end.
  let bF = -1;
  let bT = 0;
  let bMissingLeft = false;
  let bG = 0;
  let bH = 0;
  let bC = 0;
  for (let f = 0; f < ctx.nFeatures; f++) {
    const off = f * STRIDE;
    const nb = ctx.featureBins[f];
    const mk = off + MISSING_BIN * 3;
    const mG = hist[mk];
    const mH = hist[mk + 1];
    const mC = hist[mk + 2];
    if (ctx.isCategorical[f] === 1) {
      const s = findCategoricalSplit(hist, off, nb, G, H, C, l2, minSamplesLeaf, parentScore, bestGain, f);
      if (s !== null) {
        best = s;
        bestGain = s.gain;
        bF = -1;
      }
      continue;
    }
    // Missing values to the right: left = bins 0..t; with missing rows, t = nb-1 splits missing from the rest.
    let lG = 0;
    let lH = 0;
    let lC = 0;
    const lastT = mC > 0 ? nb - 1 : nb - 2;
    for (let t = 0; t <= lastT; t++) {
      const k = off + t * 3;
      lG += hist[k];
      lH += hist[k + 1];
      lC += hist[k + 2];
      if (lC < minSamplesLeaf || lH < MIN_HESSIAN) continue;
      const rC = C - lC;
      const rH = H - lH;
      if (rC < minSamplesLeaf) break;
      if (rH < MIN_HESSIAN) continue;
      const gain = score(lG, lH, l2) + score(G - lG, rH, l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bF = f;
        bT = t;
        bMissingLeft = mC > 0 ? false : lC >= rC;
        bG = lG;
        bH = lH;
        bC = lC;
      }
    }
    if (mC === 0) continue;
    // Missing values to the left: left = missing + bins 0..t.
    lG = mG;
    lH = mH;
    lC = mC;
    for (let t = 0; t <= nb - 2; t++) {
      const k = off + t * 3;
      lG += hist[k];
      lH += hist[k + 1];
      lC += hist[k + 2];
      if (lC < minSamplesLeaf || lH < MIN_HESSIAN) continue;
      const rC = C - lC;
      const rH = H - lH;
      if (rC < minSamplesLeaf) break;
      if (rH < MIN_HESSIAN) continue;
      const gain = score(lG, lH, l2) + score(G - lG, rH, l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bF = f;
        bT = t;
        bMissingLeft = true;
        bG = lG;
        bH = lH;
        bC = lC;
      }
    }
  }
  if (bF >= 0) return { gain: bestGain, feature: bF, bin: bT, missingLeft: bMissingLeft, catBits: null, lG: bG, lH: bH, lC: bC };
  return best;
}

/**
 * A categorical split as LightGBM and scikit-learn find it: categories (the missing bin as one more)
 * with enough support are sorted by g / (h + cat_smooth), and prefixes of that order from either end
 * are tried as the left set.
 */
function findCategoricalSplit(
  hist: Float64Array,
  off: number,
  nb: number,
  G: number,
  H: number,
  C: number,
  l2: number,
  minSamplesLeaf: number,
  parentScore: number,
  bestGain: number,
  f: number,
): Split | null {
  const cats: number[] = [];
  for (let b = 0; b < nb; b++) if (hist[off + b * 3 + 2] >= MIN_CAT_SUPPORT) cats.push(b);
  if (hist[off + MISSING_BIN * 3 + 2] >= MIN_CAT_SUPPORT) cats.push(MISSING_BIN);
  const used = cats.length;
  if (used < 2) return null;
  const ratio = catRatio;
  for (const b of cats) ratio[b] = hist[off + b * 3] / (hist[off + b * 3 + 1] + CAT_SMOOTH);
  cats.sort((a, b) => ratio[a] - ratio[b] || a - b);
  const limit = Math.min(MAX_CAT_THRESHOLD, (used + 1) >> 1);
  let best: Split | null = null;
  for (let dir = 0; dir < 2; dir++) {
    let lG = 0;
    let lH = 0;
    let lC = 0;
    for (let i = 0; i < limit && i < used - 1; i++) {
      const b = dir === 0 ? cats[i] : cats[used - 1 - i];
      const k = off + b * 3;
      lG += hist[k];
      lH += hist[k + 1];
      lC += hist[k + 2];
      if (lC < minSamplesLeaf || lH < MIN_HESSIAN) continue;
      const rC = C - lC;
      const rH = H - lH;
      if (rC < minSamplesLeaf || rH < MIN_HESSIAN) break;
      const gain = score(lG, lH, l2) + score(G - lG, rH, l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        const bits = new Uint32Array(8);
        let missingLeft = false;
        for (let j = 0; j <= i; j++) {
          const c = dir === 0 ? cats[j] : cats[used - 1 - j];
          bits[c >>> 5] |= 1 << (c & 31);
          if (c === MISSING_BIN) missingLeft = true;
        }
        best = { gain, feature: f, bin: -1, missingLeft, catBits: bits, lG, lH, lC };
      }
    }
  }
  return best;
}

function takeHist(ctx: GrowContext): Float64Array {
  return ctx.pool.pop() ?? new Float64Array(ctx.nFeatures * STRIDE);
}

/** Stable in-place partition of `rows[start, end)` by the split; returns the first right index. */
function partition(ctx: GrowContext, start: number, end: number, split: Split): number {
  const { rows, scratch, bins, lut } = ctx;
  const base = split.feature * ctx.n;
  setLut(lut, split);
  return partitionRows(rows, scratch, bins, base, lut, start, end);
}

/** One byte per bin (missing included) says "left", so loops over rows are branch-free for every split kind. */
function setLut(lut: Uint8Array, split: Split): void {
  for (let b = 0; b < 256; b++) {
    lut[b] = b === MISSING_BIN ? (split.missingLeft ? 1 : 0) : split.catBits !== null ? (split.catBits[b >>> 5] >>> (b & 31)) & 1 : b <= split.bin ? 1 : 0;
  }
}

function partitionRows(rows: Uint32Array, scratch: Uint32Array, bins: Uint8Array, base: number, lut: Uint8Array, start: number, end: number): number {
  let l = start;
  let r = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const g = lut[bins[base + row]];
    rows[l] = row;
    scratch[r] = row;
    l += g;
    r += 1 - g;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

function sumWeights(w: Float64Array | null, rows: Uint32Array, start: number, end: number): number {
  if (w === null) return end - start;
  let s = 0;
  for (let i = start; i < end; i++) s += w[rows[i]];
  return s;
}

/**
 * Grows one tree best-first (the leaf with the largest gain is split next) on the gradient/hessian
 * pairs `gh` (by row, interleaved), and adds
 * each training row's leaf value to `raw[rawOffset + row]`. Node values are already scaled by the
 * learning rate.
 */
export function growTree(ctx: GrowContext, gh: Float64Array, raw: Float64Array, rawOffset: number): BinNode[] {
  const { rows, n, nFeatures, maxLeafNodes, maxDepth, minSamplesLeaf, l2, learningRate, lut, bins } = ctx;
  for (let i = 0; i < n; i++) rows[i] = i;
  const canSplit = (depth: number, count: number) => depth < maxDepth && count >= 2 * minSamplesLeaf;
  let rootHist: Float64Array | null = null;
  let G = 0;
  let H = 0;
  if (canSplit(0, n) && maxLeafNodes > 1) {
    rootHist = takeHist(ctx);
    buildRootHistogram(rootHist, ctx.bins, n, nFeatures, gh, ctx.rootCounts);
    // The node's sums are any one feature's histogram summed (its bins and the missing bin hold every row).
    const m = MISSING_BIN * 3;
    G = rootHist[m];
    H = rootHist[m + 1];
    for (let k = 0; k < ctx.featureBins[0] * 3; k += 3) {
      G += rootHist[k];
      H += rootHist[k + 1];
    }
  } else {
    for (let i = 0; i < n; i++) {
      G += gh[2 * i];
      H += gh[2 * i + 1];
    }
  }
  const nodes: BinNode[] = [];
  const wts = ctx.unitWeights ? null : ctx.weights;
  const newNode = (depth: number, count: number, g: number, h: number, weight: number): number => {
    nodes.push({ feature: -1, bin: -1, catBits: null, missingLeft: false, left: -1, right: -1, value: (-learningRate * g) / (h + l2 + 1e-15), gain: 0, depth, count, weight });
    return nodes.length - 1;
  };
  const root = newNode(0, n, G, H, sumWeights(wts, rows, 0, n));
  const open: Leaf[] = [];
  const leaves: Leaf[] = [];
  const finals: Final[] = [];
  const rootLeaf: Leaf = { node: root, start: 0, end: n, g: G, h: H, hist: rootHist, split: null };
  if (rootHist !== null) rootLeaf.split = findSplit(ctx, rootHist, G, H, n);
  if (rootLeaf.split !== null) open.push(rootLeaf);
  else {
    if (rootLeaf.hist) ctx.pool.push(rootLeaf.hist);
    leaves.push(rootLeaf);
  }
  let leafCount = 1;
  while (open.length > 0 && leafCount < maxLeafNodes) {
    let bi = 0;
    for (let i = 1; i < open.length; i++) if (open[i].split!.gain > open[bi].split!.gain) bi = i;
    const leaf = open[bi];
    open.splice(bi, 1);
    const split = leaf.split!;
    const parent = nodes[leaf.node];
    const depth = parent.depth + 1;
    leafCount++;
    // Children that can split no further need no partition: their rows get their values by one pass over the parent's range.
    const lC0 = split.lC;
    const rC0 = leaf.end - leaf.start - lC0;
    const final = !((canSplit(depth, lC0) || canSplit(depth, rC0)) && leafCount < maxLeafNodes);
    const mid = final ? -1 : partition(ctx, leaf.start, leaf.end, split);
    const lC = final ? lC0 : mid - leaf.start;
    const rC = final ? rC0 : leaf.end - mid;
    const lG = split.lG;
    const lH = split.lH;
    const rG = leaf.g - lG;
    const rH = leaf.h - lH;
    const li = newNode(depth, lC, lG, lH, final ? 0 : sumWeights(wts, rows, leaf.start, mid));
    const ri = newNode(depth, rC, rG, rH, final ? 0 : sumWeights(wts, rows, mid, leaf.end));
    parent.feature = split.feature;
    parent.bin = split.bin;
    parent.catBits = split.catBits;
    parent.missingLeft = split.missingLeft;
    parent.gain = split.gain;
    parent.left = li;
    parent.right = ri;
    if (final) {
      if (leaf.hist) ctx.pool.push(leaf.hist);
      finals.push({ start: leaf.start, end: leaf.end, node: leaf.node, split });
      continue;
    }
    const left: Leaf = { node: li, start: leaf.start, end: mid, g: lG, h: lH, hist: null, split: null };
    const right: Leaf = { node: ri, start: mid, end: leaf.end, g: rG, h: rH, hist: null, split: null };
    const lOk = canSplit(depth, lC) && leafCount < maxLeafNodes;
    const rOk = canSplit(depth, rC) && leafCount < maxLeafNodes;
    // Histogram subtraction: build the smaller child, the sibling is the parent minus it.
    const small = lC <= rC ? left : right;
    const large = lC <= rC ? right : left;
    const hist = takeHist(ctx);
    histogramOf(hist, ctx.bins, n, nFeatures, rows, small.start, small.end, gh, ctx.featureBins);
    const parentHist = leaf.hist!;
    subtract(parentHist, hist, ctx.featureBins);
    small.hist = hist;
    large.hist = parentHist;
    if (lOk) left.split = findSplit(ctx, left.hist!, lG, lH, lC);
    if (rOk) right.split = findSplit(ctx, right.hist!, rG, rH, rC);
    for (const child of [left, right]) {
      if (child.split !== null) open.push(child);
      else {
        if (child.hist) ctx.pool.push(child.hist);
        child.hist = null;
        leaves.push(child);
      }
    }
  }
  for (const leaf of open) {
    if (leaf.hist) ctx.pool.push(leaf.hist);
    leaves.push(leaf);
  }
  for (const leaf of leaves) {
    const v = nodes[leaf.node].value;
    for (let i = leaf.start; i < leaf.end; i++) raw[rawOffset + rows[i]] += v;
  }
  for (const fin of finals) {
    const parent = nodes[fin.node];
    const l = nodes[parent.left];
    const r = nodes[parent.right];
    setLut(lut, fin.split);
    const base = fin.split.feature * n;
    const vl = l.value;
    const vr = r.value;
    if (wts === null) {
      l.weight = l.count;
      r.weight = r.count;
      for (let i = fin.start; i < fin.end; i++) {
        const row = rows[i];
        raw[rawOffset + row] += lut[bins[base + row]] === 1 ? vl : vr;
      }
    } else {
      let wl = 0;
      let wr = 0;
      for (let i = fin.start; i < fin.end; i++) {
        const row = rows[i];
        if (lut[bins[base + row]] === 1) {
          raw[rawOffset + row] += vl;
          wl += wts[row];
        } else {
          raw[rawOffset + row] += vr;
          wr += wts[row];
        }
      }
      l.weight = wl;
      r.weight = wr;
    }
  }
  return nodes;
}
