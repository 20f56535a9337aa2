import { renderComparison } from './compare-section.js';
import { renderErrorAnalysis } from './error-analysis.js';
import { EXPLANATION_SECTION_ID, renderExplanations } from './explanation-section.js';
import { decodeTable, type EmbeddedData } from './embed.js';
import { escapeAttr, escapeHtml, jsonForScript, scriptForInline } from './escape.js';
import { groupingName } from './format.js';
import type { Insights } from './insights.js';
import { groupingId, groupingsOf, renderCohorts, renderExplore, renderGrouping, renderHeader, renderNav, renderOverview, renderWarnings } from './sections.js';
import { cspHash } from './sha256.js';
import { REPORT_CSS } from './styles.js';
import { MITIGATION_SECTION_ID, renderMitigations } from './mitigation-section.js';

/** What {@link renderReport} needs. */
export interface ReportInput {
  /** The insights document to render. */
  insights: Insights;
  /** Rows and options for the in-page cohort explorer (`encodeTable(table, { options })`); without them the explorer is off. */
  data?: EmbeddedData;
  /** The in-page script (`dist/report-client.js`; the Node adapter's `loadReportClient()` reads it). */
  clientScript: string;
  /** Defaults to "Model assessment — <data file>". */
  title?: string;
  /**
   * When the report was generated (ISO 8601), shown in the footer in its own `<time id="generated-at">`
   * element so snapshot tests can leave it out or normalise it. Defaults to none.
   */
  generatedAt?: string;
}

/** Ids of the `<script type="application/json">` blocks the page script reads: the insights document (without curves) and the rows. */
export const INSIGHTS_ELEMENT_ID = 'candor-insights';
export const DATA_ELEMENT_ID = 'candor-data';

/**
 * The Content-Security-Policy of a report: nothing may load from anywhere; only the report's own
 * inline script and stylesheet run (allowed by their SHA-256 hashes); images only as data: URLs.
 */
export function reportCsp(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function defaultTitle(insights: Insights): string {
  const file = insights.source?.file;
  if (!file) return 'Model assessment';
  const base = file.split(/[\\/]/).pop() ?? file;
  return `Model assessment — ${base}`;
}

/** The insights document as the page embeds it: everything but the curves and dependence plots, which are already drawn as SVG. */
function embeddedInsights(insights: Insights): Insights {
  const { curves: _curves, ...rest } = insights;
  if (rest.explanations?.dependence) {
    const { dependence: _dependence, ...explanations } = rest.explanations;
    return { ...rest, explanations };
  }
  return rest;
}

/**
 * Renders a self-contained HTML report: inline CSS, inline SVG charts and one inline script, no
 * network access (enforced by a Content-Security-Policy that allows only the inline script and
 * style by hash). Pure and browser-safe; the output depends only on the input, so it snapshots.
 * @example
 * const html = renderReport({ insights, data: encodeTable(table, { options }), clientScript: await loadReportClient() });
 */
export function renderReport(input: ReportInput): string {
  const { insights, data, clientScript } = input;
  const title = input.title ?? defaultTitle(insights);
  const table = data ? decodeTable(data) : undefined;
  const groupings = groupingsOf(insights);
  const nav = [
    { id: 'overview', label: 'Overview' },
    ...(insights.comparison ? [{ id: 'comparison', label: 'Comparison' }] : []),
    { id: 'warnings', label: 'Warnings' },
    ...groupings.map((by, i) => ({ id: groupingId(by, i), label: `By ${groupingName(by)}` })),
    ...(insights.errorAnalysis ? [{ id: 'errors', label: 'Error analysis' }] : []),
    ...(insights.explanations ? [{ id: EXPLANATION_SECTION_ID, label: 'Explanations' }] : []),
    ...(insights.mitigations?.length ? [{ id: MITIGATION_SECTION_ID, label: 'Mitigation' }] : []),
    { id: 'cohorts', label: 'Cohorts' },
    { id: 'explore', label: 'Explore a cohort' },
  ];
  const script = scriptForInline(clientScript);
  const css = REPORT_CSS;
  const generator = insights.generator ? `${insights.generator.name} ${insights.generator.version}` : 'candor';
  const generated = input.generatedAt ? ` on <time id="generated-at" datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(input.generatedAt)}</time>` : '';
  const body = [
    '<a class="skip" href="#main">Skip to the report</a>',
    renderHeader(insights, title, data),
    renderNav(nav),
    '<main id="main" class="wrap">',
    renderOverview(insights),
    ...(insights.comparison ? [renderComparison(insights.comparison)] : []),
    renderWarnings(insights),
    ...groupings.map((by, i) => renderGrouping(insights, by, i)),
    ...(insights.errorAnalysis ? [`<section id="errors" class="section" aria-labelledby="errors-h"><h2 id="errors-h">Error analysis</h2>${renderErrorAnalysis(insights.errorAnalysis)}</section>`] : []),
    ...(insights.explanations ? [renderExplanations(insights.explanations, insights.errorAnalysis)] : []),
    ...(insights.mitigations?.length ? [renderMitigations(insights.mitigations)] : []),
    renderCohorts(insights.cohorts),
    renderExplore(insights, data, table),
    '</main>',
    `<footer><div class="wrap">Generated by ${escapeHtml(generator)}${generated}. This file is self-contained: it loads nothing from the network, and the cohort explorer runs entirely in your browser.</div></footer>`,
  ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(reportCsp(script, css))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${escapeHtml(generator)}">`,
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="icon" href="data:,">',
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    body,
    `<script type="application/json" id="${INSIGHTS_ELEMENT_ID}">${jsonForScript(embeddedInsights(insights))}</script>`,
    data ? `<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(data)}</script>` : '',
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
