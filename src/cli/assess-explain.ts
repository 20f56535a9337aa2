import type { AssessOptions } from '../assess/index.js';
import { modelPositive, resolveColumn } from '../assess/resolve.js';
import type { Cohort } from '../cohort/index.js';
import { isUserError, userError } from '../errors/index.js';
import { cohortImportance, type KernelShapBackground, parseBackground, partialDependence, permutationImportance, shapImportance } from '../explain/index.js';
import { type CohortImportanceResult, type DependencePlot, Explanations, type PermutationResult, type ShapGlobalImportance } from '../explain/schema.js';
import type { Model } from '../model/index.js';
import type { Insights } from '../report/insights.js';
import type { Table } from '../table/index.js';
import { numberOption, type OptionSpecs } from './args.js';
import type { Explained, ShapRequest } from './explain-shap.js';
import { formatTable, type Style } from './text-table.js';

/**
 * What `--explain` computes by default, and why: SHAP (exact TreeSHAP for a tree ensemble Candor
 * can read, on every row up to 1,000,000; KernelSHAP on a seeded sample of
 * {@link KERNEL_SHAP_DEFAULT_ROWS} rows for any other model, since it costs rows × coalitions ×
 * background rows model calls) gives global and per-cohort importance in the model's own output;
 * permutation importance (on every row up to 1,000,000) is the one measure tied to the assessed
 * metric, and its spread over repeats shows which differences between features are noise.
 */
export const DEFAULT_EXPLAIN_METHODS = ['shap', 'permutation'] as const;
const EXPLAIN_METHODS = ['shap', 'treeshap', 'kernelshap', 'permutation'] as const;
/** Rows explained by default at most, as `candor explain` (`MAX_DEFAULT_ROWS`); beyond, an explicit seeded sample of this size. */
const MAX_DEFAULT_ROWS = 1_000_000;
/** KernelSHAP explains a seeded sample of this many rows unless `--explain-rows` says otherwise. */
export const KERNEL_SHAP_DEFAULT_ROWS = 1000;
/** Worst cohorts of the error analysis compared in the per-cohort importance. */
export const WORST_COHORTS_EXPLAINED = 3;
/** ICE curves drawn behind each partial dependence (a seeded sample of rows). */
export const ICE_ROWS = 100;

/** The `--explain-*` options of `candor assess`. */
export const EXPLAIN_SPECS: OptionSpecs = {
  explain: { type: 'boolean', help: 'with --model: add explanations (global and per-cohort importance, dependence plots) to the output' },
  'explain-method': { type: 'string', value: 'M[,M]', help: 'shap (TreeSHAP for tree models, else KernelSHAP), treeshap, kernelshap, permutation (default shap,permutation)' },
  'explain-rows': { type: 'string', value: 'N', help: 'rows explained, a sample drawn with --seed (default: all up to 1,000,000; KernelSHAP 1,000)' },
  'explain-background': { type: 'string', value: 'N|kmeans:K', help: 'KernelSHAP background: N rows sampled with --seed or K k-means centroids (default 100)' },
  'explain-repeats': { type: 'string', value: 'N', help: 'permutation importance: shuffles per feature (default 5)' },
  'explain-dependence': { type: 'string', value: 'N', help: 'dependence plots (partial dependence and ICE) of the N most important features (default 4; 0: none)' },
};

/** What `--explain` was asked. */
export interface ExplainRequest {
  /** The methods asked for; `explicit` false when they are the defaults (a default that does not apply is left out with a note). */
  readonly methods: readonly (typeof EXPLAIN_METHODS)[number][];
  readonly explicit: boolean;
  readonly rows: number | undefined;
  readonly background: KernelShapBackground;
  readonly repeats: number | undefined;
  readonly dependence: number;
}

/** The explain request from parsed `candor assess` flags, or null without `--explain` (its options then are an error). */
export function explainRequestFrom(v: Record<string, unknown>, hasModel: boolean): ExplainRequest | null {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const given = Object.keys(EXPLAIN_SPECS).filter((k) => k !== 'explain' && v[k] !== undefined);
  if (v.explain !== true) {
    if (given.length > 0) throw userError('invalid_option', `--${given[0]} needs --explain (it sets how the explanations are computed)`, { option: given[0] });
    return null;
  }
  if (!hasModel) {
    throw userError('missing_option', '--explain needs --model FILE|URL: explanations call the model on changed rows, which a predictions column cannot answer (pass the model that made --pred/--score, or drop --explain)', { option: 'explain' });
  }
  const asked = str('explain-method');
  const methods = asked === undefined ? [...DEFAULT_EXPLAIN_METHODS] : asked.split(',').map((m) => m.trim()).filter((m) => m !== '');
  for (const m of methods) {
    if (!(EXPLAIN_METHODS as readonly string[]).includes(m)) throw userError('invalid_option', `invalid --explain-method: ${JSON.stringify(m)} (expected ${EXPLAIN_METHODS.join(', ')}, comma-separated)`, { option: 'explain-method' });
  }
  if (methods.length === 0) throw userError('invalid_option', `invalid --explain-method: ${JSON.stringify(asked)} (expected ${EXPLAIN_METHODS.join(', ')}, comma-separated)`, { option: 'explain-method' });
  if (methods.filter((m) => m !== 'permutation').length > 1) throw userError('invalid_option', `--explain-method ${asked}: choose one of shap, treeshap and kernelshap`, { option: 'explain-method' });
  return {
    methods: methods as ExplainRequest['methods'],
    explicit: asked !== undefined,
    rows: numberOption(str('explain-rows'), 'explain-rows', { min: 1, integer: true }),
    background: parseBackground(str('explain-background') ?? '100'),
    repeats: numberOption(str('explain-repeats'), 'explain-repeats', { min: 1, integer: true }),
    dependence: numberOption(str('explain-dependence'), 'explain-dependence', { min: 0, integer: true }) ?? 4,
  };
}

/** Where the model came from (TreeSHAP reads an ONNX file's trees; KernelSHAP workers reload it). */
export interface ExplainedModel {
  readonly live: Model;
  readonly spec: string;
  readonly mapping: string | undefined;
  /** Its name and task, as the report header shows it. */
  readonly name: string;
}

/**
 * The explanations of `candor assess --explain`: global importance (SHAP and/or permutation), mean
 * |SHAP| in the worst cohorts of `insights.errorAnalysis` and the named cohorts side by side, and
 * dependence plots of the most important features. `table` holds the assessed rows (after
 * `--where`), with any columns scoring added; `options` are the assessment's (label, positive, seed).
 */
export async function explainAssessment(model: ExplainedModel, table: Table, insights: Insights, options: AssessOptions, req: ExplainRequest): Promise<Explanations> {
  const seed = options.seed ?? 0;
  const notes: string[] = [];
  const n = table.rowCount;
  if (n === 0) throw userError('empty_data', 'no rows to explain (check --where)');
  // A default method that does not apply to this model or these rows is left out with a note; one asked for by name fails.
  const attempt = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (e) {
      if (req.explicit || !isUserError(e)) throw e;
      notes.push(`${what} left out: ${e.message}`);
      return undefined;
    }
  };

  const shapMethod = req.methods.find((m) => m !== 'permutation');
  const shap = shapMethod ? await attempt('SHAP', () => shapValues(model, table, shapMethod, req, seed, notes)) : undefined;

  let permutation: PermutationResult | undefined;
  if (req.methods.includes('permutation')) {
    const rows = req.rows ?? (n > MAX_DEFAULT_ROWS ? MAX_DEFAULT_ROWS : undefined);
    // The assessment's positive value, which the label may name differently from the model's classes (permutationTarget maps it).
    const positive = typeof insights.config?.positive === 'string' ? insights.config.positive : undefined;
    permutation = await attempt('Permutation importance', () =>
      permutationImportance(model.live, table, { label: options.label, positive, repeats: req.repeats, seed, sample: rows !== undefined && rows < n ? { rows, seed } : undefined }),
    );
  }

  const summary: ShapGlobalImportance | undefined = shap ? shapSummary(shap.method, shap.values) : undefined;
  if (summary?.meanAbs.some((m) => m.includes(null))) notes.push('The model gave no number (NaN) for some explained rows, so mean |SHAP| is undefined (—) for the features whose contributions those rows leave undefined.');
  const cohorts = shap ? cohortsOf(shap.values, table, insights, options.cohorts ?? []) : undefined;
  const ranked = rankFeatures(summary, permutation);
  const dependence: DependencePlot[] = [];
  for (const feature of ranked.slice(0, req.dependence)) {
    const plot = await attempt(`The dependence plot of ${feature}`, () => dependenceOf(model.live, table, feature, insights, options.label, seed));
    if (plot) dependence.push(plot);
  }
  return Explanations.parse({
    model: model.name,
    rows: n,
    seed,
    ...(summary ? { shap: summary } : {}),
    ...(permutation ? { permutation } : {}),
    ...(cohorts ? { cohorts } : {}),
    ...(dependence.length ? { dependence } : {}),
    ...(notes.length ? { notes } : {}),
  });
}

/** SHAP values: TreeSHAP when asked or (`shap`) when the model is a tree ensemble Candor reads, else KernelSHAP on a seeded sample. */
async function shapValues(model: ExplainedModel, table: Table, method: 'shap' | 'treeshap' | 'kernelshap', req: ExplainRequest, seed: number, notes: string[]): Promise<{ method: 'treeshap' | 'kernelshap'; values: Explained }> {
  const n = table.rowCount;
  const shapReq = (m: 'treeshap' | 'kernelshap'): ShapRequest => ({
    method: m,
    spec: model.spec,
    mapping: model.mapping,
    rows: req.rows,
    row: undefined,
    top: 10,
    seed,
    cls: undefined,
    output: 'raw',
    background: req.background,
    budget: undefined,
    workers: undefined,
    cohorts: [],
    out: undefined,
    json: true,
    color: undefined,
  });
  const sampleOf = (size: number | undefined) => (size !== undefined && size < n ? { rows: size, seed, of: n } : null);
  const remote = /^https?:\/\//i.test(model.spec);
  // Loaded here: it brings the ONNX reader and the worker threads, which an assessment without --explain does not need.
  const { kernelShapValues, treeShapValues } = await import('./explain-shap.js');
  if (method === 'treeshap' || (method === 'shap' && !remote)) {
    try {
      return { method: 'treeshap', values: await treeShapValues(model.live, table, shapReq('treeshap'), sampleOf(req.rows ?? (n > MAX_DEFAULT_ROWS ? MAX_DEFAULT_ROWS : undefined))) };
    } catch (e) {
      if (method === 'treeshap' || !isUserError(e) || e.code !== 'unsupported_model') throw e;
    }
  }
  const rows = req.rows ?? KERNEL_SHAP_DEFAULT_ROWS;
  if (method === 'shap') notes.push(`SHAP values are KernelSHAP estimates on ${rows < n ? `a sample of ${rows.toLocaleString('en-US')} rows (seed ${seed})` : 'every row'}: TreeSHAP applies to XGBoost models and ONNX tree ensembles only.`);
  return { method: 'kernelshap', values: await kernelShapValues(model.live, table, shapReq('kernelshap'), sampleOf(rows)) };
}

/** Global importance as `candor explain --json` prints it (without the per-cohort and local parts). */
function shapSummary(method: 'treeshap' | 'kernelshap', shap: Explained): ShapGlobalImportance {
  return {
    method,
    space: shap.space,
    rows: shap.rows,
    sample: shap.sample,
    features: [...shap.features],
    outputs: [...shap.outputs],
    expectedValue: shap.expectedValue.map(finite),
    meanAbs: shapImportance(shap).map((m) => m.map(finite)),
    ...(shap.details as Partial<ShapGlobalImportance>),
  };
}

/** Mean |SHAP| in the worst cohorts of the error analysis and the named cohorts, beside all explained rows. */
function cohortsOf(shap: Explained, table: Table, insights: Insights, named: readonly Cohort[]): CohortImportanceResult | undefined {
  const worst = (insights.errorAnalysis?.worstCohorts?.cohorts ?? []).slice(0, WORST_COHORTS_EXPLAINED).map((c, k) => ({ name: `worst #${k + 1}`, expression: c.expression, source: 'worst' as const }));
  const all = [...worst, ...named.map((c) => ({ name: c.name, expression: c.expression, source: 'cohort' as const }))];
  if (all.length === 0) return undefined;
  const result = cohortImportance(shap, table, all);
  const numbers = (m: number[][]) => m.map((o) => o.map(finite));
  return {
    features: [...result.features],
    outputs: [...result.outputs],
    overall: { rows: result.overall.rows, meanAbs: numbers(result.overall.meanAbs) },
    cohorts: result.cohorts.map((c, k) => ({ ...c, meanAbs: c.meanAbs && numbers(c.meanAbs), source: all[k].source })),
  };
}

/** Features by decreasing importance: mean |SHAP| summed over outputs, else permutation importance. */
function rankFeatures(shap: ShapGlobalImportance | undefined, permutation: PermutationResult | undefined): string[] {
  if (shap) {
    const total = shap.features.map((_, j) => shap.meanAbs.reduce((s, m) => s + (m[j] ?? -Infinity), 0));
    return shap.features.map((_, j) => j).sort((a, b) => total[b] - total[a] || a - b).map((j) => shap.features[j]);
  }
  return permutation ? permutation.features.filter((f) => f.mean !== null).map((f) => f.name) : [];
}

/**
 * Partial dependence of one feature averaged over every row (a seeded sample of 1,000,000 above
 * that), and the ICE curves of a seeded sample of {@link ICE_ROWS} rows. Classifiers trace the
 * assessed positive class (binary) or the class the model predicts most often (multiclass).
 */
async function dependenceOf(model: Model, table: Table, feature: string, insights: Insights, label: string, seed: number): Promise<DependencePlot> {
  const cls = tracedClass(model, table, insights, label);
  const average = await partialDependence(model, table, { feature, rows: Math.min(table.rowCount, MAX_DEFAULT_ROWS), seed, ice: false, class: cls });
  const ice = await partialDependence(model, table, { feature, rows: ICE_ROWS, seed, ice: true, class: cls });
  return {
    feature,
    kind: average.kind,
    output: average.output,
    class: average.class,
    grid: average.grid,
    average: average.average.map(finite),
    rows: average.rows,
    of: average.of,
    seed: average.seed,
    ice: ice.ice ? { rows: ice.rows, seed: ice.seed, rowIndices: ice.rowIndices, curves: ice.ice.map((c) => c.map(finite)) } : null,
  };
}

/** A number, or null where the model gave none (NaN, as JSON would write it). */
const finite = (x: number) => (Number.isFinite(x) ? x : null);

function tracedClass(model: Model, table: Table, insights: Insights, label: string): string | undefined {
  if (model.task === 'regression') return undefined;
  const positive = insights.config?.positive;
  // Binary: the model's class for the assessed positive value, as scoring picked it.
  if (model.task === 'binary') return model.classes[modelPositive(model.classes, resolveColumn(table, label, 'label'), typeof positive === 'string' ? positive : undefined).index];
  // Multiclass: the class predicted most often (scoring added `model_prediction` with the model's classes).
  const column = table.has('model_prediction') ? table.column('model_prediction') : undefined;
  if (column?.type !== 'categorical') return model.classes[0];
  const counts = new Float64Array(column.dictionary.length);
  for (const c of column.codes) if (c >= 0) counts[c]++;
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
  return model.classes.includes(column.dictionary[best]) ? column.dictionary[best] : model.classes[0];
}

const sig = (x: number | null) => (x === null ? '—' : x === 0 ? '0' : String(Number(x.toPrecision(3))));
const rowsText = (rows: number, sample: { rows: number; seed: number; of: number } | null) =>
  sample ? `${sample.rows.toLocaleString('en-US')} of ${sample.of.toLocaleString('en-US')} rows sampled with seed ${sample.seed}` : `${rows.toLocaleString('en-US')} rows`;

/** The explanations in the terminal: importance side by side (SHAP, permutation mean ± std, cohorts), and notes. */
export function renderExplanationsText(e: Explanations, style: Style): string {
  const features = e.shap ? e.shap.features : (e.permutation?.features.map((f) => f.name) ?? []);
  if (features.length === 0) return [style.bold('Explanations'), ...(e.notes ?? [])].join('\n');
  const total = (m: (number | null)[][]) => features.map((_, j) => m.reduce<number | null>((s, v) => (s === null || v[j] === null ? null : s + v[j]), 0));
  const shapAll = e.shap ? total(e.shap.meanAbs) : null;
  const perm = new Map(e.permutation?.features.map((f) => [f.name, f]) ?? []);
  const order = features.map((_, j) => j).sort((a, b) => (shapAll ? (shapAll[b] ?? -1) - (shapAll[a] ?? -1) : (perm.get(features[b])?.mean ?? -Infinity) - (perm.get(features[a])?.mean ?? -Infinity)) || a - b);
  const cohorts = e.cohorts?.cohorts ?? [];
  const cohortTotals = cohorts.map((c) => (c.meanAbs ? total(c.meanAbs) : null));
  const summed = (e.shap?.outputs.length ?? 1) > 1 ? ' (Σ classes)' : '';
  const head = ['feature', ...(shapAll ? [`mean |SHAP|${summed}`] : []), ...(e.permutation ? [`Δ ${e.permutation.metric}`, 'std'] : []), ...cohorts.map((c) => `${c.name} (${c.rows})`)];
  const rows = order.map((j) => {
    const p = perm.get(features[j]);
    return [features[j], ...(shapAll ? [sig(shapAll[j])] : []), ...(e.permutation ? [sig(p?.mean ?? null), p?.std == null ? '—' : `± ${sig(p.std)}`] : []), ...cohortTotals.map((t) => (t ? sig(t[j]) : '—'))];
  });
  const what = [
    e.shap ? `${e.shap.method === 'treeshap' ? 'TreeSHAP' : 'KernelSHAP'} (${e.shap.space}) on ${rowsText(e.shap.rows, e.shap.sample)}` : null,
    e.permutation ? `permutation importance (${e.permutation.repeats} repeats, seed ${e.permutation.seed}) on ${rowsText(e.permutation.rows, e.permutation.sample)}` : null,
  ].filter((x) => x !== null);
  const lines = [`${style.bold('Explanations')} of ${e.model}: ${what.join('; ')}`, formatTable(head, rows, style)];
  for (const c of cohorts) lines.push(`  ${c.name}: ${c.expression}${c.reason ? ` (${c.reason})` : ''}`);
  if (e.dependence?.length) lines.push(`Dependence plots in the report: ${e.dependence.map((d) => d.feature).join(', ')}`);
  lines.push(...(e.notes ?? []));
  return lines.join('\n');
}
