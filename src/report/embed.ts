import type { AssessOptions } from '../assess/options.js';
import { type Column, MISSING_BOOL, type Role, Table } from '../table/index.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** Defaults of {@link encodeTable}: at most this many rows are embedded in a report. */
export const DEFAULT_MAX_EMBEDDED_ROWS = 200_000;

/**
 * How a numeric column's values are stored: the narrowest type that holds every value exactly.
 * Integer encodings mark a missing value with the type's minimum (−128, −32768, −2³¹).
 */
export type NumericEncoding = 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
/** Categorical codes: u8 (missing 255), u16 (missing 65535) or i32 (missing −1). */
export type CodeEncoding = 'u8' | 'u16' | 'i32';

interface EncodedBase {
  name: string;
  role?: Role;
}
/** A column in a report's payload; typed arrays are little-endian bytes in base64. */
export type EncodedColumn =
  | (EncodedBase & { type: 'numeric'; encoding: NumericEncoding; data: string })
  | (EncodedBase & { type: 'categorical'; encoding: CodeEncoding; dictionary: string[]; data: string })
  | (EncodedBase & { type: 'boolean'; data: string })
  | (EncodedBase & { type: 'list'; encoding: CodeEncoding; dictionary: string[]; offsets: string; codes: string; missing: string });

/** The AssessOptions a report carries so that the page can recompute with the same settings: JSON only, no callbacks. */
export type EmbeddedOptions = Omit<AssessOptions, 'onProgress' | 'cohorts'> & { cohorts?: { name: string; expression: string }[] };

/**
 * A table's rows, compact and JSON-serialisable, for embedding in a report; with `options`, also
 * the AssessOptions used, so the page can recompute any cohort with the same settings.
 */
export interface EncodedTable {
  format: 'candor-table';
  version: 1;
  /** Rows in the source table. */
  totalRows: number;
  /** Rows embedded (= totalRows unless sampled). */
  sampleRows: number;
  /** True when the embedded rows are a seeded random sample of the source rows. */
  sampled: boolean;
  /** Seed of the sample (reported even when not sampled). */
  seed: number;
  columns: EncodedColumn[];
  /** The options `assess` ran with (callbacks dropped). */
  options?: EmbeddedOptions;
}

/** What a report embeds for its in-page cohort explorer: an {@link EncodedTable} that carries `options`. */
export type EmbeddedData = EncodedTable;

/** Options of {@link encodeTable}. */
export interface EncodeTableOptions {
  /** Above this many rows, a seeded random sample of this size is embedded. Defaults to 200,000. */
  maxRows?: number;
  /** Seed of the sample. Defaults to `options.seed`, else 0. */
  seed?: number;
  /** Columns to embed, in this order. Defaults to every column whose role is not `ignore`. */
  columns?: readonly string[];
  /** The AssessOptions to carry along (functions are dropped, cohorts reduced to name and expression). */
  options?: Omit<AssessOptions, 'onProgress'> & { onProgress?: unknown };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The typed array's bytes in little-endian order (a copy only on big-endian machines). */
function leBytes(array: ArrayBufferView & { BYTES_PER_ELEMENT: number }): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return LITTLE_ENDIAN ? bytes : swapBytes(bytes, array.BYTES_PER_ELEMENT);
}

function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j];
  return out;
}

function fromLe(text: string, width: number): ArrayBuffer {
  const bytes = base64ToBytes(text);
  const native = LITTLE_ENDIAN ? bytes : swapBytes(bytes, width);
  return native.buffer.byteLength === native.byteLength ? (native.buffer as ArrayBuffer) : (native.slice().buffer as ArrayBuffer);
}

/** Mulberry32: a small seeded generator, enough to choose which rows a report embeds. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `k` of `n` row indices, uniformly at random without replacement, in ascending order (so the sample
 * keeps the source order). Knuth's selection sampling (TAOCP vol. 2, 3.4.2, Algorithm S): one pass,
 * O(n) time, O(k) memory.
 */
export function sampleIndices(n: number, k: number, seed: number): Uint32Array {
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const out = new Uint32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if ((n - i) * random() < k - chosen) out[chosen++] = i;
  }
  return out;
}

function numericEncoding(values: Float64Array): NumericEncoding {
  let integers = true;
  let f32 = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (integers && !Number.isInteger(v)) integers = false;
    if (f32 && Math.fround(v) !== v) f32 = false;
    // −0 is an integer for Number.isInteger but would come back as +0.
    if (v === 0 && 1 / v < 0) integers = false;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!integers && !f32) return 'f64';
  }
  if (integers) {
    if (min > -128 && max <= 127) return 'i8';
    if (min > -32768 && max <= 32767) return 'i16';
    if (min > -2147483648 && max <= 2147483647) return 'i32';
  }
  return f32 ? 'f32' : 'f64';
}

function encodeNumeric(values: Float64Array): { encoding: NumericEncoding; data: string } {
  const encoding = numericEncoding(values);
  const n = values.length;
  if (encoding === 'f64') return { encoding, data: bytesToBase64(leBytes(values)) };
  if (encoding === 'f32') return { encoding, data: bytesToBase64(leBytes(Float32Array.from(values))) };
  const out = encoding === 'i8' ? new Int8Array(n) : encoding === 'i16' ? new Int16Array(n) : new Int32Array(n);
  const missing = encoding === 'i8' ? -128 : encoding === 'i16' ? -32768 : -2147483648;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = v !== v ? missing : v;
  }
  return { encoding, data: bytesToBase64(leBytes(out)) };
}

function decodeNumeric(encoding: NumericEncoding, data: string, n: number): Float64Array {
  const width = { i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 }[encoding];
  const buffer = fromLe(data, width);
  if (buffer.byteLength !== n * width) throw new Error(`embedded column has ${buffer.byteLength / width} values, expected ${n}`);
  if (encoding === 'f64') return new Float64Array(buffer);
  if (encoding === 'f32') return Float64Array.from(new Float32Array(buffer));
  const ints = encoding === 'i8' ? new Int8Array(buffer) : encoding === 'i16' ? new Int16Array(buffer) : new Int32Array(buffer);
  const missing = encoding === 'i8' ? -128 : encoding === 'i16' ? -32768 : -2147483648;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = ints[i];
    out[i] = v === missing ? NaN : v;
  }
  return out;
}

function codeEncoding(dictionarySize: number): CodeEncoding {
  return dictionarySize < 255 ? 'u8' : dictionarySize < 65535 ? 'u16' : 'i32';
}

function encodeCodes(codes: Int32Array, encoding: CodeEncoding): string {
  if (encoding === 'i32') return bytesToBase64(leBytes(codes));
  const n = codes.length;
  const out = encoding === 'u8' ? new Uint8Array(n) : new Uint16Array(n);
  const missing = encoding === 'u8' ? 255 : 65535;
  for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? missing : codes[i];
  return bytesToBase64(leBytes(out));
}

function decodeCodes(encoding: CodeEncoding, data: string, n: number, dictionarySize: number): Int32Array {
  const width = encoding === 'u8' ? 1 : encoding === 'u16' ? 2 : 4;
  const buffer = fromLe(data, width);
  if (buffer.byteLength !== n * width) throw new Error(`embedded codes hold ${buffer.byteLength / width} values, expected ${n}`);
  const out = encoding === 'i32' ? new Int32Array(buffer) : new Int32Array(n);
  if (encoding !== 'i32') {
    const src = encoding === 'u8' ? new Uint8Array(buffer) : new Uint16Array(buffer);
    const missing = encoding === 'u8' ? 255 : 65535;
    for (let i = 0; i < n; i++) out[i] = src[i] === missing ? -1 : src[i];
  }
  for (let i = 0; i < n; i++) if (out[i] >= dictionarySize || out[i] < -1) throw new Error(`embedded code ${out[i]} out of range (dictionary of ${dictionarySize})`);
  return out;
}

function encodeColumn(column: Column): EncodedColumn {
  const base: EncodedBase = column.role ? { name: column.name, role: column.role } : { name: column.name };
  switch (column.type) {
    case 'numeric':
      return { ...base, type: 'numeric', ...encodeNumeric(column.values) };
    case 'categorical': {
      const encoding = codeEncoding(column.dictionary.length);
      return { ...base, type: 'categorical', encoding, dictionary: [...column.dictionary], data: encodeCodes(column.codes, encoding) };
    }
    case 'boolean':
      return { ...base, type: 'boolean', data: bytesToBase64(column.values) };
    case 'list': {
      const encoding = codeEncoding(column.dictionary.length);
      return {
        ...base,
        type: 'list',
        encoding,
        dictionary: [...column.dictionary],
        offsets: bytesToBase64(leBytes(column.offsets)),
        codes: encodeCodes(column.codes, encoding),
        missing: bytesToBase64(column.missing),
      };
    }
  }
}

function decodeColumn(c: EncodedColumn, n: number): Column {
  const role = c.role ? { role: c.role } : {};
  switch (c.type) {
    case 'numeric':
      return { type: 'numeric', name: c.name, values: decodeNumeric(c.encoding, c.data, n), ...role };
    case 'categorical':
      return { type: 'categorical', name: c.name, codes: decodeCodes(c.encoding, c.data, n, c.dictionary.length), dictionary: c.dictionary, ...role };
    case 'boolean': {
      const values = base64ToBytes(c.data);
      if (values.length !== n) throw new Error(`embedded column ${JSON.stringify(c.name)} has ${values.length} values, expected ${n}`);
      for (let i = 0; i < n; i++) if (values[i] > 1 && values[i] !== MISSING_BOOL) throw new Error(`embedded boolean ${values[i]} out of range`);
      return { type: 'boolean', name: c.name, values, ...role };
    }
    case 'list': {
      const offsets = new Int32Array(fromLe(c.offsets, 4));
      const missing = base64ToBytes(c.missing);
      if (offsets.length !== n + 1 || missing.length !== n) throw new Error(`embedded list column ${JSON.stringify(c.name)} does not have ${n} rows`);
      const codes = decodeCodes(c.encoding, c.codes, offsets[n], c.dictionary.length);
      return { type: 'list', name: c.name, offsets, codes, dictionary: c.dictionary, missing, ...role };
    }
  }
}

/**
 * Encodes a table's rows compactly for a report: each column as a typed array in base64 (numbers in
 * the narrowest exact type, categories as codes plus dictionary). Above `maxRows` rows, a seeded
 * random sample of `maxRows` rows is encoded, in source order, and `sampled` says so.
 * @example
 * const payload = encodeTable(table, { maxRows: 200_000, seed: 7, options });
 * decodeTable(payload).rowCount; // min(table.rowCount, 200_000)
 */
export function encodeTable(table: Table, options: EncodeTableOptions = {}): EncodedTable {
  const { maxRows = DEFAULT_MAX_EMBEDDED_ROWS, seed = options.options?.seed ?? 0 } = options;
  if (!(Number.isInteger(maxRows) && maxRows >= 0)) throw new Error(`invalid maxRows: ${maxRows} (expected a non-negative integer)`);
  if (!Number.isFinite(seed)) throw new Error(`invalid seed: ${seed} (expected a number)`);
  const names = options.columns ?? table.columns.filter((c) => c.role !== 'ignore').map((c) => c.name);
  let source = table.select(names);
  const sampled = table.rowCount > maxRows;
  if (sampled) source = source.take(sampleIndices(table.rowCount, maxRows, seed));
  return {
    format: 'candor-table',
    version: 1,
    totalRows: table.rowCount,
    sampleRows: source.rowCount,
    sampled,
    seed,
    columns: source.columns.map(encodeColumn),
    ...(options.options ? { options: embeddableOptions(options.options) } : {}),
  };
}

/** The table an {@link encodeTable} payload holds (the sample, when it was sampled). */
export function decodeTable(payload: EncodedTable): Table {
  if (payload?.format !== 'candor-table' || payload.version !== 1) throw new Error('not an embedded Candor table (format "candor-table", version 1)');
  const n = payload.sampleRows;
  return new Table(
    payload.columns.map((c) => decodeColumn(c, n)),
    n,
  );
}

/** AssessOptions as plain JSON: callbacks dropped, cohorts reduced to name and expression. */
export function embeddableOptions(options: Omit<AssessOptions, 'onProgress'> & { onProgress?: unknown }): EmbeddedOptions {
  const { onProgress: _onProgress, cohorts, ...rest } = options;
  const plain = JSON.parse(JSON.stringify(rest, (_key, value: unknown) => (typeof value === 'function' ? undefined : value))) as EmbeddedOptions;
  if (cohorts) plain.cohorts = cohorts.map((c) => ({ name: String((c as { name: unknown }).name), expression: String((c as { expression: unknown }).expression) }));
  return plain;
}
