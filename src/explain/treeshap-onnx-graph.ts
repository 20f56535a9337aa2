import { userError } from '../errors/index.js';
import type { OnnxReadGraph, OnnxReadNode, OnnxTensorValue } from '../learn/onnx-read.js';

/**
 * Traces the preprocessing in front of an ONNX tree ensemble: every column of every tensor is
 * written as a function of one model input column (or a constant), so that a split on an encoded
 * column (a one-hot indicator, an imputed or scaled number, a label code) becomes a decision on the
 * input column it came from. Operators that mix columns of several inputs cannot be written so and
 * make the tensors they produce untraceable.
 */

/** Element kind of a tensor: how its values are rounded and compared. */
export type Kind = 'float' | 'double' | 'int' | 'bool' | 'string';

/** A value inside the graph: numbers (booleans as 0/1) or strings. */
export type Cell = number | string;

/** One column of a tensor, as a function of one model input column. */
export interface TracedColumn {
  /** The model input column (feature index) it depends on; -1 for a constant. */
  readonly source: number;
  readonly kind: Kind;
  /** Whether the value is exactly the input column's encoded value (a number passed through). */
  readonly identity: boolean;
  /** The column's value for the source's encoded value (a number, or a code of a string input's dictionary). */
  readonly fn: (x: number) => Cell;
}

/** A tensor: its columns (a 2-D `[N, width]` view), the value of a constant, or why it cannot be traced. */
export type Traced = { readonly columns: readonly TracedColumn[]; readonly constant: OnnxTensorValue | null } | { readonly error: string };

/** A model input column: what the ensemble's contributions are attributed to. */
export interface InputColumn {
  readonly name: string;
  /** The graph input feeding it and the column inside that input. */
  readonly input: string;
  readonly index: number;
  readonly kind: Kind;
}

/** Stands for every string the graph never names: all of them are treated alike by its operators. */
export const OTHER_STRING = '\u0000candor:other\u0000';

export function kindOf(dataType: number): Kind | null {
  switch (dataType) {
    case 1:
      return 'float';
    case 11:
      return 'double';
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 12:
    case 13:
      return 'int';
    case 9:
      return 'bool';
    case 8:
      return 'string';
    default:
      return null;
  }
}

/** A number as a tensor of `kind` holds it (ONNX Cast semantics for the kinds here). */
export function toKind(kind: Kind, v: number): number {
  switch (kind) {
    case 'float':
      return Math.fround(v);
    case 'int':
      return Math.trunc(v);
    case 'bool':
      return v !== 0 ? 1 : 0;
    default:
      return v;
  }
}

const ML = 'ai.onnx.ml';

function attrInt(node: OnnxReadNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a ? a.i : fallback;
}

function attrFloat(node: OnnxReadNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  return a ? a.f : fallback;
}

function attrString(node: OnnxReadNode, name: string, fallback: string): string {
  const a = node.attributes.get(name);
  return a ? a.s : fallback;
}

/** A FLOATS or INTS attribute, or the numbers of its `_as_tensor` / TENSOR form; null when absent. */
export function attrNumbers(node: OnnxReadNode, name: string): number[] | null {
  const t = node.attributes.get(`${name}_as_tensor`)?.t ?? null;
  if (t !== null && t.numbers !== null) return Array.from(t.numbers);
  const a = node.attributes.get(name);
  if (!a) return null;
  if (a.t !== null && a.t.numbers !== null) return Array.from(a.t.numbers);
  return a.floats.length > 0 ? [...a.floats] : [...a.ints];
}

export function attrStrings(node: OnnxReadNode, name: string): string[] | null {
  const a = node.attributes.get(name);
  if (!a) return null;
  if (a.t !== null && a.t.strings !== null) return [...a.t.strings];
  return [...a.strings];
}

function describe(node: OnnxReadNode): string {
  return `${node.op}${node.name ? ` node ${JSON.stringify(node.name)}` : ''}`;
}

/** The columns of a constant tensor: one per element of a scalar, `[k]` or `[1, k]` tensor. */
function constantColumns(t: OnnxTensorValue): Traced {
  const kind = kindOf(t.dataType);
  const rowLike = t.dims.length <= 1 || (t.dims.length === 2 && t.dims[0] === 1);
  if (kind === null || !rowLike) return { columns: [], constant: t };
  const cells: Cell[] = t.strings ? [...t.strings] : Array.from(t.numbers ?? []);
  return { columns: cells.map((c) => ({ source: -1, kind, identity: false, fn: () => c })), constant: t };
}

function constantOf(node: OnnxReadNode): OnnxTensorValue | null {
  const a = node.attributes;
  const make = (dataType: number, numbers: number[] | null, strings: string[] | null, scalar: boolean): OnnxTensorValue => ({
    name: '',
    dataType,
    dims: scalar ? [] : [(numbers ?? strings ?? []).length],
    numbers: numbers ? Float64Array.from(numbers) : null,
    strings,
  });
  if (a.get('value')?.t) return a.get('value')!.t;
  if (a.has('value_float')) return make(1, [a.get('value_float')!.f], null, true);
  if (a.has('value_floats')) return make(1, [...a.get('value_floats')!.floats], null, false);
  if (a.has('value_int')) return make(7, [a.get('value_int')!.i], null, true);
  if (a.has('value_ints')) return make(7, [...a.get('value_ints')!.ints], null, false);
  if (a.has('value_string')) return make(8, null, [a.get('value_string')!.s], true);
  if (a.has('value_strings')) return make(8, null, [...a.get('value_strings')!.strings], false);
  return null;
}

/** `fn` composed after a column, keeping its source. */
function derive(c: TracedColumn, kind: Kind, f: (v: Cell) => Cell): TracedColumn {
  const inner = c.fn;
  return { source: c.source, kind, identity: false, fn: (x) => f(inner(x)) };
}

/** Elementwise binary operation with numpy broadcasting over columns (width 1 stretches). */
function binary(node: OnnxReadNode, a: readonly TracedColumn[], b: readonly TracedColumn[], kind: (ka: Kind) => Kind, f: (x: Cell, y: Cell) => Cell): Traced {
  const w = Math.max(a.length, b.length);
  if (!((a.length === w || a.length === 1) && (b.length === w || b.length === 1))) return { error: `${describe(node)} (its inputs have ${a.length} and ${b.length} columns)` };
  const out: TracedColumn[] = [];
  for (let j = 0; j < w; j++) {
    const ca = a[a.length === 1 ? 0 : j];
    const cb = b[b.length === 1 ? 0 : j];
    if (ca.source >= 0 && cb.source >= 0 && ca.source !== cb.source) return { error: `${describe(node)} (it combines two input columns)` };
    const fa = ca.fn;
    const fb = cb.fn;
    const k = kind(ca.kind);
    out.push({ source: ca.source >= 0 ? ca.source : cb.source, kind: k, identity: false, fn: (x) => f(fa(x), fb(x)) });
  }
  return { columns: out, constant: null };
}

const num = (v: Cell): number => (typeof v === 'number' ? v : NaN);

function arithmetic(op: string): ((x: number, y: number) => number) | null {
  switch (op) {
    case 'Add':
      return (x, y) => x + y;
    case 'Sub':
      return (x, y) => x - y;
    case 'Mul':
      return (x, y) => x * y;
    case 'Div':
      return (x, y) => x / y;
    default:
      return null;
  }
}

function comparison(op: string): ((x: Cell, y: Cell) => boolean) | null {
  switch (op) {
    case 'Equal':
      return (x, y) => x === y;
    case 'Less':
      return (x, y) => x < y;
    case 'LessOrEqual':
      return (x, y) => x <= y;
    case 'Greater':
      return (x, y) => x > y;
    case 'GreaterOrEqual':
      return (x, y) => x >= y;
    default:
      return null;
  }
}

function unary(op: string): ((x: number) => number) | null {
  switch (op) {
    case 'Neg':
      return (x) => -x;
    case 'Abs':
      return Math.abs;
    case 'Floor':
      return Math.floor;
    case 'Ceil':
      return Math.ceil;
    default:
      return null;
  }
}

/** Integer indices held by a constant tensor, or null. */
function indicesOf(t: Traced | undefined): number[] | null {
  if (!t || 'error' in t || t.constant === null || t.constant.numbers === null) return null;
  return Array.from(t.constant.numbers);
}

function pick(node: OnnxReadNode, cols: readonly TracedColumn[], indices: number[] | null): Traced {
  if (indices === null) return { error: `${describe(node)} (its indices are not a constant)` };
  const out: TracedColumn[] = [];
  for (const i of indices) {
    const j = i < 0 ? cols.length + i : i;
    if (!(j >= 0 && j < cols.length)) return { error: `${describe(node)} (index ${i} out of ${cols.length} columns)` };
    out.push(cols[j]);
  }
  return { columns: out, constant: null };
}

/** A LabelEncoder as a lookup: keys, values and default from its v1, v2 or v4 attributes. */
function labelEncoder(node: OnnxReadNode, c: TracedColumn): TracedColumn | string {
  const classes = attrStrings(node, 'classes_strings');
  if (classes !== null && classes.length > 0) {
    // ai.onnx.ml 1: strings to their index, or indices to strings.
    if (c.kind === 'string') {
      const index = new Map(classes.map((s, i) => [s, i]));
      const fallback = attrInt(node, 'default_int64', -1);
      return derive(c, 'int', (v) => index.get(v as string) ?? fallback);
    }
    const fallback = attrString(node, 'default_string', '_Unused');
    return derive(c, 'string', (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < classes.length ? classes[v] : fallback));
  }
  const keyStrings = attrStrings(node, 'keys_strings');
  const keyNumbers = node.attributes.has('keys_int64s') ? attrNumbers(node, 'keys_int64s') : attrNumbers(node, 'keys_floats');
  const kt = node.attributes.get('keys_tensor')?.t ?? null;
  let keys: Cell[] | null = null;
  if (keyStrings && keyStrings.length > 0) keys = keyStrings;
  else if (keyNumbers && keyNumbers.length > 0) keys = keyNumbers;
  else if (kt !== null) keys = kt.strings ? [...kt.strings] : Array.from(kt.numbers ?? []);
  if (keys === null) return `${describe(node)} (no keys)`;
  let values: Cell[] | null = null;
  let kind: Kind | null = null;
  let fallback: Cell = 0;
  const vs = attrStrings(node, 'values_strings');
  const vi = attrNumbers(node, 'values_int64s');
  const vf = attrNumbers(node, 'values_floats');
  const vt = node.attributes.get('values_tensor')?.t ?? null;
  if (vs && vs.length > 0) {
    values = vs;
    kind = 'string';
    fallback = attrString(node, 'default_string', '_Unused');
  } else if (vi && vi.length > 0) {
    values = vi;
    kind = 'int';
    fallback = attrInt(node, 'default_int64', -1);
  } else if (vf && vf.length > 0) {
    values = vf.map(Math.fround);
    kind = 'float';
    fallback = Math.fround(attrFloat(node, 'default_float', -0));
  } else if (vt !== null) {
    kind = kindOf(vt.dataType);
    values = vt.strings ? [...vt.strings] : Array.from(vt.numbers ?? []);
    const dt = node.attributes.get('default_tensor')?.t;
    fallback = dt ? (dt.strings?.[0] ?? dt.numbers?.[0] ?? 0) : kind === 'string' ? '_Unused' : kind === 'int' ? -1 : -0;
  }
  if (values === null || kind === null || values.length !== keys.length) return `${describe(node)} (keys and values do not match)`;
  if ((typeof keys[0] === 'string') !== (c.kind === 'string')) return `${describe(node)} (its keys are not of its input's type)`;
  // Map compares with SameValueZero: NaN finds a NaN key, as onnxruntime's encoder does.
  const map = new Map<Cell, Cell>();
  keys.forEach((k, i) => map.set(typeof k === 'number' && c.kind === 'float' ? Math.fround(k) : k, values[i]));
  const f = fallback;
  return derive(c, kind, (v) => (map.has(v) ? map.get(v)! : f));
}

/** Output tensors of one node from its input tensors. */
function step(node: OnnxReadNode, ins: (Traced | undefined)[]): Traced[] {
  const fail = (why: string): Traced[] => node.outputs.map(() => ({ error: why }));
  const first = ins[0];
  if (node.op === 'Constant' && node.domain === '') {
    const t = constantOf(node);
    return t ? [constantColumns(t)] : fail(`${describe(node)} (unsupported value)`);
  }
  for (const t of ins) if (t && 'error' in t) return fail(t.error);
  if (!first || 'error' in first) return fail(`${describe(node)} (missing input)`);
  const cols = first.columns;
  const one = (columns: TracedColumn[]): Traced[] => [{ columns, constant: null }];
  if (node.domain === '') {
    switch (node.op) {
      case 'Identity':
      case 'Flatten':
      case 'Squeeze':
      case 'Unsqueeze':
      case 'Dropout':
        return [{ columns: cols, constant: first.constant }, ...node.outputs.slice(1).map(() => ({ error: `${describe(node)} (second output)` }))];
      case 'Reshape': {
        const shape = indicesOf(ins[1]);
        const ok = shape !== null && ((shape.length === 2 && (shape[1] === cols.length || shape[1] === -1 || (shape[1] === 0 && cols.length === 1))) || (shape.length === 1 && cols.length === 1));
        return ok ? one([...cols]) : fail(`${describe(node)} (it reshapes across rows)`);
      }
      case 'Cast':
      case 'CastLike': {
        let to: Kind | null;
        if (node.op === 'Cast') to = kindOf(attrInt(node, 'to', 0));
        else {
          const like = ins[1];
          to = like && !('error' in like) ? (like.constant ? kindOf(like.constant.dataType) : (like.columns[0]?.kind ?? null)) : null;
        }
        if (to === null) return fail(`${describe(node)} (unsupported target type)`);
        const target = to;
        if (cols.some((c) => (c.kind === 'string') !== (target === 'string'))) return fail(`${describe(node)} (casts between strings and numbers)`);
        return one(
          cols.map((c) => {
            if (target === 'string') return c;
            const exact = c.identity && (target === 'double' || target === c.kind);
            const inner = c.fn;
            return { source: c.source, kind: target, identity: exact, fn: (x: number) => toKind(target, num(inner(x))) };
          }),
        );
      }
      case 'Concat': {
        const axis = attrInt(node, 'axis', 1);
        if (axis !== 1 && axis !== -1) return fail(`${describe(node)} (axis ${axis})`);
        const out: TracedColumn[] = [];
        for (const t of ins) if (t && !('error' in t)) out.push(...t.columns);
        return one(out);
      }
      case 'Gather': {
        const axis = attrInt(node, 'axis', 0);
        if (axis !== 1 && axis !== -1) return fail(`${describe(node)} (axis ${axis})`);
        return [pick(node, cols, indicesOf(ins[1]))];
      }
      case 'Slice': {
        const starts = indicesOf(ins[1]);
        const ends = indicesOf(ins[2]);
        const axes = ins[3] ? indicesOf(ins[3]) : [0];
        const steps = ins[4] ? indicesOf(ins[4]) : [1];
        if (!starts || !ends || !axes || !steps || axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -1) || steps[0] !== 1) return fail(`${describe(node)} (only constant column slices are supported)`);
        const w = cols.length;
        const clamp = (v: number) => Math.min(w, Math.max(0, v < 0 ? w + v : v));
        return one(cols.slice(clamp(starts[0]), clamp(ends[0])));
      }
      case 'IsNaN':
        return one(cols.map((c) => derive(c, 'bool', (v) => (v !== v ? 1 : 0))));
      case 'Not':
        return one(cols.map((c) => derive(c, 'bool', (v) => (v === 0 ? 1 : 0))));
    }
    const arith = arithmetic(node.op);
    const other = ins[1];
    if (arith && other && !('error' in other)) return [binary(node, cols, other.columns, (k) => k, (x, y) => toKind(cols[0]?.kind ?? 'double', arith(num(x), num(y))))];
    const cmp = comparison(node.op);
    if (cmp && other && !('error' in other)) return [binary(node, cols, other.columns, () => 'bool', (x, y) => (cmp(x, y) ? 1 : 0))];
    const un = unary(node.op);
    if (un) return one(cols.map((c) => derive(c, c.kind, (v) => toKind(c.kind, un(num(v))))));
    return fail(`the ${describe(node)}, which Candor cannot trace`);
  }
  if (node.domain !== ML) return fail(`the ${describe(node)} of domain ${JSON.stringify(node.domain)}, which Candor cannot trace`);
  switch (node.op) {
    case 'Imputer': {
      const imputed = attrNumbers(node, 'imputed_value_floats') ?? [];
      const imputedInts = attrNumbers(node, 'imputed_value_int64s') ?? [];
      const isFloat = imputed.length > 0;
      const values = isFloat ? imputed : imputedInts;
      const replaced = isFloat ? attrFloat(node, 'replaced_value_float', 0) : attrInt(node, 'replaced_value_int64', 0);
      if (values.length !== 1 && values.length !== cols.length) return fail(`${describe(node)} (${values.length} imputed values for ${cols.length} columns)`);
      return one(
        cols.map((c, j) => {
          const by = toKind(c.kind, values[values.length === 1 ? 0 : j]);
          return derive(c, c.kind, (v) => ((replaced !== replaced ? v !== v : v === replaced) ? by : v));
        }),
      );
    }
    case 'Scaler': {
      const offset = attrNumbers(node, 'offset') ?? [0];
      const scale = attrNumbers(node, 'scale') ?? [1];
      return one(
        cols.map((c, j) => {
          const o = Math.fround(offset[offset.length === 1 ? 0 : j] ?? 0);
          const s = Math.fround(scale[scale.length === 1 ? 0 : j] ?? 1);
          return derive(c, 'float', (v) => Math.fround(Math.fround(Math.fround(num(v)) - o) * s));
        }),
      );
    }
    case 'Binarizer': {
      const threshold = attrFloat(node, 'threshold', 0);
      return one(cols.map((c) => derive(c, c.kind, (v) => (num(v) > threshold ? 1 : 0))));
    }
    case 'OneHotEncoder': {
      const cs = attrStrings(node, 'cats_strings');
      const cats: Cell[] = cs && cs.length > 0 ? cs : (attrNumbers(node, 'cats_int64s') ?? []);
      const out: TracedColumn[] = [];
      for (const c of cols) {
        if ((c.kind === 'string') !== (typeof cats[0] === 'string')) return fail(`${describe(node)} (its categories are not of its input's type)`);
        // onnxruntime truncates a number to an integer before looking it up.
        for (const cat of cats) out.push(derive(c, 'float', (v) => ((typeof v === 'number' ? Math.trunc(v) : v) === cat ? 1 : 0)));
      }
      return one(out);
    }
    case 'LabelEncoder': {
      const out: TracedColumn[] = [];
      for (const c of cols) {
        const e = labelEncoder(node, c);
        if (typeof e === 'string') return fail(e);
        out.push(e);
      }
      return one(out);
    }
    case 'FeatureVectorizer': {
      const out: TracedColumn[] = [];
      for (const t of ins) if (t && !('error' in t)) for (const c of t.columns) out.push(c.kind === 'string' ? c : derive(c, 'float', (v) => Math.fround(num(v))));
      return one(out);
    }
    case 'ArrayFeatureExtractor':
      return [pick(node, cols, indicesOf(ins[1]))];
  }
  return fail(`the ${describe(node)}, which Candor cannot trace`);
}

/** Every tensor of the graph traced from the input columns' tensors (`inputs`: graph input → its columns). */
export function traceGraph(graph: OnnxReadGraph, inputs: ReadonlyMap<string, readonly TracedColumn[]>): Map<string, Traced> {
  const tensors = new Map<string, Traced>();
  for (const [name, t] of graph.initializers) tensors.set(name, constantColumns(t));
  for (const [name, columns] of inputs) tensors.set(name, { columns, constant: null });
  // Nodes are topologically sorted in a valid model; a few passes also cover one that is not.
  const pending = [...graph.nodes];
  while (pending.length > 0) {
    let progressed = false;
    for (let i = 0; i < pending.length; i++) {
      const node = pending[i];
      if (!node.inputs.every((n) => n === '' || tensors.has(n))) continue;
      const outs = step(
        node,
        node.inputs.map((n) => (n === '' ? undefined : tensors.get(n))),
      );
      node.outputs.forEach((o, k) => tensors.set(o, outs[k] ?? { error: `${describe(node)} (output ${k})` }));
      pending.splice(i--, 1);
      progressed = true;
    }
    if (!progressed) {
      for (const node of pending) for (const o of node.outputs) tensors.set(o, { error: `${describe(node)} (an input is never computed)` });
      break;
    }
  }
  return tensors;
}

/** Every string the graph names (attributes and constant tensors), plus '' (how a missing category is fed). */
export function graphStrings(graph: OnnxReadGraph): string[] {
  const seen = new Set<string>(['']);
  for (const node of graph.nodes) {
    // The ensemble's own strings (modes, labels) and ZipMap's never meet an input.
    if (node.op.startsWith('TreeEnsemble') || node.op === 'ZipMap') continue;
    for (const a of node.attributes.values()) {
      if (a.s) seen.add(a.s);
      for (const s of a.strings) seen.add(s);
      for (const s of a.t?.strings ?? []) seen.add(s);
    }
  }
  for (const t of graph.initializers.values()) for (const s of t.strings ?? []) seen.add(s);
  return [...seen];
}

/** How a user error about an unsupported graph reads. */
export function untraceable(what: string, why: string): Error {
  return userError('unsupported_model', `cannot explain the ONNX trees: ${what} comes from ${why}; only per-column preprocessing (Cast, Concat, Imputer, Scaler, OneHotEncoder, LabelEncoder, Binarizer, constant arithmetic, column selection) can be traced back to the input columns`, { reason: why });
}
