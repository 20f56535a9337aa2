import { calibrationChart, disparityChart, legend, lineChart, type Point, type Series } from './charts.js';
import { escapeHtml } from './escape.js';
import type { EmbeddedData, EmbeddedOptions, EncodedTable } from './embed.js';
import type { NumericColumn, Table } from '../table/index.js';
import { formatCount, formatMetric, formatMetricInterval, formatPercent, formatValue, groupingName, groupName, isCountMetric, metricLabel, metricShortLabel, warningKind, type WarningKind } from './format.js';
import type { CohortResult, Curves, Disparity, FairnessSummary, GroupResult, Insights, ReferenceResult, Warning } from './insights.js';

/**
 * The report's sections as HTML strings. Pure functions of the insights document, shared by the
 * static renderer ({@link renderReport}) and the in-page cohort explorer, so that a recomputed
 * cohort looks exactly like the rest of the report. Every piece of data passes through
 * {@link escapeHtml}; no section emits a `style` attribute or an event handler (the page's
 * Content-Security-Policy forbids both).
 */

type Interval = readonly [number, number];
const h = escapeHtml;

/** Charts draw at most this many groups (the palette's size); the largest groups are kept. */
export const MAX_CHART_GROUPS = 8;

/** Settings the renderers read from `insights.config`, with the defaults `assess` documents. */
export interface ReportSettings {
  confidence: number;
  minGroupSize: number;
  band: [number, number];
  threshold: number;
}

/** The report settings found in an insights document's config. */
export function reportSettings(insights: Insights): ReportSettings {
  const c = insights.config ?? {};
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const band = Array.isArray(c.band) && c.band.length === 2 && c.band.every((v) => typeof v === 'number') ? (c.band as [number, number]) : (insights.reference[0]?.band ?? [0.8, 1.25]);
  return { confidence: num(c.confidence, 0.95), minGroupSize: num(c.minGroupSize, 30), band: [band[0], band[1]], threshold: num(c.threshold, 0.5) };
}

/** A stable, unique HTML id for a grouping. */
export function groupingId(by: readonly string[], index: number): string {
  const slug = by
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `by-${index + 1}${slug ? `-${slug}` : ''}`;
}

/** The groupings present in the document, in order of first appearance, keyed by columns joined with ",". */
export function groupingsOf(insights: Insights): string[][] {
  const seen = new Map<string, string[]>();
  const add = (by: readonly string[]) => {
    if (by.length > 0 && !seen.has(by.join(','))) seen.set(by.join(','), [...by]);
  };
  for (const g of insights.groups) add(g.by);
  for (const f of insights.fairness) add(f.by);
  for (const r of insights.reference) add(r.by);
  for (const d of insights.disparities) add(d.by);
  return [...seen.values()];
}

const sameBy = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Metric ids in order of first appearance, `count` left out (it has its own column). */
export function metricIds(records: Iterable<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (k !== 'count') out.add(k);
  return [...out];
}

/** Metrics shown up front (in this order) when a document has many; the rest fold into "All metrics". */
const HEADLINE_ORDER = [
  'selection_rate',
  'accuracy',
  'accuracy_score',
  'balanced_accuracy',
  'balanced_accuracy_score',
  'true_positive_rate',
  'false_positive_rate',
  'false_negative_rate',
  'precision',
  'precision_score',
  'roc_auc',
  'roc_auc_score',
  'f1_macro',
  'precision_macro',
  'recall_macro',
  'log_loss',
  'mae',
  'rmse',
  'r2',
  'mean_prediction',
  'mean_label',
];
const MAX_HEADLINE = 8;

/** The metrics to show up front: all of them when there are few, else the usual headline rates. */
export function headlineMetrics(ids: readonly string[]): string[] {
  const measures = ids.filter((m) => !isCountMetric(m));
  if (measures.length <= MAX_HEADLINE + 1) return measures;
  const preferred = HEADLINE_ORDER.filter((m) => measures.includes(m)).slice(0, MAX_HEADLINE);
  return preferred.length >= 3 ? preferred : measures.slice(0, MAX_HEADLINE);
}

/** A table cell for a metric: `0.423 [0.401, 0.446]`, or an em dash with its reason. */
export function metricCell(metric: string, value: number | null | undefined, ci: Interval | undefined, reason: string | undefined): string {
  const data = `data-metric="${h(metric)}" data-value="${value === null || value === undefined ? 'null' : String(value)}"`;
  if (value === null || value === undefined) {
    const why = reason ?? (value === undefined ? 'not computed' : 'undefined');
    return `<td class="num na" ${data} title="${h(why)}"><span class="na-mark" aria-hidden="true">—</span><span class="sr-only">undefined: ${h(why)}</span></td>`;
  }
  return `<td class="num" ${data}><span class="v">${formatMetric(metric, value)}</span>${ci ? ` <span class="ci">${formatMetricInterval(metric, ci)}</span>` : ''}</td>`;
}

/** Every metric of one result as a compact table: metric, value and interval (the "All metrics" disclosure). */
export function renderMetricList(metrics: Record<string, number | null>, ci: Record<string, Interval> = {}, reasons: Record<string, string> = {}, label = 'All metrics'): string {
  const ids = Object.keys(metrics);
  const rows = ids.map((m) => `<tr><th scope="row" title="${h(m)}">${h(metricLabel(m))}</th>${metricCell(m, metrics[m], ci[m], reasons[m])}</tr>`);
  return `<div class="table-wrap narrow" tabindex="0" role="region" aria-label="${h(label)}"><table class="data metric-list"><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value [interval]</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** A 2×2 confusion matrix when the metrics include the four cells. */
export function renderConfusion(metrics: Record<string, number | null>): string {
  const { tp, fp, tn, fn } = metrics;
  if (![tp, fp, tn, fn].every((v) => typeof v === 'number')) return '';
  const c = (id: string, v: number | null | undefined, what: string) => `<td class="num" data-metric="${id}" data-value="${v}"><span class="v">${formatMetric(id, v)}</span><span class="sub">${what}</span></td>`;
  return (
    `<div class="table-wrap narrow" tabindex="0" role="region" aria-label="Confusion matrix"><table class="data confusion"><caption>Confusion matrix</caption><thead><tr><td></td><th scope="col" class="num">Predicted positive</th><th scope="col" class="num">Predicted negative</th></tr></thead>` +
    `<tbody><tr><th scope="row">Actual positive</th>${c('tp', tp, 'true positives')}${c('fn', fn, 'false negatives')}</tr><tr><th scope="row">Actual negative</th>${c('fp', fp, 'false positives')}${c('tn', tn, 'true negatives')}</tr></tbody></table></div>`
  );
}

/** Headline metric cards, then every metric (and the confusion matrix) in a disclosure. */
export function renderOverallMetrics(
  metrics: Record<string, number | null>,
  options: { ci?: Record<string, Interval>; reasons?: Record<string, string>; confidence?: number; baseline?: Record<string, number | null>; baselineLabel?: string } = {},
): string {
  const ids = Object.keys(metrics).filter((k) => k !== 'count');
  const headline = headlineMetrics(ids);
  const shown = Object.fromEntries(headline.map((m) => [m, metrics[m]]));
  const cards = renderMetricCards(shown, options);
  const rest = ids.length > headline.length;
  const more = rest ? `<details class="more"><summary>All ${ids.length} metrics${typeof metrics.tp === 'number' ? ' and the confusion matrix' : ''}</summary><div class="more-grid">${renderMetricList(metrics, options.ci, options.reasons)}${renderConfusion(metrics)}</div></details>` : '';
  return `<div class="overall-metrics">${cards}${more}</div>`;
}

/** Overall metrics as cards; with `baseline`, each card also shows the difference from it. */
export function renderMetricCards(
  metrics: Record<string, number | null>,
  options: { ci?: Record<string, Interval>; reasons?: Record<string, string>; confidence?: number; baseline?: Record<string, number | null>; baselineLabel?: string } = {},
): string {
  const { ci = {}, reasons = {}, confidence = 0.95, baseline, baselineLabel = 'all rows' } = options;
  const ids = Object.keys(metrics).filter((k) => k !== 'count');
  if (ids.length === 0) return '<p class="muted">No metrics.</p>';
  const cards = ids.map((id) => {
    const v = metrics[id];
    const label = `<div class="card-label" title="${h(id)}">${h(metricLabel(id))}</div>`;
    if (v === null || v === undefined) {
      const why = reasons[id] ?? 'undefined';
      return `<div class="card na" data-metric="${h(id)}" data-value="null">${label}<div class="card-value">—</div><div class="card-note">${h(why)}</div></div>`;
    }
    const interval = ci[id] ? `<div class="card-ci">${Math.round(confidence * 100)}% CI ${formatMetricInterval(id, ci[id])}</div>` : '';
    let delta = '';
    const b = baseline?.[id];
    if (baseline && typeof b === 'number') {
      const d = v - b;
      delta =
        Math.abs(d) < 0.0005
          ? `<div class="card-delta">same as ${h(baselineLabel)}</div>`
          : `<div class="card-delta${Math.abs(d) >= 0.05 ? ' big' : ''}">${d > 0 ? '+' : '−'}${formatValue(Math.abs(d))} vs ${h(baselineLabel)}</div>`;
    }
    return `<div class="card" data-metric="${h(id)}" data-value="${v}">${label}<div class="card-value">${formatMetric(id, v)}</div>${interval}${delta}</div>`;
  });
  return `<div class="cards">${cards.join('')}</div>`;
}

function configText(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? x.join(' × ') : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The report's header: title, data source, rows, task, columns, seed and generator. No clock time. */
export function renderHeader(insights: Insights, title: string, data?: EmbeddedData): string {
  const c = insights.config ?? {};
  const items: [string, string | null, boolean?][] = [
    ['Data source', insights.source?.file ?? null, true],
    ['Rows analysed', `${formatCount(insights.rows)}${insights.source?.rowsRead !== undefined && insights.source.rowsRead !== insights.rows ? ` of ${formatCount(insights.source.rowsRead)} read` : ''}`],
    ['Filter', insights.source?.where ?? configText(c.where), true],
    ['Task', insights.task],
    ['Model', configText(c.model), true],
    ['Label', configText(c.label), true],
    ['Prediction', configText(c.pred), true],
    ['Score', configText(c.score), true],
    ['Threshold', c.pred === undefined || c.pred === null ? configText(c.threshold) : null],
    ['Positive label', configText(c.positive), true],
    ['Sensitive', configText(c.sensitive), true],
    ['Intervals', typeof c.bootstrap === 'number' ? (c.bootstrap > 0 ? `bootstrap, ${formatCount(c.bootstrap)} resamples` : 'Wilson score (no bootstrap)') : null],
    ['Seed', configText(c.seed ?? data?.seed)],
    ['Generated by', insights.generator ? `${insights.generator.name} ${insights.generator.version}` : null],
  ];
  const dl = items
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v, code]) => `<div><dt>${h(k)}</dt><dd>${code ? `<code>${h(v)}</code>` : h(v)}</dd></div>`)
    .join('');
  return `<header class="report-header"><div class="wrap"><p class="eyebrow">Responsible AI assessment</p><h1>${h(title)}</h1><dl class="meta">${dl}</dl></div></header>`;
}

/** The table of contents. */
export function renderNav(entries: readonly { id: string; label: string }[]): string {
  return `<nav class="toc" aria-label="Sections"><div class="wrap"><ul>${entries.map((e) => `<li><a href="#${h(e.id)}">${h(e.label)}</a></li>`).join('')}</ul></div></nav>`;
}

function curvesFor(insights: Insights, by: readonly string[]): Curves[] {
  return (insights.curves ?? []).filter((c) => sameBy(c.by, by));
}

/** Overall metrics with intervals, and the overall curves when the document has them. */
export function renderOverview(insights: Insights): string {
  const s = reportSettings(insights);
  const cards = renderOverallMetrics(insights.overall, { ci: insights.overallCi, reasons: insights.overallReasons, confidence: s.confidence });
  const overall = curvesFor(insights, []);
  let curves = '';
  if (overall.length) {
    const c = overall[0];
    const auc = insights.overall.roc_auc_score;
    const figs: string[] = [];
    if (c.roc.length) figs.push(figure(lineChart({ id: 'overall-roc', title: 'ROC curve, all rows', series: [{ name: 'All rows', points: c.roc }], x: { label: 'false positive rate', domain: [0, 1] }, y: { label: 'true positive rate', domain: [0, 1] }, diagonal: 'up' }), `ROC${typeof auc === 'number' ? ` (AUC ${formatValue(auc)})` : ''}`));
    if (c.pr.length) figs.push(figure(lineChart({ id: 'overall-pr', title: 'Precision–recall curve, all rows', series: [{ name: 'All rows', points: c.pr }], x: { label: 'recall', domain: [0, 1] }, y: { label: 'precision', domain: [0, 1] } }), 'Precision–recall'));
    if (c.calibration.length) figs.push(figure(calibrationChart({ id: 'overall-cal', title: 'all rows', bins: c.calibration, width: 300 }), 'Calibration'));
    if (figs.length) curves = `<h3 class="overview-curves">Curves, all rows</h3><div class="figures">${figs.join('')}</div>`;
  }
  return section('overview', 'Overview', `<p class="lede">${overviewSentence(insights, s)}</p>${cards}${curves}`);
}

function overviewSentence(insights: Insights, s: ReportSettings): string {
  const groupings = groupingsOf(insights);
  const parts = [`${formatCount(insights.rows)} rows, ${h(insights.task)} task.`];
  if (groupings.length) parts.push(`Disaggregated by ${groupings.map((b) => `<strong>${h(groupingName(b))}</strong>`).join(', ')}.`);
  if (insights.overallCi && Object.keys(insights.overallCi).length) parts.push(`Brackets are ${Math.round(s.confidence * 100)}% confidence intervals.`);
  return parts.join(' ');
}

function section(id: string, title: string, body: string, cls = ''): string {
  return `<section id="${h(id)}" class="section${cls ? ` ${cls}` : ''}" aria-labelledby="${h(id)}-h"><h2 id="${h(id)}-h">${h(title)}</h2>${body}</section>`;
}

function figure(svg: string, caption: string, extra = ''): string {
  return `<figure class="fig">${svg}<figcaption>${h(caption)}${extra}</figcaption></figure>`;
}

interface WarningItem {
  kind: WarningKind;
  text: string;
  detail?: string;
}

const KIND_TITLES: Record<WarningKind, string> = {
  dropped_rows: 'Rows left out',
  small_group: 'Small groups',
  undefined_metric: 'Undefined metrics',
  other: 'Other warnings',
};

function keyText(key: Record<string, string> | undefined, by: readonly string[] | undefined): string {
  if (!key) return '';
  const cols = by && by.length ? by : Object.keys(key);
  return cols.map((c) => `${c} = ${key[c]}`).join(', ');
}

/** Every warning in the document, de-duplicated, plus one entry per metric that is null with a reason. */
export function collectWarnings(insights: Insights): WarningItem[] {
  const out: WarningItem[] = [];
  const seen = new Set<string>();
  const push = (kind: WarningKind, dedupe: string, text: string, detail?: string) => {
    if (seen.has(dedupe)) return;
    seen.add(dedupe);
    out.push(detail ? { kind, text, detail } : { kind, text });
  };
  const fromWarning = (w: Warning) => {
    const kind = warningKind(w);
    const where = w.key ? keyText(w.key, w.by) : w.cohort ? `cohort ${w.cohort}` : '';
    // Warnings about one metric of one group share their identity with the reasons below.
    const id = kind === 'undefined_metric' && w.metric ? `u|${w.cohort ?? ''}|${JSON.stringify(w.key ?? {})}|${w.metric}` : `w|${w.code}|${w.message}|${JSON.stringify(w.key ?? {})}|${w.cohort ?? ''}`;
    const named = w.key ? Object.values(w.key).every((v) => w.message.includes(v)) : w.cohort ? w.message.includes(w.cohort) : true;
    push(kind, id, w.message, where && !named ? where : undefined);
  };
  for (const w of insights.warnings ?? []) fromWarning(w);
  for (const g of insights.groups) for (const w of g.warnings) fromWarning(w);
  for (const c of insights.cohorts) for (const w of c.warnings ?? []) fromWarning(w);
  const s = reportSettings(insights);
  for (const g of insights.groups) {
    if (g.count < s.minGroupSize && !g.warnings.some((w) => warningKind(w) === 'small_group')) {
      push('small_group', `s|${JSON.stringify(g.key)}`, `${keyText(g.key, g.by)}: ${formatCount(g.count)} rows, fewer than ${s.minGroupSize}; its metrics are unreliable`);
    }
  }
  const reasonItems = (scope: string, dedupeScope: string, metrics: Record<string, number | null>, reasons: Record<string, string> | undefined) => {
    for (const [metric, v] of Object.entries(metrics)) {
      if (v !== null) continue;
      const why = reasons?.[metric] ?? 'undefined';
      push('undefined_metric', `u|${dedupeScope}|${metric}`, `${metricLabel(metric)} is undefined for ${scope}: ${why}`);
    }
  };
  reasonItems('all rows', '|{}', insights.overall, insights.overallReasons);
  for (const g of insights.groups) reasonItems(keyText(g.key, g.by), `|${JSON.stringify(g.key)}`, g.metrics, g.reasons);
  for (const c of insights.cohorts) reasonItems(`cohort ${c.name}`, `${c.name}|{}`, c.metrics, c.reasons);
  return out;
}

/** Warnings grouped by kind; long lists fold into a disclosure. */
export function renderWarnings(insights: Insights): string {
  const items = collectWarnings(insights);
  if (items.length === 0) return section('warnings', 'Warnings', '<p class="ok-note"><span aria-hidden="true">✓</span> No warnings: every group is large enough and every metric is defined.</p>');
  const order: WarningKind[] = ['dropped_rows', 'small_group', 'undefined_metric', 'other'];
  const blocks = order
    .map((kind) => {
      const list = items.filter((i) => i.kind === kind);
      if (list.length === 0) return '';
      const lis = list.map((i) => `<li>${h(i.text)}${i.detail ? ` <span class="muted">(${h(i.detail)})</span>` : ''}</li>`).join('');
      const heading = `${KIND_TITLES[kind]} <span class="count-badge">${list.length}</span>`;
      if (list.length > 6) return `<div class="warn-block warn-${kind}"><details><summary><h3>${heading}</h3></summary><ul>${lis}</ul></details></div>`;
      return `<div class="warn-block warn-${kind}"><h3>${heading}</h3><ul>${lis}</ul></div>`;
    })
    .join('');
  return section('warnings', 'Warnings', `<div class="warnings">${blocks}</div>`);
}

/** Options of {@link renderGroupTable}. */
export interface GroupTableOptions {
  minGroupSize?: number;
  /** The reference group's key, marked in the table. */
  reference?: Record<string, string>;
  /** A visible caption. */
  caption?: string;
  /** An accessible name for the table's scroll region (defaults to the caption). */
  label?: string;
}

/**
 * One row per group: the grouping's columns, the count, and the headline metrics with their
 * intervals; when there are more metrics, every one of them in a second table under "All metrics".
 */
export function renderGroupTable(groups: readonly GroupResult[], by: readonly string[], options: GroupTableOptions = {}): string {
  const all = metricIds(groups.map((g) => g.metrics));
  const headline = headlineMetrics(all);
  const main = groupTable(groups, by, headline, options);
  if (headline.length === all.length) return main;
  return `${main}<details class="more"><summary>All ${all.length} metrics per group</summary>${groupTable(groups, by, all, { ...options, caption: undefined, label: `All metrics per group of ${groupingName(by)}` })}</details>`;
}

function groupTable(groups: readonly GroupResult[], by: readonly string[], metrics: readonly string[], options: GroupTableOptions): string {
  const { minGroupSize = 30, reference, caption, label } = options;
  const head = [...by.map((c) => `<th scope="col" class="key-col">${h(c)}</th>`), '<th scope="col" class="num">Count</th>', ...metrics.map((m) => `<th scope="col" class="num" title="${h(metricLabel(m))} (${h(m)})">${h(metricShortLabel(m))}</th>`)].join('');
  const rows = groups.map((g) => {
    const small = g.count < minGroupSize || g.warnings.some((w) => warningKind(w) === 'small_group');
    const isRef = reference !== undefined && by.every((c) => reference[c] === g.key[c]);
    const badges = `${isRef ? ' <span class="badge ref" title="reference group for ratios">ref</span>' : ''}${small ? ` <span class="badge small" title="fewer than ${minGroupSize} rows: estimates are unreliable"><span aria-hidden="true">⚠</span> small</span>` : ''}`;
    const keyCells = by.map((c, i) => `<th scope="row" class="key-col">${h(g.key[c] ?? '')}${i === by.length - 1 ? badges : ''}</th>`).join('');
    const cells = metrics.map((m) => metricCell(m, g.metrics[m], g.ci[m], g.reasons?.[m])).join('');
    return `<tr class="${small ? 'small-group' : ''}${isRef ? ' ref-group' : ''}" data-group="${h(groupName(g.key, by))}">${keyCells}<td class="num">${formatCount(g.count)}</td>${cells}</tr>`;
  });
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${h(label ?? caption ?? `Metrics per group of ${groupingName(by)}`)}"><table class="data group-table">${caption ? `<caption>${h(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const FAMILY_TEXT: Record<string, string> = {
  demographic_parity: 'selection rates',
  equalized_odds: 'true and false positive rates (the worse of the two)',
  equal_opportunity: 'true positive rates',
};

/** Demographic parity, equalized odds and equal opportunity: difference and ratio with intervals; variants (mean, to overall) folded. */
export function renderFairnessSummary(summary: FairnessSummary, band: readonly [number, number]): string {
  const ci = (summary.ci ?? {}) as Record<string, Interval>;
  interface Row {
    base: string;
    variant: string;
    difference?: string;
    ratio?: string;
    other?: string;
  }
  const rows = new Map<string, Row>();
  for (const [k, v] of Object.entries(summary)) {
    if (k === 'by' || k === 'ci') continue;
    if (!(typeof v === 'number' || v === null)) continue;
    const m = /^(.+?)_(difference|ratio)((?:_mean)?(?:_to_overall)?)$/.exec(k);
    const id = m ? `${m[1]}${m[3]}` : k;
    const row = rows.get(id) ?? { base: m ? m[1] : k, variant: m ? m[3] : '' };
    if (m) row[m[2] as 'difference' | 'ratio'] = k;
    else row.other = k;
    rows.set(id, row);
  }
  if (rows.size === 0) return '<p class="muted">No fairness summary for this grouping.</p>';
  const value = (k: string | undefined) => (k === undefined ? undefined : (summary[k] as number | null));
  const cell = (k: string | undefined) => (k === undefined ? '<td class="num muted">n/a</td>' : metricCell(k, value(k), ci[k], undefined));
  const render = (r: Row, main: boolean) => {
    if (r.other) return `<tr><th scope="row">${h(metricLabel(r.other))}</th>${cell(r.other)}<td></td>${main ? '<td></td>' : ''}</tr>`;
    const label = metricLabel(`${r.base}_difference${r.variant}`).replace(/ difference/, '');
    const sub = main ? `<span class="sub">${h(FAMILY_TEXT[r.base] ?? '')}</span>` : '';
    const ratio = value(r.ratio);
    const verdict =
      typeof ratio === 'number'
        ? ratio >= band[0]
          ? `<span class="pass"><span aria-hidden="true">✓</span> ratio ≥ ${formatValue(band[0], 2)}</span>`
          : `<span class="fail"><span aria-hidden="true">✕</span> ratio &lt; ${formatValue(band[0], 2)}</span>`
        : '<span class="muted">—</span>';
    return `<tr><th scope="row">${h(label)}${sub}</th>${cell(r.difference)}${cell(r.ratio)}${main ? `<td>${verdict}</td>` : ''}</tr>`;
  };
  const main = [...rows.values()].filter((r) => r.variant === '' && !r.other);
  const others = [...rows.values()].filter((r) => r.variant !== '' || r.other);
  const head = (check: boolean) => `<thead><tr><th scope="col">Criterion</th><th scope="col" class="num">Difference (max − min)</th><th scope="col" class="num">Ratio (min / max)</th>${check ? `<th scope="col">Four-fifths check</th>` : ''}</tr></thead>`;
  const name = groupingName(summary.by);
  let html = main.length
    ? `<div class="table-wrap" tabindex="0" role="region" aria-label="Fairness summary for ${h(name)}"><table class="data fairness-table">${head(true)}<tbody>${main.map((r) => render(r, true)).join('')}</tbody></table></div>`
    : '';
  if (others.length) {
    const table = `<div class="table-wrap" tabindex="0" role="region" aria-label="More fairness summaries for ${h(name)}"><table class="data fairness-table">${head(false)}<tbody>${others.map((r) => render(r, false)).join('')}</tbody></table></div>`;
    html += main.length ? `<details class="more"><summary>${others.length} more summaries (mean of TPR and FPR, relative to overall)</summary>${table}</details>` : table;
  }
  return `${html}<p class="note">A difference of 0 and a ratio of 1 mean parity across groups. “To overall” variants compare each group with all rows instead of with each other.</p>`;
}

/** The rates drawn first in disparity charts (the ones fairness criteria compare), then the rest. */
const DISPARITY_ORDER = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'false_negative_rate', 'true_negative_rate', 'precision_score', 'accuracy_score'];

/** The disparity chart against the reference group: a block of bars per metric on one log axis. */
export function renderReferenceChart(ref: ReferenceResult, idPrefix: string): string {
  const refLabel = groupName(ref.group, ref.by);
  const labels = Object.keys(ref.disparity).filter((l) => l !== refLabel);
  const found = metricIds(Object.values(ref.disparity));
  const metrics = [...DISPARITY_ORDER.filter((m) => found.includes(m)), ...found.filter((m) => !DISPARITY_ORDER.includes(m))];
  if (labels.length === 0 || metrics.length === 0) return '<p class="muted">Only the reference group: nothing to compare.</p>';
  const blocks = metrics.map((m) => ({
    label: metricLabel(m),
    bars: labels.map((l) => {
      const ratio = ref.disparity[l][m] ?? null;
      return { group: l, ratio, pass: ref.pass[l]?.[m] ?? null, ...(ratio === null ? { reason: `undefined: the ${metricLabel(m).toLowerCase()} is undefined for this group or is 0 for the reference` } : {}) };
    }),
  }));
  const failing = blocks.reduce((n, b) => n + b.bars.filter((x) => x.pass === false).length, 0);
  const key =
    `<ul class="chart-key" aria-label="How to read the disparity chart">` +
    `<li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" class="band"/></svg> pass band ${formatValue(ref.band[0], 2)}–${formatValue(ref.band[1], 2)}</li>` +
    `<li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" fill="#0072B2"/></svg> <span aria-hidden="true">✓</span> inside the band</li>` +
    `<li><svg width="22" height="12" aria-hidden="true"><defs><pattern id="${idPrefix}-key-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#D55E00"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.2"/></pattern></defs><rect width="22" height="12" fill="url(#${idPrefix}-key-hatch)"/></svg> <span aria-hidden="true">✕</span> outside the band</li>` +
    `<li>reference group: <strong>${h(refLabel)}</strong> (ratio 1)</li>` +
    `<li class="${failing ? 'fail' : 'pass'}">${failing ? `${failing} ratio${failing === 1 ? '' : 's'} outside the band` : 'every defined ratio is inside the band'}</li></ul>`;
  return `${key}<figure class="fig wide">${disparityChart({ id: `${idPrefix}-disp`, reference: refLabel, band: ref.band, blocks })}</figure>`;
}

/** Every metric's difference and ratio across groups, worst first; those outside the band highlighted. */
export function renderDisparityTable(disparities: readonly Disparity[], by: readonly string[], band: readonly [number, number]): string {
  const measures = disparities.filter((d) => !isCountMetric(d.metric));
  if (measures.length === 0) return '<p class="muted">No disparities computed.</p>';
  const sorted = [...measures].sort((a, b) => (a.ratio ?? Infinity) - (b.ratio ?? Infinity) || a.metric.localeCompare(b.metric));
  const rows = sorted.map((d) => {
    const worst = d.ratio !== null && d.ratio < band[0];
    const minMax = (r: Disparity['min']) => (r ? `${h(groupName(r.group, by))} <span class="muted">${formatValue(r.value)}</span>` : '—');
    const excluded = d.excluded.length ? `<span class="muted" title="${h(d.excluded.map((k) => groupName(k, by)).join('; '))}">${d.excluded.length} excluded</span>` : '';
    return (
      `<tr class="${worst ? 'worst' : ''}"><th scope="row">${worst ? '<span class="flag" aria-label="outside the band">▲</span> ' : ''}${h(metricLabel(d.metric))}</th>` +
      `<td>${minMax(d.min)}</td><td>${minMax(d.max)}</td>` +
      `${metricCell(`${d.metric}:difference`, d.difference, d.ci.difference, undefined)}${metricCell(`${d.metric}:ratio`, d.ratio, d.ci.ratio, undefined)}` +
      `<td class="num">${formatValue(d.difference_to_overall)}</td><td class="num">${formatValue(d.ratio_to_overall)}</td><td>${excluded}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap" tabindex="0" role="region" aria-label="Differences and ratios per metric for ${h(groupingName(by))}"><table class="data disparity-table"><thead><tr><th scope="col">Metric</th><th scope="col">Lowest group</th><th scope="col">Highest group</th><th scope="col" class="num">Difference</th><th scope="col" class="num">Ratio</th><th scope="col" class="num">Max |group − overall|</th><th scope="col" class="num">Min ratio to overall</th><th scope="col">Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>` +
    `<p class="note">Sorted by ratio, worst first. <span class="flag" aria-hidden="true">▲</span> Highlighted rows have a ratio below ${formatValue(band[0], 2)}.</p>`
  );
}

const THRESHOLD_METRICS = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision_score', 'accuracy_score', 'f1_score', 'false_negative_rate'];

/** Curves for a grouping's groups: threshold curves, ROC, PR and calibration. */
export function renderCurves(curves: readonly Curves[], by: readonly string[], groups: readonly GroupResult[], idPrefix: string, threshold: number): string {
  if (curves.length === 0) return '';
  const size = (c: Curves) => groups.find((g) => by.every((col) => g.key[col] === c.key[col]))?.count ?? 0;
  const shown = curves.length > MAX_CHART_GROUPS ? [...curves].sort((a, b) => size(b) - size(a)).slice(0, MAX_CHART_GROUPS) : [...curves];
  const note = curves.length > MAX_CHART_GROUPS ? `<p class="note">Showing the ${MAX_CHART_GROUPS} largest of ${curves.length} groups.</p>` : '';
  const names = shown.map((c) => groupName(c.key, by));
  const aucOf = (c: Curves) => groups.find((g) => by.every((col) => g.key[col] === c.key[col]))?.metrics.roc_auc_score;
  const key = legend(shown.map((c, i) => ({ name: names[i], note: typeof aucOf(c) === 'number' ? `AUC ${formatValue(aucOf(c) as number)}` : undefined })));
  const parts: string[] = [];
  const available = new Set<string>();
  for (const c of shown) for (const t of c.thresholds.slice(0, 1)) for (const k of Object.keys(t)) if (k !== 'threshold') available.add(k);
  const chosen = THRESHOLD_METRICS.filter((m) => available.has(m));
  for (const m of available) if (chosen.length < 4 && !chosen.includes(m)) chosen.push(m);
  if (chosen.length) {
    const panels = chosen.slice(0, 4).map((m, i) => {
      const series: Series[] = shown.map((c, k) => ({ name: names[k], points: c.thresholds.filter((t) => typeof t[m] === 'number').map((t): Point => [t.threshold, t[m] as number]) }));
      return figure(lineChart({ id: `${idPrefix}-thr-${i}`, title: `${metricLabel(m)} by threshold`, series, x: { label: 'threshold', domain: [0, 1] }, y: { label: metricShortLabel(m) }, width: 250, height: 210, marker: { at: threshold, label: `decision threshold ${threshold}` } }), metricLabel(m));
    });
    parts.push(`<h4>Metrics by threshold</h4><p class="note">The vertical line marks the decision threshold (${formatValue(threshold, 2)}).</p><div class="figures small">${panels.join('')}</div>`);
  }
  const rocPr: string[] = [];
  if (shown.some((c) => c.roc.length)) rocPr.push(figure(lineChart({ id: `${idPrefix}-roc`, title: `ROC curves by ${groupingName(by)}`, series: shown.map((c, k) => ({ name: names[k], points: c.roc })), x: { label: 'false positive rate', domain: [0, 1] }, y: { label: 'true positive rate', domain: [0, 1] }, diagonal: 'up' }), 'ROC'));
  if (shown.some((c) => c.pr.length)) rocPr.push(figure(lineChart({ id: `${idPrefix}-pr`, title: `Precision–recall curves by ${groupingName(by)}`, series: shown.map((c, k) => ({ name: names[k], points: c.pr })), x: { label: 'recall', domain: [0, 1] }, y: { label: 'precision', domain: [0, 1] } }), 'Precision–recall'));
  if (rocPr.length) parts.push(`<h4>ROC and precision–recall</h4><div class="figures">${rocPr.join('')}</div>`);
  if (shown.some((c) => c.calibration.length)) {
    const cal = shown.map((c, k) => figure(calibrationChart({ id: `${idPrefix}-cal-${k}`, title: names[k], bins: c.calibration, style: k, width: 248 }), names[k]));
    parts.push(`<h4>Calibration</h4><p class="note">Dots: observed positive rate per score bin (area ∝ rows); dashed diagonal: perfect calibration; bars: rows per bin.</p><div class="figures small">${cal.join('')}</div>`);
  }
  return `<h3>Curves</h3>${note}${key}${parts.join('')}`;
}

/** Everything about one sensitive grouping. */
export function renderGrouping(insights: Insights, by: readonly string[], index: number): string {
  const s = reportSettings(insights);
  const id = groupingId(by, index);
  const groups = insights.groups.filter((g) => sameBy(g.by, by));
  const ref = insights.reference.find((r) => sameBy(r.by, by));
  const fairness = insights.fairness.find((f) => sameBy(f.by, by));
  const disparities = insights.disparities.filter((d) => sameBy(d.by, by));
  const band = ref?.band ?? s.band;
  const parts: string[] = [];
  parts.push(`<h3>Metrics per group</h3>`);
  parts.push(groups.length ? renderGroupTable(groups, by, { minGroupSize: s.minGroupSize, reference: ref?.group }) : '<p class="muted">No groups.</p>');
  if (fairness) parts.push(`<h3>Fairness summary</h3>${renderFairnessSummary(fairness, band)}`);
  if (ref) parts.push(`<h3>Disparity against the reference group</h3><p class="note">Each bar is a group's value divided by the reference group's value (log scale, so 0.5 and 2 are equally far from parity).</p>${renderReferenceChart(ref, id)}`);
  if (disparities.length) parts.push(`<h3>Differences and ratios per metric</h3>${renderDisparityTable(disparities, by, band)}`);
  parts.push(renderCurves(curvesFor(insights, by), by, groups, id, s.threshold));
  return section(id, `By ${groupingName(by)}`, parts.join(''), 'grouping');
}

/** The named cohorts and their metrics. */
export function renderCohorts(cohorts: readonly CohortResult[]): string {
  if (cohorts.length === 0) return section('cohorts', 'Cohorts', '<p class="muted">No named cohorts were given (use <code>--cohort name=expression</code>).</p>');
  const all = metricIds(cohorts.map((c) => c.metrics));
  const headline = headlineMetrics(all);
  const table = (metrics: readonly string[], label: string) => {
    const head = `<th scope="col">Cohort</th><th scope="col">Expression</th><th scope="col" class="num">Count</th>${metrics.map((m) => `<th scope="col" class="num" title="${h(metricLabel(m))}">${h(metricShortLabel(m))}</th>`).join('')}`;
    const rows = cohorts.map((c) => `<tr><th scope="row">${h(c.name)}</th><td class="expr"><code>${h(c.expression)}</code></td><td class="num">${formatCount(c.count)}</td>${metrics.map((m) => metricCell(m, c.metrics[m], c.ci?.[m], c.reasons?.[m])).join('')}</tr>`);
    return `<div class="table-wrap" tabindex="0" role="region" aria-label="${h(label)}"><table class="data cohort-table"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  };
  const more = headline.length < all.length ? `<details class="more"><summary>All ${all.length} metrics per cohort</summary>${table(all, 'All metrics per cohort')}</details>` : '';
  return section('cohorts', 'Cohorts', table(headline, 'Metrics per cohort') + more);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'true', 'false']);

/** A column name as the cohort language writes it: bare, or double-quoted when it must be. */
export function quoteIdentifier(name: string): string {
  return IDENT.test(name) && !KEYWORDS.has(name.toLowerCase()) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A string literal of the cohort language. */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A few example expressions for the explorer, built from the report's own columns and groups. */
export function exampleExpressions(insights: Insights, options: EmbeddedOptions, table: Table): string[] {
  const out: string[] = [];
  const firstGroup = insights.groups.find((g) => g.by.length === 1 && g.key[g.by[0]] !== '(missing)' && table.has(g.by[0]));
  const cat = firstGroup ? `${quoteIdentifier(firstGroup.by[0])} = ${quoteString(firstGroup.key[firstGroup.by[0]])}` : null;
  const used = new Set<string>([options.label, options.pred ?? '', options.weight ?? '', ...(typeof options.score === 'string' ? [options.score] : (options.score ?? []))]);
  const num = table.columns.find((c): c is NumericColumn => c.type === 'numeric' && !used.has(c.name) && (c.role === undefined || c.role === 'feature'));
  const numeric = num ? `${quoteIdentifier(num.name)} > ${roundQuantile(num.values, 0.75)}` : null;
  if (numeric) out.push(numeric);
  if (cat) out.push(cat);
  if (numeric && cat) out.push(`${numeric} and ${cat}`);
  for (const c of options.cohorts ?? []) if (out.length < 4) out.push(c.expression);
  return [...new Set(out)];
}

/** A round number near the q-quantile of the non-missing values (a readable example cut-off). */
function roundQuantile(values: Float64Array, q: number): string {
  const finite: number[] = [];
  const stride = Math.max(1, Math.floor(values.length / 5000));
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (finite.length === 0) return '0';
  finite.sort((a, b) => a - b);
  const v = finite[Math.min(finite.length - 1, Math.floor(finite.length * q))];
  const mag = Math.abs(v) >= 10 ? 10 ** Math.floor(Math.log10(Math.abs(v)) - 1) : Math.abs(v) >= 1 ? 1 : 0.01;
  return String(Number((Math.round(v / mag) * mag).toPrecision(6)));
}

function columnSummary(table: Table): string {
  const rows = table.columns.map((c) => {
    let values = '';
    if (c.type === 'categorical' || c.type === 'list') {
      const shown = c.dictionary.slice(0, 6).map((v) => `<code>${h(quoteString(v))}</code>`);
      values = shown.join(', ') + (c.dictionary.length > 6 ? `, … (${formatCount(c.dictionary.length)} values)` : '');
    } else if (c.type === 'boolean') values = '<code>true</code>, <code>false</code>';
    else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < c.values.length; i++) {
        const v = c.values[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      values = lo <= hi ? `${formatValue(lo)} to ${formatValue(hi)}` : 'all missing';
    }
    return `<tr><th scope="row"><code>${h(quoteIdentifier(c.name))}</code></th><td>${h(c.type)}</td><td>${h(c.role ?? 'feature')}</td><td>${values}</td></tr>`;
  });
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="Columns"><table class="data columns-table"><thead><tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Role</th><th scope="col">Values</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The sentence that says which rows the explorer computes from (and that they are a sample, when they are). */
export function sampleNote(table: EncodedTable): string {
  return table.sampled
    ? `Computed in your browser from a random sample of ${formatCount(table.sampleRows)} of the ${formatCount(table.totalRows)} rows (${formatPercent(table.sampleRows / table.totalRows)}, seed ${table.seed}); figures differ slightly from a full run.`
    : `Computed in your browser from all ${formatCount(table.totalRows)} rows embedded in this file.`;
}

/** The "Explore a cohort" box. Without embedded rows it says how to get them. */
export function renderExplore(insights: Insights, data: EmbeddedData | undefined, table: Table | undefined): string {
  if (!data || !table || !data.options) {
    return section('explore', 'Explore a cohort', '<p class="muted">This report was written without its rows, so cohorts cannot be recomputed here. Re-run the assessment with rows embedded to enable the explorer.</p>');
  }
  const examples = exampleExpressions(insights, data.options, table);
  const chips = examples.map((e) => `<button type="button" class="example" data-expr="${h(e)}">${h(e)}</button>`).join(' ');
  const body =
    `<p>Type a filter in the cohort language and press <kbd>Enter</kbd>: the page recomputes that cohort's metrics with the same code and options as the report. Names with spaces take double quotes, text takes single quotes: <code>age &gt; 60 and sex = 'Female'</code>, <code>region in ('North', 'East')</code>, <code>income is null</code>.</p>` +
    `<form id="explore-form" class="explore-form" novalidate>` +
    `<label for="cohort-input">Cohort expression</label>` +
    `<div class="explore-row"><input id="cohort-input" name="expression" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="cohort-help cohort-error" placeholder="${h(examples[examples.length > 2 ? 2 : 0] ?? "age > 60 and sex = 'Female'")}">` +
    `<label class="inline" for="cohort-bootstrap">Intervals</label><select id="cohort-bootstrap"><option value="0" selected>Wilson (fast)</option><option value="200">Bootstrap, 200 resamples</option></select>` +
    `<button type="submit" id="cohort-run">Compute</button></div>` +
    (chips ? `<p id="cohort-help" class="help">Try: ${chips}</p>` : '<p id="cohort-help" class="help"></p>') +
    `<pre id="cohort-error" class="expr-error" role="alert" hidden></pre>` +
    `</form>` +
    `<p class="sample-note" id="sample-note">${h(sampleNote(data))}</p>` +
    `<noscript><p class="muted">The explorer needs JavaScript.</p></noscript>` +
    `<div id="cohort-status" class="status" role="status" aria-live="polite"></div>` +
    `<div id="cohort-result" class="cohort-result"></div>` +
    `<div id="cohort-history" class="cohort-history"></div>` +
    `<details class="columns"><summary>Columns you can use (${table.columns.length})</summary>${columnSummary(table)}</details>`;
  return section('explore', 'Explore a cohort', body);
}

/** What the explorer shows for one recomputed cohort. */
export interface CohortView {
  expression: string;
  /** `assess` on the cohort's rows. */
  result: Insights;
  /** The report's own document, for differences from all rows. */
  baseline: Insights;
  /** Rows of the embedded table that matched. */
  matched: number;
  /** Rows the expression was evaluated on. */
  of: number;
  bootstrap: number;
  /** Adjustments the explorer made (see `explorerOptions`). */
  notes?: readonly string[];
}

/** The recomputed cohort: counts, metric cards with differences from all rows, and the per-group tables. */
export function renderCohortResult(v: CohortView): string {
  const s = reportSettings(v.baseline);
  const parts: string[] = [];
  parts.push(`<h3>Cohort <code>${h(v.expression)}</code></h3>`);
  parts.push(`<p class="lede" data-count="${v.matched}"><strong>${formatCount(v.matched)}</strong> of ${formatCount(v.of)} rows match (${formatPercent(v.of ? v.matched / v.of : 0)}). Intervals: ${v.bootstrap > 0 ? `bootstrap, ${v.bootstrap} resamples` : 'Wilson score'}.</p>`);
  for (const note of v.notes ?? []) parts.push(`<p class="note">${h(note)}</p>`);
  parts.push(renderOverallMetrics(v.result.overall, { ci: v.result.overallCi, reasons: v.result.overallReasons, confidence: s.confidence, baseline: v.baseline.overall }));
  const warnings = collectWarnings(v.result);
  if (warnings.length) {
    parts.push(`<details class="cohort-warnings"><summary>${warnings.length} warning${warnings.length === 1 ? '' : 's'} for this cohort</summary><ul>${warnings.map((w) => `<li>${h(w.text)}</li>`).join('')}</ul></details>`);
  }
  for (const by of groupingsOf(v.result)) {
    const groups = v.result.groups.filter((g) => sameBy(g.by, by));
    const ref = v.result.reference.find((r) => sameBy(r.by, by));
    const fairness = v.result.fairness.find((f) => sameBy(f.by, by));
    parts.push(`<h4>By ${h(groupingName(by))}</h4>`);
    if (groups.length) parts.push(renderGroupTable(groups, by, { minGroupSize: s.minGroupSize, reference: ref?.group, label: `Cohort metrics per group of ${groupingName(by)}` }));
    if (fairness) parts.push(renderFairnessSummary(fairness, ref?.band ?? s.band));
  }
  return `<div class="cohort-card" data-expression="${h(v.expression)}" data-count="${v.matched}">${parts.join('')}</div>`;
}

/** One explored cohort in the explorer's history. */
export interface HistoryEntry {
  expression: string;
  count: number;
  metrics: Record<string, number | null>;
}

/** A small table of the cohorts explored so far, each re-runnable. */
export function renderHistory(entries: readonly HistoryEntry[], baseline: Insights): string {
  if (entries.length === 0) return '';
  const metrics = headlineMetrics(Object.keys(baseline.overall)).slice(0, 6);
  const head = `<th scope="col">Expression</th><th scope="col" class="num">Rows</th>${metrics.map((m) => `<th scope="col" class="num">${h(metricShortLabel(m))}</th>`).join('')}<th scope="col"><span class="sr-only">Action</span></th>`;
  const all = `<tr class="baseline"><th scope="row">All rows</th><td class="num">${formatCount(baseline.rows)}</td>${metrics.map((m) => `<td class="num">${formatMetric(m, baseline.overall[m])}</td>`).join('')}<td></td></tr>`;
  const rows = entries.map(
    (e) =>
      `<tr><th scope="row"><code>${h(e.expression)}</code></th><td class="num">${formatCount(e.count)}</td>${metrics.map((m) => `<td class="num">${formatMetric(m, e.metrics[m])}</td>`).join('')}<td><button type="button" class="rerun" data-expr="${h(e.expression)}">Show</button></td></tr>`,
  );
  return `<h3>Explored in this page</h3><div class="table-wrap" tabindex="0" role="region" aria-label="Cohorts explored in this page"><table class="data history-table"><thead><tr>${head}</tr></thead><tbody>${all}${rows.join('')}</tbody></table></div>`;
}
