import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv, type Table } from '../../src/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.join(repoRoot, 'test', 'fixtures', 'learn');

/** The 300 generated rows of test/fixtures/learn/data.csv. */
export function referenceData(): Table {
  return parseCsv(readFileSync(path.join(dir, 'data.csv'), 'utf8')).table;
}

export interface LinearReference {
  names: string[];
  coefficients: number[];
  intercept: number;
  predictions: (number | string)[];
}

export interface Reference {
  logistic: LinearReference & { classes: string[]; proba_first10: number[]; proba_yes: number[]; gradient_norm: number };
  'logistic_C0.05': LinearReference;
  multinomial: { names: string[]; classes: string[]; coefficients: number[][]; intercept: number[]; proba: number[][] };
  linear: LinearReference;
  ridge: LinearReference;
  lasso: LinearReference;
  tree_classifier: { names: string[]; classes: string[]; predictions: string[]; proba_yes: number[]; root: { feature: string; threshold: number; impurity: number }; n_leaves: number };
  tree_regressor: { predictions: number[]; n_leaves: number };
  tree_best_first: { predictions: string[]; proba_yes: number[]; n_leaves: number };
}

/** scikit-learn's results on the same rows (test/fixtures/learn/reference.json). */
export function reference(): Reference {
  return JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')) as Reference;
}

/** A seeded N(0,1) stream (Box–Muller on a small LCG) for synthetic test data. */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}
