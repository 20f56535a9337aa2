// Worker thread entry of kernelShapParallel: re-creates the model from its file, then explains the
// blocks of rows it is sent, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../errors/index.js';
import { explainKernelShapRows, type KernelShapSetup, type ShapBlock, type ShapRows } from '../explain/kernel-shap.js';
import type { Model } from '../model/index.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './kernel-shap-workers.js';

const port = parentPort;
if (!port) throw new Error('kernel-shap-worker must run in a worker thread');
const init = workerData as WorkerInit;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function failure(e: unknown): WorkerReply & { type: 'error' } {
  const err = e as Error;
  return isUserError(e)
    ? { type: 'error', user: true, code: e.code, message: e.message, details: e.details }
    : { type: 'error', user: false, code: 'internal', message: String(err?.stack ?? err?.message ?? e), details: {} };
}

async function load(): Promise<Model> {
  const { source, features } = init;
  if (/\.onnx$/i.test(source.path)) {
    const { loadOnnxModel } = await import('./onnx.js');
    // One intra-op thread per worker: the workers are the parallelism.
    return loadOnnxModel(source.path, { features, mapping: source.mapping, threads: 1 });
  }
  const { loadModel } = await import('./load-model.js');
  return loadModel(source.path, { features, mapping: source.mapping });
}

try {
  const model = await load();
  const setup = init.setup as KernelShapSetup;
  port.on('message', (request: WorkerRequest) => {
    explainKernelShapRows(model, setup, request.rows as ShapRows).then(
      (block: ShapBlock) => reply({ type: 'block', id: request.id, block }, block.values.map((v) => v.buffer as ArrayBuffer)),
      (e: unknown) => reply({ ...failure(e), id: request.id }),
    );
  });
  reply({ type: 'ready' });
} catch (e) {
  reply(failure(e));
}
