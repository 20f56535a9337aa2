import { MISSING_BIN } from './gbdt-bins.js';

/** Histogram slots per feature: 256 bins × (gradient, hessian, count). */
const STRIDE = 256 * 3;
/** Categories seen fewer times in a node take no part in its categorical split (scikit-learn's MIN_CAT_SUPPORT). */
const MIN_CAT_SUPPORT = 10;
/** Smoothing added to the hessian when ordering categories (LightGBM's cat_smooth). */
const CAT_SMOOTH = 10;
/** Most categories on the left of a categorical split (LightGBM's max_cat_threshold). */
const MAX_CAT_THRESHOLD = 32;
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
  /** Gradient and hessian of the node's rows in row order, interleaved. */
  readonly ordGH: Float64Array;
  /** Rows per bin at the root: the same every iteration, so counted once. */
  readonly rootCounts: Float64Array;
  readonly pool: Float64Array[];
  readonly lut: Uint8Array;
  /** Three more histograms that share the rows of a build, all zero between builds. */
  readonly aux: Float64Array;
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
    ordGH: new Float64Array(2 * n),
    rootCounts: rootCounts(bins, n, featureBins.length),
    pool: [],
    lut: new Uint8Array(256),
    aux: new Float64Array(3 * featureBins.length * STRIDE),
    unitWeights: weights.every((v) => v === 1),
  };
}

/**
 * Sums gradients, hessians and counts per bin of every feature over `rows[start, end)`. The hot loop:
 * gradients and hessians are first gathered, interleaved, into row order so each feature's pass
 * reads them contiguously. Rows go in turn to `hist` and three copies in `aux` (kept all zero
 * between calls), which quarters the chains of dependent read-add-writes when neighbouring rows
 * share a bin (capital-gain is 0 in 92% of Adult's rows).
 */
export function buildHistogram(
  hist: Float64Array,
  aux: Float64Array,
  bins: Uint8Array,
  n: number,
  nFeatures: number,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  gh: Float64Array,
  featureBins: Int32Array,
): void {
  clear(hist, featureBins);
  const m = end - start;
  for (let i = 0; i < m; i++) {
    const r = rows[start + i];
    gh[2 * i] = grad[r];
    gh[2 * i + 1] = hess[r];
  }
  const size = nFeatures * STRIDE;
  const o2 = size;
  const o3 = 2 * size;
  for (let f = 0; f < nFeatures; f++) {
    const base = f * n;
    const off = f * STRIDE;
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const k = off + bins[base + rows[start + i]] * 3;
      const k1 = off + bins[base + rows[start + i + 1]] * 3;
      const k2 = o2 + off + bins[base + rows[start + i + 2]] * 3;
      const k3 = o3 + off + bins[base + rows[start + i + 3]] * 3;
      hist[k] += gh[2 * i];
      hist[k + 1] += gh[2 * i + 1];
      hist[k + 2] += 1;
      aux[k1] += gh[2 * i + 2];
      aux[k1 + 1] += gh[2 * i + 3];
      aux[k1 + 2] += 1;
      aux[k2] += gh[2 * i + 4];
      aux[k2 + 1] += gh[2 * i + 5];
      aux[k2 + 2] += 1;
      aux[k3] += gh[2 * i + 6];
      aux[k3 + 1] += gh[2 * i + 7];
      aux[k3 + 2] += 1;
    }
    for (; i < m; i++) {
      const k = off + bins[base + rows[start + i]] * 3;
      hist[k] += gh[2 * i];
      hist[k + 1] += gh[2 * i + 1];
      hist[k + 2] += 1;
    }
  }
  drain(hist, aux, featureBins);
}

/** Adds the copies in `aux` (three of them, see {@link buildRootHistogram}) into `hist` and zeroes them, over the slots in use. */
function drain(hist: Float64Array, aux: Float64Array, featureBins: Int32Array): void {
  const size = featureBins.length * STRIDE;
  for (let f = 0; f < featureBins.length; f++) {
    const off = f * STRIDE;
    const end = off + featureBins[f] * 3;
    for (let i = off; i < end; i++) {
      hist[i] += aux[i] + aux[size + i] + aux[2 * size + i];
      aux[i] = 0;
      aux[size + i] = 0;
      aux[2 * size + i] = 0;
    }
    for (let i = off + MISSING_BIN * 3; i < off + STRIDE; i++) {
      hist[i] += aux[i] + aux[size + i] + aux[2 * size + i];
      aux[i] = 0;
      aux[size + i] = 0;
      aux[2 * size + i] = 0;
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

/** The root's histogram: every row, no indirection; counts copied from `counts`; four copies as in {@link buildHistogram}. */
function buildRootHistogram(
  hist: Float64Array,
  aux: Float64Array,
  bins: Uint8Array,
  n: number,
  nFeatures: number,
  grad: Float64Array,
  hess: Float64Array,
  counts: Float64Array,
  featureBins: Int32Array,
): void {
  hist.set(counts);
  const size = nFeatures * STRIDE;
  const o2 = size;
  const o3 = 2 * size;
  for (let f = 0; f < nFeatures; f++) {
    const base = f * n;
    const off = f * STRIDE;
    let r = 0;
    for (; r + 3 < n; r += 4) {
      const k = off + bins[base + r] * 3;
      const k1 = off + bins[base + r + 1] * 3;
      const k2 = o2 + off + bins[base + r + 2] * 3;
      const k3 = o3 + off + bins[base + r + 3] * 3;
      hist[k] += grad[r];
      hist[k + 1] += hess[r];
      aux[k1] += grad[r + 1];
      aux[k1 + 1] += hess[r + 1];
      aux[k2] += grad[r + 2];
      aux[k2 + 1] += hess[r + 2];
      aux[k3] += grad[r + 3];
      aux[k3 + 1] += hess[r + 3];
    }
    for (; r < n; r++) {
      const k = off + bins[base + r] * 3;
      hist[k] += grad[r];
      hist[k + 1] += hess[r];
    }
  }
  drain(hist, aux, featureBins);
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
        best = { gain, feature: f, bin: t, missingLeft: mC > 0 ? false : lC >= rC, catBits: null, lG, lH, lC };
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
        best = { gain, feature: f, bin: t, missingLeft: true, catBits: null, lG, lH, lC };
      }
    }
  }
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
  const ratio = (b: number) => hist[off + b * 3] / (hist[off + b * 3 + 1] + CAT_SMOOTH);
  cats.sort((a, b) => ratio(a) - ratio(b) || a - b);
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
  // One byte per bin (missing included) says "left", so the loop is branch-free for every split kind.
  for (let b = 0; b < 256; b++) {
    lut[b] = b === MISSING_BIN ? (split.missingLeft ? 1 : 0) : split.catBits !== null ? (split.catBits[b >>> 5] >>> (b & 31)) & 1 : b <= split.bin ? 1 : 0;
  }
  return partitionRows(rows, scratch, bins, base, lut, start, end);
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
 * Grows one tree best-first (the leaf with the largest gain is split next) on `grad`/`hess`, and adds
 * each training row's leaf value to `raw[rawOffset + row]`. Node values are already scaled by the
 * learning rate.
 */
export function growTree(ctx: GrowContext, grad: Float64Array, hess: Float64Array, raw: Float64Array, rawOffset: number): BinNode[] {
  const { rows, n, nFeatures, maxLeafNodes, maxDepth, minSamplesLeaf, l2, learningRate } = ctx;
  for (let i = 0; i < n; i++) rows[i] = i;
  let G = 0;
  let H = 0;
  for (let i = 0; i < n; i++) {
    G += grad[i];
    H += hess[i];
  }
  const nodes: BinNode[] = [];
  const wts = ctx.unitWeights ? null : ctx.weights;
  const newNode = (depth: number, count: number, g: number, h: number, weight: number): number => {
    nodes.push({ feature: -1, bin: -1, catBits: null, missingLeft: false, left: -1, right: -1, value: (-learningRate * g) / (h + l2 + 1e-15), gain: 0, depth, count, weight });
    return nodes.length - 1;
  };
  const root = newNode(0, n, G, H, sumWeights(wts, rows, 0, n));
  const canSplit = (depth: number, count: number) => depth < maxDepth && count >= 2 * minSamplesLeaf;
  const open: Leaf[] = [];
  const leaves: Leaf[] = [];
  const rootLeaf: Leaf = { node: root, start: 0, end: n, g: G, h: H, hist: null, split: null };
  if (canSplit(0, n) && maxLeafNodes > 1) {
    const hist = takeHist(ctx);
    buildRootHistogram(hist, ctx.aux, ctx.bins, n, nFeatures, grad, hess, ctx.rootCounts, ctx.featureBins);
    rootLeaf.hist = hist;
    rootLeaf.split = findSplit(ctx, hist, G, H, n);
  }
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
    const mid = partition(ctx, leaf.start, leaf.end, split);
    const depth = parent.depth + 1;
    const lC = mid - leaf.start;
    const rC = leaf.end - mid;
    const lG = split.lG;
    const lH = split.lH;
    const rG = leaf.g - lG;
    const rH = leaf.h - lH;
    const li = newNode(depth, lC, lG, lH, sumWeights(wts, rows, leaf.start, mid));
    const ri = newNode(depth, rC, rG, rH, sumWeights(wts, rows, mid, leaf.end));
    parent.feature = split.feature;
    parent.bin = split.bin;
    parent.catBits = split.catBits;
    parent.missingLeft = split.missingLeft;
    parent.gain = split.gain;
    parent.left = li;
    parent.right = ri;
    leafCount++;
    const left: Leaf = { node: li, start: leaf.start, end: mid, g: lG, h: lH, hist: null, split: null };
    const right: Leaf = { node: ri, start: mid, end: leaf.end, g: rG, h: rH, hist: null, split: null };
    const lOk = canSplit(depth, lC) && leafCount < maxLeafNodes;
    const rOk = canSplit(depth, rC) && leafCount < maxLeafNodes;
    if (lOk || rOk) {
      // Histogram subtraction: build the smaller child, the sibling is the parent minus it.
      const small = lC <= rC ? left : right;
      const large = lC <= rC ? right : left;
      const hist = takeHist(ctx);
      buildHistogram(hist, ctx.aux, ctx.bins, n, nFeatures, rows, small.start, small.end, grad, hess, ctx.ordGH, ctx.featureBins);
      const parentHist = leaf.hist!;
      subtract(parentHist, hist, ctx.featureBins);
      small.hist = hist;
      large.hist = parentHist;
      if (lOk) left.split = findSplit(ctx, left.hist!, lG, lH, lC);
      if (rOk) right.split = findSplit(ctx, right.hist!, rG, rH, rC);
    } else if (leaf.hist) ctx.pool.push(leaf.hist);
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
  return nodes;
}
