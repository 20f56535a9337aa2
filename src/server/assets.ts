import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the built dashboard, held in memory. */
export interface AssetFile {
  readonly bytes: Uint8Array;
  readonly type: string;
}

/**
 * The built dashboard (`dist/dashboard-app`: index.html and its assets), read once when the server
 * starts. Requests are answered from this map by exact path: no request ever reaches the file
 * system, so no path (`..`, encoded traversal, absolute paths, symlinks) can name a file outside
 * the set read at start.
 */
export interface DashboardAssets {
  /** The directory the files were read from. */
  readonly dir: string;
  /** URL path (`/index.html`, `/assets/index-x.js`) -> file; null when the dashboard is not built. */
  readonly files: ReadonlyMap<string, AssetFile> | null;
  /** Why `files` is null, for the page and the terminal. */
  readonly missing: string | null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The media type served for a file name. */
export function mediaType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Where the built dashboard lives: beside the server module in a build (`dist/server` ->
 * `dist/dashboard-app`), or the repository's `dist/dashboard-app` when the server runs from source
 * (`src/server` -> `dist/dashboard-app`). The first that holds an index.html wins.
 */
export function defaultAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', 'dashboard-app'), resolve(here, '..', '..', 'dist', 'dashboard-app')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[candidates.length - 1];
}

/** Files larger than this are not served (a built dashboard has none). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the built dashboard into memory. Symlinks are followed only when their target lies inside
 * `dir` (one pointing out is left out of the set); dot-files are never part of it.
 */
export async function loadDashboardAssets(dir: string = defaultAssetsDir()): Promise<DashboardAssets> {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) {
    return { dir: root, files: null, missing: `the dashboard app is not built (no index.html in ${root}): run npm run build` };
  }
  const realRoot = await realpath(root);
  const files = new Map<string, AssetFile>();
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      const info = await lstat(path);
      let target = path;
      if (info.isSymbolicLink()) {
        target = await realpath(path).catch(() => '');
        if (target === '' || !(target === realRoot || target.startsWith(realRoot + sep))) continue;
      }
      const stat = info.isSymbolicLink() ? await lstat(target) : info;
      if (stat.isDirectory()) {
        // A symlinked directory inside the root is walked once through its real path only.
        if (!info.isSymbolicLink()) await walk(path);
        continue;
      }
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) continue;
      const key = `/${relative(root, path).split(sep).map(encodeURIComponent).join('/')}`;
      files.set(key, { bytes: new Uint8Array(await readFile(target)), type: mediaType(path) });
    }
  };
  await walk(root);
  return { dir: root, files, missing: null };
}
