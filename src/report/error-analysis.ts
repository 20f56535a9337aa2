import type { ErrorAnalysis, ErrorHeatMap, ErrorTree, WorstCohorts } from './insights.js';
import { escapeHtml as h } from './escape.js';
import { formatCount } from './format.js';

/**
 * A link that turns a cohort expression into the explorer's cohort: the page script fills the
 * explorer's box with `expression` and computes it; without the script (or without embedded rows)
 * the link still goes to the explorer. `content` is trusted HTML (or SVG) shown as the link.
 */
export function exploreLink(expression: string, content: string, label?: string): string {
  return `<a class="to-cohort" href="#explore" data-expr="${h(expression)}"${label ? ` aria-label="${h(label)}"` : ''}>${content}</a>`;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Error rate → a fill on a light-to-dark sequential scale (colour-blind safe: lightness carries it). */
function errorFill(rate: number | null, max: number): string {
  if (rate === null || max <= 0) return '#e8ecf0';
  const t = Math.max(0, Math.min(1, rate / max));
  // From #fde0c5 (light) to #b33c00 (dark orange-red), interpolated in RGB.
  const from = [0xfd, 0xe0, 0xc5];
  const to = [0xb3, 0x3c, 0x00];
  const c = from.map((f, k) => Math.round(f + (to[k] - f) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * The error tree drawn as a tree: one circle per node, area proportional to its rows, fill by its
 * error rate (darker = more errors), leaves in order along the bottom and parents centred above.
 */
function treeSvg(tree: ErrorTree, regression: boolean): string {
  const nodes = tree.nodes;
  if (nodes.length === 0) return '';
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const x = new Map<number, number>();
  let next = 0;
  const place = (id: number): number => {
    const n = byId.get(id)!;
    if (!n.children) {
      x.set(id, next++);
      return x.get(id)!;
    }
    const a = place(n.children[0]);
    const b = place(n.children[1]);
    x.set(id, (a + b) / 2);
    return x.get(id)!;
  };
  place(nodes[0].id);
  const leaves = Math.max(1, next);
  const depth = Math.max(...nodes.map((n) => n.depth));
  const width = 1100;
  const dx = width / leaves;
  const dy = 104;
  const height = (depth + 1) * dy + 30;
  const rootRows = nodes[0].rows || 1;
  const maxRate = Math.max(...nodes.map((n) => n.errorRate ?? 0));
  const pos = (id: number) => [dx * (x.get(id)! + 0.5), 34 + byId.get(id)!.depth * dy] as const;
  const edges: string[] = [];
  const circles: string[] = [];
  for (const n of nodes) {
    const [cx, cy] = pos(n.id);
    if (n.parent !== null) {
      const [px, py] = pos(n.parent);
      edges.push(`<line x1="${px.toFixed(1)}" y1="${py.toFixed(1)}" x2="${cx.toFixed(1)}" y2="${cy.toFixed(1)}" stroke="#9aa5b1" stroke-width="1.5"/>`);
      // The edge's own condition: the child's expression past its parent's.
      const parent = byId.get(n.parent)!.expression;
      const cond = parent === 'true' || !n.expression.startsWith(`${parent} and `) ? n.expression : n.expression.slice(parent.length + 5);
      // Just above the child, truncated to the room its column has (≈ 6 px a character at 10 px).
      const room = Math.max(8, Math.floor((dx * (n.children ? 1.6 : 0.95)) / 6));
      const short = cond.length > room ? `${cond.slice(0, room - 1)}…` : cond;
      const r = 6 + 22 * Math.sqrt(n.rows / rootRows);
      edges.push(`<text x="${cx.toFixed(1)}" y="${(cy - r - 6).toFixed(1)}" text-anchor="middle" font-size="10" fill="#57606a"><title>${h(cond)}</title>${h(short)}</text>`);
    }
    const r = 6 + 22 * Math.sqrt(n.rows / rootRows);
    const label = regression ? (n.errorRate === null ? '—' : n.errorRate.toPrecision(3)) : pct(n.errorRate);
    circles.push(
      exploreLink(
        n.expression,
        `<g><title>#${n.id} · ${formatCount(n.rows)} rows · error ${label} · ${pct(n.coverage)} of errors\n${h(n.expression)}</title>` +
          `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${r.toFixed(1)}" fill="${errorFill(n.errorRate, maxRate)}" stroke="#3d444d" stroke-width="1"/>` +
          `<text x="${cx.toFixed(1)}" y="${(cy + r + 12).toFixed(1)}" text-anchor="middle" font-size="11" fill="#1f2328">#${n.id} ${h(label)}</text></g>`,
        `Node #${n.id}: ${formatCount(n.rows)} rows, error ${label}. Explore the cohort ${n.expression}`,
      ),
    );
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="group" aria-label="Error tree: node size is rows, darker fill is a higher error rate; each node is a link to its cohort">${edges.join('')}${circles.join('')}</svg>`;
}

function nodeTable(tree: ErrorTree, regression: boolean): string {
  const rows = tree.nodes.map((n) => {
    const indent = '&nbsp;'.repeat(n.depth * 4);
    return `<tr><td class="num">#${n.id}</td><td class="num">${formatCount(n.rows)}</td><td class="num">${regression ? (n.errorRate?.toPrecision(3) ?? '—') : pct(n.errorRate)}</td><td class="num">${pct(n.coverage)}</td><td class="expr">${indent}${exploreLink(n.expression, `<code>${h(n.expression)}</code>`)}</td></tr>`;
  });
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="Error tree nodes"><table class="data"><thead><tr><th scope="col" class="num">Node</th><th scope="col" class="num">Rows</th><th scope="col" class="num">${regression ? 'Mean abs. error' : 'Error rate'}</th><th scope="col" class="num">Share of errors</th><th scope="col">Cohort expression</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function heatMapSvg(map: ErrorHeatMap): string {
  const [ax, ay] = map.axes;
  const cols = ax.bins.length;
  const rowsN = ay ? ay.bins.length : 1;
  const cw = Math.min(110, 900 / cols);
  const ch = 34;
  const left = ay ? 140 : 20;
  const top = 20;
  const maxRate = Math.max(...map.cells.map((c) => c.errorRate ?? 0));
  const cells = map.cells.map((c) => {
    const i = c.index[0];
    const j = c.index[1] ?? 0;
    const x0 = left + i * cw;
    const y0 = top + j * ch;
    const dark = (c.errorRate ?? 0) / (maxRate || 1) > 0.6;
    return exploreLink(
      c.expression,
      `<g><title>${h(c.expression)}: ${formatCount(c.rows)} rows, error ${pct(c.errorRate)}</title><rect x="${x0}" y="${y0}" width="${cw - 2}" height="${ch - 2}" fill="${errorFill(c.errorRate, maxRate)}"/><text x="${x0 + (cw - 2) / 2}" y="${y0 + ch / 2 + 4}" text-anchor="middle" font-size="11" fill="${dark ? '#fff' : '#1f2328'}">${pct(c.errorRate)}</text></g>`,
      `${formatCount(c.rows)} rows, error ${pct(c.errorRate)}. Explore the cohort ${c.expression}`,
    );
  });
  const xLabels = ax.bins.map((b, i) => `<text x="${left + i * cw + (cw - 2) / 2}" y="${top + rowsN * ch + 14}" text-anchor="middle" font-size="10" fill="#57606a">${h(b.label)}</text>`);
  const yLabels = ay ? ay.bins.map((b, j) => `<text x="${left - 6}" y="${top + j * ch + ch / 2 + 4}" text-anchor="end" font-size="10" fill="#57606a">${h(b.label)}</text>`) : [];
  const width = left + cols * cw + 10;
  const height = top + rowsN * ch + 40;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="group" aria-label="Error heat map over ${h(map.features.join(' and '))}; each cell is a link to its cohort">${cells.join('')}${xLabels.join('')}${yLabels.join('')}<text x="${left + (cols * cw) / 2}" y="${height - 4}" text-anchor="middle" font-size="11" fill="#1f2328">${h(ax.feature)}</text>${ay ? `<text x="12" y="${top + (rowsN * ch) / 2}" font-size="11" fill="#1f2328" transform="rotate(-90 12 ${top + (rowsN * ch) / 2})" text-anchor="middle">${h(ay.feature)}</text>` : ''}</svg>`;
}

function worstTable(w: WorstCohorts): string {
  const rows = w.cohorts.map(
    (c, k) =>
      `<tr><td class="num">${k + 1}</td><td class="num">${formatCount(c.rows)}</td><td class="num">${pct(c.errorRate)}${c.ci ? `<div class="ci">[${pct(c.ci[0])}, ${pct(c.ci[1])}]</div>` : ''}</td><td class="num">${c.lift === null ? '—' : `${c.lift.toFixed(2)}×`}</td><td>${h(c.source)}</td><td class="expr">${exploreLink(c.expression, `<code>${h(c.expression)}</code>`)}</td></tr>`,
  );
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="Worst cohorts"><table class="data"><thead><tr><th scope="col" class="num">#</th><th scope="col" class="num">Rows</th><th scope="col" class="num">Error rate</th><th scope="col" class="num">Lift</th><th scope="col">From</th><th scope="col">Cohort expression</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** The error-analysis section: the tree drawn and tabulated, the heat map, the worst cohorts. */
export function renderErrorAnalysis(analysis: ErrorAnalysis): string {
  const regression = analysis.tree.task === 'regression';
  const root = analysis.tree.nodes[0];
  const parts = [
    `<p>A surrogate tree over ${h(analysis.tree.features.length)} features predicts where the model errs (depth ≤ ${h(analysis.tree.maxDepth)}, at least ${h(analysis.tree.minLeafRows)} rows per leaf). Overall ${regression ? 'mean absolute error' : 'error rate'}: <strong>${regression ? (root?.errorRate?.toPrecision(3) ?? '—') : pct(root?.errorRate ?? null)}</strong>. Every node's expression selects exactly its rows: click a node, a cell or an expression to compute its cohort in the explorer below, or use it with <code>--where</code> or <code>--cohort</code>.</p>`,
    `<figure class="fig">${treeSvg(analysis.tree, regression)}<figcaption>Node size: rows. Darker: higher ${regression ? 'error' : 'error rate'}. Hover a node for its cohort; click it (or Tab to it and press Enter) to explore it.</figcaption></figure>`,
    `<details class="more"><summary>All ${analysis.tree.nodes.length} nodes with their cohort expressions</summary>${nodeTable(analysis.tree, regression)}</details>`,
  ];
  if (analysis.heatmap) parts.push(`<h3>Error heat map</h3><figure class="fig">${heatMapSvg(analysis.heatmap)}<figcaption>Error rate per cell; hover for the cohort expression, click to explore it.</figcaption></figure>`);
  if (analysis.worstCohorts) {
    const w = analysis.worstCohorts;
    parts.push(`<h3>Worst cohorts</h3><p class="muted">At least ${h(w.minRows)} rows, ranked by the lower bound of the ${Math.round(w.interval.confidence * 100)}% ${w.interval.method === 'bootstrap' ? `bootstrap interval (${h(w.interval.resamples ?? '')} resamples, seed ${h(w.interval.seed ?? '')})` : 'Wilson interval'}, from ${formatCount(w.candidates)} candidates.</p>${worstTable(w)}`);
  }
  return parts.join('');
}
