import { userError } from '../errors/index.js';
import { valueAt, type Table } from '../table/index.js';
import type { Model, ModelInput, ModelTask, Predictions, PredictOptions } from './model.js';
import { PredictionBuilder, type RowOutput } from './outputs.js';

/** One row as the function sees it: input column name → value (`null` when missing). */
export type JsModelRow = Record<string, number | string | boolean | null>;

/** Options of {@link jsModel}. */
export interface JsModelOptions {
  /** A short name for reports. Defaults to `js`. */
  readonly name?: string;
  readonly task: ModelTask;
  /** Class labels in output order (binary: `[negative, positive]`). Defaults to `['0', '1']` for binary; required for multiclass. */
  readonly classes?: readonly string[];
  /**
   * The columns the function reads, in order: names (read as numbers) or {@link ModelInput}s.
   * Each row object has exactly these keys.
   */
  readonly inputs: readonly (string | ModelInput)[];
  /**
   * Scores a batch of rows, returning one output per row in the same order (or a promise of them):
   * a number (regression value, or probability of `classes[1]` for binary), an array of class
   * probabilities in `classes` order, or a class label.
   */
  readonly predict: (rows: JsModelRow[]) => readonly RowOutput[] | Promise<readonly RowOutput[]>;
  /** Rows per call to `predict`. Defaults to 10000. */
  readonly batchSize?: number;
}

/**
 * A {@link Model} from a JS function that scores batches of row objects — for models trained or
 * hosted in JS (TensorFlow.js, a rules engine, a hand-written baseline).
 * @example
 * const model = jsModel({
 *   name: 'age-rule',
 *   task: 'binary',
 *   classes: ['denied', 'approved'],
 *   inputs: ['age', 'income'],
 *   predict: (rows) => rows.map((r) => ((r.income as number) > 50000 ? 0.8 : 0.3)),
 * });
 * const predictions = await model.predict(table);
 */
export function jsModel(options: JsModelOptions): Model {
  const { name = 'js', task, predict, batchSize: defaultBatch = 10000 } = options;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw userError('invalid_option', `invalid task: ${JSON.stringify(task)} (expected binary, multiclass or regression)`);
  if (typeof predict !== 'function') throw userError('invalid_option', 'jsModel needs a predict function');
  const classes = options.classes ?? (task === 'binary' ? ['0', '1'] : []);
  if (task === 'multiclass' && classes.length < 2) throw userError('invalid_option', 'jsModel: a multiclass model needs classes: [...] (at least 2 labels)');
  if (task === 'binary' && classes.length !== 2) throw userError('invalid_option', `jsModel: a binary model has 2 classes, got ${classes.length}`);
  if (task === 'regression' && classes.length > 0) throw userError('invalid_option', 'jsModel: a regression model has no classes');
  if (!Array.isArray(options.inputs) || options.inputs.length === 0) throw userError('invalid_option', 'jsModel needs inputs: [...] (the column names it reads)');
  const inputs: ModelInput[] = options.inputs.map((i) => (typeof i === 'string' ? { name: i, type: 'numeric' } : i));
  checkBatchSize(defaultBatch);
  const label = `jsModel ${JSON.stringify(name)}`;
  return {
    name,
    task,
    classes: task === 'regression' ? [] : classes,
    inputs,
    async predict(table: Table, opts: PredictOptions = {}): Promise<Predictions> {
      const batchSize = opts.batchSize ?? defaultBatch;
      checkBatchSize(batchSize);
      const columns = inputs.map((i) => table.column(i.name));
      const n = table.rowCount;
      const out = new PredictionBuilder(task, classes, n, label);
      for (let start = 0; start < n; start += batchSize) {
        opts.signal?.throwIfAborted();
        const end = Math.min(n, start + batchSize);
        const rows: JsModelRow[] = [];
        for (let i = start; i < end; i++) {
          const row: JsModelRow = {};
          for (let c = 0; c < columns.length; c++) {
            const v = valueAt(columns[c], i);
            row[inputs[c].name] = Array.isArray(v) ? v.join('|') : v;
          }
          rows.push(row);
        }
        const result = await predict(rows);
        if (!Array.isArray(result)) throw userError('invalid_prediction', `${label} returned ${typeof result}, expected an array with one prediction per row`);
        out.add(start, end - start, result);
        opts.onProgress?.(end / n);
      }
      return out.finish();
    },
  };
}

function checkBatchSize(b: number): void {
  if (!(Number.isInteger(b) && b >= 1)) throw userError('invalid_option', `invalid batchSize: ${b} (expected a positive integer)`);
}
