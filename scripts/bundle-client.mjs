// Bundles the report's in-page script (the same core code the CLI runs) into one browser file.
import { build } from 'esbuild';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleReportClient(outfile) {
  const entry = join(root, 'src', 'report', 'client', 'main.ts');
  if (!existsSync(entry)) return;
  await build({ entryPoints: [entry], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true, outfile, logLevel: 'warning' });
}
