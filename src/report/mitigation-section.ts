import type { MitigationResult } from '../mitigate/schema.js';
import { DASHES, niceTicks, PALETTE } from './charts.js';
import { escapeHtml } from './escape.js';
import { formatCount, formatInterval, formatValue, groupName, groupingName, metricLabel } from './format.js';
import { metricCell } from './sections.js';

/**
 * The report's before/after section for mitigations (`insights.mitigations`): per entry, what was
 * done and on which rows, the accuracy it cost, a table of metrics before and after per group with
 * intervals and the change, the disparities between groups; with several entries, the accuracy–
 * disparity trade-off as a scatter plot. Pure HTML/SVG strings, like the other sections.
 */

const h = escapeHtml;

/** Section id (and nav anchor) of the mitigation section. */
export const MITIGATION_SECTION_ID = 'mitigation';

/** A disparity id as words: fairness summaries by their label, `<rate>_difference` as "<rate> difference". */
export function disparityLabel(id: string): string {
  if (id === 'selection_rate_difference_max') return 'Largest selection-rate difference (over classes)';
  const m = /^(.+)_difference$/.exec(id);
  const label = metricLabel(id);
  if (label !== id) return label;
  return m ? `${metricLabel(m[1])} difference` : id;
}

/** A change with its sign — `+0.012`, `−0.012`, and `±0.000` when it rounds to zero — as the terminal prints it. */
function signedValue(v: number): string {
  const text = formatValue(Math.abs(v));
  return `${Number(text.replace(/,/g, '')) === 0 ? '±' : v > 0 ? '+' : '−'}${text}`;
}

/** `+0.012 [+0.004, +0.020]`: a change and its interval, signed alike, with true minus signs. */
function signed(v: number | null, interval: [number, number] | null): string {
  if (v === null) return '—';
  const text = signedValue(v);
  return interval ? `${text} <span class="ci">[${signedValue(interval[0])}, ${signedValue(interval[1])}]</span>` : text;
}

function changeCell(v: number | null, interval: [number, number] | null): string {
  const excludesZero = interval !== null && (interval[0] > 0 || interval[1] < 0);
  const text = signed(v, interval);
  return `<td class="num" data-value="${v === null ? 'null' : String(v)}">${excludesZero ? `<strong>${text}</strong>` : text}</td>`;
}

function metricRows(scope: string, metrics: readonly string[], values: MitigationResult['overall']['metrics'], first: boolean, span: number): string {
  return metrics
    .filter((id) => values[id])
    .map((id, k) => {
      const m = values[id];
      const head = k === 0 && first ? `<th scope="rowgroup" rowspan="${span}" class="key-col">${h(scope)}</th>` : '';
      return `<tr>${head}<th scope="row">${h(metricLabel(id))}</th>${metricCell(id, m.before, m.beforeCi ?? undefined, undefined)}${metricCell(id, m.after, m.afterCi ?? undefined, undefined)}${changeCell(m.delta.value, m.delta.interval)}</tr>`;
    })
    .join('');
}

function beforeAfterTable(r: MitigationResult, idPrefix: string): string {
  const scopes = [{ name: 'All rows', metrics: r.overall.metrics }, ...r.groups.map((g) => ({ name: `${groupingName(g.by)} = ${groupName(g.key, g.by)}`, metrics: g.metrics }))];
  const body = scopes
    .map((s) => {
      const span = r.metrics.filter((id) => s.metrics[id]).length;
      return `<tbody>${metricRows(s.name, r.metrics, s.metrics, true, span)}</tbody>`;
    })
    .join('');
  const ci = r.intervals.method === 'none' ? '' : ` [${Math.round(r.intervals.confidence * 100)}% CI]`;
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="Metrics before and after: ${h(r.name)}" id="${h(idPrefix)}-metrics"><table class="data before-after"><thead><tr><th scope="col">Rows</th><th scope="col">Metric</th><th scope="col" class="num">Before${h(ci)}</th><th scope="col" class="num">After${h(ci)}</th><th scope="col" class="num">Change${h(ci)}</th></tr></thead>${body}</table></div>`;
}

function disparityTable(r: MitigationResult): string {
  if (r.disparities.length === 0) return '';
  const rows = r.disparities.map(
    (d) =>
      `<tr><th scope="row">${h(groupingName(d.by))}</th><th scope="row">${h(disparityLabel(d.metric))}</th>${metricCell(d.metric, d.before, d.beforeCi ?? undefined, undefined)}${metricCell(d.metric, d.after, d.afterCi ?? undefined, undefined)}${changeCell(d.delta.value, d.delta.interval)}</tr>`,
  );
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="Disparities before and after: ${h(r.name)}"><table class="data before-after-disparities"><thead><tr><th scope="col">Groups</th><th scope="col">Disparity</th><th scope="col" class="num">Before</th><th scope="col" class="num">After</th><th scope="col" class="num">Change</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function describe(r: MitigationResult): string {
  const params = Object.entries(r.params)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${h(k)} <code>${h(String(v))}</code>`)
    .join(', ');
  const where = `${r.data.file ? `<code>${h(r.data.file)}</code>, ` : ''}${formatCount(r.data.rows)} rows (${r.data.split === 'training' ? 'training rows' : 'evaluation rows'}${r.data.where ? ` where <code>${h(r.data.where)}</code>` : ''})`;
  const cost = r.accuracyCost;
  const costText =
    cost.cost === null
      ? 'The accuracy change is undefined.'
      : `Accuracy ${formatValue(cost.before)} → ${formatValue(cost.after)}: ${Number(formatValue(Math.abs(cost.cost))) === 0 ? 'no cost to 3 decimals' : `${cost.cost >= 0 ? 'a cost of' : 'a gain of'} <strong>${formatValue(Math.abs(cost.cost))}</strong>`}${cost.interval ? ` (cost interval ${formatInterval(cost.interval)})` : ''}.`;
  const t = r.tradeoff;
  const tradeText = t && t.before.disparity !== null && t.after.disparity !== null ? ` ${h(disparityLabel(t.disparity))} by ${h(groupingName(t.by))}: ${formatValue(t.before.disparity)} → <strong>${formatValue(t.after.disparity)}</strong>.` : '';
  const notes = [
    `<p class="lede">Method <code>${h(r.method)}</code>${params ? ` (${params})` : ''}, compared on ${where}. ${costText}${tradeText}</p>`,
    r.expected ? '<p class="note">The rule is randomised: “after” shows its expected (probability-weighted) metrics; each interval covers row resampling and a fresh randomised draw.</p>' : '',
    r.data.note ? `<p class="note warn">${h(r.data.note)}</p>` : '',
    r.intervals.method === 'none' ? '' : `<p class="note">Changes carry paired bootstrap intervals (${formatCount(r.intervals.resamples)} resamples, seed ${r.intervals.seed}); changes in bold have an interval excluding 0.</p>`,
  ];
  return notes.join('');
}

interface ScatterPoint {
  x: number;
  y: number;
  /** The full name (legend, tooltip). */
  label: string;
  /** What tells it apart from the other points, shown beside it. */
  short: string;
  style: number;
  before: boolean;
}

/**
 * The part of each name that differs from the others: the comma-separated words every name
 * starts with are left out ("exponentiated gradient, demographic parity, eps 0.01" among other eps
 * values → "eps 0.01"), so points of a sweep are told apart beside the marker. A name left empty,
 * or shared by two entries, keeps its full text (and a number).
 * @example shortLabels(['EG, DP, eps 0.01', 'EG, DP, eps 0.05']) // ['eps 0.01', 'eps 0.05']
 */
export function shortLabels(names: readonly string[]): string[] {
  if (names.length < 2) return [...names];
  const parts = names.map((n) => n.split(', '));
  let common = 0;
  while (parts.every((p) => p.length > common + 1 && p[common] === parts[0][common])) common++;
  const short = parts.map((p) => p.slice(common).join(', '));
  return short.map((s, k) => (short.indexOf(s) !== short.lastIndexOf(s) ? `${s} (#${k + 1})` : s));
}

/** A legend marker: the point's shape and colour. */
function swatch(p: ScatterPoint): string {
  const color = PALETTE[p.style % PALETTE.length];
  const shape = p.before ? `<rect x="1" y="1" width="10" height="10" fill="${color}"/>` : `<circle cx="6" cy="6" r="5" fill="${color}"/>`;
  return `<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">${shape}</svg> `;
}

/**
 * Accuracy (y) against a disparity (x: the first entry's trade-off disparity, read from every
 * entry's disparities), one point per mitigation and one for the unmitigated model, a thin line
 * from it to each mitigation. Points differ by colour and shape (before is a
 * square), and each carries its name.
 */
export function tradeoffChart(entries: readonly MitigationResult[], id = 'mitigation-tradeoff'): string {
  const first = entries.find((e) => e.tradeoff);
  if (!first) return '';
  // One disparity for every point: the first entry's, looked up in each entry's disparities.
  const { disparity, by } = first.tradeoff!;
  const valueOf = (e: MitigationResult, which: 'before' | 'after') => e.disparities.find((d) => d.metric === disparity && d.by.join('\u0000') === by.join('\u0000'))?.[which] ?? null;
  const points: ScatterPoint[] = [];
  const befores = new Map<string, ScatterPoint>();
  const shorts = shortLabels(entries.map((e) => e.name));
  entries.forEach((e, k) => {
    const accuracy = e.accuracyCost;
    const xb = valueOf(e, 'before');
    const xa = valueOf(e, 'after');
    if (accuracy.before !== null && xb !== null) {
      const key = `${accuracy.before}\u0000${xb}`;
      if (!befores.has(key)) befores.set(key, { x: xb, y: accuracy.before, label: 'before (unmitigated)', short: 'before (unmitigated)', style: 6, before: true });
    }
    if (accuracy.after !== null && xa !== null) points.push({ x: xa, y: accuracy.after, label: e.name, short: shorts[k], style: k % (PALETTE.length - 2), before: false });
  });
  if (points.length === 0) return '';
  const all = [...befores.values(), ...points];
  const width = 560;
  const height = 320;
  const m = { l: 52, r: 16, t: 12, b: 42 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const pad = (lo: number, hi: number): [number, number] => {
    const span = hi - lo || Math.max(Math.abs(hi), 0.01);
    return [lo - span * 0.08, hi + span * 0.08];
  };
  const [x0, x1] = pad(Math.min(0, ...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const [y0, y1] = pad(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)));
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => m.t + ph - ((v - y0) / (y1 - y0)) * ph;
  const r1 = (v: number) => (Math.round(v * 10) / 10).toString();
  const title = `Accuracy against ${disparityLabel(disparity).toLowerCase()}`;
  const desc = all.map((p) => `${p.label}: ${disparityLabel(disparity).toLowerCase()} ${formatValue(p.x)}, accuracy ${formatValue(p.y)}`).join('; ');
  const parts = [
    `<svg class="chart scatter-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${h(title)}</title><desc id="${id}-d">${h(desc)}</desc>`,
    `<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`,
  ];
  for (const t of niceTicks(x0, x1)) {
    if (t < x0 || t > x1) continue;
    parts.push(`<line class="grid" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${m.t}" y2="${m.t + ph}"/><text class="tick" x="${r1(sx(t))}" y="${m.t + ph + 14}" text-anchor="middle">${h(formatValue(t))}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    if (t < y0 || t > y1) continue;
    parts.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/><text class="tick" x="${m.l - 5}" y="${r1(sy(t) + 3.5)}" text-anchor="end">${h(formatValue(t))}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  const origin = [...befores.values()][0];
  if (origin) for (const p of points) parts.push(`<line class="ref" x1="${r1(sx(origin.x))}" y1="${r1(sy(origin.y))}" x2="${r1(sx(p.x))}" y2="${r1(sy(p.y))}" stroke-dasharray="${DASHES[1]}"/>`);
  for (const p of all) {
    const color = PALETTE[p.style % PALETTE.length];
    const tip = `<title>${h(`${p.label}: ${formatValue(p.x)}, accuracy ${formatValue(p.y)}`)}</title>`;
    const x = sx(p.x);
    const y = sy(p.y);
    parts.push(p.before ? `<rect x="${r1(x - 5)}" y="${r1(y - 5)}" width="10" height="10" fill="${color}">${tip}</rect>` : `<circle cx="${r1(x)}" cy="${r1(y)}" r="5.5" fill="${color}">${tip}</circle>`);
    const anchor = x > m.l + pw * 0.5 ? 'end' : 'start';
    parts.push(`<text class="bar-label" x="${r1(x + (anchor === 'end' ? -8 : 8))}" y="${r1(y - 7)}" text-anchor="${anchor}">${h(p.short.length > 38 ? `${p.short.slice(0, 37)}…` : p.short)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 6}" text-anchor="middle">${h(disparityLabel(disparity).toLowerCase())} (lower is fairer)</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  parts.push('</svg>');
  const items = all.map((p) => `<li>${swatch(p)}${h(p.label)}: ${h(disparityLabel(disparity).toLowerCase())} ${formatValue(p.x)}, accuracy ${formatValue(p.y)}</li>`).join('');
  return `<figure class="fig wide">${parts.join('')}<figcaption>Trade-off: each mitigation's accuracy and ${h(disparityLabel(disparity).toLowerCase())} by ${h(groupingName(by))}; the square is the unmitigated model.<ul class="legend">${items}</ul></figcaption></figure>`;
}

/** The whole section, or '' when the document has no mitigations. */
export function renderMitigations(entries: readonly MitigationResult[] | undefined): string {
  if (!entries || entries.length === 0) return '';
  const blocks = entries.map((r, k) => {
    const id = `mitigation-${k + 1}`;
    return `<div class="mitigation" id="${id}"><h3>${h(r.name)}</h3>${describe(r)}${beforeAfterTable(r, id)}${disparityTable(r)}${r.warnings.length ? `<ul class="warnings">${r.warnings.map((w) => `<li>${h(w.message)}</li>`).join('')}</ul>` : ''}</div>`;
  });
  // The plot compares mitigations on the same rows: a comparison inside a cohort (`data.where`)
  // or on another file has other "before" values and is not a point of the same trade-off.
  const rowsOf = (e: MitigationResult) => `${e.data.file ?? ''}\u0000${e.data.where ?? ''}\u0000${e.data.rows}`;
  const comparable = entries.filter((e) => rowsOf(e) === rowsOf(entries[0]));
  const chart = comparable.length > 1 ? `<h3>Accuracy–disparity trade-off</h3>${tradeoffChart(comparable)}` : '';
  return `<section id="${MITIGATION_SECTION_ID}" class="section" aria-labelledby="${MITIGATION_SECTION_ID}-h"><h2 id="${MITIGATION_SECTION_ID}-h">Mitigation: before and after</h2>${chart}${blocks.join('')}</section>`;
}
