import { userError } from '../errors/index.js';
import type { Model } from '../model/model.js';
import { Random } from '../stats/index.js';
import { type Column, Table } from '../table/index.js';
import { type BackgroundInfo, type KernelShapBackground, makeBackground } from './kernel-shap-background.js';
import { coalitionCount, type Coalitions, kernelCoalitions } from './kernel-shap-coalitions.js';
import { scoreOutputs, type ShapOutput, shapOutputs, type ShapSpace, spaceOf } from './kernel-shap-outputs.js';
import { solveKernelShap } from './kernel-shap-solve.js';
import { sampleIndices } from './permutation.js';

/** Options of {@link kernelShap}. */
export interface KernelShapOptions {
  /** The background set. Defaults to `{ sample: 100 }` (100 rows drawn with `seed`). */
  readonly background?: KernelShapBackground;
  /** Rows the background is drawn from. Defaults to the explained table (all of it, even when only some rows are explained). */
  readonly backgroundData?: Table;
  /**
   * Coalitions evaluated per explained row (each costs one model row per background row). When it
   * covers all 2^M − 2 coalitions of the row's M features, all are enumerated and the values are
   * exact. Defaults to 2M + 2048 (the shap package's default).
   */
  readonly budget?: number;
  /** Seed of the background sample, k-means and coalition sampling (each row draws from its own stream). Defaults to 0. */
  readonly seed?: number;
  /**
   * Classifiers: `raw` explains the log-odds (XGBoost models: their raw margin, as `pred_contribs`;
   * other models: the logit of the probability, clipped to [1e-9, 1 − 1e-9]), `probability` the
   * probability. Defaults to `raw`.
   */
  readonly output?: 'raw' | 'probability';
  /** Classifiers: the one class explained. Defaults to the positive class of a binary model (`classes[1]`), every class of a multiclass one. */
  readonly class?: string;
  /** Explain only these rows (indices into the table). Defaults to every row. */
  readonly rows?: readonly number[];
  /** Explain a random sample of `rows` rows drawn with `seed` (defaults to the main seed). Defaults to every row. */
  readonly sample?: { readonly rows: number; readonly seed?: number };
  /** Synthetic rows per model call at most (whole explained rows per call, at least one). Defaults to 1,000,000. */
  readonly maxRowsPerCall?: number;
  /** Called with the fraction of explained rows done. */
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

/** The result of {@link kernelShap}. */
export interface KernelShapResult {
  readonly method: 'kernelshap';
  /** The explained columns: the model's inputs. */
  readonly features: readonly string[];
  /** Explained rows. */
  readonly rows: number;
  /** Data row index of each explained row, or null when every row was explained in order. */
  readonly rowIndices: readonly number[] | null;
  /** The explicit row sample, when one was drawn. */
  readonly sample: { readonly rows: number; readonly seed: number; readonly of: number } | null;
  /** What each output is: the class label, or `value` for regression. */
  readonly outputs: readonly string[];
  readonly space: ShapSpace;
  /** One row-major rows × features matrix per output: `values[k][i * features.length + j]`. */
  readonly values: Float64Array[];
  /** Per output: the background's mean output, E[f]. */
  readonly expectedValue: number[];
  /** Per output: each explained row's output f(x) (= expected value + its contributions). */
  readonly predictions: Float64Array[];
  readonly background: BackgroundInfo;
  readonly budget: number;
  readonly seed: number;
  /** Rows whose coalitions were all enumerated (exact values) and rows that sampled them; distinct coalitions evaluated in total. */
  readonly coalitions: { readonly exhaustiveRows: number; readonly sampledRows: number; readonly evaluated: number };
  /** Synthetic rows scored by the model (coalitions × background rows). */
  readonly modelRows: number;
  /** Threads that explained the rows: 1 in-process, more with `kernelShapParallel`. */
  readonly workers: number;
}

/** One model input column as the synthetic rows are built from: its background values and dictionary. */
export interface ShapFeature {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical' | 'boolean';
  /** The categorical dictionary shared by explained and background rows (null otherwise). */
  readonly dictionary: readonly string[] | null;
  readonly background: Float64Array | Int32Array | Uint8Array;
  /** True when every background row holds the same value: rows holding it too do not vary this feature. */
  readonly constant: boolean;
}

/** Everything needed to explain rows, as plain data (a worker receives it once). */
export interface KernelShapSetup {
  readonly features: readonly ShapFeature[];
  /** Background weights, summing to 1. */
  readonly weights: Float64Array;
  readonly outputs: readonly ShapOutput[];
  readonly expectedValue: readonly number[];
  readonly budget: number;
  readonly seed: number;
  /** Explained rows per model call. */
  readonly rowsPerCall: number;
}

/** A block of explained rows: each feature's values, the rows' data indices (their seeds) and outputs f(x). */
export interface ShapRows {
  readonly data: readonly (Float64Array | Int32Array | Uint8Array)[];
  readonly ids: Int32Array;
  readonly fx: readonly Float64Array[];
}

/** Contributions of a block of rows. */
export interface ShapBlock {
  readonly values: Float64Array[];
  readonly exhaustiveRows: number;
  readonly evaluated: number;
  readonly modelRows: number;
}

/** What {@link prepareKernelShap} returns: the setup, every explained row, and the result's metadata. */
export interface PreparedKernelShap {
  readonly setup: KernelShapSetup;
  readonly rows: ShapRows;
  readonly meta: Omit<KernelShapResult, 'values' | 'coalitions' | 'modelRows' | 'workers'>;
}

/**
 * KernelSHAP (Lundberg & Lee 2017) for any model: each row's Shapley values under the
 * interventional value function v(S) = Σ_b w_b f(x_S, b_S̄), the weighted mean over background
 * rows b of the model's output with the features outside S taken from b. Contributions add up:
 * expected value + Σ contributions = f(x) on every row, exactly (the efficiency constraint is
 * built into the regression).
 *
 * Per row, only the features where the row differs from some background row take part (the
 * others contribute 0). When the budget covers all their 2^M − 2 coalitions, every one is
 * evaluated and the result is exact; otherwise, as the shap package does, coalition sizes whose
 * share of the Shapley kernel covers them are enumerated (the smallest and largest first), and the
 * rest of the budget is spread over the remaining sizes in proportion to their kernel weight,
 * drawn as distinct coalitions with their complements (paired sampling), from a stream seeded by
 * the seed and the row's index, so a row's values do not depend on which other rows are explained
 * or how the work is split. The weighted least-squares problem, with the efficiency constraint
 * eliminated, is solved exactly (Householder QR).
 *
 * Cost: rows × coalitions × background rows model evaluations, batched into one model call per
 * block of rows (at most `maxRowsPerCall` synthetic rows). Use `kernelShapParallel` (candor/node)
 * to spread rows over worker threads.
 * @example
 * const r = await kernelShap(model, table, { background: { kmeans: 20 }, seed: 1 });
 * r.values[0][i * r.features.length + j] // feature j's contribution to row i
 */
export async function kernelShap(model: Model, table: Table, options: KernelShapOptions = {}): Promise<KernelShapResult> {
  const prepared = await prepareKernelShap(model, table, options);
  const blocks: ShapBlock[] = [];
  const ranges = blockRanges(prepared.rows.ids.length, prepared.setup.rowsPerCall);
  for (const [start, end] of ranges) {
    blocks.push(await explainKernelShapRows(model, prepared.setup, sliceRows(prepared.rows, start, end), options.signal));
    options.onProgress?.(end / prepared.rows.ids.length);
  }
  return assembleKernelShap(prepared, blocks);
}

/**
 * Validates the options, scores the explained rows and the background, and builds the
 * {@link KernelShapSetup}. The first step of {@link kernelShap}, exposed for parallel runners.
 */
export async function prepareKernelShap(model: Model, table: Table, options: KernelShapOptions = {}): Promise<PreparedKernelShap> {
  const { background = { sample: 100 }, seed = 0, output = 'raw', maxRowsPerCall = 1_000_000, signal } = options;
  if (!Number.isInteger(seed)) throw userError('invalid_seed', `invalid seed: ${seed} (expected an integer)`, { seed });
  if (output !== 'raw' && output !== 'probability') throw userError('invalid_option', `invalid output: ${JSON.stringify(output)} (expected raw or probability)`, { output });
  if (!(Number.isInteger(maxRowsPerCall) && maxRowsPerCall >= 1)) throw userError('invalid_option', `invalid maxRowsPerCall: ${maxRowsPerCall} (expected a positive integer)`);
  if (options.budget !== undefined && !(Number.isInteger(options.budget) && options.budget >= 1)) {
    throw userError('invalid_option', `invalid budget: ${options.budget} (expected a positive integer: coalitions per row)`, { budget: options.budget });
  }
  if (options.rows !== undefined && options.sample !== undefined) throw userError('invalid_option', 'give rows or sample, not both');
  const n = table.rowCount;
  let indices: Int32Array | null = null;
  let sample: KernelShapResult['sample'] = null;
  if (options.rows !== undefined) {
    indices = Int32Array.from(options.rows);
    options.rows.forEach((r, i) => {
      if (!(Number.isInteger(r) && r >= 0 && r < n)) throw userError('invalid_option', `invalid row ${r} (expected 0..${n - 1})`, { row: r, position: i });
    });
  } else if (options.sample !== undefined) {
    const { rows: size, seed: sampleSeed = seed } = options.sample;
    if (!(Number.isInteger(size) && size >= 1)) throw userError('invalid_option', `invalid sample rows: ${size} (expected a positive integer)`);
    if (!Number.isInteger(sampleSeed)) throw userError('invalid_seed', `invalid sample seed: ${sampleSeed} (expected an integer)`);
    if (size < n) {
      indices = sampleIndices(n, size, new Random(sampleSeed));
      sample = { rows: size, seed: sampleSeed, of: n };
    }
  }
  const count = indices ? indices.length : n;
  if (count === 0) throw userError('empty_data', 'KernelSHAP needs at least one row to explain');

  const { outputs, names } = shapOutputs(model, output, options.class);
  // Known inputs are selected before copying rows; an ONNX model fed every column learns its inputs from the first call.
  const known = model.inputs.map((i) => i.name);
  const source = known.length > 0 ? table.select(known) : table;
  const explained = indices ? source.take(indices) : source;
  const scored = await scoreOutputs(model, explained, outputs, signal);
  const inputs = model.inputs.map((i) => i.name);
  if (inputs.length === 0) throw userError('invalid_model', `${model.name} declares no input columns to explain`);

  const bg = makeBackground(options.backgroundData ?? table, inputs, background, seed);
  const features: ShapFeature[] = [];
  const xData: (Float64Array | Int32Array | Uint8Array)[] = [];
  const bgColumns: Column[] = [];
  for (const name of inputs) {
    const { feature, x } = alignFeature(explained.column(name), bg.table.column(name));
    features.push(feature);
    xData.push(x);
    bgColumns.push(toColumn(feature, feature.background));
  }
  const bgScored = await scoreOutputs(model, new Table(bgColumns, bg.table.rowCount), outputs, signal);
  const expectedValue = bgScored.values.map((v) => {
    let s = 0;
    for (let b = 0; b < v.length; b++) s += bg.weights[b] * v[b];
    return s;
  });
  const M = inputs.length;
  const budget = options.budget ?? 2 * M + 2048;
  const perRow = Math.max(1, Math.min(budget, coalitionCount(M))) * bg.table.rowCount;
  const setup: KernelShapSetup = {
    features,
    weights: bg.weights,
    outputs,
    expectedValue,
    budget,
    seed,
    rowsPerCall: blockSize(count, perRow, maxRowsPerCall),
  };
  const ids = indices ?? Int32Array.from({ length: n }, (_, i) => i);
  return {
    setup,
    rows: { data: xData, ids, fx: scored.values },
    meta: {
      method: 'kernelshap',
      features: inputs,
      rows: count,
      rowIndices: indices ? Array.from(indices) : null,
      sample,
      outputs: names,
      space: spaceOf(outputs, scored.labelsOnly),
      expectedValue,
      predictions: scored.values,
      background: bg.info,
      budget,
      seed,
    },
  };
}

/**
 * Explained rows per model call: as many as `maxRowsPerCall` synthetic rows hold, but cut into
 * up to 64 blocks (of at least 10,000 synthetic rows) so that worker threads have blocks to share.
 * Depends only on the work, never on the number of workers.
 */
function blockSize(rows: number, perRow: number, maxRowsPerCall: number): number {
  const fits = Math.max(1, Math.floor(maxRowsPerCall / perRow));
  const share = Math.max(Math.ceil(rows / 64), Math.ceil(10_000 / perRow));
  return Math.max(1, Math.min(fits, share));
}

/** [start, end) ranges of `rowsPerCall` explained rows: fixed by position, whoever computes them. */
export function blockRanges(rows: number, rowsPerCall: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < rows; s += rowsPerCall) out.push([s, Math.min(rows, s + rowsPerCall)]);
  return out;
}

/** Explained rows start..end-1 of `rows`. */
export function sliceRows(rows: ShapRows, start: number, end: number): ShapRows {
  return { data: rows.data.map((d) => d.slice(start, end)), ids: rows.ids.slice(start, end), fx: rows.fx.map((f) => f.slice(start, end)) };
}

/** The result of {@link kernelShap} from its prepared rows and the blocks' contributions, in order. */
export function assembleKernelShap(prepared: PreparedKernelShap, blocks: readonly ShapBlock[], workers = 1): KernelShapResult {
  const F = prepared.setup.features.length;
  const rows = prepared.meta.rows;
  const values = prepared.setup.outputs.map(() => new Float64Array(rows * F));
  let at = 0;
  let exhaustiveRows = 0;
  let evaluated = 0;
  let modelRows = 0;
  for (const b of blocks) {
    b.values.forEach((v, k) => values[k].set(v, at * F));
    at += b.values[0].length / F;
    exhaustiveRows += b.exhaustiveRows;
    evaluated += b.evaluated;
    modelRows += b.modelRows;
  }
  if (at !== rows) throw new Error(`KernelSHAP blocks cover ${at} rows, expected ${rows}`);
  return { ...prepared.meta, values, coalitions: { exhaustiveRows, sampledRows: rows - exhaustiveRows, evaluated }, modelRows, workers };
}

/**
 * The contributions of a block of rows: every row's coalitions × background rows as one synthetic
 * table, scored in one model call, then one constrained regression per row.
 */
export async function explainKernelShapRows(model: Model, setup: KernelShapSetup, rows: ShapRows, signal?: AbortSignal): Promise<ShapBlock> {
  const { features, weights, outputs, expectedValue, budget, seed } = setup;
  const F = features.length;
  const nb = weights.length;
  const count = rows.ids.length;
  const exhaustive = new Map<number, Coalitions>();
  const plans: { varying: Int32Array; coalitions: Coalitions; offset: number }[] = [];
  let total = 0;
  let exhaustiveRows = 0;
  let evaluated = 0;
  for (let r = 0; r < count; r++) {
    const varying = varyingFeatures(features, rows.data, r);
    const m = varying.length;
    let coalitions: Coalitions;
    if (budget >= coalitionCount(m)) {
      coalitions = exhaustive.get(m) ?? kernelCoalitions(m, budget, new Random(0));
      exhaustive.set(m, coalitions);
    } else coalitions = kernelCoalitions(m, budget, new Random(rowSeed(seed, rows.ids[r])));
    if (coalitions.exhaustive) exhaustiveRows++;
    evaluated += coalitions.count;
    plans.push({ varying, coalitions, offset: total });
    total += coalitions.count * nb;
  }

  // Synthetic rows: row r's coalition c occupies nb consecutive rows, one per background row.
  const columns = features.map((f, j) => {
    const x = rows.data[j];
    const bgv = f.background;
    const out = f.kind === 'numeric' ? new Float64Array(total) : f.kind === 'categorical' ? new Int32Array(total) : new Uint8Array(total);
    for (let r = 0; r < count; r++) {
      const { varying, coalitions, offset } = plans[r];
      const pos = varying.indexOf(j);
      const { m, masks } = coalitions;
      for (let c = 0; c < coalitions.count; c++) {
        const at = offset + c * nb;
        if (pos < 0 || masks[c * m + pos] === 1) out.fill(x[r], at, at + nb);
        else out.set(bgv, at);
      }
    }
    return toColumn(f, out);
  });
  const scored = total > 0 ? (await scoreOutputs(model, new Table(columns, total), outputs, signal)).values : outputs.map(() => new Float64Array(0));

  const values = outputs.map(() => new Float64Array(count * F));
  for (let r = 0; r < count; r++) {
    const { varying, coalitions, offset } = plans[r];
    const ys = scored.map((g, k) => {
      const y = new Float64Array(coalitions.count);
      for (let c = 0; c < coalitions.count; c++) {
        let s = 0;
        const at = offset + c * nb;
        for (let b = 0; b < nb; b++) s += weights[b] * g[at + b];
        y[c] = s - expectedValue[k];
      }
      return y;
    });
    const deltas = rows.fx.map((f, k) => f[r] - expectedValue[k]);
    const phi = solveKernelShap(coalitions, ys, deltas);
    phi.forEach((p, k) => {
      for (let t = 0; t < varying.length; t++) values[k][r * F + varying[t]] = p[t];
    });
  }
  return { values, exhaustiveRows, evaluated, modelRows: total };
}

/** A seed per explained row, so its coalitions do not depend on the other rows or on the workers. */
function rowSeed(seed: number, row: number): number {
  return (Math.imul(seed | 0, 0x01000193) + row) | 0;
}

/** The features where row r differs from some background row (equal values, NaN included, do not vary). */
function varyingFeatures(features: readonly ShapFeature[], data: readonly (Float64Array | Int32Array | Uint8Array)[], r: number): Int32Array {
  const out: number[] = [];
  features.forEach((f, j) => {
    if (!f.constant) out.push(j);
    else {
      const a = data[j][r];
      const b = f.background[0];
      if (!(a === b || (a !== a && b !== b))) out.push(j);
    }
  });
  return Int32Array.from(out);
}

/** A feature's values as a table column. */
function toColumn(f: ShapFeature, values: Float64Array | Int32Array | Uint8Array): Column {
  if (f.kind === 'numeric') return { type: 'numeric', name: f.name, values: values as Float64Array };
  if (f.kind === 'boolean') return { type: 'boolean', name: f.name, values: values as Uint8Array };
  return { type: 'categorical', name: f.name, codes: values as Int32Array, dictionary: f.dictionary ?? [] };
}

/**
 * One input's explained values and background values in a shared encoding: categorical codes are
 * mapped into one dictionary (the explained column's, extended with background-only values), so
 * mixing cells of both in a synthetic row keeps every value.
 */
function alignFeature(x: Column, b: Column): { feature: ShapFeature; x: Float64Array | Int32Array | Uint8Array } {
  const name = x.name;
  if (x.type !== b.type) throw userError('dtype_mismatch', `column ${JSON.stringify(name)} is ${x.type} in the data but ${b.type} in the background rows`, { column: name });
  if (x.type === 'list' || b.type === 'list') throw userError('unsupported_column', `KernelSHAP cannot vary list column ${JSON.stringify(name)}`, { column: name });
  if (x.type === 'categorical' && b.type === 'categorical') {
    let dictionary = x.dictionary;
    let codes = b.codes;
    if (b.dictionary !== x.dictionary) {
      const merged = [...x.dictionary];
      const index = new Map(merged.map((v, i) => [v, i]));
      const remap = b.dictionary.map((v) => {
        let c = index.get(v);
        if (c === undefined) {
          c = merged.length;
          merged.push(v);
          index.set(v, c);
        }
        return c;
      });
      codes = Int32Array.from(b.codes, (c) => (c < 0 ? c : remap[c]));
      dictionary = merged;
    }
    return { feature: { name, kind: 'categorical', dictionary, background: codes, constant: allEqual(codes) }, x: x.codes };
  }
  if (x.type === 'boolean' && b.type === 'boolean') return { feature: { name, kind: 'boolean', dictionary: null, background: b.values, constant: allEqual(b.values) }, x: x.values };
  if (x.type === 'numeric' && b.type === 'numeric') return { feature: { name, kind: 'numeric', dictionary: null, background: b.values, constant: allEqual(b.values) }, x: x.values };
  throw new Error(`unexpected column types for ${name}`);
}

function allEqual(v: Float64Array | Int32Array | Uint8Array): boolean {
  const first = v[0];
  for (let i = 1; i < v.length; i++) {
    const a = v[i];
    if (!(a === first || (a !== a && first !== first))) return false;
  }
  return true;
}

/** KernelSHAP's model rows for `rows` explained rows: an upper bound (rows whose features all vary use the most). */
export function kernelShapCost(rows: number, features: number, budget: number, backgroundRows: number): number {
  return rows * Math.min(budget, coalitionCount(features)) * backgroundRows;
}
