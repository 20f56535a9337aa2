import type { Insights } from '../report/insights.js';
import { metricLabel } from '../assess/index.js';
import { formatTable, type Style } from './text-table.js';

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : Math.abs(v) >= 1000 && Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(digits));
const fmtCi = (ci: [number, number] | undefined) => (ci ? ` [${fmt(ci[0])}, ${fmt(ci[1])}]` : '');

/** The metrics shown in terminal tables, by task (the JSON has them all). */
function tableMetrics(insights: Insights): string[] {
  const has = (m: string) => m in insights.overall;
  if (insights.task === 'regression') return ['mae', 'rmse', 'r2', 'mean_prediction', 'mean_label'].filter(has);
  if (insights.task === 'multiclass') return ['accuracy', 'macro_f1', 'macro_precision', 'macro_recall', 'log_loss'].filter(has);
  return ['selection_rate', 'accuracy', 'false_positive_rate', 'false_negative_rate', 'precision', 'roc_auc'].filter(has);
}

/** Readable terminal output of an assessment: overview, per-group tables, worst disparities, cohorts, warnings. */
export function renderAssessText(insights: Insights, style: Style): string {
  const out: string[] = [];
  const metrics = tableMetrics(insights);
  const src = insights.source?.file ? `${insights.source.file}: ` : '';
  out.push(style.bold(`${src}${insights.rows.toLocaleString('en-US')} rows, ${insights.task} task`) + (insights.source?.where ? style.dim(` (where ${insights.source.where})`) : ''));
  if (typeof insights.config?.model === 'string') out.push(style.dim(`scored by ${insights.config.model}`));
  out.push('');
  out.push(style.bold('Overall'));
  out.push(
    formatTable(
      ['metric', 'value'],
      metrics.map((m) => [metricLabel(m), `${fmt(insights.overall[m])}${fmtCi(insights.overallCi?.[m])}`]),
      style,
    ),
  );

  const groupings = new Map<string, Insights['groups']>();
  for (const g of insights.groups) {
    const k = g.by.join(' × ');
    groupings.set(k, [...(groupings.get(k) ?? []), g]);
  }
  for (const [name, groups] of groupings) {
    out.push('');
    out.push(style.bold(`By ${name}`));
    const rows = groups.map((g) => {
      const small = g.warnings.some((w) => w.code === 'small_group');
      return [
        g.by.map((b) => g.key[b]).join(' | ') + (small ? style.yellow(' ⚠') : ''),
        String(g.count),
        ...metrics.map((m) => `${fmt(g.metrics[m])}${fmtCi(g.ci[m])}`),
      ];
    });
    out.push(formatTable(['group', 'rows', ...metrics.map(metricLabel)], rows, style));
    const by = groups[0].by.join(',');
    const fair = insights.fairness.find((f) => f.by.join(',') === by);
    if (fair) {
      const parts = ['demographic_parity_difference', 'equalized_odds_difference', 'equal_opportunity_difference']
        .filter((k) => typeof fair[k] === 'number' || fair[k] === null)
        .map((k) => `${metricLabel(k)} ${fmt(fair[k] as number | null)}`);
      if (parts.length) out.push(style.dim(parts.join(' · ')));
    }
    const ref = insights.reference.find((r) => r.by.join(',') === by);
    if (ref) {
      const fails: string[] = [];
      for (const [group, byMetric] of Object.entries(ref.pass)) {
        for (const [metric, ok] of Object.entries(byMetric)) {
          if (ok === false) fails.push(`${group}: ${metricLabel(metric)} ×${fmt(ref.disparity[group][metric], 2)}`);
        }
      }
      const refName = ref.by.map((b) => ref.group[b]).join(' | ');
      if (fails.length) out.push(style.red(`Outside ${ref.band[0]}–${ref.band[1]} of ${refName}: `) + fails.slice(0, 6).join('; ') + (fails.length > 6 ? `; … ${fails.length - 6} more in insights.json` : ''));
      else out.push(style.green(`Every rate within ${ref.band[0]}–${ref.band[1]} of ${refName}.`));
    }
  }

  // Highlight disparities between groups large enough to trust; small groups stay in the tables above.
  const small = new Set(insights.groups.filter((g) => g.warnings.some((w) => w.code === 'small_group')).map((g) => `${g.by.join(',')}\u0000${g.by.map((b) => g.key[b]).join('|')}`));
  const isSmall = (by: string[], key: Record<string, string> | undefined) => key !== undefined && small.has(`${by.join(',')}\u0000${by.map((b) => key[b]).join('|')}`);
  const candidates = insights.disparities.filter((d) => d.ratio !== null && !['count', 'base_rate'].includes(d.metric));
  const worst = candidates.filter((d) => !isSmall(d.by, d.min?.group) && !isSmall(d.by, d.max?.group)).sort((a, b) => (a.ratio ?? 1) - (b.ratio ?? 1));
  if (worst.length) {
    out.push('');
    out.push(style.bold('Largest disparities (ratio min/max between groups)') + (worst.length < candidates.length ? style.dim(' — among groups of at least the minimum size') : ''));
    out.push(
      formatTable(
        ['grouping', 'metric', 'ratio', 'difference', 'lowest', 'highest'],
        worst.slice(0, 6).map((d) => {
          const ratio = `${fmt(d.ratio)}${fmtCi(d.ci.ratio)}`;
          const label = (k: Record<string, string> | undefined) => (k ? d.by.map((b) => k[b]).join(' | ') : '—');
          return [d.by.join(' × '), metricLabel(d.metric), (d.ratio ?? 1) < 0.8 ? style.red(ratio) : ratio, fmt(d.difference), `${label(d.min?.group)} ${fmt(d.min?.value)}`, `${label(d.max?.group)} ${fmt(d.max?.value)}`];
        }),
        style,
      ),
    );
  }

  if (insights.cohorts.length) {
    out.push('');
    out.push(style.bold('Cohorts'));
    out.push(
      formatTable(
        ['cohort', 'rows', ...metrics.map(metricLabel)],
        insights.cohorts.map((c) => [`${c.name} ${style.dim(c.expression)}`, String(c.count), ...metrics.map((m) => `${fmt(c.metrics[m])}${fmtCi(c.ci?.[m])}`)]),
        style,
      ),
    );
  }

  const missing = (insights.data?.columns ?? []).filter((c) => c.missing > 0);
  if (missing.length) {
    out.push('');
    out.push(style.bold('Missing values') + style.dim(` (of ${insights.rows.toLocaleString('en-US')} rows)`));
    const shown = [...missing].sort((a, b) => b.missing - a.missing).slice(0, 6);
    out.push('  ' + shown.map((c) => `${c.name} ${c.missing.toLocaleString('en-US')} (${((100 * c.missing) / insights.rows).toFixed(1)}%)`).join(' · ') + (missing.length > shown.length ? ` · … ${missing.length - shown.length} more columns` : ''));
  }

  const warnings = insights.warnings ?? [];
  if (warnings.length) {
    out.push('');
    out.push(style.yellow(style.bold(`Warnings (${warnings.length})`)));
    for (const w of warnings.slice(0, 20)) out.push(style.yellow(`  ⚠ ${w.message}`));
    if (warnings.length > 20) out.push(style.yellow(`  … ${warnings.length - 20} more in insights.json`));
  }
  return out.join('\n');
}
