import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Column, MISSING_BOOL, type Table } from '../../table/index.js';

/** Options of {@link writeTableCsv}. */
export interface WriteCsvOptions {
  /** The field delimiter. Defaults to `,`. */
  delimiter?: string;
}

const ROWS_PER_WRITE = 1 << 14;

function quoter(delimiter: string): (text: string) => string {
  return (text) =>
    text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') || text !== text.trim() || text === ''
      ? `"${text.replaceAll('"', '""')}"`
      : text;
}

/** Row i of `column` as CSV field text (missing is an empty field; a list is its JSON array). */
function cell(column: Column, i: number, quote: (text: string) => string): string {
  switch (column.type) {
    case 'numeric': {
      const v = column.values[i];
      return v === v ? String(v) : '';
    }
    case 'categorical': {
      const c = column.codes[i];
      return c < 0 ? '' : quote(column.dictionary[c]);
    }
    case 'boolean': {
      const v = column.values[i];
      return v === MISSING_BOOL ? '' : v === 1 ? 'true' : 'false';
    }
    case 'list': {
      if (column.missing[i] === 1) return '';
      const items: string[] = [];
      for (let k = column.offsets[i]; k < column.offsets[i + 1]; k++) items.push(column.dictionary[column.codes[k]]);
      return quote(JSON.stringify(items));
    }
  }
}

/**
 * Writes `table` as CSV with a header, atomically (a temp file in the same directory, then a
 * rename), in batches of rows so large tables never become one string. Missing values are empty
 * fields; numbers use JS's shortest round-trip form, so {@link readTable} gives back the same
 * values; list cells are JSON arrays. An empty string is written as `""`, which the default
 * missing markers read back as missing.
 */
export async function writeTableCsv(table: Table, path: string, options: WriteCsvOptions = {}): Promise<void> {
  const { delimiter = ',' } = options;
  const quote = quoter(delimiter);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    const cols = table.columns;
    await handle.write(`${cols.map((c) => quote(c.name)).join(delimiter)}\n`);
    for (let start = 0; start < table.rowCount; start += ROWS_PER_WRITE) {
      const end = Math.min(table.rowCount, start + ROWS_PER_WRITE);
      const lines: string[] = [];
      for (let i = start; i < end; i++) {
        let line = '';
        for (let j = 0; j < cols.length; j++) line += (j === 0 ? '' : delimiter) + cell(cols[j], i, quote);
        lines.push(line);
      }
      await handle.write(`${lines.join('\n')}\n`);
    }
    await handle.close();
    await rename(tmp, path);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}
