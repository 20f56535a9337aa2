import { useEffect, useMemo, useState } from 'react';
import { ExplainResponse, type ExplainRowResponse, type RowPrediction, type RowValues } from '../../../src/dashboard/protocol.js';
import { explain, explainRow, predict } from '../api.js';
import { Chart } from '../charts/Chart.js';
import { OKABE_ITO, type EChartsOption } from '../charts/echarts.js';
import { horizontalBars } from '../charts/options.js';
import { Busy, ErrorNote, NeedsModel, Section, Select } from '../components.js';
import { fmt, fmtCount } from '../format.js';
import { type Cohort, useDashboard, useEngine } from '../state.js';

/** Explanations an insights document may carry, in the `/api/explain` response shape. */
function precomputed(insights: unknown): ExplainResponse | null {
  const e = (insights as { explanations?: unknown } | null)?.explanations;
  const parsed = ExplainResponse.safeParse(e);
  return parsed.success ? parsed.data : null;
}

/** The model's output for the positive class (or the value), from one prediction. */
export function predictionValue(p: RowPrediction, positive: string | null): number | null {
  if (p.value !== undefined) return p.value;
  if (p.scores && positive !== null && p.scores[positive] !== undefined) return p.scores[positive];
  if (p.scores) {
    const v = Object.values(p.scores);
    return v.length === 2 ? v[1] : null;
  }
  return p.label !== undefined && positive !== null ? (p.label === positive ? 1 : 0) : null;
}

/** The model's inputs from a data row (only the columns it reads). */
export function modelRow(values: RowValues, inputs: string[]): RowValues {
  const out: RowValues = {};
  for (const name of inputs) out[name] = values[name] ?? null;
  return out;
}

function GlobalImportance() {
  const { manifest, liveModel, cohort, saved, exported } = useDashboard();
  const pre = useMemo(() => precomputed(manifest.insights), [manifest.insights]);
  const [extra, setExtra] = useState<string[]>([]);
  const cohorts: Cohort[] = useMemo(() => {
    const list: Cohort[] = [];
    if (cohort.expression) list.push({ name: cohort.name === 'All rows' ? 'cohort' : cohort.name, expression: cohort.expression });
    for (const name of extra) {
      const c = saved.find((s) => s.name === name);
      if (c && !list.some((l) => l.name === c.name)) list.push(c);
    }
    return list.slice(0, 8);
  }, [cohort, extra, saved]);
  const [result, setResult] = useState<ExplainResponse | null>(pre);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const run = () => {
    setLoading(true);
    setError(null);
    explain({ cohorts: cohorts.map((c) => ({ name: c.name.slice(0, 100), expression: c.expression })), seed: 0 })
      .then(setResult, setError)
      .finally(() => setLoading(false));
  };
  const data = result ?? pre;
  const names = useMemo(() => (data ? ['all', ...Object.keys(data.counts).filter((k) => k !== 'all')] : []), [data]);
  const top = useMemo(() => (data ? data.importance.slice(0, 15) : []), [data]);
  const option = useMemo(
    () => (data ? horizontalBars(top.map((i) => i.feature), names.map((n) => ({ name: n === 'all' ? 'all rows' : n, values: top.map((i) => i.cohorts[n] ?? 0) })), `mean |SHAP| (${data.output === 'raw' ? 'log-odds' : 'probability'})`) : null),
    [data, top, names],
  );
  return (
    <Section
      title="Feature importance: all rows and the cohort side by side"
      id="importance"
      actions={
        liveModel ? (
          <>
            {saved.length ? (
              <span className="field">
                <label htmlFor="importance-extra">Add saved cohorts</label>
                <select id="importance-extra" multiple size={Math.min(3, Math.max(1, saved.length))} value={extra} onChange={(e) => setExtra(Array.from(e.target.selectedOptions, (o) => o.value))}>
                  {saved.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </span>
            ) : null}
            <button type="button" data-testid="compute-importance" onClick={run} disabled={loading}>
              {data ? 'Recompute' : 'Compute'} for {cohorts.length ? cohorts.map((c) => c.name).join(', ') : 'all rows'}
            </button>
            <Busy on={loading} label="Explaining…" />
          </>
        ) : null
      }
    >
      <ErrorNote error={error} />
      {!liveModel && !pre ? <NeedsModel exported={exported} what="Feature importance" /> : null}
      {!liveModel && pre ? <p className="muted small">Precomputed with the run (the live model is not available here).</p> : null}
      {data && option ? (
        <>
          <Chart option={option} label={`Mean absolute SHAP value of the top ${top.length} features for ${names.join(', ')}`} height={Math.max(220, 26 * top.length + 60)} testId="importance-chart" />
          <p className="muted small">
            {data.method === 'treeshap' ? 'Exact TreeSHAP' : 'KernelSHAP'} on {data.sample ? `a seeded sample of ${fmtCount(data.sample.rows)} rows (seed ${data.sample.seed})` : 'every row'}; rows per cohort: {Object.entries(data.counts).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ')}.
          </p>
        </>
      ) : liveModel && !loading ? (
        <p className="muted">Compute mean |SHAP| values with the live model for every row and for the cohort.</p>
      ) : null}
    </Section>
  );
}

function contributionsOption(r: ExplainRowResponse): EChartsOption {
  const top = r.contributions.slice(0, 15);
  return horizontalBars(
    top.map((c) => `${c.feature} = ${c.value === null ? 'missing' : typeof c.value === 'number' ? Number(c.value.toPrecision(5)) : c.value}`),
    [{ name: 'contribution', values: top.map((c) => c.contribution) }],
    `contribution (${r.output === 'raw' ? 'log-odds' : 'probability'})`,
    true,
  );
}

/** A row's SHAP contributions from the live model. */
export function RowExplanation({ values, title }: { values: RowValues | null; title: string }) {
  const { manifest } = useDashboard();
  const inputs = manifest.model?.inputs.map((i) => i.name) ?? manifest.features;
  const [r, setR] = useState<ExplainRowResponse | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const key = values ? JSON.stringify(modelRow(values, inputs)) : null;
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    explainRow({ row: JSON.parse(key) as RowValues })
      .then(
        (x) => live && setR(x),
        (e: Error) => live && setError(e),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key]);
  const option = useMemo(() => (r ? contributionsOption(r) : null), [r]);
  return (
    <div className="row-explanation" data-testid="row-explanation" data-state={loading ? 'busy' : r ? 'ready' : 'idle'}>
      <h3>{title}</h3>
      <Busy on={loading} label="Explaining…" />
      <ErrorNote error={error} />
      {r && option ? (
        <>
          <p className="muted small">
            {r.method === 'treeshap' ? 'Exact TreeSHAP' : 'KernelSHAP'}: base value {fmt(r.base)} + the contributions = {fmt(r.base + r.contributions.reduce((s, c) => s + c.contribution, 0))} ({r.output === 'raw' ? 'log-odds' : 'probability'}
            {r.class ? ` of ${r.class}` : ''}). Vermillion pushes the output up, blue pushes it down.
          </p>
          <Chart option={option} label={`Contributions of each feature to this row's prediction`} height={Math.max(200, 24 * Math.min(15, r.contributions.length) + 60)} />
        </>
      ) : null}
    </div>
  );
}

function RowExplainer() {
  const { row, setRow, threshold } = useDashboard();
  const [index, setIndex] = useState(String(row ?? 0));
  const chosen = Number(index);
  const valid = Number.isInteger(chosen) && chosen >= 0;
  const data = useEngine('row', valid ? { index: chosen, threshold } : null);
  return (
    <Section title="Why this prediction? One row's explanation" id="row">
      <div className="controls">
        <label htmlFor="explain-row-index">Row</label>
        <input id="explain-row-index" type="number" min={0} value={index} onChange={(e) => setIndex(e.target.value)} onBlur={() => valid && setRow(chosen)} />
        {data.data ? (
          <span className="muted">
            label {data.data.label ?? '—'} · prediction {data.data.prediction ?? '—'}
            {data.data.score !== null ? ` · score ${fmt(data.data.score)}` : ''}
          </span>
        ) : null}
      </div>
      <ErrorNote error={data.error} />
      <RowExplanation values={data.data?.values ?? null} title={`Row ${index}`} />
    </Section>
  );
}

/** Partial dependence and ICE: the model's output as one feature sweeps a grid, for a sample of the cohort's rows. */
function Dependence() {
  const { manifest, client, cohort, threshold, settings } = useDashboard();
  const inputs = manifest.model?.inputs ?? [];
  const [feature, setFeature] = useState(inputs[0]?.name ?? '');
  const [result, setResult] = useState<{ feature: string; grid: (number | string)[]; lines: (number | null)[][]; categorical: boolean } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const run = async () => {
    setLoading(true);
    setError(null);
    try {
      const input = inputs.find((i) => i.name === feature)!;
      const s = await client.call('suggest', { column: feature });
      const grid: (number | string)[] =
        input.type === 'numeric' && s.numeric
          ? Array.from({ length: 12 }, (_, k) => Number((s.numeric!.min + ((s.numeric!.max - s.numeric!.min) * k) / 11).toPrecision(6)))
          : s.values.slice(0, 12).map((v) => v.value);
      const sample = await client.call('sampleRows', { cohort: cohort.expression, threshold, count: 20 });
      const rows = sample.map((r) => modelRow(r.values, inputs.map((i) => i.name)));
      const batch = rows.flatMap((r) => grid.map((g) => ({ ...r, [feature]: g })));
      const out = await predict({ rows: batch });
      const lines = rows.map((_, k) => grid.map((_, j) => predictionValue(out.predictions[k * grid.length + j], settings.positive ?? manifest.positive)));
      setResult({ feature, grid, lines, categorical: input.type === 'categorical' });
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };
  const option = useMemo((): EChartsOption | null => {
    if (!result) return null;
    const mean = result.grid.map((_, j) => {
      const v = result.lines.map((l) => l[j]).filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    });
    const x = result.categorical ? { type: 'category', data: result.grid.map(String) } : { type: 'value', scale: true };
    const point = (j: number, v: number | null) => (result.categorical ? v : [result.grid[j], v]);
    return {
      grid: { left: 56, right: 16, top: 32, bottom: 40 },
      legend: { top: 0, data: ['partial dependence (mean)', 'one row (ICE)'] },
      xAxis: { ...x, name: result.feature, nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', name: 'model output', scale: true },
      tooltip: { trigger: 'axis' },
      series: [
        ...result.lines.map((l, k) => ({ type: 'line', name: 'one row (ICE)', showSymbol: false, silent: true, data: l.map((v, j) => point(j, v)), lineStyle: { color: OKABE_ITO[4], width: 1, opacity: 0.6 }, itemStyle: { color: OKABE_ITO[4] }, z: 1, id: `ice-${k}` })),
        { type: 'line', name: 'partial dependence (mean)', data: mean.map((v, j) => point(j, v)), lineStyle: { color: OKABE_ITO[5], width: 3 }, itemStyle: { color: OKABE_ITO[5] }, z: 5 },
      ],
    };
  }, [result]);
  return (
    <Section
      title="Dependence: how the output moves with one feature"
      id="dependence"
      actions={
        <>
          <Select id="dependence-feature" label="Feature" value={feature} options={inputs.map((i) => ({ value: i.name, label: i.name }))} onChange={setFeature} />
          <button type="button" onClick={run} disabled={loading || !feature}>
            Compute for the cohort
          </button>
          <Busy on={loading} />
        </>
      }
    >
      <ErrorNote error={error} />
      {option ? <Chart option={option} label={`Partial dependence and individual conditional expectation of the model output on ${result?.feature}`} height={280} /> : <p className="muted">Sweeps the feature over a grid for up to 20 rows of the cohort and asks the live model.</p>}
    </Section>
  );
}

export function ExplanationsView() {
  const { liveModel, exported } = useDashboard();
  return (
    <div className="view" data-testid="explanations">
      <GlobalImportance />
      {liveModel ? (
        <>
          <RowExplainer />
          <Dependence />
        </>
      ) : (
        <Section title="One row's explanation and dependence plots" id="row">
          <NeedsModel exported={exported} what="Explaining a single row, and dependence plots," />
        </Section>
      )}
    </div>
  );
}
