import { DuckDBTypeId, version, type DuckDBConnection, type DuckDBMaterializedResult, type DuckDBType } from '@duckdb/node-api';
import { didYouMean, userError } from '../../errors/index.js';
import {
  type Column,
  type ColumnLoadInfo,
  type DeclaredType,
  type LoadIssue,
  type LoadResult,
  MISSING_BOOL,
  Table,
} from '../../table/index.js';
import { type DuckDb, sqlIdentifier, sqlString, vectorBindings, type VectorBindings } from './duckdb.js';

/** Formats read through DuckDB. */
export type DuckDbFormat = 'parquet' | 'json' | 'arrow';

/** Options of {@link readWithDuckDb}. */
export interface DuckDbReadOptions {
  /** Name of the file in messages and the report. Defaults to the path. */
  source?: string;
  /** Read only these columns, in this order (pushed down: other columns are never decoded). */
  select?: readonly string[];
  /** Force a column's type (see `CsvOptions.types`). */
  types?: Readonly<Record<string, DeclaredType>>;
  /** Called with the fraction done (0..1) as row ranges arrive. */
  onProgress?: (fraction: number) => void;
}

/** How a vector's items cross into a column. */
type Transfer = 'f64' | 'f32' | 'i8' | 'i16' | 'i32' | 'u8' | 'u16' | 'u32';

interface Plan {
  name: string;
  sourceType: string;
  kind: 'numeric' | 'categorical' | 'boolean' | 'list';
  typeFrom: 'declared' | 'source';
  /** SQL giving the values: numbers, 0/1 booleans, text (categorical) or VARCHAR[] (list). */
  value: string;
  typeId: DuckDBTypeId;
  /** Numbers read as they are stored, without conversion (so Parquet statistics describe them). */
  stored: boolean;
  /** A conversion to validate first: rows where `check` is NULL but the value is not are errors. */
  check?: string;
  /** Sorted dictionary (categorical and list columns). */
  dictionary?: string[];
  /** NULLs in the column, when Parquet statistics tell. */
  nulls?: number;
  /** Smallest and largest stored number, when Parquet statistics tell. */
  min?: number;
  max?: number;
}

/** One vector of the data query and where its items go. */
type Reader =
  | { kind: 'plain'; column: number; transfer: Transfer; width: number; validity: boolean }
  | { kind: 'lanes'; lanes: { column: number; shift: number; as: 'codes' | 'bool' | 'number' }[] }
  | { kind: 'list'; column: number };

const NUMERIC_NATIVE: Partial<Record<DuckDBTypeId, Transfer>> = {
  [DuckDBTypeId.TINYINT]: 'i8',
  [DuckDBTypeId.SMALLINT]: 'i16',
  [DuckDBTypeId.INTEGER]: 'i32',
  [DuckDBTypeId.UTINYINT]: 'u8',
  [DuckDBTypeId.USMALLINT]: 'u16',
  [DuckDBTypeId.UINTEGER]: 'u32',
  [DuckDBTypeId.FLOAT]: 'f32',
  [DuckDBTypeId.DOUBLE]: 'f64',
};
const NUMERIC_WIDE = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.DECIMAL, DuckDBTypeId.BIGNUM]);
const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);
const WIDTH: Record<Transfer, number> = { f64: 8, f32: 4, i8: 1, i16: 2, i32: 4, u8: 1, u16: 2, u32: 4 };
const TRUE_WORDS = ['true', 't', 'yes', 'y', '1'];
const FALSE_WORDS = ['false', 'f', 'no', 'n', '0'];
/** Up to this many levels, `list_position` on DuckDB's dictionary vectors beats an ENUM cast. */
const LIST_POSITION_LEVELS = 32;
/** Values 0..254 (+1, with 0 for missing) fit a byte lane; four lanes share one UINTEGER vector. */
const LANE_MAX = 254;
const MAX_RANGES = 8;
const MIN_RANGE_ROWS = 1 << 18;

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function unknownColumn(name: string, names: readonly string[], what: string): Error {
  return userError('unknown_column', `unknown column in ${what}: ${JSON.stringify(name)}${didYouMean(name, names)}; columns are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}`, {
    column: name,
  });
}

const FORMAT_NAMES: Record<DuckDbFormat, string> = { parquet: 'Parquet', json: 'JSON', arrow: 'Arrow IPC' };

/** The table expression DuckDB reads the file through (after loading what it needs). */
async function sourceRelation(conn: DuckDBConnection, path: string, format: DuckDbFormat, source: string): Promise<string> {
  if (format === 'parquet') return `read_parquet(${sqlString(path)})`;
  if (format === 'json') {
    // JSON is parsed once into a temporary table: the reads below scan it twice.
    const sql = `CREATE TEMP TABLE candor_source AS SELECT * FROM read_json_auto(${sqlString(path)})`;
    try {
      await conn.run(sql);
    } catch (e) {
      throw userError('unreadable_file', `cannot read ${source} as JSON (an array of objects or one object per line): ${firstLine(e)}`, { source, sql }, e);
    }
    return 'candor_source';
  }
  for (const extension of ['nanoarrow', 'arrow']) {
    try {
      await conn.run(`LOAD ${extension}`);
      return `read_arrow(${sqlString(path)})`;
    } catch {
      // Not installed; try the next one.
    }
  }
  throw userError(
    'unsupported_format',
    `cannot read ${source}: Arrow IPC/Feather files need DuckDB's "nanoarrow" extension, which is not installed here (nor is the apache-arrow package); convert the file to Parquet (in Python: pyarrow.parquet.write_table(pyarrow.feather.read_table("${source}"), "data.parquet")), or install the extension for DuckDB ${version()} once while online ("INSTALL nanoarrow FROM community")`,
    { source, format },
  );
}

/** How to read one column, from its DuckDB type and the declared type, if any. */
function planColumn(name: string, type: DuckDBType, declared: DeclaredType | undefined, issues: LoadIssue[]): Plan {
  const id = type.typeId;
  const col = sqlIdentifier(name);
  const sourceType = type.toString();
  const isText = id === DuckDBTypeId.VARCHAR;
  const isNumeric = NUMERIC_NATIVE[id] !== undefined || NUMERIC_WIDE.has(id);
  const base = { name, sourceType, typeId: id, typeFrom: declared === undefined ? ('source' as const) : ('declared' as const), stored: false };
  if (declared === 'numeric' || (declared === undefined && isNumeric)) {
    if (NUMERIC_NATIVE[id] !== undefined) return { ...base, kind: 'numeric', value: col, stored: true };
    if (NUMERIC_WIDE.has(id) || id === DuckDBTypeId.BOOLEAN) return { ...base, kind: 'numeric', value: `CAST(${col} AS DOUBLE)` };
    const converted = `TRY_CAST(${isText ? `trim(${col})` : col} AS DOUBLE)`;
    return { ...base, kind: 'numeric', value: converted, check: converted };
  }
  if (declared === 'boolean' || (declared === undefined && id === DuckDBTypeId.BOOLEAN)) {
    if (id === DuckDBTypeId.BOOLEAN) return { ...base, kind: 'boolean', value: `CAST(${col} AS UTINYINT)` };
    const words = (list: string[]) => list.map(sqlString).join(', ');
    const text = `lower(trim(CAST(${col} AS VARCHAR)))`;
    const converted = isNumeric
      ? `CASE WHEN ${col} = 1 THEN 1 WHEN ${col} = 0 THEN 0 END`
      : `CASE WHEN ${text} IN (${words(TRUE_WORDS)}) THEN 1 WHEN ${text} IN (${words(FALSE_WORDS)}) THEN 0 END`;
    return { ...base, kind: 'boolean', value: converted, check: converted };
  }
  if (declared === undefined && (id === DuckDBTypeId.LIST || id === DuckDBTypeId.ARRAY)) {
    return { ...base, kind: 'list', value: `CAST(${col} AS VARCHAR[])` };
  }
  if (declared === undefined && !isText && id !== DuckDBTypeId.ENUM) issues.push({ code: 'converted_to_text', column: name, detail: sourceType });
  return { ...base, kind: 'categorical', value: isText ? col : `CAST(${col} AS VARCHAR)` };
}

/** SQL for the 1-based position of `value` in the sorted `dictionary` (NULL when missing). */
function positionSql(value: string, dictionary: readonly string[]): string {
  const literals = dictionary.map(sqlString).join(', ');
  // Parquet strings arrive as dictionary vectors, on which list_position runs once per distinct
  // value; an ENUM cast hashes every row but stays fast with many levels.
  return dictionary.length <= LIST_POSITION_LEVELS ? `list_position([${literals}], ${value})` : `(enum_code(CAST(${value} AS ENUM(${literals}))) + 1)`;
}

/** The query's select list and how to read each of its vectors. */
function dataQuery(plans: Plan[]): { selects: string[]; readers: Reader[] } {
  const selects: string[] = [];
  const readers: Reader[] = [];
  const lanes: { column: number; sql: string; as: 'codes' | 'bool' | 'number' }[] = [];
  plans.forEach((p, j) => {
    if (p.kind === 'list') {
      const code = p.dictionary!.length === 0 ? '0' : positionSql('x', p.dictionary!);
      selects.push(`list_transform(list_filter(${p.value}, x -> x IS NOT NULL), x -> CAST(${code} AS INTEGER) - 1)`);
      readers.push({ kind: 'list', column: j });
    } else if (p.kind === 'categorical') {
      const k = p.dictionary!.length;
      const position = k === 0 ? 'NULL' : positionSql(p.value, p.dictionary!);
      if (k <= LANE_MAX) lanes.push({ column: j, sql: position, as: 'codes' });
      else {
        const [type, transfer]: [string, Transfer] = k < 32767 ? ['SMALLINT', 'i16'] : ['INTEGER', 'i32'];
        selects.push(`CAST(coalesce(${position}, 0) - 1 AS ${type})`);
        readers.push({ kind: 'plain', column: j, transfer, width: WIDTH[transfer], validity: false });
      }
    } else if (p.kind === 'boolean') {
      lanes.push({ column: j, sql: `CAST(${p.value} AS UINTEGER) + 1`, as: 'bool' });
    } else if (p.stored && INTEGER_TYPES.has(p.typeId) && p.min !== undefined && p.max !== undefined && p.min >= 0 && p.max <= LANE_MAX) {
      // Small non-negative integers (0/1 labels and predictions): a byte lane instead of a vector.
      // UTINYINT arithmetic fails loudly, rather than spill into the next lane, should the
      // file's statistics be wrong.
      lanes.push({ column: j, sql: `CAST(${p.value} AS UTINYINT) + CAST(1 AS UTINYINT)`, as: 'number' });
    } else {
      const transfer = p.stored ? NUMERIC_NATIVE[p.typeId]! : 'f64';
      selects.push(p.value);
      readers.push({ kind: 'plain', column: j, transfer, width: WIDTH[transfer], validity: p.nulls !== 0 });
    }
  });
  for (let w = 0; w < lanes.length; w += 4) {
    const group = lanes.slice(w, w + 4);
    selects.push(group.map((l, k) => `coalesce(CAST(${l.sql} AS UINTEGER), 0)${k === 0 ? '' : ` * ${256 ** k}`}`).join(' + '));
    readers.push({ kind: 'lanes', lanes: group.map((l, k) => ({ column: l.column, shift: 8 * k, as: l.as })) });
  }
  return { selects, readers };
}

function sortStrings(values: string[]): string[] {
  return values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function query(conn: DuckDBConnection, sql: string, source: string): Promise<DuckDBMaterializedResult> {
  try {
    return await conn.run(sql);
  } catch (e) {
    throw userError('unreadable_file', `cannot read ${source}: ${firstLine(e)}`, { source, sql }, e);
  }
}

/** Row-group sizes and per-column statistics from a Parquet file's footer (no data read). */
async function parquetFooter(conn: DuckDBConnection, path: string, source: string, plans: Plan[]): Promise<number[]> {
  const file = sqlString(path);
  const groups = await (await query(conn, `SELECT row_group_id, max(row_group_num_rows) FROM parquet_metadata(${file}) GROUP BY row_group_id ORDER BY row_group_id`, source)).getRowsJS();
  const columns = await (
    await query(
      conn,
      `SELECT path_in_schema, sum(stats_null_count), count(stats_null_count) = count(*), min(TRY_CAST(stats_min_value AS DOUBLE)), max(TRY_CAST(stats_max_value AS DOUBLE)), count(TRY_CAST(stats_min_value AS DOUBLE)) = count(*) AND count(TRY_CAST(stats_max_value AS DOUBLE)) = count(*) FROM parquet_metadata(${file}) GROUP BY path_in_schema`,
      source,
    )
  ).getRowsJS();
  const byName = new Map(columns.map((r) => [String(r[0]), r]));
  for (const p of plans) {
    const r = byName.get(p.name);
    if (r === undefined) continue;
    if (r[2] === true) p.nulls = Number(r[1]);
    if (r[5] === true && p.stored) {
      p.min = Number(r[3]);
      p.max = Number(r[4]);
    }
  }
  return groups.map((r) => Number(r[1]));
}

/** Row ranges aligned on row groups, so each range's query decodes only its own groups. */
function rowRanges(sizes: number[]): [number, number][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const k = Math.max(1, Math.min(MAX_RANGES, sizes.length, Math.floor(total / MIN_RANGE_ROWS)));
  const ranges: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let g = 0; g < sizes.length; g++) {
    acc += sizes[g];
    if (acc >= ((ranges.length + 1) * total) / k || g === sizes.length - 1) {
      ranges.push([start, acc]);
      start = acc;
    }
  }
  return ranges;
}

/** Growable storage for one list column. */
interface ListBuffer {
  offsets: Int32Array;
  missing: Uint8Array;
  codes: Int32Array;
  used: number;
}

type Output = Float64Array | Int32Array | Uint8Array | ListBuffer;

/** Copies one materialized result into the columns, from row `offset`. Returns the next offset. */
function copyResult(result: DuckDBMaterializedResult, readers: Reader[], out: Output[], offset: number, b: VectorBindings): number {
  const chunks = result.chunkCount;
  let off = offset;
  for (let k = 0; k < chunks; k++) {
    const chunk = result.getChunk(k).chunk;
    const m = b.data_chunk_get_size(chunk);
    if (m === 0) continue;
    for (let v = 0; v < readers.length; v++) {
      const r = readers[v];
      const vector = b.data_chunk_get_vector(chunk, v);
      if (r.kind === 'plain') {
        const dst = out[r.column] as Float64Array | Int32Array;
        dst.set(view(r.transfer, b.vector_get_data(vector, m * r.width), m), off);
        if (r.validity) {
          const validity = b.vector_get_validity(vector, Math.ceil(m / 64) * 8);
          if (validity !== null) markInvalid(validity, m, dst as Float64Array, off);
        }
      } else if (r.kind === 'lanes') {
        const bytes = b.vector_get_data(vector, m * 4);
        const words = new Uint32Array(bytes.buffer, bytes.byteOffset, m);
        for (const lane of r.lanes) {
          const dst = out[lane.column];
          if (lane.as === 'codes') unpackCodes(words, m, lane.shift, dst as Int32Array, off);
          else if (lane.as === 'bool') unpackBooleans(words, m, lane.shift, dst as Uint8Array, off);
          else unpackNumbers(words, m, lane.shift, dst as Float64Array, off);
        }
      } else copyList(vector, m, out[r.column] as ListBuffer, off, b);
    }
    off += m;
  }
  return off;
}

function view(transfer: Transfer, bytes: Uint8Array, m: number): ArrayLike<number> {
  const { buffer, byteOffset } = bytes;
  switch (transfer) {
    case 'f64':
      return new Float64Array(buffer, byteOffset, m);
    case 'f32':
      return new Float32Array(buffer, byteOffset, m);
    case 'i8':
      return new Int8Array(buffer, byteOffset, m);
    case 'i16':
      return new Int16Array(buffer, byteOffset, m);
    case 'i32':
      return new Int32Array(buffer, byteOffset, m);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, m);
    case 'u16':
      return new Uint16Array(buffer, byteOffset, m);
    case 'u32':
      return new Uint32Array(buffer, byteOffset, m);
  }
}

function unpackCodes(words: Uint32Array, m: number, shift: number, dst: Int32Array, off: number): void {
  for (let i = 0; i < m; i++) dst[off + i] = ((words[i] >>> shift) & 255) - 1;
}

function unpackBooleans(words: Uint32Array, m: number, shift: number, dst: Uint8Array, off: number): void {
  for (let i = 0; i < m; i++) {
    const v = (words[i] >>> shift) & 255;
    dst[off + i] = v === 0 ? MISSING_BOOL : v - 1;
  }
}

function unpackNumbers(words: Uint32Array, m: number, shift: number, dst: Float64Array, off: number): void {
  for (let i = 0; i < m; i++) {
    const v = (words[i] >>> shift) & 255;
    dst[off + i] = v === 0 ? NaN : v - 1;
  }
}

/** NULLs (validity bit 0) become NaN. */
function markInvalid(validity: Uint8Array, m: number, dst: Float64Array, off: number): void {
  for (let byte = 0; byte * 8 < m; byte++) {
    const bits = validity[byte];
    if (bits === 255) continue;
    const end = Math.min(m, byte * 8 + 8);
    for (let i = byte * 8; i < end; i++) if (((bits >> (i & 7)) & 1) === 0) dst[off + i] = NaN;
  }
}

function copyList(vector: unknown, m: number, list: ListBuffer, off: number, b: VectorBindings): void {
  const entries = b.vector_get_data(vector, m * 16);
  // (offset, length) pairs of uint64; a chunk's child vector is far below 2^32 items.
  const pairs = new Uint32Array(entries.buffer, entries.byteOffset, m * 4);
  const validity = b.vector_get_validity(vector, Math.ceil(m / 64) * 8);
  const size = b.list_vector_get_size(vector);
  let items: Int32Array = new Int32Array(0);
  if (size > 0) {
    const bytes = b.vector_get_data(b.list_vector_get_child(vector), size * 4);
    items = new Int32Array(bytes.buffer, bytes.byteOffset, size);
  }
  for (let i = 0; i < m; i++) {
    const row = off + i;
    if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
      list.missing[row] = 1;
      list.offsets[row + 1] = list.used;
      continue;
    }
    const start = pairs[4 * i];
    const length = pairs[4 * i + 2];
    if (list.used + length > list.codes.length) {
      const next = new Int32Array(Math.max(list.codes.length * 2, list.used + length));
      next.set(list.codes.subarray(0, list.used));
      list.codes = next;
    }
    list.codes.set(items.subarray(start, start + length), list.used);
    list.used += length;
    list.offsets[row + 1] = list.used;
  }
}

function countNaN(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) n++;
  return n;
}

function countMissingCodes(codes: Int32Array): number {
  let n = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] < 0) n++;
  return n;
}

function countMissingBooleans(values: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === MISSING_BOOL) n++;
  return n;
}

/**
 * Reads a Parquet, JSON/NDJSON or Arrow IPC file into a {@link Table} through DuckDB: numbers
 * (every integer, float and decimal type) as float64 (NULL = NaN), strings dictionary-encoded
 * with sorted dictionaries, booleans, and string lists; dates, structs and other types as text.
 *
 * Speed comes from doing the per-row work inside DuckDB and crossing into JS with as few vectors
 * as possible: strings become dictionary codes in SQL; codes, booleans and small integers (0/1
 * labels) travel four to a 32-bit word; every vector's buffer is copied straight into a
 * preallocated column; and a Parquet file is read in row-group-aligned ranges, each materialized
 * by DuckDB's threads while JS copies the previous one.
 */
export async function readWithDuckDb(db: DuckDb, path: string, format: DuckDbFormat, options: DuckDbReadOptions = {}): Promise<LoadResult> {
  const { source = path, select, types = {}, onProgress } = options;
  const conn = db.connection;
  const relation = await sourceRelation(conn, path, format, source);
  let probe: DuckDBMaterializedResult;
  try {
    probe = await conn.run(`SELECT * FROM ${relation} LIMIT 0`);
  } catch (e) {
    throw userError('unreadable_file', `cannot read ${source} as ${FORMAT_NAMES[format]}: ${firstLine(e)}`, { source, format }, e);
  }
  const allNames = probe.columnNames();
  const allTypes = probe.columnTypes();
  for (const name of Object.keys(types)) if (!allNames.includes(name)) throw unknownColumn(name, allNames, 'types');
  for (const name of select ?? []) if (!allNames.includes(name)) throw unknownColumn(name, allNames, 'select');
  const names = select ? [...select] : allNames;
  const issues: LoadIssue[] = [];
  const plans = names.map((name) => planColumn(name, allTypes[allNames.indexOf(name)], types[name], issues));

  for (const plan of plans) {
    if (plan.check === undefined) continue;
    const col = sqlIdentifier(plan.name);
    const sql = `SELECT CAST(${col} AS VARCHAR) FROM ${relation} WHERE ${col} IS NOT NULL AND (${plan.check}) IS NULL LIMIT 1`;
    const bad = (await (await query(conn, sql, source)).getRowsJS())[0];
    if (bad !== undefined) {
      const value = String(bad[0]);
      const code = plan.kind === 'numeric' ? 'not_numeric' : 'not_boolean';
      const expected = plan.kind === 'numeric' ? 'declared numeric' : 'declared boolean (true/false, yes/no, 1/0)';
      throw userError(code, `${source}: column ${JSON.stringify(plan.name)} is ${expected} but has the value ${JSON.stringify(value)}`, { column: plan.name, value, source });
    }
  }

  // One scan for the row count and every dictionary; list columns need one each (unnest).
  const stats: string[] = ['count(*)'];
  const textPlans = plans.filter((p) => p.kind === 'categorical');
  for (const p of textPlans) stats.push(`list(DISTINCT ${p.value}) FILTER (WHERE ${p.value} IS NOT NULL)`);
  const wide = plans.filter((p) => p.kind === 'numeric' && INTEGER_TYPES.has(p.typeId) && NUMERIC_WIDE.has(p.typeId));
  for (const p of wide) stats.push(`count(*) FILTER (WHERE abs(${sqlIdentifier(p.name)}) > 9007199254740991)`);
  const statRow = (await (await query(conn, `SELECT ${stats.join(', ')} FROM ${relation}`, source)).getRowsJS())[0];
  let total = Number(statRow[0]);
  textPlans.forEach((p, k) => {
    p.dictionary = sortStrings(((statRow[k + 1] as unknown[] | null) ?? []).map(String));
  });
  wide.forEach((p, k) => {
    const count = Number(statRow[1 + textPlans.length + k]);
    if (count > 0) issues.push({ code: 'precision_loss', column: p.name, count });
  });
  for (const p of plans.filter((q) => q.kind === 'list')) {
    const sql = `SELECT list(DISTINCT x) FILTER (WHERE x IS NOT NULL) FROM (SELECT unnest(${p.value}) AS x FROM ${relation})`;
    const row = (await (await query(conn, sql, source)).getRowsJS())[0];
    p.dictionary = sortStrings(((row[0] as unknown[] | null) ?? []).map(String));
  }

  let ranges: [number, number][] = [[0, total]];
  if (format === 'parquet' && total > 0) {
    const sizes = await parquetFooter(conn, path, source, plans);
    ranges = rowRanges(sizes);
    total = sizes.reduce((a, b) => a + b, 0);
  }
  const { selects, readers } = dataQuery(plans);
  const rangeSql = (range: [number, number]) =>
    ranges.length === 1
      ? `SELECT ${selects.join(', ')} FROM ${relation}`
      : `SELECT ${selects.join(', ')} FROM read_parquet(${sqlString(path)}, file_row_number = true) WHERE file_row_number >= ${range[0]} AND file_row_number < ${range[1]}`;

  const out = plans.map((p): Output => {
    if (p.kind === 'numeric') return new Float64Array(total);
    if (p.kind === 'boolean') return new Uint8Array(total);
    if (p.kind === 'categorical') return new Int32Array(total);
    return { offsets: new Int32Array(total + 1), missing: new Uint8Array(total), codes: new Int32Array(Math.max(16, total)), used: 0 };
  });

  if (selects.length > 0 && total > 0) {
    const b = vectorBindings();
    // Two connections: DuckDB materializes range k+1 while JS copies range k.
    const conns = ranges.length > 1 ? [conn, await db.connect()] : [conn];
    let pending = query(conns[0], rangeSql(ranges[0]), source);
    let offset = 0;
    for (let k = 0; k < ranges.length; k++) {
      const result = await pending;
      if (k + 1 < ranges.length) {
        pending = query(conns[(k + 1) % conns.length], rangeSql(ranges[k + 1]), source);
        // Keep a failure of the next range from being unhandled while this one is copied.
        pending.catch(() => undefined);
      }
      if (offset + result.rowCount > total) throw new Error(`${source}: DuckDB returned more rows than counted (${offset + result.rowCount} > ${total})`);
      offset = copyResult(result, readers, out, offset, b);
      onProgress?.(offset / total);
    }
    if (offset !== total) throw new Error(`${source}: DuckDB returned ${offset} rows, expected ${total}`);
  }

  const columns: Column[] = [];
  const infos: ColumnLoadInfo[] = [];
  plans.forEach((p, j) => {
    const data = out[j];
    let column: Column;
    let missing: number;
    if (p.kind === 'numeric') {
      const values = data as Float64Array;
      missing = p.nulls === 0 && INTEGER_TYPES.has(p.typeId) && p.stored ? 0 : countNaN(values);
      column = { type: 'numeric', name: p.name, values };
    } else if (p.kind === 'boolean') {
      const values = data as Uint8Array;
      missing = countMissingBooleans(values);
      column = { type: 'boolean', name: p.name, values };
    } else if (p.kind === 'categorical') {
      const codes = data as Int32Array;
      missing = p.nulls === 0 && p.typeFrom === 'source' && p.typeId === DuckDBTypeId.VARCHAR ? 0 : countMissingCodes(codes);
      column = { type: 'categorical', name: p.name, codes, dictionary: p.dictionary! };
    } else {
      const list = data as ListBuffer;
      missing = 0;
      for (let i = 0; i < total; i++) missing += list.missing[i];
      column = { type: 'list', name: p.name, offsets: list.offsets, codes: list.codes.slice(0, list.used), dictionary: p.dictionary!, missing: list.missing };
    }
    if (missing === total && total > 0) issues.push({ code: 'all_missing', column: p.name });
    columns.push(column);
    infos.push({ name: p.name, type: column.type, typeFrom: p.typeFrom, missing, sourceType: p.sourceType });
  });
  if (total === 0) issues.push({ code: 'no_rows' });
  return {
    table: new Table(columns, total),
    report: { source, format, rowsRead: total, rowsSkipped: 0, columns: infos, issues },
  };
}
