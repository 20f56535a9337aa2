import type { Table } from '../table/index.js';
import type { Model, PredictOptions, Predictions } from './model.js';

const cache = new WeakMap<Table, WeakMap<Model, Promise<Predictions>>>();

/**
 * `model.predict(table)`, computed once per (model, table) pair: analyses that need the same
 * predictions (assessment, error analysis, explanations) never re-score the same rows. Entries go
 * away with the table or the model. A failed prediction is not cached.
 */
export function cachedPredict(model: Model, table: Table, options?: PredictOptions): Promise<Predictions> {
  let byModel = cache.get(table);
  if (!byModel) cache.set(table, (byModel = new WeakMap()));
  let entry = byModel.get(model);
  if (!entry) {
    entry = model.predict(table, options);
    byModel.set(model, entry);
    entry.catch(() => byModel!.delete(model));
  }
  return entry;
}
