import type { Manifest } from '../../../src/dashboard/protocol.js';
import type { EngineErrorInfo } from './dispatch.js';

/** A request to the engine worker: `init` with the data, or a named computation. */
export type WorkerRequest = { id: number; method: 'init'; params: { manifest: Manifest; bytes: Uint8Array } } | { id: number; method: string; params: unknown };

/** The worker's answer to request `id`, or progress on it. */
export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: EngineErrorInfo }
  | { id: number; progress: { fraction: number; stage: string } };
