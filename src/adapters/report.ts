import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderReport, type ReportInput } from '../report/html.js';
import { writeFileAtomic } from './atomic-write.js';

const here = dirname(fileURLToPath(import.meta.url));
// From dist/adapters/ the bundle is dist/report-client.js; from src/adapters/ (tests via tsx) it is ../../dist/.
const BUNDLE_CANDIDATES = [join(here, '..', 'report-client.js'), join(here, '..', '..', 'dist', 'report-client.js')];
const CLIENT_ENTRY = join(here, '..', 'report', 'client', 'main.ts');

let cached: Promise<string> | undefined;

/** Options of {@link loadReportClient}. */
export interface LoadReportClientOptions {
  /** Bundle `src/report/client/main.ts` now even when a built bundle exists (for tests of changed sources). Defaults to false. */
  fresh?: boolean;
}

/**
 * The report's in-page script: `dist/report-client.js` when the package is built, else
 * `src/report/client/main.ts` bundled on the fly with esbuild (a development dependency), so tests
 * that run from source work. The result is cached for the process.
 */
export function loadReportClient(options: LoadReportClientOptions = {}): Promise<string> {
  if (options.fresh) return bundleClient();
  cached ??= (async () => {
    for (const path of BUNDLE_CANDIDATES) if (existsSync(path)) return readFile(path, 'utf8');
    return bundleClient();
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}

async function bundleClient(): Promise<string> {
  if (!existsSync(CLIENT_ENTRY)) throw new Error(`report client not found: neither a built bundle (${BUNDLE_CANDIDATES.join(', ')}) nor its source (${CLIENT_ENTRY}); run "npm run build"`);
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (e) {
    throw new Error('report client is not built and esbuild is not installed; run "npm run build"', { cause: e });
  }
  // The same settings as scripts/bundle-client.mjs.
  const result = await esbuild.build({ entryPoints: [CLIENT_ENTRY], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0].text;
}

/** {@link ReportInput} with the in-page script optional (loaded with {@link loadReportClient} when absent). */
export type WriteReportInput = Omit<ReportInput, 'clientScript'> & { clientScript?: string };

/**
 * Renders the report and writes it to `path` atomically (a temp file in the same directory, then a
 * rename): a killed run leaves the previous report intact.
 * @example
 * await writeReport('out/report.html', { insights, data: encodeTable(table, { options }) });
 */
export async function writeReport(path: string, input: WriteReportInput): Promise<void> {
  const clientScript = input.clientScript ?? (await loadReportClient());
  await writeFileAtomic(path, renderReport({ ...input, clientScript }));
}
