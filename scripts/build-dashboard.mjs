// Builds the dashboard app (dashboard/) into dist/dashboard-app with Vite's build API, so that
// `candor serve` serves prebuilt files and needs no build step at run time.
// Run: node scripts/build-dashboard.mjs   (or import { buildDashboard, ensureDashboardBuilt } from it).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the built app lands. */
export const DASHBOARD_DIST = join(root, 'dist', 'dashboard-app');

/** Builds dashboard/ into dist/dashboard-app; returns the output directory, or null when Vite is not installed (a package installed without dev tools ships the build). */
export async function buildDashboard({ quiet = true } = {}) {
  if (!existsSync(join(root, 'node_modules', 'vite'))) return null;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'dashboard', 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  return DASHBOARD_DIST;
}

/** Newest modification time of the files under `dir` (0 when absent). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds the dashboard unless dist/dashboard-app is newer than every source it is built from (the app
 * and the core it bundles); for tests and benchmarks, which must not run a stale page.
 */
export async function ensureDashboardBuilt() {
  const built = join(DASHBOARD_DIST, 'index.html');
  const sources = Math.max(newest(join(root, 'dashboard', 'src')), newest(join(root, 'src')), statSync(join(root, 'dashboard', 'index.html')).mtimeMs, statSync(join(root, 'dashboard', 'vite.config.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return DASHBOARD_DIST;
  return buildDashboard();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = await buildDashboard({ quiet: false });
  if (out) process.stdout.write(`dashboard built into ${out}\n`);
}
