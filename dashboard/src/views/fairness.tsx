import { useMemo, useState } from 'react';
import { Chart } from '../charts/Chart.js';
import { OKABE_ITO, type EChartsOption } from '../charts/echarts.js';
import { Busy, ErrorNote, MetricValue, Section, Select } from '../components.js';
import type { FairnessGrouping } from '../engine/types.js';
import { fmt, metricName, metricShort } from '../format.js';
import { useDebounced } from '../hooks.js';
import { useDashboard, useEngine } from '../state.js';
import { ThresholdControl } from './overview.js';

const RATES = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'false_negative_rate', 'precision', 'accuracy'] as const;
const SUMMARIES = ['demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equalized_odds_ratio', 'equal_opportunity_difference', 'equal_opportunity_ratio'];

function ratioChart(g: FairnessGrouping, metric: string): EChartsOption {
  const [lo, hi] = g.band;
  const values = g.groups.map((x) => x.ratio[metric] ?? null);
  const top = Math.max(hi * 1.15, ...values.filter((v): v is number => v !== null).map((v) => v * 1.1));
  return {
    grid: { left: 56, right: 16, top: 24, bottom: 64 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'category', data: g.groups.map((x) => x.label), axisLabel: { interval: 0, rotate: g.groups.length > 6 ? 30 : 0, width: 110, overflow: 'truncate' } },
    yAxis: { type: 'value', name: `${metricShort(metric)} ÷ reference`, min: 0, max: Number(top.toFixed(2)) },
    series: [
      {
        type: 'bar',
        name: `${metricName(metric)} ratio`,
        barMaxWidth: 48,
        data: g.groups.map((x) => {
          const v = x.ratio[metric];
          const pass = x.pass[metric];
          // Pass and fail differ in colour (Okabe–Ito blue / vermillion) and in pattern-free luminance.
          return { value: v ?? '-', itemStyle: { color: pass === false ? OKABE_ITO[5] : OKABE_ITO[0] } };
        }),
        markArea: { silent: true, itemStyle: { color: 'rgba(0, 158, 115, 0.12)' }, data: [[{ yAxis: lo }, { yAxis: hi }]] },
        markLine: { symbol: 'none', silent: true, lineStyle: { color: '#000', type: 'dashed' }, label: { formatter: 'parity', position: 'insideEndTop' }, data: [{ yAxis: 1 }] },
      },
    ],
  };
}

function GroupingFairness({ g, references, setReference, boot }: { g: FairnessGrouping; references: Record<string, string>; setReference: (key: string, label: string) => void; boot: { metric: string; ci: { difference?: [number, number]; ratio?: [number, number] } }[] }) {
  const [metric, setMetric] = useState<string>('selection_rate');
  const option = useMemo(() => ratioChart(g, metric), [g, metric]);
  const key = g.by.join(',');
  const id = `fair-${g.by.join('-')}`;
  const failing = g.groups.filter((x) => Object.values(x.pass).some((p) => p === false)).length;
  return (
    <div className="grouping" data-grouping={key}>
      <div className="controls">
        <span className={failing ? 'badge fail' : 'badge pass'} data-testid={`${id}-verdict`}>
          {failing ? `${failing} group${failing === 1 ? '' : 's'} outside the band` : 'every group inside the band'}
        </span>
        <Select
          id={`${id}-reference`}
          label="Reference group"
          value={references[key] ?? g.reference?.label ?? ''}
          options={[{ value: '', label: 'largest group' }, ...g.groups.map((x) => ({ value: x.label, label: x.label }))]}
          onChange={(v) => setReference(key, v)}
        />
        <span className="muted">
          comparing with <strong>{g.reference?.label ?? '—'}</strong>; band {g.band[0]}–{g.band[1]}
        </span>
      </div>
      <div className="cards">
        {SUMMARIES.map((s) => (
          <div className="card" key={s} data-summary={s}>
            <div className="card-label">{metricName(s)}</div>
            <div className="card-value">
              <MetricValue id={s} value={g.summaries[s]} />
            </div>
          </div>
        ))}
      </div>
      <div className="table-wrap">
        <table className="metrics-table fairness-table">
          <caption>Each rate, and its ratio to the reference group (✓ inside the band, ✗ outside)</caption>
          <thead>
            <tr>
              <th scope="col">{g.by.join(' × ')}</th>
              <th scope="col">Rows</th>
              {RATES.map((m) => (
                <th scope="col" key={m} title={metricName(m)}>
                  {metricShort(m)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {g.groups.map((x) => (
              <tr key={x.label} data-group={x.label} className={x.label === g.reference?.label ? 'reference' : undefined}>
                <th scope="row">
                  {x.label}
                  {x.label === g.reference?.label ? <small> (reference)</small> : null}
                </th>
                <td>{fmt(x.count, 'count')}</td>
                {RATES.map((m) => {
                  const pass = x.pass[m];
                  return (
                    <td key={m} className={pass === false ? 'fail' : undefined} data-pass={pass === null || pass === undefined ? 'null' : String(pass)}>
                      <MetricValue id={m} value={x.metrics[m]} />
                      <small className="ratio">
                        {' '}
                        ×{fmt(x.ratio[m] ?? null)} <span aria-label={pass === false ? 'outside the band' : pass ? 'inside the band' : 'undefined'}>{pass === false ? '✗' : pass ? '✓' : ''}</span>
                      </small>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="split">
        <div className="chart-box">
          <Select id={`${id}-metric`} label="Chart" value={metric} options={RATES.map((m) => ({ value: m, label: metricName(m) }))} onChange={setMetric} />
          <Chart option={option} label={`${metricName(metric)} of each ${g.by.join(' × ')} group divided by the reference group's, with the pass band shaded`} height={240} />
        </div>
        <table className="metrics-table small">
          <caption>Disparities across groups (max − min, min ÷ max){boot.length ? ', with bootstrap intervals' : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Difference</th>
              <th scope="col">Ratio</th>
              <th scope="col">Lowest</th>
              <th scope="col">Highest</th>
            </tr>
          </thead>
          <tbody>
            {g.disparities.map((d) => {
              const ci = boot.find((b) => b.metric === d.metric)?.ci;
              return (
                <tr key={d.metric}>
                  <th scope="row">{metricName(d.metric)}</th>
                  <td>
                    <MetricValue id={`${d.metric}_difference`} value={d.difference} ci={ci?.difference} />
                  </td>
                  <td>
                    <MetricValue id={`${d.metric}_ratio`} value={d.ratio} ci={ci?.ratio} />
                  </td>
                  <td>{d.min ?? '—'}</td>
                  <td>{d.max ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function FairnessView() {
  const { cohort, threshold, settings, manifest, bootstrapLive } = useDashboard();
  const [references, setReferences] = useState<Record<string, string>>(settings.reference);
  const [lower, setLower] = useState(settings.band[0]);
  const [extra, setExtra] = useState<string[][]>([]);
  const [a, setA] = useState(settings.sensitive.flat()[0] ?? '');
  const [b, setB] = useState(manifest.columns.find((c) => c.type === 'categorical' && c.name !== (settings.sensitive.flat()[0] ?? ''))?.name ?? '');
  const groupings = useMemo(() => [...settings.sensitive, ...extra], [settings.sensitive, extra]);
  const band: [number, number] = [lower, Number((1 / lower).toFixed(6))];
  const refs = Object.fromEntries(Object.entries(references).filter(([, v]) => v !== ''));
  const r = useEngine('fairness', groupings.length ? { cohort: cohort.expression, threshold, groupings, references: refs, band } : null);
  const settled = useDebounced(JSON.stringify([cohort.expression, threshold]), 600);
  const [settledCohort, settledThreshold] = JSON.parse(settled) as [string, number | null];
  const bootOn = settings.bootstrap > 0 && bootstrapLive && groupings.length > 0;
  const boot = useEngine('assess', bootOn ? { cohort: settledCohort, threshold: settledThreshold, groupings, references: refs } : null, { lane: 'slow' });
  const bootFor = (by: string[]) =>
    boot.data && boot.data.threshold === threshold && boot.data.cohort === cohort.expression.trim() ? boot.data.insights.disparities.filter((d) => d.by.join(',') === by.join(',')).map((d) => ({ metric: d.metric, ci: d.ci })) : [];
  const candidates = manifest.columns.filter((c) => c.type === 'categorical' || c.type === 'boolean').map((c) => c.name);
  const ready = !!r.data && !r.loading;
  return (
    <div className="view" data-testid="fairness" data-state={ready ? 'ready' : 'busy'}>
      <div className="controls">
        <ThresholdControl />
        <span className="field">
          <label htmlFor="band-lower">Pass band: ratio at least</label>
          <input id="band-lower" type="number" min={0.05} max={1} step={0.05} value={lower} onChange={(e) => Number(e.target.value) > 0 && Number(e.target.value) <= 1 && setLower(Number(e.target.value))} />
          <span className="muted">and at most {fmt(band[1])}</span>
        </span>
        <Busy on={r.loading} />
      </div>
      <details className="section">
        <summary>Add an intersectional grouping</summary>
        <div className="controls">
          <Select id="inter-a" label="First column" value={a} options={candidates.map((c) => ({ value: c, label: c }))} onChange={setA} />
          <Select id="inter-b" label="Second column" value={b} options={candidates.map((c) => ({ value: c, label: c }))} onChange={setB} />
          <button type="button" disabled={!a || !b || a === b || groupings.some((g) => g.join(',') === `${a},${b}`)} onClick={() => setExtra([...extra, [a, b]])}>
            Add {a} × {b}
          </button>
          {extra.length ? (
            <button type="button" className="link" onClick={() => setExtra([])}>
              Remove added groupings
            </button>
          ) : null}
        </div>
      </details>
      {groupings.length === 0 ? <p className="notice">The run names no sensitive features: add one above (for example an intersection of two columns).</p> : null}
      <ErrorNote error={r.error} />
      <p className="muted small">
        {boot.data && boot.data.threshold === threshold ? `Disparity intervals: bootstrap (${settings.bootstrap} resamples, seed ${settings.seed}).` : bootOn ? `Bootstrap intervals of the disparities are computing${boot.progress !== null ? ` — ${Math.round(boot.progress * 100)}%` : '…'}` : ''}
        {boot.error ? ` Bootstrap failed: ${boot.error.message}` : ''}
      </p>
      {r.data?.groupings.map((g) => (
        <Section key={g.by.join(',')} title={`Fairness by ${g.by.join(' × ')}`} id={`fairness-${g.by.join('-')}`}>
          <GroupingFairness g={g} references={references} setReference={(k, v) => setReferences({ ...references, [k]: v })} boot={bootFor(g.by)} />
        </Section>
      ))}
      <p className="muted small">
        Ratios use the reference group&rsquo;s rate as the denominator; a group passes when its ratio lies in [{band[0]}, {fmt(band[1])}] (the four-fifths rule and its inverse by default).
      </p>
    </div>
  );
}
