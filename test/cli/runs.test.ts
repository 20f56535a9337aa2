import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compareModels, comparisonDocument, Table } from '../../src/index.js';
import { openStore, type MetricRow } from '../../src/adapters/tracker/index.js';
import { runRuns } from '../../src/cli/runs.js';
import { isUserError } from '../../src/errors/index.js';
import { candor, tempDir } from '../helpers/cli.js';

const row = (cohort: string | null, group: string | null, metric: string, value: number | null, lower: number | null = null, upper: number | null = null): MetricRow => ({ model: '', cohort, group, metric, value, lower, upper });

const TABLE = Table.from({
  y: [1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1],
  p: [1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1],
  q: [1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1],
  sex: ['F', 'F', 'F', 'F', 'F', 'F', 'M', 'M', 'M', 'M', 'M', 'M'],
});

/**
 * A store seeded through the library: #1 "base" and #2 "next" (assess runs with chosen values),
 * #3 "cmp" (a real comparison of two models). Fixed times, so the output has no clock.
 */
function seed(): { store: string; env: Record<string, string> } {
  const dir = tempDir('candor-runs-cli-');
  const store = join(dir, 'runs.sqlite');
  const s = openStore(store);
  s.recordRun({
    kind: 'assess',
    name: 'base',
    tags: ['release'],
    createdAt: new Date('2025-01-02T03:04:05.000Z'),
    document: { overall: {} },
    dataFingerprint: 'a'.repeat(64),
    modelFingerprint: 'b'.repeat(64),
    argv: ['data.csv', '--label', 'y', '--where', 'age > 30'],
    inputs: [{ role: 'data', name: '', source: 'data.csv', kind: 'file', fingerprint: 'a'.repeat(64), bytes: 1234 }],
    metrics: [row(null, null, 'count', 100), row(null, null, 'accuracy', 0.8, 0.75, 0.85), row(null, 'sex=F', 'accuracy', 0.9, 0.85, 0.95), row(null, 'sex=F', 'count', 40)],
  });
  s.recordRun({
    kind: 'assess',
    name: 'next',
    createdAt: new Date('2025-01-03T00:00:00.000Z'),
    document: { overall: {} },
    dataFingerprint: 'a'.repeat(64),
    metrics: [row(null, null, 'count', 100), row(null, null, 'accuracy', 0.9, 0.86, 0.94), row(null, 'sex=F', 'accuracy', 0.88, 0.8, 0.96), row(null, 'sex=F', 'count', 40)],
  });
  const comparison = comparisonDocument(compareModels(TABLE, { label: 'y', positive: '1', models: [{ name: 'v1', pred: 'p' }, { name: 'v2', pred: 'q' }], sensitive: [['sex']], bootstrap: 0 }));
  s.recordRun({ kind: 'compare', name: 'cmp', tags: ['release', 'nightly'], createdAt: new Date('2025-01-04T00:00:00.000Z'), document: JSON.parse(JSON.stringify(comparison)), dataFingerprint: 'c'.repeat(64) });
  s.close();
  return { store, env: { CANDOR_STORE: store } };
}

/** Output lines with runs of spaces collapsed, so the checks do not depend on column widths. */
const lines = (text: string) => text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => !/^[─ ]*$/.test(l));

test('candor runs list: every run, filtered by tag or kind; --json is the store\'s list', () => {
  const { store, env } = seed();
  const r = candor(['runs', 'list'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), [
    `Runs in ${store} (3)`,
    'id name kind created (UTC) version data model models tags',
    `1 base assess 2025-01-02 03:04 0.1.0 ${'a'.repeat(12)} ${'b'.repeat(12)} release`,
    `2 next assess 2025-01-03 00:00 0.1.0 ${'a'.repeat(12)} —`,
    `3 cmp compare 2025-01-04 00:00 0.1.0 ${'c'.repeat(12)} — v1, v2 nightly, release`,
  ]);
  const tagged = JSON.parse(candor(['runs', 'list', '--tag', 'release', '--json'], { env }).stdout);
  assert.deepEqual(tagged.runs.map((x: { name: string }) => x.name), ['base', 'cmp']);
  const s = openStore(store, { mustExist: true });
  assert.deepEqual(JSON.parse(candor(['runs', 'list', '--kind', 'compare', '--json'], { env }).stdout), { store, runs: s.listRuns({ kind: 'compare' }) });
  s.close();
});

test('candor runs show: the run\'s identity, command and metrics per scope; --json has the document and metrics', () => {
  const { store, env } = seed();
  const r = candor(['runs', 'show', 'base', '--metrics', 'count,accuracy'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), [
    'Run #1 base · assess · 2025-01-02 03:04:05.000 UTC · candor 0.1.0',
    'tags release',
    `data ${'a'.repeat(64)} (data.csv, 1,234 bytes)`,
    `model ${'b'.repeat(64)}`,
    "command candor assess data.csv --label y --where 'age > 30'",
    'scope count accuracy',
    'all rows 100 0.800',
    'sex=F 40 0.900',
  ]);
  const doc = JSON.parse(candor(['runs', 'show', 'cmp', '--json'], { env }).stdout);
  const s = openStore(store, { mustExist: true });
  assert.deepEqual(doc, { ...s.getRun('cmp'), metrics: s.runMetrics(3) });
  s.close();
  // A compare run shows one block per model; accuracy by hand: p and q are both right on 8 of 12 rows.
  const cmp = lines(candor(['runs', 'show', 'cmp', '--metrics', 'accuracy'], { env }).stdout);
  assert.ok(cmp.includes('model scope accuracy'));
  assert.ok(cmp.includes('v1 all rows 0.667') && cmp.includes('v2 all rows 0.667'), cmp.join('\n'));
});

test('candor runs diff: A, B, the change and its mark per scope and metric', () => {
  const { env } = seed();
  const r = candor(['runs', 'diff', 'base', 'next', '--metrics', 'accuracy'], { env });
  assert.equal(r.code, 0, r.stderr);
  // Overall: intervals [0.75, 0.85] and [0.86, 0.94] are disjoint → ↑; sex=F: [0.85, 0.95] and [0.80, 0.96] overlap → ≈.
  assert.deepEqual(lines(r.stdout), [
    "Diff #1 base → #2 next: change = B − A; ↑/↓ up/down, ≈ no change or within both runs' intervals",
    'scope metric A #1 base B #2 next change',
    'all rows accuracy 0.800 [0.750, 0.850] 0.900 [0.860, 0.940] +0.100 ↑',
    'sex=F accuracy 0.900 [0.850, 0.950] 0.880 [0.800, 0.960] −0.020 ≈',
  ]);
  const changed = JSON.parse(candor(['runs', 'diff', 'base', 'next', '--changed', '--json'], { env }).stdout);
  assert.equal(changed.sameData, true);
  assert.deepEqual(changed.rows.map((x: { group: string | null; metric: string; mark: string }) => [x.group, x.metric, x.mark]), [[null, 'accuracy', 'up']]);
  // Against a compare run: choose its model; the runs saw different data, which the diff says.
  const other = candor(['runs', 'diff', 'base', 'cmp:v2', '--metrics', 'accuracy'], { env });
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, /note: the runs saw different data \(aaaaaaaaaaaa vs cccccccccccc\)/);
  assert.ok(lines(other.stdout).includes('all rows accuracy 0.800 [0.750, 0.850] 0.667 −0.133 ↓'), other.stdout);
});

test('candor runs table: runs as rows, scopes nested, metrics as columns, change against the baseline', () => {
  const { store, env } = seed();
  const r = candor(['runs', 'table', '--baseline', 'base', '--metrics', 'accuracy,count'], { env });
  assert.equal(r.code, 0, r.stderr);
  // cmp has no intervals, so its marks follow the sign: 0.667 − 0.8 and, in sex=F, p: 4/6 − 0.9, q: 4/6 − 0.9.
  assert.deepEqual(lines(r.stdout), [
    `Tracker: 3 runs in ${store}; change against the baseline #1 base (↑/↓ up/down, ≈ no change or within both runs' intervals)`,
    'run scope accuracy count',
    '#1 base (baseline) all rows 0.800 100',
    'sex=F 0.900 40',
    '#2 next all rows 0.900 ↑ +0.100 100 ≈ 0',
    'sex=F 0.880 ≈ −0.020 40 ≈ 0',
    '#3 cmp · v1 all rows 0.667 ↓ −0.133 12 ↓ −88',
    'sex=F 0.667 ↓ −0.233 6 ↓ −34',
    'sex=M 0.667 6',
    '#3 cmp · v2 all rows 0.667 ↓ −0.133 12 ↓ −88',
    'sex=F 0.667 ↓ −0.233 6 ↓ −34',
    'sex=M 0.667 6',
  ]);
  const j = JSON.parse(candor(['runs', 'table', '--baseline', 'cmp', '--metrics', 'accuracy', '--tag', 'release', '--json'], { env }).stdout);
  assert.deepEqual(j.baseline, { run: 3, name: 'cmp', model: 'v1' });
  assert.deepEqual(j.runs.map((x: { id: number }) => x.id), [1, 3]);
  // The baseline is a row even when the filters leave it out.
  const compareOnly = JSON.parse(candor(['runs', 'table', '--baseline', 'base', '--kind', 'compare', '--json'], { env }).stdout);
  assert.deepEqual(compareOnly.runs.map((x: { id: number }) => x.id), [1, 3]);
  const base = j.rows.find((x: { run: number; group: string | null }) => x.run === 1 && x.group === null);
  assert.ok(Math.abs(base.values.accuracy.change - (0.8 - 8 / 12)) < 1e-12);
});

test('candor runs tag, untag and name change the run; check reports the store\'s health', () => {
  const { store, env } = seed();
  assert.equal(candor(['runs', 'tag', 'next', 'candidate,ci', 'x'], { env }).stdout.trim(), 'Run #2 tags: candidate, ci, x');
  assert.equal(candor(['runs', 'untag', '2', 'x'], { env }).stdout.trim(), 'Run #2 tags: candidate, ci');
  assert.equal(candor(['runs', 'name', '#2', 'v2'], { env }).stdout.trim(), 'Run #2 is named v2');
  const check = candor(['runs', 'check'], { env });
  assert.deepEqual([check.code, check.stdout.trim()], [0, `${store}: ok (3 runs)`]);
  // An orphan metric row written behind the store's back makes check fail.
  const db = new Database(store);
  db.pragma('foreign_keys = OFF');
  db.prepare("INSERT INTO run_metrics (run_id, model, cohort, grp, metric, value, lower, upper, ord) VALUES (42, '', '', '', 'accuracy', 1, NULL, NULL, 0)").run();
  db.close();
  const broken = candor(['runs', 'check', '--json'], { env });
  assert.equal(broken.code, 1);
  assert.deepEqual(JSON.parse(broken.stdout).problems, ['run_metrics: 1 row referring to a run that does not exist']);
});

test('candor runs: usage errors name the problem and the fix', async () => {
  const { store, env } = seed();
  // Through the process once, for the exit code and stderr; the other messages in-process.
  const r = candor(['runs', 'show', 'bse'], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^candor runs: no run named "bse" .*did you mean "base"/);
  const cases: [string[], RegExp][] = [
    [[], /no command: candor runs list\|show/],
    [['lst'], /unknown command "runs lst"/],
    [['show'], /expected one run \(candor runs show RUN\), found nothing/],
    [['table', '--metrics', 'nope'], /no run here has "nope"/],
    [['list', '--limit', '0'], /invalid --limit: "0"/],
    [['list', '--kind', 'train'], /invalid --kind: "train" \(expected assess, compare, mitigate\)/],
    [['diff', 'base', 'cmp'], /run #3 has several models \(v1, v2\).*cmp:v1/],
    [['name', 'next', 'base'], /a run named "base" already exists \(#1\)/],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(runRuns([...args, ...(args.length ? ['--store', store] : [])]), (e: unknown) => isUserError(e) && message.test(e.message), args.join(' '));
  }
  const dir = tempDir('candor-runs-none-');
  const none = candor(['runs', 'list'], { env: { CANDOR_STORE: join(dir, 'absent.sqlite') } });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no run store at .*absent\.sqlite/);
  writeFileSync(join(dir, 'junk.sqlite'), 'not a database '.repeat(100));
  await assert.rejects(runRuns(['list', '--store', join(dir, 'junk.sqlite')]), /not a run store/);
});
