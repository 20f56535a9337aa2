// Builds the dashboard into dist/dashboard-app: one script and one stylesheet with relative URLs
// (`base: './'`), so `candor serve` can serve them from any path and `--export` can inline them
// into a single HTML file. The engine worker is bundled as a classic (IIFE) worker and inlined as a
// blob URL (`?worker&inline`): module workers cannot start from a page opened from disk.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(here, '..', 'dist', 'dashboard-app'),
    emptyOutDir: true,
    target: 'es2022',
    // No preload polyfill (an inline script) and no extra chunks: the page is index.html, one script, one stylesheet.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
  worker: { format: 'iife' },
  server: { fs: { allow: [resolve(here, '..')] } },
});
