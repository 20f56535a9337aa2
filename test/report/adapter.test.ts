import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportClient, writeReport } from '../../src/adapters/report.js';
import type { EncodedTable } from '../../src/report/index.js';
import { sampleInsights } from './fixtures.js';

test('writeReport writes the report atomically and leaves no temp file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-report-'));
  const path = join(dir, 'report.html');
  await writeReport(path, { insights: sampleInsights(), clientScript: '/* client */' });
  const html = readFileSync(path, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('<script>/* client */</script>'));
  assert.deepEqual(readdirSync(dir), ['report.html']);
});

test('writeReport keeps the previous report when rendering fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'candor-report-'));
  const path = join(dir, 'report.html');
  writeFileSync(path, 'previous');
  const broken = { format: 'candor-table', version: 1, totalRows: 1, sampleRows: 1, sampled: false, seed: 0, columns: [{ name: 'x', type: 'numeric', encoding: 'f64', data: '!!' }] } as EncodedTable;
  await assert.rejects(writeReport(path, { insights: sampleInsights(), data: broken, clientScript: '' }), /invalid base64/);
  assert.equal(readFileSync(path, 'utf8'), 'previous');
  assert.deepEqual(readdirSync(dir), ['report.html']);
});

test('loadReportClient bundles the in-page script from source: one browser IIFE, no Node modules', async () => {
  const code = await loadReportClient({ fresh: true });
  assert.ok(code.length > 1000);
  assert.ok(!/require\(["']node:|from ?["']node:/.test(code), 'no node: imports');
  assert.ok(!code.includes('</script'), 'safe to inline');
  assert.equal(await loadReportClient(), await loadReportClient(), 'cached');
});
