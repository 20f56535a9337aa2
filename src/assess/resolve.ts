import { evaluateColumn, parseExpression } from '../cohort/index.js';
import { userError } from '../errors/index.js';
import { type Column, MISSING_BOOL, type Table } from '../table/index.js';
import type { Task } from './options.js';

/** A label or prediction column: a column of the table, or the result of an expression over it. */
export function resolveColumn(table: Table, spec: string, role: string): Column {
  if (table.has(spec)) return table.column(spec);
  // Not a column: it must be an expression. A bare identifier that parses is an unknown column,
  // which evaluateColumn reports with the closest names.
  try {
    return evaluateColumn(parseExpression(spec), table, role);
  } catch (e) {
    if (e instanceof Error && (e as { code?: string }).code === 'unknown_column') {
      throw userError('unknown_column', `--${role}: ${e.message}`, { role }, e);
    }
    throw e;
  }
}

/** Distinct non-missing values of a column as strings, in sorted order (numbers numerically). */
export function distinctValues(column: Column, include: Uint8Array, limit = 50): { values: string[]; truncated: boolean } {
  const n = include.length;
  if (column.type === 'categorical') {
    const seen = new Uint8Array(column.dictionary.length);
    for (let i = 0; i < n; i++) if (include[i] && column.codes[i] >= 0) seen[column.codes[i]] = 1;
    const values = column.dictionary.filter((_, c) => seen[c]).sort();
    return { values: values.slice(0, limit), truncated: values.length > limit };
  }
  if (column.type === 'boolean') {
    const seen = [false, false];
    for (let i = 0; i < n; i++) if (include[i] && column.values[i] !== MISSING_BOOL) seen[column.values[i]] = true;
    return { values: ['false', 'true'].filter((_, k) => seen[k]), truncated: false };
  }
  if (column.type === 'numeric') {
    const set = new Set<number>();
    for (let i = 0; i < n && set.size <= limit; i++) if (include[i] && !Number.isNaN(column.values[i])) set.add(column.values[i]);
    const values = [...set].sort((a, b) => a - b);
    return { values: values.slice(0, limit).map(String), truncated: set.size > limit };
  }
  throw userError('invalid_column', `column ${JSON.stringify(column.name)} holds lists; a label or prediction needs one value per row`);
}

/** The task when the user did not say: regression for a numeric label with many values, binary for two values. */
export function inferTask(label: Column, include: Uint8Array, hasScoreList: boolean): Task {
  if (hasScoreList) return 'multiclass';
  if (label.type === 'boolean') return 'binary';
  const { values, truncated } = distinctValues(label, include, 20);
  if (label.type === 'numeric' && (truncated || values.length > 10 || values.some((v) => !Number.isInteger(Number(v))))) return 'regression';
  if (values.length <= 2) return 'binary';
  return label.type === 'numeric' ? 'regression' : 'multiclass';
}

/**
 * Which label value counts as positive: `positive` when given, else 1/true, else the larger of two
 * values (scikit-learn's `pos_label` convention for sorted labels).
 */
export function choosePositive(label: Column, include: Uint8Array, positive: string | undefined, labelSpec: string): string {
  const { values, truncated } = distinctValues(label, include, 50);
  if (positive !== undefined) {
    // A cohort may hold one class only: a positive value absent from it is fine while the label
    // has at most one other value (its positive-class metrics are then null with a reason).
    if (!values.includes(positive) && !(label.type === 'numeric' && values.some((v) => Number(v) === Number(positive))) && values.length >= 2) {
      throw userError('invalid_positive', `--positive ${JSON.stringify(positive)} is not a value of the label ${JSON.stringify(labelSpec)}; its values are ${values.map((v) => JSON.stringify(v)).join(', ')}${truncated ? ', …' : ''}`);
    }
    return positive;
  }
  if (values.length > 2) {
    throw userError(
      'not_binary',
      `the label ${JSON.stringify(labelSpec)} has ${truncated ? 'more than 50' : values.length} values (${values.slice(0, 10).map((v) => JSON.stringify(v)).join(', ')}${values.length > 10 || truncated ? ', …' : ''}), so it is not binary: pass --positive VALUE to treat one value as positive, --label "EXPRESSION" (e.g. "${label.name} = '${values[values.length - 1]}'"), or --task multiclass`,
      { values },
    );
  }
  if (label.type === 'boolean') return 'true';
  if (values.length === 0) throw userError('empty_label', `the label ${JSON.stringify(labelSpec)} has no values in the assessed rows`);
  return values[values.length - 1];
}

/**
 * How a binary model's classes meet a label: the label value that counts as positive (`positive`,
 * by default the model's positive class `classes[1]`), and the index of the model class that
 * stands for it: the class of that name, else `classes[1]`. A boolean label — a condition such as
 * `income = '>50K'`, or a true/false column — names no class: its positive value defaults to
 * `true`, and a side the classes do not name maps by position (true to `classes[1]`, false or 0
 * to `classes[0]`), whatever the classes are called.
 * @example
 * modelPositive(['<=50K', '>50K'], conditionColumn, undefined) // { positive: 'true', index: 1 }
 * modelPositive(['<=50K', '>50K'], conditionColumn, 'false') // { positive: 'false', index: 0 }
 * modelPositive(['<=50K', '>50K'], incomeColumn, undefined) // { positive: '>50K', index: 1 }
 */
export function modelPositive(classes: readonly string[], label: Column, positive: string | undefined): { positive: string; index: number } {
  const value = positive ?? (label.type === 'boolean' ? 'true' : classes[1]);
  const named = classes.indexOf(value);
  if (named >= 0) return { positive: value, index: named };
  return { positive: value, index: label.type === 'boolean' && (value === 'false' || value === '0') ? 0 : 1 };
}

/**
 * A binary column as 0/1 bytes (255 = missing) given the positive value. Values other than the
 * positive one count as negative; for a prediction column, values that are neither class are
 * reported by the caller.
 */
export function toBinary(column: Column, positive: string): Uint8Array {
  if (column.type === 'boolean') {
    if (positive === 'true' || positive === '1') return column.values;
    const out = new Uint8Array(column.values.length);
    for (let i = 0; i < out.length; i++) out[i] = column.values[i] === MISSING_BOOL ? MISSING_BOOL : 1 - column.values[i];
    return out;
  }
  if (column.type === 'numeric') {
    const p = positive === 'true' ? 1 : positive === 'false' ? 0 : Number(positive);
    const out = new Uint8Array(column.values.length);
    for (let i = 0; i < out.length; i++) {
      const v = column.values[i];
      out[i] = Number.isNaN(v) ? MISSING_BOOL : v === p ? 1 : 0;
    }
    return out;
  }
  if (column.type === 'categorical') {
    const code = column.dictionary.indexOf(positive);
    const out = new Uint8Array(column.codes.length);
    for (let i = 0; i < out.length; i++) {
      const c = column.codes[i];
      out[i] = c < 0 ? MISSING_BOOL : c === code ? 1 : 0;
    }
    return out;
  }
  throw userError('invalid_column', `column ${JSON.stringify(column.name)} holds lists; a label or prediction needs one value per row`);
}

/** A numeric column's values; a clear error for a column that is not numeric. */
export function numericValues(column: Column, role: string, spec: string): Float64Array {
  if (column.type === 'numeric') return column.values;
  if (column.type === 'boolean') {
    const out = new Float64Array(column.values.length);
    for (let i = 0; i < out.length; i++) out[i] = column.values[i] === MISSING_BOOL ? NaN : column.values[i];
    return out;
  }
  const sample = column.type === 'categorical' ? column.dictionary.slice(0, 3).map((v) => JSON.stringify(v)).join(', ') : 'lists';
  throw userError('not_numeric', `--${role} ${JSON.stringify(spec)} is not numeric (it holds values like ${sample}); pass a numeric column, or --type ${spec}=numeric if it was misread`, { column: spec });
}
