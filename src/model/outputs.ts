import { userError } from '../errors/index.js';
import type { ModelTask, Predictions } from './model.js';

/**
 * One row's output from a model that returns plain JS values (a JS function, an HTTP endpoint):
 * - a number: the regression value, or for binary models the probability of the positive class
 *   (`classes[1]`);
 * - an array of numbers: one probability per class, in `classes` order;
 * - a string: a class label (then the predictions carry labels only, no scores).
 */
export type RowOutput = number | string | readonly number[];

/**
 * Collects per-row outputs, batch by batch, into {@link Predictions}. Validates every value and
 * names `source` (the model) in its errors.
 */
export class PredictionBuilder {
  private readonly values: Float64Array;
  private readonly labels: Int32Array;
  private readonly scores: Float64Array[];
  private mode: 'scores' | 'labels' | null = null;
  private readonly classIndex: Map<string, number>;

  constructor(
    readonly task: ModelTask,
    readonly classes: readonly string[],
    readonly rowCount: number,
    readonly source: string,
  ) {
    this.values = new Float64Array(task === 'regression' ? rowCount : 0);
    this.labels = new Int32Array(task === 'regression' ? 0 : rowCount);
    this.scores = task === 'regression' ? [] : classes.map(() => new Float64Array(rowCount));
    this.classIndex = new Map(classes.map((c, k) => [c, k]));
  }

  /** Stores `outputs` as rows `offset …`; `outputs.length` must equal `expected`. */
  add(offset: number, expected: number, outputs: readonly unknown[]): void {
    if (outputs.length !== expected) {
      throw userError('prediction_count', `${this.source} returned ${outputs.length} predictions for ${expected} rows (expected ${expected})`, { expected, received: outputs.length });
    }
    for (let i = 0; i < outputs.length; i++) this.set(offset + i, outputs[i]);
  }

  private bad(row: number, value: unknown, expected: string): never {
    const shown = JSON.stringify(value)?.slice(0, 80) ?? String(value);
    throw userError('invalid_prediction', `${this.source} returned an invalid prediction for row ${row}: ${shown} (expected ${expected})`, { row });
  }

  private setMode(mode: 'scores' | 'labels', row: number, value: unknown): void {
    if (this.mode === null) this.mode = mode;
    else if (this.mode !== mode) this.bad(row, value, this.mode === 'scores' ? 'probabilities, like the other rows' : 'a class label, like the other rows');
  }

  private set(row: number, value: unknown): void {
    if (this.task === 'regression') {
      if (typeof value === 'number') this.values[row] = value;
      else if (value === null) this.values[row] = NaN;
      else if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') this.values[row] = value[0];
      else this.bad(row, value, 'a number');
      return;
    }
    const k = this.classes.length;
    if (typeof value === 'number' && this.task === 'binary') {
      if (!(value >= 0 && value <= 1)) this.bad(row, value, 'a probability in [0, 1]');
      this.setMode('scores', row, value);
      this.scores[0][row] = 1 - value;
      this.scores[1][row] = value;
      this.labels[row] = value > 0.5 ? 1 : 0;
      return;
    }
    if (Array.isArray(value)) {
      if (value.length !== k) this.bad(row, value, `${k} class probabilities`);
      this.setMode('scores', row, value);
      let best = 0;
      for (let c = 0; c < k; c++) {
        const p = value[c];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) this.bad(row, value, `${k} probabilities in [0, 1]`);
        this.scores[c][row] = p;
        if (p > value[best]) best = c;
      }
      this.labels[row] = best;
      return;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const c = this.classIndex.get(String(value));
      if (c === undefined) this.bad(row, value, `one of the classes ${this.classes.map((s) => JSON.stringify(s)).join(', ')}`);
      this.setMode('labels', row, value);
      this.labels[row] = c;
      return;
    }
    this.bad(row, value, this.task === 'binary' ? 'a probability, class probabilities or a label' : 'class probabilities or a label');
  }

  /** The collected predictions. */
  finish(): Predictions {
    if (this.task === 'regression') return { task: 'regression', values: this.values };
    return { task: this.task, classes: this.classes, labels: this.labels, scores: this.mode === 'labels' ? null : this.scores };
  }
}

/** Empty predictions for a model's task (a table with no rows). */
export function emptyPredictions(task: ModelTask, classes: readonly string[]): Predictions {
  return new PredictionBuilder(task, classes, 0, '').finish();
}
