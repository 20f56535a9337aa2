import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { userError } from '../errors/index.js';
import { createDashboardApp, LOOPBACK_HOSTS } from './app.js';
import { loadDashboardAssets } from './assets.js';
import { type Dashboard, type DashboardInput, prepareDashboard } from './dashboard.js';
import { isLoopback, resolveToken } from './security.js';

/** Where and how a dashboard server listens. */
export interface ListenOptions {
  /** Address to bind. Defaults to 127.0.0.1 (this machine only). */
  readonly host?: string;
  /** Port; 0 picks a free one. Defaults to {@link DEFAULT_PORT}, or a free port when that one is taken. */
  readonly port?: number;
  /** The token requests must carry. Defaults to none on a loopback address and a generated one elsewhere. */
  readonly token?: string;
  /** No token: allowed on a loopback address only (elsewhere refused). */
  readonly noToken?: boolean;
  /** The built dashboard's directory. Defaults to `dist/dashboard-app` beside the server. */
  readonly assetsDir?: string;
  /** Called with errors that are bugs (the client gets a 500). Defaults to console.error. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A running dashboard server. */
export interface RunningDashboard {
  /** The URL to open: with `?token=…` when a token is needed. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  /** Notes for the user (the built app is missing, KernelSHAP rather than TreeSHAP…). */
  readonly notes: readonly string[];
  /** Stops the server (open connections included) and releases the live model. */
  close(): Promise<void>;
}

/** The port `candor serve` tries first. */
export const DEFAULT_PORT = 8477;

/** The host as it is written in a URL: a wildcard bind as the loopback address, IPv6 in brackets. */
function urlHost(host: string): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** Listens on host:port, resolving with the server once it is bound. */
function listen(fetch: (request: Request) => Response | Promise<Response>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port, serverOptions: { requestTimeout: 60_000, headersTimeout: 20_000 } }) as Server;
    const onError = (e: NodeJS.ErrnoException) => {
      server.close();
      reject(e);
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/**
 * Serves a prepared dashboard over HTTP: the built page, the data and the model endpoints.
 * Loopback only unless another host is given, which needs a token (see {@link resolveToken}).
 */
export async function serveDashboard(dashboard: Dashboard, options: ListenOptions = {}): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const token = resolveToken(host, { token: options.token, noToken: options.noToken });
  const assets = await loadDashboardAssets(options.assetsDir);
  const loopback = isLoopback(host);
  const app = createDashboardApp(dashboard, {
    assets,
    token,
    allowedHosts: loopback ? [...new Set([...LOOPBACK_HOSTS, urlHost(host).toLowerCase()])] : null,
    onInternalError: options.onInternalError,
  });
  const requested = options.port ?? DEFAULT_PORT;
  if (!(Number.isInteger(requested) && requested >= 0 && requested <= 65535)) throw userError('invalid_option', `invalid port: ${requested} (expected 0..65535; 0 picks a free port)`, { option: 'port' });
  let server: Server;
  try {
    server = await listen(app.fetch, host, requested);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && options.port === undefined) server = await listen(app.fetch, host, 0);
    else if (code === 'EADDRINUSE') throw userError('port_in_use', `port ${requested} is in use on ${host}: choose another with --port, or --port 0 for a free one`, { port: requested }, e);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw userError('invalid_host', `cannot bind ${host}: not an address of this machine`, { host }, e);
    else if (code === 'EACCES') throw userError('port_denied', `not allowed to bind ${host}:${requested} (ports below 1024 need privileges): choose another with --port`, { port: requested }, e);
    else throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const notes = [...dashboard.notes, ...(assets.missing ? [assets.missing] : [])];
  let closing: Promise<void> | null = null;
  return {
    url,
    host,
    port,
    token,
    notes,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await dashboard.close();
      })();
      return closing;
    },
  };
}

/**
 * Prepares and serves a dashboard in one call (what `npm start`'s demo uses): the rows, the
 * options, the live model and any precomputed insights in, a running server out.
 * @example
 * const { url, close } = await startDashboard({ table, options, model: { model, file: 'model.onnx' }, port: 0 });
 */
export async function startDashboard(options: DashboardInput & ListenOptions): Promise<RunningDashboard> {
  const dashboard = await prepareDashboard(options);
  try {
    return await serveDashboard(dashboard, options);
  } catch (e) {
    await dashboard.close();
    throw e;
  }
}

/**
 * Resolves with the signal at the first SIGINT or SIGTERM (Ctrl+C, `kill`), for a command that
 * serves until stopped and then closes its server: `await untilSignal(); await running.close();`.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      done(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
