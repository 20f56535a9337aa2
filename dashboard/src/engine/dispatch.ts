import { binaryMetrics, confusionByGroup, isUserError, type MetricValue } from '../../../src/index.js';
import type { Engine } from './engine.js';
import { histogram, RowCache, rowOf, sampleRows, scatter, suggest } from './explore.js';
import { nearestDifferent } from './nearest.js';

/** One saved cohort's headline numbers (for the cohort comparison table). */
export interface CohortSummary {
  name: string;
  expression: string;
  matched: number;
  count: number;
  metrics: Record<string, number | null>;
  error?: string;
}

/** The engine's requests by name: parameters and results. */
export interface EngineMethods {
  overview: [Parameters<Engine['overview']>[0], ReturnType<Engine['overview']>];
  fairness: [Parameters<Engine['fairness']>[0], ReturnType<Engine['fairness']>];
  assess: [Parameters<Engine['assessCohort']>[0], ReturnType<Engine['assessCohort']>];
  errorTree: [Parameters<Engine['errorTree']>[0], ReturnType<Engine['errorTree']>];
  heatMap: [Parameters<Engine['heatMap']>[0], ReturnType<Engine['heatMap']>];
  validate: [{ expression: string }, ReturnType<Engine['validate']>];
  rows: [Parameters<RowCache['page']>[1], ReturnType<RowCache['page']>];
  histogram: [Parameters<typeof histogram>[1], ReturnType<typeof histogram>];
  scatter: [Parameters<typeof scatter>[1], ReturnType<typeof scatter>];
  suggest: [{ column: string }, ReturnType<typeof suggest>];
  row: [{ index: number; threshold: number | null }, ReturnType<typeof rowOf>];
  sampleRows: [Parameters<typeof sampleRows>[1], ReturnType<typeof sampleRows>];
  nearest: [Parameters<typeof nearestDifferent>[1], ReturnType<typeof nearestDifferent>];
  cohortSummaries: [{ cohorts: { name: string; expression: string }[]; threshold: number | null }, CohortSummary[]];
}
export type Method = keyof EngineMethods;
export type ParamsOf<M extends Method> = EngineMethods[M][0];
export type ResultOf<M extends Method> = EngineMethods[M][1];

/** An error as it crosses the worker boundary: the message, and the position for expression errors. */
export interface EngineErrorInfo {
  message: string;
  code?: string;
  position?: number;
  user: boolean;
}

export function errorInfo(e: unknown): EngineErrorInfo {
  if (isUserError(e)) return { message: e.message, code: e.code, user: true, ...(typeof e.details.position === 'number' ? { position: e.details.position } : {}) };
  return { message: e instanceof Error ? e.message : String(e), user: false };
}

const HEADLINE = ['accuracy', 'selection_rate', 'true_positive_rate', 'false_positive_rate', 'precision', 'error_rate'];

function cohortSummaries(engine: Engine, params: EngineMethods['cohortSummaries'][0]): CohortSummary[] {
  return params.cohorts.map(({ name, expression }) => {
    try {
      const { mask, matched } = engine.cohortMask(expression);
      const t = engine.target;
      if (!t) {
        const o = engine.overview({ cohort: expression, threshold: null, groupings: [] });
        return { name, expression, matched, count: o.overall.count, metrics: o.overall.metrics };
      }
      const pred = engine.predictedAt(params.threshold)!;
      const codes = new Int32Array(engine.table.rowCount).fill(-1);
      for (let i = 0; i < codes.length; i++) if (t.usable[i] && (!mask || mask.get(i))) codes[i] = 0;
      const counts = confusionByGroup(codes, 1, t.label, pred, t.weight ?? undefined);
      const m = binaryMetrics(counts, { zeroDivision: engine.settings.zeroDivision }) as Record<string, MetricValue[]>;
      const metrics: Record<string, number | null> = {};
      for (const id of HEADLINE) if (m[id]) metrics[id] = m[id][0].value;
      metrics.error_rate = metrics.accuracy === null || metrics.accuracy === undefined ? null : 1 - metrics.accuracy;
      return { name, expression, matched, count: counts.n[0], metrics };
    } catch (e) {
      return { name, expression, matched: 0, count: 0, metrics: {}, error: errorInfo(e).message };
    }
  });
}

/** Runs one request on an engine: the same code in the worker and on the main thread. */
export function dispatch<M extends Method>(engine: Engine, rows: RowCache, method: M, params: ParamsOf<M>, progress: (fraction: number, stage: string) => void): ResultOf<M> {
  const p = params as never;
  const run = (): unknown => {
    switch (method) {
      case 'overview':
        return engine.overview(p);
      case 'fairness':
        return engine.fairness(p);
      case 'assess':
        return engine.assessCohort(p, progress);
      case 'errorTree':
        return engine.errorTree(p);
      case 'heatMap':
        return engine.heatMap(p);
      case 'validate':
        return engine.validate((params as ParamsOf<'validate'>).expression);
      case 'rows':
        return rows.page(engine, p);
      case 'histogram':
        return histogram(engine, p);
      case 'scatter':
        return scatter(engine, p);
      case 'suggest':
        return suggest(engine.table, (params as ParamsOf<'suggest'>).column);
      case 'row': {
        const q = params as ParamsOf<'row'>;
        return rowOf(engine, q.index, q.threshold);
      }
      case 'sampleRows':
        return sampleRows(engine, p);
      case 'nearest':
        return nearestDifferent(engine, p);
      case 'cohortSummaries':
        return cohortSummaries(engine, p);
      default:
        throw new Error(`unknown engine method ${String(method)}`);
    }
  };
  return run() as ResultOf<M>;
}
