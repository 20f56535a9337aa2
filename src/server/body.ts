import { MAX_BODY_BYTES } from '../dashboard/protocol.js';

/** Why a request body was refused: the status and the ApiError it answers with. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 411 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A request's JSON body, read with a bound: a declared `Content-Length` above `limit` is refused
 * before a byte is read, and a body sent without one (chunked) is counted as it streams and
 * dropped the moment it passes `limit`. So a 100 MB upload costs the server one header check.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  // A JSON media type also keeps the endpoints out of reach of cross-site form posts (a browser
  // sends application/json across origins only after a CORS preflight, which this server never grants).
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new BodyError(415, 'unsupported_media_type', `expected a JSON body (Content-Type: application/json), got ${type ? JSON.stringify(type) : 'none'}`);
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    const n = Number(declared);
    if (!/^\d+$/.test(declared.trim()) || !Number.isSafeInteger(n)) throw new BodyError(400, 'bad_request', `invalid Content-Length: ${JSON.stringify(declared)}`);
    if (n > limit) throw new BodyError(413, 'body_too_large', `request body of ${n} bytes is larger than the limit of ${limit} bytes`);
  }
  const body = request.body;
  if (!body) throw new BodyError(400, 'bad_request', 'the request has no body: send a JSON object');
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyError(413, 'body_too_large', `request body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError(400, 'bad_request', 'the request body is not UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, 'invalid_json', `the request body is not valid JSON: ${(e as Error).message}`);
  }
}
