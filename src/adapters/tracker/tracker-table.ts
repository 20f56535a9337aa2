import { changeMark, type Change, type MetricSide } from './diff.js';

/**
 * The tracker table, as the Responsible AI Tracker lays it out: runs (and a compare run's models)
 * as rows, each with its scopes nested under it (all rows, the named cohorts, the groups), metrics
 * as columns, and every value's change against a chosen baseline run in the same scope.
 */
export interface TrackerTable {
  /** The baseline run and model the changes are measured against; null for values only. */
  baseline: { run: number; name: string | null; model: string } | null;
  metrics: string[];
  rows: TrackerRow[];
}

/** One value of the tracker table: the metric with its interval, and its change against the baseline. */
export interface TrackerCell extends MetricSide, Change {}

export interface TrackerRow {
  run: number;
  name: string | null;
  /** The model within the run (`""` for a run with one model). */
  model: string;
  cohort: string | null;
  group: string | null;
  /** True for the baseline's own rows. */
  baseline: boolean;
  /** Metric id → cell; null when the run has no such metric in this scope. */
  values: Record<string, TrackerCell | null>;
}

/** A metric of a run joined with the baseline's value in the same scope (what the store's query returns). */
export interface JoinedMetric extends MetricSide {
  run: number;
  model: string;
  cohort: string | null;
  group: string | null;
  metric: string;
  /** The baseline's value in the same cohort, group and metric; null without a baseline or such a row. */
  base: MetricSide | null;
}

/**
 * Assembles the tracker table from joined metric rows given in run order and, within a run, in
 * document order. A scope appears when it has at least one of `metrics`.
 */
export function buildTrackerTable(
  runs: readonly { id: number; name: string | null }[],
  joined: readonly JoinedMetric[],
  metrics: readonly string[],
  baseline: TrackerTable['baseline'],
): TrackerTable {
  const wanted = new Set(metrics);
  const byRun = new Map<number, Map<string, TrackerRow>>();
  const names = new Map(runs.map((r) => [r.id, r.name]));
  for (const m of joined) {
    if (!wanted.has(m.metric)) continue;
    let scopes = byRun.get(m.run);
    if (!scopes) byRun.set(m.run, (scopes = new Map()));
    const key = `${m.model}\u0000${m.cohort ?? ''}\u0000${m.group ?? ''}`;
    let row = scopes.get(key);
    if (!row) {
      row = { run: m.run, name: names.get(m.run) ?? null, model: m.model, cohort: m.cohort, group: m.group, baseline: baseline !== null && baseline.run === m.run && baseline.model === m.model, values: Object.fromEntries(metrics.map((id) => [id, null])) };
      scopes.set(key, row);
    }
    const side = { value: m.value, lower: m.lower, upper: m.upper };
    row.values[m.metric] = { ...side, ...(m.base && !row.baseline ? changeMark(m.base, side) : { change: null, mark: null }) };
  }
  const rows: TrackerRow[] = [];
  for (const r of runs) {
    const scopes = byRun.get(r.id);
    if (!scopes) continue;
    // Models keep their first appearance; scopes follow their model.
    const models = [...new Set([...scopes.values()].map((s) => s.model))];
    for (const model of models) for (const s of scopes.values()) if (s.model === model) rows.push(s);
  }
  return { baseline, metrics: [...metrics], rows };
}

/** Metrics shown when none are chosen, in this order, when the runs have them. */
const PREFERRED = ['count', 'accuracy', 'balanced_accuracy', 'f1', 'selection_rate', 'false_positive_rate', 'false_negative_rate', 'roc_auc', 'f1_macro', 'mae', 'rmse', 'r2', 'btc', 'bec'];

/** Up to `limit` of the preferred metrics among `available`; the first ones available otherwise. */
export function defaultMetrics(available: readonly string[], limit = 6): string[] {
  const have = new Set(available);
  const chosen = PREFERRED.filter((m) => have.has(m)).slice(0, limit);
  return chosen.length ? chosen : available.slice(0, limit);
}
