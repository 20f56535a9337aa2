import { useEffect, useMemo, useRef, useState } from 'react';
import { Chart } from '../charts/Chart.js';
import { OKABE_ITO, type EChartsOption } from '../charts/echarts.js';
import { stackedBars } from '../charts/options.js';
import { Busy, ErrorNote, Section, Select } from '../components.js';
import { ERROR_COLUMN, PREDICTION_COLUMN } from '../engine/explore.js';
import type { RowsPage, Scatter } from '../engine/types.js';
import { fmtCount } from '../format.js';
import { useDashboard, useEngine } from '../state.js';

const ROW_HEIGHT = 28;
const VIEW_HEIGHT = 420;
const BLOCK = 100;
const OVERSCAN = 8;

type Cell = number | string | boolean | null;

function show(v: Cell, column: string): string {
  if (v === null) return '—';
  if (column === ERROR_COLUMN && typeof v === 'number') return v === 1 ? 'error' : v === 0 ? 'correct' : String(Number(v.toPrecision(4)));
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

const columnLabel = (name: string) => (name === PREDICTION_COLUMN ? 'prediction' : name === ERROR_COLUMN ? 'error' : name);

/**
 * The cohort's rows in a virtualised table: only the rows in view (and a few around them) are in
 * the DOM, fetched from the engine in blocks of 100 as the table scrolls, so a million rows scroll
 * like a hundred.
 */
function RowTable() {
  const { client, cohort, threshold, setRow, setTab } = useDashboard();
  const [sort, setSort] = useState<{ column: string | null; descending: boolean }>({ column: null, descending: false });
  const [scrollTop, setScrollTop] = useState(0);
  const [blocks, setBlocks] = useState<Map<number, RowsPage>>(new Map());
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const viewport = useRef<HTMLDivElement>(null);
  // The prediction and error columns follow the threshold, so a new threshold is a new query.
  const query = JSON.stringify([cohort.expression, sort.column, sort.descending, threshold]);
  const requested = useRef(new Set<number>());
  const current = useRef(query);
  useEffect(() => {
    current.current = query;
    setBlocks(new Map());
    requested.current = new Set();
    setError(null);
    setScrollTop(0);
    if (viewport.current) viewport.current.scrollTop = 0;
  }, [query]);
  const first = blocks.values().next().value as RowsPage | undefined;
  const total = first?.total ?? null;
  const start = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const end = total === null ? BLOCK : Math.min(total, Math.ceil((scrollTop + VIEW_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => {
    const need: number[] = [];
    for (let b = Math.floor(start / BLOCK); b <= Math.floor(Math.max(start, end - 1) / BLOCK); b++) if (!requested.current.has(b)) need.push(b);
    if (need.length === 0) return;
    setLoading(true);
    for (const b of need) {
      requested.current.add(b);
      // A block answers the query it was asked for; once the query changes, late answers are dropped.
      const asked = query;
      client
        .call('rows', { cohort: cohort.expression, threshold, sort: sort.column, descending: sort.descending, offset: b * BLOCK, limit: BLOCK })
        .then(
          (page) => {
            if (current.current !== asked) return;
            setBlocks((prev) => new Map(prev).set(b, page));
            setLoading(false);
          },
          (e: unknown) => {
            if (current.current !== asked) return;
            setError(e as Error);
            setLoading(false);
          },
        );
    }
  }, [start, end, query, client, cohort.expression, threshold, sort]);
  const columns = first?.columns ?? [];
  const visible: { k: number; row: RowsPage['rows'][number] | null }[] = [];
  for (let k = start; k < end; k++) {
    const page = blocks.get(Math.floor(k / BLOCK));
    visible.push({ k, row: page ? (page.rows[k - page.offset] ?? null) : null });
  }
  const toggleSort = (name: string) => setSort((s) => (s.column === name ? (s.descending ? { column: null, descending: false } : { column: name, descending: true }) : { column: name, descending: false }));
  return (
    <div>
      <p className="muted" data-testid="explorer-total">
        {total === null ? 'Loading rows…' : `${fmtCount(total)} rows in the cohort`}
        {sort.column ? ` · sorted by ${columnLabel(sort.column)} ${sort.descending ? 'descending' : 'ascending'}` : ' · in data order'}
        {' · '}select a row to open it in the what-if view <Busy on={loading} label="" />
      </p>
      <ErrorNote error={error} />
      <div
        className="grid"
        ref={viewport}
        role="table"
        aria-label="Rows of the cohort"
        aria-rowcount={(total ?? 0) + 1}
        data-testid="row-table"
        data-rendered={visible.length}
        style={{ height: VIEW_HEIGHT }}
        onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
      >
        <div className="grid-head" role="row" aria-rowindex={1}>
          <span role="columnheader" className="grid-cell index">
            row
          </span>
          {columns.map((c) => (
            <span role="columnheader" className="grid-cell" key={c.name} aria-sort={sort.column === c.name ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
              <button type="button" className="link" onClick={() => toggleSort(c.name)} title={`Sort by ${columnLabel(c.name)}`}>
                {columnLabel(c.name)}
                {sort.column === c.name ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </button>
            </span>
          ))}
        </div>
        <div className="grid-body" style={{ height: (total ?? 0) * ROW_HEIGHT }}>
          {visible.map(({ k, row }) => (
            <div key={k} role="row" aria-rowindex={k + 2} className={`grid-row${row && row.values[row.values.length - 1] === 1 && columns[columns.length - 1]?.name === ERROR_COLUMN ? ' is-error' : ''}`} style={{ top: k * ROW_HEIGHT, height: ROW_HEIGHT }} data-row={row?.index}>
              <span role="cell" className="grid-cell index">
                {row ? (
                  <button
                    type="button"
                    className="link"
                    aria-label={`Open row ${row.index} in what-if`}
                    onClick={() => {
                      setRow(row.index);
                      setTab('whatif');
                    }}
                  >
                    {row.index}
                  </button>
                ) : (
                  '…'
                )}
              </span>
              {columns.map((c, j) => (
                <span role="cell" className="grid-cell" key={c.name}>
                  {row ? show(row.values[j], c.name) : ''}
                </span>
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function scatterOption(s: Scatter): EChartsOption {
  const axis = (name: string, categories: string[] | null) =>
    categories ? { type: 'value', name: columnLabel(name), min: -0.5, max: categories.length - 0.5, interval: 1, axisLabel: { formatter: (v: number) => categories[Math.round(v)] ?? '' } } : { type: 'value', name: columnLabel(name), scale: true };
  // Categories get a small deterministic jitter so that stacked points stay visible.
  const jitter = (v: number, k: number, on: boolean) => (on ? v + (((k * 2654435761) % 1000) / 1000 - 0.5) * 0.5 : v);
  return {
    grid: { left: 64, right: 24, top: 36, bottom: 48 },
    legend: { top: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { ...axis(s.x, s.xCategories), nameLocation: 'middle', nameGap: 28 },
    yAxis: axis(s.y, s.yCategories),
    series: s.series.map((name, k) => ({
      type: 'scatter',
      name,
      symbolSize: 5,
      large: true,
      itemStyle: { color: OKABE_ITO[k % OKABE_ITO.length], opacity: 0.6 },
      data: s.points.filter((p) => p[2] === k).map((p, i) => [jitter(p[0], i, !!s.xCategories), jitter(p[1], i + 7, !!s.yCategories)]),
    })),
  };
}

export function ExplorerView() {
  const { manifest, cohort, threshold, settings } = useDashboard();
  const columns = manifest.columns.filter((c) => c.type !== 'list').map((c) => c.name);
  const derived = [
    { value: PREDICTION_COLUMN, label: 'prediction' },
    { value: ERROR_COLUMN, label: 'error' },
  ];
  const [hcol, setHcol] = useState(manifest.features[0] ?? columns[0] ?? '');
  const [by, setBy] = useState<'label' | 'prediction' | 'error' | 'none'>('error');
  const hist = useEngine('histogram', hcol ? { cohort: cohort.expression, threshold, column: hcol, by, bins: 20 } : null);
  const histOption = useMemo(() => (hist.data ? stackedBars(hist.data.bins, hist.data.series) : null), [hist.data]);
  const [x, setX] = useState(manifest.features[0] ?? columns[0] ?? '');
  const [y, setY] = useState(settings.score ?? settings.label);
  const [color, setColor] = useState<'label' | 'prediction' | 'error'>('error');
  const sc = useEngine('scatter', x && y ? { cohort: cohort.expression, threshold, x, y, color, max: 4000 } : null);
  const scOption = useMemo(() => (sc.data ? scatterOption(sc.data) : null), [sc.data]);
  const axisOptions = [...columns.map((c) => ({ value: c, label: c === settings.label ? `${c} (label)` : c === settings.score ? `${c} (score)` : c })), ...derived];
  const seriesOptions = [
    { value: 'error', label: 'correct / error' },
    { value: 'label', label: 'label' },
    { value: 'prediction', label: 'prediction' },
  ];
  return (
    <div className="view" data-testid="explorer">
      <Section title="Rows" id="rows">
        <RowTable />
      </Section>
      <div className="split">
        <Section
          title="Histogram"
          id="histogram"
          actions={
            <>
              <Select id="hist-column" label="Feature" value={hcol} options={columns.map((c) => ({ value: c, label: c }))} onChange={setHcol} />
              <Select id="hist-by" label="Split by" value={by} options={[...seriesOptions, { value: 'none', label: 'nothing' }] as { value: typeof by; label: string }[]} onChange={setBy} />
            </>
          }
        >
          <ErrorNote error={hist.error} />
          {histOption ? <Chart option={histOption} label={`Histogram of ${hcol} in the cohort, split by ${by}`} height={280} testId="histogram-chart" /> : null}
        </Section>
        <Section
          title="Scatter"
          id="scatter"
          actions={
            <>
              <Select id="scatter-x" label="x" value={x} options={axisOptions} onChange={setX} />
              <Select id="scatter-y" label="y" value={y} options={axisOptions} onChange={setY} />
              <Select id="scatter-color" label="Colour" value={color} options={seriesOptions as { value: typeof color; label: string }[]} onChange={setColor} />
            </>
          }
        >
          <ErrorNote error={sc.error} />
          {scOption ? <Chart option={scOption} label={`Scatter of ${columnLabel(y)} against ${columnLabel(x)}, coloured by ${color}`} height={280} testId="scatter-chart" /> : null}
          {sc.data ? (
            <p className="muted small">
              {sc.data.sampled < sc.data.of ? `An even sample of ${fmtCount(sc.data.sampled)} of ${fmtCount(sc.data.of)} rows.` : `${fmtCount(sc.data.of)} rows.`}
            </p>
          ) : null}
        </Section>
      </div>
    </div>
  );
}
