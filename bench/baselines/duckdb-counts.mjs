// Baseline (a): DuckDB computes the confusion counts with one GROUP BY over the finest cells.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const reader = await c.runAndReadAll(
  `SELECT s2, s5, s8, label, pred, count(*) AS n FROM read_parquet('${file.replace(/'/g, "''")}') GROUP BY ALL`,
);
const rows = reader.getRows();
let total = 0n;
for (const r of rows) total += BigInt(r[5]);
process.stdout.write(`${rows.length} cells, ${total} rows\n`);
