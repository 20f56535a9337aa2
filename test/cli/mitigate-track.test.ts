// `candor mitigate <method> --track`: every method records its run in the run store as assess and
// compare do, with the before/after metrics per group (and per cohort) that its --json printed,
// the data and the written artifact fingerprinted, and the name checked before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/adapters/tracker/store.js';
import { runMitigateReweigh } from '../../src/cli/mitigate-data.js';
import { runMitigateReduce } from '../../src/cli/mitigate-reduce.js';
import { writeTableCsv } from '../../src/adapters/io/index.js';
import { generateLoans } from '../../src/demo/loans.js';
import { Random } from '../../src/index.js';
import type { MitigationResult } from '../../src/mitigate/index.js';
import { candor, tempDir } from '../helpers/cli.js';
import { lendingTable } from '../mitigate/reductions-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A training and an evaluation file: a score that favours group "a", a label, two groups. */
function scoredFiles(dir: string): { train: string; evaluation: string } {
  const random = new Random(11);
  const make = (n: number) => {
    const lines = ['y,s,grp'];
    for (let i = 0; i < n; i++) {
      const grp = i % 3 === 0 ? 'b' : 'a';
      const y = random.next() < (grp === 'a' ? 0.45 : 0.3) ? 1 : 0;
      const s = 1 / (1 + Math.exp(-random.normal(y ? 0.9 : -0.9, 1) - (grp === 'a' ? 0.4 : -0.3)));
      lines.push(`${y},${s.toFixed(6)},${grp}`);
    }
    return `${lines.join('\n')}\n`;
  };
  const train = join(dir, 'train.csv');
  const evaluation = join(dir, 'eval.csv');
  writeFileSync(train, make(900));
  writeFileSync(evaluation, make(600));
  return { train, evaluation };
}

/** Every stored row of a run as `model|cohort|group|metric` → row. */
function rowsOf(store: string, ref: string | number): Map<string, { value: number | null; lower: number | null; upper: number | null }> {
  const s = openStore(store);
  try {
    const run = s.resolveRun(ref);
    return new Map(s.runMetrics(run.id).map((m) => [`${m.model}|${m.cohort ?? ''}|${m.group ?? ''}|${m.metric}`, m]));
  } finally {
    s.close();
  }
}

/** Each metric of a before/after comparison is stored under model `before`/`after` (or `model`) with its interval. */
function assertStored(rows: ReturnType<typeof rowsOf>, r: MitigationResult, model: string, cohort = ''): void {
  const scopes = [{ group: '', metrics: r.overall.metrics }, ...r.groups.map((g) => ({ group: g.by.map((b) => `${b}=${g.key[b]}`).join(' & '), metrics: g.metrics }))];
  let checked = 0;
  for (const s of scopes) {
    for (const [id, m] of Object.entries(s.metrics)) {
      const before = rows.get(`before|${cohort}|${s.group}|${id}`);
      const after = rows.get(`${model}|${cohort}|${s.group}|${id}`);
      const delta = rows.get(`${model}|${cohort}|${s.group}|${id}_delta`);
      assert.equal(before?.value, m.before, `before ${cohort} ${s.group} ${id}`);
      assert.equal(after?.value, m.after, `${model} ${cohort} ${s.group} ${id}`);
      assert.deepEqual([after?.lower, after?.upper], m.afterCi ?? [null, null], `${model} ${s.group} ${id} interval`);
      assert.equal(delta?.value, m.delta.value, `${model} ${s.group} ${id}_delta`);
      assert.deepEqual([delta?.lower, delta?.upper], m.delta.interval ?? [null, null], `${model} ${s.group} ${id}_delta interval`);
      checked++;
    }
  }
  assert.ok(checked >= 12, `checked ${checked} metrics`);
  assert.equal(rows.get(`${model}|${cohort}||accuracy_cost`)?.value, r.accuracyCost.cost);
}

test('mitigate postprocess --track --store records the run: runs list and runs show have it, with per-group metrics before and after', () => {
  const dir = tempDir();
  const { train, evaluation } = scoredFiles(dir);
  const store = join(dir, 'runs.sqlite');
  const out = join(dir, 'mitigation.json');
  const args = ['mitigate', 'postprocess', train, '--label', 'y', '--score', 's', '--sensitive', 'grp', '--constraint', 'equalized_odds', '--out', out, '--eval', evaluation, '--bootstrap', '40'];
  const r = candor([...args, '--json', '--track', '--store', store, '--run-name', 'thresholds-v1', '--tag', 'fair']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Recorded run #1 \(thresholds-v1\) in /);
  const printed = JSON.parse(r.stdout) as Json;

  const list = candor(['runs', 'list', '--store', store, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const runs = (JSON.parse(list.stdout) as Json).runs as Json[];
  assert.equal(runs.length, 1);
  assert.equal(runs[0].name, 'thresholds-v1');
  assert.equal(runs[0].kind, 'mitigate');
  assert.deepEqual(runs[0].tags, ['fair']);
  assert.deepEqual(runs[0].models, ['before', 'after']);

  const shown = candor(['runs', 'show', 'thresholds-v1', '--store', store, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const run = JSON.parse(shown.stdout) as Json;
  assert.deepEqual(run.argv.slice(0, 2), ['postprocess', train], 'the command is recorded with its method');
  assert.deepEqual(run.document, printed, 'the stored document is what --json printed');
  const inputs = run.inputs as Json[];
  assert.deepEqual(inputs.filter((i) => i.role === 'data').map((i) => [i.source, i.fingerprint]), [[train, sha256(train)], [evaluation, sha256(evaluation)]]);
  assert.deepEqual(inputs.filter((i) => i.role === 'model').map((i) => [i.source, i.fingerprint]), [[out, sha256(out)]], 'the mitigation file is the model');
  const byKey = new Map((run.metrics as Json[]).map((m) => [`${m.model}|${m.cohort ?? ''}|${m.group ?? ''}|${m.metric}`, m]));
  const result = printed.mitigations[0] as MitigationResult;
  for (const g of ['grp=a', 'grp=b']) {
    for (const id of ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'accuracy']) {
      const key = g.slice(4);
      const m = result.groups.find((x) => x.key.grp === key)!.metrics[id];
      assert.equal(byKey.get(`before||${g}|${id}`)?.value, m.before, `before ${g} ${id}`);
      assert.equal(byKey.get(`after||${g}|${id}`)?.value, m.after, `after ${g} ${id}`);
    }
  }
  const eo = result.disparities.find((d) => d.metric === 'equalized_odds_difference')!;
  assert.equal(byKey.get('after||grp|equalized_odds_difference')?.value, eo.after);

  const table = candor(['runs', 'table', '--store', store, '--metrics', 'accuracy,selection_rate']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /#1 thresholds-v1 · before\s+all rows/);
  assert.match(table.stdout, /#1 thresholds-v1 · after\s+all rows/);
  assert.match(table.stdout, /grp=b/);

  // The name is checked before the work: a taken name fails without writing the mitigation.
  const again = join(dir, 'again.json');
  const taken = candor([...args.map((a) => (a === out ? again : a)), '--run-name', 'thresholds-v1', '--store', store]);
  assert.equal(taken.code, 2, taken.stderr);
  assert.match(taken.stderr, /a run named "thresholds-v1" already exists/);
  assert.equal(existsSync(again), false, 'nothing was fitted or written');
  // Without --track (or --store, --run-name, --tag) nothing is recorded.
  const quiet = candor([...args, '--json'], { env: { CANDOR_STORE: join(dir, 'other.sqlite') } });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(existsSync(join(dir, 'other.sqlite')), false);
});

test('a reduce sweep is recorded with one model per eps, each ONNX file fingerprinted under its name', async () => {
  const dir = tempDir('candor-track-');
  const train = join(dir, 'train.csv');
  const evaluation = join(dir, 'eval.csv');
  await writeTableCsv(lendingTable(1200, 41), train);
  await writeTableCsv(lendingTable(600, 42), evaluation);
  const store = join(dir, 'runs.sqlite');
  const out = join(dir, 'fair.onnx');
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const log = process.stderr.write.bind(process.stderr);
  // Strings only: the test runner reports through stdout in binary, which passes through.
  process.stdout.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? chunks.push(c) > 0 : write(c, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? true : log(c, ...rest))) as typeof process.stderr.write;
  try {
    const code = await runMitigateReduce([train, '--label', 'approved', '--positive', 'yes', '--sensitive', 'group', '--exclude', 'amount', '--sweep', 'eps=0.02,0.1', '--out', out, '--eval', evaluation, '--bootstrap', '30', '--json', '--store', store]);
    assert.equal(code, 0);
  } finally {
    process.stdout.write = write;
    process.stderr.write = log;
  }
  const doc = JSON.parse(chunks.join('')) as Json;
  const results = doc.mitigations as MitigationResult[];
  assert.equal(results.length, 2);
  const rows = rowsOf(store, 1);
  for (const r of results) assertStored(rows, r, r.name);
  const s = openStore(store);
  try {
    const run = s.getRun(1);
    assert.deepEqual(run.models, ['before', ...results.map((r) => r.name)]);
    const models = run.inputs.filter((i) => i.role === 'model');
    assert.deepEqual(
      models.map((i) => [i.name, i.source, i.fingerprint]),
      doc.reductions.map((x: Json, k: number) => [results[k].name, x.out, sha256(x.out)]),
    );
  } finally {
    s.close();
  }
});

test('a data mitigation inside a cohort files the cohort comparison under the cohort, before and after', async () => {
  const dir = tempDir('candor-track-');
  const loans = join(dir, 'loans.csv');
  const fresh = join(dir, 'fresh.csv');
  await writeTableCsv(generateLoans(2000, new Random(1)), loans);
  await writeTableCsv(generateLoans(1000, new Random(2)), fresh);
  const store = join(dir, 'runs.sqlite');
  let stdout = '';
  const log = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? true : log(c, ...rest))) as typeof process.stderr.write;
  try {
    const code = await runMitigateReweigh(
      [loans, '--label', 'repaid', '--sensitive', 'sex', '--cohort', 'age < 30', '--exclude', 'applicant_id,score,approved', '--out', join(dir, 'w.csv'), '--train-learner', 'logistic', '--eval', fresh, '--bootstrap', '30', '--json', '--track', '--store', store],
      { write: (t: string) => (stdout += t) },
    );
    assert.equal(code, 0);
  } finally {
    process.stderr.write = log;
  }
  const doc = JSON.parse(stdout) as Json;
  assert.equal(doc.method, 'reweigh');
  assert.equal(doc.cells.length, 4);
  const [whole, inside] = doc.mitigations as MitigationResult[];
  assert.equal(inside.data.where, 'age < 30');
  assert.ok(inside.data.rows < whole.data.rows);
  const rows = rowsOf(store, 1);
  assertStored(rows, whole, 'after');
  assertStored(rows, inside, 'after', 'age < 30');
  const s = openStore(store);
  try {
    assert.deepEqual(s.getRun(1).models, ['before', 'after'], 'the cohort is a scope, not another model');
  } finally {
    s.close();
  }
});

test('a bounded-group-loss run is recorded with the mean loss before and after, overall and per group', async () => {
  const dir = tempDir('candor-track-');
  const train = join(dir, 'train.csv');
  await writeTableCsv(lendingTable(600, 35), train);
  const store = join(dir, 'runs.sqlite');
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const log = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? chunks.push(c) > 0 : write(c, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array, ...rest: never[]) => (typeof c === 'string' ? true : log(c, ...rest))) as typeof process.stderr.write;
  try {
    const code = await runMitigateReduce([train, '--label', 'amount', '--sensitive', 'group', '--constraint', 'bounded_group_loss', '--upper-bound', '2.7', '--exclude', 'approved', '--out', join(dir, 'bgl.onnx'), '--json', '--store', store]);
    assert.equal(code, 0);
  } finally {
    process.stdout.write = write;
    process.stderr.write = log;
  }
  const cmp = (JSON.parse(chunks.join('')) as Json).regression[0] as Json;
  const rows = rowsOf(store, 1);
  for (const side of ['before', 'after'] as const) {
    assert.equal(rows.get(`${side}|||mse`)?.value, cmp.overall[side]);
    for (const g of cmp.groups as Json[]) assert.equal(rows.get(`${side}||group=${g.values.group}|mse`)?.value, g[side], `${side} ${g.key}`);
  }
  assert.equal((cmp.groups as Json[]).length, 2);
});
