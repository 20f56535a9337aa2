import { userError } from '../errors/index.js';
import { MISSING_BOOL, type Table } from '../table/index.js';
import type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from './model.js';

/**
 * One regression tree of an XGBoost model, as flat arrays indexed by node id (node 0 is the root).
 * A leaf has `left[i] === -1`; its output is `value[i]`.
 */
export interface XgboostTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Feature index of each split (into {@link XgboostBooster.features}). */
  readonly feature: Int32Array;
  /** Split thresholds as float32, as XGBoost compares them: a row goes left when `value < threshold`. */
  readonly threshold: Float32Array;
  /** 1 when a missing value goes left. */
  readonly defaultLeft: Uint8Array;
  /** Leaf outputs (already scaled by the learning rate); meaningless for inner nodes. */
  readonly value: Float64Array;
  /** Sum of hessians per node (the "cover" used by TreeSHAP). */
  readonly cover: Float64Array;
  /** The output group (class) the tree adds to. */
  readonly group: number;
  /** Weight of the tree (1, or DART's weight_drop). */
  readonly weight: number;
}

/** The parsed contents of an XGBoost JSON model. */
export interface XgboostBooster {
  /** XGBoost's objective name (`binary:logistic`, `reg:squarederror`, `multi:softprob`, …). */
  readonly objective: string;
  /** The column read for each feature index. */
  readonly features: readonly string[];
  /** Number of output groups: 1, or the number of classes for multi-class objectives. */
  readonly groups: number;
  /** The starting margin of each group (base_score mapped to margin space). */
  readonly baseMargin: readonly number[];
  readonly trees: readonly XgboostTree[];
}

/** A {@link Model} backed by a parsed XGBoost booster (exposed for exact TreeSHAP). */
export interface XgboostModel extends Model {
  readonly booster: XgboostBooster;
}

/** Options of {@link parseXgboostModel}. */
export interface XgboostOptions {
  /**
   * Column name of each feature index, in the model's feature order. Required when the model was
   * saved without feature names; when given, overrides the model's names. Defaults to
   * `learner.feature_names`.
   */
  readonly features?: readonly string[];
  /** Class labels in output order. Defaults to `['0', '1']` (binary) or `'0' … 'K-1'` (multi-class). */
  readonly classes?: readonly string[];
  /** A name for reports. Defaults to `xgboost:<objective>`. */
  readonly name?: string;
}

const OBJECTIVES: Record<string, { task: ModelTask; link: 'identity' | 'logit' }> = {
  'binary:logistic': { task: 'binary', link: 'logit' },
  'reg:logistic': { task: 'regression', link: 'logit' },
  'reg:squarederror': { task: 'regression', link: 'identity' },
  'reg:linear': { task: 'regression', link: 'identity' },
  'multi:softprob': { task: 'multiclass', link: 'identity' },
  'multi:softmax': { task: 'multiclass', link: 'identity' },
};

function invalid(what: string): never {
  throw userError('invalid_model', `invalid XGBoost JSON model: ${what} (save it with booster.save_model("model.json"))`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function field(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (!isObject(cur) || !(key in cur)) invalid(`missing ${path}`);
    cur = cur[key];
  }
  return cur;
}

function numberArray(tree: Record<string, unknown>, key: string, n: number, t: number): number[] {
  const a = tree[key];
  if (!Array.isArray(a) || a.length !== n || !a.every((v) => typeof v === 'number')) invalid(`trees[${t}].${key} should hold ${n} numbers`);
  return a as number[];
}

/** XGBoost writes parameters as strings ("5E-1"); ≥ 3.0 writes vector base scores as "[5E-1,5E-1]". */
function parseNumbers(x: unknown, what: string): number[] {
  const s = typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : invalid(`${what} should be a number`);
  const parts = s.startsWith('[') ? s.slice(1, -1).split(',') : [s];
  const out = parts.map(Number);
  if (out.length === 0 || out.some((v) => !Number.isFinite(v))) invalid(`${what} is not a number: ${JSON.stringify(s)}`);
  return out;
}

function parseTree(raw: unknown, t: number, group: number, weight: number, numFeature: number): XgboostTree {
  if (!isObject(raw)) invalid(`trees[${t}] is not an object`);
  const left = raw.left_children;
  if (!Array.isArray(left)) invalid(`trees[${t}].left_children is missing`);
  const n = left.length;
  if (n === 0) invalid(`trees[${t}] has no nodes`);
  const right = numberArray(raw, 'right_children', n, t);
  const splitIndex = numberArray(raw, 'split_indices', n, t);
  const cond = numberArray(raw, 'split_conditions', n, t);
  const defLeft = numberArray(raw, 'default_left', n, t);
  const hess = Array.isArray(raw.sum_hessian) && raw.sum_hessian.length === n ? (raw.sum_hessian as number[]) : null;
  const splitType = Array.isArray(raw.split_type) ? (raw.split_type as number[]) : null;
  const tree: XgboostTree = {
    left: Int32Array.from(numberArray(raw, 'left_children', n, t)),
    right: Int32Array.from(right),
    feature: Int32Array.from(splitIndex),
    threshold: Float32Array.from(cond),
    defaultLeft: Uint8Array.from(defLeft, (v) => (v ? 1 : 0)),
    value: Float64Array.from(cond, (v) => Math.fround(v)),
    cover: hess ? Float64Array.from(hess) : new Float64Array(n),
    group,
    weight,
  };
  for (let i = 0; i < n; i++) {
    const l = tree.left[i];
    if (l === -1) continue;
    const r = tree.right[i];
    if (l <= i || r <= i || l >= n || r >= n) invalid(`trees[${t}] node ${i} has children ${l}, ${r} out of range`);
    if (splitType && splitType[i] !== 0) {
      throw userError('unsupported_model', `XGBoost model uses a categorical split (trees[${t}] node ${i}); Candor reads numerical splits only (one-hot encode the feature)`);
    }
    if (tree.feature[i] < 0 || tree.feature[i] >= numFeature) invalid(`trees[${t}] node ${i} splits on feature ${tree.feature[i]} of ${numFeature}`);
  }
  return tree;
}

/** Parses the booster (objective, trees, base margin, feature names) of an XGBoost JSON model. */
export function parseXgboostBooster(json: unknown, options: { features?: readonly string[] } = {}): XgboostBooster {
  const learner = field(json, 'learner');
  const objective = field(json, 'learner.objective.name');
  if (typeof objective !== 'string') invalid('learner.objective.name should be a string');
  const spec = OBJECTIVES[objective];
  if (!spec) {
    throw userError('unsupported_model', `unsupported XGBoost objective: ${JSON.stringify(objective)} (supported: ${Object.keys(OBJECTIVES).join(', ')})`, { objective });
  }
  const param = field(json, 'learner.learner_model_param');
  const numClass = parseNumbers((param as Record<string, unknown>).num_class ?? '0', 'num_class')[0];
  const groups = spec.task === 'multiclass' ? numClass : 1;
  if (spec.task === 'multiclass' && !(groups >= 2 && Number.isInteger(groups))) invalid(`num_class is ${numClass} for ${objective}`);
  const numFeature = parseNumbers(field(json, 'learner.learner_model_param.num_feature'), 'num_feature')[0];

  const modelNames = (learner as Record<string, unknown>).feature_names;
  let features: readonly string[];
  if (options.features) {
    if (options.features.length !== numFeature) {
      throw userError('invalid_option', `features lists ${options.features.length} names but the XGBoost model has ${numFeature} features`, { expected: numFeature, received: options.features.length });
    }
    features = options.features;
  } else if (Array.isArray(modelNames) && modelNames.length > 0) {
    if (modelNames.length !== numFeature || !modelNames.every((s) => typeof s === 'string')) invalid(`learner.feature_names should hold ${numFeature} names`);
    features = modelNames as string[];
  } else {
    throw userError('missing_features', `the XGBoost model has no feature names; pass features: [...] with the ${numFeature} column names in the model's feature order`, { expected: numFeature });
  }
  const featureTypes = (learner as Record<string, unknown>).feature_types;
  if (Array.isArray(featureTypes) && featureTypes.includes('c')) {
    throw userError('unsupported_model', 'XGBoost model has categorical features (feature_types "c"); Candor reads numerical features only');
  }

  const booster = field(json, 'learner.gradient_booster');
  const kind = (booster as Record<string, unknown>).name;
  let model: unknown;
  let weights: number[] | null = null;
  if (kind === 'gbtree') model = field(json, 'learner.gradient_booster.model');
  else if (kind === 'dart') {
    model = field(json, 'learner.gradient_booster.gbtree.model');
    const drop = field(json, 'learner.gradient_booster.weight_drop');
    if (!Array.isArray(drop) || !drop.every((w) => typeof w === 'number')) invalid('learner.gradient_booster.weight_drop should be an array of numbers');
    weights = drop as number[];
  } else throw userError('unsupported_model', `unsupported XGBoost booster: ${JSON.stringify(kind)} (supported: gbtree, dart)`);
  const rawTrees = (model as Record<string, unknown>).trees;
  const treeInfo = (model as Record<string, unknown>).tree_info;
  if (!Array.isArray(rawTrees) || !Array.isArray(treeInfo) || treeInfo.length !== rawTrees.length) invalid('trees and tree_info should be arrays of the same length');
  if (weights && weights.length !== rawTrees.length) invalid('weight_drop should have one weight per tree');
  const trees = rawTrees.map((raw, t) => {
    const g = treeInfo[t];
    if (typeof g !== 'number' || g < 0 || g >= groups) invalid(`tree_info[${t}] is ${JSON.stringify(g)}, expected 0..${groups - 1}`);
    return parseTree(raw, t, g, weights ? weights[t] : 1, numFeature);
  });

  const base = parseNumbers(field(json, 'learner.learner_model_param.base_score'), 'base_score');
  // XGBoost stores base_score in output space; the margin starts at its inverse link (logit for logistic).
  const baseMargin = Array.from({ length: groups }, (_, g) => {
    const b = base.length === groups ? base[g] : base[0];
    return spec.link === 'logit' ? Math.log(b / (1 - b)) : b;
  });
  return { objective, features, groups, baseMargin, trees };
}

/** The feature matrix, column-major as float32 values (XGBoost compares in float32); NaN is missing. */
function featureColumns(booster: XgboostBooster, table: Table): Float32Array[] {
  return booster.features.map((name) => {
    const col = table.column(name);
    const out = new Float32Array(table.rowCount);
    if (col.type === 'numeric') out.set(col.values);
    else if (col.type === 'boolean') for (let i = 0; i < out.length; i++) out[i] = col.values[i] === MISSING_BOOL ? NaN : col.values[i];
    else throw userError('invalid_input', `column ${JSON.stringify(name)} is ${col.type} but the XGBoost model reads it as a number (encode it numerically)`, { column: name });
    return out;
  });
}

/**
 * The raw margins (XGBoost's `output_margin=True`) of every row of `table`: one array per output
 * group (one for binary and regression, one per class for multi-class), each in row order.
 */
export function predictXgboostMargins(booster: XgboostBooster, table: Table): Float64Array[] {
  const x = featureColumns(booster, table);
  const n = table.rowCount;
  const margins = booster.baseMargin.map((b) => new Float64Array(n).fill(b));
  for (const tree of booster.trees) {
    const { left, right, feature, threshold, defaultLeft, value, weight } = tree;
    const out = margins[tree.group];
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (left[node] !== -1) {
        const v = x[feature[node]][i];
        node = v !== v ? (defaultLeft[node] ? left[node] : right[node]) : v < threshold[node] ? left[node] : right[node];
      }
      out[i] += weight * value[node];
    }
  }
  return margins;
}

/**
 * Reads an XGBoost JSON model (`booster.save_model("model.json")`, XGBoost ≥ 1.0) and evaluates it
 * natively. Supports `binary:logistic`, `reg:squarederror`, `reg:logistic` and `multi:softprob` /
 * `multi:softmax` with numerical splits; missing values (NaN) follow each split's default branch.
 *
 * Features are read from the table columns named by the model's `feature_names`, or by
 * `options.features` (in the model's feature order) when the model has none.
 * @example
 * const model = parseXgboostModel(JSON.parse(await readFile('model.json', 'utf8')));
 * const { scores } = await model.predict(table);
 */
export function parseXgboostModel(json: unknown, options: XgboostOptions = {}): XgboostModel {
  const booster = parseXgboostBooster(json, options);
  const spec = OBJECTIVES[booster.objective];
  const task = spec.task;
  const k = task === 'binary' ? 2 : task === 'multiclass' ? booster.groups : 0;
  const classes = options.classes ?? Array.from({ length: k }, (_, c) => String(c));
  if (classes.length !== k) throw userError('invalid_option', `classes lists ${classes.length} labels but the XGBoost model has ${k} classes`, { expected: k, received: classes.length });
  const inputs: ModelInput[] = booster.features.map((name) => ({ name, type: 'numeric' }));
  return {
    name: options.name ?? `xgboost:${booster.objective}`,
    task,
    classes,
    inputs,
    booster,
    async predict(table: Table, opts: PredictOptions = {}): Promise<Predictions> {
      opts.signal?.throwIfAborted();
      const margins = predictXgboostMargins(booster, table);
      const n = table.rowCount;
      opts.onProgress?.(1);
      if (task === 'regression') {
        const v = margins[0];
        if (spec.link === 'logit') for (let i = 0; i < n; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
        return { task, values: v };
      }
      if (task === 'binary') {
        const p1 = margins[0];
        const p0 = new Float64Array(n);
        const labels = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          p1[i] = 1 / (1 + Math.exp(-p1[i]));
          p0[i] = 1 - p1[i];
          labels[i] = p1[i] > 0.5 ? 1 : 0;
        }
        return { task, classes, labels, scores: [p0, p1] };
      }
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        // Softmax with the max subtracted, for overflow safety.
        let max = -Infinity;
        let best = 0;
        for (let c = 0; c < k; c++) {
          if (margins[c][i] > max) {
            max = margins[c][i];
            best = c;
          }
        }
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(margins[c][i] - max);
        for (let c = 0; c < k; c++) margins[c][i] = Math.exp(margins[c][i] - max) / sum;
        labels[i] = best;
      }
      return { task, classes, labels, scores: margins };
    },
  };
}
