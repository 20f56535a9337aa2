import { escapeHtml } from './escape.js';
import { formatValue } from './format.js';

/**
 * Small, dependency-free SVG charts for the report. Every function returns an SVG string with
 * `role="img"`, a `<title>` and a `<desc>`; colours come from the Okabe–Ito palette and every
 * series also differs by dash pattern, so no chart relies on colour alone.
 */

/** Okabe & Ito (2008), reordered so the first colours have the most contrast on white. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;
/** Dash patterns paired with the palette so that series differ without colour. */
export const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4', '4 2 1 2', '3 3'] as const;
/** Colour of bars that pass (blue) and fail (vermillion, also hatched) a disparity band. */
export const PASS_COLOR = '#0072B2';
export const FAIL_COLOR = '#D55E00';

export type Point = readonly [number, number];

/** One line of a line chart. */
export interface Series {
  name: string;
  points: readonly Point[];
  /** Index into {@link PALETTE}/{@link DASHES}; defaults to the series' position. */
  style?: number;
}

export interface Axis {
  label: string;
  /** Defaults to the data's extent, widened to nice ticks. */
  domain?: readonly [number, number];
}

export interface LineChartOptions {
  /** Unique within the document (ids of the title and description derive from it). */
  id: string;
  title: string;
  description?: string;
  series: readonly Series[];
  x: Axis;
  y: Axis;
  width?: number;
  height?: number;
  /** A dashed reference line: `up` from (0,0) to (1,1) (chance ROC, perfect calibration), `down` from (0,1) to (1,0). */
  diagonal?: 'up' | 'down';
  /** A vertical marker line, e.g. the decision threshold. */
  marker?: { at: number; label: string };
  /** Draw a dot at every point (for sparse data such as calibration bins). */
  dots?: boolean;
}

const r1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** At most `max` points, evenly spaced by index, first and last kept. Enough for a 360-px chart. */
export function thinPoints<T>(points: readonly T[], max = 300): readonly T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

/** Round tick values covering [lo, hi] (about `count` of them), d3-array's step rule. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const step = (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1) * power;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function extent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A domain for values: [0, 1] when they are all proportions, else their extent widened to ticks. */
export function autoDomain(values: Iterable<number>): [number, number] {
  const e = extent(values);
  if (!e) return [0, 1];
  if (e[0] >= 0 && e[1] <= 1) return [0, 1];
  if (e[0] === e[1]) return [e[0] - 1, e[1] + 1];
  const ticks = niceTicks(e[0], e[1]);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return [Math.min(ticks[0], Math.floor(e[0] / step) * step), Math.max(ticks[ticks.length - 1], Math.ceil(e[1] / step) * step)];
}

function tickLabel(v: number): string {
  const text = Math.abs(v) >= 1000 ? formatValue(v) : String(Number(v.toPrecision(6)));
  return text.replace(/^-/, '−');
}

function svgOpen(id: string, width: number, height: number, title: string, description: string, cls: string): string {
  return (
    `<svg class="${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(description)}</desc>`
  );
}

/** A multi-series line chart with axes, grid and optional reference lines. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 360;
  const height = o.height ?? 250;
  const m = { l: 46, r: 12, t: 10, b: 40 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const xd = o.x.domain ?? autoDomain(o.series.flatMap((s) => s.points.map((p) => p[0])));
  const yd = o.y.domain ?? autoDomain(o.series.flatMap((s) => s.points.map((p) => p[1])));
  const sx = (v: number) => m.l + ((v - xd[0]) / (xd[1] - xd[0] || 1)) * pw;
  const sy = (v: number) => m.t + ph - ((v - yd[0]) / (yd[1] - yd[0] || 1)) * ph;
  const parts: string[] = [svgOpen(o.id, width, height, o.title, o.description ?? o.title, 'chart line-chart')];
  parts.push(`<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  for (const t of niceTicks(xd[0], xd[1])) {
    parts.push(`<line class="grid" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${m.t}" y2="${m.t + ph}"/>`);
    parts.push(`<text class="tick" x="${r1(sx(t))}" y="${m.t + ph + 14}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(yd[0], yd[1])) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/>`);
    parts.push(`<text class="tick" x="${m.l - 5}" y="${r1(sy(t) + 3.5)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  if (o.diagonal) {
    const [y0, y1] = o.diagonal === 'up' ? [0, 1] : [1, 0];
    parts.push(`<line class="ref" x1="${r1(sx(0))}" y1="${r1(sy(y0))}" x2="${r1(sx(1))}" y2="${r1(sy(y1))}"/>`);
  }
  if (o.marker && o.marker.at >= xd[0] && o.marker.at <= xd[1]) {
    const x = r1(sx(o.marker.at));
    parts.push(`<line class="marker" x1="${x}" x2="${x}" y1="${m.t}" y2="${m.t + ph}"><title>${escapeHtml(o.marker.label)}</title></line>`);
  }
  parts.push(`<g class="series" clip-path="none">`);
  o.series.forEach((s, i) => {
    const style = s.style ?? i;
    const color = PALETTE[style % PALETTE.length];
    const dash = DASHES[style % DASHES.length];
    const pts = thinPoints(s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])));
    if (pts.length === 0) return;
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${r1(sx(p[0]))},${r1(sy(p[1]))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${escapeHtml(s.name)}</title></path>`);
    if (o.dots) {
      for (const p of pts) parts.push(`<circle cx="${r1(sx(p[0]))}" cy="${r1(sy(p[1]))}" r="3" fill="${color}"><title>${escapeHtml(`${s.name}: (${formatValue(p[0])}, ${formatValue(p[1])})`)}</title></circle>`);
    }
  });
  parts.push('</g>');
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.x.label)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.y.label)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** An HTML legend for series drawn with {@link lineChart}: a line sample in the same colour and dash. */
export function legend(items: readonly { name: string; style?: number; note?: string }[]): string {
  const li = items.map((it, i) => {
    const style = it.style ?? i;
    const dash = DASHES[style % DASHES.length];
    const swatch = `<svg class="swatch" width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="${PALETTE[style % PALETTE.length]}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>`;
    return `<li>${swatch}<span>${escapeHtml(it.name)}</span>${it.note ? ` <span class="muted">${escapeHtml(it.note)}</span>` : ''}</li>`;
  });
  return `<ul class="legend">${li.join('')}</ul>`;
}

/** One bar of a disparity panel: a group's value divided by the reference group's. */
export interface DisparityBar {
  group: string;
  ratio: number | null;
  /** Inside the band; null when undefined. */
  pass: boolean | null;
  /** Why the ratio is undefined. */
  reason?: string;
}

/** One metric's bars in a disparity chart. */
export interface DisparityBlock {
  /** The metric's label, e.g. "False positive rate". */
  label: string;
  bars: readonly DisparityBar[];
}

export interface DisparityChartOptions {
  /** Unique within the document. */
  id: string;
  /** The reference group's name. */
  reference: string;
  /** The pass band of ratios, e.g. [0.8, 1.25]. */
  band: readonly [number, number];
  blocks: readonly DisparityBlock[];
  /** Log domain of the ratio axis; defaults to {@link disparityDomain} over every bar. */
  domain?: readonly [number, number];
  width?: number;
}

/** A log-symmetric ratio domain that holds the band and every finite, positive ratio. */
export function disparityDomain(ratios: Iterable<number | null>, band: readonly [number, number]): [number, number] {
  let span = Math.max(Math.abs(Math.log(band[0])), Math.abs(Math.log(band[1])));
  for (const r of ratios) if (r !== null && r > 0 && Number.isFinite(r)) span = Math.max(span, Math.abs(Math.log(r)));
  span = Math.min(span * 1.15, Math.log(20));
  return [Math.exp(-span), Math.exp(span)];
}

/** Candidate ratio ticks in order of importance; a tick is dropped when it would crowd a more important one. */
const RATIO_TICK_PRIORITY = [1, 0.5, 2, 0.25, 4, 0.1, 10, 0.05, 20, 0.67, 1.5];

/** Ticks for a log ratio axis: 1 and the band edges first, then round ratios, at least `minGap` px apart. */
export function ratioTicks(band: readonly [number, number], domain: readonly [number, number], toX: (v: number) => number, minGap = 30): number[] {
  const chosen: number[] = [];
  for (const t of [1, band[0], band[1], ...RATIO_TICK_PRIORITY]) {
    if (t < domain[0] || t > domain[1] || chosen.includes(t)) continue;
    if (chosen.every((c) => Math.abs(toX(c) - toX(t)) >= minGap)) chosen.push(t);
  }
  return chosen.sort((a, b) => a - b);
}

function checkMark(x: number, y: number): string {
  return `<path class="sym-pass" d="M${r1(x - 4)},${r1(y)}L${r1(x - 1)},${r1(y + 3.5)}L${r1(x + 4.5)},${r1(y - 4)}"/>`;
}
function crossMark(x: number, y: number): string {
  return `<path class="sym-fail" d="M${r1(x - 4)},${r1(y - 4)}L${r1(x + 4)},${r1(y + 4)}M${r1(x - 4)},${r1(y + 4)}L${r1(x + 4)},${r1(y - 4)}"/>`;
}

/**
 * Horizontal bars of group / reference ratios on a log axis centred on 1, one block of rows per
 * metric, with the pass band shaded. A failing bar is vermillion *and* hatched and carries a cross;
 * a passing bar is blue with a check mark; an undefined ratio shows an em dash and its reason.
 */
export function disparityChart(o: DisparityChartOptions): string {
  const width = o.width ?? 1100;
  const rowH = 22;
  const headH = 26;
  const gapH = 8;
  const axisH = 34;
  const metricX = 4;
  // Metric labels (bold, ≤ 28 characters) end before x ≈ 230; group labels (≤ 26) start after it.
  const groupRight = 440;
  const m = { l: 458, r: 150 };
  const pw = width - m.l - m.r;
  const rows = o.blocks.reduce((s, b) => s + b.bars.length, 0);
  const plotTop = headH;
  const plotBottom = headH + rows * rowH + (o.blocks.length - 1) * gapH;
  const height = plotBottom + axisH;
  const [lo, hi] = o.domain ?? disparityDomain(o.blocks.flatMap((b) => b.bars.map((x) => x.ratio)), o.band);
  const sx = (v: number) => m.l + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * pw;
  const failing = o.blocks.flatMap((b) => b.bars.filter((x) => x.pass === false).map((x) => `${x.group} (${b.label.toLowerCase()} ${formatValue(x.ratio)})`));
  const desc =
    `Ratio of each group's metric to the reference group ${o.reference}, log scale; pass band ${formatValue(o.band[0])} to ${formatValue(o.band[1])}. ` +
    (failing.length ? `Outside the band: ${failing.join('; ')}.` : 'All defined ratios are inside the band.');
  const parts: string[] = [svgOpen(o.id, width, height, `Disparity against ${o.reference}`, desc, 'chart disparity-chart')];
  parts.push(
    `<defs><pattern id="${o.id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="${FAIL_COLOR}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.2"/></pattern></defs>`,
  );
  const vx = width - m.r + 34;
  parts.push(`<text class="col-head" x="${metricX}" y="16">Metric</text><text class="col-head" x="${groupRight}" y="16" text-anchor="end">Group</text>`);
  parts.push(`<text class="col-head" x="${m.l + pw / 2}" y="16" text-anchor="middle">group ÷ ${escapeHtml(truncate(o.reference, 40))} (log scale)</text><text class="col-head" x="${vx}" y="16">Ratio</text>`);
  const bx0 = sx(Math.max(o.band[0], lo));
  const bx1 = sx(Math.min(o.band[1], hi));
  parts.push(`<rect class="band" x="${r1(bx0)}" y="${plotTop}" width="${r1(bx1 - bx0)}" height="${plotBottom - plotTop}"><title>pass band ${formatValue(o.band[0])}–${formatValue(o.band[1])}</title></rect>`);
  for (const t of ratioTicks(o.band, [lo, hi], sx)) {
    const x = r1(sx(t));
    parts.push(`<line class="${t === 1 ? 'ref-one' : 'grid'}" x1="${x}" x2="${x}" y1="${plotTop}" y2="${plotBottom}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${plotBottom + 14}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  parts.push(`<line class="band-edge" x1="${r1(bx0)}" x2="${r1(bx0)}" y1="${plotTop}" y2="${plotBottom}"/><line class="band-edge" x1="${r1(bx1)}" x2="${r1(bx1)}" y1="${plotTop}" y2="${plotBottom}"/>`);
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 4}" text-anchor="middle">← lower than the reference · higher than the reference →</text>`);
  const x1 = sx(1);
  let y = plotTop;
  o.blocks.forEach((block, bi) => {
    if (bi > 0) {
      parts.push(`<line class="block-sep" x1="0" x2="${width}" y1="${r1(y + gapH / 2)}" y2="${r1(y + gapH / 2)}"/>`);
      y += gapH;
    }
    const metricText = truncate(block.label, 28);
    parts.push(`<text class="metric-label" x="${metricX}" y="${r1(y + rowH / 2 + 4)}">${escapeHtml(metricText)}${metricText !== block.label ? `<title>${escapeHtml(block.label)}</title>` : ''}</text>`);
    block.bars.forEach((b) => {
      const cy = y + rowH / 2;
      const label = truncate(b.group, 26);
      parts.push(`<text class="bar-label" x="${groupRight}" y="${r1(cy + 4)}" text-anchor="end">${escapeHtml(label)}${label !== b.group ? `<title>${escapeHtml(b.group)}</title>` : ''}</text>`);
      y += rowH;
      if (b.ratio === null || !Number.isFinite(b.ratio)) {
        parts.push(`<text class="bar-value na" x="${vx}" y="${r1(cy + 4)}">— undefined<title>${escapeHtml(b.reason ?? 'undefined')}</title></text>`);
        return;
      }
      const clampedLow = b.ratio < lo;
      const clampedHigh = b.ratio > hi;
      const xv = clampedLow ? m.l : clampedHigh ? m.l + pw : sx(b.ratio);
      const x = Math.min(x1, xv);
      const w = Math.max(Math.abs(xv - x1), 1.5);
      const fail = b.pass === false;
      const fill = fail ? `url(#${o.id}-hatch)` : PASS_COLOR;
      const status = b.pass === null ? '' : fail ? ' — outside the band' : ' — inside the band';
      parts.push(`<rect class="bar${fail ? ' bar-fail' : ''}" x="${r1(x)}" y="${r1(cy - 7)}" width="${r1(w)}" height="14" fill="${fill}"><title>${escapeHtml(`${block.label}, ${b.group}: ${formatValue(b.ratio)}${status}`)}</title></rect>`);
      if (clampedLow || clampedHigh) parts.push(`<text class="clip" x="${r1(clampedLow ? m.l - 2 : m.l + pw + 2)}" y="${r1(cy + 4)}" text-anchor="${clampedLow ? 'end' : 'start'}">${clampedLow ? '◀' : '▶'}</text>`);
      parts.push(b.pass === false ? crossMark(vx - 14, cy) : b.pass === true ? checkMark(vx - 14, cy) : '');
      parts.push(`<text class="bar-value${fail ? ' fail' : ''}" x="${vx}" y="${r1(cy + 4)}">${formatValue(b.ratio)}${fail ? ' outside' : ''}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}

/** One bin of a reliability diagram. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  meanScore: number | null;
  observedRate: number | null;
  count: number;
}

/**
 * A reliability diagram for one group: observed positive rate against mean score per bin, the
 * diagonal of perfect calibration, and below it the number of rows in each bin.
 */
export function calibrationChart(o: { id: string; title: string; bins: readonly CalibrationBin[]; style?: number; width?: number }): string {
  const width = o.width ?? 260;
  const m = { l: 40, r: 10, t: 8, b: 34 };
  const ph = 170;
  const hh = 42;
  const gap = 10;
  const height = m.t + ph + gap + hh + m.b;
  const pw = width - m.l - m.r;
  const sx = (v: number) => m.l + v * pw;
  const sy = (v: number) => m.t + ph - v * ph;
  const color = PALETTE[(o.style ?? 0) % PALETTE.length];
  const total = o.bins.reduce((s, b) => s + b.count, 0);
  const maxCount = Math.max(1, ...o.bins.map((b) => b.count));
  const parts: string[] = [svgOpen(o.id, width, height, `Calibration: ${o.title}`, `Reliability diagram for ${o.title}: observed positive rate against mean score in ${o.bins.length} bins, ${total} rows; bars below show rows per bin.`, 'chart calibration-chart')];
  parts.push(`<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/><text class="tick" x="${m.l - 5}" y="${r1(sy(t) + 3.5)}" text-anchor="end">${t}</text>`);
    parts.push(`<line class="grid" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${m.t}" y2="${m.t + ph}"/>`);
  }
  parts.push(`<rect class="frame" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  parts.push(`<line class="ref" x1="${r1(sx(0))}" y1="${r1(sy(0))}" x2="${r1(sx(1))}" y2="${r1(sy(1))}"/>`);
  const pts = o.bins.filter((b) => b.meanScore !== null && b.observedRate !== null && b.count > 0);
  if (pts.length) {
    const d = pts.map((b, k) => `${k === 0 ? 'M' : 'L'}${r1(sx(b.meanScore!))},${r1(sy(b.observedRate!))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const b of pts) {
      const r = 2.5 + 4 * Math.sqrt(b.count / maxCount);
      parts.push(
        `<circle cx="${r1(sx(b.meanScore!))}" cy="${r1(sy(b.observedRate!))}" r="${r1(r)}" fill="${color}" fill-opacity="0.75" stroke="#fff" stroke-width="1"><title>${escapeHtml(`scores ${formatValue(b.lower, 2)}–${formatValue(b.upper, 2)}: mean score ${formatValue(b.meanScore)}, observed ${formatValue(b.observedRate)}, ${b.count} rows`)}</title></circle>`,
      );
    }
  }
  const hy = m.t + ph + gap;
  for (const b of o.bins) {
    const x0 = sx(Math.max(0, b.lower));
    const x1 = sx(Math.min(1, b.upper));
    const h = (b.count / maxCount) * hh;
    parts.push(`<rect class="count-bar" x="${r1(x0 + 0.5)}" y="${r1(hy + hh - h)}" width="${r1(Math.max(0, x1 - x0 - 1))}" height="${r1(h)}"><title>${escapeHtml(`scores ${formatValue(b.lower, 2)}–${formatValue(b.upper, 2)}: ${b.count} rows`)}</title></rect>`);
  }
  parts.push(`<line class="axis" x1="${m.l}" x2="${m.l + pw}" y1="${hy + hh}" y2="${hy + hh}"/>`);
  parts.push(`<text class="tick" x="${m.l - 5}" y="${hy + 8}" text-anchor="end">${maxCount}</text><text class="tick" x="${m.l - 5}" y="${hy + hh}" text-anchor="end">0</text>`);
  for (const t of [0, 0.5, 1]) parts.push(`<text class="tick" x="${r1(sx(t))}" y="${hy + hh + 13}" text-anchor="middle">${t}</text>`);
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 4}" text-anchor="middle">mean score (bars: rows per bin)</text>`);
  parts.push(`<text class="axis-label" transform="translate(11 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">observed rate</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
