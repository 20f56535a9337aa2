// A small snapshot helper: the first run writes __snapshots__/<name>, later runs compare;
// UPDATE_SNAPSHOTS=1 rewrites. Snapshots are plain files so a diff shows what changed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '__snapshots__');

/** Compares `actual` with the stored snapshot `name` (creating it on the first run). */
export function matchSnapshot(name: string, actual: string): void {
  const path = join(DIR, name);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  const expected = readFileSync(path, 'utf8');
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let line = 0;
  while (line < a.length && line < e.length && a[line] === e[line]) line++;
  assert.fail(`snapshot ${name} differs at line ${line + 1}:\n- ${(e[line] ?? '<end>').slice(0, 300)}\n+ ${(a[line] ?? '<end>').slice(0, 300)}\n(run with UPDATE_SNAPSHOTS=1 to accept)`);
}

/**
 * Makes rendered HTML comparable across platforms and tiny numeric changes: long floats rounded to
 * 4 decimals; the stylesheet, CSP hashes and embedded payloads replaced by placeholders; and a
 * generation time (if any) removed.
 */
export function normaliseHtml(html: string): string {
  return html
    .replace(/'sha256-[A-Za-z0-9+/=]+'/g, "'sha256-…'")
    // The stylesheet is static (not data-driven) and has its own hash in the CSP; leave it out.
    .replace(/<style>[\s\S]*?<\/style>/, '<style>…</style>')
    .replace(/(<script type="application\/json" id="candor-data">)[\s\S]*?(<\/script>)/, '$1…$2')
    .replace(/(<script type="application\/json" id="candor-insights">)[\s\S]*?(<\/script>)/, '$1…$2')
    .replace(/<time id="generated-at"[^>]*>[^<]*<\/time>/g, '<time id="generated-at">…</time>')
    .replace(/-?\d+\.\d{5,}/g, (m) => String(Number(Number(m).toFixed(4))))
    .replace(/></g, '>\n<');
}
