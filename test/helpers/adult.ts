import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from '../../src/index.js';
import { readTable } from '../../src/node.js';
import { SHARED } from './cli.js';

/** UCI Adult's columns, in file order (from adult.names). */
export const ADULT_COLUMNS = [
  'age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship',
  'race', 'sex', 'capital-gain', 'capital-loss', 'hours-per-week', 'native-country', 'income',
];

const DATASETS = join(SHARED, 'datasets');
const missing = ['adult.data', 'adult.test'].filter((f) => !existsSync(join(DATASETS, f)));

/** The reason to skip a test that needs UCI Adult, or false when it is there. */
export const adultSkip: string | false = missing.length > 0 ? `UCI Adult not found: ${missing.map((f) => join(DATASETS, f)).join(', ')}` : false;

/** adult.data and adult.test as tables, and adult.test's labels as 0/1 (`>50K.` is positive). */
export async function loadAdult(): Promise<{ train: Table; test: Table; testLabels: Uint8Array }> {
  const { table: train } = await readTable(join(DATASETS, 'adult.data'), { columns: ADULT_COLUMNS });
  const { table: test } = await readTable(join(DATASETS, 'adult.test'), { columns: ADULT_COLUMNS, skipRows: 1 });
  const income = test.column('income');
  if (income.type !== 'categorical') throw new Error('adult.test income should be categorical');
  const testLabels = Uint8Array.from(income.codes, (c) => (income.dictionary[c] === '>50K.' ? 1 : 0));
  return { train, test, testLabels };
}
