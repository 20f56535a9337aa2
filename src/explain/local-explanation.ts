import { userError } from '../errors/index.js';
import { type Table, type Value, valueAt } from '../table/index.js';

/**
 * SHAP values as {@link treeShap} and {@link kernelShap} return them: per output, a row-major
 * explained rows × features matrix, and the expected value.
 */
export interface ShapValues {
  readonly features: readonly string[];
  readonly rows: number;
  readonly values: readonly Float64Array[];
  readonly expectedValue: readonly number[];
  /** Data row of each explained row; absent or null when explained row i is data row i. */
  readonly rowIndices?: readonly number[] | null;
  /** Name of each output (class labels); absent for unnamed outputs. */
  readonly outputs?: readonly string[];
}

/** Options of {@link explainRow}. */
export interface ExplainRowOptions {
  /** Contributions listed, largest |contribution| first. Defaults to 10. */
  readonly top?: number;
  /**
   * The output explained: its name (a class label) or index. Defaults to the only output, or for
   * several (a multiclass model) the one with the largest output on this row: the predicted class.
   */
  readonly output?: string | number;
}

/** One feature's part in a row's output. */
export interface RowContribution {
  readonly feature: string;
  /** The row's value of the feature (null when missing or not in the table). */
  readonly value: Value;
  readonly contribution: number;
}

/** The result of {@link explainRow}: plain JSON. */
export interface LocalExplanation {
  /** The data row explained. */
  readonly row: number;
  /** The output explained: its name, or its index when outputs are unnamed. */
  readonly output: string;
  readonly expectedValue: number;
  /** The row's output: the expected value plus every contribution. */
  readonly prediction: number;
  /** The `top` largest contributions by absolute value, largest first. */
  readonly contributions: RowContribution[];
  /** The sum of the other features' contributions, or null when every feature is listed. */
  readonly rest: { readonly features: number; readonly contribution: number } | null;
}

/**
 * A per-row local explanation: the features that moved this row's output away from the expected
 * value most, with the row's values, from TreeSHAP or KernelSHAP results.
 * @example
 * const local = explainRow(shap, table, 17, { top: 5 });
 * local.contributions[0] // { feature: 'age', value: 61, contribution: 0.84 }
 */
export function explainRow(shap: ShapValues, table: Table, row: number, options: ExplainRowOptions = {}): LocalExplanation {
  const { top = 10 } = options;
  if (!(Number.isInteger(top) && top >= 1)) throw userError('invalid_option', `invalid top: ${top} (expected a positive integer)`, { top });
  const at = explainedPosition(shap, row);
  const F = shap.features.length;
  const K = shap.values.length;
  const total = (k: number) => {
    let s = shap.expectedValue[k];
    for (let j = 0; j < F; j++) s += shap.values[k][at * F + j];
    return s;
  };
  let k: number;
  if (options.output === undefined) {
    k = 0;
    for (let c = 1; c < K; c++) if (total(c) > total(k)) k = c;
  } else if (typeof options.output === 'number') {
    k = options.output;
    if (!(Number.isInteger(k) && k >= 0 && k < K)) throw userError('invalid_option', `invalid output: ${k} (expected 0..${K - 1})`, { output: k });
  } else {
    k = shap.outputs?.indexOf(options.output) ?? -1;
    if (k < 0) throw userError('invalid_option', `unknown output: ${JSON.stringify(options.output)} (explained outputs are ${(shap.outputs ?? []).map((o) => JSON.stringify(o)).join(', ') || 'unnamed'})`, { output: options.output });
  }
  const phi = shap.values[k];
  const order = shap.features.map((_, j) => j).sort((a, b) => Math.abs(phi[at * F + b]) - Math.abs(phi[at * F + a]) || a - b);
  const shown = order.slice(0, top);
  const contributions = shown.map((j) => {
    const name = shap.features[j];
    return { feature: name, value: table.has(name) ? valueAt(table.column(name), row) : null, contribution: phi[at * F + j] };
  });
  let rest: LocalExplanation['rest'] = null;
  if (order.length > top) {
    let s = 0;
    for (const j of order.slice(top)) s += phi[at * F + j];
    rest = { features: order.length - top, contribution: s };
  }
  return { row, output: shap.outputs?.[k] ?? String(k), expectedValue: shap.expectedValue[k], prediction: total(k), contributions, rest };
}

/** The position among the explained rows of data row `row`. */
function explainedPosition(shap: ShapValues, row: number): number {
  if (!Number.isInteger(row) || row < 0) throw userError('invalid_option', `invalid row: ${row} (expected a row index from 0)`, { row });
  if (shap.rowIndices) {
    const at = shap.rowIndices.indexOf(row);
    if (at < 0) throw userError('row_not_explained', `row ${row} was not explained (${shap.rows} rows were: explain it, or all rows)`, { row });
    return at;
  }
  if (row >= shap.rows) throw userError('invalid_option', `invalid row: ${row} (the data have ${shap.rows} rows, 0..${shap.rows - 1})`, { row });
  return row;
}
