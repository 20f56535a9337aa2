import { userError } from '../errors/index.js';
import type { Model, ModelInput, Predictions, PredictOptions } from '../model/model.js';
import { Random } from '../stats/random.js';
import type { Column, Table } from '../table/index.js';
import { binColumn, type FeatureBins, fitFeatureBins, MISSING_BIN, subsample } from './gbdt-bins.js';
import { type BinNode, growContext, growTree } from './gbdt-grow.js';

export { MISSING_BIN, type FeatureBins } from './gbdt-bins.js';

/** The loss a gradient-boosted model minimises, by task. */
export type GbdtTask = 'binary' | 'multiclass' | 'regression';

/** Options of {@link fitGbdt}; defaults follow scikit-learn's HistGradientBoosting estimators. */
export interface GbdtOptions {
  /** The label column. */
  readonly label: string;
  /** Feature columns. Defaults to every column except the label and the weight. */
  readonly features?: readonly string[];
  /**
   * `binary` (log loss), `multiclass` (softmax, one tree per class per iteration) or `regression`
   * (squared error). Defaults to `regression` for a numeric label, else `binary` or `multiclass` by
   * the number of classes.
   */
  readonly task?: GbdtTask;
  /** Binary: the positive class. Defaults to the last class in sorted order (scikit-learn's). */
  readonly positive?: string;
  /** A numeric column of non-negative sample weights. Defaults to 1 for every row. */
  readonly weight?: string;
  /** Shrinkage of each tree. Defaults to 0.1. */
  readonly learningRate?: number;
  /** Boosting iterations. Defaults to 100. */
  readonly maxIter?: number;
  /** Deepest level of a node (the root is depth 0). Defaults to no limit. */
  readonly maxDepth?: number;
  /** Most leaves per tree, grown best-first. Defaults to 31. */
  readonly maxLeafNodes?: number;
  /** Fewest training rows in a leaf. Defaults to 20. */
  readonly minSamplesLeaf?: number;
  /** L2 regularisation of leaf values. Defaults to 0. */
  readonly l2?: number;
  /** Bins for non-missing values of a numeric feature (at most 255; one more holds missing). Defaults to 255. */
  readonly maxBins?: number;
  /**
   * Stop when the validation loss has not improved by `tol` for `nIterNoChange` iterations. Defaults
   * to `'auto'`: on when there are more than 10,000 rows.
   */
  readonly earlyStopping?: boolean | 'auto';
  /** Share of rows held out (stratified for classification) when early stopping. Defaults to 0.1. */
  readonly validationFraction?: number;
  /** Defaults to 10. */
  readonly nIterNoChange?: number;
  /** Defaults to 1e-7. */
  readonly tol?: number;
  /** Seed of the binning subsample and the validation split. Defaults to 0. */
  readonly seed?: number;
  /**
   * Features split on category sets. Categorical (text) columns always are; list numeric or boolean
   * columns here to treat their values as categories.
   */
  readonly categorical?: readonly string[];
  /** Record the training loss after every iteration in {@link GbdtModel.trainLoss} (one more pass per iteration). Defaults to false. */
  readonly recordTrainLoss?: boolean;
}

/** A node of a fitted tree. Leaves have `left === -1` and `right === -1`. */
export interface GbdtNode {
  /** Index into {@link GbdtModel.inputs}; -1 for a leaf. */
  readonly feature: number;
  /** Numeric split: rows with value <= threshold go left (Infinity: every non-missing value). Null otherwise. */
  readonly threshold: number | null;
  /** Categorical split: the categories going left. Null otherwise. */
  readonly categories: readonly string[] | null;
  /** Where missing values (and, for categorical splits, categories unseen in training) go. */
  readonly missingLeft: boolean;
  readonly left: number;
  readonly right: number;
  /** Leaf value (learning rate applied), added to the raw score; for inner nodes, the value had it been a leaf. */
  readonly value: number;
  /** Loss reduction of the split (0 for leaves). */
  readonly gain: number;
  readonly depth: number;
  /** Training rows reaching the node. */
  readonly count: number;
  /** Sum of the sample weights of those rows (the cover TreeSHAP needs). */
  readonly weight: number;
}

/** A fitted tree: `nodes[0]` is the root. */
export interface GbdtTree {
  readonly nodes: readonly GbdtNode[];
}

/** Flat typed-array form of a tree, in bin space, for prediction. */
interface FlatTree {
  feature: Int32Array;
  bin: Int32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  catBits: Uint32Array;
  isCat: Uint8Array;
}

/** A gradient-boosted tree ensemble (histogram-based), implementing {@link Model}. */
export interface GbdtModel extends Model {
  readonly task: GbdtTask;
  /**
   * The trees, by iteration then class: `trees[i][k]` is class k's tree of iteration i (binary and
   * regression: one tree per iteration). A row's raw score for class k is `baseline[k]` plus the
   * values of the leaves it reaches in `trees[*][k]`.
   */
  readonly trees: readonly (readonly GbdtTree[])[];
  readonly baseline: readonly number[];
  /** Iterations run (fewer than `maxIter` after early stopping). */
  readonly iterations: number;
  /** Training loss (weighted mean) before the first iteration and after each one, when `recordTrainLoss` was set; else null. */
  readonly trainLoss: readonly number[] | null;
  /** Validation loss, likewise, when early stopping was on; else null. */
  readonly validationLoss: readonly number[] | null;
  /** How each input was binned. */
  readonly bins: readonly FeatureBins[];
  /** Rows left out of training because their label or weight was missing. */
  readonly droppedRows: number;
  /** The options used, defaults filled in. */
  readonly params: Readonly<Required<Omit<GbdtOptions, 'weight' | 'positive' | 'features' | 'categorical' | 'maxDepth' | 'recordTrainLoss'>>> & { maxDepth: number | null };
  /** Raw scores (log-odds, class logits or values), `raw[k][i]` for class k of row i. */
  predictRaw(table: Table): Float64Array[];
  /** {@link Model.predict}, synchronously. */
  predictSync(table: Table): Predictions;
}

interface Labels {
  task: GbdtTask;
  classes: string[];
  /** Class index per row (classification) or -1 when missing. */
  y: Int32Array;
  /** Numeric target (regression). */
  target: Float64Array;
  keep: Uint8Array;
}

function labelText(column: Column, i: number): string | null {
  if (column.type === 'categorical') return column.codes[i] < 0 ? null : column.dictionary[column.codes[i]];
  if (column.type === 'numeric') return Number.isNaN(column.values[i]) ? null : String(column.values[i]);
  if (column.type === 'boolean') return column.values[i] === 255 ? null : column.values[i] === 1 ? 'true' : 'false';
  return null;
}

function readLabels(column: Column, task: GbdtTask | undefined, positive: string | undefined): Labels {
  if (column.type === 'list') throw userError('invalid_label', `label ${JSON.stringify(column.name)} is a list column`, { column: column.name });
  const n = column.type === 'categorical' ? column.codes.length : column.values.length;
  const keep = new Uint8Array(n);
  const resolved = task ?? (column.type === 'numeric' ? 'regression' : undefined);
  if (resolved === 'regression') {
    if (column.type !== 'numeric') throw userError('invalid_label', `regression needs a numeric label; ${JSON.stringify(column.name)} is ${column.type}`, { column: column.name });
    const target = column.values;
    for (let i = 0; i < n; i++) keep[i] = Number.isFinite(target[i]) ? 1 : 0;
    return { task: 'regression', classes: [], y: new Int32Array(0), target, keep };
  }
  const seen = new Map<string, number>();
  const text: (string | null)[] = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const s = labelText(column, i);
    text[i] = s;
    if (s !== null) seen.set(s, 1);
  }
  let classes = [...seen.keys()];
  if (column.type === 'numeric') classes.sort((a, b) => Number(a) - Number(b));
  else classes.sort();
  if (classes.length < 2) throw userError('one_class', `label ${JSON.stringify(column.name)} has ${classes.length} class${classes.length === 1 ? '' : 'es'}; classification needs at least 2`, { column: column.name });
  const kind: GbdtTask = resolved ?? (classes.length === 2 ? 'binary' : 'multiclass');
  if (kind === 'binary') {
    if (classes.length !== 2) throw userError('not_binary', `label ${JSON.stringify(column.name)} has ${classes.length} classes; binary needs 2 (use task 'multiclass')`, { column: column.name, classes: classes.slice(0, 10) });
    if (positive !== undefined) {
      if (!classes.includes(positive)) throw userError('unknown_class', `positive class ${JSON.stringify(positive)} is not a value of ${JSON.stringify(column.name)} (values: ${classes.join(', ')})`, { column: column.name, positive });
      classes = [classes.find((c) => c !== positive)!, positive];
    }
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = text[i];
    y[i] = s === null ? -1 : index.get(s)!;
    keep[i] = s === null ? 0 : 1;
  }
  return { task: kind, classes, y, target: new Float64Array(0), keep };
}

function checkNumber(name: string, value: number, lo: number, hi: number, integer = false): void {
  if (typeof value !== 'number' || !(value >= lo && value <= hi) || (integer && !Number.isInteger(value))) {
    throw userError('invalid_option', `invalid ${name}: ${value} (expected ${integer ? 'an integer in ' : ''}${lo}..${hi})`, { option: name, value });
  }
}

/** Weighted mean loss of raw scores `raw` (K blocks of n) against the labels, over rows `0..n-1`. */
function meanLoss(task: GbdtTask, K: number, n: number, raw: Float64Array, y: Int32Array, target: Float64Array, w: Float64Array): number {
  let total = 0;
  let wsum = 0;
  if (task === 'regression') {
    for (let i = 0; i < n; i++) {
      const d = raw[i] - target[i];
      total += w[i] * d * d;
      wsum += w[i];
    }
    return total / wsum / 2;
  }
  if (task === 'binary') {
    for (let i = 0; i < n; i++) {
      const z = raw[i];
      // log(1 + e^z) - y·z, computed stably.
      const sp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      total += w[i] * (sp - (y[i] === 1 ? z : 0));
      wsum += w[i];
    }
    return total / wsum;
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, raw[k * n + i]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(raw[k * n + i] - max);
    total += w[i] * (max + Math.log(s) - raw[y[i] * n + i]);
    wsum += w[i];
  }
  return total / wsum;
}

/**
 * Gradients and hessians of the loss at `raw`, weighted, into `gh` as interleaved pairs (row i of
 * class k's gradient at `gh[2 * (k * n + i)]`, its hessian next to it), so the histogram loops read a
 * row's pair with one access. Multiclass writes K blocks of 2n.
 */
function gradients(task: GbdtTask, K: number, n: number, raw: Float64Array, y: Int32Array, target: Float64Array, w: Float64Array, unitWeights: boolean, gh: Float64Array): void {
  if (task === 'regression') {
    for (let i = 0; i < n; i++) {
      gh[2 * i] = w[i] * (raw[i] - target[i]);
      gh[2 * i + 1] = w[i];
    }
    return;
  }
  if (task === 'binary') {
    if (unitWeights) {
      // Multiplying by a weight of 1 changes nothing; skipping it saves the loads.
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-raw[i]));
        gh[2 * i] = p - y[i];
        gh[2 * i + 1] = p * (1 - p);
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]));
      gh[2 * i] = w[i] * (p - y[i]);
      gh[2 * i + 1] = w[i] * p * (1 - p);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, raw[k * n + i]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(raw[k * n + i] - max);
    for (let k = 0; k < K; k++) {
      const p = Math.exp(raw[k * n + i] - max) / s;
      gh[2 * (k * n + i)] = w[i] * (p - (y[i] === k ? 1 : 0));
      gh[2 * (k * n + i) + 1] = w[i] * p * (1 - p);
    }
  }
}

function flatten(nodes: BinNode[]): FlatTree {
  const m = nodes.length;
  const t: FlatTree = {
    feature: new Int32Array(m),
    bin: new Int32Array(m),
    missingLeft: new Uint8Array(m),
    left: new Int32Array(m),
    right: new Int32Array(m),
    value: new Float64Array(m),
    catBits: new Uint32Array(m * 8),
    isCat: new Uint8Array(m),
  };
  for (let j = 0; j < m; j++) {
    const nd = nodes[j];
    t.feature[j] = nd.feature;
    t.bin[j] = nd.bin;
    t.missingLeft[j] = nd.missingLeft ? 1 : 0;
    t.left[j] = nd.left;
    t.right[j] = nd.right;
    t.value[j] = nd.value;
    if (nd.catBits !== null) {
      t.isCat[j] = 1;
      t.catBits.set(nd.catBits, j * 8);
    }
  }
  return t;
}

/** Adds the tree's leaf value of each row of `bins` (column-major, n rows) to `out[offset + i]`. */
function addTree(
  feature: Int32Array,
  bin: Int32Array,
  missingLeft: Uint8Array,
  left: Int32Array,
  right: Int32Array,
  value: Float64Array,
  catBits: Uint32Array,
  isCat: Uint8Array,
  bins: Uint8Array,
  n: number,
  out: Float64Array,
  offset: number,
): void {
  for (let i = 0; i < n; i++) {
    let j = 0;
    while (left[j] >= 0) {
      const b = bins[feature[j] * n + i];
      let goLeft: boolean;
      if (b === MISSING_BIN) goLeft = missingLeft[j] === 1;
      else if (isCat[j] === 1) goLeft = ((catBits[j * 8 + (b >>> 5)] >>> (b & 31)) & 1) === 1;
      else goLeft = b <= bin[j];
      j = goLeft ? left[j] : right[j];
    }
    out[offset + i] += value[j];
  }
}

function addFlat(t: FlatTree, bins: Uint8Array, n: number, out: Float64Array, offset: number): void {
  addTree(t.feature, t.bin, t.missingLeft, t.left, t.right, t.value, t.catBits, t.isCat, bins, n, out, offset);
}

function publicTree(nodes: BinNode[], bins: readonly FeatureBins[]): GbdtTree {
  return {
    nodes: nodes.map((nd) => {
      let threshold: number | null = null;
      let categories: string[] | null = null;
      if (nd.left >= 0) {
        const fb = bins[nd.feature];
        if (fb.type === 'numeric') threshold = nd.bin < fb.thresholds.length ? fb.thresholds[nd.bin] : Infinity;
        else {
          categories = [];
          for (let b = 0; b < fb.categories.length; b++) if ((nd.catBits![b >>> 5] >>> (b & 31)) & 1) categories.push(fb.categories[b]);
        }
      }
      return {
        feature: nd.feature,
        threshold,
        categories,
        missingLeft: nd.left >= 0 && nd.missingLeft,
        left: nd.left,
        right: nd.right,
        value: nd.value,
        gain: nd.gain,
        depth: nd.depth,
        count: nd.count,
        weight: nd.weight,
      };
    }),
  };
}

/** Rows of each class split into train/validation, seeded; stratified by class when `y` is given. */
function validationSplit(rows: Uint32Array, y: Int32Array | null, fraction: number, random: Random): { train: Uint32Array; valid: Uint32Array } {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const g = y === null ? 0 : y[rows[i]];
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(rows[i]);
  }
  const isValid = new Uint8Array(rows.length === 0 ? 0 : rows[rows.length - 1] + 1);
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const list = groups.get(key)!;
    const take = Math.round(list.length * fraction);
    for (let i = 0; i < take; i++) {
      const j = i + random.int(list.length - i);
      const t = list[i];
      list[i] = list[j];
      list[j] = t;
      isValid[list[i]] = 1;
    }
  }
  const train: number[] = [];
  const valid: number[] = [];
  for (let i = 0; i < rows.length; i++) (isValid[rows[i]] ? valid : train).push(rows[i]);
  return { train: Uint32Array.from(train), valid: Uint32Array.from(valid) };
}

function take<T extends Int32Array | Float64Array>(src: T, rows: Uint32Array, make: (n: number) => T): T {
  const out = make(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

/**
 * Fits histogram gradient boosting, as scikit-learn's HistGradientBoostingClassifier/Regressor:
 * numeric features in at most 255 quantile bins plus a missing bin, categorical features split on
 * category sets, trees grown best-first with histogram subtraction, a learned direction for missing
 * values at every split, sample weights throughout and early stopping on a seeded validation split.
 * Deterministic for a seed.
 * @example
 * const model = fitGbdt(table, { label: 'income', categorical: ['zip'], seed: 1 });
 * const { scores } = model.predictSync(test); // scores[1][i]: P(positive class) of row i
 */
export function fitGbdt(table: Table, options: GbdtOptions): GbdtModel {
  const {
    label,
    weight,
    positive,
    learningRate = 0.1,
    maxIter = 100,
    maxDepth,
    maxLeafNodes = 31,
    minSamplesLeaf = 20,
    l2 = 0,
    maxBins = 255,
    earlyStopping = 'auto',
    validationFraction = 0.1,
    nIterNoChange = 10,
    tol = 1e-7,
    seed = 0,
  } = options;
  checkNumber('learningRate', learningRate, Number.MIN_VALUE, Infinity);
  checkNumber('maxIter', maxIter, 1, 1e7, true);
  if (maxDepth !== undefined) checkNumber('maxDepth', maxDepth, 1, 1000, true);
  checkNumber('maxLeafNodes', maxLeafNodes, 2, 1e7, true);
  checkNumber('minSamplesLeaf', minSamplesLeaf, 1, 1e12, true);
  checkNumber('l2', l2, 0, Infinity);
  checkNumber('maxBins', maxBins, 2, 255, true);
  checkNumber('validationFraction', validationFraction, Number.MIN_VALUE, 0.99);
  checkNumber('nIterNoChange', nIterNoChange, 1, 1e7, true);
  checkNumber('tol', tol, 0, Infinity);
  const labelColumn = table.column(label);
  const features = options.features ?? table.names().filter((c) => c !== label && c !== weight);
  if (features.length === 0) throw userError('no_features', 'no features to train on (pass features)', {});
  const catSet = new Set(options.categorical ?? []);
  for (const c of catSet) if (!features.includes(c)) throw userError('unknown_column', `categorical feature ${JSON.stringify(c)} is not among the features`, { column: c });
  const columns = features.map((f) => table.column(f));

  const labels = readLabels(labelColumn, options.task, positive);
  const task = labels.task;
  const K = task === 'multiclass' ? labels.classes.length : 1;
  const keep = labels.keep;
  const wAll = new Float64Array(table.rowCount).fill(1);
  if (weight !== undefined) {
    const wc = table.column(weight);
    if (wc.type !== 'numeric') throw userError('invalid_weight', `weight column ${JSON.stringify(weight)} must be numeric, not ${wc.type}`, { column: weight });
    for (let i = 0; i < wAll.length; i++) {
      const v = wc.values[i];
      if (v < 0 || v === Infinity) throw userError('invalid_weight', `weight column ${JSON.stringify(weight)} has the value ${v} on row ${i} (expected finite, >= 0)`, { column: weight, row: i, value: v });
      if (v !== v) keep[i] = 0;
      wAll[i] = v;
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i]) kept.push(i);
  const rows = Uint32Array.from(kept);
  const droppedRows = table.rowCount - rows.length;
  if (rows.length === 0) throw userError('no_rows', 'no rows with a label to train on', { label });

  const random = new Random(seed);
  const stop = earlyStopping === 'auto' ? rows.length > 10_000 : earlyStopping;
  let trainRows: Uint32Array = rows;
  let validRows: Uint32Array = new Uint32Array(0);
  if (stop) {
    const s = validationSplit(rows, task === 'regression' ? null : labels.y, validationFraction, random);
    trainRows = s.train;
    validRows = s.valid;
  }
  const n = trainRows.length;
  const nv = validRows.length;
  const sample = subsample(n, 200_000, random);
  const bins = columns.map((c) => fitFeatureBins(c, catSet.has(c.name), trainRows, sample, maxBins));
  const F = bins.length;
  const binned = new Uint8Array(F * n);
  const binnedValid = new Uint8Array(F * nv);
  for (let f = 0; f < F; f++) {
    binColumn(bins[f], columns[f], trainRows, binned, f * n);
    if (nv > 0) binColumn(bins[f], columns[f], validRows, binnedValid, f * nv);
  }
  const featureBins = Int32Array.from(bins, (b) => b.bins);
  const isCategorical = Uint8Array.from(bins, (b) => (b.type === 'categorical' ? 1 : 0));

  const y = task === 'regression' ? new Int32Array(0) : take(labels.y, trainRows, (m) => new Int32Array(m));
  const yv = task === 'regression' ? new Int32Array(0) : take(labels.y, validRows, (m) => new Int32Array(m));
  const target = task === 'regression' ? take(labels.target, trainRows, (m) => new Float64Array(m)) : new Float64Array(0);
  const targetV = task === 'regression' ? take(labels.target, validRows, (m) => new Float64Array(m)) : new Float64Array(0);
  const w = take(wAll, trainRows, (m) => new Float64Array(m));
  const wv = take(wAll, validRows, (m) => new Float64Array(m));
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += w[i];
  if (!(wsum > 0)) throw userError('invalid_weight', 'the sample weights sum to 0', {});

  // Baseline: the constant minimising the loss (weighted mean; log-odds; log class priors).
  const baseline = new Array<number>(K).fill(0);
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i] * target[i];
    baseline[0] = s / wsum;
  } else {
    const prior = new Float64Array(labels.classes.length);
    for (let i = 0; i < n; i++) prior[y[i]] += w[i];
    const eps = 1e-15;
    if (task === 'binary') {
      const p = Math.min(1 - eps, Math.max(eps, prior[1] / wsum));
      baseline[0] = Math.log(p / (1 - p));
    } else for (let k = 0; k < K; k++) baseline[k] = Math.log(Math.max(eps, prior[k] / wsum));
  }
  const raw = new Float64Array(K * n);
  const rawV = new Float64Array(K * nv);
  for (let k = 0; k < K; k++) {
    raw.fill(baseline[k], k * n, (k + 1) * n);
    rawV.fill(baseline[k], k * nv, (k + 1) * nv);
  }
  const gh = new Float64Array(2 * K * n);
  const unitWeights = w.every((v) => v === 1);
  const ctx = growContext(binned, n, featureBins, isCategorical, w, {
    maxLeafNodes,
    maxDepth: maxDepth ?? Infinity,
    minSamplesLeaf,
    l2,
    learningRate,
  });
  const trees: GbdtTree[][] = [];
  const flat: FlatTree[][] = [];
  const trainLoss = options.recordTrainLoss ? [meanLoss(task, K, n, raw, y, target, w)] : null;
  const validationLoss: number[] | null = stop ? [meanLoss(task, K, nv, rawV, yv, targetV, wv)] : null;
  for (let it = 0; it < maxIter; it++) {
    gradients(task, K, n, raw, y, target, w, unitWeights, gh);
    const iterTrees: GbdtTree[] = [];
    const iterFlat: FlatTree[] = [];
    for (let k = 0; k < K; k++) {
      const nodes = growTree(ctx, K === 1 ? gh : gh.subarray(2 * k * n, 2 * (k + 1) * n), raw, k * n);
      const ft = flatten(nodes);
      if (nv > 0) addFlat(ft, binnedValid, nv, rawV, k * nv);
      iterTrees.push(publicTree(nodes, bins));
      iterFlat.push(ft);
    }
    trees.push(iterTrees);
    flat.push(iterFlat);
    if (trainLoss !== null) trainLoss.push(meanLoss(task, K, n, raw, y, target, w));
    if (validationLoss !== null) {
      validationLoss.push(meanLoss(task, K, nv, rawV, yv, targetV, wv));
      // scikit-learn's _should_stop: no score in the last nIterNoChange beats the one before them by tol.
      const m = validationLoss.length;
      if (m > nIterNoChange) {
        const reference = validationLoss[m - nIterNoChange - 1] - tol;
        let improved = false;
        for (let j = m - nIterNoChange; j < m; j++) if (validationLoss[j] < reference) improved = true;
        if (!improved) break;
      }
    }
  }
  return makeModel({
    task,
    classes: labels.classes,
    inputs: bins.map((b) => ({ name: b.name, type: b.type })),
    bins,
    trees,
    flat,
    baseline,
    trainLoss,
    validationLoss,
    droppedRows,
    params: { label, task, learningRate, maxIter, maxDepth: maxDepth ?? null, maxLeafNodes, minSamplesLeaf, l2, maxBins, earlyStopping, validationFraction, nIterNoChange, tol, seed },
  });
}

interface ModelParts {
  task: GbdtTask;
  classes: string[];
  inputs: ModelInput[];
  bins: FeatureBins[];
  trees: GbdtTree[][];
  flat: FlatTree[][];
  baseline: number[];
  trainLoss: number[] | null;
  validationLoss: number[] | null;
  droppedRows: number;
  params: GbdtModel['params'];
}

function makeModel(p: ModelParts): GbdtModel {
  const K = p.baseline.length;
  const predictRaw = (table: Table): Float64Array[] => {
    const n = table.rowCount;
    const F = p.bins.length;
    const binned = new Uint8Array(F * n);
    for (let f = 0; f < F; f++) binColumn(p.bins[f], table.column(p.bins[f].name), null, binned, f * n);
    const out = new Float64Array(K * n);
    for (let k = 0; k < K; k++) out.fill(p.baseline[k], k * n, (k + 1) * n);
    for (const iter of p.flat) for (let k = 0; k < K; k++) addFlat(iter[k], binned, n, out, k * n);
    return Array.from({ length: K }, (_, k) => out.subarray(k * n, (k + 1) * n));
  };
  const predictSync = (table: Table): Predictions => {
    const raw = predictRaw(table);
    const n = table.rowCount;
    if (p.task === 'regression') return { task: 'regression', values: raw[0] };
    if (p.task === 'binary') {
      const p1 = new Float64Array(n);
      const p0 = new Float64Array(n);
      const labels = new Int32Array(n);
      const z = raw[0];
      for (let i = 0; i < n; i++) {
        const q = 1 / (1 + Math.exp(-z[i]));
        p1[i] = q;
        p0[i] = 1 - q;
        labels[i] = q > 0.5 ? 1 : 0;
      }
      return { task: 'binary', classes: p.classes, labels, scores: [p0, p1] };
    }
    const scores = Array.from({ length: K }, () => new Float64Array(n));
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      let arg = 0;
      for (let k = 0; k < K; k++) {
        if (raw[k][i] > max) {
          max = raw[k][i];
          arg = k;
        }
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += scores[k][i] = Math.exp(raw[k][i] - max);
      for (let k = 0; k < K; k++) scores[k][i] /= s;
      labels[i] = arg;
    }
    return { task: 'multiclass', classes: p.classes, labels, scores };
  };
  return {
    name: 'gbdt',
    task: p.task,
    classes: p.classes,
    inputs: p.inputs,
    trees: p.trees,
    baseline: p.baseline,
    iterations: p.trees.length,
    trainLoss: p.trainLoss,
    validationLoss: p.validationLoss,
    bins: p.bins,
    droppedRows: p.droppedRows,
    params: p.params,
    predictRaw,
    predictSync,
    predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      try {
        options?.signal?.throwIfAborted();
        const out = predictSync(table);
        options?.onProgress?.(1);
        return Promise.resolve(out);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}
