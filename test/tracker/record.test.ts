import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintData, fingerprintModels, hashFile, modelSources, openStore, preflightTracking, recordRunFromCli, storePath, TRACK_SPECS, trackOptionsFrom } from '../../src/adapters/tracker/index.js';
import { parseArgs } from '../../src/cli/args.js';
import { isUserError } from '../../src/errors/index.js';
import { tempDir } from '../helpers/cli.js';
import { syntheticInsights } from './synthetic.js';

/** The reference: coreutils' sha256sum, an implementation independent of Node's. */
const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('hashFile streams a file through SHA-256: it equals sha256sum, for empty, small and multi-chunk files', async () => {
  const dir = tempDir('candor-fp-');
  for (const [name, bytes] of [['empty', 0], ['small', 5], ['big', 5 * (1 << 20) + 123]] as const) {
    const path = join(dir, name);
    writeFileSync(path, randomBytes(bytes));
    assert.deepEqual(await hashFile(path), { fingerprint: sha256sum(path), bytes });
  }
  assert.equal((await hashFile(join(dir, 'empty'))).fingerprint, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  await assert.rejects(hashFile(join(dir, 'missing')), (e: unknown) => isUserError(e) && e.code === 'file_not_found');
  await assert.rejects(hashFile(dir), (e: unknown) => isUserError(e) && e.code === 'not_a_file');
});

test('data and model fingerprints follow their documented recipes', async () => {
  const dir = tempDir('candor-fp-');
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  const model = join(dir, 'model.onnx');
  writeFileSync(a, 'y,p\n1,0\n');
  writeFileSync(b, 'y,p\n0,0\n');
  writeFileSync(model, randomBytes(100));
  const one = await fingerprintData([a]);
  assert.equal(one.fingerprint, sha256sum(a));
  assert.deepEqual(one.inputs, [{ role: 'data', name: '', source: a, kind: 'file', fingerprint: sha256sum(a), bytes: 8 }]);
  assert.equal((await fingerprintData([a, b])).fingerprint, sha256(`${sha256sum(a)}\n${sha256sum(b)}`));
  assert.equal((await fingerprintData([])).fingerprint, null);

  const data = one.fingerprint!;
  assert.equal((await fingerprintModels([{ name: '', path: model }], data)).fingerprint, sha256sum(model));
  assert.equal((await fingerprintModels([{ name: '', path: 'https://example.com/score' }], data)).fingerprint, sha256('url\nhttps://example.com/score'));
  const columns = await fingerprintModels([{ name: '', pred: 'p', score: 's' }], data);
  assert.equal(columns.fingerprint, sha256(`columns\np\ns\n${data}`));
  assert.notEqual(columns.fingerprint, (await fingerprintModels([{ name: '', pred: 'p', score: 's' }], sha256sum(b))).fingerprint, 'the same columns of other data are another model');
  const two = await fingerprintModels([{ name: 'v1', pred: 'p' }, { name: 'v2', path: model }], data);
  assert.equal(two.fingerprint, sha256(`v1=${sha256(`columns\np\n\n${data}`)}\nv2=${sha256sum(model)}`));
  assert.deepEqual(two.inputs.map((i) => [i.role, i.name, i.kind]), [['model', 'v1', 'column'], ['model', 'v2', 'file']]);
});

test('modelSources: an insights document\'s prediction columns, a comparison\'s models, model files first', () => {
  assert.deepEqual(modelSources({ config: { pred: 'p', score: 's' } }), [{ name: '', pred: 'p', score: 's' }]);
  assert.deepEqual(modelSources({ config: { pred: null, score: ['a', 'b'], threshold: 0.3 } }), [{ name: '', pred: 'a,b >= 0.3', score: 'a,b' }]);
  assert.deepEqual(modelSources({ config: { pred: 'p' } }, ['m.onnx']), [{ name: '', path: 'm.onnx' }]);
  assert.deepEqual(modelSources({ overall: {} }), []);
  const comparison = { models: [{ name: 'v1', pred: 'p', score: null }, { name: 'v2', pred: '__candor_model_v2_pred', score: null }] };
  assert.deepEqual(modelSources(comparison, [{ name: 'v2', path: 'v2.onnx' }]), [{ name: 'v1', pred: 'p', score: null }, { name: 'v2', path: 'v2.onnx' }]);
});

const parse = (argv: string[]) => parseArgs(argv, { label: { type: 'string', help: '' }, ...TRACK_SPECS }, 'assess').values;

test('tracking is off by default, on with --track or implied by --store, --run-name or --tag, off with --no-track', () => {
  const cwd = tempDir('candor-track-');
  const env = {};
  assert.equal(trackOptionsFrom(parse(['--label', 'y'])), null);
  assert.equal(trackOptionsFrom(parse(['--no-track', '--tag', 'x'])), null);
  assert.deepEqual(trackOptionsFrom(parse(['--track'])), { store: storePath(undefined), name: null, tags: [] });
  assert.deepEqual(trackOptionsFrom(parse(['--tag', 'a,b', '--tag', ' c ', '--tag', 'a', '--run-name', 'v1'])), { store: storePath(undefined), name: 'v1', tags: ['a', 'b', 'c'] });
  assert.equal(trackOptionsFrom(parse(['--store', 'x.sqlite']))!.store, storePath('x.sqlite'));
  assert.equal(storePath(undefined, env, cwd), join(cwd, '.candor', 'runs.sqlite'));
  assert.equal(storePath(undefined, { CANDOR_STORE: '/tmp/elsewhere.sqlite' }, cwd), '/tmp/elsewhere.sqlite');
  assert.equal(storePath('mine.sqlite', { CANDOR_STORE: '/tmp/elsewhere.sqlite' }, cwd), join(cwd, 'mine.sqlite'), '--store wins over the environment');
  assert.throws(() => trackOptionsFrom(parse(['--run-name', '42'])), (e: unknown) => isUserError(e) && e.code === 'invalid_run_name');
  assert.throws(() => trackOptionsFrom(parse(['--tag', 'a,,b'])), (e: unknown) => isUserError(e) && e.code === 'invalid_tag');
});

test('recordRunFromCli records fingerprints, options without the tracking ones, the command line and the metrics', async () => {
  const dir = tempDir('candor-record-');
  const data = join(dir, 'preds.csv');
  writeFileSync(data, 'y,p,g\n1,1,a\n0,1,b\n');
  const store = join(dir, 'runs.sqlite');
  const argv = [data, '--label', 'y', '--pred', 'p', '--store', store, '--run-name', 'first', '--tag', 'ci,nightly'];
  const values = parseArgs(argv, { label: { type: 'string', help: '' }, pred: { type: 'string', help: '' }, ...TRACK_SPECS }, 'assess').values;
  const document = { ...syntheticInsights(2, 0), config: { label: 'y', pred: 'p', score: null } };
  const lines: string[] = [];
  const run = await recordRunFromCli(values, { kind: 'assess', argv, dataPaths: [data], document }, { log: (l) => lines.push(l) });
  assert.ok(run);
  assert.deepEqual(lines, [`Recorded run #1 (first) in ${store}`]);
  const s = openStore(store, { mustExist: true });
  try {
    const r = s.getRun('first');
    assert.equal(r.dataFingerprint, sha256sum(data));
    assert.equal(r.modelFingerprint, sha256(`columns\np\n\n${sha256sum(data)}`));
    assert.deepEqual(r.config, { label: 'y', pred: 'p' });
    assert.deepEqual(r.argv, argv);
    assert.deepEqual(r.tags, ['ci', 'nightly']);
    assert.deepEqual(r.document, document);
    assert.equal(s.runMetrics(r.id).length, 3 * 8);
  } finally {
    s.close();
  }
  assert.equal(await recordRunFromCli(parse([]), { kind: 'assess', argv: [], dataPaths: [data], document }), null, 'nothing recorded without tracking options');
});

test('preflightTracking creates the store and refuses a taken name before any work', async () => {
  const store = join(tempDir('candor-preflight-'), 'deep', 'runs.sqlite');
  assert.equal(await preflightTracking(parse([])), null);
  assert.deepEqual(await preflightTracking(parse(['--store', store, '--run-name', 'v1'])), { store, name: 'v1', tags: [] });
  const s = openStore(store, { mustExist: true });
  s.recordRun({ kind: 'assess', document: syntheticInsights(0, 0), name: 'v1' });
  s.close();
  await assert.rejects(preflightTracking(parse(['--store', store, '--run-name', 'v1'])), (e: unknown) => isUserError(e) && e.code === 'run_name_taken');
});
