export { readTable, formatFromPath, type ReadOptions, type FileFormat } from './read-table.js';
export { readWithDuckDb, type DuckDbReadOptions, type DuckDbFormat } from './read-duckdb.js';
export { openDuckDb, withDuckDb, sqlString, sqlIdentifier, type DuckDb, type DuckDbOptions } from './duckdb.js';
export { writeTableCsv, type WriteCsvOptions } from './write-csv.js';
export { writeTableParquet } from './write-parquet.js';
