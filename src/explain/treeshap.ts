import { userError } from '../errors/index.js';
import { Table } from '../table/index.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';

/** Result of {@link treeShap}. Plain data. */
export interface TreeShapResult {
  /** The explained columns: the model's inputs. */
  readonly features: readonly string[];
  readonly rows: number;
  /**
   * One row-major rows × features matrix per output (one for binary and regression, one per class):
   * `values[k][i * features.length + j]` is feature j's contribution to output k of row i.
   */
  readonly values: Float64Array[];
  /** Per output: the model's raw output with no feature known (baseline plus each tree's cover-weighted mean). */
  readonly expectedValue: number[];
}

/**
 * TreeSHAP over one tree at a time, with the path buffers allocated once. The path at depth d
 * occupies slots `[start, start + d]`; each level copies its parent's path just past it, so one
 * buffer of (D+2)(D+3)/2 slots serves trees of depth D without allocating per row. Closure-held
 * typed arrays keep the recursion monomorphic and free of property lookups.
 */
function shapMachine(slots: number) {
  const pf = new Int32Array(slots);
  const pz = new Float64Array(slots);
  const po = new Float64Array(slots);
  const pw = new Float64Array(slots);
  // inv[k] = 1 / k: the recurrences divide by small integers; multiplying is cheaper.
  const inv = new Float64Array(slots + 2);
  for (let k = 1; k < inv.length; k++) inv[k] = 1 / k;
  let tree: ShapTree | undefined;
  const noInts: Int32Array = new Int32Array(0);
  const noFloats: Float64Array = new Float64Array(0);
  const noBytes: Uint8Array = new Uint8Array(0);
  let left = noInts;
  let right = noInts;
  let feat = noInts;
  let cover = noFloats;
  let value = noFloats;
  let threshold = noFloats;
  let missingLeft = noBytes;
  let categorical = noBytes;
  let hasCategorical = false;
  let strict = false;
  let goesLeft: ((node: number, x: number) => boolean) | null = null;
  let x = noFloats;
  let xOffset = 0;
  let phi = noFloats;
  let phiOffset = 0;

  /** Lundberg et al. (2018), Algorithm 2, EXTEND. */
  function extend(start: number, depth: number, zero: number, one: number, feature: number): void {
    pf[start + depth] = feature;
    pz[start + depth] = zero;
    po[start + depth] = one;
    pw[start + depth] = depth === 0 ? 1 : 0;
    const r = inv[depth + 1];
    for (let i = depth - 1; i >= 0; i--) {
      pw[start + i + 1] += one * pw[start + i] * (i + 1) * r;
      pw[start + i] = zero * pw[start + i] * (depth - i) * r;
    }
  }

  /** Algorithm 2, UNWIND: removes element `index` from a path of length depth+1. */
  function unwind(start: number, depth: number, index: number): void {
    const one = po[start + index];
    const zero = pz[start + index];
    const d1 = depth + 1;
    let next = pw[start + depth];
    if (one !== 0) {
      const r = 1 / one;
      const zr = zero * inv[d1];
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = pw[start + i];
        pw[start + i] = next * d1 * inv[i + 1] * r;
        next = tmp - pw[start + i] * zr * (depth - i);
      }
    } else {
      const r = d1 / zero;
      for (let i = depth - 1; i >= 0; i--) pw[start + i] = pw[start + i] * r * inv[depth - i];
    }
    for (let i = index; i < depth; i++) {
      pf[start + i] = pf[start + i + 1];
      pz[start + i] = pz[start + i + 1];
      po[start + i] = po[start + i + 1];
    }
  }

  /** The total permutation weight of the path had element `index` been unwound (UNWIND without mutating). */
  function unwoundSum(start: number, depth: number, index: number): number {
    const one = po[start + index];
    const zero = pz[start + index];
    const d1 = depth + 1;
    let next = pw[start + depth];
    let total = 0;
    if (one !== 0) {
      const r = d1 / one;
      const zr = zero * inv[d1];
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = next * r * inv[i + 1];
        total += tmp;
        next = pw[start + i] - tmp * zr * (depth - i);
      }
    } else if (zero !== 0) {
      const r = d1 / zero;
      for (let i = depth - 1; i >= 0; i--) total += pw[start + i] * r * inv[depth - i];
    }
    return total;
  }

  /** Algorithm 2, RECURSE: the parent's path (`depth` elements) starts at `parentStart`; this node's is copied just past it and extended with element `depth`. */
  function recurse(node: number, parentStart: number, depth: number, zero: number, one: number, feature: number): void {
    const start = parentStart + depth + 1;
    // Copy the parent's path so siblings see it unchanged (a loop: copyWithin costs more on a few slots).
    for (let i = 0; i <= depth; i++) {
      pf[start + i] = pf[parentStart + i];
      pz[start + i] = pz[parentStart + i];
      po[start + i] = po[parentStart + i];
      pw[start + i] = pw[parentStart + i];
    }
    extend(start, depth, zero, one, feature);
    const l = left[node];
    if (l < 0) {
      const v = value[node];
      for (let i = 1; i <= depth; i++) {
        phi[phiOffset + pf[start + i]] += unwoundSum(start, depth, i) * (po[start + i] - pz[start + i]) * v;
      }
      return;
    }
    const split = feat[node];
    const xv = x[xOffset + split];
    let goLeft: boolean;
    if (hasCategorical && categorical[node] === 1) goLeft = goesLeft!(node, xv);
    else if (xv !== xv) goLeft = missingLeft[node] === 1;
    else goLeft = strict ? xv < threshold[node] : xv <= threshold[node];
    const hot = goLeft ? l : right[node];
    const cold = goLeft ? right[node] : l;
    const c = cover[node];
    let inZero = 1;
    let inOne = 1;
    let k = 1;
    while (k <= depth && pf[start + k] !== split) k++;
    if (k <= depth) {
      inZero = pz[start + k];
      inOne = po[start + k];
      unwind(start, depth, k);
      depth--;
    }
    // Below a node no cover row reached (covers counted on data), no child has a share.
    const hotZero = c > 0 ? (cover[hot] / c) * inZero : 0;
    const coldZero = c > 0 ? (cover[cold] / c) * inZero : 0;
    // A child with both fractions 0 adds exactly nothing (every path weight holds one of them).
    if (hotZero !== 0 || inOne !== 0) recurse(hot, start, depth + 1, hotZero, inOne, split);
    if (coldZero !== 0) recurse(cold, start, depth + 1, coldZero, 0, split);
  }

  return {
    slots,
    /** Adds the contributions of `t` for the row at `x[xOff..]` to `out[outOff..]`. */
    run(t: ShapTree, matrix: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
      if (t !== tree) {
        tree = t;
        left = t.left;
        right = t.right;
        feat = t.feature;
        cover = t.cover;
        value = t.value;
        threshold = t.threshold;
        missingLeft = t.missingLeft;
        strict = t.strict;
        hasCategorical = t.categorical !== null;
        categorical = t.categorical ?? noBytes;
        goesLeft = t.goesLeft;
      }
      x = matrix;
      xOffset = xOff;
      phi = out;
      phiOffset = outOff;
      // The root's path is one dummy element (feature -1) that never matches a split.
      recurse(0, 0, 0, 1, 1, -1);
    },
    /** Drops the references to the caller's arrays. */
    release(): void {
      x = phi = value = cover = threshold = noFloats;
      left = right = feat = noInts;
      missingLeft = categorical = noBytes;
      goesLeft = null;
      tree = undefined;
    },
  };
}

let machine: ReturnType<typeof shapMachine> | null = null;

/** The child of inner node `node` that the value `x` of its split feature goes to (NaN is missing). */
export function treeChild(tree: ShapTree, node: number, x: number): number {
  let left: boolean;
  if (tree.categorical !== null && tree.categorical[node] === 1) left = tree.goesLeft!(node, x);
  else if (x !== x) left = tree.missingLeft[node] === 1;
  else left = tree.strict ? x < tree.threshold[node] : x <= tree.threshold[node];
  return left ? tree.left[node] : tree.right[node];
}

function treeDepth(tree: ShapTree): number {
  let max = 0;
  const stack = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const node = stack.pop()!;
    if (tree.left[node] < 0) max = Math.max(max, d);
    else stack.push(tree.left[node], d + 1, tree.right[node], d + 1);
  }
  return max;
}

/** The tree's value with no feature known: leaves weighted by cover fractions down the tree (XGBoost's node mean). */
export function treeExpectedValue(tree: ShapTree, node = 0): number {
  const l = tree.left[node];
  if (l < 0) return tree.value[node];
  const c = tree.cover[node];
  // A node with no cover has no weight in its parent's mean, and its children none in its own.
  if (c === 0) return 0;
  const r = tree.right[node];
  return (tree.cover[l] * treeExpectedValue(tree, l) + tree.cover[r] * treeExpectedValue(tree, r)) / c;
}

/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent Individualized Feature
 * Attribution for Tree Ensembles", Algorithm 2) of every row, summed over the trees, in raw-margin
 * space (log-odds or class logits, as XGBoost's `pred_contribs`). Missing values follow each split's
 * learned direction. For every row and output, the contributions plus `expectedValue` equal the raw
 * output. A node below the root may have cover 0 (covers counted on data no row of which reached
 * it): its children then get no share of the paths that do not follow the row.
 * @example
 * const { values, expectedValue } = treeShap(shapTreesFromGbdt(model), table);
 * // values[0][i * F + j]: feature j's contribution to row i's log-odds
 */
export function treeShap(ensemble: ShapEnsemble, input: Table | FeatureMatrix): TreeShapResult {
  const F = ensemble.features.length;
  const K = ensemble.baseline.length;
  if (K === 0) throw userError('invalid_model', 'invalid tree ensemble: no outputs (baseline is empty)');
  const matrix = input instanceof Table ? ensemble.encode(input) : input;
  const n = matrix.rows;
  if (!(Number.isInteger(n) && n >= 0) || matrix.values.length !== n * F) {
    throw userError('invalid_input', `invalid feature matrix: ${matrix.values.length} values for ${n} rows × ${F} features`, { rows: n, features: F });
  }
  const values = Array.from({ length: K }, () => new Float64Array(n * F));
  const expectedValue = [...ensemble.baseline];
  let maxDepth = 0;
  for (let t = 0; t < ensemble.trees.length; t++) {
    const tree = ensemble.trees[t];
    if (!(tree.output >= 0 && tree.output < K)) throw userError('invalid_model', `invalid tree output: ${tree.output} (expected 0..${K - 1})`);
    for (let j = 0; j < tree.left.length; j++) {
      // Cover fractions divide by the parent's cover. Below the root a cover may be 0 (a node no
      // row reached when covers are counted on data): its children then get no share.
      if (tree.left[j] >= 0 && !((j === 0 ? tree.cover[j] > 0 : tree.cover[j] >= 0) && tree.cover[j] < Infinity)) {
        throw userError('invalid_model', `invalid cover: ${tree.cover[j]} at node ${j} of tree ${t} (TreeSHAP needs positive training covers)`, { tree: t, node: j });
      }
    }
    maxDepth = Math.max(maxDepth, treeDepth(tree));
    expectedValue[tree.output] += treeExpectedValue(tree);
  }
  const slots = ((maxDepth + 2) * (maxDepth + 3)) / 2;
  // One machine for the module: recreating its closures each call costs V8 its optimised code.
  if (machine === null || machine.slots < slots) machine = shapMachine(Math.max(slots, 28)); // 28: room for depth 5
  const x = matrix.values;
  try {
    for (const tree of ensemble.trees) {
      if (tree.left[0] < 0) continue;
      const out = values[tree.output];
      for (let i = 0; i < n; i++) machine.run(tree, x, i * F, out, i * F);
    }
  } finally {
    machine.release();
  }
  return { features: ensemble.features, rows: n, values, expectedValue };
}

