import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/atomic-write.js';
import { kernelShapParallel } from '../adapters/kernel-shap-workers.js';
import type { Cohort } from '../cohort/index.js';
import { isUserError, userError } from '../errors/index.js';
import {
  type CohortImportance,
  cohortImportance,
  explainRow,
  kernelShapCost,
  type KernelShapBackground,
  type KernelShapResult,
  type LocalExplanation,
  shapImportance,
  shapTreesFromXgboost,
  type ShapEnsemble,
  type ShapValues,
  treeShap,
} from '../explain/index.js';
import { sampleIndices } from '../explain/permutation.js';
import { shapTreesFromOnnx } from '../explain/treeshap-onnx.js';
import type { Model, XgboostModel } from '../model/index.js';
import { Random } from '../stats/index.js';
import type { Table } from '../table/index.js';
import { Progress } from './progress.js';
import { formatTable, makeStyle, type Style } from './text-table.js';

/** Rows explained by default at most; beyond, an explicit seeded sample of this size. */
export const MAX_DEFAULT_ROWS = 1_000_000;

/** What `candor explain --method treeshap|kernelshap` was asked. */
export interface ShapRequest {
  readonly method: 'treeshap' | 'kernelshap';
  /** The model file or URL, as given. */
  readonly spec: string;
  readonly mapping: string | undefined;
  /** Rows to explain (a seeded sample); undefined: all rows up to {@link MAX_DEFAULT_ROWS}. */
  readonly rows: number | undefined;
  /** The data row explained locally (`--row`). */
  readonly row: number | undefined;
  readonly top: number;
  readonly seed: number;
  readonly cls: string | undefined;
  readonly output: 'raw' | 'probability';
  readonly background: KernelShapBackground;
  readonly budget: number | undefined;
  readonly workers: number | undefined;
  readonly cohorts: readonly Cohort[];
  readonly out: string | undefined;
  readonly json: boolean;
  readonly color: boolean | undefined;
}

/** SHAP values with what the CLI reports about them. */
export interface Explained extends ShapValues {
  readonly outputs: readonly string[];
  readonly space: string;
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  /** KernelSHAP's run (background, budget, coalitions, model rows, workers), or TreeSHAP's notes. */
  readonly details: Record<string, unknown>;
}

/**
 * SHAP values for `candor explain`: exact TreeSHAP (XGBoost JSON and ONNX tree ensembles) or
 * KernelSHAP (any model, over worker threads when the model is a file). Prints global importance
 * (mean |SHAP| per feature), per-cohort importance side by side with `--cohort`, a local
 * explanation with `--row`; `--out FILE.csv` writes every explained row's contributions.
 */
export async function runShap(model: Model, table: Table, req: ShapRequest): Promise<number> {
  if (req.method === 'kernelshap' && req.row !== undefined && (req.rows !== undefined || req.out !== undefined || req.cohorts.length > 0)) {
    throw userError('invalid_option', 'kernelshap --row N explains row N alone; --rows, --out and --cohort need many rows: run them without --row');
  }
  const n = table.rowCount;
  if (req.row !== undefined && req.row >= n) throw userError('invalid_option', `invalid --row: ${req.row} (the data have ${n} rows, 0..${n - 1})`, { option: 'row' });
  const size = req.rows ?? (n > MAX_DEFAULT_ROWS ? MAX_DEFAULT_ROWS : undefined);
  const sample = size !== undefined && size < n ? { rows: size, seed: req.seed, of: n } : null;
  const shap = req.method === 'treeshap' ? await treeShapValues(model, table, req, sample) : await kernelShapValues(model, table, req, sample);

  const meanAbs = shapImportance(shap);
  const cohorts = req.cohorts.length > 0 ? cohortImportance(shap, table, req.cohorts) : null;
  const focus = req.cls !== undefined ? Math.max(0, shap.outputs.indexOf(req.cls)) : 0;
  const local = req.row !== undefined ? explainRow(shap, table, req.row, { top: req.top, output: req.cls }) : null;
  const summary = {
    method: req.method,
    space: shap.space,
    rows: shap.rows,
    sample: shap.sample,
    features: shap.features,
    outputs: shap.outputs,
    expectedValue: shap.expectedValue,
    meanAbs,
    ...shap.details,
    ...(cohorts ? { cohorts } : {}),
    ...(local ? { local } : {}),
  };
  if (req.out) {
    if (/\.json$/i.test(req.out)) await writeFileAtomic(req.out, `${JSON.stringify(summary, null, 2)}\n`);
    else await writeFileAtomic(req.out, shapCsv(shap));
  }
  if (req.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const style = makeStyle(req.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR));
  const parts: string[] = [];
  if (!(req.method === 'kernelshap' && local)) parts.push(renderGlobal(req.method, shap, meanAbs, style));
  else parts.push(renderRun(req.method, shap, style));
  if (cohorts) parts.push(renderCohorts(cohorts, focus, style));
  if (local) parts.push(renderLocal(local, shap.space, style));
  process.stdout.write(`${parts.join('\n\n')}\n`);
  if (req.out) process.stdout.write(`\nWrote ${resolve(req.out)}\n`);
  return 0;
}

/** The rows to explain: all, or the explicit seeded sample. */
function explainedRows(n: number, sample: Explained['sample']): Int32Array | null {
  return sample ? sampleIndices(n, sample.rows, new Random(sample.seed)) : null;
}

/** Exact TreeSHAP of an XGBoost model or an ONNX tree ensemble; an `unsupported_model` user error for any other model. */
export async function treeShapValues(model: Model, table: Table, req: ShapRequest, sample: Explained['sample']): Promise<Explained> {
  if (req.output !== 'raw') throw userError('invalid_option', 'treeshap explains the raw margin; use --method kernelshap --output probability to explain probabilities');
  const booster = (model as Partial<XgboostModel>).booster;
  let ensemble: ShapEnsemble;
  let outputs: string[];
  let space: string;
  const details: Record<string, unknown> = {};
  if (booster) {
    ensemble = shapTreesFromXgboost(booster);
    outputs = model.task === 'regression' ? ['value'] : model.task === 'binary' ? [model.classes[1]] : [...model.classes];
    space = model.task === 'regression' ? (booster.objective === 'reg:logistic' ? 'margin' : 'value') : 'margin';
  } else if (/\.onnx$/i.test(req.spec)) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(req.spec);
    } catch (e) {
      throw userError('file_not_found', `model file not found: ${req.spec} (looked in ${resolve(req.spec)})`, { path: req.spec }, e);
    }
    if (model.inputs.length === 0 && table.rowCount > 0) await model.predict(table.take([0]));
    const inputs = req.mapping ? ((JSON.parse(await readFile(req.mapping, 'utf8')) as { inputs?: Record<string, string | string[]> }).inputs ?? undefined) : undefined;
    let onnx: ReturnType<typeof shapTreesFromOnnx>;
    try {
      onnx = shapTreesFromOnnx(bytes, { features: model.inputs.map((i) => i.name), inputs, coverData: table });
    } catch (e) {
      if (isUserError(e) && e.code === 'unsupported_model') throw userError(e.code, `${e.message}; use --method kernelshap for any model`, e.details, e);
      throw e;
    }
    ensemble = onnx;
    outputs = [...onnx.outputs];
    space = `raw score before post_transform ${onnx.postTransform}${onnx.postTransform === 'LOGISTIC' ? ' (log-odds)' : ''}`;
    details.covers = onnx.coverSource === 'data' ? { source: 'data', rows: onnx.coverRows } : { source: 'model' };
  } else {
    throw userError('unsupported_model', `--method treeshap needs a tree model Candor can read: an XGBoost .json model or an ONNX tree ensemble (${model.name} is neither); use --method kernelshap for any model`);
  }
  const indices = explainedRows(table.rowCount, sample);
  const result = treeShap(ensemble, indices ? table.take(indices) : table);
  let values = result.values;
  let expectedValue = result.expectedValue;
  let names = outputs;
  if (req.cls !== undefined) {
    const k = outputs.indexOf(req.cls);
    if (k < 0) throw userError('invalid_option', `unknown --class: ${JSON.stringify(req.cls)} (the explained outputs are ${outputs.map((o) => JSON.stringify(o)).join(', ')})`, { option: 'class' });
    values = [values[k]];
    expectedValue = [expectedValue[k]];
    names = [outputs[k]];
  }
  return { features: result.features, rows: result.rows, values, expectedValue, rowIndices: indices ? Array.from(indices) : null, outputs: names, space, sample, details };
}

/** KernelSHAP of any model, over worker threads when the model is a file (prints its cost estimate on stderr). */
export async function kernelShapValues(model: Model, table: Table, req: ShapRequest, sample: Explained['sample']): Promise<Explained> {
  // A model fed every column learns its inputs on its first call; the estimate needs their number.
  if (model.inputs.length === 0 && table.rowCount > 0) await model.predict(table.take([0]));
  const rows = req.row !== undefined ? 1 : (sample?.rows ?? table.rowCount);
  const features = model.inputs.length;
  const budget = req.budget ?? 2 * features + 2048;
  const bgRows = Math.min(table.rowCount, 'sample' in req.background ? req.background.sample : 'kmeans' in req.background ? req.background.kmeans : req.background.table.rowCount);
  const estimate = kernelShapCost(rows, features, budget, bgRows);
  process.stderr.write(`KernelSHAP: ${fmt(rows)} row${rows === 1 ? '' : 's'} × up to ${fmt(Math.min(budget, 2 ** Math.min(features, 52) - 2))} coalitions × ${fmt(bgRows)} background rows = up to ${fmt(estimate)} model evaluations\n`);
  const reloadable = /\.(onnx|json)$/i.test(req.spec) && !/^https?:\/\//i.test(req.spec);
  const progress = new Progress();
  let result: KernelShapResult;
  try {
    result = await kernelShapParallel(model, table, {
      background: req.background,
      budget: req.budget,
      seed: req.seed,
      output: req.output,
      class: req.cls,
      ...(req.row !== undefined ? { rows: [req.row] } : sample ? { sample: { rows: sample.rows, seed: sample.seed } } : {}),
      workers: req.workers,
      source: reloadable ? { path: req.spec, mapping: req.mapping } : undefined,
      onProgress: (f) => progress.update(f, 'explaining'),
    });
  } finally {
    progress.done();
  }
  const details = { background: result.background, budget: result.budget, seed: result.seed, coalitions: result.coalitions, modelRows: result.modelRows, workers: result.workers };
  return {
    features: result.features,
    rows: result.rows,
    values: result.values,
    expectedValue: result.expectedValue,
    rowIndices: result.rowIndices,
    outputs: result.outputs,
    space: result.space,
    sample: result.sample,
    details,
  };
}

const fmt = (x: number) => x.toLocaleString('en-US');
const sig = (x: number) => (x === 0 ? '0' : Number(x.toPrecision(4)).toString());
const BAR = 30;

/** One row per data row: each output's contributions (named like the feature, `__class` when several) and `base_value`; a leading `row` when rows were sampled. */
function shapCsv(shap: Explained): string {
  const F = shap.features.length;
  const K = shap.values.length;
  const suffix = (k: number) => (K > 1 ? `__${shap.outputs[k]}` : '');
  const quote = (x: string) => (/[",\n\r]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
  const header: string[] = shap.rowIndices ? ['row'] : [];
  for (let k = 0; k < K; k++) header.push(...shap.features.map((name) => `${name}${suffix(k)}`), `base_value${suffix(k)}`);
  const lines = [header.map(quote).join(',')];
  for (let i = 0; i < shap.rows; i++) {
    const cells: string[] = shap.rowIndices ? [String(shap.rowIndices[i])] : [];
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < F; j++) cells.push(String(shap.values[k][i * F + j]));
      cells.push(String(shap.expectedValue[k]));
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function rowsText(shap: Explained): string {
  return shap.sample ? `${fmt(shap.rows)} of ${fmt(shap.sample.of)} rows sampled with seed ${shap.sample.seed}` : `${fmt(shap.rows)} row${shap.rows === 1 ? '' : 's'}`;
}

/** The method line and, for KernelSHAP, how it ran. */
function renderRun(method: ShapRequest['method'], shap: Explained, style: Style): string {
  if (method === 'treeshap') {
    const covers = shap.details.covers as { source: string; rows?: number } | undefined;
    const note = covers?.source === 'data' ? `; node covers counted on the data's ${fmt(covers.rows ?? 0)} rows` : '';
    return `${style.bold(`TreeSHAP (exact, path-dependent) on ${rowsText(shap)}`)} — ${shap.space}${note}`;
  }
  const d = shap.details as { background: KernelShapResult['background']; budget: number; seed: number; coalitions: KernelShapResult['coalitions']; modelRows: number; workers: number };
  const bg = d.background;
  const bgText =
    bg.method === 'kmeans'
      ? `${bg.rows} k-means centroids of ${fmt(bg.clustered ? bg.clustered.rows : bg.of)} rows${bg.clustered ? ` sampled with seed ${bg.clustered.seed}` : ''} (seed ${bg.seed})`
      : bg.method === 'sample'
        ? `${fmt(bg.rows)} of ${fmt(bg.of)} rows sampled with seed ${bg.seed}`
        : `all ${fmt(bg.rows)} rows`;
  const exact = d.coalitions.sampledRows === 0 ? 'every coalition enumerated (exact)' : `${fmt(d.coalitions.exhaustiveRows)} rows exact, ${fmt(d.coalitions.sampledRows)} sampled with seed ${d.seed}`;
  return [
    `${style.bold(`KernelSHAP on ${rowsText(shap)}`)} — ${shap.space} space`,
    `background: ${bgText}; budget ${fmt(d.budget)} coalitions per row: ${exact}; ${fmt(d.modelRows)} model evaluations on ${d.workers} thread${d.workers === 1 ? '' : 's'}`,
  ].join('\n');
}

/** Global importance: mean |SHAP| per feature (a column per output), most important first. */
function renderGlobal(method: ShapRequest['method'], shap: Explained, meanAbs: number[][], style: Style): string {
  const order = shap.features.map((_, j) => j).sort((a, b) => meanAbs[0][b] - meanAbs[0][a] || a - b);
  const top = Math.max(...meanAbs[0], 0);
  const heads = shap.values.length > 1 ? shap.outputs.map((o) => `mean |SHAP| ${o}`) : ['mean |SHAP|'];
  const rows = order.map((j) => [shap.features[j], ...meanAbs.map((m) => sig(m[j])), top > 0 ? '█'.repeat(Math.round((meanAbs[0][j] / top) * BAR)) : '']);
  const base = shap.outputs.map((o, k) => `${shap.values.length > 1 ? `${o}: ` : ''}${sig(shap.expectedValue[k])}`).join(', ');
  return [renderRun(method, shap, style), `expected value ${base}`, formatTable(['feature', ...heads, ''], rows, style)].join('\n');
}

/** Mean |SHAP| of one output in every cohort, side by side with all rows. */
function renderCohorts(c: CohortImportance, k: number, style: Style): string {
  const all = c.overall.meanAbs[k];
  const order = c.features.map((_, j) => j).sort((a, b) => all[b] - all[a] || a - b);
  const head = ['feature', `all (${fmt(c.overall.rows)})`, ...c.cohorts.map((h) => `${h.name} (${fmt(h.rows)})`)];
  const rows = order.map((j) => [c.features[j], sig(all[j]), ...c.cohorts.map((h) => (h.meanAbs ? sig(h.meanAbs[k][j]) : '—'))]);
  const notes = c.cohorts.filter((h) => h.meanAbs === null).map((h) => `${h.name}: ${h.reason}`);
  return [style.bold(`Mean |SHAP| per cohort${c.outputs.length > 1 ? ` (${c.outputs[k]})` : ''}`), formatTable(head, rows, style), ...notes].join('\n');
}

/** A row's top contributions with its values, as signed bars. */
function renderLocal(l: LocalExplanation, space: string, style: Style): string {
  const max = Math.max(...l.contributions.map((c) => Math.abs(c.contribution)), l.rest ? Math.abs(l.rest.contribution) : 0);
  const bar = (x: number) => (max > 0 ? (x < 0 ? '◀' : '▶').repeat(Math.max(x === 0 ? 0 : 1, Math.round((Math.abs(x) / max) * 20))) : '');
  const value = (v: LocalExplanation['contributions'][number]['value']) => (v === null ? 'missing' : Array.isArray(v) ? v.join('|') : String(v));
  const rows = l.contributions.map((c) => [c.feature, value(c.value), (c.contribution > 0 ? '+' : '') + sig(c.contribution), bar(c.contribution)]);
  if (l.rest) rows.push([`${l.rest.features} other feature${l.rest.features === 1 ? '' : 's'}`, '', (l.rest.contribution > 0 ? '+' : '') + sig(l.rest.contribution), bar(l.rest.contribution)]);
  return [
    style.bold(`Row ${l.row}${l.output === 'value' ? '' : /^target \d+$/.test(l.output) ? `, ${l.output}` : `, class ${l.output}`}: ${sig(l.prediction)} = expected ${sig(l.expectedValue)} + contributions (${space})`),
    formatTable(['feature', 'value', 'contribution', ''], rows, style),
  ].join('\n');
}
