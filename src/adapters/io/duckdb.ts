import { createRequire } from 'node:module';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** An open in-memory DuckDB database and one connection to it. */
export interface DuckDb {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  /** Another connection to the same database (for queries run side by side). */
  connect(): Promise<DuckDBConnection>;
  /** Closes every connection and the database. */
  close(): void;
}

/** Options of {@link openDuckDb}. */
export interface DuckDbOptions {
  /** Worker threads DuckDB may use. Defaults to DuckDB's choice (the number of cores). */
  threads?: number;
  /** A memory cap such as `'4GB'`. Defaults to DuckDB's (80% of RAM). */
  memoryLimit?: string;
}

/**
 * Opens an in-memory DuckDB database, for reading Parquet/JSON files and pushing SQL down to them.
 * Close it when done, or use {@link withDuckDb}.
 * @example
 * const db = await openDuckDb();
 * try { await db.connection.run("select count(*) from 'data.parquet'"); } finally { db.close(); }
 */
export async function openDuckDb(options: DuckDbOptions = {}): Promise<DuckDb> {
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', config);
  const connections: DuckDBConnection[] = [await instance.connect()];
  let closed = false;
  return {
    instance,
    connection: connections[0],
    async connect() {
      const c = await instance.connect();
      connections.push(c);
      return c;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const c of connections) c.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `fn` with an open DuckDB database and closes it afterwards, whatever happens. */
export async function withDuckDb<T>(fn: (db: DuckDb) => Promise<T>, options: DuckDbOptions = {}): Promise<T> {
  const db = await openDuckDb(options);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** A SQL string literal: `'it''s'`. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier: `"my ""col"""`. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The few functions of DuckDB's C-API bindings used to copy vectors straight into typed arrays.
 * `@duckdb/node-api` wraps every vector in objects that read validity through BigInts; reading
 * the buffers directly is what makes loading 10M rows take a second rather than several.
 */
export interface VectorBindings {
  data_chunk_get_size(chunk: unknown): number;
  data_chunk_get_vector(chunk: unknown, column: number): unknown;
  vector_get_data(vector: unknown, bytes: number): Uint8Array;
  vector_get_validity(vector: unknown, bytes: number): Uint8Array | null;
  list_vector_get_child(vector: unknown): unknown;
  list_vector_get_size(vector: unknown): number;
}

let bindings: VectorBindings | undefined;

/** DuckDB's bindings, loaded from beside `@duckdb/node-api` (whose dependency they are). */
export function vectorBindings(): VectorBindings {
  if (bindings === undefined) {
    const api = createRequire(import.meta.url).resolve('@duckdb/node-api');
    bindings = createRequire(api)('@duckdb/node-bindings') as VectorBindings;
  }
  return bindings;
}
