import { BOOLEAN, DOUBLE, VARCHAR } from '@duckdb/node-api';
import { assess, type AssessOptions } from '../assess/index.js';
import { parseExpression, toSql, type SqlPredicate } from '../cohort/index.js';
import { isUserError } from '../errors/index.js';
import type { Insights } from '../report/insights.js';
import { type Field, Table } from '../table/index.js';
import { sqlIdentifier, sqlString, withDuckDb, type DuckDb } from './io/index.js';

const PARAM_TYPES = { DOUBLE, VARCHAR, BOOLEAN } as const;
const FREQUENCY = '__candor_rows';
const cohortColumn = (k: number) => `__candor_cohort_${k}`;

/** Why an assessment cannot be pushed down, or null when it can. */
export function pushdownBlocker(format: string | undefined, options: AssessOptions, types: Record<string, unknown> | undefined): string | null {
  if (format !== 'parquet' && format !== 'json') return 'only Parquet and JSON files are aggregated in DuckDB';
  if (options.score !== undefined) return 'score metrics (AUC, losses, curves) need the rows';
  if (options.task !== undefined && options.task !== 'binary') return 'only binary tasks are aggregated in DuckDB';
  if (options.weight !== undefined) return 'weights are assessed in memory';
  if (types && Object.keys(types).length > 0) return 'type overrides are applied in memory';
  return null;
}

/** Rewrites `$n` placeholders outside quotes as `$(n + offset)`, to combine several predicates in one statement. */
function shiftPlaceholders(sql: string, offset: number): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j])) j++;
      out += `$${Number(sql.slice(i + 1, j)) + offset}`;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

function sourceSql(path: string, format: 'parquet' | 'json'): string {
  return format === 'parquet' ? `read_parquet(${sqlString(path)})` : `read_json_auto(${sqlString(path)})`;
}

function fieldType(duckType: string): Field['type'] {
  if (/\[\]$/.test(duckType) || duckType.startsWith('LIST')) return 'list';
  if (duckType === 'BOOLEAN') return 'boolean';
  if (/^(VARCHAR|ENUM|CHAR|TEXT|STRING|UUID|DATE|TIME|TIMESTAMP)/.test(duckType)) return 'categorical';
  return 'numeric';
}

/** A JS value of a result cell for {@link Table.from}: bigints as numbers, dates as text. */
function cell(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

/**
 * Assesses a binary classifier's predictions in a Parquet or JSON file without loading its rows:
 * DuckDB counts the rows of every combination of label, prediction, sensitive values and cohort
 * membership in one GROUP BY (labels, predictions, cohorts and `where` compiled to parameterised
 * SQL), and {@link assess} runs on those cells with frequency weights. Every count-based metric,
 * disparity, fairness summary and bootstrap interval equals the in-memory result; the cells are
 * usually a few hundred rows whatever the file's size.
 */
export async function assessPushdown(path: string, format: 'parquet' | 'json', options: AssessOptions): Promise<{ insights: Insights; cells: Table } | null> {
  return withDuckDb(async (db) => {
    // The schema is needed to compile expressions; plain column names go straight into the query.
    const specs = [options.label, options.pred!, ...(options.cohorts ?? []).map((c) => c.expression), ...(options.where?.trim() ? [options.where] : [])];
    const plain = /^[A-Za-z_][A-Za-z0-9_]*$/;
    const needsSchema = specs.some((spec) => !plain.test(spec)) || (options.cohorts ?? []).length > 0;
    const fields = needsSchema ? await describe(db, path, format) : null;
    const parts: { sql: string; name: string; predicate?: SqlPredicate }[] = [];
    const known = fields ? new Set(fields.map((f) => f.name)) : null;
    const isColumn = (name: string) => (known ? known.has(name) : plain.test(name));
    // Label and prediction: a column as it is, or a condition computed in SQL and named after its text.
    for (const spec of [options.label, options.pred!]) {
      if (parts.some((p) => p.name === spec)) continue;
      if (isColumn(spec)) parts.push({ sql: sqlIdentifier(spec), name: spec });
      else {
        const predicate = compile(spec, fields!);
        if (!predicate) return null;
        parts.push({ sql: predicate.sql, name: spec, predicate });
      }
    }
    const sensitive = [...new Set((options.sensitive ?? []).flat())];
    for (const col of sensitive) {
      if (known && !known.has(col)) return null; // the in-memory path reports the unknown column with suggestions
      if (!parts.some((p) => p.name === col)) parts.push({ sql: sqlIdentifier(col), name: col });
    }
    const cohorts = options.cohorts ?? [];
    for (const [k, cohort] of cohorts.entries()) {
      const predicate = compile(cohort.expression, fields!);
      if (!predicate) return null;
      parts.push({ sql: `coalesce(${predicate.sql}, false)`, name: cohortColumn(k), predicate });
    }
    const where = options.where?.trim() ? compile(options.where, fields!) : null;
    if (options.where?.trim() && !where) return null;

    const params: SqlPredicate['params'] = [];
    const types: SqlPredicate['types'] = [];
    const bind = (p: { sql: string; predicate?: SqlPredicate }) => {
      if (!p.predicate) return p.sql;
      const sql = shiftPlaceholders(p.sql, params.length);
      params.push(...p.predicate.params);
      types.push(...p.predicate.types);
      return sql;
    };
    const select = parts.map((p) => `${bind(p)} AS ${sqlIdentifier(p.name)}`);
    const whereSql = where ? ` WHERE ${bind({ sql: where.sql, predicate: where })}` : '';
    const sql = `SELECT ${select.join(', ')}, count(*) AS ${sqlIdentifier(FREQUENCY)} FROM ${sourceSql(path, format)}${whereSql} GROUP BY ALL`;
    let rows: unknown[][];
    try {
      const statement = await db.connection.prepare(sql);
      if (params.length) statement.bind(params, types.map((t) => PARAM_TYPES[t]));
      rows = (await statement.runAndReadAll()).getRowsJS();
    } catch (e) {
      // Without the schema, a name that is not a column fails to bind: the in-memory path says
      // which, with suggestions. Any other failure is a bug and keeps its stack and SQL.
      if (!known && /Binder Error/.test(String(e))) return null;
      throw new Error(`push-down query failed: ${sql}`, { cause: e });
    }

    const data: Record<string, (string | number | boolean | null)[]> = {};
    [...parts.map((p) => p.name), FREQUENCY].forEach((name, j) => {
      data[name] = rows.map((r) => cell(r[j]));
    });
    if (rows.length === 0) {
      // Nothing matched `where`: the in-memory path gives the precise error.
      return null;
    }
    const cells = Table.from(data);
    const insights = assess(cells, {
      ...options,
      where: undefined,
      cohorts: cohorts.map((c, k) => ({ name: c.name, expression: sqlIdentifier(cohortColumn(k)) })),
      frequency: FREQUENCY,
    });
    // Report what the user asked, not the rewritten cells query.
    insights.cohorts.forEach((c, k) => (c.expression = cohorts[k].expression));
    insights.source = { ...insights.source, where: options.where ?? null };
    if (insights.config) insights.config.where = options.where ?? null;
    insights.config = { ...insights.config, aggregation: 'duckdb-group-by', cells: rows.length };
    return { insights, cells };
  });
}

async function describe(db: DuckDb, path: string, format: 'parquet' | 'json'): Promise<Pick<Field, 'name' | 'type'>[]> {
  const rows = (await db.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${sourceSql(path, format)}`)).getRowsJS();
  return rows.map((r) => ({ name: String(r[0]), type: fieldType(String(r[1])) }));
}

/** An expression compiled to SQL, or null when only the in-memory path can evaluate it (and report its errors). */
function compile(expression: string, fields: Pick<Field, 'name' | 'type'>[]): SqlPredicate | null {
  try {
    return toSql(parseExpression(expression), fields);
  } catch (e) {
    if (isUserError(e)) return null;
    throw e;
  }
}
