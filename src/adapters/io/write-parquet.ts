import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Table } from '../../table/index.js';
import { sqlIdentifier, sqlString, withDuckDb } from './duckdb.js';
import { writeTableCsv } from './write-csv.js';

const SQL_TYPE = { numeric: 'DOUBLE', categorical: 'VARCHAR', boolean: 'BOOLEAN', list: 'VARCHAR' } as const;

/**
 * Writes `table` as a Parquet file, atomically: the rows go through a temporary CSV that DuckDB
 * reads with every column's type declared (no sniffing, so text stays text), then a Parquet file
 * written next to `path` and renamed over it. List columns are stored as JSON text.
 */
export async function writeTableParquet(table: Table, path: string): Promise<void> {
  const dir = dirname(path);
  const stamp = `${process.pid}.${Date.now().toString(36)}`;
  const csv = join(dir, `.${basename(path)}.${stamp}.csv`);
  const tmp = join(dir, `.${basename(path)}.${stamp}.tmp`);
  try {
    await writeTableCsv(table, csv);
    const columns = table.columns.map((c) => `${sqlString(c.name)}: ${sqlString(SQL_TYPE[c.type])}`).join(', ');
    const select = table.columns.map((c) => sqlIdentifier(c.name)).join(', ');
    await withDuckDb((db) =>
      db.connection.run(
        `COPY (SELECT ${select} FROM read_csv(${sqlString(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, columns = {${columns}})) TO ${sqlString(tmp)} (FORMAT parquet)`,
      ),
    );
    await rename(tmp, path);
  } finally {
    await rm(csv, { force: true });
    await rm(tmp, { force: true });
  }
}
