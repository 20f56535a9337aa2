import { base64ToBytes } from '../../../src/index.js';
import { ApiError, EXPORT_DATA_ELEMENT_ID, EXPORT_MANIFEST_ELEMENT_ID, Manifest } from '../../../src/dashboard/protocol.js';
import { setToken } from '../api.js';

export interface Loaded {
  manifest: Manifest;
  bytes: Uint8Array;
  /** `served` by `candor serve`, or `exported` into a file (no server, no live model). */
  mode: 'served' | 'exported';
}

/** A failure to load the page's data, with a message for the reader. */
export class LoadError extends Error {}

/**
 * The manifest and the table: from the script elements of an exported page, or from the server
 * (`GET /api/manifest`, then `GET /api/data`), sending the token when the page URL carries one.
 */
export async function loadDashboard(onProgress: (received: number, total: number | null) => void): Promise<Loaded> {
  const manifestElement = document.getElementById(EXPORT_MANIFEST_ELEMENT_ID);
  if (manifestElement) {
    const parsed = Manifest.safeParse(JSON.parse(manifestElement.textContent ?? 'null'));
    if (!parsed.success) throw new LoadError(`The exported page's manifest is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const data = document.getElementById(EXPORT_DATA_ELEMENT_ID)?.textContent?.trim() ?? '';
    if (!data) throw new LoadError('The exported page holds no data.');
    return { manifest: { ...parsed.data, exported: true }, bytes: base64ToBytes(data), mode: 'exported' };
  }
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    setToken(token);
    // Keep the token out of the address bar (and of anything copied from it).
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const manifestResponse = await fetch('/api/manifest', { headers });
  if (!manifestResponse.ok) throw new LoadError(await failure(manifestResponse, 'the manifest'));
  const parsed = Manifest.safeParse(await manifestResponse.json());
  if (!parsed.success) throw new LoadError(`The server sent a manifest this page cannot read (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); is the server the same Candor version as the page?`);
  const dataResponse = await fetch('/api/data', { headers });
  if (!dataResponse.ok) throw new LoadError(await failure(dataResponse, 'the data'));
  const bytes = await readAll(dataResponse, onProgress);
  return { manifest: parsed.data, bytes, mode: 'served' };
}

async function failure(response: Response, what: string): Promise<string> {
  try {
    const body = ApiError.safeParse(await response.json());
    if (body.success) return `Could not load ${what}: ${body.data.error.message}`;
  } catch {
    // Not JSON: fall through to the status.
  }
  if (response.status === 401 || response.status === 403) return `Could not load ${what}: the server wants a token (open the URL that candor serve printed, with ?token=…).`;
  return `Could not load ${what}: HTTP ${response.status} ${response.statusText}`;
}

/**
 * The body as one buffer. `arrayBuffer()` rather than a stream reader: a reader that finishes
 * before the network layer has closed the request can make Chromium report it aborted. The
 * progress callback gets the size up front (the data of a million rows is tens of megabytes).
 */
async function readAll(response: Response, onProgress: (received: number, total: number | null) => void): Promise<Uint8Array> {
  const length = Number(response.headers.get('content-length'));
  onProgress(0, Number.isFinite(length) && length > 0 ? length : null);
  return new Uint8Array(await response.arrayBuffer());
}
