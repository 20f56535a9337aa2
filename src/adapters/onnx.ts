import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { didYouMean, userError } from '../errors/index.js';
import type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from '../model/index.js';
import type { Column, Table } from '../table/index.js';

/**
 * How an ONNX model's inputs and outputs map to a table and to predictions, when the defaults
 * guess wrong. Every field is optional; a JSON file with the same shape can be given by path.
 * @example { "inputs": { "float_input": ["age", "income"] }, "label": "label", "probabilities": "probabilities", "classes": ["no", "yes"] }
 */
export interface OnnxMapping {
  /** ONNX input name -> the column (per-column inputs) or columns (a `[N, F]` tensor, in order) it reads. */
  readonly inputs?: Readonly<Record<string, string | readonly string[]>>;
  /** Output holding the predicted label. Defaults to the string/integer tensor output. */
  readonly label?: string;
  /** Output holding class probabilities: a `[N, K]` tensor or a ZipMap. Defaults to the float output. */
  readonly probabilities?: string;
  /** Output holding a regression prediction (`[N]` or `[N, 1]`). Defaults to the only float output of a model without a label. */
  readonly value?: string;
  /** Class labels in probability-column order. Defaults to the ZipMap keys or the classifier's `classlabels_*`. */
  readonly classes?: readonly (string | number)[];
}

/** Options of {@link loadOnnxModel}. */
export interface OnnxModelOptions {
  /** For a single `[N, F]` float input: the columns fed to it, in order. Defaults to every feature column minus `exclude`. */
  readonly features?: readonly string[];
  /** Columns never fed to a single `[N, F]` input (labels, ids, sensitive attributes…). Defaults to none. */
  readonly exclude?: readonly string[];
  /** Overrides for the input/output mapping, or the path of a JSON file holding them. */
  readonly mapping?: OnnxMapping | string;
  /** Intra-op threads of the session. Defaults to onnxruntime's choice (one per core). */
  readonly threads?: number;
  /** Rows per `session.run`, bounding memory. Defaults to 65,536. */
  readonly batchSize?: number;
  /** Name for reports. Defaults to the file's base name. */
  readonly name?: string;
}

/** A {@link Model} backed by an onnxruntime-node session (created once, reused by every `predict`). */
export interface OnnxModel extends Model {
  /** Non-fatal notes from the last predictions (missing categorical values passed as `''`…), de-duplicated. */
  readonly warnings: readonly string[];
  /**
   * How a single `[N, F]` input is fed: `columns` (a column-major `[F, N]` tensor transposed inside
   * the session, the fast path) or `rows` (row-major batches); `null` for one input per column.
   */
  readonly inputLayout: 'rows' | 'columns' | null;
  /** Releases the onnxruntime session. */
  release(): Promise<void>;
}

const DEFAULT_BATCH = 65_536;

type InputSpec =
  | { kind: 'matrix'; name: string; type: ort.Tensor.Type; width: number | null; columns: string[] | null; feed: string; layout: 'rows' | 'columns' }
  | { kind: 'column'; name: string; type: ort.Tensor.Type; column: string };

type OutputPlan =
  | { task: 'binary' | 'multiclass'; label: string | null; probabilities: string | null; classes: string[]; labelKeys: string[] }
  | { task: 'regression'; value: string };

/**
 * Loads an ONNX model as a Candor {@link Model}, through onnxruntime-node (CPU, including the
 * `ai.onnx.ml` operators). Two input conventions: one float tensor `[N, F]` (columns from
 * `features`, or every feature column minus `exclude`), or one input per column named after it
 * (the scikit-learn converters' convention: `[N, 1]`, float for numbers, strings for categories).
 * Outputs: a label plus a `[N, K]` probability tensor or a ZipMap (as skl2onnx writes by default),
 * or a regression value. Numeric NaN is passed as NaN; a missing category as `''`.
 * @example
 * const model = await loadOnnxModel('model.onnx', { exclude: ['label', 'sex'] });
 * const p = await model.predict(table);
 */
export async function loadOnnxModel(path: string, options: OnnxModelOptions = {}): Promise<OnnxModel> {
  const { features, exclude = [], threads, batchSize = DEFAULT_BATCH } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw userError('invalid_option', `invalid batchSize: ${batchSize} (expected a positive integer)`, { batchSize });
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) throw userError('invalid_option', `invalid threads: ${threads} (expected a non-negative integer)`, { threads });
  const mapping = await readMapping(options.mapping);

  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw userError('file_not_found', `ONNX model not found: ${JSON.stringify(path)}`, { path }, e);
    throw userError('file_unreadable', `cannot read ONNX model ${JSON.stringify(path)}: ${(e as Error).message}`, { path }, e);
  }
  const graph = inspectGraph(bytes);
  // onnxruntime-node cannot return non-tensor values (ZipMap's sequence of maps): drop ZipMap nodes
  // and expose their probability tensor as the output instead.
  if (graph && graph.zipMaps.length > 0) bytes = rewriteZipMaps(bytes, graph);

  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    ...(threads ? { intraOpNumThreads: threads } : {}),
    // Between batches the JS thread packs columns: idle pool threads spinning for work would
    // compete with it (2-4x slower scoring on a busy 2-core machine).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (e) {
    // onnxruntime prefixes its reason with the model path and a C++ source location and signature.
    const reason = String((e as Error).message ?? e)
      .split('\n')[0]
      .replace(/^Load model from .*? failed:\s*/, '')
      .replace(/^\S+\.(?:cc|cpp|h):\d+ .*?\)\s*/, '')
      .trim();
    throw userError('invalid_onnx', `not a valid ONNX model: ${JSON.stringify(path)} (onnxruntime: ${reason})`, { path }, e);
  }

  let inputs: InputSpec[];
  let outputs: OutputPlan;
  try {
    inputs = planInputs(session, mapping, features);
    outputs = planOutputs(session, mapping, graph);
  } catch (e) {
    await session.release();
    throw e;
  }
  // Packing columns into row-major [N, F] floats costs more than scoring a linear model: feed a
  // column-major [F, N] tensor instead (one native copy per column) and transpose it in the session.
  const matrix = inputs.length === 1 && inputs[0].kind === 'matrix' && (inputs[0].type === 'float32' || inputs[0].type === 'float64') ? inputs[0] : null;
  const current = matrix ? inspectGraph(bytes) : null;
  if (matrix && current) {
    const feed = `${matrix.name}__candor_columns`;
    try {
      const transposed = await ort.InferenceSession.create(transposeInput(bytes, current, matrix.name, feed, matrix.type === 'float32' ? 1 : 11), sessionOptions);
      await session.release();
      session = transposed;
      inputs[0] = { ...matrix, feed, layout: 'columns' };
    } catch {
      // Keep the untouched model and row-major packing (e.g. no default-domain opset to take Transpose from).
    }
  }
  return new OnnxSessionModel(options.name ?? basename(path), session, inputs, outputs, exclude, batchSize);
}

async function readMapping(mapping: OnnxMapping | string | undefined): Promise<OnnxMapping> {
  if (mapping === undefined) return {};
  if (typeof mapping !== 'string') return mapping;
  let text: string;
  try {
    text = await readFile(mapping, 'utf8');
  } catch (e) {
    throw userError('file_not_found', `ONNX mapping file not found: ${JSON.stringify(mapping)}`, { path: mapping }, e);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as OnnxMapping;
  } catch (e) {
    throw userError('invalid_mapping', `invalid ONNX mapping file ${JSON.stringify(mapping)}: ${(e as Error).message}`, { path: mapping }, e);
  }
}

function tensorMeta(session: ort.InferenceSession, name: string, which: 'input' | 'output'): ort.InferenceSession.ValueMetadata | undefined {
  const list = which === 'input' ? session.inputMetadata : session.outputMetadata;
  return list.find((m) => m.name === name);
}

const NUMERIC_INPUT_TYPES: readonly ort.Tensor.Type[] = ['float32', 'float64', 'int64', 'int32'];

function planInputs(session: ort.InferenceSession, mapping: OnnxMapping, features: readonly string[] | undefined): InputSpec[] {
  const names = session.inputNames;
  for (const key of Object.keys(mapping.inputs ?? {})) {
    if (!names.includes(key)) throw userError('unknown_input', `unknown ONNX input in mapping: ${JSON.stringify(key)}${didYouMean(key, names)}; the model's inputs are ${names.join(', ')}`, { input: key });
  }
  const specs: InputSpec[] = [];
  for (const name of names) {
    const meta = tensorMeta(session, name, 'input');
    if (!meta || !meta.isTensor) throw userError('unsupported_input', `unsupported ONNX input ${JSON.stringify(name)}: not a tensor`, { input: name });
    const shape = meta.shape;
    const width = shape.length === 2 && typeof shape[1] === 'number' ? shape[1] : null;
    const mapped = mapping.inputs?.[name];
    // A lone 2-D input is a feature matrix unless it is declared one column wide with no `features`
    // (then it is a one-column input named after its column).
    const isMatrix = names.length === 1 && shape.length === 2 && (width !== 1 || features !== undefined);
    if (isMatrix || (Array.isArray(mapped) && mapped.length !== 1)) {
      if (!NUMERIC_INPUT_TYPES.includes(meta.type)) throw userError('unsupported_input', `unsupported ONNX input ${JSON.stringify(name)}: a ${meta.type} matrix (expected float32, float64 or int64)`, { input: name });
      const cols = mapped === undefined ? (features ? [...features] : null) : typeof mapped === 'string' ? [mapped] : [...mapped];
      if (cols && width !== null && cols.length !== width) {
        throw userError('input_mismatch', `ONNX input ${JSON.stringify(name)} expects ${width} features, found ${cols.length} (${cols.join(', ')})`, { input: name, expected: width, found: cols.length });
      }
      specs.push({ kind: 'matrix', name, type: meta.type, width, columns: cols, feed: name, layout: 'rows' });
    } else {
      if (width !== null && width !== 1) throw userError('input_mismatch', `ONNX input ${JSON.stringify(name)} has shape [${shape.join(', ')}]; one-column inputs must be [N, 1] or [N] (set mapping.inputs to feed several columns to it)`, { input: name });
      const column = mapped === undefined ? name : typeof mapped === 'string' ? mapped : mapped[0];
      specs.push({ kind: 'column', name, type: meta.type, column });
    }
  }
  return specs;
}

function planOutputs(session: ort.InferenceSession, mapping: OnnxMapping, graph: GraphInfo | null): OutputPlan {
  const names = session.outputNames;
  // A ZipMap output was rewritten to the tensor it reads: accept either name.
  const zipMapOf = (name: string | null | undefined) => graph?.zipMaps.find((z) => z.output === name || z.input === name);
  if (mapping.probabilities !== undefined && zipMapOf(mapping.probabilities)) mapping = { ...mapping, probabilities: zipMapOf(mapping.probabilities)!.input };
  for (const key of [mapping.label, mapping.probabilities, mapping.value]) {
    if (key !== undefined && !names.includes(key)) throw userError('unknown_output', `unknown ONNX output in mapping: ${JSON.stringify(key)}${didYouMean(key, names)}; the model's outputs are ${names.join(', ')}`, { output: key });
  }
  const metas = names.map((n) => tensorMeta(session, n, 'output'));
  const tensors = metas.filter((m): m is ort.InferenceSession.TensorValueMetadata => m !== undefined && m.isTensor);
  const isLabel = (m: ort.InferenceSession.TensorValueMetadata) => m.type === 'string' || m.type === 'int64' || m.type === 'int32';
  const isFloat = (m: ort.InferenceSession.TensorValueMetadata) => m.type === 'float32' || m.type === 'float64';
  const width = (m: ort.InferenceSession.TensorValueMetadata | undefined) => (m && m.shape.length === 2 && typeof m.shape[1] === 'number' ? m.shape[1] : m && m.shape.length === 1 ? 1 : null);

  if (mapping.value !== undefined) return { task: 'regression', value: mapping.value };
  const label = mapping.label ?? tensors.find(isLabel)?.name ?? null;
  const probabilities = mapping.probabilities ?? tensors.find((m) => isFloat(m) && m.name !== label)?.name ?? null;
  if (label === null && mapping.classes === undefined) {
    const probWidth = width(tensors.find((m) => m.name === probabilities));
    if (probabilities !== null && probWidth === 1) return { task: 'regression', value: probabilities };
  }
  if (label === null && probabilities === null) {
    throw userError('unsupported_output', `cannot find a label, probability or value output among the ONNX outputs ${names.join(', ')} (set mapping.label / probabilities / value)`, { outputs: names });
  }
  // The model's own class labels (what its label output holds), then the names reported.
  let modelLabels: string[] | null = null;
  if (probabilities) modelLabels = zipMapOf(probabilities)?.classes ?? null;
  if (!modelLabels && graph && graph.classLabels.length > 0) modelLabels = graph.classLabels;
  let classes: string[] | null = mapping.classes ? mapping.classes.map(String) : modelLabels;
  if (!classes) {
    const k = width(tensors.find((m) => m.name === probabilities));
    if (k !== null && k > 1) classes = Array.from({ length: k }, (_, i) => String(i));
  }
  if (!classes) throw userError('unknown_classes', `cannot tell the classes of the ONNX model (outputs ${names.join(', ')}); set mapping.classes`, { outputs: names });
  if (classes.length < 2) throw userError('unknown_classes', `the ONNX model has ${classes.length} class (expected at least 2)`, { classes });
  const labelKeys = modelLabels && modelLabels.length === classes.length ? modelLabels : classes;
  return { task: classes.length === 2 ? 'binary' : 'multiclass', label, probabilities, classes, labelKeys };
}

class OnnxSessionModel implements OnnxModel {
  readonly task: ModelTask;
  readonly classes: readonly string[];
  private resolvedInputs: ModelInput[] | null = null;
  private readonly notes = new Set<string>();

  constructor(
    readonly name: string,
    private readonly session: ort.InferenceSession,
    private readonly specs: InputSpec[],
    private readonly plan: OutputPlan,
    private readonly exclude: readonly string[],
    private readonly batchSize: number,
  ) {
    this.task = plan.task;
    this.classes = plan.task === 'regression' ? [] : plan.classes;
    if (specs.every((s) => s.kind === 'column' || s.columns !== null)) this.resolvedInputs = this.describeInputs(null);
  }

  /** The columns read, in input order; for a `[N, F]` input without `features`, known after the first `predict`. */
  get inputs(): readonly ModelInput[] {
    return this.resolvedInputs ?? [];
  }

  get inputLayout(): 'rows' | 'columns' | null {
    const m = this.specs.find((s) => s.kind === 'matrix');
    return m && m.kind === 'matrix' ? m.layout : null;
  }

  get warnings(): readonly string[] {
    return [...this.notes];
  }

  release(): Promise<void> {
    return this.session.release();
  }

  private describeInputs(table: Table | null): ModelInput[] {
    const out: ModelInput[] = [];
    for (const s of this.specs) {
      if (s.kind === 'column') out.push({ name: s.column, type: s.type === 'string' ? 'categorical' : 'numeric' });
      else for (const c of s.columns ?? this.defaultColumns(table as Table)) out.push({ name: c, type: 'numeric' });
    }
    return out;
  }

  private defaultColumns(table: Table): string[] {
    // Once a table has chosen the columns of a `[N, F]` input, later tables are read by those names.
    if (this.resolvedInputs) return this.resolvedInputs.map((i) => i.name);
    return table.columns.filter((c) => (c.role ?? 'feature') === 'feature' && !this.exclude.includes(c.name)).map((c) => c.name);
  }

  /** Resolves each input's columns against `table`, with one error naming every missing column. */
  private bind(table: Table): { spec: InputSpec; columns: Column[] }[] {
    const have = table.names();
    const missing: string[] = [];
    const bound = this.specs.map((spec) => {
      let names: string[];
      if (spec.kind === 'column') names = [spec.column];
      else {
        names = spec.columns ?? this.defaultColumns(table);
        if (spec.width !== null && names.length !== spec.width) {
          throw userError('input_mismatch', `ONNX input ${JSON.stringify(spec.name)} expects ${spec.width} features, found ${names.length} (${names.join(', ')}); choose them with features (--features a,b,…) or leave some out with exclude (--exclude)`, {
            input: spec.name,
            expected: spec.width,
            found: names.length,
          });
        }
      }
      const columns: Column[] = [];
      for (const n of names) {
        if (table.has(n)) columns.push(table.column(n));
        else missing.push(n);
      }
      return { spec, columns };
    });
    if (missing.length > 0) {
      const hints = missing.map((m) => `${JSON.stringify(m)}${didYouMean(m, have)}`).join(', ');
      const expected = this.specs.flatMap((s) => (s.kind === 'column' ? [s.column] : (s.columns ?? [])));
      throw userError('missing_input', `the table lacks ${missing.length === 1 ? 'a column' : 'columns'} the ONNX model reads: ${hints}; the model expects ${expected.join(', ')}; the table has ${have.slice(0, 20).join(', ')}${have.length > 20 ? ', …' : ''}`, {
        missing,
        expected,
        columns: have,
      });
    }
    for (const { spec, columns } of bound) {
      for (const c of columns) {
        const wantsString = spec.type === 'string';
        const ok = wantsString ? c.type === 'categorical' : c.type === 'numeric' || c.type === 'boolean';
        if (!ok) throw userError('dtype_mismatch', `column ${JSON.stringify(c.name)} is ${c.type}, but ONNX input ${JSON.stringify(spec.name)} is a ${spec.type} tensor`, { column: c.name, input: spec.name, type: spec.type });
      }
    }
    if (!this.resolvedInputs) this.resolvedInputs = this.describeInputs(table);
    return bound;
  }

  async predict(table: Table, options: PredictOptions = {}): Promise<Predictions> {
    const { batchSize = this.batchSize, onProgress, signal } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw userError('invalid_option', `invalid batchSize: ${batchSize} (expected a positive integer)`, { batchSize });
    const bound = this.bind(table);
    const n = table.rowCount;
    const sink = new PredictionSink(this.plan, n);
    const fetches = this.plan.task === 'regression' ? [this.plan.value] : [this.plan.label, this.plan.probabilities].filter((x): x is string => x !== null);
    for (const { columns } of bound) {
      for (const c of columns) {
        if (c.type !== 'categorical') continue;
        let missing = 0;
        for (let i = 0; i < n; i++) if (c.codes[i] < 0) missing++;
        if (missing > 0) this.notes.add(`column ${JSON.stringify(c.name)}: ${missing} missing value${missing === 1 ? '' : 's'} passed to the ONNX model as "" (empty string)`);
      }
    }
    // onnxruntime-node runs a session synchronously on the JS thread (inside a setImmediate), so
    // batches run one after another and one reused input buffer per tensor suffices.
    const pool: BufferPool = new Map();
    for (let start = 0; start < n; start += batchSize) {
      signal?.throwIfAborted();
      const end = Math.min(n, start + batchSize);
      const feeds = packBatch(bound, start, end, pool);
      let result: ort.InferenceSession.ReturnType;
      try {
        result = await this.session.run(feeds, fetches);
      } catch (e) {
        throw userError('onnx_run_failed', `onnxruntime failed on rows ${start}..${end - 1}: ${String((e as Error).message ?? e).split('\n')[0]}`, { start, end }, e);
      }
      sink.add(result, start);
      onProgress?.(end / n);
    }
    return sink.finish();
  }
}

type BufferPool = Map<string, Float32Array | Float64Array>;

function floatBuffer(pool: BufferPool, key: string, type: 'float32' | 'float64', size: number): Float32Array | Float64Array {
  const have = pool.get(key);
  if (have && have.length >= size) return have.subarray(0, size);
  const out = type === 'float32' ? new Float32Array(size) : new Float64Array(size);
  pool.set(key, out);
  return out;
}

function packBatch(bound: { spec: InputSpec; columns: Column[] }[], start: number, end: number, pool: BufferPool): Record<string, ort.Tensor> {
  const b = end - start;
  const feeds: Record<string, ort.Tensor> = {};
  for (const { spec, columns } of bound) {
    if (spec.kind === 'column') {
      const c = columns[0];
      if (spec.type === 'string') {
        const out = new Array<string>(b);
        if (c.type === 'categorical') {
          const { codes, dictionary } = c;
          for (let i = 0; i < b; i++) {
            const code = codes[start + i];
            out[i] = code < 0 ? '' : dictionary[code];
          }
        }
        feeds[spec.name] = new ort.Tensor('string', out, [b, 1]);
      } else feeds[spec.name] = numericTensor(spec.type, [c], start, b, [b, 1]);
    } else if (spec.layout === 'columns') {
      const type = spec.type as 'float32' | 'float64';
      feeds[spec.feed] = columnMajorTensor(floatBuffer(pool, spec.feed, type, b * columns.length), type, columns, start, b);
    }
    else feeds[spec.feed] = numericTensor(spec.type, columns, start, b, [b, columns.length]);
  }
  return feeds;
}

function columnMajorTensor(out: Float32Array | Float64Array, type: 'float32' | 'float64', columns: Column[], start: number, b: number): ort.Tensor {
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j];
    if (c.type === 'numeric') out.set(c.values.subarray(start, start + b), j * b);
    else if (c.type === 'boolean') {
      const v = c.values;
      for (let i = 0, k = j * b; i < b; i++, k++) out[k] = v[start + i] > 1 ? NaN : v[start + i];
    }
  }
  return new ort.Tensor(type, out, [columns.length, b]);
}

function numericTensor(type: ort.Tensor.Type, columns: Column[], start: number, b: number, dims: number[]): ort.Tensor {
  const f = columns.length;
  if (type === 'float32' || type === 'float64') {
    const out = type === 'float32' ? new Float32Array(b * f) : new Float64Array(b * f);
    for (let j = 0; j < f; j++) {
      const c = columns[j];
      if (c.type === 'numeric') {
        const v = c.values;
        for (let i = 0, k = j; i < b; i++, k += f) out[k] = v[start + i];
      } else if (c.type === 'boolean') {
        const v = c.values;
        for (let i = 0, k = j; i < b; i++, k += f) out[k] = v[start + i] > 1 ? NaN : v[start + i];
      }
    }
    return new ort.Tensor(type, out, dims);
  }
  // Integer inputs cannot hold NaN: a missing value is an error, not a silent 0.
  const out = type === 'int64' ? new BigInt64Array(b * f) : new Int32Array(b * f);
  for (let j = 0; j < f; j++) {
    const c = columns[j];
    for (let i = 0, k = j; i < b; i++, k += f) {
      const x = c.type === 'numeric' || c.type === 'boolean' ? c.values[start + i] : NaN;
      const v = c.type === 'boolean' && x > 1 ? NaN : x;
      if (!Number.isInteger(v)) throw userError('dtype_mismatch', `column ${JSON.stringify(c.name)} row ${start + i} is ${Number.isNaN(v) ? 'missing' : v}, but the ONNX input is ${type}`, { column: c.name, row: start + i });
      if (out instanceof BigInt64Array) out[k] = BigInt(v);
      else out[k] = v;
    }
  }
  return new ort.Tensor(type, out, dims);
}

/** Collects batch outputs into Candor's {@link Predictions}. */
class PredictionSink {
  private readonly values: Float64Array | null = null;
  private readonly labels: Int32Array | null = null;
  private readonly scores: Float64Array[] | null = null;
  private readonly classIndex = new Map<string, number>();
  /** Fast path for integer class labels: `intIndex[v - intBase]` is the class of label v. */
  private intIndex: Int32Array | null = null;
  private intBase = 0;

  constructor(
    private readonly plan: OutputPlan,
    private readonly n: number,
  ) {
    if (plan.task === 'regression') {
      this.values = new Float64Array(n);
      return;
    }
    this.labels = new Int32Array(n);
    if (plan.probabilities) this.scores = plan.classes.map(() => new Float64Array(n));
    const keys = plan.labelKeys;
    keys.forEach((c, i) => this.classIndex.set(c, i));
    const ints = keys.map(Number);
    if (ints.every((v, i) => Number.isSafeInteger(v) && String(v) === keys[i])) {
      const lo = Math.min(...ints);
      const span = Math.max(...ints) - lo + 1;
      if (span <= 1 << 16) {
        this.intBase = lo;
        this.intIndex = new Int32Array(span).fill(-1);
        ints.forEach((v, i) => (this.intIndex![v - lo] = i));
      }
    }
  }

  add(result: ort.InferenceSession.ReturnType, start: number): void {
    const plan = this.plan;
    if (plan.task === 'regression') {
      const t = result[plan.value] as ort.Tensor;
      const data = t.data as Float32Array | Float64Array;
      const width = t.dims.length >= 2 ? t.dims[1] : 1;
      if (width !== 1) throw userError('unsupported_output', `ONNX output ${JSON.stringify(plan.value)} has ${width} values per row (expected 1 for a regression)`, { output: plan.value });
      this.values!.set(data, start);
      return;
    }
    const k = plan.classes.length;
    let rows = -1;
    if (plan.probabilities) {
      const t = result[plan.probabilities] as ort.Tensor;
      const data = t.data as Float32Array | Float64Array;
      const width = t.dims.length >= 2 ? t.dims[1] : 1;
      rows = t.dims[0];
      const scores = this.scores!;
      if (width === k) {
        for (let c = 0; c < k; c++) {
          const s = scores[c];
          for (let i = 0, j = c; i < rows; i++, j += k) s[start + i] = data[j];
        }
      } else if (width === 1 && k === 2) {
        for (let i = 0; i < rows; i++) {
          scores[1][start + i] = data[i];
          scores[0][start + i] = 1 - data[i];
        }
      } else {
        throw userError('output_mismatch', `ONNX output ${JSON.stringify(plan.probabilities)} has ${width} columns but the model has ${k} classes (${plan.classes.join(', ')})`, { output: plan.probabilities });
      }
    }
    const labels = this.labels!;
    if (plan.label) {
      const t = result[plan.label] as ort.Tensor;
      const data = t.data as BigInt64Array | Int32Array | string[];
      rows = data.length;
      const index = this.intIndex;
      let i = 0;
      if (index !== null && data instanceof BigInt64Array) {
        // Little-endian int64 labels as int32 pairs: no BigInt per row while values fit 32 bits.
        const words = new Int32Array(data.buffer, data.byteOffset, rows * 2);
        for (; i < rows; i++) {
          const lo = words[2 * i];
          if (words[2 * i + 1] !== lo >> 31) break;
          const slot = lo - this.intBase;
          const cls = slot >= 0 && slot < index.length ? index[slot] : -1;
          if (cls < 0) break;
          labels[start + i] = cls;
        }
      }
      for (; i < rows; i++) {
        const raw = data[i];
        let cls: number | undefined;
        if (index !== null && typeof raw !== 'string') {
          const slot = Number(raw) - this.intBase;
          cls = slot >= 0 && slot < index.length ? index[slot] : -1;
        } else cls = this.classIndex.get(String(raw));
        if (cls === undefined || cls < 0) throw userError('output_mismatch', `ONNX label ${JSON.stringify(String(raw))} is not one of the model's labels ${plan.labelKeys.join(', ')} (set mapping.classes)`, { label: String(raw), labels: plan.labelKeys });
        labels[start + i] = cls;
      }
    } else {
      // No label output: the predicted class is the most probable one.
      const scores = this.scores!;
      for (let i = start; i < start + rows; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (scores[c][i] > scores[best][i]) best = c;
        labels[i] = best;
      }
    }
  }

  finish(): Predictions {
    if (this.plan.task === 'regression') return { task: 'regression', values: this.values! };
    return { task: this.plan.task, classes: this.plan.classes, labels: this.labels!, scores: this.scores };
  }
}

// --- A minimal protobuf reader/writer for the few ModelProto fields we inspect or rewrite. ---
// Field numbers from onnx/onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, output = 12;
// NodeProto.input = 1, output = 2, op_type = 4, attribute = 5, domain = 7; AttributeProto.name = 1,
// ints = 8, strings = 9; ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1;
// TypeProto.Tensor.elem_type = 1 (FLOAT = 1).

interface Field {
  readonly num: number;
  readonly wire: number;
  /** Start of the field's tag and end of the whole field, in the parent buffer. */
  readonly start: number;
  readonly end: number;
  /** Payload: bytes for wire type 2, value for varints. */
  readonly bytes?: Uint8Array;
  readonly varint?: bigint;
}

interface ZipMapInfo {
  readonly input: string;
  readonly output: string;
  readonly classes: string[];
}

interface GraphInfo {
  readonly zipMaps: ZipMapInfo[];
  /** `classlabels_*` of the first classifier node (LinearClassifier, TreeEnsembleClassifier, SVMClassifier…). */
  readonly classLabels: string[];
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  while (true) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 70n) throw new Error('varint too long');
  }
}

function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p] = readVarint(buf, pos);
    pos = p;
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, q] = readVarint(buf, pos);
      fields.push({ num, wire, start, end: q, varint: v });
      pos = q;
    } else if (wire === 2) {
      const [len, q] = readVarint(buf, pos);
      const end = q + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      fields.push({ num, wire, start, end, bytes: buf.subarray(q, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      fields.push({ num, wire, start, end: pos });
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  if (pos !== buf.length) throw new Error('truncated message');
  return fields;
}

const text = new TextDecoder();
const str = (f: Field) => text.decode(f.bytes);

function attributeLabels(attr: Field[]): { name: string; values: string[] } {
  const name = attr.filter((f) => f.num === 1).map(str)[0] ?? '';
  const values: string[] = [];
  for (const f of attr) {
    if (f.num === 9 && f.bytes) values.push(str(f));
    else if (f.num === 8 && f.varint !== undefined) values.push(String(BigInt.asIntN(64, f.varint)));
    else if (f.num === 8 && f.bytes) {
      for (let pos = 0; pos < f.bytes.length; ) {
        const [v, q] = readVarint(f.bytes, pos);
        values.push(String(BigInt.asIntN(64, v)));
        pos = q;
      }
    }
  }
  return { name, values };
}

/** The ZipMap nodes feeding graph outputs and the classifier's class labels; null when the bytes do not parse. */
function inspectGraph(bytes: Uint8Array): (GraphInfo & { graphField: Field; graph: Field[] }) | null {
  try {
    const graphField = readFields(bytes).find((f) => f.num === 7 && f.bytes);
    if (!graphField) return null;
    const graph = readFields(graphField.bytes!);
    const outputs = new Set(graph.filter((f) => f.num === 12).map((f) => readFields(f.bytes!).filter((g) => g.num === 1).map(str)[0]));
    const zipMaps: ZipMapInfo[] = [];
    let classLabels: string[] = [];
    for (const f of graph) {
      if (f.num !== 1 || !f.bytes) continue;
      const node = readFields(f.bytes);
      const opType = node.filter((g) => g.num === 4).map(str)[0];
      const attrs = node.filter((g) => g.num === 5).map((g) => attributeLabels(readFields(g.bytes!)));
      const labels = attrs.find((a) => a.name.startsWith('classlabels_') && a.values.length > 0)?.values ?? [];
      if (opType === 'ZipMap') {
        const input = node.filter((g) => g.num === 1).map(str)[0];
        const output = node.filter((g) => g.num === 2).map(str)[0];
        if (outputs.has(output)) zipMaps.push({ input, output, classes: labels });
      } else if (labels.length > 0 && classLabels.length === 0) classLabels = labels;
    }
    return { zipMaps, classLabels, graphField, graph };
  } catch {
    return null;
  }
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lengthDelimited(num: number, payload: Uint8Array): Uint8Array {
  const head = [...varintBytes((num << 3) | 2), ...varintBytes(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The model with graph input `name` replaced by `feed`, a column-major tensor (elem type `elemType`,
 * shape left open) that a first Transpose node turns back into `name`.
 */
function transposeInput(bytes: Uint8Array, info: { graphField: Field; graph: Field[] }, name: string, feed: string, elemType: number): Uint8Array {
  const { graphField, graph } = info;
  const enc = new TextEncoder();
  const graphBytes = graphField.bytes!;
  const perm = concatBytes([lengthDelimited(1, enc.encode('perm')), new Uint8Array([0x40, 0x01, 0x40, 0x00, 0xa0, 0x01, 0x07])]);
  const node = concatBytes([lengthDelimited(1, enc.encode(feed)), lengthDelimited(2, enc.encode(name)), lengthDelimited(3, enc.encode(`${feed}_transpose`)), lengthDelimited(4, enc.encode('Transpose')), lengthDelimited(5, perm)]);
  const parts: Uint8Array[] = [];
  let placed = false;
  for (const f of graph) {
    if (f.num === 1 && !placed) {
      parts.push(lengthDelimited(1, node));
      placed = true;
    }
    if (f.num === 11 && f.bytes && readFields(f.bytes).filter((g) => g.num === 1).map(str)[0] === name) {
      const tensorType = lengthDelimited(1, new Uint8Array([0x08, elemType]));
      parts.push(lengthDelimited(11, concatBytes([lengthDelimited(1, enc.encode(feed)), lengthDelimited(2, tensorType)])));
      continue;
    }
    parts.push(graphBytes.subarray(f.start, f.end));
  }
  if (!placed) parts.push(lengthDelimited(1, node));
  return concatBytes([bytes.subarray(0, graphField.start), lengthDelimited(7, concatBytes(parts)), bytes.subarray(graphField.end)]);
}

/** The model with each output-feeding ZipMap removed and its input tensor made a graph output. */
function rewriteZipMaps(bytes: Uint8Array, info: GraphInfo & { graphField: Field; graph: Field[] }): Uint8Array {
  const { graphField, graph, zipMaps } = info;
  const zipOutputs = new Set(zipMaps.map((z) => z.output));
  const parts: Uint8Array[] = [];
  const graphBytes = graphField.bytes!;
  for (const f of graph) {
    if (f.num === 1 && f.bytes) {
      const node = readFields(f.bytes);
      const opType = node.filter((g) => g.num === 4).map(str)[0];
      const output = node.filter((g) => g.num === 2).map(str)[0];
      if (opType === 'ZipMap' && zipOutputs.has(output)) continue;
    }
    if (f.num === 12 && f.bytes) {
      const name = readFields(f.bytes).filter((g) => g.num === 1).map(str)[0];
      if (zipOutputs.has(name)) {
        const z = zipMaps.find((m) => m.output === name)!;
        const tensorType = lengthDelimited(1, new Uint8Array([0x08, 0x01]));
        const valueInfo = concatBytes([lengthDelimited(1, new TextEncoder().encode(z.input)), lengthDelimited(2, tensorType)]);
        parts.push(lengthDelimited(12, valueInfo));
        continue;
      }
    }
    parts.push(graphBytes.subarray(f.start, f.end));
  }
  const newGraph = lengthDelimited(7, concatBytes(parts));
  return concatBytes([bytes.subarray(0, graphField.start), newGraph, bytes.subarray(graphField.end)]);
}
