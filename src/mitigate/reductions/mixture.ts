import { userError } from '../../errors/index.js';
import type { Model, ModelInput, Predictions, PredictOptions } from '../../model/index.js';
import { Random } from '../../stats/index.js';
import type { Table } from '../../table/index.js';

/**
 * A model that predicts the same for every row: what a reduction uses when the re-labelled
 * problem has one class only (Fairlearn uses a constant `DummyClassifier` there).
 */
export interface ConstantModel extends Model {
  readonly name: 'constant';
  /** Binary: the class index predicted (0 or 1); regression: the value. */
  readonly constant: number;
}

/** A {@link ConstantModel}: binary (class index 0 or 1 of `classes`) or regression (a value). */
export function constantModel(task: 'binary' | 'regression', classes: readonly string[], constant: number, inputs: readonly ModelInput[]): ConstantModel {
  if (task === 'binary' && constant !== 0 && constant !== 1) throw new Error(`a binary constant model predicts class 0 or 1, not ${constant}`);
  return {
    name: 'constant',
    task,
    classes: task === 'binary' ? classes : [],
    inputs,
    constant,
    async predict(table: Table, options?: PredictOptions): Promise<Predictions> {
      options?.signal?.throwIfAborted();
      const n = table.rowCount;
      if (task === 'regression') return { task, values: new Float64Array(n).fill(constant) };
      return { task, classes, labels: new Int32Array(n).fill(constant), scores: [new Float64Array(n).fill(1 - constant), new Float64Array(n).fill(constant)] };
    },
  };
}

export function isConstantModel(model: Model): model is ConstantModel {
  return model.name === 'constant' && typeof (model as ConstantModel).constant === 'number';
}

/**
 * A randomized model: each row's prediction comes from one of `predictors`, picked with
 * probability `weights[k]` — the mixture exponentiated gradient returns.
 *
 * `predict` gives the expectation: binary — P(positive) = Σ_k weights[k]·d_k(x), the weighted
 * share of predictors whose decision d_k is positive, as scores `[1 − p, p]`, and the positive
 * class as label when p > 0.5 (a tie goes to the negative class, as an arg-max over `[1 − p, p]`
 * that prefers the first class); regression — the weighted mean Σ_k weights[k]·f_k(x) (for a
 * convex loss no worse than the mixture's expected loss). {@link MixtureModel.predictRandomized}
 * draws the randomized decisions instead, reproducibly for a seed.
 */
export interface MixtureModel extends Model {
  readonly task: 'binary' | 'regression';
  /** The predictors with positive weight, in the order they were found. */
  readonly predictors: readonly Model[];
  /** Their weights: positive, summing to 1. */
  readonly weights: Float64Array;
  /**
   * One randomized draw: binary — row i is positive with probability p(x_i) (a uniform draw
   * u_i < p); regression — row i takes predictor k's value with probability weights[k]. The same
   * seed gives the same predictions. Scores are the 0/1 decisions.
   */
  predictRandomized(table: Table, seed: number, options?: PredictOptions): Promise<Predictions>;
}

/** Each predictor's 0/1 decisions (binary) or values (regression) on `table`. */
async function componentPredictions(model: MixtureModel, table: Table, options?: PredictOptions): Promise<Float64Array[]> {
  const out: Float64Array[] = [];
  for (const [k, m] of model.predictors.entries()) {
    options?.signal?.throwIfAborted();
    const p = await m.predict(table, { signal: options?.signal, batchSize: options?.batchSize });
    if (p.task === 'regression') out.push(p.values);
    else out.push(Float64Array.from(p.labels, (c) => (c === 1 ? 1 : 0)));
    options?.onProgress?.((k + 1) / model.predictors.length);
  }
  return out;
}

/** A {@link MixtureModel} of `predictors` (all of the same task, binary ones with classes `classes`) and `weights`. */
export function mixtureModel(predictors: readonly Model[], weights: ArrayLike<number>, options: { name?: string; classes?: readonly string[] } = {}): MixtureModel {
  if (predictors.length === 0) throw userError('invalid_option', 'a mixture needs at least one predictor', {});
  if (weights.length !== predictors.length) throw userError('invalid_option', `a mixture needs one weight per predictor: ${weights.length} weights for ${predictors.length} predictors`, {});
  let total = 0;
  for (let k = 0; k < weights.length; k++) {
    if (!(weights[k] > 0) || !Number.isFinite(weights[k])) throw userError('invalid_option', `invalid mixture weight: ${weights[k]} (expected a number > 0)`, {});
    total += weights[k];
  }
  if (Math.abs(total - 1) > 1e-9) throw userError('invalid_option', `mixture weights sum to ${total} (expected 1)`, {});
  const task = predictors[0].task;
  if (task !== 'binary' && task !== 'regression') throw userError('unsupported_model', `a mixture is of binary classifiers or regressors, not ${task} models`, {});
  const classes = options.classes ?? predictors[0].classes;
  for (const m of predictors) {
    if (m.task !== task) throw userError('unsupported_model', `a mixture's predictors share one task: ${m.task} and ${task}`, {});
    if (task === 'binary' && (m.classes[0] !== classes[0] || m.classes[1] !== classes[1])) {
      throw userError('unsupported_model', `a mixture's classifiers share their classes: [${m.classes.join(', ')}] and [${classes.join(', ')}]`, {});
    }
  }
  const inputs: ModelInput[] = [];
  const seen = new Set<string>();
  for (const m of predictors) {
    for (const i of m.inputs) {
      if (seen.has(i.name)) continue;
      seen.add(i.name);
      inputs.push(i);
    }
  }
  const w = Float64Array.from(weights);
  const model: MixtureModel = {
    name: options.name ?? 'mixture',
    task,
    classes: task === 'binary' ? classes : [],
    inputs,
    predictors,
    weights: w,
    async predict(table: Table, opts?: PredictOptions): Promise<Predictions> {
      const parts = await componentPredictions(model, table, opts);
      const n = table.rowCount;
      // Summed in predictor order from 0, as the ONNX graph adds them, so both give the same doubles.
      const p = new Float64Array(n);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k];
        const wk = w[k];
        for (let i = 0; i < n; i++) p[i] += wk * part[i];
      }
      if (task === 'regression') return { task, values: p };
      const labels = new Int32Array(n);
      const p0 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        p0[i] = 1 - p[i];
        labels[i] = p[i] > 0.5 ? 1 : 0;
      }
      return { task, classes, labels, scores: [p0, p] };
    },
    async predictRandomized(table: Table, seed: number, opts?: PredictOptions): Promise<Predictions> {
      const parts = await componentPredictions(model, table, opts);
      const n = table.rowCount;
      const random = new Random(seed);
      if (task === 'regression') {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const u = random.next();
          let k = 0;
          let acc = w[0];
          while (u >= acc && k < w.length - 1) acc += w[++k];
          values[i] = parts[k][i];
        }
        return { task, values };
      }
      const labels = new Int32Array(n);
      const p1 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let p = 0;
        for (let k = 0; k < parts.length; k++) p += w[k] * parts[k][i];
        const d = random.next() < p ? 1 : 0;
        labels[i] = d;
        p1[i] = d;
      }
      return { task, classes, labels, scores: [Float64Array.from(p1, (v) => 1 - v), p1] };
    },
  };
  return model;
}
