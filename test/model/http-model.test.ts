import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUserError, Table, type Predictions } from '../../src/index.js';
import { httpModel } from '../../src/adapters/http-model.js';
import { runModelConformance } from './model.case.js';

interface Request {
  method: string;
  path: string;
  body: unknown;
}

interface Reply {
  status?: number;
  body?: unknown;
  /** Milliseconds to wait before answering. */
  delay?: number;
}

interface FakeServer {
  url: string;
  requests: Request[];
  maxInFlight: number;
  close(): Promise<void>;
}

const servers: FakeServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A server on 127.0.0.1 (random port) answering with `handler`; records requests and peak concurrency. */
async function serve(handler: (req: Request, index: number) => Reply | Promise<Reply>): Promise<FakeServer> {
  let inFlight = 0;
  const state: FakeServer = { url: '', requests: [], maxInFlight: 0, close: async () => {} };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, inFlight);
        const text = Buffer.concat(chunks).toString('utf8');
        const request: Request = { method: req.method ?? '', path: req.url ?? '', body: text ? (JSON.parse(text) as unknown) : undefined };
        state.requests.push(request);
        const reply = await handler(request, state.requests.length - 1);
        if (reply.delay) await new Promise((r) => setTimeout(r, reply.delay));
        inFlight--;
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body ?? {}));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  servers.push(state);
  return state;
}

// The served "model": p = sigmoid(0.5·x1 − 0.3·x2 + 0.1), missing as 0; regression y = 2·x1 + x2.
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const prob = (x1: number | null, x2: number | null) => sigmoid(0.5 * (x1 ?? 0) - 0.3 * (x2 ?? 0) + 0.1);
const regress = (x1: number | null, x2: number | null) => 2 * (x1 ?? 0) + (x2 ?? 0);
const band = (x1: number | null) => ((x1 ?? 0) < -1 ? 'low' : (x1 ?? 0) < 1 ? 'mid' : 'high');

function makeTable(n: number): Table {
  const x1 = Array.from({ length: n }, (_, i) => (i % 11 === 3 ? null : Math.sin(i) * 3));
  const x2 = Array.from({ length: n }, (_, i) => (i % 13 === 5 ? null : Math.cos(i * 0.7) * 2));
  const g = Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b'));
  return Table.from({ x1, x2, g });
}
const TABLE = makeTable(50);
const X1 = Array.from({ length: 50 }, (_, i) => TABLE.row(i).x1 as number | null);
const X2 = Array.from({ length: 50 }, (_, i) => TABLE.row(i).x2 as number | null);

function binaryExpected(): Predictions {
  const p1 = Float64Array.from(X1, (x, i) => prob(x, X2[i]));
  return { task: 'binary', classes: ['0', '1'], labels: Int32Array.from(p1, (p) => (p > 0.5 ? 1 : 0)), scores: [p1.map((p) => 1 - p), p1] };
}

/** A v2 server (KServe/Triton style) with one [n, 2] FP64 input and an [n, 2] probability output. */
function v2Handler(model = 'credit') {
  return (req: Request): Reply => {
    if (req.method === 'GET') {
      return {
        body: { name: model, platform: 'fake', inputs: [{ name: 'features', datatype: 'FP64', shape: [-1, 2] }], outputs: [{ name: 'label', datatype: 'INT64', shape: [-1] }, { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] }] },
      };
    }
    const input = (req.body as { inputs: { name: string; shape: number[]; data: (number | null)[] }[] }).inputs[0];
    assert.equal(input.name, 'features');
    const [n, f] = input.shape;
    assert.equal(f, 2);
    const data: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = prob(input.data[i * 2], input.data[i * 2 + 1]);
      data.push(1 - p, p);
    }
    return { body: { model_name: model, outputs: [{ name: 'label', datatype: 'INT64', shape: [n], data: new Array(n).fill(0) }, { name: 'probabilities', datatype: 'FP64', shape: [n, 2], data }] } };
  };
}

/** A plain JSON server: {"instances": [[x1, x2], …]} → {"predictions": [y, …]}. */
function jsonHandler(f: (x1: number | null, x2: number | null) => unknown = regress) {
  return (req: Request): Reply => {
    const rows = (req.body as { instances: (number | null)[][] }).instances;
    return { body: { predictions: rows.map((r) => f(r[0], r[1])) } };
  };
}

const v2Server = await serve(v2Handler());
runModelConformance('http v2 binary', () => httpModel(`${v2Server.url}/v2/models/credit`, { features: ['x1', 'x2'] }), TABLE, binaryExpected(), 1e-12);

const jsonServer = await serve(jsonHandler());
runModelConformance('http json regression', () => httpModel(`${jsonServer.url}/predict`, { features: ['x1', 'x2'], task: 'regression' }), TABLE, { task: 'regression', values: Float64Array.from(X1, (x, i) => regress(x, X2[i])) }, 1e-12);

const labelServer = await serve((req) => ({ body: { predictions: (req.body as { instances: { x1: number | null }[] }).instances.map((r) => band(r.x1)) } }));
const BANDS = ['low', 'mid', 'high'];
runModelConformance(
  'http json multiclass labels (object instances)',
  () => httpModel(labelServer.url, { features: ['x1', 'x2'], task: 'multiclass', classes: BANDS, instances: 'object' }),
  TABLE,
  { task: 'multiclass', classes: BANDS, labels: Int32Array.from(X1, (x) => BANDS.indexOf(band(x))), scores: null },
  0,
);

test('httpModel reads v2 metadata and infers a binary task from the output shape', async () => {
  const s = await serve(v2Handler('m'));
  const model = await httpModel(`${s.url}/v2/models/m`, { features: ['x1', 'x2'] });
  assert.equal(model.task, 'binary');
  assert.deepEqual(model.classes, ['0', '1']);
  assert.equal(s.requests[0].method, 'GET');
  assert.equal(s.requests[0].path, '/v2/models/m');
  await model.predict(TABLE.take([0, 1, 2]));
  assert.equal(s.requests[1].path, '/v2/models/m/infer');
  assert.deepEqual((s.requests[1].body as { outputs: unknown }).outputs, [{ name: 'probabilities' }]);
});

test('httpModel sends one v2 tensor per column when the metadata lists one input per column', async () => {
  const s = await serve((req) => {
    if (req.method === 'GET') {
      return { body: { inputs: [{ name: 'x1', datatype: 'FP64', shape: [-1, 1] }, { name: 'g', datatype: 'BYTES', shape: [-1, 1] }], outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1, 1] }] } };
    }
    const [x1, g] = (req.body as { inputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[] }).inputs;
    assert.equal(g.datatype, 'BYTES');
    assert.deepEqual(g.shape, [x1.shape[0], 1]);
    const data = x1.data.map((x, i) => ((x as number | null) ?? 0) + (g.data[i] === 'a' ? 100 : 0));
    return { body: { outputs: [{ name: 'predict', datatype: 'FP64', shape: [data.length, 1], data }] } };
  });
  const model = await httpModel(`${s.url}/v2/models/reg/versions/2`, { task: 'regression' });
  assert.deepEqual(model.inputs, [{ name: 'x1', type: 'numeric' }, { name: 'g', type: 'categorical' }]);
  const p = await model.predict(TABLE.take([0, 1, 3]));
  assert.ok(p.task === 'regression');
  assert.deepEqual([...p.values], [X1[0]!, X1[1]! + 100, 100]);
});

test('httpModel sends rows in batches of batchSize', async () => {
  const s = await serve(jsonHandler());
  const table = makeTable(2500);
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression' });
  const p = await model.predict(table);
  assert.equal(s.requests.length, 3, 'default batch size 1000');
  assert.deepEqual(s.requests.map((r) => (r.body as { instances: unknown[] }).instances.length), [1000, 1000, 500]);
  assert.ok(p.task === 'regression' && p.values.length === 2500);
  const fractions: number[] = [];
  await model.predict(table, { batchSize: 600, onProgress: (f) => fractions.push(f) });
  assert.equal(s.requests.length, 3 + 5);
  assert.equal(fractions.at(-1), 1);
});

test('httpModel keeps at most `concurrency` requests in flight, in row order', async () => {
  const handler = jsonHandler();
  const s = await serve((req) => ({ ...handler(req), delay: 15 }));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', batchSize: 5, concurrency: 3 });
  const p = await model.predict(TABLE);
  assert.equal(s.requests.length, 10);
  assert.ok(s.maxInFlight <= 3, `max in flight ${s.maxInFlight}`);
  assert.ok(s.maxInFlight >= 2, 'requests overlap');
  assert.ok(p.task === 'regression');
  assert.deepEqual([...p.values], X1.map((x, i) => regress(x, X2[i])));
});

test('httpModel retries a 503 and then succeeds', async () => {
  const ok = jsonHandler();
  const s = await serve((req, i) => (i < 2 ? { status: 503, body: { error: 'warming up' } } : ok(req)));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', retryDelayMs: 2 });
  const p = await model.predict(TABLE.take([0, 1]));
  assert.equal(s.requests.length, 3);
  assert.ok(p.task === 'regression' && p.values[0] === regress(X1[0], X2[0]));
});

test('httpModel backs off after a 429 and fails naming the status when retries run out', async () => {
  const ok = jsonHandler();
  const s = await serve((req, i) => (i === 0 ? { status: 429, body: { message: 'slow down' } } : ok(req)));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', retryDelayMs: 2, seed: 7 });
  await model.predict(TABLE.take([0]));
  assert.equal(s.requests.length, 2);

  const busy = await serve(() => ({ status: 429, body: { message: 'slow down' } }));
  const limited = await httpModel(busy.url, { features: ['x1', 'x2'], task: 'regression', retryDelayMs: 1, retries: 2 });
  await assert.rejects(limited.predict(TABLE.take([0])), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.equal(e.message, `POST ${busy.url} failed: 429 Too Many Requests: slow down (after 3 attempts)`);
    return true;
  });
  assert.equal(busy.requests.length, 3);
});

test('httpModel does not retry a 400 and reports the URL, status and message in one line', async () => {
  const s = await serve(() => ({ status: 400, body: { error: 'expected 3 features, got 2' } }));
  const model = await httpModel(`${s.url}/score`, { features: ['x1', 'x2'], task: 'binary', retryDelayMs: 1 });
  await assert.rejects(model.predict(TABLE), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.equal(e.code, 'http_error');
    assert.equal(e.message, `POST ${s.url}/score failed: 400 Bad Request: expected 3 features, got 2`);
    return true;
  });
  assert.equal(s.requests.length, 1);
});

test('httpModel reports a v2 metadata 404 (wrong model name) at once', async () => {
  const s = await serve(() => ({ status: 404, body: { error: "model 'nope' not found" } }));
  await assert.rejects(httpModel(`${s.url}/v2/models/nope`, { features: ['x1'] }), (e: unknown) => isUserError(e) && /GET .*\/v2\/models\/nope failed: 404 Not Found: model 'nope' not found/.test(e.message));
  assert.equal(s.requests.length, 1);
});

test('httpModel gives up on a slow endpoint after the timeout and retries', async () => {
  const s = await serve(() => ({ delay: 300, body: { predictions: [1] } }));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', timeoutMs: 20, retries: 1, retryDelayMs: 1 });
  await assert.rejects(model.predict(TABLE.take([0])), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.equal(e.code, 'timeout');
    assert.equal(e.message, `POST ${s.url} did not answer within 20 ms (after 2 attempts)`);
    return true;
  });
  // The server runs in this process: under load its 'request' event for the second attempt can
  // still be queued when the client gives up, so let the event loop deliver it first.
  for (let k = 0; k < 100 && s.requests.length < 2; k++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(s.requests.length, 2);
});

test('httpModel rejects a wrong number of predictions naming expected and received', async () => {
  const s = await serve((req) => ({ body: { predictions: (req.body as { instances: unknown[] }).instances.slice(1).map(() => 0.5) } }));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'binary' });
  await assert.rejects(model.predict(TABLE.take([0, 1, 2, 3, 4])), (e: unknown) => isUserError(e) && e.code === 'prediction_count' && e.message === `${s.url} returned 4 predictions for 5 rows (expected 5)`);

  const v2 = await serve((req) => (req.method === 'GET' ? { body: { inputs: [], outputs: [] } } : { body: { outputs: [{ name: 'y', datatype: 'FP64', shape: [2], data: [1, 2] }] } }));
  const m2 = await httpModel(`${v2.url}/v2/models/y`, { features: ['x1', 'x2'], task: 'regression' });
  await assert.rejects(m2.predict(TABLE.take([0, 1, 2])), (e: unknown) => isUserError(e) && /returned 2 predictions for 3 rows \(expected 3\)/.test(e.message));
});

test('httpModel names an unreachable URL after its retries', async () => {
  const s = await serve(() => ({}));
  await s.close();
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', retries: 2, retryDelayMs: 1 });
  await assert.rejects(model.predict(TABLE.take([0])), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.equal(e.code, 'unreachable');
    assert.equal(e.message, `cannot reach ${s.url}: ECONNREFUSED (after 3 attempts)`);
    return true;
  });
  await assert.rejects(httpModel(`${s.url}/v2/models/m`, { features: ['x1'], retries: 0 }), (e: unknown) => isUserError(e) && e.message === `cannot reach ${s.url}/v2/models/m: ECONNREFUSED`);
});

test('httpModel validates its options and the predictions', async () => {
  const s = await serve(jsonHandler(() => 1.5));
  await assert.rejects(httpModel(s.url, { task: 'regression' }), (e: unknown) => isUserError(e) && /pass features/.test(e.message));
  await assert.rejects(httpModel(s.url, { features: ['x1'] }), (e: unknown) => isUserError(e) && /pass task/.test(e.message));
  await assert.rejects(httpModel('ftp://x', { features: ['x1'], task: 'binary' }), (e: unknown) => isUserError(e) && /invalid model URL/.test(e.message));
  await assert.rejects(httpModel(s.url, { features: ['x1'], task: 'binary', concurrency: 0 }), (e: unknown) => isUserError(e) && /invalid concurrency: 0/.test(e.message));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'binary' });
  await assert.rejects(model.predict(TABLE.take([0])), (e: unknown) => isUserError(e) && /invalid prediction for row 0: 1.5 \(expected a probability in \[0, 1\]\)/.test(e.message));
  assert.equal(s.requests.length, 1, 'validation happens before any request');
});

test('httpModel stops sending requests when the signal aborts', async () => {
  const handler = jsonHandler();
  const s = await serve((req) => ({ ...handler(req), delay: 10 }));
  const model = await httpModel(s.url, { features: ['x1', 'x2'], task: 'regression', batchSize: 1, concurrency: 1 });
  const controller = new AbortController();
  const pending = model.predict(TABLE, { signal: controller.signal, onProgress: (f) => f >= 2 / 50 && controller.abort() });
  await assert.rejects(pending, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  assert.ok(s.requests.length < 50);
});
