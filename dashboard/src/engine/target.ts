import { evaluateColumn, evaluateMask, MISSING_BOOL, parseExpression, type Column, type Table, userError } from '../../../src/index.js';
import type { Settings } from './settings.js';

/** A binary task resolved per row, once: what every fast computation of the page reads. */
export interface BinaryTarget {
  /** 1 positive, 0 negative, 255 missing. */
  readonly label: Uint8Array;
  /** Positive-class score (NaN missing), when the prediction is `score >= threshold`. */
  readonly score: Float64Array | null;
  /** 0/1/255 predictions, when there is no score. */
  readonly pred: Uint8Array | null;
  readonly weight: Float64Array | null;
  /** 1 for rows in the analysis: inside the run's `where`, with a label, a prediction (or score) and a valid weight. */
  readonly usable: Uint8Array;
  /** The positive label value as text, and the other one when there is exactly one other. */
  readonly positive: string;
  readonly negative: string | null;
}

/** Sorted distinct values of a column as text, numbers numerically (as `assess` sorts them). */
function distinct(column: Column, limit = 50): string[] {
  if (column.type === 'categorical') {
    const seen = new Uint8Array(column.dictionary.length);
    for (let i = 0; i < column.codes.length; i++) if (column.codes[i] >= 0) seen[column.codes[i]] = 1;
    return column.dictionary.filter((_, c) => seen[c]).sort();
  }
  if (column.type === 'boolean') {
    const seen = [false, false];
    for (let i = 0; i < column.values.length; i++) if (column.values[i] !== MISSING_BOOL) seen[column.values[i]] = true;
    return ['false', 'true'].filter((_, k) => seen[k]);
  }
  if (column.type === 'numeric') {
    const set = new Set<number>();
    for (let i = 0; i < column.values.length && set.size <= limit; i++) if (!Number.isNaN(column.values[i])) set.add(column.values[i]);
    return [...set].sort((a, b) => a - b).map(String);
  }
  return [];
}

/** A column (or a boolean expression) as 0/1 bytes with 255 missing, given its positive value. */
export function toBinary(table: Table, spec: string, positive: string): Uint8Array {
  const column = table.has(spec) ? table.column(spec) : evaluateColumn(parseExpression(spec), table, spec);
  const n = table.rowCount;
  const out = new Uint8Array(n);
  if (column.type === 'boolean') {
    const flip = !(positive === 'true' || positive === '1');
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      out[i] = v === MISSING_BOOL ? MISSING_BOOL : flip ? 1 - v : v;
    }
  } else if (column.type === 'numeric') {
    const p = positive === 'true' ? 1 : positive === 'false' ? 0 : Number(positive);
    for (let i = 0; i < n; i++) {
      const v = column.values[i];
      out[i] = Number.isNaN(v) ? MISSING_BOOL : v === p ? 1 : 0;
    }
  } else if (column.type === 'categorical') {
    const code = column.dictionary.indexOf(positive);
    for (let i = 0; i < n; i++) {
      const c = column.codes[i];
      out[i] = c < 0 ? MISSING_BOOL : c === code ? 1 : 0;
    }
  } else throw userError('invalid_column', `column ${JSON.stringify(spec)} holds lists; a label or prediction needs one value per row`);
  return out;
}

/** The label's positive value: the given one, else true/1, else the larger of two values (scikit-learn's convention, as `assess`). */
function positiveOf(table: Table, label: string, given: string | null): { positive: string; negative: string | null } {
  if (!table.has(label)) return { positive: 'true', negative: 'false' };
  const values = distinct(table.column(label));
  if (given !== null) return { positive: given, negative: values.filter((v) => v !== given && Number(v) !== Number(given))[0] ?? null };
  if (table.column(label).type === 'boolean') return { positive: 'true', negative: 'false' };
  if (values.length > 2) throw userError('not_binary', `the label ${JSON.stringify(label)} has ${values.length} values; the manifest must name the positive one`);
  return { positive: values[values.length - 1] ?? '1', negative: values.length === 2 ? values[0] : null };
}

function numeric(table: Table, name: string): Float64Array {
  const c = table.column(name);
  if (c.type === 'numeric') return c.values;
  if (c.type === 'boolean') return Float64Array.from(c.values, (v) => (v === MISSING_BOOL ? NaN : v));
  throw userError('not_numeric', `column ${JSON.stringify(name)} is not numeric`);
}

/** Resolves the label, score or prediction, weight and the rows in the analysis of a binary task. */
export function binaryTarget(table: Table, s: Settings): BinaryTarget {
  const n = table.rowCount;
  const { positive, negative } = positiveOf(table, s.label, s.positive);
  const label = toBinary(table, s.label, positive);
  const score = s.score ? numeric(table, s.score) : null;
  if (!score && !s.pred) throw userError('missing_option', 'the manifest names neither a score nor a prediction column');
  const pred = score ? null : toBinary(table, s.pred as string, positive);
  const weight = s.weight ? numeric(table, s.weight) : null;
  const within = s.where ? evaluateMask(parseExpression(s.where), table) : null;
  const usable = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (label[i] === MISSING_BOOL) continue;
    if (score ? Number.isNaN(score[i]) : pred![i] === MISSING_BOOL) continue;
    if (weight && !(weight[i] >= 0 && Number.isFinite(weight[i]))) continue;
    if (within && !within.get(i)) continue;
    usable[i] = 1;
  }
  return { label, score, pred, weight, usable, positive, negative };
}
