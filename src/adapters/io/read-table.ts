import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { userError } from '../../errors/index.js';
import { CsvParser, type CsvOptions, type LoadResult } from '../../table/index.js';
import { withDuckDb } from './duckdb.js';
import { readWithDuckDb } from './read-duckdb.js';

/** File formats {@link readTable} reads. */
export type FileFormat = 'csv' | 'parquet' | 'json' | 'arrow';

/**
 * Options of {@link readTable}: every {@link CsvOptions} option (the text-only ones — delimiter,
 * header, columns, skipRows, missing, trim — are ignored for Parquet, JSON and Arrow), plus:
 */
export interface ReadOptions extends CsvOptions {
  /**
   * The format. Defaults to the extension: `.parquet`/`.parq`/`.pq` Parquet; `.json`, `.ndjson`,
   * `.jsonl` JSON (an array of objects or one object per line); `.arrow`, `.feather`, `.ipc`
   * Arrow IPC; anything else — `.csv`, `.tsv`, `.txt`, UCI's `.data`/`.test` — delimited text
   * (`.gz` is decompressed) — unless the first bytes are Parquet's or Arrow's magic numbers.
   */
  format?: FileFormat;
  /** Called with the fraction read (0..1) as the file is read. */
  onProgress?: (fraction: number) => void;
}

const EXTENSIONS: Record<string, FileFormat> = {
  '.parquet': 'parquet',
  '.parq': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.ndjson': 'json',
  '.jsonl': 'json',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.tab': 'csv',
  '.txt': 'csv',
  '.data': 'csv',
  '.test': 'csv',
};

/** The format of `path` from its extension (`.gz` looked through), or undefined when unknown. */
export function formatFromPath(path: string): FileFormat | undefined {
  const lower = path.toLowerCase();
  const inner = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  return EXTENSIONS[extname(inner)];
}

const CHUNK_BYTES = 1 << 22;

/** Checks that `path` is a readable, non-empty file; a user error naming the problem otherwise. */
async function checkFile(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw userError('file_not_found', `file not found: ${path} (looked in ${resolve(path)})`, { path }, e);
    if (code === 'EACCES' || code === 'EPERM') throw userError('unreadable_file', `cannot read ${path}: permission denied`, { path }, e);
    throw e;
  }
  if (info.isDirectory()) throw userError('not_a_file', `${path} is a directory, not a data file`, { path });
  const size = Number(info.size);
  try {
    const handle = await open(path, 'r');
    await handle.close();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw userError('unreadable_file', `cannot read ${path}: permission denied`, { path }, e);
    throw userError('unreadable_file', `cannot read ${path}: ${(e as Error).message}`, { path }, e);
  }
  if (size === 0) throw userError('empty_file', `${path} is empty (0 bytes)`, { path });
  return size;
}

/** Parquet and Arrow files announce themselves in their first bytes. */
async function sniff(path: string): Promise<FileFormat> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    if (text.startsWith('PAR1')) return 'parquet';
    if (text.startsWith('ARROW1')) return 'arrow';
    return 'csv';
  } finally {
    await handle.close();
  }
}

/** Bytes at the end of `data` that start a UTF-8 sequence the next chunk completes. */
function incompleteTail(data: Uint8Array): number {
  let i = data.length - 1;
  while (i >= 0 && data.length - 1 - i < 3 && (data[i] & 0xc0) === 0x80) i--;
  if (i < 0) return 0;
  const lead = data[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const have = data.length - i;
  return have < need ? have : 0;
}

class NotUtf8 extends Error {}

/** Streams the file through a TextDecoder into the CSV parser, chunk by chunk. */
async function readCsvFile(path: string, size: number, options: ReadOptions, encoding: 'utf-8' | 'windows-1252'): Promise<LoadResult> {
  const ext = extname(path.toLowerCase().replace(/\.gz$/, ''));
  const delimiter = options.delimiter ?? (ext === '.tsv' || ext === '.tab' ? '\t' : undefined);
  const parser = new CsvParser({ ...options, source: options.source ?? path, delimiter });
  // A lenient decoder plus isUtf8 (SIMD) is about twice as fast as a fatal TextDecoder.
  const decoder = new TextDecoder(encoding);
  const utf8 = encoding === 'utf-8';
  let tail: Uint8Array = new Uint8Array(0);
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const input = path.toLowerCase().endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (utf8) {
        const data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
        const cut = incompleteTail(data);
        if (!isUtf8(data.subarray(0, data.length - cut))) throw new NotUtf8();
        tail = data.slice(data.length - cut);
      }
      parser.push(decoder.decode(chunk, { stream: true }));
      options.onProgress?.(Math.min(1, raw.bytesRead / size));
    }
    if (tail.length > 0) throw new NotUtf8();
    parser.push(decoder.decode());
  } catch (e) {
    raw.destroy();
    if ((e as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') throw userError('unreadable_file', `cannot read ${path}: not a valid gzip file (${(e as Error).message})`, { path }, e);
    throw e;
  }
  return parser.finish();
}


/**
 * Reads a data file into a {@link Table}, with a report of what was read, skipped and inferred.
 * CSV/TSV text is parsed in chunks by {@link CsvParser} (so files beyond the largest JS string
 * work; UTF-8, falling back to Windows-1252 with an issue when the bytes are not UTF-8); Parquet,
 * JSON/NDJSON and Arrow IPC go through DuckDB (see {@link readWithDuckDb}).
 *
 * A missing file, a directory, an unreadable or empty file are user errors naming the path.
 * @example
 * const { table, report } = await readTable('adult.data', { columns: ADULT_NAMES });
 * const { table: scores } = await readTable('scores.parquet', { select: ['label', 'score', 'sex'] });
 */
export async function readTable(path: string, options: ReadOptions = {}): Promise<LoadResult> {
  if (options.format !== undefined && !['csv', 'parquet', 'json', 'arrow'].includes(options.format)) {
    throw userError('invalid_option', `invalid format: ${JSON.stringify(options.format)} (expected csv, parquet, json or arrow)`, { option: 'format' });
  }
  const size = await checkFile(path);
  // Text extensions are checked against the magic bytes too: a Parquet file named .txt is Parquet.
  const byExtension = formatFromPath(path);
  const format = options.format ?? (byExtension !== undefined && byExtension !== 'csv' ? byExtension : await sniff(path));
  const source = options.source ?? path;
  if (format === 'csv') {
    try {
      return await readCsvFile(path, size, options, 'utf-8');
    } catch (e) {
      if (!(e instanceof NotUtf8)) throw e;
      const result = await readCsvFile(path, size, options, 'windows-1252');
      result.report.issues.push({ code: 'encoding_fallback', detail: 'windows-1252' });
      return result;
    }
  }
  return withDuckDb((db) => readWithDuckDb(db, resolve(path), format, { source, select: options.select, types: options.types, onProgress: options.onProgress }));
}
