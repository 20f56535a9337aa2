// Loads Candor tables into DuckDB and runs compiled cohort conditions there: the oracle for the
// in-memory evaluator.
import { BOOLEAN, DOUBLE, DuckDBInstance, LIST, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { MISSING_BOOL, type SqlPredicate, type Table } from '../../src/index.js';

/** The row-index column added to every loaded table. */
export const ROW = '__candor_row';

const SQL_TYPES = { numeric: 'DOUBLE', categorical: 'VARCHAR', boolean: 'BOOLEAN', list: 'VARCHAR[]' } as const;
const PARAM_TYPES = { DOUBLE, VARCHAR, BOOLEAN } as const;

export async function connect(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates (or replaces) table `name` holding `table` plus a row index. A missing number is stored as
 * NULL, or as NaN where `asNaN(column, row)` says so: the evaluator treats both as missing.
 */
export async function loadTable(connection: DuckDBConnection, name: string, table: Table, asNaN: (column: string, row: number) => boolean = () => false): Promise<void> {
  const columns = [`${quote(ROW)} INTEGER`, ...table.columns.map((c) => `${quote(c.name)} ${SQL_TYPES[c.type]}`)];
  await connection.run(`CREATE OR REPLACE TABLE ${quote(name)} (${columns.join(', ')})`);
  const appender = await connection.createAppender(name);
  for (let i = 0; i < table.rowCount; i++) {
    appender.appendInteger(i);
    for (const c of table.columns) {
      switch (c.type) {
        case 'numeric': {
          const v = c.values[i];
          if (Number.isNaN(v) && !asNaN(c.name, i)) appender.appendNull();
          else appender.appendDouble(v);
          break;
        }
        case 'categorical':
          if (c.codes[i] < 0) appender.appendNull();
          else appender.appendVarchar(c.dictionary[c.codes[i]]);
          break;
        case 'boolean':
          if (c.values[i] === MISSING_BOOL) appender.appendNull();
          else appender.appendBoolean(c.values[i] === 1);
          break;
        case 'list':
          if (c.missing[i] === 1) appender.appendNull();
          else appender.appendList(Array.from(c.codes.subarray(c.offsets[i], c.offsets[i + 1]), (k) => c.dictionary[k]), LIST(VARCHAR));
          break;
      }
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

async function run(connection: DuckDBConnection, sql: string, predicate: SqlPredicate) {
  const statement = await connection.prepare(sql);
  statement.bind(
    predicate.params,
    predicate.types.map((t) => PARAM_TYPES[t]),
  );
  return (await statement.runAndReadAll()).getRowsJS();
}

/** The row indices where the condition holds, ascending. */
export async function selectRows(connection: DuckDBConnection, name: string, predicate: SqlPredicate): Promise<number[]> {
  const rows = await run(connection, `SELECT ${quote(ROW)} FROM ${quote(name)} WHERE ${predicate.sql} ORDER BY 1`, predicate);
  return rows.map((r) => r[0] as number);
}

/** The condition's value on every row: true, false or null (unknown). */
export async function selectTruth(connection: DuckDBConnection, name: string, predicate: SqlPredicate): Promise<(boolean | null)[]> {
  const rows = await run(connection, `SELECT ${predicate.sql} FROM ${quote(name)} ORDER BY ${quote(ROW)}`, predicate);
  return rows.map((r) => r[0] as boolean | null);
}
