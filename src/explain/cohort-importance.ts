import { type Cohort, cohortMask } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import type { Table } from '../table/index.js';
import type { ShapValues } from './local-explanation.js';

/** One cohort's global importance. */
export interface CohortShapImportance {
  readonly name: string;
  readonly expression: string;
  /** Explained rows in the cohort. */
  readonly rows: number;
  /** Per output, per feature (in `features` order): mean |SHAP| over the cohort's rows; null when it has none. */
  readonly meanAbs: number[][] | null;
  /** Why `meanAbs` is null. */
  readonly reason?: string;
}

/** The result of {@link cohortImportance}: plain JSON. */
export interface CohortImportance {
  readonly features: readonly string[];
  /** Output names (class labels), or their indices as strings when unnamed. */
  readonly outputs: readonly string[];
  /** Every explained row. */
  readonly overall: { readonly rows: number; readonly meanAbs: number[][] };
  readonly cohorts: CohortShapImportance[];
}

/**
 * Global importance, mean |SHAP| per feature, over the explained rows listed in `rows`
 * (positions among the explained rows; all of them by default). Per output.
 * @example shapImportance(shap)[0] // mean |SHAP| of each feature for the first output
 */
export function shapImportance(shap: ShapValues, rows?: ArrayLike<number>): number[][] {
  const F = shap.features.length;
  const n = rows ? rows.length : shap.rows;
  return shap.values.map((v) => {
    const sums = new Float64Array(F);
    for (let t = 0; t < n; t++) {
      const i = rows ? rows[t] : t;
      for (let j = 0; j < F; j++) sums[j] += Math.abs(v[i * F + j]);
    }
    return Array.from(sums, (s) => (n > 0 ? s / n : 0));
  });
}

/**
 * Global importance per cohort, side by side: mean |SHAP| per feature over the explained rows of
 * each cohort, whose expressions are evaluated on `table` (the data the SHAP values explain). Says
 * why a cohort fails differently: which features drive the model there, against all rows.
 * @example
 * cohortImportance(shap, table, [{ name: 'seniors', expression: 'age > 60' }]).cohorts[0].meanAbs
 */
export function cohortImportance(shap: ShapValues, table: Table, cohorts: readonly Cohort[]): CohortImportance {
  const dataRow = shap.rowIndices ? (i: number) => (shap.rowIndices as readonly number[])[i] : (i: number) => i;
  if (!shap.rowIndices && table.rowCount !== shap.rows) {
    throw userError('invalid_input', `the table has ${table.rowCount} rows but the SHAP values explain ${shap.rows}: pass the data they explain`, { rows: table.rowCount, explained: shap.rows });
  }
  const max = shap.rowIndices ? Math.max(-1, ...shap.rowIndices) : -1;
  if (max >= table.rowCount) throw userError('invalid_input', `the SHAP values explain data row ${max} but the table has ${table.rowCount} rows: pass the data they explain`, { row: max });
  const outputs = shap.outputs ? [...shap.outputs] : shap.values.map((_, k) => String(k));
  const out = cohorts.map((cohort): CohortShapImportance => {
    const mask = cohortMask(cohort, table);
    const rows: number[] = [];
    for (let i = 0; i < shap.rows; i++) if (mask.get(dataRow(i))) rows.push(i);
    if (rows.length === 0) return { name: cohort.name, expression: cohort.expression, rows: 0, meanAbs: null, reason: 'no explained row is in the cohort' };
    return { name: cohort.name, expression: cohort.expression, rows: rows.length, meanAbs: shapImportance(shap, rows) };
  });
  return { features: [...shap.features], outputs, overall: { rows: shap.rows, meanAbs: shapImportance(shap) }, cohorts: out };
}
