// The exported dashboard: one HTML file whose inline script and style match the CSP hashes, whose
// manifest and data elements decode to the served ones, and that refers to no other file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { decodeDataContainer } from '../../src/dashboard/data-container.js';
import { EXPORT_DATA_ELEMENT_ID, EXPORT_MANIFEST_ELEMENT_ID, Manifest } from '../../src/dashboard/protocol.js';
import { valueAt } from '../../src/index.js';
import { defaultAssetsDir, loadDashboardAssets, prepareDashboard, renderDashboardExport } from '../../src/server/index.js';
import { binaryTable, fixtureApp, logisticModel, TRICKY } from './helpers.js';

const fixture = fixtureApp();

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's parts as an HTML parser sees them. */
function parse(html: string) {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1].replace(/&quot;/g, '"') ?? null;
  const directive = (name: string) => (csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).find((d) => d[0] === name)?.slice(1) ?? [];
  // In script data the element ends at the first "</script" (given no "<!--" inside): the tokenizer's rule.
  const scripts: { type: string | null; id: string | null; body: string }[] = [];
  let at = 0;
  for (;;) {
    const open = /<script\b([^>]*)>/gi;
    open.lastIndex = at;
    const m = open.exec(html);
    if (!m) break;
    const start = m.index + m[0].length;
    const end = html.toLowerCase().indexOf('</script', start);
    scripts.push({ type: /type="([^"]*)"/.exec(m[1])?.[1] ?? null, id: /id="([^"]*)"/.exec(m[1])?.[1] ?? null, body: html.slice(start, end) });
    at = end + '</script>'.length;
  }
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  return { csp, directive, scripts, styles };
}

describe('renderDashboardExport', () => {
  test('inlines the app: CSP hashes match the inline script and style, nothing else is allowed or referenced', async () => {
    const dashboard = await prepareDashboard({ table: binaryTable(), options: { label: 'label', score: 'p' }, model: { model: logisticModel() } });
    const html = renderDashboardExport(dashboard, await loadDashboardAssets(fixture.dir));
    const { csp, directive, scripts, styles } = parse(html);
    assert.ok(csp, 'a CSP meta element');
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the policy comes before any script');
    const code = scripts.filter((s) => s.type === 'module');
    assert.equal(code.length, 1);
    assert.deepEqual(directive('script-src'), [sha(code[0].body)]);
    assert.equal(styles.length, 1);
    assert.deepEqual(directive('style-src'), [sha(styles[0])]);
    assert.deepEqual(directive('default-src'), ["'none'"]);
    assert.deepEqual(directive('connect-src'), ["'none'"]);
    assert.deepEqual(directive('worker-src'), ['blob:']);
    // No file is loaded from anywhere: no src or href to anything but data: URLs.
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2').replace(/(<style>)[\s\S]*?(<\/style>)/g, '$1$2');
    assert.doesNotMatch(markup, /\b(src|href)\s*=/i);
    assert.match(styles[0], /url\("data:font\/woff2;base64,d09GMgECAw=="\)/, 'the font as a data: URL');
    // The inlined script does what the original does, though its text had "</script>" and "<!--" in it.
    assert.doesNotMatch(code[0].body, /<!--|<\/script/i);
    const original = readFileSync(join(fixture.dir, 'assets', 'index-abc123.js'), 'utf8');
    const run = (source: string) => JSON.parse(runInNewContext(`${source}; JSON.stringify(globalThis.candorFixture)`, {}) as string) as unknown;
    assert.deepEqual(run(code[0].body), run(original));
    assert.deepEqual(run(original), [TRICKY, true, '<!--1</script ']);
  });

  test('the manifest and data elements decode to the dashboard: exported, the model named but not live', async () => {
    const table = binaryTable();
    const dashboard = await prepareDashboard({ table, options: { label: 'label', score: 'p', cohorts: [{ name: 'x', expression: "g = 'x'" }] }, model: { model: logisticModel() }, insights: { note: '</script><script>alert(1)</script>' } });
    const { scripts } = parse(renderDashboardExport(dashboard, await loadDashboardAssets(fixture.dir)));
    const manifestElement = scripts.find((s) => s.id === EXPORT_MANIFEST_ELEMENT_ID)!;
    assert.equal(manifestElement.type, 'application/json');
    const manifest = Manifest.parse(JSON.parse(manifestElement.body));
    assert.equal(manifest.exported, true);
    assert.equal(manifest.model?.name, 'logistic');
    assert.deepEqual({ ...manifest, exported: false }, dashboard.manifest);
    assert.deepEqual(manifest.insights, { note: '</script><script>alert(1)</script>' }, 'text that looks like markup stays data');
    const dataElement = scripts.find((s) => s.id === EXPORT_DATA_ELEMENT_ID)!;
    assert.equal(dataElement.type, 'application/octet-stream');
    const decoded = decodeDataContainer(new Uint8Array(Buffer.from(dataElement.body, 'base64')));
    assert.equal(decoded.rowCount, table.rowCount);
    for (const c of table.columns) for (let i = 0; i < table.rowCount; i++) assert.deepEqual(valueAt(decoded.column(c.name), i), valueAt(c, i));
  });

  test('above maxRows the file holds a seeded sample and says so', async () => {
    const dashboard = await prepareDashboard({ table: binaryTable(), options: { label: 'label', score: 'p', seed: 3 }, maxRows: 25 });
    const { scripts } = parse(renderDashboardExport(dashboard, await loadDashboardAssets(fixture.dir)));
    const manifest = Manifest.parse(JSON.parse(scripts.find((s) => s.id === EXPORT_MANIFEST_ELEMENT_ID)!.body));
    assert.equal(manifest.rows, 60);
    assert.deepEqual(manifest.sample, { rows: 25, seed: 3 });
    assert.equal(decodeDataContainer(new Uint8Array(Buffer.from(scripts.find((s) => s.id === EXPORT_DATA_ELEMENT_ID)!.body, 'base64'))).rowCount, 25);
  });

  test('without a built app the export fails saying how to build it', async () => {
    const dashboard = await prepareDashboard({ table: binaryTable(), options: { label: 'label', score: 'p' } });
    assert.throws(() => renderDashboardExport(dashboard, { dir: '/nowhere', files: null, missing: 'the dashboard app is not built (no index.html in /nowhere): run npm run build' }), /npm run build/);
  });

  const built = join(defaultAssetsDir(), 'index.html');
  test('the real built app exports with every inline script and style hashed', { skip: existsSync(built) ? false : `${built} is absent (npm run build makes it)` }, async () => {
    const dashboard = await prepareDashboard({ table: binaryTable(), options: { label: 'label', score: 'p' } });
    const html = renderDashboardExport(dashboard, await loadDashboardAssets());
    const { directive, scripts, styles } = parse(html);
    const executable = scripts.filter((s) => s.type === null || s.type === 'module');
    assert.ok(executable.length >= 1);
    assert.deepEqual(new Set(directive('script-src')), new Set(executable.map((s) => sha(s.body))));
    assert.deepEqual(new Set(directive('style-src')), new Set(styles.map(sha)));
    for (const s of executable) assert.doesNotMatch(s.body, /<!--/);
  });
});
