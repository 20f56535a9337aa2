import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared beside the repository: public datasets and conformance values. */
export const SHARED = join(ROOT, '..', 'shared');

/** The reason to skip a test needing a file from ../shared, or false when it is there. */
export function needsShared(...parts: string[]): string | false {
  const path = join(SHARED, ...parts);
  return existsSync(path) ? false : `needs ${path}, which is not present (../shared is beside the repository in CI)`;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `candor` binary as a user would; with CANDOR_SOURCE=1 in the environment, the CLI
 * from source instead (no build needed while developing).
 */
export function candor(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  // tsx resolved here, so the CLI can run from source in any working directory.
  const entry = process.env.CANDOR_SOURCE ? ['--import', import.meta.resolve('tsx'), join(ROOT, 'scripts', 'dev.mjs')] : [join(ROOT, 'bin', 'candor.js')];
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'candor-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
