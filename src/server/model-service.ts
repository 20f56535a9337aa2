import { type Cohort, cohortMask, parseExpression } from '../cohort/index.js';
import type { ExplainRequest, ExplainResponse, ExplainRowRequest, ExplainRowResponse, ModelInfo, RowPrediction, RowValues } from '../dashboard/protocol.js';
import { didYouMean, isUserError, userError } from '../errors/index.js';
import { kernelShap, type ShapValues, treeShap } from '../explain/index.js';
import { kernelShapCost } from '../explain/kernel-shap.js';
import { sampleIndices } from '../explain/permutation.js';
import type { Model, Predictions } from '../model/index.js';
import { Random } from '../stats/index.js';
import { type Column, MISSING_BOOL, Table } from '../table/index.js';
import type { TreeExplainer } from './explainer.js';

/** Rows of the data KernelSHAP's background holds (a seeded sample). */
export const KERNEL_BACKGROUND_ROWS = 100;
/** Rows `/api/explain` explains by default with TreeSHAP (a seeded sample when the data have more). */
export const DEFAULT_EXPLAIN_ROWS = 2_000;
/** KernelSHAP's default rows are cut so that one `/api/explain` scores at most this many synthetic rows. */
export const KERNEL_DEFAULT_MODEL_ROWS = 5_000_000;
/** Most rows one `/api/explain` request may ask KernelSHAP for. */
export const KERNEL_MAX_ROWS = 5_000;
/** Most rows one `/api/explain` request may ask TreeSHAP for (a deep ensemble takes about a millisecond a row). */
export const TREE_MAX_ROWS = 100_000;

/** A model the server answers with: predictions for edited rows and their explanations. */
export class LiveModel {
  /** KernelSHAP's background: a seeded sample of the data's model inputs. */
  private background: Table | null = null;
  /** One `/api/explain` at a time: each may hold large buffers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly model: Model,
    /** The data the model scored: column types and dictionaries for edited rows, the rows `/api/explain` samples. */
    readonly data: Table,
    /** Exact TreeSHAP for a tree model; null: KernelSHAP. */
    readonly tree: TreeExplainer | null,
    /** The label's positive value when the task is binary (the class explained by default). */
    readonly positive: string | null,
    /** The name shown in the page. */
    readonly name: string = model.name,
  ) {}

  /** What the manifest says about the model. */
  info(): ModelInfo {
    return {
      name: this.name,
      task: this.model.task,
      classes: [...this.model.classes],
      inputs: this.inputs().map((name) => ({ name, type: this.model.inputs.find((i) => i.name === name)?.type ?? (this.data.column(name).type === 'numeric' ? 'numeric' : 'categorical') })),
      explainer: this.tree ? 'treeshap' : 'kernelshap',
    };
  }

  /** The columns fed to the model: its declared inputs, else every column of the data. */
  inputs(): string[] {
    return this.model.inputs.length > 0 ? this.model.inputs.map((i) => i.name) : this.data.names();
  }

  /** Predictions for rows as the page sends them. */
  async predict(rows: readonly RowValues[]): Promise<RowPrediction[]> {
    const table = rowsToTable(rows, this.data, this.inputs());
    return rowPredictions(await this.model.predict(table), table.rowCount);
  }

  /** One row's SHAP values: every input's contribution, largest first. */
  async explainRow(request: ExplainRowRequest): Promise<ExplainRowResponse> {
    const inputs = this.inputs();
    const table = rowsToTable([request.row], this.data, inputs);
    const [prediction] = rowPredictions(await this.model.predict(table), 1);
    const cls = this.explainedClass(request.class, prediction);
    let base: number;
    let phi: ArrayLike<number>;
    let features: readonly string[];
    let method: ExplainRowResponse['method'];
    let output: ExplainRowResponse['output'];
    if (this.tree) {
      const shap = treeShap(this.tree.ensemble, table);
      const { k, sign } = this.treeOutput(cls);
      base = sign * shap.expectedValue[k];
      phi = Array.from(shap.values[k], (v) => sign * v);
      features = shap.features;
      method = 'treeshap';
      output = 'raw';
    } else {
      const shap = await kernelShap(this.model, table, { background: { table: this.kernelBackground() }, ...this.kernelSpace(cls), seed: 0 });
      base = shap.expectedValue[0];
      phi = shap.values[0];
      features = shap.features;
      method = 'kernelshap';
      output = this.model.task === 'regression' ? 'raw' : 'probability';
    }
    const contributions = features
      .map((feature, j) => ({ feature, value: shownValue(request.row[feature]), contribution: phi[j] }))
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return { method, output, class: cls, base, contributions, prediction };
  }

  /**
   * Mean |SHAP| per feature over a seeded sample of the data, for all rows and per cohort side by
   * side. Binary: the positive class; multiclass: summed over the classes (as shap's bar summary).
   */
  explain(request: ExplainRequest, signal?: AbortSignal): Promise<ExplainResponse> {
    const run = this.queue.then(() => this.explainNow(request, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async explainNow(request: ExplainRequest, signal?: AbortSignal): Promise<ExplainResponse> {
    signal?.throwIfAborted();
    const cohorts = checkCohorts(request.cohorts, this.data);
    const n = this.data.rowCount;
    const inputs = this.inputs();
    let size: number;
    if (this.tree) {
      size = request.rows ?? DEFAULT_EXPLAIN_ROWS;
      if (size > TREE_MAX_ROWS && n > TREE_MAX_ROWS) throw userError('too_many_rows', `TreeSHAP explains at most ${TREE_MAX_ROWS.toLocaleString('en-US')} rows per request; ask for fewer rows, or run candor explain --method treeshap for all of them`, { rows: size });
    } else {
      const perRow = kernelShapCost(1, inputs.length, 2 * inputs.length + 2048, Math.min(n, KERNEL_BACKGROUND_ROWS));
      size = request.rows ?? Math.max(50, Math.min(DEFAULT_EXPLAIN_ROWS, Math.floor(KERNEL_DEFAULT_MODEL_ROWS / perRow)));
      if (size > KERNEL_MAX_ROWS && size < n) {
        throw userError('too_many_rows', `KernelSHAP explains at most ${KERNEL_MAX_ROWS.toLocaleString('en-US')} rows per request (each costs up to ${perRow.toLocaleString('en-US')} model evaluations); ask for fewer rows, or run candor explain --method kernelshap`, { rows: size });
      }
    }
    const indices = size < n ? sampleIndices(n, size, new Random(request.seed)) : null;
    const explained = indices ? this.data.take(indices) : this.data;
    let shap: ShapValues;
    let method: ExplainResponse['method'];
    let output: ExplainResponse['output'];
    if (this.tree) {
      const r = treeShap(this.tree.ensemble, explained);
      const keep = this.model.task === 'binary' ? [this.treeOutput(this.positiveClass()).k] : r.values.map((_, k) => k);
      shap = { features: r.features, rows: r.rows, values: keep.map((k) => r.values[k]), expectedValue: keep.map((k) => r.expectedValue[k]), rowIndices: indices ? Array.from(indices) : null };
      method = 'treeshap';
      output = 'raw';
    } else {
      const space = this.model.task === 'binary' ? this.kernelSpace(this.positiveClass()) : this.kernelSpace(null);
      const r = await kernelShap(this.model, this.data, { background: { table: this.kernelBackground() }, ...space, seed: request.seed, signal, ...(indices ? { rows: Array.from(indices) } : {}) });
      shap = r;
      method = 'kernelshap';
      output = this.model.task === 'regression' ? 'raw' : 'probability';
    }
    const all = meanAbsolute(shap, null);
    const byCohort = cohorts.map((c) => {
      const mask = cohortMask(c, this.data);
      const rows: number[] = [];
      for (let i = 0; i < shap.rows; i++) if (mask.get(shap.rowIndices ? shap.rowIndices[i] : i)) rows.push(i);
      return { name: c.name, rows: rows.length, meanAbs: rows.length > 0 ? meanAbsolute(shap, rows) : null };
    });
    const importance = shap.features
      .map((feature, j) => {
        const values: Record<string, number> = { all: all[j] };
        for (const c of byCohort) if (c.meanAbs) values[c.name] = c.meanAbs[j];
        return { feature, cohorts: values };
      })
      .sort((a, b) => b.cohorts.all - a.cohorts.all);
    const counts: Record<string, number> = { all: shap.rows };
    for (const c of byCohort) counts[c.name] = c.rows;
    return { method, output, sample: indices ? { rows: indices.length, seed: request.seed } : null, importance, counts };
  }

  /** The class a row is explained for: the one asked, else the positive class (binary) or the predicted one (multiclass). */
  private explainedClass(asked: string | undefined, prediction: RowPrediction): string | null {
    const { task, classes } = this.model;
    if (task === 'regression') {
      if (asked !== undefined) throw userError('invalid_request', `a regression model has no classes (got class ${JSON.stringify(asked)})`, { class: asked });
      return null;
    }
    if (asked !== undefined) {
      if (!classes.includes(asked)) throw userError('invalid_request', `unknown class ${JSON.stringify(asked)}${didYouMean(asked, classes)}; the model's classes are ${classes.map((c) => JSON.stringify(c)).join(', ')}`, { class: asked });
      return asked;
    }
    return task === 'binary' ? this.positiveClass() : (prediction.label ?? classes[0]);
  }

  /** The model's class for the label's positive value (its second class when the label names none of them). */
  private positiveClass(): string {
    const { classes } = this.model;
    return this.positive !== null && classes.includes(this.positive) ? this.positive : classes[1];
  }

  /** The ensemble output explaining class `cls`; a binary ensemble with one output explains the other class by its negation (log-odds). */
  private treeOutput(cls: string | null): { k: number; sign: 1 | -1 } {
    const outputs = this.tree!.outputs;
    if (cls === null) return { k: 0, sign: 1 };
    const k = outputs.indexOf(cls);
    if (k >= 0) return { k, sign: 1 };
    if (this.model.task === 'binary' && outputs.length === 1) return { k: 0, sign: -1 };
    throw userError('invalid_request', `the trees explain ${outputs.map((o) => JSON.stringify(o)).join(', ')}, not class ${JSON.stringify(cls)}`, { class: cls });
  }

  private kernelSpace(cls: string | null): { output: 'raw' | 'probability'; class?: string } {
    if (this.model.task === 'regression') return { output: 'raw' };
    return cls === null ? { output: 'probability' } : { output: 'probability', class: cls };
  }

  private kernelBackground(): Table {
    if (!this.background) {
      const n = this.data.rowCount;
      if (n === 0) throw userError('empty_data', 'KernelSHAP needs rows of data for its background; the data have none');
      const inputs = this.data.select(this.inputs());
      this.background = n <= KERNEL_BACKGROUND_ROWS ? inputs : inputs.take(sampleIndices(n, KERNEL_BACKGROUND_ROWS, new Random(0)));
    }
    return this.background;
  }
}

/** Mean |SHAP| per feature over the explained rows listed (all when null), summed over the outputs. */
function meanAbsolute(shap: ShapValues, rows: readonly number[] | null): number[] {
  const F = shap.features.length;
  const n = rows ? rows.length : shap.rows;
  const sums = new Float64Array(F);
  for (const v of shap.values) {
    for (let t = 0; t < n; t++) {
      const i = rows ? rows[t] : t;
      for (let j = 0; j < F; j++) sums[j] += Math.abs(v[i * F + j]);
    }
  }
  return Array.from(sums, (s) => (n > 0 ? s / n : 0));
}

/** The request's cohorts, checked: distinct names other than `all`, expressions that parse and name columns of the data. */
function checkCohorts(cohorts: readonly Cohort[], data: Table): Cohort[] {
  const seen = new Set<string>(['all']);
  for (const c of cohorts) {
    if (seen.has(c.name)) throw userError('invalid_request', c.name === 'all' ? 'the cohort name "all" is taken by every row; name the cohort otherwise' : `two cohorts are named ${JSON.stringify(c.name)}; give each a distinct name`, { cohort: c.name });
    seen.add(c.name);
    try {
      parseExpression(c.expression);
      cohortMask(c, data.rowCount > 0 ? data.take([0]) : data);
    } catch (e) {
      if (isUserError(e)) throw userError(e.code, `cohort ${JSON.stringify(c.name)}: ${e.message}`, { ...e.details, cohort: c.name }, e);
      throw e;
    }
  }
  return [...cohorts];
}

/** A value of an edited row as a contribution shows it. */
function shownValue(v: RowValues[string] | undefined): number | string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'boolean' ? String(v) : v;
}

/** Predictions as the page reads them, one per row. */
export function rowPredictions(p: Predictions, n: number): RowPrediction[] {
  const out: RowPrediction[] = [];
  for (let i = 0; i < n; i++) {
    if (p.task === 'regression') {
      out.push(Number.isFinite(p.values[i]) ? { value: p.values[i] } : {});
      continue;
    }
    const r: RowPrediction = {};
    const c = p.labels[i];
    if (c >= 0) r.label = p.classes[c];
    if (p.scores) {
      const scores: Record<string, number> = {};
      p.classes.forEach((name, k) => {
        const s = p.scores![k][i];
        if (Number.isFinite(s)) scores[name] = s;
      });
      r.scores = scores;
    }
    out.push(r);
  }
  return out;
}

/**
 * A table of the rows the page sent, with the data's column types and dictionaries (values unseen
 * in the data are appended to a copy of the dictionary). Every column in `columns` must be given
 * in every row (null for a missing value); a name that is not a column of the data, or a value of
 * the wrong type, is a user error naming the column and the row.
 */
export function rowsToTable(rows: readonly RowValues[], data: Table, columns: readonly string[]): Table {
  const names = data.names();
  const known = new Set(names);
  rows.forEach((row, r) => {
    for (const key of Object.keys(row)) {
      if (!known.has(key)) throw userError('unknown_column', `row ${r}: unknown column ${JSON.stringify(key)}${didYouMean(key, names)}`, { row: r, column: key });
    }
  });
  const n = rows.length;
  const out = columns.map((name): Column => {
    const source = data.column(name);
    const value = (r: number) => {
      if (!Object.prototype.hasOwnProperty.call(rows[r], name)) throw userError('missing_column', `row ${r} has no value for ${JSON.stringify(name)}, which the model reads (send null for a missing value)`, { row: r, column: name });
      return rows[r][name];
    };
    const wrong = (r: number, v: unknown, expected: string) =>
      userError('invalid_value', `row ${r}: column ${JSON.stringify(name)} is ${source.type}: expected ${expected}, got ${JSON.stringify(v)}`, { row: r, column: name });
    switch (source.type) {
      case 'numeric': {
        const values = new Float64Array(n);
        for (let r = 0; r < n; r++) {
          const v = value(r);
          if (v === null) values[r] = NaN;
          else if (typeof v === 'number') values[r] = v;
          else throw wrong(r, v, 'a number or null');
        }
        return { type: 'numeric', name, values, ...(source.role ? { role: source.role } : {}) };
      }
      case 'boolean': {
        const values = new Uint8Array(n);
        for (let r = 0; r < n; r++) {
          const v = value(r);
          if (v === null) values[r] = MISSING_BOOL;
          else if (typeof v === 'boolean') values[r] = v ? 1 : 0;
          else throw wrong(r, v, 'true, false or null');
        }
        return { type: 'boolean', name, values, ...(source.role ? { role: source.role } : {}) };
      }
      case 'categorical': {
        const dictionary = [...source.dictionary];
        const index = new Map(dictionary.map((d, i) => [d, i]));
        const codes = new Int32Array(n);
        for (let r = 0; r < n; r++) {
          const v = value(r);
          if (v === null) codes[r] = -1;
          else if (typeof v === 'string') {
            let c = index.get(v);
            if (c === undefined) {
              c = dictionary.length;
              dictionary.push(v);
              index.set(v, c);
            }
            codes[r] = c;
          } else throw wrong(r, v, 'a string or null');
        }
        return { type: 'categorical', name, codes, dictionary, ...(source.role ? { role: source.role } : {}) };
      }
      case 'list':
        throw userError('invalid_value', `column ${JSON.stringify(name)} holds lists, which edited rows cannot set`, { column: name });
    }
  });
  return new Table(out, n);
}
