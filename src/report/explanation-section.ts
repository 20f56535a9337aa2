import type { DependencePlot, Explanations, PermutationResult, ShapGlobalImportance } from '../explain/schema.js';
import { autoDomain, niceTicks } from './charts.js';
import { exploreLink } from './error-analysis.js';
import { escapeHtml as h } from './escape.js';
import { formatCount, formatValue, metricLabel } from './format.js';
import type { ErrorAnalysis } from './insights.js';

/**
 * The report's explanation section (`assess --explain`): global importance as horizontal bars
 * (mean |SHAP|; permutation importance with mean ± sd whiskers and each repeat as a dot), mean
 * |SHAP| per cohort side by side with what shifts in each worst cohort, and dependence plots
 * (partial dependence bold over faint ICE curves). Pure HTML/SVG strings with CSS classes only:
 * the report's CSP forbids style attributes.
 */

/** Section id (and nav anchor) of the explanation section. */
export const EXPLANATION_SECTION_ID = 'explanations';

const r1 = (v: number) => (Math.round(v * 10) / 10).toString();
const sig = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v === 0 ? '0' : Math.abs(v) >= 1000 ? formatValue(v) : String(Number(v.toPrecision(3))).replace(/^-/, '−'));
const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const tick = (v: number) => String(Number(v.toPrecision(6))).replace(/^-/, '−');

/** Rows and whether they were sampled, in words. */
function rowsText(rows: number, sample: { rows: number; seed: number; of: number } | null): string {
  return sample ? `${formatCount(sample.rows)} of ${formatCount(sample.of)} rows sampled with seed ${sample.seed}` : `all ${formatCount(rows)} rows`;
}

/** Per feature, summed over the outputs (a multiclass model's classes; a single output otherwise); null when one is undefined. */
function total(meanAbs: readonly (readonly (number | null)[])[], features: number): (number | null)[] {
  return Array.from({ length: features }, (_, j) => meanAbs.reduce<number | null>((s, m) => (s === null || m[j] === null ? null : s + (m[j] as number)), 0));
}
const numbers = (values: Iterable<number | null>) => [...values].filter((v): v is number => v !== null && Number.isFinite(v));

/** One bar of an {@link importanceChart}. */
interface ImportanceBar {
  label: string;
  value: number | null;
  /** mean − sd, mean + sd: drawn as a whisker. */
  spread?: readonly [number, number] | null;
  /** Each repeat, drawn as a small dot. */
  points?: readonly (number | null)[];
  title: string;
}

/** Horizontal bars from zero, one row per feature, with optional whiskers and repeat dots; negative values go left. */
function importanceChart(o: { id: string; title: string; description: string; bars: readonly ImportanceBar[]; xLabel: string; cls: string }): string {
  const width = 520;
  const rowH = 22;
  const m = { l: 150, r: 76, t: 8, b: 40 };
  const pw = width - m.l - m.r;
  const ph = Math.max(1, o.bars.length) * rowH;
  const height = m.t + ph + m.b;
  const values = o.bars.flatMap((b) => [b.value, ...(b.spread ?? []), ...(b.points ?? [])]).filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = Math.max(0, ...values);
  const lo = Math.min(0, ...values);
  const ticks = niceTicks(lo, hi > lo ? hi : lo + 1, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  // The axis ends on a tick past every value, so no bar, whisker or dot meets the value labels.
  const d0 = lo < ticks[0] ? ticks[0] - step : Math.min(lo, ticks[0]);
  const d1 = hi > ticks[ticks.length - 1] ? ticks[ticks.length - 1] + step : Math.max(hi > lo ? hi : lo + 1, ticks[ticks.length - 1]);
  if (d1 > ticks[ticks.length - 1]) ticks.push(ticks[ticks.length - 1] + step);
  if (d0 < ticks[0]) ticks.unshift(ticks[0] - step);
  const sx = (v: number) => m.l + ((v - d0) / (d1 - d0 || 1)) * pw;
  const parts = [
    `<svg class="chart importance-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${o.id}-t ${o.id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${o.id}-t">${h(o.title)}</title><desc id="${o.id}-d">${h(o.description)}</desc>`,
    `<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`,
  ];
  for (const t of ticks) {
    if (t < d0 || t > d1) continue;
    parts.push(`<line class="grid" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${m.t}" y2="${m.t + ph}"/><text class="tick" x="${r1(sx(t))}" y="${m.t + ph + 14}" text-anchor="middle">${tick(t)}</text>`);
  }
  const x0 = sx(0);
  o.bars.forEach((b, i) => {
    const cy = m.t + i * rowH + rowH / 2;
    const label = truncate(b.label, 22);
    parts.push(`<text class="bar-label" x="${m.l - 6}" y="${r1(cy + 4)}" text-anchor="end">${h(label)}${label !== b.label ? `<title>${h(b.label)}</title>` : ''}</text>`);
    if (b.value === null || !Number.isFinite(b.value)) {
      parts.push(`<text class="bar-value na" x="${r1(x0 + 4)}" y="${r1(cy + 4)}">—<title>${h(b.title)}</title></text>`);
      return;
    }
    const xv = sx(b.value);
    parts.push(`<rect class="imp-bar ${o.cls}" x="${r1(Math.min(x0, xv))}" y="${r1(cy - 7)}" width="${r1(Math.max(Math.abs(xv - x0), 1))}" height="14"><title>${h(b.title)}</title></rect>`);
    for (const p of b.points ?? []) if (p !== null && Number.isFinite(p)) parts.push(`<circle class="repeat" cx="${r1(sx(p))}" cy="${r1(cy)}" r="1.8"/>`);
    if (b.spread) {
      const [a, c] = [sx(b.spread[0]), sx(b.spread[1])];
      parts.push(`<path class="whisker" d="M${r1(a)},${r1(cy)}H${r1(c)}M${r1(a)},${r1(cy - 5)}V${r1(cy + 5)}M${r1(c)},${r1(cy - 5)}V${r1(cy + 5)}"/>`);
    }
    parts.push(`<text class="bar-value" x="${width - m.r + 6}" y="${r1(cy + 4)}">${sig(b.value)}</text>`);
  });
  parts.push(`<line class="zero" x1="${r1(x0)}" x2="${r1(x0)}" y1="${m.t}" y2="${m.t + ph}"/>`);
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 6}" text-anchor="middle">${h(o.xLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function shapFigure(s: ShapGlobalImportance): string {
  const all = total(s.meanAbs, s.features.length);
  const order = s.features.map((_, j) => j).sort((a, b) => (all[b] ?? -1) - (all[a] ?? -1) || a - b);
  const several = s.outputs.length > 1;
  const bars = order.map((j) => ({ label: s.features[j], value: all[j], title: `${s.features[j]}: mean |SHAP| ${sig(all[j])}${several ? ` (summed over ${s.outputs.length} classes: ${s.outputs.map((o, k) => `${o} ${sig(s.meanAbs[k][j])}`).join(', ')})` : ''}` }));
  const svg = importanceChart({
    id: 'expl-shap',
    title: `Mean |SHAP| per feature (${s.method === 'treeshap' ? 'TreeSHAP' : 'KernelSHAP'})`,
    description: `How far each feature moves the model's output (${s.space}) on average over ${rowsText(s.rows, s.sample)}, largest first: ${bars.map((b) => `${b.label} ${sig(b.value)}`).join(', ')}.`,
    bars,
    xLabel: `mean |SHAP|${several ? ', summed over classes' : ''} (${truncate(s.space, 40)})`,
    cls: 'shap',
  });
  return `<figure class="fig">${svg}<figcaption>Mean |SHAP|: ${s.method === 'treeshap' ? 'exact TreeSHAP' : 'KernelSHAP'} on ${h(rowsText(s.rows, s.sample))}.</figcaption></figure>`;
}

function permutationFigure(p: PermutationResult): string {
  const bars = p.features.map((f) => ({
    label: f.name,
    value: f.mean,
    spread: f.mean !== null && f.std !== null ? ([f.mean - f.std, f.mean + f.std] as const) : null,
    points: f.values,
    title: `${f.name}: ${metricLabel(p.metric)} drops by ${sig(f.mean)} ± ${sig(f.std)} (repeats: ${f.values.map(sig).join(', ')})`,
  }));
  const svg = importanceChart({
    id: 'expl-perm',
    title: `Permutation importance (drop in ${metricLabel(p.metric)})`,
    description: `How much ${metricLabel(p.metric)} (${sig(p.baseline)} on the unshuffled rows) gets worse when one feature's values are shuffled, mean ± standard deviation over ${p.repeats} repeats: ${bars.map((b) => `${b.label} ${sig(b.value)}`).join(', ')}.`,
    bars,
    xLabel: `drop in ${metricLabel(p.metric)} (bar: mean; whisker: ± sd; dots: repeats)`,
    cls: 'perm',
  });
  return `<figure class="fig">${svg}<figcaption>Permutation importance: ${p.repeats} repeats (seed ${p.seed}) on ${h(rowsText(p.rows, p.sample))}; baseline ${h(metricLabel(p.metric))} ${sig(p.baseline)}.</figcaption></figure>`;
}

/** The feature whose share of a cohort's attribution grows most against all rows, in words. */
function shiftSentence(features: readonly string[], allOrNull: readonly (number | null)[], cohortOrNull: readonly (number | null)[]): { text: string; feature: number } | null {
  if (allOrNull.includes(null) || cohortOrNull.includes(null)) return null;
  const all = allOrNull as readonly number[];
  const cohort = cohortOrNull as readonly number[];
  const sumAll = all.reduce((a, b) => a + b, 0);
  const sumCohort = cohort.reduce((a, b) => a + b, 0);
  if (!(sumAll > 0 && sumCohort > 0)) return null;
  let best = 0;
  for (let j = 1; j < features.length; j++) if (cohort[j] / sumCohort - all[j] / sumAll > cohort[best] / sumCohort - all[best] / sumAll) best = j;
  const here = cohort[best] / sumCohort;
  const there = all[best] / sumAll;
  if (!(here > there)) return null;
  const top = cohort.indexOf(Math.max(...cohort));
  const topText = top !== all.indexOf(Math.max(...all)) ? ` Its most important feature is ${features[top]}, not ${features[all.indexOf(Math.max(...all))]}.` : '';
  return { text: `${features[best]} carries ${(here * 100).toFixed(0)}% of the attribution here against ${(there * 100).toFixed(0)}% on all rows.${topText}`, feature: best };
}

function cohortTable(e: Explanations, errors: ErrorAnalysis | undefined): string {
  const c = e.cohorts;
  if (!c || c.cohorts.length === 0) return '';
  const F = c.features.length;
  const all = total(c.overall.meanAbs, F);
  const columns = c.cohorts.map((x) => ({ ...x, totals: x.meanAbs ? total(x.meanAbs, F) : null }));
  const max = Math.max(...numbers(all), ...numbers(columns.flatMap((x) => x.totals ?? [])), 0);
  const order = c.features.map((_, j) => j).sort((a, b) => (all[b] ?? -1) - (all[a] ?? -1) || a - b);
  const shifts = columns.map((x) => (x.totals ? shiftSentence(c.features, all, x.totals) : null));
  const bar = (v: number) => `<svg class="cell-bar" width="64" height="6" aria-hidden="true"><rect width="${r1(max > 0 ? Math.max(0.5, (64 * v) / max) : 0)}" height="6"/></svg>`;
  const cell = (v: number | null, shift: boolean) => (v === null ? '<td class="num na" data-value="null">—</td>' : `<td class="num${shift ? ' shift' : ''}" data-value="${v}">${sig(v)}${bar(v)}</td>`);
  const worst = new Map((errors?.worstCohorts?.cohorts ?? []).map((w) => [w.expression, w]));
  const head =
    `<th scope="col">Feature</th><th scope="col" class="num">All explained rows<span class="sub">${formatCount(c.overall.rows)} rows</span></th>` +
    columns
      .map((x) => {
        const w = x.source === 'worst' ? worst.get(x.expression) : undefined;
        const err = w && w.errorRate !== null ? ` · error ${(w.errorRate * 100).toFixed(1)}%` : '';
        return `<th scope="col" class="num">${exploreLink(x.expression, h(x.name), `Explore ${x.name}: ${x.expression}`)}<span class="sub">${formatCount(x.rows)} rows${err}</span></th>`;
      })
      .join('');
  const rows = order.map((j) => `<tr><th scope="row">${h(c.features[j])}</th>${cell(all[j], false)}${columns.map((x, k) => (x.totals ? cell(x.totals[j], shifts[k]?.feature === j) : `<td class="num na">—</td>`)).join('')}</tr>`);
  const several = c.outputs.length > 1 ? ' (summed over classes)' : '';
  const why = columns
    .map((x, k) => {
      const what = x.totals ? (shifts[k]?.text ?? 'The features weigh as on all rows.') : (x.reason ?? 'no explained row is in the cohort');
      return `<li>${exploreLink(x.expression, `<strong>${h(x.name)}</strong>`, `Explore ${x.name}: ${x.expression}`)} <code>${h(x.expression)}</code>: ${h(what)}</li>`;
    })
    .join('');
  return (
    `<h3>Importance per cohort</h3><p class="muted">Mean |SHAP|${several} over each cohort's explained rows beside all of them, the worst cohorts of the error analysis first: a feature that weighs more in a cohort says why the model behaves differently there. Highlighted: the feature whose share grows most. Click a cohort to explore it.</p>` +
    `<div class="table-wrap" tabindex="0" role="region" aria-label="Mean |SHAP| per cohort"><table class="data cohort-importance"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>` +
    `<ul class="shifts">${why}</ul>`
  );
}

/** A dependence plot: ICE curves faint, the partial dependence bold; categories as evenly spaced points. */
function dependenceChart(d: DependencePlot, id: string): string {
  const width = 360;
  const height = 250;
  const m = { l: 50, r: 12, t: 10, b: 44 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const G = d.grid.length;
  const numeric = d.kind === 'numeric';
  const xs = d.grid.map((g, k) => (numeric ? Number(g) : k));
  const xd: [number, number] = numeric ? [Math.min(...xs), Math.max(...xs)] : [-0.5, G - 0.5];
  if (!(xd[1] > xd[0])) xd[1] = xd[0] + 1;
  const curves = d.ice?.curves ?? [];
  const yd = autoDomain(numbers([...d.average, ...curves.flat()]));
  const sx = (v: number) => m.l + ((v - xd[0]) / (xd[1] - xd[0])) * pw;
  const sy = (v: number) => m.t + ph - ((v - yd[0]) / (yd[1] - yd[0] || 1)) * ph;
  const what = yLabel(d);
  const parts = [
    `<svg class="chart dependence-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-t">${h(`Dependence of ${what} on ${d.feature}`)}</title>`,
    `<desc id="${id}-d">${h(`Partial dependence of ${what} on ${d.feature} averaged over ${formatCount(d.rows)} rows: ${d.grid.map((g, k) => `${typeof g === 'number' ? sig(g) : g} → ${sig(d.average[k])}`).join(', ')}. Faint lines: ${curves.length} rows' ICE curves.`)}</desc>`,
    `<rect class="plot-bg" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`,
  ];
  for (const t of niceTicks(yd[0], yd[1], 4)) parts.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/><text class="tick" x="${m.l - 5}" y="${r1(sy(t) + 3.5)}" text-anchor="end">${tick(t)}</text>`);
  if (numeric) {
    for (const t of niceTicks(xd[0], xd[1], 5)) parts.push(`<line class="grid" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${m.t}" y2="${m.t + ph}"/><text class="tick" x="${r1(sx(t))}" y="${m.t + ph + 14}" text-anchor="middle">${tick(t)}</text>`);
  } else {
    const every = Math.max(1, Math.ceil(G / 8));
    d.grid.forEach((g, k) => {
      if (k % every !== 0) return;
      const label = truncate(String(g), 10);
      parts.push(`<text class="tick" x="${r1(sx(k))}" y="${m.t + ph + 14}" text-anchor="middle">${h(label)}${label !== String(g) ? `<title>${h(String(g))}</title>` : ''}</text>`);
    });
  }
  parts.push(`<rect class="frame" x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/>`);
  // A missing value (the model gave no number) breaks the line.
  const path = (ys: readonly (number | null)[]) => ys.map((y, k) => (y === null ? '' : `${k === 0 || ys[k - 1] === null ? 'M' : 'L'}${r1(sx(xs[k]))},${r1(sy(y))}`)).join('');
  parts.push(`<g class="ice-curves" aria-hidden="true">${curves.map((c) => `<path class="ice" d="${path(c)}"/>`).join('')}</g>`);
  if (numeric) parts.push(`<path class="pd" d="${path(d.average)}"><title>${h(`partial dependence of ${what} on ${d.feature}`)}</title></path>`);
  d.average.forEach((y, k) => {
    if (y !== null && (!numeric || G <= 12)) parts.push(`<circle class="pd-dot" cx="${r1(sx(xs[k]))}" cy="${r1(sy(y))}" r="${numeric ? 2.5 : 4}"><title>${h(`${d.feature} = ${typeof d.grid[k] === 'number' ? sig(d.grid[k] as number) : d.grid[k]}: ${sig(y)}`)}</title></circle>`);
  });
  parts.push(`<text class="axis-label" x="${m.l + pw / 2}" y="${height - 6}" text-anchor="middle">${h(truncate(d.feature, 40))}</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${h(truncate(what, 34))}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function yLabel(d: DependencePlot): string {
  return d.output === 'value' ? 'prediction' : d.output === 'probability' ? `P(${d.class})` : `share predicted ${d.class}`;
}

function dependenceFigures(list: readonly DependencePlot[]): string {
  if (list.length === 0) return '';
  const figures = list.map((d, k) => {
    const ice = d.ice ? `; faint: ICE curves of ${d.ice.rows < d.of ? `${formatCount(d.ice.rows)} rows sampled with seed ${d.ice.seed}` : `all ${formatCount(d.ice.rows)} rows`}` : '';
    const avg = d.rows < d.of ? `${formatCount(d.rows)} of ${formatCount(d.of)} rows sampled with seed ${d.seed}` : `all ${formatCount(d.rows)} rows`;
    return `<figure class="fig">${dependenceChart(d, `expl-dep-${k}`)}<figcaption>${h(d.feature)}: bold, the average over ${h(avg)}${h(ice)}.</figcaption></figure>`;
  });
  return `<h3>Dependence plots</h3><p class="muted">How the model's ${h(yLabel(list[0]))} changes when one feature is set to each value and everything else is kept: the partial dependence (bold) and each row's own curve (ICE, faint). Curves that are not parallel mean the feature interacts with others.</p><div class="figures">${figures.join('')}</div>`;
}

/** The explanation section: what was computed on which rows, importance, importance per cohort and dependence plots. */
export function renderExplanations(e: Explanations, errors?: ErrorAnalysis): string {
  const parts: string[] = [];
  const how: string[] = [];
  if (e.shap) {
    const s = e.shap;
    const kernel =
      s.method === 'kernelshap' && s.background
        ? ` (background: ${s.background.method === 'kmeans' ? `${s.background.rows} k-means centroids` : `${formatCount(s.background.rows)} rows`}${s.background.seed !== null ? `, seed ${s.background.seed}` : ''}; ${s.coalitions && s.coalitions.sampledRows === 0 ? 'every coalition enumerated, exact' : `up to ${formatCount(s.budget ?? 0)} coalitions per row`})`
        : '';
    how.push(`mean |SHAP| by ${s.method === 'treeshap' ? 'exact TreeSHAP' : 'KernelSHAP'} on ${rowsText(s.rows, s.sample)}${kernel}, in ${s.space} space`);
  }
  if (e.permutation) how.push(`permutation importance (${metricLabel(e.permutation.metric)}, ${e.permutation.repeats} repeats) on ${rowsText(e.permutation.rows, e.permutation.sample)}`);
  parts.push(`<p>What drives <strong>${h(e.model)}</strong>, found by calling it on changed rows${how.length ? `: ${h(how.join('; '))}` : ''}. Seed ${h(e.seed)}.</p>`);
  for (const note of e.notes ?? []) parts.push(`<p class="note">${h(note)}</p>`);
  const figures = [e.shap ? shapFigure(e.shap) : '', e.permutation ? permutationFigure(e.permutation) : ''].filter((f) => f !== '');
  const both =
    e.shap && e.permutation
      ? `<p class="muted">Mean |SHAP| measures how much the model's output moves with a feature; permutation importance how much the metric (${h(metricLabel(e.permutation.metric))}) depends on it. A feature high on the first and near zero on the second changes predictions without making them more right: check it, above all when it is a sensitive feature.</p>`
      : '';
  if (figures.length) parts.push(`<h3>Global importance</h3>${both}<div class="figures">${figures.join('')}</div>`);
  parts.push(cohortTable(e, errors));
  parts.push(dependenceFigures(e.dependence ?? []));
  return `<section id="${EXPLANATION_SECTION_ID}" class="section" aria-labelledby="${EXPLANATION_SECTION_ID}-h"><h2 id="${EXPLANATION_SECTION_ID}-h">Explanations</h2>${parts.join('')}</section>`;
}
