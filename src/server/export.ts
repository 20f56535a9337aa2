import { posix } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { EXPORT_DATA_ELEMENT_ID, EXPORT_MANIFEST_ELEMENT_ID, Manifest } from '../dashboard/protocol.js';
import { userError } from '../errors/index.js';
import { jsonForScript } from '../report/escape.js';
import { type DashboardAssets, loadDashboardAssets } from './assets.js';
import type { Dashboard } from './dashboard.js';
import { cspHash, exportCsp } from './security.js';

/** Rows an exported dashboard embeds by default (above: a seeded sample). */
export const DEFAULT_EXPORT_ROWS = 200_000;

const decoder = new TextDecoder();

/** The asset a page-relative URL names (`./assets/x.js`, `assets/x.js`, `/assets/x.js`), relative to `base` (a URL path). */
function assetPath(url: string, base: string): string | null {
  if (/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(url)) return null;
  const clean = url.split(/[?#]/)[0];
  return posix.normalize(clean.startsWith('/') ? clean : posix.join(posix.dirname(base), clean));
}

function assetFile(assets: DashboardAssets, url: string, base: string, what: string) {
  const path = assetPath(url, base);
  const file = path ? assets.files?.get(path) : undefined;
  if (!file) throw userError('export_failed', `cannot export the dashboard: ${what} ${JSON.stringify(url)} is not a file of the built app in ${assets.dir} (rebuild it with npm run build)`, { url });
  return file;
}

/**
 * Script text that cannot end its element or open an HTML comment early: `</script` and `<!--`
 * become `\x3C/script` and `\x3C!--`, which mean the same in JavaScript strings, templates,
 * regular expressions and comments (the only places a module's code can hold them).
 */
export function inlineScript(code: string): string {
  return code.replace(/<(?=\/script|!--)/gi, '\\x3C');
}

/** Style text that cannot end its element early: `</style` becomes `<\/style` (the same in CSS). */
function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** A stylesheet with each `url(...)` naming a file of the app replaced by a data: URL. */
function inlineCssUrls(css: string, base: string, assets: DashboardAssets): string {
  return css.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (whole, _q: string, url: string) => {
    if (assetPath(url, base) === null) return whole;
    const file = assetFile(assets, url, base, 'the stylesheet reference');
    return `url("data:${file.type.split(';')[0]};base64,${Buffer.from(file.bytes).toString('base64')}")`;
  });
}

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
};

/**
 * One self-contained HTML file of the dashboard: the built page with its script and stylesheet
 * inlined (fonts and images as data: URLs), the manifest (`exported: true`: no server, no live
 * model) and the rows as a base64 data container in non-executable script elements, and a
 * Content-Security-Policy that allows only the inlined script and style (by SHA-256 hash) and the
 * engine worker's blob: URL. Opened from disk, it loads nothing from anywhere.
 */
export function renderDashboardExport(dashboard: Dashboard, assets: DashboardAssets): string {
  if (!assets.files) throw userError('export_failed', `cannot export the dashboard: ${assets.missing ?? 'the app is not built'}`);
  const original = decoder.decode(assets.files.get('/index.html')!.bytes);
  if (!/<head\b[^>]*>/i.test(original) || !/<\/body>/i.test(original)) throw userError('export_failed', `cannot export the dashboard: ${assets.dir}/index.html has no <head> or </body>`);
  // Any other element that loads a file (an image, a frame…) cannot be inlined faithfully here.
  const markup = original.replace(/(<(script|style)\b[^>]*>)[\s\S]*?(<\/\2>)/gi, '$1$3');
  for (const [, tag, attrs] of markup.matchAll(/<(?!script\b|link\b)([a-z][a-z0-9-]*)\b([^>]*)>/gi)) {
    for (const name of ['src', 'href', 'srcset', 'poster']) {
      const url = attr(attrs, name);
      if (url !== null && assetPath(url, '/index.html') !== null) throw userError('export_failed', `cannot export the dashboard: <${tag} ${name}=${JSON.stringify(url)}> in index.html refers to a file the export does not inline`, { url });
    }
  }

  const scripts: string[] = [];
  const styles: string[] = [];
  for (const [, body] of original.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) styles.push(body);
  // One pass over the page as built, so the inlined code is never scanned for tags itself.
  let html = original.replace(/<script\b([^>]*)>([\s\S]*?)<\/script>|<link\b([^>]*)>/gi, (whole, scriptAttrs: string | undefined, body: string | undefined, linkAttrs: string | undefined) => {
    if (scriptAttrs !== undefined) {
      const type = attr(scriptAttrs, 'type');
      const executable = type === null || /^(module|text\/javascript|application\/javascript)$/i.test(type);
      const src = attr(scriptAttrs, 'src');
      if (src === null) {
        if (executable) scripts.push(body ?? '');
        return whole;
      }
      const code = inlineScript(decoder.decode(assetFile(assets, src, '/index.html', 'the script').bytes));
      if (executable) scripts.push(code);
      return `<script${type ? ` type="${type}"` : ''}>${code}</script>`;
    }
    const attrs = linkAttrs ?? '';
    const rel = (attr(attrs, 'rel') ?? '').toLowerCase();
    const href = attr(attrs, 'href');
    if (href === null || assetPath(href, '/index.html') === null) return whole;
    if (rel === 'stylesheet') {
      const file = assetFile(assets, href, '/index.html', 'the stylesheet');
      const css = inlineStyle(inlineCssUrls(decoder.decode(file.bytes), assetPath(href, '/index.html')!, assets));
      styles.push(css);
      return `<style>${css}</style>`;
    }
    // Everything is inlined, so there is nothing to preload; an icon becomes a data: URL.
    if (rel === 'modulepreload' || rel === 'preload' || rel === 'prefetch') return '';
    const file = assetFile(assets, href, '/index.html', `the ${rel || 'linked'} file`);
    return `<link rel="${rel}" href="data:${file.type.split(';')[0]};base64,${Buffer.from(file.bytes).toString('base64')}">`;
  });

  const csp = exportCsp(scripts.map(cspHash), styles.map(cspHash));
  const manifest = Manifest.parse({ ...dashboard.manifest, exported: true });
  const head = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}">\n<meta name="referrer" content="no-referrer">`;
  // The policy must come before anything it governs: first thing in <head>.
  html = html.replace(/<head\b[^>]*>/i, (m) => `${m}\n${head}`);
  const data = [
    `<script type="application/json" id="${EXPORT_MANIFEST_ELEMENT_ID}">${jsonForScript(manifest)}</script>`,
    `<script type="application/octet-stream" id="${EXPORT_DATA_ELEMENT_ID}">${Buffer.from(dashboard.data()).toString('base64')}</script>`,
  ].join('\n');
  // The last </body>: the inlined code may hold the text "</body>" in a string.
  const end = html.toLowerCase().lastIndexOf('</body>');
  return `${html.slice(0, end)}${data}\n${html.slice(end)}`;
}

/** Writes {@link renderDashboardExport}'s file to `path` (atomically). */
export async function writeDashboardExport(dashboard: Dashboard, path: string, assetsDir?: string): Promise<void> {
  const html = renderDashboardExport(dashboard, await loadDashboardAssets(assetsDir));
  await writeFileAtomic(path, html);
}
