import { useMemo } from 'react';
import { Insights } from '../../../src/index.js';
import { Chart } from '../charts/Chart.js';
import { OKABE_ITO, type EChartsOption } from '../charts/echarts.js';
import { MetricValue, Section } from '../components.js';
import { fmt, fmtCount, fmtInterval, metricName } from '../format.js';
import { useDashboard } from '../state.js';

type Mitigations = NonNullable<Insights['mitigations']>;
type Applied = NonNullable<Insights['mitigation']>;

function parse(insights: unknown): { mitigations: Mitigations; applied: Applied | null } | null {
  const raw = insights as { mitigations?: unknown; mitigation?: unknown } | null;
  if (!raw) return null;
  const m = Insights.shape.mitigations.safeParse(raw.mitigations);
  const a = Insights.shape.mitigation.safeParse(raw.mitigation);
  const mitigations = m.success && m.data ? m.data : [];
  const applied = a.success && a.data ? a.data : null;
  return mitigations.length || applied ? { mitigations, applied } : null;
}

/** Whether the insights carry mitigation results (the view is hidden otherwise). */
export function hasMitigations(insights: unknown): boolean {
  return parse(insights) !== null;
}

function tradeoff(mitigations: Mitigations): EChartsOption | null {
  const points = mitigations.filter((m) => m.tradeoff);
  if (!points.length) return null;
  const disparity = points[0].tradeoff!.disparity;
  return {
    grid: { left: 64, right: 24, top: 36, bottom: 48 },
    legend: { top: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: metricName(disparity), nameLocation: 'middle', nameGap: 28, scale: true },
    yAxis: { type: 'value', name: 'accuracy', scale: true },
    series: [
      { type: 'scatter', name: 'before', symbol: 'circle', symbolSize: 12, itemStyle: { color: OKABE_ITO[0] }, data: points.slice(0, 1).map((m) => [m.tradeoff!.before.disparity, m.tradeoff!.before.accuracy]) },
      { type: 'scatter', name: 'after', symbol: 'diamond', symbolSize: 12, itemStyle: { color: OKABE_ITO[5] }, data: points.map((m) => ({ name: m.name, value: [m.tradeoff!.after.disparity, m.tradeoff!.after.accuracy] })), label: { show: true, position: 'right', formatter: (p: { name: string }) => p.name } },
    ],
  };
}

function Mitigation({ m }: { m: Mitigations[number] }) {
  return (
    <Section title={m.name} id={`mitigation-${m.method}`}>
      <p className="muted small">
        {m.method} · {Object.entries(m.params).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')} · on {m.data.split} data ({fmtCount(m.data.rows)} rows{m.data.file ? `, ${m.data.file}` : ''}) · {m.expected ? 'after: the expected metrics of the randomised rule' : 'after: the rule’s own predictions'} · intervals: {m.intervals.method === 'none' ? 'none' : `paired bootstrap, ${m.intervals.resamples} resamples, seed ${m.intervals.seed}`}
      </p>
      <p>
        Accuracy cost ({metricName(m.accuracyCost.metric)}): <MetricValue id="accuracy_cost" value={m.accuracyCost.cost} ci={m.accuracyCost.interval ?? undefined} />
      </p>
      <div className="table-wrap">
        <table className="metrics-table">
          <caption>Overall and per group: before → after (change, interval)</caption>
          <thead>
            <tr>
              <th scope="col">Scope</th>
              {m.metrics.map((id) => (
                <th scope="col" key={id}>
                  {metricName(id)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[{ label: 'overall', scope: m.overall }, ...m.groups.map((g) => ({ label: g.by.map((c) => g.key[c]).join(' | '), scope: g }))].map(({ label, scope }) => (
              <tr key={label}>
                <th scope="row">
                  {label} <small className="muted">({fmtCount(scope.count)})</small>
                </th>
                {m.metrics.map((id) => {
                  const v = scope.metrics[id];
                  return (
                    <td key={id}>
                      {v ? (
                        <>
                          {fmt(v.before)} → {fmt(v.after)} <small className="ci">({v.delta.value !== null && v.delta.value > 0 ? '+' : ''}
                          {fmt(v.delta.value)}
                          {v.delta.interval ? `, ${fmtInterval(v.delta.interval)}` : ''})</small>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {m.disparities.length ? (
        <table className="metrics-table small">
          <caption>Disparities between groups</caption>
          <thead>
            <tr>
              <th scope="col">Disparity</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {m.disparities.map((d) => (
              <tr key={`${d.by.join(',')}:${d.metric}`}>
                <th scope="row">
                  {metricName(d.metric)} by {d.by.join(' × ')}
                </th>
                <td>{fmt(d.before)}</td>
                <td>{fmt(d.after)}</td>
                <td>
                  {fmt(d.delta.value)} {d.delta.interval ? <small className="ci">{fmtInterval(d.delta.interval)}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {m.warnings.length ? (
        <ul className="warnings">
          {m.warnings.map((w) => (
            <li key={w.message}>{w.message}</li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

export function MitigationsView() {
  const { manifest } = useDashboard();
  const parsed = useMemo(() => parse(manifest.insights), [manifest.insights]);
  const option = useMemo(() => (parsed ? tradeoff(parsed.mitigations) : null), [parsed]);
  if (!parsed) return <p className="muted">No mitigation results in this run.</p>;
  return (
    <div className="view" data-testid="mitigations">
      {parsed.applied ? (
        <p className="notice" role="note">
          The assessed predictions have a mitigation applied: {parsed.applied.method} ({parsed.applied.constraint}){parsed.applied.file ? ` from ${parsed.applied.file}` : ''}; the metrics are {parsed.applied.mode === 'expected' ? 'expected (probability-weighted) metrics of the randomised rule' : parsed.applied.mode === 'draw' ? `one seeded draw (seed ${parsed.applied.seed})` : 'those of a deterministic rule'}.
        </p>
      ) : null}
      {option ? (
        <Section title="Accuracy against disparity" id="tradeoff">
          <Chart option={option} label="Accuracy and disparity before and after each mitigation" height={280} />
        </Section>
      ) : null}
      {parsed.mitigations.map((m, k) => (
        <Mitigation key={`${m.name}:${k}`} m={m} />
      ))}
    </div>
  );
}
