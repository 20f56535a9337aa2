import type { ComparisonDocument } from '../compare/schema.js';
import { metricInfo } from '../metrics/index.js';
import { autoDomain, niceTicks, PALETTE } from './charts.js';
import { escapeHtml as h } from './escape.js';
import { formatCount, formatInterval, formatPercent, formatValue, groupingName, groupName, metricLabel, metricShortLabel } from './format.js';

/**
 * The report's comparison section (`candor compare --out`): model versions side by side per cohort
 * as grouped bars, each candidate's differences to the baseline with their intervals and marks,
 * backward compatibility (BTC, BEC) per cohort, and where the new errors are. Pure HTML/SVG from
 * the comparison document; no style attributes or handlers (the report's CSP forbids them), and
 * models differ by fill pattern as well as colour.
 */

type Scope = ComparisonDocument['overall'];
type Delta = Scope['deltas'][string][string];

/** A scope of the comparison as the section shows it: all rows, a cohort or a sensitive group. */
interface ScopeView {
  label: string;
  /** How the scope is found in `compatibility`. */
  cohort: string | null;
  group: Record<string, string> | null;
  scope: Scope;
}

/** Metrics drawn as grouped bars, in this order, when the models have them. */
const CHART_METRICS = ['accuracy', 'false_positive_rate', 'false_negative_rate', 'selection_rate', 'roc_auc'];
/** Metrics whose differences are tabulated (the charts' and a few more). */
const TABLE_METRICS = ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'false_positive_rate', 'false_negative_rate', 'selection_rate', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier_score'];
/** Categories drawn per chart; the tables list every scope. */
const MAX_CHART_SCOPES = 16;
const MARK = { up: '↑', down: '↓', same: '≈' } as const;
const MARK_WORDS = { up: 'up: the interval is above 0', down: 'down: the interval is below 0', same: 'no clear change: the interval contains 0' } as const;

const r1 = (v: number) => (Math.round(v * 10) / 10).toString();

function scopesOf(c: ComparisonDocument): ScopeView[] {
  return [
    { label: 'All rows', cohort: null, group: null, scope: c.overall },
    ...c.cohorts.map((x) => ({ label: x.name, cohort: x.name, group: null, scope: x })),
    ...c.groups.map((g) => ({ label: `${groupingName(g.by)} = ${groupName(g.key, g.by)}`, cohort: null, group: g.key, scope: g })),
  ];
}

const sameGroup = (a: Record<string, string> | null, b: Record<string, string> | null) => (a === null || b === null ? a === b : JSON.stringify(a) === JSON.stringify(b));

/** `<pattern>` giving series k its own texture (solid, then stripes at different angles). */
function patternDef(id: string, k: number): string {
  if (k === 0) return '';
  const color = PALETTE[k % PALETTE.length];
  const angle = [45, -45, 0, 90, 30, -30, 60][(k - 1) % 7];
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(${angle})"><rect width="6" height="6" fill="${color}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>`;
}
const fillOf = (id: string, k: number) => (k === 0 ? PALETTE[0] : `url(#${id})`);

/** A legend of bar series: a swatch with the same colour and texture as the bars. */
function barLegend(id: string, names: readonly string[], notes: readonly string[] = []): string {
  const items = names.map((name, k) => {
    const pid = `${id}-key-${k}`;
    const swatch = `<svg class="swatch" width="18" height="12" aria-hidden="true"><defs>${patternDef(pid, k)}</defs><rect x="0.5" y="0.5" width="17" height="11" fill="${fillOf(pid, k)}" stroke="${PALETTE[k % PALETTE.length]}"/></svg>`;
    return `<li>${swatch}<span>${h(name)}</span>${notes[k] ? ` <span class="muted">${h(notes[k])}</span>` : ''}</li>`;
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

/** One bar of a {@link groupedBarChart}. */
export interface Bar {
  value: number | null;
  /** An interval drawn as a whisker. */
  interval?: readonly [number, number] | null;
  /** A short mark drawn above the bar (↑, ↓, ≈). */
  mark?: string;
  /** The bar's tooltip. */
  title: string;
}

/** Options of {@link groupedBarChart}. */
export interface GroupedBarChartOptions {
  /** Unique within the document. */
  id: string;
  title: string;
  description: string;
  /** Series names, one bar each per category. */
  series: readonly string[];
  /** Category labels and their bars (one per series, in order). */
  categories: readonly { label: string; bars: readonly Bar[] }[];
  yLabel: string;
  domain?: readonly [number, number];
}

/**
 * Vertical bars grouped by category, one per series, from zero; whiskers for intervals and a mark
 * above a bar when given. An undefined value leaves a gap with an em dash.
 */
export function groupedBarChart(o: GroupedBarChartOptions): string {
  const k = o.series.length;
  const barW = k > 4 ? 12 : 18;
  const catW = Math.max(50, k * barW + 14);
  const m = { l: 48, r: 12, t: 18, b: 58 };
  const ph = 190;
  const width = m.l + m.r + o.categories.length * catW;
  const height = m.t + ph + m.b;
  const values = o.categories.flatMap((c) => c.bars.flatMap((b) => [b.value, ...(b.interval ?? [])])).filter((v): v is number => v !== null && Number.isFinite(v));
  const auto = autoDomain([0, ...values]);
  const yd = o.domain ?? [Math.min(0, auto[0]), auto[1]];
  const sy = (v: number) => m.t + ph - ((v - yd[0]) / (yd[1] - yd[0] || 1)) * ph;
  const parts = [
    `<svg class="chart bar-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${o.id}-t ${o.id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${o.id}-t">${h(o.title)}</title><desc id="${o.id}-d">${h(o.description)}</desc>`,
    `<defs>${o.series.map((_, s) => patternDef(`${o.id}-p${s}`, s)).join('')}</defs>`,
    `<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${width - m.l - m.r}" height="${ph}"/>`,
  ];
  for (const t of niceTicks(yd[0], yd[1])) {
    parts.push(`<line class="grid" x1="${m.l}" x2="${width - m.r}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/><text class="tick" x="${m.l - 5}" y="${r1(sy(t) + 3.5)}" text-anchor="end">${h(String(Number(t.toPrecision(6))).replace(/^-/, '−'))}</text>`);
  }
  const y0 = sy(Math.max(yd[0], 0));
  o.categories.forEach((c, ci) => {
    const x0 = m.l + ci * catW + (catW - k * barW) / 2;
    c.bars.forEach((b, s) => {
      const x = x0 + s * barW;
      const cx = r1(x + (barW - 2) / 2);
      if (b.value === null || !Number.isFinite(b.value)) {
        parts.push(`<text class="tick" x="${cx}" y="${r1(y0 - 4)}" text-anchor="middle"><title>${h(b.title)}</title>—</text>`);
        return;
      }
      const y = sy(b.value);
      parts.push(`<rect class="bar" x="${r1(x)}" y="${r1(Math.min(y, y0))}" width="${barW - 2}" height="${r1(Math.max(Math.abs(y0 - y), 1))}" fill="${fillOf(`${o.id}-p${s}`, s)}" stroke="${PALETTE[s % PALETTE.length]}" stroke-width="1"><title>${h(b.title)}</title></rect>`);
      let top = Math.min(y, y0);
      if (b.interval) {
        const [lo, hi] = [sy(b.interval[0]), sy(b.interval[1])];
        parts.push(`<path class="whisker" d="M${cx},${r1(lo)}V${r1(hi)}M${r1(x + 2)},${r1(lo)}H${r1(x + barW - 4)}M${r1(x + 2)},${r1(hi)}H${r1(x + barW - 4)}" stroke="#1f2328" stroke-width="1.2" fill="none"/>`);
        top = Math.min(top, hi);
      }
      if (b.mark) parts.push(`<text class="bar-mark" x="${cx}" y="${r1(top - 3)}" text-anchor="middle" font-size="11">${h(b.mark)}</text>`);
    });
    const label = c.label.length > 22 ? `${c.label.slice(0, 21)}…` : c.label;
    const lx = r1(m.l + ci * catW + catW / 2);
    parts.push(`<text class="tick" x="${lx}" y="${m.t + ph + 14}" text-anchor="end" transform="rotate(-30 ${lx} ${m.t + ph + 14})">${h(label)}${label !== c.label ? `<title>${h(c.label)}</title>` : ''}</text>`);
  });
  parts.push(`<line class="axis" x1="${m.l}" x2="${width - m.r}" y1="${r1(y0)}" y2="${r1(y0)}" stroke="#57606a"/>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${h(o.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** `+0.012 ↑ [+0.004, +0.020]`, coloured as an improvement (pass) or a regression (fail) when the interval excludes 0. */
function deltaCell(metric: string, d: Delta | undefined, better: boolean | null = metricInfo(metric)?.higherIsBetter ?? null): string {
  if (!d || d.value === null) return `<td class="num na" data-metric="${h(metric)}" data-value="null">—</td>`;
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${formatValue(Math.abs(v))}`;
  const cls = d.mark === null || d.mark === 'same' || better === null ? '' : (d.mark === 'up') === better ? ' pass' : ' fail';
  const mark = d.mark ? ` <span class="delta-mark" title="${h(MARK_WORDS[d.mark])}">${MARK[d.mark]}</span>` : '';
  const ci = d.interval ? ` <span class="ci">[${signed(d.interval[0])}, ${signed(d.interval[1])}]</span>` : '';
  return `<td class="num${cls}" data-metric="${h(metric)}" data-value="${d.value}" data-mark="${d.mark ?? ''}"${d.interval ? ` data-interval="${d.interval[0]},${d.interval[1]}"` : ''}><span class="v">${signed(d.value)}</span>${mark}${ci}</td>`;
}

function tableWrap(label: string, head: string, rows: readonly string[], cls = ''): string {
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${h(label)}"><table class="data${cls ? ` ${cls}` : ''}"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** One grouped-bar chart per shown metric: categories are the scopes, one bar per model, marks on the candidates' bars. */
function metricCharts(c: ComparisonDocument, scopes: readonly ScopeView[], names: readonly string[]): string {
  const shown = scopes.slice(0, MAX_CHART_SCOPES);
  const metrics = CHART_METRICS.filter((id) => names.some((n) => typeof c.overall.metrics[n]?.[id] === 'number'));
  const figures = metrics.map((id) => {
    const categories = shown.map((s) => ({
      label: s.label,
      bars: names.map((n) => {
        const value = s.scope.metrics[n]?.[id] ?? null;
        const d = n === c.baseline ? undefined : s.scope.deltas[n]?.[id];
        const change = d && d.value !== null ? `; ${d.value >= 0 ? '+' : '−'}${formatValue(Math.abs(d.value))} vs ${c.baseline}${d.interval ? ` ${formatInterval(d.interval)}` : ''}` : '';
        return { value, mark: d?.mark ? MARK[d.mark] : undefined, title: `${s.label}, ${n}: ${metricLabel(id)} ${formatValue(value)}${change}` };
      }),
    }));
    const svg = groupedBarChart({
      id: `cmp-${id.replace(/_/g, '-')}`,
      title: `${metricLabel(id)} per cohort and model`,
      description: `${metricLabel(id)} of ${names.join(', ')} for ${shown.map((s) => s.label).join(', ')}; marks above a model's bar compare it with ${c.baseline}.`,
      series: names,
      categories,
      yLabel: metricShortLabel(id),
      domain: id === 'log_loss' ? undefined : [0, 1],
    });
    return `<figure class="fig">${svg}<figcaption>${h(metricLabel(id))}</figcaption></figure>`;
  });
  const more = scopes.length > shown.length ? `<p class="note">The charts show the first ${shown.length} of ${scopes.length} cohorts and groups; the tables list all.</p>` : '';
  return figures.length ? `<div class="figures">${figures.join('')}</div>${more}` : '';
}

/** Per scope, each candidate's difference in the tabulated metrics, with interval and mark. */
function deltaTable(c: ComparisonDocument, scopes: readonly ScopeView[], candidates: readonly string[]): string {
  const metrics = TABLE_METRICS.filter((id) => candidates.some((n) => c.overall.deltas[n]?.[id]?.value !== undefined && c.overall.deltas[n]?.[id]?.value !== null));
  if (metrics.length === 0 || candidates.length === 0) return '';
  const multi = candidates.length > 1;
  const head = `<th scope="col">Cohort</th><th scope="col" class="num">Rows</th>${metrics.flatMap((m) => candidates.map((n) => `<th scope="col" class="num" title="${h(metricLabel(m))}: ${h(n)} − ${h(c.baseline)}">Δ ${h(metricShortLabel(m))}${multi ? ` ${h(n)}` : ''}</th>`)).join('')}`;
  const rows = scopes.map((s) => `<tr><th scope="row">${h(s.label)}</th><td class="num">${formatCount(s.scope.count)}</td>${metrics.flatMap((m) => candidates.map((n) => deltaCell(m, s.scope.deltas[n]?.[m]))).join('')}</tr>`);
  return tableWrap('Differences to the baseline per cohort', head, rows, 'compare-deltas');
}

/** Every metric of every model in one scope, with the differences (the "all metrics" disclosure). */
function scopeMetricTable(c: ComparisonDocument, s: ScopeView, names: readonly string[], candidates: readonly string[]): string {
  const ids = Object.keys(s.scope.metrics[c.baseline] ?? {});
  const head = `<th scope="col">Metric</th>${names.map((n) => `<th scope="col" class="num">${h(n)}${n === c.baseline ? ' (baseline)' : ''}</th>`).join('')}${candidates.map((n) => `<th scope="col" class="num">Δ ${h(n)}</th>`).join('')}`;
  const rows = ids.map((id) => `<tr><th scope="row" title="${h(id)}">${h(metricLabel(id))}</th>${names.map((n) => `<td class="num">${formatValue(s.scope.metrics[n]?.[id] ?? null)}</td>`).join('')}${candidates.map((n) => deltaCell(id, s.scope.deltas[n]?.[id])).join('')}</tr>`);
  return `<h4>${h(s.label)} <span class="muted">(${formatCount(s.scope.count)} rows)</span></h4>${tableWrap(`All metrics, ${s.label}`, head, rows)}`;
}

/** BTC and BEC per scope as grouped bars with their intervals, and as a table. */
function compatibilitySection(c: ComparisonDocument, scopes: readonly ScopeView[], candidates: readonly string[]): string {
  if (candidates.length === 0 || c.compatibility.length === 0) return '';
  const find = (s: ScopeView, model: string) => c.compatibility.find((x) => x.model === model && x.cohort === s.cohort && sameGroup(x.group, s.group));
  const series = candidates.flatMap((n) => [`BTC ${n}`, `BEC ${n}`]);
  const shown = scopes.slice(0, MAX_CHART_SCOPES);
  const categories = shown.map((s) => ({
    label: s.label,
    bars: candidates.flatMap((n) => {
      const x = find(s, n);
      return [
        { value: x?.btc ?? null, interval: x?.btcInterval ?? null, title: `${s.label}, ${n} vs ${c.baseline}: BTC ${formatValue(x?.btc ?? null)}${x?.btcInterval ? ` ${formatInterval(x.btcInterval)}` : ''}` },
        { value: x?.bec ?? null, interval: x?.becInterval ?? null, title: `${s.label}, ${n} vs ${c.baseline}: BEC ${formatValue(x?.bec ?? null)}${x?.becInterval ? ` ${formatInterval(x.becInterval)}` : ''}` },
      ];
    }),
  }));
  const svg = groupedBarChart({ id: 'cmp-compat', title: 'Backward compatibility per cohort', description: `BTC and BEC of ${candidates.join(', ')} against ${c.baseline} for ${shown.map((s) => s.label).join(', ')}, with their intervals.`, series, categories, yLabel: 'share', domain: [0, 1] });
  const head = `<th scope="col">Cohort</th><th scope="col">Model</th><th scope="col" class="num">BTC</th><th scope="col" class="num">BEC</th><th scope="col" class="num">New errors</th><th scope="col" class="num">Rows</th>`;
  const rows = scopes.flatMap((s) =>
    candidates.map((n) => {
      const x = find(s, n);
      if (!x) return '';
      const cell = (v: number | null, ci: readonly [number, number] | null, what: string) => `<td class="num" data-metric="${what}" data-value="${v === null ? 'null' : v}"><span class="v">${formatValue(v)}</span>${ci ? ` <span class="ci">${formatInterval(ci)}</span>` : ''}</td>`;
      return `<tr><th scope="row">${h(s.label)}</th><td>${h(n)} vs ${h(c.baseline)}</td>${cell(x.btc, x.btcInterval, 'btc')}${cell(x.bec, x.becInterval, 'bec')}<td class="num">${formatCount(x.newErrors)}</td><td class="num">${formatCount(x.count)}</td></tr>`;
    }),
  );
  return (
    `<h3>Backward compatibility</h3>` +
    `<p class="note"><strong>BTC</strong> (backward trust compatibility): of the rows ${h(c.baseline)} got right, the share the new model also gets right. <strong>BEC</strong> (backward error compatibility): of the new model's errors, the share ${h(c.baseline)} also made. 1 means the update broke nothing that worked; bars show the ${Math.round(c.config.confidence * 100)}% intervals.</p>` +
    barLegend('cmp-compat', series) +
    `<figure class="fig">${svg}<figcaption>BTC and BEC per cohort</figcaption></figure>` +
    tableWrap('Backward compatibility per cohort', head, rows, 'compare-compat')
  );
}

/** Per candidate, the cohorts where it most often breaks what the baseline got right. */
function regressionsSection(c: ComparisonDocument): string {
  if (!c.regressions?.length) return '';
  const blocks = c.regressions.map((r) => {
    const intro = `<p><strong>${h(r.model)}</strong> gets ${formatCount(r.newErrors)} of the ${formatCount(r.rows)} rows ${h(r.baseline)} got right wrong (${r.regressionRate === null ? '—' : formatPercent(r.regressionRate)}). ${r.features.length ? `An error tree over ${h(r.features.join(', '))} (depth ≤ ${r.tree.maxDepth}, at least ${r.tree.minLeafRows} rows per leaf), fitted on those rows, finds where that happens most often:` : 'There were no feature columns to describe where.'}</p>`;
    if (r.cohorts.length === 0) return `<h4>${h(r.model)} vs ${h(r.baseline)}</h4>${intro}${r.features.length ? `<p class="muted">${r.newErrors === 0 ? 'No new errors.' : `No cohort of at least ${r.minRows} rows stands out.`}</p>` : ''}`;
    const head = `<th scope="col" class="num">#</th><th scope="col" class="num">Rows ${h(r.baseline)} got right</th><th scope="col" class="num">New errors</th><th scope="col" class="num">Regression rate</th><th scope="col" class="num">Lift</th><th scope="col" class="num">Share of new errors</th><th scope="col">Cohort expression</th>`;
    const rows = r.cohorts.map(
      (x, k) =>
        `<tr><td class="num">${k + 1}</td><td class="num">${formatCount(x.rows)}</td><td class="num">${formatCount(x.newErrors)}</td><td class="num" data-value="${x.regressionRate}">${formatPercent(x.regressionRate)}${x.ci ? ` <span class="ci">[${formatPercent(x.ci[0])}, ${formatPercent(x.ci[1])}]</span>` : ''}</td><td class="num">${x.lift === null ? '—' : `${x.lift.toFixed(2)}×`}</td><td class="num">${x.coverage === null ? '—' : formatPercent(x.coverage)}</td><td class="expr"><code>${h(x.expression)}</code></td></tr>`,
    );
    return `<h4>${h(r.model)} vs ${h(r.baseline)}</h4>${intro}${tableWrap(`Regression cohorts of ${r.model}`, head, rows, 'compare-regressions')}`;
  });
  return `<h3>Where the regressions are</h3><p class="note">A regression is a row the baseline got right and the new model gets wrong. Regression rate: of a cohort's rows the baseline got right, the share the new model gets wrong (1 − BTC there), with its ${Math.round((c.regressions[0]?.confidence ?? 0.95) * 100)}% Wilson interval; lift: against the overall rate. Paste an expression into <code>--where</code> or <code>--cohort</code> to look closer.</p>${blocks.join('')}`;
}

/** Changes of the between-groups ratios (min / max) of the tabulated metrics; a higher ratio is closer to parity. */
function disparitySection(c: ComparisonDocument, candidates: readonly string[]): string {
  const rows = c.disparities.filter((d) => TABLE_METRICS.includes(d.metric) && candidates.some((n) => d.deltas[n]));
  if (rows.length === 0) return '';
  const names = c.models.map((m) => m.name);
  const head = `<th scope="col">By</th><th scope="col">Metric</th>${names.map((n) => `<th scope="col" class="num">Ratio ${h(n)}</th>`).join('')}${candidates.map((n) => `<th scope="col" class="num">Δ ${h(n)}</th>`).join('')}`;
  const body = rows.map((d) => `<tr><th scope="row">${h(groupingName(d.by))}</th><td>${h(metricLabel(d.metric))}</td>${names.map((n) => `<td class="num">${formatValue(d.values[n]?.ratio ?? null)}</td>`).join('')}${candidates.map((n) => deltaCell(`${d.metric}_ratio`, d.deltas[n]?.ratio, true)).join('')}</tr>`);
  return `<details class="more"><summary>Disparities between groups: ratio (min / max) per model and its change</summary>${tableWrap('Disparity ratios per model', head, body)}</details>`;
}

/** The comparison section (`<section id="comparison">`). */
export function renderComparison(c: ComparisonDocument): string {
  const names = c.models.map((m) => m.name);
  const candidates = names.filter((n) => n !== c.baseline);
  const scopes = scopesOf(c);
  const intervals = c.config.bootstrap > 0 ? `Differences are ${h(candidates.join(', ') || 'the models')} − ${h(c.baseline)}, with ${Math.round(c.config.confidence * 100)}% paired bootstrap intervals (${formatCount(c.config.bootstrap)} resamples, seed ${c.config.seed}): ↑ or ↓ when the interval excludes 0, ≈ when it contains 0; a clear improvement is in blue, a clear regression in orange.` : 'No intervals (bootstrap 0).';
  const notes = names.map((n) => (n === c.baseline ? '(baseline)' : ''));
  const parts = [
    `<p class="lede">${names.length} models on the same ${formatCount(c.rows)} rows; baseline <strong>${h(c.baseline)}</strong>. ${intervals}</p>`,
    barLegend('cmp-models', names, notes),
    metricCharts(c, scopes, names),
    candidates.length ? `<h3>Differences to ${h(c.baseline)}</h3>${deltaTable(c, scopes, candidates)}` : '',
    `<details class="more"><summary>Every metric of every model, per cohort</summary>${scopes.map((s) => scopeMetricTable(c, s, names, candidates)).join('')}</details>`,
    disparitySection(c, candidates),
    compatibilitySection(c, scopes, candidates),
    regressionsSection(c),
  ];
  return `<section id="comparison" class="section" aria-labelledby="comparison-h"><h2 id="comparison-h">Comparison</h2>${parts.join('')}</section>`;
}
