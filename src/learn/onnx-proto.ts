// A minimal protobuf encoder for the ONNX messages an exported model needs (pure: no `node:`).
// Field numbers from onnx/onnx.proto: ModelProto ir_version = 1, producer_name = 2,
// producer_version = 3, graph = 7, opset_import = 8; OperatorSetIdProto domain = 1, version = 2;
// GraphProto node = 1, name = 2, input = 11, output = 12; NodeProto input = 1, output = 2, name = 3,
// op_type = 4, attribute = 5, domain = 7; AttributeProto name = 1, f = 2, i = 3, s = 4, t = 5,
// floats = 7, ints = 8, strings = 9, type = 20; TensorProto dims = 1, data_type = 2, name = 8,
// raw_data = 9; ValueInfoProto name = 1, type = 2; TypeProto tensor_type = 1; TypeProto.Tensor
// elem_type = 1, shape = 2; TensorShapeProto dim = 1; Dimension dim_value = 1, dim_param = 2.

/** ONNX `TensorProto.DataType` codes used here. */
export const ONNX_TYPE = { float: 1, int64: 7, string: 8, bool: 9, double: 11 } as const;

/** An attribute value: a number is INT unless `float` is set; arrays are INTS/FLOATS/STRINGS; a tensor is TENSOR. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: ArrayLike<number> }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'doubles'; readonly value: ArrayLike<number> };

export interface OnnxNode {
  readonly op: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: number;
  /** Dimensions: a number is fixed, a string is symbolic (`N`). */
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opsets: Readonly<Record<string, number>>;
  readonly producer?: string;
}

const utf8 = new TextEncoder();

class Writer {
  private chunks: number[] = [];

  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
    return this;
  }

  tag(num: number, wire: number): this {
    return this.varint((num << 3) | wire);
  }

  bytes(num: number, payload: Uint8Array): this {
    this.tag(num, 2).varint(payload.length);
    for (let i = 0; i < payload.length; i++) this.chunks.push(payload[i]);
    return this;
  }

  string(num: number, s: string): this {
    return this.bytes(num, utf8.encode(s));
  }

  int(num: number, v: number | bigint): this {
    return this.tag(num, 0).varint(v);
  }

  float(num: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(num, 5);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function packedFloats(values: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return b;
}

function packedVarints(values: readonly number[]): Uint8Array {
  const w = new Writer();
  for (const v of values) w.varint(v);
  return w.finish();
}

function doubleTensor(values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return new Writer().int(1, values.length).int(2, ONNX_TYPE.double).bytes(9, raw).finish();
}

function attribute(name: string, a: OnnxAttribute): Uint8Array {
  const w = new Writer().string(1, name);
  switch (a.kind) {
    case 'float':
      return w.float(2, a.value).int(20, 1).finish();
    case 'int':
      return w.int(3, a.value).int(20, 2).finish();
    case 'string':
      return w.string(4, a.value).int(20, 3).finish();
    case 'doubles':
      return w.bytes(5, doubleTensor(a.value)).int(20, 4).finish();
    case 'floats':
      return w.bytes(7, packedFloats(a.value)).int(20, 6).finish();
    case 'ints':
      return w.bytes(8, packedVarints(a.value)).int(20, 7).finish();
    case 'strings':
      for (const s of a.value) w.string(9, s);
      return w.int(20, 8).finish();
  }
}

function node(n: OnnxNode): Uint8Array {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, a] of Object.entries(n.attributes ?? {})) w.bytes(5, attribute(k, a));
  if (n.domain) w.string(7, n.domain);
  return w.finish();
}

function valueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new Writer();
  for (const d of v.shape) shape.bytes(1, typeof d === 'number' ? new Writer().int(1, d).finish() : new Writer().string(2, d).finish());
  const tensor = new Writer().int(1, v.type).bytes(2, shape.finish()).finish();
  return new Writer()
    .string(1, v.name)
    .bytes(2, new Writer().bytes(1, tensor).finish())
    .finish();
}

/** Serialises a graph as an ONNX `ModelProto` (IR version 8). */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const graph = new Writer();
  for (const n of g.nodes) graph.bytes(1, node(n));
  graph.string(2, g.name);
  for (const v of g.inputs) graph.bytes(11, valueInfo(v));
  for (const v of g.outputs) graph.bytes(12, valueInfo(v));
  const model = new Writer().int(1, 8).string(2, g.producer ?? 'candor').string(3, '0');
  model.bytes(7, graph.finish());
  for (const [domain, version] of Object.entries(g.opsets)) model.bytes(8, new Writer().string(1, domain).int(2, version).finish());
  return model.finish();
}
