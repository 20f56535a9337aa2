// UCI Adult for the benchmarks that train on adult.data and evaluate on adult.test: the files'
// paths, their tables (adult.test's preamble line skipped) and the features every bench uses (all
// columns but fnlwgt and the label). Exits with a "skipped" line when ../shared is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readTable } from '../src/node.js';

const DATASETS = join(import.meta.dirname, '..', '..', 'shared', 'datasets');
/** UCI Adult's columns, in file order (from adult.names). */
export const ADULT_COLUMNS = [
  'age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship',
  'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income',
];
export const trainPath = join(DATASETS, 'adult.data');
export const testPath = join(DATASETS, 'adult.test');
if (!existsSync(trainPath) || !existsSync(testPath)) {
  console.log(`skipped: UCI Adult not found in ${DATASETS}`);
  process.exit(0);
}
export const { table: train } = await readTable(trainPath, { columns: ADULT_COLUMNS });
export const { table: test } = await readTable(testPath, { columns: ADULT_COLUMNS, skipRows: 1 });
export const features = ADULT_COLUMNS.filter((c) => c !== 'fnlwgt' && c !== 'income');
