// Builds the package: TypeScript to dist/, then the report's browser script as one bundle.
import { execFileSync } from 'node:child_process';
import { rmSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  // Installed as a dependency without dev tools: the published package ships dist/ prebuilt.
  process.exit(0);
}
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });
const { bundleReportClient } = await import(join(root, 'scripts', 'bundle-client.mjs'));
await bundleReportClient(join(root, 'dist', 'report-client.js'));
// The dashboard app (dashboard/) into dist/dashboard-app, which `candor serve` and `--export` read.
const { buildDashboard } = await import(join(root, 'scripts', 'build-dashboard.mjs'));
await buildDashboard();
