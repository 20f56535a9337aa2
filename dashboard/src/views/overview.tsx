import { useMemo, useState } from 'react';
import type { Insights } from '../../../src/index.js';
import { Chart } from '../charts/Chart.js';
import { OKABE_ITO, type EChartsOption } from '../charts/echarts.js';
import { barsWithIntervals } from '../charts/options.js';
import { Busy, ErrorNote, MetricCard, MetricValue, Section, Select } from '../components.js';
import type { GroupingBlock, Interval, Overview } from '../engine/types.js';
import { fmt, fmtCount, metricName, metricShort } from '../format.js';
import { useDebounced } from '../hooks.js';
import { useDashboard, useEngine } from '../state.js';

const HEADLINE_BINARY = ['accuracy', 'selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision', 'f1', 'roc_auc'];
const GROUP_COLUMNS_BINARY = ['selection_rate', 'accuracy', 'true_positive_rate', 'false_positive_rate', 'precision', 'f1', 'roc_auc'];

/** The slider (and exact input) for the score threshold every view uses. */
export function ThresholdControl({ range }: { range?: [number, number] }) {
  const { threshold, setThreshold, settings } = useDashboard();
  if (threshold === null) return null;
  const [lo, hi] = range ?? [0, 1];
  const step = (hi - lo) / 100;
  return (
    <div className="threshold" data-testid="threshold-control">
      <label htmlFor="threshold-slider">
        Threshold on <code>{settings.score}</code>
      </label>
      <input
        id="threshold-slider"
        type="range"
        min={lo}
        max={hi}
        step={step}
        value={threshold}
        aria-valuetext={`predict ${settings.positive ?? 'positive'} when the score is at least ${threshold}`}
        onChange={(e) => setThreshold(Number(e.target.value))}
      />
      <label className="visually-hidden" htmlFor="threshold-exact">
        Exact threshold
      </label>
      <input id="threshold-exact" type="number" min={lo} max={hi} step="any" value={threshold} onChange={(e) => Number.isFinite(Number(e.target.value)) && e.target.value !== '' && setThreshold(Number(e.target.value))} />
    </div>
  );
}

/** Overview metrics with the bootstrap intervals merged in, once the full assessment for the same cohort and threshold has arrived. */
function withBootstrap(o: Overview, insights: Insights | null): Overview {
  if (!insights) return o;
  const overall = { ...o.overall, ci: (insights.overallCi ?? {}) as Record<string, Interval> };
  const groupings: GroupingBlock[] = o.groupings.map((gb) => ({
    ...gb,
    groups: gb.groups.map((g) => {
      const match = insights.groups.find((r) => r.by.join(',') === gb.by.join(',') && gb.by.every((c) => r.key[c] === g.key[c]));
      return match ? { ...g, ci: match.ci as Record<string, Interval> } : g;
    }),
  }));
  return { ...o, overall, groupings, intervals: 'bootstrap' };
}

function ConfusionMatrix({ o }: { o: Overview }) {
  const c = o.overall.confusion;
  if (!c) return null;
  const pos = o.classes?.positive ?? 'positive';
  const neg = o.classes?.negative ?? `not ${pos}`;
  const total = c.tp + c.fp + c.tn + c.fn;
  const cell = (id: 'tp' | 'fp' | 'tn' | 'fn', v: number, name: string) => (
    <td className={`cm-${id}`} data-cell={id}>
      <MetricValue id={id} value={v} />
      <small>
        {name} · {total ? ((100 * v) / total).toFixed(1) : '0'}%
      </small>
    </td>
  );
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>Confusion matrix (rows: actual, columns: predicted)</caption>
      <thead>
        <tr>
          <td />
          <th scope="col">predicted {pos}</th>
          <th scope="col">predicted {neg}</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">actual {pos}</th>
          {cell('tp', c.tp, 'true positive')}
          {cell('fn', c.fn, 'false negative')}
        </tr>
        <tr>
          <th scope="row">actual {neg}</th>
          {cell('fp', c.fp, 'false positive')}
          {cell('tn', c.tn, 'true negative')}
        </tr>
      </tbody>
    </table>
  );
}

function scoreChart(o: Overview, threshold: number | null): EChartsOption | null {
  if (!o.scores) return null;
  const { edges, positives, negatives } = o.scores;
  const centers = edges.slice(0, -1).map((e, k) => (e + edges[k + 1]) / 2);
  return {
    grid: { left: 56, right: 16, top: 36, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', min: edges[0], max: edges[edges.length - 1], name: 'score', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'value', name: 'rows' },
    series: [
      { type: 'bar', name: 'actual negatives', stack: 's', barWidth: '90%', data: centers.map((x, k) => [x, negatives[k]]), itemStyle: { color: OKABE_ITO[0] } },
      {
        type: 'bar',
        name: 'actual positives',
        stack: 's',
        barWidth: '90%',
        data: centers.map((x, k) => [x, positives[k]]),
        itemStyle: { color: OKABE_ITO[1] },
        markLine: threshold === null ? undefined : { symbol: 'none', label: { formatter: `threshold ${threshold}` }, lineStyle: { color: '#000', type: 'dashed' }, data: [{ xAxis: threshold }] },
      },
    ],
  };
}

function curveChart(o: Overview, threshold: number | null): EChartsOption | null {
  if (!o.curve) return null;
  const c = o.curve;
  const ids = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision'] as const;
  return {
    grid: { left: 56, right: 16, top: 36, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: 'threshold', nameLocation: 'middle', nameGap: 26, min: c.thresholds[0], max: c.thresholds[c.thresholds.length - 1] },
    yAxis: { type: 'value', min: 0, max: 1 },
    series: ids.map((id, k) => ({
      type: 'line',
      name: metricName(id),
      showSymbol: false,
      data: c.thresholds.map((t, i) => [t, c[id][i]]),
      lineStyle: { color: OKABE_ITO[k], type: k === 3 ? 'dashed' : 'solid', width: 2 },
      itemStyle: { color: OKABE_ITO[k] },
      markLine: k === 0 && threshold !== null ? { symbol: 'none', label: { show: false }, lineStyle: { color: '#000', type: 'dashed' }, data: [{ xAxis: threshold }] } : undefined,
    })),
  };
}

function GroupingTable({ gb, columns, level }: { gb: GroupingBlock; columns: string[]; level: number }) {
  const [metric, setMetric] = useState(columns[0]);
  const option = useMemo(() => barsWithIntervals(gb.groups.map((g) => g.label), gb.groups.map((g) => g.metrics[metric] ?? null), gb.groups.map((g) => g.ci[metric]), metricName(metric)), [gb, metric]);
  const id = `by-${gb.by.join('-')}`;
  return (
    <div className="grouping" data-grouping={gb.by.join(',')}>
      <h3>By {gb.by.join(' × ')}</h3>
      <div className="split">
        <div className="table-wrap">
          <table className="metrics-table">
            <thead>
              <tr>
                <th scope="col">{gb.by.join(' × ')}</th>
                <th scope="col">Rows</th>
                {columns.map((m) => (
                  <th scope="col" key={m} title={metricName(m)}>
                    {metricShort(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {gb.groups.map((g) => (
                <tr key={g.label} data-group={g.label}>
                  <th scope="row">{g.label}</th>
                  <td>
                    <MetricValue id="count" value={g.count} />
                  </td>
                  {columns.map((m) => (
                    <td key={m} title={g.reasons[m] ?? undefined}>
                      <MetricValue id={m} value={g.metrics[m]} ci={g.ci[m]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="chart-box">
          <Select id={`${id}-metric`} label="Chart" value={metric} options={columns.map((m) => ({ value: m, label: metricName(m) }))} onChange={setMetric} />
          <Chart option={option} label={`${metricName(metric)} by ${gb.by.join(' × ')}, with ${Math.round(level * 100)}% intervals`} height={240} />
        </div>
      </div>
    </div>
  );
}

function CohortComparison() {
  const { saved, runCohorts, cohort, threshold, setCohort } = useDashboard();
  // The run's and the saved cohorts (not the current one: choosing a cohort must not recompute the table).
  const cohorts = useMemo(() => [{ name: 'All rows', expression: '' }, ...runCohorts, ...saved].slice(0, 24), [saved, runCohorts]);
  const debounced = useDebounced(threshold, 250);
  const r = useEngine('cohortSummaries', { cohorts, threshold: debounced });
  const ids = ['accuracy', 'selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision'];
  return (
    <Section title="Metrics per cohort" id="per-cohort" actions={<Busy on={r.loading} />}>
      <ErrorNote error={r.error} />
      {r.data ? (
        <div className="table-wrap">
          <table className="metrics-table" data-testid="cohort-table">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col">Rows</th>
                {ids.map((m) => (
                  <th scope="col" key={m}>
                    {metricShort(m)}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Select</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {r.data.map((c) => (
                <tr key={`${c.name}|${c.expression}`} className={c.expression === cohort.expression ? 'current' : undefined}>
                  <th scope="row" title={c.expression || 'every row'}>
                    {c.name}
                  </th>
                  <td>{c.error ? <span className="error-text">{c.error}</span> : fmtCount(c.count)}</td>
                  {ids.map((m) => (
                    <td key={m}>
                      <MetricValue id={m} value={c.metrics[m]} />
                    </td>
                  ))}
                  <td>
                    <button type="button" className="link" onClick={() => setCohort({ name: c.name, expression: c.expression })} disabled={c.expression === cohort.expression}>
                      Select
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}

export function OverviewView() {
  const { cohort, threshold, settings, bootstrapLive, setBootstrapLive, manifest } = useDashboard();
  const r = useEngine('overview', { cohort: cohort.expression, threshold });
  // The bootstrap waits until the cohort and threshold have stayed put for a moment: it is slow, and
  // restarting its worker for every step of a dragged slider would only compete with the overview.
  const settled = useDebounced(JSON.stringify([cohort.expression, threshold]), 600);
  const bootstrapOn = settings.bootstrap > 0 && bootstrapLive;
  const [settledCohort, settledThreshold] = JSON.parse(settled) as [string, number | null];
  const a = useEngine('assess', bootstrapOn ? { cohort: settledCohort, threshold: settledThreshold } : null, { lane: 'slow' });
  const o0 = r.data;
  const boot = a.data && o0 && a.data.cohort === o0.cohort && a.data.threshold === o0.threshold ? a.data.insights : null;
  const o = o0 ? withBootstrap(o0, boot) : null;
  const scores = useMemo(() => (o0 ? scoreChart(o0, o0.threshold) : null), [o0]);
  const curve = useMemo(() => (o0 ? curveChart(o0, o0.threshold) : null), [o0]);
  const range = o?.curve ? ([o.curve.thresholds[0], o.curve.thresholds[o.curve.thresholds.length - 1]] as [number, number]) : undefined;
  const ready = !!o && !r.loading && o.cohort === cohort.expression.trim() && o.threshold === threshold;
  const headline = settings.task === 'binary' ? HEADLINE_BINARY : Object.keys(o?.overall.metrics ?? {}).filter((m) => m !== 'count').slice(0, 7);
  const groupColumns = settings.task === 'binary' ? (settings.score ? GROUP_COLUMNS_BINARY : GROUP_COLUMNS_BINARY.filter((m) => m !== 'roc_auc')) : headline;
  const level = `${Math.round(settings.confidence * 100)}%`;
  const intervalNote =
    settings.bootstrap === 0
      ? `Wilson ${level} intervals (the run has bootstrap off).`
      : !bootstrapLive
        ? `Wilson ${level} intervals. The run's bootstrap (${settings.bootstrap} resamples) on ${fmtCount(manifest.sample?.rows ?? manifest.rows)} rows takes a while, so it runs on request:`
        : boot
          ? `Bootstrap ${level} intervals (${settings.bootstrap} resamples, seed ${settings.seed}), as candor assess --where gives them.`
          : a.error
            ? `Bootstrap intervals failed: ${a.error.message}`
            : `Wilson ${level} intervals for now; bootstrap intervals (${settings.bootstrap} resamples) are computing in the background${a.progress !== null ? ` — ${Math.round(a.progress * 100)}%` : '…'}`;
  return (
    <div className="view" data-testid="overview" data-state={ready ? 'ready' : 'busy'} data-cohort={o?.cohort ?? ''} data-threshold={o?.threshold ?? ''} data-intervals={o?.intervals ?? ''} data-timings={o ? JSON.stringify(o.timings) : ''}>
      <div className="controls">
        <ThresholdControl range={range} />
        <Busy on={r.loading} label="Updating…" />
        {o ? (
          <span className="muted" data-testid="overview-timing">
            {fmtCount(o.matched)} rows match · {fmtCount(o.overall.count)} analysed · computed in {o.timings.total?.toFixed(0)} ms
          </span>
        ) : null}
      </div>
      <ErrorNote error={r.error} />
      {o ? (
        <>
          {o.warnings.length ? (
            <div className="warnings" role="note" aria-label="Warnings">
              <ul>
                {o.warnings.slice(0, 2).map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
              {o.warnings.length > 2 ? (
                <details>
                  <summary>{o.warnings.length - 2} more</summary>
                  <ul>
                    {o.warnings.slice(2).map((w) => (
                      <li key={w}>{w}</li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </div>
          ) : null}
          <div className="cards" data-scope="overall">
            <MetricCard id="count" value={o.overall.count} />
            {headline.map((m) => (
              <MetricCard key={m} id={m} value={o.overall.metrics[m]} ci={o.overall.ci[m]} reason={o.overall.reasons[m]} level={settings.confidence} />
            ))}
          </div>
          <p className="muted small" data-testid="interval-note" data-bootstrap={boot ? 'done' : bootstrapOn ? 'pending' : 'off'}>
            {intervalNote}{' '}
            {settings.bootstrap > 0 && !bootstrapLive ? (
              <button type="button" className="link" onClick={() => setBootstrapLive(true)}>
                compute bootstrap intervals
              </button>
            ) : null}
          </p>
          {settings.task === 'binary' ? (
            <div className="split">
              <ConfusionMatrix o={o} />
              {scores ? (
                <div className="chart-box">
                  <h3>Score distribution</h3>
                  <Chart option={scores} label="Histogram of scores for actual positives and negatives, with the threshold" height={230} />
                </div>
              ) : null}
            </div>
          ) : null}
          {curve ? (
            <Section title="Metrics across thresholds" id="curve">
              <Chart option={curve} label="Selection rate, true and false positive rates and precision at each threshold" height={240} />
            </Section>
          ) : null}
          <Section title="Metrics per sensitive group" id="groups">
            {o.groupings.length === 0 ? <p className="muted">The run names no sensitive features.</p> : null}
            {o.groupings.map((gb) => (
              <GroupingTable key={gb.by.join(',')} gb={gb} columns={groupColumns} level={settings.confidence} />
            ))}
          </Section>
          <details className="section">
            <summary>Every metric of this cohort</summary>
            <table className="metrics-table" data-testid="all-metrics">
              <tbody>
                {Object.entries(o.overall.metrics).map(([m, v]) => (
                  <tr key={m}>
                    <th scope="row">{metricName(m)}</th>
                    <td>
                      <MetricValue id={m} value={v} ci={o.overall.ci[m]} />
                    </td>
                    <td className="muted">{o.overall.reasons[m] ?? (v === null ? 'undefined' : '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <CohortComparison />
        </>
      ) : (
        !r.error && <p className="muted">Computing the overview…</p>
      )}
      <span className="visually-hidden" aria-live="polite">
        {o && ready ? `Accuracy ${fmt(o.overall.metrics.accuracy)}, selection rate ${fmt(o.overall.metrics.selection_rate)}` : ''}
      </span>
    </div>
  );
}
