import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { type ApiError, DATA_MEDIA_TYPE, ExplainRequest, ExplainRowRequest, MAX_BODY_BYTES, PredictRequest } from '../dashboard/protocol.js';
import { isUserError } from '../errors/index.js';
import type { DashboardAssets } from './assets.js';
import { BodyError, readJsonBody } from './body.js';
import type { Dashboard } from './dashboard.js';
import { bearerToken, SERVED_CSP, tokenMatches } from './security.js';

/** Options of {@link createDashboardApp}. */
export interface DashboardAppOptions {
  /** The built page and its assets, read at start. */
  readonly assets: DashboardAssets;
  /** Every request (but the page's public script and style files) must carry it; null: no token. */
  readonly token?: string | null;
  /**
   * Host names the `Host` header may name; others get 403, so a web page cannot reach a loopback
   * server through DNS rebinding. Null: any host (a server on the network is guarded by its token).
   * Defaults to loopback names.
   */
  readonly allowedHosts?: readonly string[] | null;
  /** Largest request body, in bytes. Defaults to {@link MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /** Called with errors that are bugs (answered with a 500 without details). Defaults to console.error. */
  readonly onInternalError?: (error: unknown) => void;
}

/** Host names of a loopback server. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]', '::1'];

const NO_MODEL = 'no live model: start candor serve with --model';

/** A JSON {@link ApiError} response. */
function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: Record<string, unknown>): Response {
  const body: ApiError = { error: { code, message, ...(details ? { details } : {}) } };
  return c.json(body, status);
}

/** The host name of a `Host` header value (without the port; IPv6 in brackets). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** A path no file of the dashboard has: dot segments, encoded dots, slashes or backslashes, NUL. */
function suspiciousPath(path: string): boolean {
  return /(^|\/)\.\.?(\/|$)/.test(path) || /%2e|%2f|%5c|%00|\\|\0/i.test(path);
}

const FAVICON = '/favicon.ico';

const isPage = (path: string) => path === '/' || path === '/index.html';

/**
 * The dashboard server as a Hono app: the built page (from memory, with a strict CSP), the data
 * and manifest, and the model endpoints of the dashboard protocol. Security: a token on every
 * request when one is set, a Host check against DNS rebinding, JSON bodies only (never a form a
 * foreign page could post), bounded bodies, no CORS headers, `nosniff` everywhere.
 *
 * Why Hono rather than Fastify: its handlers take and return the web-standard Request and
 * Response, so the same app is tested with `app.request()` without opening a socket and runs under
 * Node through `@hono/node-server`; it is tiny (no dependencies of its own) and needs no plugin
 * system — the few routes, the token check and the bounded body reader are a few lines each.
 */
export function createDashboardApp(dashboard: Dashboard, options: DashboardAppOptions): Hono {
  const { assets, token = null, maxBodyBytes = MAX_BODY_BYTES, onInternalError = (e: unknown) => console.error(e) } = options;
  const allowedHosts = options.allowedHosts === undefined ? LOOPBACK_HOSTS : options.allowedHosts;
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const host = c.req.header('host') ?? url.host;
    if (allowedHosts && !allowedHosts.includes(hostName(host))) {
      return apiError(c, 403, 'forbidden_host', `this server answers requests addressed to ${allowedHosts.filter((h) => h !== '::1').join(', ')} only (got Host ${JSON.stringify(host)})`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      let same = false;
      try {
        same = new URL(origin).host.toLowerCase() === host.toLowerCase();
      } catch {
        same = false;
      }
      if (!same) return apiError(c, 403, 'forbidden_origin', `requests from another origin (${origin}) are refused: the dashboard answers its own page only`);
    }
    if (token !== null) {
      const path = url.pathname;
      // The page's script and style files are the app's public code (no data): a browser fetches
      // them, and the icon, without the token, which only the page URL carries.
      const publicAsset = path === FAVICON || (!isPage(path) && !path.startsWith('/api/') && assets.files?.has(path) === true);
      const presented = bearerToken(c.req.header('authorization')) ?? (isPage(path) ? url.searchParams.get('token') : null);
      if (!publicAsset && !tokenMatches(token, presented)) {
        c.header('WWW-Authenticate', 'Bearer realm="candor"');
        const message = presented === null ? 'this dashboard needs its token: open the URL candor serve printed (with ?token=…), or send Authorization: Bearer <token>' : 'wrong token: open the URL candor serve printed';
        if (path.startsWith('/api/')) return apiError(c, 401, 'unauthorized', message);
        c.header('Content-Security-Policy', "default-src 'none'");
        return c.html(`<!doctype html><meta charset="utf-8"><title>Candor: token needed</title><p>${message.replace(/</g, '&lt;')}</p>`, 401);
      }
    }
    await next();
  });

  app.get('/api/manifest', (c) => c.json(dashboard.manifest));

  app.get('/api/data', (c) => {
    const bytes = dashboard.data();
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': DATA_MEDIA_TYPE, 'Content-Length': String(bytes.byteLength) });
  });

  /** A model endpoint: the body read within bounds, validated, then handed to the live model. */
  const modelRoute = <S extends z.ZodType, R>(path: string, schema: S, handle: (request: z.infer<S>, signal: AbortSignal) => Promise<R>) => {
    app.post(path, async (c) => {
      let body: unknown;
      try {
        body = await readJsonBody(c.req.raw, maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyError) {
          if (e.status === 413) c.header('Connection', 'close');
          return apiError(c, e.status, e.code, e.message);
        }
        throw e;
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
        return apiError(c, 400, 'invalid_request', `invalid request to ${path}: ${issues.join('; ')}`, { issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })) });
      }
      if (!dashboard.live) return apiError(c, 404, 'no_model', NO_MODEL);
      try {
        // The request's signal aborts when the client goes away: long explanations stop with it.
        return c.json((await handle(parsed.data, c.req.raw.signal)) as object);
      } catch (e) {
        if (isUserError(e)) return apiError(c, 400, e.code, e.message, jsonDetails(e.details));
        // Nobody is waiting for the answer: nothing to report.
        if (c.req.raw.signal.aborted) return apiError(c, 400, 'aborted', 'the client closed the request');
        throw e;
      }
    });
  };
  modelRoute('/api/predict', PredictRequest, async (r) => ({ predictions: await dashboard.live!.predict(r.rows) }));
  modelRoute('/api/explain-row', ExplainRowRequest, (r) => dashboard.live!.explainRow(r));
  modelRoute('/api/explain', ExplainRequest, (r, signal) => dashboard.live!.explain(r, signal));

  app.all('/api/*', (c) => apiError(c, c.req.method === 'GET' || c.req.method === 'POST' ? 404 : 405, 'not_found', `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`));

  app.get('*', (c) => {
    const path = new URL(c.req.url).pathname;
    if (suspiciousPath(path)) return apiError(c, 400, 'bad_path', 'invalid path: the dashboard serves its own files by name only');
    if (!assets.files) {
      const message = assets.missing ?? 'the dashboard app is not built: run npm run build';
      c.header('Content-Security-Policy', "default-src 'none'");
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.html(`<!doctype html><meta charset="utf-8"><title>Candor: dashboard not built</title><p>${message.replace(/</g, '&lt;')}</p>`, 500);
      return apiError(c, 500, 'not_built', message);
    }
    const file = assets.files.get(isPage(path) ? '/index.html' : path);
    // Browsers ask for an icon on their own; an empty answer keeps their consoles clean.
    if (!file && path === FAVICON) return c.body(null, 204);
    if (!file) return apiError(c, 404, 'not_found', `no such file: ${path}`);
    const headers: Record<string, string> = { 'Content-Type': file.type };
    if (file.type.startsWith('text/html')) headers['Content-Security-Policy'] = SERVED_CSP;
    else headers['Cache-Control'] = 'no-cache';
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, headers);
  });
  app.all('*', (c) => apiError(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here: the page and its files are read with GET`));

  app.onError((e, c) => {
    onInternalError(e);
    return apiError(c, 500, 'internal_error', 'internal error in the dashboard server (see the terminal running candor serve)');
  });
  return app;
}

/** A user error's details as JSON (drops anything that does not serialise). */
function jsonDetails(details: Record<string, unknown>): Record<string, unknown> | undefined {
  try {
    const plain = JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
    return Object.keys(plain).length > 0 ? plain : undefined;
  } catch {
    return undefined;
  }
}
