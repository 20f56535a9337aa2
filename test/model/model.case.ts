/**
 * The shared conformance suite every {@link Model} implementation runs (JS function, XGBoost JSON,
 * HTTP, ONNX). Call it at the top level of a `*.test.ts` file:
 *
 * ```ts
 * runModelConformance('xgboost binary', async () => parseXgboostModel(json), table, expected, 1e-5);
 * ```
 *
 * - `makeModel` builds the model (called once; the model is shared by the cases);
 * - `table` has every input column (and at least 8 rows, so that batch size 7 splits it);
 * - `expected` holds the reference predictions for `table` (from the original tool);
 * - `tolerance` is the absolute tolerance on scores and values;
 * - `options.skip` maps a case name (see {@link ModelCase}) to the reason it does not apply.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, numericColumn, type Table } from '../../src/index.js';
import type { Model, Predictions } from '../../src/index.js';

/** The cases of the suite, by name. */
export type ModelCase =
  | 'describes itself'
  | 'predicts the expected values in row order'
  | 'gives class labels and probabilities of the right shape'
  | 'gives probabilities in [0, 1] that sum to 1'
  | 'is deterministic across calls'
  | 'does not depend on the batch size'
  | 'predicts an empty table'
  | 'ignores extra and reordered columns'
  | 'names a missing input column in a user error';

export interface ConformanceOptions {
  /** Cases that do not apply, with the reason (shown as the skip message). */
  readonly skip?: Partial<Record<ModelCase, string>>;
}

function length(p: Predictions): number {
  return p.task === 'regression' ? p.values.length : p.labels.length;
}

/** Asserts `actual` equals `expected`: labels exactly, scores and values to `tol`. */
export function assertPredictionsClose(actual: Predictions, expected: Predictions, tol: number, what = 'predictions'): void {
  assert.equal(actual.task, expected.task, `${what}: task`);
  assert.equal(length(actual), length(expected), `${what}: row count`);
  if (actual.task === 'regression' && expected.task === 'regression') {
    for (let i = 0; i < expected.values.length; i++) {
      const a = actual.values[i];
      const e = expected.values[i];
      assert.ok(Math.abs(a - e) <= tol || (Number.isNaN(a) && Number.isNaN(e)), `${what}: row ${i}: expected ${e}, got ${a}`);
    }
    return;
  }
  if (actual.task === 'regression' || expected.task === 'regression') return;
  assert.deepEqual([...actual.classes], [...expected.classes], `${what}: classes`);
  if (expected.scores) {
    assert.ok(actual.scores, `${what}: expected scores, got none`);
    for (let k = 0; k < expected.scores.length; k++) {
      for (let i = 0; i < expected.scores[k].length; i++) {
        const a = actual.scores[k][i];
        const e = expected.scores[k][i];
        assert.ok(Math.abs(a - e) <= tol, `${what}: row ${i} class ${k}: expected ${e}, got ${a}`);
      }
    }
    // Labels may legitimately differ on (near-)ties; require them only where the margin is clear.
    for (let i = 0; i < expected.labels.length; i++) {
      if (actual.labels[i] === expected.labels[i]) continue;
      const s = expected.scores.map((c) => c[i]).sort((x, y) => y - x);
      assert.ok(s[0] - s[1] <= 2 * tol, `${what}: row ${i}: expected label ${expected.labels[i]}, got ${actual.labels[i]}`);
    }
  } else {
    assert.deepEqual([...actual.labels], [...expected.labels], `${what}: labels`);
  }
}

/** Runs the conformance suite for one model implementation (see the module comment). */
export function runModelConformance(name: string, makeModel: () => Promise<Model>, table: Table, expected: Predictions, tolerance = 1e-9, options: ConformanceOptions = {}): void {
  let cached: Promise<Model> | undefined;
  const model = (): Promise<Model> => (cached ??= makeModel());
  const run = (title: ModelCase, fn: (m: Model) => Promise<void>): void => {
    const reason = options.skip?.[title];
    if (reason) test(title, { skip: reason }, () => {});
    else test(title, async () => fn(await model()));
  };

  describe(`Model conformance: ${name}`, () => {
    run('describes itself', async (m) => {
      assert.equal(typeof m.name, 'string');
      assert.ok(m.name.length > 0);
      assert.equal(m.task, expected.task);
      assert.ok(m.inputs.length > 0, 'a model reads at least one input');
      for (const input of m.inputs) assert.ok(table.has(input.name), `input ${input.name} is a column of the test table`);
      if (m.task === 'regression') assert.equal(m.classes.length, 0);
      else if (expected.task !== 'regression') assert.deepEqual([...m.classes], [...expected.classes]);
    });

    run('predicts the expected values in row order', async (m) => {
      assertPredictionsClose(await m.predict(table), expected, tolerance);
    });

    run('gives class labels and probabilities of the right shape', async (m) => {
      const p = await m.predict(table);
      if (p.task === 'regression') {
        assert.equal(p.values.length, table.rowCount);
        return;
      }
      assert.equal(p.labels.length, table.rowCount);
      for (const l of p.labels) assert.ok(l >= 0 && l < p.classes.length, `label index ${l} out of range`);
      if (p.scores) {
        assert.equal(p.scores.length, p.classes.length, 'one score array per class');
        for (const s of p.scores) assert.equal(s.length, table.rowCount);
      }
    });

    run('gives probabilities in [0, 1] that sum to 1', async (m) => {
      const p = await m.predict(table);
      if (p.task === 'regression' || !p.scores) return;
      for (let i = 0; i < table.rowCount; i++) {
        let sum = 0;
        for (const s of p.scores) {
          assert.ok(s[i] >= 0 && s[i] <= 1, `row ${i}: probability ${s[i]} outside [0, 1]`);
          sum += s[i];
        }
        assert.ok(Math.abs(sum - 1) <= 1e-6, `row ${i}: probabilities sum to ${sum}`);
      }
    });

    run('is deterministic across calls', async (m) => {
      const a = await m.predict(table);
      const b = await m.predict(table);
      assertPredictionsClose(b, a, 0, 'second call');
    });

    run('does not depend on the batch size', async (m) => {
      const a = await m.predict(table);
      const b = await m.predict(table, { batchSize: 7 });
      assertPredictionsClose(b, a, 0, 'batchSize 7');
    });

    run('predicts an empty table', async (m) => {
      const p = await m.predict(table.take([]));
      assert.equal(length(p), 0);
      assert.equal(p.task, m.task);
    });

    run('ignores extra and reordered columns', async (m) => {
      const reordered = table.select([...table.names()].reverse()).withColumn(numericColumn('__candor_extra__', new Float64Array(table.rowCount).fill(1e9)));
      assertPredictionsClose(await m.predict(reordered), await m.predict(table), 0, 'with extra columns');
    });

    run('names a missing input column in a user error', async (m) => {
      const missing = m.inputs[0].name;
      const without = table.select(table.names().filter((n) => n !== missing));
      await assert.rejects(m.predict(without), (e: unknown) => {
        assert.ok(isUserError(e), `expected a user error, got ${String(e)}`);
        assert.ok(e.message.includes(JSON.stringify(missing)) || e.message.includes(missing), `message names ${missing}: ${e.message}`);
        return true;
      });
    });
  });
}
