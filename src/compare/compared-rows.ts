import { type Prepared, prepare } from '../assess/prepare.js';
import type { CompareOptions } from './options.js';

/** The rows of a comparison: 1 where every model's row is usable (label, prediction, score, `where`). */
export interface PairedRows {
  paired: Uint8Array;
  count: number;
  /** Rows matching `where` left out because some model cannot use them. */
  dropped: number;
}

/** Pairs the rows of prepared models: a row is compared only when every model can use it. */
export function pairRows(prepared: readonly Prepared[], n: number): PairedRows {
  const paired = new Uint8Array(n);
  let count = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    let ok = 1;
    for (const p of prepared) ok &= p.usable[i];
    paired[i] = ok;
    count += ok;
    if (!ok && prepared[0].include[i]) dropped++;
  }
  return { paired, count, dropped };
}

/**
 * The rows {@link compareModels} compares — those with a label and every model's prediction (and
 * score, where given) that match `where` — as 1 per row; e.g. to assess one of the models on
 * exactly those rows.
 * @example
 * const rows = comparedRows(table, options);
 * assess(table.take(indicesOf(rows)), { label, pred: options.models[1].pred });
 */
export function comparedRows(table: Parameters<typeof prepare>[0], options: Pick<CompareOptions, 'label' | 'models' | 'where' | 'positive'>): Uint8Array {
  const prepared = options.models.map((m) => prepare(table, { label: options.label, pred: m.pred, score: m.score, where: options.where, positive: options.positive }));
  return pairRows(prepared, table.rowCount).paired;
}
