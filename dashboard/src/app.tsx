import { useRef, type KeyboardEvent } from 'react';
import { fmtCount } from './format.js';
import { ALL_ROWS, type Cohort, type Tab, useDashboard } from './state.js';
import { CohortsView } from './views/cohorts.js';
import { CompareView, hasComparison } from './views/compare.js';
import { ErrorsView } from './views/errors.js';
import { ExplanationsView } from './views/explanations.js';
import { ExplorerView } from './views/explorer.js';
import { FairnessView } from './views/fairness.js';
import { MitigationsView, hasMitigations } from './views/mitigations.js';
import { OverviewView } from './views/overview.js';
import { WhatIfView } from './views/whatif.js';

interface TabInfo {
  id: Tab;
  label: string;
}

function tabsFor(insights: unknown, task: string, empty: boolean): TabInfo[] {
  const extra: TabInfo[] = [];
  if (hasMitigations(insights)) extra.push({ id: 'mitigations', label: 'Mitigations' });
  if (hasComparison(insights)) extra.push({ id: 'compare', label: 'Compare' });
  // Without rows only the precomputed results have anything to show.
  if (empty) return extra;
  const tabs: TabInfo[] = [
    { id: 'cohorts', label: 'Cohorts' },
    { id: 'overview', label: 'Model overview' },
    ...(task === 'binary' ? [{ id: 'fairness' as const, label: 'Fairness' }] : []),
    { id: 'errors', label: 'Error analysis' },
    { id: 'explorer', label: 'Data explorer' },
    { id: 'explanations', label: 'Explanations' },
    { id: 'whatif', label: 'What-if' },
  ];
  return [...tabs, ...extra];
}

/** The global cohort selector: every view computes on the cohort chosen here. */
function CohortPicker() {
  const { cohort, setCohort, saved, runCohorts } = useDashboard();
  const options: { group: string; cohorts: Cohort[] }[] = [
    { group: 'All', cohorts: [ALL_ROWS] },
    ...(runCohorts.length ? [{ group: 'From the run', cohorts: runCohorts }] : []),
    ...(saved.length ? [{ group: 'Saved', cohorts: saved }] : []),
  ];
  const known = options.some((o) => o.cohorts.some((c) => c.name === cohort.name && c.expression === cohort.expression));
  const all = known ? options : [...options, { group: 'Current', cohorts: [cohort] }];
  const value = (c: Cohort) => JSON.stringify([c.name, c.expression]);
  return (
    <div className="cohort-picker">
      <label htmlFor="global-cohort">Cohort</label>
      <select
        id="global-cohort"
        value={value(cohort)}
        onChange={(e) => {
          const [name, expression] = JSON.parse(e.target.value) as [string, string];
          setCohort({ name, expression });
        }}
      >
        {all.map((o) => (
          <optgroup key={o.group} label={o.group}>
            {o.cohorts.map((c) => (
              <option key={value(c)} value={value(c)}>
                {c.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <code className="cohort-expression" data-testid="cohort-expression" title={cohort.expression || 'every row'}>
        {cohort.expression || 'every row'}
      </code>
    </div>
  );
}

export function App({ fallbackReason }: { fallbackReason: string | null }) {
  const state = useDashboard();
  const { manifest, tab, setTab, exported, client } = state;
  const empty = (manifest.sample?.rows ?? manifest.rows) === 0;
  const tabs = tabsFor(manifest.insights, manifest.task, empty);
  const current = tabs.some((t) => t.id === tab) ? tab : (tabs.find((t) => t.id === 'overview') ?? tabs[0])?.id;
  const refs = useRef(new Map<Tab, HTMLButtonElement>());
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    setTab(tabs[next].id);
    refs.current.get(tabs[next].id)?.focus();
  };
  return (
    <div className="app">
      <header className="top">
        <div className="title">
          <h1>{manifest.title}</h1>
          <p className="muted">
            {manifest.source} · {fmtCount(manifest.sample ? manifest.sample.rows : manifest.rows)} rows
            {manifest.sample ? ` (a seeded sample of ${fmtCount(manifest.rows)}, seed ${manifest.sample.seed})` : ''} · {manifest.task}
            {manifest.model ? ` · model ${manifest.model.name}` : ''}
            {exported ? ' · exported file: no live model' : ''}
          </p>
        </div>
        {empty ? null : <CohortPicker />}
      </header>
      {empty ? (
        <p className="notice warn" role="status" data-testid="no-rows">
          This dashboard holds no rows, so the views computed from the data are left out{tabs.length ? '; the results the run saved are below' : ''}. Serve the data file (or the report.html that candor assess --out writes beside insights.json) to explore them.
        </p>
      ) : null}
      {client.mode === 'main-thread' ? (
        <p className="notice warn" role="status" data-testid="engine-fallback">
          Computing on the page&rsquo;s main thread because a Web Worker could not start ({fallbackReason}); the page may pause during long computations.
        </p>
      ) : null}
      {tabs.length ? (
        <nav className="tabs" role="tablist" aria-label="Dashboard views">
          {tabs.map((t, i) => (
            <button
              key={t.id}
              id={`tab-${t.id}`}
              role="tab"
              type="button"
              aria-selected={current === t.id}
              aria-controls={`panel-${t.id}`}
              tabIndex={current === t.id ? 0 : -1}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
              }}
              onClick={() => setTab(t.id)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {t.label}
            </button>
          ))}
        </nav>
      ) : null}
      {current ? (
        <main id={`panel-${current}`} role="tabpanel" aria-labelledby={`tab-${current}`} className="panel" tabIndex={-1}>
          {current === 'cohorts' && <CohortsView />}
          {current === 'overview' && <OverviewView />}
          {current === 'fairness' && <FairnessView />}
          {current === 'errors' && <ErrorsView />}
          {current === 'explorer' && <ExplorerView />}
          {current === 'explanations' && <ExplanationsView />}
          {current === 'whatif' && <WhatIfView />}
          {current === 'mitigations' && <MitigationsView />}
          {current === 'compare' && <CompareView />}
        </main>
      ) : null}
    </div>
  );
}
