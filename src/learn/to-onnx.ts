import { userError } from '../errors/index.js';
import type { Design } from './design.js';
import type { GbdtModel, GbdtTree } from './gbdt.js';
import type { LinearModel } from './linear.js';
import type { LogisticModel } from './logistic.js';
import type { MultinomialModel } from './multinomial.js';
import type { TreeModel } from './tree.js';
import { encodeOnnxModel, ONNX_TYPE, type OnnxAttribute, type OnnxNode, type OnnxValueInfo } from './onnx-proto.js';

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** The graph's name. Defaults to the model's name (`logistic`, `linear`, `gbdt`…). */
  readonly name?: string;
}

/** A built-in model {@link toOnnx} can export. */
export type ExportableModel = LogisticModel | MultinomialModel | LinearModel | GbdtModel | TreeModel;

const ML = 'ai.onnx.ml';
const OPSETS = { '': 13, [ML]: 3 } as const;
/** What a categorical value that is neither a training category nor missing becomes before one-hot encoding. */
const UNSEEN = '\u0000candor:unseen';

const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });
const floats = (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'floats', value });
const doubles = (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'doubles', value });
const strings = (value: readonly string[]): OnnxAttribute => ({ kind: 'strings', value });
const str = (value: string): OnnxAttribute => ({ kind: 'string', value });
const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
const float = (value: number): OnnxAttribute => ({ kind: 'float', value });

interface Builder {
  readonly nodes: OnnxNode[];
  readonly inputs: OnnxValueInfo[];
}

/**
 * The design matrix of `design` computed in the graph from one input per column (`[N, 1]`).
 * Imputing designs (linear models): float inputs for numeric and boolean columns, Imputer + Scaler
 * for numbers, Imputer for booleans, LabelEncoder (missing → the missing category, unseen → zeros)
 * + OneHotEncoder for categories, then Concat. Designs that keep missing values (trees): double
 * inputs passed through unchanged, so that raw-unit thresholds compare exactly as in
 * `encodeDesign`, and one-hot columns that are NaN for a missing category, 0 for an unseen
 * one. Returns the name of the `[N, P]` tensor (float, or double when keeping missing values).
 */
function designNodes(design: Design, b: Builder): string {
  const keep = design.missing === 'keep';
  const pieces: string[] = [];
  design.columns.forEach((dc, k) => {
    const p = `design/${k}`;
    if (dc.kind === 'numeric' || dc.kind === 'boolean') {
      if (keep) {
        if (dc.kind === 'numeric' && (dc.center !== 0 || dc.scale !== 1 || dc.indicator)) {
          throw userError('unsupported_model', `cannot export to ONNX: column ${JSON.stringify(dc.column)} is standardised or has a missing indicator in a design that keeps missing values`, { column: dc.column });
        }
        b.inputs.push({ name: dc.column, type: ONNX_TYPE.double, shape: ['N', 1] });
        pieces.push(dc.column);
        return;
      }
      b.inputs.push({ name: dc.column, type: ONNX_TYPE.float, shape: ['N', 1] });
      b.nodes.push({ op: 'Imputer', domain: ML, inputs: [dc.column], outputs: [`${p}/imputed`], name: `${p}/impute`, attributes: { imputed_value_floats: floats([dc.mean]), replaced_value_float: float(NaN) } });
      if (dc.kind === 'numeric') {
        b.nodes.push({ op: 'Scaler', domain: ML, inputs: [`${p}/imputed`], outputs: [`${p}/scaled`], name: `${p}/scale`, attributes: { offset: floats([dc.center]), scale: floats([1 / dc.scale]) } });
        pieces.push(`${p}/scaled`);
        if (dc.indicator) {
          b.nodes.push({ op: 'IsNaN', inputs: [dc.column], outputs: [`${p}/isnan`], name: `${p}/isnan` });
          b.nodes.push({ op: 'Cast', inputs: [`${p}/isnan`], outputs: [`${p}/indicator`], name: `${p}/indicator`, attributes: { to: int(ONNX_TYPE.float) } });
          pieces.push(`${p}/indicator`);
        }
      } else pieces.push(`${p}/imputed`);
      return;
    }
    b.inputs.push({ name: dc.column, type: ONNX_TYPE.string, shape: ['N', 1] });
    if (dc.categories.length === 0) return;
    let source = dc.column;
    if (dc.missingIndex >= 0) {
      // The adapter passes a missing category as '': map it to the missing label, every other
      // training category to itself and anything else to a value the one-hot encoder zeroes.
      const keys = [...dc.categories];
      const values = [...dc.categories];
      if (!keys.includes('')) {
        keys.push('');
        values.push(dc.categories[dc.missingIndex]);
      }
      b.nodes.push({ op: 'LabelEncoder', domain: ML, inputs: [dc.column], outputs: [`${p}/labels`], name: `${p}/missing`, attributes: { keys_strings: strings(keys), values_strings: strings(values), default_string: str(UNSEEN) } });
      source = `${p}/labels`;
    }
    b.nodes.push({ op: 'OneHotEncoder', domain: ML, inputs: [source], outputs: [`${p}/onehot3`], name: `${p}/onehot`, attributes: { cats_strings: strings(dc.categories), zeros: int(1) } });
    b.nodes.push({ op: 'Flatten', inputs: [`${p}/onehot3`], outputs: [`${p}/onehot`], name: `${p}/flatten`, attributes: { axis: int(1) } });
    if (!keep) {
      pieces.push(`${p}/onehot`);
      return;
    }
    b.nodes.push({ op: 'Cast', inputs: [`${p}/onehot`], outputs: [`${p}/onehot64`], name: `${p}/cast`, attributes: { to: int(ONNX_TYPE.double) } });
    if (dc.categories.includes('')) {
      // '' is a training category here, so it cannot also stand for a missing value.
      pieces.push(`${p}/onehot64`);
      return;
    }
    // A missing category ('') makes every one-hot column NaN, as encodeDesign does: add a [N, 1]
    // column that is NaN for '' and 0 otherwise (unseen categories stay all zeros).
    b.nodes.push({ op: 'LabelEncoder', domain: ML, inputs: [dc.column], outputs: [`${p}/nan`], name: `${p}/missing`, attributes: { keys_strings: strings(['']), values_floats: floats([NaN]), default_float: float(0) } });
    b.nodes.push({ op: 'Cast', inputs: [`${p}/nan`], outputs: [`${p}/nan64`], name: `${p}/nan64`, attributes: { to: int(ONNX_TYPE.double) } });
    b.nodes.push({ op: 'Add', inputs: [`${p}/onehot64`, `${p}/nan64`], outputs: [`${p}/kept`], name: `${p}/keep` });
    pieces.push(`${p}/kept`);
  });
  if (pieces.length === 0) throw userError('unsupported_model', 'cannot export to ONNX: the model has no design columns', {});
  b.nodes.push({ op: 'Concat', inputs: pieces, outputs: ['features'], name: 'design/concat', attributes: { axis: int(1) } });
  return 'features';
}

function classifierOutputs(classes: readonly string[]): OnnxValueInfo[] {
  return [
    { name: 'label', type: ONNX_TYPE.string, shape: ['N'] },
    { name: 'probabilities', type: ONNX_TYPE.float, shape: ['N', classes.length] },
  ];
}

const regressionOutput: OnnxValueInfo = { name: 'variable', type: ONNX_TYPE.float, shape: ['N', 1] };

function linearGraph(model: LogisticModel | MultinomialModel | LinearModel, b: Builder): OnnxValueInfo[] {
  if (model.design.missing !== 'impute') throw userError('unsupported_model', 'cannot export to ONNX: the design keeps missing values (missing: "keep"); only imputing designs are supported', {});
  const x = designNodes(model.design, b);
  if (model.task === 'regression') {
    const m = model as LinearModel;
    b.nodes.push({
      op: 'LinearRegressor',
      domain: ML,
      inputs: [x],
      outputs: ['variable'],
      name: 'linear',
      attributes: { coefficients: floats(m.coefficients), intercepts: floats([m.intercept]), targets: int(1), post_transform: str('NONE') },
    });
    return [regressionOutput];
  }
  let coefficients: number[];
  let intercepts: number[];
  let transform: string;
  if ('intercepts' in model) {
    coefficients = model.coefficients.flatMap((c) => Array.from(c));
    intercepts = Array.from(model.intercepts);
    transform = 'SOFTMAX';
  } else {
    // Two score columns, -z and z, so that LOGISTIC yields both probabilities and the arg-max
    // picks the positive class exactly when z > 0 (as the model does).
    const m = model as LogisticModel;
    coefficients = [...Array.from(m.coefficients, (c) => -c), ...m.coefficients];
    intercepts = [-m.intercept, m.intercept];
    transform = 'LOGISTIC';
  }
  b.nodes.push({
    op: 'LinearClassifier',
    domain: ML,
    inputs: [x],
    outputs: ['label', 'probabilities'],
    name: 'linear',
    attributes: { coefficients: floats(coefficients), intercepts: floats(intercepts), classlabels_strings: strings(model.classes), post_transform: str(transform), multi_class: int(0) },
  });
  return classifierOutputs(model.classes);
}

/** The value of a category of a numeric or boolean feature that the model treats as categorical. */
function numericCategory(c: string): number {
  return c === 'true' ? 1 : c === 'false' ? 0 : Number(c);
}

/**
 * Whether a category is how the model names a value of a numeric or boolean column (`String(v)`,
 * `true`, `false`). A text column whose values all look so is read as numeric: the table it came
 * from has no record of the column's type.
 */
function isNumericCategory(c: string): boolean {
  return c === 'true' || c === 'false' || (c.trim() !== '' && String(Number(c)) === c);
}

interface TreeAttributes {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  missingTrue: number[];
  leafTree: number[];
  leafNode: number[];
  leafTarget: number[];
  leafWeight: number[];
}

function emptyTreeAttributes(): TreeAttributes {
  return { treeIds: [], nodeIds: [], featureIds: [], modes: [], values: [], trueIds: [], falseIds: [], missingTrue: [], leafTree: [], leafNode: [], leafTarget: [], leafWeight: [] };
}

/** The `nodes_*` attributes shared by TreeEnsembleClassifier and TreeEnsembleRegressor. */
function nodeAttributesOf(a: TreeAttributes): Record<string, OnnxAttribute> {
  return {
    nodes_treeids: ints(a.treeIds),
    nodes_nodeids: ints(a.nodeIds),
    nodes_featureids: ints(a.featureIds),
    nodes_modes: strings(a.modes),
    nodes_values_as_tensor: doubles(a.values),
    nodes_truenodeids: ints(a.trueIds),
    nodes_falsenodeids: ints(a.falseIds),
    nodes_missing_value_tracks_true: ints(a.missingTrue),
  };
}

/**
 * Appends one tree. A category-set split becomes a chain of BRANCH_EQ nodes on the category code
 * (one per category going left, each sending its match left and the rest down the chain, the last
 * one right); missing values, unseen categories included, follow `missingLeft` through
 * `nodes_missing_value_tracks_true`. (onnxruntime 1.30 also runs ai.onnx.ml 5's TreeEnsemble with
 * BRANCH_MEMBER sets, but that operator has no class labels, label output or base values, which
 * the adapter and other consumers read from TreeEnsembleClassifier.)
 */
function addTree(a: TreeAttributes, tree: GbdtTree, treeId: number, target: number, codes: readonly (ReadonlyMap<string, number> | null)[]): void {
  const { nodes } = tree;
  const entry = new Int32Array(nodes.length);
  let next = 0;
  nodes.forEach((nd, j) => {
    entry[j] = next;
    next += nd.left >= 0 && nd.categories !== null ? Math.max(1, nd.categories.length) : 1;
  });
  const push = (id: number, feature: number, mode: string, value: number, t: number, f: number, missing: boolean): void => {
    a.treeIds.push(treeId);
    a.nodeIds.push(id);
    a.featureIds.push(feature);
    a.modes.push(mode);
    a.values.push(value);
    a.trueIds.push(t);
    a.falseIds.push(f);
    a.missingTrue.push(missing ? 1 : 0);
  };
  nodes.forEach((nd, j) => {
    const id = entry[j];
    if (nd.left < 0) {
      push(id, 0, 'LEAF', 0, 0, 0, false);
      a.leafTree.push(treeId);
      a.leafNode.push(id);
      a.leafTarget.push(target);
      a.leafWeight.push(nd.value);
      return;
    }
    const left = entry[nd.left];
    const right = entry[nd.right];
    if (nd.categories === null) {
      push(id, nd.feature, 'BRANCH_LEQ', nd.threshold ?? Infinity, left, right, nd.missingLeft);
      return;
    }
    const index = codes[nd.feature];
    if (index === null) throw new Error(`categorical split on non-categorical feature ${nd.feature}`);
    // No category goes left: only missing values can (nothing is <= -Infinity).
    if (nd.categories.length === 0) push(id, nd.feature, 'BRANCH_LEQ', -Infinity, left, right, nd.missingLeft);
    nd.categories.forEach((c, i) => {
      const last = i === nd.categories!.length - 1;
      push(id + i, nd.feature, 'BRANCH_EQ', index.get(c)!, left, last ? right : id + i + 1, nd.missingLeft);
    });
  });
}

function gbdtGraph(model: GbdtModel, b: Builder): OnnxValueInfo[] {
  const pieces: string[] = [];
  const codes: (Map<string, number> | null)[] = [];
  model.bins.forEach((fb, f) => {
    const p = `feature/${f}`;
    if (fb.type === 'numeric') {
      // Double inputs and thresholds: the splits compare exactly as the model's do.
      b.inputs.push({ name: fb.name, type: ONNX_TYPE.double, shape: ['N', 1] });
      pieces.push(fb.name);
      codes.push(null);
      return;
    }
    codes.push(new Map(fb.categories.map((c, i) => [c, i])));
    const values = fb.categories.map((_, i) => i);
    // Missing and unseen categories become NaN, which the trees route as missing.
    if (!fb.categories.every(isNumericCategory)) {
      b.inputs.push({ name: fb.name, type: ONNX_TYPE.string, shape: ['N', 1] });
      b.nodes.push({ op: 'LabelEncoder', domain: ML, inputs: [fb.name], outputs: [`${p}/code`], name: `${p}/encode`, attributes: { keys_strings: strings(fb.categories), values_floats: floats(values), default_float: float(NaN) } });
    } else {
      b.inputs.push({ name: fb.name, type: ONNX_TYPE.float, shape: ['N', 1] });
      b.nodes.push({ op: 'LabelEncoder', domain: ML, inputs: [fb.name], outputs: [`${p}/code`], name: `${p}/encode`, attributes: { keys_floats: floats(fb.categories.map(numericCategory)), values_floats: floats(values), default_float: float(NaN) } });
    }
    b.nodes.push({ op: 'Cast', inputs: [`${p}/code`], outputs: [`${p}/double`], name: `${p}/cast`, attributes: { to: int(ONNX_TYPE.double) } });
    pieces.push(`${p}/double`);
  });
  b.nodes.push({ op: 'Concat', inputs: pieces, outputs: ['features'], name: 'features/concat', attributes: { axis: int(1) } });

  const K = model.baseline.length;
  const a = emptyTreeAttributes();
  let treeId = 0;
  for (const iteration of model.trees) iteration.forEach((tree, k) => addTree(a, tree, treeId++, k, codes));
  if (model.task === 'binary' && !a.leafWeight.some((w) => w < 0)) {
    // onnxruntime reads a binary ensemble whose weights are all >= 0 as probabilities (no LOGISTIC):
    // two one-leaf trees worth -1 and +1 keep it reading raw scores.
    for (const w of [-1, 1]) addTree(a, { nodes: [{ feature: -1, threshold: null, categories: null, missingLeft: false, left: -1, right: -1, value: w, gain: 0, depth: 0, count: 0, weight: 0 }] }, treeId++, 0, codes);
  }
  const nodeAttributes: Record<string, OnnxAttribute> = {
    ...nodeAttributesOf(a),
    base_values_as_tensor: doubles(model.baseline),
  };
  if (model.task === 'regression') {
    b.nodes.push({
      op: 'TreeEnsembleRegressor',
      domain: ML,
      inputs: ['features'],
      outputs: ['variable'],
      name: 'trees',
      attributes: {
        ...nodeAttributes,
        target_treeids: ints(a.leafTree),
        target_nodeids: ints(a.leafNode),
        target_ids: ints(a.leafTarget),
        target_weights_as_tensor: doubles(a.leafWeight),
        n_targets: int(1),
        aggregate_function: str('SUM'),
        post_transform: str('NONE'),
      },
    });
    return [regressionOutput];
  }
  b.nodes.push({
    op: 'TreeEnsembleClassifier',
    domain: ML,
    inputs: ['features'],
    outputs: ['label', 'probabilities'],
    name: 'trees',
    attributes: {
      ...nodeAttributes,
      class_treeids: ints(a.leafTree),
      class_nodeids: ints(a.leafNode),
      class_ids: ints(a.leafTarget),
      class_weights_as_tensor: doubles(a.leafWeight),
      classlabels_strings: strings(model.classes),
      post_transform: str(K === 1 ? 'LOGISTIC' : 'SOFTMAX'),
    },
  });
  return classifierOutputs(model.classes);
}

/**
 * A CART tree over its design matrix (raw numbers, 0/1 one-hot columns, NaN for missing values):
 * BRANCH_LEQ nodes on the design columns with `missingGoesLeft` as
 * `nodes_missing_value_tracks_true`, and the leaf values as weights with no post-transform, so the
 * outputs are the leaf's class probabilities or mean.
 */
function treeGraph(model: TreeModel, b: Builder): OnnxValueInfo[] {
  const { tree } = model;
  if (tree.task === 'classification' && tree.classes.length < 2) {
    throw userError('unsupported_model', `cannot export to ONNX: a classification tree with ${tree.classes.length} class${tree.classes.length === 1 ? '' : 'es'} (expected 2 or more)`, {});
  }
  const x = designNodes(model.design, b);
  const a = emptyTreeAttributes();
  const binary = tree.task === 'classification' && tree.classes.length === 2;
  for (const nd of tree.nodes) {
    const leaf = nd.feature < 0;
    a.treeIds.push(0);
    a.nodeIds.push(nd.id);
    a.featureIds.push(leaf ? 0 : nd.feature);
    a.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
    a.values.push(leaf ? 0 : nd.threshold);
    a.trueIds.push(leaf ? 0 : nd.left);
    a.falseIds.push(leaf ? 0 : nd.right);
    a.missingTrue.push(!leaf && nd.missingGoesLeft ? 1 : 0);
    if (!leaf) continue;
    // Two classes: one weight, P(positive), on class 0. onnxruntime then reports [1 − p, p] and the
    // positive label exactly when p > 0.5, as the tree's arg-max does (ties go to the first class);
    // weights on both classes would make it pick the positive label whenever p > 0.
    const weights = binary ? [nd.value[1]] : nd.value;
    weights.forEach((w, k) => {
      a.leafTree.push(0);
      a.leafNode.push(nd.id);
      a.leafTarget.push(k);
      a.leafWeight.push(w);
    });
  }
  const nodeAttributes: Record<string, OnnxAttribute> = {
    ...nodeAttributesOf(a),
    post_transform: str('NONE'),
  };
  if (tree.task === 'regression') {
    b.nodes.push({
      op: 'TreeEnsembleRegressor',
      domain: ML,
      inputs: [x],
      outputs: ['variable'],
      name: 'tree',
      attributes: {
        ...nodeAttributes,
        target_treeids: ints(a.leafTree),
        target_nodeids: ints(a.leafNode),
        target_ids: ints(a.leafTarget),
        target_weights_as_tensor: doubles(a.leafWeight),
        n_targets: int(1),
        aggregate_function: str('SUM'),
      },
    });
    return [regressionOutput];
  }
  b.nodes.push({
    op: 'TreeEnsembleClassifier',
    domain: ML,
    inputs: [x],
    outputs: ['label', 'probabilities'],
    name: 'tree',
    attributes: {
      ...nodeAttributes,
      class_treeids: ints(a.leafTree),
      class_nodeids: ints(a.leafNode),
      class_ids: ints(a.leafTarget),
      class_weights_as_tensor: doubles(a.leafWeight),
      classlabels_strings: strings(tree.classes),
    },
  });
  return classifierOutputs(tree.classes);
}

function isTree(model: ExportableModel): model is TreeModel {
  return 'tree' in model && 'design' in model && 'apply' in model;
}

function isGbdt(model: ExportableModel): model is GbdtModel {
  return 'trees' in model && 'bins' in model;
}

/**
 * Exports a built-in model as ONNX bytes (IR 8, opsets ai.onnx 13 and ai.onnx.ml 3), computed
 * without onnxruntime. The graph has one input per feature column named after it, `[N, 1]` (float
 * for numeric and boolean columns, double for a boosted ensemble's numeric columns and for a
 * decision tree's numeric and boolean ones, string for categorical ones; missing values as NaN or
 * `''`), the convention `loadOnnxModel` reads without `features`. Linear models encode their design
 * in the graph (Imputer, Scaler, OneHotEncoder, Concat) before a LinearClassifier (outputs `label`,
 * `probabilities` `[N, K]`; no ZipMap) or a LinearRegressor (`variable` `[N, 1]`). Boosted trees
 * read raw numbers and categories coded by a LabelEncoder (missing and unseen → NaN), with
 * category-set splits as BRANCH_EQ chains, in a TreeEnsembleClassifier (LOGISTIC for binary,
 * SOFTMAX for multiclass) or TreeEnsembleRegressor. A decision tree encodes its design in the graph
 * as it was fitted (raw numbers, 0/1 one-hot columns, missing values kept as NaN, unseen categories
 * as zeros), routes missing values by `missingGoesLeft`, and outputs its leaf's class probabilities
 * from a TreeEnsembleClassifier with no post-transform, or its leaf value from a
 * TreeEnsembleRegressor.
 * Scores are float32, so they match the model's `predict` to about 1e-6.
 * @example
 * const model = fitGbdt(train, { label: 'income' });
 * await writeFile('model.onnx', toOnnx(model));
 */
export function toOnnx(model: ExportableModel, options: ToOnnxOptions = {}): Uint8Array {
  const { name = model.name } = options;
  if (typeof name !== 'string' || name === '') throw userError('invalid_option', `invalid name: ${JSON.stringify(name)} (expected a non-empty string)`, { option: 'name' });
  const { nodes, inputs, outputs } = toOnnxGraph(model);
  return encodeOnnxModel({ name, nodes, inputs, outputs, opsets: ONNX_OPSETS, producer: 'candor' });
}

/** The opsets {@link toOnnx} writes (ai.onnx 13, ai.onnx.ml 3). */
export const ONNX_OPSETS: Readonly<Record<string, number>> = OPSETS;

/**
 * The graph {@link toOnnx} encodes — nodes, inputs and outputs, unencoded — for composing a
 * model into a larger graph (an ensemble). Outputs are `label` and `probabilities`, or `variable`.
 */
export function toOnnxGraph(model: ExportableModel): { nodes: OnnxNode[]; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] } {
  const b: Builder = { nodes: [], inputs: [] };
  let outputs: OnnxValueInfo[];
  if (isGbdt(model)) outputs = gbdtGraph(model, b);
  else if (isTree(model)) outputs = treeGraph(model, b);
  else if ('design' in model && 'coefficients' in model) outputs = linearGraph(model, b);
  else throw userError('unsupported_model', `cannot export model ${JSON.stringify((model as { name?: string }).name)} to ONNX (expected a logistic, multinomial, linear, gbdt or tree model)`, {});
  return { nodes: b.nodes, inputs: b.inputs, outputs };
}
