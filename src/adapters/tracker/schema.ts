/**
 * The run store's schema, as a list of migrations. Migration k (1-based) brings a store from
 * `PRAGMA user_version` k − 1 to k; a store is migrated on open, inside one immediate transaction,
 * so concurrent openers of a new store serialise and each migration runs once. Never edit a
 * released migration: append a new one.
 *
 * Tables:
 * - `runs`: one row per run — id, unique optional name, kind, time (ISO 8601, UTC), code version,
 *   data and model fingerprints (SHA-256 hex), the options (`config`, JSON), the command line
 *   (`argv`, JSON) and the full JSON document.
 * - `run_tags`: (run_id, tag).
 * - `run_inputs`: each data file and model with its own fingerprint.
 * - `run_metrics`: the normalised metrics (run_id, model, cohort, grp, metric, value, lower, upper);
 *   `""` stands for "none" in model, cohort and grp (all rows / no group), so that keys compare
 *   equal in joins (NULL never equals NULL in SQL). `grp` because GROUP is an SQL keyword. `ord`
 *   keeps the document's order.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('assess', 'compare', 'mitigate')),
    created_at TEXT NOT NULL,
    code_version TEXT NOT NULL,
    data_fingerprint TEXT,
    model_fingerprint TEXT,
    config TEXT NOT NULL CHECK (json_valid(config)),
    argv TEXT NOT NULL CHECK (json_valid(argv)),
    document TEXT NOT NULL CHECK (json_valid(document))
  );
  CREATE INDEX runs_kind ON runs (kind, id);
  CREATE TABLE run_tags (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tag TEXT NOT NULL CHECK (length(tag) > 0),
    PRIMARY KEY (run_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX run_tags_tag ON run_tags (tag, run_id);
  CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('data', 'model')),
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'url', 'column')),
    fingerprint TEXT NOT NULL,
    bytes INTEGER,
    PRIMARY KEY (run_id, position)
  ) WITHOUT ROWID;
  CREATE TABLE run_metrics (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    cohort TEXT NOT NULL,
    grp TEXT NOT NULL,
    metric TEXT NOT NULL,
    value REAL,
    lower REAL,
    upper REAL,
    ord INTEGER NOT NULL,
    PRIMARY KEY (run_id, model, cohort, grp, metric)
  ) WITHOUT ROWID;
  CREATE INDEX run_metrics_metric ON run_metrics (metric, cohort, grp);
  `,
];

/** The schema version a store has after every migration. */
export const STORE_SCHEMA_VERSION = MIGRATIONS.length;
