// Shared helpers for the conformance tests: locating ../shared, a small quote-aware CSV split, and
// encoding string columns as group codes in sorted order (as pandas groupby orders groups).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = join(repoRoot, '..', 'shared');

/** The path of a shared file, or a skip reason when it is absent. */
export function sharedFile(...parts: string[]): { path: string; skip: string | false } {
  const path = join(sharedDir, ...parts);
  return { path, skip: existsSync(path) ? false : `conformance data not found at ${path}` };
}

// Conformance JSON is navigated by key paths in the tests; typing each document adds nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Splits CSV text into rows of fields (RFC 4180 quotes, "" inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Dictionary-encodes strings with codes in sorted (code point) order; `keep` filters rows (-1). */
export function encode(values: string[], keep?: (i: number) => boolean): { codes: Int32Array; names: string[] } {
  const names = [...new Set(values.filter((_, i) => !keep || keep(i)))].sort();
  const index = new Map(names.map((n, k) => [n, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = keep && !keep(i) ? -1 : (index.get(values[i]) as number);
  return { codes, names };
}

/** Codes of the intersection a × b (code = ia · nb + ib), -1 when either is -1. */
export function intersect(a: Int32Array, b: Int32Array, nb: number): Int32Array {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] < 0 || b[i] < 0 ? -1 : a[i] * nb + b[i];
  return out;
}
