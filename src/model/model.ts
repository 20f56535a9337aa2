import type { ColumnType, Table } from '../table/index.js';

/** What a model predicts. */
export type ModelTask = 'binary' | 'multiclass' | 'regression';

/** One input a model reads: a column of the table, with the type it expects. */
export interface ModelInput {
  /** Column name in the data. */
  readonly name: string;
  /** `numeric` inputs are fed as float32/float64; `categorical` as strings (or one-hot, by the model). */
  readonly type: Extract<ColumnType, 'numeric' | 'categorical'>;
}

/**
 * A model's predictions for every row of a table, in row order.
 * - binary / multiclass: `labels[i]` is the index into `classes` of row i's predicted class and
 *   `scores[k][i]` its probability (or score) for class k; binary models give both classes.
 * - regression: `values[i]` is row i's prediction.
 */
export type Predictions =
  | { readonly task: 'binary' | 'multiclass'; readonly classes: readonly string[]; readonly labels: Int32Array; readonly scores: readonly Float64Array[] | null }
  | { readonly task: 'regression'; readonly values: Float64Array };

/** Options of {@link Model.predict}. */
export interface PredictOptions {
  /** Rows per call to the underlying model (ONNX session, HTTP request). Defaults to the model's choice. */
  readonly batchSize?: number;
  /** Called with the fraction of rows scored. */
  readonly onProgress?: (fraction: number) => void;
  /** Aborts a long prediction (HTTP models stop sending requests). */
  readonly signal?: AbortSignal;
}

/**
 * One interface for every model: a predictions column, an ONNX file, an XGBoost JSON model, an
 * HTTP endpoint, a JS function or a built-in learner. Batched: `predict` takes a whole table and
 * returns typed arrays. Every implementation runs the shared conformance suite in
 * `test/model/model.case.ts`.
 */
export interface Model {
  /** A short name for reports (`model.onnx`, `http://…`, `gbdt`). */
  readonly name: string;
  readonly task: ModelTask;
  /** Class labels in output order (binary: `[negative, positive]`); empty for regression. */
  readonly classes: readonly string[];
  /** The columns the model reads, in its input order. */
  readonly inputs: readonly ModelInput[];
  /** Predictions for every row of `table` (which must have every input column). */
  predict(table: Table, options?: PredictOptions): Promise<Predictions>;
}
