import { userError } from '../../errors/index.js';
import type { Model } from '../../model/index.js';
import { encodeOnnxModel, ONNX_TYPE, type OnnxAttribute, type OnnxNode, type OnnxValueInfo } from '../../learn/onnx-proto.js';
import { ONNX_OPSETS, toOnnx, toOnnxGraph, type ExportableModel } from '../../learn/to-onnx.js';
import { isConstantModel, mixtureModel, type MixtureModel } from './mixture.js';

const ML = 'ai.onnx.ml';
/** Prefix of every tensor the mixture adds, so none can clash with a feature column's name. */
const OWN = '\u0000mixture';

const doubles = (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'doubles', value });
const floats = (value: ArrayLike<number>): OnnxAttribute => ({ kind: 'floats', value });
const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });
const strings = (value: readonly string[]): OnnxAttribute => ({ kind: 'strings', value });
const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
const float = (value: number): OnnxAttribute => ({ kind: 'float', value });
const str = (value: string): OnnxAttribute => ({ kind: 'string', value });

/** Options of {@link mixtureToOnnx}. */
export interface MixtureToOnnxOptions {
  /** The graph's name. Defaults to the model's name. */
  readonly name?: string;
}

function isExportable(model: Model): model is ExportableModel {
  return 'design' in model || ('trees' in model && 'bins' in model);
}

function attributeKey(attributes: OnnxNode['attributes']): string {
  return JSON.stringify(attributes ?? {}, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
}

/**
 * Exports a {@link MixtureModel} as one ONNX graph: each predictor's own graph (as `toOnnx`
 * writes it), sharing the inputs — one per feature column, `[N, 1]` — with identical nodes (the
 * same design encoding, the same feature casts) computed once. Binary: each predictor's label
 * becomes its 0/1 decision d_k, and p = 0 + w₁·d₁ + w₂·d₂ + … is summed in double precision in
 * predictor order — the same operations, in the same order, as the model's `predict` — giving the
 * outputs `probabilities` `[N, 2]` = [1 − p, p] (float) and `label` `[N]`, the positive class when
 * p > 0.5. Regression: `variable` `[N, 1]` = Σ w_k·f_k(x). Constant predictors add their constant.
 * Decisions are the predictors' ONNX decisions (float32 scores): a row whose score lies within
 * float32 rounding of a predictor's threshold may be decided differently than in `predict`.
 * @example
 * const { model } = exponentiatedGradient(train, { label: 'income', sensitive: 'sex', constraint: 'equalized_odds' });
 * await writeFile('mitigated.onnx', mixtureToOnnx(model));
 */
export function mixtureToOnnx(model: MixtureModel, options: MixtureToOnnxOptions = {}): Uint8Array {
  const { name = model.name } = options;
  if (typeof name !== 'string' || name === '') throw userError('invalid_option', `invalid name: ${JSON.stringify(name)} (expected a non-empty string)`, { option: 'name' });
  const binary = model.task === 'binary';
  const nodes: OnnxNode[] = [];
  const inputs = new Map<string, OnnxValueInfo>();
  const seen = new Map<string, readonly string[]>();
  let carrier = false;
  // Each predictor's contribution: a tensor name (d_k or f_k, double [N, 1]) or a constant.
  const parts: (string | number)[] = [];
  model.predictors.forEach((predictor, k) => {
    if (isConstantModel(predictor)) {
      parts.push(predictor.constant);
      return;
    }
    if (!isExportable(predictor)) throw userError('unsupported_model', `cannot export the mixture to ONNX: its predictor ${JSON.stringify(predictor.name)} is not a built-in model`, { model: predictor.name });
    const graph = toOnnxGraph(predictor);
    for (const input of graph.inputs) {
      const known = inputs.get(input.name);
      if (known && known.type !== input.type) {
        throw userError('unsupported_model', `cannot export the mixture to ONNX: its predictors read column ${JSON.stringify(input.name)} as different types`, { column: input.name });
      }
      if (!known) inputs.set(input.name, input);
    }
    const graphInputs = new Set(graph.inputs.map((i) => i.name));
    const rename = new Map<string, string>();
    const renamed = (t: string) => (graphInputs.has(t) ? t : (rename.get(t) ?? t));
    for (const node of graph.nodes) {
      const ins = node.inputs.map(renamed);
      const key = `${node.domain ?? ''}|${node.op}|${ins.join('\u0001')}|${attributeKey(node.attributes)}`;
      const earlier = seen.get(key);
      if (earlier && earlier.length === node.outputs.length) {
        node.outputs.forEach((o, i) => rename.set(o, earlier[i]));
        continue;
      }
      const outs = node.outputs.map((o) => `${OWN}/${k}/${o}`);
      node.outputs.forEach((o, i) => rename.set(o, outs[i]));
      seen.set(key, outs);
      nodes.push({ ...node, inputs: ins, outputs: outs, name: `${OWN}/${k}/${node.name ?? node.op}` });
    }
    const p = `${OWN}/${k}`;
    if (binary) {
      nodes.push({ op: 'LabelEncoder', domain: ML, inputs: [renamed('label')], outputs: [`${p}/decision`], name: `${p}/decision`, attributes: { keys_strings: strings(model.classes), values_floats: floats([0, 1]), default_float: float(0) } });
      nodes.push({ op: 'Cast', inputs: [`${p}/decision`], outputs: [`${p}/decision64`], name: `${p}/decision64`, attributes: { to: int(ONNX_TYPE.double) } });
      nodes.push({ op: 'Reshape', inputs: [`${p}/decision64`, `${OWN}/column`], outputs: [`${p}/part`], name: `${p}/part` });
    } else {
      nodes.push({ op: 'Cast', inputs: [renamed('variable')], outputs: [`${p}/part`], name: `${p}/part`, attributes: { to: int(ONNX_TYPE.double) } });
    }
    parts.push(`${p}/part`);
  });
  if (inputs.size === 0) {
    // Only constants: the graph still reads the model's columns, for the row count.
    for (const i of model.inputs) inputs.set(i.name, { name: i.name, type: i.type === 'categorical' ? ONNX_TYPE.string : ONNX_TYPE.float, shape: ['N', 1] });
    carrier = binary;
  }
  const first = inputs.values().next().value;
  if (!first) throw userError('unsupported_model', 'cannot export the mixture to ONNX: it reads no columns', {});

  const head: OnnxNode[] = [
    // The shape binary decisions are reshaped to, when some are (an unused constant draws a warning from onnxruntime).
    ...(binary && parts.some((part) => typeof part === 'string') ? [{ op: 'Constant', inputs: [], outputs: [`${OWN}/column`], name: `${OWN}/column`, attributes: { value_ints: ints([-1, 1]) } }] : []),
    { op: 'Shape', inputs: [first.name], outputs: [`${OWN}/shape`], name: `${OWN}/shape` },
    { op: 'ConstantOfShape', inputs: [`${OWN}/shape`], outputs: [`${OWN}/sum/start`], name: `${OWN}/zeros`, attributes: { value: doubles([0]) } },
  ];
  const tail: OnnxNode[] = [];
  // p = ((0 + w₁·d₁) + w₂·d₂) + …: each product is exact for a 0/1 decision, and the additions run in `predict`'s order.
  let acc = `${OWN}/sum/start`;
  parts.forEach((part, k) => {
    const w = model.weights[k];
    const term = `${OWN}/sum/${k}/term`;
    if (typeof part === 'number') tail.push({ op: 'Constant', inputs: [], outputs: [term], name: term, attributes: { value: doubles([w * part]) } });
    else {
      tail.push({ op: 'Constant', inputs: [], outputs: [`${OWN}/sum/${k}/weight`], name: `${OWN}/sum/${k}/weight`, attributes: { value: doubles([w]) } });
      tail.push({ op: 'Mul', inputs: [part, `${OWN}/sum/${k}/weight`], outputs: [term], name: term });
    }
    const next = `${OWN}/sum/${k}`;
    tail.push({ op: 'Add', inputs: [acc, term], outputs: [next], name: next });
    acc = next;
  });

  let outputs: OnnxValueInfo[];
  if (binary) {
    tail.push({ op: 'Constant', inputs: [], outputs: [`${OWN}/one`], name: `${OWN}/one`, attributes: { value: doubles([1]) } });
    tail.push({ op: 'Sub', inputs: [`${OWN}/one`, acc], outputs: [`${OWN}/negative`], name: `${OWN}/negative` });
    tail.push({ op: 'Concat', inputs: [`${OWN}/negative`, acc], outputs: [`${OWN}/probabilities64`], name: `${OWN}/probabilities64`, attributes: { axis: int(1) } });
    tail.push({ op: 'Cast', inputs: [`${OWN}/probabilities64`], outputs: ['probabilities'], name: `${OWN}/probabilities`, attributes: { to: int(ONNX_TYPE.float) } });
    tail.push({ op: 'Constant', inputs: [], outputs: [`${OWN}/half`], name: `${OWN}/half`, attributes: { value: doubles([0.5]) } });
    tail.push({ op: 'Greater', inputs: [acc, `${OWN}/half`], outputs: [`${OWN}/positive`], name: `${OWN}/positive` });
    tail.push({ op: 'Cast', inputs: [`${OWN}/positive`], outputs: [`${OWN}/index2d`], name: `${OWN}/index2d`, attributes: { to: int(ONNX_TYPE.int64) } });
    tail.push({ op: 'Constant', inputs: [], outputs: [`${OWN}/flat`], name: `${OWN}/flat`, attributes: { value_ints: ints([-1]) } });
    tail.push({ op: 'Reshape', inputs: [`${OWN}/index2d`, `${OWN}/flat`], outputs: [`${OWN}/index`], name: `${OWN}/index` });
    tail.push({ op: 'LabelEncoder', domain: ML, inputs: [`${OWN}/index`], outputs: ['label'], name: `${OWN}/label`, attributes: { keys_int64s: ints([0, 1]), values_strings: strings(model.classes), default_string: str(model.classes[0]) } });
    if (carrier) {
      // With no classifier inside, this unused node carries the class labels readers look for (`classlabels_strings`).
      tail.push({ op: 'LinearClassifier', domain: ML, inputs: [acc], outputs: [`${OWN}/carrier/label`, `${OWN}/carrier/scores`], name: `${OWN}/classes`, attributes: { coefficients: floats([0, 0]), intercepts: floats([0, 0]), classlabels_strings: strings(model.classes) } });
    }
    outputs = [
      { name: 'label', type: ONNX_TYPE.string, shape: ['N'] },
      { name: 'probabilities', type: ONNX_TYPE.float, shape: ['N', 2] },
    ];
  } else {
    tail.push({ op: 'Cast', inputs: [acc], outputs: ['variable'], name: `${OWN}/variable`, attributes: { to: int(ONNX_TYPE.float) } });
    outputs = [{ name: 'variable', type: ONNX_TYPE.float, shape: ['N', 1] }];
  }
  return encodeOnnxModel({ name, nodes: [...head, ...nodes, ...tail], inputs: [...inputs.values()], outputs, opsets: ONNX_OPSETS, producer: 'candor' });
}

/**
 * ONNX bytes of a reduction's model: the weighted ensemble of an exponentiated-gradient mixture
 * ({@link mixtureToOnnx}), or grid search's single best predictor as `toOnnx` writes it (a constant
 * predictor as a one-member mixture).
 */
export function reductionToOnnx(model: Model, options: MixtureToOnnxOptions = {}): Uint8Array {
  if ('predictors' in model && 'weights' in model) return mixtureToOnnx(model as MixtureModel, options);
  if (isConstantModel(model)) return mixtureToOnnx(mixtureModel([model], [1], { name: options.name ?? 'grid-search' }), options);
  if (!isExportable(model)) throw userError('unsupported_model', `cannot export model ${JSON.stringify(model.name)} to ONNX (expected a built-in model)`, { model: model.name });
  return toOnnx(model, options);
}
