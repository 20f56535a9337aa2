import { userError } from '../errors/index.js';
import { type Column, type Role, Table } from '../table/index.js';

/**
 * The binary form in which the dashboard receives a table (`GET /api/data`, and base64 in an
 * exported page): a little-endian u32 header length, the UTF-8 JSON {@link ContainerHeader}, zero
 * padding to a multiple of 8, then each column's typed arrays back to back (each 8-byte aligned).
 * Decoding makes typed-array views on the one buffer: no copy and no per-value parsing, so a
 * million rows arrive in the page in milliseconds. Little-endian only (every browser and Node
 * platform Candor runs on).
 */
export interface ContainerHeader {
  format: 'candor-table-bin';
  version: 1;
  rows: number;
  columns: ContainerColumn[];
}

interface Part {
  /** Byte offset from the start of the data section, and length in bytes. */
  offset: number;
  length: number;
}

export type ContainerColumn =
  | { name: string; role?: Role; type: 'numeric'; values: Part }
  | { name: string; role?: Role; type: 'categorical'; dictionary: string[]; codes: Part }
  | { name: string; role?: Role; type: 'boolean'; values: Part }
  | { name: string; role?: Role; type: 'list'; dictionary: string[]; offsets: Part; codes: Part; missing: Part };

const align8 = (n: number) => (n + 7) & ~7;

/** Encodes a table as one buffer (see {@link ContainerHeader}). */
export function encodeDataContainer(table: Table): Uint8Array {
  const arrays: ArrayBufferView[] = [];
  let at = 0;
  const part = (a: ArrayBufferView): Part => {
    const p = { offset: at, length: a.byteLength };
    arrays.push(a);
    at = align8(at + a.byteLength);
    return p;
  };
  const columns: ContainerColumn[] = table.columns.map((c): ContainerColumn => {
    const meta = { name: c.name, ...(c.role ? { role: c.role } : {}) };
    switch (c.type) {
      case 'numeric':
        return { ...meta, type: 'numeric', values: part(c.values) };
      case 'categorical':
        return { ...meta, type: 'categorical', dictionary: [...c.dictionary], codes: part(c.codes) };
      case 'boolean':
        return { ...meta, type: 'boolean', values: part(c.values) };
      case 'list':
        return { ...meta, type: 'list', dictionary: [...c.dictionary], offsets: part(c.offsets), codes: part(c.codes), missing: part(c.missing) };
    }
  });
  const header: ContainerHeader = { format: 'candor-table-bin', version: 1, rows: table.rowCount, columns };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(4 + json.length);
  const out = new Uint8Array(dataStart + at);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let offset = 0;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + offset);
    offset = align8(offset + a.byteLength);
  }
  return out;
}

/** Decodes {@link encodeDataContainer}'s bytes into a Table whose columns view `bytes`' buffer. */
export function decodeDataContainer(bytes: Uint8Array): Table {
  const fail = (why: string) => userError('invalid_data', `not a Candor table container: ${why}`, {});
  if (bytes.byteLength < 4) throw fail('too short');
  // Views need an 8-byte aligned start: copy once if the caller's bytes are not aligned.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const headerLength = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, true);
  if (4 + headerLength > buf.byteLength) throw fail('header length beyond the end');
  let header: ContainerHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + headerLength))) as ContainerHeader;
  } catch {
    throw fail('the header is not JSON');
  }
  if (typeof header !== 'object' || header === null || header.format !== 'candor-table-bin' || header.version !== 1 || !Array.isArray(header.columns) || !Number.isInteger(header.rows)) throw fail('the header does not describe a candor-table-bin version 1');
  const dataStart = buf.byteOffset + align8(4 + headerLength);
  const n = header.rows;
  const view = <T>(p: Part, Kind: { new (b: ArrayBufferLike, o: number, l: number): T; BYTES_PER_ELEMENT: number }, expected: number | null, name: string): T => {
    const count = p.length / Kind.BYTES_PER_ELEMENT;
    if (!Number.isInteger(count) || dataStart + p.offset + p.length > buf.byteOffset + buf.byteLength) throw fail(`column ${JSON.stringify(name)} lies outside the buffer`);
    if (expected !== null && count !== expected) throw fail(`column ${JSON.stringify(name)} has ${count} values for ${expected} rows`);
    return new Kind(buf.buffer, dataStart + p.offset, count);
  };
  const columns: Column[] = header.columns.map((c): Column => {
    const meta = { name: c.name, ...(c.role ? { role: c.role } : {}) };
    switch (c.type) {
      case 'numeric':
        return { ...meta, type: 'numeric', values: view(c.values, Float64Array, n, c.name) };
      case 'categorical':
        return { ...meta, type: 'categorical', dictionary: c.dictionary, codes: view(c.codes, Int32Array, n, c.name) };
      case 'boolean':
        return { ...meta, type: 'boolean', values: view(c.values, Uint8Array, n, c.name) };
      case 'list':
        return { ...meta, type: 'list', dictionary: c.dictionary, offsets: view(c.offsets, Int32Array, n + 1, c.name), codes: view(c.codes, Int32Array, null, c.name), missing: view(c.missing, Uint8Array, n, c.name) };
      default:
        throw fail(`unknown column type ${JSON.stringify((c as { type: unknown }).type)}`);
    }
  });
  return new Table(columns);
}
