import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Table } from '../../src/index.js';
import { readTable, writeTableParquet } from '../../src/node.js';
import { tempDir } from '../helpers/cli.js';

test('writeTableParquet round-trips numbers, text (even "yes"/"no" and ""), booleans and missing values', async () => {
  const t = Table.from({
    x: [1.5, null, -3, 1e300],
    answer: ['yes', 'no', null, ''],
    flag: [true, false, null, true],
    id: ['007', '8', '9', '10'],
  });
  const path = join(tempDir(), 'out.parquet');
  await writeTableParquet(t, path);
  const { table } = await readTable(path);
  assert.deepEqual(table.schema().map((f) => f.type), ['numeric', 'categorical', 'boolean', 'categorical']);
  for (let i = 0; i < 4; i++) assert.deepEqual(table.row(i), t.row(i));
});
