import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { userError } from '../errors/index.js';
import {
  assembleKernelShap,
  blockRanges,
  explainKernelShapRows,
  type KernelShapOptions,
  type KernelShapResult,
  type KernelShapSetup,
  prepareKernelShap,
  type ShapBlock,
  type ShapRows,
  sliceRows,
} from '../explain/kernel-shap.js';
import type { Model } from '../model/index.js';
import type { Table } from '../table/index.js';

/** Where a worker thread re-creates the model from: a model file Candor loads (not a JS function or a URL). */
export interface ModelSource {
  /** An `.onnx` file or an XGBoost `.json` model. */
  readonly path: string;
  /** ONNX only: the mapping file given when the model was loaded. */
  readonly mapping?: string;
}

/** Options of {@link kernelShapParallel}. */
export interface KernelShapParallelOptions extends KernelShapOptions {
  /** Worker threads. Defaults to the available parallelism, at most one per block of rows; 1 explains in-process. */
  readonly workers?: number;
  /**
   * Where each worker loads the model from. Without it (a JS function model, an HTTP endpoint)
   * the rows are explained in-process, and the result says `workers: 1`.
   */
  readonly source?: ModelSource;
}

/** The message a worker starts with. */
export interface WorkerInit {
  readonly source: ModelSource;
  /** The model's input columns, so a model fed one feature matrix reads the same columns. */
  readonly features: readonly string[];
  readonly setup: KernelShapSetup;
}
/** A block of rows to explain. */
export interface WorkerRequest {
  readonly id: number;
  readonly rows: ShapRows;
}
/** A worker's answers. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'block'; readonly id: number; readonly block: ShapBlock }
  | { readonly type: 'error'; readonly id?: number; readonly user: boolean; readonly code: string; readonly message: string; readonly details: Record<string, unknown> };

/**
 * {@link kernelShap} with the explained rows spread over worker threads, each of which loads the
 * model again from `source` (ONNX sessions with one intra-op thread each). The rows are cut into
 * the same blocks as in-process, and each row draws its coalitions from its own seeded stream, so
 * the result is identical for any number of workers. The background and the expected value are
 * computed once, on the calling thread.
 * @example
 * const model = await loadModel('model.onnx');
 * const r = await kernelShapParallel(model, table, { source: { path: 'model.onnx' }, workers: 4 });
 */
export async function kernelShapParallel(model: Model, table: Table, options: KernelShapParallelOptions = {}): Promise<KernelShapResult> {
  const { workers: asked, source, signal, onProgress } = options;
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 1)) throw userError('invalid_option', `invalid workers: ${asked} (expected a positive integer)`, { workers: asked });
  const prepared = await prepareKernelShap(model, table, options);
  const ranges = blockRanges(prepared.rows.ids.length, prepared.setup.rowsPerCall);
  const workers = source ? Math.min(asked ?? availableParallelism(), ranges.length) : 1;
  const blocks: ShapBlock[] = new Array(ranges.length);
  if (workers <= 1) {
    for (let b = 0; b < ranges.length; b++) {
      blocks[b] = await explainKernelShapRows(model, prepared.setup, sliceRows(prepared.rows, ...ranges[b]), signal);
      onProgress?.(ranges[b][1] / prepared.rows.ids.length);
    }
    return assembleKernelShap(prepared, blocks, 1);
  }
  const init: WorkerInit = { source: source as ModelSource, features: prepared.meta.features, setup: prepared.setup };
  const pool = Array.from({ length: workers }, () => startWorker(init));
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => reject(e);
      signal?.addEventListener('abort', () => fail(signal.reason), { once: true });
      const feed = (w: Worker) => {
        if (next >= ranges.length) return;
        const id = next++;
        const rows = sliceRows(prepared.rows, ...ranges[id]);
        w.postMessage({ id, rows } satisfies WorkerRequest, [...rows.data.map((d) => d.buffer as ArrayBuffer), rows.ids.buffer as ArrayBuffer, ...rows.fx.map((f) => f.buffer as ArrayBuffer)]);
      };
      for (const w of pool) {
        w.on('error', fail);
        w.on('exit', (code) => {
          if (done < ranges.length) fail(new Error(`a KernelSHAP worker exited with code ${code} before the rows were explained`));
        });
        w.on('message', (m: WorkerReply) => {
          if (m.type === 'error') return fail(m.user ? userError(m.code, m.message, m.details) : new Error(`KernelSHAP worker failed: ${m.message}`));
          if (m.type === 'ready') return feed(w);
          blocks[m.id] = m.block;
          done++;
          onProgress?.(done / ranges.length);
          if (done === ranges.length) resolve();
          else feed(w);
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return assembleKernelShap(prepared, blocks, workers);
}

/**
 * A worker running kernel-shap-worker: the compiled `.js` beside this file, or from source (this
 * file is `.ts` under tsx) the `.ts` entry after registering tsx in the worker, which does not
 * inherit the parent's `--import` hooks.
 */
function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL('./kernel-shap-worker.ts', here).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { eval: true, workerData: init });
  }
  return new Worker(new URL('./kernel-shap-worker.js', here), { workerData: init });
}
