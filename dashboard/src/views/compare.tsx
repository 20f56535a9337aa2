import { Fragment, useMemo, useState } from 'react';
import { Insights } from '../../../src/index.js';
import { Chart } from '../charts/Chart.js';
import { barsWithIntervals } from '../charts/options.js';
import { MetricValue, Section, Select } from '../components.js';
import { fmt, fmtCount, fmtInterval, metricName, pct } from '../format.js';
import { useDashboard } from '../state.js';

type Comparison = NonNullable<Insights['comparison']>;

function parse(insights: unknown): Comparison | null {
  const raw = (insights as { comparison?: unknown } | null)?.comparison;
  const r = Insights.shape.comparison.safeParse(raw);
  return r.success && r.data ? r.data : null;
}

/** Whether the insights carry a model comparison (the view is hidden otherwise). */
export function hasComparison(insights: unknown): boolean {
  return parse(insights) !== null;
}

type Scope = Comparison['overall'];
type Delta = Scope['deltas'][string][string];

const mark = (d: Delta | undefined) => (d?.mark === 'up' ? ' ↑' : d?.mark === 'down' ? ' ↓' : d?.mark === 'same' ? ' ≈' : '');

function DeltaText({ d }: { d: Delta | undefined }) {
  if (!d || d.value === null) return null;
  return (
    <small className="ci">
      {' '}
      {d.value > 0 ? '+' : ''}
      {fmt(d.value)}
      {d.interval ? ` ${fmtInterval(d.interval)}` : ''}
      {mark(d)}
    </small>
  );
}

/** One metric across scopes (rows) and models (columns): each model's value and its change from the baseline. */
function ScopeTable({ c, metric, rows, caption }: { c: Comparison; metric: string; rows: { label: string; scope: Scope }[]; caption: string }) {
  const models = c.models.map((m) => m.name);
  return (
    <div className="table-wrap">
      <table className="metrics-table" data-testid="compare-table">
        <caption>
          {caption}: {metricName(metric)} of each model, and its change from the baseline {c.baseline} with its interval (↑ up, ↓ down, ≈ the interval holds 0)
        </caption>
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Rows</th>
            {models.map((m) => (
              <th scope="col" key={m}>
                {m}
                {m === c.baseline ? ' (baseline)' : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ label, scope }) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{fmtCount(scope.count)}</td>
              {models.map((m) => (
                <td key={m}>
                  <MetricValue id={metric} value={scope.metrics[m]?.[metric] ?? null} />
                  {m !== c.baseline ? <DeltaText d={scope.deltas[m]?.[metric]} /> : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CompareView() {
  const { manifest, setCohort } = useDashboard();
  const c = useMemo(() => parse(manifest.insights), [manifest.insights]);
  const metrics = c ? Object.keys(c.overall.metrics[c.baseline] ?? {}).filter((m) => !['tp', 'fp', 'tn', 'fn', 'count'].includes(m)) : [];
  const [metric, setMetric] = useState(metrics.includes('accuracy') ? 'accuracy' : (metrics[0] ?? ''));
  const option = useMemo(() => {
    if (!c || !metric) return null;
    const names = c.models.map((m) => m.name);
    return barsWithIntervals(
      names,
      names.map((n) => c.overall.metrics[n]?.[metric] ?? null),
      names.map(() => undefined),
      metricName(metric),
    );
  }, [c, metric]);
  if (!c) return <p className="muted">No model comparison in this run.</p>;
  const disparities = c.disparities.filter((d) => d.metric === metric);
  return (
    <div className="view" data-testid="compare">
      <p className="muted">
        {c.models.length} models on the same {fmtCount(c.rows)} rows; baseline {c.baseline}; {c.config.intervals === 'none' ? 'no intervals' : `paired bootstrap, ${c.config.bootstrap} resamples, seed ${c.config.seed}`}.
      </p>
      <div className="controls">
        <Select id="compare-metric" label="Metric" value={metric} options={metrics.map((m) => ({ value: m, label: metricName(m) }))} onChange={setMetric} />
      </div>
      <div className="split">
        <Section title="Overall" id="compare-overall">
          {option ? <Chart option={option} label={`${metricName(metric)} of each model`} height={220} /> : null}
        </Section>
        <Section title="Per scope" id="compare-scopes">
          <ScopeTable
            c={c}
            metric={metric}
            caption="All rows, cohorts and groups"
            rows={[{ label: 'all rows', scope: c.overall }, ...c.cohorts.map((x) => ({ label: x.name, scope: x })), ...c.groups.map((g) => ({ label: g.by.map((k) => g.key[k]).join(' | '), scope: g }))]}
          />
        </Section>
      </div>
      {disparities.length ? (
        <Section title="Disparities between groups" id="compare-disparities">
          <table className="metrics-table small">
            <caption>{metricName(metric)}: max − min and min ÷ max across groups, per model</caption>
            <thead>
              <tr>
                <th scope="col">Grouping</th>
                {c.models.map((m) => (
                  <th scope="col" key={m.name} colSpan={2}>
                    {m.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {disparities.map((d) => (
                <tr key={d.by.join(',')}>
                  <th scope="row">{d.by.join(' × ')}</th>
                  {c.models.map((m) => (
                    <Fragment key={m.name}>
                      <td>
                        difference {fmt(d.values[m.name]?.difference ?? null)}
                        {m.name !== c.baseline ? <DeltaText d={d.deltas[m.name]?.difference} /> : null}
                      </td>
                      <td>
                        ratio {fmt(d.values[m.name]?.ratio ?? null)}
                        {m.name !== c.baseline ? <DeltaText d={d.deltas[m.name]?.ratio} /> : null}
                      </td>
                    </Fragment>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      {c.compatibility.length ? (
        <Section title="Backward compatibility" id="compare-compat">
          <table className="metrics-table small">
            <caption>Backward trust compatibility (share of the baseline&rsquo;s correct rows the model keeps correct) and error compatibility (share of the model&rsquo;s errors the baseline also made)</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Scope</th>
                <th scope="col">BTC</th>
                <th scope="col">BEC</th>
                <th scope="col">New errors</th>
              </tr>
            </thead>
            <tbody>
              {c.compatibility.map((x, k) => (
                <tr key={k}>
                  <th scope="row">{x.model}</th>
                  <td>{x.cohort ?? (x.group ? Object.values(x.group).join(' | ') : 'all rows')}</td>
                  <td>
                    {fmt(x.btc)} <small className="ci">{fmtInterval(x.btcInterval ?? undefined)}</small>
                  </td>
                  <td>
                    {fmt(x.bec)} <small className="ci">{fmtInterval(x.becInterval ?? undefined)}</small>
                  </td>
                  <td>{fmtCount(x.newErrors)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      ) : null}
      {c.regressions?.length ? (
        <Section title="Where the new errors are" id="compare-regressions">
          {c.regressions.map((r) => (
            <div key={`${r.baseline}:${r.model}`}>
              <p>
                {r.model} against {r.baseline}: {fmtCount(r.newErrors)} new errors of {fmtCount(r.rows)} rows ({pct(r.regressionRate)})
              </p>
              <ul className="cohort-list">
                {r.cohorts.map((x) => (
                  <li key={x.expression}>
                    <button type="button" className="link" onClick={() => setCohort({ name: `New errors: ${x.expression}`.slice(0, 60), expression: x.expression })}>
                      {x.expression}
                    </button>{' '}
                    <span className="muted">
                      {fmtCount(x.rows)} rows, {pct(x.regressionRate)} new errors{x.lift !== null ? `, ${fmt(x.lift)}× the average` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </Section>
      ) : null}
    </div>
  );
}
