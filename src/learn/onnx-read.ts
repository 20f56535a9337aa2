// A minimal protobuf decoder for the ONNX messages that describe a graph (pure: no `node:`), the
// reading side of onnx-proto.ts. Field numbers from onnx/onnx.proto:
// ModelProto ir_version = 1, producer_name = 2, graph = 7, opset_import = 8;
// OperatorSetIdProto domain = 1, version = 2;
// GraphProto node = 1, name = 2, initializer = 5, input = 11, output = 12;
// NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7;
// AttributeProto name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, strings = 9, type = 20;
// TensorProto dims = 1, data_type = 2, float_data = 4, int32_data = 5, string_data = 6,
// int64_data = 7, name = 8, raw_data = 9, double_data = 10, uint64_data = 11, data_location = 14;
// ValueInfoProto name = 1, type = 2; TypeProto tensor_type = 1; TypeProto.Tensor elem_type = 1,
// shape = 2; TensorShapeProto dim = 1; Dimension dim_value = 1, dim_param = 2.
// Sub-graphs (If/Loop bodies), sparse tensors and external data are not read.

import { userError } from '../errors/index.js';

/** A constant tensor (an initializer or a TENSOR attribute). */
export interface OnnxTensorValue {
  readonly name: string;
  /** `TensorProto.DataType` code (1 float, 6 int32, 7 int64, 8 string, 9 bool, 11 double…). */
  readonly dataType: number;
  readonly dims: readonly number[];
  /** The elements of a numeric or boolean tensor (int64 as the nearest double); null for strings. */
  readonly numbers: Float64Array | null;
  /** The elements of a string tensor; null otherwise. */
  readonly strings: readonly string[] | null;
}

/** One attribute; only the fields its `type` uses are meaningful. */
export interface OnnxReadAttribute {
  readonly name: string;
  /** `AttributeProto.AttributeType` (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS…); 0 when unset. */
  readonly type: number;
  readonly f: number;
  readonly i: number;
  readonly s: string;
  readonly t: OnnxTensorValue | null;
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly strings: readonly string[];
}

export interface OnnxReadNode {
  readonly op: string;
  /** '' for the default domain (`ai.onnx`). */
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxReadAttribute>;
}

export interface OnnxReadValueInfo {
  readonly name: string;
  /** Element type of a tensor value; 0 for sequences, maps and untyped values. */
  readonly elemType: number;
  /** Dimensions (a number is fixed, a string symbolic, null unknown); null when the shape is not given. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OnnxReadGraph {
  readonly name: string;
  readonly nodes: readonly OnnxReadNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensorValue>;
  readonly inputs: readonly OnnxReadValueInfo[];
  readonly outputs: readonly OnnxReadValueInfo[];
}

export interface OnnxReadModel {
  readonly irVersion: number;
  readonly producer: string;
  /** Opset version per domain ('' is `ai.onnx`). */
  readonly opsets: Readonly<Record<string, number>>;
  readonly graph: OnnxReadGraph;
}

const utf8 = new TextDecoder();

/** Thrown inside the decoder; turned into one user error naming what was being read. */
class Malformed extends Error {}

/** A cursor over one message's bytes. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** A varint as a signed 64-bit integer, exact up to 2^53. */
  varint(): number {
    const buf = this.buf;
    if (this.pos >= this.end) throw new Malformed('truncated varint');
    let b = buf[this.pos++];
    if (b < 0x80) return b;
    let value = b & 0x7f;
    let scale = 128;
    // Up to 7 bytes (49 bits) in double arithmetic; longer ones (large or negative) through BigInt.
    for (let k = 1; k < 7; k++) {
      if (this.pos >= this.end) throw new Malformed('truncated varint');
      b = buf[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    let big = BigInt(value);
    let shift = 49n;
    for (;;) {
      if (this.pos >= this.end || shift > 63n) throw new Malformed('truncated or overlong varint');
      b = buf[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, big));
      shift += 7n;
    }
  }

  /** A varint as an unsigned 64-bit integer (uint64 fields). */
  uvarint(): number {
    const v = this.varint();
    return v < 0 ? v + 2 ** 64 : v;
  }

  /** The payload of a length-delimited field, as a sub-range of the buffer. */
  sub(): Reader {
    const len = this.varint();
    const start = this.pos;
    if (len < 0 || start + len > this.end) throw new Malformed('truncated field');
    this.pos = start + len;
    return new Reader(this.buf, start, start + len);
  }

  bytes(): Uint8Array {
    const r = this.sub();
    return this.buf.subarray(r.pos, r.end);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  float32(): number {
    if (this.pos + 4 > this.end) throw new Malformed('truncated float');
    const v = this.view().getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  float64(): number {
    if (this.pos + 8 > this.end) throw new Malformed('truncated double');
    const v = this.view().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Skips a field of wire type `wire` whose tag was just read. */
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.sub();
    else if (wire === 5) this.pos += 4;
    else throw new Malformed(`unsupported wire type ${wire}`);
    if (this.pos > this.end) throw new Malformed('truncated field');
  }

  /** Calls `field(number, wire)` for each field; `field` reads the payload or returns false to skip it. */
  fields(field: (num: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const tag = this.varint();
      const num = Math.floor(tag / 8);
      const wire = tag & 7;
      if (!field(num, wire)) this.skip(wire);
    }
    if (this.pos !== this.end) throw new Malformed('truncated message');
  }
}

/** Appends a repeated varint field, packed (wire 2) or not (wire 0). */
function readInts(r: Reader, wire: number, out: number[], unsigned = false): void {
  if (wire === 2) {
    const p = r.sub();
    while (p.pos < p.end) out.push(unsigned ? p.uvarint() : p.varint());
  } else out.push(unsigned ? r.uvarint() : r.varint());
}

/** Appends a repeated float (wire 5) or double (wire 1) field, packed (wire 2) or not. */
function readReals(r: Reader, wire: number, out: number[], double: boolean): void {
  if (wire === 2) {
    const p = r.sub();
    while (p.pos < p.end) out.push(double ? p.float64() : p.float32());
  } else out.push(double ? r.float64() : r.float32());
}

/** Elements of `raw_data`, little-endian, by data type. */
function rawNumbers(raw: Uint8Array, dataType: number): Float64Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const sizes: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 11: 8, 12: 4, 13: 8 };
  const size = sizes[dataType];
  if (size === undefined) throw new Malformed(`tensor data type ${dataType} is not supported`);
  if (raw.length % size !== 0) throw new Malformed('raw_data length is not a whole number of elements');
  const n = raw.length / size;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    switch (dataType) {
      case 1:
        out[i] = view.getFloat32(at, true);
        break;
      case 2:
      case 9:
        out[i] = view.getUint8(at);
        break;
      case 3:
        out[i] = view.getInt8(at);
        break;
      case 4:
        out[i] = view.getUint16(at, true);
        break;
      case 5:
        out[i] = view.getInt16(at, true);
        break;
      case 6:
        out[i] = view.getInt32(at, true);
        break;
      case 7:
        out[i] = Number(view.getBigInt64(at, true));
        break;
      case 11:
        out[i] = view.getFloat64(at, true);
        break;
      case 12:
        out[i] = view.getUint32(at, true);
        break;
      case 13:
        out[i] = Number(view.getBigUint64(at, true));
        break;
    }
  }
  return out;
}

function readTensor(r: Reader): OnnxTensorValue {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | null = null;
  let external = false;
  const reals: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  r.fields((num, wire) => {
    switch (num) {
      case 1:
        readInts(r, wire, dims);
        return true;
      case 2:
        dataType = r.varint();
        return true;
      case 4:
        readReals(r, wire, reals, false);
        return true;
      case 5:
      case 7:
        readInts(r, wire, ints);
        return true;
      case 6:
        strings.push(r.string());
        return true;
      case 8:
        name = r.string();
        return true;
      case 9:
        raw = r.bytes();
        return true;
      case 10:
        readReals(r, wire, reals, true);
        return true;
      case 11:
        readInts(r, wire, ints, true);
        return true;
      case 14:
        external = r.varint() === 1;
        return true;
      default:
        return false;
    }
  });
  if (external) throw new Malformed(`tensor ${JSON.stringify(name)} keeps its data in an external file, which is not supported`);
  if (dataType === 8) return { name, dataType, dims, numbers: null, strings };
  let numbers: Float64Array;
  if (raw !== null) numbers = rawNumbers(raw, dataType);
  else if (dataType === 10 || dataType === 16) throw new Malformed(`tensor ${JSON.stringify(name)}: 16-bit floats are not supported`);
  else numbers = Float64Array.from(reals.length > 0 ? reals : ints);
  return { name, dataType, dims, numbers, strings: null };
}

function readAttribute(r: Reader): OnnxReadAttribute {
  let name = '';
  let type = 0;
  let f = 0;
  let i = 0;
  let s = '';
  let t: OnnxTensorValue | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  r.fields((num, wire) => {
    switch (num) {
      case 1:
        name = r.string();
        return true;
      case 2:
        f = r.float32();
        return true;
      case 3:
        i = r.varint();
        return true;
      case 4:
        s = r.string();
        return true;
      case 5:
        t = readTensor(r.sub());
        return true;
      case 7:
        readReals(r, wire, floats, false);
        return true;
      case 8:
        readInts(r, wire, ints);
        return true;
      case 9:
        strings.push(r.string());
        return true;
      case 20:
        type = r.varint();
        return true;
      default:
        return false;
    }
  });
  return { name, type, f, i, s, t, floats, ints, strings };
}

function readNode(r: Reader): OnnxReadNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes = new Map<string, OnnxReadAttribute>();
  let name = '';
  let op = '';
  let domain = '';
  r.fields((num) => {
    switch (num) {
      case 1:
        inputs.push(r.string());
        return true;
      case 2:
        outputs.push(r.string());
        return true;
      case 3:
        name = r.string();
        return true;
      case 4:
        op = r.string();
        return true;
      case 5: {
        const a = readAttribute(r.sub());
        attributes.set(a.name, a);
        return true;
      }
      case 7:
        domain = r.string();
        return true;
      default:
        return false;
    }
  });
  // 'ai.onnx' is another name of the default domain.
  return { op, domain: domain === 'ai.onnx' ? '' : domain, name, inputs, outputs, attributes };
}

function readShape(r: Reader): (number | string | null)[] {
  const dims: (number | string | null)[] = [];
  r.fields((num) => {
    if (num !== 1) return false;
    let dim: number | string | null = null;
    const d = r.sub();
    d.fields((n) => {
      if (n === 1) dim = d.varint();
      else if (n === 2) dim = d.string();
      else return false;
      return true;
    });
    dims.push(dim);
    return true;
  });
  return dims;
}

function readValueInfo(r: Reader): OnnxReadValueInfo {
  let name = '';
  let elemType = 0;
  let shape: (number | string | null)[] | null = null;
  r.fields((num) => {
    if (num === 1) name = r.string();
    else if (num === 2) {
      const type = r.sub();
      type.fields((n) => {
        if (n !== 1) return false;
        const tensor = type.sub();
        tensor.fields((m) => {
          if (m === 1) elemType = tensor.varint();
          else if (m === 2) shape = readShape(tensor.sub());
          else return false;
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return { name, elemType, shape };
}

function readGraph(r: Reader): OnnxReadGraph {
  const nodes: OnnxReadNode[] = [];
  const initializers = new Map<string, OnnxTensorValue>();
  const inputs: OnnxReadValueInfo[] = [];
  const outputs: OnnxReadValueInfo[] = [];
  let name = '';
  r.fields((num) => {
    switch (num) {
      case 1:
        nodes.push(readNode(r.sub()));
        return true;
      case 2:
        name = r.string();
        return true;
      case 5: {
        const t = readTensor(r.sub());
        initializers.set(t.name, t);
        return true;
      }
      case 11:
        inputs.push(readValueInfo(r.sub()));
        return true;
      case 12:
        outputs.push(readValueInfo(r.sub()));
        return true;
      default:
        return false;
    }
  });
  return { name, nodes, initializers, inputs, outputs };
}

/**
 * Decodes an ONNX `ModelProto`: its opsets and main graph (nodes with their attributes,
 * initializers, typed inputs and outputs).
 * @example
 * const { graph } = decodeOnnxModel(await readFile('model.onnx'));
 * graph.nodes.filter((n) => n.op === 'TreeEnsembleClassifier');
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxReadModel {
  let irVersion = 0;
  let producer = '';
  let graph: OnnxReadGraph | null = null;
  const opsets: Record<string, number> = {};
  try {
    const r = new Reader(bytes);
    r.fields((num) => {
      switch (num) {
        case 1:
          irVersion = r.varint();
          return true;
        case 2:
          producer = r.string();
          return true;
        case 7:
          graph = readGraph(r.sub());
          return true;
        case 8: {
          const o = r.sub();
          let domain = '';
          let version = 0;
          o.fields((n) => {
            if (n === 1) domain = o.string();
            else if (n === 2) version = o.varint();
            else return false;
            return true;
          });
          opsets[domain === 'ai.onnx' ? '' : domain] = version;
          return true;
        }
        default:
          return false;
      }
    });
  } catch (e) {
    if (e instanceof Malformed || e instanceof RangeError) throw userError('invalid_onnx', `not a valid ONNX model: ${e.message}`, {}, e);
    throw e;
  }
  if (graph === null) throw userError('invalid_onnx', 'not a valid ONNX model: it has no graph', {});
  return { irVersion, producer, opsets, graph };
}
