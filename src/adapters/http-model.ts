import { userError, isUserError } from '../errors/index.js';
import type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from '../model/model.js';
import { PredictionBuilder } from '../model/outputs.js';
import { Random } from '../stats/random.js';
import { MISSING_BOOL, type Column, type Table } from '../table/index.js';

/** Options of {@link httpModel}. */
export interface HttpModelOptions {
  /**
   * `v2`: the Open Inference Protocol (KServe, Triton, MLServer): metadata from `GET {url}`,
   * predictions from `POST {url}/infer`. `json`: `POST {url}` with `{"instances": …}`, answered by
   * `{"predictions": …}`. Defaults to `v2` when the URL path ends in `/v2/models/NAME` (optionally
   * `/versions/V`), else `json`.
   */
  readonly protocol?: 'v2' | 'json';
  /**
   * The columns sent, in the model's input order. Required for `json` and for a v2 model with one
   * tensor input; defaults to the input names of a v2 model with one input per column.
   */
  readonly features?: readonly string[];
  /** What the model predicts. Defaults to what the v2 metadata implies (an output of shape [-1, K]); required otherwise. */
  readonly task?: ModelTask;
  /** Class labels in output order. Defaults to `['0', '1']` (binary) or `'0' … 'K-1'` from the v2 output shape. */
  readonly classes?: readonly string[];
  /** `json` only: send each instance as an array in `features` order (`array`) or as an object keyed by column (`object`). Defaults to `array`. */
  readonly instances?: 'array' | 'object';
  /** Rows per request. Defaults to 1000. */
  readonly batchSize?: number;
  /** Requests in flight at once. Defaults to 4. */
  readonly concurrency?: number;
  /** Time limit per request attempt, in milliseconds. Defaults to 30000. */
  readonly timeoutMs?: number;
  /** Retries after a 429, a 5xx, a network error or a timeout (never after another 4xx). Defaults to 3. */
  readonly retries?: number;
  /** Base of the exponential backoff: attempt k waits `retryDelayMs · 2^k · U(0.5, 1.5)` ms. Defaults to 100. */
  readonly retryDelayMs?: number;
  /** Seed of the backoff jitter. Defaults to 0. */
  readonly seed?: number;
  /** Extra request headers (e.g. `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A name for reports. Defaults to the URL. */
  readonly name?: string;
}

interface V2Tensor {
  readonly name: string;
  readonly datatype?: string;
  readonly shape?: readonly number[];
}

interface Transport {
  request(method: 'GET' | 'POST', url: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; json: unknown }>;
}

const V2_PATH = /\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/?$/;

/**
 * A {@link Model} served over HTTP: the Open Inference Protocol v2 (KServe, Triton, MLServer) or
 * plain JSON (`{"instances": [[…], …]}` → `{"predictions": […]}`, as TF Serving and most hand-written
 * services). Rows are sent in batches, a few requests at a time; 429, 5xx, network errors and
 * timeouts are retried with exponential backoff and seeded jitter; other 4xx fail at once.
 *
 * v2 requests send either one `[n, F]` tensor (`FP64` unless the metadata says otherwise) or, when
 * the metadata lists one input per column, one `[n, 1]` tensor per column (`BYTES` for strings).
 * Missing values are sent as `null`.
 * @example
 * const model = await httpModel('http://127.0.0.1:8080/v2/models/credit', { features: ['age', 'income'], task: 'binary' });
 * const predictions = await model.predict(table);
 */
export async function httpModel(url: string, options: HttpModelOptions = {}): Promise<Model> {
  const {
    batchSize: defaultBatch = 1000,
    concurrency = 4,
    timeoutMs = 30000,
    retries = 3,
    retryDelayMs = 100,
    seed = 0,
    headers = {},
    instances = 'array',
  } = options;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw userError('invalid_url', `invalid model URL: ${JSON.stringify(url)} (expected http://host:port/path)`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw userError('invalid_url', `invalid model URL: ${JSON.stringify(url)} (expected http: or https:)`, { url });
  positiveInt('batchSize', defaultBatch);
  positiveInt('concurrency', concurrency);
  positiveInt('timeoutMs', timeoutMs);
  if (!(Number.isInteger(retries) && retries >= 0)) throw userError('invalid_option', `invalid retries: ${retries} (expected an integer ≥ 0)`);
  if (!(retryDelayMs >= 0)) throw userError('invalid_option', `invalid retryDelayMs: ${retryDelayMs} (expected ≥ 0)`);
  if (instances !== 'array' && instances !== 'object') throw userError('invalid_option', `invalid instances: ${JSON.stringify(instances)} (expected "array" or "object")`);

  const base = url.replace(/\/+$/, '');
  const protocol = options.protocol ?? (V2_PATH.test(parsed.pathname) ? 'v2' : 'json');
  const random = new Random(seed);
  const transport = createTransport({ headers, timeoutMs, retries, retryDelayMs, jitter: () => random.next() });

  let task = options.task;
  let classes = options.classes;
  let features = options.features;
  let v2Inputs: V2Tensor[] = [];
  let v2Output: V2Tensor | undefined;
  let perColumn = false;

  if (protocol === 'v2') {
    const meta = await readMetadata(transport, base);
    if (meta) {
      v2Inputs = meta.inputs;
      v2Output = pickOutput(meta.outputs, task);
      perColumn = v2Inputs.length > 1;
      if (perColumn) {
        features ??= v2Inputs.map((i) => i.name);
        if (features.length !== v2Inputs.length) {
          throw userError('invalid_option', `features lists ${features.length} columns but ${base} has ${v2Inputs.length} inputs`, { expected: v2Inputs.length, received: features.length });
        }
      } else if (v2Inputs.length === 1 && features) {
        const width = v2Inputs[0].shape?.[1];
        if (width !== undefined && width > 0 && width !== features.length) {
          throw userError('invalid_option', `features lists ${features.length} columns but input ${JSON.stringify(v2Inputs[0].name)} of ${base} has ${width}`, { expected: width, received: features.length });
        }
      }
      const width = v2Output?.shape?.length === 2 ? v2Output.shape[1] : undefined;
      if (!task && width !== undefined && width >= 2) task = width === 2 ? 'binary' : 'multiclass';
      if (!classes && task === 'multiclass' && width !== undefined && width >= 2) classes = Array.from({ length: width }, (_, k) => String(k));
    }
  }
  if (!features || features.length === 0) {
    throw userError('invalid_option', `httpModel ${base}: pass features: [...] (the columns to send, in the model's input order)`);
  }
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') {
    throw userError('invalid_option', `httpModel ${base}: pass task: "binary", "multiclass" or "regression" (the endpoint does not say)`);
  }
  if (task === 'binary') classes ??= ['0', '1'];
  if (task === 'regression') classes = [];
  if (!classes || (task === 'multiclass' && classes.length < 2)) throw userError('invalid_option', `httpModel ${base}: a multiclass model needs classes: [...]`);
  if (task === 'binary' && classes.length !== 2) throw userError('invalid_option', `httpModel ${base}: a binary model has 2 classes, got ${classes.length}`);

  const cols = features;
  const finalTask = task;
  const finalClasses = classes;
  const inputs: ModelInput[] = cols.map((name, k) => ({ name, type: perColumn && v2Inputs[k].datatype === 'BYTES' ? 'categorical' : 'numeric' }));
  const inferUrl = protocol === 'v2' ? `${base}/infer` : base;

  function body(columns: Column[], start: number, end: number): unknown {
    const n = end - start;
    if (protocol === 'json') {
      const rows: unknown[] = [];
      for (let i = start; i < end; i++) {
        if (instances === 'object') {
          const row: Record<string, unknown> = {};
          for (let c = 0; c < columns.length; c++) row[cols[c]] = cell(columns[c], i);
          rows.push(row);
        } else rows.push(columns.map((col) => cell(col, i)));
      }
      return { instances: rows };
    }
    if (perColumn) {
      return {
        inputs: columns.map((col, k) => {
          const datatype = v2Inputs[k].datatype ?? (col.type === 'categorical' ? 'BYTES' : 'FP64');
          const data: unknown[] = [];
          for (let i = start; i < end; i++) data.push(cell(col, i, datatype === 'BYTES'));
          return { name: v2Inputs[k].name, shape: v2Inputs[k].shape?.length === 1 ? [n] : [n, 1], datatype, data };
        }),
        ...(v2Output ? { outputs: [{ name: v2Output.name }] } : {}),
      };
    }
    const input = v2Inputs[0];
    const datatype = input?.datatype ?? 'FP64';
    const data: unknown[] = [];
    for (let i = start; i < end; i++) for (const col of columns) data.push(cell(col, i, datatype === 'BYTES'));
    return {
      inputs: [{ name: input?.name ?? 'input-0', shape: [n, columns.length], datatype, data }],
      ...(v2Output ? { outputs: [{ name: v2Output.name }] } : {}),
    };
  }

  function rowsOf(json: unknown, n: number): unknown[] {
    if (protocol === 'json') {
      const preds = Array.isArray(json) ? json : isObject(json) ? json.predictions : undefined;
      if (!Array.isArray(preds)) throw userError('invalid_response', `${inferUrl} answered without a "predictions" array`, { url: inferUrl });
      return preds;
    }
    const outputs = isObject(json) ? json.outputs : undefined;
    if (!Array.isArray(outputs) || outputs.length === 0) throw userError('invalid_response', `${inferUrl} answered without "outputs"`, { url: inferUrl });
    const out = (v2Output && outputs.find((o) => isObject(o) && o.name === v2Output?.name)) ?? pickOutput(outputs as V2Tensor[], finalTask);
    if (!isObject(out) || !Array.isArray(out.data)) throw userError('invalid_response', `${inferUrl} answered with an output without "data"`, { url: inferUrl });
    const data = (out.data as unknown[]).flat(Infinity);
    const shape = Array.isArray(out.shape) ? (out.shape as number[]) : [data.length];
    const rows = shape[0];
    if (rows !== n) throw userError('prediction_count', `${inferUrl} returned ${rows} predictions for ${n} rows (expected ${n})`, { expected: n, received: rows });
    const width = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    if (data.length !== rows * width) throw userError('invalid_response', `${inferUrl} returned ${data.length} values for shape [${shape.join(', ')}]`, { url: inferUrl });
    if (width === 1) return data;
    return Array.from({ length: rows }, (_, i) => data.slice(i * width, (i + 1) * width));
  }

  return {
    name: options.name ?? url,
    task: finalTask,
    classes: finalClasses,
    inputs,
    async predict(table: Table, opts: PredictOptions = {}): Promise<Predictions> {
      const size = opts.batchSize ?? defaultBatch;
      positiveInt('batchSize', size);
      const columns = cols.map((name) => table.column(name));
      const n = table.rowCount;
      const out = new PredictionBuilder(finalTask, finalClasses, n, inferUrl);
      const batches = Math.ceil(n / size);
      const stop = new AbortController();
      const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
      let next = 0;
      let done = 0;
      const worker = async (): Promise<void> => {
        while (next < batches && !signal.aborted) {
          const b = next++;
          const start = b * size;
          const end = Math.min(n, start + size);
          const { json } = await transport.request('POST', inferUrl, body(columns, start, end), signal);
          out.add(start, end - start, rowsOf(json, end - start));
          done += end - start;
          opts.onProgress?.(done / n);
        }
      };
      const workers = Array.from({ length: Math.min(concurrency, batches) }, () =>
        worker().catch((e: unknown) => {
          stop.abort();
          throw e;
        }),
      );
      const results = await Promise.allSettled(workers);
      opts.signal?.throwIfAborted();
      // Report the first real failure, not the aborts it caused in the other workers.
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      if (failures.length > 0) throw failures.find((e) => !isAbort(e)) ?? failures[0];
      return out.finish();
    },
  };
}

function positiveInt(name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) throw userError('invalid_option', `invalid ${name}: ${v} (expected a positive integer)`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Row i of a column as JSON: numbers, strings, booleans, or null when missing. */
function cell(col: Column, i: number, asString = false): unknown {
  let v: unknown;
  switch (col.type) {
    case 'numeric':
      v = Number.isNaN(col.values[i]) ? null : col.values[i];
      break;
    case 'categorical':
      v = col.codes[i] < 0 ? null : col.dictionary[col.codes[i]];
      break;
    case 'boolean':
      v = col.values[i] === MISSING_BOOL ? null : asString ? String(col.values[i] === 1) : col.values[i];
      break;
    case 'list':
      throw userError('invalid_input', `column ${JSON.stringify(col.name)} holds lists, which cannot be sent to a model`, { column: col.name });
  }
  return asString && typeof v === 'number' ? String(v) : v;
}

/** The output to read: the only one, else the probabilities for a classifier, else the first. */
function pickOutput(outputs: readonly V2Tensor[], task: ModelTask | undefined): V2Tensor | undefined {
  if (outputs.length <= 1) return outputs[0];
  if (task !== 'regression') {
    const probs = outputs.find((o) => /prob/i.test(o.name));
    if (probs) return probs;
  }
  return outputs[0];
}

async function readMetadata(transport: Transport, base: string): Promise<{ inputs: V2Tensor[]; outputs: V2Tensor[] } | null> {
  let json: unknown;
  try {
    json = (await transport.request('GET', base, undefined)).json;
  } catch (e) {
    // A server without the metadata endpoint still serves /infer.
    if (isUserError(e) && (e.details.status === 405 || e.details.status === 501)) return null;
    throw e;
  }
  const tensors = (x: unknown): V2Tensor[] =>
    Array.isArray(x) ? x.filter((t): t is V2Tensor => isObject(t) && typeof t.name === 'string').map((t) => ({ name: t.name, datatype: t.datatype, shape: Array.isArray(t.shape) ? t.shape : undefined })) : [];
  if (!isObject(json)) return null;
  return { inputs: tensors(json.inputs), outputs: tensors(json.outputs) };
}

function createTransport(o: { headers: Readonly<Record<string, string>>; timeoutMs: number; retries: number; retryDelayMs: number; jitter: () => number }): Transport {
  return {
    async request(method, url, body, signal) {
      let last: { kind: 'status' | 'network' | 'timeout'; message: string; status?: number } = { kind: 'network', message: '' };
      for (let attempt = 0; attempt <= o.retries; attempt++) {
        if (attempt > 0) await sleep(o.retryDelayMs * 2 ** (attempt - 1) * (0.5 + o.jitter()), signal);
        signal?.throwIfAborted();
        const timeout = AbortSignal.timeout(o.timeoutMs);
        let res: Response;
        try {
          res = await fetch(url, {
            method,
            headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...o.headers },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
        } catch (e) {
          signal?.throwIfAborted();
          if (timeout.aborted) last = { kind: 'timeout', message: `${method} ${url} did not answer within ${o.timeoutMs} ms` };
          else last = { kind: 'network', message: `cannot reach ${url}: ${networkReason(e)}` };
          continue;
        }
        let text: string;
        try {
          text = await res.text();
        } catch (e) {
          signal?.throwIfAborted();
          last = timeout.aborted ? { kind: 'timeout', message: `${method} ${url} did not answer within ${o.timeoutMs} ms` } : { kind: 'network', message: `cannot read the answer of ${url}: ${networkReason(e)}` };
          continue;
        }
        if (res.ok) {
          try {
            return { status: res.status, json: JSON.parse(text) as unknown };
          } catch (e) {
            throw userError('invalid_response', `${method} ${url} answered with invalid JSON: ${JSON.stringify(text.slice(0, 80))}`, { url }, e);
          }
        }
        const message = `${method} ${url} failed: ${res.status} ${res.statusText}${bodyMessage(text)}`;
        if (res.status !== 429 && res.status < 500) throw userError('http_error', message, { url, status: res.status });
        last = { kind: 'status', message, status: res.status };
      }
      const after = o.retries > 0 ? ` (after ${o.retries + 1} attempts)` : '';
      const code = last.kind === 'timeout' ? 'timeout' : last.kind === 'network' ? 'unreachable' : 'http_error';
      throw userError(code, `${last.message}${after}`, { url, ...(last.status ? { status: last.status } : {}) });
    },
  };
}

/** `: <message>` from an error body (JSON `error`/`message`/`detail`, or the text), or nothing. */
function bodyMessage(text: string): string {
  let msg = text.trim();
  try {
    const j = JSON.parse(text) as unknown;
    if (isObject(j)) {
      const m = j.error ?? j.message ?? j.detail;
      if (m !== undefined) msg = typeof m === 'string' ? m : JSON.stringify(m);
    }
  } catch {
    // Not JSON: keep the text.
  }
  msg = msg.replace(/\s+/g, ' ');
  return msg ? `: ${msg.length > 200 ? `${msg.slice(0, 200)}…` : msg}` : '';
}

function networkReason(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
