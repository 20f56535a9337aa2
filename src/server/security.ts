import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { userError } from '../errors/index.js';

/**
 * The Content-Security-Policy of the served dashboard: everything from the server itself, nothing
 * inline (the built page has no inline script or style), no eval. The engine's Web Worker starts
 * from a blob: URL (the build inlines it so an exported file works from disk), so workers may come
 * from blob:. Frames, plugins, forms and `<base>` are off.
 */
export const SERVED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The Content-Security-Policy of an exported dashboard file (a `<meta>` element): no network at
 * all, only the inlined script and stylesheet (allowed by their SHA-256 hashes), the worker from a
 * blob: URL, images and fonts as data: URLs.
 */
export function exportCsp(scriptHashes: readonly string[], styleHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ') || "'none'"}`,
    `style-src ${styleHashes.join(' ') || "'none'"}`,
    'img-src data: blob:',
    'font-src data:',
    "connect-src 'none'",
    'worker-src blob:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A CSP source expression for inline content: `'sha256-<base64>'` of its UTF-8 bytes. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** A new access token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens shorter than this are refused: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * The token a server needs, from where it binds and what the user asked: none on a loopback address
 * (unless one is given), and on any other address the given token or a generated one. A
 * non-loopback bind without a token is refused: anyone on the network could read the data.
 */
export function resolveToken(host: string, given: { token?: string; noToken?: boolean }): string | null {
  if (given.token !== undefined && given.noToken) throw userError('invalid_option', '--token and --no-token contradict each other; give one');
  if (given.token !== undefined) {
    if (given.token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(given.token)) {
      throw userError('invalid_option', `invalid --token: expected at least ${MIN_TOKEN_LENGTH} printable characters without spaces (or leave it out and one is generated)`, { option: 'token' });
    }
    return given.token;
  }
  if (isLoopback(host)) return null;
  if (given.noToken) {
    throw userError(
      'token_required',
      `refusing to bind ${host} without a token: it is not a loopback address, so anyone who can reach it could read the data; drop --no-token (a token is generated and printed) or pass --token T`,
      { host },
    );
  }
  return generateToken();
}

/** Whether `presented` equals `token`, in time independent of where they differ. */
export function tokenMatches(token: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  // Hashing first gives equal lengths, so timingSafeEqual reveals nothing about the length either.
  const a = createHash('sha256').update(token).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}
