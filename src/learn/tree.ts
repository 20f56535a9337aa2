import { userError } from '../errors/index.js';
import type { Model, Predictions, PredictOptions } from '../model/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';
import { designFeatures, designInputs, encodeDesign, fitDesign, type Design, type DesignMatrix } from './design.js';
import { classTarget, numericTarget, rowWeights } from './target.js';

/** Options of {@link fitTree}. */
export interface TreeOptions {
  /** The label column. */
  readonly label: string;
  /** Feature columns. Defaults to every column except the label and the weight column. */
  readonly features?: readonly string[];
  /** `classification` (gini) or `regression` (squared error). Defaults to regression for a numeric label, classification otherwise. */
  readonly task?: 'classification' | 'regression';
  /** For two classes, the positive one (output second). Defaults to the last class in sorted order. */
  readonly positive?: string;
  /** Row weights: a numeric column name or one weight per row. Defaults to 1 each. */
  readonly weight?: string | Float64Array;
  /** Maximum depth (root = 0). Defaults to unlimited. */
  readonly maxDepth?: number;
  /** Minimum rows in a node to split it. Defaults to 2. */
  readonly minSamplesSplit?: number;
  /** Minimum rows in each child. Defaults to 1. */
  readonly minSamplesLeaf?: number;
  /** Maximum number of leaves; when set, the tree grows best-first (largest impurity decrease first). Defaults to unlimited (depth-first). */
  readonly maxLeafNodes?: number;
  /** Seed of the feature order, which breaks ties between equally good splits. Defaults to 0. */
  readonly seed?: number;
}

/** One node of a fitted tree. Leaves have `feature = -1` and `left = right = -1`. */
export interface TreeNode {
  readonly id: number;
  readonly parent: number;
  readonly depth: number;
  /** Index into the design's columns (`featureNames`), or -1 for a leaf. */
  readonly feature: number;
  /** The design column name (`num__age`, `cat__sex_Female`), or null for a leaf. */
  readonly featureName: string | null;
  /** The table column the feature comes from, or null for a leaf. */
  readonly column: string | null;
  /** Rows with `x <= threshold` go left (`Infinity`: every non-missing value goes left). */
  readonly threshold: number;
  /** Where missing values go: the side that reduced impurity most in training, or the larger child when training had none. */
  readonly missingGoesLeft: boolean;
  readonly left: number;
  readonly right: number;
  /** Classification: weighted class fractions in `classes` order; regression: `[weighted mean]`. */
  readonly value: readonly number[];
  /** Training rows in the node. */
  readonly n: number;
  /** Sum of their weights. */
  readonly weightedN: number;
  /** Gini impurity (classification) or weighted variance (regression). */
  readonly impurity: number;
}

/** A fitted decision tree: the node array (root first) and what it reads. Plain JSON data. */
export interface TreeStructure {
  readonly task: 'classification' | 'regression';
  readonly classes: readonly string[];
  readonly nodes: readonly TreeNode[];
  /** Design columns, in `feature` index order. */
  readonly featureNames: readonly string[];
}

/** One step of a root-to-node path: `column` condition as the design sees it. */
export interface TreeCondition {
  readonly feature: number;
  readonly featureName: string;
  readonly column: string;
  /** `<=` for the left branch, `>` for the right one. */
  readonly op: '<=' | '>';
  readonly threshold: number;
  /** Whether rows with a missing value take this branch. */
  readonly missing: boolean;
  /**
   * For a one-hot column (threshold 0.5): the category, so `>` reads `column = category` and `<=`
   * reads `column ≠ category`.
   */
  readonly category?: string;
}

/** A fitted decision tree as a {@link Model}. */
export interface TreeModel extends Model {
  readonly tree: TreeStructure;
  /**
   * The encoder: categorical columns are one-hot encoded (a split on `cat__sex_Female` at 0.5 is
   * "sex = Female" on the right), numeric columns are raw (thresholds are in data units), and
   * missing values stay missing.
   */
  readonly design: Design;
  /** The leaf id of every row. */
  apply(table: Table): Int32Array;
  /** The conditions from the root to `nodeId`. */
  path(nodeId: number): TreeCondition[];
}

/** Values closer than this are not split apart (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

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
  /** Position in the feature's order where the left rows end (non-missing), and whether missing rows join the left. */
  proxy: number;
  nLeft: number;
  hasMissing: boolean;
}

/**
 * Fits a CART decision tree (gini for classification, squared error for regression) as
 * scikit-learn's `DecisionTreeClassifier`/`DecisionTreeRegressor`: thresholds at midpoints between
 * sorted distinct values, missing values sent to the side that reduces impurity most (recorded per
 * node). Categorical columns are one-hot encoded through {@link fitDesign} (not handled natively),
 * so the tree and its paths read like scikit-learn's on `OneHotEncoder` output. Deterministic given
 * `seed`.
 * @example
 * const model = fitTree(train, { label: 'income', maxDepth: 3 });
 * model.tree.nodes[0]; // { feature, featureName: 'num__age', threshold: 27.5, … }
 */
export function fitTree(table: Table, options: TreeOptions): TreeModel {
  const { label, maxDepth = Infinity, minSamplesSplit = 2, minSamplesLeaf = 1, maxLeafNodes, seed = 0 } = options;
  if (!(maxDepth >= 0)) throw userError('invalid_option', `invalid maxDepth: ${maxDepth} (expected an integer ≥ 0)`, { option: 'maxDepth' });
  if (!(minSamplesSplit >= 2)) throw userError('invalid_option', `invalid minSamplesSplit: ${minSamplesSplit} (expected an integer ≥ 2)`, { option: 'minSamplesSplit' });
  if (!(minSamplesLeaf >= 1)) throw userError('invalid_option', `invalid minSamplesLeaf: ${minSamplesLeaf} (expected an integer ≥ 1)`, { option: 'minSamplesLeaf' });
  if (maxLeafNodes !== undefined && !(maxLeafNodes >= 2)) throw userError('invalid_option', `invalid maxLeafNodes: ${maxLeafNodes} (expected an integer ≥ 2)`, { option: 'maxLeafNodes' });
  const weightName = typeof options.weight === 'string' ? options.weight : undefined;
  const features = options.features ?? table.names().filter((n) => n !== label && n !== weightName);
  if (features.includes(label)) throw userError('label_in_features', `the label ${JSON.stringify(label)} is also a feature`, { column: label });
  const weight = rowWeights(table, options.weight);
  const labelType = table.column(label).type;
  const task = options.task ?? (labelType === 'numeric' ? 'regression' : 'classification');
  if (task !== 'classification' && task !== 'regression') throw userError('invalid_option', `invalid task: ${JSON.stringify(task)} (expected "classification" or "regression")`, { option: 'task' });

  let classes: string[] = [];
  let yClass: Int32Array | undefined;
  let yReg: Float64Array | undefined;
  if (task === 'classification') {
    const t = classTarget(table, label);
    classes = [...t.classes];
    yClass = t.y;
    if (options.positive !== undefined && classes.length === 2) {
      const pos = classes.indexOf(options.positive);
      if (pos < 0) throw userError('unknown_class', `unknown positive class: ${JSON.stringify(options.positive)} (classes are ${classes.map((c) => JSON.stringify(c)).join(', ')})`, { column: label });
      if (pos === 0) {
        classes = [classes[1], classes[0]];
        yClass = yClass.map((v) => (v < 0 ? v : 1 - v));
      }
    }
  } else yReg = numericTarget(table, label);

  const n = table.rowCount;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const labelled = yClass ? yClass[i] >= 0 : !Number.isNaN((yReg as Float64Array)[i]);
    if (labelled && (weight ? weight[i] > 0 : true)) rows.push(i);
  }
  if (rows.length === 0) throw userError('empty_training_set', 'cannot fit a tree: no rows with a label and a positive weight', {});
  const design = fitDesign(table, { features, standardize: false, missing: 'keep' });
  const x = encodeDesign(design, table);
  const nodes = growTree(x, rows, { yClass, yReg, K: classes.length, weight, maxDepth, minSamplesSplit, minSamplesLeaf, maxLeafNodes, seed }, design);
  const tree: TreeStructure = { task, classes, nodes, featureNames: design.names };
  return treeModel(tree, design);
}

interface GrowOptions {
  yClass: Int32Array | undefined;
  yReg: Float64Array | undefined;
  K: number;
  weight: Float64Array | undefined;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxLeafNodes: number | undefined;
  seed: number;
}

function growTree(x: DesignMatrix, rows: number[], o: GrowOptions, design: Design): TreeNode[] {
  const { data, cols: p } = x;
  const m = rows.length;
  const classif = o.yClass !== undefined;
  // Statistics vector: classification = class weight sums (K); regression = [Σw, Σwy, Σwy²].
  const S = classif ? o.K : 3;
  const wOf = (i: number): number => (o.weight ? o.weight[i] : 1);
  const addRow = (stats: Float64Array, i: number, sign = 1): void => {
    const w = wOf(i) * sign;
    if (classif) stats[(o.yClass as Int32Array)[i]] += w;
    else {
      const y = (o.yReg as Float64Array)[i];
      stats[0] += w;
      stats[1] += w * y;
      stats[2] += w * y * y;
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
  // Proxy of the children's weighted impurity (larger is better), as scikit-learn's proxy_impurity_improvement.
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

  // Per-feature row orders (NaN last, ties by row), partitioned in place as nodes split.
  const order = new Int32Array(p * m);
  for (let f = 0; f < p; f++) {
    const seg = rows.slice();
    seg.sort((a, b) => {
      const va = data[a * p + f];
      const vb = data[b * p + f];
      const na = Number.isNaN(va);
      const nb = Number.isNaN(vb);
      if (na || nb) return na && nb ? a - b : na ? 1 : -1;
      return va - vb || a - b;
    });
    order.set(seg, f * m);
  }
  const featureOrder = Array.from({ length: p }, (_, f) => f);
  const rng = new Random(o.seed);
  for (let i = p - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [featureOrder[i], featureOrder[j]] = [featureOrder[j], featureOrder[i]];
  }

  const left = new Float64Array(S);
  const right = new Float64Array(S);
  const miss = new Float64Array(S);
  const tmp = new Float64Array(S);
  const findSplit = (w: Work): Split | null => {
    let best: Split | null = null;
    const { start, end, stats } = w;
    const minLeaf = o.minSamplesLeaf;
    for (const f of featureOrder) {
      const base = f * m;
      // Missing rows sit at the end of the segment.
      let endNm = end;
      miss.fill(0);
      while (endNm > start && Number.isNaN(data[order[base + endNm - 1] * p + f])) {
        endNm--;
        addRow(miss, order[base + endNm]);
      }
      const nMiss = end - endNm;
      const nNm = endNm - start;
      if (nNm === 0) continue;
      if (data[order[base + endNm - 1] * p + f] <= data[order[base + start] * p + f] + FEATURE_THRESHOLD && nMiss === 0) continue;
      left.fill(0);
      for (let k = 0; k < S; k++) right[k] = stats[k] - miss[k];
      const consider = (nL: number, missingLeft: boolean, threshold: number): void => {
        const nLeft = nL + (missingLeft ? nMiss : 0);
        const nRight = w.n - nLeft;
        if (nLeft < minLeaf || nRight < minLeaf) return;
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
      for (let pos = start; pos < endNm - 1; pos++) {
        const i = order[base + pos];
        addRow(left, i);
        addRow(right, i, -1);
        const v = data[i * p + f];
        const next = data[order[base + pos + 1] * p + f];
        if (next <= v + FEATURE_THRESHOLD) continue;
        let threshold = v / 2 + next / 2;
        if (threshold === next || !Number.isFinite(threshold)) threshold = v;
        const nL = pos + 1 - start;
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
  const goLeft = new Uint8Array(x.rows);
  const buffer = new Int32Array(m);
  const applySplit = (w: Work, s: Split): [Work, Work] => {
    const { start, end } = w;
    const fb = s.feature * m;
    for (let pos = start; pos < end; pos++) {
      const i = order[fb + pos];
      const v = data[i * p + s.feature];
      goLeft[i] = Number.isNaN(v) ? (s.missingLeft ? 1 : 0) : v <= s.threshold ? 1 : 0;
    }
    for (let f = 0; f < p; f++) {
      const base = f * m;
      let l = start;
      let r = 0;
      for (let pos = start; pos < end; pos++) {
        const i = order[base + pos];
        if (goLeft[i]) order[base + l++] = i;
        else buffer[r++] = i;
      }
      order.set(buffer.subarray(0, r), base + l);
    }
    const mid = start + s.nLeft;
    const ls = new Float64Array(S);
    for (let pos = start; pos < mid; pos++) addRow(ls, order[pos]);
    // Summed afresh (not parent − left) so leaf values are exact means.
    const rs = new Float64Array(S);
    for (let pos = mid; pos < end; pos++) addRow(rs, order[pos]);
    return [
      { start, end: mid, depth: w.depth + 1, parent: -1, isLeft: true, stats: ls, n: mid - start },
      { start: mid, end, depth: w.depth + 1, parent: -1, isLeft: false, stats: rs, n: end - mid },
    ];
  };
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
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
    w.depth < o.maxDepth && w.n >= o.minSamplesSplit && w.n >= 2 * o.minSamplesLeaf && node.impurity > EPSILON;
  const markSplit = (node: Mutable<TreeNode>, s: Split): void => {
    node.feature = s.feature;
    node.featureName = design.names[s.feature];
    node.column = design.columns[design.source[s.feature]].column;
    node.threshold = s.threshold;
    // Without missing values in training, missing rows follow the larger child (as scikit-learn).
    node.missingGoesLeft = s.hasMissing ? s.missingLeft : s.nLeft >= node.n - s.nLeft;
  };

  const rootStats = new Float64Array(S);
  for (const i of rows) addRow(rootStats, i);
  const root: Work = { start: 0, end: m, depth: 0, parent: -1, isLeft: true, stats: rootStats, n: m };
  const rootW = totalW(rootStats);

  if (o.maxLeafNodes === undefined) {
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
    while (leaves < o.maxLeafNodes) {
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

function leafOf(nodes: readonly TreeNode[], data: Float64Array, o: number): number {
  let k = 0;
  for (;;) {
    const node = nodes[k];
    if (node.feature < 0) return k;
    const v = data[o + node.feature];
    k = Number.isNaN(v) ? (node.missingGoesLeft ? node.left : node.right) : v <= node.threshold ? node.left : node.right;
  }
}

/** A {@link TreeModel} from a tree structure and its encoder (for deserialisation). */
export function treeModel(tree: TreeStructure, design: Design): TreeModel {
  const { nodes, classes } = tree;
  const apply = (table: Table): Int32Array => {
    const { data, rows, cols } = encodeDesign(design, table);
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = leafOf(nodes, data, i * cols);
    return out;
  };
  const features = designFeatures(design);
  const path = (nodeId: number): TreeCondition[] => {
    if (!(nodeId >= 0 && nodeId < nodes.length)) throw userError('unknown_node', `unknown tree node: ${nodeId} (expected 0..${nodes.length - 1})`, { node: nodeId });
    const out: TreeCondition[] = [];
    let k = nodeId;
    while (nodes[k].parent >= 0) {
      const parent = nodes[nodes[k].parent];
      const isLeft = parent.left === k;
      out.push({
        feature: parent.feature,
        featureName: parent.featureName as string,
        column: parent.column as string,
        op: isLeft ? '<=' : '>',
        threshold: parent.threshold,
        missing: parent.missingGoesLeft === isLeft,
        ...(features[parent.feature].kind === 'category' ? { category: features[parent.feature].category } : {}),
      });
      k = parent.id;
    }
    return out.reverse();
  };
  const isClass = tree.task === 'classification';
  return {
    name: 'tree',
    task: isClass ? (classes.length === 2 ? 'binary' : 'multiclass') : 'regression',
    classes: isClass ? classes : [],
    inputs: designInputs(design),
    tree,
    design,
    apply,
    path,
    async predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      options?.signal?.throwIfAborted();
      const leaf = apply(table);
      options?.onProgress?.(1);
      const n = leaf.length;
      if (!isClass) return { task: 'regression', values: Float64Array.from(leaf, (k) => nodes[k].value[0]) };
      const K = classes.length;
      const scores = Array.from({ length: K }, () => new Float64Array(n));
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = nodes[leaf[i]].value;
        let best = 0;
        for (let k = 0; k < K; k++) {
          scores[k][i] = v[k];
          if (v[k] > v[best]) best = k;
        }
        labels[i] = best;
      }
      return { task: K === 2 ? 'binary' : 'multiclass', classes, labels, scores };
    },
  };
}
