import { categoricalFromCodes, type Column, numericColumn } from '../table/index.js';
import type { Predictions } from './model.js';

/**
 * Predictions as table columns: `prediction` (the class label, or the value for regression) and,
 * for classifiers with scores, `probability_<class>` for each class. A prefix avoids clashes
 * with the data's own columns.
 * @example predictionColumns(p) // [prediction, probability_<=50K, probability_>50K]
 */
export function predictionColumns(predictions: Predictions, prefix = ''): Column[] {
  if (predictions.task === 'regression') return [numericColumn(`${prefix}prediction`, predictions.values)];
  const out: Column[] = [categoricalFromCodes(`${prefix}prediction`, predictions.labels, predictions.classes)];
  predictions.scores?.forEach((s, k) => out.push(numericColumn(`${prefix}probability_${predictions.classes[k]}`, s)));
  return out;
}
