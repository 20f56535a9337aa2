// `candor serve` as a user runs it: a spawned server answers at the URL it prints and stops cleanly
// on SIGTERM; a non-loopback bind without a token is refused; --export writes one HTML file, from
// data or from the insights.json and report.html that `candor assess --out` writes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_DATA_ELEMENT_ID, EXPORT_MANIFEST_ELEMENT_ID, Manifest, PredictResponse } from '../../src/dashboard/protocol.js';
import { decodeDataContainer } from '../../src/dashboard/data-container.js';
import { defaultAssetsDir } from '../../src/server/index.js';
import { candor, ROOT, tempDir } from '../helpers/cli.js';

const TREES = join(ROOT, 'test', 'fixtures', 'onnx-trees');
const DATA = JSON.parse(readFileSync(join(TREES, 'data.json'), 'utf8')) as { features: string[]; test: (number | null)[][] };
const FEATURES = DATA.features.join(',');
const built = existsSync(join(defaultAssetsDir(), 'index.html')) ? false : `the dashboard is not built in ${defaultAssetsDir()} (npm run build)`;

let dir: string;
let csv: string;

before(() => {
  dir = tempDir('candor-serve-');
  csv = join(dir, 'rows.csv');
  const lines = [[...DATA.features, 'y', 'p'].join(',')];
  DATA.test.forEach((r, i) => lines.push([...r.map((v) => (v === null ? '' : String(v))), i % 2, ((i * 37) % 100) / 100].join(',')));
  writeFileSync(csv, `${lines.join('\n')}\n`);
});

/** Starts `candor serve` and resolves once it prints its URL. */
function startServe(args: string[]) {
  const entry = process.env.CANDOR_SOURCE ? ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts', 'dev.mjs')] : [join(ROOT, 'bin', 'candor.js')];
  const child = spawn(process.execPath, [...entry, 'serve', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /Candor dashboard: (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]);
    });
    exited.then((code) => reject(new Error(`candor serve exited with ${code} before printing its URL:\n${stdout}\n${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

const exportedParts = (html: string) => {
  const element = (id: string) => new RegExp(`<script type="[^"]+" id="${id}">([\\s\\S]*?)</script>`).exec(html)?.[1] ?? null;
  return { manifest: Manifest.parse(JSON.parse(element(EXPORT_MANIFEST_ELEMENT_ID)!)), data: decodeDataContainer(new Uint8Array(Buffer.from(element(EXPORT_DATA_ELEMENT_ID)!, 'base64'))) };
};

describe('candor serve', () => {
  test('serves the data and the live model at the printed URL (token required), and exits 0 with the port closed on SIGTERM', async () => {
    const token = 'a-token-for-this-test-42';
    const serve = startServe([csv, '--label', 'y', '--model', join(TREES, 'gbc_binary.onnx'), '--features', FEATURES, '--port', '0', '--token', token]);
    const url = await serve.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=a-token-for-this-test-42$/, 'loopback, with the token given');
    const base = url.slice(0, url.indexOf('?'));
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${base}api/manifest`)).status, 401);
    const manifest = Manifest.parse(await (await fetch(`${base}api/manifest`, { headers: auth })).json());
    assert.equal(manifest.rows, DATA.test.length);
    assert.equal(manifest.source, 'rows.csv');
    assert.equal(manifest.model?.explainer, 'treeshap');
    assert.equal(manifest.prediction, 'model_prediction');
    assert.equal(manifest.score, 'model_score');
    const row = Object.fromEntries(DATA.features.map((f, j) => [f, DATA.test[0][j]]));
    const res = await fetch(`${base}api/predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ rows: [row] }) });
    assert.equal(res.status, 200);
    assert.equal(PredictResponse.parse(await res.json()).predictions.length, 1);
    serve.child.kill('SIGTERM');
    assert.equal(await serve.exited, 0, serve.output().stderr);
    await assert.rejects(fetch(`${base}api/manifest`, { headers: auth }), 'the port is closed');
  });

  test('a non-loopback bind without a token is refused before any data is read', () => {
    const r = candor(['serve', join(dir, 'missing.csv'), '--label', 'y', '--score', 'p', '--host', '0.0.0.0', '--no-token']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to bind 0\.0\.0\.0 without a token/);
  });

  test('--export writes one self-contained file holding the rows and the manifest', { skip: built }, () => {
    const out = join(dir, 'dashboard.html');
    const r = candor(['serve', csv, '--label', 'y', '--score', 'p', '--export', out, '--max-rows', '40']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote .*dashboard\.html: the dashboard with 40 of 60 rows/);
    const { manifest, data } = exportedParts(readFileSync(out, 'utf8'));
    assert.equal(manifest.exported, true);
    assert.deepEqual(manifest.sample, { rows: 40, seed: 0 });
    assert.equal(data.rowCount, 40);
    assert.doesNotMatch(readFileSync(out, 'utf8'), /<script[^>]*\bsrc=/);
  });

  test('an insights.json is served with the rows of the report.html beside it; assess flags are refused with it', { skip: built }, () => {
    const outDir = join(dir, 'assessed');
    const a = candor(['assess', csv, '--label', 'y', '--score', 'p', '--bootstrap', '0', '--out', outDir]);
    assert.equal(a.code, 0, a.stderr);
    const refused = candor(['serve', join(outDir, 'insights.json'), '--label', 'y']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /carries its own settings: drop --label/);
    const out = join(dir, 'from-insights.html');
    const r = candor(['serve', join(outDir, 'insights.json'), '--export', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rows from .*report\.html/);
    const { manifest, data } = exportedParts(readFileSync(out, 'utf8'));
    assert.equal(manifest.rows, 60);
    assert.equal(data.rowCount, 60);
    assert.equal(manifest.label, 'y');
    assert.equal(manifest.score, 'p');
    const insights = manifest.insights as { schemaVersion: number; rows: number };
    assert.equal(insights.schemaVersion, 1);
    assert.equal(insights.rows, 60);
  });
});
