import type { Manifest } from '../../../src/dashboard/protocol.js';
import { dispatch, errorInfo, type EngineErrorInfo, type Method, type ParamsOf, type ResultOf } from './dispatch.js';
import { Engine } from './engine.js';
import { RowCache } from './explore.js';
import type { WorkerRequest, WorkerResponse } from './messages.js';
import EngineWorker from './worker.ts?worker&inline';

/** A request the engine refused or failed: the message, and the position for expression errors. */
export class EngineError extends Error {
  constructor(readonly info: EngineErrorInfo) {
    super(info.message);
  }
}

/** A request replaced by a newer one on the same channel before it finished: callers ignore it. */
export class Superseded extends Error {
  constructor() {
    super('superseded by a newer request');
  }
}

export interface CallOptions {
  /** `fast` (interactive: metrics, rows, charts) or `slow` (bootstrap assessment, error tree, heat map). */
  lane?: 'fast' | 'slow';
  /** Requests on one channel replace each other: only the newest is computed. */
  channel?: string;
  onProgress?: (fraction: number, stage: string) => void;
}

interface Job {
  id: number;
  method: string;
  params: unknown;
  channel?: string;
  onProgress?: CallOptions['onProgress'];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Runs jobs one at a time, so it always knows which one is running: queued jobs on a channel are
 * replaced by newer ones, and a restartable lane (the slow worker) is torn down when a newer job
 * arrives on the channel of the one it is computing — a stale bootstrap never delays a fresh one.
 */
abstract class Lane {
  protected queue: Job[] = [];
  protected running: Job | null = null;

  constructor(protected readonly restartable: boolean) {}

  push(job: Job): void {
    if (job.channel) {
      this.queue = this.queue.filter((q) => {
        if (q.channel !== job.channel) return true;
        q.reject(new Superseded());
        return false;
      });
      if (this.restartable && this.running?.channel === job.channel) {
        this.running.reject(new Superseded());
        this.running = null;
        this.restart();
      }
    }
    this.queue.push(job);
    this.pump();
  }

  protected pump(): void {
    if (this.running || this.queue.length === 0 || !this.isReady()) return;
    this.running = this.queue.shift()!;
    this.run(this.running);
  }

  protected finish(job: Job, ok: boolean, value: unknown): void {
    if (this.running !== job) return;
    this.running = null;
    if (ok) job.resolve(value);
    else job.reject(value);
    this.pump();
  }

  protected abstract isReady(): boolean;
  protected abstract run(job: Job): void;
  protected abstract restart(): void;
}

/** A lane backed by a Web Worker holding its own decoded copy of the table. */
class WorkerLane extends Lane {
  private worker!: Worker;
  private ready = false;
  private init!: Promise<void>;

  constructor(
    private readonly manifest: Manifest,
    private readonly bytes: Uint8Array,
    restartable: boolean,
  ) {
    super(restartable);
    this.start();
  }

  /** Resolves once the worker has decoded the data; rejects when it cannot start. */
  get started(): Promise<void> {
    return this.init;
  }

  private start(): void {
    this.ready = false;
    const worker = new EngineWorker({ name: 'candor-engine' });
    this.worker = worker;
    this.init = new Promise<void>((resolve, reject) => {
      const onError = (e: ErrorEvent | MessageEvent) => {
        if (this.worker !== worker) return;
        const message = 'message' in e && typeof e.message === 'string' ? e.message : 'the engine worker failed';
        if (!this.ready) reject(new Error(message));
        else if (this.running) this.finish(this.running, false, new EngineError({ message, user: false }));
      };
      worker.addEventListener('error', onError);
      worker.addEventListener('messageerror', onError);
      worker.addEventListener('message', (e: MessageEvent<WorkerResponse>) => {
        if (this.worker !== worker) return;
        const m = e.data;
        if (m.id === 0) {
          if ('ok' in m && m.ok) {
            this.ready = true;
            resolve();
            this.pump();
          } else reject(new Error('ok' in m && !m.ok ? m.error.message : 'the engine worker failed to start'));
          return;
        }
        const job = this.running;
        if (!job || job.id !== m.id) return;
        if ('progress' in m) job.onProgress?.(m.progress.fraction, m.progress.stage);
        else if (m.ok) this.finish(job, true, m.result);
        else this.finish(job, false, new EngineError(m.error));
      });
    });
    this.init.catch(() => {});
    const request: WorkerRequest = { id: 0, method: 'init', params: { manifest: this.manifest, bytes: this.bytes } };
    worker.postMessage(request);
  }

  protected isReady(): boolean {
    return this.ready;
  }

  protected run(job: Job): void {
    const request: WorkerRequest = { id: job.id, method: job.method, params: job.params };
    this.worker.postMessage(request);
  }

  protected restart(): void {
    this.worker.terminate();
    this.start();
  }
}

/** The fallback: the same engine on the page's main thread, one job per macrotask so the page can paint between them. */
class MainThreadLane extends Lane {
  private readonly rows = new RowCache();
  constructor(private readonly engine: Engine) {
    super(false);
  }
  protected isReady(): boolean {
    return true;
  }
  protected run(job: Job): void {
    setTimeout(() => {
      try {
        this.finish(job, true, dispatch(this.engine, this.rows, job.method as Method, job.params as never, (f, s) => job.onProgress?.(f, s)));
      } catch (e) {
        this.finish(job, false, new EngineError(errorInfo(e)));
      }
    }, 0);
  }
  protected restart(): void {}
}

/**
 * The page's handle on the engine: a fast worker for interactive requests and a second, restartable
 * one for slow ones (bootstrap, error tree), each with its own copy of the data; or, when no worker
 * can start, the engine on the main thread (and `mode` says so, for the page to tell the user).
 */
export class EngineClient {
  private nextId = 1;
  private slowLane: Lane | null = null;

  private constructor(
    readonly mode: 'worker' | 'main-thread',
    private readonly fast: Lane,
    private readonly makeSlow: () => Lane,
    /** Why the workers could not start, in main-thread mode. */
    readonly fallbackReason: string | null,
  ) {}

  static async start(manifest: Manifest, bytes: Uint8Array): Promise<EngineClient> {
    try {
      if (typeof Worker === 'undefined') throw new Error('this browser has no Web Workers');
      const fast = new WorkerLane(manifest, bytes, false);
      await fast.started;
      return new EngineClient('worker', fast, () => new WorkerLane(manifest, bytes, true), null);
    } catch (e) {
      const lane = new MainThreadLane(Engine.fromBytes(manifest, bytes));
      return new EngineClient('main-thread', lane, () => lane, e instanceof Error ? e.message : String(e));
    }
  }

  call<M extends Method>(method: M, params: ParamsOf<M>, options: CallOptions = {}): Promise<ResultOf<M>> {
    const lane = options.lane === 'slow' ? (this.slowLane ??= this.makeSlow()) : this.fast;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      lane.push({ id: this.nextId++, method, params, channel: options.channel, onProgress: options.onProgress, resolve: resolve as (v: unknown) => void, reject });
    });
  }
}
