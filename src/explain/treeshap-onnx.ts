import { didYouMean, userError } from '../errors/index.js';
import { decodeOnnxModel, type OnnxReadGraph, type OnnxReadNode } from '../learn/onnx-read.js';
import { MISSING_BOOL, type Table } from '../table/index.js';
import { treeChild } from './treeshap.js';
import type { FeatureMatrix, ShapEnsemble, ShapTree } from './treeshap-tree.js';
import { attrNumbers, attrStrings, graphStrings, type InputColumn, kindOf, OTHER_STRING, traceGraph, type TracedColumn, untraceable } from './treeshap-onnx-graph.js';

/** Options of {@link shapTreesFromOnnx}. */
export interface OnnxShapOptions {
  /** For a model with one `[N, F]` input: the columns it reads, in order (as `loadOnnxModel`'s `features`). Required for such a model. */
  readonly features?: readonly string[];
  /** ONNX input name → the column (per-column inputs) or columns (a `[N, F]` input) it reads, as the ONNX mapping's `inputs`. */
  readonly inputs?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Rows whose passage down the trees gives each node's cover (how many rows reach it), for models
   * without `nodes_hitrates` (scikit-learn's converters and `toOnnx` write none) or with
   * `covers: 'data'`. The training data gives the covers the model was fitted with.
   */
  readonly coverData?: Table;
  /**
   * Where node covers come from: `model` (the ensemble's `nodes_hitrates`), `data` (`coverData`) or
   * `auto` (hitrates when every node has one, else `coverData`). Defaults to `auto`.
   */
  readonly covers?: 'auto' | 'model' | 'data';
}

/** The trees of an ONNX model for {@link treeShap}, with what their outputs mean. */
export interface OnnxShapEnsemble extends ShapEnsemble {
  readonly task: 'classification' | 'regression';
  /** The classifier's labels in `classlabels_*` order; empty for a regressor. */
  readonly classes: readonly string[];
  /**
   * What each output's raw score is for: a class label (a binary classifier whose weights all go
   * to class 0 has one output, the score of the second label, as onnxruntime reads it), or
   * `value` / `target k` for a regressor.
   */
  readonly outputs: readonly string[];
  /** The ensemble's `post_transform` (NONE, LOGISTIC, SOFTMAX…): how onnxruntime turns the raw scores explained here into its outputs. */
  readonly postTransform: string;
  /** Per feature: a string input (`categorical`) or a number (`numeric`). */
  readonly featureTypes: readonly ('numeric' | 'categorical')[];
  /** Where the node covers came from: the model's `nodes_hitrates` or the rows of `coverData`. */
  readonly coverSource: 'model' | 'data';
  /** Rows of `coverData` counted, when the covers came from data. */
  readonly coverRows: number | null;
}

const ML = 'ai.onnx.ml';

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'LEAF'] as const;
const LEQ = 0;
const LT = 1;
const GTE = 2;
const GT = 3;
const EQ = 4;
const LEAF = 6;

/** The largest double below `t`. */
function below(t: number): number {
  if (t === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([t]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += t > 0 ? -1n : 1n;
  return f[0];
}

/** The model input columns, from the graph inputs and the mapping (the adapter's conventions). */
function inputColumns(graph: OnnxReadGraph, options: OnnxShapOptions): InputColumn[] {
  const graphInputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  const names = graphInputs.map((v) => v.name);
  for (const key of Object.keys(options.inputs ?? {})) {
    if (!names.includes(key)) throw userError('unknown_input', `unknown ONNX input in mapping: ${JSON.stringify(key)}${didYouMean(key, names)}; the model's inputs are ${names.join(', ')}`, { input: key });
  }
  const out: InputColumn[] = [];
  for (const v of graphInputs) {
    const kind = kindOf(v.elemType);
    if (kind === null) throw userError('unsupported_input', `unsupported ONNX input ${JSON.stringify(v.name)}: not a tensor of numbers or strings`, { input: v.name });
    const shape = v.shape ?? [];
    const width = shape.length === 2 && typeof shape[1] === 'number' ? shape[1] : null;
    const mapped = options.inputs?.[v.name];
    const isMatrix = (graphInputs.length === 1 && shape.length === 2 && (width !== 1 || options.features !== undefined)) || (Array.isArray(mapped) && mapped.length !== 1);
    if (isMatrix) {
      if (kind === 'string') throw userError('unsupported_input', `unsupported ONNX input ${JSON.stringify(v.name)}: a string matrix (expected numbers)`, { input: v.name });
      const cols = mapped === undefined ? (options.features ? [...options.features] : null) : typeof mapped === 'string' ? [mapped] : [...mapped];
      if (cols === null) {
        throw userError('features_required', `the ONNX model reads one ${width ?? 'F'}-column tensor ${JSON.stringify(v.name)}: name its columns in order with features (--features a,b,…)`, { input: v.name, width });
      }
      if (width !== null && cols.length !== width) {
        throw userError('input_mismatch', `ONNX input ${JSON.stringify(v.name)} expects ${width} features, found ${cols.length} (${cols.join(', ')})`, { input: v.name, expected: width, found: cols.length });
      }
      cols.forEach((name, index) => out.push({ name, input: v.name, index, kind }));
    } else {
      if (width !== null && width !== 1) throw userError('input_mismatch', `ONNX input ${JSON.stringify(v.name)} has shape [${shape.join(', ')}]; one-column inputs must be [N, 1] or [N] (map it to its columns with inputs)`, { input: v.name });
      const column = mapped === undefined ? v.name : typeof mapped === 'string' ? mapped : mapped[0];
      out.push({ name: column, input: v.name, index: 0, kind });
    }
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.name)) throw userError('input_mismatch', `column ${JSON.stringify(c.name)} feeds two ONNX inputs; contributions are per column, so each may feed one`, { column: c.name });
    seen.add(c.name);
  }
  return out;
}

/** The ensemble's nodes as parallel arrays, checked. */
interface EnsembleNodes {
  readonly n: number;
  readonly tree: number[];
  readonly id: number[];
  readonly feature: number[];
  readonly mode: Uint8Array;
  readonly value: number[];
  readonly yes: number[];
  readonly no: number[];
  readonly missingTrue: number[];
  readonly hitrate: number[] | null;
}

function ensembleNodes(node: OnnxReadNode): EnsembleNodes {
  const ints = (name: string) => attrNumbers(node, name) ?? [];
  const tree = ints('nodes_treeids');
  const n = tree.length;
  const id = ints('nodes_nodeids');
  const feature = ints('nodes_featureids');
  const value = ints('nodes_values');
  const yes = ints('nodes_truenodeids');
  const no = ints('nodes_falsenodeids');
  const missing = ints('nodes_missing_value_tracks_true');
  const hitrates = attrNumbers(node, 'nodes_hitrates');
  const modeNames = attrStrings(node, 'nodes_modes') ?? [];
  const lengths: [string, number][] = [
    ['nodes_nodeids', id.length],
    ['nodes_featureids', feature.length],
    ['nodes_modes', modeNames.length],
    ['nodes_values', value.length],
    ['nodes_truenodeids', yes.length],
    ['nodes_falsenodeids', no.length],
  ];
  for (const [name, len] of lengths) {
    if (len !== n) throw userError('invalid_onnx', `invalid ONNX tree ensemble: ${name} has ${len} entries for ${n} nodes`, { attribute: name });
  }
  if (missing.length !== 0 && missing.length !== n) throw userError('invalid_onnx', `invalid ONNX tree ensemble: nodes_missing_value_tracks_true has ${missing.length} entries for ${n} nodes`, {});
  const mode = new Uint8Array(n);
  modeNames.forEach((m, i) => {
    const k = MODES.indexOf(m as (typeof MODES)[number]);
    if (k < 0) throw userError('unsupported_model', `cannot explain the ONNX trees: node mode ${JSON.stringify(m)} (expected ${MODES.join(', ')})`, { mode: m });
    mode[i] = k;
  });
  return {
    n,
    tree,
    id,
    feature,
    mode,
    value,
    yes,
    no,
    missingTrue: missing.length === n ? missing : new Array<number>(n).fill(0),
    hitrate: hitrates !== null && hitrates.length === n ? hitrates : null,
  };
}

/** One tree's structure in ShapTree layout; `head[j]` is the ONNX node a ShapTree node stands for. */
interface Structure {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly categorical: Uint8Array | null;
  readonly goesLeft: ((node: number, x: number) => boolean) | null;
  readonly head: Int32Array;
  /** Whether an ONNX node was reached by two paths and copied (its hitrate then is no cover). */
  readonly copied: boolean;
}

/**
 * Builds one ONNX tree (`root` is an ONNX node index) as a ShapTree structure over the input columns.
 * Splits on a column computed from an input become decisions on the input; a chain of splits on the
 * same input that all send their match to the same child (an `x ∈ {a, b, …}` test written as
 * BRANCH_EQ nodes, as `toOnnx` writes category sets) becomes one split, as in the model it came from.
 */
function buildStructure(
  e: EnsembleNodes,
  root: number,
  index: ReadonlyMap<number, number>,
  columns: readonly TracedColumn[],
  doubleCompare: boolean,
  /** Codes of the column's input when it is a string input (its splits are then tabulated per code), else 0. */
  codesOf: (c: TracedColumn) => number,
  tree: number,
): Structure {
  const refs = new Map<number, number>();
  const childOf = (i: number, id: number): number => {
    const j = index.get(id);
    if (j === undefined) throw userError('invalid_onnx', `invalid ONNX tree ensemble: node ${e.id[i]} of tree ${tree} points to node ${id}, which the tree lacks`, { tree, node: e.id[i] });
    return j;
  };
  for (const j of index.values()) {
    if (e.mode[j] === LEAF) continue;
    for (const c of [childOf(j, e.yes[j]), childOf(j, e.no[j])]) refs.set(c, (refs.get(c) ?? 0) + 1);
  }
  const left: number[] = [];
  const right: number[] = [];
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const categorical: number[] = [];
  const head: number[] = [];
  const preds: (((x: number) => boolean) | null)[] = [];
  const built = new Set<number>();
  let copied = false;
  const cmpValue = (v: number) => (doubleCompare ? v : Math.fround(v));
  const thresholdOf = (i: number) => (doubleCompare ? e.value[i] : Math.fround(e.value[i]));
  const test = (i: number, v: number): boolean => {
    const t = thresholdOf(i);
    let r: boolean;
    switch (e.mode[i]) {
      case LEQ:
        r = v <= t;
        break;
      case LT:
        r = v < t;
        break;
      case GTE:
        r = v >= t;
        break;
      case GT:
        r = v > t;
        break;
      case EQ:
        r = v === t;
        break;
      default:
        r = v !== t;
    }
    return r || (e.missingTrue[i] === 1 && v !== v);
  };
  const columnOf = (i: number): TracedColumn => {
    const c = columns[e.feature[i]];
    if (c === undefined) throw userError('invalid_onnx', `invalid ONNX tree ensemble: node ${e.id[i]} of tree ${tree} reads feature ${e.feature[i]} of ${columns.length}`, { tree, node: e.id[i] });
    if (c.kind === 'string') throw userError('invalid_onnx', 'invalid ONNX tree ensemble: it reads strings', {});
    return c;
  };
  const valueAt = (c: TracedColumn, x: number) => cmpValue(c.fn(x) as number);

  const build = (i: number, depth: number): number => {
    if (depth > 10_000) throw userError('invalid_onnx', `invalid ONNX tree ensemble: tree ${tree} has a cycle`, { tree });
    if (built.has(i)) copied = true;
    built.add(i);
    if (e.mode[i] !== LEAF) {
      const c = columnOf(i);
      // A split on a constant column always goes the same way.
      if (c.source < 0) return build(childOf(i, test(i, valueAt(c, 0)) ? e.yes[i] : e.no[i]), depth + 1);
    }
    const at = left.length;
    left.push(-1);
    right.push(-1);
    feature.push(-1);
    threshold.push(0);
    missingLeft.push(0);
    categorical.push(0);
    head.push(i);
    preds.push(null);
    if (e.mode[i] === LEAF) return at;
    const c = columnOf(i);
    const yes = childOf(i, e.yes[i]);
    const group = [i];
    let no = childOf(i, e.no[i]);
    while (e.mode[no] !== LEAF && refs.get(no) === 1 && childOf(no, e.yes[no]) === yes && columnOf(no).source === c.source) {
      group.push(no);
      built.add(no);
      no = childOf(no, e.no[no]);
    }
    feature[at] = c.source;
    let first = yes;
    let second = no;
    const m = e.mode[i];
    const t = thresholdOf(i);
    const plain = group.length === 1 && c.identity && (doubleCompare || c.kind === 'float' || c.kind === 'bool') && m <= GT && t === t && !(t === -Infinity && (m === LT || m === GTE));
    if (plain) {
      // x < t is x <= the double below t; a GTE/GT split is the LT/LEQ one with its children swapped.
      threshold[at] = m === LT || m === GTE ? below(t) : t;
      const swap = m === GTE || m === GT;
      missingLeft[at] = (e.missingTrue[i] === 1) !== swap ? 1 : 0;
      if (swap) [first, second] = [no, yes];
    } else {
      categorical[at] = 1;
      const members = group.map((g) => ({ g, col: columnOf(g) }));
      const pred = (x: number) => members.some(({ g, col }) => test(g, valueAt(col, x)));
      const codes = codesOf(c);
      if (codes > 0) {
        // A string input: decide once per code of its dictionary.
        const table = new Uint8Array(codes);
        for (let k = 0; k < codes; k++) table[k] = pred(k) ? 1 : 0;
        preds[at] = (x) => table[x] === 1;
      } else preds[at] = pred;
    }
    const l = build(first, depth + 1);
    const r = build(second, depth + 1);
    left[at] = l;
    right[at] = r;
    return at;
  };
  build(root, 0);
  const hasCategorical = categorical.includes(1);
  const goesLeft = hasCategorical ? (node: number, x: number) => preds[node]!(x) : null;
  return {
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    missingLeft: Uint8Array.from(missingLeft),
    categorical: hasCategorical ? Uint8Array.from(categorical) : null,
    goesLeft,
    head: Int32Array.from(head),
    copied,
  };
}

/**
 * The tree ensemble of an ONNX model (`ai.onnx.ml` TreeEnsembleClassifier or TreeEnsembleRegressor,
 * as written by `toOnnx` or scikit-learn's converters) for {@link treeShap}, attributing to the
 * model's input columns: the preprocessing in front of the ensemble (Cast, Concat, Imputer, Scaler,
 * OneHotEncoder, LabelEncoder…) is traced back so that a split on a one-hot or encoded column is a
 * split on the column it encodes. Outputs are raw scores before `post_transform` (log-odds for a
 * LOGISTIC binary classifier, class scores before SOFTMAX, probabilities for an untransformed
 * forest); AVERAGE regressors have their leaf values divided by the number of trees. Splits compare
 * in float32 unless the ensemble reads doubles, as onnxruntime does.
 *
 * Path-dependent TreeSHAP weighs each split's children by their covers. ONNX stores them only as the
 * optional `nodes_hitrates`; without them (scikit-learn's converters and `toOnnx` write none) the
 * covers are counted by passing the rows of `options.coverData` down the trees, so the explanation
 * is relative to that data: the training data reproduces the in-memory model's covers.
 * @example
 * const ensemble = shapTreesFromOnnx(await readFile('model.onnx'), { coverData: train });
 * const { values, expectedValue } = treeShap(ensemble, test);
 */
export function shapTreesFromOnnx(bytes: Uint8Array, options: OnnxShapOptions = {}): OnnxShapEnsemble {
  const { covers = 'auto', coverData } = options;
  if (covers !== 'auto' && covers !== 'model' && covers !== 'data') throw userError('invalid_option', `invalid covers: ${JSON.stringify(covers)} (expected auto, model or data)`, { option: 'covers' });
  const { graph } = decodeOnnxModel(bytes);
  const ensembles = graph.nodes.filter((n) => n.domain === ML && (n.op === 'TreeEnsembleClassifier' || n.op === 'TreeEnsembleRegressor' || n.op === 'TreeEnsemble'));
  if (ensembles.length !== 1) {
    throw userError('unsupported_model', `cannot explain the ONNX model with TreeSHAP: it has ${ensembles.length} tree ensembles (expected one ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor)`, { ensembles: ensembles.length });
  }
  const node = ensembles[0];
  if (node.op === 'TreeEnsemble') throw userError('unsupported_model', 'cannot explain the ONNX trees: ai.onnx.ml 5 TreeEnsemble is not supported (export with TreeEnsembleClassifier or TreeEnsembleRegressor)', {});
  const classifier = node.op === 'TreeEnsembleClassifier';

  // Input columns and the tensors computed from them.
  const inputs = inputColumns(graph, options);
  const dictionary = graphStrings(graph);
  const codeOf = new Map(dictionary.map((s, i) => [s, i]));
  const D = dictionary.length;
  const perInput = new Map<string, TracedColumn[]>();
  inputs.forEach((c, f) => {
    const list = perInput.get(c.input) ?? [];
    const fn = c.kind === 'string' ? (x: number) => (x < D ? dictionary[x] : OTHER_STRING) : (x: number) => x;
    list.push({ source: f, kind: c.kind, identity: c.kind !== 'string', fn });
    perInput.set(c.input, list);
  });
  const traced = traceGraph(graph, perInput);
  const x = traced.get(node.inputs[0]);
  if (!x) throw userError('invalid_onnx', `invalid ONNX model: the tree ensemble's input ${JSON.stringify(node.inputs[0])} is never computed`, {});
  if ('error' in x) throw untraceable(`the tree ensemble's input ${JSON.stringify(node.inputs[0])}`, x.error);
  const kinds = new Set(x.columns.map((c) => c.kind));
  if (kinds.has('string')) throw untraceable(`the tree ensemble's input ${JSON.stringify(node.inputs[0])}`, 'strings');
  const doubleCompare = kinds.size > 0 && [...kinds].every((k) => k === 'double');

  // Outputs and leaf weights.
  const e = ensembleNodes(node);
  const prefix = classifier ? 'class' : 'target';
  const leafTree = attrNumbers(node, `${prefix}_treeids`) ?? [];
  const leafNode = attrNumbers(node, `${prefix}_nodeids`) ?? [];
  const leafId = attrNumbers(node, `${prefix}_ids`) ?? [];
  const leafWeight = attrNumbers(node, `${prefix}_weights`) ?? [];
  if (leafNode.length !== leafTree.length || leafId.length !== leafTree.length || leafWeight.length !== leafTree.length) {
    throw userError('invalid_onnx', `invalid ONNX tree ensemble: ${prefix}_treeids, ${prefix}_nodeids, ${prefix}_ids and ${prefix}_weights differ in length`, {});
  }
  const base = attrNumbers(node, 'base_values') ?? [];
  const postTransform = node.attributes.get('post_transform')?.s || 'NONE';
  let classes: string[] = [];
  let outputNames: string[];
  let outputOf: (id: number) => number;
  if (classifier) {
    const labels = attrStrings(node, 'classlabels_strings');
    classes = labels && labels.length > 0 ? labels : (attrNumbers(node, 'classlabels_int64s') ?? []).map(String);
    if (classes.length < 2) throw userError('invalid_onnx', `invalid ONNX tree ensemble: ${classes.length} class labels (expected at least 2)`, {});
    const used = new Set(leafId);
    // onnxruntime's binary case: weights on class 0 only make one score, for the second label.
    if (classes.length === 2 && used.size === 1 && used.has(0) && base.length <= 1) {
      outputNames = [classes[1]];
      outputOf = () => 0;
    } else {
      outputNames = [...classes];
      outputOf = (id) => id;
    }
  } else {
    const nTargets = node.attributes.get('n_targets')?.i ?? Math.max(0, ...leafId) + 1;
    outputNames = nTargets === 1 ? ['value'] : Array.from({ length: nTargets }, (_, k) => `target ${k}`);
    outputOf = (id) => id;
  }
  const K = outputNames.length;
  for (const id of leafId) {
    if (!(Number.isInteger(id) && id >= 0 && outputOf(id) < K)) throw userError('invalid_onnx', `invalid ONNX tree ensemble: weight for ${prefix} ${id} of ${K}`, {});
  }
  const baseline = Array.from({ length: K }, (_, k) => base[K === 1 ? 0 : k] ?? 0);

  // Trees in order of first appearance; each one's node ids → ONNX node index.
  const treeOrder: number[] = [];
  const indexOf = new Map<number, Map<number, number>>();
  for (let i = 0; i < e.n; i++) {
    let m = indexOf.get(e.tree[i]);
    if (!m) {
      m = new Map();
      indexOf.set(e.tree[i], m);
      treeOrder.push(e.tree[i]);
    }
    if (m.has(e.id[i])) throw userError('invalid_onnx', `invalid ONNX tree ensemble: node ${e.id[i]} of tree ${e.tree[i]} appears twice`, { tree: e.tree[i], node: e.id[i] });
    m.set(e.id[i], i);
  }
  const aggregate = classifier ? 'SUM' : node.attributes.get('aggregate_function')?.s || 'SUM';
  if (aggregate !== 'SUM' && aggregate !== 'AVERAGE') throw userError('unsupported_model', `cannot explain the ONNX trees: aggregate_function ${aggregate} is not a sum of the trees (expected SUM or AVERAGE)`, { aggregate });
  const scale = aggregate === 'AVERAGE' ? 1 / Math.max(1, treeOrder.length) : 1;
  const weightsAt = new Map<number, { output: number; weight: number }[]>();
  for (let w = 0; w < leafTree.length; w++) {
    const i = indexOf.get(leafTree[w])?.get(leafNode[w]);
    if (i === undefined) throw userError('invalid_onnx', `invalid ONNX tree ensemble: a weight for node ${leafNode[w]} of tree ${leafTree[w]}, which does not exist`, {});
    const list = weightsAt.get(i) ?? [];
    list.push({ output: outputOf(leafId[w]), weight: leafWeight[w] * scale });
    weightsAt.set(i, list);
  }

  // Structures, one per ONNX tree; a ShapTree per (tree, output) with weights.
  const structures: Structure[] = [];
  for (const t of treeOrder) {
    const index = indexOf.get(t)!;
    const children = new Set<number>();
    for (const i of index.values()) if (e.mode[i] !== LEAF) children.add(e.yes[i]).add(e.no[i]);
    const roots = [...index.values()].filter((i) => !children.has(e.id[i]));
    if (roots.length !== 1) throw userError('invalid_onnx', `invalid ONNX tree ensemble: tree ${t} has ${roots.length} roots`, { tree: t });
    // A string input's splits are decided once per code: D named strings and one for all others.
    const codesOf = (c: TracedColumn) => (inputs[c.source].kind === 'string' ? D + 1 : 0);
    structures.push(buildStructure(e, roots[0], index, x.columns, doubleCompare, codesOf, t));
  }

  const copied = structures.some((s) => s.copied);
  const hitratesOk = e.hitrate !== null && !copied && e.hitrate.every((h) => h >= 0 && h < Infinity) && structures.every((s) => e.hitrate![s.head[0]] > 0);
  let coverSource: 'model' | 'data';
  if (covers === 'model' || (covers === 'auto' && hitratesOk)) {
    if (!hitratesOk) {
      throw userError('no_covers', `the ONNX trees have no usable nodes_hitrates (${e.hitrate === null ? 'none are stored' : copied ? 'a node is shared by two paths' : 'some are negative or a root is 0'}); count covers on data instead (covers: 'data' with coverData)`, {});
    }
    coverSource = 'model';
  } else {
    if (coverData === undefined) {
      throw userError('cover_data_required', 'the ONNX trees store no node covers (nodes_hitrates), which path-dependent TreeSHAP weighs splits by: give rows to count them on (coverData; on the command line --cover-data DATA, by default the explained data), ideally the training data', {});
    }
    coverSource = 'data';
  }

  const featureTypes = inputs.map((c) => (c.kind === 'string' ? 'categorical' : 'numeric') as 'numeric' | 'categorical');
  const encode = (table: Table): FeatureMatrix => encodeInputs(table, inputs, codeOf, D);
  let coverCounts: Float64Array[];
  if (coverSource === 'model') coverCounts = structures.map((s) => Float64Array.from(s.head, (i) => e.hitrate![i]));
  else {
    const m = encode(coverData!);
    coverCounts = structures.map((s) => countCovers(s, m, inputs.length));
    const empty = coverCounts.findIndex((c) => !(c[0] > 0));
    if (empty >= 0) throw userError('cover_data_required', `no cover rows: coverData has ${m.rows} rows (path-dependent TreeSHAP needs at least one to weigh splits by)`, { rows: m.rows });
  }

  const trees: ShapTree[] = [];
  structures.forEach((s, k) => {
    const values = new Map<number, Float64Array>();
    s.head.forEach((i, j) => {
      if (s.left[j] >= 0) return;
      for (const { output, weight } of weightsAt.get(i) ?? []) {
        let v = values.get(output);
        if (!v) {
          v = new Float64Array(s.head.length);
          values.set(output, v);
        }
        v[j] += weight;
      }
    });
    for (const [output, value] of [...values].sort((a, b) => a[0] - b[0])) {
      trees.push({ left: s.left, right: s.right, feature: s.feature, threshold: s.threshold, missingLeft: s.missingLeft, value, cover: coverCounts[k], output, strict: false, categorical: s.categorical, goesLeft: s.goesLeft });
    }
  });

  return {
    features: inputs.map((c) => c.name),
    baseline,
    trees,
    encode,
    task: classifier ? 'classification' : 'regression',
    classes,
    outputs: outputNames,
    postTransform,
    featureTypes,
    coverSource,
    coverRows: coverSource === 'data' ? coverData!.rowCount : null,
  };
}

/** Rows of `m` reaching each node of `s`. */
function countCovers(s: Structure, m: FeatureMatrix, F: number): Float64Array {
  const count = new Float64Array(s.head.length);
  const probe: ShapTree = { left: s.left, right: s.right, feature: s.feature, threshold: s.threshold, missingLeft: s.missingLeft, value: count, cover: count, output: 0, strict: false, categorical: s.categorical, goesLeft: s.goesLeft };
  const v = m.values;
  for (let i = 0; i < m.rows; i++) {
    let node = 0;
    count[0]++;
    while (s.left[node] >= 0) {
      node = treeChild(probe, node, v[i * F + s.feature[node]]);
      count[node]++;
    }
  }
  return count;
}

/** The input columns of `table` as the feature matrix: numbers as the inputs hold them, strings as dictionary codes. */
function encodeInputs(table: Table, inputs: readonly InputColumn[], codeOf: ReadonlyMap<string, number>, D: number): FeatureMatrix {
  const n = table.rowCount;
  const F = inputs.length;
  const values = new Float64Array(n * F);
  const mismatch = (name: string, type: string, kind: string) =>
    userError('dtype_mismatch', `column ${JSON.stringify(name)} is ${type}, but the ONNX model reads it as ${kind === 'string' ? 'strings' : 'numbers'}`, { column: name, type, expected: kind });
  inputs.forEach((input, f) => {
    const col = table.column(input.name);
    if (input.kind === 'string') {
      if (col.type !== 'categorical') throw mismatch(input.name, col.type, input.kind);
      // A missing category is fed as ''; strings the graph never names all behave alike.
      const map = Int32Array.from(col.dictionary, (s) => codeOf.get(s) ?? D);
      const missing = codeOf.get('')!;
      for (let i = 0; i < n; i++) {
        const c = col.codes[i];
        values[i * F + f] = c < 0 ? missing : map[c];
      }
      return;
    }
    if (col.type === 'numeric') {
      const v = col.values;
      if (input.kind === 'float') for (let i = 0; i < n; i++) values[i * F + f] = Math.fround(v[i]);
      else for (let i = 0; i < n; i++) values[i * F + f] = v[i];
    } else if (col.type === 'boolean') {
      for (let i = 0; i < n; i++) values[i * F + f] = col.values[i] === MISSING_BOOL ? NaN : col.values[i];
    } else throw mismatch(input.name, col.type, input.kind);
    if (input.kind === 'int' || input.kind === 'bool') {
      for (let i = 0; i < n; i++) {
        const v = values[i * F + f];
        if (!Number.isInteger(v)) throw userError('dtype_mismatch', `column ${JSON.stringify(input.name)} row ${i} is ${v !== v ? 'missing' : v}, but the ONNX input is an integer`, { column: input.name, row: i });
      }
    }
  });
  return { rows: n, values };
}
