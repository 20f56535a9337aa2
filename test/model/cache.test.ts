import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedPredict, Table, type Model, type Predictions } from '../../src/index.js';

function countingModel(): Model & { calls: number } {
  const m = {
    name: 'counting',
    task: 'regression' as const,
    classes: [],
    inputs: [{ name: 'x', type: 'numeric' as const }],
    calls: 0,
    async predict(table: Table): Promise<Predictions> {
      m.calls++;
      const x = table.column('x');
      if (x.type !== 'numeric') throw new Error('x must be numeric');
      if (x.values.some((v) => v < 0)) throw new Error('negative input');
      return { task: 'regression', values: x.values.map((v) => v * 2) };
    },
  };
  return m;
}

test('cachedPredict scores a table once per model', async () => {
  const t = Table.from({ x: [1, 2, 3] });
  const m = countingModel();
  const a = await cachedPredict(m, t);
  const b = await cachedPredict(m, t);
  assert.equal(a, b);
  assert.equal(m.calls, 1);
  await cachedPredict(m, Table.from({ x: [4] }));
  assert.equal(m.calls, 2);
  await cachedPredict(countingModel(), t);
  assert.equal(m.calls, 2);
});

test('cachedPredict does not keep a failure', async () => {
  const t = Table.from({ x: [-1] });
  const m = countingModel();
  await assert.rejects(cachedPredict(m, t), /negative input/);
  await assert.rejects(cachedPredict(m, t), /negative input/);
  assert.equal(m.calls, 2);
});
