// The engine's Web Worker: decodes the table once, then answers requests one at a time, posting
// progress for long ones. Built as a classic (IIFE) worker and inlined as a blob URL, so it also
// starts in an exported page opened from disk (module workers cannot start from a file:// page).
import type { Manifest } from '../../../src/dashboard/protocol.js';
import { Engine } from './engine.js';
import { dispatch, errorInfo, type Method } from './dispatch.js';
import { RowCache } from './explore.js';
import type { WorkerRequest, WorkerResponse } from './messages.js';

const scope = self as unknown as { postMessage(message: WorkerResponse): void; onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null };
let engine: Engine | null = null;
const rows = new RowCache();

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.method === 'init') {
      const { manifest, bytes } = request.params as { manifest: Manifest; bytes: Uint8Array };
      engine = Engine.fromBytes(manifest, bytes);
      scope.postMessage({ id: request.id, ok: true, result: { rows: engine.table.rowCount } });
      return;
    }
    if (!engine) throw new Error('the engine was not initialised');
    const result = dispatch(engine, rows, request.method as Method, request.params as never, (fraction, stage) => scope.postMessage({ id: request.id, progress: { fraction, stage } }));
    scope.postMessage({ id: request.id, ok: true, result });
  } catch (e) {
    scope.postMessage({ id: request.id, ok: false, error: errorInfo(e) });
  }
};
