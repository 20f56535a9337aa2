import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { extractRunMetrics, openStore, STORE_SCHEMA_VERSION, type RunStore } from '../../src/adapters/tracker/index.js';
import { isUserError } from '../../src/errors/index.js';
import { VERSION } from '../../src/version.js';
import { tempDir } from '../helpers/cli.js';
import { syntheticInsights } from './synthetic.js';

const freshPath = () => join(tempDir('candor-store-'), 'sub', 'runs.sqlite');

function withStore(fn: (s: RunStore, path: string) => void): void {
  const path = freshPath();
  const s = openStore(path);
  try {
    fn(s, path);
  } finally {
    s.close();
  }
}

/** Asserts that `fn` throws a user error with this code. */
function throwsUser(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isUserError(e), `expected a user error, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('a new store is created with its directory, in WAL mode, at the current schema version', () => {
  const path = freshPath();
  openStore(path).close();
  // Read back through a separate connection, not the store's own code.
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), STORE_SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    assert.deepEqual(tables.filter((t) => !t.startsWith('sqlite_')), ['run_inputs', 'run_metrics', 'run_tags', 'runs']);
  } finally {
    db.close();
  }
});

test('a recorded run reads back whole: document, options, inputs, tags, fingerprints, metrics', () => {
  withStore((s) => {
    const document = syntheticInsights(3, 1);
    const createdAt = new Date('2025-01-02T03:04:05.678Z');
    const inputs = [{ role: 'data' as const, name: '', source: 'a.csv', kind: 'file' as const, fingerprint: 'f'.repeat(64), bytes: 12 }];
    const run = s.recordRun({ kind: 'assess', document, name: ' first ', tags: ['b', 'a', 'b'], createdAt, dataFingerprint: 'd'.repeat(64), modelFingerprint: 'e'.repeat(64), config: { label: 'y' }, argv: ['a.csv', '--label', 'y'], inputs });
    assert.deepEqual(run, { id: 1, name: 'first', kind: 'assess', createdAt: createdAt.toISOString(), codeVersion: VERSION, dataFingerprint: 'd'.repeat(64), modelFingerprint: 'e'.repeat(64), tags: ['a', 'b'], models: [''] });
    const full = s.getRun('first');
    assert.deepEqual(full.document, document);
    assert.deepEqual(full.config, { label: 'y' });
    assert.deepEqual(full.argv, ['a.csv', '--label', 'y']);
    assert.deepEqual(full.inputs, inputs);
    assert.deepEqual(s.runMetrics(1), extractRunMetrics('assess', document), 'metrics round-trip in document order, nulls kept');
    assert.deepEqual(s.getRun('#1').id, 1);
    assert.deepEqual(s.getRun(1).name, 'first');
  });
});

test('undefined and non-finite metric values are stored as null', () => {
  withStore((s) => {
    s.recordRun({ kind: 'assess', document: { overall: {} }, metrics: [{ model: '', cohort: null, group: null, metric: 'x', value: Number.NaN, lower: Number.NEGATIVE_INFINITY, upper: null }] });
    assert.deepEqual(s.runMetrics(1), [{ model: '', cohort: null, group: null, metric: 'x', value: null, lower: null, upper: null }]);
  });
});

test('the metrics table answers per-cohort questions in plain SQL', () => {
  const path = freshPath();
  const s = openStore(path);
  s.recordRun({ kind: 'assess', document: syntheticInsights(2, 0), tags: ['release'] });
  s.recordRun({ kind: 'assess', document: syntheticInsights(2, 5) });
  s.close();
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT m.run_id, m.value FROM run_metrics m JOIN run_tags t ON t.run_id = m.run_id WHERE t.tag = 'release' AND m.grp = 'g=group 1' AND m.metric = 'accuracy'").all();
    assert.deepEqual(rows, [{ run_id: 1, value: syntheticInsights(2, 0).groups[1].metrics.accuracy }]);
  } finally {
    db.close();
  }
});

test('run names are unique, trimmed, and neither numbers nor contain ":"', () => {
  withStore((s) => {
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: 'v1' });
    throwsUser(() => s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: 'v1' }), 'run_name_taken', /#1/);
    assert.equal(s.count(), 1, 'the failed run left nothing behind');
    throwsUser(() => s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: '12' }), 'invalid_run_name', /run id/);
    throwsUser(() => s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: 'a:b' }), 'invalid_run_name', /":"/);
    throwsUser(() => s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: '  ' }), 'invalid_run_name');
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0) });
    throwsUser(() => s.nameRun(2, 'v1'), 'run_name_taken');
    assert.equal(s.nameRun(2, 'v2').name, 'v2');
    assert.equal(s.nameRun('v2', 'v2b').name, 'v2b');
    assert.equal(s.nameRun('v2b', null).name, null);
  });
});

test('runs are found by id, #id or name; an unknown one is a user error with suggestions', () => {
  withStore((s) => {
    throwsUser(() => s.resolveRun('1'), 'unknown_run', /no runs yet/);
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: 'baseline' });
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0) });
    assert.equal(s.resolveRun('#2').id, 2);
    assert.equal(s.resolveRun(' baseline ').id, 1);
    throwsUser(() => s.resolveRun('7'), 'unknown_run', /from 1 to 2/);
    throwsUser(() => s.resolveRun('baselin'), 'unknown_run', /did you mean "baseline"/);
  });
});

test('listRuns filters by tag and kind, and limit keeps the most recent, oldest first', () => {
  withStore((s) => {
    const compare = { overall: { metrics: { a: { accuracy: 0.5 } }, deltas: {} } };
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), tags: ['x'] });
    s.recordRun({ kind: 'compare', document: compare, tags: ['x', 'y'] });
    s.recordRun({ kind: 'mitigate', document: {}, tags: ['y'] });
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 1) });
    const ids = (f: Parameters<RunStore['listRuns']>[0]) => s.listRuns(f).map((r) => r.id);
    assert.deepEqual(ids({}), [1, 2, 3, 4]);
    assert.deepEqual(ids({ tag: 'x' }), [1, 2]);
    assert.deepEqual(ids({ tag: 'y', kind: 'mitigate' }), [3]);
    assert.deepEqual(ids({ kind: 'assess', limit: 1 }), [4]);
    assert.deepEqual(ids({ limit: 2 }), [3, 4]);
    assert.deepEqual(s.listRuns({ kind: 'compare' })[0].models, ['a']);
    assert.deepEqual(s.listRuns({ kind: 'mitigate' })[0].models, []);
    throwsUser(() => s.recordRun({ kind: 'train' as 'assess', document: {} }), 'invalid_kind');
  });
});

test('tags are added once, removed, and checked', () => {
  withStore((s) => {
    s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), tags: ['a'] });
    assert.deepEqual(s.tagRun(1, ['c', 'a', 'b']).tags, ['a', 'b', 'c']);
    assert.deepEqual(s.untagRun(1, ['a', 'zzz']).tags, ['b', 'c']);
    throwsUser(() => s.tagRun(1, ['x,y']), 'invalid_tag');
    throwsUser(() => s.tagRun(1, ['']), 'invalid_tag');
  });
});

test('opening: a missing store with mustExist, a file that is not SQLite, a store from a newer Candor', () => {
  const dir = tempDir('candor-store-open-');
  throwsUser(() => openStore(join(dir, 'none.sqlite'), { mustExist: true }), 'store_not_found', /--track/);
  const junk = join(dir, 'junk.sqlite');
  writeFileSync(junk, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
  throwsUser(() => openStore(junk), 'store_unreadable', /not a run store/);
  const newer = join(dir, 'newer.sqlite');
  const db = new Database(newer);
  db.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
  db.close();
  throwsUser(() => openStore(newer), 'store_too_new', /newer Candor/);
});

test('a store at an older schema version is migrated on open', () => {
  const path = join(tempDir('candor-store-migrate-'), 'old.sqlite');
  // Version 0: an empty SQLite file, as a store created before any migration ran.
  new Database(path).close();
  const s = openStore(path);
  s.recordRun({ kind: 'assess', document: syntheticInsights(1, 0) });
  assert.equal(s.integrityCheck().ok, true);
  s.close();
});

test('integrityCheck reports orphan rows and invalid documents', () => {
  const path = freshPath();
  const s = openStore(path);
  s.recordRun({ kind: 'assess', document: syntheticInsights(1, 0) });
  assert.deepEqual(s.integrityCheck(), { ok: true, problems: [] });
  s.close();
  // Break the store behind its back, with foreign keys and checks off.
  const db = new Database(path);
  db.pragma('foreign_keys = OFF');
  db.pragma('ignore_check_constraints = ON');
  db.prepare("INSERT INTO run_metrics (run_id, model, cohort, grp, metric, value, lower, upper, ord) VALUES (99, '', '', '', 'accuracy', 1, NULL, NULL, 0)").run();
  db.prepare("INSERT INTO run_tags (run_id, tag) VALUES (98, 'x')").run();
  db.prepare("UPDATE runs SET document = '{not json' WHERE id = 1").run();
  db.close();
  const t = openStore(path);
  try {
    const report = t.integrityCheck();
    assert.equal(report.ok, false);
    // SQLite's own check sees the violated CHECK constraint; the store's checks name the run and the orphans.
    assert.deepEqual(report.problems.sort(), [
      'integrity_check: CHECK constraint failed in runs',
      'run #1: invalid document, options, command line or kind',
      'run_metrics: 1 row referring to a run that does not exist',
      'run_tags: 1 row referring to a run that does not exist',
    ]);
  } finally {
    t.close();
  }
});

test('integrityCheck reports a damaged database file', () => {
  const path = freshPath();
  const s = openStore(path);
  for (let i = 0; i < 20; i++) s.recordRun({ kind: 'assess', document: syntheticInsights(30, i) });
  s.close(); // The last connection checkpoints the log into the main file.
  // Overwrite the middle of the file (table and index pages, never the header page).
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096 * 3, 0xa5), 0, 4096 * 3, 4096 * 8);
  closeSync(fd);
  let problems: string[];
  try {
    const t = openStore(path);
    problems = t.integrityCheck().problems;
    t.close();
  } catch (e) {
    // Damage SQLite notices while opening is as good a report, as a user error.
    assert.ok(isUserError(e) && e.code === 'store_damaged', String(e));
    problems = [e.message];
  }
  assert.ok(problems.some((p) => /integrity_check|damaged/.test(p)), `the damage went unnoticed: ${problems.join('; ')}`);
});
