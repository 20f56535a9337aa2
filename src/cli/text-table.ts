/** Minimal styling for terminal output; plain text when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

export function makeStyle(color: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, '').length;

/**
 * Lays out rows as aligned columns: text left-aligned, numbers right-aligned (a column is numeric
 * when every non-empty cell starts with a digit, sign or dash).
 */
export function formatTable(header: string[], rows: string[][], style: Style): string {
  const widths = header.map((h, j) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[j] ?? ''))));
  const numeric = header.map((_, j) => j > 0 && rows.every((r) => /^(\s*$|[-−+\d.—]|\S*\d)/.test((r[j] ?? '').replace(ANSI, ''))));
  const pad = (s: string, j: number) => {
    const gap = ' '.repeat(Math.max(0, widths[j] - visibleLength(s)));
    return numeric[j] ? gap + s : s + gap;
  };
  const lines = [header.map((h, j) => style.bold(pad(h, j))).join('  '), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const r of rows) lines.push(r.map((c, j) => pad(c ?? '', j)).join('  ').trimEnd());
  return lines.join('\n');
}
