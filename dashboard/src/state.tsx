import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Manifest } from '../../src/dashboard/protocol.js';
import { EngineError, type CallOptions, type EngineClient, Superseded } from './engine/client.js';
import type { Method, ParamsOf, ResultOf } from './engine/dispatch.js';
import { settingsOf, type Settings } from './engine/settings.js';

/** A named cohort: the rows where `expression` is true ('' = every row). */
export interface Cohort {
  name: string;
  expression: string;
}

export const ALL_ROWS: Cohort = { name: 'All rows', expression: '' };

export type Tab = 'cohorts' | 'overview' | 'fairness' | 'errors' | 'explorer' | 'explanations' | 'whatif' | 'mitigations' | 'compare';

export interface DashboardState {
  manifest: Manifest;
  settings: Settings;
  client: EngineClient;
  exported: boolean;
  /** Whether the live model answers (a server with a model; never in an exported file). */
  liveModel: boolean;
  cohort: Cohort;
  setCohort: (c: Cohort) => void;
  /** The threshold on the score (null when the task has no score). */
  threshold: number | null;
  setThreshold: (t: number) => void;
  saved: Cohort[];
  saveCohort: (c: Cohort) => void;
  removeCohort: (name: string) => void;
  /** Cohorts the run named (`--cohort`). */
  runCohorts: Cohort[];
  row: number | null;
  setRow: (i: number | null) => void;
  tab: Tab;
  setTab: (t: Tab) => void;
  /**
   * Whether bootstrap intervals are computed (in the background) for every cohort and threshold:
   * on by default up to {@link AUTO_BOOTSTRAP_ROWS} rows; above, on request (a bootstrap of a
   * million rows takes minutes of a core the overview needs).
   */
  bootstrapLive: boolean;
  setBootstrapLive: (on: boolean) => void;
}

/** Rows up to which the bootstrap runs without being asked. */
export const AUTO_BOOTSTRAP_ROWS = 200_000;

const Context = createContext<DashboardState | null>(null);

export function useDashboard(): DashboardState {
  const s = useContext(Context);
  if (!s) throw new Error('useDashboard outside the dashboard');
  return s;
}

function storageKey(manifest: Manifest): string {
  return `candor.dashboard.cohorts:${manifest.source}`;
}

function readSaved(manifest: Manifest): Cohort[] {
  try {
    const raw = JSON.parse(window.localStorage.getItem(storageKey(manifest)) ?? '[]') as unknown;
    return Array.isArray(raw) ? raw.filter((c): c is Cohort => typeof c?.name === 'string' && typeof c?.expression === 'string') : [];
  } catch {
    // Storage disabled or damaged: start with none.
    return [];
  }
}

function writeSaved(manifest: Manifest, cohorts: Cohort[]): void {
  try {
    window.localStorage.setItem(storageKey(manifest), JSON.stringify(cohorts));
  } catch {
    // Storage disabled (private mode, file:// in some browsers): cohorts last for this visit only.
  }
}

export function DashboardProvider({ manifest, client, children }: { manifest: Manifest; client: EngineClient; children: ReactNode }) {
  const settings = useMemo(() => settingsOf(manifest), [manifest]);
  const [cohort, setCohort] = useState<Cohort>(ALL_ROWS);
  const [threshold, setThreshold] = useState<number | null>(settings.score ? settings.threshold : null);
  const [saved, setSaved] = useState<Cohort[]>(() => readSaved(manifest));
  const [row, setRow] = useState<number | null>(null);
  const [tab, setTab] = useState<Tab>('overview');
  const [bootstrapLive, setBootstrapLive] = useState((manifest.sample?.rows ?? manifest.rows) <= AUTO_BOOTSTRAP_ROWS);
  const runCohorts = useMemo(() => {
    const c = (manifest.options as { cohorts?: unknown }).cohorts;
    return Array.isArray(c) ? c.filter((x): x is Cohort => typeof x?.name === 'string' && typeof x?.expression === 'string') : [];
  }, [manifest]);
  const saveCohort = useCallback(
    (c: Cohort) =>
      setSaved((prev) => {
        const next = [...prev.filter((p) => p.name !== c.name), c];
        writeSaved(manifest, next);
        return next;
      }),
    [manifest],
  );
  const removeCohort = useCallback(
    (name: string) =>
      setSaved((prev) => {
        const next = prev.filter((p) => p.name !== name);
        writeSaved(manifest, next);
        return next;
      }),
    [manifest],
  );
  const value: DashboardState = {
    manifest,
    settings,
    client,
    exported: manifest.exported,
    liveModel: manifest.model !== null && !manifest.exported,
    cohort,
    setCohort,
    threshold,
    setThreshold,
    saved,
    saveCohort,
    removeCohort,
    runCohorts,
    row,
    setRow,
    tab,
    setTab,
    bootstrapLive,
    setBootstrapLive,
  };
  // A handle for scripts driving the page (the end-to-end tests and the speed bench).
  useEffect(() => {
    (window as unknown as { candorDashboard: unknown }).candorDashboard = { setCohort, setThreshold, setTab };
  }, []);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export interface EngineResult<T> {
  data: T | null;
  error: EngineError | null;
  loading: boolean;
  /** Progress of a long request, 0..1. */
  progress: number | null;
  stage: string | null;
}

let channels = 0;

/**
 * Runs an engine request whenever its parameters change (compared as JSON), keeping the last
 * result on screen while the next one computes; older requests of the same component are
 * superseded, so a dragged slider only ever computes the newest threshold.
 */
export function useEngine<M extends Method>(method: M, params: ParamsOf<M> | null, options: Omit<CallOptions, 'channel' | 'onProgress'> = {}): EngineResult<ResultOf<M>> {
  const { client } = useDashboard();
  const channel = useRef(`${method}#${++channels}`);
  const [state, setState] = useState<EngineResult<ResultOf<M>>>({ data: null, error: null, loading: params !== null, progress: null, stage: null });
  const key = params === null ? null : JSON.stringify(params);
  const lane = options.lane;
  useEffect(() => {
    if (key === null) {
      setState({ data: null, error: null, loading: false, progress: null, stage: null });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true, progress: null, stage: null }));
    client
      .call(method, JSON.parse(key) as ParamsOf<M>, {
        lane,
        channel: channel.current,
        onProgress: (progress, stage) => live && setState((s) => ({ ...s, progress, stage })),
      })
      .then(
        (data) => live && setState({ data, error: null, loading: false, progress: null, stage: null }),
        (e: unknown) => {
          if (!live || e instanceof Superseded) return;
          setState((s) => ({ ...s, error: e instanceof EngineError ? e : new EngineError({ message: String(e), user: false }), loading: false, progress: null, stage: null }));
        },
      );
    return () => {
      live = false;
    };
  }, [client, method, key, lane]);
  return state;
}
