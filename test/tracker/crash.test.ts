import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../src/adapters/tracker/index.js';
import { tempDir } from '../helpers/cli.js';
import { SYNTHETIC_METRICS } from './synthetic.js';
import { startWriter, waitForIds } from './writer-process.js';

test('every run reported committed survives SIGKILL of the writer, and the store passes its integrity check', async (t) => {
  const dir = tempDir('candor-tracker-crash-');
  const store = join(dir, 'runs.sqlite');
  // 100 groups → 808 metric rows per run: each transaction takes long enough that kills land mid-write.
  const groups = 100;
  const perRun = (groups + 1) * SYNTHETIC_METRICS.length;
  const printed: number[] = [];
  for (const [round, kills] of [[0, 10], [1, 25]] as const) {
    const w = startWriter(store, `round${round}`, 0, groups);
    t.after(() => w.child.kill('SIGKILL'));
    await waitForIds(w, kills);
    // A varying extra delay so the kill falls at different points of a transaction.
    await new Promise((r) => setTimeout(r, 3 + round * 4));
    w.child.kill('SIGKILL');
    const { signal } = await w.exited;
    assert.equal(signal, 'SIGKILL');
    printed.push(...w.ids);

    const s = openStore(store, { mustExist: true });
    try {
      const report = s.integrityCheck();
      assert.deepEqual(report, { ok: true, problems: [] });
      const runs = s.listRuns();
      const ids = new Set(runs.map((r) => r.id));
      for (const id of printed) assert.ok(ids.has(id), `run #${id} was reported committed but is missing`);
      // At most the one run committed between its commit and its print may exist unprinted.
      assert.ok(runs.length - printed.length <= round + 1, `${runs.length} runs for ${printed.length} printed`);
      // Atomicity: every run that exists is whole, with its tag and every metric row.
      for (const r of runs) {
        assert.equal(s.runMetrics(r.id).length, perRun, `run #${r.id} is partial`);
        assert.deepEqual(r.tags, [r.name!.split('-')[0]]);
      }
    } finally {
      s.close();
    }
  }
});
