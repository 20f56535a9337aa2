/**
 * The run store: a local SQLite database (through better-sqlite3) recording every tracked
 * `assess`, `compare` and `mitigate` run — fingerprints, options, code version, time, the full
 * JSON document and every per-cohort metric in a normalised table.
 *
 * Why SQLite in WAL mode rather than a DuckDB file or a folder of JSON files:
 * - **Crash safety.** A run is one transaction; SQLite's write-ahead log makes a commit atomic and
 *   durable (`synchronous = FULL` syncs the log on each commit), so `kill -9` mid-write leaves every
 *   committed run and no half-written one. A folder of JSON files needs its own atomic renames and
 *   still has no atomic update across files (a run and its index).
 * - **Concurrent writers.** Several processes (parallel CI jobs, a notebook and a shell) can record
 *   at once: WAL lets readers run beside the one writer, and `busy_timeout` makes a writer wait
 *   for the lock instead of failing. A DuckDB file is opened read-write by one process at a time;
 *   a second writer process fails to open it.
 * - **SQL over runs.** The tracker table, `runs diff` and ad-hoc questions ("accuracy of every run
 *   tagged `release` in cohort `women`") are joins over `run_metrics`; anyone can open the file with
 *   `sqlite3` and query it (`src/adapters/tracker/schema.ts` documents the tables).
 *
 * The schema is versioned with `PRAGMA user_version` and migrated on open (see `schema.ts`).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { closestNames, userError } from '../../errors/index.js';
import { VERSION } from '../../version.js';
import { changeMark, type DiffRow, type MetricSide } from './diff.js';
import { extractRunMetrics, RUN_KINDS, type MetricRow, type RunKind } from './extract.js';
import type { RunInput } from './fingerprint.js';
import { checkRunName, checkTag, type RunRef } from './names.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from './schema.js';
import { buildTrackerTable, type JoinedMetric, type TrackerTable } from './tracker-table.js';

/** What to record: the document, and what identifies the run and its inputs. */
export interface NewRun {
  kind: RunKind;
  /** The run's JSON document (insights, comparison or mitigation). */
  document: unknown;
  /** A unique name (see {@link checkRunName}); defaults to none. */
  name?: string | null;
  tags?: readonly string[];
  /** Defaults to now. */
  createdAt?: Date;
  /** Defaults to Candor's version. */
  codeVersion?: string;
  dataFingerprint?: string | null;
  modelFingerprint?: string | null;
  /** The options of the run; defaults to `{}`. */
  config?: Record<string, unknown>;
  /** The command line; defaults to `[]`. */
  argv?: readonly string[];
  inputs?: readonly RunInput[];
  /** Defaults to {@link extractRunMetrics} of the document. */
  metrics?: readonly MetricRow[];
}

/** A run as listed: everything but the document, options and inputs. */
export interface RunSummary {
  id: number;
  name: string | null;
  kind: RunKind;
  /** ISO 8601, UTC. */
  createdAt: string;
  codeVersion: string;
  dataFingerprint: string | null;
  modelFingerprint: string | null;
  tags: string[];
  /** The models with metrics in the run, in document order (`[""]` for a run with one model). */
  models: string[];
}

/** A run with everything recorded about it. */
export interface RunRecord extends RunSummary {
  config: Record<string, unknown>;
  argv: string[];
  inputs: RunInput[];
  document: unknown;
}

/** The result of {@link RunStore.integrityCheck}. */
export interface IntegrityReport {
  ok: boolean;
  /** What is wrong, one line each; empty when ok. */
  problems: string[];
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** Fail with a user error when the store does not exist, instead of creating it. Defaults to false. */
  mustExist?: boolean;
  /** Milliseconds a writer waits for another's lock before failing. Defaults to 10000. */
  busyTimeout?: number;
}

interface RunRow {
  id: number;
  name: string | null;
  kind: RunKind;
  created_at: string;
  code_version: string;
  data_fingerprint: string | null;
  model_fingerprint: string | null;
  tags: string;
  models: string;
}

const SUMMARY_COLUMNS = `r.id, r.name, r.kind, r.created_at, r.code_version, r.data_fingerprint, r.model_fingerprint,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags,
  (SELECT json_group_array(model) FROM (SELECT model FROM run_metrics m WHERE m.run_id = r.id GROUP BY model ORDER BY min(ord))) AS models`;

const summaryOf = (r: RunRow): RunSummary => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  createdAt: r.created_at,
  codeVersion: r.code_version,
  dataFingerprint: r.data_fingerprint,
  modelFingerprint: r.model_fingerprint,
  tags: JSON.parse(r.tags) as string[],
  models: JSON.parse(r.models) as string[],
});

interface MetricDbRow {
  model: string;
  cohort: string;
  grp: string;
  metric: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
}

const orNull = (s: string) => (s === '' ? null : s);
const finiteOrNull = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);

/** A run store; open one with {@link openStore} and close it when done. */
export class RunStore {
  private readonly db: Database.Database;

  /** The store's file, absolute. */
  readonly path: string;

  constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
  }

  /** Records a run in one transaction; returns it as listed. Tags are de-duplicated. */
  recordRun(run: NewRun): RunSummary {
    if (!RUN_KINDS.includes(run.kind)) throw userError('invalid_kind', `invalid run kind: ${JSON.stringify(run.kind)} (expected ${RUN_KINDS.join(', ')})`);
    const name = run.name === undefined || run.name === null ? null : checkRunName(run.name);
    const tags = [...new Set((run.tags ?? []).map(checkTag))];
    const metrics = run.metrics ?? extractRunMetrics(run.kind, run.document);
    const document = JSON.stringify(run.document);
    if (document === undefined) throw new Error('the run document is not JSON-serialisable');
    const write = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO runs (name, kind, created_at, code_version, data_fingerprint, model_fingerprint, config, argv, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(name, run.kind, (run.createdAt ?? new Date()).toISOString(), run.codeVersion ?? VERSION, run.dataFingerprint ?? null, run.modelFingerprint ?? null, JSON.stringify(run.config ?? {}), JSON.stringify(run.argv ?? []), document);
      const id = Number(lastInsertRowid);
      const tag = this.db.prepare('INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
      for (const t of tags) tag.run(id, t);
      const input = this.db.prepare('INSERT INTO run_inputs (run_id, position, role, name, source, kind, fingerprint, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      (run.inputs ?? []).forEach((x, k) => input.run(id, k, x.role, x.name, x.source, x.kind, x.fingerprint, x.bytes));
      const metric = this.db.prepare('INSERT INTO run_metrics (run_id, model, cohort, grp, metric, value, lower, upper, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      metrics.forEach((m, k) => metric.run(id, m.model, m.cohort ?? '', m.group ?? '', m.metric, finiteOrNull(m.value), finiteOrNull(m.lower), finiteOrNull(m.upper), k));
      return id;
    });
    let id: number;
    try {
      // IMMEDIATE takes the write lock up front, so a waiting writer queues on busy_timeout rather
      // than failing when its read snapshot goes stale.
      id = write.immediate();
    } catch (e) {
      throw this.translate(e, name);
    }
    return this.summary(id);
  }

  /** Runs, oldest first, optionally only those with a tag or of a kind; `limit` keeps the most recent. */
  listRuns(filter: { tag?: string; kind?: RunKind; limit?: number } = {}): RunSummary[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?)');
      params.push(filter.tag);
    }
    if (filter.kind !== undefined) {
      where.push('r.kind = ?');
      params.push(filter.kind);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
    if (filter.limit !== undefined) params.push(filter.limit);
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(summaryOf).reverse();
  }

  /** Finds a run by id (`12`, `#12`) or name; a user error naming the closest runs otherwise. */
  resolveRun(ref: string | number): RunSummary {
    const text = String(ref).trim();
    const byId = /^#?\d+$/.test(text);
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs r WHERE ${byId ? 'r.id = ?' : 'r.name = ?'}`).get(byId ? Number(text.replace('#', '')) : text) as RunRow | undefined;
    if (row) return summaryOf(row);
    const count = (this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    if (count === 0) throw userError('unknown_run', `no run ${JSON.stringify(text)}: the store ${this.path} has no runs yet (record one with --track)`, { run: text });
    if (byId) {
      const { lo, hi } = this.db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM runs').get() as { lo: number; hi: number };
      throw userError('unknown_run', `no run #${text.replace('#', '')} in ${this.path} (ids run from ${lo} to ${hi}; see candor runs list)`, { run: text });
    }
    const names = (this.db.prepare('SELECT name FROM runs WHERE name IS NOT NULL').all() as { name: string }[]).map((r) => r.name);
    const near = closestNames(text, names);
    throw userError('unknown_run', `no run named ${JSON.stringify(text)} in ${this.path}${near.length ? ` (did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?)` : ''}; see candor runs list`, { run: text, suggestions: near });
  }

  /** The run with this name, or null. */
  runByName(name: string): RunSummary | null {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs r WHERE r.name = ?`).get(name) as RunRow | undefined;
    return row ? summaryOf(row) : null;
  }

  /** A run with its options, inputs and document. */
  getRun(ref: string | number): RunRecord {
    const s = this.resolveRun(ref);
    const row = this.db.prepare('SELECT config, argv, document FROM runs WHERE id = ?').get(s.id) as { config: string; argv: string; document: string };
    const inputs = this.db.prepare('SELECT role, name, source, kind, fingerprint, bytes FROM run_inputs WHERE run_id = ? ORDER BY position').all(s.id) as RunInput[];
    return { ...s, config: JSON.parse(row.config), argv: JSON.parse(row.argv), inputs, document: JSON.parse(row.document) };
  }

  /** A run's metric rows in document order, optionally of one model and some metrics. */
  runMetrics(id: number, filter: { model?: string | null; metrics?: readonly string[] | null } = {}): MetricRow[] {
    const rows = this.db
      .prepare(
        `SELECT model, cohort, grp, metric, value, lower, upper FROM run_metrics WHERE run_id = @id
         AND (@model IS NULL OR model = @model) AND (@metrics IS NULL OR metric IN (SELECT value FROM json_each(@metrics))) ORDER BY ord`,
      )
      .all({ id, model: filter.model ?? null, metrics: filter.metrics ? JSON.stringify(filter.metrics) : null }) as MetricDbRow[];
    return rows.map((r) => ({ model: r.model, cohort: orNull(r.cohort), group: orNull(r.grp), metric: r.metric, value: r.value, lower: r.lower, upper: r.upper }));
  }

  /** The distinct metric ids of some runs, in the order they first appear. */
  metricIds(runIds: readonly number[]): string[] {
    const rows = this.db.prepare('SELECT metric FROM run_metrics WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY metric ORDER BY min(run_id * 1000000000 + ord)').all(JSON.stringify(runIds)) as { metric: string }[];
    return rows.map((r) => r.metric);
  }

  /** Adds tags to a run (tags it already has are kept once). */
  tagRun(ref: string | number, tags: readonly string[]): RunSummary {
    const checked = tags.map(checkTag);
    const { id } = this.resolveRun(ref);
    const insert = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)');
    this.db.transaction(() => checked.forEach((t) => insert.run(id, t))).immediate();
    return this.summary(id);
  }

  /** Removes tags from a run. */
  untagRun(ref: string | number, tags: readonly string[]): RunSummary {
    const { id } = this.resolveRun(ref);
    const remove = this.db.prepare('DELETE FROM run_tags WHERE run_id = ? AND tag = ?');
    this.db.transaction(() => tags.forEach((t) => remove.run(id, t.trim()))).immediate();
    return this.summary(id);
  }

  /** Names (or renames) a run; null removes its name. */
  nameRun(ref: string | number, name: string | null): RunSummary {
    const checked = name === null ? null : checkRunName(name);
    const { id } = this.resolveRun(ref);
    try {
      this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(checked, id);
    } catch (e) {
      throw this.translate(e, checked);
    }
    return this.summary(id);
  }

  /**
   * The metrics of two runs side by side, matched by cohort, group and metric, with each change
   * from A to B and its mark (see {@link changeMark}). Two runs with several models each (compare
   * runs) are matched model by model unless a model is chosen (`RUN:MODEL`); otherwise each side
   * must come down to one model. Rows of A come first in A's order, then rows only B has.
   */
  diffRuns(a: RunRef, b: RunRef, metrics: readonly string[] | null = null): { a: RunSummary; b: RunSummary; rows: DiffRow[] } {
    const ra = this.resolveRun(a.run);
    const rb = this.resolveRun(b.run);
    for (const [ref, run] of [[a, ra], [b, rb]] as const) {
      if (ref.model !== null && !run.models.includes(ref.model)) throw userError('unknown_model', `run #${run.id} has no model ${JSON.stringify(ref.model)} (its models: ${run.models.map((m) => JSON.stringify(m)).join(', ') || 'none'})`, { run: run.id, model: ref.model });
    }
    // Two runs with several models each match model by model; otherwise each side contributes one model.
    const matchModels = a.model === null && b.model === null && ra.models.length > 1 && rb.models.length > 1;
    if (!matchModels) {
      for (const [ref, run] of [[a, ra], [b, rb]] as const) {
        if (ref.model === null && run.models.length > 1) throw userError('ambiguous_model', `run #${run.id} has several models (${run.models.join(', ')}) and the other run one: choose one, e.g. ${run.name ?? run.id}:${run.models[0]}`, { run: run.id, models: run.models });
      }
    }
    const side = (alias: string, run: number, model: string | null) =>
      `(SELECT * FROM run_metrics WHERE run_id = ${run} ${model === null ? '' : `AND model = @${alias}Model`} AND (@metrics IS NULL OR metric IN (SELECT value FROM json_each(@metrics)))) ${alias}`;
    const sql = `SELECT coalesce(a.model, b.model) AS model, coalesce(a.cohort, b.cohort) AS cohort, coalesce(a.grp, b.grp) AS grp, coalesce(a.metric, b.metric) AS metric,
        a.metric IS NOT NULL AS hasA, a.value AS aValue, a.lower AS aLower, a.upper AS aUpper,
        b.metric IS NOT NULL AS hasB, b.value AS bValue, b.lower AS bLower, b.upper AS bUpper
      FROM ${side('a', ra.id, a.model)} FULL JOIN ${side('b', rb.id, b.model)}
        ON a.cohort = b.cohort AND a.grp = b.grp AND a.metric = b.metric ${matchModels ? 'AND a.model = b.model' : ''}
      ORDER BY a.ord IS NULL, a.ord, b.ord`;
    const params: Record<string, string | null> = { metrics: metrics ? JSON.stringify(metrics) : null };
    if (a.model !== null) params.aModel = a.model;
    if (b.model !== null) params.bModel = b.model;
    type Joined = { model: string; cohort: string; grp: string; metric: string; hasA: number; aValue: number | null; aLower: number | null; aUpper: number | null; hasB: number; bValue: number | null; bLower: number | null; bUpper: number | null };
    const rows = (this.db.prepare(sql).all(params) as Joined[]).map((r): DiffRow => {
      const sa: MetricSide | null = r.hasA ? { value: r.aValue, lower: r.aLower, upper: r.aUpper } : null;
      const sb: MetricSide | null = r.hasB ? { value: r.bValue, lower: r.bLower, upper: r.bUpper } : null;
      return { model: matchModels ? r.model : null, cohort: orNull(r.cohort), group: orNull(r.grp), metric: r.metric, a: sa, b: sb, ...(sa && sb ? changeMark(sa, sb) : { change: null, mark: null }) };
    });
    return { a: ra, b: rb, rows };
  }

  /**
   * The tracker table of some runs (see {@link buildTrackerTable}): each value joined in SQL with
   * the baseline run's value in the same cohort, group and metric. A baseline run with several
   * models uses the chosen one, else the comparison's baseline model, else its first.
   */
  trackerTable(runs: readonly RunSummary[], metrics: readonly string[], baseline: RunRef | null = null): TrackerTable {
    let base: TrackerTable['baseline'] = null;
    if (baseline) {
      const b = this.resolveRun(baseline.run);
      let model = baseline.model;
      if (model !== null && !b.models.includes(model)) throw userError('unknown_model', `run #${b.id} has no model ${JSON.stringify(model)} (its models: ${b.models.map((m) => JSON.stringify(m)).join(', ') || 'none'})`, { run: b.id, model });
      if (model === null) {
        const doc = (this.db.prepare("SELECT json_extract(document, '$.baseline') AS baseline FROM runs WHERE id = ?").get(b.id) as { baseline: unknown }).baseline;
        model = typeof doc === 'string' && b.models.includes(doc) ? doc : (b.models[0] ?? '');
      }
      base = { run: b.id, name: b.name, model };
    }
    const joined = this.db
      .prepare(
        `SELECT m.run_id AS run, m.model, m.cohort, m.grp, m.metric, m.value, m.lower, m.upper,
           b.metric IS NOT NULL AS hasBase, b.value AS bValue, b.lower AS bLower, b.upper AS bUpper
         FROM run_metrics m
         LEFT JOIN run_metrics b ON b.run_id = @baseRun AND b.model = @baseModel AND b.cohort = m.cohort AND b.grp = m.grp AND b.metric = m.metric
         WHERE m.run_id IN (SELECT value FROM json_each(@runs)) AND m.metric IN (SELECT value FROM json_each(@metrics))
         ORDER BY m.run_id, m.ord`,
      )
      .all({ baseRun: base?.run ?? null, baseModel: base?.model ?? null, runs: JSON.stringify(runs.map((r) => r.id)), metrics: JSON.stringify(metrics) }) as (MetricDbRow & { run: number; hasBase: number; bValue: number | null; bLower: number | null; bUpper: number | null })[];
    const rows: JoinedMetric[] = joined.map((r) => ({ run: r.run, model: r.model, cohort: orNull(r.cohort), group: orNull(r.grp), metric: r.metric, value: r.value, lower: r.lower, upper: r.upper, base: r.hasBase ? { value: r.bValue, lower: r.bLower, upper: r.bUpper } : null }));
    return buildTrackerTable(runs, rows, metrics, base);
  }

  /**
   * Checks the store: SQLite's `PRAGMA integrity_check` (pages, indexes, constraints), foreign keys
   * (every tag, input and metric belongs to a run), the schema version, and that every run's
   * document, options and command line are valid JSON with a known kind.
   */
  integrityCheck(): IntegrityReport {
    const problems: string[] = [];
    // A damaged file can make any query fail: each check reports its own failure and the rest still run.
    const check = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (e) {
        problems.push(`${what}: ${(e as Error).message}`);
      }
    };
    check('integrity_check', () => {
      const rows = this.db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
      if (!(rows.length === 1 && rows[0].integrity_check === 'ok')) problems.push(...rows.map((r) => `integrity_check: ${r.integrity_check}`));
    });
    check('foreign_key_check', () => {
      const byTable = new Map<string, number>();
      for (const o of this.db.prepare('PRAGMA foreign_key_check').all() as { table: string }[]) byTable.set(o.table, (byTable.get(o.table) ?? 0) + 1);
      for (const [table, n] of byTable) problems.push(`${table}: ${n} row${n === 1 ? '' : 's'} referring to a run that does not exist`);
    });
    check('schema version', () => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      if (version !== STORE_SCHEMA_VERSION) problems.push(`schema version ${version}, expected ${STORE_SCHEMA_VERSION}`);
    });
    check('runs', () => {
      const bad = this.db.prepare(`SELECT id FROM runs WHERE NOT json_valid(document) OR NOT json_valid(config) OR NOT json_valid(argv) OR kind NOT IN (${RUN_KINDS.map((k) => `'${k}'`).join(', ')})`).all() as { id: number }[];
      for (const r of bad) problems.push(`run #${r.id}: invalid document, options, command line or kind`);
    });
    return { ok: problems.length === 0, problems };
  }

  /** The number of runs. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  }

  /** Closes the database (checkpointing the log when this is the last connection). */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private summary(id: number): RunSummary {
    return summaryOf(this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs r WHERE r.id = ?`).get(id) as RunRow);
  }

  private translate(e: unknown, name: string | null): unknown {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && name !== null) {
      const other = this.db.prepare('SELECT id FROM runs WHERE name = ?').get(name) as { id: number } | undefined;
      return userError('run_name_taken', `a run named ${JSON.stringify(name)} already exists${other ? ` (#${other.id})` : ''} in ${this.path}; choose another name`, { name }, e);
    }
    if (code === 'SQLITE_BUSY') return userError('store_busy', `the run store ${this.path} stayed locked by another process; try again`, {}, e);
    return e;
  }
}

/**
 * Opens (creating unless `mustExist`) the run store at `path`: WAL mode, full sync on commit,
 * foreign keys on, a busy timeout for concurrent writers, and the schema migrated to the current
 * version.
 */
export function openStore(path: string, options: OpenStoreOptions = {}): RunStore {
  const { mustExist = false, busyTimeout = 10_000 } = options;
  const file = resolve(path);
  if (!mustExist) mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: mustExist, timeout: busyTimeout });
  } catch (e) {
    if (mustExist && (e as { code?: string }).code === 'SQLITE_CANTOPEN') throw userError('store_not_found', `no run store at ${file} (record a run with --track, or point --store or CANDOR_STORE at a store)`, { path: file }, e);
    throw userError('store_unreadable', `cannot open the run store ${file}: ${(e as Error).message}`, { path: file }, e);
  }
  try {
    // Switching a new file to WAL needs a moment of exclusive access; the busy timeout covers a concurrent opener.
    if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw userError('store_unreadable', `${file} is not a run store (not an SQLite database)`, { path: file }, e);
    if (code === 'SQLITE_CORRUPT') throw userError('store_damaged', `the run store ${file} is damaged (${(e as Error).message}); restore it from a backup, or recover it with sqlite3's .recover`, { path: file }, e);
    throw e;
  }
  return new RunStore(db, file);
}

function migrate(db: Database.Database, file: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() === STORE_SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = current();
    if (from > STORE_SCHEMA_VERSION) throw userError('store_too_new', `the run store ${file} has schema version ${from}, written by a newer Candor (this one reads up to ${STORE_SCHEMA_VERSION}); upgrade Candor`, { path: file, version: from });
    for (let v = from; v < STORE_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
  }).immediate();
}
