import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './helpers/cli.js';

test('the public entry bundles for the browser with no Node built-ins', async () => {
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((f) => f.includes('src/cohort/')), 'the bundle includes the cohort language');
  assert.ok(!inputs.some((f) => f.includes('src/adapters/') || f.includes('src/cli/')), `adapters or CLI leaked into the browser entry: ${inputs.filter((f) => /adapters|cli/.test(f)).join(', ')}`);
  const nodeImports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((imp) => imp.path.startsWith('node:') || imp.external).map((imp) => imp.path));
  assert.deepEqual(nodeImports, []);
});
