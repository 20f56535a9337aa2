// Security of the dashboard server: tokens, binding, files outside the built app, DNS rebinding and
// cross-site requests, headers, bounded bodies (through app.request() and a real listening server).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ApiError, MAX_BODY_BYTES } from '../../src/dashboard/protocol.js';
import { createDashboardApp, isLoopback, loadDashboardAssets, prepareDashboard, type RunningDashboard, resolveToken, SERVED_CSP, startDashboard } from '../../src/server/index.js';
import { tempDir } from '../helpers/cli.js';
import { binaryTable, fixtureApp, logisticModel, SECRET } from './helpers.js';

const fixture = fixtureApp();
const TOKEN = 'k3y-for-tests-0123456789abcdef';
const input = () => ({ table: binaryTable(), options: { label: 'label', score: 'p' }, model: { model: logisticModel() } });

async function appWith(options: { token?: string | null; allowedHosts?: readonly string[] | null; assetsDir?: string } = {}) {
  const dashboard = await prepareDashboard(input());
  return createDashboardApp(dashboard, { assets: await loadDashboardAssets(options.assetsDir ?? fixture.dir), token: options.token ?? null, allowedHosts: options.allowedHosts, onInternalError: () => undefined });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A raw HTTP/1.1 exchange: the path goes out exactly as written (fetch would normalise it). */
function rawRequest(port: number, head: string, body: Buffer | null = null): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0), text: data }));
    socket.write(head);
    if (body) socket.write(body);
  });
}

describe('binding and tokens', () => {
  test('a loopback address needs no token; any other address gets a generated one; without a token it is refused', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.3.2.1']) {
      assert.equal(isLoopback(host), true, host);
      assert.equal(resolveToken(host, {}), null, host);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com']) {
      assert.equal(isLoopback(host), false, host);
      assert.throws(() => resolveToken(host, { noToken: true }), (e: Error & { code?: string }) => e.code === 'token_required' && /refusing to bind/.test(e.message), host);
      const token = resolveToken(host, {})!;
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
      assert.notEqual(resolveToken(host, {}), token, 'a new token each time');
    }
    assert.equal(resolveToken('0.0.0.0', { token: TOKEN }), TOKEN);
    assert.equal(resolveToken('127.0.0.1', { token: TOKEN }), TOKEN, 'a token given for loopback is enforced too');
    assert.throws(() => resolveToken('0.0.0.0', { token: 'short' }), /at least 16/);
    assert.throws(() => resolveToken('0.0.0.0', { token: TOKEN, noToken: true }), /contradict/);
  });

  test('with a token, a request without it or with a wrong one is 401; with it, 200', async () => {
    const app = await appWith({ token: TOKEN });
    const none = await app.request('/api/manifest');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="candor"');
    assert.equal(ApiError.parse(await none.json()).error.code, 'unauthorized');
    assert.equal((await app.request('/api/manifest', { headers: bearer('wrong-token-0123456789') })).status, 401);
    assert.equal((await app.request('/api/manifest', { headers: bearer(`${TOKEN}x`) })).status, 401);
    assert.equal((await app.request('/api/manifest', { headers: { authorization: TOKEN } })).status, 401, 'the Bearer scheme is required');
    assert.equal((await app.request('/api/manifest', { headers: bearer(TOKEN) })).status, 200);
    assert.equal((await app.request('/api/data', { headers: bearer(TOKEN) })).status, 200);
    assert.equal((await app.request('/api/data')).status, 401);
    // The model endpoints answer nothing, not even a validation error, without the token.
    const predict = await app.request('/api/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [{ a: 1, g: 'x' }] }) });
    assert.equal(predict.status, 401);
    const ok = await app.request('/api/predict', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(TOKEN) }, body: JSON.stringify({ rows: [{ a: 1, g: 'x' }] }) });
    assert.equal(ok.status, 200);
  });

  test('the page accepts the token in its URL (and sets no cookie); the API takes it only as a header', async () => {
    const app = await appWith({ token: TOKEN });
    const page = await app.request(`/?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    assert.equal(page.headers.get('set-cookie'), null);
    assert.equal((await app.request('/')).status, 401);
    assert.equal((await app.request('/?token=wrong-token-0123456789')).status, 401);
    assert.equal((await app.request(`/api/manifest?token=${TOKEN}`)).status, 401);
    // The app's own script and style are public code without data: the browser fetches them without the token.
    assert.equal((await app.request('/assets/index-abc123.js')).status, 200);
    assert.equal((await app.request('/favicon.ico')).status, 204);
  });
});

describe('files', () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/assets/leak.txt',
    '/up/secret.txt',
    '/up/dashboard/index.html',
    '/etc/passwd',
    '//etc/passwd',
    '/index.html%00.js',
    '/.env',
    '/assets/index-abc123.js/../../../secret.txt',
  ];

  test('only the files of the built app are served; traversal, encoded traversal, absolute paths and symlinks out are rejected', async () => {
    const app = await appWith();
    for (const path of [...attempts, `/${fixture.secretPath}`, `/${encodeURIComponent(fixture.secretPath)}`]) {
      const res = await app.request(path);
      assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
      assert.ok(!(await res.text()).includes(SECRET), `${path} leaked the secret`);
    }
    for (const path of ['/', '/index.html', '/assets/index-abc123.js', '/assets/index-def456.css', '/assets/font-1.woff2']) {
      assert.equal((await app.request(path)).status, 200, path);
    }
  });

  test('the same requests over a socket, with the path sent exactly as written', async (t) => {
    const running = await startDashboard({ ...input(), port: 0, assetsDir: fixture.dir });
    t.after(() => running.close());
    for (const path of attempts) {
      const r = await rawRequest(running.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nConnection: close\r\n\r\n`);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
      assert.ok(!r.text.includes(SECRET), `${path} leaked the secret`);
    }
    const ok = await rawRequest(running.port, `GET /assets/index-abc123.js HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nConnection: close\r\n\r\n`);
    assert.equal(ok.status, 200);
  });

  test('without a built app the page answers 500 saying to run npm run build; the API still answers', async () => {
    const empty = tempDir('candor-unbuilt-');
    mkdirSync(join(empty, 'assets'));
    writeFileSync(join(empty, 'assets', 'x.js'), 'x');
    const app = await appWith({ assetsDir: empty });
    const html = await app.request('/', { headers: { accept: 'text/html' } });
    assert.equal(html.status, 500);
    assert.match(await html.text(), /npm run build/);
    const json = await app.request('/');
    assert.equal(json.status, 500);
    assert.match(ApiError.parse(await json.json()).error.message, /npm run build/);
    assert.equal((await app.request('/assets/x.js')).status, 500, 'nothing is served from an unbuilt directory');
    assert.equal((await app.request('/api/manifest')).status, 200);
  });
});

describe('headers and cross-site requests', () => {
  test('the page has the strict CSP; every response has nosniff and no CORS header', async () => {
    const app = await appWith();
    const page = await app.request('/');
    assert.equal(page.headers.get('content-security-policy'), SERVED_CSP);
    assert.match(SERVED_CSP, /default-src 'self'/);
    assert.match(SERVED_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(SERVED_CSP, /unsafe-inline|unsafe-eval|\*/);
    for (const res of [page, await app.request('/assets/index-abc123.js'), await app.request('/api/manifest'), await app.request('/api/nope'), await app.request('/missing.js')]) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    }
    const preflight = await app.request('/api/predict', { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.ok(preflight.status >= 400);
  });

  test('a Host other than the loopback names is 403 (DNS rebinding); a foreign Origin cannot post', async () => {
    const app = await appWith();
    assert.equal((await app.request('http://evil.example/api/manifest')).status, 403);
    assert.equal((await app.request('/api/manifest', { headers: { host: 'evil.example:8477' } })).status, 403);
    assert.equal((await app.request('/api/manifest', { headers: { host: '127.0.0.1:8477' } })).status, 200);
    assert.equal((await app.request('/api/manifest', { headers: { host: '[::1]:8477' } })).status, 200);
    const body = JSON.stringify({ rows: [{ a: 1, g: 'x' }] });
    const foreign = await app.request('http://localhost/api/predict', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body });
    assert.equal(foreign.status, 403);
    const own = await app.request('http://localhost/api/predict', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost' }, body });
    assert.equal(own.status, 200);
    // A server on the network (allowedHosts null) takes any Host: its token guards it.
    const open = await appWith({ token: TOKEN, allowedHosts: null });
    assert.equal((await open.request('http://192.168.1.20/api/manifest', { headers: bearer(TOKEN) })).status, 200);
  });
});

describe('bounded bodies', () => {
  test('a declared Content-Length over the limit is 413 before the body is read', async () => {
    const app = await appWith();
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const req = new Request('http://localhost/api/predict', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) }, body: stream, duplex: 'half' } as RequestInit);
    const res = await app.request(req);
    assert.equal(res.status, 413);
    assert.equal(ApiError.parse(await res.json()).error.code, 'body_too_large');
    assert.ok(pulled <= 1, `read ${pulled} chunks`);
  });

  test('a body streamed without a length is cut off just past the limit', async () => {
    const app = await appWith();
    const chunk = 64 * 1024;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(0x20));
      },
    });
    const req = new Request('http://localhost/api/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    const res = await app.request(req);
    assert.equal(res.status, 413);
    assert.ok(sent <= MAX_BODY_BYTES + 4 * chunk, `read ${sent} bytes for a limit of ${MAX_BODY_BYTES}`);
  });
});

describe('a listening server', () => {
  let running: RunningDashboard;
  before(async () => {
    running = await startDashboard({ ...input(), port: 0, assetsDir: fixture.dir });
  });
  after(() => running.close());

  test('listens on 127.0.0.1 and prints its URL without a token', () => {
    assert.equal(running.host, '127.0.0.1');
    assert.equal(running.token, null);
    assert.equal(running.url, `http://127.0.0.1:${running.port}/`);
  });

  test('a 100 MB body is answered 413 after a few kilobytes, not after 100 MB', async () => {
    const size = 100 * 1024 * 1024;
    const started = Date.now();
    const result = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const socket = connect(running.port, '127.0.0.1');
      let sent = 0;
      let data = '';
      socket.on('error', (e: NodeJS.ErrnoException) => (data ? undefined : reject(e)));
      socket.on('data', (d) => {
        data += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d+)/.exec(data);
        if (m) {
          socket.destroy();
          resolve({ status: Number(m[1]), sent });
        }
      });
      socket.write(`POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      const piece = Buffer.alloc(16 * 1024, 0x20);
      socket.write(piece);
      sent += piece.length;
      // Then nothing more: the answer must come without the rest of the body.
    });
    assert.equal(result.status, 413);
    assert.ok(result.sent < size / 1000);
    assert.ok(Date.now() - started < 10_000);
  });

  test('answers over HTTP and, once closed, refuses connections', async () => {
    const server = await startDashboard({ ...input(), port: 0, assetsDir: fixture.dir });
    const res = await fetch(`http://127.0.0.1:${server.port}/api/manifest`);
    assert.equal(res.status, 200);
    await server.close();
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/api/manifest`));
  });

  test('bound to every interface it takes a generated token; refused with no token', async () => {
    await assert.rejects(startDashboard({ ...input(), host: '0.0.0.0', noToken: true, port: 0, assetsDir: fixture.dir }), /refusing to bind 0\.0\.0\.0/);
    const server = await startDashboard({ ...input(), host: '0.0.0.0', port: 0, assetsDir: fixture.dir });
    try {
      assert.match(server.token ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.equal(server.url, `http://127.0.0.1:${server.port}/?token=${server.token}`);
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/api/manifest`)).status, 401);
      assert.equal((await fetch(`${base}/`)).status, 401);
      assert.equal((await fetch(`${base}/api/manifest`, { headers: bearer(server.token!) })).status, 200);
      assert.equal((await fetch(server.url)).status, 200);
    } finally {
      await server.close();
    }
  });
});
