import { userError } from '../errors/index.js';
import { Table } from '../table/index.js';
import { treeChild, type TreeShapResult } from './treeshap.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';

/** Result of {@link interventionalTreeShap}: {@link TreeShapResult} plus the background size. */
export interface InterventionalShapResult extends TreeShapResult {
  /** Rows of the background set the contributions are averaged over. */
  readonly backgroundRows: number;
}

/** Options of {@link interventionalTreeShap}. */
export interface InterventionalShapOptions {
  /** Called with the fraction of trees done. */
  readonly onProgress?: (fraction: number) => void;
}

function matrixOf(ensemble: ShapEnsemble, input: Table | FeatureMatrix, what: string): FeatureMatrix {
  const F = ensemble.features.length;
  const m = input instanceof Table ? ensemble.encode(input) : input;
  if (!(Number.isInteger(m.rows) && m.rows >= 0) || m.values.length !== m.rows * F) {
    throw userError('invalid_input', `invalid ${what} matrix: ${m.values.length} values for ${m.rows} rows × ${F} features`, { rows: m.rows, features: F });
  }
  return m;
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

/** For every inner node, 1 when row `row` of `m` goes left (into `out[row * nodes + node]`). */
function directions(tree: ShapTree, m: FeatureMatrix, F: number, out: Uint8Array): void {
  const nodes = tree.left.length;
  const { left, feature } = tree;
  const v = m.values;
  for (let i = 0; i < m.rows; i++) {
    const base = i * nodes;
    for (let node = 0; node < nodes; node++) {
      const l = left[node];
      if (l >= 0) out[base + node] = treeChild(tree, node, v[i * F + feature[node]]) === l ? 1 : 0;
    }
  }
}

/**
 * Interventional (independent) TreeSHAP (Lundberg et al. 2020, "From local explanations to global
 * understanding with explainable AI for trees", Independent Tree SHAP): the exact Shapley values of
 * the game v(S) = mean over background rows b of f(x_S, b_S̄), where the features outside S take the
 * background row's values, so correlated features are broken apart rather than conditioned on and
 * no node covers are needed. For each (row, background row) pair each tree is walked along the paths
 * where every feature follows x or b consistently; a leaf reached with the features of x's side in
 * A (a of them) and b's side in B (c of them) gives each feature of A v·(a−1)!c!/(a+c)! and takes
 * v·a!(c−1)!/(a+c)! from each of B. Cost: rows × background rows × the nodes visited (at most the
 * tree, typically a few paths), so the background set's size is the caller's trade-off between
 * precision and time; nothing is sampled here. Contributions plus `expectedValue` (the mean raw output
 * over the background) equal each row's raw output.
 * @example
 * const ensemble = shapTreesFromGbdt(model);
 * const { values, expectedValue } = interventionalTreeShap(ensemble, test, train.take(sample));
 */
export function interventionalTreeShap(ensemble: ShapEnsemble, input: Table | FeatureMatrix, background: Table | FeatureMatrix, options: InterventionalShapOptions = {}): InterventionalShapResult {
  const F = ensemble.features.length;
  const K = ensemble.baseline.length;
  if (K === 0) throw userError('invalid_model', 'invalid tree ensemble: no outputs (baseline is empty)');
  const xs = matrixOf(ensemble, input, 'feature');
  const bs = matrixOf(ensemble, background, 'background');
  const n = xs.rows;
  const nb = bs.rows;
  if (nb === 0) throw userError('invalid_input', 'interventional TreeSHAP needs at least one background row (got 0)', { backgroundRows: 0 });
  let maxDepth = 0;
  ensemble.trees.forEach((tree, t) => {
    if (!(tree.output >= 0 && tree.output < K)) throw userError('invalid_model', `invalid tree output: ${tree.output} at tree ${t} (expected 0..${K - 1})`);
    maxDepth = Math.max(maxDepth, treeDepth(tree));
  });

  // coef[p * S + q] = p! q! / (p + q + 1)!: a feature's share of a leaf reached with p other
  // features on its own side and q on the other.
  const S = maxDepth + 1;
  const coef = new Float64Array(S * S);
  const fact = [1];
  for (let i = 1; i <= 2 * S; i++) fact.push(fact[i - 1] * i);
  for (let p = 0; p < S; p++) for (let q = 0; q < S; q++) coef[p * S + q] = (fact[p] * fact[q]) / fact[p + q + 1];

  const values = Array.from({ length: K }, () => new Float64Array(n * F));
  const expectedValue = [...ensemble.baseline];
  const side = new Uint8Array(F); // 0: not on the path yet, 1: follows x, 2: follows b
  const path = new Int32Array(S);
  let xDir = new Uint8Array(0);
  let bDir = new Uint8Array(0);

  // Walk state, hoisted for a monomorphic recursion.
  let left: Int32Array = new Int32Array(0);
  let right: Int32Array = new Int32Array(0);
  let feat: Int32Array = new Int32Array(0);
  let value: Float64Array = new Float64Array(0);
  let xBase = 0;
  let bBase = 0;
  let phi: Float64Array = new Float64Array(0);
  let phiBase = 0;

  const walk = (node: number, a: number, c: number, depth: number): void => {
    const l = left[node];
    if (l < 0) {
      const v = value[node];
      if (v === 0 || depth === 0) return;
      const toX = a > 0 ? v * coef[(a - 1) * S + c] : 0;
      const toB = c > 0 ? v * coef[a * S + c - 1] : 0;
      for (let k = 0; k < depth; k++) {
        const j = path[k];
        phi[phiBase + j] += side[j] === 1 ? toX : -toB;
      }
      return;
    }
    const xl = xDir[xBase + node];
    const bl = bDir[bBase + node];
    if (xl === bl) {
      walk(xl === 1 ? l : right[node], a, c, depth);
      return;
    }
    const j = feat[node];
    const s = side[j];
    if (s === 1) walk(xl === 1 ? l : right[node], a, c, depth);
    else if (s === 2) walk(bl === 1 ? l : right[node], a, c, depth);
    else {
      path[depth] = j;
      side[j] = 1;
      walk(xl === 1 ? l : right[node], a + 1, c, depth + 1);
      side[j] = 2;
      walk(bl === 1 ? l : right[node], a, c + 1, depth + 1);
      side[j] = 0;
    }
  };

  const trees = ensemble.trees;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    const nodes = tree.left.length;
    left = tree.left;
    right = tree.right;
    feat = tree.feature;
    value = tree.value;
    // The background's directions once per tree; each row's once per row.
    if (bDir.length < nb * nodes) bDir = new Uint8Array(nb * nodes);
    directions(tree, bs, F, bDir);
    if (xDir.length < nodes) xDir = new Uint8Array(nodes);
    let mean = 0;
    for (let b = 0; b < nb; b++) {
      let node = 0;
      while (left[node] >= 0) node = bDir[b * nodes + node] === 1 ? left[node] : right[node];
      mean += value[node];
    }
    expectedValue[tree.output] += mean / nb;
    if (left.length > 0 && left[0] >= 0) {
      phi = values[tree.output];
      for (let i = 0; i < n; i++) {
        directions(tree, { rows: 1, values: xs.values.subarray(i * F, (i + 1) * F) }, F, xDir);
        xBase = 0;
        phiBase = i * F;
        for (let b = 0; b < nb; b++) {
          bBase = b * nodes;
          walk(0, 0, 0, 0);
        }
      }
    }
    options.onProgress?.((t + 1) / trees.length);
  }
  const inv = 1 / nb;
  for (const v of values) for (let i = 0; i < v.length; i++) v[i] *= inv;
  return { features: ensemble.features, rows: n, values, expectedValue, backgroundRows: nb };
}
